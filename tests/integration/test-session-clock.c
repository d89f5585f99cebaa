/* test-session-clock.c: the session's length across suspend and wall-clock
 * changes, in a real client process against the real server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under fk-logind-env (python3-dbusmock's logind on a private system
 * bus).  Suspend is played as logind and the kernel play it for a process:
 * PrepareForSleep(true), the process frozen (SIGSTOP) while the boot-time
 * clock runs on, PrepareForSleep(false), thawed.  The wall clock is moved
 * with Debian's libfaketime, for the client process only: its CLOCK_BOOTTIME
 * stays real (FAKETIME_DONT_FAKE_MONOTONIC), as on a device whose user or
 * NTP sets the time.
 */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "fk-test-secrets.h"
#include "fk-test-server.h"

#define OFFICER "officer-clock-7"
#define PIN     "604518"

/* Long enough for a login, a few commands and a freeze; short enough to
 * wait out. */
#define SESSION_SECONDS 8

typedef struct {
  char         *root;
  char         *data_dir;
  FkTestServer *server;
} Fixture;

typedef struct {
  GSubprocess      *process;
  GDataInputStream *lines;
  GOutputStream    *input;
} Holder;

static void
spin (guint milliseconds)
{
  gint64 until = g_get_monotonic_time () + milliseconds * 1000;

  while (g_get_monotonic_time () < until)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }
}

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static char *
find_libfaketime (void)
{
  g_autoptr(GDir) lib = g_dir_open ("/usr/lib", 0, NULL);
  const char *name;

  g_assert_nonnull (lib);
  while ((name = g_dir_read_name (lib)) != NULL)
    {
      /* The MT build: the client runs curl and SQLite on worker threads. */
      g_autofree char *path = g_build_filename ("/usr/lib", name, "faketime", "libfaketimeMT.so.1", NULL);

      if (g_file_test (path, G_FILE_TEST_EXISTS))
        return g_steal_pointer (&path);
    }

  g_error ("libfaketime is missing; apt-get install faketime");
}

/* libfaketime goes first in the preload list; an ASan build (CI's
 * build-asan) refuses that unless told it is fine. */
static char *
asan_options (void)
{
  const char *options = g_getenv ("ASAN_OPTIONS");

  return g_strconcat ("ASAN_OPTIONS=", options ? options : "", options ? ":" : "",
                      "verify_asan_link_order=0", NULL);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  const char * const server_args[] = { "--session-seconds", G_STRINGIFY (SESSION_SECONDS), NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *state_dir = NULL;
  g_autofree char *cli = fk_test_build_path ("app/cli/faltkoll-cli");
  g_autofree char *code = NULL;

  fixture->root = g_dir_make_tmp ("fk-clock-XXXXXX", &error);
  g_assert_no_error (error);
  state_dir = g_build_filename (fixture->root, "server", NULL);
  fixture->data_dir = g_build_filename (fixture->root, "device", NULL);
  fixture->server = fk_test_server_new (state_dir);
  fk_test_server_start (fixture->server, server_args);

  code = fk_test_server_issue_code (fixture->server, OFFICER);
  g_assert_cmpint (fk_test_run (PIN "\n" PIN "\n", NULL, NULL, cli, "--data-dir", fixture->data_dir,
                                "enroll", "--server", fixture->server->url,
                                "--server-pin", fixture->server->pin, "--code", code, NULL), ==, 0);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_pointer (&fixture->server, fk_test_server_free);
  g_assert_cmpint (fk_test_run (NULL, NULL, NULL, "rm", "-rf", fixture->root, NULL), ==, 0);
  g_free (fixture->root);
  g_free (fixture->data_dir);
}

/* @env: NULL-terminated NAME=VALUE pairs for the holder only. */
static Holder *
holder_start (Fixture            *fixture,
              const char * const *env)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autofree char *program = fk_test_build_path ("tests/integration/fk-session-holder");
  g_autoptr(GError) error = NULL;
  Holder *holder = g_new0 (Holder, 1);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    {
      g_auto(GStrv) pair = g_strsplit (env[i], "=", 2);

      g_subprocess_launcher_setenv (launcher, pair[0], pair[1], TRUE);
    }

  holder->process = g_subprocess_launcher_spawn (launcher, &error, program, fixture->data_dir, NULL);
  g_assert_no_error (error);
  holder->input = g_object_ref (g_subprocess_get_stdin_pipe (holder->process));
  holder->lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (holder->process));
  return holder;
}

static void
holder_free (Holder *holder)
{
  g_subprocess_force_exit (holder->process);
  g_subprocess_wait (holder->process, NULL, NULL);
  g_object_unref (holder->process);
  g_object_unref (holder->lines);
  g_object_unref (holder->input);
  g_free (holder);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Holder, holder_free)

static void
holder_send (Holder     *holder,
             const char *line)
{
  g_autofree char *text = g_strconcat (line, "\n", NULL);
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (holder->input, text, strlen (text), NULL, NULL, &error);
  g_assert_no_error (error);
}

typedef struct {
  gboolean  done;
  char     *line;
} LineRead;

