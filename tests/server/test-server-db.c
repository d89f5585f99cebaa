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
    "checklist_devices",
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
  g_autofree char *remember = NULL;
  g_autofree char *moved = NULL;
  FkDeviceState state;

  old_session = fk_server_db_start_session (f->db, old_device, FK_METHOD_PIN, 60, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < FK_MAX_FAILED_PINS; i++)
    g_assert_true (fk_server_db_record_failed_login (f->db, old_device, NULL, &error));
  remember = g_strdup_printf ("INSERT INTO checklist_devices VALUES ('c', '%s', 7)", old_device);
  g_assert_cmpint (sqlite3_exec (fk_server_db_get_handle (f->db), remember, NULL, NULL, NULL), ==, SQLITE_OK);

  new_device = enroll (f, "officer-1", old_device);
  /* The phone numbers its checklist operations on: the server goes on
   * counting them for its new token. */
  moved = query_text (f->db, "SELECT device_id FROM checklist_devices WHERE max_seq = 7");
  g_assert_cmpstr (moved, ==, new_device);
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

/* A finger is a convenience on the phone: the PIN must have been used in
 * the last 72 hours. */
static void
test_fingerprint_needs_recent_pin (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *device_id = enroll (f, "officer-1", NULL);
  g_autoptr(FkServerDbSession) before_pin = NULL;
  g_autoptr(FkServerDbSession) pin = NULL;
  g_autoptr(FkServerDbSession) finger = NULL;
  g_autoptr(FkServerDbSession) too_late = NULL;

  before_pin = fk_server_db_start_session (f->db, device_id, FK_METHOD_FINGERPRINT, 10, &error);
  g_assert_null (before_pin);
  g_assert_error (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_PIN_REQUIRED);
  g_clear_error (&error);

  pin = fk_server_db_start_session (f->db, device_id, FK_METHOD_PIN, 10, &error);
  g_assert_no_error (error);

  fk_server_db_set_now (f->db, T0 + FK_FINGERPRINT_PIN_SECONDS);
  finger = fk_server_db_start_session (f->db, device_id, FK_METHOD_FINGERPRINT, 10, &error);
  g_assert_no_error (error);
  g_assert_nonnull (finger);

  /* A fingerprint login does not renew the PIN's 72 hours. */
  fk_server_db_set_now (f->db, T0 + FK_FINGERPRINT_PIN_SECONDS + 1);
  too_late = fk_server_db_start_session (f->db, device_id, FK_METHOD_FINGERPRINT, 10, &error);
  g_assert_null (too_late);
  g_assert_error (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_PIN_REQUIRED);
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

  session = fk_server_db_start_session (f->db, device_id, FK_METHOD_PIN, 10, &error);
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
  /* The store trusts its caller to have validated tips. */
  FkServerDbRecord twice[2] = {
    { uuid, FK_KIND_HOTEL_TIP, 1, "{\"n\":1}" },
    { uuid, FK_KIND_HOTEL_TIP, 1, "{\"n\":1}" },
  };
  FkServerDbRecord newer = { uuid, FK_KIND_HOTEL_TIP, 2, "{\"n\":2}" };
  FkServerDbRecord older = { uuid, FK_KIND_HOTEL_TIP, 1, "{\"n\":1}" };
  FkServerDbRecord wrong_kind = { uuid, FK_KIND_EVENT_CHECKLIST, 3, "{}" };
  FkServerDbRecord stolen = { uuid, FK_KIND_HOTEL_TIP, 9, "{}" };

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
    "{\"id\":\"t\",\"version\":2,\"region\":null,\"title\":\"Test\","
    " \"items\":[{\"id\":\"a\",\"phase\":\"during\",\"text\":\"Do a.\"},"
    "            {\"id\":\"b\",\"phase\":\"after\",\"text\":\"Do b.\"}]}");
  g_autoptr(JsonObject) moved = parse_object (
    "{\"id\":\"t\",\"version\":3,\"region\":\"Syd\",\"title\":\"Test\","
    " \"items\":[{\"id\":\"a\",\"phase\":\"during\",\"text\":\"Do a.\"}]}");
  g_autoptr(JsonObject) regional = parse_object (
    "{\"id\":\"syd-events\",\"version\":4,\"region\":\"Syd\",\"title\":\"Syd\","
    " \"items\":[{\"id\":\"a\",\"phase\":\"during\",\"text\":\"Do a.\"}]}");
  g_autoptr(JsonObject) bad_phase = parse_object (
    "{\"id\":\"t\",\"version\":3,\"region\":null,\"title\":\"Test\","
    " \"items\":[{\"id\":\"a\",\"phase\":\"sometime\",\"text\":\"Do a.\"}]}");
  g_autoptr(JsonObject) bad_region = parse_object (
    "{\"id\":\"r\",\"version\":1,\"region\":\"Atlantis\",\"title\":\"Test\","
    " \"items\":[{\"id\":\"a\",\"phase\":\"before\",\"text\":\"Do a.\"}]}");
  g_autoptr(JsonObject) twin_items = parse_object (
    "{\"id\":\"w\",\"version\":1,\"region\":null,\"title\":\"Test\","
    " \"items\":[{\"id\":\"a\",\"phase\":\"before\",\"text\":\"Do a.\"},"
    "            {\"id\":\"a\",\"phase\":\"after\",\"text\":\"Do a again.\"}]}");
  JsonObject *refused[] = { first, second, moved, bad_phase, bad_region, twin_items };
  g_autoptr(JsonArray) templates = NULL;
  g_autoptr(JsonArray) changes = NULL;
  g_autoptr(JsonArray) page = NULL;
  g_autoptr(JsonArray) rest = NULL;
  g_autoptr(JsonArray) later = NULL;
  JsonObject *change;
  gint64 cursor;
  gint64 last;
  gboolean more;

  g_assert_true (fk_server_db_seed_template (f->db, first, &error));
  g_assert_no_error (error);
  /* Seeding runs at every start: the same version again changes nothing,
   * another shipped id is added. */
  g_assert_true (fk_server_db_seed_template (f->db, first, &error));
  g_assert_true (fk_server_db_seed_template (f->db, other_seed, &error));
  g_assert_no_error (error);

  g_assert_true (fk_server_db_add_template (f->db, second, &error));
  g_assert_no_error (error);
  g_assert_true (fk_server_db_add_template (f->db, regional, &error));
  g_assert_no_error (error);
  /* An older shipped version does not come back. */
  g_assert_true (fk_server_db_seed_template (f->db, first, &error));

  /* Not above the stored version, another region, or not a template. */
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_assert_false (fk_server_db_add_template (f->db, refused[i], &error));
      g_assert_error (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_INVALID);
      g_clear_error (&error);
    }

  /* The newest of each, national first; older versions stay stored. */
  templates = fk_server_db_list_templates (f->db, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (templates), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (templates, 0), "id"), ==, "t");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (templates, 0), "version"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (templates, 1), "id"), ==, "u");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (templates, 2), "id"),
                   ==, "syd-events");
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM templates WHERE id = 't'"), ==, 2);

  /* Every version added is a change. */
  changes = fk_server_db_list_changes (f->db, 0, FK_SERVER_DB_CHANGES_LIMIT, &cursor, &more, &error);
  g_assert_no_error (error);
  g_assert_false (more);
  g_assert_cmpuint (json_array_get_length (changes), ==, 4);
  change = json_array_get_object_element (changes, 2);
  g_assert_cmpstr (json_object_get_string_member (change, "kind"), ==, "template");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (change, "template"),
                                               "version"), ==, 2);
  change = json_array_get_object_element (changes, 3);
  g_assert_cmpint (json_object_get_int_member (change, "seq"), ==, cursor);
  last = cursor;

  /* Pages: the cursor of one is the since of the next. */
  page = fk_server_db_list_changes (f->db, 0, 3, &cursor, &more, &error);
  g_assert_cmpuint (json_array_get_length (page), ==, 3);
  g_assert_true (more);
  g_assert_cmpint (cursor, ==, json_object_get_int_member (json_array_get_object_element (page, 2), "seq"));
  rest = fk_server_db_list_changes (f->db, cursor, 3, &cursor, &more, &error);
  g_assert_cmpuint (json_array_get_length (rest), ==, 1);
  g_assert_false (more);
  g_assert_cmpint (cursor, ==, last);

  later = fk_server_db_list_changes (f->db, cursor, 3, &cursor, &more, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (later), ==, 0);
  g_assert_false (more);
  g_assert_cmpint (cursor, ==, last);
}

