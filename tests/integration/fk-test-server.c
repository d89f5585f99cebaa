/* fk-test-server.c: the real reference server, started and judged by tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include <gio/gunixsocketaddress.h>
#include <sqlite3.h>

#include "fk-test-server.h"

char *
fk_test_build_path (const char *relative)
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

FkTestServer *
fk_test_server_new (const char *state_dir)
{
  FkTestServer *server = g_new0 (FkTestServer, 1);

  server->state_dir = g_strdup (state_dir);
  return server;
}

void
fk_test_server_start (FkTestServer        *server,
                      const char * const  *extra_args)
{
  g_autofree char *program = fk_test_build_path ("server/faltkoll-server");
  g_autofree char *port = g_strdup_printf ("%u", server->port);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) lines = NULL;

  g_assert_null (server->process);
  g_ptr_array_add (argv, program);
  g_ptr_array_add (argv, (char *) "serve");
  g_ptr_array_add (argv, (char *) "--state-dir");
  g_ptr_array_add (argv, server->state_dir);
  g_ptr_array_add (argv, (char *) "--address");
  g_ptr_array_add (argv, (char *) "127.0.0.1");
  g_ptr_array_add (argv, (char *) "--port");
  g_ptr_array_add (argv, port);
  for (guint i = 0; extra_args != NULL && extra_args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) extra_args[i]);
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  if (server->log_path != NULL)
    {
      g_subprocess_launcher_set_stderr_file_path (launcher, server->log_path);
      g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "all", TRUE);
    }
  server->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  while (server->url == NULL || server->pin == NULL)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);   /* EOF: the server died at start */
      if (g_str_has_prefix (line, "pin: "))
        server->pin = g_strdup (line + 5);
      else if (g_str_has_prefix (line, "url: "))
        server->url = g_strdup (line + 5);
    }

  if (server->port == 0)
    server->port = atoi (strrchr (server->url, ':') + 1);
  g_assert_cmpuint (server->port, >, 0);
  g_assert_cmpuint (strlen (server->pin), ==, 64);
}

void
fk_test_server_stop (FkTestServer *server)
{
  g_autoptr(GError) error = NULL;

  if (server->process == NULL)
    return;

  g_subprocess_send_signal (server->process, SIGTERM);
  g_subprocess_wait (server->process, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&server->process);
  g_clear_pointer (&server->url, g_free);
  g_clear_pointer (&server->pin, g_free);
}

void
fk_test_server_free (FkTestServer *server)
{
  fk_test_server_stop (server);
  g_free (server->state_dir);
  g_free (server->log_path);
  g_free (server);
}

int
fk_test_run (const char  *input,
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

char *
fk_test_server_issue_code (FkTestServer *server,
                           const char   *officer)
{
  g_autofree char *program = fk_test_build_path ("server/faltkoll-server");
  g_autofree char *out = NULL;

  g_assert_cmpint (fk_test_run (NULL, &out, NULL, program, "admin", "issue-code", "--officer", officer,
                                "--state-dir", server->state_dir, NULL), ==, 0);
  g_strstrip (out);
  g_assert_true (g_regex_match_simple ("^[0-9]{4}-[0-9]{4}-[0-9]{4}$", out, 0, 0));
  return g_steal_pointer (&out);
}

gint64
fk_test_server_count_records (FkTestServer *server,
                              const char   *uuid)
{
  g_autofree char *path = g_build_filename (server->state_dir, "faltkoll-server.db", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 count;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       uuid ? "SELECT count(*) FROM records WHERE uuid = ?1"
                                            : "SELECT count(*) FROM records",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  if (uuid != NULL)
    sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  count = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return count;
}

void
fk_test_server_assert_db_intact (FkTestServer *server)
{
  g_autofree char *path = g_build_filename (server->state_dir, "faltkoll-server.db", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  /* Read-write, as the next server would open it: a leftover WAL is
   * recovered here rather than ignored. */
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);

  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "ok");
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);

  /* Any row here is a broken reference. */
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA foreign_key_check", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);

  sqlite3_close (db);
}

/* A call that has not answered by then never will: fail, do not hang. */
#define WAIT_TIMEOUT_SECONDS 60

void
fk_test_keep_result (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GAsyncResult **out = user_data;

  /* A second result would mean the call completed twice. */
  g_assert_null (*out);
  *out = g_object_ref (result);
}

static gboolean
on_wait_timeout (gpointer user_data)
{
  g_error ("Timed out waiting for an async call");
  return G_SOURCE_REMOVE;
}

GAsyncResult *
fk_test_wait_for (GAsyncResult **result)
{
  guint timeout_id = g_timeout_add_seconds (WAIT_TIMEOUT_SECONDS, on_wait_timeout, NULL);

  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout_id);

  /* The caller's g_autoptr keeps the reference. */
  return *result;
}

void
fk_test_spin (guint milliseconds)
{
  gint64 until = g_get_monotonic_time () + milliseconds * 1000;

  while (g_get_monotonic_time () < until)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }
}

void
fk_test_scan_finger (const char *socket_path,
                     const char *finger)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketAddress) address = g_unix_socket_address_new (socket_path);
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *command = g_strdup_printf ("SCAN %s", finger);

  connection = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (address), NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                             command, strlen (command), NULL, NULL, &error);
  g_assert_no_error (error);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  /* The reader takes the next command only after a pause. */
  fk_test_spin (100);
}
