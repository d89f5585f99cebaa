/* test-sync-details.c: sync details in the real window, with a real client
 * and the real reference server: waiting and failed tips and checklists are
 * listed, sent again, opened, and discarded after a confirmation that says
 * what is lost; what may already be on the server says so before anyone asks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <adwaita.h>

#include "fk-checklist-page.h"
#include "fk-error.h"
#include "fk-sync-details.h"
#include "fk-window.h"
#include "fk-ui-test-client.h"
#include "fk-ui-test-utils.h"

#define MAY_BE_THERE "It may already be on the server. Sync now before you discard it."

typedef struct {
  FkUiTestClient *session;
  FkWindow       *window;
  GtkWidget      *details;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->session = fk_ui_test_client_new (NULL);
  fk_ui_test_client_login (fixture->session);

  fixture->window = g_object_ref_sink (fk_window_new (NULL, fixture->session->client));
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 360, 720);
  fk_window_show_page (fixture->window, FK_PAGE_SYNC_DETAILS);
  gtk_window_present (GTK_WINDOW (fixture->window));
  fk_ui_test_wait_drawn (GTK_WIDGET (fixture->window));
  fixture->details = fk_ui_test_find_by_type (GTK_WIDGET (fixture->window), FK_TYPE_SYNC_DETAILS);
  g_assert_nonnull (fixture->details);
  fk_ui_test_wait_mapped (fixture->details, 30);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_object_unref (fixture->window);
  fk_ui_test_client_free (fixture->session);
}

typedef gboolean (*Condition) (gpointer data);

static void
wait_for (Condition   condition,
          gpointer    data,
          const char *what)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for %s", what);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5 * 1000);
    }
}

static gboolean
failed_offline (gpointer data)
{
  FkSyncEngine *engine = data;

  return !fk_sync_engine_get_sending (engine) && fk_sync_engine_get_last_error (engine) != NULL;
}

static gboolean
is_idle (gpointer data)
{
  return !fk_sync_engine_get_sending (data);
}

static gboolean
nothing_pending (gpointer data)
{
  return fk_sync_engine_get_pending (data) == 0;
}

static gboolean
all_sent (gpointer data)
{
  FkEventChecklist *checklist = data;

  return fk_event_checklist_get_state (checklist) == FK_RECORD_STATE_SENT &&
         !fk_event_checklist_has_unsent (checklist);
}

static gboolean
has_failed (gpointer data)
{
  return fk_event_checklist_get_state (data) == FK_RECORD_STATE_FAILED;
}

static gboolean
is_unmapped (gpointer data)
{
  return !gtk_widget_get_mapped (data);
}

typedef struct {
  GtkWidget  *root;
  const char *text;
} Shown;

static gboolean
is_shown (gpointer data)
{
  Shown *shown = data;

  return fk_ui_test_find_label_text (shown->root, shown->text) != NULL;
}

static gboolean
is_gone (gpointer data)
{
  return !is_shown (data);
}

static void
wait_shown (GtkWidget  *root,
            const char *text)
{
  Shown shown = { root, text };

  wait_for (is_shown, &shown, text);
}

static void
wait_gone (GtkWidget  *root,
           const char *text)
{
  Shown shown = { root, text };

  wait_for (is_gone, &shown, text);
}

/* The row of the record whose title is @title. */
static GtkWidget *
row_of (Fixture    *fixture,
        const char *title)
{
  wait_shown (fixture->details, title);
  return gtk_widget_get_parent (fk_ui_test_find_label_text (fixture->details, title));
}

static GtkWidget *
button_in (GtkWidget  *row,
           const char *name)
{
  GtkWidget *button = fk_ui_test_find_by_label (row, GTK_TYPE_BUTTON, name);

  if (button == NULL)
    g_error ("No button “%s” in the row", name);
  return button;
}

static AdwMessageDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

static gboolean
body_says (AdwMessageDialog *dialog,
           const char       *words)
{
  return strstr (adw_message_dialog_get_body (dialog), words) != NULL;
}

/* Clicks @button in the row of @title and hands back the question, which
 * names the record and says it cannot be undone. */
