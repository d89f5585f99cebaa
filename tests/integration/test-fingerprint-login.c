/* test-fingerprint-login.c: logging in with a finger, for real
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The real server, the real keyring, and the real fprintd with libfprint's
 * virtual reader (fk-fprintd-env): a PIN login keeps the fingerprint copy,
 * a matching finger then logs in and unlocks, a wrong one does not, five
 * wrong ones call for the PIN, and the server wants a PIN login within
 * 72 hours.  Under the pin-and-fingerprint policy it takes both, every time,
 * and five wrong fingers make the finger step wait.  The policy in each
 * login reply is applied: the copy goes, the key is bound or unbound.  A
 * phone without a reader (fprintd absent from the system bus) says so.
 */
#include "config.h"

#include <string.h>

#include <sqlite3.h>

#include "fk-client.h"
#include "fk-error.h"
#include "fk-protocol.h"
#include "fk-secret-store.h"
#include "fk-test-server.h"

#define OFFICER "officer-test-41"
#define PIN     "583016"
#define FINGER  "finger-of-the-test"

typedef struct {
  char         *root;
  char         *data_dir;
  FkTestServer *server;
  FkClient     *client;
  const char   *socket_path;
  guint         scanning;
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
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (fixture->scanning < count)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      fk_test_spin (10);
    }
}

/* A client enrolled at a server started with @data as its extra arguments. */
static void
setup_enrolled (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *state_dir = NULL;
  g_autofree char *code = NULL;
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GAsyncResult) enrolled = NULL;

  fixture->root = g_dir_make_tmp ("fk-finger-XXXXXX", &error);
  g_assert_no_error (error);
  state_dir = g_build_filename (fixture->root, "server", NULL);
  fixture->data_dir = g_build_filename (fixture->root, "device", NULL);
  fixture->server = fk_test_server_new (state_dir);
  /* @data: the server's extra arguments, such as its --policy. */
  fk_test_server_start (fixture->server, data);

  fixture->client = fk_client_new (fixture->data_dir);
  g_signal_connect (fk_client_get_fingerprint (fixture->client), "scanning", G_CALLBACK (on_scanning), fixture);
  fk_client_load_async (fixture->client, NULL, fk_test_keep_result, &loaded);
  g_assert_true (fk_client_load_finish (fixture->client, fk_test_wait_for (&loaded), &error));
  code = fk_test_server_issue_code (fixture->server, OFFICER);
  fk_client_enroll_async (fixture->client, fixture->server->url, fixture->server->pin, code, PIN,
                          NULL, fk_test_keep_result, &enrolled);
  g_assert_true (fk_client_enroll_finish (fixture->client, fk_test_wait_for (&enrolled), &error));
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) finger = NULL;

  fixture->socket_path = g_getenv ("FP_VIRTUAL_DEVICE");
  g_assert_nonnull (fixture->socket_path);
  setup_enrolled (fixture, data);

  /* The officer's finger, enrolled in fprintd as the phone's setup would. */
  fk_fingerprint_enroll_async (fk_client_get_fingerprint (fixture->client), "right-index-finger",
                               NULL, fk_test_keep_result, &finger);
  wait_scanning (fixture, 1);
  for (guint i = 0; i < 5; i++)
    fk_test_scan_finger (fixture->socket_path, FINGER);
  g_assert_true (fk_fingerprint_enroll_finish (fk_client_get_fingerprint (fixture->client),
                                               fk_test_wait_for (&finger), &error));
  g_assert_no_error (error);
  fixture->scanning = 0;
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

/* What the keyring holds, read back by a client of its own as after a
 * restart; it replaces the fixture's. */
static void
reload_client (Fixture *fixture)
{
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GError) error = NULL;

  g_clear_object (&fixture->client);
  fixture->client = fk_client_new (fixture->data_dir);
  g_signal_connect (fk_client_get_fingerprint (fixture->client), "scanning", G_CALLBACK (on_scanning), fixture);
  fk_client_load_async (fixture->client, NULL, fk_test_keep_result, &loaded);
  g_assert_true (fk_client_load_finish (fixture->client, fk_test_wait_for (&loaded), &error));
  g_assert_no_error (error);
}

