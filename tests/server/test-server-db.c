/* test-server-db.c: FkServerDb, the server's store
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "fk-crypto.h"
#include "fk-protocol.h"
#include "fk-server-db-private.h"

#define T0 G_GINT64_CONSTANT (1795000000)   /* 2026-11-18, any fixed instant */

typedef struct {
  char       *dir;
  char       *path;
  FkServerDb *db;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("fk-server-db-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "faltkoll-server.db", NULL);
  f->db = fk_server_db_open (f->path, &error);
  g_assert_no_error (error);
  fk_server_db_set_now (f->db, T0);
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_remove (path);
    }
  g_rmdir (dir);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->db);
  remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static gint64
query_int (FkServerDb *db,
           const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (fk_server_db_get_handle (db), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  return value;
}

static char *
query_text (FkServerDb *db,
            const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *value;

  g_assert_cmpint (sqlite3_prepare_v2 (fk_server_db_get_handle (db), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);

  return value;
}

static GBytes *
new_public_key (void)
{
  guint8 scalar[FK_EC_SCALAR_BYTES];
  g_autoptr(GError) error = NULL;
  GBytes *public_key = NULL;

  g_assert_true (fk_crypto_generate_key (scalar, &public_key, &error));
  g_assert_no_error (error);
  fk_crypto_wipe (scalar, sizeof scalar);

  return public_key;
}

/* Issues a code for @officer and activates a device with it. */
static char *
enroll (Fixture    *f,
        const char *officer,
        const char *previous_device_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) public_key = new_public_key ();
  g_autofree char *code = fk_server_db_issue_code (f->db, officer, &error);
  g_autofree char *officer_out = NULL;
  char *device_id = NULL;

  g_assert_no_error (error);
  g_assert_true (fk_server_db_activate (f->db, code, public_key, "test phone", previous_device_id,
                                        &device_id, &officer_out, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (officer_out, ==, officer);
  g_assert_true (g_uuid_string_is_valid (device_id));

  return device_id;
}

static void
test_schema (Fixture       *f,
             gconstpointer  data)
{
  static const char *tables[] = {
    "activation_codes", "devices", "challenges", "sessions", "records", "templates", "changes",
  };
  static const char *record_columns[] = {
    "seq", "uuid", "kind", "revision", "officer_id", "device_id", "payload", "received_at",
  };
  sqlite3_stmt *stmt = NULL;
  g_autofree char *journal = NULL;
  guint i = 0;

  g_assert_cmpint (query_int (f->db, "PRAGMA user_version"), ==, FK_SERVER_DB_SCHEMA_VERSION);
  g_assert_cmpint (query_int (f->db, "PRAGMA foreign_keys"), ==, 1);
  g_assert_cmpint (query_int (f->db, "PRAGMA synchronous"), ==, 2);   /* FULL */
  g_assert_cmpint (query_int (f->db, "PRAGMA busy_timeout"), ==, 5000);
  journal = query_text (f->db, "PRAGMA journal_mode");
  g_assert_cmpstr (journal, ==, "wal");

  for (i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM sqlite_master"
                                              " WHERE type = 'table' AND name = '%s'", tables[i]);

      g_assert_cmpint (query_int (f->db, sql), ==, 1);
    }

  /* Other tools query records directly: its columns are a contract. */
  g_assert_cmpint (sqlite3_prepare_v2 (fk_server_db_get_handle (f->db), "PRAGMA table_info(records)",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  for (i = 0; sqlite3_step (stmt) == SQLITE_ROW; i++)
    {
      g_assert_cmpuint (i, <, G_N_ELEMENTS (record_columns));
      g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 1), ==, record_columns[i]);
    }
  sqlite3_finalize (stmt);
  g_assert_cmpuint (i, ==, G_N_ELEMENTS (record_columns));
}

static void
test_migration_idempotent (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *code = fk_server_db_issue_code (f->db, "officer-1", &error);
  g_autofree char *newer_path = g_build_filename (f->dir, "newer.db", NULL);
  g_autoptr(FkServerDb) newer = NULL;
  sqlite3 *raw = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (code);

  /* Opening again must neither fail on existing tables nor lose rows. */
  fk_server_db_close (f->db);
  g_clear_object (&f->db);
  f->db = fk_server_db_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (query_int (f->db, "PRAGMA user_version"), ==, FK_SERVER_DB_SCHEMA_VERSION);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM activation_codes"), ==, 1);

  /* A database from a newer server is refused, not damaged. */
  g_assert_cmpint (sqlite3_open (newer_path, &raw), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (raw, "PRAGMA user_version = 99", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (raw);
  newer = fk_server_db_open (newer_path, &error);
  g_assert_error (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_FAILED);
  g_assert_null (newer);
}

static void
test_code_issue_and_use (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) public_key = new_public_key ();
  g_autofree char *code = fk_server_db_issue_code (f->db, "officer-1", &error);
  g_autofree char *digits = NULL;
  g_autofree char *expected_hash = NULL;
  g_autofree char *stored_hash = NULL;
  g_autofree char *spaced = NULL;
  g_autofree char *device_id = NULL;
  g_autofree char *officer_id = NULL;
  g_autofree char *dump_sql = NULL;

  g_assert_no_error (error);
  g_assert_true (g_regex_match_simple ("^[0-9]{4}-[0-9]{4}-[0-9]{4}$", code, 0, 0));

  /* Only the hash is stored. */
  digits = g_strdup_printf ("%.4s%.4s%.4s", code, code + 5, code + 10);
  expected_hash = fk_crypto_sha256_hex ((const guint8 *) digits, 12);
  stored_hash = query_text (f->db, "SELECT code_hash FROM activation_codes");
  g_assert_cmpstr (stored_hash, ==, expected_hash);
  dump_sql = g_strdup_printf ("SELECT count(*) FROM activation_codes WHERE code_hash = '%s'"
                              " OR officer_id LIKE '%%%s%%'", digits, digits);
  g_assert_cmpint (query_int (f->db, dump_sql), ==, 0);

  /* Spaces instead of dashes are fine. */
  spaced = g_strdup_printf ("%.4s %.4s %.4s", digits, digits + 4, digits + 8);
  g_assert_true (fk_server_db_activate (f->db, spaced, public_key, "phone", NULL,
                                        &device_id, &officer_id, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (officer_id, ==, "officer-1");

  g_assert_false (fk_server_db_activate (f->db, code, public_key, "phone", NULL, NULL, NULL, &error));
  g_assert_error (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_CODE_USED);
  g_clear_error (&error);

  g_assert_false (fk_server_db_activate (f->db, "0000-0000-0000", public_key, "phone", NULL,
                                         NULL, NULL, &error));
  g_assert_error (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_CODE_INVALID);
  g_clear_error (&error);

  g_assert_false (fk_server_db_activate (f->db, "1234", public_key, "phone", NULL, NULL, NULL, &error));
  g_assert_error (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_CODE_INVALID);
  g_clear_error (&error);

  g_assert_null (fk_server_db_issue_code (f->db, "no spaces allowed", &error));
  g_assert_error (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_INVALID);
}

static void
test_code_expiry (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) public_key = new_public_key ();
  g_autofree char *last_second = fk_server_db_issue_code (f->db, "officer-1", &error);
  g_autofree char *too_late = fk_server_db_issue_code (f->db, "officer-1", &error);

  g_assert_no_error (error);

  fk_server_db_set_now (f->db, T0 + FK_ACTIVATION_CODE_SECONDS - 1);
  g_assert_true (fk_server_db_activate (f->db, last_second, public_key, "phone", NULL,
                                        NULL, NULL, &error));
  g_assert_no_error (error);

  fk_server_db_set_now (f->db, T0 + FK_ACTIVATION_CODE_SECONDS);
  g_assert_false (fk_server_db_activate (f->db, too_late, public_key, "phone", NULL,
                                         NULL, NULL, &error));
  g_assert_error (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_CODE_EXPIRED);
}

static void
test_device_limit (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) public_key = new_public_key ();
  g_autofree char *first = enroll (f, "officer-1", NULL);
  g_autofree char *second = enroll (f, "officer-1", NULL);
  g_autofree char *third = enroll (f, "officer-1", NULL);
  g_autofree char *code = fk_server_db_issue_code (f->db, "officer-1", &error);
  g_autofree char *other = NULL;
  g_autofree char *fourth = NULL;

  g_assert_no_error (error);
  g_assert_false (fk_server_db_activate (f->db, code, public_key, "phone", NULL, NULL, NULL, &error));
  g_assert_error (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_TOO_MANY_DEVICES);
  g_clear_error (&error);

  /* Another officer is not affected. */
  other = enroll (f, "officer-2", NULL);

  /* The refused code was not used up: with a slot free it works. */
  g_assert_true (fk_server_db_revoke_device (f->db, second, &error));
  g_assert_no_error (error);
  g_assert_true (fk_server_db_activate (f->db, code, public_key, "phone", NULL, &fourth, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM devices WHERE officer_id = 'officer-1'"
                                     " AND state = 'active'"), ==, 3);
}

static void
test_failed_logins (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *device_id = enroll (f, "officer-1", NULL);
  g_autoptr(FkServerDbSession) session = NULL;
  g_autoptr(GBytes) challenge = NULL;
  FkDeviceState state;
  guint attempts_left;
  guint failed;

  /* A good login resets the count. */
  for (guint i = 0; i < 2; i++)
    g_assert_true (fk_server_db_record_failed_login (f->db, device_id, &attempts_left, &error));
  session = fk_server_db_start_session (f->db, device_id, FK_METHOD_PIN, 60, &error);
  g_assert_no_error (error);
  g_assert_nonnull (session);
  g_assert_true (fk_server_db_get_device_state (f->db, device_id, &state, &failed, &error));
  g_assert_cmpuint (failed, ==, 0);

  for (guint expected = FK_MAX_FAILED_PINS - 1; expected > 0; expected--)
    {
      g_assert_true (fk_server_db_record_failed_login (f->db, device_id, &attempts_left, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (attempts_left, ==, expected);
      g_assert_true (fk_server_db_get_device_state (f->db, device_id, &state, NULL, &error));
      g_assert_cmpint (state, ==, FK_DEVICE_STATE_ACTIVE);
    }

  g_assert_true (fk_server_db_record_failed_login (f->db, device_id, &attempts_left, &error));
  g_assert_cmpuint (attempts_left, ==, 0);
  g_assert_true (fk_server_db_get_device_state (f->db, device_id, &state, &failed, &error));
  g_assert_cmpint (state, ==, FK_DEVICE_STATE_DISABLED);
  g_assert_cmpuint (failed, ==, FK_MAX_FAILED_PINS);

  challenge = fk_server_db_new_challenge (f->db, device_id, &error);
  g_assert_error (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_TOKEN_DISABLED);
  g_assert_null (challenge);
  g_clear_error (&error);

  /* The session from before is no longer good either. */
  g_assert_null (fk_server_db_authenticate (f->db, session->token, &error));
  g_assert_error (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_TOKEN_DISABLED);
}

static void
test_reactivation_keeps_data_key (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *old_device = enroll (f, "officer-1", NULL);
  g_autofree char *other_device = enroll (f, "officer-2", NULL);
  g_autofree char *new_device = NULL;
  g_autofree char *stranger_device = NULL;
  g_autoptr(FkServerDbSession) old_session = NULL;
  g_autoptr(FkServerDbSession) new_session = NULL;
  g_autoptr(FkServerDbSession) stranger_session = NULL;
  FkDeviceState state;

  old_session = fk_server_db_start_session (f->db, old_device, FK_METHOD_PIN, 60, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < FK_MAX_FAILED_PINS; i++)
    g_assert_true (fk_server_db_record_failed_login (f->db, old_device, NULL, &error));

  new_device = enroll (f, "officer-1", old_device);
  new_session = fk_server_db_start_session (f->db, new_device, FK_METHOD_PIN, 60, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (old_session->data_key, new_session->data_key));
  g_assert_true (fk_server_db_get_device_state (f->db, old_device, &state, NULL, &error));
  g_assert_cmpint (state, ==, FK_DEVICE_STATE_RETIRED);

  /* Naming someone else's device gets a fresh key, and leaves it alone. */
  stranger_device = enroll (f, "officer-1", other_device);
  stranger_session = fk_server_db_start_session (f->db, stranger_device, FK_METHOD_PIN, 60, &error);
  g_assert_no_error (error);
  g_assert_false (g_bytes_equal (old_session->data_key, stranger_session->data_key));
  g_assert_true (fk_server_db_get_device_state (f->db, other_device, &state, NULL, &error));
  g_assert_cmpint (state, ==, FK_DEVICE_STATE_ACTIVE);
}

static void
test_challenges (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *device_id = enroll (f, "officer-1", NULL);
  g_autoptr(GBytes) challenge = fk_server_db_new_challenge (f->db, device_id, &error);
  g_autoptr(GBytes) other = fk_crypto_random_bytes (FK_CHALLENGE_BYTES);
  g_autoptr(GBytes) late = NULL;
  g_autoptr(GBytes) public_key = NULL;
  g_autoptr(GBytes) no_key = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (challenge), ==, FK_CHALLENGE_BYTES);

  g_assert_false (fk_server_db_take_challenge (f->db, device_id, other, &no_key, &error));
  g_assert_error (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_CHALLENGE_INVALID);
  g_clear_error (&error);

  g_assert_true (fk_server_db_take_challenge (f->db, device_id, challenge, &public_key, &error));
  g_assert_no_error (error);
  g_assert_nonnull (public_key);

  /* Single use. */
  g_assert_false (fk_server_db_take_challenge (f->db, device_id, challenge, &no_key, &error));
  g_assert_error (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_CHALLENGE_INVALID);
  g_clear_error (&error);

  /* Valid 60 seconds. */
  late = fk_server_db_new_challenge (f->db, device_id, &error);
  fk_server_db_set_now (f->db, T0 + 60);
  g_assert_false (fk_server_db_take_challenge (f->db, device_id, late, &no_key, &error));
  g_assert_error (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_CHALLENGE_INVALID);
  g_clear_error (&error);

  g_assert_null (fk_server_db_new_challenge (f->db, "no-such-device", &error));
  g_assert_error (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_NOT_FOUND);
}

static void
test_sessions (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *device_id = enroll (f, "officer-1", NULL);
  g_autoptr(FkServerDbSession) session = NULL;
  g_autoptr(FkServerDbSession) found = NULL;
  g_autoptr(FkServerDbSession) ended = NULL;
  g_autoptr(FkServerDbSession) second = NULL;
  g_autofree char *sql = NULL;

  session = fk_server_db_start_session (f->db, device_id, FK_METHOD_FINGERPRINT, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpint (session->expires_at, ==, T0 + 10);
  g_assert_cmpuint (g_bytes_get_size (session->data_key), ==, FK_DATA_KEY_BYTES);

  /* The token is never stored in clear. */
  sql = g_strdup_printf ("SELECT count(*) FROM sessions WHERE token_hash = '%s'", session->token);
  g_assert_cmpint (query_int (f->db, sql), ==, 0);

  fk_server_db_set_now (f->db, T0 + 9);
  found = fk_server_db_authenticate (f->db, session->token, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found->officer_id, ==, "officer-1");
  g_assert_cmpstr (found->device_id, ==, device_id);

  fk_server_db_set_now (f->db, T0 + 10);
  g_assert_null (fk_server_db_authenticate (f->db, session->token, &error));
  g_assert_error (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_SESSION_EXPIRED);
  g_clear_error (&error);

  g_assert_null (fk_server_db_authenticate (f->db, "0123abcd", &error));
  g_assert_error (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_UNAUTHORIZED);
  g_clear_error (&error);

  second = fk_server_db_start_session (f->db, device_id, FK_METHOD_PIN, 10, &error);
  g_assert_no_error (error);
  g_assert_true (fk_server_db_end_session (f->db, second->token, &error));
  g_assert_null (fk_server_db_authenticate (f->db, second->token, &error));
  g_assert_error (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_UNAUTHORIZED);
  g_clear_error (&error);

  /* Revocation outranks expiry: the client must hear it to wipe. */
  g_assert_true (fk_server_db_revoke_device (f->db, device_id, &error));
  g_assert_null (fk_server_db_authenticate (f->db, session->token, &error));
  g_assert_error (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_DEVICE_REVOKED);
  g_clear_error (&error);

  g_assert_false (fk_server_db_revoke_device (f->db, "no-such-device", &error));
  g_assert_error (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_NOT_FOUND);
}

static void
store (Fixture          *f,
       const char       *officer,
       const char       *device,
       FkServerDbRecord *records,
       guint             n_records)
{
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n_records; i++)
    records[i].status = NULL;
  g_assert_true (fk_server_db_store_records (f->db, officer, device, records, n_records, &error));
  g_assert_no_error (error);
}

static void
test_record_idempotency (Fixture       *f,
                         gconstpointer  data)
{
  const char *uuid = "0b6c2f4e-3f0a-4b8e-9d43-2a1e5c7d9f10";
  g_autofree char *device_id = enroll (f, "officer-1", NULL);
  g_autofree char *other_device = enroll (f, "officer-2", NULL);
  g_autofree char *payload = NULL;
  FkServerDbRecord twice[2] = {
    { uuid, FK_KIND_EVENT_CHECKLIST, 1, "{\"n\":1}" },
    { uuid, FK_KIND_EVENT_CHECKLIST, 1, "{\"n\":1}" },
  };
  FkServerDbRecord newer = { uuid, FK_KIND_EVENT_CHECKLIST, 2, "{\"n\":2}" };
  FkServerDbRecord older = { uuid, FK_KIND_EVENT_CHECKLIST, 1, "{\"n\":1}" };
  FkServerDbRecord wrong_kind = { uuid, FK_KIND_HOTEL_TIP, 3, "{}" };
  FkServerDbRecord stolen = { uuid, FK_KIND_EVENT_CHECKLIST, 9, "{}" };

  /* The same uuid twice in one batch: one row, the second a duplicate. */
  store (f, "officer-1", device_id, twice, 2);
  g_assert_cmpstr (twice[0].status, ==, FK_RESULT_ACCEPTED);
  g_assert_cmpstr (twice[1].status, ==, FK_RESULT_DUPLICATE);

  /* A replayed batch changes nothing. */
  store (f, "officer-1", device_id, twice, 1);
  g_assert_cmpstr (twice[0].status, ==, FK_RESULT_DUPLICATE);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM records"), ==, 1);

  store (f, "officer-1", device_id, &newer, 1);
  g_assert_cmpstr (newer.status, ==, FK_RESULT_ACCEPTED);
  store (f, "officer-1", device_id, &older, 1);
  g_assert_cmpstr (older.status, ==, FK_RESULT_DUPLICATE);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM records"), ==, 1);
  g_assert_cmpint (query_int (f->db, "SELECT revision FROM records"), ==, 2);
  payload = query_text (f->db, "SELECT payload FROM records");
  g_assert_cmpstr (payload, ==, "{\"n\":2}");

  store (f, "officer-1", device_id, &wrong_kind, 1);
  g_assert_cmpstr (wrong_kind.status, ==, FK_RESULT_REJECTED);
  g_assert_cmpstr (wrong_kind.field, ==, "kind");

  store (f, "officer-2", other_device, &stolen, 1);
  g_assert_cmpstr (stolen.status, ==, FK_RESULT_REJECTED);
  g_assert_cmpstr (stolen.field, ==, "uuid");
  g_assert_cmpint (query_int (f->db, "SELECT revision FROM records"), ==, 2);

  g_free (wrong_kind.field);
  g_free (wrong_kind.detail);
  g_free (stolen.field);
  g_free (stolen.detail);
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (text, &error);

  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (node));
}

static void
test_templates (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) first = parse_object (
    "{\"id\":\"t\",\"version\":1,\"region\":null,\"title\":\"Test\","
    " \"items\":[{\"id\":\"a\",\"phase\":\"before\",\"text\":\"Do a.\"}]}");
  g_autoptr(JsonObject) other_seed = parse_object (
    "{\"id\":\"u\",\"version\":1,\"region\":null,\"title\":\"Other\","
    " \"items\":[{\"id\":\"a\",\"phase\":\"after\",\"text\":\"Do a.\"}]}");
  g_autoptr(JsonObject) second = parse_object (
    "{\"id\":\"t\",\"version\":2,\"region\":\"Syd\",\"title\":\"Test\","
    " \"items\":[{\"id\":\"a\",\"phase\":\"during\",\"text\":\"Do a.\"}]}");
  g_autoptr(JsonObject) bad_phase = parse_object (
    "{\"id\":\"t\",\"version\":3,\"region\":null,\"title\":\"Test\","
    " \"items\":[{\"id\":\"a\",\"phase\":\"sometime\",\"text\":\"Do a.\"}]}");
  g_autoptr(JsonArray) templates = NULL;
  g_autoptr(JsonArray) changes = NULL;
  g_autoptr(JsonArray) later = NULL;
  JsonObject *change;
  gint64 cursor;

  g_assert_true (fk_server_db_seed_template (f->db, first, &error));
  g_assert_no_error (error);
  /* Seeding happens once: a second start keeps what is there. */
  g_assert_true (fk_server_db_seed_template (f->db, other_seed, &error));
  templates = fk_server_db_list_templates (f->db, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (templates), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (templates, 0), "id"),
                   ==, "t");

  g_assert_true (fk_server_db_add_template (f->db, second, &error));
  g_assert_no_error (error);
  g_assert_false (fk_server_db_add_template (f->db, bad_phase, &error));
  g_assert_error (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_INVALID);
  g_clear_error (&error);

  changes = fk_server_db_list_changes (f->db, 0, &cursor, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (changes), ==, 2);
  change = json_array_get_object_element (changes, 1);
  g_assert_cmpint (json_object_get_int_member (change, "seq"), ==, cursor);
  g_assert_cmpstr (json_object_get_string_member (change, "kind"), ==, "template");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (change, "template"),
                                               "version"), ==, 2);

  later = fk_server_db_list_changes (f->db, cursor, &cursor, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (later), ==, 0);
  g_assert_cmpint (cursor, ==, 2);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/server-db/schema", test_schema);
  ADD ("/server-db/migration-idempotent", test_migration_idempotent);
  ADD ("/server-db/code-issue-and-use", test_code_issue_and_use);
  ADD ("/server-db/code-expiry", test_code_expiry);
  ADD ("/server-db/device-limit", test_device_limit);
  ADD ("/server-db/failed-logins", test_failed_logins);
  ADD ("/server-db/reactivation-keeps-data-key", test_reactivation_keeps_data_key);
  ADD ("/server-db/challenges", test_challenges);
  ADD ("/server-db/sessions", test_sessions);
  ADD ("/server-db/record-idempotency", test_record_idempotency);
  ADD ("/server-db/templates", test_templates);

#undef ADD

  return g_test_run ();
}
