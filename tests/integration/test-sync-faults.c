/* test-sync-faults.c: exactly once through a hostile network and kill -9
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The real core against the real server in its fault mode: dropped
 * connections before and after the commit, 500/503/429 and truncated
 * replies; the client killed with SIGKILL at random points of a sync; and
 * the server killed with SIGKILL between its commit and its reply.
 * The server's database and the device's store judge the outcome.
 */
#include "config.h"

#include <signal.h>
#include <string.h>

#include "fk-client.h"
#include "fk-error.h"
#include "fk-protocol.h"
#include "fk-test-client.h"
#include "fk-test-server.h"

#define OFFICER "officer-test-23"
#define PIN     "583016"

typedef struct {
  char         *root;
  char         *data_dir;
  FkTestServer *server;
  FkClient     *client;
  GAsyncResult *result;
} Fixture;

static void
iterate_until (gboolean (*done) (gpointer),
               gpointer   data,
               guint      seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;

  while (!done (data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  const char * const *server_args = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *state_dir = NULL;
  g_autofree char *code = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  fixture->root = g_dir_make_tmp ("fk-faults-XXXXXX", &error);
  g_assert_no_error (error);
  state_dir = g_build_filename (fixture->root, "server", NULL);
  fixture->data_dir = g_build_filename (fixture->root, "device", NULL);
  fixture->server = fk_test_server_new (state_dir);
  fk_test_server_start (fixture->server, server_args);

  /* Activation and login are not faulted: only authenticated endpoints are. */
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
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->client);
  g_clear_pointer (&fixture->server, fk_test_server_free);
  g_assert_cmpint (fk_test_run (NULL, NULL, NULL, "rm", "-rf", fixture->root, NULL), ==, 0);
  g_free (fixture->root);
  g_free (fixture->data_dir);
}

static FkHotelTip *
invented_tip (guint       n,
              const char *description)
{
  FkHotelTip *tip = fk_hotel_tip_new ();
  g_autofree char *name = g_strdup_printf ("Hotell Påhitt %u", n);
  g_autoptr(GDateTime) received = g_date_time_new_now_utc ();

  fk_hotel_tip_set_hotel_name (tip, name);
  fk_hotel_tip_set_municipality (tip, "Exempelby");
  fk_hotel_tip_set_received_at (tip, received);
  fk_hotel_tip_set_description (tip, description);
  return tip;
}

#define SHORT_DESCRIPTION "Många korta besök till samma rum under kvällen."

/* Saves while the server is away, so the outbox is full when it returns. */
static GPtrArray *
queue_tips_described (Fixture    *fixture,
                      guint       count,
                      const char *description)
{
  GPtrArray *uuids = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < count; i++)
    {
      g_autoptr(FkHotelTip) tip = invented_tip (i, description);
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;

      fk_client_save_tip_async (fixture->client, tip, TRUE, NULL, fk_test_keep_result, &result);
      g_assert_true (fk_client_save_tip_finish (fixture->client, fk_test_wait_for (&result), &error));
      g_assert_no_error (error);
      g_ptr_array_add (uuids, g_strdup (fk_hotel_tip_get_uuid (tip)));
    }

  return uuids;
}

static GPtrArray *
queue_tips (Fixture *fixture,
            guint    count)
{
  return queue_tips_described (fixture, count, SHORT_DESCRIPTION);
}

static gboolean
all_sent (gpointer data)
{
  FkClient *client = data;
  FkSyncEngine *engine = fk_client_get_sync_engine (client);

  return fk_sync_engine_get_pending (engine) == 0 && !fk_sync_engine_get_sending (engine);
}

static void
assert_each_once (Fixture   *fixture,
                  GPtrArray *uuids)
{
  g_assert_cmpint (fk_test_server_count_records (fixture->server, NULL), ==, uuids->len);
  for (guint i = 0; i < uuids->len; i++)
    g_assert_cmpint (fk_test_server_count_records (fixture->server, g_ptr_array_index (uuids, i)), ==, 1);
}

static void
assert_all_sent_locally (const char *data_dir,
                         guint       count)
{
  g_autoptr(FkClient) client = fk_test_load_client (data_dir);
  GListModel *tips = fk_client_get_tips (client);

  g_assert_cmpuint (g_list_model_get_n_items (tips), ==, count);
  for (guint i = 0; i < count; i++)
    {
      g_autoptr(FkHotelTip) tip = g_list_model_get_item (tips, i);

      g_assert_cmpint (fk_hotel_tip_get_state (tip), ==, FK_RECORD_STATE_SENT);
    }
}

