/* test-session.c: idle lock, session end and autosave, with the real window,
 * a real client and the real reference server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "fk-login-page.h"
#include "fk-sync-details.h"
#include "fk-tip-form-private.h"
#include "fk-tip-list.h"
#include "fk-window-private.h"
#include "fk-ui-test-client.h"
#include "fk-ui-test-utils.h"

typedef struct {
  FkUiTestClient *session;
  FkWindow       *window;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  const char * const *server_args = data;

  fixture->session = fk_ui_test_client_new (server_args);
  fixture->window = g_object_ref_sink (fk_window_new (NULL, fixture->session->client));
  fk_window_show_page (fixture->window, fk_window_page_for_state (fk_client_get_state (fixture->session->client)));
  gtk_window_present (GTK_WINDOW (fixture->window));
  fk_ui_test_wait_drawn (GTK_WIDGET (fixture->window));
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_object_unref (fixture->window);
  fk_ui_test_client_free (fixture->session);
}

static GtkWidget *
find (Fixture *fixture,
      GType    type)
{
  GtkWidget *widget = fk_ui_test_find_by_type (GTK_WIDGET (fixture->window), type);

  g_assert_nonnull (widget);
  return widget;
}

static void
wait_visible (GtkWidget *widget)
{
  fk_ui_test_wait_mapped (widget, 30);
}

/* After the stack's crossfade, the page left is unmapped. */
static void
wait_hidden (GtkWidget *widget)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (gtk_widget_get_mapped (widget))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("A page stayed on screen");
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10 * 1000);
    }
}

static void
wait_label (Fixture    *fixture,
            const char *text,
            guint       seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (fk_ui_test_find_label_text (GTK_WIDGET (fixture->window), text) == NULL)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("No label “%s” appeared", text);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10 * 1000);
    }
}

/* As the officer does it: one key of the pad at a time, then OK. */
static GtkWidget *
press_pin (Fixture *fixture)
{
  GtkWidget *login = find (fixture, FK_TYPE_LOGIN_PAGE);

  wait_visible (login);
  for (const char *digit = FK_UI_TEST_PIN; *digit != 0; digit++)
    {
      char label[2] = { *digit, 0 };
      GtkWidget *key = fk_ui_test_find_by_label (login, GTK_TYPE_BUTTON, label);

      g_assert_nonnull (key);
      fk_ui_test_click (key);
    }
  fk_ui_test_click (fk_ui_test_find_by_label (login, GTK_TYPE_BUTTON, "OK"));

  return login;
}

static void
enter_pin (Fixture *fixture)
{
  GtkWidget *login = press_pin (fixture);

  /* The client unlocks a moment before the login page hands over. */
  fk_ui_test_wait_state (fixture->session->client, FK_CLIENT_STATE_UNLOCKED, 60);
  wait_hidden (login);
}

static void
type_into (FkTipForm  *form,
           const char *property,
           const char *text)
{
  GtkWidget *widget = fk_tip_form_get_field_widget (form, property);

  if (GTK_IS_TEXT_VIEW (widget))
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (widget)), text, -1);
  else
    gtk_editable_set_text (GTK_EDITABLE (widget), text);
}

static const char *
field_text (FkTipForm  *form,
            const char *property)
{
  return gtk_editable_get_text (GTK_EDITABLE (fk_tip_form_get_field_widget (form, property)));
}

static FkHotelTip *
find_listed (FkClient   *client,
             const char *uuid)
{
  GListModel *tips = fk_client_get_tips (client);

  for (guint i = 0; i < g_list_model_get_n_items (tips); i++)
    {
      g_autoptr(FkHotelTip) tip = g_list_model_get_item (tips, i);

      if (g_str_equal (fk_hotel_tip_get_uuid (tip), uuid))
        return tip;   /* the list keeps it alive */
    }

  return NULL;
}

static FkTipForm *
open_new_tip (Fixture *fixture)
{
  FkTipForm *form = FK_TIP_FORM (find (fixture, FK_TYPE_TIP_FORM));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.new-tip", NULL));
  wait_visible (GTK_WIDGET (form));
  g_assert_nonnull (fk_tip_form_get_tip (form));
  return form;
}

