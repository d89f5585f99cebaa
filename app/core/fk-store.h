/* fk-store.h: the device's records, encrypted, in SQLite on one worker thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "fk-hotel-tip.h"

G_BEGIN_DECLS

typedef struct {
  char          *uuid;
  char          *kind;
  guint          revision;
  FkRecordState  state;
  char          *failure;
  gint64         updated_at;   /* unix seconds */
  JsonObject    *payload;      /* decrypted */
  gint64         offer;        /* outbox: the mark this batch set, 0 if one was there */
  gboolean       on_server;    /* the server has had a revision of it */
  gboolean       offered;      /* in a batch the server has not answered for */
} FkStoreRecord;

/* What the server said of one record of a batch. */
typedef struct {
  char          *uuid;
  guint          revision;
  gboolean       stored;       /* accepted, duplicate or conflict */
  char          *failure;      /* rejected: the reason, for the officer */
  JsonObject    *reply;        /* the server's result item, as it came */
} FkStoreResult;

void     fk_store_record_free  (FkStoreRecord *record);
void     fk_store_result_free  (FkStoreResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FkStoreRecord, fk_store_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FkStoreResult, fk_store_result_free)

#define FK_TYPE_STORE (fk_store_get_type ())
G_DECLARE_FINAL_TYPE (FkStore, fk_store, FK, STORE, GObject)

FkStore    *fk_store_new                   (const char           *path);

/* Creates or migrates the schema. */
void        fk_store_open_async            (FkStore              *self,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
gboolean    fk_store_open_finish           (FkStore              *self,
                                            GAsyncResult         *result,
                                            GError              **error);

/* The session's data key; payloads can be read and written only while set. */
void        fk_store_set_data_key          (FkStore              *self,
                                            GBytes               *data_key);

/* Completes once the record is committed to disk.  Returns the new revision. */
void        fk_store_save_async            (FkStore              *self,
                                            const char           *uuid,
                                            const char           *kind,
                                            FkRecordState         state,
                                            JsonObject           *payload,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
guint       fk_store_save_finish           (FkStore              *self,
                                            GAsyncResult         *result,
                                            GError              **error);

/* FkStoreRecord of @kind, newest first. */
void        fk_store_load_async            (FkStore              *self,
                                            const char           *kind,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
GPtrArray  *fk_store_load_finish           (FkStore              *self,
                                            GAsyncResult         *result,
                                            GError              **error);

/* The oldest records waiting to be sent, at most @max_records and about
 * @max_bytes of payload, each marked as offered to the server (durably,
 * before they are returned): from then on a record may be on the server
 * whatever becomes of the reply, and is not discarded until the server
 * has answered for it or the batch is withdrawn.  A mark set by an earlier
 * batch without an answer stays. */
void        fk_store_outbox_async          (FkStore              *self,
                                            guint                 max_records,
                                            gsize                 max_bytes,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
GPtrArray  *fk_store_outbox_finish         (FkStore              *self,
                                            GAsyncResult         *result,
                                            GError              **error);

/* Applies FkStoreResult items in one transaction; each answer ends the
 * offer.  A record edited since it was sent keeps waiting, and offered:
 * only the revision the server saw is marked. */
void        fk_store_apply_results_async   (FkStore              *self,
                                            GPtrArray            *results,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
gboolean    fk_store_apply_results_finish  (FkStore              *self,
                                            GAsyncResult         *result,
                                            GError              **error);
/* The batch never left (fk_api_client_call_body_sent()): takes back the
 * marks its outbox set, so its records may be discarded again. */
void        fk_store_withdraw_async        (FkStore              *self,
                                            GPtrArray            *batch,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
gboolean    fk_store_withdraw_finish       (FkStore              *self,
                                            GAsyncResult         *result,
                                            GError              **error);

/* Deletes a record the server has never had: a draft, or one waiting or
 * rejected; completes once that is on disk.  Refuses one the server has
 * had (G_IO_ERROR_PERMISSION_DENIED), one that is not there
 * (G_IO_ERROR_NOT_FOUND), and, with @sync_running, one waiting to be sent,
 * which the run may have in hand (G_IO_ERROR_BUSY). */
void        fk_store_discard_async         (FkStore              *self,
                                            const char           *kind,
                                            const char           *uuid,
                                            gboolean              sync_running,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
gboolean    fk_store_discard_finish        (FkStore              *self,
                                            GAsyncResult         *result,
                                            GError              **error);

/* Takes back the changes to a record the server has had, which the server
 * has not: @payload, the record as the server has it, replaces the stored
 * one, and the record is sent again.  Completes once that is on disk, with
 * the new revision.  Refuses as fk_store_discard_async() does, but one the
 * server never had (G_IO_ERROR_INVALID_ARGUMENT) instead of one it has. */
void        fk_store_revert_async          (FkStore              *self,
                                            const char           *kind,
                                            const char           *uuid,
                                            JsonObject           *payload,
                                            gboolean              sync_running,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
guint       fk_store_revert_finish         (FkStore              *self,
                                            GAsyncResult         *result,
                                            GError              **error);

/* The uuids of records in a batch the server has not answered for, as a
 * set: they may be on the server, whatever this device shows. */
void        fk_store_list_offered_async    (FkStore              *self,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
GHashTable *fk_store_list_offered_finish   (FkStore              *self,
                                            GAsyncResult         *result,
                                            GError              **error);

/* Deletes every record and the database files (remote wipe).  The store
 * can be opened again afterwards. */
void        fk_store_wipe_async            (FkStore              *self,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
gboolean    fk_store_wipe_finish           (FkStore              *self,
                                            GAsyncResult         *result,
                                            GError              **error);

/* Deletes records of @kind that the server has had for at least
 * @sent_seconds_ago; returns how many. */
void        fk_store_purge_async           (FkStore              *self,
                                            const char           *kind,
                                            guint64               sent_seconds_ago,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
gssize      fk_store_purge_finish          (FkStore              *self,
                                            GAsyncResult         *result,
                                            GError              **error);

/* Small clear-text values the sync needs, such as the change cursor. */
void        fk_store_get_meta_async        (FkStore              *self,
                                            const char           *key,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
char       *fk_store_get_meta_finish       (FkStore              *self,
                                            GAsyncResult         *result,
                                            GError              **error);
void        fk_store_set_meta_async        (FkStore              *self,
                                            const char           *key,
                                            const char           *value,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
gboolean    fk_store_set_meta_finish       (FkStore              *self,
                                            GAsyncResult         *result,
                                            GError              **error);

/* Completes when every job queued before it has. */
void        fk_store_flush_async           (FkStore              *self,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
gboolean    fk_store_flush_finish          (FkStore              *self,
                                            GAsyncResult         *result,
                                            GError              **error);

void        fk_store_count_pending_async   (FkStore              *self,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
gssize      fk_store_count_pending_finish  (FkStore              *self,
                                            GAsyncResult         *result,
                                            GError              **error);

G_END_DECLS
