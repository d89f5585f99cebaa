/* test-store.c: the encrypted record store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "fk-error.h"
#include "fk-protocol.h"
#include "fk-store.h"
#include "fk-sync-engine-private.h"
#include "fk-test-modules.h"

#define CANARY "KANARIEFAGEL-7f3a91"

typedef struct {
  char         *dir;
  char         *path;
  FkStore      *store;
  GAsyncResult *result;
} Fixture;

static void
on_ready (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Fixture *fixture = user_data;

  fixture->result = g_object_ref (result);
}

static void
on_run_ready (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_result (Fixture *fixture)
{
  while (fixture->result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return fixture->result;
}

static void
clear_result (Fixture *fixture)
{
  g_clear_object (&fixture->result);
}

static GBytes *
key_of (guint8 seed)
{
  guint8 key[32];

  memset (key, seed, sizeof key);
  return g_bytes_new (key, sizeof key);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) key = key_of (1);

  fixture->dir = g_dir_make_tmp ("fk-store-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "sub", "records.db", NULL);
  fixture->store = fk_store_new (fixture->path);

  fk_store_open_async (fixture->store, NULL, on_ready, fixture);
  g_assert_true (fk_store_open_finish (fixture->store, wait_result (fixture), &error));
  g_assert_no_error (error);
  clear_result (fixture);
  fk_store_set_data_key (fixture->store, key);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    {
      g_unlink (path);
      return;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      remove_tree (child);
    }
  g_rmdir (path);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  gpointer store = fixture->store;

  clear_result (fixture);
  /* The worker hands its job references back to this thread. */
  g_object_add_weak_pointer (store, &store);
  g_object_unref (fixture->store);
  while (store != NULL && g_get_monotonic_time () < deadline)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
  g_assert_null (store);
  remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
}

static JsonObject *
payload_with (const char *description)
{
  JsonObject *payload = json_object_new ();

  json_object_set_string_member (payload, "hotel_name", "Hotell Påhittat");
  json_object_set_string_member (payload, "description", description);
  return payload;
}

static guint
save (Fixture       *fixture,
      const char    *uuid,
      FkRecordState  state,
      const char    *description)
{
  g_autoptr(JsonObject) payload = payload_with (description);
  g_autoptr(GError) error = NULL;
  guint revision;

  fk_store_save_async (fixture->store, uuid, FK_KIND_HOTEL_TIP, state, payload, NULL, on_ready, fixture);
  revision = fk_store_save_finish (fixture->store, wait_result (fixture), &error);
  g_assert_no_error (error);
  clear_result (fixture);
  return revision;
}

static GPtrArray *
load (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *records;

  fk_store_load_async (fixture->store, FK_KIND_HOTEL_TIP, NULL, on_ready, fixture);
  records = fk_store_load_finish (fixture->store, wait_result (fixture), &error);
  g_assert_no_error (error);
  clear_result (fixture);
  return records;
}

static GPtrArray *
outbox (Fixture *fixture,
        guint    max_records,
        gsize    max_bytes)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *records;

  fk_store_outbox_async (fixture->store, max_records, max_bytes, NULL, on_ready, fixture);
  records = fk_store_outbox_finish (fixture->store, wait_result (fixture), &error);
  g_assert_no_error (error);
  clear_result (fixture);
  return records;
}

static gssize
count_pending (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  gssize count;

  fk_store_count_pending_async (fixture->store, NULL, on_ready, fixture);
  count = fk_store_count_pending_finish (fixture->store, wait_result (fixture), &error);
  g_assert_no_error (error);
  clear_result (fixture);
  return count;
}

