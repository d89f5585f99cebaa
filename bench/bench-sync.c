/* bench-sync.c: the batched sync against one request per record, in one run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Real parts only: the real faltkoll-server over real pinned TLS, the real
 * FkClient with its store and keyring, and bench-latency-proxy between them
 * for the round-trip time and the byte count.  bench/README.md says what is
 * measured and how.
 *
 *   bench-sync [--counts 1000,10000] [--rtts 0,100] [--sample 200] [--in-flight]
 *   bench-sync prepare-store --data-dir DIR --count N
 *
 * The first runs every case and prints the table; the second leaves an
 * enrolled, logged-out store of N sent tips for bench-startup.  "device"
 * is the role of a child process, one per device, so that each one's
 * memory is its own.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>

#include <gio/gio.h>
#include <sqlite3.h>

#include "fk-api-client.h"
#include "fk-client.h"
#include "fk-protocol.h"
#include "fk-secret-store.h"
#include "fk-session.h"

#define PIN                "470219"
#define OFFICER_BATCHED    "bench-officer-batched"
#define OFFICER_PER_RECORD "bench-officer-per-record"
#define OFFICER_IN_FLIGHT  "bench-officer-in-flight"
/* Saves in flight while queueing: enough to keep the store's worker busy. */
#define SAVE_WINDOW        32

/* Helpers shared by both sides --------------------------------------------- */

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static gint64
read_status_kb (const char *field)
{
  g_autofree char *status = NULL;
  g_autofree char *key = g_strconcat ("\n", field, ":", NULL);
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (line = strstr (status, key)) == NULL)
    return -1;

  return g_ascii_strtoll (line + strlen (key), NULL, 10);
}

/* Makes VmHWM start again from the current RSS, so that it shows the peak
 * of what follows, not the 32 MiB scrypt of the login before it. */
static void
reset_peak_rss (void)
{
  g_autoptr(GError) error = NULL;

  if (!g_file_set_contents_full ("/proc/self/clear_refs", "5", 1, G_FILE_SET_CONTENTS_NONE, 0, &error))
    g_printerr ("bench-sync: cannot reset the peak RSS: %s\n", error->message);
}

/* Device role: a child process holding one FkClient ------------------------- */

static const char * const hotels[] = {
  "Hotell Exempelgården", "Pensionat Påhittet", "Hotell Testvik", "Vandrarhemmet Fiktiva",
  "Hotell Låtsasstaden", "Motell Prövoby",
};
static const char * const municipalities[] = { "Exempelby", "Påhittsala", "Testköping", "Låtsasvik" };

/* Tip @index: invented, valid, and the same for both ways of sending. */
static FkHotelTip *
make_tip (guint index)
{
  static const char plate_letters[] = "ABCDEFGHJKLMNOPRSTUWXYZ";
  FkHotelTip *tip = fk_hotel_tip_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) received = g_date_time_add_minutes (now, -10 - (int) (index % 10000));
  g_autoptr(GDateTime) observed = g_date_time_add_hours (received, -2);
  g_autofree char *room = g_strdup_printf ("%u", 100 + index % 400);
  g_autofree char *description = g_strdup_printf ("Många korta besök till rum %s under kvällen, "
                                                  "flera olika besökare. Påhittat testtips nummer %u.",
                                                  room, index);
  g_autofree char *plate = g_strdup_printf ("%c%c%c %03u",
                                            plate_letters[index % 23], plate_letters[(index / 23) % 23],
                                            plate_letters[(index / 529) % 23], index % 1000);

  fk_hotel_tip_set_hotel_name (tip, hotels[index % G_N_ELEMENTS (hotels)]);
  fk_hotel_tip_set_hotel_address (tip, "Påhittade gatan 1");
  fk_hotel_tip_set_municipality (tip, municipalities[index % G_N_ELEMENTS (municipalities)]);
  fk_hotel_tip_set_contact_person (tip, "Receptionist Test");
  fk_hotel_tip_set_contact_phone (tip, "+46 70 000 00 00");
  fk_hotel_tip_set_received_at (tip, received);
  fk_hotel_tip_set_observed_at (tip, observed);
  fk_hotel_tip_set_room (tip, room);
  fk_hotel_tip_set_description (tip, description);
  fk_hotel_tip_set_indicators (tip, FK_TIP_INDICATOR_MANY_VISITORS | FK_TIP_INDICATOR_SHORT_VISITS);
  fk_hotel_tip_set_vehicles (tip, plate);
  fk_hotel_tip_set_urgent (tip, index % 7 == 0);
  fk_hotel_tip_set_action_taken (tip, "Kontaktat hotellet.");
  fk_hotel_tip_set_officer_note (tip, "Testdata för prestandamätning.");

  return tip;
}

static void
on_ready (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);

  return *slot;
}

static void G_GNUC_PRINTF (1, 2)
reply (const char *format,
       ...)
{
  va_list args;

  va_start (args, format);
  vprintf (format, args);
  va_end (args);
  putchar ('\n');
  fflush (stdout);
}

static G_GNUC_NORETURN void
device_fail (const char *what,
             GError     *error)
{
  reply ("error %s: %s", what, error ? error->message : "failed");
  exit (1);
}

typedef struct {
  guint       in_flight;
  guint       saved;
  GError     *error;
} Saver;

static void
on_tip_saved (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Saver *saver = user_data;

  saver->in_flight--;
  if (fk_client_save_tip_finish (FK_CLIENT (object), result, saver->error ? NULL : &saver->error))
    saver->saved++;
}