static AdwMessageDialog *
ask_discard (Fixture    *fixture,
             const char *title,
             const char *button,
             const char *heading)
{
  AdwMessageDialog *dialog;

  fk_ui_test_click (button_in (row_of (fixture, title), button));

  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, heading);
  g_assert_true (body_says (dialog, title));
  g_assert_true (body_says (dialog, "cannot be undone"));
  g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "discard"), ==, ADW_RESPONSE_DESTRUCTIVE);
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "cancel");
  return dialog;
}

static void
answer (AdwMessageDialog *dialog,
        const char       *response)
{
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static gboolean
is_listed (FkClient         *client,
           FkEventChecklist *checklist)
{
  GListModel *checklists = fk_client_get_checklists (client);

  for (guint i = 0; i < g_list_model_get_n_items (checklists); i++)
    {
      g_autoptr(FkEventChecklist) listed = g_list_model_get_item (checklists, i);

      if (listed == checklist)
        return TRUE;
    }

  return FALSE;
}

static FkChecklistAnswer
first_answer (FkEventChecklist *checklist)
{
  g_autoptr(FkChecklistItem) item = g_list_model_get_item (fk_event_checklist_get_items (checklist), 0);

  return fk_checklist_item_get_answer (item);
}

/* As the checklist page does it: the answer, then a save. */
static void
answer_first (FkUiTestClient    *session,
              FkEventChecklist  *checklist,
              FkChecklistAnswer  value)
{
  g_autoptr(FkChecklistItem) item = g_list_model_get_item (fk_event_checklist_get_items (checklist), 0);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fk_event_checklist_set_answer (checklist, fk_checklist_item_get_id (item), value);
  fk_client_save_checklist_async (session->client, checklist, NULL, fk_test_keep_result, &result);
  g_assert_true (fk_client_save_checklist_finish (session->client, fk_test_wait_for (&result), &error));
  g_assert_no_error (error);
}

static void
sync_now (FkUiTestClient *session)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fk_client_sync_async (session->client, NULL, fk_test_keep_result, &result);
  g_assert_true (fk_client_sync_finish (session->client, fk_test_wait_for (&result), &error));
  g_assert_no_error (error);
}

