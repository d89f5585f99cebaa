/* fk-store.c: the device's records, encrypted, in SQLite on one worker thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * All SQLite work happens on the store's own thread (Chatty's history is the
 * model): jobs go in through a queue, results come back through GTask on the
 * caller's main context.  That thread loads SQLite itself, in a module, when
 * it opens the store (fk-store-backend.h).  Payloads are sealed with
 * AES-256-GCM under the session's data key, with the record's uuid and kind
 * as associated data so a ciphertext cannot be moved to another row.
 */
#define G_LOG_DOMAIN "fk-store"

#include "config.h"

#include <errno.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "fk-crypto.h"
#include "fk-error.h"
#include "fk-module.h"
#include "fk-store-backend.h"
#include "fk-store.h"

#define SCHEMA_VERSION 4

/* The schema's SQL names states by number. */
G_STATIC_ASSERT (FK_RECORD_STATE_SENT == 2);

/* FALTKOLL_STORE_MODULE names it in a build tree. */
static FkModule store_module = {
  .what = "store",
  .environment_variable = "FALTKOLL_STORE_MODULE",
  .installed_path = FK_STORE_MODULE_PATH,
  .symbol = FK_STORE_BACKEND_GET_SYMBOL,
  .version = FK_STORE_BACKEND_VERSION,
};

typedef void (*JobFunc) (FkStore *self,
                         GTask   *task);

struct _FkStore
{
  GObject               parent_instance;

  char                 *path;
  GThread              *worker;
  GAsyncQueue          *jobs;

  GMutex                key_mutex;
  GBytes               *data_key;     /* guarded by key_mutex */

  /* Worker thread only; sql is set once the module is loaded. */
  const FkStoreBackend *sql;
  sqlite3              *db;
};

G_DEFINE_FINAL_TYPE (FkStore, fk_store, G_TYPE_OBJECT)

typedef struct {
  char          *uuid;
  char          *kind;
  FkRecordState  state;
  char          *payload;
  guint          max_records;
  gsize          max_bytes;
  GPtrArray     *results;      /* of FkStoreResult, or the batch's FkStoreRecord */
  gboolean       sync_running;
  gboolean       whole;        /* a discard: the record, or its changes */
  GBytes        *key;          /* a save's own copy, taken when it was asked for */
} JobData;

static void
job_data_free (JobData *data)
{
  g_free (data->uuid);
  g_free (data->kind);
  if (data->payload != NULL)
    fk_crypto_wipe (data->payload, strlen (data->payload));
  g_free (data->payload);
  g_clear_pointer (&data->results, g_ptr_array_unref);
  fk_secure_bytes_unref (data->key);
  g_free (data);
}

void
fk_store_record_free (FkStoreRecord *record)
{
  if (record == NULL)
    return;

  g_free (record->uuid);
  g_free (record->kind);
  g_free (record->failure);
  g_clear_pointer (&record->payload, json_object_unref);
  g_free (record);
}

void
fk_store_result_free (FkStoreResult *result)
{
  if (result == NULL)
    return;

  g_free (result->uuid);
  g_free (result->failure);
  g_clear_pointer (&result->reply, json_object_unref);
  g_free (result);
}

static void
return_storage_error (FkStore    *self,
                      GTask      *task,
                      const char *what)
{
  /* SQLite's message names no record contents, but it is for the journal. */
  g_warning ("%s: %s", what, self->db ? self->sql->errmsg (self->db) : "no database");
  g_task_return_new_error (task, FK_ERROR, FK_ERROR_STORAGE, "%s",
                           fk_error_code_to_message (FK_ERROR_STORAGE));
}

/* A copy no other thread holds, so that freeing it always wipes it. */
static GBytes *
copy_data_key (FkStore *self)
{
  GBytes *key = NULL;

  g_mutex_lock (&self->key_mutex);
  if (self->data_key != NULL)
    key = g_bytes_new (g_bytes_get_data (self->data_key, NULL), g_bytes_get_size (self->data_key));
  g_mutex_unlock (&self->key_mutex);

  return key;
}

static char *
make_aad (const char *uuid,
          const char *kind)
{
  return g_strconcat ("faltkoll-record-v1\n", uuid, "\n", kind, NULL);
}

static gboolean
exec_sql (FkStore    *self,
          const char *sql)
{
  return self->sql->exec (self->db, sql, NULL, NULL, NULL) == SQLITE_OK;
}

/* Worker thread ---------------------------------------------------------- */

