/* fk-client.c: the one door to token, session, store and sync
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fk-client"

#include "config.h"

#include <string.h>
#include <time.h>

#include <glib/gi18n-lib.h>

#include "fk-api-client.h"
#include "fk-client.h"
#include "fk-crypto.h"
#include "fk-error.h"
#include "fk-event-checklist.h"
#include "fk-fingerprint.h"
#include "fk-protocol.h"
#include "fk-secret-store.h"
#include "fk-session.h"
#include "fk-store.h"
#include "fk-sync-engine-private.h"
#include "fk-token.h"

struct _FkClient
{
  GObject        parent_instance;

  char          *data_dir;
  FkClientState  state;
  int            attempts_left;

  FkStore       *store;
  FkSyncEngine  *sync;
  FkToken       *token;
  FkApiClient   *api;
  FkSession     *session;

  GListStore    *tips;
  GHashTable    *tips_by_uuid;   /* borrowed FkHotelTip */
  GListStore    *checklists;
  GHashTable    *checklists_by_uuid;   /* borrowed FkEventChecklist */
  GListStore    *templates;      /* newest version of each, regional first */
  GHashTable    *templates_by_key;     /* "id:version" → FkChecklistTemplate */

  guint          retention_days;
  FkFingerprint *fingerprint;
  guint          failed_scans;   /* since the last PIN login, or wait */
  /* pin-and-fingerprint: each run of MAX_FAILED_SCANS waits longer. */
  guint          scan_lockouts;
  gint64         scans_blocked_until;  /* CLOCK_BOOTTIME, seconds */

  /* In memory only: a persistent verifier would be an offline PIN oracle. */
  GBytes        *unlock_salt;
  GBytes        *unlock_verifier;
  guint          unlock_failures;

  /* PINs entered on a login page shown before the keyring answered. */
  GQueue         logins_waiting_for_load;
};

G_DEFINE_FINAL_TYPE (FkClient, fk_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STATE,
  PROP_ATTEMPTS_LEFT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SESSION_EXPIRING,
  SESSION_RESUMED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Shared by the multi-step operations below. */
typedef struct {
  char      *server_url;
  char      *server_pin;
  char      *code;
  char      *pin;
  char      *previous_device_id;
  FkToken   *token;
  GBytes    *public_key;
  FkApiClient *api;
  GBytes    *challenge;
  GBytes    *signature;
  GBytes    *verifier;
  GBytes    *fingerprint_key;      /* a fingerprint login unwraps with it */
  GBytes    *new_fingerprint_key;  /* made at a PIN login, kept if it succeeds */
  GBytes    *fingerprint_secret;   /* pin-and-fingerprint: K, after verify-match */
  FkHotelTip *tip;
  gboolean   send;
  /* A server login, while the reply's policy is applied: */
  FkSession *session;
  FkToken   *new_token;            /* what the keyring will hold */
  GPtrArray *writes;               /* SecretWrite, in this order */
  guint      next_write;
  char      *refusal;              /* the policy refuses this login */
  FkErrorCode refusal_code;
  GError    *scan_error;           /* returned once the scan count is kept */
} OpData;

/* One step of a change to the keyring: save @secret, or clear the item;
 * @token: the token that @secret is, for the client to use once saved. */
typedef struct {
  FkSecretKind  kind;
  char         *secret;
  FkToken      *token;
} SecretWrite;

static void
wipe_string (char *text)
{
  if (text != NULL)
    fk_crypto_wipe (text, strlen (text));
  g_free (text);
}

static void
secret_write_free (SecretWrite *write)
{
  wipe_string (write->secret);
  g_clear_object (&write->token);
  g_free (write);
}

static void
op_data_free (OpData *data)
{
  g_free (data->server_url);
  g_free (data->server_pin);
  wipe_string (data->code);
  wipe_string (data->pin);
  g_free (data->previous_device_id);
  g_clear_object (&data->token);
  g_clear_pointer (&data->public_key, g_bytes_unref);
  g_clear_object (&data->api);
  g_clear_pointer (&data->challenge, g_bytes_unref);
  g_clear_pointer (&data->signature, g_bytes_unref);
  g_clear_pointer (&data->verifier, fk_secure_bytes_unref);
  g_clear_pointer (&data->fingerprint_key, fk_secure_bytes_unref);
  g_clear_pointer (&data->new_fingerprint_key, fk_secure_bytes_unref);
  g_clear_pointer (&data->fingerprint_secret, fk_secure_bytes_unref);
  g_clear_object (&data->tip);
  g_clear_object (&data->session);
  g_clear_object (&data->new_token);
  g_clear_pointer (&data->writes, g_ptr_array_unref);
  g_free (data->refusal);
  g_clear_error (&data->scan_error);
  g_free (data);
}

static void
return_fk_error (GTask       *task,
                 FkErrorCode  code)
{
  g_task_return_new_error (task, FK_ERROR, code, "%s", fk_error_code_to_message (code));
}

static void pull_changes (FkClient *self,
                          GTask    *task);

static void
set_state (FkClient      *self,
           FkClientState  state)
{
  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_attempts_left (FkClient *self,
                   int       attempts_left)
{
  if (self->attempts_left == attempts_left)
    return;

  self->attempts_left = attempts_left;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ATTEMPTS_LEFT]);
}

static gint64
boottime_seconds (void)
{
  struct timespec now;

  clock_gettime (CLOCK_BOOTTIME, &now);
  return now.tv_sec;
}

static void restore_failed_scans (FkClient *self);

static void
use_token (FkClient *self,
           FkToken  *token)
{
  g_set_object (&self->token, token);
  g_clear_object (&self->api);
  if (token != NULL)
    {
      self->api = fk_api_client_new (fk_token_get_server_url (token), fk_token_get_server_pin (token));
      restore_failed_scans (self);
    }
}

/* Records ---------------------------------------------------------------- */

#define KIND_TEMPLATE "checklist-template"
#define CHANGES_CURSOR "changes-cursor"

/* Everything a session decrypted leaves the models together. */
static void
clear_tips (FkClient *self)
{
  g_hash_table_remove_all (self->tips_by_uuid);
  g_list_store_remove_all (self->tips);
  g_hash_table_remove_all (self->checklists_by_uuid);
  g_list_store_remove_all (self->checklists);
}

static char *
template_key (const char *id,
              guint       version)
{
  return g_strdup_printf ("%s:%u", id, version);
}

static FkChecklistTemplate *
find_template (FkClient   *self,
               const char *id,
               guint       version)
{
  g_autofree char *key = template_key (id, version);

  return g_hash_table_lookup (self->templates_by_key, key);
}

/* Keeps every version for the checklists started on it; lists the newest
 * of each template, regional ones before the national. */
static void
add_template (FkClient            *self,
              FkChecklistTemplate *template_)
{
  const char *id = fk_checklist_template_get_id (template_);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->templates));
  guint position = 0;

  if (find_template (self, id, fk_checklist_template_get_version (template_)) != NULL)
    return;

  g_hash_table_insert (self->templates_by_key,
                       template_key (id, fk_checklist_template_get_version (template_)),
                       g_object_ref (template_));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FkChecklistTemplate) listed = g_list_model_get_item (G_LIST_MODEL (self->templates), i);

      if (g_str_equal (fk_checklist_template_get_id (listed), id))
        {
          if (fk_checklist_template_get_version (listed) < fk_checklist_template_get_version (template_))
            g_list_store_splice (self->templates, i, 1, (gpointer *) &template_, 1);
          return;
        }
    }

  if (fk_checklist_template_get_region (template_) == NULL)
    position = n;
  g_list_store_insert (self->templates, position, template_);
}

static void
add_checklist (FkClient         *self,
               FkEventChecklist *checklist,
               gboolean          newest)
{
  g_hash_table_insert (self->checklists_by_uuid, (gpointer) fk_event_checklist_get_uuid (checklist), checklist);
  if (newest)
    g_list_store_insert (self->checklists, 0, checklist);
  else
    g_list_store_append (self->checklists, checklist);
}

static void
add_tip (FkClient   *self,
         FkHotelTip *tip,
         gboolean    newest)
{
  g_hash_table_insert (self->tips_by_uuid, (gpointer) fk_hotel_tip_get_uuid (tip), tip);
  if (newest)
    g_list_store_insert (self->tips, 0, tip);
  else
    g_list_store_append (self->tips, tip);
}

static void
on_tips_loaded (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FkClient *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) tips = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;

  records = fk_store_load_finish (FK_STORE (object), result, &error);
  if (records == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Locked again while loading: the records must not reach the model. */
  if (self->state != FK_CLIENT_STATE_UNLOCKED)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  for (guint i = 0; i < records->len; i++)
    {
      FkStoreRecord *record = g_ptr_array_index (records, i);
      g_autoptr(GError) tip_error = NULL;
      FkHotelTip *tip = fk_hotel_tip_new_from_payload (record->uuid, record->payload, &tip_error);

      if (tip == NULL)
        {
          g_warning ("Stored tip %s is unreadable", record->uuid);
          continue;
        }

      fk_hotel_tip_set_revision (tip, record->revision);
      fk_hotel_tip_set_state (tip, record->state);
      fk_hotel_tip_set_failure (tip, record->failure);
      fk_hotel_tip_set_offered (tip, record->offered);
      g_ptr_array_add (tips, tip);
    }

  /* Only the tips: the checklists were loaded into theirs just before. */
  g_hash_table_remove_all (self->tips_by_uuid);
  g_list_store_remove_all (self->tips);
  for (guint i = 0; i < tips->len; i++)
    g_hash_table_insert (self->tips_by_uuid,
                         (gpointer) fk_hotel_tip_get_uuid (g_ptr_array_index (tips, i)),
                         g_ptr_array_index (tips, i));
  /* One splice, one items-changed: a 10,000-row list is filled in one go. */
  g_list_store_splice (self->tips, 0, 0, tips->pdata, tips->len);

  g_task_return_boolean (task, TRUE);
}

