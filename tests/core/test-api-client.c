/* test-api-client.c: FkApiClient loads its HTTP module, and with it
 * libcurl, at the first request and not before; a missing or foreign
 * module is an error the officer can act on, not a crash
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fk-api-client.h"
#include "fk-error.h"

#include "fk-test-modules.h"

/* Any 64 hex digits: no request here gets as far as the server's key. */
#define SOME_PIN "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

/* A loopback port nobody listens on: bound, then let go. */
static guint16
closed_port (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, any, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
on_call_ready (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* One GET against a closed port; returns its error. */
static GError *
call_closed_port (void)
{
  g_autofree char *url = g_strdup_printf ("https://127.0.0.1:%u", closed_port ());
  g_autoptr(FkApiClient) client = fk_api_client_new (url, SOME_PIN);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;
  GError *error = NULL;

  fk_api_client_call_async (client, "GET", "/v1/info", NULL, NULL, on_call_ready, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  node = fk_api_client_call_finish (client, result, NULL, &error);
  g_assert_null (node);
  return error;
}

static void
test_module_at_first_request (void)
{
  g_autoptr(FkApiClient) idle = fk_api_client_new ("https://127.0.0.1:1", SOME_PIN);
  g_autoptr(GError) error = NULL;

  /* A client that has sent nothing has loaded nothing. */
  g_assert_false (fk_test_mapped ("libcurl"));
  g_assert_false (fk_test_mapped ("fk-http-curl.so"));

  error = call_closed_port ();
  g_assert_error (error, FK_ERROR, FK_ERROR_NETWORK);
  g_assert_true (fk_test_mapped ("fk-http-curl.so"));
  g_assert_true (fk_test_mapped ("libcurl"));
}

static void
expect_incomplete_install (const char *module)
{
  g_autoptr(GError) error = NULL;

  /* The warning for the journal is the point; it must not abort here. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK);
  g_setenv ("FALTKOLL_HTTP_MODULE", module, TRUE);

  error = call_closed_port ();
  g_assert_error (error, FK_ERROR, FK_ERROR_INCOMPLETE_INSTALL);
  g_assert_cmpstr (error->message, ==, fk_error_code_to_message (FK_ERROR_INCOMPLETE_INSTALL));

  /* Asked again, the answer is the same, without loading anything. */
  g_clear_error (&error);
  error = call_closed_port ();
  g_assert_error (error, FK_ERROR, FK_ERROR_INCOMPLETE_INSTALL);
  g_assert_false (fk_test_mapped ("libcurl"));
}

static void
test_module_missing (void)
{
  g_autofree char *missing = g_build_filename (g_get_tmp_dir (), "fk-no-such-dir", "fk-http-curl.so", NULL);

  fk_test_module_unusable (expect_incomplete_install, missing, "*Cannot load the HTTP module*");
}

static void
test_module_foreign (void)
{
  /* A real shared object, but not ours: GLib's own. */
  g_autofree char *foreign = fk_test_mapped_path ("libglib-2.0.so");

  fk_test_module_unusable (expect_incomplete_install, foreign, "*is not the HTTP module of this version*");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/api-client/module-at-first-request", test_module_at_first_request);
  g_test_add_func ("/api-client/module-missing", test_module_missing);
  g_test_add_func ("/api-client/module-foreign", test_module_foreign);

  return g_test_run ();
}
