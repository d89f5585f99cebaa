/* fk-sync-engine.c: sends the outbox to the server, exactly once
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Exactly once rests on two things: the server stores each (uuid, revision)
 * once and answers "duplicate" to a replay, and a record is marked sent here
 * only after the server's answer for that revision is committed locally.  A
 * reply lost on the way, or a kill at any point, leaves the record pending,
 * and the next run replays it harmlessly.
 */
#define G_LOG_DOMAIN "fk-sync-engine"

#include "config.h"

#include <string.h>

#include "fk-error.h"
#include "fk-event-checklist.h"
#include "fk-hotel-tip.h"
#include "fk-protocol.h"
#include "fk-sync-engine-private.h"

/* Full-jitter exponential backoff (AWS architecture blog): the n-th retry
 * waits a uniform random time in [0, min(cap, base * 2^n)]. */
#define BACKOFF_BASE_MS   500
#define BACKOFF_CAP_MS    (5 * 60 * 1000)

struct _FkSyncEngine
{
  GObject       parent_instance;

  FkStore      *store;
  FkApiClient  *api;

  GCancellable *cancellable;   /* of the run under way */
  GPtrArray    *waiters;       /* GTasks completed when the run ends */
  GPtrArray    *batch;         /* FkStoreRecord in flight */
  GPtrArray    *results;       /* FkStoreResult being committed */
  GError       *run_error;     /* how the run ends, once its batch is withdrawn */
  gboolean      reading;       /* the outbox is being read for a batch */

  gboolean      run_again;     /* asked for while a run was under way */
  guint         failures;      /* consecutive, for the backoff */
  guint         retry_after;   /* seconds the server asked for, 0 if none */
  gboolean      server_asked_to_wait;  /* the retry timer honours a Retry-After */
  guint         retry_source;
  GNetworkMonitor *network;
  gboolean      network_available;  /* as last told, to see it come back */

  guint         pending;
  guint         sent;
  guint         total;
  GDateTime    *last_success;
  char         *last_error;
};

G_DEFINE_FINAL_TYPE (FkSyncEngine, fk_sync_engine, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PENDING,
  PROP_SENDING,
  PROP_SENT,
  PROP_TOTAL,
  PROP_LAST_SUCCESS,
  PROP_LAST_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  RECORD_OFFERED,
  RECORD_SYNCED,
  RECORD_DISCARDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void send_next_batch (FkSyncEngine *self);
static void start_run (FkSyncEngine *self);

static void
set_uint_property (FkSyncEngine *self,
                   guint        *field,
                   guint         value,
                   int           prop)
{
  if (*field == value)
    return;

  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_last_error (FkSyncEngine *self,
                const char   *message)
{
  if (g_strcmp0 (self->last_error, message) == 0)
    return;

  g_free (self->last_error);
  self->last_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

static gboolean
on_retry_timeout (gpointer user_data)
{
  FkSyncEngine *self = user_data;

  self->retry_source = 0;
  if (self->api != NULL && self->cancellable == NULL)
    start_run (self);

  return G_SOURCE_REMOVE;
}

/* Only while something waits and a session can send it: no timer, no
 * wake-ups, when there is nothing to do. */
static void
schedule_retry (FkSyncEngine *self)
{
  guint64 window_ms, delay_ms;

  if (self->api == NULL || self->pending == 0 || self->retry_source != 0)
    return;

  window_ms = MIN ((guint64) BACKOFF_CAP_MS, (guint64) BACKOFF_BASE_MS << MIN (self->failures, 20));
  delay_ms = (guint64) g_random_double_range (0, (double) window_ms);
  delay_ms = MAX (delay_ms, (guint64) self->retry_after * 1000);
  self->server_asked_to_wait = self->retry_after > 0;
  self->failures++;
  self->retry_after = 0;

  g_debug ("Retrying in %" G_GUINT64_FORMAT " ms (failure %u)", delay_ms, self->failures);
  self->retry_source = g_timeout_add_full (G_PRIORITY_DEFAULT, delay_ms, on_retry_timeout, self, NULL);
}

static void
cancel_retry (FkSyncEngine *self)
{
  g_clear_handle_id (&self->retry_source, g_source_remove);
}

static void
finish_run (FkSyncEngine *self,
            GError       *error)
{
  g_autoptr(GPtrArray) waiters = NULL;

  /* Whoever asked while this run was under way asked after it started: a
   * record saved after it read the outbox is not in it, and a network that
   * came back after it failed was not tried.  They get a run of their own. */
  if (self->run_again && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_error (&error);
      self->run_again = FALSE;
      g_clear_object (&self->cancellable);
      start_run (self);
      return;
    }

  self->run_again = FALSE;
  waiters = g_steal_pointer (&self->waiters);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->batch, g_ptr_array_unref);
  g_clear_pointer (&self->results, g_ptr_array_unref);
  self->waiters = g_ptr_array_new_with_free_func (g_object_unref);

  if (error == NULL)
    {
      g_clear_pointer (&self->last_success, g_date_time_unref);
      self->last_success = g_date_time_new_now_utc ();
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SUCCESS]);
      set_last_error (self, NULL);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    set_last_error (self, error->message);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SENDING]);

  if (error == NULL)
    self->failures = 0;
  else if (fk_error_is_transient (error))
    schedule_retry (self);

  for (guint i = 0; i < waiters->len; i++)
    {
      GTask *task = g_ptr_array_index (waiters, i);

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_boolean (task, TRUE);
    }

  g_clear_error (&error);
}

