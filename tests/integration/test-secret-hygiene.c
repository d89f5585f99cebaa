/* test-secret-hygiene.c: where the session's secrets may be, and where
 * they (and the PIN, the activation code, a tip's content) never are
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The session token and the store's data key live in memory and in the
 * keyring's session collection only, and leave it at logout and at
 * expiry.  No log line of the client or the server, debug included, holds
 * any secret.  Real client processes (faltkoll-cli, fk-session-holder),
 * the real server, the real gnome-keyring.
 */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "fk-test-secrets.h"
#include "fk-test-server.h"

#define OFFICER "officer-hygiene-3"
#define PIN     "738209"
#define SESSION_COLLECTION "/org/freedesktop/secrets/collection/session"

/* In the tip only: if it shows up in a log, a tip's content leaked. */
#define CANARY  "Kanariefågel-5b1e9c"
#define PHONE   "+46 70 918 27 36"

typedef struct {
  char         *root;
  char         *data_dir;
  FkTestServer *server;
} Fixture;

typedef struct {
  char      *token;
  GPtrArray *token_forms;
  GPtrArray *key_forms;
} SessionSecrets;

static void
session_secrets_free (SessionSecrets *secrets)
{
  g_free (secrets->token);
  g_ptr_array_unref (secrets->token_forms);
  g_ptr_array_unref (secrets->key_forms);
  g_free (secrets);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SessionSecrets, session_secrets_free)

#define CLI(fixture, input, out, err, ...) \
  ({ g_autofree char *cli__ = fk_test_build_path ("app/cli/faltkoll-cli"); \
     fk_test_run (input, out, err, cli__, "--data-dir", (fixture)->data_dir, __VA_ARGS__, NULL); })

/* With the debug output of every part: the CLI, FkClient, FkSession, the
 * store, libsecret. */
#define CLI_DEBUG(fixture, input, out, err, ...) \
  ({ g_autofree char *cli__ = fk_test_build_path ("app/cli/faltkoll-cli"); \
     fk_test_run (input, out, err, "env", "G_MESSAGES_DEBUG=all", cli__, "--data-dir", (fixture)->data_dir, \
                  __VA_ARGS__, NULL); })

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *state_dir = NULL;

  fixture->root = g_dir_make_tmp ("fk-hygiene-XXXXXX", &error);
  g_assert_no_error (error);
  state_dir = g_build_filename (fixture->root, "server", NULL);
  fixture->data_dir = g_build_filename (fixture->root, "device", NULL);
  fixture->server = fk_test_server_new (state_dir);
  fixture->server->log_path = g_build_filename (fixture->root, "server.log", NULL);
  fk_test_server_start (fixture->server, data);
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

static void
enroll (Fixture *fixture)
{
  g_autofree char *code = fk_test_server_issue_code (fixture->server, OFFICER);

  g_assert_cmpint (CLI (fixture, PIN "\n" PIN "\n", NULL, NULL, "enroll", "--server", fixture->server->url,
                        "--server-pin", fixture->server->pin, "--code", code), ==, 0);
}

/* Read back from where the client keeps them: the keyring's session item. */
static SessionSecrets *
get_session_secrets (Fixture *fixture)
{
  g_autofree char *json = fk_test_keyring_lookup (fixture->data_dir, "session");
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GBytes) token = NULL;
  g_autoptr(GBytes) key = NULL;
  g_autoptr(GError) error = NULL;
  SessionSecrets *secrets = g_new0 (SessionSecrets, 1);
  JsonObject *object;
  guchar *key_data;
  gsize key_length;

  g_assert_nonnull (json);
  root = json_from_string (json, &error);
  g_assert_no_error (error);
  object = json_node_get_object (root);
  secrets->token = g_strdup (json_object_get_string_member (object, "session_token"));
  g_assert_cmpuint (strlen (secrets->token), >=, 16);
  key_data = g_base64_decode (json_object_get_string_member (object, "data_key"), &key_length);
  g_assert_cmpuint (key_length, ==, 32);

  token = g_bytes_new (secrets->token, strlen (secrets->token));
  key = g_bytes_new_take (key_data, key_length);
  secrets->token_forms = fk_test_secret_forms (token);
  secrets->key_forms = fk_test_secret_forms (key);
  return secrets;
}