static const char * const fault_args[] = {
  "--faults", "0.3:drop-before,drop-after,500,503,429,truncate", "--fault-seed", "20261124", NULL
};

/* 1,000 records, 30% of requests failing in mixed ways: the engine's own
 * backoff retries until each is on the server exactly once. */
static void
test_thousand_through_faults (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GPtrArray) uuids = NULL;

  fk_test_server_stop (fixture->server);
  uuids = queue_tips (fixture, 1000);
  fk_test_server_start (fixture->server, fault_args);

  {
    g_autoptr(GAsyncResult) result = NULL;

    /* This first run may well fail; the retries after it must not. */
    fk_client_sync_async (fixture->client, NULL, fk_test_keep_result, &result);
    fk_client_sync_finish (fixture->client, fk_test_wait_for (&result), NULL);
  }
  iterate_until (all_sent, fixture->client, 120);

  assert_each_once (fixture, uuids);
  g_clear_object (&fixture->client);
  assert_all_sent_locally (fixture->data_dir, uuids->len);
}

/* The server commits, then holds its reply this long: most kills land in
 * that window, after the server has the batch and before the device knows. */
static const char * const latency_args[] = { "--latency-ms", "300", NULL };

static void
test_kill_nine_during_sync (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GPtrArray) uuids = NULL;
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (4711);
  guint kills = 0;

  fk_test_server_stop (fixture->server);
  uuids = queue_tips (fixture, 800);
  /* The session stays in the keyring for the children; this process lets go. */
  g_clear_object (&fixture->client);
  fk_test_server_start (fixture->server, latency_args);

  for (guint i = 0; i < 50; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSubprocess) child = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, self_exe,
                                                       "--child-sync", fixture->data_dir, NULL);

      g_assert_no_error (error);
      /* Up to just past one round trip: rarely does a child finish a batch. */
      g_usleep (g_rand_int_range (rand, 20, 350) * 1000);
      g_subprocess_force_exit (child);
      g_subprocess_wait (child, NULL, &error);
      g_assert_no_error (error);
      if (g_subprocess_get_if_signaled (child) &&
          fk_test_server_count_records (fixture->server, NULL) < uuids->len)
        kills++;
    }
  /* Runs must really have died with work left, and the server must have
   * committed batches whose replies died with them, or this proves nothing. */
  g_assert_cmpuint (kills, >=, 45);
  g_assert_cmpint (fk_test_server_count_records (fixture->server, NULL), >=, 100);

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GSubprocess) child = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, self_exe,
                                                     "--child-sync", fixture->data_dir, NULL);

    g_assert_no_error (error);
    g_assert_true (g_subprocess_wait_check (child, NULL, &error));
    g_assert_no_error (error);
  }

  assert_each_once (fixture, uuids);
  assert_all_sent_locally (fixture->data_dir, uuids->len);
}

static void
on_server_exited (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  gboolean *exited = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_subprocess_wait_finish (G_SUBPROCESS (object), result, &error));
  g_assert_no_error (error);
  *exited = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

/* The first server dies on its first commit; each one after it on its
 * second: the first is the replay of the batch that killed the one before,
 * the second is new.  So every batch of the sync costs one server. */
static gboolean
discard (Fixture     *fixture,
         const char  *uuid,
         GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  FkSyncEngine *engine = fk_client_get_sync_engine (fixture->client);

  fk_sync_engine_discard_async (engine, FK_KIND_HOTEL_TIP, uuid, NULL, fk_test_keep_result, &result);
  return fk_sync_engine_discard_finish (engine, fk_test_wait_for (&result), error);
}

/* A tip of the batch the server committed and never answered for is on the
 * server: the device must not offer to discard it as never sent, not even
 * after a run that could not reach the server at all. */
