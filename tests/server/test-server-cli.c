/* test-server-cli.c: the faltkoll-server executable, as ./dev and admins run it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include <curl/curl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "fk-protocol.h"

typedef struct {
  char *root;
  char *state_dir;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->root = g_dir_make_tmp ("fk-server-cli-XXXXXX", &error);
  g_assert_no_error (error);
  /* Not made yet: the server must create it, 0700. */
  f->state_dir = g_build_filename (f->root, "state", NULL);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  remove_tree (f->root);
  g_free (f->root);
  g_free (f->state_dir);
}

static GSubprocess *
spawn (GSubprocessLauncher  *launcher,
       const char          **args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *build_root = g_getenv ("FK_BUILD_ROOT");
  g_autofree char *exe = NULL;
  GSubprocess *process;

  g_assert_nonnull (build_root);
  exe = g_build_filename (build_root, "server", "faltkoll-server", NULL);
  g_ptr_array_add (argv, exe);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  return process;
}

/* Runs faltkoll-server to its end; returns its exit status. */
static int
run_with (GSubprocessLauncher  *launcher,
          const char          **args,
          char                **stdout_out,
          char                **stderr_out)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  g_subprocess_launcher_set_flags (launcher, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  process = spawn (launcher, args);
  g_subprocess_communicate_utf8 (process, NULL, NULL, stdout_out, stderr_out, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));

  return g_subprocess_get_exit_status (process);
}

static int
run (const char **args,
     char       **stdout_out,
     char       **stderr_out)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);

  g_subprocess_launcher_unsetenv (launcher, "STATE_DIRECTORY");

  return run_with (launcher, args, stdout_out, stderr_out);
}

static void
assert_mode (const char *path,
             guint       mode)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, mode);
}

