/* faltkoll-cli.c: Fältkoll from the command line, for testers and scripts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A thin shell over FkClient: it enforces exactly what the app enforces
 * (PIN strength, the server's PIN check, the session, validation), because
 * it has no other way in.
 */
#define G_LOG_DOMAIN "faltkoll-cli"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <gio/gunixinputstream.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "fk-client.h"
#include "fk-crypto.h"
#include "fk-error.h"

typedef struct {
  GMainLoop     *loop;
  FkClient      *client;
  gboolean       ok;
  GError        *error;
} Cli;

static char *opt_data_dir;

static void
cli_done (Cli      *cli,
          gboolean  ok,
          GError   *error)
{
  cli->ok = ok;
  if (error != NULL)
    g_propagate_error (&cli->error, error);
  g_main_loop_quit (cli->loop);
}

static gboolean
report (Cli *cli)
{
  if (cli->error != NULL)
    g_printerr ("%s\n", cli->error->message);
  return cli->ok;
}

/* Enrolling and logging in save nothing that could be sent later. */
static gboolean
report_sign_in (Cli *cli)
{
  if (cli->error != NULL)
    g_printerr ("%s\n", fk_error_get_sign_in_message (cli->error));
  return cli->ok;
}

/* Reads one line from stdin; with a terminal, asks without echo. */
static char *
read_secret (const char *prompt)
{
  struct termios saved, quiet;
  gboolean tty = isatty (STDIN_FILENO);
  char buffer[256];
  char *line;

  if (tty)
    {
      g_printerr ("%s", prompt);
      tcgetattr (STDIN_FILENO, &saved);
      quiet = saved;
      quiet.c_lflag &= ~ECHO;
      tcsetattr (STDIN_FILENO, TCSANOW, &quiet);
    }

  line = fgets (buffer, sizeof buffer, stdin);

  if (tty)
    {
      tcsetattr (STDIN_FILENO, TCSANOW, &saved);
      g_printerr ("\n");
    }

  if (line == NULL)
    return NULL;

  line = g_strdup (g_strchomp (buffer));
  fk_crypto_wipe (buffer, sizeof buffer);
  return line;
}

static void
free_secret (char *secret)
{
  if (secret != NULL)
    fk_crypto_wipe (secret, strlen (secret));
  g_free (secret);
}
typedef char CliSecret;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CliSecret, free_secret)

static void
on_loaded (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Cli *cli = user_data;
  GError *error = NULL;
  gboolean ok = fk_client_load_finish (FK_CLIENT (object), result, &error);

  cli_done (cli, ok, error);
}

static gboolean
load_client (Cli *cli)
{
  fk_client_load_async (cli->client, NULL, on_loaded, cli);
  g_main_loop_run (cli->loop);
  return report (cli);
}

/* Commands --------------------------------------------------------------- */

static void
on_enrolled (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GError *error = NULL;
  gboolean ok = fk_client_enroll_finish (FK_CLIENT (object), result, &error);

  cli_done (user_data, ok, error);
}

