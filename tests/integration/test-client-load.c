/* test-client-load.c: FkClient's start, where the store opens while the
 * keyring is asked for the token and the session: one result, whatever
 * comes first, and none of it waiting for the main loop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "fk-client.h"
#include "fk-error.h"
#include "fk-secret-store.h"

#include "fk-test-secrets.h"
#include "fk-test-server.h"

typedef struct {
  char          *data_dir;
  FkClient      *client;
  GAsyncResult  *result;
} Fixture;

/* The steps still under way after the result must not report again. */
static void
drain_main_context (void)
{
  for (guint i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->data_dir = g_dir_make_tmp ("fk-load-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->client = fk_client_new (fixture->data_dir);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->result);
  g_assert_cmpint (fk_test_run (NULL, NULL, NULL, "rm", "-rf", fixture->data_dir, NULL), ==, 0);
  g_free (fixture->data_dir);
}

static void
test_store_fails (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *database = g_build_filename (fixture->data_dir, "records.db", NULL);
  g_autoptr(GError) error = NULL;

  /* A directory where the database should be: SQLite cannot open it, and
   * the store says so in the journal, from its own thread. */
  g_assert_cmpint (g_mkdir (database, 0700), ==, 0);
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);

  fk_client_load_async (fixture->client, NULL, fk_test_keep_result, &fixture->result);
  g_assert_false (fk_client_load_finish (fixture->client, fk_test_wait_for (&fixture->result), &error));
  g_assert_error (error, FK_ERROR, FK_ERROR_STORAGE);
  g_assert_cmpint (fk_client_get_state (fixture->client), ==, FK_CLIENT_STATE_LOADING);
  drain_main_context ();
}

static void
test_cancelled (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  fk_client_load_async (fixture->client, cancellable, fk_test_keep_result, &fixture->result);
  g_cancellable_cancel (cancellable);
  g_assert_false (fk_client_load_finish (fixture->client, fk_test_wait_for (&fixture->result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (fk_client_get_state (fixture->client), ==, FK_CLIENT_STATE_LOADING);
  drain_main_context ();
}

static void
test_not_enrolled (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fk_client_load_async (fixture->client, NULL, fk_test_keep_result, &fixture->result);
  g_assert_true (fk_client_load_finish (fixture->client, fk_test_wait_for (&fixture->result), &error));
  g_assert_no_error (error);
  g_assert_cmpint (fk_client_get_state (fixture->client), ==, FK_CLIENT_STATE_NOT_ENROLLED);
  drain_main_context ();
}

/* GTK's start (display, GL driver) keeps the main thread from the main
 * loop for a long while on a phone; the store and the keyring must have
 * answered by its end, so the first turns of the loop find the result. */
static void
test_answers_without_main_loop (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fk_client_load_async (fixture->client, NULL, fk_test_keep_result, &fixture->result);
  g_usleep (2 * G_USEC_PER_SEC);

  for (guint i = 0; i < 20 && fixture->result == NULL; i++)
    g_main_context_iteration (NULL, FALSE);

  g_assert_nonnull (fixture->result);
  g_assert_true (fk_client_load_finish (fixture->client, fixture->result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (fk_client_get_state (fixture->client), ==, FK_CLIENT_STATE_NOT_ENROLLED);
  drain_main_context ();
}

/* A session whose token is gone (a wipe cut short, say) unlocks nothing
 * and must not keep its token and data key in the keyring. */
static void
test_orphan_session_cleared (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) saved = NULL;
  g_autoptr(GAsyncResult) flushed = NULL;
  g_autofree char *left = NULL;

  fk_secret_store_save_async (fixture->data_dir, FK_SECRET_SESSION, "{\"invented\":true}", NULL,
                              fk_test_keep_result, &saved);
  g_assert_true (fk_secret_store_save_finish (fk_test_wait_for (&saved), NULL));
  left = fk_test_keyring_lookup (fixture->data_dir, "session");
  g_assert_nonnull (left);
  g_clear_pointer (&left, g_free);

  fk_client_load_async (fixture->client, NULL, fk_test_keep_result, &fixture->result);
  g_assert_true (fk_client_load_finish (fixture->client, fk_test_wait_for (&fixture->result), &error));
  g_assert_no_error (error);
  g_assert_cmpint (fk_client_get_state (fixture->client), ==, FK_CLIENT_STATE_NOT_ENROLLED);

  fk_secret_store_flush_async (NULL, fk_test_keep_result, &flushed);
  g_assert_true (fk_secret_store_flush_finish (fk_test_wait_for (&flushed), NULL));
  left = fk_test_keyring_lookup (fixture->data_dir, "session");
  g_assert_null (left);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/client-load/store-fails", test_store_fails);
  ADD ("/client-load/cancelled", test_cancelled);
  ADD ("/client-load/not-enrolled", test_not_enrolled);
  ADD ("/client-load/answers-without-main-loop", test_answers_without_main_loop);
  ADD ("/client-load/orphan-session-cleared", test_orphan_session_cleared);
#undef ADD

  return g_test_run ();
}
