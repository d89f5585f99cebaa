/* test-fingerprint-ui.c: the enroll offer and the login page's fingerprint
 * prompt, with the real window, a real client, the real reference server
 * and the real fprintd with libfprint's virtual reader (fk-fprintd-env)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One fprintd serves every test here, so the finger the enroll test adds
 * stays for the ones after it; each test copes with either.
 */
#include "config.h"

#include <string.h>

#include <adwaita.h>

#include "fk-enroll-page.h"
#include "fk-login-page.h"
#include "fk-main-page.h"
#include "fk-pin-pad.h"
#include "fk-preferences.h"
#include "fk-protocol.h"
#include "fk-window.h"
#include "fk-ui-test-client.h"
#include "fk-ui-test-utils.h"

#define FINGER        "finger-of-the-officer"
#define ENROLL_STAGES 5

typedef struct {
  FkUiTestClient *session;
  FkTestServer   *server;       /* the enroll test's, with no client yet */
  FkClient       *client;
  FkWindow       *window;
  GtkWidget      *test_window;
  const char     *socket_path;
  guint           scanning;
  gboolean        enrolled;
} Fixture;

static void
on_scanning (FkFingerprint *fingerprint,
             Fixture       *fixture)
{
  fixture->scanning++;
}

static void
wait_scanning (Fixture *fixture,
               guint    count)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (fixture->scanning < count)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("The reader never started listening");
      fk_test_spin (10);
    }
}

static GtkWidget *
root (Fixture *fixture)
{
  return fixture->window != NULL ? GTK_WIDGET (fixture->window) : fixture->test_window;
}

static void
wait_label (Fixture    *fixture,
            const char *text,
            guint       seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (fk_ui_test_find_label_text (root (fixture), text) == NULL)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("No label “%s” appeared", text);
      fk_test_spin (10);
    }
}

static void
wait_hidden (GtkWidget *widget)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (gtk_widget_get_mapped (widget))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("A page stayed on screen");
      fk_test_spin (10);
    }
}

static GtkWidget *
find (Fixture *fixture,
      GType    type)
{
  GtkWidget *widget = fk_ui_test_find_by_type (root (fixture), type);

  g_assert_nonnull (widget);
  return widget;
}

static GtkWidget *
find_button (Fixture    *fixture,
             const char *label)
{
  GtkWidget *button = fk_ui_test_find_by_label (root (fixture), GTK_TYPE_BUTTON, label);

  if (button == NULL)
    g_error ("No button “%s”", label);
  return button;
}

static void
watch_reader (Fixture *fixture)
{
  fixture->socket_path = g_getenv ("FP_VIRTUAL_DEVICE");
  g_assert_nonnull (fixture->socket_path);
  g_signal_connect (fk_client_get_fingerprint (fixture->client), "scanning", G_CALLBACK (on_scanning), fixture);
}

/* The officer's finger in fprintd, unless an earlier test added it. */
static void
ensure_finger (Fixture *fixture)
{
  FkFingerprint *fingerprint = fk_client_get_fingerprint (fixture->client);
  g_autoptr(GAsyncResult) probed = NULL;
  g_autoptr(GAsyncResult) enrolled = NULL;
  g_autoptr(GError) error = NULL;
  gboolean has_device = FALSE, has_finger = FALSE;

  fk_fingerprint_probe_async (fingerprint, NULL, fk_test_keep_result, &probed);
  g_assert_true (fk_fingerprint_probe_finish (fingerprint, fk_test_wait_for (&probed),
                                              &has_device, &has_finger, &error));
  g_assert_no_error (error);
  g_assert_true (has_device);
  if (has_finger)
    return;

  fk_fingerprint_enroll_async (fingerprint, "right-index-finger", NULL, fk_test_keep_result, &enrolled);
  wait_scanning (fixture, fixture->scanning + 1);
  for (guint i = 0; i < ENROLL_STAGES; i++)
    fk_test_scan_finger (fixture->socket_path, FINGER);
  g_assert_true (fk_fingerprint_enroll_finish (fingerprint, fk_test_wait_for (&enrolled), &error));
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->session = fk_ui_test_client_new (data);
  fixture->client = fixture->session->client;
  watch_reader (fixture);
  ensure_finger (fixture);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  if (fixture->window != NULL)
    {
      gtk_window_destroy (GTK_WINDOW (fixture->window));
      g_object_unref (fixture->window);
    }
  if (fixture->test_window != NULL)
    gtk_window_destroy (GTK_WINDOW (fixture->test_window));
  if (fixture->client != NULL)
    g_signal_handlers_disconnect_by_data (fk_client_get_fingerprint (fixture->client), fixture);
  if (fixture->session != NULL)
    fk_ui_test_client_free (fixture->session);
  else
    {
      g_autoptr(GAsyncResult) closed = NULL;

      fk_client_close_async (fixture->client, NULL, fk_test_keep_result, &closed);
      fk_client_close_finish (fixture->client, fk_test_wait_for (&closed), NULL);
      g_object_unref (fixture->client);
      fk_test_server_free (fixture->server);
    }
}