/* Queues @count tips for sending, as an officer's saves do. */
static void
device_save (FkClient *client,
             guint     count)
{
  FkSyncEngine *engine = fk_client_get_sync_engine (client);
  Saver saver = { 0, 0, NULL };
  gint64 deadline;

  for (guint i = 0; i < count && saver.error == NULL; i++)
    {
      g_autoptr(FkHotelTip) tip = make_tip (i);

      while (saver.in_flight >= SAVE_WINDOW)
        g_main_context_iteration (NULL, TRUE);
      saver.in_flight++;
      fk_client_save_tip_async (client, tip, TRUE, NULL, on_tip_saved, &saver);
    }
  while (saver.in_flight > 0)
    g_main_context_iteration (NULL, TRUE);
  if (saver.error != NULL)
    device_fail ("save", saver.error);

  /* Each save kicked a sync that failed on the cut network: let the last
   * one end and the pending count settle before the timed sync starts. */
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while ((fk_sync_engine_get_sending (engine) || fk_sync_engine_get_pending (engine) != count) &&
         g_get_monotonic_time () < deadline)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }

  reply ("saved %u pending %u sending %d", saver.saved, fk_sync_engine_get_pending (engine),
         fk_sync_engine_get_sending (engine));
}

static void
device_sync (FkClient *client)
{
  FkSyncEngine *engine = fk_client_get_sync_engine (client);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  guint pending = fk_sync_engine_get_pending (engine);
  gboolean was_sending = fk_sync_engine_get_sending (engine);
  gint64 started, wall;

  reset_peak_rss ();
  started = g_get_monotonic_time ();
  fk_client_sync_async (client, NULL, on_ready, &result);
  if (!fk_client_sync_finish (client, wait_for (&result), &error))
    device_fail ("sync", error);
  wall = g_get_monotonic_time () - started;

  reply ("synced wall_us %" G_GINT64_FORMAT " before %u after %u was_sending %d hwm_kb %" G_GINT64_FORMAT
         " rss_kb %" G_GINT64_FORMAT, wall, pending, fk_sync_engine_get_pending (engine), was_sending,
         read_status_kb ("VmHWM"), read_status_kb ("VmRSS"));
}

/* A batch of tips @first … @first + @count - 1, as new records. */
static JsonNode *
batch_of_tips (guint first,
               guint count)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "records");
  json_builder_begin_array (builder);
  for (guint i = first; i < first + count; i++)
    {
      g_autoptr(FkHotelTip) tip = make_tip (i);
      g_autoptr(JsonNode) payload = json_node_new (JSON_NODE_OBJECT);

      json_node_take_object (payload, fk_hotel_tip_to_payload (tip));
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "uuid");
      json_builder_add_string_value (builder, fk_hotel_tip_get_uuid (tip));
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, FK_KIND_HOTEL_TIP);
      json_builder_set_member_name (builder, "revision");
      json_builder_add_int_value (builder, 1);
      json_builder_set_member_name (builder, "payload");
      json_builder_add_value (builder, g_steal_pointer (&payload));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* Every one of the @count records of a batch was accepted. */
static gboolean
reply_accepted (JsonNode *node,
                guint     count)
{
  JsonArray *results;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node) ||
      !json_object_has_member (json_node_get_object (node), "results"))
    return FALSE;

  results = json_object_get_array_member (json_node_get_object (node), "results");
  if (results == NULL || json_array_get_length (results) != count)
    return FALSE;

  for (guint i = 0; i < count; i++)
    {
      JsonObject *result = json_array_get_object_element (results, i);

      if (result == NULL ||
          g_strcmp0 (json_object_get_string_member_with_default (result, "status", ""), FK_RESULT_ACCEPTED) != 0)
        return FALSE;
    }

  return TRUE;
}

/* The session FkClient keeps in the keyring at login: its token is the
 * bearer.  Login does not wait for the keyring, so neither can this. */
static FkSession *
load_session (const char *data_dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *scope = g_canonicalize_filename (data_dir, NULL);
  FkSession *session;
  char *json = NULL;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (json == NULL && error == NULL && g_get_monotonic_time () < deadline)
    {
      g_autoptr(GAsyncResult) result = NULL;

      fk_secret_store_load_async (scope, FK_SECRET_SESSION, NULL, on_ready, &result);
      json = fk_secret_store_load_finish (wait_for (&result), &error);
    }
  if (json == NULL)
    device_fail ("session secret", error);
  session = fk_session_new_from_json (json, &error);
  fk_secret_free (json);
  if (session == NULL)
    device_fail ("session", error);

  return session;
}

/* The baseline: one request per record, as ODK Collect sends submissions,
 * over the same kind of pinned, kept-alive connection the sync engine uses. */