static void
test_version (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *usage = NULL;

  g_assert_cmpint (run ((const char *[]) { "--version", NULL }, &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "faltkoll-server " PACKAGE_VERSION "\n");

  g_assert_cmpint (run ((const char *[]) { "frobnicate", NULL }, NULL, &usage), !=, 0);
  g_assert_nonnull (strstr (usage, "faltkoll-server serve"));
}

static void
test_admin (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *pin = NULL;
  g_autofree char *pin_again = NULL;
  g_autofree char *code = NULL;
  g_autofree char *err = NULL;
  g_autofree char *err2 = NULL;
  g_autofree char *err3 = NULL;
  g_autofree char *server_key = g_build_filename (f->state_dir, "server-key.pem", NULL);
  g_autofree char *ca_key = g_build_filename (f->state_dir, "ca-key.pem", NULL);

  g_assert_cmpint (run ((const char *[]) { "admin", "pin", "--state-dir", f->state_dir, NULL },
                        &pin, NULL), ==, 0);
  g_strchomp (pin);
  g_assert_true (fk_protocol_is_valid_pin (pin));
  assert_mode (f->state_dir, 0700);
  assert_mode (server_key, 0600);
  assert_mode (ca_key, 0600);

  /* The certificate is made once; the pin stays. */
  g_assert_cmpint (run ((const char *[]) { "admin", "pin", "--state-dir", f->state_dir, NULL },
                        &pin_again, NULL), ==, 0);
  g_assert_cmpstr (pin, ==, g_strchomp (pin_again));

  g_assert_cmpint (run ((const char *[]) { "admin", "issue-code", "--officer", "officer-7",
                                           "--state-dir", f->state_dir, NULL }, &code, NULL), ==, 0);
  g_assert_true (g_regex_match_simple ("^[0-9]{4}-[0-9]{4}-[0-9]{4}\n$", code, 0, 0));

  g_assert_cmpint (run ((const char *[]) { "admin", "issue-code", "--state-dir", f->state_dir, NULL },
                        NULL, &err), !=, 0);
  g_assert_nonnull (strstr (err, "--officer"));

  g_assert_cmpint (run ((const char *[]) { "admin", "issue-code", "--officer", "not valid!",
                                           "--state-dir", f->state_dir, NULL }, NULL, &err2), !=, 0);

  g_assert_cmpint (run ((const char *[]) { "admin", "revoke", "--device", "no-such-device",
                                           "--state-dir", f->state_dir, NULL }, NULL, &err3), !=, 0);
  g_assert_nonnull (strstr (err3, "no such device"));
}

static void
test_add_template (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *file = g_build_filename (f->root, "national-v2.json", NULL);
  g_autofree char *broken = g_build_filename (f->root, "broken.json", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *err2 = NULL;
  g_autofree char *err3 = NULL;
  g_autofree char *usage = NULL;
  const char *template_ =
    "{\"id\": \"national-safe-events\", \"version\": 2, \"region\": null,"
    " \"title\": \"Trygga och säkra evenemang\","
    " \"items\": [{\"id\": \"before-organizer-meeting\", \"phase\": \"before\","
    "              \"text\": \"Möte med arrangören har hållits.\"}]}";

  g_assert_true (g_file_set_contents (file, template_, -1, &error));
  g_assert_true (g_file_set_contents (broken, "{\"id\": ", -1, &error));
  g_assert_no_error (error);

  /* The database starts with nothing; the server seeds version 1 when it
   * serves, so version 2 is the newest either way. */
  g_assert_cmpint (run ((const char *[]) { "admin", "add-template", "--file", file,
                                           "--state-dir", f->state_dir, NULL }, &out, NULL), ==, 0);
  g_assert_cmpstr (out, ==, "national-safe-events version 2\n");

  /* The same version again is refused: versions only go up. */
  g_assert_cmpint (run ((const char *[]) { "admin", "add-template", "--file", file,
                                           "--state-dir", f->state_dir, NULL }, NULL, &err), !=, 0);
  g_assert_nonnull (strstr (err, "higher version"));

  g_assert_cmpint (run ((const char *[]) { "admin", "add-template", "--file", broken,
                                           "--state-dir", f->state_dir, NULL }, NULL, &err2), !=, 0);
  g_assert_nonnull (strstr (err2, broken));
  g_assert_cmpint (run ((const char *[]) { "admin", "add-template", "--state-dir", f->state_dir, NULL },
                        NULL, &err3), !=, 0);
  g_assert_nonnull (strstr (err3, "--file"));

  g_assert_cmpint (run ((const char *[]) { "--help", NULL }, &usage, NULL), ==, 0);
  g_assert_nonnull (strstr (usage, "admin add-template --file FILE.json"));
}

static void
test_default_state_dir (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GSubprocessLauncher) xdg = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GSubprocessLauncher) systemd = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autofree char *xdg_home = g_build_filename (f->root, "xdg-state", NULL);
  g_autofree char *xdg_dir = g_build_filename (xdg_home, "faltkoll-server", NULL);
  g_autofree char *xdg_cert = g_build_filename (xdg_dir, "server.pem", NULL);
  g_autofree char *systemd_cert = g_build_filename (f->state_dir, "server.pem", NULL);

  g_subprocess_launcher_unsetenv (xdg, "STATE_DIRECTORY");
  g_subprocess_launcher_setenv (xdg, "XDG_STATE_HOME", xdg_home, TRUE);
  g_assert_cmpint (run_with (xdg, (const char *[]) { "admin", "pin", NULL }, NULL, NULL), ==, 0);
  g_assert_true (g_file_test (xdg_cert, G_FILE_TEST_EXISTS));
  assert_mode (xdg_dir, 0700);

  g_subprocess_launcher_setenv (systemd, "STATE_DIRECTORY", f->state_dir, TRUE);
  g_assert_cmpint (run_with (systemd, (const char *[]) { "admin", "pin", NULL }, NULL, NULL), ==, 0);
  g_assert_true (g_file_test (systemd_cert, G_FILE_TEST_EXISTS));
}

static size_t
on_curl_data (char   *data,
              size_t  size,
              size_t  count,
              void   *user_data)
{
  g_string_append_len (user_data, data, size * count);
  return size * count;
}

/* GET @url with libcurl as the client does: trusting @curl_pin alone, or
 * with @ca_file the CA and the host name instead. */
static CURLcode
curl_get (const char *url,
          const char *curl_pin,
          const char *ca_file,
          GString    *body)
{
  CURL *curl = curl_easy_init ();
  CURLcode result;

  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, on_curl_data);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, body);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, 10L);
  if (curl_pin != NULL)
    {
      curl_easy_setopt (curl, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt (curl, CURLOPT_SSL_VERIFYHOST, 0L);
      curl_easy_setopt (curl, CURLOPT_PINNEDPUBLICKEY, curl_pin);
    }
  else
    {
      curl_easy_setopt (curl, CURLOPT_CAINFO, ca_file);
    }
  result = curl_easy_perform (curl);
  curl_easy_cleanup (curl);

  return result;
}