static gboolean
login_pin (Fixture  *fixture,
           GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  fk_client_login_async (fixture->client, PIN, NULL, fk_test_keep_result, &result);
  return fk_client_login_finish (fixture->client, fk_test_wait_for (&result), error);
}

static gboolean
login_finger (Fixture     *fixture,
              const char  *finger,
              GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  guint scanning = fixture->scanning;

  fk_client_login_fingerprint_async (fixture->client, NULL, fk_test_keep_result, &result);
  if (result == NULL)
    {
      wait_scanning (fixture, scanning + 1);
      fk_test_scan_finger (fixture->socket_path, finger);
    }
  return fk_client_login_fingerprint_finish (fixture->client, fk_test_wait_for (&result), error);
}

static void
logout (Fixture *fixture)
{
  g_autoptr(GAsyncResult) result = NULL;

  fk_client_logout_async (fixture->client, NULL, fk_test_keep_result, &result);
  g_assert_true (fk_client_logout_finish (fixture->client, fk_test_wait_for (&result), NULL));
}

static void
test_finger_after_pin (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  /* Not before the officer asked for it and a PIN login made the copy. */
  g_assert_false (fk_client_get_fingerprint_ready (fixture->client));
  fk_client_set_fingerprint_wanted (fixture->client, TRUE);
  g_assert_true (login_pin (fixture, &error));
  g_assert_no_error (error);
  logout (fixture);
  g_assert_true (fk_client_get_fingerprint_ready (fixture->client));

  g_assert_false (login_finger (fixture, "someone-else", &error));
  g_assert_error (error, FK_ERROR, FK_ERROR_FINGERPRINT_NO_MATCH);
  g_clear_error (&error);
  g_assert_cmpint (fk_client_get_state (fixture->client), ==, FK_CLIENT_STATE_LOCKED);

  g_assert_true (login_finger (fixture, FINGER, &error));
  g_assert_no_error (error);
  g_assert_cmpint (fk_client_get_state (fixture->client), ==, FK_CLIENT_STATE_UNLOCKED);

  /* The idle lock opens with the finger too, without the server. */
  fk_test_server_stop (fixture->server);
  fk_client_lock (fixture->client);
  g_assert_true (login_finger (fixture, FINGER, &error));
  g_assert_no_error (error);
  g_assert_cmpint (fk_client_get_state (fixture->client), ==, FK_CLIENT_STATE_UNLOCKED);
}

static void
test_five_wrong_fingers_need_pin (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fk_client_set_fingerprint_wanted (fixture->client, TRUE);
  g_assert_true (login_pin (fixture, &error));
  logout (fixture);

  /* Closing the app between fingers does not start the count afresh. */
  for (guint i = 0; i < 4; i++)
    {
      g_assert_false (login_finger (fixture, "someone-else", &error));
      g_assert_error (error, FK_ERROR, FK_ERROR_FINGERPRINT_NO_MATCH);
      g_clear_error (&error);
      if (i % 2 == 1)
        reload_client (fixture);
    }
  g_assert_false (login_finger (fixture, "someone-else", &error));
  g_assert_error (error, FK_ERROR, FK_ERROR_PIN_REQUIRED);
  g_clear_error (&error);
  g_assert_false (fk_client_get_fingerprint_ready (fixture->client));
  reload_client (fixture);
  g_assert_false (fk_client_get_fingerprint_ready (fixture->client));

  /* The PIN resets the count, for good. */
  g_assert_true (login_pin (fixture, &error));
  logout (fixture);
  g_assert_true (fk_client_get_fingerprint_ready (fixture->client));
  reload_client (fixture);
  g_assert_true (fk_client_get_fingerprint_ready (fixture->client));
}