static void
device_send_each (const char *data_dir,
                  const char *url,
                  const char *server_pin,
                  guint       count)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FkSession) session = load_session (data_dir);
  g_autoptr(FkApiClient) api = NULL;
  g_autoptr(GPtrArray) bodies = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  gint64 started, wall, first = 0;

  api = fk_api_client_new (url, server_pin);
  fk_api_client_set_bearer (api, fk_session_get_token (session));

  for (guint i = 0; i < count; i++)
    g_ptr_array_add (bodies, batch_of_tips (i, 1));

  reset_peak_rss ();
  started = g_get_monotonic_time ();
  for (guint i = 0; i < count; i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(JsonNode) node = NULL;

      fk_api_client_call_async (api, "POST", FK_PATH_RECORDS_BATCH, g_ptr_array_index (bodies, i),
                                NULL, on_ready, &result);
      node = fk_api_client_call_finish (api, wait_for (&result), NULL, &error);
      if (!reply_accepted (node, 1))
        device_fail ("per-record send", error);
      /* The first pays for the connection, which a sample must not
       * multiply when it is extrapolated. */
      if (i == 0)
        first = g_get_monotonic_time () - started;
    }
  wall = g_get_monotonic_time () - started;

  reply ("sent-each %u wall_us %" G_GINT64_FORMAT " first_us %" G_GINT64_FORMAT " requests %"
         G_GUINT64_FORMAT " body_bytes %" G_GUINT64_FORMAT " hwm_kb %" G_GINT64_FORMAT " rss_kb %" G_GINT64_FORMAT,
         count, wall, first, fk_api_client_get_requests (api), fk_api_client_get_bytes (api),
         read_status_kb ("VmHWM"), read_status_kb ("VmRSS"));
}

/* The question behind --in-flight: would the engine gain by sending its next
 * batch while it waits for the reply to the one before?  The same batches
 * of FK_MAX_BATCH_RECORDS, sent with at most @width requests out at once.
 * SoupServer speaks HTTP/1.1 only and libcurl no longer pipelines it, so
 * each request out at once has a connection (an FkApiClient) of its own.
 * The device's store is not touched: the same for every width. */
typedef struct {
  GPtrArray   *bodies;
  guint        next;
  guint        out;
  GError      *error;
} InFlight;

typedef struct {
  InFlight    *in_flight;
  FkApiClient *api;
  guint        records;     /* in the request out on this lane */
} Lane;

static void send_on_lane (Lane *lane);

static void
on_lane_replied (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Lane *lane = user_data;
  InFlight *in_flight = lane->in_flight;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = fk_api_client_call_finish (lane->api, result, NULL, &error);

  in_flight->out--;
  if (!reply_accepted (node, lane->records) && in_flight->error == NULL)
    in_flight->error = error ? g_steal_pointer (&error)
                             : g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "a record was not accepted");
  send_on_lane (lane);
}

static void
send_on_lane (Lane *lane)
{
  InFlight *in_flight = lane->in_flight;
  JsonNode *body;

  if (in_flight->next >= in_flight->bodies->len || in_flight->error != NULL)
    return;

  body = g_ptr_array_index (in_flight->bodies, in_flight->next++);
  lane->records = json_array_get_length (json_object_get_array_member (json_node_get_object (body), "records"));
  in_flight->out++;
  fk_api_client_call_async (lane->api, "POST", FK_PATH_RECORDS_BATCH, body, NULL, on_lane_replied, lane);
}

static void
device_send_in_flight (const char *data_dir,
                       const char *url,
                       const char *server_pin,
                       guint       count,
                       guint       width)
{
  g_autoptr(FkSession) session = load_session (data_dir);
  g_autoptr(GPtrArray) bodies = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autofree Lane *lanes = g_new0 (Lane, width);
  InFlight in_flight = { bodies, 0, 0, NULL };
  guint64 connections = 0;
  gint64 started, wall;

  for (guint i = 0; i < width; i++)
    {
      lanes[i].in_flight = &in_flight;
      lanes[i].api = fk_api_client_new (url, server_pin);
      fk_api_client_set_bearer (lanes[i].api, fk_session_get_token (session));
    }
  for (guint i = 0; i < count; i += FK_MAX_BATCH_RECORDS)
    g_ptr_array_add (bodies, batch_of_tips (i, MIN (FK_MAX_BATCH_RECORDS, count - i)));

  started = g_get_monotonic_time ();
  for (guint i = 0; i < width; i++)
    send_on_lane (&lanes[i]);
  while (in_flight.out > 0)
    g_main_context_iteration (NULL, TRUE);
  wall = g_get_monotonic_time () - started;

  for (guint i = 0; i < width; i++)
    {
      connections += fk_api_client_get_connections (lanes[i].api);
      g_clear_object (&lanes[i].api);
    }
  if (in_flight.error != NULL)
    device_fail ("send in flight", in_flight.error);

  reply ("sent-in-flight %u width %u wall_us %" G_GINT64_FORMAT " connections %" G_GUINT64_FORMAT,
         count, width, wall, connections);
}

/* Lets whatever login started in the background (a sync, a pull) end, so
 * that it is not counted with what is measured next. */
static void
settle (FkClient *client)
{
  FkSyncEngine *engine = fk_client_get_sync_engine (client);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  gint64 idle_since = g_get_monotonic_time ();

  while (g_get_monotonic_time () < deadline &&
         g_get_monotonic_time () - idle_since < 200 * 1000)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
      if (fk_sync_engine_get_sending (engine))
        idle_since = g_get_monotonic_time ();
    }
}