static void
test_save_is_committed (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *uuid = g_uuid_string_random ();
  sqlite3 *other = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpuint (save (fixture, uuid, FK_RECORD_STATE_PENDING, "first description"), ==, 1);

  /* Another connection sees it the moment save completes: it is committed. */
  g_assert_cmpint (sqlite3_open_v2 (fixture->path, &other, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (other, "SELECT revision, state FROM records WHERE uuid = ?1", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 1);
  g_assert_cmpint (sqlite3_column_int (stmt, 1), ==, FK_RECORD_STATE_PENDING);
  sqlite3_finalize (stmt);
  sqlite3_close (other);

  g_assert_cmpuint (save (fixture, uuid, FK_RECORD_STATE_PENDING, "second description"), ==, 2);
  g_assert_cmpint (count_pending (fixture), ==, 1);
}

static void
test_load_decrypts (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *a = g_uuid_string_random ();
  g_autofree char *b = g_uuid_string_random ();
  g_autoptr(GPtrArray) records = NULL;
  FkStoreRecord *newest;

  save (fixture, a, FK_RECORD_STATE_DRAFT, "older one");
  save (fixture, b, FK_RECORD_STATE_PENDING, "newer one");

  records = load (fixture);
  g_assert_cmpuint (records->len, ==, 2);
  newest = g_ptr_array_index (records, 0);
  g_assert_cmpstr (newest->uuid, ==, b);
  g_assert_cmpint (newest->state, ==, FK_RECORD_STATE_PENDING);
  g_assert_cmpstr (json_object_get_string_member (newest->payload, "description"), ==, "newer one");
}

/* A key of another session opens nothing, and loses nothing either. */
static void
test_other_key_reads_nothing (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autoptr(GBytes) other = key_of (2);
  g_autoptr(GBytes) right = key_of (1);
  g_autoptr(GPtrArray) with_other = NULL;
  g_autoptr(GPtrArray) with_right = NULL;

  save (fixture, uuid, FK_RECORD_STATE_PENDING, "sealed under key one");

  fk_store_set_data_key (fixture->store, other);
  g_test_expect_message ("fk-store", G_LOG_LEVEL_WARNING, "*cannot be opened*");
  with_other = load (fixture);
  g_test_assert_expected_messages ();
  g_assert_cmpuint (with_other->len, ==, 0);

  fk_store_set_data_key (fixture->store, right);
  with_right = load (fixture);
  g_assert_cmpuint (with_right->len, ==, 1);
}

static void
test_no_key_no_access (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(JsonObject) payload = payload_with ("locked out");
  g_autoptr(GError) error = NULL;

  fk_store_set_data_key (fixture->store, NULL);
  fk_store_save_async (fixture->store, "00000000-0000-4000-8000-000000000000", FK_KIND_HOTEL_TIP,
                       FK_RECORD_STATE_PENDING, payload, NULL, on_ready, fixture);
  g_assert_cmpuint (fk_store_save_finish (fixture->store, wait_result (fixture), &error), ==, 0);
  g_assert_error (error, FK_ERROR, FK_ERROR_SESSION_EXPIRED);
}

static void
test_outbox_limits (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) by_count = NULL;
  g_autoptr(GPtrArray) by_bytes = NULL;
  g_autoptr(GPtrArray) tiny = NULL;
  g_autofree char *draft = g_uuid_string_random ();

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *uuid = g_uuid_string_random ();

      save (fixture, uuid, FK_RECORD_STATE_PENDING, "a description of some length");
    }
  save (fixture, draft, FK_RECORD_STATE_DRAFT, "drafts never go out");

  by_count = outbox (fixture, 3, 1 << 20);
  g_assert_cmpuint (by_count->len, ==, 3);

  by_bytes = outbox (fixture, 100, 1 << 20);
  g_assert_cmpuint (by_bytes->len, ==, 5);

  /* Even a budget smaller than one record lets the first through. */
  tiny = outbox (fixture, 100, 1);
  g_assert_cmpuint (tiny->len, ==, 1);
}

static void
apply (Fixture   *fixture,
       GPtrArray *results)
{
  g_autoptr(GError) error = NULL;

  fk_store_apply_results_async (fixture->store, results, NULL, on_ready, fixture);
  g_assert_true (fk_store_apply_results_finish (fixture->store, wait_result (fixture), &error));
  g_assert_no_error (error);
  clear_result (fixture);
}

static FkStoreResult *
result_new (const char *uuid,
            guint       revision,
            gboolean    stored,
            const char *failure)
{
  FkStoreResult *result = g_new0 (FkStoreResult, 1);

  result->uuid = g_strdup (uuid);
  result->revision = revision;
  result->stored = stored;
  result->failure = g_strdup (failure);
  return result;
}

static void
test_results_mark_only_the_sent_revision (Fixture       *fixture,
                                          gconstpointer  data)
{
  g_autofree char *sent = g_uuid_string_random ();
  g_autofree char *edited = g_uuid_string_random ();
  g_autofree char *rejected = g_uuid_string_random ();
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) fk_store_result_free);
  g_autoptr(GPtrArray) records = NULL;

  save (fixture, sent, FK_RECORD_STATE_PENDING, "goes through");
  save (fixture, edited, FK_RECORD_STATE_PENDING, "edited while in flight");
  save (fixture, rejected, FK_RECORD_STATE_PENDING, "server says no");
  /* Edited after the batch left: revision 2 is not what the server saw. */
  save (fixture, edited, FK_RECORD_STATE_PENDING, "edited while in flight, again");

  g_ptr_array_add (results, result_new (sent, 1, TRUE, NULL));
  g_ptr_array_add (results, result_new (edited, 1, TRUE, NULL));
  g_ptr_array_add (results, result_new (rejected, 1, FALSE, "Enter the municipality."));
  apply (fixture, results);

  g_assert_cmpint (count_pending (fixture), ==, 1);
  records = load (fixture);
  for (guint i = 0; i < records->len; i++)
    {
      FkStoreRecord *record = g_ptr_array_index (records, i);

      if (g_str_equal (record->uuid, sent))
        g_assert_cmpint (record->state, ==, FK_RECORD_STATE_SENT);
      else if (g_str_equal (record->uuid, edited))
        g_assert_cmpint (record->state, ==, FK_RECORD_STATE_PENDING);
      else
        {
          g_assert_cmpint (record->state, ==, FK_RECORD_STATE_FAILED);
          g_assert_cmpstr (record->failure, ==, "Enter the municipality.");
        }
    }
}

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;

  return memmem (contents, length, needle, strlen (needle)) != NULL;
}

