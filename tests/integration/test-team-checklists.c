/* test-team-checklists.c: two officers fill one event checklist
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two devices with their own stores and tokens, one real server: item
 * changes merge (last write per item by server order), concurrent notes are
 * both kept, offline edits arrive later without loss, and each device pulls
 * the merged checklist.
 */
#include "config.h"

#include <string.h>

#include "fk-client.h"
#include "fk-error.h"
#include "fk-protocol.h"
#include "fk-test-client.h"
#include "fk-test-server.h"

#define PIN "583016"
/* What an officer adds to a note in one sitting. */
#define SITTING "Vakt bokad. "

typedef struct {
  char         *root;
  FkTestServer *server;
  FkClient     *anna;
  FkClient     *bert;
} Fixture;

static FkClient *
device (Fixture    *fixture,
        const char *name,
        const char *officer)
{
  g_autofree char *data_dir = g_build_filename (fixture->root, name, NULL);
  g_autofree char *code = fk_test_server_issue_code (fixture->server, officer);
  g_autoptr(FkClient) client = fk_client_new (data_dir);
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GAsyncResult) enrolled = NULL;
  g_autoptr(GAsyncResult) logged_in = NULL;
  g_autoptr(GError) error = NULL;

  fk_client_load_async (client, NULL, fk_test_keep_result, &loaded);
  g_assert_true (fk_client_load_finish (client, fk_test_wait_for (&loaded), &error));
  fk_client_enroll_async (client, fixture->server->url, fixture->server->pin, code, PIN, NULL, fk_test_keep_result, &enrolled);
  g_assert_true (fk_client_enroll_finish (client, fk_test_wait_for (&enrolled), &error));
  g_assert_no_error (error);
  fk_client_login_async (client, PIN, NULL, fk_test_keep_result, &logged_in);
  g_assert_true (fk_client_login_finish (client, fk_test_wait_for (&logged_in), &error));
  g_assert_no_error (error);
  return g_steal_pointer (&client);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *state_dir = NULL;

  fixture->root = g_dir_make_tmp ("fk-team-XXXXXX", &error);
  g_assert_no_error (error);
  state_dir = g_build_filename (fixture->root, "server", NULL);
  fixture->server = fk_test_server_new (state_dir);
  fk_test_server_start (fixture->server, NULL);
  fixture->anna = device (fixture, "anna", "officer-anna-test");
  fixture->bert = device (fixture, "bert", "officer-bert-test");
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->anna);
  g_clear_object (&fixture->bert);
  g_clear_pointer (&fixture->server, fk_test_server_free);
  g_assert_cmpint (fk_test_run (NULL, NULL, NULL, "rm", "-rf", fixture->root, NULL), ==, 0);
  g_free (fixture->root);
}

static gboolean
sync_now (FkClient  *client,
          GError   **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  fk_client_sync_async (client, NULL, fk_test_keep_result, &result);
  return fk_client_sync_finish (client, fk_test_wait_for (&result), error);
}

/* Until the outbox is empty and the pull has run once more after it. */
static void
sync_settled (FkClient *client)
{
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 5 && fk_sync_engine_get_pending (fk_client_get_sync_engine (client)) > 0; i++)
    sync_now (client, NULL);
  g_assert_true (sync_now (client, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fk_sync_engine_get_pending (fk_client_get_sync_engine (client)), ==, 0);
}

static void
save (FkClient         *client,
      FkEventChecklist *checklist)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fk_client_save_checklist_async (client, checklist, NULL, fk_test_keep_result, &result);
  g_assert_true (fk_client_save_checklist_finish (client, fk_test_wait_for (&result), &error));
  g_assert_no_error (error);
}

static FkEventChecklist *
find (FkClient   *client,
      const char *uuid)
{
  GListModel *checklists = fk_client_get_checklists (client);

  for (guint i = 0; i < g_list_model_get_n_items (checklists); i++)
    {
      g_autoptr(FkEventChecklist) checklist = g_list_model_get_item (checklists, i);

      if (g_str_equal (fk_event_checklist_get_uuid (checklist), uuid))
        return checklist;
    }

  return NULL;
}