/* Items holding the token and the key, which must be in the session
 * collection; neither may be in a label or an attribute. */
static guint
count_keyring_copies (SessionSecrets *secrets)
{
  g_autoptr(GPtrArray) items = fk_test_keyring_list_all ();
  guint copies = 0;

  for (guint i = 0; i < items->len; i++)
    {
      FkTestKeyringItem *item = g_ptr_array_index (items, i);
      g_autoptr(GBytes) label = g_bytes_new (item->label, strlen (item->label));
      g_autoptr(GBytes) attributes = g_bytes_new (item->attributes, strlen (item->attributes));
      gboolean has_token = fk_test_find_any (item->secret, secrets->token_forms) != NULL;
      gboolean has_key = fk_test_find_any (item->secret, secrets->key_forms) != NULL;

      g_assert_null (fk_test_find_any (label, secrets->token_forms));
      g_assert_null (fk_test_find_any (label, secrets->key_forms));
      g_assert_null (fk_test_find_any (attributes, secrets->token_forms));
      g_assert_null (fk_test_find_any (attributes, secrets->key_forms));
      if (has_token || has_key)
        {
          g_test_message ("%s in %s (%s)", has_token ? "token" : "data key", item->collection, item->label);
          g_assert_cmpstr (item->collection, ==, SESSION_COLLECTION);
          g_assert_true (has_token && has_key);
          copies++;
        }
    }

  return copies;
}

/* Nothing of the session on disk: the device's files, home and XDG dirs
 * (gnome-keyring's session collection is never written to disk). */
static void
assert_not_on_disk (Fixture        *fixture,
                    SessionSecrets *secrets)
{
  const char *dirs[] = { fixture->data_dir, g_getenv ("FK_TEST_ROOT") };

  g_assert_nonnull (dirs[1]);
  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *token_file = fk_test_find_in_tree (dirs[i], secrets->token_forms);
      g_autofree char *key_file = fk_test_find_in_tree (dirs[i], secrets->key_forms);

      g_assert_cmpstr (token_file, ==, NULL);
      g_assert_cmpstr (key_file, ==, NULL);
    }
}

static void
test_session_collection_then_logout (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autoptr(SessionSecrets) secrets = NULL;
  g_autofree char *left = NULL;

  enroll (fixture);
  g_assert_cmpint (CLI (fixture, PIN "\n", NULL, NULL, "login"), ==, 0);
  secrets = get_session_secrets (fixture);
  g_assert_cmpuint (count_keyring_copies (secrets), ==, 1);
  assert_not_on_disk (fixture, secrets);

  g_assert_cmpint (CLI (fixture, NULL, NULL, NULL, "logout"), ==, 0);
  left = fk_test_keyring_lookup (fixture->data_dir, "session");
  g_assert_null (left);
  g_assert_cmpuint (count_keyring_copies (secrets), ==, 0);
  assert_not_on_disk (fixture, secrets);
}

/* Long enough for a loaded machine to log in and store the session before
 * it ends, short enough to wait out. */
#define SHORT_SESSION_SECONDS 5
static const char * const short_session[] = { "--session-seconds", G_STRINGIFY (SHORT_SESSION_SECONDS), NULL };

