/* test-tip-form.c: the hotel tip form shows the core's verdict under the
 * right field, and nowhere else; and what it shows is what it saved, with a
 * real client and the real reference server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "fk-tip-form-private.h"
#include "fk-ui-test-client.h"
#include "fk-ui-test-utils.h"

/* Every field the form checks inline. */
static const char *checked_fields[] = {
  "hotel-name", "hotel-address", "municipality", "contact-person", "contact-phone",
  "received-at", "room", "description", "vehicles", "action-taken", "officer-note",
};

typedef struct {
  GtkWidget      *window;
  FkTipForm      *form;
  FkHotelTip     *tip;
  char           *data_dir;
  FkClient       *client;
  FkUiTestClient *session;
} Fixture;

static void
fixture_show_form (Fixture *fixture)
{
  fixture->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 360, 720);
  fixture->form = g_object_ref (g_object_new (FK_TYPE_TIP_FORM, "client", fixture->client, NULL));
  gtk_window_set_child (GTK_WINDOW (fixture->window), GTK_WIDGET (fixture->form));
  fk_tip_form_set_tip (fixture->form, fixture->tip);
  gtk_window_present (GTK_WINDOW (fixture->window));
  fk_ui_test_wait_drawn (fixture->window);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GDateTime) received_at = g_date_time_new_local (2024, 5, 31, 21, 30, 0);

  /* Under fk-test-env's root, which it removes afterwards. */
  g_assert_nonnull (g_getenv ("FK_TEST_ROOT"));
  fixture->data_dir = g_build_filename (g_getenv ("FK_TEST_ROOT"), "tip-form-XXXXXX", NULL);
  g_assert_nonnull (g_mkdtemp (fixture->data_dir));
  fixture->client = fk_client_new (fixture->data_dir);

  fixture->tip = fk_hotel_tip_new ();
  fk_hotel_tip_set_received_at (fixture->tip, received_at);

  fixture_show_form (fixture);
}

/* Unlocked, so the form saves; the tip passes every rule, so it sends. */
static void
fixture_setup_session (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GDateTime) received_at = g_date_time_new_local (2024, 5, 31, 21, 30, 0);

  fixture->session = fk_ui_test_client_new (NULL);
  fk_ui_test_client_login (fixture->session);
  fixture->client = g_object_ref (fixture->session->client);

  /* Invented. */
  fixture->tip = fk_hotel_tip_new ();
  fk_hotel_tip_set_hotel_name (fixture->tip, "Hotell Exempel");
  fk_hotel_tip_set_hotel_address (fixture->tip, "Exempelgatan 1");
  fk_hotel_tip_set_municipality (fixture->tip, "Exempelstad");
  fk_hotel_tip_set_received_at (fixture->tip, received_at);
  fk_hotel_tip_set_description (fixture->tip, "Many short visits to one room during the night.");
  fk_hotel_tip_set_indicators (fixture->tip, FK_TIP_INDICATOR_SHORT_VISITS);

  fixture_show_form (fixture);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_assert_finalize_object (fixture->form);
  g_assert_finalize_object (fixture->tip);
  if (fixture->session != NULL)
    {
      g_object_unref (fixture->client);
      fk_ui_test_client_free (fixture->session);
    }
  else
    g_assert_finalize_object (fixture->client);
  g_free (fixture->data_dir);
}

static GtkWidget *
field (Fixture    *fixture,
       const char *property)
{
  GtkWidget *widget = fk_tip_form_get_field_widget (fixture->form, property);

  g_assert_nonnull (widget);
  return widget;
}

static void
type_text (Fixture    *fixture,
           const char *property,
           const char *text)
{
  GtkWidget *widget = field (fixture, property);

  if (GTK_IS_TEXT_VIEW (widget))
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (widget)), text, -1);
  else
    gtk_editable_set_text (GTK_EDITABLE (widget), text);
}

static gboolean
row_is_red (Fixture    *fixture,
            const char *property)
{
  GtkWidget *widget = field (fixture, property);

  if (GTK_IS_TEXT_VIEW (widget))
    widget = gtk_widget_get_parent (widget);
  return gtk_widget_has_css_class (widget, "error");
}

static void
assert_error_only_at (Fixture    *fixture,
                      const char *property)
{
  for (guint i = 0; i < G_N_ELEMENTS (checked_fields); i++)
    {
      const char *error = fk_tip_form_get_field_error (fixture->form, checked_fields[i]);

      if (g_strcmp0 (checked_fields[i], property) == 0)
        {
          g_assert_nonnull (error);
          g_assert_cmpstr (error, !=, "");
          g_assert_true (row_is_red (fixture, checked_fields[i]));
        }
      else
        {
          if (error != NULL)
            g_error ("Unexpected error under %s: %s", checked_fields[i], error);
          g_assert_false (row_is_red (fixture, checked_fields[i]));
        }
    }
}