static FkChecklistItem *
item (FkEventChecklist *checklist,
      guint             index)
{
  g_autoptr(FkChecklistItem) found = g_list_model_get_item (fk_event_checklist_get_items (checklist), index);

  return found;
}

static void
test_team_fills_one_checklist (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(FkChecklistTemplate) national = g_list_model_get_item (fk_client_get_templates (fixture->anna), 0);
  g_autoptr(FkEventChecklist) created = fk_event_checklist_new (national);
  g_autoptr(GDateTime) starts = g_date_time_new_utc (2026, 6, 20, 14, 0, 0);
  g_autoptr(GDateTime) ends = g_date_time_new_utc (2026, 6, 20, 23, 0, 0);
  const char *uuid = fk_event_checklist_get_uuid (created);
  FkEventChecklist *at_anna, *at_bert;
  const char *first, *second, *third;
  g_autofree char *others = NULL;

  g_assert_cmpuint (fk_event_checklist_get_total (created), >=, 3);
  first = fk_checklist_item_get_id (item (created, 0));
  second = fk_checklist_item_get_id (item (created, 1));
  third = fk_checklist_item_get_id (item (created, 2));

  /* Anna starts it and answers two items. */
  fk_event_checklist_set_event (created, "Sommarfest Exempelby", "Föreningen Påhitt", "Parken",
                                starts, ends, 4000, "Syd");
  fk_event_checklist_set_answer (created, first, FK_CHECKLIST_ANSWER_YES);
  fk_event_checklist_set_note (created, second, "Anna: möte bokat");
  save (fixture->anna, created);
  sync_settled (fixture->anna);
  at_anna = find (fixture->anna, uuid);
  g_assert_true (at_anna == created);
  g_assert_cmpint (fk_event_checklist_get_state (at_anna), ==, FK_RECORD_STATE_SENT);

  /* Bert pulls it. */
  sync_settled (fixture->bert);
  at_bert = find (fixture->bert, uuid);
  g_assert_nonnull (at_bert);
  g_assert_cmpstr (fk_event_checklist_get_event_name (at_bert), ==, "Sommarfest Exempelby");
  g_assert_cmpint (fk_checklist_item_get_answer (item (at_bert, 0)), ==, FK_CHECKLIST_ANSWER_YES);
  g_assert_cmpstr (fk_checklist_item_get_note (item (at_bert, 1)), ==, "Anna: möte bokat");
  g_assert_cmpstr (fk_checklist_item_get_by (item (at_bert, 0)), ==, "officer-anna-test");

  /* Bert works offline while Anna goes on online. */
  fk_test_server_stop (fixture->server);
  fk_event_checklist_set_answer (at_bert, third, FK_CHECKLIST_ANSWER_NOT_APPLICABLE);
  fk_event_checklist_set_answer (at_bert, first, FK_CHECKLIST_ANSWER_NO);
  fk_event_checklist_set_note (at_bert, second, "Bert: arrangören ringer tillbaka");
  save (fixture->bert, at_bert);
  fk_test_server_start (fixture->server, NULL);

  fk_event_checklist_set_note (at_anna, second, "Anna: möte bokat till fredag");
  fk_event_checklist_set_answer (at_anna, first, FK_CHECKLIST_ANSWER_YES);
  save (fixture->anna, at_anna);
  sync_settled (fixture->anna);

  /* Bert reconnects: his edits land after Anna's, by server order. */
  sync_settled (fixture->bert);
  sync_settled (fixture->anna);

  for (guint d = 0; d < 2; d++)
    {
      FkEventChecklist *checklist = d == 0 ? at_anna : at_bert;
      const char *note = fk_checklist_item_get_note (item (checklist, 1));

      g_assert_cmpint (fk_checklist_item_get_answer (item (checklist, 0)), ==, FK_CHECKLIST_ANSWER_NO);
      g_assert_cmpint (fk_checklist_item_get_answer (item (checklist, 2)), ==, FK_CHECKLIST_ANSWER_NOT_APPLICABLE);
      /* Both notes written from the same starting point survive. */
      g_assert_nonnull (strstr (note, "Anna: möte bokat till fredag"));
      g_assert_nonnull (strstr (note, "Bert: arrangören ringer tillbaka"));
      g_assert_false (fk_event_checklist_has_unsent (checklist));
      g_assert_cmpuint (fk_event_checklist_get_answered (checklist), ==, 2);
    }

  others = fk_event_checklist_dup_others (at_anna, "officer-anna-test");
  g_assert_cmpstr (others, ==, "officer-bert-test");
  g_assert_cmpint (fk_test_server_count_records (fixture->server, uuid), ==, 1);
}