static void
on_results_applied (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(FkSyncEngine) self = user_data;
  g_autoptr(GPtrArray) results = g_steal_pointer (&self->results);
  g_autoptr(GError) error = NULL;

  if (!fk_store_apply_results_finish (FK_STORE (object), result, &error))
    {
      finish_run (self, g_steal_pointer (&error));
      return;
    }

  for (guint i = 0; i < results->len; i++)
    {
      FkStoreResult *item = g_ptr_array_index (results, i);

      g_signal_emit (self, signals[RECORD_SYNCED], 0,
                     item->uuid, item->revision, item->stored, item->failure, item->reply);
    }

  /* Progress: whatever failed before was passing weather. */
  self->failures = 0;
  set_uint_property (self, &self->sent, MIN (self->sent + results->len, self->total), PROP_SENT);
  set_uint_property (self, &self->pending, self->pending > results->len ? self->pending - results->len : 0, PROP_PENDING);

  send_next_batch (self);
}

/* The server's detail is English for its log; the officer gets the same
 * check's sentence in their language, from the field the server named. */
static char *
rejection_reason (JsonObject    *item,
                  FkStoreRecord *record)
{
  JsonNode *problem_node = json_object_get_member (item, "problem");
  const char *field = NULL;
  char *reason = NULL;

  if (problem_node != NULL && JSON_NODE_HOLDS_OBJECT (problem_node))
    field = json_object_get_string_member_with_default (json_node_get_object (problem_node), "field", NULL);

  if (field != NULL && g_str_equal (record->kind, FK_KIND_HOTEL_TIP))
    {
      g_autoptr(FkHotelTip) tip = fk_hotel_tip_new_from_payload (record->uuid, record->payload, NULL);

      if (tip != NULL && g_object_class_find_property (G_OBJECT_GET_CLASS (tip), field) != NULL)
        reason = fk_hotel_tip_check_field (tip, field);
    }
  else if (g_strcmp0 (field, "note") == 0 && g_str_equal (record->kind, FK_KIND_EVENT_CHECKLIST))
    {
      reason = fk_event_checklist_stored_check_notes (record->payload);
    }

  return reason ? reason : g_strdup (fk_error_code_to_message (FK_ERROR_INVALID_RECORD));
}