static void
job_open (FkStore *self,
          GTask   *task)
{
  sqlite3_stmt *stmt = NULL;
  int version = 0;

  g_autofree char *directory = g_path_get_dirname (self->path);

  if (self->db != NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (g_mkdir_with_parents (directory, 0700) != 0)
    {
      return_storage_error (self, task, "create directory");
      return;
    }

  self->sql = fk_module_get (&store_module);
  if (self->sql == NULL)
    {
      g_task_return_new_error (task, FK_ERROR, FK_ERROR_INCOMPLETE_INSTALL, "%s",
                               fk_error_code_to_message (FK_ERROR_INCOMPLETE_INSTALL));
      return;
    }

  if (self->sql->open_v2 (self->path, &self->db,
                          SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                          NULL) != SQLITE_OK)
    {
      return_storage_error (self, task, "open");
      g_clear_pointer (&self->db, self->sql->close);
      return;
    }

  /* The CLI and the app may share a store; wait for each other's commits. */
  self->sql->busy_timeout (self->db, 5000);

  /* WAL with synchronous=FULL: a COMMIT that returned is on the disk, so the
   * UI may say "Saved" after it and a power cut cannot take it back. */
  if (!exec_sql (self, "PRAGMA journal_mode=WAL;") ||
      !exec_sql (self, "PRAGMA synchronous=FULL;") ||
      !exec_sql (self, "PRAGMA secure_delete=ON;") ||
      !exec_sql (self, "PRAGMA foreign_keys=ON;"))
    {
      return_storage_error (self, task, "pragmas");
      return;
    }

  if (self->sql->prepare_v2 (self->db, "PRAGMA user_version;", -1, &stmt, NULL) == SQLITE_OK &&
      self->sql->step (stmt) == SQLITE_ROW)
    version = self->sql->column_int (stmt, 0);
  self->sql->finalize (stmt);

  if (version > SCHEMA_VERSION)
    {
      g_warning ("Store schema %d is newer than this Fältkoll knows (%d)", version, SCHEMA_VERSION);
      return_storage_error (self, task, "schema version");
      return;
    }

  /* Each step runs in its own transaction, oldest first, so a store of any
   * earlier version walks forward and a crash mid-way redoes one step. */
  if (version < 1 &&
      !exec_sql (self,
                 "BEGIN IMMEDIATE;"
                 "CREATE TABLE records ("
                 "  uuid TEXT PRIMARY KEY,"
                 "  kind TEXT NOT NULL,"
                 "  revision INTEGER NOT NULL,"
                 "  state INTEGER NOT NULL,"
                 "  failure TEXT,"
                 "  created_at INTEGER NOT NULL,"
                 "  updated_at INTEGER NOT NULL,"
                 "  payload BLOB NOT NULL);"
                 "CREATE INDEX records_by_state ON records (state, updated_at);"
                 "CREATE INDEX records_by_kind ON records (kind, updated_at);"
                 "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
                 "PRAGMA user_version = 1;"
                 "COMMIT;"))
    {
      exec_sql (self, "ROLLBACK;");
      return_storage_error (self, task, "create schema");
      return;
    }

  /* 2: when a record was sent, so retention counts from there. */
  if (version < 2 &&
      !exec_sql (self,
                 "BEGIN IMMEDIATE;"
                 "ALTER TABLE records ADD COLUMN sent_at INTEGER;"
                 "UPDATE records SET sent_at = updated_at WHERE state = 2;"
                 "PRAGMA user_version = 2;"
                 "COMMIT;"))
    {
      exec_sql (self, "ROLLBACK;");
      return_storage_error (self, task, "migrate schema to 2");
      return;
    }

  /* 3: when a record was first put in a batch that may have reached the
   * server, so that it is not discarded as never sent. */
  if (version < 3 &&
      !exec_sql (self,
                 "BEGIN IMMEDIATE;"
                 "ALTER TABLE records ADD COLUMN offered_at INTEGER;"
                 "PRAGMA user_version = 3;"
                 "COMMIT;"))
    {
      exec_sql (self, "ROLLBACK;");
      return_storage_error (self, task, "migrate schema to 3");
      return;
    }

  /* 4: the offer mark means an offer without an answer (a record saved as
   * sent, as a pulled checklist is, counts as sent): a checklist's changes
   * after it was sent may be discarded again. */
  if (version < 4 &&
      !exec_sql (self,
                 "BEGIN IMMEDIATE;"
                 "UPDATE records SET sent_at = updated_at WHERE state = 2 AND sent_at IS NULL;"
                 "UPDATE records SET offered_at = NULL WHERE state = 2;"
                 "PRAGMA user_version = 4;"
                 "COMMIT;"))
    {
      exec_sql (self, "ROLLBACK;");
      return_storage_error (self, task, "migrate schema to 4");
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static GBytes *
seal_payload (JobData  *data,
              GError  **error)
{
  g_autofree char *aad = make_aad (data->uuid, data->kind);
  g_autoptr(GBytes) plain = g_bytes_new_static (data->payload, strlen (data->payload));
  GBytes *sealed = fk_crypto_seal (data->key, plain, aad, error);

  /* Not needed once sealed: gone before the disk work, not only when the
   * reply has reached the main thread. */
  g_clear_pointer (&data->key, fk_secure_bytes_unref);
  return sealed;
}

static void
job_save (FkStore *self,
          GTask   *task)
{
  JobData *data = g_task_get_task_data (task);
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint revision = 0;

  if (data->key == NULL)
    {
      g_task_return_new_error (task, FK_ERROR, FK_ERROR_SESSION_EXPIRED, "%s",
                               fk_error_code_to_message (FK_ERROR_SESSION_EXPIRED));
      return;
    }

  sealed = seal_payload (data, &error);
  if (sealed == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Every save is a new revision, so an edit made after a batch whose reply
   * was lost is never mistaken for a duplicate of what the server has.
   * Saved as sent (a checklist pulled from the server), the server has it. */
  if (self->sql->prepare_v2 (self->db,
                             "INSERT INTO records (uuid, kind, revision, state, failure, created_at, updated_at, payload, sent_at)"
                             " VALUES (?1, ?2, 1, ?3, NULL, ?4, ?4, ?5, CASE WHEN ?3 = 2 THEN ?4 END)"
                             " ON CONFLICT (uuid) DO UPDATE SET revision = revision + 1, state = ?3,"
                             "   failure = NULL, updated_at = ?4, payload = ?5,"
                             "   sent_at = CASE WHEN ?3 = 2 THEN coalesce (sent_at, ?4) ELSE sent_at END"
                             " WHERE kind = ?2"
                             " RETURNING revision;",
                             -1, &stmt, NULL) != SQLITE_OK)
    {
      return_storage_error (self, task, "prepare save");
      return;
    }

  self->sql->bind_text (stmt, 1, data->uuid, -1, SQLITE_TRANSIENT);
  self->sql->bind_text (stmt, 2, data->kind, -1, SQLITE_TRANSIENT);
  self->sql->bind_int (stmt, 3, data->state);
  self->sql->bind_int64 (stmt, 4, now);
  self->sql->bind_blob (stmt, 5, g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed), SQLITE_TRANSIENT);

  if (self->sql->step (stmt) == SQLITE_ROW)
    revision = self->sql->column_int (stmt, 0);
  if (self->sql->step (stmt) != SQLITE_DONE || revision == 0)
    {
      self->sql->finalize (stmt);
      return_storage_error (self, task, "save");
      return;
    }
  self->sql->finalize (stmt);

  g_task_return_int (task, revision);
}

static JsonObject *
open_payload (FkStore      *self,
              GBytes       *key,
              const char   *uuid,
              const char   *kind,
              sqlite3_stmt *stmt,
              int           column)
{
  g_autoptr(GBytes) sealed = g_bytes_new (self->sql->column_blob (stmt, column),
                                          self->sql->column_bytes (stmt, column));
  g_autofree char *aad = make_aad (uuid, kind);
  g_autoptr(JsonParser) parser = json_parser_new ();
  GBytes *plain;
  JsonNode *root;
  gboolean parsed;

  plain = fk_crypto_open (key, sealed, aad, NULL);
  if (plain == NULL)
    return NULL;

  parsed = json_parser_load_from_data (parser, g_bytes_get_data (plain, NULL), g_bytes_get_size (plain), NULL);
  fk_secure_bytes_unref (plain);
  root = parsed ? json_parser_get_root (parser) : NULL;
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;

  return json_object_ref (json_node_get_object (root));
}

#define RECORD_COLUMNS "uuid, kind, revision, state, failure, updated_at, payload, sent_at, offered_at"

static FkStoreRecord *
read_record (FkStore      *self,
             GBytes       *key,
             sqlite3_stmt *stmt)
{
  g_autoptr(FkStoreRecord) record = g_new0 (FkStoreRecord, 1);

  /* Columns: uuid, kind, revision, state, failure, updated_at, payload,
   * sent_at, offered_at */
  record->uuid = g_strdup ((const char *) self->sql->column_text (stmt, 0));
  record->kind = g_strdup ((const char *) self->sql->column_text (stmt, 1));
  record->revision = self->sql->column_int (stmt, 2);
  record->state = self->sql->column_int (stmt, 3);
  record->failure = g_strdup ((const char *) self->sql->column_text (stmt, 4));
  record->updated_at = self->sql->column_int64 (stmt, 5);
  record->payload = open_payload (self, key, record->uuid, record->kind, stmt, 6);
  record->on_server = record->state == FK_RECORD_STATE_SENT || self->sql->column_type (stmt, 7) != SQLITE_NULL;
  record->offered = self->sql->column_type (stmt, 8) != SQLITE_NULL;

  if (record->payload == NULL)
    {
      /* Sealed under another data key: kept on disk, untouched, never lost. */
      g_warning ("Record %s cannot be opened with this session's key", record->uuid);
      return NULL;
    }

  return g_steal_pointer (&record);
}

static void
job_load (FkStore *self,
          GTask   *task)
{
  JobData *data = g_task_get_task_data (task);
  g_autoptr(FkKeyBytes) key = copy_data_key (self);
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) fk_store_record_free);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (key == NULL)
    {
      g_task_return_new_error (task, FK_ERROR, FK_ERROR_SESSION_EXPIRED, "%s",
                               fk_error_code_to_message (FK_ERROR_SESSION_EXPIRED));
      return;
    }

  if (self->sql->prepare_v2 (self->db,
                             "SELECT " RECORD_COLUMNS
                             " FROM records WHERE kind = ?1 ORDER BY updated_at DESC, rowid DESC;",
                             -1, &stmt, NULL) != SQLITE_OK)
    {
      return_storage_error (self, task, "prepare load");
      return;
    }

  self->sql->bind_text (stmt, 1, data->kind, -1, SQLITE_TRANSIENT);
  while ((rc = self->sql->step (stmt)) == SQLITE_ROW)
    {
      FkStoreRecord *record = read_record (self, key, stmt);

      if (record != NULL)
        g_ptr_array_add (records, record);
    }
  self->sql->finalize (stmt);

  if (rc != SQLITE_DONE)
    {
      return_storage_error (self, task, "load");
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&records), (GDestroyNotify) g_ptr_array_unref);
}