/* A client holds the session until it runs out. */
static void
test_gone_after_expiry (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *holder_path = fk_test_build_path ("tests/integration/fk-session-holder");
  g_autoptr(GSubprocess) holder = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(SessionSecrets) secrets = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *unlocked = NULL;
  g_autofree char *left = NULL;

  enroll (fixture);
  holder = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                             holder_path, fixture->data_dir, NULL);
  g_assert_no_error (error);
  g_output_stream_write_all (g_subprocess_get_stdin_pipe (holder), PIN "\n", strlen (PIN "\n"), NULL, NULL, &error);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (holder));
  unlocked = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (unlocked, ==, "unlocked");

  /* The save goes to the keyring after the login returns. */
  for (guint i = 0; i < SHORT_SESSION_SECONDS * 50 && secrets == NULL; i++)
    {
      g_autofree char *json = fk_test_keyring_lookup (fixture->data_dir, "session");

      if (json != NULL)
        secrets = get_session_secrets (fixture);
      else
        g_usleep (20000);
    }
  g_assert_nonnull (secrets);
  g_assert_cmpuint (count_keyring_copies (secrets), ==, 1);

  /* It ends the session itself, closes and exits. */
  g_subprocess_wait_check (holder, NULL, &error);
  g_assert_no_error (error);
  left = fk_test_keyring_lookup (fixture->data_dir, "session");
  g_assert_null (left);
  g_assert_cmpuint (count_keyring_copies (secrets), ==, 0);
  assert_not_on_disk (fixture, secrets);
}

/* The session ran out while no client process was running: the next start
 * finds it over and takes it out of the keyring. */
static void
test_gone_after_expiry_offline (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(SessionSecrets) secrets = NULL;
  g_autofree char *left = NULL;

  enroll (fixture);
  g_assert_cmpint (CLI (fixture, PIN "\n", NULL, NULL, "login"), ==, 0);
  secrets = get_session_secrets (fixture);
  g_assert_cmpuint (count_keyring_copies (secrets), ==, 1);

  g_usleep ((SHORT_SESSION_SECONDS + 1) * G_USEC_PER_SEC);
  g_assert_cmpint (CLI (fixture, NULL, NULL, NULL, "status"), ==, 0);
  left = fk_test_keyring_lookup (fixture->data_dir, "session");
  g_assert_null (left);
  g_assert_cmpuint (count_keyring_copies (secrets), ==, 0);
}

static const char tip_json[] =
  "{\"hotel_name\": \"Hotell Loggfri\", \"hotel_address\": \"Påhittade gatan 9\","
  " \"municipality\": \"Exempelby\", \"contact_person\": \"Receptionist Test\","
  " \"contact_phone\": \"" PHONE "\", \"received_at\": \"2026-11-24T08:30:00Z\","
  " \"room\": \"117\", \"description\": \"" CANARY " syns bara i tipset.\","
  " \"indicators\": [\"many-visitors\"], \"vehicles\": [], \"urgent\": false}";

/* @digits alone, not as part of a longer number (a port, a duration). */
static gboolean
contains_number (const char *text,
                 const char *digits)
{
  gsize length = strlen (digits);

  for (const char *at = strstr (text, digits); at != NULL; at = strstr (at + 1, digits))
    {
      if ((at == text || !g_ascii_isdigit (at[-1])) && !g_ascii_isdigit (at[length]))
        return TRUE;
    }

  return FALSE;
}

static void
assert_clean (const char     *what,
              const char     *log,
              const char     *code,
              SessionSecrets *secrets)
{
  g_autoptr(GBytes) bytes = g_bytes_new (log, strlen (log));
  g_autoptr(GString) code_digits = g_string_new (code);
  g_autoptr(GString) phone_digits = g_string_new (PHONE);

  g_string_replace (code_digits, "-", "", 0);
  g_string_replace (phone_digits, " ", "", 0);
  g_test_message ("%s: %zu bytes of log", what, strlen (log));

  g_assert_false (contains_number (log, PIN));
  g_assert_null (strstr (log, code));
  g_assert_false (contains_number (log, code_digits->str));
  g_assert_null (strstr (log, CANARY));
  g_assert_null (strstr (log, PHONE));
  g_assert_null (strstr (log, phone_digits->str));
  g_assert_null (fk_test_find_any (bytes, secrets->token_forms));
  g_assert_null (fk_test_find_any (bytes, secrets->key_forms));
}