/* Moves the device's last PIN login back on the server's own books. */
static void
age_last_pin_login (Fixture *fixture,
                    gint64   seconds)
{
  g_autofree char *path = g_build_filename (fixture->server->state_dir, "faltkoll-server.db", NULL);
  g_autofree char *sql = g_strdup_printf ("UPDATE devices SET last_pin_login_at = last_pin_login_at - %"
                                          G_GINT64_FORMAT ";", seconds);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static void
test_server_wants_recent_pin (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fk_client_set_fingerprint_wanted (fixture->client, TRUE);
  g_assert_true (login_pin (fixture, &error));
  logout (fixture);

  age_last_pin_login (fixture, 73 * 3600);
  g_assert_false (login_finger (fixture, FINGER, &error));
  g_assert_error (error, FK_ERROR, FK_ERROR_PIN_REQUIRED);
  g_clear_error (&error);

  g_assert_true (login_pin (fixture, &error));
  g_assert_no_error (error);
  logout (fixture);
  g_assert_true (login_finger (fixture, FINGER, &error));
  g_assert_no_error (error);
}

/* The PIN first, then the finger the login waits for. */
static gboolean
login_pin_and_finger (Fixture     *fixture,
                      const char  *pin,
                      const char  *finger,
                      GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  guint scanning = fixture->scanning;

  fk_client_login_async (fixture->client, pin, NULL, fk_test_keep_result, &result);
  if (result == NULL)
    {
      wait_scanning (fixture, scanning + 1);
      fk_test_scan_finger (fixture->socket_path, finger);
    }
  return fk_client_login_finish (fixture->client, fk_test_wait_for (&result), error);
}

static const char * const pin_and_fingerprint_args[] = { "--policy", FK_POLICY_PIN_AND_FINGERPRINT, NULL };

static void
test_pin_and_finger (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fk_client_get_fingerprint_required (fixture->client));
  g_assert_false (fk_client_get_fingerprint_allowed (fixture->client));
  g_assert_false (fk_client_get_fingerprint_ready (fixture->client));
  g_assert_cmpint (fk_client_get_attempts_left (fixture->client), ==, FK_MAX_FAILED_PINS);

  /* The right PIN with someone else's finger never reaches the server. */
  g_assert_false (login_pin_and_finger (fixture, PIN, "someone-else", &error));
  g_assert_error (error, FK_ERROR, FK_ERROR_FINGERPRINT_NO_MATCH);
  g_clear_error (&error);
  g_assert_cmpint (fk_client_get_state (fixture->client), ==, FK_CLIENT_STATE_LOCKED);
  g_assert_cmpint (fk_client_get_attempts_left (fixture->client), ==, FK_MAX_FAILED_PINS);

  /* The finger with a wrong PIN unwraps some key, which the server refuses
   * and counts as a wrong PIN. */
  g_assert_false (login_pin_and_finger (fixture, "583017", FINGER, &error));
  g_assert_error (error, FK_ERROR, FK_ERROR_WRONG_PIN);
  g_clear_error (&error);
  g_assert_cmpint (fk_client_get_attempts_left (fixture->client), ==, FK_MAX_FAILED_PINS - 1);
  g_assert_cmpint (fk_client_get_state (fixture->client), ==, FK_CLIENT_STATE_LOCKED);

  g_assert_true (login_pin_and_finger (fixture, PIN, FINGER, &error));
  g_assert_no_error (error);
  g_assert_cmpint (fk_client_get_state (fixture->client), ==, FK_CLIENT_STATE_UNLOCKED);
  g_assert_cmpint (fk_client_get_attempts_left (fixture->client), ==, FK_MAX_FAILED_PINS);

  /* The idle lock wants both too, and checks them without the server. */
  fk_test_server_stop (fixture->server);
  fk_client_lock (fixture->client);
  g_assert_false (login_pin_and_finger (fixture, PIN, "someone-else", &error));
  g_assert_error (error, FK_ERROR, FK_ERROR_FINGERPRINT_NO_MATCH);
  g_clear_error (&error);
  g_assert_false (login_pin_and_finger (fixture, "583017", FINGER, &error));
  g_assert_error (error, FK_ERROR, FK_ERROR_WRONG_PIN);
  g_clear_error (&error);
  g_assert_cmpint (fk_client_get_state (fixture->client), ==, FK_CLIENT_STATE_IDLE_LOCKED);
  g_assert_true (login_pin_and_finger (fixture, PIN, FINGER, &error));
  g_assert_no_error (error);
  g_assert_cmpint (fk_client_get_state (fixture->client), ==, FK_CLIENT_STATE_UNLOCKED);
}