static char *
save_tip (FkClient *client)
{
  g_autoptr(FkHotelTip) tip = fk_hotel_tip_new ();
  g_autoptr(GDateTime) received = g_date_time_new_now_utc ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fk_hotel_tip_set_hotel_name (tip, "Hotell Påhitt");
  fk_hotel_tip_set_municipality (tip, "Exempelby");
  fk_hotel_tip_set_received_at (tip, received);
  fk_hotel_tip_set_description (tip, "Många korta besök till samma rum under kvällen.");
  fk_client_save_tip_async (client, tip, TRUE, NULL, fk_test_keep_result, &result);
  g_assert_true (fk_client_save_tip_finish (client, fk_test_wait_for (&result), &error));
  g_assert_no_error (error);
  return g_strdup (fk_hotel_tip_get_uuid (tip));
}

static gboolean
is_idle (FkClient *client)
{
  return !fk_sync_engine_get_sending (fk_client_get_sync_engine (client));
}

/* The officer pauses between sittings; the sync each save starts has
 * failed by then (the server is away). */
static void
wait_idle (FkClient *client)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (!is_idle (client))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

/* One note written offline in many sittings, each pause an operation
 * that carries the whole note twice: together far more than a batch may
 * hold.  Unsent, they merge; the checklist goes, and so does the tip saved
 * after it. */
static void
test_note_in_many_sittings (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(FkChecklistTemplate) national = g_list_model_get_item (fk_client_get_templates (fixture->anna), 0);
  g_autoptr(FkEventChecklist) checklist = fk_event_checklist_new (national);
  g_autoptr(GString) note = g_string_new (NULL);
  const char *id = fk_checklist_item_get_id (item (checklist, 0));
  g_autofree char *tip = NULL;
  gsize carried = 0;

  /* Sent once before: the store's mark from then is long answered for. */
  fk_event_checklist_set_answer (checklist, id, FK_CHECKLIST_ANSWER_YES);
  save (fixture->anna, checklist);
  sync_settled (fixture->anna);

  fk_test_server_stop (fixture->server);
  while (note->len + strlen (SITTING) <= FK_MAX_CHECKLIST_NOTE)
    {
      g_string_append (note, SITTING);
      fk_event_checklist_set_note (checklist, id, note->str);
      save (fixture->anna, checklist);
      wait_idle (fixture->anna);
      carried += 2 * note->len;
    }
  g_assert_cmpuint (carried, >, FK_MAX_BATCH_BYTES);
  tip = save_tip (fixture->anna);
  fk_test_server_start (fixture->server, NULL);

  sync_settled (fixture->anna);
  g_assert_cmpint (fk_test_server_count_records (fixture->server, tip), ==, 1);
  g_assert_cmpint (fk_event_checklist_get_state (checklist), ==, FK_RECORD_STATE_SENT);
  g_assert_false (fk_event_checklist_has_unsent (checklist));
  g_assert_cmpstr (fk_checklist_item_get_note (item (checklist, 0)), ==, note->str);
}

