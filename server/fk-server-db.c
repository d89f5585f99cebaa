/* fk-server-db.c: the server's SQLite store of devices, sessions and records
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Secrets the server hands out (activation codes, session tokens) are kept
 * only as SHA-256, so a copy of the database lets nobody log in.
 */
#define G_LOG_DOMAIN "faltkoll-server"

#include "config.h"

#include <string.h>

#include "fk-crypto.h"
#include "fk-protocol.h"
#include "fk-server-checklist.h"
#include "fk-server-db-private.h"

/* Expired sessions are kept a day so their owner hears session-expired
 * rather than unauthorized. */
#define SESSION_KEEP_SECONDS (24 * 60 * 60)

struct _FkServerDb
{
  GObject  parent_instance;

  char    *path;
  sqlite3 *db;
  gint64   frozen_now;
};

static void fk_server_db_initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FkServerDb, fk_server_db, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      fk_server_db_initable_iface_init))

G_DEFINE_QUARK (fk-server-db-error-quark, fk_server_db_error)

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

enum {
  PROP_0,
  PROP_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Each entry takes the schema from version i to i + 1; never edit one that
 * has shipped, add a new one. */
static const char * const migrations[] = {
  "CREATE TABLE activation_codes ("
  "  id INTEGER PRIMARY KEY,"
  "  code_hash TEXT NOT NULL UNIQUE,"
  "  officer_id TEXT NOT NULL,"
  "  issued_at INTEGER NOT NULL,"
  "  expires_at INTEGER NOT NULL,"
  "  used_at INTEGER,"
  "  device_id TEXT);"
  "CREATE TABLE devices ("
  "  device_id TEXT PRIMARY KEY,"
  "  officer_id TEXT NOT NULL,"
  "  name TEXT NOT NULL,"
  "  public_key BLOB NOT NULL,"
  "  data_key BLOB NOT NULL,"
  "  failed_pins INTEGER NOT NULL DEFAULT 0,"
  "  state TEXT NOT NULL DEFAULT 'active'"
  "    CHECK (state IN ('active', 'disabled', 'revoked', 'retired')),"
  "  created_at INTEGER NOT NULL,"
  "  last_login_at INTEGER,"
  "  last_pin_login_at INTEGER);"
  "CREATE INDEX devices_by_officer ON devices (officer_id, state);"
  "CREATE TABLE challenges ("
  "  challenge_hash TEXT PRIMARY KEY,"
  "  device_id TEXT NOT NULL REFERENCES devices (device_id) ON DELETE CASCADE,"
  "  expires_at INTEGER NOT NULL);"
  "CREATE TABLE sessions ("
  "  token_hash TEXT PRIMARY KEY,"
  "  device_id TEXT NOT NULL REFERENCES devices (device_id) ON DELETE CASCADE,"
  "  created_at INTEGER NOT NULL,"
  "  expires_at INTEGER NOT NULL);"
  "CREATE TABLE records ("
  "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  uuid TEXT NOT NULL UNIQUE,"
  "  kind TEXT NOT NULL,"
  "  revision INTEGER NOT NULL,"
  "  officer_id TEXT NOT NULL,"
  "  device_id TEXT NOT NULL,"
  "  payload TEXT NOT NULL,"
  "  received_at TEXT NOT NULL);"
  "CREATE TABLE templates ("
  "  id TEXT PRIMARY KEY,"
  "  version INTEGER NOT NULL,"
  "  region TEXT,"
  "  body TEXT NOT NULL);"
  "CREATE TABLE changes ("
  "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  kind TEXT NOT NULL,"
  "  body TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL);",

  /* 2: team checklists.  Templates keep every version; each checklist
   * remembers per device the highest operation seq it applied; a
   * checklist's change names its uuid.  Checklists stored before were the
   * device's upload as it was: its operations go, the rest is the state,
   * and the team gets those that name their template. */
  "CREATE TABLE template_versions ("
  "  id TEXT NOT NULL,"
  "  version INTEGER NOT NULL,"
  "  region TEXT,"
  "  body TEXT NOT NULL,"
  "  PRIMARY KEY (id, version));"
  "INSERT INTO template_versions (id, version, region, body)"
  "  SELECT id, version, region, body FROM templates;"
  "DROP TABLE templates;"
  "ALTER TABLE template_versions RENAME TO templates;"
  "CREATE TABLE checklist_devices ("
  "  uuid TEXT NOT NULL,"
  "  device_id TEXT NOT NULL,"
  "  max_seq INTEGER NOT NULL,"
  "  PRIMARY KEY (uuid, device_id));"
  "ALTER TABLE changes ADD COLUMN uuid TEXT;"
  "CREATE INDEX changes_by_uuid ON changes (uuid) WHERE uuid IS NOT NULL;"
  "UPDATE records SET payload = json_remove (payload, '$.ops')"
  "  WHERE kind = 'event-checklist' AND json_valid (payload);"
  "INSERT INTO changes (kind, body, created_at, uuid)"
  "  SELECT 'event-checklist', payload, CAST (strftime ('%s', 'now') AS INTEGER), uuid FROM records"
  "  WHERE kind = 'event-checklist' AND json_valid (payload)"
  "    AND json_type (payload, '$.template_id') = 'text'"
  "    AND json_type (payload, '$.template_version') = 'integer'"
  "  ORDER BY seq;",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == FK_SERVER_DB_SCHEMA_VERSION);

static const char * const device_states[] = {
  [FK_DEVICE_STATE_ACTIVE] = "active",
  [FK_DEVICE_STATE_DISABLED] = "disabled",
  [FK_DEVICE_STATE_REVOKED] = "revoked",
  [FK_DEVICE_STATE_RETIRED] = "retired",
};

void
fk_server_db_session_free (FkServerDbSession *session)
{
  if (session == NULL)
    return;

  g_free (session->device_id);
  g_free (session->officer_id);
  if (session->token != NULL)
    fk_crypto_wipe (session->token, strlen (session->token));
  g_free (session->token);
  g_clear_pointer (&session->data_key, fk_secure_bytes_unref);
  g_free (session);
}

static gint64
now (FkServerDb *self)
{
  if (self->frozen_now != 0)
    return self->frozen_now;

  return g_get_real_time () / G_USEC_PER_SEC;
}

static gboolean
set_sqlite_error (FkServerDb  *self,
                  GError     **error)
{
  if (self->db == NULL)
    g_set_error_literal (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_FAILED,
                         "The database is closed");
  else
    g_set_error (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_FAILED,
                 "Database error: %s", sqlite3_errmsg (self->db));
  return FALSE;
}

static gboolean
exec (FkServerDb  *self,
      const char  *sql,
      GError     **error)
{
  if (self->db == NULL || sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return set_sqlite_error (self, error);

  return TRUE;
}

static sqlite3_stmt *
prepare (FkServerDb  *self,
         const char  *sql,
         GError     **error)
{
  sqlite3_stmt *stmt = NULL;

  if (self->db == NULL || sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      set_sqlite_error (self, error);
      return NULL;
    }

  return stmt;
}

/* Runs a statement that returns no row. */
static gboolean
step_done (FkServerDb    *self,
           sqlite3_stmt  *stmt,
           GError       **error)
{
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return set_sqlite_error (self, error);

  return TRUE;
}

/* SQLITE_ROW → TRUE; SQLITE_DONE → FALSE without error; else FALSE with one. */
static gboolean
step_row (FkServerDb    *self,
          sqlite3_stmt  *stmt,
          GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc != SQLITE_DONE)
    set_sqlite_error (self, error);
  return FALSE;
}

static gboolean
begin (FkServerDb  *self,
       GError     **error)
{
  /* IMMEDIATE takes the write lock up front, so an admin command running
   * beside the server waits (busy_timeout) instead of failing midway. */
  return exec (self, "BEGIN IMMEDIATE", error);
}

static gboolean
commit (FkServerDb  *self,
        GError     **error)
{
  return exec (self, "COMMIT", error);
}

static void
rollback (FkServerDb *self)
{
  if (self->db != NULL && !sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

static GBytes *
column_bytes (sqlite3_stmt *stmt,
              int           column)
{
  return g_bytes_new (sqlite3_column_blob (stmt, column), sqlite3_column_bytes (stmt, column));
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

static void
bind_text (sqlite3_stmt *stmt,
           int           column,
           const char   *text)
{
  sqlite3_bind_text (stmt, column, text, -1, SQLITE_TRANSIENT);
}

static void
bind_bytes (sqlite3_stmt *stmt,
            int           column,
            GBytes       *bytes)
{
  gsize length;
  gconstpointer data = g_bytes_get_data (bytes, &length);

  sqlite3_bind_blob (stmt, column, data, (int) length, SQLITE_TRANSIENT);
}

static char *
hash_text (const char *text)
{
  return fk_crypto_sha256_hex ((const guint8 *) text, strlen (text));
}

static char *
hash_bytes (GBytes *bytes)
{
  gsize length;
  const guint8 *data = g_bytes_get_data (bytes, &length);

  return fk_crypto_sha256_hex (data, length);
}

static char *
hex_encode (GBytes *bytes)
{
  gsize length;
  const guint8 *data = g_bytes_get_data (bytes, &length);
  GString *hex = g_string_sized_new (2 * length);

  for (gsize i = 0; i < length; i++)
    g_string_append_printf (hex, "%02x", data[i]);

  return g_string_free (hex, FALSE);
}

static gboolean
migrate (FkServerDb  *self,
         GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self, "PRAGMA user_version", error);
  int version;

  if (stmt == NULL || !step_row (self, stmt, error))
    return FALSE;
  version = sqlite3_column_int (stmt, 0);
  /* A statement still running keeps tables from being dropped. */
  g_clear_pointer (&stmt, sqlite3_finalize);

  if (version > FK_SERVER_DB_SCHEMA_VERSION)
    {
      g_set_error (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_FAILED,
                   "%s has schema version %d; this faltkoll-server knows up to %d",
                   self->path, version, FK_SERVER_DB_SCHEMA_VERSION);
      return FALSE;
    }

  for (; version < FK_SERVER_DB_SCHEMA_VERSION; version++)
    {
      g_autofree char *set_version = g_strdup_printf ("PRAGMA user_version = %d", version + 1);

      if (!begin (self, error)
          || !exec (self, migrations[version], error)
          || !exec (self, set_version, error)
          || !commit (self, error))
        {
          rollback (self);
          g_prefix_error (error, "Could not migrate %s to schema version %d: ",
                          self->path, version + 1);
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
fk_server_db_initable_init (GInitable     *initable,
                            GCancellable  *cancellable,
                            GError       **error)
{
  FkServerDb *self = FK_SERVER_DB (initable);

  if (sqlite3_open_v2 (self->path, &self->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
    {
      g_set_error (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_FAILED,
                   "Could not open %s: %s", self->path,
                   self->db ? sqlite3_errmsg (self->db) : "out of memory");
      return FALSE;
    }

  /* FULL: an "accepted" reply must survive a power cut right after it. */
  return exec (self,
               "PRAGMA journal_mode = WAL;"
               "PRAGMA synchronous = FULL;"
               "PRAGMA foreign_keys = ON;"
               "PRAGMA busy_timeout = 5000;",
               error)
         && migrate (self, error);
}

static void
fk_server_db_initable_iface_init (GInitableIface *iface)
{
  iface->init = fk_server_db_initable_init;
}

static void
fk_server_db_finalize (GObject *object)
{
  FkServerDb *self = FK_SERVER_DB (object);

  fk_server_db_close (self);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (fk_server_db_parent_class)->finalize (object);
}

static void
fk_server_db_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  FkServerDb *self = FK_SERVER_DB (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fk_server_db_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  FkServerDb *self = FK_SERVER_DB (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fk_server_db_class_init (FkServerDbClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fk_server_db_finalize;
  object_class->get_property = fk_server_db_get_property;
  object_class->set_property = fk_server_db_set_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fk_server_db_init (FkServerDb *self)
{
}

FkServerDb *
fk_server_db_open (const char  *path,
                   GError     **error)
{
  g_return_val_if_fail (path != NULL, NULL);

  return g_initable_new (FK_TYPE_SERVER_DB, NULL, error,
                         "path", path,
                         NULL);
}

void
fk_server_db_close (FkServerDb *self)
{
  g_return_if_fail (FK_IS_SERVER_DB (self));

  if (self->db == NULL)
    return;

  rollback (self);
  /* The last connection to close checkpoints the WAL into the main file. */
  sqlite3_close (self->db);
  self->db = NULL;
}

void
fk_server_db_set_now (FkServerDb *self,
                      gint64      unix_seconds)
{
  g_return_if_fail (FK_IS_SERVER_DB (self));

  self->frozen_now = unix_seconds;
}

gint64
fk_server_db_get_now (FkServerDb *self)
{
  g_return_val_if_fail (FK_IS_SERVER_DB (self), 0);

  return now (self);
}

sqlite3 *
fk_server_db_get_handle (FkServerDb *self)
{
  g_return_val_if_fail (FK_IS_SERVER_DB (self), NULL);

  return self->db;
}

static gboolean
is_valid_officer_id (const char *officer_id)
{
  gsize length = strlen (officer_id);

  if (length == 0 || length > 64)
    return FALSE;
  for (const char *p = officer_id; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("-_.", *p) == NULL)
      return FALSE;
  return TRUE;
}

/* 12 digits with no bias from the modulo. */
static char *
random_code_digits (void)
{
  const guint64 range = G_GUINT64_CONSTANT (1000000000000);
  const guint64 limit = G_MAXUINT64 - G_MAXUINT64 % range;
  guint64 value;

  do
    {
      g_autoptr(GBytes) bytes = fk_crypto_random_bytes (sizeof value);

      memcpy (&value, g_bytes_get_data (bytes, NULL), sizeof value);
    }
  while (value >= limit);

  return g_strdup_printf ("%012" G_GUINT64_FORMAT, value % range);
}

/* Digits only, dashes and spaces dropped; NULL unless exactly 12 digits. */
static char *
normalize_code (const char *code)
{
  g_autoptr(GString) digits = g_string_new (NULL);

  for (const char *p = code; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        g_string_append_c (digits, *p);
      else if (*p != '-' && *p != ' ')
        return NULL;
    }

  if (digits->len != 12)
    return NULL;

  return g_string_free (g_steal_pointer (&digits), FALSE);
}

char *
fk_server_db_issue_code (FkServerDb  *self,
                         const char  *officer_id,
                         GError     **error)
{
  g_autofree char *digits = NULL;
  g_autofree char *code_hash = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gint64 issued_at = now (self);

  g_return_val_if_fail (FK_IS_SERVER_DB (self), NULL);
  g_return_val_if_fail (officer_id != NULL, NULL);

  if (!is_valid_officer_id (officer_id))
    {
      g_set_error (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_INVALID,
                   "An officer ID is 1–64 letters, digits, '-', '_' or '.'");
      return NULL;
    }

  digits = random_code_digits ();
  code_hash = hash_text (digits);

  stmt = prepare (self,
                  "INSERT INTO activation_codes (code_hash, officer_id, issued_at, expires_at)"
                  " VALUES (?, ?, ?, ?)", error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, code_hash);
  bind_text (stmt, 2, officer_id);
  sqlite3_bind_int64 (stmt, 3, issued_at);
  sqlite3_bind_int64 (stmt, 4, issued_at + FK_ACTIVATION_CODE_SECONDS);
  if (!step_done (self, stmt, error))
    return NULL;

  return g_strdup_printf ("%.4s-%.4s-%.4s", digits, digits + 4, digits + 8);
}

/* Inside a transaction: takes over the data key of @previous_device_id when
 * it is this officer's own earlier token, and retires that token. */
static gboolean
take_over_previous (FkServerDb  *self,
                    const char  *previous_device_id,
                    const char  *officer_id,
                    GBytes     **data_key_out,
                    GError     **error)
{
  g_autoptr(sqlite3_stmt) select = NULL;
  g_autoptr(sqlite3_stmt) retire = NULL;
  GError *local_error = NULL;

  select = prepare (self,
                    "SELECT data_key FROM devices"
                    " WHERE device_id = ? AND officer_id = ? AND state IN ('active', 'disabled')",
                    error);
  if (select == NULL)
    return FALSE;
  bind_text (select, 1, previous_device_id);
  bind_text (select, 2, officer_id);
  if (!step_row (self, select, &local_error))
    {
      /* Someone else's or a revoked token: start afresh, without its key. */
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
      return TRUE;
    }
  *data_key_out = column_bytes (select, 0);

  retire = prepare (self, "UPDATE devices SET state = 'retired' WHERE device_id = ?", error);
  if (retire == NULL)
    return FALSE;
  bind_text (retire, 1, previous_device_id);

  return step_done (self, retire, error);
}

static gboolean
activate_in_transaction (FkServerDb  *self,
                         const char  *code_hash,
                         GBytes      *public_key,
                         const char  *device_name,
                         const char  *previous_device_id,
                         char       **device_id_out,
                         char       **officer_id_out,
                         GError     **error)
{
  g_autoptr(sqlite3_stmt) code = NULL;
  g_autoptr(sqlite3_stmt) count = NULL;
  g_autoptr(sqlite3_stmt) insert = NULL;
  g_autoptr(sqlite3_stmt) use = NULL;
  g_autoptr(sqlite3_stmt) move = NULL;
  g_autoptr(GBytes) data_key = NULL;
  g_autofree char *officer_id = NULL;
  g_autofree char *device_id = NULL;
  GError *local_error = NULL;
  gboolean took_over;
  gint64 code_id;
  gint64 t = now (self);

  code = prepare (self,
                  "SELECT id, officer_id, expires_at, used_at FROM activation_codes"
                  " WHERE code_hash = ?", error);
  if (code == NULL)
    return FALSE;
  bind_text (code, 1, code_hash);
  if (!step_row (self, code, &local_error))
    {
      if (local_error != NULL)
        g_propagate_error (error, local_error);
      else
        g_set_error_literal (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_CODE_INVALID,
                             "There is no such activation code.");
      return FALSE;
    }
  code_id = sqlite3_column_int64 (code, 0);
  officer_id = column_dup (code, 1);

  if (sqlite3_column_type (code, 3) != SQLITE_NULL)
    {
      g_set_error_literal (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_CODE_USED,
                           "The activation code was used already.");
      return FALSE;
    }
  if (t >= sqlite3_column_int64 (code, 2))
    {
      g_set_error_literal (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_CODE_EXPIRED,
                           "The activation code is older than 15 minutes.");
      return FALSE;
    }

  if (previous_device_id != NULL
      && !take_over_previous (self, previous_device_id, officer_id, &data_key, error))
    return FALSE;

  count = prepare (self,
                   "SELECT count(*) FROM devices WHERE officer_id = ? AND state = 'active'",
                   error);
  if (count == NULL)
    return FALSE;
  bind_text (count, 1, officer_id);
  if (!step_row (self, count, error))
    return FALSE;
  if (sqlite3_column_int (count, 0) >= FK_MAX_DEVICES_PER_OFFICER)
    {
      g_set_error (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_TOO_MANY_DEVICES,
                   "The officer has %d active devices already.", FK_MAX_DEVICES_PER_OFFICER);
      return FALSE;
    }

  took_over = data_key != NULL;
  if (data_key == NULL)
    data_key = fk_crypto_random_bytes (FK_DATA_KEY_BYTES);
  device_id = g_uuid_string_random ();

  insert = prepare (self,
                    "INSERT INTO devices (device_id, officer_id, name, public_key, data_key, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?)", error);
  if (insert == NULL)
    return FALSE;
  bind_text (insert, 1, device_id);
  bind_text (insert, 2, officer_id);
  bind_text (insert, 3, device_name);
  bind_bytes (insert, 4, public_key);
  bind_bytes (insert, 5, data_key);
  sqlite3_bind_int64 (insert, 6, t);
  if (!step_done (self, insert, error))
    return FALSE;

  /* The officer's phone goes on with its own operation numbers on team
   * checklists: what the old token had applied counts for the new one. */
  if (took_over)
    {
      move = prepare (self, "UPDATE checklist_devices SET device_id = ? WHERE device_id = ?", error);
      if (move == NULL)
        return FALSE;
      bind_text (move, 1, device_id);
      bind_text (move, 2, previous_device_id);
      if (!step_done (self, move, error))
        return FALSE;
    }

  use = prepare (self, "UPDATE activation_codes SET used_at = ?, device_id = ? WHERE id = ?", error);
  if (use == NULL)
    return FALSE;
  sqlite3_bind_int64 (use, 1, t);
  bind_text (use, 2, device_id);
  sqlite3_bind_int64 (use, 3, code_id);
  if (!step_done (self, use, error))
    return FALSE;

  *device_id_out = g_steal_pointer (&device_id);
  *officer_id_out = g_steal_pointer (&officer_id);

  return TRUE;
}

gboolean
fk_server_db_activate (FkServerDb  *self,
                       const char  *code,
                       GBytes      *public_key,
                       const char  *device_name,
                       const char  *previous_device_id,
                       char       **device_id_out,
                       char       **officer_id_out,
                       GError     **error)
{
  g_autofree char *digits = NULL;
  g_autofree char *code_hash = NULL;
  g_autofree char *device_id = NULL;
  g_autofree char *officer_id = NULL;

  g_return_val_if_fail (FK_IS_SERVER_DB (self), FALSE);
  g_return_val_if_fail (code != NULL, FALSE);
  g_return_val_if_fail (public_key != NULL, FALSE);
  g_return_val_if_fail (device_name != NULL, FALSE);

  digits = normalize_code (code);
  if (digits == NULL)
    {
      g_set_error_literal (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_CODE_INVALID,
                           "An activation code has 12 digits.");
      return FALSE;
    }
  code_hash = hash_text (digits);

  if (!begin (self, error))
    return FALSE;
  if (!activate_in_transaction (self, code_hash, public_key, device_name, previous_device_id,
                                &device_id, &officer_id, error)
      || !commit (self, error))
    {
      rollback (self);
      return FALSE;
    }

  if (device_id_out != NULL)
    *device_id_out = g_steal_pointer (&device_id);
  if (officer_id_out != NULL)
    *officer_id_out = g_steal_pointer (&officer_id);

  return TRUE;
}

static gboolean
parse_state (const char    *text,
             FkDeviceState *state_out)
{
  for (guint i = 0; i < G_N_ELEMENTS (device_states); i++)
    {
      if (g_strcmp0 (text, device_states[i]) == 0)
        {
          *state_out = i;
          return TRUE;
        }
    }
  return FALSE;
}

gboolean
fk_server_db_get_device_state (FkServerDb     *self,
                               const char     *device_id,
                               FkDeviceState  *state_out,
                               guint          *failed_logins_out,
                               GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  GError *local_error = NULL;
  FkDeviceState state;

  g_return_val_if_fail (FK_IS_SERVER_DB (self), FALSE);
  g_return_val_if_fail (device_id != NULL, FALSE);

  stmt = prepare (self, "SELECT state, failed_pins FROM devices WHERE device_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, device_id);
  if (!step_row (self, stmt, &local_error))
    {
      if (local_error != NULL)
        g_propagate_error (error, local_error);
      else
        g_set_error_literal (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_NOT_FOUND,
                             "There is no such device.");
      return FALSE;
    }
  if (!parse_state ((const char *) sqlite3_column_text (stmt, 0), &state))
    {
      g_set_error_literal (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_FAILED,
                           "The device has an unknown state.");
      return FALSE;
    }

  if (state_out != NULL)
    *state_out = state;
  if (failed_logins_out != NULL)
    *failed_logins_out = sqlite3_column_int (stmt, 1);

  return TRUE;
}

/* The device may log in: anything else is the problem that says why not. */
static gboolean
check_device_may_log_in (FkServerDb  *self,
                         const char  *device_id,
                         GError     **error)
{
  FkDeviceState state;

  if (!fk_server_db_get_device_state (self, device_id, &state, NULL, error))
    return FALSE;

  switch (state)
    {
    case FK_DEVICE_STATE_ACTIVE:
      return TRUE;

    case FK_DEVICE_STATE_DISABLED:
      g_set_error_literal (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_TOKEN_DISABLED,
                           "Too many failed logins; a new activation code is needed.");
      return FALSE;

    case FK_DEVICE_STATE_REVOKED:
      g_set_error_literal (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_DEVICE_REVOKED,
                           "The device was revoked.");
      return FALSE;

    case FK_DEVICE_STATE_RETIRED:
    default:
      /* A retired token was replaced by its owner: to anyone else it is gone. */
      g_set_error_literal (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_NOT_FOUND,
                           "There is no such device.");
      return FALSE;
    }
}

gboolean
fk_server_db_revoke_device (FkServerDb  *self,
                            const char  *device_id,
                            GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (FK_IS_SERVER_DB (self), FALSE);
  g_return_val_if_fail (device_id != NULL, FALSE);

  /* Sessions stay, so that a running client hears device-revoked and wipes. */
  stmt = prepare (self, "UPDATE devices SET state = 'revoked' WHERE device_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, device_id);
  if (!step_done (self, stmt, error))
    return FALSE;

  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error_literal (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_NOT_FOUND,
                           "There is no such device.");
      return FALSE;
    }

  return TRUE;
}

GBytes *
fk_server_db_new_challenge (FkServerDb  *self,
                            const char  *device_id,
                            GError     **error)
{
  g_autoptr(sqlite3_stmt) purge = NULL;
  g_autoptr(sqlite3_stmt) insert = NULL;
  g_autoptr(GBytes) challenge = NULL;
  g_autofree char *challenge_hash = NULL;
  gint64 t = now (self);

  g_return_val_if_fail (FK_IS_SERVER_DB (self), NULL);
  g_return_val_if_fail (device_id != NULL, NULL);

  if (!check_device_may_log_in (self, device_id, error))
    return NULL;

  purge = prepare (self, "DELETE FROM challenges WHERE expires_at <= ?", error);
  if (purge == NULL)
    return NULL;
  sqlite3_bind_int64 (purge, 1, t);
  if (!step_done (self, purge, error))
    return NULL;

  challenge = fk_crypto_random_bytes (FK_CHALLENGE_BYTES);
  challenge_hash = hash_bytes (challenge);

  insert = prepare (self,
                    "INSERT INTO challenges (challenge_hash, device_id, expires_at) VALUES (?, ?, ?)",
                    error);
  if (insert == NULL)
    return NULL;
  bind_text (insert, 1, challenge_hash);
  bind_text (insert, 2, device_id);
  sqlite3_bind_int64 (insert, 3, t + FK_SERVER_DB_CHALLENGE_SECONDS);
  if (!step_done (self, insert, error))
    return NULL;

  return g_steal_pointer (&challenge);
}

gboolean
fk_server_db_take_challenge (FkServerDb  *self,
                             const char  *device_id,
                             GBytes      *challenge,
                             GBytes     **public_key_out,
                             GError     **error)
{
  g_autoptr(sqlite3_stmt) take = NULL;
  g_autoptr(sqlite3_stmt) key = NULL;
  g_autofree char *challenge_hash = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (FK_IS_SERVER_DB (self), FALSE);
  g_return_val_if_fail (device_id != NULL, FALSE);
  g_return_val_if_fail (challenge != NULL, FALSE);
  g_return_val_if_fail (public_key_out != NULL, FALSE);

  if (!check_device_may_log_in (self, device_id, error))
    return FALSE;

  challenge_hash = hash_bytes (challenge);
  take = prepare (self,
                  "DELETE FROM challenges WHERE challenge_hash = ? AND device_id = ?"
                  " RETURNING expires_at", error);
  if (take == NULL)
    return FALSE;
  bind_text (take, 1, challenge_hash);
  bind_text (take, 2, device_id);
  if (!step_row (self, take, &local_error)
      || now (self) >= sqlite3_column_int64 (take, 0))
    {
      if (local_error != NULL)
        g_propagate_error (error, local_error);
      else
        g_set_error_literal (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_CHALLENGE_INVALID,
                             "The login challenge is unknown, used or expired.");
      return FALSE;
    }
  if (!step_done (self, take, error))
    return FALSE;

  key = prepare (self, "SELECT public_key FROM devices WHERE device_id = ?", error);
  if (key == NULL)
    return FALSE;
  bind_text (key, 1, device_id);
  if (!step_row (self, key, error))
    {
      g_set_error_literal (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_NOT_FOUND,
                           "There is no such device.");
      return FALSE;
    }
  *public_key_out = column_bytes (key, 0);

  return TRUE;
}

gboolean
fk_server_db_record_failed_login (FkServerDb  *self,
                                  const char  *device_id,
                                  guint       *attempts_left_out,
                                  GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  GError *local_error = NULL;
  guint failed;

  g_return_val_if_fail (FK_IS_SERVER_DB (self), FALSE);
  g_return_val_if_fail (device_id != NULL, FALSE);

  stmt = prepare (self,
                  "UPDATE devices SET failed_pins = failed_pins + 1,"
                  "  state = CASE WHEN failed_pins + 1 >= ?1 THEN 'disabled' ELSE state END"
                  " WHERE device_id = ?2 AND state = 'active'"
                  " RETURNING failed_pins", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int (stmt, 1, FK_MAX_FAILED_PINS);
  bind_text (stmt, 2, device_id);
  if (!step_row (self, stmt, &local_error))
    {
      if (local_error != NULL)
        g_propagate_error (error, local_error);
      else
        check_device_may_log_in (self, device_id, error);
      return FALSE;
    }
  failed = sqlite3_column_int (stmt, 0);
  if (!step_done (self, stmt, error))
    return FALSE;

  if (attempts_left_out != NULL)
    *attempts_left_out = failed >= FK_MAX_FAILED_PINS ? 0 : FK_MAX_FAILED_PINS - failed;

  return TRUE;
}

FkServerDbSession *
fk_server_db_start_session (FkServerDb  *self,
                            const char  *device_id,
                            const char  *method,
                            guint        seconds,
                            GError     **error)
{
  g_autoptr(FkServerDbSession) session = g_new0 (FkServerDbSession, 1);
  g_autoptr(sqlite3_stmt) device = NULL;
  g_autoptr(sqlite3_stmt) purge = NULL;
  g_autoptr(sqlite3_stmt) insert = NULL;
  g_autoptr(GBytes) token_bytes = NULL;
  g_autofree char *token_hash = NULL;
  GError *local_error = NULL;
  gint64 t = now (self);

  g_return_val_if_fail (FK_IS_SERVER_DB (self), NULL);
  g_return_val_if_fail (device_id != NULL, NULL);
  g_return_val_if_fail (method != NULL, NULL);

  token_bytes = fk_crypto_random_bytes (32);
  session->token = hex_encode (token_bytes);
  session->device_id = g_strdup (device_id);
  session->expires_at = t + seconds;
  token_hash = hash_text (session->token);

  if (!begin (self, error))
    return NULL;

  /* The fingerprint is a convenience on the phone; the PIN must keep being
   * used, or a stolen keyring would open the account for as long as it lasts. */
  if (g_str_equal (method, FK_METHOD_FINGERPRINT))
    {
      g_autoptr(sqlite3_stmt) recent = prepare (self,
                                                "SELECT 1 FROM devices WHERE device_id = ?1"
                                                " AND last_pin_login_at >= ?2", error);

      if (recent == NULL)
        goto fail;
      bind_text (recent, 1, device_id);
      sqlite3_bind_int64 (recent, 2, t - FK_FINGERPRINT_PIN_SECONDS);
      if (sqlite3_step (recent) != SQLITE_ROW)
        {
          g_set_error_literal (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_PIN_REQUIRED,
                               "A fingerprint login needs a PIN login within the last 72 hours.");
          goto fail;
        }
    }

  device = prepare (self,
                    "UPDATE devices SET failed_pins = 0, last_login_at = ?1,"
                    "  last_pin_login_at = CASE WHEN ?2 = 'pin' THEN ?1 ELSE last_pin_login_at END"
                    " WHERE device_id = ?3 AND state = 'active'"
                    " RETURNING officer_id, data_key", error);
  if (device == NULL)
    goto fail;
  sqlite3_bind_int64 (device, 1, t);
  bind_text (device, 2, method);
  bind_text (device, 3, device_id);
  if (!step_row (self, device, &local_error))
    {
      if (local_error != NULL)
        g_propagate_error (error, local_error);
      else
        check_device_may_log_in (self, device_id, error);
      goto fail;
    }
  session->officer_id = column_dup (device, 0);
  session->data_key = column_bytes (device, 1);
  if (!step_done (self, device, error))
    goto fail;

  purge = prepare (self, "DELETE FROM sessions WHERE expires_at < ?", error);
  if (purge == NULL)
    goto fail;
  sqlite3_bind_int64 (purge, 1, t - SESSION_KEEP_SECONDS);
  if (!step_done (self, purge, error))
    goto fail;

  insert = prepare (self,
                    "INSERT INTO sessions (token_hash, device_id, created_at, expires_at)"
                    " VALUES (?, ?, ?, ?)", error);
  if (insert == NULL)
    goto fail;
  bind_text (insert, 1, token_hash);
  bind_text (insert, 2, device_id);
  sqlite3_bind_int64 (insert, 3, t);
  sqlite3_bind_int64 (insert, 4, session->expires_at);
  if (!step_done (self, insert, error) || !commit (self, error))
    goto fail;

  return g_steal_pointer (&session);

fail:
  rollback (self);
  return NULL;
}

FkServerDbSession *
fk_server_db_authenticate (FkServerDb  *self,
                           const char  *token,
                           GError     **error)
{
  g_autoptr(FkServerDbSession) session = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *token_hash = NULL;
  GError *local_error = NULL;
  FkDeviceState state = FK_DEVICE_STATE_RETIRED;

  g_return_val_if_fail (FK_IS_SERVER_DB (self), NULL);
  g_return_val_if_fail (token != NULL, NULL);

  token_hash = hash_text (token);
  stmt = prepare (self,
                  "SELECT s.device_id, s.expires_at, d.officer_id, d.state"
                  " FROM sessions s JOIN devices d USING (device_id)"
                  " WHERE s.token_hash = ?", error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, token_hash);
  if (!step_row (self, stmt, &local_error))
    {
      if (local_error != NULL)
        g_propagate_error (error, local_error);
      else
        g_set_error_literal (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_UNAUTHORIZED,
                             "The bearer token is unknown.");
      return NULL;
    }

  session = g_new0 (FkServerDbSession, 1);
  session->device_id = column_dup (stmt, 0);
  session->expires_at = sqlite3_column_int64 (stmt, 1);
  session->officer_id = column_dup (stmt, 2);
  parse_state ((const char *) sqlite3_column_text (stmt, 3), &state);

  /* The device's fate outranks the session's age: a revoked client must
   * hear it at once to wipe itself. */
  switch (state)
    {
    case FK_DEVICE_STATE_ACTIVE:
      break;

    case FK_DEVICE_STATE_REVOKED:
      g_set_error_literal (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_DEVICE_REVOKED,
                           "The device was revoked.");
      return NULL;

    case FK_DEVICE_STATE_DISABLED:
      g_set_error_literal (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_TOKEN_DISABLED,
                           "Too many failed logins; a new activation code is needed.");
      return NULL;

    case FK_DEVICE_STATE_RETIRED:
    default:
      g_set_error_literal (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_UNAUTHORIZED,
                           "The bearer token is unknown.");
      return NULL;
    }

  if (now (self) >= session->expires_at)
    {
      g_set_error_literal (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_SESSION_EXPIRED,
                           "The session has expired; log in again.");
      return NULL;
    }

  return g_steal_pointer (&session);
}

gboolean
fk_server_db_end_session (FkServerDb  *self,
                          const char  *token,
                          GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *token_hash = NULL;

  g_return_val_if_fail (FK_IS_SERVER_DB (self), FALSE);
  g_return_val_if_fail (token != NULL, FALSE);

  token_hash = hash_text (token);
  stmt = prepare (self, "DELETE FROM sessions WHERE token_hash = ?", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, token_hash);

  return step_done (self, stmt, error);
}

static void
reject (FkServerDbRecord *record,
        const char       *field,
        const char       *detail)
{
  record->status = FK_RESULT_REJECTED;
  record->field = g_strdup (field);
  record->detail = g_strdup (detail);
}

static gboolean
store_one (FkServerDb        *self,
           const char        *officer_id,
           const char        *device_id,
           const char        *received_at,
           FkServerDbRecord  *record,
           GError           **error)
{
  g_autoptr(sqlite3_stmt) select = NULL;
  g_autoptr(sqlite3_stmt) write = NULL;
  GError *local_error = NULL;
  gboolean exists;

  select = prepare (self, "SELECT kind, revision, officer_id FROM records WHERE uuid = ?", error);
  if (select == NULL)
    return FALSE;
  bind_text (select, 1, record->uuid);
  exists = step_row (self, select, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }

  if (exists)
    {
      if (g_strcmp0 ((const char *) sqlite3_column_text (select, 2), officer_id) != 0)
        {
          reject (record, "uuid", "uuid: a record with this uuid belongs to another officer.");
          return TRUE;
        }
      if (g_strcmp0 ((const char *) sqlite3_column_text (select, 0), record->kind) != 0)
        {
          reject (record, "kind", "kind: a record with this uuid was stored with another kind.");
          return TRUE;
        }
      if (record->revision <= sqlite3_column_int64 (select, 1))
        {
          record->status = FK_RESULT_DUPLICATE;
          return TRUE;
        }

      write = prepare (self,
                       "UPDATE records SET revision = ?2, device_id = ?3, payload = ?4,"
                       "  received_at = ?5 WHERE uuid = ?1", error);
    }
  else
    {
      write = prepare (self,
                       "INSERT INTO records (uuid, revision, device_id, payload, received_at,"
                       "  kind, officer_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", error);
    }
  if (write == NULL)
    return FALSE;

  bind_text (write, 1, record->uuid);
  sqlite3_bind_int64 (write, 2, record->revision);
  bind_text (write, 3, device_id);
  bind_text (write, 4, record->payload);
  bind_text (write, 5, received_at);
  if (!exists)
    {
      bind_text (write, 6, record->kind);
      bind_text (write, 7, officer_id);
    }
  if (!step_done (self, write, error))
    return FALSE;

  record->status = FK_RESULT_ACCEPTED;
  return TRUE;
}

static char *
object_to_string (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, object);

  return json_to_string (node, FALSE);
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(JsonNode) node = text != NULL ? json_from_string (text, NULL) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  return json_object_ref (json_node_get_object (node));
}

/* The stored template @id at @version; NULL without an error when there is
 * no such version. */
static JsonObject *
load_template (FkServerDb  *self,
               const char  *id,
               gint64       version,
               GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  JsonObject *template_;

  stmt = prepare (self, "SELECT body FROM templates WHERE id = ? AND version = ?", error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, version);
  if (!step_row (self, stmt, error))
    return NULL;

  template_ = parse_object ((const char *) sqlite3_column_text (stmt, 0));
  if (template_ == NULL)
    g_set_error (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_FAILED,
                 "Template %s version %" G_GINT64_FORMAT " is corrupt", id, version);

  return template_;
}

/* The newest stored version of template @id, 0 when there is none. */
static gboolean
newest_template_version (FkServerDb  *self,
                         const char  *id,
                         gint64      *version_out,
                         char       **region_out,
                         GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  GError *local_error = NULL;

  stmt = prepare (self, "SELECT version, region FROM templates WHERE id = ? ORDER BY version DESC LIMIT 1",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, id);

  *version_out = 0;
  if (region_out != NULL)
    *region_out = NULL;
  if (step_row (self, stmt, &local_error))
    {
      *version_out = sqlite3_column_int64 (stmt, 0);
      if (region_out != NULL)
        *region_out = column_dup (stmt, 1);
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }

  return TRUE;
}

static gboolean
append_change (FkServerDb  *self,
               const char  *kind,
               const char  *uuid,
               const char  *body,
               GError     **error)
{
  g_autoptr(sqlite3_stmt) purge = NULL;
  g_autoptr(sqlite3_stmt) insert = NULL;

  /* A checklist's newest state says all its older ones did, so the feed
   * keeps one change per checklist; templates keep every version. */
  if (uuid != NULL)
    {
      purge = prepare (self, "DELETE FROM changes WHERE uuid = ?", error);
      if (purge == NULL)
        return FALSE;
      bind_text (purge, 1, uuid);
      if (!step_done (self, purge, error))
        return FALSE;
    }

  insert = prepare (self, "INSERT INTO changes (kind, body, created_at, uuid) VALUES (?, ?, ?, ?)", error);
  if (insert == NULL)
    return FALSE;
  bind_text (insert, 1, kind);
  bind_text (insert, 2, body);
  sqlite3_bind_int64 (insert, 3, now (self));
  bind_text (insert, 4, uuid);

  return step_done (self, insert, error);
}

/* Finds the template a checklist uses; rejects @record when it is unknown. */
static gboolean
checklist_template (FkServerDb        *self,
                    JsonObject        *names,
                    FkServerDbRecord  *record,
                    JsonObject       **template_out,
                    GError           **error)
{
  JsonNode *version = json_object_get_member (names, "template_version");
  JsonNode *id_node = json_object_get_member (names, "template_id");
  const char *id = NULL;
  g_autofree char *detail = NULL;
  GError *local_error = NULL;
  gint64 newest;

  *template_out = NULL;
  if (id_node != NULL && JSON_NODE_HOLDS_VALUE (id_node) && json_node_get_value_type (id_node) == G_TYPE_STRING)
    id = json_node_get_string (id_node);
  if (id == NULL)
    {
      reject (record, "template-id", "template-id: not a template id.");
      return TRUE;
    }
  if (version == NULL || !JSON_NODE_HOLDS_VALUE (version)
      || json_node_get_value_type (version) != G_TYPE_INT64)
    {
      reject (record, "template-version", "template-version: not a whole number.");
      return TRUE;
    }

  *template_out = load_template (self, id, json_node_get_int (version), &local_error);
  if (*template_out != NULL)
    return TRUE;
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }

  if (!newest_template_version (self, id, &newest, NULL, error))
    return FALSE;
  if (newest == 0)
    {
      detail = g_strdup_printf ("template-id: no template %s is known.", id);
      reject (record, "template-id", detail);
    }
  else
    {
      detail = g_strdup_printf ("template-version: template %s has no version %" G_GINT64_FORMAT ".",
                                id, json_node_get_int (version));
      reject (record, "template-version", detail);
    }

  return TRUE;
}

/* Creates or merges one event checklist (docs/records.md): operations
 * above the device's highest applied seq go on in order; a replay applies
 * none and writes nothing. */
static gboolean
store_checklist (FkServerDb        *self,
                 const char        *officer_id,
                 const char        *device_id,
                 const char        *received_at,
                 FkServerDbRecord  *record,
                 GError           **error)
{
  g_autoptr(sqlite3_stmt) select = NULL;
  g_autoptr(sqlite3_stmt) seq = NULL;
  g_autoptr(sqlite3_stmt) write = NULL;
  g_autoptr(sqlite3_stmt) remember = NULL;
  g_autoptr(sqlite3_stmt) others = NULL;
  g_autoptr(JsonObject) upload = parse_object (record->payload);
  g_autoptr(JsonObject) state = NULL;
  g_autoptr(JsonObject) template_ = NULL;
  g_autoptr(GError) invalid = NULL;
  g_autofree char *field = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *state_text = NULL;
  GError *local_error = NULL;
  gboolean exists;
  gint64 revision = 0;
  gint64 max_seq = 0;
  guint applied;

  if (upload == NULL)
    {
      reject (record, "payload", "payload: not an object.");
      return TRUE;
    }

  select = prepare (self, "SELECT kind, revision, payload FROM records WHERE uuid = ?", error);
  if (select == NULL)
    return FALSE;
  bind_text (select, 1, record->uuid);
  exists = step_row (self, select, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }

  if (exists)
    {
      if (g_strcmp0 ((const char *) sqlite3_column_text (select, 0), FK_KIND_EVENT_CHECKLIST) != 0)
        {
          reject (record, "kind", "kind: a record with this uuid was stored with another kind.");
          return TRUE;
        }
      revision = sqlite3_column_int64 (select, 1);
      state = parse_object ((const char *) sqlite3_column_text (select, 2));
      if (state == NULL)
        {
          reject (record, "uuid", "uuid: the stored checklist cannot be merged; start a new one.");
          return TRUE;
        }
    }

  /* The checklist keeps the template version it started with. */
  if (!checklist_template (self, exists ? state : upload, record, &template_, error))
    return FALSE;
  if (record->status != NULL)
    return TRUE;

  if (!fk_server_checklist_check (upload, template_, !exists, &field, &invalid))
    {
      detail = g_strdup_printf ("%s: %s", field, invalid->message);
      reject (record, field, detail);
      return TRUE;
    }

  if (!exists)
    state = fk_server_checklist_new_state (upload, template_, officer_id);

  seq = prepare (self, "SELECT max_seq FROM checklist_devices WHERE uuid = ? AND device_id = ?", error);
  if (seq == NULL)
    return FALSE;
  bind_text (seq, 1, record->uuid);
  bind_text (seq, 2, device_id);
  if (step_row (self, seq, &local_error))
    max_seq = sqlite3_column_int64 (seq, 0);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }

  applied = fk_server_checklist_merge (state, upload, template_, officer_id, &max_seq);

  if (!exists || applied > 0)
    {
      state_text = object_to_string (state);

      if (exists)
        write = prepare (self,
                         "UPDATE records SET revision = ?2, device_id = ?3, payload = ?4,"
                         "  received_at = ?5 WHERE uuid = ?1", error);
      else
        write = prepare (self,
                         "INSERT INTO records (uuid, revision, device_id, payload, received_at,"
                         "  kind, officer_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", error);
      if (write == NULL)
        return FALSE;
      bind_text (write, 1, record->uuid);
      /* A checklist's revision counts its merges. */
      sqlite3_bind_int64 (write, 2, revision + 1);
      bind_text (write, 3, device_id);
      bind_text (write, 4, state_text);
      bind_text (write, 5, received_at);
      if (!exists)
        {
          bind_text (write, 6, FK_KIND_EVENT_CHECKLIST);
          bind_text (write, 7, officer_id);
        }
      if (!step_done (self, write, error))
        return FALSE;

      remember = prepare (self,
                          "INSERT INTO checklist_devices (uuid, device_id, max_seq) VALUES (?, ?, ?)"
                          " ON CONFLICT (uuid, device_id) DO UPDATE SET max_seq = excluded.max_seq",
                          error);
      if (remember == NULL)
        return FALSE;
      bind_text (remember, 1, record->uuid);
      bind_text (remember, 2, device_id);
      sqlite3_bind_int64 (remember, 3, max_seq);
      if (!step_done (self, remember, error)
          || !append_change (self, FK_KIND_EVENT_CHECKLIST, record->uuid, state_text, error))
        return FALSE;
    }

  others = prepare (self,
                    "SELECT EXISTS (SELECT 1 FROM checklist_devices WHERE uuid = ? AND device_id <> ?)",
                    error);
  if (others == NULL)
    return FALSE;
  bind_text (others, 1, record->uuid);
  bind_text (others, 2, device_id);
  if (!step_row (self, others, error))
    return FALSE;

  record->status = sqlite3_column_int (others, 0) ? FK_RESULT_CONFLICT : FK_RESULT_ACCEPTED;
  record->state = g_steal_pointer (&state);
  record->acked = max_seq;
  return TRUE;
}

gboolean
fk_server_db_store_records (FkServerDb        *self,
                            const char        *officer_id,
                            const char        *device_id,
                            FkServerDbRecord  *records,
                            guint              n_records,
                            GError           **error)
{
  g_autoptr(GDateTime) received = NULL;
  g_autofree char *received_at = NULL;

  g_return_val_if_fail (FK_IS_SERVER_DB (self), FALSE);
  g_return_val_if_fail (officer_id != NULL, FALSE);
  g_return_val_if_fail (device_id != NULL, FALSE);
  g_return_val_if_fail (records != NULL || n_records == 0, FALSE);

  received = g_date_time_new_from_unix_utc (now (self));
  received_at = g_date_time_format (received, "%Y-%m-%dT%H:%M:%SZ");

  if (!begin (self, error))
    return FALSE;

  for (guint i = 0; i < n_records; i++)
    {
      gboolean ok;

      if (records[i].status != NULL)
        continue;

      if (g_strcmp0 (records[i].kind, FK_KIND_EVENT_CHECKLIST) == 0)
        ok = store_checklist (self, officer_id, device_id, received_at, &records[i], error);
      else
        ok = store_one (self, officer_id, device_id, received_at, &records[i], error);
      if (!ok)
        {
          rollback (self);
          return FALSE;
        }
    }

  if (!commit (self, error))
    {
      rollback (self);
      return FALSE;
    }

  return TRUE;
}

static gboolean
invalid_template (GError     **error,
                  const char  *what)
{
  g_set_error (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_INVALID,
               "Invalid checklist template: %s", what);
  return FALSE;
}

static gboolean
is_nonempty_string_member (JsonObject *object,
                           const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node != NULL
         && JSON_NODE_HOLDS_VALUE (node)
         && json_node_get_value_type (node) == G_TYPE_STRING
         && json_node_get_string (node)[0] != '\0';
}

/* A gettext language name as g_get_language_names() gives it ("en",
 * "pt_BR"), other than the Swedish the template itself is in. */
static gboolean
is_language (const char *name)
{
  gsize length = strspn (name, "abcdefghijklmnopqrstuvwxyz");

  if (length < 2 || length > 3 || g_str_equal (name, "sv"))
    return FALSE;
  if (name[length] == '\0')
    return TRUE;

  return name[length] == '_' && g_ascii_isupper (name[length + 1]) && g_ascii_isupper (name[length + 2])
         && name[length + 3] == '\0';
}

/* "translations": per language, an optional title and item texts by the
 * ids of this template's items; stored and sent as given. */
static gboolean
validate_translations (JsonNode    *translations,
                       GHashTable  *item_ids,
                       GError     **error)
{
  g_autoptr(GList) languages = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (translations))
    return invalid_template (error, "translations is not an object");

  languages = json_object_get_members (json_node_get_object (translations));
  for (GList *l = languages; l != NULL; l = l->next)
    {
      JsonNode *node = json_object_get_member (json_node_get_object (translations), l->data);
      JsonObject *language;
      JsonNode *texts;
      g_autoptr(GList) fields = NULL;
      g_autoptr(GList) ids = NULL;

      if (!is_language (l->data) || !JSON_NODE_HOLDS_OBJECT (node))
        return invalid_template (error, "a translation is not an object under a language code other than sv");
      language = json_node_get_object (node);
      texts = json_object_get_member (language, "items");
      fields = json_object_get_members (language);
      for (GList *m = fields; m != NULL; m = m->next)
        if (!g_str_equal (m->data, "title") && !g_str_equal (m->data, "items"))
          return invalid_template (error, "a translation has a field other than title and items");
      if (json_object_has_member (language, "title") && !is_nonempty_string_member (language, "title"))
        return invalid_template (error, "a translated title is empty");
      if (texts == NULL)
        continue;
      if (!JSON_NODE_HOLDS_OBJECT (texts))
        return invalid_template (error, "a translation's items is not an object");
      ids = json_object_get_members (json_node_get_object (texts));
      for (GList *m = ids; m != NULL; m = m->next)
        {
          if (!g_hash_table_contains (item_ids, m->data))
            return invalid_template (error, "a translation names an item the template lacks");
          if (!is_nonempty_string_member (json_node_get_object (texts), m->data))
            return invalid_template (error, "a translated item text is empty");
        }
    }

  return TRUE;
}

static gboolean
validate_template (JsonObject  *template_,
                   GError     **error)
{
  JsonNode *version = json_object_get_member (template_, "version");
  JsonNode *region = json_object_get_member (template_, "region");
  JsonNode *items = json_object_get_member (template_, "items");
  JsonNode *translations;
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *array;

  if (!is_nonempty_string_member (template_, "id"))
    return invalid_template (error, "no id");
  if (!is_nonempty_string_member (template_, "title"))
    return invalid_template (error, "no title");
  if (version == NULL || !JSON_NODE_HOLDS_VALUE (version)
      || json_node_get_value_type (version) != G_TYPE_INT64
      || json_node_get_int (version) < 1)
    return invalid_template (error, "version is not a positive integer");
  if (region == NULL
      || !(JSON_NODE_HOLDS_NULL (region)
           || (is_nonempty_string_member (template_, "region")
               && fk_server_checklist_is_region (json_node_get_string (region)))))
    return invalid_template (error, "region is neither null nor one of the seven police regions");
  if (items == NULL || !JSON_NODE_HOLDS_ARRAY (items)
      || json_array_get_length (json_node_get_array (items)) == 0)
    return invalid_template (error, "no items");

  array = json_node_get_array (items);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *item;
      const char *phase;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return invalid_template (error, "an item is not an object");
      item = json_node_get_object (node);
      if (!is_nonempty_string_member (item, "id") || !is_nonempty_string_member (item, "text")
          || !is_nonempty_string_member (item, "phase"))
        return invalid_template (error, "an item lacks id, phase or text");
      phase = json_object_get_string_member (item, "phase");
      if (!g_str_equal (phase, "before") && !g_str_equal (phase, "during")
          && !g_str_equal (phase, "after"))
        return invalid_template (error, "an item's phase is not before, during or after");
      if (!g_hash_table_add (ids, (gpointer) json_object_get_string_member (item, "id")))
        return invalid_template (error, "two items have the same id");
    }

  translations = json_object_get_member (template_, "translations");
  if (translations != NULL && !validate_translations (translations, ids, error))
    return FALSE;

  return TRUE;
}

/* Inside a transaction: stores @template_ as a new version when it is one;
 * @only_newer makes an older or equal version a no-op instead of an error. */
static gboolean
add_template_in_transaction (FkServerDb  *self,
                             JsonObject  *template_,
                             gboolean     only_newer,
                             GError     **error)
{
  g_autoptr(sqlite3_stmt) insert = NULL;
  g_autofree char *body = NULL;
  g_autofree char *stored_region = NULL;
  const char *id = json_object_get_string_member (template_, "id");
  const char *region = json_object_get_string_member_with_default (template_, "region", NULL);
  gint64 version = json_object_get_int_member (template_, "version");
  gint64 newest;

  if (!newest_template_version (self, id, &newest, &stored_region, error))
    return FALSE;

  if (version <= newest)
    {
      if (only_newer)
        return TRUE;
      g_set_error (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_INVALID,
                   "Template %s is stored at version %" G_GINT64_FORMAT "; a new one needs a higher version",
                   id, newest);
      return FALSE;
    }
  /* The id names the template for checklists in every region alike. */
  if (newest > 0 && g_strcmp0 (region, stored_region) != 0)
    {
      g_set_error (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_INVALID,
                   "Template %s is for %s; a new version cannot change its region",
                   id, stored_region != NULL ? stored_region : "the whole country");
      return FALSE;
    }

  body = object_to_string (template_);
  insert = prepare (self, "INSERT INTO templates (id, version, region, body) VALUES (?, ?, ?, ?)", error);
  if (insert == NULL)
    return FALSE;
  bind_text (insert, 1, id);
  sqlite3_bind_int64 (insert, 2, version);
  bind_text (insert, 3, region);
  bind_text (insert, 4, body);

  return step_done (self, insert, error)
         && append_change (self, "template", NULL, body, error);
}

static gboolean
store_template (FkServerDb  *self,
                JsonObject  *template_,
                gboolean     only_newer,
                GError     **error)
{
  if (!validate_template (template_, error) || !begin (self, error))
    return FALSE;

  if (!add_template_in_transaction (self, template_, only_newer, error) || !commit (self, error))
    {
      rollback (self);
      return FALSE;
    }

  return TRUE;
}

gboolean
fk_server_db_add_template (FkServerDb  *self,
                           JsonObject  *template_,
                           GError     **error)
{
  g_return_val_if_fail (FK_IS_SERVER_DB (self), FALSE);
  g_return_val_if_fail (template_ != NULL, FALSE);

  return store_template (self, template_, FALSE, error);
}

gboolean
fk_server_db_seed_template (FkServerDb  *self,
                            JsonObject  *template_,
                            GError     **error)
{
  g_return_val_if_fail (FK_IS_SERVER_DB (self), FALSE);
  g_return_val_if_fail (template_ != NULL, FALSE);

  return store_template (self, template_, TRUE, error);
}

static JsonNode *
parse_stored_json (const char  *text,
                   const char  *what,
                   GError     **error)
{
  JsonNode *node = json_from_string (text, error);

  if (node == NULL)
    g_prefix_error (error, "A stored %s is corrupt: ", what);

  return node;
}

JsonArray *
fk_server_db_list_templates (FkServerDb  *self,
                             GError     **error)
{
  g_autoptr(JsonArray) templates = json_array_new ();
  g_autoptr(sqlite3_stmt) stmt = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (FK_IS_SERVER_DB (self), NULL);

  stmt = prepare (self,
                  "SELECT body FROM templates t"
                  " WHERE version = (SELECT max(version) FROM templates WHERE id = t.id)"
                  " ORDER BY region IS NOT NULL, region, id", error);
  if (stmt == NULL)
    return NULL;

  while (step_row (self, stmt, &local_error))
    {
      JsonNode *node = parse_stored_json ((const char *) sqlite3_column_text (stmt, 0), "template", error);

      if (node == NULL)
        return NULL;
      json_array_add_element (templates, node);
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }

  return g_steal_pointer (&templates);
}

JsonArray *
fk_server_db_list_changes (FkServerDb  *self,
                           gint64       since,
                           guint        limit,
                           gint64      *cursor_out,
                           gboolean    *more_out,
                           GError     **error)
{
  g_autoptr(JsonArray) changes = json_array_new ();
  g_autoptr(sqlite3_stmt) stmt = NULL;
  GError *local_error = NULL;
  gint64 cursor = since;
  gboolean more = FALSE;

  g_return_val_if_fail (FK_IS_SERVER_DB (self), NULL);
  g_return_val_if_fail (limit > 0, NULL);

  /* One more than asked for tells whether there is more. */
  stmt = prepare (self, "SELECT seq, kind, body, uuid FROM changes WHERE seq > ? ORDER BY seq LIMIT ?",
                  error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, since);
  sqlite3_bind_int64 (stmt, 2, (gint64) limit + 1);

  while (step_row (self, stmt, &local_error))
    {
      JsonObject *change;
      const char *kind = (const char *) sqlite3_column_text (stmt, 1);
      const char *uuid = (const char *) sqlite3_column_text (stmt, 3);
      JsonNode *body;

      if (json_array_get_length (changes) == limit)
        {
          more = TRUE;
          break;
        }

      body = parse_stored_json ((const char *) sqlite3_column_text (stmt, 2), "change", error);
      if (body == NULL)
        return NULL;

      change = json_object_new ();
      cursor = sqlite3_column_int64 (stmt, 0);
      json_object_set_int_member (change, "seq", cursor);
      json_object_set_string_member (change, "kind", kind);
      /* A checklist's merged state under "state" beside its uuid; anything
       * else under the kind's own name: "template": {…}. */
      if (uuid != NULL)
        {
          json_object_set_string_member (change, "uuid", uuid);
          json_object_set_member (change, "state", body);
        }
      else
        {
          json_object_set_member (change, kind, body);
        }
      json_array_add_object_element (changes, change);
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }

  if (cursor_out != NULL)
    *cursor_out = cursor;
  if (more_out != NULL)
    *more_out = more;

  return g_steal_pointer (&changes);
}