static int
command_enroll (Cli   *cli,
                int    argc,
                char **argv)
{
  g_autofree char *server = NULL;
  g_autofree char *server_pin = NULL;
  g_autofree char *code = NULL;
  g_autofree char *uri = NULL;
  g_autoptr(CliSecret) pin = NULL;
  g_autoptr(CliSecret) repeat = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new ("— enroll this device with an activation code");
  g_autoptr(GError) error = NULL;
  const GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, &server, N_("Server address (https://…)"), "URL" },
    { "server-pin", 0, 0, G_OPTION_ARG_STRING, &server_pin, N_("The server key checksum (64 hex digits)"), "HEX" },
    { "code", 0, 0, G_OPTION_ARG_STRING, &code, N_("One-time activation code"), "CODE" },
    { "uri", 0, 0, G_OPTION_ARG_STRING, &uri, N_("A faltkoll://enroll link instead of the three above"), "URI" },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (context, _("The new PIN is read twice from standard input."));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  if (uri != NULL && !fk_enroll_uri_parse (uri, &server, &code, &server_pin, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  if (server == NULL || server_pin == NULL || code == NULL)
    {
      g_printerr ("%s\n", _("Give --server, --server-pin and --code, or --uri."));
      return 2;
    }

  if (!load_client (cli))
    return 1;

  pin = read_secret (_("Choose a PIN: "));
  repeat = read_secret (_("Repeat the PIN: "));
  if (pin == NULL || repeat == NULL || strcmp (pin, repeat) != 0)
    {
      g_printerr ("%s\n", _("The PINs do not match. Try again."));
      return 1;
    }

  fk_client_enroll_async (cli->client, server, server_pin, code, pin, NULL, on_enrolled, cli);
  g_main_loop_run (cli->loop);
  if (!report_sign_in (cli))
    return 1;

  g_print ("%s\n", _("Enrolled. Log in with your PIN."));
  return 0;
}

static void
on_logged_in (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GError *error = NULL;
  gboolean ok = fk_client_login_finish (FK_CLIENT (object), result, &error);

  cli_done (user_data, ok, error);
}

static int
command_login (Cli   *cli,
               int    argc,
               char **argv)
{
  g_autoptr(CliSecret) pin = NULL;

  if (!load_client (cli))
    return 1;

  pin = read_secret (_("PIN: "));
  if (pin == NULL)
    {
      g_printerr ("%s\n", _("No PIN was given."));
      return 2;
    }

  fk_client_login_async (cli->client, pin, NULL, on_logged_in, cli);
  g_main_loop_run (cli->loop);
  if (!report_sign_in (cli))
    return 1;

  g_print ("%s\n", _("Logged in."));
  return 0;
}

static void
on_logged_out (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GError *error = NULL;
  gboolean ok = fk_client_logout_finish (FK_CLIENT (object), result, &error);

  cli_done (user_data, ok, error);
}

static int
command_logout (Cli   *cli,
                int    argc,
                char **argv)
{
  if (!load_client (cli))
    return 1;

  fk_client_logout_async (cli->client, NULL, on_logged_out, cli);
  g_main_loop_run (cli->loop);
  return report (cli) ? 0 : 1;
}

static void
on_synced (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GError *error = NULL;
  gboolean ok = fk_client_sync_finish (FK_CLIENT (object), result, &error);

  cli_done (user_data, ok, error);
}

static gboolean
run_sync (Cli *cli)
{
  g_clear_error (&cli->error);
  fk_client_sync_async (cli->client, NULL, on_synced, cli);
  g_main_loop_run (cli->loop);
  return cli->ok;
}

static int
command_sync (Cli   *cli,
              int    argc,
              char **argv)
{
  FkSyncEngine *engine;

  if (!load_client (cli))
    return 1;

  engine = fk_client_get_sync_engine (cli->client);
  if (!run_sync (cli))
    return report (cli) ? 0 : 1;

  g_print (_("Sent: %u. Waiting: %u.\n"),
           fk_sync_engine_get_sent (engine), fk_sync_engine_get_pending (engine));
  return 0;
}

static void
on_tip_saved (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GError *error = NULL;
  gboolean ok = fk_client_save_tip_finish (FK_CLIENT (object), result, &error);

  cli_done (user_data, ok, error);
}

static int
command_tip_add (Cli   *cli,
                 int    argc,
                 char **argv)
{
  gboolean draft = FALSE;
  g_autoptr(GOptionContext) context = g_option_context_new ("— save a hotel tip given as JSON on standard input");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GInputStream) input = NULL;
  g_autoptr(FkHotelTip) tip = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  JsonNode *root;
  const GOptionEntry entries[] = {
    { "draft", 0, 0, G_OPTION_ARG_NONE, &draft, N_("Keep it as a draft; do not send"), NULL },
    { NULL }
  };

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  input = g_unix_input_stream_new (STDIN_FILENO, FALSE);
  if (!json_parser_load_from_stream (parser, input, NULL, &error) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_printerr ("%s\n", _("Standard input is not a JSON object with the tip's fields."));
      return 2;
    }

  tip = fk_hotel_tip_new_from_payload (uuid, json_node_get_object (root), &error);
  if (tip == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  if (!load_client (cli))
    return 1;

  fk_client_save_tip_async (cli->client, tip, !draft, NULL, on_tip_saved, cli);
  g_main_loop_run (cli->loop);
  if (!report (cli))
    return 1;

  g_print ("%s\n", uuid);
  g_print ("%s\n", _("Saved"));

  /* Like the app, send at once; what cannot go now waits in the outbox. */
  if (!draft && !run_sync (cli))
    g_printerr (_("Not sent yet: %s\n"), cli->error->message);

  return 0;
}

static const char *
state_to_string (FkClientState state)
{
  switch (state)
    {
    case FK_CLIENT_STATE_NOT_ENROLLED: return "not-enrolled";
    case FK_CLIENT_STATE_LOCKED:       return "locked";
    case FK_CLIENT_STATE_UNLOCKED:     return "unlocked";
    case FK_CLIENT_STATE_DISABLED:     return "disabled";
    case FK_CLIENT_STATE_REVOKED:      return "revoked";
    case FK_CLIENT_STATE_IDLE_LOCKED:  return "idle-locked";
    case FK_CLIENT_STATE_LOADING:
    default:                           return "loading";
    }
}

static const char *
record_state_to_string (FkRecordState state)
{
  switch (state)
    {
    case FK_RECORD_STATE_DRAFT:   return "draft";
    case FK_RECORD_STATE_PENDING: return "pending";
    case FK_RECORD_STATE_SENT:    return "sent";
    case FK_RECORD_STATE_FAILED:  return "failed";
    default:                      return "unknown";
    }
}

/* Machine-readable on purpose: scripts and tests parse it. */
static int
command_status (Cli   *cli,
                int    argc,
                char **argv)
{
  GListModel *tips;
  gint64 remaining;

  if (!load_client (cli))
    return 1;

  remaining = fk_client_get_session_remaining (cli->client);
  tips = fk_client_get_tips (cli->client);
  g_print ("state: %s\n", state_to_string (fk_client_get_state (cli->client)));
  if (fk_client_get_server_url (cli->client) != NULL)
    g_print ("server: %s\n", fk_client_get_server_url (cli->client));
  if (fk_client_get_officer_id (cli->client) != NULL)
    g_print ("officer: %s\n", fk_client_get_officer_id (cli->client));
  if (fk_client_get_device_id (cli->client) != NULL)
    g_print ("device: %s\n", fk_client_get_device_id (cli->client));
  g_print ("session-remaining: %" G_GINT64_FORMAT "\n", remaining);
  g_print ("pending: %u\n", fk_sync_engine_get_pending (fk_client_get_sync_engine (cli->client)));
  for (guint i = 0; i < g_list_model_get_n_items (tips); i++)
    {
      g_autoptr(FkHotelTip) tip = g_list_model_get_item (tips, i);

      g_print ("tip: %s %s\n", fk_hotel_tip_get_uuid (tip),
               record_state_to_string (fk_hotel_tip_get_state (tip)));
    }

  return 0;
}

static void
on_closed (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Cli *cli = user_data;
  g_autoptr(GError) error = NULL;

  if (!fk_client_close_finish (FK_CLIENT (object), result, &error))
    g_printerr ("%s\n", error->message);
  g_main_loop_quit (cli->loop);
}

/* No TLS left mid-flight, and what the client handed the keyring on
 * disk, before we exit. */
static void
close_client (Cli *cli)
{
  fk_client_close_async (cli->client, NULL, on_closed, cli);
  g_main_loop_run (cli->loop);
}

static const struct {
  const char *name;
  const char *sub;
  int (*run) (Cli *cli, int argc, char **argv);
} commands[] = {
  { "enroll", NULL,  command_enroll },
  { "login",  NULL,  command_login },
  { "logout", NULL,  command_logout },
  { "tip",    "add", command_tip_add },
  { "sync",   NULL,  command_sync },
  { "status", NULL,  command_status },
};

static void
print_usage (void)
{
  g_printerr ("%s\n", _("Usage: faltkoll-cli [--data-dir DIR] enroll|login|logout|tip add|sync|status [OPTIONS]"));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  gboolean version = FALSE;
  Cli cli = { 0 };
  int status = 2;
  const GOptionEntry entries[] = {
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &opt_data_dir, N_("Where the records are kept"), "DIR" },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Print the version and exit"), NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new ("COMMAND [OPTIONS]");
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
                                "Commands:\n"
                                "  enroll    enroll this device (--server, --server-pin, --code or --uri)\n"
                                "  login     log in with the PIN from standard input\n"
                                "  logout    end the session\n"
                                "  tip add   save a hotel tip (JSON on standard input) and send it\n"
                                "  sync      send what is waiting\n"
                                "  status    show the state, the session and the tips");
  /* Options after the command belong to the command. */
  g_option_context_set_strict_posix (context, TRUE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  if (version)
    {
      g_print ("faltkoll-cli %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (argc < 2)
    {
      print_usage ();
      return 2;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      int used = commands[i].sub ? 2 : 1;

      if (!g_str_equal (argv[1], commands[i].name) ||
          (commands[i].sub != NULL && (argc < 3 || !g_str_equal (argv[2], commands[i].sub))))
        continue;

      cli.loop = g_main_loop_new (NULL, FALSE);
      cli.client = fk_client_new (opt_data_dir);
      /* The command's own option parser sees its name as argv[0]. */
      status = commands[i].run (&cli, argc - used, argv + used);
      close_client (&cli);
      g_clear_object (&cli.client);
      g_clear_pointer (&cli.loop, g_main_loop_unref);
      g_clear_error (&cli.error);
      break;
    }

  if (status == 2 && cli.loop == NULL)
    print_usage ();

  g_free (opt_data_dir);
  return status;
}