/* The app's window on whatever page the client's state calls for. */
static GtkWidget *
show_window (Fixture *fixture)
{
  GtkWidget *login;

  fixture->window = g_object_ref_sink (fk_window_new (NULL, fixture->client));
  fk_window_show_page (fixture->window, fk_window_page_for_state (fk_client_get_state (fixture->client)));
  gtk_window_present (GTK_WINDOW (fixture->window));
  fk_ui_test_wait_drawn (GTK_WIDGET (fixture->window));

  login = find (fixture, FK_TYPE_LOGIN_PAGE);
  fk_ui_test_wait_mapped (login, 30);
  return login;
}

/* As the officer does it: one key of the pad at a time, then OK. */
static void
type_pin (Fixture    *fixture,
          GtkWidget  *login,
          const char *pin)
{
  for (const char *digit = pin; *digit != 0; digit++)
    {
      char label[2] = { *digit, 0 };

      fk_ui_test_click (fk_ui_test_find_by_label (login, GTK_TYPE_BUTTON, label));
    }
  fk_ui_test_click (fk_ui_test_find_by_label (login, GTK_TYPE_BUTTON, "OK"));
}

static void
logout (Fixture *fixture)
{
  g_autoptr(GAsyncResult) result = NULL;

  fk_client_logout_async (fixture->client, NULL, fk_test_keep_result, &result);
  g_assert_true (fk_client_logout_finish (fixture->client, fk_test_wait_for (&result), NULL));
}

/* A PIN login with fingerprint wanted leaves the copy behind. */
static void
make_fingerprint_copy (Fixture *fixture)
{
  g_assert_true (fk_client_get_fingerprint_allowed (fixture->client));
  fk_client_set_fingerprint_wanted (fixture->client, TRUE);
  fk_ui_test_client_login (fixture->session);
  logout (fixture);
  g_assert_true (fk_client_get_fingerprint_ready (fixture->client));
}

static void
set_text (GtkWidget  *page,
          const char *label,
          const char *text)
{
  GtkWidget *field = fk_ui_test_find_by_label (page, GTK_TYPE_EDITABLE, label);

  if (field == NULL)
    g_error ("No text field “%s”", label);
  gtk_editable_set_text (GTK_EDITABLE (field), text);
}

static void
on_enrolled (FkEnrollPage *page,
             Fixture      *fixture)
{
  fixture->enrolled = TRUE;
}

/* The enroll page filled in and Activate clicked, at a server started with
 * @server_args. */