static int
run_device (int    argc,
            char **argv)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *url = NULL;
  g_autofree char *server_pin = NULL;
  g_autofree char *code = NULL;
  GOptionEntry entries[] = {
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, NULL, NULL },
    { "url", 0, 0, G_OPTION_ARG_STRING, &url, NULL, NULL },
    { "server-pin", 0, 0, G_OPTION_ARG_STRING, &server_pin, NULL, NULL },
    { "code", 0, 0, G_OPTION_ARG_STRING, &code, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(FkClient) client = NULL;
  g_autoptr(GAsyncResult) loaded = NULL;
  g_autoptr(GAsyncResult) enrolled = NULL;
  g_autoptr(GAsyncResult) logged_in = NULL;
  g_autoptr(GError) error = NULL;
  char line[128];

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      data_dir == NULL || url == NULL || server_pin == NULL || code == NULL)
    device_fail ("arguments", error);

  client = fk_client_new (data_dir);
  fk_client_load_async (client, NULL, on_ready, &loaded);
  if (!fk_client_load_finish (client, wait_for (&loaded), &error))
    device_fail ("load", error);
  fk_client_enroll_async (client, url, server_pin, code, PIN, NULL, on_ready, &enrolled);
  if (!fk_client_enroll_finish (client, wait_for (&enrolled), &error))
    device_fail ("enroll", error);
  fk_client_login_async (client, PIN, NULL, on_ready, &logged_in);
  if (!fk_client_login_finish (client, wait_for (&logged_in), &error))
    device_fail ("login", error);
  settle (client);
  reply ("ready");

  while (fgets (line, sizeof line, stdin) != NULL)
    {
      g_auto(GStrv) words = g_strsplit (g_strstrip (line), " ", 3);
      guint64 count = 0, width = 0;

      if (words[0] == NULL || g_str_equal (words[0], "quit"))
        break;
      if (words[1] != NULL && !g_ascii_string_to_unsigned (words[1], 10, 1, G_MAXUINT, &count, NULL))
        device_fail ("command", NULL);
      if (words[1] != NULL && words[2] != NULL &&
          !g_ascii_string_to_unsigned (words[2], 10, 1, 16, &width, NULL))
        device_fail ("command", NULL);

      if (g_str_equal (words[0], "save") && count > 0)
        device_save (client, count);
      else if (g_str_equal (words[0], "sync"))
        device_sync (client);
      else if (g_str_equal (words[0], "send-each") && count > 0)
        device_send_each (data_dir, url, server_pin, count);
      else if (g_str_equal (words[0], "send-in-flight") && count > 0 && width > 0)
        device_send_in_flight (data_dir, url, server_pin, count, width);
      else if (g_str_equal (words[0], "logout"))
        {
          g_autoptr(GAsyncResult) result = NULL;

          fk_client_logout_async (client, NULL, on_ready, &result);
          if (!fk_client_logout_finish (client, wait_for (&result), &error))
            device_fail ("logout", error);
          reply ("logged-out");
        }
      else
        device_fail ("unknown command", NULL);
    }

  return 0;
}

/* Orchestrator: server, proxy, devices, and the table ---------------------- */

typedef struct {
  GSubprocess      *process;
  GDataInputStream *out;
  GOutputStream    *in;
} Child;

typedef struct {
  char  *root;
  char  *state_dir;
  char  *server_log;
  Child  server;
  Child  proxy;
  char  *server_pin;
  char  *url;          /* through the proxy */
} World;

typedef struct {
  guint   count;
  guint   rtt_ms;
  /* batched, by FkClient */
  double  wall_s;
  guint   requests;
  char   *requests_detail;
  guint64 bytes;
  double  rss_mib;
  guint   on_server;
  /* one request per record, by FkApiClient */
  guint   sample;
  double  each_wall_s;       /* for the sample */
  double  each_first_s;      /* its first request, connection included */
  guint   each_requests;
  char   *each_requests_detail;
  guint64 each_bytes;
  double  each_rss_mib;
  guint   each_on_server;
  /* --in-flight: the same batches, 1 or 2 requests out at once */
  double  in_flight_wall_s[2];
  guint   in_flight_connections[2];
} Case;

static char *build_root;

static G_GNUC_NORETURN void G_GNUC_PRINTF (1, 2)
fail (const char *format,
      ...)
{
  va_list args;

  fprintf (stderr, "bench-sync: ");
  va_start (args, format);
  vfprintf (stderr, format, args);
  va_end (args);
  fputc ('\n', stderr);
  exit (1);
}

static void
child_spawn (Child               *child,
             GSubprocessFlags     flags,
             const char          *stderr_path,
             const char * const  *argv)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (flags | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GError) error = NULL;

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  if (stderr_path != NULL)
    g_subprocess_launcher_set_stderr_file_path (launcher, stderr_path);
  child->process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  if (child->process == NULL)
    fail ("cannot start %s: %s", argv[0], error->message);

  child->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child->process));
  child->in = g_subprocess_get_stdin_pipe (child->process);
}

static char *
child_read_line (Child *child)
{
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line_utf8 (child->out, NULL, NULL, &error);

  if (line == NULL)
    fail ("%s ended early%s%s", g_subprocess_get_identifier (child->process) ?: "a child",
          error ? ": " : "", error ? error->message : "");
  return line;
}

/* Sends @command and returns the answer line. */
static char *
child_ask (Child      *child,
           const char *command)
{
  g_autofree char *text = g_strconcat (command, "\n", NULL);
  g_autoptr(GError) error = NULL;
  char *answer;

  if (!g_output_stream_write_all (child->in, text, strlen (text), NULL, NULL, &error) ||
      !g_output_stream_flush (child->in, NULL, &error))
    fail ("cannot talk to a child: %s", error->message);

  answer = child_read_line (child);
  if (g_str_has_prefix (answer, "error"))
    fail ("“%s” failed: %s", command, answer);
  return answer;
}

static void
child_finish (Child *child,
              int    signal_number)
{
  g_autoptr(GError) error = NULL;

  if (child->process == NULL)
    return;

  if (signal_number != 0)
    g_subprocess_send_signal (child->process, signal_number);
  else if (child->in != NULL)
    g_output_stream_close (child->in, NULL, NULL);
  if (!g_subprocess_wait (child->process, NULL, &error))
    fail ("waiting for a child: %s", error->message);

  g_clear_object (&child->out);
  g_clear_object (&child->process);
  child->in = NULL;
}

