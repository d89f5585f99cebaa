/* test-sync-details.c: sync details with a real client and the real
 * reference server: a waiting tip discarded after a confirmation that says
 * what is lost, and never sent; refused while it is being sent
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <adwaita.h>

#include "fk-sync-details.h"
#include "fk-ui-test-client.h"
#include "fk-ui-test-utils.h"

typedef struct {
  FkUiTestClient *session;
  GtkWidget      *window;
  GtkWidget      *overlay;
  FkSyncDetails  *details;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->session = fk_ui_test_client_new (NULL);
  fk_ui_test_client_login (fixture->session);

  /* As in the window: toasts go to the overlay around the page. */
  fixture->window = adw_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 360, 720);
  fixture->overlay = adw_toast_overlay_new ();
  fixture->details = g_object_ref_sink (g_object_new (FK_TYPE_SYNC_DETAILS, NULL));
  fk_sync_details_set_client (fixture->details, fixture->session->client);
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (fixture->overlay), GTK_WIDGET (fixture->details));
  adw_window_set_content (ADW_WINDOW (fixture->window), fixture->overlay);
  gtk_window_present (GTK_WINDOW (fixture->window));
  fk_ui_test_wait_drawn (fixture->window);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (fixture->details);
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

static void
wait_shown (GtkWidget  *root,
            const char *text)
{
  Shown shown = { root, text };

  wait_for (is_shown, &shown, text);
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

/* Clicks Discard in the row of @hotel_name and hands back the question. */
static AdwMessageDialog *
ask_discard (Fixture    *fixture,
             const char *hotel_name)
{
  GtkWidget *title = fk_ui_test_find_label_text (GTK_WIDGET (fixture->details), hotel_name);
  GtkWidget *button;
  AdwMessageDialog *dialog;

  g_assert_nonnull (title);
  button = fk_ui_test_find_by_label (gtk_widget_get_parent (title), GTK_TYPE_BUTTON, "Discard");
  g_assert_nonnull (button);
  fk_ui_test_click (button);

  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Discard Tip?");
  /* What is lost, in words the officer knows it by. */
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), hotel_name));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "has not been sent"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "cannot be undone"));
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

  /* Offline: both wait. */
  fk_test_server_stop (session->server);
  wrong = fk_ui_test_client_save_tip (session, "Hotell Felskrivet", TRUE);
  kept = fk_ui_test_client_save_tip (session, "Hotell Kvar", TRUE);
  wait_for (failed_offline, engine, "the offline sync to fail");
  g_assert_cmpuint (fk_sync_engine_get_pending (engine), ==, 2);
  wait_shown (GTK_WIDGET (fixture->details), "Hotell Felskrivet");

  /* Cancelled: nothing is lost. */
  answer (ask_discard (fixture, "Hotell Felskrivet"), "cancel");
  g_assert_cmpuint (fk_sync_engine_get_pending (engine), ==, 2);

  /* While a run is under way the tip may be in its batch: refused, and the
   * officer is told why. */
  fk_client_sync_async (session->client, NULL, fk_test_keep_result, &result);
  g_assert_true (fk_sync_engine_get_sending (engine));
  answer (ask_discard (fixture, "Hotell Felskrivet"), "discard");
  wait_shown (fixture->overlay, "It is being sent right now and cannot be discarded. Try again when sending has finished.");
  g_assert_false (fk_client_sync_finish (session->client, fk_test_wait_for (&result), NULL));
  g_clear_object (&result);
  g_assert_cmpuint (fk_sync_engine_get_pending (engine), ==, 2);

  /* Asked while no run is under way: a run that starts after it reads the
   * outbox after the tip is gone. */
  wait_for (is_idle, engine, "the sync to end");
  answer (ask_discard (fixture, "Hotell Felskrivet"), "discard");
  wait_shown (fixture->overlay, "Discarded");
  g_assert_null (fk_ui_test_find_label_text (GTK_WIDGET (fixture->details), "Hotell Felskrivet"));
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

int
main (int   argc,
      char *argv[])
{
  fk_ui_test_init (&argc, &argv);
  adw_init ();
  fk_ui_test_load_style ();

  g_test_add ("/sync-details/discard", Fixture, NULL, fixture_setup, test_discard, fixture_teardown);

  return g_test_run ();
}