/* Someone who has the keyring's token and knows the PIN, but skips the
 * finger (and so K) by editing the token, gets a key the server refuses. */
static void
assert_pin_alone_refused (Fixture *fixture)
{
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GAsyncResult) saved = NULL;
  g_autoptr(GAsyncResult) client_loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) token = NULL;
  g_autoptr(FkClient) client = NULL;
  char *stored;

  fk_secret_store_load_async (fixture->data_dir, FK_SECRET_TOKEN, NULL, fk_test_keep_result, &loaded);
  stored = fk_secret_store_load_finish (fk_test_wait_for (&loaded), &error);
  g_assert_no_error (error);
  g_assert_nonnull (stored);
  token = g_string_new (stored);
  fk_secret_free (stored);
  g_assert_cmpuint (g_string_replace (token, "\"fingerprint_bound\":true", "\"fingerprint_bound\":false", 1), ==, 1);
  fk_secret_store_save_async (fixture->data_dir, FK_SECRET_TOKEN, token->str, NULL, fk_test_keep_result, &saved);
  g_assert_true (fk_secret_store_save_finish (fk_test_wait_for (&saved), &error));
  g_assert_no_error (error);

  client = fk_client_new (fixture->data_dir);
  g_signal_connect (fk_client_get_fingerprint (client), "scanning", G_CALLBACK (on_scanning), fixture);
  fk_client_load_async (client, NULL, fk_test_keep_result, &client_loaded);
  g_assert_true (fk_client_load_finish (client, fk_test_wait_for (&client_loaded), &error));
  g_assert_false (fk_client_get_fingerprint_required (client));
  g_clear_object (&fixture->client);
  fixture->client = g_steal_pointer (&client);

  /* No finger asked for: the PIN alone goes to the server, which says no. */
  fixture->scanning = 0;
  g_assert_false (login_pin (fixture, &error));
  g_assert_error (error, FK_ERROR, FK_ERROR_WRONG_PIN);
  g_assert_cmpint (fixture->scanning, ==, 0);
  g_assert_cmpint (fk_client_get_attempts_left (fixture->client), ==, FK_MAX_FAILED_PINS - 1);
}

static void
test_pin_alone_refused (Fixture       *fixture,
                        gconstpointer  data)
{
  assert_pin_alone_refused (fixture);
}

/* pin-and-fingerprint: five fingers that did not match make the finger
 * step wait (the PIN alone cannot stand in); a login resets the count. */
