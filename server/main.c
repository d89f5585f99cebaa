/* main.c: faltkoll-server, the reference central server and its admin tool
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "faltkoll-server"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib-unix.h>

#include "fk-protocol.h"
#include "fk-server.h"
#include "fk-server-tls.h"

#define USAGE \
  "Usage:\n" \
  "  faltkoll-server serve [--state-dir DIR] [--address 127.0.0.1] [--port 8443]\n" \
  "                        [--session-seconds 36000] [--policy POLICY]\n" \
  "                        [--faults RATE:KIND,KIND…]\n" \
  "                        [--fault-seed N] [--latency-ms N]\n" \
  "                        [--fault-crash-after-commit N] [--fault-retry-after N]\n" \
  "  faltkoll-server admin issue-code --officer ID [--state-dir DIR]\n" \
  "  faltkoll-server admin revoke --device ID [--state-dir DIR]\n" \
  "  faltkoll-server admin add-template --file FILE.json [--state-dir DIR]\n" \
  "  faltkoll-server admin pin [--state-dir DIR]\n" \
  "  faltkoll-server --version\n"

static gboolean
parse_options (const char   *parameter,
               const char   *summary,
               GOptionEntry *entries,
               int          *argc,
               char       ***argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (parameter);
  g_autoptr(GError) error = NULL;

  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("faltkoll-server: %s\n", error->message);
      return FALSE;
    }
  if (*argc > 1)
    {
      g_printerr ("faltkoll-server: unexpected argument “%s”\n", (*argv)[1]);
      return FALSE;
    }

  return TRUE;
}

/* --state-dir, else the default, created 0700. */
static char *
resolve_state_dir (const char *option)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *state_dir = option != NULL ? g_strdup (option) : fk_server_default_state_dir ();

  if (!fk_server_ensure_state_dir (state_dir, &error))
    {
      g_printerr ("faltkoll-server: %s\n", error->message);
      return NULL;
    }

  return g_steal_pointer (&state_dir);
}

static FkServerDb *
open_db (const char *state_dir)
{
  g_autofree char *path = g_build_filename (state_dir, FK_SERVER_DB_FILE, NULL);
  g_autoptr(GError) error = NULL;
  FkServerDb *db = fk_server_db_open (path, &error);

  if (db == NULL)
    g_printerr ("faltkoll-server: %s\n", error->message);

  return db;
}