static void
start_enroll (Fixture            *fixture,
              const char * const *server_args)
{
  g_autofree char *server_dir = g_build_filename (g_getenv ("FK_TEST_ROOT"), "server-XXXXXX", NULL);
  g_autofree char *data_dir = g_build_filename (g_getenv ("FK_TEST_ROOT"), "client-XXXXXX", NULL);
  g_autofree char *code = NULL;
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *page;

  g_assert_nonnull (g_mkdtemp (server_dir));
  g_assert_nonnull (g_mkdtemp (data_dir));
  fixture->server = fk_test_server_new (server_dir);
  fk_test_server_start (fixture->server, server_args);
  code = fk_test_server_issue_code (fixture->server, "officer-ui-2");
  fixture->client = fk_client_new (data_dir);
  fk_client_load_async (fixture->client, NULL, fk_test_keep_result, &loaded);
  g_assert_true (fk_client_load_finish (fixture->client, fk_test_wait_for (&loaded), &error));
  g_assert_no_error (error);
  watch_reader (fixture);

  page = g_object_new (FK_TYPE_ENROLL_PAGE, "client", fixture->client, NULL);
  g_signal_connect (page, "enrolled", G_CALLBACK (on_enrolled), fixture);
  fixture->test_window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (fixture->test_window), 360, 720);
  gtk_window_set_child (GTK_WINDOW (fixture->test_window), page);
  gtk_window_present (GTK_WINDOW (fixture->test_window));
  fk_ui_test_wait_drawn (fixture->test_window);

  fk_enroll_page_set_server (FK_ENROLL_PAGE (page), fixture->server->url);
  fk_enroll_page_set_server_pin (FK_ENROLL_PAGE (page), fixture->server->pin);
  fk_enroll_page_set_activation_code (FK_ENROLL_PAGE (page), code);
  set_text (page, "Choose PIN", FK_UI_TEST_PIN);
  set_text (page, "Repeat PIN", FK_UI_TEST_PIN);
  fk_ui_test_click (find_button (fixture, "Activate"));
}

/* After activation the enroll page offers the finger, adds it in fprintd
 * with progress (and can stop), and asks for the fingerprint copy. */
static void
test_enroll_offer (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *scans_left = NULL;

  start_enroll (fixture, NULL);

  /* Activated, and the page asks before it says it is done. */
  wait_label (fixture, "Use Your Fingerprint?", 60);
  g_assert_cmpint (fk_client_get_state (fixture->client), ==, FK_CLIENT_STATE_LOCKED);
  g_assert_false (fixture->enrolled);
  g_assert_true (gtk_widget_get_mapped (find_button (fixture, "Not Now")));

  /* No finger in fprintd yet: the page adds one, and can stop half-way. */
  fk_ui_test_click (find_button (fixture, "Use Fingerprint"));
  wait_label (fixture, "Place your finger on the fingerprint reader.", 10);
  wait_scanning (fixture, 1);
  fk_test_scan_finger (fixture->socket_path, FINGER);
  wait_label (fixture, "Lift and place your finger again. 4 scans left.", 10);
  fk_ui_test_click (find_button (fixture, "Cancel"));
  fk_ui_test_wait_mapped (find_button (fixture, "Not Now"), 10);
  g_assert_false (fixture->enrolled);

  fk_ui_test_click (find_button (fixture, "Use Fingerprint"));
  wait_scanning (fixture, 2);
  for (guint i = 0; i < ENROLL_STAGES - 1; i++)
    fk_test_scan_finger (fixture->socket_path, FINGER);
  scans_left = g_strdup_printf ("Lift and place your finger again. %u scan left.", 1);
  wait_label (fixture, scans_left, 10);
  fk_test_scan_finger (fixture->socket_path, FINGER);
  fk_ui_test_wait_until (&fixture->enrolled, 20);

  /* The next PIN login makes the copy. */
  g_assert_true (fk_client_get_fingerprint_wanted (fixture->client));
  g_assert_false (fk_client_get_fingerprint_ready (fixture->client));
}

/* A real fingerprint login through the login page: the prompt starts by
 * itself, a wrong finger is said so and listened for again, the right one
 * logs in. */
