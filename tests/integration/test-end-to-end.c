/* test-end-to-end.c: the walking skeleton, for real
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The real faltkoll-server over real HTTPS on loopback, the real
 * faltkoll-cli over the real core, the real gnome-keyring of fk-test-env;
 * afterwards the server's own database is the judge.
 */
#include "config.h"

#include <string.h>

#include "fk-test-server.h"

#define OFFICER "officer-test-17"
#define PIN     "470219"

typedef struct {
  char         *root;
  char         *data_dir;
  FkTestServer *server;
} Fixture;

static char *
issue_code (Fixture *fixture)
{
  return fk_test_server_issue_code (fixture->server, OFFICER);
}

#define CLI(fixture, input, out, err, ...) \
  ({ g_autofree char *cli__ = fk_test_build_path ("app/cli/faltkoll-cli"); \
     fk_test_run (input, out, err, cli__, "--data-dir", (fixture)->data_dir, __VA_ARGS__, NULL); })

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_autofree char *state_dir = NULL;

  fixture->root = g_dir_make_tmp ("fk-e2e-XXXXXX", &error);
  g_assert_no_error (error);
  state_dir = g_build_filename (fixture->root, "server", NULL);
  fixture->data_dir = g_build_filename (fixture->root, "device", NULL);
  fixture->server = fk_test_server_new (state_dir);
  fk_test_server_start (fixture->server, NULL);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_pointer (&fixture->server, fk_test_server_free);
  /* GLib has no recursive delete. */
  g_assert_cmpint (fk_test_run (NULL, NULL, NULL, "rm", "-rf", fixture->root, NULL), ==, 0);
  g_free (fixture->root);
  g_free (fixture->data_dir);
}