#define TRANSLATED_ITEMS \
  "{\"id\":\"syd-events\",\"version\":1,\"region\":\"Syd\",\"title\":\"Trygga evenemang\"," \
  " \"items\":[{\"id\":\"a\",\"phase\":\"before\",\"text\":\"Gör a.\"}," \
  "            {\"id\":\"b\",\"phase\":\"after\",\"text\":\"Gör b.\"}]"

static void
test_template_translations (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  /* Partial: b stays Swedish. */
  g_autoptr(JsonObject) translated = parse_object (TRANSLATED_ITEMS ","
    " \"translations\":{\"en\":{\"title\":\"Safe events\",\"items\":{\"a\":\"Do a.\"}},"
    "                   \"pt_BR\":{\"items\":{\"b\":\"Faça b.\"}}}}");
  const char *refused[] = {
    "\"translations\":[\"en\"]",
    "\"translations\":{\"sv\":{\"title\":\"Trygga\"}}",
    "\"translations\":{\"en-GB\":{\"title\":\"Safe events\"}}",
    "\"translations\":{\"en\":\"Safe events\"}",
    "\"translations\":{\"en\":{\"title\":\"\"}}",
    "\"translations\":{\"en\":{\"item\":{\"a\":\"Do a.\"}}}",
    "\"translations\":{\"en\":{\"items\":[\"Do a.\"]}}",
    "\"translations\":{\"en\":{\"items\":{\"c\":\"Do c.\"}}}",
    "\"translations\":{\"en\":{\"items\":{\"a\":\"\"}}}",
  };
  g_autoptr(JsonArray) templates = NULL;
  g_autoptr(JsonArray) changes = NULL;
  g_autoptr(JsonNode) given = json_node_init_object (json_node_alloc (), translated);
  g_autoptr(JsonNode) listed = NULL;
  g_autoptr(JsonNode) on_feed = NULL;
  gint64 cursor;
  gboolean more;

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autofree char *text = g_strconcat (TRANSLATED_ITEMS ", ", refused[i], "}", NULL);
      g_autoptr(JsonObject) template_ = parse_object (text);

      g_test_message ("%s", refused[i]);
      g_assert_false (fk_server_db_add_template (f->db, template_, &error));
      g_assert_error (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_INVALID);
      g_clear_error (&error);
    }

  g_assert_true (fk_server_db_add_template (f->db, translated, &error));
  g_assert_no_error (error);

  /* Clients pick the language: the server passes every one on as given. */
  templates = fk_server_db_list_templates (f->db, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (templates), ==, 1);
  listed = json_node_copy (json_array_get_element (templates, 0));
  g_assert_true (json_node_equal (listed, given));
  changes = fk_server_db_list_changes (f->db, 0, FK_SERVER_DB_CHANGES_LIMIT, &cursor, &more, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (changes), ==, 1);
  on_feed = json_node_copy (json_object_get_member (json_array_get_object_element (changes, 0), "template"));
  g_assert_true (json_node_equal (on_feed, given));
}