static void
test_login_with_finger (Fixture       *fixture,
                        gconstpointer  data)
{
  GtkWidget *login;
  guint scanning;

  make_fingerprint_copy (fixture);
  scanning = fixture->scanning;
  login = show_window (fixture);

  wait_label (fixture, "Touch the fingerprint reader", 10);
  wait_scanning (fixture, scanning + 1);
  fk_test_scan_finger (fixture->socket_path, "someone-else");
  wait_label (fixture, "The fingerprint did not match. Try again or use your PIN.", 10);
  g_assert_cmpint (fk_client_get_state (fixture->client), ==, FK_CLIENT_STATE_LOCKED);

  wait_scanning (fixture, scanning + 2);
  fk_test_scan_finger (fixture->socket_path, FINGER);
  fk_ui_test_wait_state (fixture->client, FK_CLIENT_STATE_UNLOCKED, 30);
  wait_hidden (login);
  fk_ui_test_wait_mapped (find (fixture, FK_TYPE_MAIN_PAGE), 10);
}

/* The pad works while the reader listens; the PIN stops the reader, and
 * the idle lock listens again (and is opened by the finger). */
static void
test_pin_beside_finger (Fixture       *fixture,
                        gconstpointer  data)
{
  GtkWidget *login;
  guint scanning;

  make_fingerprint_copy (fixture);
  scanning = fixture->scanning;
  login = show_window (fixture);
  wait_scanning (fixture, scanning + 1);

  type_pin (fixture, login, FK_UI_TEST_PIN);
  fk_ui_test_wait_state (fixture->client, FK_CLIENT_STATE_UNLOCKED, 60);
  wait_hidden (login);

  fk_client_lock (fixture->client);
  fk_ui_test_wait_mapped (login, 10);
  wait_label (fixture, "Touch the fingerprint reader", 10);
  wait_scanning (fixture, scanning + 2);
  fk_test_scan_finger (fixture->socket_path, FINGER);
  fk_ui_test_wait_state (fixture->client, FK_CLIENT_STATE_UNLOCKED, 30);
  wait_hidden (login);
}

/* Five wrong fingers: the prompt stops and says to use the PIN. */
static void
test_too_many_fingers (Fixture       *fixture,
                       gconstpointer  data)
{
  GtkWidget *login;
  GtkWidget *retry;
  guint scanning;

  make_fingerprint_copy (fixture);
  scanning = fixture->scanning;
  login = show_window (fixture);

  for (guint i = 1; i <= 5; i++)
    {
      wait_scanning (fixture, scanning + i);
      fk_test_scan_finger (fixture->socket_path, "someone-else");
    }
  wait_label (fixture, "Too many fingerprints did not match. Use your PIN.", 10);
  g_assert_false (fk_client_get_fingerprint_ready (fixture->client));
  retry = fk_ui_test_find_by_label (login, GTK_TYPE_BUTTON, "Try Fingerprint Again");
  g_assert_nonnull (retry);
  g_assert_false (gtk_widget_get_mapped (retry));

  /* The reader has stopped listening for good. */
  fk_test_spin (500);
  g_assert_cmpuint (fixture->scanning, ==, scanning + 5);

  type_pin (fixture, login, FK_UI_TEST_PIN);
  fk_ui_test_wait_state (fixture->client, FK_CLIENT_STATE_UNLOCKED, 60);
  wait_hidden (login);
}

static GtkWidget *
open_preferences (Fixture *fixture)
{
  GtkWidget *fingerprint_switch;

  fixture->test_window = GTK_WIDGET (fk_preferences_new (NULL, fixture->client));
  gtk_window_present (GTK_WINDOW (fixture->test_window));
  fk_ui_test_wait_drawn (fixture->test_window);
  fingerprint_switch = fk_ui_test_find_by_label (fixture->test_window, GTK_TYPE_SWITCH, "Unlock with fingerprint");
  g_assert_nonnull (fingerprint_switch);
  return fingerprint_switch;
}

static void
wait_sensitive (GtkWidget *widget)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (!gtk_widget_is_sensitive (widget))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("The switch stayed insensitive");
      fk_test_spin (10);
    }
}