static void
test_discard (Fixture       *fixture,
              gconstpointer  data)
{
  FkUiTestClient *session = fixture->session;
  FkSyncEngine *engine = fk_client_get_sync_engine (session->client);
  g_autoptr(FkHotelTip) wrong = NULL;
  g_autoptr(FkHotelTip) kept = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;

  /* Offline: both wait. */
  fk_test_server_stop (session->server);
  wrong = fk_ui_test_client_save_tip (session, "Hotell Felskrivet", TRUE);
  kept = fk_ui_test_client_save_tip (session, "Hotell Kvar", TRUE);
  wait_for (failed_offline, engine, "the offline sync to fail");
  g_assert_cmpuint (fk_sync_engine_get_pending (engine), ==, 2);
  g_assert_nonnull (fk_ui_test_find_label_text (row_of (fixture, "Hotell Felskrivet"), "Tip"));

  /* Cancelled: nothing is lost. */
  dialog = ask_discard (fixture, "Hotell Felskrivet", "Discard", "Discard Tip?");
  g_assert_true (body_says (dialog, "has not been sent"));
  answer (dialog, "cancel");
  g_assert_cmpuint (fk_sync_engine_get_pending (engine), ==, 2);

  /* While a run is under way the tip may be in its batch: refused, and the
   * officer is told why. */
  fk_client_sync_async (session->client, NULL, fk_test_keep_result, &result);
  g_assert_true (fk_sync_engine_get_sending (engine));
  answer (ask_discard (fixture, "Hotell Felskrivet", "Discard", "Discard Tip?"), "discard");
  wait_shown (GTK_WIDGET (fixture->window), "It is being sent right now and cannot be discarded. Try again when sending has finished.");
  g_assert_false (fk_client_sync_finish (session->client, fk_test_wait_for (&result), NULL));
  g_clear_object (&result);
  g_assert_cmpuint (fk_sync_engine_get_pending (engine), ==, 2);

  /* Asked while no run is under way: a run that starts after it reads the
   * outbox after the tip is gone. */
  wait_for (is_idle, engine, "the sync to end");
  answer (ask_discard (fixture, "Hotell Felskrivet", "Discard", "Discard Tip?"), "discard");
  wait_shown (GTK_WIDGET (fixture->window), "Discarded");
  g_assert_null (fk_ui_test_find_label_text (fixture->details, "Hotell Felskrivet"));
  g_assert_cmpuint (fk_sync_engine_get_pending (engine), ==, 1);

  /* Back online, the other tip goes, the discarded one never does. */
  fk_test_server_start (session->server, NULL);
  wait_for (is_idle, engine, "the sync to end");
  fk_client_sync_async (session->client, NULL, fk_test_keep_result, &result);
  g_assert_true (fk_client_sync_finish (session->client, fk_test_wait_for (&result), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fk_sync_engine_get_pending (engine), ==, 0);
  g_assert_cmpint (fk_test_server_count_records (session->server, fk_hotel_tip_get_uuid (kept)), ==, 1);
  g_assert_cmpint (fk_test_server_count_records (session->server, fk_hotel_tip_get_uuid (wrong)), ==, 0);
}

/* Checklists wait beside tips.  One never sent goes whole; of one the
 * server has, only the changes it has not go, and it stays as the server
 * has it. */
static void
test_discard_checklists (Fixture       *fixture,
                         gconstpointer  data)
{
  FkUiTestClient *session = fixture->session;
  FkSyncEngine *engine = fk_client_get_sync_engine (session->client);
  g_autoptr(FkEventChecklist) sent = NULL;
  g_autoptr(FkEventChecklist) never = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *row;

  sent = fk_ui_test_client_save_checklist (session, "Vårmarknaden");
  wait_for (all_sent, sent, "the checklist to be sent");
  wait_for (is_idle, engine, "the sync to end");

  /* Offline: a new checklist waits, and so does a change to the sent one. */
  fk_test_server_stop (session->server);
  never = fk_ui_test_client_save_checklist (session, "Sommarfesten");
  answer_first (session, sent, FK_CHECKLIST_ANSWER_YES);
  wait_for (failed_offline, engine, "the offline sync to fail");
  g_assert_cmpuint (fk_sync_engine_get_pending (engine), ==, 2);
  wait_gone (fixture->details, "Nothing Waiting");
  for (guint i = 0; i < 2; i++)
    {
      row = row_of (fixture, i == 0 ? "Sommarfesten" : "Vårmarknaden");
      g_assert_nonnull (fk_ui_test_find_label_text (row, "Checklist"));
      g_assert_nonnull (fk_ui_test_find_label_text (row, "Waiting"));
    }

  /* Never sent: the question says all of it goes; cancelled, nothing does. */
  dialog = ask_discard (fixture, "Sommarfesten", "Discard", "Discard Checklist?");
  g_assert_true (body_says (dialog, "has never been sent"));
  g_assert_true (body_says (dialog, "with all its answers and notes"));
  answer (dialog, "cancel");
  g_assert_true (is_listed (session->client, never));

  /* Offline, the engine tries again now and then: not during a try. */
  wait_for (is_idle, engine, "the sync to end");
  answer (ask_discard (fixture, "Sommarfesten", "Discard", "Discard Checklist?"), "discard");
  wait_shown (GTK_WIDGET (fixture->window), "Discarded");
  wait_gone (fixture->details, "Sommarfesten");
  g_assert_false (is_listed (session->client, never));
  g_assert_cmpuint (fk_sync_engine_get_pending (engine), ==, 1);

  /* Sent before: only the change goes. */
  wait_for (is_idle, engine, "the sync to end");
  dialog = ask_discard (fixture, "Vårmarknaden", "Discard Changes", "Discard Changes?");
  g_assert_true (body_says (dialog, "that have not been sent"));
  g_assert_true (body_says (dialog, "The checklist stays as it is on the server."));
  answer (dialog, "discard");
  wait_shown (GTK_WIDGET (fixture->window), "Changes discarded");
  wait_gone (fixture->details, "Vårmarknaden");
  wait_for (nothing_pending, engine, "nothing to wait");
  g_assert_true (is_listed (session->client, sent));
  g_assert_true (all_sent (sent));
  g_assert_cmpint (first_answer (sent), ==, FK_CHECKLIST_ANSWER_NONE);
  wait_shown (fixture->details, "Nothing Waiting");

  /* Back online: the server never gets either, and changes made after the
   * discard still go. */
  fk_test_server_start (session->server, NULL);
  wait_for (is_idle, engine, "the sync to end");
  sync_now (session);
  g_assert_cmpint (fk_test_server_count_records (session->server, fk_event_checklist_get_uuid (never)), ==, 0);
  g_assert_cmpint (first_answer (sent), ==, FK_CHECKLIST_ANSWER_NONE);
  answer_first (session, sent, FK_CHECKLIST_ANSWER_NO);
  wait_for (all_sent, sent, "the new answer to be sent");
  g_assert_cmpint (first_answer (sent), ==, FK_CHECKLIST_ANSWER_NO);
}

/* A checklist the server refused: the row says why, opens it in the
 * Events view, and Send Again sends it once the server takes it. */
static void
test_failed_checklist (Fixture       *fixture,
                       gconstpointer  data)
{
  FkUiTestClient *session = fixture->session;
  g_autofree char *program = fk_test_build_path ("server/faltkoll-server");
  g_autofree char *file = g_build_filename (session->data_dir, "regional.json", NULL);
  const char *template_json =
    "{\"id\": \"syd-festivals\", \"version\": 1, \"region\": \"Syd\", \"title\": \"Festivaler i Syd\","
    " \"items\": [{\"id\": \"before-meeting\", \"phase\": \"before\", \"text\": \"Möte med arrangören.\"}]}";
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(FkChecklistTemplate) template_ = NULL;
  g_autoptr(FkEventChecklist) refused = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *row, *page;

  /* A template the server has not published yet: valid here, refused there. */
  g_assert_true (json_parser_load_from_data (parser, template_json, -1, &error));
  template_ = fk_checklist_template_new_from_json (json_node_get_object (json_parser_get_root (parser)), &error);
  g_assert_no_error (error);
  refused = fk_event_checklist_new (template_);
  fk_event_checklist_set_event (refused, "Höstfestivalen", NULL, NULL, NULL, NULL, 800, "Syd");
  fk_client_save_checklist_async (session->client, refused, NULL, fk_test_keep_result, &result);
  g_assert_true (fk_client_save_checklist_finish (session->client, fk_test_wait_for (&result), &error));
  g_assert_no_error (error);
  wait_for (has_failed, refused, "the server to refuse the checklist");

  row = row_of (fixture, "Höstfestivalen");
  g_assert_nonnull (fk_ui_test_find_label_text (row, "Failed"));
  g_assert_nonnull (fk_ui_test_find_label_text (row, fk_event_checklist_get_failure (refused)));

  /* Open: the checklist page, through the window. */
  fk_ui_test_click (button_in (row, "Open"));
  page = fk_ui_test_find_by_type (GTK_WIDGET (fixture->window), FK_TYPE_CHECKLIST_PAGE);
  g_assert_nonnull (page);
  fk_ui_test_wait_mapped (page, 30);
  g_assert_true (fk_checklist_page_get_checklist (FK_CHECKLIST_PAGE (page)) == refused);
  wait_for (is_unmapped, fixture->details, "sync details to leave the screen");

  /* Published, the same checklist is taken when sent again. */
  g_assert_true (g_file_set_contents (file, template_json, -1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (fk_test_run (NULL, NULL, NULL, program, "admin", "add-template", "--file", file,
                                "--state-dir", session->server->state_dir, NULL), ==, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.sync-details", NULL));
  fk_ui_test_wait_mapped (fixture->details, 30);
  fk_ui_test_click (button_in (row_of (fixture, "Höstfestivalen"), "Send Again"));
  wait_for (all_sent, refused, "the checklist to be sent again");
  wait_gone (fixture->details, "Höstfestivalen");
  g_assert_cmpint (fk_test_server_count_records (session->server, fk_event_checklist_get_uuid (refused)), ==, 1);
}

/* The server stored the batch and died before its answer: the tip and the
 * checklist in it may be on the server, and their rows say so rather than
 * offer a discard that would only be refused. */
static void
test_may_be_on_server (Fixture       *fixture,
                       gconstpointer  data)
{
  static const char * const crash_after_commit[] = { "--fault-crash-after-commit", "1", NULL };
  FkUiTestClient *session = fixture->session;
  FkSyncEngine *engine = fk_client_get_sync_engine (session->client);
  g_autoptr(FkHotelTip) tip = NULL;
  g_autoptr(FkEventChecklist) checklist = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *titles[] = { "Hotell Kanske", "Midsommarfesten" };

  fk_test_server_stop (session->server);
  tip = fk_ui_test_client_save_tip (session, "Hotell Kanske", TRUE);
  checklist = fk_ui_test_client_save_checklist (session, "Midsommarfesten");
  wait_for (failed_offline, engine, "the offline sync to fail");

  /* Offline, they never left: they may go. */
  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      GtkWidget *row = row_of (fixture, titles[i]);

      g_assert_true (gtk_widget_get_sensitive (button_in (row, "Discard")));
      g_assert_null (fk_ui_test_find_label_text (row, MAY_BE_THERE));
    }

  fk_test_server_start (session->server, crash_after_commit);
  fk_client_sync_async (session->client, NULL, fk_test_keep_result, &result);
  g_assert_false (fk_client_sync_finish (session->client, fk_test_wait_for (&result), &error));
  g_assert_error (error, FK_ERROR, FK_ERROR_NETWORK);
  g_clear_object (&result);
  g_assert_cmpint (fk_test_server_count_records (session->server, fk_hotel_tip_get_uuid (tip)), ==, 1);
  g_assert_cmpint (fk_test_server_count_records (session->server, fk_event_checklist_get_uuid (checklist)), ==, 1);

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      GtkWidget *row = row_of (fixture, titles[i]);

      wait_shown (row, MAY_BE_THERE);
      g_assert_false (gtk_widget_get_sensitive (button_in (row, "Discard")));
    }
  /* Nor does the action ask, however it is reached. */
  g_assert_true (gtk_widget_activate_action (fixture->details, "sync-details.discard", "s", fk_hotel_tip_get_uuid (tip)));
  g_assert_true (gtk_widget_activate_action (fixture->details, "sync-details.discard", "s",
                                             fk_event_checklist_get_uuid (checklist)));
  g_assert_null (find_dialog ());

  /* The server back: its answer arrives, and nothing waits any more. */
  fk_test_server_stop (session->server);
  fk_test_server_start (session->server, NULL);
  wait_for (is_idle, engine, "the sync to end");
  sync_now (session);
  wait_shown (fixture->details, "Nothing Waiting");
  g_assert_cmpint (fk_hotel_tip_get_state (tip), ==, FK_RECORD_STATE_SENT);
  g_assert_true (all_sent (checklist));
  g_assert_cmpint (fk_test_server_count_records (session->server, fk_hotel_tip_get_uuid (tip)), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  fk_ui_test_init (&argc, &argv);
  adw_init ();
  fk_ui_test_load_style ();

  g_test_add ("/sync-details/discard", Fixture, NULL, fixture_setup, test_discard, fixture_teardown);
  g_test_add ("/sync-details/discard-checklists", Fixture, NULL,
              fixture_setup, test_discard_checklists, fixture_teardown);
  g_test_add ("/sync-details/failed-checklist", Fixture, NULL,
              fixture_setup, test_failed_checklist, fixture_teardown);
  g_test_add ("/sync-details/may-be-on-server", Fixture, NULL,
              fixture_setup, test_may_be_on_server, fixture_teardown);

  return g_test_run ();
}