#define CHECKLIST_UUID "3c1d7f0e-8a4b-4c2d-9e6f-5a7b8c9d0e1f"
#define TEMPLATE_T1 \
  "{\"id\":\"t\",\"version\":1,\"region\":null,\"title\":\"Test\"," \
  " \"items\":[{\"id\":\"a\",\"phase\":\"before\",\"text\":\"Do a.\"}," \
  "            {\"id\":\"b\",\"phase\":\"during\",\"text\":\"Do b.\"}," \
  "            {\"id\":\"c\",\"phase\":\"after\",\"text\":\"Do c.\"}]}"

/* Uploads one checklist; the caller clears the result. */
static FkServerDbRecord
upload (Fixture    *f,
        const char *officer,
        const char *device,
        const char *payload)
{
  FkServerDbRecord record = { CHECKLIST_UUID, FK_KIND_EVENT_CHECKLIST, 1, payload };

  store (f, officer, device, &record, 1);
  return record;
}

static void
result_clear (FkServerDbRecord *record)
{
  g_clear_pointer (&record->field, g_free);
  g_clear_pointer (&record->detail, g_free);
  g_clear_pointer (&record->state, json_object_unref);
}

static JsonObject *
state_item (JsonObject *state,
            const char *id)
{
  JsonArray *items = json_object_get_array_member (state, "items");

  for (guint i = 0; i < json_array_get_length (items); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (items, i), "id"), id))
      return json_array_get_object_element (items, i);

  return NULL;
}