static void
test_five_wrong_fingers_wait (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint scanning;

  for (guint i = 0; i < 4; i++)
    {
      g_assert_false (login_pin_and_finger (fixture, PIN, "someone-else", &error));
      g_assert_error (error, FK_ERROR, FK_ERROR_FINGERPRINT_NO_MATCH);
      g_clear_error (&error);
    }
  g_assert_true (login_pin_and_finger (fixture, PIN, FINGER, &error));
  g_assert_no_error (error);
  logout (fixture);

  /* Counted afresh after the login, and not afresh after a restart. */
  for (guint i = 0; i < 4; i++)
    {
      g_assert_false (login_pin_and_finger (fixture, PIN, "someone-else", &error));
      g_assert_error (error, FK_ERROR, FK_ERROR_FINGERPRINT_NO_MATCH);
      g_clear_error (&error);
      if (i == 2)
        reload_client (fixture);
    }
  g_assert_false (login_pin_and_finger (fixture, PIN, "someone-else", &error));
  g_assert_error (error, FK_ERROR, FK_ERROR_RATE_LIMITED);
  g_assert_cmpstr (error->message, ==, "Too many fingerprints did not match. Try again in 5 minutes.");
  g_clear_error (&error);

  /* The reader is not even asked now, and the server never was; a
   * restart does not end the wait. */
  for (guint restarted = 0; restarted < 2; restarted++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      int attempts_left;

      if (restarted)
        reload_client (fixture);
      scanning = fixture->scanning;
      attempts_left = fk_client_get_attempts_left (fixture->client);
      fk_client_login_async (fixture->client, PIN, NULL, fk_test_keep_result, &result);
      g_assert_false (fk_client_login_finish (fixture->client, fk_test_wait_for (&result), &error));
      g_assert_error (error, FK_ERROR, FK_ERROR_RATE_LIMITED);
      g_clear_error (&error);
      fk_test_spin (300);
      g_assert_cmpuint (fixture->scanning, ==, scanning);
      g_assert_cmpint (fk_client_get_state (fixture->client), ==, FK_CLIENT_STATE_LOCKED);
      g_assert_cmpint (fk_client_get_attempts_left (fixture->client), ==, attempts_left);
    }
}

static char *
load_secret (Fixture      *fixture,
             FkSecretKind  kind)
{
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GError) error = NULL;
  char *secret;

  fk_secret_store_load_async (fixture->data_dir, kind, NULL, fk_test_keep_result, &loaded);
  secret = fk_secret_store_load_finish (fk_test_wait_for (&loaded), &error);
  g_assert_no_error (error);
  return secret;
}

static void
restart_server (Fixture            *fixture,
                const char * const *args)
{
  fk_test_server_stop (fixture->server);
  fk_test_server_start (fixture->server, args);
}

static const char * const pin_args[] = { "--policy", FK_POLICY_PIN, NULL };

/* pin-or-fingerprint → pin: the copy and its key go at the next login,
 * and a finger no longer logs in; back again, the officer can choose it. */
static void
test_policy_pin_drops_copy (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  char *secret;

  fk_client_set_fingerprint_wanted (fixture->client, TRUE);
  g_assert_true (login_pin (fixture, &error));
  logout (fixture);
  g_assert_true (fk_client_get_fingerprint_ready (fixture->client));

  /* A finger login brings the news: refused, and the copy is gone. */
  restart_server (fixture, pin_args);
  g_assert_false (login_finger (fixture, FINGER, &error));
  g_assert_error (error, FK_ERROR, FK_ERROR_PIN_REQUIRED);
  g_assert_cmpstr (error->message, ==, "Your organisation now allows only the PIN. Log in with your PIN.");
  g_clear_error (&error);
  g_assert_cmpint (fk_client_get_state (fixture->client), ==, FK_CLIENT_STATE_LOCKED);
  g_assert_false (fk_client_get_fingerprint_ready (fixture->client));
  g_assert_false (fk_client_get_fingerprint_allowed (fixture->client));
  g_assert_false (fk_client_get_fingerprint_wanted (fixture->client));
  secret = load_secret (fixture, FK_SECRET_FINGERPRINT);
  g_assert_null (secret);

  /* So the keyring says, after a restart too. */
  reload_client (fixture);
  g_assert_cmpstr (fk_client_get_policy (fixture->client), ==, FK_POLICY_PIN);
  g_assert_false (fk_client_get_fingerprint_ready (fixture->client));
  g_assert_true (login_pin (fixture, &error));
  g_assert_no_error (error);
  logout (fixture);

  /* pin → pin-or-fingerprint: offered again, and made at a PIN login. */
  restart_server (fixture, NULL);
  g_assert_true (login_pin (fixture, &error));
  logout (fixture);
  g_assert_true (fk_client_get_fingerprint_allowed (fixture->client));
  g_assert_false (fk_client_get_fingerprint_ready (fixture->client));
  fk_client_set_fingerprint_wanted (fixture->client, TRUE);
  g_assert_true (login_pin (fixture, &error));
  logout (fixture);
  g_assert_true (login_finger (fixture, FINGER, &error));
  g_assert_no_error (error);
}

