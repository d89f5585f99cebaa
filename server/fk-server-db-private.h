/* fk-server-db-private.h: what tests of FkServerDb need beyond its API
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <sqlite3.h>

#include "fk-server-db.h"

G_BEGIN_DECLS

/* Freezes the store's clock at @unix_seconds (0 goes back to the real
 * clock), so that expiry is tested without sleeping. */
void     fk_server_db_set_now      (FkServerDb *self,
                                    gint64      unix_seconds);
gint64   fk_server_db_get_now      (FkServerDb *self);
sqlite3 *fk_server_db_get_handle   (FkServerDb *self);

G_END_DECLS