/* The server committed a batch and died before it answered: the note edits
 * in it may be on the server, so later edits go on top of them, never in
 * their place: in this session, and after a restart.  The server ends up
 * with the last notes alone, not the old ones joined to them. */
static void
test_offered_edits_kept (Fixture       *fixture,
                         gconstpointer  data)
{
  static const char * const crash_args[] = { "--fault-crash-after-commit", "1", NULL };
  g_autoptr(FkChecklistTemplate) national = g_list_model_get_item (fk_client_get_templates (fixture->anna), 0);
  g_autoptr(FkEventChecklist) created = fk_event_checklist_new (national);
  g_autofree char *data_dir = g_build_filename (fixture->root, "anna", NULL);
  g_autofree char *uuid = g_strdup (fk_event_checklist_get_uuid (created));
  g_autofree char *first = g_strdup (fk_checklist_item_get_id (item (created, 0)));
  g_autofree char *second = g_strdup (fk_checklist_item_get_id (item (created, 1)));
  FkEventChecklist *checklist;

  fk_test_server_stop (fixture->server);
  fk_test_server_start (fixture->server, crash_args);
  fk_event_checklist_set_note (created, first, "Möte bokat");
  fk_event_checklist_set_note (created, second, "Vakter bokade");
  save (fixture->anna, created);
  wait_idle (fixture->anna);
  g_assert_cmpint (fk_test_server_count_records (fixture->server, uuid), ==, 1);
  fk_test_server_stop (fixture->server);

  fk_event_checklist_set_note (created, first, "Möte inställt");
  save (fixture->anna, created);
  wait_idle (fixture->anna);

  g_clear_object (&created);
  g_clear_object (&fixture->anna);
  fixture->anna = fk_test_load_client (data_dir);
  checklist = find (fixture->anna, uuid);
  g_assert_nonnull (checklist);
  fk_event_checklist_set_note (checklist, second, "Vakter avbokade");
  save (fixture->anna, checklist);
  wait_idle (fixture->anna);

  fk_test_server_start (fixture->server, NULL);
  sync_settled (fixture->anna);
  g_assert_false (fk_event_checklist_has_unsent (checklist));
  g_assert_cmpstr (fk_checklist_item_get_note (item (checklist, 0)), ==, "Möte inställt");
  g_assert_cmpstr (fk_checklist_item_get_note (item (checklist, 1)), ==, "Vakter avbokade");
}

/* A note committed past the limit is kept here and refused there, with
 * the same sentence the item shows under it, until it is shortened. */
static void
test_note_too_long (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(FkChecklistTemplate) national = g_list_model_get_item (fk_client_get_templates (fixture->anna), 0);
  g_autoptr(FkEventChecklist) checklist = fk_event_checklist_new (national);
  g_autoptr(GString) note = g_string_new (NULL);
  const char *id = fk_checklist_item_get_id (item (checklist, 0));
  g_autofree char *message = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i <= FK_MAX_CHECKLIST_NOTE; i++)
    g_string_append (note, "ö");
  message = fk_event_checklist_check_note (note->str);
  g_assert_nonnull (message);

  fk_event_checklist_set_note (checklist, id, note->str);
  fk_event_checklist_set_answer (checklist, fk_checklist_item_get_id (item (checklist, 1)), FK_CHECKLIST_ANSWER_YES);
  save (fixture->anna, checklist);
  g_assert_true (sync_now (fixture->anna, &error));
  g_assert_no_error (error);
  g_assert_cmpint (fk_event_checklist_get_state (checklist), ==, FK_RECORD_STATE_FAILED);
  g_assert_cmpstr (fk_event_checklist_get_failure (checklist), ==, message);
  g_assert_cmpstr (fk_checklist_item_get_note (item (checklist, 0)), ==, note->str);
  g_assert_cmpint (fk_test_server_count_records (fixture->server, fk_event_checklist_get_uuid (checklist)), ==, 0);

  /* Shortened, it replaces the refused edit, which no longer holds the
   * rest back. */
  fk_event_checklist_set_note (checklist, id, "Kortare.");
  save (fixture->anna, checklist);
  sync_settled (fixture->anna);
  g_assert_cmpint (fk_event_checklist_get_state (checklist), ==, FK_RECORD_STATE_SENT);
  g_assert_false (fk_event_checklist_has_unsent (checklist));
  g_assert_cmpstr (fk_checklist_item_get_note (item (checklist, 0)), ==, "Kortare.");
  g_assert_cmpint (fk_checklist_item_get_answer (item (checklist, 1)), ==, FK_CHECKLIST_ANSWER_YES);
}