static FkStoreResult *
parse_result (JsonObject    *item,
              FkStoreRecord *record)
{
  g_autoptr(FkStoreResult) result = g_new0 (FkStoreResult, 1);
  const char *status = json_object_get_string_member_with_default (item, "status", "");

  result->uuid = g_strdup (record->uuid);
  result->revision = record->revision;
  result->reply = json_object_ref (item);

  /* Stored without saying how far: everything it was sent is applied, or
   * the same operations would go round again and again. */
  if (g_str_equal (record->kind, FK_KIND_EVENT_CHECKLIST) && !json_object_has_member (item, "acked"))
    json_object_set_int_member (result->reply, "acked", fk_event_checklist_stored_last_seq (record->payload));

  if (g_str_equal (status, FK_RESULT_ACCEPTED) || g_str_equal (status, FK_RESULT_DUPLICATE) ||
      g_str_equal (status, FK_RESULT_CONFLICT))
    {
      result->stored = TRUE;
    }
  else if (g_str_equal (status, FK_RESULT_REJECTED))
    {
      result->failure = rejection_reason (item, record);
    }
  else
    {
      return NULL;
    }

  return g_steal_pointer (&result);
}

/* Pairs each answer with the revision that was sent; an answer for a uuid
 * not in the batch is ignored, and a record without one stays pending. */
static GPtrArray *
parse_results (JsonNode  *reply,
               GPtrArray *batch)
{
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) fk_store_result_free);
  g_autoptr(GHashTable) sent = g_hash_table_new (g_str_hash, g_str_equal);
  JsonNode *items_node;
  JsonArray *items;

  if (reply == NULL || !JSON_NODE_HOLDS_OBJECT (reply) ||
      (items_node = json_object_get_member (json_node_get_object (reply), "results")) == NULL ||
      !JSON_NODE_HOLDS_ARRAY (items_node))
    return NULL;

  for (guint i = 0; i < batch->len; i++)
    {
      FkStoreRecord *record = g_ptr_array_index (batch, i);

      g_hash_table_insert (sent, record->uuid, record);
    }

  items = json_node_get_array (items_node);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode *node = json_array_get_element (items, i);
      FkStoreRecord *record;
      FkStoreResult *result;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;

      record = g_hash_table_lookup (sent, json_object_get_string_member_with_default (json_node_get_object (node), "uuid", ""));
      if (record == NULL)
        continue;

      /* Each record once, even if a confused server repeats it. */
      g_hash_table_remove (sent, record->uuid);
      result = parse_result (json_node_get_object (node), record);
      if (result != NULL)
        g_ptr_array_add (results, result);
    }

  return g_steal_pointer (&results);
}

static void
on_batch_withdrawn (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(FkSyncEngine) self = user_data;
  g_autoptr(GPtrArray) batch = g_steal_pointer (&self->batch);
  g_autoptr(GError) error = NULL;

  /* Still marked: its records only wait for an answer before a discard. */
  if (!fk_store_withdraw_finish (FK_STORE (object), result, &error))
    g_warning ("Could not take back a batch that was not sent: %s", error->message);
  else
    for (guint i = 0; i < batch->len; i++)
      {
        FkStoreRecord *record = g_ptr_array_index (batch, i);

        /* One an earlier batch marked still waits for that one's answer. */
        if (record->offer != 0)
          g_signal_emit (self, signals[RECORD_OFFERED], 0, record->uuid, FALSE);
      }

  finish_run (self, g_steal_pointer (&self->run_error));
}

