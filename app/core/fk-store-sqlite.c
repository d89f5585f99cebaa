/* fk-store-sqlite.c: SQLite, for the store's thread (fk-store-backend.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gmodule.h>

#include "fk-store-backend.h"

G_MODULE_EXPORT const FkStoreBackend *fk_store_backend_get (void);

const FkStoreBackend *
fk_store_backend_get (void)
{
  static const FkStoreBackend backend = {
    .version = FK_STORE_BACKEND_VERSION,
    .open_v2 = sqlite3_open_v2,
    .close = sqlite3_close,
    .busy_timeout = sqlite3_busy_timeout,
    .exec = sqlite3_exec,
    .errmsg = sqlite3_errmsg,
    .changes = sqlite3_changes,
    .prepare_v2 = sqlite3_prepare_v2,
    .step = sqlite3_step,
    .reset = sqlite3_reset,
    .finalize = sqlite3_finalize,
    .bind_blob = sqlite3_bind_blob,
    .bind_int = sqlite3_bind_int,
    .bind_int64 = sqlite3_bind_int64,
    .bind_null = sqlite3_bind_null,
    .bind_text = sqlite3_bind_text,
    .column_blob = sqlite3_column_blob,
    .column_bytes = sqlite3_column_bytes,
    .column_int = sqlite3_column_int,
    .column_int64 = sqlite3_column_int64,
    .column_text = sqlite3_column_text,
    .column_type = sqlite3_column_type,
  };

  return &backend;
}