static void
on_line_read (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  LineRead *read = user_data;

  read->line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object), result, NULL, NULL);
  read->done = TRUE;
}

/* The holder's next line, or NULL after @milliseconds or at its end. */
static char *
holder_read_line (Holder *holder,
                  guint   milliseconds)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  gint64 deadline = g_get_monotonic_time () + milliseconds * 1000;
  LineRead read = { 0 };

  g_data_input_stream_read_line_async (holder->lines, G_PRIORITY_DEFAULT, cancellable, on_line_read, &read);
  while (!read.done)
    {
      if (g_get_monotonic_time () >= deadline)
        g_cancellable_cancel (cancellable);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }

  return read.line;
}

static void
holder_expect (Holder     *holder,
               const char *expected,
               guint       milliseconds)
{
  g_autofree char *line = holder_read_line (holder, milliseconds);

  g_assert_cmpstr (line, ==, expected);
}

static gint64
holder_ask (Holder     *holder,
            const char *question)
{
  g_autofree char *prefix = g_strconcat (question, ": ", NULL);
  g_autofree char *line = NULL;

  holder_send (holder, question);
  line = holder_read_line (holder, 5000);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, prefix));
  return g_ascii_strtoll (line + strlen (prefix), NULL, 10);
}

static void
holder_expect_end (Holder *holder)
{
  g_autoptr(GError) error = NULL;

  holder_expect (holder, "closed", 5000);
  g_subprocess_wait_check (holder->process, NULL, &error);
  g_assert_no_error (error);
}

static void
prepare_for_sleep (gboolean start)
{
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  GVariantBuilder args;

  bus = g_bus_get_sync (G_BUS_TYPE_SYSTEM, NULL, &error);
  g_assert_no_error (error);
  g_variant_builder_init (&args, G_VARIANT_TYPE ("av"));
  g_variant_builder_add (&args, "v", g_variant_new_boolean (start));
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.login1", "/org/freedesktop/login1",
                                       "org.freedesktop.DBus.Mock", "EmitSignal",
                                       g_variant_new ("(sssav)", "org.freedesktop.login1.Manager",
                                                      "PrepareForSleep", "b", &args),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
  g_assert_no_error (error);
}

static void
wait_for_session_secret (Fixture *fixture)
{
  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *secret = fk_test_keyring_lookup (fixture->data_dir, "session");

      if (secret != NULL)
        return;
      spin (50);
    }

  g_error ("the session never reached the keyring");
}

static void
test_suspend (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(Holder) holder = holder_start (fixture, NULL);
  g_autofree char *session = NULL;
  g_autofree char *token = NULL;
  gint64 logged_in, resumed;
  pid_t pid;

  holder_send (holder, PIN);
  holder_expect (holder, "unlocked", 15000);
  logged_in = g_get_monotonic_time ();
  g_assert_cmpint (holder_ask (holder, "remaining"), <=, SESSION_SECONDS);
  wait_for_session_secret (fixture);

  prepare_for_sleep (TRUE);
  spin (200);
  pid = atoi (g_subprocess_get_identifier (holder->process));
  g_assert_cmpint (kill (pid, SIGSTOP), ==, 0);

  /* Asleep past the end of the session. */
  g_usleep (MAX (logged_in + (SESSION_SECONDS + 2) * G_USEC_PER_SEC - g_get_monotonic_time (), 0));

  prepare_for_sleep (FALSE);
  resumed = g_get_monotonic_time ();
  g_assert_cmpint (kill (pid, SIGCONT), ==, 0);

  /* Seconds, not the hours a wrong clock would give: room for a loaded
   * machine to pass the word through a pipe. */
  holder_expect (holder, "locked", 3000);
  g_assert_cmpint (g_get_monotonic_time () - resumed, <, 2 * G_USEC_PER_SEC);
  holder_expect_end (holder);

  session = fk_test_keyring_lookup (fixture->data_dir, "session");
  g_assert_null (session);
  /* The lookup itself works: the enrollment is still there. */
  token = fk_test_keyring_lookup (fixture->data_dir, "token");
  g_assert_nonnull (token);
}

/* The holder's wall clock, moved by libfaketime from @timestamp_file. */
static Holder *
holder_start_faked (Fixture    *fixture,
                    const char *timestamp_file)
{
  g_autofree char *libfaketime = find_libfaketime ();
  g_autofree char *preload = g_strconcat ("LD_PRELOAD=", libfaketime, NULL);
  g_autofree char *file = g_strconcat ("FAKETIME_TIMESTAMP_FILE=", timestamp_file, NULL);
  g_autofree char *asan = asan_options ();
  const char * const env[] = {
    preload, file, "FAKETIME_NO_CACHE=1", "FAKETIME_DONT_FAKE_MONOTONIC=1", asan, NULL
  };

  return holder_start (fixture, env);
}

static void
set_fake_offset (const char *timestamp_file,
                 const char *offset)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_strconcat (offset, "\n", NULL);

  g_file_set_contents (timestamp_file, line, -1, &error);
  g_assert_no_error (error);
}

static void
assert_offset_near (Holder *holder,
                    gint64  offset_seconds)
{
  gint64 now = holder_ask (holder, "now");

  g_assert_cmpint (ABS (now - g_get_real_time () / G_USEC_PER_SEC - offset_seconds), <=, 5);
}