/* Committed before the batch goes out: a crash while it is sent leaves the
 * mark.  An earlier mark stays, and this batch's records say which are
 * its own, so that withdrawing it takes back only those. */
static gboolean
mark_offered (FkStore   *self,
              GPtrArray *records)
{
  gint64 stamp = g_get_real_time ();
  sqlite3_stmt *stmt = NULL;
  gboolean ok = TRUE;

  if (records->len == 0)
    return TRUE;

  if (!exec_sql (self, "BEGIN IMMEDIATE;"))
    return FALSE;

  if (self->sql->prepare_v2 (self->db, "UPDATE records SET offered_at = ?1 WHERE uuid = ?2 AND offered_at IS NULL;",
                             -1, &stmt, NULL) != SQLITE_OK)
    {
      exec_sql (self, "ROLLBACK;");
      return FALSE;
    }

  for (guint i = 0; ok && i < records->len; i++)
    {
      FkStoreRecord *record = g_ptr_array_index (records, i);

      self->sql->reset (stmt);
      self->sql->bind_int64 (stmt, 1, stamp);
      self->sql->bind_text (stmt, 2, record->uuid, -1, SQLITE_TRANSIENT);
      ok = self->sql->step (stmt) == SQLITE_DONE;
      record->offer = ok && self->sql->changes (self->db) == 1 ? stamp : 0;
    }
  self->sql->finalize (stmt);

  if (!ok || !exec_sql (self, "COMMIT;"))
    {
      exec_sql (self, "ROLLBACK;");
      return FALSE;
    }

  return TRUE;
}