static void
assert_row_title (Fixture    *fixture,
                  const char *property,
                  const char *title)
{
  GtkWidget *row = field (fixture, property);

  g_assert_true (ADW_IS_PREFERENCES_ROW (row));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, title);
}

static void
test_fresh_form_is_quiet (Fixture       *fixture,
                          gconstpointer  data)
{
  /* Empty required fields are not shouted about before the officer types. */
  assert_error_only_at (fixture, NULL);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (field (fixture, "received-at"))), ==,
                   "2024-05-31 21:30");
}

static void
test_invalid_then_valid (Fixture       *fixture,
                         gconstpointer  data)
{
  static const struct {
    const char *property;
    const char *title;
    const char *invalid;
    const char *valid;
  } cases[] = {
    { "hotel-name",    "Hotel name",           "Hotell Exempel", "Hotell Exempel Centrum" },
    { "municipality",  "Municipality",         "x",              "Exempelstad" },
    { "contact-phone", "Phone",                "call reception", "+46 70-000 00 00" },
    { "received-at",   "Received at",          "31/05/2024",     "2024-05-30 08:15" },
    { "vehicles",      "Registration numbers", "NOT A PLATE",    "ABC 123, XYZ 12A" },
    { "description",   NULL,                   "Too short",      "Many short visits to room 12 during the night." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      if (cases[i].title != NULL)
        assert_row_title (fixture, cases[i].property, cases[i].title);

      if (g_str_equal (cases[i].property, "hotel-name") || g_str_equal (cases[i].property, "municipality"))
        {
          /* These are required: typing something and erasing it is the mistake. */
          type_text (fixture, cases[i].property, cases[i].invalid);
          type_text (fixture, cases[i].property, "");
        }
      else
        type_text (fixture, cases[i].property, cases[i].invalid);

      assert_error_only_at (fixture, cases[i].property);

      type_text (fixture, cases[i].property, cases[i].valid);
      assert_error_only_at (fixture, NULL);
    }

  /* The form wrote through to the tip. */
  g_assert_cmpstr (fk_hotel_tip_get_hotel_name (fixture->tip), ==, "Hotell Exempel Centrum");
  g_assert_cmpstr (fk_hotel_tip_get_vehicles (fixture->tip), ==, "ABC 123, XYZ 12A");
  g_assert_cmpstr (fk_hotel_tip_get_description (fixture->tip), ==,
                   "Many short visits to room 12 during the night.");
}

static void
test_tip_to_form (Fixture       *fixture,
                  gconstpointer  data)
{
  GtkWidget *urgent = fk_ui_test_find_by_label (GTK_WIDGET (fixture->form), GTK_TYPE_SWITCH, "Urgent");

  fk_hotel_tip_set_room (fixture->tip, "312");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (field (fixture, "room"))), ==, "312");

  g_assert_nonnull (urgent);
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (urgent)));
  gtk_switch_set_active (GTK_SWITCH (urgent), TRUE);
  g_assert_true (fk_hotel_tip_get_urgent (fixture->tip));

  fk_hotel_tip_set_indicators (fixture->tip, FK_TIP_INDICATOR_CASH_PAYMENT);
  {
    GtkWidget *check = fk_ui_test_find_by_label (GTK_WIDGET (fixture->form), GTK_TYPE_CHECK_BUTTON,
                                                 fk_tip_indicator_to_label (FK_TIP_INDICATOR_CASH_PAYMENT));

    g_assert_true (GTK_IS_CHECK_BUTTON (check));
    g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));
  }
  {
    GtkWidget *check = fk_ui_test_find_by_label (GTK_WIDGET (fixture->form), GTK_TYPE_CHECK_BUTTON,
                                                 fk_tip_indicator_to_label (FK_TIP_INDICATOR_SHORT_VISITS));

    gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
    g_assert_cmpint (fk_hotel_tip_get_indicators (fixture->tip), ==,
                     FK_TIP_INDICATOR_CASH_PAYMENT | FK_TIP_INDICATOR_SHORT_VISITS);
  }
}