/* The number after @key in a child's "word key value key value …" line. */
static gint64
field (const char *line,
       const char *key)
{
  g_auto(GStrv) words = g_strsplit (line, " ", -1);

  for (guint i = 0; words[i] != NULL && words[i + 1] != NULL; i++)
    if (g_str_equal (words[i], key))
      return g_ascii_strtoll (words[i + 1], NULL, 10);

  fail ("no “%s” in “%s”", key, line);
}

static char *
run_to_string (const char * const *argv)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  if (process == NULL || !g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error))
    fail ("%s: %s", argv[0], error->message);
  if (!g_subprocess_get_successful (process))
    fail ("%s failed: %s", argv[0], err);

  return g_strstrip (g_steal_pointer (&out));
}

static char *
issue_code (World      *world,
            const char *officer)
{
  g_autofree char *server = g_build_filename (build_root, "server", "faltkoll-server", NULL);
  const char *argv[] = { server, "admin", "issue-code", "--officer", officer,
                         "--state-dir", world->state_dir, NULL };

  return run_to_string (argv);
}

static void
world_start (World *world,
             guint  rtt_ms)
{
  g_autofree char *server = g_build_filename (build_root, "server", "faltkoll-server", NULL);
  g_autofree char *proxy = g_build_filename (build_root, "bench", "bench-latency-proxy", NULL);
  g_autofree char *rtt = g_strdup_printf ("%u", rtt_ms);
  g_autofree char *server_url = NULL;
  g_autofree char *upstream_port = NULL;
  g_autofree char *line = NULL;
  g_autoptr(GError) error = NULL;
  const char *server_argv[] = { server, "serve", "--state-dir", NULL, "--address", "127.0.0.1",
                                "--port", "0", NULL };
  const char *proxy_argv[] = { proxy, "--upstream-port", NULL, "--rtt-ms", rtt, NULL };

  world->root = g_dir_make_tmp ("fk-bench-sync-XXXXXX", &error);
  if (world->root == NULL)
    fail ("%s", error->message);
  world->state_dir = g_build_filename (world->root, "server", NULL);
  world->server_log = g_build_filename (world->root, "server.log", NULL);

  server_argv[3] = world->state_dir;
  child_spawn (&world->server, G_SUBPROCESS_FLAGS_NONE, world->server_log, server_argv);
  while (world->server_pin == NULL || server_url == NULL)
    {
      g_autofree char *out = child_read_line (&world->server);

      if (g_str_has_prefix (out, "pin: "))
        world->server_pin = g_strdup (out + 5);
      else if (g_str_has_prefix (out, "url: "))
        server_url = g_strdup (out + 5);
    }

  upstream_port = g_strdup (strrchr (server_url, ':') + 1);
  proxy_argv[2] = upstream_port;
  child_spawn (&world->proxy, G_SUBPROCESS_FLAGS_STDIN_PIPE, NULL, proxy_argv);
  line = child_read_line (&world->proxy);
  if (!g_str_has_prefix (line, "port: "))
    fail ("the proxy said “%s”", line);
  world->url = g_strdup_printf ("https://127.0.0.1:%s", line + 6);
}

static void
world_stop (World *world)
{
  const char *argv[] = { "rm", "-rf", world->root, NULL };

  child_finish (&world->proxy, 0);
  child_finish (&world->server, SIGTERM);
  /* GLib has no recursive delete. */
  g_free (run_to_string (argv));

  g_clear_pointer (&world->root, g_free);
  g_clear_pointer (&world->state_dir, g_free);
  g_clear_pointer (&world->server_log, g_free);
  g_clear_pointer (&world->server_pin, g_free);
  g_clear_pointer (&world->url, g_free);
}

static void
spawn_device (World      *world,
              Child      *device,
              const char *data_dir,
              const char *officer)
{
  g_autofree char *code = issue_code (world, officer);
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *line = NULL;
  const char *argv[] = { self, "device", "--data-dir", data_dir, "--url", world->url,
                         "--server-pin", world->server_pin, "--code", code, NULL };

  child_spawn (device, G_SUBPROCESS_FLAGS_STDIN_PIPE, NULL, argv);
  line = child_read_line (device);
  if (!g_str_equal (line, "ready"))
    fail ("the device said “%s”", line);
}

static guint64
proxy_bytes (World *world)
{
  g_autofree char *stats = child_ask (&world->proxy, "stats");

  return field (stats, "up") + field (stats, "down");
}

static gsize
server_log_length (World *world)
{
  g_autofree char *log = NULL;
  gsize length = 0;

  if (!g_file_get_contents (world->server_log, &log, &length, NULL))
    fail ("cannot read the server's log");
  return length;
}

static int
compare_by_count (gconstpointer a,
                  gconstpointer b,
                  gpointer      counts)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (counts, *(const char **) b)) -
         GPOINTER_TO_UINT (g_hash_table_lookup (counts, *(const char **) a));
}

/* Requests the server logged ("METHOD PATH STATUS N ms") after @offset of
 * its log; @detail_out gets them per endpoint. */