static void
job_outbox (FkStore *self,
            GTask   *task)
{
  JobData *data = g_task_get_task_data (task);
  g_autoptr(FkKeyBytes) key = copy_data_key (self);
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) fk_store_record_free);
  sqlite3_stmt *stmt = NULL;
  gsize bytes = 0;
  int rc = SQLITE_DONE;

  if (key == NULL)
    {
      g_task_return_new_error (task, FK_ERROR, FK_ERROR_SESSION_EXPIRED, "%s",
                               fk_error_code_to_message (FK_ERROR_SESSION_EXPIRED));
      return;
    }

  if (self->sql->prepare_v2 (self->db,
                             "SELECT " RECORD_COLUMNS
                             " FROM records WHERE state = ?1 ORDER BY updated_at, rowid LIMIT ?2;",
                             -1, &stmt, NULL) != SQLITE_OK)
    {
      return_storage_error (self, task, "prepare outbox");
      return;
    }

  self->sql->bind_int (stmt, 1, FK_RECORD_STATE_PENDING);
  self->sql->bind_int (stmt, 2, data->max_records);
  while (bytes < data->max_bytes && (rc = self->sql->step (stmt)) == SQLITE_ROW)
    {
      FkStoreRecord *record;
      gsize size = self->sql->column_bytes (stmt, 6);

      /* Always take the first, so one large record cannot block the queue. */
      if (records->len > 0 && bytes + size > data->max_bytes)
        break;

      record = read_record (self, key, stmt);
      if (record == NULL)
        continue;

      bytes += size;
      g_ptr_array_add (records, record);
    }
  self->sql->finalize (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      return_storage_error (self, task, "outbox");
      return;
    }

  if (!mark_offered (self, records))
    {
      return_storage_error (self, task, "mark offered");
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&records), (GDestroyNotify) g_ptr_array_unref);
}

static void
job_apply_results (FkStore *self,
                   GTask   *task)
{
  JobData *data = g_task_get_task_data (task);
  sqlite3_stmt *stmt = NULL;
  gboolean ok = TRUE;

  if (!exec_sql (self, "BEGIN IMMEDIATE;"))
    {
      return_storage_error (self, task, "begin");
      return;
    }

  if (self->sql->prepare_v2 (self->db,
                             "UPDATE records SET state = ?1, failure = ?2,"
                             "   sent_at = CASE WHEN ?1 = 2 THEN ?5 ELSE sent_at END,"
                             /* Answered: the server has it, or kept nothing. */
                             "   offered_at = NULL"
                             " WHERE uuid = ?3 AND revision = ?4;",
                             -1, &stmt, NULL) != SQLITE_OK)
    {
      exec_sql (self, "ROLLBACK;");
      return_storage_error (self, task, "prepare results");
      return;
    }

  for (guint i = 0; ok && i < data->results->len; i++)
    {
      FkStoreResult *result = g_ptr_array_index (data->results, i);

      self->sql->reset (stmt);
      self->sql->bind_int (stmt, 1, result->stored ? FK_RECORD_STATE_SENT : FK_RECORD_STATE_FAILED);
      if (result->stored)
        self->sql->bind_null (stmt, 2);
      else
        self->sql->bind_text (stmt, 2, result->failure, -1, SQLITE_TRANSIENT);
      self->sql->bind_text (stmt, 3, result->uuid, -1, SQLITE_TRANSIENT);
      self->sql->bind_int (stmt, 4, result->revision);
      self->sql->bind_int64 (stmt, 5, g_get_real_time () / G_USEC_PER_SEC);
      ok = self->sql->step (stmt) == SQLITE_DONE;
    }
  self->sql->finalize (stmt);

  if (!ok || !exec_sql (self, "COMMIT;"))
    {
      exec_sql (self, "ROLLBACK;");
      return_storage_error (self, task, "apply results");
      return;
    }

  g_task_return_boolean (task, TRUE);
}

/* @stmt is on the record's state, sent_at and offered_at.  @whole: the
 * record would go; else only its changes since the server had it. */
static gboolean
may_drop (FkStore       *self,
          sqlite3_stmt  *stmt,
          gboolean       whole,
          gboolean       sync_running,
          GError       **error)
{
  FkRecordState state = self->sql->column_int (stmt, 0);
  gboolean on_server = state == FK_RECORD_STATE_SENT || self->sql->column_type (stmt, 1) != SQLITE_NULL;

  /* Sent once is on the server, even if edited and waiting again since. */
  if (whole && on_server)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                           _("It has already been sent and cannot be discarded."));
      return FALSE;
    }

  /* The caller went by what it knew, and the record has moved on. */
  if (!whole && !on_server)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("It has changed meanwhile. Try again."));
      return FALSE;
    }

  /* A run may have read it into a batch already. */
  if (state == FK_RECORD_STATE_PENDING && sync_running)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                           _("It is being sent right now and cannot be discarded. Try again when sending has finished."));
      return FALSE;
    }

  /* Sent, and the reply lost: it may be on the server.  The next run gets
   * the server's answer for it (accepted, or rejected and discardable). */
  if (self->sql->column_type (stmt, 2) != SQLITE_NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                           _("It may already have reached the server, so it cannot be discarded until the server has answered. Sync now and try again."));
      return FALSE;
    }

  return TRUE;
}

