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

/* A fresh client on @data_dir, enrolled at @server for @officer, LOCKED. */
static FkClient *
enrolled_client (FkTestServer *server,
                 const char   *data_dir,
                 const char   *officer)
{
  g_autofree char *code = fk_test_server_issue_code (server, officer);
  g_autoptr(FkClient) client = fk_client_new (data_dir);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) enrolled = NULL;
  g_autoptr(GError) error = NULL;

  fk_client_load_async (client, NULL, fk_test_keep_result, &result);
  g_assert_true (fk_client_load_finish (client, fk_test_wait_for (&result), &error));
  g_assert_no_error (error);

  fk_client_enroll_async (client, server->url, server->pin, code, FK_UI_TEST_PIN,
                          NULL, fk_test_keep_result, &enrolled);
  g_assert_true (fk_client_enroll_finish (client, fk_test_wait_for (&enrolled), &error));
  g_assert_no_error (error);
  g_assert_cmpint (fk_client_get_state (client), ==, FK_CLIENT_STATE_LOCKED);

  return g_steal_pointer (&client);
}

/* Under fk-test-env's root, which it removes afterwards. */
static char *
make_test_dir (const char *name)
{
  char *dir;

  g_assert_nonnull (g_getenv ("FK_TEST_ROOT"));
  dir = g_build_filename (g_getenv ("FK_TEST_ROOT"), name, NULL);
  g_assert_nonnull (g_mkdtemp (dir));
  return dir;
}

FkUiTestClient *
fk_ui_test_client_new (const char * const *server_args)
{
  FkUiTestClient *self = g_new0 (FkUiTestClient, 1);
  g_autofree char *server_dir = make_test_dir ("server-XXXXXX");

  self->data_dir = make_test_dir ("client-XXXXXX");
  self->server = fk_test_server_new (server_dir);
  fk_test_server_start (self->server, server_args);
  self->client = enrolled_client (self->server, self->data_dir, "officer-ui-1");

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

/* Invented, and valid: every rule of the core passes. */
static FkHotelTip *
valid_tip (const char *hotel_name)
{
  FkHotelTip *tip = fk_hotel_tip_new ();
  g_autoptr(GDateTime) received_at = g_date_time_new_local (2024, 5, 31, 21, 30, 0);

  fk_hotel_tip_set_hotel_name (tip, hotel_name);
  fk_hotel_tip_set_hotel_address (tip, "Exempelgatan 1");
  fk_hotel_tip_set_municipality (tip, "Exempelstad");
  fk_hotel_tip_set_received_at (tip, received_at);
  fk_hotel_tip_set_description (tip, "Many short visits to one room during the night.");
  fk_hotel_tip_set_indicators (tip, FK_TIP_INDICATOR_SHORT_VISITS);
  return tip;
}

static void
save_tip (FkClient   *client,
          FkHotelTip *tip,
          gboolean    send)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fk_client_save_tip_async (client, tip, send, NULL, fk_test_keep_result, &result);
  g_assert_true (fk_client_save_tip_finish (client, fk_test_wait_for (&result), &error));
  g_assert_no_error (error);
}

static void
wait_tip_state (FkHotelTip    *tip,
                FkRecordState  state)
{
  guint timeout_id = g_timeout_add_seconds (30, on_timeout, (gpointer) "a tip's state");

  while (fk_hotel_tip_get_state (tip) != state)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout_id);
}

FkHotelTip *
fk_ui_test_client_save_tip (FkUiTestClient *self,
                            const char     *hotel_name,
                            gboolean        send)
{
  g_autoptr(FkHotelTip) tip = valid_tip (hotel_name);

  save_tip (self->client, tip, send);
  return g_steal_pointer (&tip);
}

FkHotelTip *
fk_ui_test_client_save_refused_tip (FkUiTestClient *self,
                                    const char     *hotel_name)
{
  g_autofree char *other_dir = make_test_dir ("other-XXXXXX");
  g_autoptr(FkClient) other = enrolled_client (self->server, other_dir, "officer-ui-2");
  g_autoptr(FkHotelTip) theirs = valid_tip ("Hotell Någon Annans");
  g_autoptr(FkHotelTip) ours = valid_tip (hotel_name);
  g_autoptr(JsonObject) payload = fk_hotel_tip_to_payload (ours);
  g_autoptr(FkHotelTip) tip = NULL;
  g_autoptr(GAsyncResult) closed = NULL;
  g_autoptr(GError) error = NULL;

  fk_ui_test_login (other);
  save_tip (other, theirs, TRUE);
  wait_tip_state (theirs, FK_RECORD_STATE_SENT);
  fk_client_close_async (other, NULL, fk_test_keep_result, &closed);
  g_assert_true (fk_client_close_finish (other, fk_test_wait_for (&closed), &error));
  g_assert_no_error (error);

  /* The same uuid: the server keeps a record for its officer alone. */
  tip = fk_hotel_tip_new_from_payload (fk_hotel_tip_get_uuid (theirs), payload, &error);
  g_assert_no_error (error);
  save_tip (self->client, tip, TRUE);
  wait_tip_state (tip, FK_RECORD_STATE_FAILED);

  return g_steal_pointer (&tip);
}

FkEventChecklist *
fk_ui_test_client_save_checklist (FkUiTestClient *self,
                                  const char     *event_name)
{
  g_autoptr(FkChecklistTemplate) template_ = g_list_model_get_item (fk_client_get_templates (self->client), 0);
  g_autoptr(FkEventChecklist) checklist = fk_event_checklist_new (template_);
  g_autoptr(GDateTime) starts_at = g_date_time_new_local (2026, 6, 20, 14, 0, 0);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fk_event_checklist_set_event (checklist, event_name, "Föreningen Exempel", "Stadsparken",
                                starts_at, NULL, 2000, "Syd");
  fk_client_save_checklist_async (self->client, checklist, NULL, fk_test_keep_result, &result);
  g_assert_true (fk_client_save_checklist_finish (self->client, fk_test_wait_for (&result), &error));
  g_assert_no_error (error);

  return g_steal_pointer (&checklist);
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
