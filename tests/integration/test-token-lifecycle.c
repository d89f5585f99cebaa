/* test-token-lifecycle.c: Mobilt TjänsteID against the real server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Brute force, disable and re-activation with records kept; revocation with
 * remote wipe; the session's expiry, restart and idle lock.
 */
#include "config.h"

#include <string.h>

#include "fk-client.h"
#include "fk-error.h"
#include "fk-secret-store.h"
#include "fk-test-client.h"
#include "fk-test-server.h"

#define OFFICER "officer-test-31"
#define PIN     "583016"
#define WRONG   "583017"

typedef struct {
  char         *root;
  char         *data_dir;
  FkTestServer *server;
  FkClient     *client;
} Fixture;

static void
reload (Fixture *fixture)
{
  g_autoptr(GAsyncResult) result = NULL;

  /* As a process would before it exits. */
  fk_client_close_async (fixture->client, NULL, fk_test_keep_result, &result);
  g_assert_true (fk_client_close_finish (fixture->client, fk_test_wait_for (&result), NULL));
  g_clear_object (&fixture->client);
  fixture->client = fk_test_load_client (fixture->data_dir);
}

static gboolean
enroll (Fixture  *fixture,
        GError  **error)
{
  g_autofree char *code = fk_test_server_issue_code (fixture->server, OFFICER);
  g_autoptr(GAsyncResult) result = NULL;

  fk_client_enroll_async (fixture->client, fixture->server->url, fixture->server->pin, code, PIN,
                          NULL, fk_test_keep_result, &result);
  return fk_client_enroll_finish (fixture->client, fk_test_wait_for (&result), error);
}

static gboolean
login (Fixture     *fixture,
       const char  *pin,
       GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  fk_client_login_async (fixture->client, pin, NULL, fk_test_keep_result, &result);
  return fk_client_login_finish (fixture->client, fk_test_wait_for (&result), error);
}

static gboolean
sync_now (Fixture  *fixture,
          GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  fk_client_sync_async (fixture->client, NULL, fk_test_keep_result, &result);
  return fk_client_sync_finish (fixture->client, fk_test_wait_for (&result), error);
}

static char *
save_tip (Fixture  *fixture,
          GError  **error)
{
  g_autoptr(FkHotelTip) tip = fk_hotel_tip_new ();
  g_autoptr(GDateTime) received = g_date_time_new_now_utc ();
  g_autoptr(GAsyncResult) result = NULL;

  fk_hotel_tip_set_hotel_name (tip, "Hotell Uppdiktat");
  fk_hotel_tip_set_municipality (tip, "Exempelby");
  fk_hotel_tip_set_received_at (tip, received);
  fk_hotel_tip_set_description (tip, "Många korta besök till samma rum under kvällen.");
  fk_client_save_tip_async (fixture->client, tip, TRUE, NULL, fk_test_keep_result, &result);
  if (!fk_client_save_tip_finish (fixture->client, fk_test_wait_for (&result), error))
    return NULL;

  return g_strdup (fk_hotel_tip_get_uuid (tip));
}

static void
start (Fixture            *fixture,
       const char * const *server_args)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *state_dir = NULL;

  fixture->root = g_dir_make_tmp ("fk-token-XXXXXX", &error);
  g_assert_no_error (error);
  state_dir = g_build_filename (fixture->root, "server", NULL);
  fixture->data_dir = g_build_filename (fixture->root, "device", NULL);
  fixture->server = fk_test_server_new (state_dir);
  fk_test_server_start (fixture->server, server_args);
  fixture->client = fk_test_load_client (fixture->data_dir);

  g_assert_true (enroll (fixture, &error));
  g_assert_no_error (error);
  g_assert_true (login (fixture, PIN, &error));
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  start (fixture, data);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->client);
  g_clear_pointer (&fixture->server, fk_test_server_free);
  g_assert_cmpint (fk_test_run (NULL, NULL, NULL, "rm", "-rf", fixture->root, NULL), ==, 0);
  g_free (fixture->root);
  g_free (fixture->data_dir);
}