/* Every note within the limit, and still too large for a batch: long notes
 * on every item, in four-byte characters, each edited once while offline
 * (an edit carries the note it replaces).  It fails with what the officer
 * can do, the tip behind it goes, and once the notes are shorter the
 * checklist goes too. */
static void
test_too_large_blocks_nothing (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(FkChecklistTemplate) national = g_list_model_get_item (fk_client_get_templates (fixture->anna), 0);
  g_autoptr(FkEventChecklist) checklist = fk_event_checklist_new (national);
  g_autoptr(GString) first = g_string_new (NULL);
  g_autoptr(GString) second = g_string_new (NULL);
  FkSyncEngine *engine = fk_client_get_sync_engine (fixture->anna);
  const char *uuid = fk_event_checklist_get_uuid (checklist);
  guint n = fk_event_checklist_get_total (checklist);
  g_autoptr(GError) error = NULL;
  g_autofree char *tip = NULL;

  for (guint i = 0; i < FK_MAX_CHECKLIST_NOTE; i++)
    {
      g_string_append (first, "🚨");
      g_string_append (second, i % 2 ? "🚨" : "👮");
    }
  for (guint i = 0; i < n; i++)
    fk_event_checklist_set_note (checklist, fk_checklist_item_get_id (item (checklist, i)), first->str);
  save (fixture->anna, checklist);
  sync_settled (fixture->anna);
  g_assert_cmpint (fk_event_checklist_get_state (checklist), ==, FK_RECORD_STATE_SENT);

  fk_test_server_stop (fixture->server);
  for (guint i = 0; i < n; i++)
    fk_event_checklist_set_note (checklist, fk_checklist_item_get_id (item (checklist, i)), second->str);
  save (fixture->anna, checklist);
  tip = save_tip (fixture->anna);
  fk_test_server_start (fixture->server, NULL);

  g_assert_true (sync_now (fixture->anna, &error));
  g_assert_no_error (error);
  g_assert_cmpint (fk_test_server_count_records (fixture->server, tip), ==, 1);
  g_assert_cmpuint (fk_sync_engine_get_pending (engine), ==, 0);
  g_assert_cmpint (fk_event_checklist_get_state (checklist), ==, FK_RECORD_STATE_FAILED);
  g_assert_cmpstr (fk_event_checklist_get_failure (checklist), ==, fk_error_code_to_message (FK_ERROR_RECORD_TOO_LARGE));

  for (guint i = 0; i < n; i++)
    fk_event_checklist_set_note (checklist, fk_checklist_item_get_id (item (checklist, i)), "Kort anteckning.");
  save (fixture->anna, checklist);
  sync_settled (fixture->anna);
  g_assert_cmpint (fk_event_checklist_get_state (checklist), ==, FK_RECORD_STATE_SENT);
  g_assert_false (fk_event_checklist_has_unsent (checklist));
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (fk_checklist_item_get_note (item (checklist, i)), ==, "Kort anteckning.");
  g_assert_cmpint (fk_test_server_count_records (fixture->server, uuid), ==, 1);
}

/* One record the server refuses among 99 it takes: the 99 go, the one is
 * marked failed with the officer's reason, and nothing is sent again. */