static void
enroll_and_login (Fixture *fixture)
{
  g_autofree char *code = issue_code (fixture);
  g_autofree char *out = NULL;

  g_assert_cmpint (CLI (fixture, PIN "\n" PIN "\n", &out, NULL,
                        "enroll", "--server", fixture->server->url, "--server-pin", fixture->server->pin, "--code", code), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (CLI (fixture, PIN "\n", &out, NULL, "login"), ==, 0);
}

static gint64
server_count (Fixture    *fixture,
              const char *uuid)
{
  return fk_test_server_count_records (fixture->server, uuid);
}

static const char tip_json[] =
  "{\"hotel_name\": \"Hotell Testgården\", \"hotel_address\": \"Påhittade gatan 1\","
  " \"municipality\": \"Exempelby\", \"contact_person\": \"Receptionist Test\","
  " \"contact_phone\": \"+46 70 000 00 00\", \"received_at\": \"2026-11-24T08:30:00Z\","
  " \"room\": \"214\", \"description\": \"Många korta besök till samma rum under kvällen.\","
  " \"indicators\": [\"many-visitors\", \"short-visits\"], \"vehicles\": [\"ABC 123\"],"
  " \"urgent\": false}";

static char *
add_tip (Fixture *fixture,
         char   **err)
{
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_cmpint (CLI (fixture, tip_json, &out, err, "tip", "add"), ==, 0);
  lines = g_strsplit (out, "\n", -1);
  g_assert_true (g_uuid_string_is_valid (lines[0]));
  g_assert_cmpstr (lines[1], ==, "Saved");
  return g_strdup (lines[0]);
}

static void
test_tip_reaches_server_once (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autofree char *uuid = NULL;
  g_autofree char *status = NULL;
  g_autofree char *line = NULL;
  g_autofree char *out = NULL;

  enroll_and_login (fixture);
  uuid = add_tip (fixture, NULL);

  g_assert_cmpint (server_count (fixture, uuid), ==, 1);
  g_assert_cmpint (CLI (fixture, NULL, &status, NULL, "status"), ==, 0);
  line = g_strdup_printf ("tip: %s sent\n", uuid);
  g_assert_nonnull (strstr (status, "state: unlocked\n"));
  g_assert_nonnull (strstr (status, "pending: 0\n"));
  g_assert_nonnull (strstr (status, line));

  /* A second sync sends nothing new and duplicates nothing. */
  g_assert_cmpint (CLI (fixture, NULL, &out, NULL, "sync"), ==, 0);
  g_assert_cmpint (server_count (fixture, uuid), ==, 1);
}

static void
test_offline_then_synced (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *uuid = NULL;
  g_autofree char *err = NULL;
  g_autofree char *status = NULL;
  g_autofree char *out = NULL;

  enroll_and_login (fixture);
  fk_test_server_stop (fixture->server);

  /* Saved all the same, and said plainly that it waits. */
  uuid = add_tip (fixture, &err);
  g_assert_nonnull (strstr (err, "could not be reached"));
  g_assert_cmpint (CLI (fixture, NULL, &status, NULL, "status"), ==, 0);
  g_assert_nonnull (strstr (status, "pending: 1\n"));

  fk_test_server_start (fixture->server, NULL);
  g_assert_cmpint (CLI (fixture, NULL, &out, NULL, "sync"), ==, 0);
  g_assert_cmpint (server_count (fixture, uuid), ==, 1);
  g_clear_pointer (&status, g_free);
  g_assert_cmpint (CLI (fixture, NULL, &status, NULL, "status"), ==, 0);
  g_assert_nonnull (strstr (status, "pending: 0\n"));
}

static void
test_wrong_pin_counts_down (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;
  g_autofree char *status = NULL;

  enroll_and_login (fixture);
  g_assert_cmpint (CLI (fixture, NULL, &out, NULL, "logout"), ==, 0);

  g_assert_cmpint (CLI (fixture, "470218\n", NULL, &err, "login"), ==, 1);
  g_assert_nonnull (strstr (err, "Wrong PIN. 4 attempts left."));
  g_assert_null (strstr (err, "470218"));

  g_assert_cmpint (CLI (fixture, NULL, &status, NULL, "status"), ==, 0);
  g_assert_nonnull (strstr (status, "state: locked\n"));
}

/* Nothing is saved at a login, so it does not say the work will be sent. */
static void
test_login_offline (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;

  enroll_and_login (fixture);
  g_assert_cmpint (CLI (fixture, NULL, &out, NULL, "logout"), ==, 0);
  fk_test_server_stop (fixture->server);

  g_assert_cmpint (CLI (fixture, PIN "\n", NULL, &err, "login"), ==, 1);
  g_assert_cmpstr (err, ==, "The server could not be reached. Check the network connection and try again.\n");
}

static void
test_no_session_no_tip (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;

  enroll_and_login (fixture);
  g_assert_cmpint (CLI (fixture, NULL, &out, NULL, "logout"), ==, 0);

  /* The CLI has no way around the session. */
  g_assert_cmpint (CLI (fixture, tip_json, NULL, &err, "tip", "add"), ==, 1);
  g_assert_nonnull (strstr (err, "Log in again"));
}

static void
test_invalid_tip_refused (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autofree char *err = NULL;
  g_autofree char *status = NULL;

  enroll_and_login (fixture);
  g_assert_cmpint (CLI (fixture, "{\"municipality\": \"Exempelby\", \"received_at\": \"2026-11-24T08:30:00Z\","
                                 " \"description\": \"Ett tips utan hotellets namn.\"}",
                        NULL, &err, "tip", "add"), ==, 1);
  g_assert_nonnull (strstr (err, "Enter the hotel's name."));

  g_assert_cmpint (CLI (fixture, NULL, &status, NULL, "status"), ==, 0);
  g_assert_null (strstr (status, "tip: "));
}

static void
test_wrong_server_pin_refused (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autofree char *code = issue_code (fixture);
  g_autofree char *err = NULL;
  g_autofree char *wrong = g_strdup (fixture->server->pin);

  wrong[0] = wrong[0] == '0' ? '1' : '0';
  g_assert_cmpint (CLI (fixture, PIN "\n" PIN "\n", NULL, &err,
                        "enroll", "--server", fixture->server->url, "--server-pin", wrong, "--code", code), ==, 1);
  g_assert_nonnull (strstr (err, "did not identify itself"));
}

static void
test_code_used_once (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *code = issue_code (fixture);
  g_autofree char *other_device = g_build_filename (fixture->root, "device-2", NULL);
  g_autofree char *cli = fk_test_build_path ("app/cli/faltkoll-cli");
  g_autofree char *err = NULL;

  g_assert_cmpint (CLI (fixture, PIN "\n" PIN "\n", NULL, NULL,
                        "enroll", "--server", fixture->server->url, "--server-pin", fixture->server->pin, "--code", code), ==, 0);
  g_assert_cmpint (fk_test_run (PIN "\n" PIN "\n", NULL, &err, cli, "--data-dir", other_device,
                        "enroll", "--server", fixture->server->url, "--server-pin", fixture->server->pin, "--code", code, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "already been used"));
}

static void
test_weak_pin_refused (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *code = issue_code (fixture);
  g_autofree char *err = NULL;

  g_assert_cmpint (CLI (fixture, "123456\n123456\n", NULL, &err,
                        "enroll", "--server", fixture->server->url, "--server-pin", fixture->server->pin, "--code", code), ==, 1);
  g_assert_nonnull (strstr (err, "too easy to guess"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/e2e/tip-reaches-server-once", test_tip_reaches_server_once);
  ADD ("/e2e/offline-then-synced", test_offline_then_synced);
  ADD ("/e2e/wrong-pin-counts-down", test_wrong_pin_counts_down);
  ADD ("/e2e/login-offline", test_login_offline);
  ADD ("/e2e/no-session-no-tip", test_no_session_no_tip);
  ADD ("/e2e/invalid-tip-refused", test_invalid_tip_refused);
  ADD ("/e2e/wrong-server-pin-refused", test_wrong_server_pin_refused);
  ADD ("/e2e/code-used-once", test_code_used_once);
  ADD ("/e2e/weak-pin-refused", test_weak_pin_refused);
#undef ADD

  return g_test_run ();
}