/* A failed assertion aborts this process: the server must not outlive it. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
test_serve (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(GString) ignored = g_string_new (NULL);
  g_autoptr(GBytes) log = NULL;
  g_autofree char *admin_pin = NULL;
  g_autofree char *pin_line = NULL;
  g_autofree char *url_line = NULL;
  g_autofree char *curl_pin = NULL;
  g_autofree char *wrong_pin = NULL;
  g_autofree char *info_url = NULL;
  g_autofree char *localhost_url = NULL;
  g_autofree char *code = NULL;
  g_autofree char *log_text = NULL;
  g_autofree char *ca_file = g_build_filename (f->state_dir, "ca.pem", NULL);
  g_autofree char *wal = g_build_filename (f->state_dir, "faltkoll-server.db-wal", NULL);
  g_autofree char *db = g_build_filename (f->state_dir, "faltkoll-server.db", NULL);
  const char *port;

  g_assert_cmpint (run ((const char *[]) { "admin", "pin", "--state-dir", f->state_dir, NULL },
                        &admin_pin, NULL), ==, 0);
  g_strchomp (admin_pin);

  g_subprocess_launcher_unsetenv (launcher, "STATE_DIRECTORY");
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  server = spawn (launcher, (const char *[]) { "serve", "--state-dir", f->state_dir, "--port", "0", NULL });
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  pin_line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  url_line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);

  g_assert_nonnull (pin_line);
  g_assert_cmpstr (pin_line + strlen ("pin: "), ==, admin_pin);
  g_assert_nonnull (url_line);
  g_assert_true (g_regex_match_simple ("^url: https://127\\.0\\.0\\.1:[0-9]+$", url_line, 0, 0));
  port = strrchr (url_line, ':') + 1;
  g_assert_cmpstr (port, !=, "0");

  /* libcurl, pinned the way the client pins, accepts it... */
  curl_pin = fk_protocol_pin_to_curl (admin_pin);
  info_url = g_strconcat (url_line + strlen ("url: "), FK_PATH_INFO, NULL);
  g_assert_cmpint (curl_get (info_url, curl_pin, NULL, body), ==, CURLE_OK);
  g_assert_nonnull (strstr (body->str, "\"service\":\"faltkoll-server\""));

  /* ...refuses any other key... */
  wrong_pin = g_strconcat ("sha256//", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", NULL);
  g_assert_cmpint (curl_get (info_url, wrong_pin, NULL, ignored), ==, CURLE_SSL_PINNEDPUBKEYNOTMATCH);

  /* ...and the certificate is a proper one for localhost under the CA. */
  localhost_url = g_strdup_printf ("https://localhost:%s%s", port, FK_PATH_INFO);
  g_string_truncate (body, 0);
  g_assert_cmpint (curl_get (localhost_url, NULL, ca_file, body), ==, CURLE_OK);

  /* The admin commands work beside the running server. */
  g_assert_cmpint (run ((const char *[]) { "admin", "issue-code", "--officer", "officer-7",
                                           "--state-dir", f->state_dir, NULL }, &code, NULL), ==, 0);

  g_subprocess_send_signal (server, SIGTERM);
  g_assert_true (g_subprocess_wait (server, NULL, &error));
  g_assert_true (g_subprocess_get_if_exited (server));
  g_assert_cmpint (g_subprocess_get_exit_status (server), ==, 0);

  /* A clean close checkpoints the WAL away. */
  g_assert_true (g_file_test (db, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));

  log = g_input_stream_read_bytes (g_subprocess_get_stderr_pipe (server), 64 * 1024, NULL, &error);
  g_assert_no_error (error);
  log_text = g_strndup (g_bytes_get_data (log, NULL), g_bytes_get_size (log));
  g_assert_nonnull (strstr (log_text, "GET /v1/info 200 "));
}

static void
test_bad_options (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *err = NULL;
  g_autofree char *err2 = NULL;
  g_autofree char *err3 = NULL;

  g_assert_cmpint (run ((const char *[]) { "serve", "--state-dir", f->state_dir, "--port", "0",
                                           "--faults", "2:500", NULL }, NULL, &err), !=, 0);
  g_assert_nonnull (strstr (err, "rate"));
  g_assert_cmpint (run ((const char *[]) { "serve", "--state-dir", f->state_dir, "--port", "0",
                                           "--faults", "0.5:explode", NULL }, NULL, &err2), !=, 0);
  g_assert_nonnull (strstr (err2, "explode"));
  g_assert_cmpint (run ((const char *[]) { "serve", "--state-dir", f->state_dir,
                                           "--address", "not-an-address", "--port", "0", NULL },
                        NULL, &err3), !=, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  curl_global_init (CURL_GLOBAL_DEFAULT);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/server-cli/version", test_version);
  ADD ("/server-cli/admin", test_admin);
  ADD ("/server-cli/add-template", test_add_template);
  ADD ("/server-cli/default-state-dir", test_default_state_dir);
  ADD ("/server-cli/serve", test_serve);
  ADD ("/server-cli/bad-options", test_bad_options);

#undef ADD

  return g_test_run ();
}
