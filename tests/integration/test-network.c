/* test-network.c: the outbox goes at once when the network comes back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs in a network namespace of its own (meson wraps it in unshare -n),
 * with GIO's netlink monitor, which calls the network available while a
 * default route exists.  The real server listens on this namespace's lo,
 * which works either way; the routes alone make the network come and go.
 *
 * The server answers the first batch with 503 and Retry-After: 300, so the
 * engine's next try is five minutes off.  The network then goes down, the
 * server is healed, and the network comes back: the tip must reach the
 * server within seconds, once, and nothing in between.
 */
#include "config.h"

#include <string.h>

#include "fk-client.h"
#include "fk-protocol.h"
#include "fk-test-client.h"
#include "fk-test-server.h"

#define OFFICER "officer-test-47"
#define PIN     "583016"

/* The backoff the server asks for, and how soon "at once" must be. */
#define RETRY_AFTER_SECONDS "300"
#define SENT_WITHIN_SECONDS 2

/* GLib reads the routes again a second or two after any change and says
 * network-changed once more; IPv6 addresses settle over a few seconds.
 * The network has settled when it was this long quiet. */
#define QUIET_MS 2500

typedef struct {
  char         *root;
  char         *data_dir;
  FkTestServer *server;
  FkClient     *client;

  GNetworkMonitor *monitor;
  gint64        last_change;    /* monotonic µs of the last network-changed,
                                 * 0 if none since the routes changed */
  gboolean      available;      /* as it said then */
  gboolean      expected;       /* as it should say once settled */
} Fixture;

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

/* TRUE once done() holds, FALSE if @milliseconds passed first. */
static gboolean
iterate_until (gboolean (*done) (gpointer),
               gpointer   data,
               guint      milliseconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) milliseconds * 1000;

  while (!done (data))
    {
      if (g_get_monotonic_time () >= deadline)
        return FALSE;
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }

  return TRUE;
}