static gboolean
on_quit_signal (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

static int
command_serve (int    argc,
               char **argv)
{
  g_autofree char *state_dir_option = NULL;
  g_autofree char *address = g_strdup ("127.0.0.1");
  g_autofree char *faults = NULL;
  g_autofree char *state_dir = NULL;
  int port = 8443;
  int session_seconds = FK_SESSION_SECONDS;
  g_autofree char *policy = NULL;
  int fault_seed = 0;
  int latency_ms = 0;
  int crash_after_commit = 0;
  int retry_after = 1;
  GOptionEntry entries[] = {
    { "state-dir", 0, 0, G_OPTION_ARG_FILENAME, &state_dir_option, "Where the database and keys live", "DIR" },
    { "address", 0, 0, G_OPTION_ARG_STRING, &address, "IP address to listen on (127.0.0.1)", "ADDRESS" },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "HTTPS port (8443; 0 picks a free one)", "PORT" },
    { "session-seconds", 0, 0, G_OPTION_ARG_INT, &session_seconds, "Session length (36000)", "N" },
    { "policy", 0, 0, G_OPTION_ARG_STRING, &policy,
      "How officers log in: pin, pin-or-fingerprint (default) or pin-and-fingerprint", "POLICY" },
    { "faults", 0, 0, G_OPTION_ARG_STRING, &faults, "Fail a share of authenticated requests (tests only)", "RATE:KIND,…" },
    { "fault-seed", 0, 0, G_OPTION_ARG_INT, &fault_seed, "Seed of the fault mode's random choices", "N" },
    { "latency-ms", 0, 0, G_OPTION_ARG_INT, &latency_ms, "Delay every reply (tests only)", "N" },
    { "fault-crash-after-commit", 0, 0, G_OPTION_ARG_INT, &crash_after_commit,
      "SIGKILL the server once its Nth batch is committed, before the reply (tests only)", "N" },
    { "fault-retry-after", 0, 0, G_OPTION_ARG_INT, &retry_after,
      "Retry-After of the 503 and 429 faults, in seconds (1; tests only)", "N" },
    { NULL }
  };
  g_autoptr(FkServer) server = NULL;
  g_autoptr(FkFaultInjector) injector = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;

  if (!parse_options ("- serve protocol v1 over HTTPS", NULL, entries, &argc, &argv))
    return EXIT_FAILURE;
  if (port < 0 || port > G_MAXUINT16 || session_seconds < 1 || latency_ms < 0 || fault_seed < 0
      || crash_after_commit < 0 || retry_after < 0)
    {
      g_printerr ("faltkoll-server: --port, --session-seconds, --fault-seed, --latency-ms, "
                  "--fault-crash-after-commit or --fault-retry-after is out of range\n");
      return EXIT_FAILURE;
    }

  if (policy != NULL && !g_str_equal (policy, FK_POLICY_PIN) &&
      !g_str_equal (policy, FK_POLICY_PIN_OR_FINGERPRINT) &&
      !g_str_equal (policy, FK_POLICY_PIN_AND_FINGERPRINT))
    {
      g_printerr ("faltkoll-server: --policy must be pin, pin-or-fingerprint or pin-and-fingerprint\n");
      return EXIT_FAILURE;
    }

  state_dir = resolve_state_dir (state_dir_option);
  if (state_dir == NULL)
    return EXIT_FAILURE;

  if (faults != NULL || latency_ms > 0 || crash_after_commit > 0)
    {
      injector = fk_fault_injector_new (faults, fault_seed, latency_ms, &error);
      if (injector == NULL)
        {
          g_printerr ("faltkoll-server: %s\n", error->message);
          return EXIT_FAILURE;
        }
      fk_fault_injector_set_crash_after_commit (injector, crash_after_commit);
      fk_fault_injector_set_retry_after (injector, retry_after);
      g_message ("Fault mode: %s, seed %d, latency %d ms, crash after batch %d, Retry-After %d s",
                 faults != NULL ? faults : "no faults", fault_seed, latency_ms, crash_after_commit,
                 retry_after);
    }

  server = fk_server_new (state_dir, &error);
  if (server == NULL)
    {
      g_printerr ("faltkoll-server: %s\n", error->message);
      return EXIT_FAILURE;
    }
  fk_server_set_session_seconds (server, session_seconds);
  fk_server_set_fault_injector (server, injector);
  if (policy != NULL)
    fk_server_set_policy (server, policy);

  if (!fk_server_listen (server, address, port, &error))
    {
      g_printerr ("faltkoll-server: %s\n", error->message);
      return EXIT_FAILURE;
    }

  /* Tests and ./dev read these two lines to find and trust the server. */
  g_print ("pin: %s\nurl: %s\n", fk_server_get_pin (server), fk_server_get_url (server));
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, on_quit_signal, loop);
  g_unix_signal_add (SIGTERM, on_quit_signal, loop);
  g_main_loop_run (loop);

  fk_server_close (server);

  return EXIT_SUCCESS;
}

static int
command_issue_code (int    argc,
                    char **argv)
{
  g_autofree char *state_dir_option = NULL;
  g_autofree char *officer = NULL;
  g_autofree char *state_dir = NULL;
  g_autofree char *code = NULL;
  GOptionEntry entries[] = {
    { "officer", 0, 0, G_OPTION_ARG_STRING, &officer, "The officer the code enrolls a device for", "ID" },
    { "state-dir", 0, 0, G_OPTION_ARG_FILENAME, &state_dir_option, "Where the database and keys live", "DIR" },
    { NULL }
  };
  g_autoptr(FkServerDb) db = NULL;
  g_autoptr(GError) error = NULL;

  if (!parse_options ("- print a single-use activation code (valid 15 minutes)",
                      NULL, entries, &argc, &argv))
    return EXIT_FAILURE;
  if (officer == NULL)
    {
      g_printerr ("faltkoll-server: issue-code needs --officer ID\n");
      return EXIT_FAILURE;
    }

  state_dir = resolve_state_dir (state_dir_option);
  if (state_dir == NULL)
    return EXIT_FAILURE;
  db = open_db (state_dir);
  if (db == NULL)
    return EXIT_FAILURE;

  code = fk_server_db_issue_code (db, officer, &error);
  if (code == NULL)
    {
      g_printerr ("faltkoll-server: %s\n", error->message);
      return EXIT_FAILURE;
    }

  g_print ("%s\n", code);
  fk_server_db_close (db);

  return EXIT_SUCCESS;
}

static int
command_revoke (int    argc,
                char **argv)
{
  g_autofree char *state_dir_option = NULL;
  g_autofree char *device = NULL;
  g_autofree char *state_dir = NULL;
  GOptionEntry entries[] = {
    { "device", 0, 0, G_OPTION_ARG_STRING, &device, "The device to revoke; it wipes itself on its next call", "ID" },
    { "state-dir", 0, 0, G_OPTION_ARG_FILENAME, &state_dir_option, "Where the database and keys live", "DIR" },
    { NULL }
  };
  g_autoptr(FkServerDb) db = NULL;
  g_autoptr(GError) error = NULL;

  if (!parse_options ("- revoke a lost device", NULL, entries, &argc, &argv))
    return EXIT_FAILURE;
  if (device == NULL)
    {
      g_printerr ("faltkoll-server: revoke needs --device ID\n");
      return EXIT_FAILURE;
    }

  state_dir = resolve_state_dir (state_dir_option);
  if (state_dir == NULL)
    return EXIT_FAILURE;
  db = open_db (state_dir);
  if (db == NULL)
    return EXIT_FAILURE;

  if (!fk_server_db_revoke_device (db, device, &error))
    {
      g_printerr ("faltkoll-server: %s\n", error->message);
      return EXIT_FAILURE;
    }

  fk_server_db_close (db);

  return EXIT_SUCCESS;
}