static void
on_batch_sent (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(FkSyncEngine) self = user_data;
  g_autoptr(GPtrArray) batch = g_steal_pointer (&self->batch);
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(JsonObject) problem = NULL;
  g_autoptr(GError) error = NULL;

  reply = fk_api_client_call_finish (FK_API_CLIENT (object), result, &problem, &error);
  if (error != NULL)
    {
      if (problem != NULL)
        self->retry_after = json_object_get_int_member_with_default (problem, "retry_after", 0);

      /* Never left this phone (offline, say): the server cannot have it,
       * and the officer may still discard it. */
      if (!fk_api_client_call_body_sent (FK_API_CLIENT (object), result))
        {
          self->run_error = g_steal_pointer (&error);
          self->batch = g_steal_pointer (&batch);
          fk_store_withdraw_async (self->store, self->batch, NULL, on_batch_withdrawn, g_object_ref (self));
          return;
        }

      finish_run (self, g_steal_pointer (&error));
      return;
    }

  self->results = parse_results (reply, batch);
  if (self->results == NULL || self->results->len == 0)
    {
      g_warning ("Batch reply without usable results");
      finish_run (self, g_error_new_literal (FK_ERROR, FK_ERROR_SERVER,
                                             fk_error_code_to_message (FK_ERROR_SERVER)));
      return;
    }

  fk_store_apply_results_async (self->store, self->results, self->cancellable,
                                on_results_applied, g_object_ref (self));
}

static JsonNode *
build_batch (GPtrArray *batch)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "records");
  json_builder_begin_array (builder);
  for (guint i = 0; i < batch->len; i++)
    {
      FkStoreRecord *record = g_ptr_array_index (batch, i);
      g_autoptr(JsonNode) payload = json_node_new (JSON_NODE_OBJECT);

      /* A checklist travels as its operations; the store keeps more. */
      if (g_str_equal (record->kind, FK_KIND_EVENT_CHECKLIST))
        json_node_take_object (payload, fk_event_checklist_stored_to_wire (record->payload));
      else
        json_node_set_object (payload, record->payload);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "uuid");
      json_builder_add_string_value (builder, record->uuid);
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, record->kind);
      json_builder_set_member_name (builder, "revision");
      json_builder_add_int_value (builder, record->revision);
      json_builder_set_member_name (builder, "payload");
      json_builder_add_value (builder, g_steal_pointer (&payload));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* The outbox keeps a batch of several within half of what the server
 * takes, so only a record alone can be more. */
static gboolean
is_too_large (GPtrArray *batch,
              JsonNode  *body)
{
  g_autofree char *text = NULL;

  if (batch->len != 1)
    return FALSE;

  text = json_to_string (body, FALSE);
  return strlen (text) > FK_MAX_BATCH_BYTES;
}

/* It could never be sent, and would hold up every record behind it: it
 * fails here, with what the officer can do about it. */
static FkStoreResult *
too_large_result (FkStoreRecord *record)
{
  FkStoreResult *result = g_new0 (FkStoreResult, 1);

  result->uuid = g_strdup (record->uuid);
  result->revision = record->revision;
  result->failure = g_strdup (fk_error_code_to_message (FK_ERROR_RECORD_TOO_LARGE));
  return result;
}

static void
on_outbox_ready (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(FkSyncEngine) self = user_data;
  g_autoptr(GPtrArray) batch = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;

  self->reading = FALSE;
  batch = fk_store_outbox_finish (FK_STORE (object), result, &error);
  if (batch == NULL)
    {
      finish_run (self, g_steal_pointer (&error));
      return;
    }

  if (batch->len == 0)
    {
      set_uint_property (self, &self->pending, 0, PROP_PENDING);
      finish_run (self, NULL);
      return;
    }

  /* Locked while the outbox was read: the run ends here, records stay. */
  if (self->api == NULL)
    {
      finish_run (self, g_error_new_literal (FK_ERROR, FK_ERROR_SESSION_EXPIRED,
                                             fk_error_code_to_message (FK_ERROR_SESSION_EXPIRED)));
      return;
    }

  body = build_batch (batch);
  if (is_too_large (batch, body))
    {
      self->results = g_ptr_array_new_with_free_func ((GDestroyNotify) fk_store_result_free);
      g_ptr_array_add (self->results, too_large_result (g_ptr_array_index (batch, 0)));
      fk_store_apply_results_async (self->store, self->results, self->cancellable,
                                    on_results_applied, g_object_ref (self));
      return;
    }

  self->batch = g_steal_pointer (&batch);
  /* From here each may reach the server, whatever becomes of the reply. */
  for (guint i = 0; i < self->batch->len; i++)
    {
      FkStoreRecord *record = g_ptr_array_index (self->batch, i);

      g_signal_emit (self, signals[RECORD_OFFERED], 0, record->uuid, TRUE);
    }
  fk_api_client_call_async (self->api, "POST", FK_PATH_RECORDS_BATCH, body, self->cancellable,
                            on_batch_sent, g_object_ref (self));
}