static void
on_checklists_loaded (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FkClient *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;

  records = fk_store_load_finish (FK_STORE (object), result, &error);
  if (records == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (self->state != FK_CLIENT_STATE_UNLOCKED)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  g_hash_table_remove_all (self->checklists_by_uuid);
  g_list_store_remove_all (self->checklists);
  for (guint i = 0; i < records->len; i++)
    {
      FkStoreRecord *record = g_ptr_array_index (records, i);
      JsonNode *base = json_object_get_member (record->payload, "base");
      JsonObject *base_object = base && JSON_NODE_HOLDS_OBJECT (base) ? json_node_get_object (base) : NULL;
      g_autoptr(FkEventChecklist) checklist = NULL;

      if (base_object != NULL)
        checklist = fk_event_checklist_new_from_stored (record->uuid, record->payload,
                                                        find_template (self,
                                                                       json_object_get_string_member_with_default (base_object, "template_id", ""),
                                                                       json_object_get_int_member_with_default (base_object, "template_version", 0)),
                                                        NULL);
      if (checklist == NULL)
        {
          g_warning ("Stored checklist %s is unreadable", record->uuid);
          continue;
        }

      fk_event_checklist_set_state (checklist, record->state);
      fk_event_checklist_set_failure (checklist, record->failure);
      fk_event_checklist_set_offered (checklist, record->offered);
      fk_event_checklist_set_on_server (checklist, record->on_server);
      add_checklist (self, checklist, FALSE);
    }

  fk_store_load_async (self->store, FK_KIND_HOTEL_TIP, g_task_get_cancellable (task),
                       on_tips_loaded, g_object_ref (task));
}

static void
on_templates_loaded (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FkClient *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;

  records = fk_store_load_finish (FK_STORE (object), result, &error);
  if (records == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  for (guint i = 0; i < records->len; i++)
    {
      FkStoreRecord *record = g_ptr_array_index (records, i);
      g_autoptr(FkChecklistTemplate) template_ = fk_checklist_template_new_from_json (record->payload, NULL);

      if (template_ != NULL)
        add_template (self, template_);
    }

  fk_store_load_async (self->store, FK_KIND_EVENT_CHECKLIST, g_task_get_cancellable (task),
                       on_checklists_loaded, g_object_ref (task));
}

/* Templates first: checklists need theirs to show their items. */
static void
load_records (FkClient *self,
           GTask    *task)
{
  fk_store_load_async (self->store, KIND_TEMPLATE, g_task_get_cancellable (task),
                       on_templates_loaded, g_object_ref (task));
}

static void save_checklist (FkClient         *self,
                            FkEventChecklist *checklist,
                            GTask            *task);

static void
checklist_synced (FkClient         *self,
                  FkEventChecklist *checklist,
                  gboolean          stored,
                  const char       *failure,
                  JsonObject       *reply)
{
  JsonNode *state = reply ? json_object_get_member (reply, "state") : NULL;

  /* Answered for: what it was offered is applied, up to "acked", or was
   * refused whole; none of it is still on its way. */
  fk_event_checklist_set_offered (checklist, FALSE);

  if (!stored)
    {
      fk_event_checklist_set_failure (checklist, failure);
      fk_event_checklist_set_state (checklist, FK_RECORD_STATE_FAILED);
      return;
    }

  fk_event_checklist_set_on_server (checklist, TRUE);
  /* The merged state replaces ours; what the server has not applied yet
   * stays on top, and is kept on disk until it has. */
  if (state != NULL && JSON_NODE_HOLDS_OBJECT (state))
    fk_event_checklist_apply_server_state (checklist, json_node_get_object (state),
                                           json_object_get_int_member_with_default (reply, "acked", 0));
  fk_event_checklist_set_failure (checklist, NULL);
  save_checklist (self, checklist, NULL);
}

static void
on_record_offered (FkClient   *self,
                   const char *uuid,
                   gboolean    offered,
                   gpointer    user_data)
{
  FkEventChecklist *checklist = g_hash_table_lookup (self->checklists_by_uuid, uuid);

  if (checklist != NULL)
    fk_event_checklist_set_offered (checklist, offered);
}

static void
on_record_synced (FkClient   *self,
                  const char *uuid,
                  guint       revision,
                  gboolean    stored,
                  const char *failure,
                  JsonObject *reply,
                  gpointer    user_data)
{
  FkHotelTip *tip = g_hash_table_lookup (self->tips_by_uuid, uuid);
  FkEventChecklist *checklist = g_hash_table_lookup (self->checklists_by_uuid, uuid);

  if (checklist != NULL)
    {
      checklist_synced (self, checklist, stored, failure, reply);
      return;
    }

  /* An edit saved while the batch was out has its own, newer revision. */
  if (tip == NULL || fk_hotel_tip_get_revision (tip) != revision)
    return;

  fk_hotel_tip_set_failure (tip, stored ? NULL : failure);
  fk_hotel_tip_set_state (tip, stored ? FK_RECORD_STATE_SENT : FK_RECORD_STATE_FAILED);
}

static void
on_record_discarded (FkClient   *self,
                     const char *kind,
                     const char *uuid,
                     gpointer    user_data)
{
  FkHotelTip *tip = g_hash_table_lookup (self->tips_by_uuid, uuid);
  FkEventChecklist *checklist = g_hash_table_lookup (self->checklists_by_uuid, uuid);
  guint position;

  /* The tables borrow the record's uuid: out of them before the list drops it. */
  if (tip != NULL && g_list_store_find (self->tips, tip, &position))
    {
      g_hash_table_remove (self->tips_by_uuid, uuid);
      g_list_store_remove (self->tips, position);
    }
  else if (checklist != NULL && g_list_store_find (self->checklists, checklist, &position))
    {
      g_hash_table_remove (self->checklists_by_uuid, uuid);
      g_list_store_remove (self->checklists, position);
    }
}

static void
on_offered_listed (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(FkClient) self = user_data;
  g_autoptr(GHashTable) offered = NULL;
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  gpointer uuid, record;

  offered = fk_store_list_offered_finish (FK_STORE (object), result, &error);
  if (offered == NULL)
    {
      g_warning ("Could not list what waits for the server's answer: %s", error->message);
      return;
    }

  g_hash_table_iter_init (&iter, self->tips_by_uuid);
  while (g_hash_table_iter_next (&iter, &uuid, &record))
    fk_hotel_tip_set_offered (record, g_hash_table_contains (offered, uuid));
  g_hash_table_iter_init (&iter, self->checklists_by_uuid);
  while (g_hash_table_iter_next (&iter, &uuid, &record))
    fk_event_checklist_set_offered (record, g_hash_table_contains (offered, uuid));
}

/* A run that ends may leave a batch without its answer, or have answered
 * an earlier one: what may be on the server is asked of the store then. */
static void
on_sending_changed (FkClient *self)
{
  if (!fk_sync_engine_get_sending (self->sync) && self->state == FK_CLIENT_STATE_UNLOCKED)
    fk_store_list_offered_async (self->store, NULL, on_offered_listed, g_object_ref (self));
}

/* Session ---------------------------------------------------------------- */

static void
on_secret_cleared (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!fk_secret_store_clear_finish (result, &error))
    g_warning ("Could not clear a secret: %s", error->message);
}

/* Takes the session's keys out of every component's hands. */
static void
hide_session (FkClient *self)
{
  fk_sync_engine_set_api (self->sync, NULL);
  if (self->api != NULL)
    fk_api_client_set_bearer (self->api, NULL);
  /* The models first: an open checklist page commits a pending note as it
   * lets go, and that save takes the key when it is queued. */
  clear_tips (self);
  fk_store_set_data_key (self->store, NULL);
}

/* Wipes everything the session unlocked.  Records stay on disk, sealed. */
static void
end_session (FkClient *self)
{
  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      fk_session_expire (self->session);
      g_clear_object (&self->session);
    }

  g_clear_pointer (&self->unlock_verifier, fk_secure_bytes_unref);
  g_clear_pointer (&self->unlock_salt, g_bytes_unref);
  self->unlock_failures = 0;
  hide_session (self);
  fk_secret_store_clear_async (self->data_dir, FK_SECRET_SESSION, NULL, on_secret_cleared, NULL);
}

static void
on_session_expired (FkSession *session,
                    FkClient  *self)
{
  g_info ("Session ended");
  end_session (self);
  if (self->state == FK_CLIENT_STATE_UNLOCKED || self->state == FK_CLIENT_STATE_IDLE_LOCKED)
    set_state (self, FK_CLIENT_STATE_LOCKED);
}

static void
on_session_expiring (FkSession *session,
                     FkClient  *self)
{
  g_signal_emit (self, signals[SESSION_EXPIRING], 0);
}

static void
on_session_resumed (FkSession *session,
                    FkClient  *self)
{
  g_signal_emit (self, signals[SESSION_RESUMED], 0);
}

static void on_sync_after_save (GObject      *object,
                                GAsyncResult *result,
                                gpointer      user_data);

static void
on_background_sync_ready (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* The sync engine's last-error tells the officer; this is for the log. */
  if (!fk_client_sync_finish (FK_CLIENT (object), result, &error))
    g_debug ("Background sync: %s", error->message);
}

/* Hands the session's keys to the components, sends what waits and pulls
 * what the team changed. */
static void
on_purged (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gssize purged = fk_store_purge_finish (FK_STORE (object), result, &error);

  if (purged < 0)
    g_warning ("Retention purge failed: %s", error->message);
  else if (purged > 0)
    g_info ("Purged %" G_GSSIZE_FORMAT " sent tips past retention", purged);
}

static void
show_session (FkClient *self)
{
  fk_api_client_set_bearer (self->api, fk_session_get_token (self->session));
  fk_store_set_data_key (self->store, fk_session_get_data_key (self->session));
  /* Queued before the tips are loaded, so the list never shows them. */
  fk_store_purge_async (self->store, FK_KIND_HOTEL_TIP, (guint64) self->retention_days * 24 * 60 * 60,
                        NULL, on_purged, NULL);
  fk_sync_engine_set_api (self->sync, self->api);
  set_state (self, FK_CLIENT_STATE_UNLOCKED);
  fk_client_sync_async (self, NULL, on_background_sync_ready, NULL);
}

static void
start_session (FkClient  *self,
               FkSession *session)
{
  g_set_object (&self->session, session);
  g_signal_connect (session, "expired", G_CALLBACK (on_session_expired), self);
  g_signal_connect (session, "expiring", G_CALLBACK (on_session_expiring), self);
  g_signal_connect (session, "resumed", G_CALLBACK (on_session_resumed), self);
  show_session (self);
}

static void
on_session_kept (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* Without it only an app restart needs a new login: say so, go on. */
  if (!fk_secret_store_save_finish (result, &error))
    g_warning ("Could not keep the session in the keyring: %s", error->message);
}

/* So that an app restart within the session needs no new login. */
static void
keep_session (FkClient *self)
{
  g_autofree char *json = fk_session_to_json (self->session);

  fk_secret_store_save_async (self->data_dir, FK_SECRET_SESSION, json, NULL, on_session_kept, NULL);
  fk_crypto_wipe (json, strlen (json));
}

static void
on_store_wiped (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!fk_store_wipe_finish (FK_STORE (object), result, &error))
    g_warning ("Remote wipe of the store failed: %s", error->message);
}

/* The server revoked this device: nothing of it may stay here. */
static void
wipe_device (FkClient *self)
{
  if (self->state == FK_CLIENT_STATE_REVOKED)
    return;

  g_info ("Device revoked: wiping");
  end_session (self);
  use_token (self, NULL);
  fk_secret_store_clear_async (self->data_dir, FK_SECRET_TOKEN, NULL, on_secret_cleared, NULL);
  fk_store_wipe_async (self->store, NULL, on_store_wiped, NULL);
  set_state (self, FK_CLIENT_STATE_REVOKED);
}

static void
on_token_saved (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!fk_secret_store_save_finish (result, &error))
    g_warning ("Could not save the token state: %s", error->message);
}

static void
disable_token (FkClient *self)
{
  g_autofree char *json = NULL;

  end_session (self);
  fk_token_set_disabled (self->token, TRUE);
  json = fk_token_to_json (self->token);
  fk_secret_store_save_async (self->data_dir, FK_SECRET_TOKEN, json, NULL, on_token_saved, NULL);
  set_attempts_left (self, 0);
  set_state (self, FK_CLIENT_STATE_DISABLED);
}

/* What any server error means for the token, whatever call it came from. */
static void
handle_token_error (FkClient     *self,
                    const GError *error)
{
  if (g_error_matches (error, FK_ERROR, FK_ERROR_DEVICE_REVOKED))
    wipe_device (self);
  else if (g_error_matches (error, FK_ERROR, FK_ERROR_TOKEN_DISABLED) && self->token != NULL)
    disable_token (self);
  /* Idle-locked, a request still queued went out without the token: its
   * 401 says nothing about the session, whose own clock decides. */
  else if (g_error_matches (error, FK_ERROR, FK_ERROR_SESSION_EXPIRED) &&
           self->state == FK_CLIENT_STATE_UNLOCKED)
    {
      end_session (self);
      set_state (self, FK_CLIENT_STATE_LOCKED);
    }
}

/* Load ------------------------------------------------------------------- */

/* The store opens on its thread while the keyring's thread is asked for
 * the token and the session, all at once, so none waits for the main loop
 * that GTK's start keeps busy; the result waits for every step. */
typedef struct {
  guint      pending;
  GError    *error;         /* the first step that failed */
  FkToken   *token;
  char      *session_json;  /* made a session only at the end: its clock starts then */
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_clear_error (&data->error);
  g_clear_object (&data->token);
  fk_secret_free (data->session_json);
  g_free (data);
}