/* Opens the transaction of a discard, if the record may go (or, not
 * @whole, its changes); else the task has its error. */
static gboolean
begin_drop (FkStore *self,
            GTask   *task)
{
  JobData *data = g_task_get_task_data (task);
  g_autoptr(FkKeyBytes) key = copy_data_key (self);
  g_autoptr(GError) refusal = NULL;
  sqlite3_stmt *stmt = NULL;
  int rc;

  /* Only the session that can read the officer's records may change one. */
  if (key == NULL)
    {
      g_task_return_new_error (task, FK_ERROR, FK_ERROR_SESSION_EXPIRED, "%s",
                               fk_error_code_to_message (FK_ERROR_SESSION_EXPIRED));
      return FALSE;
    }

  if (!exec_sql (self, "BEGIN IMMEDIATE;"))
    {
      return_storage_error (self, task, "begin");
      return FALSE;
    }

  if (self->sql->prepare_v2 (self->db, "SELECT state, sent_at, offered_at FROM records WHERE uuid = ?1 AND kind = ?2;",
                             -1, &stmt, NULL) != SQLITE_OK)
    {
      exec_sql (self, "ROLLBACK;");
      return_storage_error (self, task, "prepare discard");
      return FALSE;
    }

  self->sql->bind_text (stmt, 1, data->uuid, -1, SQLITE_TRANSIENT);
  self->sql->bind_text (stmt, 2, data->kind, -1, SQLITE_TRANSIENT);
  rc = self->sql->step (stmt);
  if (rc == SQLITE_ROW)
    may_drop (self, stmt, data->whole, data->sync_running, &refusal);
  else if (rc == SQLITE_DONE)
    g_set_error_literal (&refusal, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("It is no longer on this phone."));
  self->sql->finalize (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      exec_sql (self, "ROLLBACK;");
      return_storage_error (self, task, "discard");
      return FALSE;
    }

  if (refusal != NULL)
    {
      exec_sql (self, "ROLLBACK;");
      g_task_return_error (task, g_steal_pointer (&refusal));
      return FALSE;
    }

  return TRUE;
}