/* Off removes the copy at once; on waits for the next PIN login. */
static void
test_preferences_switch (Fixture       *fixture,
                         gconstpointer  data)
{
  GtkWidget *fingerprint_switch;

  make_fingerprint_copy (fixture);
  fingerprint_switch = open_preferences (fixture);
  wait_sensitive (fingerprint_switch);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (fingerprint_switch)));
  g_assert_nonnull (fk_ui_test_find_label_text (fixture->test_window,
                                                "Log in and unlock with your finger instead of the PIN. "
                                                "Takes effect at your next login with the PIN."));

  gtk_switch_set_active (GTK_SWITCH (fingerprint_switch), FALSE);
  g_assert_false (fk_client_get_fingerprint_wanted (fixture->client));
  g_assert_false (fk_client_get_fingerprint_ready (fixture->client));

  gtk_switch_set_active (GTK_SWITCH (fingerprint_switch), TRUE);
  g_assert_true (fk_client_get_fingerprint_wanted (fixture->client));
  g_assert_false (fk_client_get_fingerprint_ready (fixture->client));
  fk_ui_test_client_login (fixture->session);
  logout (fixture);
  g_assert_true (fk_client_get_fingerprint_ready (fixture->client));
}

/* pin-and-fingerprint: on, and not the officer's to turn off. */
static void
test_preferences_required (Fixture       *fixture,
                           gconstpointer  data)
{
  GtkWidget *fingerprint_switch = open_preferences (fixture);

  fk_test_spin (300);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (fingerprint_switch)));
  g_assert_false (gtk_widget_is_sensitive (fingerprint_switch));
  g_assert_nonnull (fk_ui_test_find_label_text (fixture->test_window,
                                                "Your organisation requires both your PIN and your fingerprint."));
}

static const char * const pin_and_fingerprint_args[] = { "--policy", FK_POLICY_PIN_AND_FINGERPRINT, NULL };

/* pin-and-fingerprint: no prompt before the PIN, then the finger. */
static void
test_pin_then_finger (Fixture       *fixture,
                      gconstpointer  data)
{
  GtkWidget *login;
  guint scanning = fixture->scanning;

  g_assert_true (fk_client_get_fingerprint_required (fixture->client));
  login = show_window (fixture);
  fk_test_spin (300);
  g_assert_null (fk_ui_test_find_label_text (login, "Touch the fingerprint reader"));
  g_assert_cmpuint (fixture->scanning, ==, scanning);

  type_pin (fixture, login, FK_UI_TEST_PIN);
  wait_label (fixture, "Now touch the fingerprint reader", 10);
  wait_scanning (fixture, scanning + 1);
  g_assert_cmpint (fk_client_get_state (fixture->client), ==, FK_CLIENT_STATE_LOCKED);
  fk_test_scan_finger (fixture->socket_path, FINGER);
  fk_ui_test_wait_state (fixture->client, FK_CLIENT_STATE_UNLOCKED, 30);
  wait_hidden (login);
}

/* pin-and-fingerprint: five fingers that did not match make the finger
 * step wait, and the page says for how long; the reader is not asked. */
static void
test_pin_and_finger_wait (Fixture       *fixture,
                          gconstpointer  data)
{
  GtkWidget *login;
  GtkWidget *pad;
  guint scanning = fixture->scanning;

  login = show_window (fixture);
  pad = find (fixture, FK_TYPE_PIN_PAD);
  for (guint i = 1; i <= 5; i++)
    {
      type_pin (fixture, login, FK_UI_TEST_PIN);
      wait_scanning (fixture, scanning + i);
      fk_test_scan_finger (fixture->socket_path, "someone-else");
      wait_sensitive (pad);
    }
  wait_label (fixture, "Too many fingerprints did not match. Try again in 5 minutes.", 10);

  type_pin (fixture, login, FK_UI_TEST_PIN);
  wait_sensitive (pad);
  fk_test_spin (500);
  wait_label (fixture, "Too many fingerprints did not match. Try again in 5 minutes.", 10);
  g_assert_cmpuint (fixture->scanning, ==, scanning + 5);
  g_assert_cmpint (fk_client_get_state (fixture->client), ==, FK_CLIENT_STATE_LOCKED);
}