static void
logout (Fixture *fixture)
{
  g_autoptr(GAsyncResult) result = NULL;

  fk_client_logout_async (fixture->client, NULL, fk_test_keep_result, &result);
  g_assert_true (fk_client_logout_finish (fixture->client, fk_test_wait_for (&result), NULL));
}

static void
admin_revoke (Fixture *fixture)
{
  g_autofree char *server = fk_test_build_path ("server/faltkoll-server");

  g_assert_cmpint (fk_test_run (NULL, NULL, NULL, server, "admin", "revoke",
                                "--device", fk_client_get_device_id (fixture->client),
                                "--state-dir", fixture->server->state_dir, NULL), ==, 0);
}

/* Five wrong PINs disable the token; records not yet sent survive, and a
 * new activation on the same device reads and sends them. */
static void
test_brute_force_then_reactivate (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(GPtrArray) uuids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;

  fk_test_server_stop (fixture->server);
  for (guint i = 0; i < 3; i++)
    {
      char *uuid = save_tip (fixture, &error);

      g_assert_no_error (error);
      g_ptr_array_add (uuids, uuid);
    }
  fk_test_server_start (fixture->server, NULL);
  logout (fixture);

  for (int left = 4; left >= 1; left--)
    {
      g_autofree char *expected = g_strdup_printf ("Wrong PIN. %d attempt%s left.", left, left == 1 ? "" : "s");

      g_assert_false (login (fixture, WRONG, &error));
      g_assert_error (error, FK_ERROR, FK_ERROR_WRONG_PIN);
      g_assert_cmpstr (error->message, ==, expected);
      g_assert_cmpint (fk_client_get_attempts_left (fixture->client), ==, left);
      g_clear_error (&error);
    }

  g_assert_false (login (fixture, WRONG, &error));
  g_assert_error (error, FK_ERROR, FK_ERROR_TOKEN_DISABLED);
  g_clear_error (&error);
  g_assert_cmpint (fk_client_get_state (fixture->client), ==, FK_CLIENT_STATE_DISABLED);

  /* The right PIN no longer helps, here or after a restart. */
  reload (fixture);
  g_assert_cmpint (fk_client_get_state (fixture->client), ==, FK_CLIENT_STATE_DISABLED);
  g_assert_false (login (fixture, PIN, &error));
  g_assert_error (error, FK_ERROR, FK_ERROR_TOKEN_DISABLED);
  g_clear_error (&error);
  g_assert_cmpint (fk_test_server_count_records (fixture->server, NULL), ==, 0);

  g_assert_true (enroll (fixture, &error));
  g_assert_no_error (error);
  g_assert_true (login (fixture, PIN, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (fk_client_get_tips (fixture->client)), ==, 3);
  g_assert_true (sync_now (fixture, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < uuids->len; i++)
    g_assert_cmpint (fk_test_server_count_records (fixture->server, g_ptr_array_index (uuids, i)), ==, 1);
}

static void
assert_wiped (Fixture *fixture)
{
  g_autofree char *store = g_build_filename (fixture->data_dir, "records.db", NULL);

  g_assert_cmpint (fk_client_get_state (fixture->client), ==, FK_CLIENT_STATE_REVOKED);
  g_assert_cmpuint (g_list_model_get_n_items (fk_client_get_tips (fixture->client)), ==, 0);
  reload (fixture);
  g_assert_cmpint (fk_client_get_state (fixture->client), ==, FK_CLIENT_STATE_NOT_ENROLLED);
  /* Reloading opens a fresh, empty store: nothing of the old one is left. */
  g_assert_cmpuint (g_list_model_get_n_items (fk_client_get_tips (fixture->client)), ==, 0);
  g_assert_true (g_file_test (store, G_FILE_TEST_EXISTS));
}

static void
test_revoke_while_logged_in (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sent = save_tip (fixture, &error);
  g_autofree char *unsent = NULL;

  g_assert_no_error (error);
  g_assert_true (sync_now (fixture, NULL));
  g_assert_cmpint (fk_test_server_count_records (fixture->server, sent), ==, 1);

  admin_revoke (fixture);
  unsent = save_tip (fixture, &error);
  g_assert_no_error (error);
  fk_test_spin (200);
  g_assert_false (sync_now (fixture, &error));
  g_assert_error (error, FK_ERROR, FK_ERROR_DEVICE_REVOKED);

  assert_wiped (fixture);
  /* The server keeps what it had. */
  g_assert_cmpint (fk_test_server_count_records (fixture->server, sent), ==, 1);
}

static void
test_revoke_while_offline (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;

  fk_test_server_stop (fixture->server);
  admin_revoke (fixture);
  uuid = save_tip (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fk_client_get_state (fixture->client), ==, FK_CLIENT_STATE_UNLOCKED);

  fk_test_server_start (fixture->server, NULL);
  g_assert_false (sync_now (fixture, &error));
  g_assert_error (error, FK_ERROR, FK_ERROR_DEVICE_REVOKED);
  assert_wiped (fixture);
  g_assert_cmpint (fk_test_server_count_records (fixture->server, uuid), ==, 0);
}

static void
test_revoke_at_next_login (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  logout (fixture);
  admin_revoke (fixture);
  g_assert_false (login (fixture, PIN, &error));
  g_assert_error (error, FK_ERROR, FK_ERROR_DEVICE_REVOKED);
  assert_wiped (fixture);
}

static void
test_restart_within_session (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = save_tip (fixture, &error);

  g_assert_no_error (error);
  reload (fixture);
  g_assert_cmpint (fk_client_get_state (fixture->client), ==, FK_CLIENT_STATE_UNLOCKED);
  g_assert_cmpint (fk_client_get_session_remaining (fixture->client), >, 9 * 3600);
  g_assert_cmpuint (g_list_model_get_n_items (fk_client_get_tips (fixture->client)), ==, 1);
}

/* The login page can show before the keyring answers: a PIN entered then
 * waits for the load, and one cancelled meanwhile ends as cancelled. */
static void
test_login_while_loading (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(FkClient) client = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) cancelled = NULL;
  g_autoptr(GAsyncResult) logged_in = NULL;
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GError) error = NULL;

  logout (fixture);
  reload (fixture);
  g_assert_cmpint (fk_client_get_state (fixture->client), ==, FK_CLIENT_STATE_LOCKED);

  client = fk_client_new (fixture->data_dir);
  fk_client_login_async (client, PIN, cancellable, fk_test_keep_result, &cancelled);
  fk_client_login_async (client, PIN, NULL, fk_test_keep_result, &logged_in);
  g_cancellable_cancel (cancellable);
  fk_test_spin (50);
  g_assert_null (cancelled);
  g_assert_null (logged_in);
  g_assert_cmpint (fk_client_get_state (client), ==, FK_CLIENT_STATE_LOADING);

  fk_client_load_async (client, NULL, fk_test_keep_result, &loaded);
  g_assert_true (fk_client_load_finish (client, fk_test_wait_for (&loaded), &error));
  g_assert_no_error (error);
  g_assert_true (fk_client_login_finish (client, fk_test_wait_for (&logged_in), &error));
  g_assert_no_error (error);
  g_assert_cmpint (fk_client_get_state (client), ==, FK_CLIENT_STATE_UNLOCKED);
  g_assert_false (fk_client_login_finish (client, fk_test_wait_for (&cancelled), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_idle_lock_and_unlock (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = save_tip (fixture, &error);

  g_assert_no_error (error);
  fk_test_server_stop (fixture->server);

  fk_client_lock (fixture->client);
  g_assert_cmpint (fk_client_get_state (fixture->client), ==, FK_CLIENT_STATE_IDLE_LOCKED);
  g_assert_cmpuint (g_list_model_get_n_items (fk_client_get_tips (fixture->client)), ==, 0);
  g_assert_null (save_tip (fixture, &error));
  g_assert_error (error, FK_ERROR, FK_ERROR_SESSION_EXPIRED);
  g_clear_error (&error);

  /* Offline: the server is down, and the PIN still opens the session. */
  g_assert_false (login (fixture, WRONG, &error));
  g_assert_error (error, FK_ERROR, FK_ERROR_WRONG_PIN);
  g_assert_cmpint (fk_client_get_attempts_left (fixture->client), ==, 4);
  g_clear_error (&error);
  g_assert_true (login (fixture, PIN, &error));
  g_assert_no_error (error);
  g_assert_cmpint (fk_client_get_state (fixture->client), ==, FK_CLIENT_STATE_UNLOCKED);
  g_assert_cmpuint (g_list_model_get_n_items (fk_client_get_tips (fixture->client)), ==, 1);

  /* A restart while locked must not skip the lock. */
  fk_client_lock (fixture->client);
  reload (fixture);
  g_assert_cmpint (fk_client_get_state (fixture->client), ==, FK_CLIENT_STATE_LOCKED);
}

static FkEventChecklist *
new_saved_checklist (Fixture *fixture)
{
  g_autoptr(FkChecklistTemplate) template_ = g_list_model_get_item (fk_client_get_templates (fixture->client), 0);
  g_autoptr(FkEventChecklist) checklist = fk_event_checklist_new (template_);
  g_autoptr(GAsyncResult) saved = NULL;
  g_autoptr(GError) error = NULL;

  fk_client_save_checklist_async (fixture->client, checklist, NULL, fk_test_keep_result, &saved);
  g_assert_true (fk_client_save_checklist_finish (fixture->client, fk_test_wait_for (&saved), &error));
  g_assert_no_error (error);

  return g_steal_pointer (&checklist);
}

/* Runs once the login has asked the store for its tips.  By the end of
 * the nap the store's thread has read them with the session's key, and
 * its answer waits behind this source: the lock lands in the window. */
static gboolean
lock_while_tips_load (gpointer user_data)
{
  g_usleep (200 * 1000);
  fk_client_lock (user_data);
  return G_SOURCE_REMOVE;
}

/* The login loads checklists, then tips; a checklist's arrival in the
 * model comes just before the tips are asked for. */
static void
on_checklists_changed (GListModel *checklists,
                       guint       position,
                       guint       removed,
                       guint       added,
                       FkClient   *client)
{
  if (added == 0)
    return;

  g_signal_handlers_disconnect_by_func (checklists, on_checklists_changed, client);
  g_idle_add_full (G_PRIORITY_HIGH, lock_while_tips_load, g_object_ref (client), g_object_unref);
}

/* Locked (idle, or by the officer) while a login's records load: the
 * login must not then keep the session for a restart to find. */
static void
test_lock_while_login_loads (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(FkEventChecklist) checklist = new_saved_checklist (fixture);
  g_autoptr(GAsyncResult) flushed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = save_tip (fixture, &error);

  g_assert_no_error (error);

  logout (fixture);
  g_signal_connect (fk_client_get_checklists (fixture->client), "items-changed",
                    G_CALLBACK (on_checklists_changed), fixture->client);
  g_assert_true (login (fixture, PIN, &error));
  g_assert_no_error (error);
  g_assert_cmpint (fk_client_get_state (fixture->client), ==, FK_CLIENT_STATE_IDLE_LOCKED);
  g_assert_cmpuint (g_list_model_get_n_items (fk_client_get_tips (fixture->client)), ==, 0);

  /* Whatever the keyring was asked to do by now is done. */
  fk_secret_store_flush_async (NULL, fk_test_keep_result, &flushed);
  g_assert_true (fk_secret_store_flush_finish (fk_test_wait_for (&flushed), NULL));
  reload (fixture);
  g_assert_cmpint (fk_client_get_state (fixture->client), ==, FK_CLIENT_STATE_LOCKED);
}

static void
assert_lists_only (Fixture          *fixture,
                   FkEventChecklist *checklist)
{
  GListModel *checklists = fk_client_get_checklists (fixture->client);
  g_autoptr(FkEventChecklist) listed = NULL;

  g_assert_cmpuint (g_list_model_get_n_items (checklists), ==, 1);
  listed = g_list_model_get_item (checklists, 0);
  g_assert_cmpstr (fk_event_checklist_get_uuid (listed), ==, fk_event_checklist_get_uuid (checklist));
}

/* A checklist the server has not had yet is listed again after an unlock
 * and after a restart: loading the tips must not drop the checklists
 * loaded just before them. */
static void
test_unlock_lists_checklists (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(FkEventChecklist) checklist = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;

  fk_test_server_stop (fixture->server);
  checklist = new_saved_checklist (fixture);
  uuid = save_tip (fixture, &error);
  g_assert_no_error (error);

  fk_client_lock (fixture->client);
  g_assert_true (login (fixture, PIN, &error));
  g_assert_no_error (error);
  assert_lists_only (fixture, checklist);
  g_assert_cmpuint (g_list_model_get_n_items (fk_client_get_tips (fixture->client)), ==, 1);

  reload (fixture);
  g_assert_cmpint (fk_client_get_state (fixture->client), ==, FK_CLIENT_STATE_UNLOCKED);
  assert_lists_only (fixture, checklist);
  g_assert_cmpuint (g_list_model_get_n_items (fk_client_get_tips (fixture->client)), ==, 1);
}

/* Enough saves that the store's thread is still busy with them when the
 * lock comes, as it can be during a sync. */
#define QUEUED_DRAFTS 100

typedef struct {
  FkClient         *client;
  FkEventChecklist *checklist;
  const char       *item_id;
  gboolean          committed;
  GAsyncResult     *saved;
} PageCommit;

/* What the open checklist page does as the list empties under it at a
 * lock or logout: commits the note being typed, and saves. */
static void
commit_as_list_empties (GListModel *checklists,
                        guint       position,
                        guint       removed,
                        guint       added,
                        PageCommit *commit)
{
  if (g_list_model_get_n_items (checklists) > 0)
    return;

  g_signal_handlers_disconnect_by_func (checklists, commit_as_list_empties, commit);
  commit->committed = TRUE;
  fk_event_checklist_set_note (commit->checklist, commit->item_id, "Typed just before the lock");
  fk_client_save_checklist_async (commit->client, commit->checklist, NULL, fk_test_keep_result, &commit->saved);
}

typedef struct {
  guint left;
  guint failed;
} Drafts;

static void
on_draft_saved (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Drafts *drafts = user_data;

  if (!fk_client_save_tip_finish (FK_CLIENT (object), result, NULL))
    drafts->failed++;
  drafts->left--;
}

static const char *
note_of (Fixture    *fixture,
         const char *uuid,
         guint       index)
{
  GListModel *checklists = fk_client_get_checklists (fixture->client);

  for (guint i = 0; i < g_list_model_get_n_items (checklists); i++)
    {
      g_autoptr(FkEventChecklist) checklist = g_list_model_get_item (checklists, i);
      g_autoptr(FkChecklistItem) item = NULL;

      if (!g_str_equal (fk_event_checklist_get_uuid (checklist), uuid))
        continue;

      /* The model keeps both alive. */
      item = g_list_model_get_item (fk_event_checklist_get_items (checklist), index);
      return fk_checklist_item_get_note (item);
    }

  g_assert_not_reached ();
}

/* Changes saved as the session is hidden are there when the officer is
 * back: a note the open page commits as the lock empties its list, and
 * saves still waiting behind a busy store. */
static void
check_last_changes_kept (Fixture  *fixture,
                         gboolean  logout_instead)
{
  g_autoptr(FkEventChecklist) queued = new_saved_checklist (fixture);
  g_autoptr(FkEventChecklist) shown = new_saved_checklist (fixture);
  g_autoptr(FkChecklistItem) first = g_list_model_get_item (fk_event_checklist_get_items (queued), 0);
  g_autoptr(FkChecklistItem) second = g_list_model_get_item (fk_event_checklist_get_items (shown), 1);
  g_autoptr(GAsyncResult) queued_saved = NULL;
  g_autoptr(GError) error = NULL;
  PageCommit commit = { fixture->client, shown, fk_checklist_item_get_id (second), FALSE, NULL };
  Drafts drafts = { QUEUED_DRAFTS, 0 };

  for (guint i = 0; i < QUEUED_DRAFTS; i++)
    {
      g_autoptr(FkHotelTip) tip = fk_hotel_tip_new ();

      fk_hotel_tip_set_hotel_name (tip, "Hotell Uppdiktat");
      fk_client_save_tip_async (fixture->client, tip, FALSE, NULL, on_draft_saved, &drafts);
    }
  fk_event_checklist_set_note (queued, fk_checklist_item_get_id (first), "Saved as the lock came");
  fk_client_save_checklist_async (fixture->client, queued, NULL, fk_test_keep_result, &queued_saved);

  g_signal_connect (fk_client_get_checklists (fixture->client), "items-changed",
                    G_CALLBACK (commit_as_list_empties), &commit);
  if (logout_instead)
    logout (fixture);
  else
    fk_client_lock (fixture->client);
  g_assert_true (commit.committed);

  /* The error first: it says why. */
  fk_client_save_checklist_finish (fixture->client, fk_test_wait_for (&commit.saved), &error);
  g_assert_no_error (error);
  g_clear_object (&commit.saved);
  fk_client_save_checklist_finish (fixture->client, fk_test_wait_for (&queued_saved), &error);
  g_assert_no_error (error);
  while (drafts.left > 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (drafts.failed, ==, 0);

  g_assert_true (login (fixture, PIN, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (note_of (fixture, fk_event_checklist_get_uuid (queued), 0), ==, "Saved as the lock came");
  g_assert_cmpstr (note_of (fixture, fk_event_checklist_get_uuid (shown), 1), ==, "Typed just before the lock");
  g_assert_cmpuint (g_list_model_get_n_items (fk_client_get_tips (fixture->client)), ==, QUEUED_DRAFTS);
}

static void
test_lock_keeps_last_changes (Fixture       *fixture,
                              gconstpointer  data)
{
  check_last_changes_kept (fixture, FALSE);
}

static void
test_logout_keeps_last_changes (Fixture       *fixture,
                                gconstpointer  data)
{
  check_last_changes_kept (fixture, TRUE);
}

static void
test_idle_unlock_guesses_end_session (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fk_client_lock (fixture->client);
  for (guint i = 0; i < 4; i++)
    {
      g_assert_false (login (fixture, WRONG, &error));
      g_assert_error (error, FK_ERROR, FK_ERROR_WRONG_PIN);
      g_clear_error (&error);
    }
  g_assert_false (login (fixture, WRONG, &error));
  g_assert_error (error, FK_ERROR, FK_ERROR_SESSION_EXPIRED);
  g_clear_error (&error);
  g_assert_cmpint (fk_client_get_state (fixture->client), ==, FK_CLIENT_STATE_LOCKED);

  /* The server decides from here, and it still knows the right PIN. */
  g_assert_true (login (fixture, PIN, &error));
  g_assert_no_error (error);
}

static const char * const short_session[] = { "--session-seconds", "2", NULL };

static void
on_state_changed (FkClient   *client,
                  GParamSpec *pspec,
                  guint      *changes)
{
  (*changes)++;
}

static void
test_session_expires (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint changes = 0;

  g_assert_cmpint (fk_client_get_session_remaining (fixture->client), <=, 2);
  g_signal_connect (fixture->client, "notify::state", G_CALLBACK (on_state_changed), &changes);
  fk_test_spin (2600);
  g_assert_cmpuint (changes, ==, 1);
  g_assert_cmpint (fk_client_get_state (fixture->client), ==, FK_CLIENT_STATE_LOCKED);
  g_assert_cmpuint (g_list_model_get_n_items (fk_client_get_tips (fixture->client)), ==, 0);
  g_assert_null (save_tip (fixture, &error));
  g_assert_error (error, FK_ERROR, FK_ERROR_SESSION_EXPIRED);
  g_clear_error (&error);

  /* Nothing of the session survives a restart either. */
  reload (fixture);
  g_assert_cmpint (fk_client_get_state (fixture->client), ==, FK_CLIENT_STATE_LOCKED);
  g_assert_true (login (fixture, PIN, &error));
  g_assert_no_error (error);
}

static const char * const slow_short_session[] = { "--session-seconds", "3", "--latency-ms", "700", NULL };

/* The session ends in the middle of a sync: it stops cleanly, and after the
 * next login the rest goes, each record once. */
static void
test_session_expires_during_sync (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(GPtrArray) uuids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;

  fk_test_server_stop (fixture->server);
  for (guint i = 0; i < 600; i++)
    {
      char *uuid = save_tip (fixture, &error);

      g_assert_no_error (error);
      g_ptr_array_add (uuids, uuid);
    }
  fk_test_server_start (fixture->server, slow_short_session);

  /* Logged in again just now (the saves took a while): 3 s for 6 batches of 0.7 s. */
  logout (fixture);
  g_assert_true (login (fixture, PIN, &error));
  g_assert_no_error (error);
  g_assert_false (sync_now (fixture, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  fk_test_spin (3200);
  g_assert_cmpint (fk_client_get_state (fixture->client), ==, FK_CLIENT_STATE_LOCKED);
  g_assert_cmpint (fk_test_server_count_records (fixture->server, NULL), <, uuids->len);

  /* Each later session sends what it can; none loses or repeats anything. */
  for (guint round = 0; fk_test_server_count_records (fixture->server, NULL) < uuids->len; round++)
    {
      g_assert_cmpuint (round, <, 6);
      g_assert_true (login (fixture, PIN, &error));
      g_assert_no_error (error);
      sync_now (fixture, NULL);
      fk_test_spin (3200);
    }
  for (guint i = 0; i < uuids->len; i++)
    g_assert_cmpint (fk_test_server_count_records (fixture->server, g_ptr_array_index (uuids, i)), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, args, func) g_test_add (path, Fixture, args, fixture_setup, func, fixture_teardown)
  ADD ("/token/brute-force-then-reactivate", NULL, test_brute_force_then_reactivate);
  ADD ("/token/revoke-while-logged-in", NULL, test_revoke_while_logged_in);
  ADD ("/token/revoke-while-offline", NULL, test_revoke_while_offline);
  ADD ("/token/revoke-at-next-login", NULL, test_revoke_at_next_login);
  ADD ("/session/restart-within-session", NULL, test_restart_within_session);
  ADD ("/session/login-while-loading", NULL, test_login_while_loading);
  ADD ("/session/idle-lock-and-unlock", NULL, test_idle_lock_and_unlock);
  ADD ("/session/idle-unlock-guesses-end-session", NULL, test_idle_unlock_guesses_end_session);
  ADD ("/session/lock-while-login-loads", NULL, test_lock_while_login_loads);
  ADD ("/session/unlock-lists-checklists", NULL, test_unlock_lists_checklists);
  ADD ("/session/lock-keeps-last-changes", NULL, test_lock_keeps_last_changes);
  ADD ("/session/logout-keeps-last-changes", NULL, test_logout_keeps_last_changes);
  ADD ("/session/expires", short_session, test_session_expires);
  ADD ("/session/expires-during-sync", slow_short_session, test_session_expires_during_sync);
#undef ADD

  return g_test_run ();
}