static void
send_next_batch (FkSyncEngine *self)
{
  if (g_cancellable_is_cancelled (self->cancellable))
    {
      finish_run (self, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Sync cancelled"));
      return;
    }

  self->reading = TRUE;
  fk_store_outbox_async (self->store, FK_MAX_BATCH_RECORDS,
                         /* leave room for the envelope and base64 growth */
                         FK_MAX_BATCH_BYTES / 2,
                         self->cancellable, on_outbox_ready, g_object_ref (self));
}

static void
on_run_pending_counted (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(FkSyncEngine) self = user_data;
  g_autoptr(GError) error = NULL;
  gssize pending;

  pending = fk_store_count_pending_finish (FK_STORE (object), result, &error);
  if (pending < 0)
    {
      finish_run (self, g_steal_pointer (&error));
      return;
    }

  set_uint_property (self, &self->pending, pending, PROP_PENDING);
  set_uint_property (self, &self->total, pending, PROP_TOTAL);
  set_uint_property (self, &self->sent, 0, PROP_SENT);
  send_next_batch (self);
}

void
fk_sync_engine_run_async (FkSyncEngine        *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  gboolean running;

  g_return_if_fail (FK_IS_SYNC_ENGINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fk_sync_engine_run_async);

  if (self->api == NULL)
    {
      g_task_return_new_error (task, FK_ERROR, FK_ERROR_SESSION_EXPIRED, "%s",
                               fk_error_code_to_message (FK_ERROR_SESSION_EXPIRED));
      return;
    }

  running = self->cancellable != NULL;
  g_ptr_array_add (self->waiters, g_steal_pointer (&task));
  if (running)
    {
      self->run_again = TRUE;
      return;
    }

  /* Asked for now: the officer's "Sync now" beats the backoff. */
  self->failures = 0;
  start_run (self);
}

static void
start_run (FkSyncEngine *self)
{
  cancel_retry (self);
  self->server_asked_to_wait = FALSE;
  self->cancellable = g_cancellable_new ();
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SENDING]);
  fk_store_count_pending_async (self->store, self->cancellable, on_run_pending_counted, g_object_ref (self));
}