static void
test_idle_lock (Fixture       *fixture,
                gconstpointer  data)
{
  FkClient *client = fixture->session->client;
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  FkTipForm *form;
  FkHotelTip *tip;
  g_autofree char *uuid = NULL;
  GtkWidget *login;

  g_assert_false (fk_window_get_idle_timer_running (fixture->window));
  enter_pin (fixture);
  fk_ui_test_wait_state (client, FK_CLIENT_STATE_UNLOCKED, 60);
  g_assert_true (fk_window_get_idle_timer_running (fixture->window));

  form = open_new_tip (fixture);
  tip = fk_tip_form_get_tip (form);
  uuid = g_strdup (fk_hotel_tip_get_uuid (tip));
  type_into (form, "hotel-name", "Hotell Provgården");
  type_into (form, "municipality", "Exempelstad");

  /* The draft is on disk, and only then does the form say so. */
  wait_label (fixture, "Saved", 10);
  g_assert_true (find_listed (client, uuid) == tip);
  g_assert_cmpint (fk_hotel_tip_get_state (tip), ==, FK_RECORD_STATE_DRAFT);

  /* Typed just before the lock: a one-second limit runs on an exact timer
   * and ends before the autosave's whole-second timer (at least 1.75 s
   * away) can, so only the flush before the lock can save the room. */
  g_settings_set_uint (settings, "idle-lock-minutes", 1);
  fk_window_set_idle_minute_length (fixture->window, 1000);
  type_into (form, "room", "214");

  fk_ui_test_wait_state (client, FK_CLIENT_STATE_IDLE_LOCKED, 30);
  /* Time enough for the checks after the next login. */
  g_settings_set_uint (settings, "idle-lock-minutes", 60);
  login = find (fixture, FK_TYPE_LOGIN_PAGE);
  wait_visible (login);
  wait_hidden (GTK_WIDGET (form));
  g_assert_nonnull (fk_ui_test_find_label_text (login, "Locked"));
  g_assert_false (fk_window_get_idle_timer_running (fixture->window));
  /* The session's records left the UI's reach. */
  g_assert_cmpuint (g_list_model_get_n_items (fk_client_get_tips (client)), ==, 0);

  enter_pin (fixture);
  fk_ui_test_wait_state (client, FK_CLIENT_STATE_UNLOCKED, 60);
  wait_visible (GTK_WIDGET (form));

  /* The form exactly as it was: same tip, same text. */
  g_assert_true (fk_tip_form_get_tip (form) == tip);
  g_assert_cmpstr (field_text (form, "hotel-name"), ==, "Hotell Provgården");
  g_assert_cmpstr (field_text (form, "room"), ==, "214");
  g_assert_true (fk_window_get_idle_timer_running (fixture->window));

  /* The room typed just before the lock reached the disk before the key
   * went: the list, read back from the store, has it. */
  while (find_listed (client, uuid) == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (fk_hotel_tip_get_room (find_listed (client, uuid)), ==, "214");

  /* The lock from the menu works the same way, and no timer runs after. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.lock", NULL));
  fk_ui_test_wait_state (client, FK_CLIENT_STATE_IDLE_LOCKED, 10);
  g_assert_false (fk_window_get_idle_timer_running (fixture->window));
}

static void
test_session_end (Fixture       *fixture,
                  gconstpointer  data)
{
  FkClient *client = fixture->session->client;
  FkTipForm *form;
  FkHotelTip *tip;
  g_autofree char *uuid = NULL;
  GtkWidget *login;

  enter_pin (fixture);
  form = open_new_tip (fixture);
  tip = fk_tip_form_get_tip (form);
  uuid = g_strdup (fk_hotel_tip_get_uuid (tip));
  type_into (form, "hotel-name", "Hotell Provgården");
  type_into (form, "municipality", "Exempelstad");
  type_into (form, "description", "Many short visits to one room during the night.");
  wait_label (fixture, "Saved", 10);
  type_into (form, "contact-person", "Testa Testsson");

  fk_ui_test_wait_state (client, FK_CLIENT_STATE_LOCKED, 120);
  login = find (fixture, FK_TYPE_LOGIN_PAGE);
  wait_visible (login);
  wait_label (fixture, "Log In", 5);
  g_assert_false (fk_window_get_idle_timer_running (fixture->window));

  /* Not destroyed, only covered. */
  g_assert_true (fk_tip_form_get_tip (form) == tip);
  g_assert_cmpstr (field_text (form, "contact-person"), ==, "Testa Testsson");

  enter_pin (fixture);
  fk_ui_test_wait_state (client, FK_CLIENT_STATE_UNLOCKED, 60);
  wait_visible (GTK_WIDGET (form));
  g_assert_true (fk_tip_form_get_tip (form) == tip);
  g_assert_cmpstr (field_text (form, "hotel-name"), ==, "Hotell Provgården");
  g_assert_cmpstr (field_text (form, "contact-person"), ==, "Testa Testsson");

  /* And it sends, once, with what was typed before the session ended. */
  fk_ui_test_click (fk_ui_test_find_by_label (GTK_WIDGET (form), GTK_TYPE_BUTTON, "Send"));
  while (fk_hotel_tip_get_state (tip) != FK_RECORD_STATE_PENDING)
    g_main_context_iteration (NULL, TRUE);
  while (fk_test_server_count_records (fixture->session->server, uuid) == 0)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (50 * 1000);
    }
  g_assert_cmpint (fk_test_server_count_records (fixture->session->server, uuid), ==, 1);
}