static const char *
item_member (JsonObject *state,
             const char *id,
             const char *member)
{
  JsonObject *item = state_item (state, id);

  g_assert_nonnull (item);
  return json_object_get_string_member_with_default (item, member, NULL);
}

static void
test_checklist_merge (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) template_ = parse_object (TEMPLATE_T1);
  g_autofree char *anna = enroll (f, "officer-anna", NULL);
  g_autofree char *bert = enroll (f, "officer-bert", NULL);
  g_autofree char *stored = NULL;
  g_autoptr(JsonArray) changes = NULL;
  g_autoptr(JsonNode) stored_node = NULL;
  g_autoptr(JsonNode) state_node = json_node_new (JSON_NODE_OBJECT);
  FkServerDbRecord r;

  g_assert_true (fk_server_db_add_template (f->db, template_, &error));
  g_assert_no_error (error);

  /* Created from the state (the sender's "by" is not believed), then the
   * operations; times are kept in UTC. */
  r = upload (f, "officer-anna", anna,
              "{\"template_id\":\"t\",\"template_version\":1,\"event_name\":\"Fest\","
              " \"starts_at\":\"2026-06-20T16:00:00+02:00\",\"region\":\"Syd\",\"done\":false,"
              " \"items\":[{\"id\":\"a\",\"answer\":\"yes\",\"by\":\"officer-mallory\"}],"
              " \"ops\":[{\"seq\":1,\"op\":\"note\",\"item\":\"b\",\"note\":\"Första\",\"base_note\":\"\"}]}");
  g_assert_cmpstr (r.status, ==, FK_RESULT_ACCEPTED);
  g_assert_cmpint (r.acked, ==, 1);
  g_assert_cmpstr (json_object_get_string_member (r.state, "starts_at"), ==, "2026-06-20T14:00:00Z");
  g_assert_cmpstr (item_member (r.state, "a", "answer"), ==, "yes");
  g_assert_cmpstr (item_member (r.state, "a", "by"), ==, "officer-anna");
  g_assert_cmpstr (item_member (r.state, "b", "note"), ==, "Första");
  g_assert_false (json_object_has_member (r.state, "ops"));
  result_clear (&r);

  /* Bert extends the note he saw empty: his contains the server's, so it
   * replaces it. */
  r = upload (f, "officer-bert", bert,
              "{\"template_id\":\"t\",\"template_version\":1,"
              " \"ops\":[{\"seq\":1,\"op\":\"note\",\"item\":\"b\",\"note\":\"Första och mer\",\"base_note\":\"\"}]}");
  g_assert_cmpstr (r.status, ==, FK_RESULT_CONFLICT);
  g_assert_cmpstr (item_member (r.state, "b", "note"), ==, "Första och mer");
  g_assert_cmpstr (item_member (r.state, "b", "by"), ==, "officer-bert");
  result_clear (&r);

  /* Anna wrote over what she last saw: both notes stay. */
  r = upload (f, "officer-anna", anna,
              "{\"template_id\":\"t\",\"template_version\":1,"
              " \"ops\":[{\"seq\":2,\"op\":\"note\",\"item\":\"b\",\"note\":\"Annat\",\"base_note\":\"Första\"}]}");
  g_assert_cmpstr (r.status, ==, FK_RESULT_CONFLICT);
  g_assert_cmpstr (item_member (r.state, "b", "note"), ==, "Första och mer\n\nAnnat");
  result_clear (&r);

  /* Clearing a note someone changed meanwhile loses nothing... */
  r = upload (f, "officer-bert", bert,
              "{\"template_id\":\"t\",\"template_version\":1,"
              " \"ops\":[{\"seq\":2,\"op\":\"note\",\"item\":\"b\",\"note\":\"\",\"base_note\":\"Första och mer\"}]}");
  g_assert_cmpstr (item_member (r.state, "b", "note"), ==, "Första och mer\n\nAnnat");
  result_clear (&r);

  /* ...clearing the current one does; so does taking an answer back. */
  r = upload (f, "officer-anna", anna,
              "{\"template_id\":\"t\",\"template_version\":1,"
              " \"ops\":[{\"seq\":3,\"op\":\"note\",\"item\":\"b\",\"note\":\"\",\"base_note\":\"Första och mer\\n\\nAnnat\"},"
              "          {\"seq\":4,\"op\":\"answer\",\"item\":\"a\"},"
              "          {\"seq\":5,\"op\":\"event\",\"event_name\":\"Ny fest\",\"organizer\":\"\",\"place\":\"\","
              "           \"expected_visitors\":300,\"region\":\"Nord\"},"
              "          {\"seq\":6,\"op\":\"done\",\"done\":true}]}");
  g_assert_cmpint (r.acked, ==, 6);
  g_assert_false (json_object_has_member (state_item (r.state, "b"), "note"));
  g_assert_false (json_object_has_member (state_item (r.state, "a"), "answer"));
  g_assert_cmpstr (item_member (r.state, "a", "by"), ==, "officer-anna");
  /* An event operation replaces the event fields as a set. */
  g_assert_cmpstr (json_object_get_string_member (r.state, "event_name"), ==, "Ny fest");
  g_assert_cmpstr (json_object_get_string_member (r.state, "region"), ==, "Nord");
  g_assert_cmpint (json_object_get_int_member (r.state, "expected_visitors"), ==, 300);
  g_assert_false (json_object_has_member (r.state, "starts_at"));
  g_assert_true (json_object_get_boolean_member (r.state, "done"));

  /* One row, its revision counting merges; one change, the newest state. */
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM records"), ==, 1);
  g_assert_cmpint (query_int (f->db, "SELECT revision FROM records"), ==, 5);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM checklist_devices"), ==, 2);
  stored = query_text (f->db, "SELECT payload FROM records");
  stored_node = json_from_string (stored, &error);
  g_assert_no_error (error);
  json_node_set_object (state_node, r.state);
  g_assert_true (json_node_equal (stored_node, state_node));
  changes = fk_server_db_list_changes (f->db, 0, FK_SERVER_DB_CHANGES_LIMIT, NULL, NULL, &error);
  g_assert_cmpuint (json_array_get_length (changes), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (changes, 1), "uuid"),
                   ==, CHECKLIST_UUID);
  g_assert_true (json_node_equal (json_object_get_member (json_array_get_object_element (changes, 1), "state"),
                                  state_node));
  result_clear (&r);

  /* The checklist keeps its template version. */
  r = upload (f, "officer-anna", anna,
              "{\"template_id\":\"t\",\"template_version\":2,"
              " \"ops\":[{\"seq\":7,\"op\":\"done\",\"done\":false}]}");
  g_assert_cmpstr (r.status, ==, FK_RESULT_REJECTED);
  g_assert_cmpstr (r.field, ==, "template-version");
  g_assert_null (r.state);
  result_clear (&r);
  g_assert_cmpint (query_int (f->db, "SELECT revision FROM records"), ==, 5);
}