static guint
server_requests_since (World  *world,
                       gsize   offset,
                       char  **detail_out)
{
  g_autoptr(GRegex) regex = g_regex_new (": ([A-Z]+ /\\S+) \\S+ [0-9]+ ms", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autoptr(GHashTable) counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) endpoints = NULL;
  g_autoptr(GString) detail = g_string_new (NULL);
  g_autofree char *log = NULL;
  GHashTableIter iter;
  gpointer key;
  gsize length = 0;
  guint total = 0;

  /* The server logs a request once its reply is out, which can be just
   * after the client has read it. */
  g_usleep (300 * 1000);
  if (!g_file_get_contents (world->server_log, &log, &length, NULL) || length < offset)
    fail ("cannot read the server's log");

  for (g_regex_match (regex, log + offset, 0, &match); g_match_info_matches (match); g_match_info_next (match, NULL))
    {
      char *endpoint = g_match_info_fetch (match, 1);
      guint count = GPOINTER_TO_UINT (g_hash_table_lookup (counts, endpoint));

      g_hash_table_replace (counts, endpoint, GUINT_TO_POINTER (count + 1));
      total++;
    }

  endpoints = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (endpoints, key);
  g_ptr_array_sort_with_data (endpoints, compare_by_count, counts);
  for (guint i = 0; i < endpoints->len; i++)
    g_string_append_printf (detail, "%s%u× %s", i > 0 ? ", " : "",
                            GPOINTER_TO_UINT (g_hash_table_lookup (counts, endpoints->pdata[i])),
                            (const char *) endpoints->pdata[i]);
  *detail_out = g_string_free (g_steal_pointer (&detail), FALSE);

  return total;
}

static guint
server_records (World      *world,
                const char *officer)
{
  g_autofree char *path = g_build_filename (world->state_dir, "faltkoll-server.db", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  guint count = 0;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, "SELECT count(*), count(DISTINCT uuid) FROM records "
                              "WHERE officer_id = ?1 AND kind = 'hotel-tip'", -1, &stmt, NULL) != SQLITE_OK)
    fail ("cannot read the server's database: %s", sqlite3_errmsg (db));

  sqlite3_bind_text (stmt, 1, officer, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW || sqlite3_column_int64 (stmt, 0) != sqlite3_column_int64 (stmt, 1))
    fail ("a record is on the server twice");
  count = sqlite3_column_int64 (stmt, 0);

  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return count;
}

/* Queues the tips on a device whose network is cut, then times the sync
 * once it is back. */
static void
run_batched (World *world,
             Child *device,
             Case  *result)
{
  g_autofree char *data_dir = g_build_filename (world->root, "device-batched", NULL);
  g_autofree char *command = g_strdup_printf ("save %u", result->count);
  g_autofree char *saved = NULL;
  g_autofree char *synced = NULL;
  guint64 bytes_before;
  gsize log_before;

  spawn_device (world, device, data_dir, OFFICER_BATCHED);

  g_free (child_ask (&world->proxy, "down"));
  saved = child_ask (device, command);
  if (field (saved, "pending") != result->count || field (saved, "sending") != 0)
    fail ("queueing left “%s”", saved);
  g_free (child_ask (&world->proxy, "up"));

  bytes_before = proxy_bytes (world);
  log_before = server_log_length (world);
  synced = child_ask (device, "sync");
  if (field (synced, "after") != 0 || field (synced, "was_sending") != 0)
    fail ("the sync left “%s”", synced);

  result->wall_s = field (synced, "wall_us") / 1e6;
  result->rss_mib = field (synced, "hwm_kb") / 1024.0;
  result->bytes = proxy_bytes (world) - bytes_before;
  result->requests = server_requests_since (world, log_before, &result->requests_detail);
  result->on_server = server_records (world, OFFICER_BATCHED);
}

static void
run_per_record (World *world,
                Case  *result)
{
  g_autofree char *data_dir = g_build_filename (world->root, "device-per-record", NULL);
  g_autofree char *command = g_strdup_printf ("send-each %u", result->sample);
  g_autofree char *sent = NULL;
  g_autofree char *expected = NULL;
  Child device = { 0 };
  guint64 bytes_before;
  gsize log_before;

  spawn_device (world, &device, data_dir, OFFICER_PER_RECORD);
  bytes_before = proxy_bytes (world);
  log_before = server_log_length (world);
  sent = child_ask (&device, command);

  result->each_wall_s = field (sent, "wall_us") / 1e6;
  result->each_first_s = field (sent, "first_us") / 1e6;
  result->each_rss_mib = field (sent, "hwm_kb") / 1024.0;
  result->each_bytes = proxy_bytes (world) - bytes_before;
  result->each_requests = server_requests_since (world, log_before, &result->each_requests_detail);
  result->each_on_server = server_records (world, OFFICER_PER_RECORD);
  expected = g_strdup_printf ("%u× POST %s", result->sample, FK_PATH_RECORDS_BATCH);
  if (!g_str_equal (result->each_requests_detail, expected))
    fail ("the server logged %s for %u records", result->each_requests_detail, result->sample);
  child_finish (&device, 0);
}

static void
run_in_flight (World *world,
               Case  *result)
{
  g_autofree char *data_dir = g_build_filename (world->root, "device-in-flight", NULL);
  Child device = { 0 };

  spawn_device (world, &device, data_dir, OFFICER_IN_FLIGHT);
  for (guint width = 1; width <= 2; width++)
    {
      g_autofree char *command = g_strdup_printf ("send-in-flight %u %u", result->count, width);
      g_autofree char *sent = child_ask (&device, command);

      result->in_flight_wall_s[width - 1] = field (sent, "wall_us") / 1e6;
      result->in_flight_connections[width - 1] = field (sent, "connections");
    }
  child_finish (&device, 0);
  if (server_records (world, OFFICER_IN_FLIGHT) != 2 * result->count)
    fail ("not all records sent in flight reached the server");
}