/* Takes @error. */
static void
load_step_done (GTask  *task,
                GError *error)
{
  FkClient *self = g_task_get_source_object (task);
  LoadData *data = g_task_get_task_data (task);
  g_autoptr(FkSession) session = NULL;

  if (data->error == NULL)
    data->error = error;
  else
    g_clear_error (&error);

  if (--data->pending > 0)
    return;

  if (data->error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&data->error));
      return;
    }

  /* Only an enabled token's session can unlock. */
  if (data->session_json != NULL && data->token != NULL && !fk_token_get_disabled (data->token))
    session = fk_session_new_from_json (data->session_json, NULL);

  /* A session left behind by a token that is gone or disabled, or run out
   * while no process watched it, or from another boot: its token and data
   * key must not wait in the keyring. */
  if (data->session_json != NULL && session == NULL)
    fk_secret_store_clear_async (self->data_dir, FK_SECRET_SESSION, NULL, on_secret_cleared, NULL);

  if (data->token == NULL)
    {
      set_state (self, FK_CLIENT_STATE_NOT_ENROLLED);
      g_task_return_boolean (task, TRUE);
      return;
    }

  use_token (self, data->token);
  if (fk_token_get_disabled (data->token))
    {
      set_state (self, FK_CLIENT_STATE_DISABLED);
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (session == NULL)
    {
      set_state (self, FK_CLIENT_STATE_LOCKED);
      g_task_return_boolean (task, TRUE);
      return;
    }

  start_session (self, session);
  load_records (self, task);
}

static void
on_session_secret_loaded (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LoadData *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->session_json = fk_secret_store_load_finish (result, &error);
  load_step_done (task, error);
}

static void
on_token_secret_loaded (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LoadData *data = g_task_get_task_data (task);
  GError *error = NULL;
  char *json;

  json = fk_secret_store_load_finish (result, &error);
  if (json != NULL)
    {
      data->token = fk_token_new_from_json (json, NULL);
      fk_secret_free (json);
    }

  load_step_done (task, error);
}

static void
on_store_opened (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  fk_store_open_finish (FK_STORE (object), result, &error);
  load_step_done (task, error);
}

/* Takes @owned_task. */
static void start_login (FkClient *self,
                         GTask    *owned_task);

static void
on_load_completed (FkClient *self)
{
  GTask *task;

  while ((task = g_queue_pop_head (&self->logins_waiting_for_load)) != NULL)
    {
      /* A load that failed leaves the state at LOADING, with its error
       * shown instead of the login page. */
      if (self->state == FK_CLIENT_STATE_LOADING)
        {
          return_fk_error (task, FK_ERROR_FAILED);
          g_object_unref (task);
          continue;
        }
      start_login (self, task);
    }
}

void
fk_client_load_async (FkClient            *self,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LoadData *data;

  g_return_if_fail (FK_IS_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fk_client_load_async);
  g_signal_connect_object (task, "notify::completed", G_CALLBACK (on_load_completed), self, G_CONNECT_SWAPPED);
  data = g_new0 (LoadData, 1);
  data->pending = 3;
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);

  fk_store_open_async (self->store, cancellable, on_store_opened, g_object_ref (task));
  fk_secret_store_load_async (self->data_dir, FK_SECRET_TOKEN, cancellable,
                              on_token_secret_loaded, g_object_ref (task));
  fk_secret_store_load_async (self->data_dir, FK_SECRET_SESSION, cancellable,
                              on_session_secret_loaded, g_object_ref (task));
}