static void
test_never_logged (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GString) client_log = g_string_new (NULL);
  g_autoptr(SessionSecrets) secrets = NULL;
  g_autofree char *server_log = NULL;
  g_autofree char *code = NULL;
  g_autoptr(GError) error = NULL;
  char *out = NULL, *err = NULL;

#define COLLECT() G_STMT_START { \
    g_string_append (client_log, out ? out : ""); g_string_append (client_log, err ? err : ""); \
    g_clear_pointer (&out, g_free); g_clear_pointer (&err, g_free); } G_STMT_END

  /* Failures first: their messages are where secrets like to slip in. */
  g_assert_cmpint (CLI_DEBUG (fixture, PIN "\n" PIN "\n", &out, &err, "enroll", "--server", fixture->server->url,
                        "--server-pin", fixture->server->pin, "--code", "1234-5678-9012"), ==, 1);
  COLLECT ();
  code = fk_test_server_issue_code (fixture->server, OFFICER);
  g_assert_cmpint (CLI_DEBUG (fixture, PIN "\n" PIN "\n", &out, &err, "enroll", "--server", fixture->server->url,
                              "--server-pin", fixture->server->pin, "--code", code), ==, 0);
  COLLECT ();
  g_assert_cmpint (CLI_DEBUG (fixture, "583913\n", &out, &err, "login"), ==, 1);
  g_assert_nonnull (strstr (err, "Wrong PIN"));
  COLLECT ();
  g_assert_cmpint (CLI_DEBUG (fixture, PIN "\n", &out, &err, "login"), ==, 0);
  COLLECT ();
  secrets = get_session_secrets (fixture);
  g_assert_cmpint (CLI_DEBUG (fixture, tip_json, &out, &err, "tip", "add"), ==, 0);
  COLLECT ();
  /* An invalid tip's error names the field, never its content. */
  g_assert_cmpint (CLI_DEBUG (fixture, "{\"description\": \"" CANARY "\", \"contact_phone\": \"" PHONE "\"}",
                        &out, &err, "tip", "add"), ==, 1);
  COLLECT ();
  g_assert_cmpint (CLI_DEBUG (fixture, NULL, &out, &err, "sync"), ==, 0);
  COLLECT ();
  g_assert_cmpint (CLI_DEBUG (fixture, NULL, &out, &err, "status"), ==, 0);
  g_assert_nonnull (strstr (out, " sent\n"));
  COLLECT ();
  g_assert_cmpint (CLI_DEBUG (fixture, NULL, &out, &err, "logout"), ==, 0);
  COLLECT ();
  /* Logged out: the server's refusal is an error path too. */
  g_assert_cmpint (CLI_DEBUG (fixture, NULL, &out, &err, "sync"), !=, 0);
  COLLECT ();
#undef COLLECT

  fk_test_server_stop (fixture->server);
  g_file_get_contents (fixture->server->log_path, &server_log, NULL, &error);
  g_assert_no_error (error);

  /* Both logs are real: debug output was on and was captured. */
  g_assert_nonnull (strstr (client_log->str, "DEBUG"));
  g_assert_nonnull (strstr (server_log, "POST /v1/login"));
  g_assert_nonnull (strstr (server_log, "POST /v1/records/batch"));

  assert_clean ("client", client_log->str, code, secrets);
  assert_clean ("server", server_log, code, secrets);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, args, func) g_test_add (path, Fixture, args, fixture_setup, func, fixture_teardown)
  ADD ("/secrets/session-collection-then-logout", NULL, test_session_collection_then_logout);
  ADD ("/secrets/gone-after-expiry", short_session, test_gone_after_expiry);
  ADD ("/secrets/gone-after-expiry-offline", short_session, test_gone_after_expiry_offline);
  ADD ("/secrets/never-logged", NULL, test_never_logged);
#undef ADD

  return g_test_run ();
}