static void
run_case (Case     *result,
          guint     sample_limit,
          gboolean  in_flight)
{
  World world = { 0 };
  Child device = { 0 };

  world_start (&world, result->rtt_ms);

  run_batched (&world, &device, result);
  child_finish (&device, 0);
  if (result->on_server != result->count)
    fail ("%u of %u records reached the server", result->on_server, result->count);

  result->sample = result->rtt_ms > 0 ? MIN (result->count, sample_limit) : result->count;
  run_per_record (&world, result);
  if (result->each_on_server != result->sample)
    fail ("%u of %u per-record sends reached the server", result->each_on_server, result->sample);

  if (in_flight)
    run_in_flight (&world, result);

  world_stop (&world);
}

static char *
format_bytes (guint64 bytes)
{
  return g_format_size_full (bytes, G_FORMAT_SIZE_DEFAULT);
}

/* Measured, or for a sample: its first request, then the mean of the
 * others for each of the remaining records. */
static double
each_wall_for_all (const Case *c)
{
  if (c->sample == c->count || c->sample < 2)
    return c->each_wall_s * c->count / c->sample;

  return c->each_first_s + (c->each_wall_s - c->each_first_s) / (c->sample - 1) * (c->count - 1);
}

static void
print_tables (Case  *cases,
              guint  n_cases)
{
  printf ("\nSync of N queued hotel tips: batched (FkClient) and one request per record (baseline), same run\n\n");
  printf ("%-8s %6s %6s %8s %9s %10s %8s %18s %9s\n",
          "case", "N", "RTT", "wall s", "requests", "bytes", "RSS MiB", "baseline wall s", "speed-up");
  for (guint i = 0; i < n_cases; i++)
    {
      Case *c = &cases[i];
      g_autofree char *bytes = format_bytes (c->bytes);
      g_autofree char *rtt = g_strdup_printf ("%u ms", c->rtt_ms);
      g_autofree char *base = g_strdup_printf ("%.2f%s", each_wall_for_all (c), c->sample < c->count ? " (extrap.)" : "");

      printf ("%-8s %6u %6s %8.3f %9u %10s %8.1f %18s %8.0f×\n",
              "batched", c->count, rtt, c->wall_s, c->requests, bytes, c->rss_mib, base,
              each_wall_for_all (c) / c->wall_s);
    }

  printf ("\nBaseline detail (one POST /v1/records/batch per record, measured on the first \"sent\" records)\n\n");
  printf ("%-10s %6s %6s %6s %8s %9s %10s %8s %12s\n",
          "case", "N", "RTT", "sent", "wall s", "requests", "bytes", "RSS MiB", "ms/record");
  for (guint i = 0; i < n_cases; i++)
    {
      Case *c = &cases[i];
      g_autofree char *bytes = format_bytes (c->each_bytes);
      g_autofree char *rtt = g_strdup_printf ("%u ms", c->rtt_ms);

      printf ("%-10s %6u %6s %6u %8.3f %9u %10s %8.1f %12.2f\n",
              "per-record", c->count, rtt, c->sample, c->each_wall_s, c->each_requests, bytes,
              c->each_rss_mib, c->each_wall_s * 1000 / c->sample);
    }
}

static void
print_in_flight (Case  *cases,
                 guint  n_cases)
{
  printf ("\nBatches of %d with 1 or 2 requests out at once (raw FkApiClient, no store; one connection each)\n\n",
          FK_MAX_BATCH_RECORDS);
  printf ("%6s %6s %10s %6s %10s %6s %8s\n", "N", "RTT", "1: wall s", "conns", "2: wall s", "conns", "gain");
  for (guint i = 0; i < n_cases; i++)
    {
      Case *c = &cases[i];
      g_autofree char *rtt = g_strdup_printf ("%u ms", c->rtt_ms);

      printf ("%6u %6s %10.3f %6u %10.3f %6u %7.0f%%\n", c->count, rtt,
              c->in_flight_wall_s[0], c->in_flight_connections[0],
              c->in_flight_wall_s[1], c->in_flight_connections[1],
              100 * (1 - c->in_flight_wall_s[1] / c->in_flight_wall_s[0]));
    }
}

static void
print_requests (Case  *cases,
                guint  n_cases)
{
  printf ("\nRequests as the server logged them\n\n");
  for (guint i = 0; i < n_cases; i++)
    {
      printf ("  batched    %5u at %3u ms: %s\n", cases[i].count, cases[i].rtt_ms, cases[i].requests_detail);
      printf ("  per-record %5u at %3u ms: %s\n", cases[i].sample, cases[i].rtt_ms, cases[i].each_requests_detail);
    }
}

static void
print_goals (Case  *cases,
             guint  n_cases)
{
  printf ("\nGoals (issue 4), for information:\n");
  for (guint i = 0; i < n_cases; i++)
    {
      Case *c = &cases[i];
      double speed_up = each_wall_for_all (c) / c->wall_s;

      if (c->count == 1000 && c->rtt_ms == 100)
        {
          printf ("  1,000 tips at 100 ms RTT in under 2 s: %.2f s — %s\n",
                  c->wall_s, c->wall_s < 2.0 ? "met" : "NOT met");
          printf ("  … at least 50× the per-record baseline: %.0f×%s — %s\n", speed_up,
                  c->sample < c->count ? " (baseline extrapolated)" : "", speed_up >= 50 ? "met" : "NOT met");
        }
      else if (c->count == 10000 && c->rtt_ms == 0)
        {
          printf ("  10,000 tips on loopback in under 3 s: %.2f s — %s\n",
                  c->wall_s, c->wall_s < 3.0 ? "met" : "NOT met");
        }
    }
}

