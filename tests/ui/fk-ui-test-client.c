/* fk-ui-test-client.c: a real client enrolled at a real reference server,
 * for UI tests that need a session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fk-ui-test-client.h"

static gboolean
on_timeout (gpointer user_data)
{
  g_error ("Timed out waiting for %s", (const char *) user_data);
  return G_SOURCE_REMOVE;
}

void
fk_ui_test_wait_state (FkClient      *client,
                       FkClientState  state,
                       guint          seconds)
{
  guint timeout_id = g_timeout_add_seconds (seconds, on_timeout, (gpointer) "a client state");

  while (fk_client_get_state (client) != state)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout_id);
}

FkUiTestClient *
fk_ui_test_client_new (const char * const *server_args)
{
  FkUiTestClient *self = g_new0 (FkUiTestClient, 1);
  g_autofree char *server_dir = NULL;
  g_autofree char *code = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) enrolled = NULL;
  g_autoptr(GError) error = NULL;

  /* Under fk-test-env's root, which it removes afterwards. */
  g_assert_nonnull (g_getenv ("FK_TEST_ROOT"));
  server_dir = g_build_filename (g_getenv ("FK_TEST_ROOT"), "server-XXXXXX", NULL);
  g_assert_nonnull (g_mkdtemp (server_dir));
  self->data_dir = g_build_filename (g_getenv ("FK_TEST_ROOT"), "client-XXXXXX", NULL);
  g_assert_nonnull (g_mkdtemp (self->data_dir));

  self->server = fk_test_server_new (server_dir);
  fk_test_server_start (self->server, server_args);
  code = fk_test_server_issue_code (self->server, "officer-ui-1");

  self->client = fk_client_new (self->data_dir);
  fk_client_load_async (self->client, NULL, fk_test_keep_result, &result);
  g_assert_true (fk_client_load_finish (self->client, fk_test_wait_for (&result), &error));
  g_assert_no_error (error);

  fk_client_enroll_async (self->client, self->server->url, self->server->pin, code, FK_UI_TEST_PIN,
                          NULL, fk_test_keep_result, &enrolled);
  g_assert_true (fk_client_enroll_finish (self->client, fk_test_wait_for (&enrolled), &error));
  g_assert_no_error (error);
  g_assert_cmpint (fk_client_get_state (self->client), ==, FK_CLIENT_STATE_LOCKED);

  return self;
}

void
fk_ui_test_login (FkClient *client)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fk_client_login_async (client, FK_UI_TEST_PIN, NULL, fk_test_keep_result, &result);
  g_assert_true (fk_client_login_finish (client, fk_test_wait_for (&result), &error));
  g_assert_no_error (error);
  g_assert_cmpint (fk_client_get_state (client), ==, FK_CLIENT_STATE_UNLOCKED);
}

void
fk_ui_test_client_login (FkUiTestClient *self)
{
  fk_ui_test_login (self->client);
}

FkHotelTip *
fk_ui_test_client_save_tip (FkUiTestClient *self,
                            const char     *hotel_name,
                            gboolean        send)
{
  g_autoptr(FkHotelTip) tip = fk_hotel_tip_new ();
  g_autoptr(GDateTime) received_at = g_date_time_new_local (2024, 5, 31, 21, 30, 0);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  /* Invented, and valid: every rule of the core passes. */
  fk_hotel_tip_set_hotel_name (tip, hotel_name);
  fk_hotel_tip_set_hotel_address (tip, "Exempelgatan 1");
  fk_hotel_tip_set_municipality (tip, "Exempelstad");
  fk_hotel_tip_set_received_at (tip, received_at);
  fk_hotel_tip_set_description (tip, "Many short visits to one room during the night.");
  fk_hotel_tip_set_indicators (tip, FK_TIP_INDICATOR_SHORT_VISITS);

  fk_client_save_tip_async (self->client, tip, send, NULL, fk_test_keep_result, &result);
  g_assert_true (fk_client_save_tip_finish (self->client, fk_test_wait_for (&result), &error));
  g_assert_no_error (error);

  return g_steal_pointer (&tip);
}

void
fk_ui_test_client_free (FkUiTestClient *self)
{
  g_autoptr(GAsyncResult) result = NULL;

  /* Nothing left on its way to disk when the test's root goes. */
  fk_client_close_async (self->client, NULL, fk_test_keep_result, &result);
  fk_client_close_finish (self->client, fk_test_wait_for (&result), NULL);
  g_object_unref (self->client);
  fk_test_server_free (self->server);
  g_free (self->data_dir);
  g_free (self);
}