static const char * const pin_args[] = { "--policy", FK_POLICY_PIN, NULL };

/* pin-or-fingerprint → pin: after the login that brings it, the copy is
 * gone and preferences no longer offer the finger. */
static void
test_preferences_after_policy_pin (Fixture       *fixture,
                                   gconstpointer  data)
{
  GtkWidget *fingerprint_switch;

  make_fingerprint_copy (fixture);
  fk_test_server_stop (fixture->session->server);
  fk_test_server_start (fixture->session->server, pin_args);
  fk_ui_test_client_login (fixture->session);
  g_assert_false (fk_client_get_fingerprint_ready (fixture->client));

  fingerprint_switch = open_preferences (fixture);
  fk_test_spin (300);
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (fingerprint_switch)));
  g_assert_false (gtk_widget_is_sensitive (fingerprint_switch));
  g_assert_nonnull (fk_ui_test_find_label_text (fixture->test_window, "Your organisation allows only the PIN."));
}

/* pin-and-fingerprint on a phone with no reader (fprintd is not on this
 * process's system bus): the enroll page says so, and what to do, before
 * it is done.  In a process of its own: the system bus is fixed at first use. */
static void
test_enroll_no_reader (void)
{
  Fixture fixture = { 0 };

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, 0);
      g_test_trap_assert_passed ();
      return;
    }

  g_assert_nonnull (g_getenv ("DBUS_SESSION_BUS_ADDRESS"));
  g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", g_getenv ("DBUS_SESSION_BUS_ADDRESS"), TRUE);
  start_enroll (&fixture, pin_and_fingerprint_args);
  wait_label (&fixture, "Your organisation requires a fingerprint, but this phone has no fingerprint reader. "
                        "Contact support.", 60);
  g_assert_nonnull (fk_ui_test_find_label_text (fixture.test_window, "No Fingerprint Reader"));
  g_assert_false (fixture.enrolled);
  g_assert_true (fk_client_get_fingerprint_required (fixture.client));

  fk_ui_test_click (find_button (&fixture, "Continue"));
  fk_ui_test_wait_until (&fixture.enrolled, 10);
  fixture_teardown (&fixture, NULL);
}

int
main (int   argc,
      char *argv[])
{
  fk_ui_test_init (&argc, &argv);
  adw_init ();
  fk_ui_test_load_style ();

  /* First: it needs fprintd without a finger. */
  g_test_add ("/fingerprint-ui/enroll-offer", Fixture, NULL, NULL, test_enroll_offer, fixture_teardown);
  g_test_add ("/fingerprint-ui/login-with-finger", Fixture, NULL,
              fixture_setup, test_login_with_finger, fixture_teardown);
  g_test_add ("/fingerprint-ui/pin-beside-finger", Fixture, NULL,
              fixture_setup, test_pin_beside_finger, fixture_teardown);
  g_test_add ("/fingerprint-ui/too-many-fingers", Fixture, NULL,
              fixture_setup, test_too_many_fingers, fixture_teardown);
  g_test_add ("/fingerprint-ui/pin-then-finger", Fixture, pin_and_fingerprint_args,
              fixture_setup, test_pin_then_finger, fixture_teardown);
  g_test_add ("/fingerprint-ui/preferences-switch", Fixture, NULL,
              fixture_setup, test_preferences_switch, fixture_teardown);
  g_test_add ("/fingerprint-ui/preferences-required", Fixture, pin_and_fingerprint_args,
              fixture_setup, test_preferences_required, fixture_teardown);
  g_test_add ("/fingerprint-ui/pin-and-finger-wait", Fixture, pin_and_fingerprint_args,
              fixture_setup, test_pin_and_finger_wait, fixture_teardown);
  g_test_add ("/fingerprint-ui/preferences-after-policy-pin", Fixture, NULL,
              fixture_setup, test_preferences_after_policy_pin, fixture_teardown);
  g_test_add_func ("/fingerprint-ui/enroll-no-reader", test_enroll_no_reader);

  return g_test_run ();
}