/* A seized phone's database, WAL and journal show nothing of a tip. */
static void
test_canary_not_on_disk (Fixture       *fixture,
                         gconstpointer  data)
{
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);
  g_autoptr(GPtrArray) records = NULL;

  save (fixture, uuid, FK_RECORD_STATE_PENDING, "Beskrivning " CANARY);
  save (fixture, uuid, FK_RECORD_STATE_PENDING, "Beskrivning " CANARY " ändrad");

  /* The test has teeth: the canary is really in there, readable to us. */
  records = load (fixture);
  g_assert_nonnull (strstr (json_object_get_string_member (((FkStoreRecord *) records->pdata[0])->payload, "description"), CANARY));
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (fixture->path, suffixes[i], NULL);

      g_assert_false (file_contains (file, CANARY));
      g_assert_false (file_contains (file, "Hotell P"));
    }
}

static void
test_wipe (Fixture       *fixture,
           gconstpointer  data)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = NULL;

  save (fixture, uuid, FK_RECORD_STATE_PENDING, "to be wiped remotely");
  fk_store_wipe_async (fixture->store, NULL, on_ready, fixture);
  g_assert_true (fk_store_wipe_finish (fixture->store, wait_result (fixture), &error));
  g_assert_no_error (error);
  clear_result (fixture);

  g_assert_false (g_file_test (fixture->path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));

  /* A new enrollment starts from an empty store. */
  fk_store_open_async (fixture->store, NULL, on_ready, fixture);
  g_assert_true (fk_store_open_finish (fixture->store, wait_result (fixture), &error));
  clear_result (fixture);
  records = load (fixture);
  g_assert_cmpuint (records->len, ==, 0);
}

static void
test_purge_keeps_unsent (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *sent = g_uuid_string_random ();
  g_autofree char *pending = g_uuid_string_random ();
  g_autofree char *draft = g_uuid_string_random ();
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) fk_store_result_free);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;

  save (fixture, sent, FK_RECORD_STATE_PENDING, "sent a while ago");
  save (fixture, pending, FK_RECORD_STATE_PENDING, "still waiting");
  save (fixture, draft, FK_RECORD_STATE_DRAFT, "a draft is never purged");
  g_ptr_array_add (results, result_new (sent, 1, TRUE, NULL));
  apply (fixture, results);

  /* Seven days have not passed: nothing goes. */
  fk_store_purge_async (fixture->store, FK_KIND_HOTEL_TIP, 7 * 24 * 3600, NULL, on_ready, fixture);
  g_assert_cmpint (fk_store_purge_finish (fixture->store, wait_result (fixture), &error), ==, 0);
  clear_result (fixture);

  fk_store_purge_async (fixture->store, FK_KIND_HOTEL_TIP, 0, NULL, on_ready, fixture);
  g_assert_cmpint (fk_store_purge_finish (fixture->store, wait_result (fixture), &error), ==, 1);
  g_assert_no_error (error);
  clear_result (fixture);

  records = load (fixture);
  g_assert_cmpuint (records->len, ==, 2);
  for (guint i = 0; i < records->len; i++)
    g_assert_cmpstr (((FkStoreRecord *) records->pdata[i])->uuid, !=, sent);
}

static gboolean
discard (Fixture       *fixture,
         FkSyncEngine  *engine,
         const char    *uuid,
         GError       **error)
{
  gboolean discarded;

  fk_sync_engine_discard_async (engine, FK_KIND_HOTEL_TIP, uuid, NULL, on_ready, fixture);
  discarded = fk_sync_engine_discard_finish (engine, wait_result (fixture), error);
  clear_result (fixture);
  return discarded;
}

static gboolean
is_stored (Fixture    *fixture,
           const char *uuid)
{
  g_autoptr(GPtrArray) records = load (fixture);

  for (guint i = 0; i < records->len; i++)
    if (g_str_equal (((FkStoreRecord *) records->pdata[i])->uuid, uuid))
      return TRUE;

  return FALSE;
}