static void
assert_committed_not_discarded (Fixture   *fixture,
                                GPtrArray *uuids)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *committed = NULL;

  for (guint i = 0; i < uuids->len && committed == NULL; i++)
    if (fk_test_server_count_records (fixture->server, g_ptr_array_index (uuids, i)) == 1)
      committed = g_ptr_array_index (uuids, i);
  g_assert_nonnull (committed);

  g_assert_false (discard (fixture, committed, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  /* The server is down: this run's batch never leaves, and is taken back. */
  fk_client_sync_async (fixture->client, NULL, fk_test_keep_result, &result);
  g_assert_false (fk_client_sync_finish (fixture->client, fk_test_wait_for (&result), &error));
  g_assert_error (error, FK_ERROR, FK_ERROR_NETWORK);
  g_clear_error (&error);
  g_assert_false (discard (fixture, committed, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
}

static const char * const crash_first_args[] = { "--fault-crash-after-commit", "1", NULL };
static const char * const crash_again_args[] = { "--fault-crash-after-commit", "2", NULL };

/* The server is killed with SIGKILL after its commit and before its reply,
 * batch after batch, and restarted on the same state and port each time:
 * no record may be doubled on the server, none lost on the device, and
 * SQLite must come back whole from each kill. */
static void
test_server_killed_after_commit (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(GPtrArray) uuids = NULL;
  g_autoptr(GString) description = g_string_new (NULL);
  FkSyncEngine *engine = fk_client_get_sync_engine (fixture->client);
  gint64 on_server = 0;
  guint kills = 0;

  /* Long tips make short batches: a dozen or so in 300 records. */
  while (description->len < 3000)
    g_string_append (description, SHORT_DESCRIPTION " ");

  fk_test_server_stop (fixture->server);
  uuids = queue_tips_described (fixture, 300, description->str);
  fk_test_server_start (fixture->server, crash_first_args);

  for (;;)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      gboolean exited = FALSE;
      gint64 before = on_server;

      g_subprocess_wait_async (fixture->server->process, NULL, on_server_exited, &exited);
      fk_client_sync_async (fixture->client, NULL, fk_test_keep_result, &result);
      if (fk_client_sync_finish (fixture->client, fk_test_wait_for (&result), &error))
        {
          g_subprocess_send_signal (fixture->server->process, SIGTERM);
          iterate_until (is_true, &exited, 30);
          g_assert_true (g_subprocess_get_if_exited (fixture->server->process));
          break;
        }

      /* The run failed only because the server died under it. */
      g_assert_error (error, FK_ERROR, FK_ERROR_NETWORK);
      iterate_until (is_true, &exited, 30);
      g_assert_true (g_subprocess_get_if_signaled (fixture->server->process));
      g_assert_cmpint (g_subprocess_get_term_sig (fixture->server->process), ==, SIGKILL);
      kills++;
      g_assert_cmpuint (kills, <=, uuids->len);

      fk_test_server_assert_db_intact (fixture->server);
      on_server = fk_test_server_count_records (fixture->server, NULL);
      /* The batch that killed it was committed, and the device does not
       * know: it is on the server and still pending here. */
      g_assert_cmpint (on_server, >, before);
      g_assert_cmpint (on_server + fk_sync_engine_get_pending (engine), >, uuids->len);
      if (kills == 1)
        assert_committed_not_discarded (fixture, uuids);

      fk_test_server_stop (fixture->server);
      fk_test_server_start (fixture->server, crash_again_args);
    }

  /* Several kills, or the loop above proved little. */
  g_assert_cmpuint (kills, >=, 5);
  g_assert_cmpuint (fk_sync_engine_get_pending (engine), ==, 0);
  fk_test_server_assert_db_intact (fixture->server);
  assert_each_once (fixture, uuids);
  g_clear_object (&fixture->client);
  assert_all_sent_locally (fixture->data_dir, uuids->len);
}

/* The victim: loads the device and syncs until there is nothing left. */
static int
child_sync (const char *data_dir)
{
  g_autoptr(FkClient) client = fk_test_load_client (data_dir);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (fk_client_get_state (client), ==, FK_CLIENT_STATE_UNLOCKED);
  fk_client_sync_async (client, NULL, fk_test_keep_result, &result);
  if (!fk_client_sync_finish (client, fk_test_wait_for (&result), &error))
    {
      g_printerr ("child sync: %s\n", error->message);
      return 1;
    }

  return 0;
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 3 && g_str_equal (argv[1], "--child-sync"))
    return child_sync (argv[2]);

  g_test_init (&argc, &argv, NULL);

  g_test_add ("/sync/thousand-through-faults", Fixture, NULL,
              fixture_setup, test_thousand_through_faults, fixture_teardown);
  g_test_add ("/sync/kill-nine-during-sync", Fixture, NULL,
              fixture_setup, test_kill_nine_during_sync, fixture_teardown);
  g_test_add ("/sync/server-killed-after-commit", Fixture, NULL,
              fixture_setup, test_server_killed_after_commit, fixture_teardown);

  return g_test_run ();
}