static void
test_send_points_at_first_invalid_field (Fixture       *fixture,
                                         gconstpointer  data)
{
  GtkWidget *send = fk_ui_test_find_by_label (GTK_WIDGET (fixture->form), GTK_TYPE_BUTTON, "Send");
  GtkWidget *focus;

  g_assert_nonnull (send);
  type_text (fixture, "hotel-name", "Hotell Exempel");

  /* Send validates before anything reaches the client: the municipality is
   * the first required field left empty. */
  fk_ui_test_click (send);
  assert_error_only_at (fixture, "municipality");

  focus = gtk_root_get_focus (GTK_ROOT (fixture->window));
  g_assert_nonnull (focus);
  g_assert_true (focus == field (fixture, "municipality") ||
                 gtk_widget_is_ancestor (focus, field (fixture, "municipality")));
  g_assert_cmpint (fk_hotel_tip_get_state (fixture->tip), ==, FK_RECORD_STATE_DRAFT);
}

static void
test_sent_tip_is_read_only (Fixture       *fixture,
                            gconstpointer  data)
{
  GtkWidget *send = fk_ui_test_find_by_label (GTK_WIDGET (fixture->form), GTK_TYPE_BUTTON, "Send");

  g_assert_true (gtk_widget_is_visible (send));
  g_assert_true (gtk_editable_get_editable (GTK_EDITABLE (field (fixture, "hotel-name"))));

  fk_hotel_tip_set_state (fixture->tip, FK_RECORD_STATE_SENT);
  g_assert_false (gtk_widget_is_visible (send));
  g_assert_false (gtk_editable_get_editable (GTK_EDITABLE (field (fixture, "hotel-name"))));
  g_assert_false (gtk_text_view_get_editable (GTK_TEXT_VIEW (field (fixture, "description"))));
}

/* As key presses at the end do it: refused by a field that is not editable. */
static void
press_keys (Fixture    *fixture,
            const char *property,
            const char *text)
{
  GtkWidget *widget = field (fixture, property);

  if (GTK_IS_TEXT_VIEW (widget))
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (widget));
      GtkTextIter end;

      gtk_text_buffer_get_end_iter (buffer, &end);
      gtk_text_buffer_place_cursor (buffer, &end);
    }
  else
    {
      widget = GTK_WIDGET (gtk_editable_get_delegate (GTK_EDITABLE (widget)));
      gtk_editable_set_position (GTK_EDITABLE (widget), -1);
    }
  g_signal_emit_by_name (widget, "insert-at-cursor", text);
}

static char *
shown_text (Fixture    *fixture,
            const char *property)
{
  GtkWidget *widget = field (fixture, property);
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  if (!GTK_IS_TEXT_VIEW (widget))
    return g_strdup (gtk_editable_get_text (GTK_EDITABLE (widget)));

  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (widget));
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* The tip as the store holds it: a lock forgets the list, and the login
 * after it reads the list back from disk. */
static FkHotelTip *
read_back (Fixture    *fixture,
           const char *uuid)
{
  GListModel *tips = fk_client_get_tips (fixture->client);
  gint64 deadline;

  fk_client_lock (fixture->client);
  g_assert_cmpuint (g_list_model_get_n_items (tips), ==, 0);
  fk_ui_test_client_login (fixture->session);

  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  for (;;)
    {
      for (guint i = 0; i < g_list_model_get_n_items (tips); i++)
        {
          g_autoptr(FkHotelTip) tip = g_list_model_get_item (tips, i);

          if (g_str_equal (fk_hotel_tip_get_uuid (tip), uuid))
            return tip;   /* the list keeps it alive */
        }
      if (g_get_monotonic_time () > deadline)
        g_error ("Tip %s is not on disk", uuid);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10 * 1000);
    }
}

static void
on_saved (gboolean *done)
{
  *done = TRUE;
}

static void
test_typed_during_send (Fixture       *fixture,
                        gconstpointer  data)
{
  GtkWidget *send = fk_ui_test_find_by_label (GTK_WIDGET (fixture->form), GTK_TYPE_BUTTON, "Send");
  const char *uuid = fk_hotel_tip_get_uuid (fixture->tip);
  gboolean saved = FALSE;
  g_autofree char *hotel_name = NULL;
  g_autofree char *description = NULL;
  FkHotelTip *stored;

  g_signal_connect_swapped (fixture->form, "saved", G_CALLBACK (on_saved), &saved);
  type_text (fixture, "room", "214");

  /* The save runs on the store's thread and completes on this one: what
   * is typed before the main loop runs again is typed while it saves. */
  fk_ui_test_click (send);
  press_keys (fixture, "hotel-name", " Annex");
  press_keys (fixture, "description", " Also at dawn.");
  fk_ui_test_wait_until (&saved, 30);
  g_assert_cmpint (fk_hotel_tip_get_state (fixture->tip), !=, FK_RECORD_STATE_DRAFT);

  /* What the form shows (and the list with it) is what was kept. */
  hotel_name = shown_text (fixture, "hotel-name");
  description = shown_text (fixture, "description");
  stored = read_back (fixture, uuid);
  g_assert_cmpint (fk_hotel_tip_get_state (stored), !=, FK_RECORD_STATE_DRAFT);
  g_assert_cmpstr (fk_hotel_tip_get_room (stored), ==, "214");
  g_assert_cmpstr (fk_hotel_tip_get_hotel_name (stored), ==, hotel_name);
  g_assert_cmpstr (fk_hotel_tip_get_description (stored), ==, description);
  g_assert_cmpstr (fk_hotel_tip_get_hotel_name (stored), ==, fk_hotel_tip_get_hotel_name (fixture->tip));
}

