/* test-end-to-end.c: the walking skeleton, for real
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The real faltkoll-server over real HTTPS on loopback, the real
 * faltkoll-cli over the real core, the real gnome-keyring of fk-test-env;
 * afterwards the server's own database is the judge.
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include <gio/gio.h>
#include <sqlite3.h>

#define OFFICER "officer-test-17"
#define PIN     "470219"

typedef struct {
  char        *root;
  char        *state_dir;
  char        *data_dir;
  GSubprocess *server;
  char        *url;
  char        *pin;
  guint        port;
} Fixture;

static char *
build_path (const char *relative)
{
  const char *root = g_getenv ("FK_BUILD_ROOT");

  g_assert_nonnull (root);
  return g_build_filename (root, relative, NULL);
}

/* A crashed test must not leave a server holding meson's pipes open. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
start_server (Fixture *fixture)
{
  g_autofree char *server = build_path ("server/faltkoll-server");
  g_autofree char *port = g_strdup_printf ("%u", fixture->port);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) lines = NULL;

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  fixture->server = g_subprocess_launcher_spawn (launcher, &error,
                                                 server, "serve", "--state-dir", fixture->state_dir,
                                                 "--address", "127.0.0.1", "--port", port, NULL);
  g_assert_no_error (error);

  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (fixture->server));
  while (fixture->url == NULL || fixture->pin == NULL)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);   /* EOF: the server died at start */
      if (g_str_has_prefix (line, "pin: "))
        fixture->pin = g_strdup (line + 5);
      else if (g_str_has_prefix (line, "url: "))
        fixture->url = g_strdup (line + 5);
    }

  if (fixture->port == 0)
    fixture->port = atoi (strrchr (fixture->url, ':') + 1);
  g_assert_cmpuint (fixture->port, >, 0);
  g_assert_cmpuint (strlen (fixture->pin), ==, 64);
}

static void
stop_server (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (fixture->server, SIGTERM);
  g_subprocess_wait (fixture->server, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&fixture->server);
  g_clear_pointer (&fixture->url, g_free);
  g_clear_pointer (&fixture->pin, g_free);
}

/* Runs a program, feeding @input; returns its exit status, output in @out. */
static int
run (const char  *input,
     char       **out,
     char       **err,
     const char  *program,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stdout_text = NULL;
  g_autofree char *stderr_text = NULL;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (char *) program);
  va_start (args, program);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input, NULL, &stdout_text, &stderr_text, &error);
  g_assert_no_error (error);

  if (out != NULL)
    *out = g_steal_pointer (&stdout_text);
  if (err != NULL)
    *err = g_steal_pointer (&stderr_text);
  else if (stderr_text != NULL && *stderr_text != '\0')
    g_test_message ("%s stderr: %s", program, stderr_text);

  if (!g_subprocess_get_if_exited (process))
    g_error ("%s was killed by signal %d", program, g_subprocess_get_term_sig (process));

  return g_subprocess_get_exit_status (process);
}

static char *
issue_code (Fixture *fixture)
{
  g_autofree char *server = build_path ("server/faltkoll-server");
  g_autofree char *out = NULL;

  g_assert_cmpint (run (NULL, &out, NULL, server, "admin", "issue-code", "--officer", OFFICER,
                        "--state-dir", fixture->state_dir, NULL), ==, 0);
  g_strstrip (out);
  g_assert_true (g_regex_match_simple ("^[0-9]{4}-[0-9]{4}-[0-9]{4}$", out, 0, 0));
  return g_steal_pointer (&out);
}

#define CLI(fixture, input, out, err, ...) \
  ({ g_autofree char *cli__ = build_path ("app/cli/faltkoll-cli"); \
     run (input, out, err, cli__, "--data-dir", (fixture)->data_dir, __VA_ARGS__, NULL); })

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->root = g_dir_make_tmp ("fk-e2e-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->state_dir = g_build_filename (fixture->root, "server", NULL);
  fixture->data_dir = g_build_filename (fixture->root, "device", NULL);
  start_server (fixture);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GFile) root = NULL;

  if (fixture->server != NULL)
    stop_server (fixture);

  /* GLib has no recursive delete. */
  g_assert_cmpint (run (NULL, NULL, NULL, "rm", "-rf", fixture->root, NULL), ==, 0);
  g_free (fixture->root);
  g_free (fixture->state_dir);
  g_free (fixture->data_dir);
}

static void
enroll_and_login (Fixture *fixture)
{
  g_autofree char *code = issue_code (fixture);
  g_autofree char *out = NULL;

  g_assert_cmpint (CLI (fixture, PIN "\n" PIN "\n", &out, NULL,
                        "enroll", "--server", fixture->url, "--server-pin", fixture->pin, "--code", code), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (CLI (fixture, PIN "\n", &out, NULL, "login"), ==, 0);
}

static gint64
server_count (Fixture    *fixture,
              const char *uuid)
{
  g_autofree char *path = g_build_filename (fixture->state_dir, "faltkoll-server.db", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 count = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM records WHERE uuid = ?1 AND kind = 'hotel-tip'",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  count = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return count;
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
  stop_server (fixture);

  /* Saved all the same, and said plainly that it waits. */
  uuid = add_tip (fixture, &err);
  g_assert_nonnull (strstr (err, "could not be reached"));
  g_assert_cmpint (CLI (fixture, NULL, &status, NULL, "status"), ==, 0);
  g_assert_nonnull (strstr (status, "pending: 1\n"));

  start_server (fixture);
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
  g_autofree char *wrong = g_strdup (fixture->pin);

  wrong[0] = wrong[0] == '0' ? '1' : '0';
  g_assert_cmpint (CLI (fixture, PIN "\n" PIN "\n", NULL, &err,
                        "enroll", "--server", fixture->url, "--server-pin", wrong, "--code", code), ==, 1);
  g_assert_nonnull (strstr (err, "did not identify itself"));
}

static void
test_code_used_once (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *code = issue_code (fixture);
  g_autofree char *other_device = g_build_filename (fixture->root, "device-2", NULL);
  g_autofree char *cli = build_path ("app/cli/faltkoll-cli");
  g_autofree char *err = NULL;

  g_assert_cmpint (CLI (fixture, PIN "\n" PIN "\n", NULL, NULL,
                        "enroll", "--server", fixture->url, "--server-pin", fixture->pin, "--code", code), ==, 0);
  g_assert_cmpint (run (PIN "\n" PIN "\n", NULL, &err, cli, "--data-dir", other_device,
                        "enroll", "--server", fixture->url, "--server-pin", fixture->pin, "--code", code, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "already been used"));
}

static void
test_weak_pin_refused (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *code = issue_code (fixture);
  g_autofree char *err = NULL;

  g_assert_cmpint (CLI (fixture, "123456\n123456\n", NULL, &err,
                        "enroll", "--server", fixture->url, "--server-pin", fixture->pin, "--code", code), ==, 1);
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
  ADD ("/e2e/no-session-no-tip", test_no_session_no_tip);
  ADD ("/e2e/invalid-tip-refused", test_invalid_tip_refused);
  ADD ("/e2e/wrong-server-pin-refused", test_wrong_server_pin_refused);
  ADD ("/e2e/code-used-once", test_code_used_once);
  ADD ("/e2e/weak-pin-refused", test_weak_pin_refused);
#undef ADD

  return g_test_run ();
}