/* K in the keyring, the finger asked for, no copy. */
static void
assert_bound (Fixture *fixture)
{
  char *secret = load_secret (fixture, FK_SECRET_FINGERPRINT);
  g_autoptr(GBytes) k = NULL;

  g_assert_nonnull (secret);
  k = fk_protocol_decode_base64 (secret);
  fk_secret_free (secret);
  g_assert_nonnull (k);
  g_assert_cmpuint (g_bytes_get_size (k), ==, 32);
  g_assert_true (fk_client_get_fingerprint_required (fixture->client));
  g_assert_false (fk_client_get_fingerprint_ready (fixture->client));
}

/* pin-or-fingerprint → pin-and-fingerprint: the PIN login that brings it
 * binds the key (the copy goes), and from then on both are needed. */
static void
test_policy_binds (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fk_client_set_fingerprint_wanted (fixture->client, TRUE);
  g_assert_true (login_pin (fixture, &error));
  logout (fixture);
  g_assert_true (fk_client_get_fingerprint_ready (fixture->client));

  restart_server (fixture, pin_and_fingerprint_args);
  g_assert_true (login_pin (fixture, &error));
  g_assert_no_error (error);
  g_assert_cmpint (fk_client_get_state (fixture->client), ==, FK_CLIENT_STATE_UNLOCKED);
  g_assert_cmpint (fixture->scanning, ==, 0);
  assert_bound (fixture);
  g_assert_false (fk_client_get_fingerprint_wanted (fixture->client));
  logout (fixture);

  reload_client (fixture);
  assert_bound (fixture);
  g_assert_cmpstr (fk_client_get_policy (fixture->client), ==, FK_POLICY_PIN_AND_FINGERPRINT);
  g_assert_true (login_pin_and_finger (fixture, PIN, FINGER, &error));
  g_assert_no_error (error);
  logout (fixture);

  /* The same key, bound: the PIN alone unwraps one the server refuses. */
  assert_pin_alone_refused (fixture);
}

/* pin-and-fingerprint → pin-or-fingerprint: the login that brings it (with
 * both, once more) unwraps under the PIN alone again, and K goes. */
static void
test_policy_unbinds (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  char *secret;

  assert_bound (fixture);
  restart_server (fixture, NULL);
  g_assert_true (login_pin_and_finger (fixture, PIN, FINGER, &error));
  g_assert_no_error (error);
  g_assert_false (fk_client_get_fingerprint_required (fixture->client));
  g_assert_true (fk_client_get_fingerprint_allowed (fixture->client));
  secret = load_secret (fixture, FK_SECRET_FINGERPRINT);
  g_assert_null (secret);
  logout (fixture);

  /* The PIN alone now, and it is the right key: the server takes it. */
  reload_client (fixture);
  g_assert_false (fk_client_get_fingerprint_required (fixture->client));
  fixture->scanning = 0;
  fk_client_set_fingerprint_wanted (fixture->client, TRUE);
  g_assert_true (login_pin (fixture, &error));
  g_assert_no_error (error);
  g_assert_cmpint (fixture->scanning, ==, 0);
  logout (fixture);
  g_assert_true (login_finger (fixture, FINGER, &error));
  g_assert_no_error (error);
}

/* A phone without a reader: fprintd is not on this process's system bus
 * (the session bus stands in, where nobody answers for it).  In a process
 * of its own, since the system bus is fixed at its first use. */
static void
use_bus_without_fprintd (void)
{
  const char *session_bus = g_getenv ("DBUS_SESSION_BUS_ADDRESS");

  g_assert_nonnull (session_bus);
  g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", session_bus, TRUE);
}

