/* fk-sync-engine.h: sends the outbox to the server, exactly once
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define FK_TYPE_SYNC_ENGINE (fk_sync_engine_get_type ())
G_DECLARE_FINAL_TYPE (FkSyncEngine, fk_sync_engine, FK, SYNC_ENGINE, GObject)

/* Properties the UI binds to:
 *   "pending"      guint      records waiting to be sent
 *   "sending"      gboolean   a sync is under way
 *   "sent"         guint      records sent so far in this run ("n of total")
 *   "total"        guint      records in this run
 *   "last-success" GDateTime* end of the last sync that reached the server
 *   "last-error"   char*      the officer's sentence for the last failure, or NULL
 */
guint        fk_sync_engine_get_pending       (FkSyncEngine *self);
gboolean     fk_sync_engine_get_sending       (FkSyncEngine *self);
guint        fk_sync_engine_get_sent          (FkSyncEngine *self);
guint        fk_sync_engine_get_total         (FkSyncEngine *self);
GDateTime   *fk_sync_engine_get_last_success  (FkSyncEngine *self);
const char  *fk_sync_engine_get_last_error    (FkSyncEngine *self);

/* Deletes a record the server has never had (a draft, or one waiting or
 * rejected) from this device.  Completes once that is on disk and
 * "pending" is counted again, after ::record-discarded.  One being sent
 * right now or already sent is refused, with a sentence for the officer. */
void         fk_sync_engine_discard_async     (FkSyncEngine        *self,
                                               const char          *kind,
                                               const char          *uuid,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean     fk_sync_engine_discard_finish    (FkSyncEngine        *self,
                                               GAsyncResult        *result,
                                               GError             **error);

G_END_DECLS