/* The schema as version 1 shipped it, to migrate from. */
static const char schema_v1[] =
  "CREATE TABLE activation_codes (id INTEGER PRIMARY KEY, code_hash TEXT NOT NULL UNIQUE,"
  "  officer_id TEXT NOT NULL, issued_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,"
  "  used_at INTEGER, device_id TEXT);"
  "CREATE TABLE devices (device_id TEXT PRIMARY KEY, officer_id TEXT NOT NULL, name TEXT NOT NULL,"
  "  public_key BLOB NOT NULL, data_key BLOB NOT NULL, failed_pins INTEGER NOT NULL DEFAULT 0,"
  "  state TEXT NOT NULL DEFAULT 'active'"
  "    CHECK (state IN ('active', 'disabled', 'revoked', 'retired')),"
  "  created_at INTEGER NOT NULL, last_login_at INTEGER, last_pin_login_at INTEGER);"
  "CREATE INDEX devices_by_officer ON devices (officer_id, state);"
  "CREATE TABLE challenges (challenge_hash TEXT PRIMARY KEY,"
  "  device_id TEXT NOT NULL REFERENCES devices (device_id) ON DELETE CASCADE,"
  "  expires_at INTEGER NOT NULL);"
  "CREATE TABLE sessions (token_hash TEXT PRIMARY KEY,"
  "  device_id TEXT NOT NULL REFERENCES devices (device_id) ON DELETE CASCADE,"
  "  created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);"
  "CREATE TABLE records (seq INTEGER PRIMARY KEY AUTOINCREMENT, uuid TEXT NOT NULL UNIQUE,"
  "  kind TEXT NOT NULL, revision INTEGER NOT NULL, officer_id TEXT NOT NULL,"
  "  device_id TEXT NOT NULL, payload TEXT NOT NULL, received_at TEXT NOT NULL);"
  "CREATE TABLE templates (id TEXT PRIMARY KEY, version INTEGER NOT NULL, region TEXT,"
  "  body TEXT NOT NULL);"
  "CREATE TABLE changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL,"
  "  body TEXT NOT NULL, created_at INTEGER NOT NULL);"
  "PRAGMA user_version = 1;";