/* The wall clock jumps ten hours each way during the session: the session
 * neither gains nor loses a second, and ends when the server said. */
static void
test_wall_clock_jumps (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *timestamp_file = g_build_filename (fixture->root, "faketime", NULL);
  g_autoptr(Holder) holder = NULL;
  g_autofree char *session = NULL;
  gint64 logged_in, remaining, ended;

  set_fake_offset (timestamp_file, "+0");
  holder = holder_start_faked (fixture, timestamp_file);
  holder_send (holder, PIN);
  holder_expect (holder, "unlocked", 15000);
  logged_in = g_get_monotonic_time ();
  assert_offset_near (holder, 0);

  set_fake_offset (timestamp_file, "+10h");
  assert_offset_near (holder, 10 * 3600);
  remaining = holder_ask (holder, "remaining");
  g_assert_cmpint (remaining, <=, SESSION_SECONDS);
  g_assert_cmpint (remaining, >=, SESSION_SECONDS - 3);

  set_fake_offset (timestamp_file, "-10h");
  assert_offset_near (holder, -10 * 3600);
  g_assert_cmpint (holder_ask (holder, "remaining"), <=, remaining);
  g_assert_cmpint (holder_ask (holder, "remaining"), >=, SESSION_SECONDS - 4);

  holder_expect (holder, "locked", (SESSION_SECONDS + 5) * 1000);
  ended = g_get_monotonic_time ();
  g_assert_cmpint (ended - logged_in, >=, (SESSION_SECONDS - 1) * G_USEC_PER_SEC);
  g_assert_cmpint (ended - logged_in, <=, (SESSION_SECONDS + 2) * G_USEC_PER_SEC);
  holder_expect_end (holder);
  session = fk_test_keyring_lookup (fixture->data_dir, "session");
  g_assert_null (session);
}

static gint64
cli_session_remaining (Fixture    *fixture,
                       const char *fake_offset)
{
  g_autofree char *cli = fk_test_build_path ("app/cli/faltkoll-cli");
  g_autofree char *libfaketime = find_libfaketime ();
  g_autofree char *preload = g_strconcat ("LD_PRELOAD=", libfaketime, NULL);
  g_autofree char *faketime = g_strconcat ("FAKETIME=", fake_offset, NULL);
  g_autofree char *asan = asan_options ();
  g_autofree char *out = NULL;
  const char *line;

  g_assert_cmpint (fk_test_run (NULL, &out, NULL, "env", preload, faketime, "FAKETIME_DONT_FAKE_MONOTONIC=1", asan,
                                cli, "--data-dir", fixture->data_dir, "status", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "state: unlocked\n"));
  line = strstr (out, "session-remaining: ");
  g_assert_nonnull (line);
  return g_ascii_strtoll (line + strlen ("session-remaining: "), NULL, 10);
}

static void
cli_login (Fixture    *fixture,
           const char *fake_offset)
{
  g_autofree char *cli = fk_test_build_path ("app/cli/faltkoll-cli");
  g_autofree char *libfaketime = find_libfaketime ();
  g_autofree char *preload = g_strconcat ("LD_PRELOAD=", libfaketime, NULL);
  g_autofree char *faketime = g_strconcat ("FAKETIME=", fake_offset, NULL);
  g_autofree char *asan = asan_options ();

  g_assert_cmpint (fk_test_run (PIN "\n", NULL, NULL, "env", preload, faketime, "FAKETIME_DONT_FAKE_MONOTONIC=1", asan,
                                cli, "--data-dir", fixture->data_dir, "login", NULL), ==, 0);
}

/* Logged in with the clock hours ahead, looked at with it hours behind
 * (and the other way round): the same time left either way. */
static void
test_wall_clock_skew_across_restarts (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autofree char *cli = fk_test_build_path ("app/cli/faltkoll-cli");
  const char * const offsets[][2] = { { "+5h", "-5h" }, { "-5h", "+5h" } };

  for (guint i = 0; i < G_N_ELEMENTS (offsets); i++)
    {
      gint64 first, second;

      cli_login (fixture, offsets[i][0]);
      first = cli_session_remaining (fixture, offsets[i][0]);
      second = cli_session_remaining (fixture, offsets[i][1]);
      g_assert_cmpint (first, <=, SESSION_SECONDS);
      g_assert_cmpint (first, >=, SESSION_SECONDS - 3);
      g_assert_cmpint (second, <=, first);
      g_assert_cmpint (second, >=, first - 2);
      g_assert_cmpint (fk_test_run (NULL, NULL, NULL, cli, "--data-dir", fixture->data_dir, "logout", NULL), ==, 0);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_assert_nonnull (g_getenv ("DBUS_SYSTEM_BUS_ADDRESS"));

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/session-clock/suspend", test_suspend);
  ADD ("/session-clock/wall-clock-jumps", test_wall_clock_jumps);
  ADD ("/session-clock/wall-clock-skew-across-restarts", test_wall_clock_skew_across_restarts);
#undef ADD

  return g_test_run ();
}