static void
on_record_discarded (FkSyncEngine *engine,
                     const char   *kind,
                     const char   *uuid,
                     GPtrArray    *discarded)
{
  g_assert_cmpstr (kind, ==, FK_KIND_HOTEL_TIP);
  g_ptr_array_add (discarded, g_strdup (uuid));
}

/* What the server never had can go: a draft, a waiting record and a
 * rejected one.  A waiting one leaves the outbox, so no run can send it. */
static void
test_discard_unsent (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *waiting = g_uuid_string_random ();
  g_autofree char *other = g_uuid_string_random ();
  g_autofree char *draft = g_uuid_string_random ();
  g_autofree char *rejected = g_uuid_string_random ();
  g_autoptr(FkSyncEngine) engine = fk_sync_engine_new (fixture->store);
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) fk_store_result_free);
  g_autoptr(GPtrArray) discarded = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) left = NULL;
  g_autoptr(GError) error = NULL;

  save (fixture, rejected, FK_RECORD_STATE_PENDING, "the server says no");
  g_ptr_array_add (results, result_new (rejected, 1, FALSE, "Enter the municipality."));
  apply (fixture, results);
  save (fixture, waiting, FK_RECORD_STATE_PENDING, "written in error");
  save (fixture, other, FK_RECORD_STATE_PENDING, "still to be sent");
  save (fixture, draft, FK_RECORD_STATE_DRAFT, "never finished");

  g_signal_connect (engine, "record-discarded", G_CALLBACK (on_record_discarded), discarded);
  fk_sync_engine_refresh_pending (engine);
  while (fk_sync_engine_get_pending (engine) != 2)
    g_main_context_iteration (NULL, TRUE);

  g_assert_true (discard (fixture, engine, waiting, &error));
  g_assert_no_error (error);
  /* Counted again by the time it completes. */
  g_assert_cmpuint (fk_sync_engine_get_pending (engine), ==, 1);
  g_assert_cmpuint (discarded->len, ==, 1);
  g_assert_cmpstr (discarded->pdata[0], ==, waiting);
  g_assert_false (is_stored (fixture, waiting));
  left = outbox (fixture, 100, 1 << 20);
  g_assert_cmpuint (left->len, ==, 1);
  g_assert_cmpstr (((FkStoreRecord *) left->pdata[0])->uuid, ==, other);

  g_assert_true (discard (fixture, engine, draft, &error));
  g_assert_no_error (error);
  g_assert_true (discard (fixture, engine, rejected, &error));
  g_assert_no_error (error);
  g_assert_false (is_stored (fixture, draft));
  g_assert_false (is_stored (fixture, rejected));
  g_assert_cmpuint (discarded->len, ==, 3);

  /* Twice: it is gone, and says so. */
  g_assert_false (discard (fixture, engine, waiting, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_cmpuint (discarded->len, ==, 3);
}

/* What the server has had stays, even when edited and waiting again. */
static void
test_discard_refuses_sent (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *sent = g_uuid_string_random ();
  g_autofree char *resent = g_uuid_string_random ();
  g_autoptr(FkSyncEngine) engine = fk_sync_engine_new (fixture->store);
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) fk_store_result_free);
  g_autoptr(GError) error = NULL;

  save (fixture, sent, FK_RECORD_STATE_PENDING, "reached the server");
  save (fixture, resent, FK_RECORD_STATE_PENDING, "reached the server, then edited");
  g_ptr_array_add (results, result_new (sent, 1, TRUE, NULL));
  g_ptr_array_add (results, result_new (resent, 1, TRUE, NULL));
  apply (fixture, results);
  save (fixture, resent, FK_RECORD_STATE_PENDING, "an edit after it was sent");

  g_assert_false (discard (fixture, engine, sent, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_assert_false (discard (fixture, engine, resent, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_true (is_stored (fixture, sent));
  g_assert_true (is_stored (fixture, resent));
  g_assert_cmpint (count_pending (fixture), ==, 1);
}

/* Once in a batch that left, a record may be on the server whatever came
 * of the reply: it stays until the server answers for it.  Rejected, it
 * was never kept there, and may go.  A batch that never left is taken
 * back, but only its own marks. */
static void
test_discard_refuses_offered (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autofree char *offered = g_uuid_string_random ();
  g_autofree char *withdrawn = g_uuid_string_random ();
  g_autoptr(FkSyncEngine) engine = fk_sync_engine_new (fixture->store);
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) fk_store_result_free);
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) second = NULL;
  g_autoptr(GError) error = NULL;

  save (fixture, offered, FK_RECORD_STATE_PENDING, "sent, and the reply lost");
  first = outbox (fixture, 100, 1 << 20);
  g_assert_cmpuint (first->len, ==, 1);
  save (fixture, withdrawn, FK_RECORD_STATE_PENDING, "never left");
  second = outbox (fixture, 100, 1 << 20);
  g_assert_cmpuint (second->len, ==, 2);

  fk_store_withdraw_async (fixture->store, second, NULL, on_ready, fixture);
  g_assert_true (fk_store_withdraw_finish (fixture->store, wait_result (fixture), &error));
  g_assert_no_error (error);
  clear_result (fixture);

  g_assert_false (discard (fixture, engine, offered, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_assert_true (discard (fixture, engine, withdrawn, &error));
  g_assert_no_error (error);

  g_ptr_array_add (results, result_new (offered, 1, FALSE, "Enter the municipality."));
  apply (fixture, results);
  g_assert_true (discard (fixture, engine, offered, &error));
  g_assert_no_error (error);
  g_assert_false (is_stored (fixture, offered));
}

/* A run under way may hold a waiting record in its batch: not that one,
 * until the run is over.  A draft is never in a batch. */
static void
test_discard_refuses_in_flight (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autofree char *waiting = g_uuid_string_random ();
  g_autofree char *draft = g_uuid_string_random ();
  g_autoptr(FkSyncEngine) engine = fk_sync_engine_new (fixture->store);
  /* Nothing listens there: the run fails, as offline. */
  g_autoptr(FkApiClient) api = fk_api_client_new ("https://127.0.0.1:1",
                                                  "0000000000000000000000000000000000000000000000000000000000000000");
  g_autoptr(GAsyncResult) run = NULL;
  g_autoptr(GError) error = NULL;

  save (fixture, waiting, FK_RECORD_STATE_PENDING, "on its way");
  save (fixture, draft, FK_RECORD_STATE_DRAFT, "not on its way");

  fk_sync_engine_set_api (engine, api);
  fk_sync_engine_run_async (engine, NULL, on_run_ready, &run);
  g_assert_true (fk_sync_engine_get_sending (engine));

  g_assert_false (discard (fixture, engine, waiting, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_clear_error (&error);
  g_assert_true (discard (fixture, engine, draft, &error));
  g_assert_no_error (error);

  while (run == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (fk_sync_engine_run_finish (engine, run, &error));
  g_assert_error (error, FK_ERROR, FK_ERROR_NETWORK);
  g_clear_error (&error);
  g_assert_true (is_stored (fixture, waiting));

  g_assert_true (discard (fixture, engine, waiting, &error));
  g_assert_no_error (error);
  g_assert_false (is_stored (fixture, waiting));
  fk_sync_engine_set_api (engine, NULL);
}

static FkStoreRecord *
find_record (GPtrArray  *records,
             const char *uuid)
{
  for (guint i = 0; i < records->len; i++)
    if (g_str_equal (((FkStoreRecord *) records->pdata[i])->uuid, uuid))
      return records->pdata[i];

  g_error ("%s is not stored", uuid);
}

static GHashTable *
list_offered (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  GHashTable *offered;

  fk_store_list_offered_async (fixture->store, NULL, on_ready, fixture);
  offered = fk_store_list_offered_finish (fixture->store, wait_result (fixture), &error);
  g_assert_no_error (error);
  clear_result (fixture);
  return offered;
}

/* Offered means offered and not answered: any answer ends it, and what
 * the server stored counts as on the server, also once edited again. */
static void
test_offer_ends_with_an_answer (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autofree char *accepted = g_uuid_string_random ();
  g_autofree char *rejected = g_uuid_string_random ();
  g_autofree char *pulled = g_uuid_string_random ();
  g_autoptr(FkSyncEngine) engine = fk_sync_engine_new (fixture->store);
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) fk_store_result_free);
  g_autoptr(GPtrArray) batch = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GHashTable) offered = NULL;
  g_autoptr(GError) error = NULL;

  save (fixture, accepted, FK_RECORD_STATE_PENDING, "the server takes it");
  save (fixture, rejected, FK_RECORD_STATE_PENDING, "the server says no");
  batch = outbox (fixture, 100, 1 << 20);
  g_assert_cmpuint (batch->len, ==, 2);
  offered = list_offered (fixture);
  g_assert_cmpuint (g_hash_table_size (offered), ==, 2);
  g_assert_true (g_hash_table_contains (offered, accepted));
  g_assert_true (g_hash_table_contains (offered, rejected));
  records = load (fixture);
  g_assert_true (find_record (records, accepted)->offered);
  g_assert_false (find_record (records, accepted)->on_server);
  g_clear_pointer (&records, g_ptr_array_unref);
  g_clear_pointer (&offered, g_hash_table_unref);

  g_ptr_array_add (results, result_new (accepted, 1, TRUE, NULL));
  g_ptr_array_add (results, result_new (rejected, 1, FALSE, "Enter the municipality."));
  apply (fixture, results);
  offered = list_offered (fixture);
  g_assert_cmpuint (g_hash_table_size (offered), ==, 0);

  /* Changed after it was sent: waiting again, on the server all the same. */
  save (fixture, accepted, FK_RECORD_STATE_PENDING, "changed after it was sent");
  /* As a checklist pulled from the server is saved. */
  save (fixture, pulled, FK_RECORD_STATE_SENT, "another officer's");
  records = load (fixture);
  g_assert_true (find_record (records, accepted)->on_server);
  g_assert_false (find_record (records, accepted)->offered);
  g_assert_false (find_record (records, rejected)->on_server);
  g_assert_false (find_record (records, rejected)->offered);
  g_assert_true (find_record (records, pulled)->on_server);

  save (fixture, pulled, FK_RECORD_STATE_PENDING, "changed here since");
  g_assert_false (discard (fixture, engine, pulled, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_true (is_stored (fixture, pulled));
}

static guint
revert (Fixture       *fixture,
        const char    *uuid,
        const char    *description,
        gboolean       sync_running,
        GError       **error)
{
  g_autoptr(JsonObject) payload = payload_with (description);
  guint revision;

  fk_store_revert_async (fixture->store, FK_KIND_HOTEL_TIP, uuid, payload, sync_running, NULL, on_ready, fixture);
  revision = fk_store_revert_finish (fixture->store, wait_result (fixture), error);
  clear_result (fixture);
  return revision;
}

/* A record the server has goes back to what the server has: its changes
 * since are gone, and nothing waits.  Not while they may be on the server
 * or in a batch, and not for one the server never had. */
static void
test_revert_changes (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *sent = g_uuid_string_random ();
  g_autofree char *never = g_uuid_string_random ();
  g_autofree char *gone = g_uuid_string_random ();
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) fk_store_result_free);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) batch = NULL;
  g_autoptr(GError) error = NULL;
  FkStoreRecord *record;

  save (fixture, sent, FK_RECORD_STATE_PENDING, "as the server has it");
  save (fixture, never, FK_RECORD_STATE_PENDING, "never sent");
  g_ptr_array_add (results, result_new (sent, 1, TRUE, NULL));
  apply (fixture, results);
  g_assert_cmpuint (save (fixture, sent, FK_RECORD_STATE_PENDING, "changes not sent"), ==, 2);

  /* A run may hold the changes in its batch. */
  g_assert_cmpuint (revert (fixture, sent, "as the server has it", TRUE, &error), ==, 0);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_clear_error (&error);

  g_assert_cmpuint (revert (fixture, sent, "as the server has it", FALSE, &error), ==, 3);
  g_assert_no_error (error);
  records = load (fixture);
  record = find_record (records, sent);
  g_assert_cmpint (record->state, ==, FK_RECORD_STATE_SENT);
  g_assert_cmpuint (record->revision, ==, 3);
  g_assert_cmpstr (json_object_get_string_member (record->payload, "description"), ==, "as the server has it");
  g_assert_cmpint (count_pending (fixture), ==, 1);
  g_clear_pointer (&records, g_ptr_array_unref);

  /* There is no version of the server's to go back to. */
  g_assert_cmpuint (revert (fixture, never, "made up", FALSE, &error), ==, 0);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_cmpuint (revert (fixture, gone, "made up", FALSE, &error), ==, 0);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Changed again, and offered without an answer: they may be there. */
  save (fixture, sent, FK_RECORD_STATE_PENDING, "changes offered");
  batch = outbox (fixture, 100, 1 << 20);
  g_assert_cmpuint (batch->len, ==, 2);
  g_assert_cmpuint (revert (fixture, sent, "as the server has it", FALSE, &error), ==, 0);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  records = load (fixture);
  g_assert_cmpstr (json_object_get_string_member (find_record (records, sent)->payload, "description"), ==, "changes offered");
  g_assert_cmpint (find_record (records, never)->state, ==, FK_RECORD_STATE_PENDING);
}

/* Completed means committed: another connection, and the store opened
 * afresh, find nothing of it. */
static void
test_discard_is_durable (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autoptr(FkSyncEngine) engine = fk_sync_engine_new (fixture->store);
  g_autoptr(GBytes) key = key_of (1);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *other = NULL;
  sqlite3_stmt *stmt = NULL;
  gpointer store = fixture->store;

  save (fixture, uuid, FK_RECORD_STATE_PENDING, "gone for good");
  g_assert_true (discard (fixture, engine, uuid, &error));
  g_assert_no_error (error);

  g_assert_cmpint (sqlite3_open_v2 (fixture->path, &other, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (other, "SELECT count(*) FROM records WHERE uuid = ?1", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (other);

  /* The worker hands its job references back to this thread. */
  g_clear_object (&engine);
  g_object_add_weak_pointer (store, &store);
  g_object_unref (fixture->store);
  while (store != NULL)
    g_main_context_iteration (NULL, TRUE);

  fixture->store = fk_store_new (fixture->path);
  fk_store_open_async (fixture->store, NULL, on_ready, fixture);
  g_assert_true (fk_store_open_finish (fixture->store, wait_result (fixture), &error));
  g_assert_no_error (error);
  clear_result (fixture);
  fk_store_set_data_key (fixture->store, key);
  records = load (fixture);
  g_assert_cmpuint (records->len, ==, 0);
  g_assert_cmpint (count_pending (fixture), ==, 0);
}

/* A store written by the first release opens, migrated, with nothing lost. */
static void
test_migrates_from_version_1 (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fk-store-v1-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "records.db", NULL);
  g_autoptr(FkStore) store = NULL;
  g_autoptr(GBytes) key = key_of (1);
  Fixture fixture = { 0 };
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
                                 "PRAGMA journal_mode=WAL;"
                                 "CREATE TABLE records (uuid TEXT PRIMARY KEY, kind TEXT NOT NULL,"
                                 "  revision INTEGER NOT NULL, state INTEGER NOT NULL, failure TEXT,"
                                 "  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, payload BLOB NOT NULL);"
                                 "CREATE INDEX records_by_state ON records (state, updated_at);"
                                 "CREATE INDEX records_by_kind ON records (kind, updated_at);"
                                 "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
                                 "INSERT INTO records VALUES ('a', 'hotel-tip', 3, 2, NULL, 100, 200, x'00');"
                                 "INSERT INTO records VALUES ('b', 'hotel-tip', 1, 1, NULL, 100, 300, x'00');"
                                 "INSERT INTO meta VALUES ('changes-cursor', '42');"
                                 "PRAGMA user_version = 1;",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  store = fk_store_new (path);
  fk_store_set_data_key (store, key);
  fk_store_open_async (store, NULL, on_ready, &fixture);
  g_assert_true (fk_store_open_finish (store, wait_result (&fixture), &error));
  g_assert_no_error (error);
  clear_result (&fixture);

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA user_version;", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 4);
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT uuid, revision, sent_at, offered_at FROM records ORDER BY uuid;", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "a");
  g_assert_cmpint (sqlite3_column_int (stmt, 1), ==, 3);
  g_assert_cmpint (sqlite3_column_int (stmt, 2), ==, 200);
  g_assert_cmpint (sqlite3_column_type (stmt, 3), ==, SQLITE_NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_type (stmt, 2), ==, SQLITE_NULL);
  g_assert_cmpint (sqlite3_column_type (stmt, 3), ==, SQLITE_NULL);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  fk_store_get_meta_async (store, "changes-cursor", NULL, on_ready, &fixture);
  {
    g_autofree char *cursor = fk_store_get_meta_finish (store, wait_result (&fixture), &error);

    g_assert_cmpstr (cursor, ==, "42");
  }
  clear_result (&fixture);

  g_clear_object (&store);
  remove_tree (dir);
}

/* Version 3 marked what the server had answered for as offered, and a
 * record saved as sent had no sent_at: 4 says what is true. */
static void
test_migrates_from_version_3 (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fk-store-v3-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "records.db", NULL);
  g_autoptr(FkStore) store = NULL;
  Fixture fixture = { 0 };
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
                                 "PRAGMA journal_mode=WAL;"
                                 "CREATE TABLE records (uuid TEXT PRIMARY KEY, kind TEXT NOT NULL,"
                                 "  revision INTEGER NOT NULL, state INTEGER NOT NULL, failure TEXT,"
                                 "  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, payload BLOB NOT NULL,"
                                 "  sent_at INTEGER, offered_at INTEGER);"
                                 "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
                                 /* pulled, sent and answered, offered and not answered */
                                 "INSERT INTO records VALUES ('p', 'event-checklist', 1, 2, NULL, 100, 200, x'00', NULL, NULL);"
                                 "INSERT INTO records VALUES ('s', 'hotel-tip', 1, 2, NULL, 100, 200, x'00', 190, 150);"
                                 "INSERT INTO records VALUES ('w', 'hotel-tip', 1, 1, NULL, 100, 200, x'00', NULL, 300);"
                                 "PRAGMA user_version = 3;",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  store = fk_store_new (path);
  fk_store_open_async (store, NULL, on_ready, &fixture);
  g_assert_true (fk_store_open_finish (store, wait_result (&fixture), &error));
  g_assert_no_error (error);
  clear_result (&fixture);

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT uuid, sent_at, offered_at FROM records ORDER BY uuid;", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "p");
  g_assert_cmpint (sqlite3_column_int (stmt, 1), ==, 200);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 1), ==, 190);
  g_assert_cmpint (sqlite3_column_type (stmt, 2), ==, SQLITE_NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_type (stmt, 1), ==, SQLITE_NULL);
  g_assert_cmpint (sqlite3_column_int (stmt, 2), ==, 300);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  g_clear_object (&store);
  remove_tree (dir);
}