/* Other work on the machine skews every figure: say how much there was. */
static void
print_load (const char *when)
{
  g_autofree char *load = NULL;
  g_auto(GStrv) fields = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &load, NULL, NULL))
    return;
  fields = g_strsplit (load, " ", 4);
  printf ("  load average %s: %s %s %s on %u CPUs\n", when, fields[0], fields[1], fields[2],
          g_get_num_processors ());
}

static guint *
parse_list (const char *text,
            guint      *n_out)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  guint *values = g_new0 (guint, g_strv_length (parts) + 1);

  *n_out = g_strv_length (parts);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      guint64 value;

      if (!g_ascii_string_to_unsigned (parts[i], 10, 0, 1000000, &value, NULL))
        fail ("“%s” is not a number", parts[i]);
      values[i] = value;
    }

  return values;
}

/* An enrolled, logged-out store holding @count sent tips; with
 * --keep-session still logged in, its session kept in the keyring, so the
 * next FkClient opens it without the server. */
static int
run_prepare_store (int    argc,
                   char **argv)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *command = NULL;
  gboolean keep_session = FALSE;
  int count = 10000;
  GOptionEntry entries[] = {
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "Where to leave the store", "DIR" },
    { "count", 0, 0, G_OPTION_ARG_INT, &count, "Tips in it", "N" },
    { "keep-session", 0, 0, G_OPTION_ARG_NONE, &keep_session, "Stay logged in", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- prepare a store for bench-startup");
  g_autoptr(GError) error = NULL;
  World world = { 0 };
  Child device = { 0 };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || data_dir == NULL || count < 1)
    fail ("prepare-store: %s", error ? error->message : "--data-dir and a positive --count are needed");

  world_start (&world, 0);
  spawn_device (&world, &device, data_dir, OFFICER_BATCHED);
  g_free (child_ask (&world.proxy, "down"));
  command = g_strdup_printf ("save %d", count);
  g_free (child_ask (&device, command));
  g_free (child_ask (&world.proxy, "up"));
  g_free (child_ask (&device, "sync"));
  if (!keep_session)
    g_free (child_ask (&device, "logout"));
  child_finish (&device, 0);
  if (server_records (&world, OFFICER_BATCHED) != (guint) count)
    fail ("the prepared tips did not all reach the server");
  world_stop (&world);

  printf ("prepared %s: enrolled, %s, %d sent tips\n", data_dir, keep_session ? "session kept" : "logged out",
          count);
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *counts_text = g_strdup ("1000,10000");
  g_autofree char *rtts_text = g_strdup ("0,100");
  g_autofree char *self = NULL;
  g_autofree char *self_dir = NULL;
  g_autofree guint *counts = NULL;
  g_autofree guint *rtts = NULL;
  g_autofree Case *cases = NULL;
  int sample = 200;
  gboolean in_flight = FALSE;
  GOptionEntry entries[] = {
    { "counts", 0, 0, G_OPTION_ARG_STRING, &counts_text, "Numbers of tips, comma-separated", "N,…" },
    { "rtts", 0, 0, G_OPTION_ARG_STRING, &rtts_text, "Added round-trip times in ms", "MS,…" },
    { "sample", 0, 0, G_OPTION_ARG_INT, &sample,
      "With added latency, send at most this many per-record and extrapolate", "N" },
    { "in-flight", 0, 0, G_OPTION_ARG_NONE, &in_flight,
      "Also time raw batches with 1 and 2 requests out at once", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("[prepare-store] - sync benchmark");
  g_autoptr(GError) error = NULL;
  guint n_counts, n_rtts, n_cases = 0;

  if (argc > 1 && g_str_equal (argv[1], "device"))
    return run_device (argc - 1, argv + 1);

  /* build/bench/bench-sync: the build root is one up. */
  self = g_file_read_link ("/proc/self/exe", &error);
  if (self == NULL)
    fail ("%s", error->message);
  self_dir = g_path_get_dirname (self);
  build_root = g_strdup (g_getenv ("FK_BUILD_ROOT"));
  if (build_root == NULL)
    build_root = g_path_get_dirname (self_dir);

  if (argc > 1 && g_str_equal (argv[1], "prepare-store"))
    return run_prepare_store (argc - 1, argv + 1);

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || sample < 1)
    fail ("%s", error ? error->message : "--sample must be positive");

  counts = parse_list (counts_text, &n_counts);
  rtts = parse_list (rtts_text, &n_rtts);
  cases = g_new0 (Case, n_counts * n_rtts);

  printf ("bench-sync: server %s/server/faltkoll-server, latency by bench-latency-proxy\n", build_root);
  print_load ("before");
  for (guint r = 0; r < n_rtts; r++)
    for (guint c = 0; c < n_counts; c++)
      {
        Case *one = &cases[n_cases++];

        one->count = counts[c];
        one->rtt_ms = rtts[r];
        printf ("  running %u tips at %u ms RTT…\n", one->count, one->rtt_ms);
        fflush (stdout);
        run_case (one, sample, in_flight);
      }

  print_load ("after");
  print_tables (cases, n_cases);
  if (in_flight)
    print_in_flight (cases, n_cases);
  print_requests (cases, n_cases);
  print_goals (cases, n_cases);

  for (guint i = 0; i < n_cases; i++)
    {
      g_free (cases[i].requests_detail);
      g_free (cases[i].each_requests_detail);
    }
  return 0;
}