static void
test_one_invalid_in_a_batch (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(FkChecklistTemplate) unknown = NULL;
  g_autoptr(FkEventChecklist) refused = NULL;
  g_autoptr(GPtrArray) uuids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  FkSyncEngine *engine = fk_client_get_sync_engine (fixture->anna);
  gint64 stored_before;

  /* A template the server never published: valid here, refused there. */
  g_assert_true (json_parser_load_from_data (parser,
                                             "{\"id\": \"no-such-template\", \"version\": 1, \"title\": \"x\","
                                             " \"items\": [{\"id\": \"a\", \"phase\": \"before\", \"text\": \"x\"}]}",
                                             -1, NULL));
  unknown = fk_checklist_template_new_from_json (json_node_get_object (json_parser_get_root (parser)), &error);
  g_assert_no_error (error);

  fk_test_server_stop (fixture->server);
  refused = fk_event_checklist_new (unknown);
  save (fixture->anna, refused);
  for (guint i = 0; i < 99; i++)
    {
      g_autoptr(FkHotelTip) tip = fk_hotel_tip_new ();
      g_autoptr(GDateTime) received = g_date_time_new_now_utc ();
      g_autoptr(GAsyncResult) result = NULL;

      fk_hotel_tip_set_hotel_name (tip, "Hotell Påhitt");
      fk_hotel_tip_set_municipality (tip, "Exempelby");
      fk_hotel_tip_set_received_at (tip, received);
      fk_hotel_tip_set_description (tip, "Många korta besök till samma rum under kvällen.");
      fk_client_save_tip_async (fixture->anna, tip, TRUE, NULL, fk_test_keep_result, &result);
      g_assert_true (fk_client_save_tip_finish (fixture->anna, fk_test_wait_for (&result), NULL));
      g_ptr_array_add (uuids, g_strdup (fk_hotel_tip_get_uuid (tip)));
    }
  fk_test_server_start (fixture->server, NULL);

  g_assert_true (sync_now (fixture->anna, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < uuids->len; i++)
    g_assert_cmpint (fk_test_server_count_records (fixture->server, g_ptr_array_index (uuids, i)), ==, 1);
  g_assert_cmpint (fk_test_server_count_records (fixture->server, fk_event_checklist_get_uuid (refused)), ==, 0);
  g_assert_cmpint (fk_event_checklist_get_state (refused), ==, FK_RECORD_STATE_FAILED);
  g_assert_nonnull (fk_event_checklist_get_failure (refused));
  g_assert_cmpuint (fk_sync_engine_get_pending (engine), ==, 0);

  /* Failed is not waiting: it stays failed, and nothing more is stored. */
  stored_before = fk_test_server_count_records (fixture->server, NULL);
  g_assert_true (sync_now (fixture->anna, &error));
  g_assert_cmpint (fk_test_server_count_records (fixture->server, NULL), ==, stored_before);
  g_assert_cmpint (fk_event_checklist_get_state (refused), ==, FK_RECORD_STATE_FAILED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/team/fills-one-checklist", Fixture, NULL,
              fixture_setup, test_team_fills_one_checklist, fixture_teardown);
  g_test_add ("/team/one-invalid-in-a-batch", Fixture, NULL,
              fixture_setup, test_one_invalid_in_a_batch, fixture_teardown);
  g_test_add ("/team/note-too-long", Fixture, NULL,
              fixture_setup, test_note_too_long, fixture_teardown);
  g_test_add ("/team/note-in-many-sittings", Fixture, NULL,
              fixture_setup, test_note_in_many_sittings, fixture_teardown);
  g_test_add ("/team/offered-edits-kept", Fixture, NULL,
              fixture_setup, test_offered_edits_kept, fixture_teardown);
  g_test_add ("/team/too-large-blocks-nothing", Fixture, NULL,
              fixture_setup, test_too_large_blocks_nothing, fixture_teardown);

  return g_test_run ();
}