static void
test_session_warning (Fixture       *fixture,
                      gconstpointer  data)
{
  enter_pin (fixture);

  /* The server gave 15 minutes and a few seconds: the warning comes
   * within seconds, and stays until the officer dismisses it. */
  wait_label (fixture, "Your session expires in 15 minutes.", 30);
  g_assert_cmpint (fk_client_get_state (fixture->session->client), ==, FK_CLIENT_STATE_UNLOCKED);
}

/* Nothing is saved or waits to be sent at login: the page says what to do
 * now, not what the sync will do later. */
static void
test_login_offline (Fixture       *fixture,
                    gconstpointer  data)
{
  const char *unreachable = "The server could not be reached. Check the network connection and try again.";
  GtkWidget *login;

  fk_test_server_stop (fixture->session->server);
  login = press_pin (fixture);
  wait_label (fixture, unreachable, 30);
  g_assert_nonnull (fk_ui_test_find_label_text (login, unreachable));
  g_assert_cmpint (fk_client_get_state (fixture->session->client), ==, FK_CLIENT_STATE_LOCKED);
}

static void
test_sync_details (Fixture       *fixture,
                   gconstpointer  data)
{
  FkClient *client = fixture->session->client;
  FkSyncEngine *engine = fk_client_get_sync_engine (client);
  g_autoptr(FkHotelTip) waiting = NULL;
  GtkWidget *details;

  fk_ui_test_client_login (fixture->session);
  fk_window_show_page (fixture->window, FK_PAGE_MAIN);

  /* Offline: the tip waits, and the page says so and why. */
  fk_test_server_stop (fixture->session->server);
  waiting = fk_ui_test_client_save_tip (fixture->session, "Hotell Väntan", TRUE);
  while (fk_sync_engine_get_sending (engine) || fk_sync_engine_get_last_error (engine) == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (fk_hotel_tip_get_state (waiting), ==, FK_RECORD_STATE_PENDING);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.sync-details", NULL));
  details = find (fixture, FK_TYPE_SYNC_DETAILS);
  wait_visible (details);
  wait_label (fixture, "1 record is waiting to be sent.", 5);
  wait_label (fixture, "Hotell Väntan", 5);
  wait_label (fixture, "Waiting", 5);
  {
    g_autofree char *failed = g_strdup_printf ("Last attempt failed: %s", fk_sync_engine_get_last_error (engine));

    wait_label (fixture, failed, 5);
  }
  g_assert_nonnull (fk_ui_test_find_by_label (details, GTK_TYPE_BUTTON, "Open"));

  /* Back online: Sync now empties the list. */
  fk_test_server_start (fixture->session->server, NULL);
  fk_ui_test_click (fk_ui_test_find_by_label (details, GTK_TYPE_BUTTON, "Sync Now"));
  while (fk_hotel_tip_get_state (waiting) != FK_RECORD_STATE_SENT)
    g_main_context_iteration (NULL, TRUE);
  wait_label (fixture, "Everything is sent.", 10);
  wait_label (fixture, "Nothing Waiting", 10);
  wait_label (fixture, "Last sent: just now", 10);
  g_assert_cmpint (fk_test_server_count_records (fixture->session->server, fk_hotel_tip_get_uuid (waiting)), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  static const char *short_session[] = { "--session-seconds", "45", NULL };
  static const char *warned_session[] = { "--session-seconds", "910", NULL };

  fk_ui_test_init (&argc, &argv);
  adw_init ();
  fk_ui_test_load_style ();

  g_test_add ("/session/idle-lock", Fixture, NULL, fixture_setup, test_idle_lock, fixture_teardown);
  g_test_add ("/session/warning", Fixture, warned_session, fixture_setup, test_session_warning, fixture_teardown);
  g_test_add ("/session/end-keeps-form", Fixture, short_session, fixture_setup, test_session_end, fixture_teardown);
  g_test_add ("/session/login-offline", Fixture, NULL, fixture_setup, test_login_offline, fixture_teardown);
  g_test_add ("/session/sync-details", Fixture, NULL, fixture_setup, test_sync_details, fixture_teardown);

  return g_test_run ();
}