static void
test_migration_from_v1 (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *old_path = g_build_filename (f->dir, "v1.db", NULL);
  g_autofree char *insert_template = NULL;
  g_autofree char *tip = NULL;
  g_autofree char *checklist = NULL;
  g_autoptr(FkServerDb) old = NULL;
  g_autoptr(JsonObject) second = parse_object (
    "{\"id\":\"t\",\"version\":2,\"region\":null,\"title\":\"Test\","
    " \"items\":[{\"id\":\"a\",\"phase\":\"before\",\"text\":\"Do a.\"}]}");
  g_autoptr(JsonArray) changes = NULL;
  FkServerDbRecord r = { CHECKLIST_UUID, FK_KIND_EVENT_CHECKLIST, 2,
                         "{\"template_id\":\"t\",\"template_version\":1,"
                         " \"ops\":[{\"seq\":1,\"op\":\"answer\",\"item\":\"b\",\"answer\":\"no\"}]}" };
  JsonObject *change;
  sqlite3 *raw = NULL;

  insert_template = g_strdup_printf ("INSERT INTO templates VALUES ('t', 1, NULL, '%s');"
                                     "INSERT INTO changes (kind, body, created_at) VALUES ('template', '%s', 1);",
                                     TEMPLATE_T1, TEMPLATE_T1);
  g_assert_cmpint (sqlite3_open (old_path, &raw), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (raw, schema_v1, NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (raw, insert_template, NULL, NULL, NULL), ==, SQLITE_OK);
  /* Version 1 stored a checklist as the device sent it, operations and all. */
  g_assert_cmpint (sqlite3_exec (raw,
    "INSERT INTO records (uuid, kind, revision, officer_id, device_id, payload, received_at) VALUES"
    " ('0b6c2f4e-3f0a-4b8e-9d43-2a1e5c7d9f10', 'hotel-tip', 1, 'officer-1', 'd1',"
    "  '{\"hotel_name\":\"Hotell Exempel\",\"ops\":[]}', '2026-01-01T00:00:00Z'),"
    " ('" CHECKLIST_UUID "', 'event-checklist', 3, 'officer-1', 'd1',"
    "  '{\"template_id\":\"t\",\"template_version\":1,\"done\":false,"
    "    \"items\":[{\"id\":\"a\",\"answer\":\"yes\"}],\"ops\":[{\"seq\":1,\"op\":\"done\",\"done\":false}]}',"
    "  '2026-01-01T00:00:00Z'),"
    " ('0b6c2f4e-3f0a-4b8e-9d43-2a1e5c7d9f12', 'event-checklist', 1, 'officer-1', 'd1', '{\"n\":1}',"
    "  '2026-01-01T00:00:00Z');",
    NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (raw);

  old = fk_server_db_open (old_path, &error);
  g_assert_no_error (error);
  g_clear_object (&f->db);
  f->db = g_steal_pointer (&old);
  fk_server_db_set_now (f->db, T0);

  g_assert_cmpint (query_int (f->db, "PRAGMA user_version"), ==, FK_SERVER_DB_SCHEMA_VERSION);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM records"), ==, 3);
  tip = query_text (f->db, "SELECT payload FROM records WHERE kind = 'hotel-tip'");
  g_assert_cmpstr (tip, ==, "{\"hotel_name\":\"Hotell Exempel\",\"ops\":[]}");
  checklist = query_text (f->db, "SELECT payload FROM records WHERE uuid = '" CHECKLIST_UUID "'");
  g_assert_null (strstr (checklist, "ops"));
  g_assert_nonnull (strstr (checklist, "\"answer\":\"yes\""));

  /* The team sees the checklists that name their template. */
  changes = fk_server_db_list_changes (f->db, 0, FK_SERVER_DB_CHANGES_LIMIT, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (changes), ==, 2);
  change = json_array_get_object_element (changes, 1);
  g_assert_cmpstr (json_object_get_string_member (change, "kind"), ==, FK_KIND_EVENT_CHECKLIST);
  g_assert_cmpstr (json_object_get_string_member (change, "uuid"), ==, CHECKLIST_UUID);

  /* Templates take versions now, and the old checklist merges. */
  g_assert_true (fk_server_db_add_template (f->db, second, &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM templates"), ==, 2);
  store (f, "officer-1", "d2", &r, 1);
  g_assert_cmpstr (r.status, ==, FK_RESULT_ACCEPTED);
  g_assert_cmpstr (item_member (r.state, "a", "answer"), ==, "yes");
  g_assert_cmpstr (item_member (r.state, "b", "answer"), ==, "no");
  g_assert_cmpint (query_int (f->db, "SELECT revision FROM records WHERE uuid = '" CHECKLIST_UUID "'"), ==, 4);
  result_clear (&r);
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
  ADD ("/server-db/fingerprint-needs-recent-pin", test_fingerprint_needs_recent_pin);
  ADD ("/server-db/record-idempotency", test_record_idempotency);
  ADD ("/server-db/templates", test_templates);
  ADD ("/server-db/template-translations", test_template_translations);
  ADD ("/server-db/checklist-merge", test_checklist_merge);
  ADD ("/server-db/migration-from-v1", test_migration_from_v1);

#undef ADD

  return g_test_run ();
}