static void
test_send_queued_then_left (Fixture       *fixture,
                            gconstpointer  data)
{
  GtkWidget *send = fk_ui_test_find_by_label (GTK_WIDGET (fixture->form), GTK_TYPE_BUTTON, "Send");
  g_autoptr(FkHotelTip) left = g_object_ref (fixture->tip);
  g_autoptr(FkHotelTip) next = fk_hotel_tip_new ();
  g_autoptr(GAsyncResult) result = NULL;
  FkHotelTip *stored;

  /* An autosave runs; the room typed after it started is not in it. */
  type_text (fixture, "room", "214");
  fk_tip_form_flush_async (fixture->form, NULL, fk_test_keep_result, &result);
  type_text (fixture, "room", "312");

  /* Send waits for the autosave, and the officer opens another tip. */
  fk_ui_test_click (send);
  fk_tip_form_set_tip (fixture->form, next);

  /* The flush covers the tip left too. */
  g_assert_true (fk_tip_form_flush_finish (fixture->form, fk_test_wait_for (&result), NULL));
  g_assert_cmpint (fk_hotel_tip_get_state (left), !=, FK_RECORD_STATE_DRAFT);

  stored = read_back (fixture, fk_hotel_tip_get_uuid (left));
  g_assert_cmpint (fk_hotel_tip_get_state (stored), !=, FK_RECORD_STATE_DRAFT);
  g_assert_cmpstr (fk_hotel_tip_get_room (stored), ==, "312");

  /* The fixture's tip is the one the form holds at the end. */
  fk_tip_form_set_tip (fixture->form, fixture->tip);
}

static void
test_typed_during_autosave (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  FkHotelTip *stored;

  type_text (fixture, "room", "214");
  fk_tip_form_flush_async (fixture->form, NULL, fk_test_keep_result, &result);

  /* A draft's autosave does not hold up typing, and the next one takes
   * what was typed meanwhile. */
  press_keys (fixture, "room", "5");
  g_assert_cmpstr (fk_hotel_tip_get_room (fixture->tip), ==, "2145");
  g_assert_true (fk_tip_form_flush_finish (fixture->form, fk_test_wait_for (&result), NULL));

  stored = read_back (fixture, fk_hotel_tip_get_uuid (fixture->tip));
  g_assert_cmpint (fk_hotel_tip_get_state (stored), ==, FK_RECORD_STATE_DRAFT);
  g_assert_cmpstr (fk_hotel_tip_get_room (stored), ==, "2145");
}

int
main (int   argc,
      char *argv[])
{
  fk_ui_test_init (&argc, &argv);
  adw_init ();
  fk_ui_test_load_style ();

  g_test_add ("/tip-form/fresh", Fixture, NULL, fixture_setup, test_fresh_form_is_quiet, fixture_teardown);
  g_test_add ("/tip-form/validation", Fixture, NULL, fixture_setup, test_invalid_then_valid, fixture_teardown);
  g_test_add ("/tip-form/tip-to-form", Fixture, NULL, fixture_setup, test_tip_to_form, fixture_teardown);
  g_test_add ("/tip-form/send-invalid", Fixture, NULL, fixture_setup, test_send_points_at_first_invalid_field, fixture_teardown);
  g_test_add ("/tip-form/read-only", Fixture, NULL, fixture_setup, test_sent_tip_is_read_only, fixture_teardown);
  g_test_add ("/tip-form/typed-during-send", Fixture, NULL, fixture_setup_session, test_typed_during_send, fixture_teardown);
  g_test_add ("/tip-form/send-queued-then-left", Fixture, NULL, fixture_setup_session, test_send_queued_then_left, fixture_teardown);
  g_test_add ("/tip-form/typed-during-autosave", Fixture, NULL, fixture_setup_session, test_typed_during_autosave, fixture_teardown);

  return g_test_run ();
}