static int
command_add_template (int    argc,
                      char **argv)
{
  g_autofree char *state_dir_option = NULL;
  g_autofree char *file = NULL;
  g_autofree char *state_dir = NULL;
  GOptionEntry entries[] = {
    { "file", 0, 0, G_OPTION_ARG_FILENAME, &file, "The template, as GET /v1/templates lists one", "FILE.json" },
    { "state-dir", 0, 0, G_OPTION_ARG_FILENAME, &state_dir_option, "Where the database and keys live", "DIR" },
    { NULL }
  };
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(FkServerDb) db = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *root;
  JsonObject *template_;

  if (!parse_options ("- publish a new version of a checklist template",
                      "The version must be above the stored one of the same id; checklists\n"
                      "started on an older version keep it.",
                      entries, &argc, &argv))
    return EXIT_FAILURE;
  if (file == NULL)
    {
      g_printerr ("faltkoll-server: add-template needs --file FILE.json\n");
      return EXIT_FAILURE;
    }

  if (!json_parser_load_from_file (parser, file, &error))
    {
      g_printerr ("faltkoll-server: %s: %s\n", file, error->message);
      return EXIT_FAILURE;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_printerr ("faltkoll-server: %s: not a JSON object\n", file);
      return EXIT_FAILURE;
    }
  template_ = json_node_get_object (root);

  state_dir = resolve_state_dir (state_dir_option);
  if (state_dir == NULL)
    return EXIT_FAILURE;
  db = open_db (state_dir);
  if (db == NULL)
    return EXIT_FAILURE;

  if (!fk_server_db_add_template (db, template_, &error))
    {
      g_printerr ("faltkoll-server: %s: %s\n", file, error->message);
      return EXIT_FAILURE;
    }

  g_print ("%s version %" G_GINT64_FORMAT "\n", json_object_get_string_member (template_, "id"),
           json_object_get_int_member (template_, "version"));
  fk_server_db_close (db);

  return EXIT_SUCCESS;
}

static int
command_pin (int    argc,
             char **argv)
{
  g_autofree char *state_dir_option = NULL;
  g_autofree char *state_dir = NULL;
  GOptionEntry entries[] = {
    { "state-dir", 0, 0, G_OPTION_ARG_FILENAME, &state_dir_option, "Where the database and keys live", "DIR" },
    { NULL }
  };
  g_autoptr(FkServerTls) tls = NULL;
  g_autoptr(GError) error = NULL;

  if (!parse_options ("- print the pin clients enroll with", NULL, entries, &argc, &argv))
    return EXIT_FAILURE;

  state_dir = resolve_state_dir (state_dir_option);
  if (state_dir == NULL)
    return EXIT_FAILURE;

  tls = fk_server_tls_new (state_dir, &error);
  if (tls == NULL)
    {
      g_printerr ("faltkoll-server: %s\n", error->message);
      return EXIT_FAILURE;
    }

  g_print ("%s\n", fk_server_tls_get_pin (tls));

  return EXIT_SUCCESS;
}

int
main (int    argc,
      char **argv)
{
  static const struct {
    const char *name;
    int (*run) (int argc, char **argv);
  } admin_commands[] = {
    { "issue-code", command_issue_code },
    { "revoke", command_revoke },
    { "add-template", command_add_template },
    { "pin", command_pin },
  };

  setlocale (LC_ALL, "");
  g_set_prgname ("faltkoll-server");

  if (argc >= 2 && g_str_equal (argv[1], "--version"))
    {
      g_print ("faltkoll-server %s\n", PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  if (argc >= 2 && g_str_equal (argv[1], "serve"))
    return command_serve (argc - 1, argv + 1);

  if (argc >= 3 && g_str_equal (argv[1], "admin"))
    {
      for (guint i = 0; i < G_N_ELEMENTS (admin_commands); i++)
        if (g_str_equal (argv[2], admin_commands[i].name))
          return admin_commands[i].run (argc - 2, argv + 2);
    }

  if (argc >= 2 && (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h")))
    {
      g_print (USAGE);
      return EXIT_SUCCESS;
    }

  g_printerr (USAGE);
  return EXIT_FAILURE;
}