/* SQLite's module is loaded when the store opens, not before.  (This test
 * links libsqlite3 itself, to read the file; that the app does not is
 * deb-cycle's check.) */
static void
test_module_at_open (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fk-store-module-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "records.db", NULL);
  g_autoptr(FkStore) store = NULL;
  Fixture fixture = { 0 };

  store = fk_store_new (path);
  g_assert_false (fk_test_mapped ("fk-store-sqlite.so"));

  fk_store_open_async (store, NULL, on_ready, &fixture);
  g_assert_true (fk_store_open_finish (store, wait_result (&fixture), &error));
  g_assert_no_error (error);
  clear_result (&fixture);
  g_assert_true (fk_test_mapped ("fk-store-sqlite.so"));

  g_clear_object (&store);
  remove_tree (dir);
}

/* With the module unusable, opening says to reinstall and touches nothing;
 * the store stays closed, and a wipe still works. */
static void
expect_incomplete_install (const char *module)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fk-store-module-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "records.db", NULL);
  g_autoptr(FkStore) store = NULL;
  Fixture fixture = { 0 };

  /* The warnings for the journal are the point; they must not abort here. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK);
  g_setenv ("FALTKOLL_STORE_MODULE", module, TRUE);

  store = fk_store_new (path);
  fk_store_open_async (store, NULL, on_ready, &fixture);
  g_assert_false (fk_store_open_finish (store, wait_result (&fixture), &error));
  g_assert_error (error, FK_ERROR, FK_ERROR_INCOMPLETE_INSTALL);
  g_assert_cmpstr (error->message, ==, fk_error_code_to_message (FK_ERROR_INCOMPLETE_INSTALL));
  g_clear_error (&error);
  clear_result (&fixture);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  fk_store_count_pending_async (store, NULL, on_ready, &fixture);
  g_assert_cmpint (fk_store_count_pending_finish (store, wait_result (&fixture), &error), ==, -1);
  g_assert_error (error, FK_ERROR, FK_ERROR_STORAGE);
  g_clear_error (&error);
  clear_result (&fixture);

  fk_store_wipe_async (store, NULL, on_ready, &fixture);
  g_assert_true (fk_store_wipe_finish (store, wait_result (&fixture), &error));
  g_assert_no_error (error);
  clear_result (&fixture);

  g_clear_object (&store);
  remove_tree (dir);
}

static void
test_module_missing (void)
{
  g_autofree char *missing = g_build_filename (g_get_tmp_dir (), "fk-no-such-dir", "fk-store-sqlite.so", NULL);

  fk_test_module_unusable (expect_incomplete_install, missing, "*Cannot load the store module*");
}

static void
test_module_foreign (void)
{
  /* A real shared object, but not ours: GLib's own. */
  g_autofree char *foreign = fk_test_mapped_path ("libglib-2.0.so");

  fk_test_module_unusable (expect_incomplete_install, foreign, "*is not the store module of this version*");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* First: it checks that nothing before it loaded the module. */
  g_test_add_func ("/store/module-at-open", test_module_at_open);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/store/save-is-committed", test_save_is_committed);
  ADD ("/store/load-decrypts", test_load_decrypts);
  ADD ("/store/other-key-reads-nothing", test_other_key_reads_nothing);
  ADD ("/store/no-key-no-access", test_no_key_no_access);
  ADD ("/store/outbox-limits", test_outbox_limits);
  ADD ("/store/results-mark-only-the-sent-revision", test_results_mark_only_the_sent_revision);
  ADD ("/store/canary-not-on-disk", test_canary_not_on_disk);
  ADD ("/store/wipe", test_wipe);
  ADD ("/store/purge-keeps-unsent", test_purge_keeps_unsent);
  ADD ("/store/discard-unsent", test_discard_unsent);
  ADD ("/store/discard-refuses-sent", test_discard_refuses_sent);
  ADD ("/store/discard-refuses-offered", test_discard_refuses_offered);
  ADD ("/store/discard-refuses-in-flight", test_discard_refuses_in_flight);
  ADD ("/store/discard-is-durable", test_discard_is_durable);
  ADD ("/store/offer-ends-with-an-answer", test_offer_ends_with_an_answer);
  ADD ("/store/revert-changes", test_revert_changes);
#undef ADD
  g_test_add_func ("/store/migrates-from-version-1", test_migrates_from_version_1);
  g_test_add_func ("/store/migrates-from-version-3", test_migrates_from_version_3);
  g_test_add_func ("/store/module-missing", test_module_missing);
  g_test_add_func ("/store/module-foreign", test_module_foreign);

  return g_test_run ();
}
