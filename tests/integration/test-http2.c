/* test-http2.c: the client speaks h2 where it is offered, HTTP/1.1 else
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libsoup 3.2's SoupServer cannot offer h2 (its HTTP/2 server is private
 * to libsoup's own tests), so faltkoll-server is always HTTP/1.1.  A real
 * h2 server, nghttpd (Debian package nghttp2-server), serves a copy of
 * /v1/info with faltkoll-server's own key, so the pin is the real one.
 */
#include "config.h"

#include <signal.h>
#include <sys/prctl.h>

#include "fk-api-client.h"
#include "fk-protocol.h"
#include "fk-test-server.h"

typedef struct {
  char         *root;
  FkTestServer *server;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *state_dir = NULL;

  fixture->root = g_dir_make_tmp ("fk-http2-XXXXXX", &error);
  g_assert_no_error (error);
  state_dir = g_build_filename (fixture->root, "server", NULL);
  fixture->server = fk_test_server_new (state_dir);
  fk_test_server_start (fixture->server, NULL);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_pointer (&fixture->server, fk_test_server_free);
  g_assert_cmpint (fk_test_run (NULL, NULL, NULL, "rm", "-rf", fixture->root, NULL), ==, 0);
  g_free (fixture->root);
}

/* GET /v1/info, which needs no session, and its "protocol" member. */
static gint64
get_protocol (FkApiClient *api)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = NULL;

  fk_api_client_call_async (api, "GET", FK_PATH_INFO, NULL, NULL, fk_test_keep_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  reply = fk_api_client_call_finish (api, result, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (reply);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (reply));
  return json_object_get_int_member_with_default (json_node_get_object (reply), "protocol", -1);
}

/* The real server: ALPN settles on HTTP/1.1 and the connection is kept. */
static void
test_http11_from_faltkoll_server (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(FkApiClient) api = fk_api_client_new (fixture->server->url, fixture->server->pin);

  g_assert_cmpint (get_protocol (api), ==, FK_PROTOCOL_VERSION);
  g_assert_cmpint (get_protocol (api), ==, FK_PROTOCOL_VERSION);
  g_assert_cmpstr (fk_api_client_get_http_version (api), ==, "1.1");
  g_assert_cmpuint (fk_api_client_get_connections (api), ==, 1);
}

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static guint
free_port (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM,
                                                G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error));
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
wait_for_port (guint port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autoptr(GSocketConnection) connection = g_socket_client_connect_to_host (client, "127.0.0.1", port,
                                                                                NULL, NULL);

      if (connection != NULL)
        return;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (20000);
    }
}

/* nghttpd with faltkoll-server's key offers h2 first: the client takes it,
 * and keeps its one connection as with HTTP/1.1. */
static void
test_h2_where_offered (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *nghttpd = g_find_program_in_path ("nghttpd");
  g_autofree char *docroot = g_build_filename (fixture->root, "h2", NULL);
  g_autofree char *info_dir = g_build_filename (docroot, FK_PROTOCOL_PREFIX, NULL);
  g_autofree char *info = g_build_filename (docroot, FK_PATH_INFO, NULL);
  g_autofree char *key = g_build_filename (fixture->server->state_dir, "server-key.pem", NULL);
  g_autofree char *cert = g_build_filename (fixture->server->state_dir, "server.pem", NULL);
  g_autofree char *info_json = g_strdup_printf ("{\"protocol\": %d}", FK_PROTOCOL_VERSION);
  guint port = free_port ();
  g_autofree char *port_arg = g_strdup_printf ("%u", port);
  g_autofree char *url = g_strdup_printf ("https://127.0.0.1:%u", port);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autoptr(GSubprocess) h2_server = NULL;
  g_autoptr(FkApiClient) api = NULL;
  g_autoptr(GError) error = NULL;

  if (nghttpd == NULL)
    nghttpd = g_strdup ("/usr/sbin/nghttpd");
  if (!g_file_test (nghttpd, G_FILE_TEST_IS_EXECUTABLE))
    g_error ("nghttpd is missing: install the Debian package nghttp2-server");

  g_assert_cmpint (g_mkdir_with_parents (info_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (info, info_json, -1, &error));
  g_assert_no_error (error);

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  h2_server = g_subprocess_launcher_spawn (launcher, &error, nghttpd, "--address=127.0.0.1",
                                           "--htdocs", docroot, port_arg, key, cert, NULL);
  g_assert_no_error (error);
  wait_for_port (port);

  api = fk_api_client_new (url, fixture->server->pin);
  g_assert_null (fk_api_client_get_http_version (api));
  g_assert_cmpint (get_protocol (api), ==, FK_PROTOCOL_VERSION);
  g_assert_cmpint (get_protocol (api), ==, FK_PROTOCOL_VERSION);
  g_assert_cmpstr (fk_api_client_get_http_version (api), ==, "2");
  g_assert_cmpuint (fk_api_client_get_connections (api), ==, 1);
  g_assert_cmpuint (fk_api_client_get_requests (api), ==, 2);

  g_subprocess_force_exit (h2_server);
  g_subprocess_wait (h2_server, NULL, &error);
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/http2/http11-from-faltkoll-server", Fixture, NULL,
              fixture_setup, test_http11_from_faltkoll_server, fixture_teardown);
  g_test_add ("/http2/h2-where-offered", Fixture, NULL,
              fixture_setup, test_h2_where_offered, fixture_teardown);

  return g_test_run ();
}