/* Runs `ip` with @args split at spaces; it must succeed.  Its output. */
static char *
ip (const char *args)
{
  g_autofree char *program = g_find_program_in_path ("ip");
  g_auto(GStrv) words = g_strsplit (args, " ", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  if (program == NULL)
    g_error ("ip is missing (Debian's iproute2)");

  g_strv_builder_add (builder, program);
  g_strv_builder_addv (builder, (const char **) words);
  argv = g_strv_builder_end (builder);
  process = g_subprocess_newv ((const char * const *) argv,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_if_exited (process) || g_subprocess_get_exit_status (process) != 0)
    g_error ("ip %s failed: %s", args, err);

  return g_steal_pointer (&out);
}

static void
ip_ok (const char *args)
{
  g_autofree char *out = ip (args);
}

static void
on_network_changed (GNetworkMonitor *monitor,
                    gboolean         available,
                    Fixture         *fixture)
{
  fixture->last_change = g_get_monotonic_time ();
  fixture->available = available;
  g_test_message ("network-changed: %s", available ? "available" : "unavailable");
}

/* Links and routes come and go: the network should then be @available. */
static void
change_network (Fixture            *fixture,
               const char * const *commands,
               gboolean            available)
{
  fixture->last_change = 0;
  fixture->expected = available;
  for (guint i = 0; commands[i] != NULL; i++)
    ip_ok (commands[i]);
}

static gboolean
network_settled (gpointer data)
{
  Fixture *fixture = data;

  return fixture->last_change != 0 && fixture->available == fixture->expected &&
         g_get_monotonic_time () - fixture->last_change >= QUIET_MS * 1000;
}

/* Waits until the monitor saw the change and then stayed quiet. */
static void
wait_network_settled (Fixture *fixture)
{
  g_assert_true (iterate_until (network_settled, fixture, 15000));
  g_assert_cmpint (g_network_monitor_get_network_available (fixture->monitor), ==, fixture->expected);
}

static void
start_server (Fixture            *fixture,
              const char         *log_name,
              const char * const *args)
{
  g_free (fixture->server->log_path);
  fixture->server->log_path = g_build_filename (fixture->root, log_name, NULL);
  fk_test_server_start (fixture->server, args);
}

/* Requests in a server log, and of them the batches. */
static guint
count_in_log (Fixture    *fixture,
              const char *log_name,
              const char *needle)
{
  g_autofree char *path = g_build_filename (fixture->root, log_name, NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  guint count = 0;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  for (const char *p = strstr (text, needle); p != NULL; p = strstr (p + 1, needle))
    count++;

  return count;
}

#define ANY_REQUEST " " FK_PROTOCOL_PREFIX "/"
#define BATCH       "POST " FK_PATH_RECORDS_BATCH " "

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *state_dir = NULL;
  g_autofree char *code = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  fixture->monitor = g_object_ref (g_network_monitor_get_default ());
  g_signal_connect (fixture->monitor, "network-changed", G_CALLBACK (on_network_changed), fixture);

  /* Only lo: no default route, no network. */
  g_assert_cmpstr (G_OBJECT_TYPE_NAME (fixture->monitor), ==, "GNetworkMonitorNetlink");
  g_assert_false (g_network_monitor_get_network_available (fixture->monitor));

  fixture->root = g_dir_make_tmp ("fk-network-XXXXXX", &error);
  g_assert_no_error (error);
  state_dir = g_build_filename (fixture->root, "server", NULL);
  fixture->data_dir = g_build_filename (fixture->root, "device", NULL);
  fixture->server = fk_test_server_new (state_dir);
  start_server (fixture, "enroll.log", NULL);

  fixture->client = fk_test_load_client (fixture->data_dir);
  code = fk_test_server_issue_code (fixture->server, OFFICER);
  fk_client_enroll_async (fixture->client, fixture->server->url, fixture->server->pin, code, PIN,
                          NULL, fk_test_keep_result, &result);
  g_assert_true (fk_client_enroll_finish (fixture->client, fk_test_wait_for (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  fk_client_login_async (fixture->client, PIN, NULL, fk_test_keep_result, &result);
  g_assert_true (fk_client_login_finish (fixture->client, fk_test_wait_for (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  /* Whatever the login started is over before the server changes. */
  fk_client_sync_async (fixture->client, NULL, fk_test_keep_result, &result);
  g_assert_true (fk_client_sync_finish (fixture->client, fk_test_wait_for (&result), &error));
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  static const char * const link_gone[] = { "link del fk0", NULL };

  g_clear_object (&fixture->client);
  g_clear_pointer (&fixture->server, fk_test_server_free);
  /* The next test starts, as this one did, with no network. */
  change_network (fixture, link_gone, FALSE);
  wait_network_settled (fixture);
  g_signal_handlers_disconnect_by_data (fixture->monitor, fixture);
  g_clear_object (&fixture->monitor);
  g_assert_cmpint (fk_test_run (NULL, NULL, NULL, "rm", "-rf", fixture->root, NULL), ==, 0);
  g_free (fixture->root);
  g_free (fixture->data_dir);
}

static gboolean
first_attempt_failed (gpointer data)
{
  Fixture *fixture = data;
  FkSyncEngine *engine = fk_client_get_sync_engine (fixture->client);

  return !fk_sync_engine_get_sending (engine) && fk_sync_engine_get_last_error (engine) != NULL &&
         count_in_log (fixture, "faulting.log", BATCH) == 1;
}

typedef struct {
  Fixture    *fixture;
  const char *uuid;
} Sent;

/* How coverage goes and comes back: ip commands for each. */
typedef struct {
  const char * const *lost;
  const char * const *back;
} Outage;

static const char * const link_up[] = {
  "link add fk0 type veth peer name fk1", "addr add 10.99.0.2/24 dev fk0",
  "link set fk1 up", "link set fk0 up", "route add default dev fk0", NULL
};
static const char * const route_del[] = { "route del default", NULL };
static const char * const route_add[] = { "route add default dev fk0", NULL };

static const Outage route_outage = { route_del, route_add };
/* The link itself goes: GLib says "available" once more on its way out. */
static const char * const link_del[] = { "link del fk0", NULL };
static const Outage link_outage = { link_del, link_up };

static gboolean
on_server (gpointer data)
{
  Sent *sent = data;

  return fk_test_server_count_records (sent->fixture->server, sent->uuid) > 0;
}

static gboolean
nothing_pending (gpointer data)
{
  FkSyncEngine *engine = data;

  return fk_sync_engine_get_pending (engine) == 0 && !fk_sync_engine_get_sending (engine);
}

static void
test_back_online (Fixture       *fixture,
                  gconstpointer  data)
{
  const Outage *outage = data;
  static const char * const faulting_args[] = {
    "--faults", "1:503", "--fault-retry-after", RETRY_AFTER_SECONDS, NULL
  };
  FkSyncEngine *engine = fk_client_get_sync_engine (fixture->client);
  g_autoptr(FkHotelTip) tip = fk_hotel_tip_new ();
  g_autoptr(GDateTime) received = g_date_time_new_now_utc ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  Sent sent = { fixture, NULL };
  gint64 up;

  /* Coverage: a link with an address and a default route. */
  change_network (fixture, link_up, TRUE);
  wait_network_settled (fixture);

  /* The server fails every batch and asks for five minutes' peace. */
  fk_test_server_stop (fixture->server);
  start_server (fixture, "faulting.log", faulting_args);

  fk_hotel_tip_set_hotel_name (tip, "Hotell Påhitt");
  fk_hotel_tip_set_municipality (tip, "Exempelby");
  fk_hotel_tip_set_received_at (tip, received);
  fk_hotel_tip_set_description (tip, "Många korta besök till samma rum under kvällen.");
  fk_client_save_tip_async (fixture->client, tip, TRUE, NULL, fk_test_keep_result, &result);
  g_assert_true (fk_client_save_tip_finish (fixture->client, fk_test_wait_for (&result), &error));
  g_assert_no_error (error);
  sent.uuid = fk_hotel_tip_get_uuid (tip);

  g_assert_true (iterate_until (first_attempt_failed, fixture, 10000));
  g_assert_cmpuint (fk_sync_engine_get_pending (engine), ==, 1);

  /* Out of coverage, and that starts nothing. */
  change_network (fixture, outage->lost, FALSE);
  wait_network_settled (fixture);

  /* The server is well again, but the device has no network and waits out
   * its backoff. */
  fk_test_server_stop (fixture->server);
  g_assert_cmpuint (count_in_log (fixture, "faulting.log", ANY_REQUEST), ==, 1);
  g_assert_cmpuint (count_in_log (fixture, "faulting.log", BATCH), ==, 1);
  g_assert_cmpint (fk_test_server_count_records (fixture->server, NULL), ==, 0);
  start_server (fixture, "healed.log", NULL);
  spin (1000);
  g_assert_cmpuint (count_in_log (fixture, "healed.log", ANY_REQUEST), ==, 0);
  g_assert_cmpuint (fk_sync_engine_get_pending (engine), ==, 1);

  /* Back in coverage: the tip goes now, not in five minutes. */
  up = g_get_monotonic_time ();
  change_network (fixture, outage->back, TRUE);
  g_assert_true (iterate_until (on_server, &sent, SENT_WITHIN_SECONDS * 1000));
  g_test_message ("On the server %" G_GINT64_FORMAT " ms after coverage came back",
                  (g_get_monotonic_time () - up) / 1000);
  g_assert_true (iterate_until (nothing_pending, engine, 5000));
  g_assert_null (fk_sync_engine_get_last_error (engine));

  /* Once, and nothing more when GLib says so again. */
  wait_network_settled (fixture);
  g_assert_cmpint (fk_test_server_count_records (fixture->server, sent.uuid), ==, 1);
  g_assert_cmpint (fk_test_server_count_records (fixture->server, NULL), ==, 1);
  g_assert_cmpuint (count_in_log (fixture, "healed.log", BATCH), ==, 1);
  g_assert_cmpint (fk_hotel_tip_get_state (tip), ==, FK_RECORD_STATE_SENT);
}

/* The ip commands here change the network of whatever namespace this runs
 * in: never the machine's own, which has more than a loopback. */
static void
assert_own_network_namespace (void)
{
  g_autofree char *links = ip ("-o link show");
  g_auto(GStrv) lines = g_strsplit (g_strstrip (links), "\n", -1);

  if (g_strv_length (lines) != 1 || strstr (lines[0], ": lo:") == NULL)
    g_error ("test-network must run in a network namespace of its own, as meson test runs it "
             "(unshare --net); here are other links: %s", links);
}

int
main (int   argc,
      char *argv[])
{
  /* The monitor that watches this namespace's routes; the default might
   * be NetworkManager's, which knows nothing of them. */
  g_setenv ("GIO_USE_NETWORK_MONITOR", "netlink", TRUE);
  g_test_init (&argc, &argv, NULL);

  assert_own_network_namespace ();
  ip_ok ("link set lo up");

  g_test_add ("/network/route-back", Fixture, &route_outage,
              fixture_setup, test_back_online, fixture_teardown);
  g_test_add ("/network/link-back", Fixture, &link_outage,
              fixture_setup, test_back_online, fixture_teardown);

  return g_test_run ();
}