gboolean
fk_client_load_finish (FkClient      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Enroll ----------------------------------------------------------------- */

static void
on_enroll_token_saved (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FkClient *self = g_task_get_source_object (task);
  OpData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!fk_secret_store_save_finish (result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  end_session (self);
  use_token (self, data->token);
  set_attempts_left (self, FK_MAX_FAILED_PINS);
  set_state (self, FK_CLIENT_STATE_LOCKED);
  g_task_return_boolean (task, TRUE);
}

/* Runs @func on a worker with @task's OpData; @callback gets @task back. */
static void
run_in_thread (GTask               *task,
               GTaskThreadFunc      func,
               GAsyncReadyCallback  callback)
{
  g_autoptr(GTask) thread_task = g_task_new (g_task_get_source_object (task),
                                             g_task_get_cancellable (task),
                                             callback, g_object_ref (task));

  g_task_set_task_data (thread_task, g_task_get_task_data (task), NULL);
  g_task_run_in_thread (thread_task, func);
}

static void
on_enroll_secret_saved (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FkClient *self = g_task_get_source_object (task);
  OpData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;

  if (!fk_secret_store_save_finish (result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* K first: a token whose K never reached the keyring would be lost. */
  json = fk_token_to_json (data->token);
  fk_secret_store_save_async (self->data_dir, FK_SECRET_TOKEN, json, g_task_get_cancellable (task),
                              on_enroll_token_saved, g_object_ref (task));
}

static void
bind_fingerprint_in_thread (GTask        *task,
                            gpointer      source_object,
                            gpointer      task_data,
                            GCancellable *cancellable)
{
  OpData *data = task_data;
  GError *error = NULL;

  data->fingerprint_secret = fk_token_bind_fingerprint (data->token, data->pin, &error);
  if (data->fingerprint_secret == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_fingerprint_bound (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FkClient *self = g_task_get_source_object (task);
  OpData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *secret_text = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  secret_text = fk_protocol_encode_base64 (data->fingerprint_secret);
  fk_secret_store_save_async (self->data_dir, FK_SECRET_FINGERPRINT, secret_text, g_task_get_cancellable (task),
                              on_enroll_secret_saved, g_object_ref (task));
  fk_crypto_wipe (secret_text, strlen (secret_text));
}

static void
on_activated (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FkClient *self = g_task_get_source_object (task);
  OpData *data = g_task_get_task_data (task);
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  JsonObject *object_reply;
  const char *device_id;

  reply = fk_api_client_call_finish (FK_API_CLIENT (object), result, NULL, &error);
  if (reply == NULL)
    {
      if (error == NULL)
        error = g_error_new_literal (FK_ERROR, FK_ERROR_SERVER, fk_error_code_to_message (FK_ERROR_SERVER));
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  object_reply = JSON_NODE_HOLDS_OBJECT (reply) ? json_node_get_object (reply) : NULL;
  device_id = object_reply ? json_object_get_string_member_with_default (object_reply, "device_id", NULL) : NULL;
  if (device_id == NULL)
    {
      return_fk_error (task, FK_ERROR_SERVER);
      return;
    }

  fk_token_set_enrollment (data->token, device_id,
                           json_object_get_string_member_with_default (object_reply, "officer_id", NULL),
                           json_object_get_string_member_with_default (object_reply, "policy", FK_POLICY_PIN));

  /* The policy comes with the reply, after the key was made and wrapped. */
  if (g_str_equal (fk_token_get_policy (data->token), FK_POLICY_PIN_AND_FINGERPRINT))
    {
      run_in_thread (task, bind_fingerprint_in_thread, on_fingerprint_bound);
      return;
    }

  json = fk_token_to_json (data->token);
  fk_secret_store_save_async (self->data_dir, FK_SECRET_TOKEN, json, g_task_get_cancellable (task),
                              on_enroll_token_saved, g_object_ref (task));
}

static void
create_token_in_thread (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  OpData *data = task_data;
  GError *error = NULL;

  data->token = fk_token_create (data->server_url, data->server_pin, data->pin, &data->public_key, &error);
  if (data->token == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_token_created (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OpData *data = g_task_get_task_data (task);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *public_key = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  public_key = fk_protocol_encode_base64 (data->public_key);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, data->code);
  json_builder_set_member_name (builder, "public_key");
  json_builder_add_string_value (builder, public_key);
  json_builder_set_member_name (builder, "device_name");
  json_builder_add_string_value (builder, g_get_host_name ());
  if (data->previous_device_id != NULL)
    {
      json_builder_set_member_name (builder, "previous_device_id");
      json_builder_add_string_value (builder, data->previous_device_id);
    }
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  data->api = fk_api_client_new (data->server_url, data->server_pin);
  fk_api_client_call_async (data->api, "POST", FK_PATH_ACTIVATIONS, body, g_task_get_cancellable (task),
                            on_activated, g_object_ref (task));
}

static gboolean
check_server_url (const char  *server_url,
                  GError     **error)
{
  g_autoptr(GUri) uri = g_uri_parse (server_url, G_URI_FLAGS_NONE, NULL);

  if (uri == NULL || g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 ||
      g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error_literal (error, FK_ERROR, FK_ERROR_BAD_REQUEST,
                           _("The server address must start with https:// and name a server."));
      return FALSE;
    }

  return TRUE;
}

void
fk_client_enroll_async (FkClient            *self,
                        const char          *server_url,
                        const char          *server_pin,
                        const char          *activation_code,
                        const char          *pin,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  OpData *data;

  g_return_if_fail (FK_IS_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fk_client_enroll_async);

  if (self->state == FK_CLIENT_STATE_LOCKED || self->state == FK_CLIENT_STATE_UNLOCKED)
    {
      return_fk_error (task, FK_ERROR_ALREADY_ENROLLED);
      return;
    }

  if (!check_server_url (server_url ? server_url : "", &error) ||
      !fk_pin_check_strength (pin ? pin : "", &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!fk_protocol_is_valid_pin (server_pin))
    {
      g_task_return_new_error (task, FK_ERROR, FK_ERROR_BAD_REQUEST, "%s",
                               _("The server key checksum must be 64 hexadecimal characters. Copy it again from the server."));
      return;
    }

  if (activation_code == NULL || *activation_code == '\0')
    {
      return_fk_error (task, FK_ERROR_CODE_INVALID);
      return;
    }

  data = g_new0 (OpData, 1);
  data->server_url = g_strdup (server_url);
  data->server_pin = g_ascii_strdown (server_pin, -1);
  data->code = g_strdup (activation_code);
  data->pin = g_strdup (pin);
  /* A disabled token re-activated here keeps its records readable. */
  if (self->token != NULL && self->state == FK_CLIENT_STATE_DISABLED)
    data->previous_device_id = g_strdup (fk_token_get_device_id (self->token));
  g_task_set_task_data (task, data, (GDestroyNotify) op_data_free);

  run_in_thread (task, create_token_in_thread, on_token_created);
}

gboolean
fk_client_enroll_finish (FkClient      *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Log in ----------------------------------------------------------------- */

#define FINGERPRINT_TIMEOUT_SECONDS 30
#define MAX_FAILED_SCANS            5
/* pin-and-fingerprint: after each run of MAX_FAILED_SCANS the finger step
 * waits, first this long, then twice as long each time, up to the cap. */
#define SCAN_LOCKOUT_SECONDS        (5 * 60)
#define MAX_SCAN_LOCKOUT_SECONDS    (8 * 60 * 60)

static void
on_login_tips_loaded (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FkClient *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (self->session == NULL)
    {
      return_fk_error (task, FK_ERROR_SESSION_EXPIRED);
      return;
    }

  /* Locked again while the records loaded: the lock took the session out
   * of the keyring, and a restart must find it locked. */
  if (self->state == FK_CLIENT_STATE_UNLOCKED)
    keep_session (self);
  g_task_return_boolean (task, TRUE);
}

/* The copy is in the token; its key goes to the keyring beside it. */
static void
keep_fingerprint_copy (FkClient *self,
                       GBytes   *key)
{
  g_autofree char *token_json = fk_token_to_json (self->token);
  g_autofree char *key_text = fk_protocol_encode_base64 (key);

  fk_secret_store_save_async (self->data_dir, FK_SECRET_FINGERPRINT, key_text, NULL, on_token_saved, NULL);
  fk_secret_store_save_async (self->data_dir, FK_SECRET_TOKEN, token_json, NULL, on_token_saved, NULL);
  fk_crypto_wipe (key_text, strlen (key_text));
}

/* The wait is counted on CLOCK_BOOTTIME, which a changed clock does not
 * move; across a restart or a reboot it goes by the wall clock, capped. */
static void
restore_failed_scans (FkClient *self)
{
  gint64 blocked_until;
  gint64 left;

  fk_token_get_failed_scans (self->token, &self->failed_scans, &self->scan_lockouts, &blocked_until);
  left = blocked_until - g_get_real_time () / G_USEC_PER_SEC;
  self->scans_blocked_until = blocked_until > 0 && left > 0
                              ? boottime_seconds () + MIN (left, MAX_SCAN_LOCKOUT_SECONDS)
                              : 0;
}

static void
on_failed_scans_kept (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OpData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!fk_secret_store_save_finish (result, &error))
    g_warning ("Could not keep the count of fingerprints that did not match: %s", error->message);
  g_task_return_error (task, g_steal_pointer (&data->scan_error));
}

/* Closing the app must not buy five more fingers: the count is in the
 * keyring before the next finger can be tried.  Fails @task with
 * @scan_error then; without @task, keeps it in the background. */
static void
keep_failed_scans (FkClient *self,
                   GTask    *task,
                   GError   *scan_error)
{
  gint64 left = self->scans_blocked_until - boottime_seconds ();
  g_autofree char *json = NULL;

  /* Unenrolled meanwhile: nothing left to count for. */
  if (self->token == NULL)
    {
      if (task != NULL)
        g_task_return_error (task, scan_error);
      return;
    }

  fk_token_set_failed_scans (self->token, self->failed_scans, self->scan_lockouts,
                             self->scans_blocked_until > 0 && left > 0
                             ? g_get_real_time () / G_USEC_PER_SEC + left
                             : 0);
  json = fk_token_to_json (self->token);
  if (task == NULL)
    {
      fk_secret_store_save_async (self->data_dir, FK_SECRET_TOKEN, json, NULL, on_token_saved, NULL);
      return;
    }

  ((OpData *) g_task_get_task_data (task))->scan_error = scan_error;
  fk_secret_store_save_async (self->data_dir, FK_SECRET_TOKEN, json, NULL,
                              on_failed_scans_kept, g_object_ref (task));
}

static void
reset_failed_scans (FkClient *self)
{
  if (self->failed_scans == 0 && self->scan_lockouts == 0 && self->scans_blocked_until == 0)
    return;

  self->failed_scans = 0;
  self->scan_lockouts = 0;
  self->scans_blocked_until = 0;
  keep_failed_scans (self, NULL, NULL);
}

/* pin-and-fingerprint: while the finger step waits after too many
 * fingers that did not match, says how long. */
static GError *
scans_blocked_error (FkClient *self)
{
  gint64 left = self->scans_blocked_until - boottime_seconds ();
  int minutes;

  if (self->scans_blocked_until == 0 || left <= 0)
    return NULL;

  minutes = (int) ((left + 59) / 60);
  return g_error_new (FK_ERROR, FK_ERROR_RATE_LIMITED,
                      g_dngettext (GETTEXT_PACKAGE,
                                   "Too many fingerprints did not match. Try again in %d minute.",
                                   "Too many fingerprints did not match. Try again in %d minutes.",
                                   minutes),
                      minutes);
}

/* Returns TRUE, and fails @task, while the finger step waits. */
static gboolean
scans_blocked (FkClient *self,
               GTask    *task)
{
  GError *error = scans_blocked_error (self);

  if (error == NULL)
    return FALSE;

  g_task_return_error (task, error);
  return TRUE;
}

/* Counts a finger that did not match under pin-and-fingerprint; the PIN
 * cannot stand in for it, so the step waits instead of giving way. */
static void
count_bound_scan (FkClient *self)
{
  gint64 seconds;

  if (++self->failed_scans < MAX_FAILED_SCANS)
    return;

  seconds = (gint64) SCAN_LOCKOUT_SECONDS << MIN (self->scan_lockouts, 10u);
  self->scan_lockouts++;
  self->failed_scans = 0;
  self->scans_blocked_until = boottime_seconds () + MIN (seconds, MAX_SCAN_LOCKOUT_SECONDS);
}

static const char *
no_reader_message (void)
{
  return _("Your organisation requires a fingerprint, but this phone has no fingerprint reader. Contact support.");
}

static const char *
no_finger_message (void)
{
  return _("Your organisation requires a fingerprint, but none of yours is enrolled on this phone. Add one in the phone’s settings and try again.");
}

static void
finish_login (FkClient *self,
              GTask    *task)
{
  OpData *data = g_task_get_task_data (task);
  g_autoptr(GTask) load_task = NULL;

  set_attempts_left (self, FK_MAX_FAILED_PINS);
  if (data->fingerprint_key == NULL)
    reset_failed_scans (self);
  if (data->new_fingerprint_key != NULL)
    keep_fingerprint_copy (self, data->new_fingerprint_key);
  start_session (self, data->session);
  self->unlock_salt = g_bytes_ref (data->challenge);
  self->unlock_verifier = g_steal_pointer (&data->verifier);

  load_task = g_task_new (self, g_task_get_cancellable (task), on_login_tips_loaded, g_object_ref (task));
  load_records (self, load_task);
}

static void
on_session_discarded (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = fk_api_client_call_finish (FK_API_CLIENT (object), result, NULL, &error);
  if (error != NULL)
    g_debug ("Server-side logout failed: %s", error->message);
}

/* The server gave a session the client will not use: it ends there too
 * (best effort; else it runs out by itself). */
static void
discard_server_session (FkClient *self,
                        OpData   *data)
{
  g_autoptr(FkApiClient) api = fk_api_client_new (fk_token_get_server_url (data->token),
                                                  fk_token_get_server_pin (data->token));

  fk_api_client_set_bearer (api, fk_session_get_token (data->session));
  fk_api_client_call_async (api, "POST", FK_PATH_LOGOUT, NULL, NULL, on_session_discarded, NULL);
}

static SecretWrite *
add_write (OpData       *data,
           FkSecretKind  kind,
           char         *secret)
{
  SecretWrite *write = g_new0 (SecretWrite, 1);

  write->kind = kind;
  write->secret = secret;
  g_ptr_array_add (data->writes, write);
  return write;
}

static void run_writes (FkClient *self,
                        GTask    *task);

static void
on_policy_write_done (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FkClient *self = g_task_get_source_object (task);
  OpData *data = g_task_get_task_data (task);
  SecretWrite *write = g_ptr_array_index (data->writes, data->next_write - 1);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = write->secret != NULL ? fk_secret_store_save_finish (result, &error)
                             : fk_secret_store_clear_finish (result, &error);
  if (!ok)
    {
      /* What was written so far is a state that loses nothing (see
       * apply_policy()); the rest waits for the next login. */
      discard_server_session (self, data);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* The client always uses the token the keyring holds. */
  if (write->token != NULL && self->token == data->token)
    {
      g_set_object (&self->token, write->token);
      g_set_object (&data->token, write->token);
    }

  run_writes (self, task);
}

/* One write after the other, each only once the one before is in the
 * keyring. */
static void
run_writes (FkClient *self,
            GTask    *task)
{
  OpData *data = g_task_get_task_data (task);

  if (data->next_write < data->writes->len)
    {
      SecretWrite *write = g_ptr_array_index (data->writes, data->next_write++);

      if (write->secret != NULL)
        fk_secret_store_save_async (self->data_dir, write->kind, write->secret, g_task_get_cancellable (task),
                                    on_policy_write_done, g_object_ref (task));
      else
        fk_secret_store_clear_async (self->data_dir, write->kind, g_task_get_cancellable (task),
                                     on_policy_write_done, g_object_ref (task));
      return;
    }

  /* Wiped or enrolled anew while the writes ran: this login is void. */
  if (self->token != data->token)
    {
      discard_server_session (self, data);
      return_fk_error (task, FK_ERROR_SESSION_EXPIRED);
      return;
    }

  if (data->refusal != NULL)
    {
      discard_server_session (self, data);
      g_task_return_new_error (task, FK_ERROR, data->refusal_code, "%s", data->refusal);
      return;
    }

  finish_login (self, task);
}

/* A snapshot: a bind may still change data->new_token after it. */
static void
add_token_write (OpData *data)
{
  g_autoptr(FkToken) token = fk_token_copy (data->new_token);

  add_write (data, FK_SECRET_TOKEN, fk_token_to_json (token))->token = g_steal_pointer (&token);
}

static void
on_policy_rewrapped (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FkClient *self = g_task_get_source_object (task);
  OpData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      discard_server_session (self, data);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Bound: K, then the token that needs it.  Unbound: the token that no
   * longer needs K, then K goes. */
  if (fk_token_get_fingerprint_bound (data->new_token))
    {
      add_write (data, FK_SECRET_FINGERPRINT, fk_protocol_encode_base64 (data->fingerprint_secret));
      add_token_write (data);
    }
  else
    {
      add_token_write (data);
      add_write (data, FK_SECRET_FINGERPRINT, NULL);
    }
  run_writes (self, task);
}

/* The PIN was right (the server took its signature), so it may wrap again. */
static void
rewrap_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  OpData *data = task_data;
  GError *error = NULL;
  gboolean ok;

  if (fk_token_get_fingerprint_bound (data->new_token))
    ok = fk_token_unbind_fingerprint (data->new_token, data->pin, data->fingerprint_secret, &error);
  else
    ok = (data->fingerprint_secret = fk_token_bind_fingerprint (data->new_token, data->pin, &error)) != NULL;

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_bind_probe_ready (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FkClient *self = g_task_get_source_object (task);
  OpData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gboolean has_device = FALSE;
  gboolean has_finger = FALSE;

  if (!fk_fingerprint_probe_finish (FK_FINGERPRINT (object), result, &has_device, &has_finger, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          discard_server_session (self, data);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      g_debug ("Fingerprint reader not usable: %s", error->message);
    }

  /* Bound without a finger to release K, the key would wait for one that
   * cannot come: the policy stays unmet, and the login is refused. */
  if (!has_device || !has_finger)
    {
      data->refusal = g_strdup (has_device ? no_finger_message () : no_reader_message ());
      data->refusal_code = FK_ERROR_FAILED;
      if (fk_token_has_fingerprint_copy (data->token))
        add_write (data, FK_SECRET_FINGERPRINT, NULL);
      run_writes (self, task);
      return;
    }

  run_in_thread (task, rewrap_in_thread, on_policy_rewrapped);
}

static gboolean
is_policy (const char *policy)
{
  return g_strcmp0 (policy, FK_POLICY_PIN) == 0 ||
         g_strcmp0 (policy, FK_POLICY_PIN_OR_FINGERPRINT) == 0 ||
         g_strcmp0 (policy, FK_POLICY_PIN_AND_FINGERPRINT) == 0;
}

/* The server decides what may unlock: each login's reply brings the
 * policy, and the token follows it before the session starts.
 *
 * The token and the fingerprint item (the copy's key, or K) are two
 * keyring items, written one after the other, never together; so every
 * change writes the new state before it removes the old, and a crash
 * between two writes leaves something that still unwraps the key with the
 * PIN (and, if bound, K):
 *   drop the copy:   token without the copy, then clear the item;
 *   bind:            token without the copy (if it had one), then K, then
 *                    the bound token (till then K is unused, and the token
 *                    still opens with the PIN alone);
 *   unbind:          the token wrapped under the PIN alone, then clear K.
 * A leftover item unwraps nothing; the next copy or K replaces it. */
static void
apply_policy (FkClient   *self,
              GTask      *task,
              const char *policy)
{
  OpData *data = g_task_get_task_data (task);
  gboolean by_finger = data->fingerprint_key != NULL;
  gboolean bound = fk_token_get_fingerprint_bound (data->token);
  gboolean had_copy = fk_token_has_fingerprint_copy (data->token);
  gboolean changed;

  /* An older server sends none: the enrolled policy holds. */
  if (!is_policy (policy))
    policy = fk_token_get_policy (data->token);
  changed = !g_str_equal (policy, fk_token_get_policy (data->token));

  /* A copy made at this login is only for pin-or-fingerprint. */
  if (data->new_fingerprint_key != NULL && !g_str_equal (policy, FK_POLICY_PIN_OR_FINGERPRINT))
    {
      fk_token_clear_fingerprint_copy (data->token);
      g_clear_pointer (&data->new_fingerprint_key, fk_secure_bytes_unref);
      had_copy = FALSE;
    }

  data->writes = g_ptr_array_new_with_free_func ((GDestroyNotify) secret_write_free);
  data->new_token = fk_token_copy (data->token);
  fk_token_set_policy (data->new_token, policy);

  if (g_str_equal (policy, FK_POLICY_PIN_AND_FINGERPRINT) && !bound)
    {
      fk_token_set_fingerprint_wanted (data->new_token, FALSE);
      if (had_copy || changed)
        add_token_write (data);

      if (by_finger)
        {
          if (had_copy)
            add_write (data, FK_SECRET_FINGERPRINT, NULL);
          data->refusal = g_strdup (_("Your organisation now requires both your PIN and your fingerprint. Log in with your PIN."));
          data->refusal_code = FK_ERROR_PIN_REQUIRED;
          run_writes (self, task);
          return;
        }

      fk_fingerprint_probe_async (fk_client_get_fingerprint (self), g_task_get_cancellable (task),
                                  on_bind_probe_ready, g_object_ref (task));
      return;
    }

  if (!g_str_equal (policy, FK_POLICY_PIN_AND_FINGERPRINT) && bound)
    {
      g_assert (data->fingerprint_secret != NULL);
      run_in_thread (task, rewrap_in_thread, on_policy_rewrapped);
      return;
    }

  if (g_str_equal (policy, FK_POLICY_PIN) &&
      (had_copy || fk_token_get_fingerprint_wanted (data->token)))
    {
      fk_token_set_fingerprint_wanted (data->new_token, FALSE);
      add_token_write (data);
      add_write (data, FK_SECRET_FINGERPRINT, NULL);
      if (by_finger)
        {
          data->refusal = g_strdup (_("Your organisation now allows only the PIN. Log in with your PIN."));
          data->refusal_code = FK_ERROR_PIN_REQUIRED;
        }
    }
  else if (changed)
    add_token_write (data);

  run_writes (self, task);
}

static void
on_logged_in (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FkClient *self = g_task_get_source_object (task);
  OpData *data = g_task_get_task_data (task);
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(JsonObject) problem = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) data_key = NULL;
  JsonObject *object_reply;
  const char *session_token;
  gint64 expires_in;

  reply = fk_api_client_call_finish (FK_API_CLIENT (object), result, &problem, &error);
  if (error != NULL && data->new_fingerprint_key != NULL)
    fk_token_clear_fingerprint_copy (data->token);
  if (error != NULL)
    {
      if (g_error_matches (error, FK_ERROR, FK_ERROR_WRONG_PIN))
        {
          int left = problem ? (int) json_object_get_int_member_with_default (problem, "attempts_left", -1) : -1;

          set_attempts_left (self, left);
          if (left > 0)
            {
              g_task_return_new_error (task, FK_ERROR, FK_ERROR_WRONG_PIN,
                                       g_dngettext (GETTEXT_PACKAGE,
                                                    "Wrong PIN. %d attempt left.",
                                                    "Wrong PIN. %d attempts left.", left),
                                       left);
              return;
            }
        }

      handle_token_error (self, error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  object_reply = reply && JSON_NODE_HOLDS_OBJECT (reply) ? json_node_get_object (reply) : NULL;
  session_token = object_reply ? json_object_get_string_member_with_default (object_reply, "session_token", NULL) : NULL;
  expires_in = object_reply ? json_object_get_int_member_with_default (object_reply, "expires_in", 0) : 0;
  data_key = object_reply ? fk_protocol_decode_base64 (json_object_get_string_member_with_default (object_reply, "data_key", NULL)) : NULL;

  if (session_token == NULL || expires_in <= 0 || data_key == NULL || g_bytes_get_size (data_key) != FK_DATA_KEY_BYTES)
    {
      return_fk_error (task, FK_ERROR_SERVER);
      return;
    }

  data->session = fk_session_new (session_token, data_key, expires_in);
  apply_policy (self, task, json_object_get_string_member_with_default (object_reply, "policy", NULL));
}

/* What an idle unlock compares with: a hash of the unwrapped key, salted
 * per session.  It lives in this process's memory only. */
static GBytes *
unlock_verifier_new (GBytes       *salt,
                     const guint8  scalar[FK_EC_SCALAR_BYTES])
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize length = sizeof digest;

  g_checksum_update (checksum, g_bytes_get_data (salt, NULL), g_bytes_get_size (salt));
  g_checksum_update (checksum, scalar, FK_EC_SCALAR_BYTES);
  g_checksum_get_digest (checksum, digest, &length);
  return g_bytes_new (digest, length);
}

/* The key behind a login or unlock: from the fingerprint copy when the
 * finger matched, else from the PIN. */
static gboolean
unwrap_key (OpData   *data,
            guint8    scalar_out[FK_EC_SCALAR_BYTES],
            GError  **error)
{
  if (data->fingerprint_key != NULL)
    return fk_token_unwrap_fingerprint (data->token, data->fingerprint_key, scalar_out, error);

  return fk_token_unwrap (data->token, data->pin, data->fingerprint_secret, scalar_out, error);
}

static void
sign_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  OpData *data = task_data;
  g_autoptr(GBytes) message = fk_protocol_login_message (fk_token_get_device_id (data->token), data->challenge);
  guint8 scalar[FK_EC_SCALAR_BYTES];
  GError *error = NULL;

  /* Succeeds for any PIN: whether it was right, only the server can tell. */
  if (unwrap_key (data, scalar, &error))
    {
      data->signature = fk_crypto_sign (scalar, message, &error);
      data->verifier = unlock_verifier_new (data->challenge, scalar);
      /* Kept only if the server says this PIN was the right one. */
      if (data->fingerprint_key == NULL && fk_token_get_fingerprint_wanted (data->token) &&
          !fk_token_has_fingerprint_copy (data->token) &&
          g_str_equal (fk_token_get_policy (data->token), FK_POLICY_PIN_OR_FINGERPRINT))
        data->new_fingerprint_key = fk_token_wrap_fingerprint_copy (data->token, scalar);
    }
  fk_crypto_wipe (scalar, sizeof scalar);

  if (data->signature == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_signed (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FkClient *self = g_task_get_source_object (task);
  OpData *data = g_task_get_task_data (task);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *challenge = NULL;
  g_autofree char *signature = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  challenge = fk_protocol_encode_base64 (data->challenge);
  signature = fk_protocol_encode_base64 (data->signature);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "device_id");
  json_builder_add_string_value (builder, fk_token_get_device_id (data->token));
  json_builder_set_member_name (builder, "challenge");
  json_builder_add_string_value (builder, challenge);
  json_builder_set_member_name (builder, "signature");
  json_builder_add_string_value (builder, signature);
  json_builder_set_member_name (builder, "method");
  json_builder_add_string_value (builder, data->fingerprint_key ? FK_METHOD_FINGERPRINT : FK_METHOD_PIN);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  fk_api_client_call_async (self->api, "POST", FK_PATH_LOGIN, body, g_task_get_cancellable (task),
                            on_logged_in, g_object_ref (task));
}

static void
on_challenge_ready (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FkClient *self = g_task_get_source_object (task);
  OpData *data = g_task_get_task_data (task);
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = fk_api_client_call_finish (FK_API_CLIENT (object), result, NULL, &error);
  if (error != NULL)
    {
      handle_token_error (self, error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (reply != NULL && JSON_NODE_HOLDS_OBJECT (reply))
    data->challenge = fk_protocol_decode_base64 (json_object_get_string_member_with_default (json_node_get_object (reply), "challenge", NULL));
  if (data->challenge == NULL || g_bytes_get_size (data->challenge) != FK_CHALLENGE_BYTES)
    {
      return_fk_error (task, FK_ERROR_SERVER);
      return;
    }

  run_in_thread (task, sign_in_thread, on_signed);
}

static void
unwrap_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  OpData *data = task_data;
  guint8 scalar[FK_EC_SCALAR_BYTES];
  GError *error = NULL;

  if (!unwrap_key (data, scalar, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  data->verifier = unlock_verifier_new (data->challenge, scalar);
  fk_crypto_wipe (scalar, sizeof scalar);
  g_task_return_boolean (task, TRUE);
}

static void
on_unwrapped (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FkClient *self = g_task_get_source_object (task);
  OpData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  int left;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* The session ended or was unlocked while the KDF ran. */
  if (self->state != FK_CLIENT_STATE_IDLE_LOCKED || self->session == NULL)
    {
      return_fk_error (task, FK_ERROR_SESSION_EXPIRED);
      return;
    }

  if (g_bytes_equal (data->verifier, self->unlock_verifier))
    {
      g_autoptr(GTask) load_task = g_task_new (self, g_task_get_cancellable (task),
                                               on_login_tips_loaded, g_object_ref (task));

      self->unlock_failures = 0;
      if (data->fingerprint_key == NULL)
        reset_failed_scans (self);
      set_attempts_left (self, FK_MAX_FAILED_PINS);
      show_session (self);
      load_records (self, load_task);
      return;
    }

  self->unlock_failures++;
  left = FK_MAX_FAILED_PINS - (int) self->unlock_failures;
  if (left <= 0)
    {
      /* Guessing stops here: the next try must convince the server. */
      end_session (self);
      set_attempts_left (self, -1);
      set_state (self, FK_CLIENT_STATE_LOCKED);
      return_fk_error (task, FK_ERROR_SESSION_EXPIRED);
      return;
    }

  set_attempts_left (self, left);
  g_task_return_new_error (task, FK_ERROR, FK_ERROR_WRONG_PIN,
                           g_dngettext (GETTEXT_PACKAGE,
                                        "Wrong PIN. %d attempt left.",
                                        "Wrong PIN. %d attempts left.", left),
                           left);
}

/* What unwraps is in @task's data (PIN, K, or the fingerprint copy's key):
 * on to the server, or while idle-locked to the local check. */
static void
continue_login (FkClient *self,
                GTask    *task)
{
  OpData *data = g_task_get_task_data (task);
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) body = NULL;

  if (self->state == FK_CLIENT_STATE_IDLE_LOCKED)
    {
      data->challenge = g_bytes_ref (self->unlock_salt);
      run_in_thread (task, unwrap_in_thread, on_unwrapped);
      return;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "device_id");
  json_builder_add_string_value (builder, fk_token_get_device_id (self->token));
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  fk_api_client_call_async (self->api, "POST", FK_PATH_LOGIN_CHALLENGE, body, g_task_get_cancellable (task),
                            on_challenge_ready, g_object_ref (task));
}

/* Fingerprint ------------------------------------------------------------ */

gboolean
fk_client_get_fingerprint_ready (FkClient *self)
{
  g_return_val_if_fail (FK_IS_CLIENT (self), FALSE);

  return self->token != NULL && fk_token_has_fingerprint_copy (self->token) &&
         g_strcmp0 (fk_token_get_policy (self->token), FK_POLICY_PIN_OR_FINGERPRINT) == 0 &&
         self->failed_scans < MAX_FAILED_SCANS &&
         (self->state == FK_CLIENT_STATE_LOCKED || self->state == FK_CLIENT_STATE_IDLE_LOCKED);
}

const char *
fk_client_get_policy (FkClient *self)
{
  g_return_val_if_fail (FK_IS_CLIENT (self), NULL);

  return self->token != NULL ? fk_token_get_policy (self->token) : NULL;
}

gboolean
fk_client_get_fingerprint_allowed (FkClient *self)
{
  g_return_val_if_fail (FK_IS_CLIENT (self), FALSE);

  return self->token != NULL &&
         g_strcmp0 (fk_token_get_policy (self->token), FK_POLICY_PIN_OR_FINGERPRINT) == 0;
}

gboolean
fk_client_get_fingerprint_required (FkClient *self)
{
  g_return_val_if_fail (FK_IS_CLIENT (self), FALSE);

  return self->token != NULL && fk_token_get_fingerprint_bound (self->token);
}

gboolean
fk_client_get_fingerprint_wanted (FkClient *self)
{
  g_return_val_if_fail (FK_IS_CLIENT (self), FALSE);

  return self->token != NULL && fk_token_get_fingerprint_wanted (self->token);
}

void
fk_client_set_fingerprint_wanted (FkClient *self,
                                  gboolean  wanted)
{
  g_autofree char *json = NULL;

  g_return_if_fail (FK_IS_CLIENT (self));
  g_return_if_fail (self->token != NULL);
  /* That keyring item is K there: clearing it would lose the key. */
  g_return_if_fail (!fk_client_get_fingerprint_required (self));

  fk_token_set_fingerprint_wanted (self->token, wanted);
  json = fk_token_to_json (self->token);
  fk_secret_store_save_async (self->data_dir, FK_SECRET_TOKEN, json, NULL, on_token_saved, NULL);
  if (!wanted)
    fk_secret_store_clear_async (self->data_dir, FK_SECRET_FINGERPRINT, NULL, on_secret_cleared, NULL);
}

FkFingerprint *
fk_client_get_fingerprint (FkClient *self)
{
  g_return_val_if_fail (FK_IS_CLIENT (self), NULL);

  if (self->fingerprint == NULL)
    self->fingerprint = fk_fingerprint_new ();
  return self->fingerprint;
}

/* The keyring's fingerprint item, released only after a verify-match:
 * the key of the fingerprint copy, or K under pin-and-fingerprint. */
static void
on_fingerprint_item_loaded (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FkClient *self = g_task_get_source_object (task);
  OpData *data = g_task_get_task_data (task);
  gboolean bound = fk_token_get_fingerprint_bound (data->token);
  g_autoptr(GError) error = NULL;
  GBytes *item;
  char *text;

  text = fk_secret_store_load_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  item = fk_protocol_decode_base64 (text);
  fk_secret_free (text);
  /* A lost copy is made again at the next PIN login; without K the key
   * cannot be unwrapped ever again. */
  if (item == NULL)
    {
      return_fk_error (task, bound ? FK_ERROR_NOT_ENROLLED : FK_ERROR_PIN_REQUIRED);
      return;
    }

  if (bound)
    data->fingerprint_secret = item;
  else
    data->fingerprint_key = item;

  /* Idle-locked, the same local check as a PIN, without the server. */
  continue_login (self, task);
}

static void
on_finger_verified (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FkClient *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (!fk_fingerprint_verify_finish (FK_FINGERPRINT (object), result, &error))
    {
      if (g_error_matches (error, FK_ERROR, FK_ERROR_FINGERPRINT_NO_MATCH))
        {
          if (++self->failed_scans >= MAX_FAILED_SCANS)
            {
              g_clear_error (&error);
              error = g_error_new_literal (FK_ERROR, FK_ERROR_PIN_REQUIRED,
                                           _("Too many fingerprints did not match. Use your PIN."));
            }
          keep_failed_scans (self, task, g_steal_pointer (&error));
          return;
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  fk_secret_store_load_async (self->data_dir, FK_SECRET_FINGERPRINT, g_task_get_cancellable (task),
                              on_fingerprint_item_loaded, g_object_ref (task));
}

void
fk_client_login_fingerprint_async (FkClient            *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  OpData *data;

  g_return_if_fail (FK_IS_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fk_client_login_fingerprint_async);

  if (!fk_client_get_fingerprint_ready (self))
    {
      return_fk_error (task, FK_ERROR_PIN_REQUIRED);
      return;
    }

  data = g_new0 (OpData, 1);
  data->token = g_object_ref (self->token);
  g_task_set_task_data (task, data, (GDestroyNotify) op_data_free);
  fk_fingerprint_verify_async (fk_client_get_fingerprint (self), FINGERPRINT_TIMEOUT_SECONDS, cancellable,
                               on_finger_verified, g_object_ref (task));
}

gboolean
fk_client_login_fingerprint_finish (FkClient      *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_login_finger_verified (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FkClient *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (!fk_fingerprint_verify_finish (FK_FINGERPRINT (object), result, &error))
    {
      if (g_error_matches (error, FK_ERROR, FK_ERROR_FINGERPRINT_NO_MATCH))
        {
          GError *blocked;

          count_bound_scan (self);
          blocked = scans_blocked_error (self);
          keep_failed_scans (self, task, blocked != NULL ? blocked : g_steal_pointer (&error));
          return;
        }
      /* The reader's own sentences end in "or use your PIN", which alone
       * cannot log in here. */
      else if (error->domain == FK_ERROR)
        {
          g_task_return_new_error (task, FK_ERROR, error->code, "%s",
                                   _("Your fingerprint could not be read. Try again, or contact support if this goes on."));
          return;
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  fk_secret_store_load_async (self->data_dir, FK_SECRET_FINGERPRINT, g_task_get_cancellable (task),
                              on_fingerprint_item_loaded, g_object_ref (task));
}

/* pin-and-fingerprint: says what is missing rather than what the reader
 * says, which would be to use the PIN. */
static void
on_login_probe_ready (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  gboolean has_device = FALSE;
  gboolean has_finger = FALSE;

  if (!fk_fingerprint_probe_finish (FK_FINGERPRINT (object), result, &has_device, &has_finger, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      g_debug ("Fingerprint reader not usable: %s", error->message);
    }

  if (!has_device || !has_finger)
    {
      g_task_return_new_error (task, FK_ERROR, FK_ERROR_FAILED, "%s",
                               has_device ? no_finger_message () : no_reader_message ());
      return;
    }

  fk_fingerprint_verify_async (FK_FINGERPRINT (object), FINGERPRINT_TIMEOUT_SECONDS, g_task_get_cancellable (task),
                               on_login_finger_verified, g_object_ref (task));
}

void
fk_client_lock (FkClient *self)
{
  g_return_if_fail (FK_IS_CLIENT (self));

  if (self->state != FK_CLIENT_STATE_UNLOCKED)
    return;

  /* Without a verifier (restored after a restart) only the server can
   * unlock: end the session rather than leave it open. */
  if (self->unlock_verifier == NULL)
    {
      end_session (self);
      set_state (self, FK_CLIENT_STATE_LOCKED);
      return;
    }

  /* A restart must not skip the lock: only the server can unlock then. */
  hide_session (self);
  fk_secret_store_clear_async (self->data_dir, FK_SECRET_SESSION, NULL, on_secret_cleared, NULL);
  set_state (self, FK_CLIENT_STATE_IDLE_LOCKED);
}

void
fk_client_login_async (FkClient            *self,
                       const char          *pin,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  OpData *data;

  g_return_if_fail (FK_IS_CLIENT (self));
  g_return_if_fail (pin != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fk_client_login_async);
  data = g_new0 (OpData, 1);
  data->pin = g_strdup (pin);
  g_task_set_task_data (task, data, (GDestroyNotify) op_data_free);

  if (self->state == FK_CLIENT_STATE_LOADING)
    g_queue_push_tail (&self->logins_waiting_for_load, g_steal_pointer (&task));
  else
    start_login (self, g_steal_pointer (&task));
}

static void
start_login (FkClient *self,
             GTask    *owned_task)
{
  g_autoptr(GTask) task = owned_task;
  OpData *data = g_task_get_task_data (task);

  if (g_task_return_error_if_cancelled (task))
    return;

  switch (self->state)
    {
    case FK_CLIENT_STATE_IDLE_LOCKED:
    case FK_CLIENT_STATE_LOCKED:
    case FK_CLIENT_STATE_UNLOCKED:
      break;
    case FK_CLIENT_STATE_DISABLED:
      return_fk_error (task, FK_ERROR_TOKEN_DISABLED);
      return;
    case FK_CLIENT_STATE_REVOKED:
      return_fk_error (task, FK_ERROR_DEVICE_REVOKED);
      return;
    case FK_CLIENT_STATE_LOADING:
    case FK_CLIENT_STATE_NOT_ENROLLED:
    default:
      return_fk_error (task, FK_ERROR_NOT_ENROLLED);
      return;
    }

  data->token = g_object_ref (self->token);

  /* pin-and-fingerprint: the finger first, so that K, and with it any
   * use of the PIN, waits for fprintd's verify-match. */
  if (fk_token_get_fingerprint_bound (self->token))
    {
      if (!scans_blocked (self, task))
        fk_fingerprint_probe_async (fk_client_get_fingerprint (self), g_task_get_cancellable (task),
                                    on_login_probe_ready, g_object_ref (task));
      return;
    }

  continue_login (self, task);
}

gboolean
fk_client_login_finish (FkClient      *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Log out ---------------------------------------------------------------- */

static void
on_logged_out (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(GError) error = NULL;

  /* Offline logout still ends the session here; the server's copy expires. */
  reply = fk_api_client_call_finish (FK_API_CLIENT (object), result, NULL, &error);
  if (error != NULL)
    g_debug ("Server-side logout failed: %s", error->message);

  g_task_return_boolean (task, TRUE);
}

void
fk_client_logout_async (FkClient            *self,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(FkApiClient) api = NULL;

  g_return_if_fail (FK_IS_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fk_client_logout_async);

  if (self->state != FK_CLIENT_STATE_UNLOCKED && self->state != FK_CLIENT_STATE_IDLE_LOCKED)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  /* A client of its own carries the token to the server after ours forgot it. */
  api = fk_api_client_new (fk_token_get_server_url (self->token), fk_token_get_server_pin (self->token));
  fk_api_client_set_bearer (api, fk_session_get_token (self->session));
  end_session (self);
  set_state (self, FK_CLIENT_STATE_LOCKED);

  fk_api_client_call_async (api, "POST", FK_PATH_LOGOUT, NULL, cancellable,
                            on_logged_out, g_steal_pointer (&task));
}

gboolean
fk_client_logout_finish (FkClient      *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Records ---------------------------------------------------------------- */

static void
on_sync_after_save (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(FkClient) self = user_data;
  g_autoptr(GError) error = NULL;

  /* The engine's last-error already tells the officer. */
  if (!fk_sync_engine_run_finish (FK_SYNC_ENGINE (object), result, &error))
    handle_token_error (self, error);
}

static void
on_tip_saved (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FkClient *self = g_task_get_source_object (task);
  OpData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  guint revision;

  revision = fk_store_save_finish (FK_STORE (object), result, &error);
  if (revision == 0)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  fk_hotel_tip_set_revision (data->tip, revision);
  fk_hotel_tip_set_failure (data->tip, NULL);
  fk_hotel_tip_set_state (data->tip, data->send ? FK_RECORD_STATE_PENDING : FK_RECORD_STATE_DRAFT);
  if (self->state == FK_CLIENT_STATE_UNLOCKED)
    {
      FkHotelTip *listed = g_hash_table_lookup (self->tips_by_uuid, fk_hotel_tip_get_uuid (data->tip));

      /* A form kept open across a re-login holds its own object; the list
       * must show the one that was saved, or it never sees it sent. */
      if (listed == NULL)
        add_tip (self, data->tip, TRUE);
      else if (listed != data->tip)
        {
          guint position;

          /* Key and value both, while the listed copy still lives: it owns
           * the key, and the splice may free it. */
          g_hash_table_replace (self->tips_by_uuid, (gpointer) fk_hotel_tip_get_uuid (data->tip), data->tip);
          if (g_list_store_find (self->tips, listed, &position))
            g_list_store_splice (self->tips, position, 1, (gpointer *) &data->tip, 1);
        }
    }

  fk_sync_engine_refresh_pending (self->sync);
  g_task_return_boolean (task, TRUE);

  if (data->send && self->state == FK_CLIENT_STATE_UNLOCKED)
    fk_sync_engine_run_async (self->sync, NULL, on_sync_after_save, g_object_ref (self));
}

void
fk_client_save_tip_async (FkClient            *self,
                          FkHotelTip          *tip,
                          gboolean             send,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonObject) payload = NULL;
  g_autoptr(GError) error = NULL;
  OpData *data;

  g_return_if_fail (FK_IS_CLIENT (self));
  g_return_if_fail (FK_IS_HOTEL_TIP (tip));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fk_client_save_tip_async);

  if (self->state != FK_CLIENT_STATE_UNLOCKED)
    {
      return_fk_error (task, FK_ERROR_SESSION_EXPIRED);
      return;
    }

  if (send && !fk_hotel_tip_validate (tip, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data = g_new0 (OpData, 1);
  data->tip = g_object_ref (tip);
  data->send = send;
  g_task_set_task_data (task, data, (GDestroyNotify) op_data_free);

  payload = fk_hotel_tip_to_payload (tip);
  fk_store_save_async (self->store, fk_hotel_tip_get_uuid (tip), FK_KIND_HOTEL_TIP,
                       send ? FK_RECORD_STATE_PENDING : FK_RECORD_STATE_DRAFT,
                       payload, cancellable, on_tip_saved, g_steal_pointer (&task));
}

gboolean
fk_client_save_tip_finish (FkClient      *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_sync_ready (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FkClient *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (!fk_sync_engine_run_finish (FK_SYNC_ENGINE (object), result, &error))
    {
      handle_token_error (self, error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  pull_changes (self, task);
}

void
fk_client_sync_async (FkClient            *self,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (FK_IS_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fk_client_sync_async);

  /* Say why nothing can be sent, not just that the session is gone. */
  switch (self->state)
    {
    case FK_CLIENT_STATE_REVOKED:
      return_fk_error (task, FK_ERROR_DEVICE_REVOKED);
      return;
    case FK_CLIENT_STATE_DISABLED:
      return_fk_error (task, FK_ERROR_TOKEN_DISABLED);
      return;
    case FK_CLIENT_STATE_NOT_ENROLLED:
      return_fk_error (task, FK_ERROR_NOT_ENROLLED);
      return;
    case FK_CLIENT_STATE_LOADING:
    case FK_CLIENT_STATE_LOCKED:
    case FK_CLIENT_STATE_UNLOCKED:
    case FK_CLIENT_STATE_IDLE_LOCKED:
    default:
      break;
    }

  fk_sync_engine_run_async (self->sync, cancellable, on_sync_ready, g_steal_pointer (&task));
}

gboolean
fk_client_sync_finish (FkClient      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Checklists ------------------------------------------------------------- */

static void on_sync_after_save (GObject      *object,
                                GAsyncResult *result,
                                gpointer      user_data);

static void
on_checklist_saved (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FkClient *self = g_task_get_source_object (task);
  FkEventChecklist *checklist = g_task_get_task_data (task);
  FkRecordState state = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (task), "fk-state"));
  g_autoptr(GError) error = NULL;

  if (fk_store_save_finish (FK_STORE (object), result, &error) == 0)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  fk_event_checklist_set_state (checklist, state);
  /* As the store counts it: saved as sent, the server has it. */
  if (state == FK_RECORD_STATE_SENT)
    fk_event_checklist_set_on_server (checklist, TRUE);
  if (self->state == FK_CLIENT_STATE_UNLOCKED &&
      !g_hash_table_contains (self->checklists_by_uuid, fk_event_checklist_get_uuid (checklist)))
    add_checklist (self, checklist, TRUE);

  fk_sync_engine_refresh_pending (self->sync);
  g_task_return_boolean (task, TRUE);

  if (state == FK_RECORD_STATE_PENDING && self->state == FK_CLIENT_STATE_UNLOCKED)
    fk_sync_engine_run_async (self->sync, NULL, on_sync_after_save, g_object_ref (self));
}

/* Waits to be sent while it has operations the server has not applied,
 * or was never sent at all. */
static void
save_checklist (FkClient         *self,
                FkEventChecklist *checklist,
                GTask            *task)
{
  g_autoptr(GTask) owned = task ? g_object_ref (task) : g_task_new (self, NULL, NULL, NULL);
  g_autoptr(JsonObject) stored = NULL;
  FkRecordState state = fk_event_checklist_get_state (checklist);

  /* A batch read before this save has been offered (::record-offered),
   * and one read after it reads what is merged here. */
  if (!fk_sync_engine_is_reading_outbox (self->sync))
    fk_event_checklist_compact (checklist);
  stored = fk_event_checklist_to_stored (checklist);

  if (fk_event_checklist_has_unsent (checklist) || state == FK_RECORD_STATE_DRAFT)
    state = FK_RECORD_STATE_PENDING;
  else if (state == FK_RECORD_STATE_PENDING)
    state = FK_RECORD_STATE_SENT;

  g_task_set_task_data (owned, g_object_ref (checklist), g_object_unref);
  g_object_set_data (G_OBJECT (owned), "fk-state", GINT_TO_POINTER (state));
  fk_store_save_async (self->store, fk_event_checklist_get_uuid (checklist), FK_KIND_EVENT_CHECKLIST,
                       state, stored, g_task_get_cancellable (owned), on_checklist_saved,
                       g_object_ref (owned));
}

void
fk_client_save_checklist_async (FkClient            *self,
                                FkEventChecklist    *checklist,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (FK_IS_CLIENT (self));
  g_return_if_fail (FK_IS_EVENT_CHECKLIST (checklist));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fk_client_save_checklist_async);

  if (self->state != FK_CLIENT_STATE_UNLOCKED)
    {
      return_fk_error (task, FK_ERROR_SESSION_EXPIRED);
      return;
    }

  save_checklist (self, checklist, task);
}

gboolean
fk_client_save_checklist_finish (FkClient      *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Discard ---------------------------------------------------------------- */

FkDiscard
fk_client_get_discard (FkClient *self,
                       GObject  *record)
{
  FkEventChecklist *checklist;

  g_return_val_if_fail (FK_IS_CLIENT (self), FK_DISCARD_NOTHING);

  if (FK_IS_HOTEL_TIP (record))
    {
      if (fk_hotel_tip_get_offered (FK_HOTEL_TIP (record)))
        return FK_DISCARD_WAIT_FOR_ANSWER;
      return fk_hotel_tip_get_state (FK_HOTEL_TIP (record)) == FK_RECORD_STATE_SENT ? FK_DISCARD_NOTHING
                                                                                     : FK_DISCARD_RECORD;
    }

  g_return_val_if_fail (FK_IS_EVENT_CHECKLIST (record), FK_DISCARD_NOTHING);
  checklist = FK_EVENT_CHECKLIST (record);

  if (fk_event_checklist_get_offered (checklist))
    return FK_DISCARD_WAIT_FOR_ANSWER;
  if (!fk_event_checklist_get_on_server (checklist))
    return FK_DISCARD_RECORD;
  return fk_event_checklist_has_unsent (checklist) ? FK_DISCARD_CHANGES : FK_DISCARD_NOTHING;
}

typedef struct {
  FkEventChecklist *checklist;
  gint64            up_to_seq;   /* the last operation the discard takes */
} RevertData;

static void
revert_data_free (RevertData *data)
{
  g_clear_object (&data->checklist);
  g_free (data);
}

static void
on_record_discard_ready (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!fk_sync_engine_discard_finish (FK_SYNC_ENGINE (object), result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_changes_reverted (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FkClient *self = g_task_get_source_object (task);
  RevertData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (fk_store_revert_finish (FK_STORE (object), result, &error) == 0)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  fk_event_checklist_drop_unsent (data->checklist, data->up_to_seq);
  fk_event_checklist_set_failure (data->checklist, NULL);
  /* Changed while the store was at it: those changes still go. */
  if (fk_event_checklist_has_unsent (data->checklist))
    save_checklist (self, data->checklist, NULL);
  else
    fk_event_checklist_set_state (data->checklist, FK_RECORD_STATE_SENT);
  fk_sync_engine_refresh_pending (self->sync);
  g_task_return_boolean (task, TRUE);
}

void
fk_client_discard_async (FkClient            *self,
                         GObject             *record,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  FkEventChecklist *checklist;

  g_return_if_fail (FK_IS_CLIENT (self));
  g_return_if_fail (FK_IS_HOTEL_TIP (record) || FK_IS_EVENT_CHECKLIST (record));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fk_client_discard_async);

  if (self->state != FK_CLIENT_STATE_UNLOCKED)
    {
      return_fk_error (task, FK_ERROR_SESSION_EXPIRED);
      return;
    }

  if (FK_IS_HOTEL_TIP (record))
    {
      fk_sync_engine_discard_async (self->sync, FK_KIND_HOTEL_TIP, fk_hotel_tip_get_uuid (FK_HOTEL_TIP (record)),
                                    cancellable, on_record_discard_ready, g_steal_pointer (&task));
      return;
    }

  checklist = FK_EVENT_CHECKLIST (record);
  if (!fk_event_checklist_get_on_server (checklist))
    {
      fk_sync_engine_discard_async (self->sync, FK_KIND_EVENT_CHECKLIST, fk_event_checklist_get_uuid (checklist),
                                    cancellable, on_record_discard_ready, g_steal_pointer (&task));
      return;
    }

  /* The server has it: back to its version, which the store refuses while
   * the changes may be on their way or there already. */
  {
    g_autoptr(JsonObject) stored = fk_event_checklist_to_stored (checklist);
    RevertData *data = g_new0 (RevertData, 1);

    data->checklist = g_object_ref (checklist);
    data->up_to_seq = fk_event_checklist_stored_last_seq (stored);
    fk_event_checklist_stored_drop_unsent (stored);
    g_task_set_task_data (task, data, (GDestroyNotify) revert_data_free);
    fk_store_revert_async (self->store, FK_KIND_EVENT_CHECKLIST, fk_event_checklist_get_uuid (checklist), stored,
                           fk_sync_engine_get_sending (self->sync), cancellable, on_changes_reverted,
                           g_steal_pointer (&task));
  }
}

gboolean
fk_client_discard_finish (FkClient      *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Pull ------------------------------------------------------------------- */

typedef struct {
  guint    saves;      /* still being written */
  gint64   cursor;     /* to store once they are */
  gboolean more;
  GError  *error;
} Pull;

static void
pull_free (Pull *pull)
{
  g_clear_error (&pull->error);
  g_free (pull);
}

static void
on_cursor_stored (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FkClient *self = g_task_get_source_object (task);
  Pull *pull = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!fk_store_set_meta_finish (FK_STORE (object), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (pull->more)
    pull_changes (self, task);
  else
    g_task_return_boolean (task, TRUE);
}

/* The cursor moves only once every change before it is on disk. */
static void
pull_saved_one (GTask  *task,
                GError *error)
{
  FkClient *self = g_task_get_source_object (task);
  Pull *pull = g_task_get_task_data (task);
  g_autofree char *cursor = NULL;

  if (error != NULL && pull->error == NULL)
    pull->error = error;
  else
    g_clear_error (&error);

  if (--pull->saves > 0)
    return;

  if (pull->error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&pull->error));
      return;
    }

  cursor = g_strdup_printf ("%" G_GINT64_FORMAT, pull->cursor);
  fk_store_set_meta_async (self->store, CHANGES_CURSOR, cursor, NULL, on_cursor_stored, g_object_ref (task));
}

static void
on_pulled_record_saved (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  fk_store_save_finish (FK_STORE (object), result, &error);
  pull_saved_one (task, error);
}

static void
on_pulled_checklist_saved (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  fk_client_save_checklist_finish (FK_CLIENT (object), result, &error);
  pull_saved_one (task, error);
}

static void
apply_change (FkClient   *self,
              GTask      *task,
              JsonObject *change)
{
  Pull *pull = g_task_get_task_data (task);
  const char *kind = json_object_get_string_member_with_default (change, "kind", "");
  const char *uuid = json_object_get_string_member_with_default (change, "uuid", NULL);
  JsonNode *body = json_object_get_member (change, g_str_equal (kind, "template") ? "template" : "state");

  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    return;

  if (g_str_equal (kind, "template"))
    {
      g_autoptr(FkChecklistTemplate) template_ = fk_checklist_template_new_from_json (json_node_get_object (body), NULL);
      g_autofree char *key = NULL;

      if (template_ == NULL)
        return;

      add_template (self, template_);
      key = template_key (fk_checklist_template_get_id (template_), fk_checklist_template_get_version (template_));
      pull->saves++;
      fk_store_save_async (self->store, key, KIND_TEMPLATE, FK_RECORD_STATE_SENT, json_node_get_object (body),
                           NULL, on_pulled_record_saved, g_object_ref (task));
    }
  else if (g_str_equal (kind, FK_KIND_EVENT_CHECKLIST) && uuid != NULL)
    {
      JsonObject *state = json_node_get_object (body);
      FkEventChecklist *checklist = g_hash_table_lookup (self->checklists_by_uuid, uuid);
      g_autoptr(FkEventChecklist) pulled = NULL;
      g_autoptr(GTask) save_task = NULL;

      if (checklist != NULL)
        fk_event_checklist_apply_server_state (checklist, state, -1);
      else
        {
          pulled = fk_event_checklist_new_from_state (uuid, state,
                                                      find_template (self,
                                                                     json_object_get_string_member_with_default (state, "template_id", ""),
                                                                     json_object_get_int_member_with_default (state, "template_version", 0)),
                                                      NULL);
          if (pulled == NULL)
            return;
          /* Another officer's: already on the server. */
          fk_event_checklist_set_state (pulled, FK_RECORD_STATE_SENT);
          checklist = pulled;
        }

      pull->saves++;
      save_task = g_task_new (self, NULL, on_pulled_checklist_saved, g_object_ref (task));
      save_checklist (self, checklist, save_task);
    }
}

static void
on_changes_ready (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FkClient *self = g_task_get_source_object (task);
  Pull *pull = g_task_get_task_data (task);
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object_reply;
  JsonNode *changes;

  reply = fk_api_client_call_finish (FK_API_CLIENT (object), result, NULL, &error);
  if (error != NULL)
    {
      handle_token_error (self, error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  object_reply = reply && JSON_NODE_HOLDS_OBJECT (reply) ? json_node_get_object (reply) : NULL;
  changes = object_reply ? json_object_get_member (object_reply, "changes") : NULL;
  if (changes == NULL || !JSON_NODE_HOLDS_ARRAY (changes) || self->state != FK_CLIENT_STATE_UNLOCKED)
    {
      return_fk_error (task, self->state == FK_CLIENT_STATE_UNLOCKED ? FK_ERROR_SERVER : FK_ERROR_SESSION_EXPIRED);
      return;
    }

  pull->cursor = json_object_get_int_member_with_default (object_reply, "cursor", pull->cursor);
  pull->more = json_object_get_boolean_member_with_default (object_reply, "more", FALSE);

  /* One extra count, so the cursor waits for the loop as well as the saves. */
  pull->saves = 1;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (changes)); i++)
    {
      JsonNode *change = json_array_get_element (json_node_get_array (changes), i);

      if (JSON_NODE_HOLDS_OBJECT (change))
        apply_change (self, task, json_node_get_object (change));
    }
  pull_saved_one (task, NULL);
}

static void
on_cursor_loaded (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FkClient *self = g_task_get_source_object (task);
  Pull *pull = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *path = NULL;

  cursor = fk_store_get_meta_finish (FK_STORE (object), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (self->state != FK_CLIENT_STATE_UNLOCKED)
    {
      return_fk_error (task, FK_ERROR_SESSION_EXPIRED);
      return;
    }

  pull->cursor = cursor ? g_ascii_strtoll (cursor, NULL, 10) : 0;
  path = g_strdup_printf ("%s?since=%" G_GINT64_FORMAT, FK_PATH_CHANGES, pull->cursor);
  fk_api_client_call_async (self->api, "GET", path, NULL, g_task_get_cancellable (task),
                            on_changes_ready, g_object_ref (task));
}

/* Templates and the team's checklists changed since the stored cursor. */
static void
pull_changes (FkClient *self,
              GTask    *task)
{
  if (g_task_get_task_data (task) == NULL)
    g_task_set_task_data (task, g_new0 (Pull, 1), (GDestroyNotify) pull_free);

  fk_store_get_meta_async (self->store, CHANGES_CURSOR, g_task_get_cancellable (task),
                           on_cursor_loaded, g_object_ref (task));
}

static void
on_keyring_flushed (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!fk_secret_store_flush_finish (result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_store_flushed (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data);

static void
on_api_closed (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FkClient *self = g_task_get_source_object (task);

  fk_api_client_close_finish (FK_API_CLIENT (object), result, NULL);
  fk_store_flush_async (self->store, g_task_get_cancellable (task), on_store_flushed, g_object_ref (task));
}

static void
on_store_flushed (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!fk_store_flush_finish (FK_STORE (object), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  fk_secret_store_flush_async (g_task_get_cancellable (task), on_keyring_flushed, g_object_ref (task));
}

void
fk_client_close_async (FkClient            *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (FK_IS_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fk_client_close_async);
  if (self->api != NULL)
    fk_api_client_close_async (self->api, on_api_closed, g_steal_pointer (&task));
  else
    fk_store_flush_async (self->store, cancellable, on_store_flushed, g_steal_pointer (&task));
}

gboolean
fk_client_close_finish (FkClient      *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Object ----------------------------------------------------------------- */

static void
fk_client_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  FkClient *self = FK_CLIENT (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_ATTEMPTS_LEFT:
      g_value_set_int (value, self->attempts_left);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fk_client_dispose (GObject *object)
{
  FkClient *self = (FkClient *) object;

  if (self->session != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->session, self);
      g_clear_object (&self->session);
    }
  if (self->sync != NULL)
    g_signal_handlers_disconnect_by_data (self->sync, self);
  g_clear_object (&self->sync);
  g_clear_object (&self->store);
  g_clear_object (&self->api);
  g_clear_object (&self->token);
  g_clear_object (&self->fingerprint);
  if (self->tips != NULL)
    clear_tips (self);

  G_OBJECT_CLASS (fk_client_parent_class)->dispose (object);
}

static void
fk_client_finalize (GObject *object)
{
  FkClient *self = (FkClient *) object;

  g_clear_object (&self->tips);
  g_clear_pointer (&self->tips_by_uuid, g_hash_table_unref);
  g_clear_object (&self->checklists);
  g_clear_pointer (&self->checklists_by_uuid, g_hash_table_unref);
  g_clear_object (&self->templates);
  g_clear_pointer (&self->templates_by_key, g_hash_table_unref);
  g_clear_pointer (&self->unlock_verifier, fk_secure_bytes_unref);
  g_clear_pointer (&self->unlock_salt, g_bytes_unref);
  g_free (self->data_dir);

  G_OBJECT_CLASS (fk_client_parent_class)->finalize (object);
}

static void
fk_client_class_init (FkClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = fk_client_get_property;
  object_class->dispose = fk_client_dispose;
  object_class->finalize = fk_client_finalize;

  /* An int holding FkClientState: the enum gets a GType when the UI needs one. */
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL,
                      FK_CLIENT_STATE_LOADING, FK_CLIENT_STATE_IDLE_LOCKED, FK_CLIENT_STATE_LOADING,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ATTEMPTS_LEFT] =
    g_param_spec_int ("attempts-left", NULL, NULL, -1, G_MAXINT, -1,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FkClient::session-expiring:
   *
   * FK_SESSION_WARNING_SECONDS before the session ends.
   */
  signals[SESSION_EXPIRING] =
    g_signal_new ("session-expiring", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * FkClient::session-resumed:
   *
   * The device woke from suspend with the session still running: what
   * shows the time left reads it again (GLib's timeouts stood still).
   */
  signals[SESSION_RESUMED] =
    g_signal_new ("session-resumed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
fk_client_init (FkClient *self)
{
  g_autoptr(FkChecklistTemplate) national = NULL;

  self->attempts_left = -1;
  self->retention_days = 7;
  self->tips = g_list_store_new (FK_TYPE_HOTEL_TIP);
  self->tips_by_uuid = g_hash_table_new (g_str_hash, g_str_equal);
  self->checklists = g_list_store_new (FK_TYPE_EVENT_CHECKLIST);
  self->checklists_by_uuid = g_hash_table_new (g_str_hash, g_str_equal);
  self->templates = g_list_store_new (FK_TYPE_CHECKLIST_TEMPLATE);
  self->templates_by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  /* A first start offline has a checklist to work with. */
  national = fk_checklist_template_new_default ();
  add_template (self, national);
}

FkClient *
fk_client_new (const char *data_dir)
{
  FkClient *self = g_object_new (FK_TYPE_CLIENT, NULL);
  g_autofree char *store_path = NULL;

  /* Absolute, so it names the same secrets from any working directory. */
  self->data_dir = data_dir ? g_canonicalize_filename (data_dir, NULL)
                            : g_build_filename (g_get_user_data_dir (), "faltkoll", NULL);
  store_path = g_build_filename (self->data_dir, "records.db", NULL);
  self->store = fk_store_new (store_path);
  self->sync = fk_sync_engine_new (self->store);
  g_signal_connect_swapped (self->sync, "record-offered", G_CALLBACK (on_record_offered), self);
  g_signal_connect_swapped (self->sync, "record-synced", G_CALLBACK (on_record_synced), self);
  g_signal_connect_swapped (self->sync, "record-discarded", G_CALLBACK (on_record_discarded), self);
  g_signal_connect_swapped (self->sync, "notify::sending", G_CALLBACK (on_sending_changed), self);

  return self;
}

void
fk_client_set_retention_days (FkClient *self,
                              guint     days)
{
  g_return_if_fail (FK_IS_CLIENT (self));
  g_return_if_fail (days > 0);

  self->retention_days = days;
}

FkClientState
fk_client_get_state (FkClient *self)
{
  g_return_val_if_fail (FK_IS_CLIENT (self), FK_CLIENT_STATE_LOADING);
  return self->state;
}

const char *
fk_client_get_server_url (FkClient *self)
{
  g_return_val_if_fail (FK_IS_CLIENT (self), NULL);
  return self->token ? fk_token_get_server_url (self->token) : NULL;
}

const char *
fk_client_get_data_dir (FkClient *self)
{
  g_return_val_if_fail (FK_IS_CLIENT (self), NULL);
  return self->data_dir;
}

const char *
fk_client_get_device_id (FkClient *self)
{
  g_return_val_if_fail (FK_IS_CLIENT (self), NULL);
  return self->token ? fk_token_get_device_id (self->token) : NULL;
}

const char *
fk_client_get_officer_id (FkClient *self)
{
  g_return_val_if_fail (FK_IS_CLIENT (self), NULL);
  return self->token ? fk_token_get_officer_id (self->token) : NULL;
}

int
fk_client_get_attempts_left (FkClient *self)
{
  g_return_val_if_fail (FK_IS_CLIENT (self), -1);
  return self->attempts_left;
}

gint64
fk_client_get_session_remaining (FkClient *self)
{
  g_return_val_if_fail (FK_IS_CLIENT (self), 0);
  return self->session ? fk_session_get_remaining (self->session) : 0;
}

FkSyncEngine *
fk_client_get_sync_engine (FkClient *self)
{
  g_return_val_if_fail (FK_IS_CLIENT (self), NULL);
  return self->sync;
}

GListModel *
fk_client_get_checklists (FkClient *self)
{
  g_return_val_if_fail (FK_IS_CLIENT (self), NULL);
  return G_LIST_MODEL (self->checklists);
}

GListModel *
fk_client_get_templates (FkClient *self)
{
  g_return_val_if_fail (FK_IS_CLIENT (self), NULL);
  return G_LIST_MODEL (self->templates);
}

GListModel *
fk_client_get_tips (FkClient *self)
{
  g_return_val_if_fail (FK_IS_CLIENT (self), NULL);
  return G_LIST_MODEL (self->tips);
}