static void
job_withdraw (FkStore *self,
              GTask   *task)
{
  JobData *data = g_task_get_task_data (task);
  sqlite3_stmt *stmt = NULL;
  gboolean ok = TRUE;

  if (!exec_sql (self, "BEGIN IMMEDIATE;"))
    {
      return_storage_error (self, task, "begin");
      return;
    }

  if (self->sql->prepare_v2 (self->db, "UPDATE records SET offered_at = NULL WHERE uuid = ?1 AND offered_at = ?2;",
                             -1, &stmt, NULL) != SQLITE_OK)
    {
      exec_sql (self, "ROLLBACK;");
      return_storage_error (self, task, "prepare withdraw");
      return;
    }

  for (guint i = 0; ok && i < data->results->len; i++)
    {
      FkStoreRecord *record = g_ptr_array_index (data->results, i);

      if (record->offer == 0)
        continue;

      self->sql->reset (stmt);
      self->sql->bind_text (stmt, 1, record->uuid, -1, SQLITE_TRANSIENT);
      self->sql->bind_int64 (stmt, 2, record->offer);
      ok = self->sql->step (stmt) == SQLITE_DONE;
    }
  self->sql->finalize (stmt);

  if (!ok || !exec_sql (self, "COMMIT;"))
    {
      exec_sql (self, "ROLLBACK;");
      return_storage_error (self, task, "withdraw");
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
job_discard (FkStore *self,
             GTask   *task)
{
  JobData *data = g_task_get_task_data (task);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (!begin_drop (self, task))
    return;

  /* secure_delete overwrites the row's pages; COMMIT makes it durable. */
  if (self->sql->prepare_v2 (self->db, "DELETE FROM records WHERE uuid = ?1 AND kind = ?2;",
                             -1, &stmt, NULL) != SQLITE_OK)
    {
      exec_sql (self, "ROLLBACK;");
      return_storage_error (self, task, "prepare discard");
      return;
    }

  self->sql->bind_text (stmt, 1, data->uuid, -1, SQLITE_TRANSIENT);
  self->sql->bind_text (stmt, 2, data->kind, -1, SQLITE_TRANSIENT);
  rc = self->sql->step (stmt);
  self->sql->finalize (stmt);

  if (rc != SQLITE_DONE || !exec_sql (self, "COMMIT;"))
    {
      exec_sql (self, "ROLLBACK;");
      return_storage_error (self, task, "discard");
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
job_revert (FkStore *self,
            GTask   *task)
{
  JobData *data = g_task_get_task_data (task);
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt = NULL;
  guint revision = 0;

  if (data->key == NULL)
    {
      g_task_return_new_error (task, FK_ERROR, FK_ERROR_SESSION_EXPIRED, "%s",
                               fk_error_code_to_message (FK_ERROR_SESSION_EXPIRED));
      return;
    }

  sealed = seal_payload (data, &error);
  if (sealed == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!begin_drop (self, task))
    return;

  /* A new revision, as for every save: the server never saw this one. */
  if (self->sql->prepare_v2 (self->db,
                             "UPDATE records SET revision = revision + 1, state = ?3, failure = NULL,"
                             "   updated_at = ?4, payload = ?5"
                             " WHERE uuid = ?1 AND kind = ?2"
                             " RETURNING revision;",
                             -1, &stmt, NULL) != SQLITE_OK)
    {
      exec_sql (self, "ROLLBACK;");
      return_storage_error (self, task, "prepare revert");
      return;
    }

  self->sql->bind_text (stmt, 1, data->uuid, -1, SQLITE_TRANSIENT);
  self->sql->bind_text (stmt, 2, data->kind, -1, SQLITE_TRANSIENT);
  self->sql->bind_int (stmt, 3, FK_RECORD_STATE_SENT);
  self->sql->bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
  self->sql->bind_blob (stmt, 5, g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed), SQLITE_TRANSIENT);
  if (self->sql->step (stmt) == SQLITE_ROW)
    revision = self->sql->column_int (stmt, 0);
  if (self->sql->step (stmt) != SQLITE_DONE || revision == 0)
    {
      self->sql->finalize (stmt);
      exec_sql (self, "ROLLBACK;");
      return_storage_error (self, task, "revert");
      return;
    }
  self->sql->finalize (stmt);

  if (!exec_sql (self, "COMMIT;"))
    {
      exec_sql (self, "ROLLBACK;");
      return_storage_error (self, task, "revert");
      return;
    }

  g_task_return_int (task, revision);
}

static void
job_list_offered (FkStore *self,
                  GTask   *task)
{
  g_autoptr(GHashTable) offered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (self->sql->prepare_v2 (self->db, "SELECT uuid FROM records WHERE offered_at IS NOT NULL;",
                             -1, &stmt, NULL) != SQLITE_OK)
    {
      return_storage_error (self, task, "prepare offered");
      return;
    }

  while ((rc = self->sql->step (stmt)) == SQLITE_ROW)
    g_hash_table_add (offered, g_strdup ((const char *) self->sql->column_text (stmt, 0)));
  self->sql->finalize (stmt);

  if (rc != SQLITE_DONE)
    return_storage_error (self, task, "offered");
  else
    g_task_return_pointer (task, g_steal_pointer (&offered), (GDestroyNotify) g_hash_table_unref);
}

static void
job_count_pending (FkStore *self,
                   GTask   *task)
{
  sqlite3_stmt *stmt = NULL;
  gssize count = -1;

  if (self->sql->prepare_v2 (self->db, "SELECT count(*) FROM records WHERE state = ?1;", -1, &stmt, NULL) == SQLITE_OK)
    {
      self->sql->bind_int (stmt, 1, FK_RECORD_STATE_PENDING);
      if (self->sql->step (stmt) == SQLITE_ROW)
        count = self->sql->column_int64 (stmt, 0);
    }
  self->sql->finalize (stmt);

  if (count < 0)
    return_storage_error (self, task, "count");
  else
    g_task_return_int (task, count);
}

static void
job_wipe (FkStore *self,
          GTask   *task)
{
  static const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

  /* secure_delete overwrites the rows' pages before the files go. */
  if (self->db != NULL)
    {
      exec_sql (self, "DELETE FROM records; DELETE FROM meta;");
      g_clear_pointer (&self->db, self->sql->close);
    }

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (self->path, suffixes[i], NULL);

      if (g_unlink (file) != 0 && errno != ENOENT)
        {
          g_warning ("Could not remove %s: %s", file, g_strerror (errno));
          g_task_return_new_error (task, FK_ERROR, FK_ERROR_STORAGE, "%s",
                                   fk_error_code_to_message (FK_ERROR_STORAGE));
          return;
        }
    }

  g_task_return_boolean (task, TRUE);
}

static void
job_purge (FkStore *self,
           GTask   *task)
{
  JobData *data = g_task_get_task_data (task);
  sqlite3_stmt *stmt = NULL;
  int rc;

  /* Only what the server has: drafts, waiting and failed records stay. */
  if (self->sql->prepare_v2 (self->db,
                             "DELETE FROM records WHERE kind = ?1 AND state = ?2 AND sent_at <= ?3;",
                             -1, &stmt, NULL) != SQLITE_OK)
    {
      return_storage_error (self, task, "prepare purge");
      return;
    }

  self->sql->bind_text (stmt, 1, data->kind, -1, SQLITE_TRANSIENT);
  self->sql->bind_int (stmt, 2, FK_RECORD_STATE_SENT);
  self->sql->bind_int64 (stmt, 3, g_get_real_time () / G_USEC_PER_SEC - (gint64) data->max_bytes);
  rc = self->sql->step (stmt);
  self->sql->finalize (stmt);

  if (rc != SQLITE_DONE)
    return_storage_error (self, task, "purge");
  else
    g_task_return_int (task, self->sql->changes (self->db));
}

static void
job_get_meta (FkStore *self,
              GTask   *task)
{
  JobData *data = g_task_get_task_data (task);
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;
  int rc;

  if (self->sql->prepare_v2 (self->db, "SELECT value FROM meta WHERE key = ?1;", -1, &stmt, NULL) != SQLITE_OK)
    {
      return_storage_error (self, task, "prepare meta");
      return;
    }

  self->sql->bind_text (stmt, 1, data->kind, -1, SQLITE_TRANSIENT);
  rc = self->sql->step (stmt);
  if (rc == SQLITE_ROW)
    value = g_strdup ((const char *) self->sql->column_text (stmt, 0));
  self->sql->finalize (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return_storage_error (self, task, "meta");
  else
    g_task_return_pointer (task, value, g_free);
}

static void
job_set_meta (FkStore *self,
              GTask   *task)
{
  JobData *data = g_task_get_task_data (task);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (self->sql->prepare_v2 (self->db, "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2);",
                             -1, &stmt, NULL) != SQLITE_OK)
    {
      return_storage_error (self, task, "prepare meta");
      return;
    }

  self->sql->bind_text (stmt, 1, data->kind, -1, SQLITE_TRANSIENT);
  self->sql->bind_text (stmt, 2, data->payload, -1, SQLITE_TRANSIENT);
  rc = self->sql->step (stmt);
  self->sql->finalize (stmt);

  if (rc != SQLITE_DONE)
    return_storage_error (self, task, "set meta");
  else
    g_task_return_boolean (task, TRUE);
}

static void
job_flush (FkStore *self,
           GTask   *task)
{
  g_task_return_boolean (task, TRUE);
}

/* Pushed by finalize to end the worker. */
static char stop_worker;

static gboolean
release_job (gpointer task)
{
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

/* The job's reference may be the store's last one; dropping it on the
 * worker would finalize the store there, and the worker would join itself.
 * Not g_main_context_invoke(): that runs here when the context is free. */
static void
release_job_on_its_context (GTask *task)
{
  GSource *source = g_idle_source_new ();

  g_source_set_callback (source, release_job, task, NULL);
  g_source_attach (source, g_task_get_context (task));
  g_source_unref (source);
}

static gpointer
worker_main (gpointer user_data)
{
  FkStore *self = user_data;

  for (;;)
    {
      gpointer job = g_async_queue_pop (self->jobs);
      GTask *task;
      JobFunc func;

      if (job == &stop_worker)
        break;

      task = job;
      func = g_object_get_data (G_OBJECT (task), "fk-store-job");

      if (g_task_return_error_if_cancelled (task))
        ;
      else if (self->db == NULL && func != job_open && func != job_wipe && func != job_flush)
        return_storage_error (self, task, "store not open");
      else
        func (self, task);

      release_job_on_its_context (task);
    }

  if (self->db != NULL)
    g_clear_pointer (&self->db, self->sql->close);
  return NULL;
}

/* Main thread ------------------------------------------------------------ */

static void
push_job (FkStore   *self,
          GTask     *task,
          JobFunc    func,
          JobData   *data)
{
  if (data != NULL)
    g_task_set_task_data (task, data, (GDestroyNotify) job_data_free);
  g_object_set_data (G_OBJECT (task), "fk-store-job", func);
  g_async_queue_push (self->jobs, g_object_ref (task));
}

static void
fk_store_finalize (GObject *object)
{
  FkStore *self = (FkStore *) object;

  /* Jobs hold a reference to the store, so none are left: just stop. */
  g_async_queue_push (self->jobs, &stop_worker);
  g_thread_join (self->worker);
  g_async_queue_unref (self->jobs);

  g_clear_pointer (&self->data_key, fk_secure_bytes_unref);
  g_mutex_clear (&self->key_mutex);
  g_free (self->path);

  G_OBJECT_CLASS (fk_store_parent_class)->finalize (object);
}

static void
fk_store_class_init (FkStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fk_store_finalize;
}

static void
fk_store_init (FkStore *self)
{
  g_mutex_init (&self->key_mutex);
  self->jobs = g_async_queue_new ();
  self->worker = g_thread_new ("fk-store", worker_main, self);
}

FkStore *
fk_store_new (const char *path)
{
  FkStore *self;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (FK_TYPE_STORE, NULL);
  self->path = g_strdup (path);

  return self;
}

void
fk_store_set_data_key (FkStore *self,
                       GBytes  *data_key)
{
  g_return_if_fail (FK_IS_STORE (self));

  g_mutex_lock (&self->key_mutex);
  g_clear_pointer (&self->data_key, fk_secure_bytes_unref);
  if (data_key != NULL)
    self->data_key = g_bytes_new (g_bytes_get_data (data_key, NULL), g_bytes_get_size (data_key));
  g_mutex_unlock (&self->key_mutex);
}

void
fk_store_open_async (FkStore             *self,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, fk_store_open_async);
  push_job (self, task, job_open, NULL);
}

gboolean
fk_store_open_finish (FkStore       *self,
                      GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
fk_store_save_async (FkStore             *self,
                     const char          *uuid,
                     const char          *kind,
                     FkRecordState        state,
                     JsonObject          *payload,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  JobData *data = g_new0 (JobData, 1);

  g_return_if_fail (uuid != NULL && kind != NULL && payload != NULL);

  json_node_set_object (node, payload);
  data->uuid = g_strdup (uuid);
  data->kind = g_strdup (kind);
  data->state = state;
  data->payload = json_to_string (node, FALSE);
  /* The key as it is now: the save was allowed when asked for, and a lock
   * while it waits behind other jobs must not lose it. */
  data->key = copy_data_key (self);

  g_task_set_source_tag (task, fk_store_save_async);
  push_job (self, task, job_save, data);
}

guint
fk_store_save_finish (FkStore       *self,
                      GAsyncResult  *result,
                      GError       **error)
{
  gssize revision;

  g_return_val_if_fail (g_task_is_valid (result, self), 0);

  revision = g_task_propagate_int (G_TASK (result), error);
  return revision > 0 ? (guint) revision : 0;
}

void
fk_store_load_async (FkStore             *self,
                     const char          *kind,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  JobData *data = g_new0 (JobData, 1);

  data->kind = g_strdup (kind);
  g_task_set_source_tag (task, fk_store_load_async);
  push_job (self, task, job_load, data);
}

GPtrArray *
fk_store_load_finish (FkStore       *self,
                      GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
fk_store_outbox_async (FkStore             *self,
                       guint                max_records,
                       gsize                max_bytes,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  JobData *data = g_new0 (JobData, 1);

  data->max_records = max_records;
  data->max_bytes = max_bytes;
  g_task_set_source_tag (task, fk_store_outbox_async);
  push_job (self, task, job_outbox, data);
}

GPtrArray *
fk_store_outbox_finish (FkStore       *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
fk_store_apply_results_async (FkStore             *self,
                              GPtrArray           *results,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  JobData *data = g_new0 (JobData, 1);

  data->results = g_ptr_array_ref (results);
  g_task_set_source_tag (task, fk_store_apply_results_async);
  push_job (self, task, job_apply_results, data);
}

gboolean
fk_store_apply_results_finish (FkStore       *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
fk_store_withdraw_async (FkStore             *self,
                         GPtrArray           *batch,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  JobData *data = g_new0 (JobData, 1);

  data->results = g_ptr_array_ref (batch);
  g_task_set_source_tag (task, fk_store_withdraw_async);
  push_job (self, task, job_withdraw, data);
}

gboolean
fk_store_withdraw_finish (FkStore       *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
fk_store_discard_async (FkStore             *self,
                        const char          *kind,
                        const char          *uuid,
                        gboolean             sync_running,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  JobData *data = g_new0 (JobData, 1);

  g_return_if_fail (kind != NULL && uuid != NULL);

  data->kind = g_strdup (kind);
  data->uuid = g_strdup (uuid);
  data->sync_running = sync_running;
  data->whole = TRUE;
  g_task_set_source_tag (task, fk_store_discard_async);
  /* Cancelled after the job ran, the record is gone all the same. */
  g_task_set_check_cancellable (task, FALSE);
  push_job (self, task, job_discard, data);
}

gboolean
fk_store_discard_finish (FkStore       *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
fk_store_revert_async (FkStore             *self,
                       const char          *kind,
                       const char          *uuid,
                       JsonObject          *payload,
                       gboolean             sync_running,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  JobData *data = g_new0 (JobData, 1);

  g_return_if_fail (kind != NULL && uuid != NULL && payload != NULL);

  json_node_set_object (node, payload);
  data->kind = g_strdup (kind);
  data->uuid = g_strdup (uuid);
  data->payload = json_to_string (node, FALSE);
  data->sync_running = sync_running;
  /* As for a save: allowed when asked for, so a lock meanwhile keeps it. */
  data->key = copy_data_key (self);
  g_task_set_source_tag (task, fk_store_revert_async);
  /* Cancelled after the job ran, the changes are gone all the same. */
  g_task_set_check_cancellable (task, FALSE);
  push_job (self, task, job_revert, data);
}

guint
fk_store_revert_finish (FkStore       *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  gssize revision;

  g_return_val_if_fail (g_task_is_valid (result, self), 0);

  revision = g_task_propagate_int (G_TASK (result), error);
  return revision > 0 ? (guint) revision : 0;
}

void
fk_store_list_offered_async (FkStore             *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, fk_store_list_offered_async);
  push_job (self, task, job_list_offered, NULL);
}

GHashTable *
fk_store_list_offered_finish (FkStore       *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
fk_store_wipe_async (FkStore             *self,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, fk_store_wipe_async);
  push_job (self, task, job_wipe, NULL);
}

gboolean
fk_store_wipe_finish (FkStore       *self,
                      GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
fk_store_purge_async (FkStore             *self,
                      const char          *kind,
                      guint64              sent_seconds_ago,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  JobData *data = g_new0 (JobData, 1);

  data->kind = g_strdup (kind);
  data->max_bytes = sent_seconds_ago;
  g_task_set_source_tag (task, fk_store_purge_async);
  push_job (self, task, job_purge, data);
}

gssize
fk_store_purge_finish (FkStore       *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  return g_task_propagate_int (G_TASK (result), error);
}

void
fk_store_get_meta_async (FkStore             *self,
                         const char          *key,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  JobData *data = g_new0 (JobData, 1);

  data->kind = g_strdup (key);
  g_task_set_source_tag (task, fk_store_get_meta_async);
  push_job (self, task, job_get_meta, data);
}

char *
fk_store_get_meta_finish (FkStore       *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
fk_store_set_meta_async (FkStore             *self,
                         const char          *key,
                         const char          *value,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  JobData *data = g_new0 (JobData, 1);

  data->kind = g_strdup (key);
  data->payload = g_strdup (value);
  g_task_set_source_tag (task, fk_store_set_meta_async);
  push_job (self, task, job_set_meta, data);
}

gboolean
fk_store_set_meta_finish (FkStore       *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
fk_store_flush_async (FkStore             *self,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, fk_store_flush_async);
  push_job (self, task, job_flush, NULL);
}

gboolean
fk_store_flush_finish (FkStore       *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
fk_store_count_pending_async (FkStore             *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, fk_store_count_pending_async);
  push_job (self, task, job_count_pending, NULL);
}

gssize
fk_store_count_pending_finish (FkStore       *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  return g_task_propagate_int (G_TASK (result), error);
}