static void
assert_no_reader_refused (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (login_pin (fixture, &error));
  g_assert_error (error, FK_ERROR, FK_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==,
                   "Your organisation requires a fingerprint, but this phone has no fingerprint reader. Contact support.");
  g_assert_cmpint (fk_client_get_state (fixture->client), ==, FK_CLIENT_STATE_LOCKED);
  g_assert_cmpint (fk_client_get_attempts_left (fixture->client), ==, FK_MAX_FAILED_PINS);
}

/* Bound at enrollment, on a phone with no reader: not "use your PIN". */
static void
test_no_reader (void)
{
  Fixture fixture = { 0 };

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, 0);
      g_test_trap_assert_passed ();
      return;
    }

  use_bus_without_fprintd ();
  setup_enrolled (&fixture, pin_and_fingerprint_args);
  g_assert_true (fk_client_get_fingerprint_required (fixture.client));
  assert_no_reader_refused (&fixture);
  fixture_teardown (&fixture, NULL);
}

/* pin → pin-and-fingerprint on a phone with no reader: the key is not
 * bound (nothing could release K), the login is refused and says why. */
static void
test_no_reader_policy_change (void)
{
  Fixture fixture = { 0 };
  char *secret;

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, 0);
      g_test_trap_assert_passed ();
      return;
    }

  use_bus_without_fprintd ();
  setup_enrolled (&fixture, pin_args);
  restart_server (&fixture, pin_and_fingerprint_args);
  assert_no_reader_refused (&fixture);
  g_assert_false (fk_client_get_fingerprint_required (fixture.client));
  g_assert_cmpstr (fk_client_get_policy (fixture.client), ==, FK_POLICY_PIN_AND_FINGERPRINT);
  secret = load_secret (&fixture, FK_SECRET_FINGERPRINT);
  g_assert_null (secret);

  /* Still the PIN's key, unbound: once the policy is pin again, it logs in. */
  restart_server (&fixture, pin_args);
  g_assert_true (login_pin (&fixture, NULL));
  fixture_teardown (&fixture, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/fingerprint-login/finger-after-pin", Fixture, NULL,
              fixture_setup, test_finger_after_pin, fixture_teardown);
  g_test_add ("/fingerprint-login/five-wrong-fingers-need-pin", Fixture, NULL,
              fixture_setup, test_five_wrong_fingers_need_pin, fixture_teardown);
  g_test_add ("/fingerprint-login/server-wants-recent-pin", Fixture, NULL,
              fixture_setup, test_server_wants_recent_pin, fixture_teardown);
  g_test_add ("/fingerprint-login/pin-and-finger", Fixture, pin_and_fingerprint_args,
              fixture_setup, test_pin_and_finger, fixture_teardown);
  g_test_add ("/fingerprint-login/pin-alone-refused", Fixture, pin_and_fingerprint_args,
              fixture_setup, test_pin_alone_refused, fixture_teardown);
  g_test_add ("/fingerprint-login/five-wrong-fingers-wait", Fixture, pin_and_fingerprint_args,
              fixture_setup, test_five_wrong_fingers_wait, fixture_teardown);
  g_test_add ("/fingerprint-login/policy-pin-drops-copy", Fixture, NULL,
              fixture_setup, test_policy_pin_drops_copy, fixture_teardown);
  g_test_add ("/fingerprint-login/policy-pin-and-fingerprint-binds", Fixture, NULL,
              fixture_setup, test_policy_binds, fixture_teardown);
  g_test_add ("/fingerprint-login/policy-pin-or-fingerprint-unbinds", Fixture, pin_and_fingerprint_args,
              fixture_setup, test_policy_unbinds, fixture_teardown);
  g_test_add_func ("/fingerprint-login/no-reader", test_no_reader);
  g_test_add_func ("/fingerprint-login/no-reader-policy-change", test_no_reader_policy_change);

  return g_test_run ();
}