gboolean
fk_sync_engine_run_finish (FkSyncEngine  *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_pending_counted (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(FkSyncEngine) self = user_data;
  gssize pending = fk_store_count_pending_finish (FK_STORE (object), result, NULL);

  if (pending >= 0)
    set_uint_property (self, &self->pending, pending, PROP_PENDING);
}

void
fk_sync_engine_refresh_pending (FkSyncEngine *self)
{
  g_return_if_fail (FK_IS_SYNC_ENGINE (self));

  fk_store_count_pending_async (self->store, NULL, on_pending_counted, g_object_ref (self));
}

static void
on_network_changed (GNetworkMonitor *monitor,
                    gboolean         available,
                    FkSyncEngine    *self)
{
  gboolean came_back = available && !self->network_available;

  self->network_available = available;
  if (!available || self->api == NULL || self->pending == 0)
    return;

  /* Coverage is back, or another network took over: send now rather than
   * wait out the backoff.  But a server that asked for time gets it unless
   * coverage was really gone: network-changed comes for any route, and
   * says "available" for a moment while a link goes away. */
  if (!came_back && self->server_asked_to_wait)
    return;

  /* A run under way may fail for the coverage it started without. */
  if (self->cancellable != NULL)
    {
      self->run_again = TRUE;
      return;
    }

  self->failures = 0;
  start_run (self);
}

void
fk_sync_engine_set_api (FkSyncEngine *self,
                        FkApiClient  *api)
{
  g_return_if_fail (FK_IS_SYNC_ENGINE (self));

  if (self->api == api)
    return;

  if (api == NULL)
    {
      cancel_retry (self);
      if (self->cancellable != NULL)
        g_cancellable_cancel (self->cancellable);
    }

  g_set_object (&self->api, api);

  /* Only a logged-in engine sends, and the monitor is not free to make: on
   * a phone it asks NetworkManager over the system bus, and at start that
   * would hold up the first frame. */
  if (api != NULL && self->network == NULL)
    {
      self->network = g_object_ref (g_network_monitor_get_default ());
      self->network_available = g_network_monitor_get_network_available (self->network);
      g_signal_connect_object (self->network, "network-changed", G_CALLBACK (on_network_changed), self, 0);
    }
}

typedef struct {
  char *kind;
  char *uuid;
} DiscardData;

static void
discard_data_free (DiscardData *data)
{
  g_free (data->kind);
  g_free (data->uuid);
  g_free (data);
}

static void
on_discard_counted (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FkSyncEngine *self = g_task_get_source_object (task);
  gssize pending = fk_store_count_pending_finish (FK_STORE (object), result, NULL);

  /* The record is gone either way; a count that failed is only stale. */
  if (pending >= 0)
    set_uint_property (self, &self->pending, pending, PROP_PENDING);
  if (self->pending == 0)
    cancel_retry (self);

  g_task_return_boolean (task, TRUE);
}

static void
on_discarded (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FkSyncEngine *self = g_task_get_source_object (task);
  DiscardData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!fk_store_discard_finish (FK_STORE (object), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_signal_emit (self, signals[RECORD_DISCARDED], 0, data->kind, data->uuid);
  fk_store_count_pending_async (self->store, NULL, on_discard_counted, g_steal_pointer (&task));
}

void
fk_sync_engine_discard_async (FkSyncEngine        *self,
                              const char          *kind,
                              const char          *uuid,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  DiscardData *data;

  g_return_if_fail (FK_IS_SYNC_ENGINE (self));
  g_return_if_fail (kind != NULL && uuid != NULL);

  data = g_new0 (DiscardData, 1);
  data->kind = g_strdup (kind);
  data->uuid = g_strdup (uuid);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fk_sync_engine_discard_async);
  g_task_set_task_data (task, data, (GDestroyNotify) discard_data_free);

  /* A run under way may have the record in a batch: the store refuses a
   * waiting one then.  A run that starts later reads the outbox after the
   * record is gone, since the store does its jobs in order. */
  fk_store_discard_async (self->store, kind, uuid, self->cancellable != NULL, cancellable,
                          on_discarded, g_steal_pointer (&task));
}

gboolean
fk_sync_engine_discard_finish (FkSyncEngine  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
fk_sync_engine_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  FkSyncEngine *self = FK_SYNC_ENGINE (object);

  switch (prop_id)
    {
    case PROP_PENDING:
      g_value_set_uint (value, self->pending);
      break;
    case PROP_SENDING:
      g_value_set_boolean (value, fk_sync_engine_get_sending (self));
      break;
    case PROP_SENT:
      g_value_set_uint (value, self->sent);
      break;
    case PROP_TOTAL:
      g_value_set_uint (value, self->total);
      break;
    case PROP_LAST_SUCCESS:
      g_value_set_boxed (value, self->last_success);
      break;
    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fk_sync_engine_dispose (GObject *object)
{
  FkSyncEngine *self = (FkSyncEngine *) object;

  cancel_retry (self);
  if (self->network != NULL)
    g_signal_handlers_disconnect_by_data (self->network, self);
  g_clear_object (&self->network);
  g_clear_object (&self->api);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (fk_sync_engine_parent_class)->dispose (object);
}

static void
fk_sync_engine_finalize (GObject *object)
{
  FkSyncEngine *self = (FkSyncEngine *) object;

  g_clear_pointer (&self->waiters, g_ptr_array_unref);
  g_clear_pointer (&self->last_success, g_date_time_unref);
  g_clear_pointer (&self->last_error, g_free);
  g_clear_error (&self->run_error);

  G_OBJECT_CLASS (fk_sync_engine_parent_class)->finalize (object);
}

static void
fk_sync_engine_class_init (FkSyncEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = fk_sync_engine_get_property;
  object_class->dispose = fk_sync_engine_dispose;
  object_class->finalize = fk_sync_engine_finalize;

  properties[PROP_PENDING] =
    g_param_spec_uint ("pending", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SENDING] =
    g_param_spec_boolean ("sending", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SENT] =
    g_param_spec_uint ("sent", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TOTAL] =
    g_param_spec_uint ("total", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_SUCCESS] =
    g_param_spec_boxed ("last-success", NULL, NULL, G_TYPE_DATE_TIME,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FkSyncEngine::record-offered:
   * @uuid: the record
   * @offered: %TRUE as a batch with it goes out: it may be on the server
   *   until answered for (::record-synced); %FALSE when that batch never
   *   left and nothing else is owed an answer
   */
  signals[RECORD_OFFERED] =
    g_signal_new ("record-offered", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_BOOLEAN);

  /**
   * FkSyncEngine::record-synced:
   * @uuid: the record
   * @revision: the revision the server answered for
   * @stored: accepted or duplicate
   * @failure: (nullable): why the server rejected it
   * @reply: the server's result item (a checklist's merged state is in it)
   */
  signals[RECORD_SYNCED] =
    g_signal_new ("record-synced", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 5,
                  G_TYPE_STRING, G_TYPE_UINT, G_TYPE_BOOLEAN, G_TYPE_STRING, JSON_TYPE_OBJECT);

  /**
   * FkSyncEngine::record-discarded:
   * @kind: the record's kind
   * @uuid: the record, deleted from the store and never to be sent
   */
  signals[RECORD_DISCARDED] =
    g_signal_new ("record-discarded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
fk_sync_engine_init (FkSyncEngine *self)
{
  self->waiters = g_ptr_array_new_with_free_func (g_object_unref);
}

FkSyncEngine *
fk_sync_engine_new (FkStore *store)
{
  FkSyncEngine *self;

  g_return_val_if_fail (FK_IS_STORE (store), NULL);

  self = g_object_new (FK_TYPE_SYNC_ENGINE, NULL);
  self->store = g_object_ref (store);

  return self;
}

gboolean
fk_sync_engine_is_reading_outbox (FkSyncEngine *self)
{
  g_return_val_if_fail (FK_IS_SYNC_ENGINE (self), FALSE);
  return self->reading;
}

guint
fk_sync_engine_get_pending (FkSyncEngine *self)
{
  g_return_val_if_fail (FK_IS_SYNC_ENGINE (self), 0);
  return self->pending;
}

gboolean
fk_sync_engine_get_sending (FkSyncEngine *self)
{
  g_return_val_if_fail (FK_IS_SYNC_ENGINE (self), FALSE);
  return self->cancellable != NULL;
}

guint
fk_sync_engine_get_sent (FkSyncEngine *self)
{
  g_return_val_if_fail (FK_IS_SYNC_ENGINE (self), 0);
  return self->sent;
}

guint
fk_sync_engine_get_total (FkSyncEngine *self)
{
  g_return_val_if_fail (FK_IS_SYNC_ENGINE (self), 0);
  return self->total;
}

GDateTime *
fk_sync_engine_get_last_success (FkSyncEngine *self)
{
  g_return_val_if_fail (FK_IS_SYNC_ENGINE (self), NULL);
  return self->last_success;
}

const char *
fk_sync_engine_get_last_error (FkSyncEngine *self)
{
  g_return_val_if_fail (FK_IS_SYNC_ENGINE (self), NULL);
  return self->last_error;
}
