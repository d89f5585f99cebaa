/* fk-sync-engine-private.h: what FkClient uses of the sync engine
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fk-api-client.h"
#include "fk-store.h"
#include "fk-sync-engine.h"

G_BEGIN_DECLS

FkSyncEngine *fk_sync_engine_new              (FkStore              *store);
/* The session's API client; NULL while locked, which also stops a run. */
void          fk_sync_engine_set_api          (FkSyncEngine         *self,
                                               FkApiClient          *api);
/* Sends the whole outbox, batch after batch.  A call while a run is under
 * way completes with that run, which picks up what was queued meanwhile. */
void          fk_sync_engine_run_async        (FkSyncEngine         *self,
                                               GCancellable         *cancellable,
                                               GAsyncReadyCallback   callback,
                                               gpointer              user_data);
gboolean      fk_sync_engine_run_finish       (FkSyncEngine         *self,
                                               GAsyncResult         *result,
                                               GError              **error);
/* Whether a batch is being read from the outbox: a record saved before
 * may be in it, and ::record-offered has not said so yet. */
gboolean      fk_sync_engine_is_reading_outbox (FkSyncEngine        *self);
/* Recounts the outbox after a save. */
void          fk_sync_engine_refresh_pending  (FkSyncEngine         *self);

G_END_DECLS
