/* test-server-replies.c: the server never reveals a device's public key
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every endpoint of docs/protocol.md and every error it can answer, asked
 * over pinned TLS by the test itself with libcurl, as the client asks:
 * each reply's status line, headers and body are kept and searched for
 * the public keys the server holds (read from its database), in every
 * encoding a key could take.  One device is the real client's (enrolled
 * with faltkoll-cli), the other the test's own, so it can sign logins.
 */
#include "config.h"

#include <string.h>

#include <curl/curl.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "fk-crypto.h"
#include "fk-protocol.h"
#include "fk-test-secrets.h"
#include "fk-test-server.h"

#define OFFICER "officer-replies-5"
#define PIN     "296417"

typedef struct {
  char         *root;
  FkTestServer *server;
  char         *curl_pin;
  GString      *replies;    /* everything the server said */
  GString      *requests;   /* everything we said, to check the check */
} Fixture;

typedef struct {
  long       status;
  GString   *body;
  JsonNode  *json;
} Reply;

static void
reply_free (Reply *reply)
{
  g_string_free (reply->body, TRUE);
  g_clear_pointer (&reply->json, json_node_unref);
  g_free (reply);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

static size_t
on_received (char   *data,
             size_t  size,
             size_t  count,
             void   *user_data)
{
  g_string_append_len (user_data, data, size * count);
  return size * count;
}

static Reply *
request (Fixture    *fixture,
         const char *method,
         const char *path,
         const char *bearer,
         const char *body)
{
  g_autofree char *url = g_strconcat (fixture->server->url, path, NULL);
  g_autofree char *authorization = bearer ? g_strconcat ("Authorization: Bearer ", bearer, NULL) : NULL;
  g_autoptr(GString) headers = g_string_new (NULL);
  struct curl_slist *list = NULL;
  Reply *reply = g_new0 (Reply, 1);
  CURL *curl = curl_easy_init ();
  CURLcode result;

  reply->body = g_string_new (NULL);
  list = curl_slist_append (list, "Content-Type: application/json");
  if (authorization != NULL)
    list = curl_slist_append (list, authorization);

  curl_easy_setopt (curl, CURLOPT_URL, url);
  /* As the client: the pin, not a CA, is the trust anchor. */
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYPEER, 0L);
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYHOST, 0L);
  curl_easy_setopt (curl, CURLOPT_PINNEDPUBLICKEY, fixture->curl_pin);
  curl_easy_setopt (curl, CURLOPT_HTTP_VERSION, (long) CURL_HTTP_VERSION_2TLS);
  curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, on_received);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, reply->body);
  curl_easy_setopt (curl, CURLOPT_HEADERFUNCTION, on_received);
  curl_easy_setopt (curl, CURLOPT_HEADERDATA, headers);
  if (body != NULL)
    curl_easy_setopt (curl, CURLOPT_POSTFIELDS, body);

  result = curl_easy_perform (curl);
  g_assert_cmpint (result, ==, CURLE_OK);
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &reply->status);
  curl_slist_free_all (list);
  curl_easy_cleanup (curl);

  g_string_append_printf (fixture->requests, "%s %s\n%s\n%s\n", method, path, bearer ? bearer : "", body ? body : "");
  g_string_append_printf (fixture->replies, "%s\n%s\n", headers->str, reply->body->str);
  g_test_message ("%s %s -> %ld", method, path, reply->status);

  if (reply->body->len > 0)
    reply->json = json_from_string (reply->body->str, NULL);
  return reply;
}

/* Replaces *@reply with the next one. */
static void
ask (Fixture     *fixture,
     Reply      **reply,
     const char  *method,
     const char  *path,
     const char  *bearer,
     const char  *body)
{
  g_clear_pointer (reply, reply_free);
  *reply = request (fixture, method, path, bearer, body);
}

static const char *
reply_string (Reply      *reply,
              const char *member)
{
  g_assert_nonnull (reply->json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (reply->json));
  return json_object_get_string_member_with_default (json_node_get_object (reply->json), member, NULL);
}

static void
assert_problem (Reply      *reply,
                long        status,
                const char *type)
{
  g_assert_cmpint (reply->status, ==, status);
  g_assert_cmpstr (reply_string (reply, "type"), ==, type);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *state_dir = NULL;

  fixture->root = g_dir_make_tmp ("fk-replies-XXXXXX", &error);
  g_assert_no_error (error);
  state_dir = g_build_filename (fixture->root, "server", NULL);
  fixture->server = fk_test_server_new (state_dir);
  fk_test_server_start (fixture->server, NULL);
  fixture->curl_pin = fk_protocol_pin_to_curl (fixture->server->pin);
  fixture->replies = g_string_new (NULL);
  fixture->requests = g_string_new (NULL);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_pointer (&fixture->server, fk_test_server_free);
  g_assert_cmpint (fk_test_run (NULL, NULL, NULL, "rm", "-rf", fixture->root, NULL), ==, 0);
  g_free (fixture->root);
  g_free (fixture->curl_pin);
  g_string_free (fixture->replies, TRUE);
  g_string_free (fixture->requests, TRUE);
}

/* Every public key the server keeps, as it keeps them. */
static GPtrArray *
read_public_keys (Fixture *fixture)
{
  g_autofree char *path = g_build_filename (fixture->server->state_dir, "faltkoll-server.db", NULL);
  GPtrArray *keys = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT public_key FROM devices", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (keys, g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0)));
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return keys;
}

static void
add_forms (GPtrArray *all,
           GBytes    *bytes)
{
  g_autoptr(GPtrArray) forms = fk_test_secret_forms (bytes);

  for (guint i = 0; i < forms->len; i++)
    g_ptr_array_add (all, g_bytes_ref (g_ptr_array_index (forms, i)));
}

/* DER, the raw point and its coordinates, each raw, base64, base64url and
 * hex; and the lines of the PEM form. */
static GPtrArray *
key_forms (GBytes *der)
{
  GPtrArray *all = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  gsize length;
  const guint8 *data = g_bytes_get_data (der, &length);
  g_autofree char *base64 = g_base64_encode (data, length);
  g_autoptr(GBytes) point = NULL;
  g_autoptr(GBytes) x = NULL;
  g_autoptr(GBytes) y = NULL;

  /* SubjectPublicKeyInfo of P-256: 26 bytes of header, then 04 || X || Y. */
  g_assert_cmpuint (length, ==, 91);
  g_assert_cmpuint (data[26], ==, 0x04);
  point = g_bytes_new_from_bytes (der, 26, 65);
  x = g_bytes_new_from_bytes (der, 27, 32);
  y = g_bytes_new_from_bytes (der, 59, 32);
  add_forms (all, der);
  add_forms (all, point);
  add_forms (all, x);
  add_forms (all, y);
  for (gsize at = 0; at < strlen (base64); at += 64)
    {
      char *line = g_strndup (base64 + at, 64);

      g_ptr_array_add (all, g_bytes_new_take (line, strlen (line)));
    }

  return all;
}

static char *
enroll_body (const char *code,
             GBytes     *public_key)
{
  g_autofree char *key = fk_protocol_encode_base64 (public_key);

  return g_strdup_printf ("{\"code\": \"%s\", \"public_key\": \"%s\", \"device_name\": \"test\"}", code, key);
}

static char *
challenge_for (Fixture    *fixture,
               const char *device_id)
{
  g_autofree char *body = g_strdup_printf ("{\"device_id\": \"%s\"}", device_id);
  g_autoptr(Reply) reply = request (fixture, "POST", FK_PATH_LOGIN_CHALLENGE, NULL, body);

  g_assert_cmpint (reply->status, ==, 200);
  return g_strdup (reply_string (reply, "challenge"));
}

static char *
login_body (const char   *device_id,
            const char   *challenge,
            const guint8  scalar[FK_EC_SCALAR_BYTES],
            const char   *method)
{
  g_autoptr(GBytes) challenge_bytes = fk_protocol_decode_base64 (challenge);
  g_autoptr(GBytes) message = fk_protocol_login_message (device_id, challenge_bytes);
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *signature_text = NULL;

  signature = fk_crypto_sign (scalar, message, &error);
  g_assert_no_error (error);
  signature_text = fk_protocol_encode_base64 (signature);
  return g_strdup_printf ("{\"device_id\": \"%s\", \"challenge\": \"%s\", \"signature\": \"%s\", \"method\": \"%s\"}",
                          device_id, challenge, signature_text, method);
}

static const char tip_record[] =
  "{\"records\": [{\"uuid\": \"%s\", \"kind\": \"hotel-tip\", \"revision\": 1, \"payload\":"
  " {\"hotel_name\": \"Hotell Nyckelfri\", \"municipality\": \"Exempelby\","
  " \"received_at\": \"2026-11-24T08:30:00Z\", \"description\": \"Ett tips.\"}},"
  " {\"uuid\": \"%s\", \"kind\": \"hotel-tip\", \"revision\": 1, \"payload\": {\"description\": 7}}]}";

static void
test_public_key_never_revealed (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autofree char *cli = fk_test_build_path ("app/cli/faltkoll-cli");
  g_autofree char *server = fk_test_build_path ("server/faltkoll-server");
  g_autofree char *data_dir = g_build_filename (fixture->root, "device", NULL);
  g_autofree char *status = NULL;
  g_autofree char *code = NULL;
  g_autofree char *device_a = NULL;
  g_autofree char *device_b = NULL;
  g_autofree char *token = NULL;
  g_autofree char *challenge = NULL;
  g_autofree char *body = NULL;
  g_autofree char *path = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *bad_uuid = g_uuid_string_random ();
  g_autoptr(GBytes) public_b = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GPtrArray) forms = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GBytes) replies = NULL;
  g_autoptr(GBytes) requests = NULL;
  g_autoptr(GError) error = NULL;
  guint8 scalar_b[FK_EC_SCALAR_BYTES];
  Reply *r = NULL;

#define ASK(method, path, bearer, body) ask (fixture, &r, method, path, bearer, body)

  /* Device A: the real client, logging in wrong and right. */
  code = fk_test_server_issue_code (fixture->server, OFFICER);
  g_assert_cmpint (fk_test_run (PIN "\n" PIN "\n", NULL, NULL, cli, "--data-dir", data_dir, "enroll",
                                "--server", fixture->server->url, "--server-pin", fixture->server->pin,
                                "--code", code, NULL), ==, 0);
  g_assert_cmpint (fk_test_run ("111111\n", NULL, NULL, cli, "--data-dir", data_dir, "login", NULL), ==, 1);
  g_assert_cmpint (fk_test_run (PIN "\n", NULL, NULL, cli, "--data-dir", data_dir, "login", NULL), ==, 0);
  g_assert_cmpint (fk_test_run (NULL, &status, NULL, cli, "--data-dir", data_dir, "status", NULL), ==, 0);
  device_a = g_strdup (strstr (status, "device: ") + strlen ("device: "));
  *strchr (device_a, '\n') = '\0';

  ASK ("GET", FK_PATH_INFO, NULL, NULL);
  g_assert_cmpint (r->status, ==, 200);

  /* Device B: ours.  Enrolling, and every way enrolling fails. */
  g_assert_true (fk_crypto_generate_key (scalar_b, &public_b, &error));
  g_assert_no_error (error);
  g_clear_pointer (&code, g_free);
  code = fk_test_server_issue_code (fixture->server, OFFICER);
  body = enroll_body (code, public_b);
  ASK ("POST", FK_PATH_ACTIVATIONS, NULL, body);
  g_assert_cmpint (r->status, ==, 201);
  device_b = g_strdup (reply_string (r, "device_id"));
  ASK ("POST", FK_PATH_ACTIVATIONS, NULL, body);
  assert_problem (r, 409, FK_PROBLEM_CODE_USED);
  g_clear_pointer (&body, g_free);
  body = enroll_body ("0000-0000-0000", public_b);
  ASK ("POST", FK_PATH_ACTIVATIONS, NULL, body);
  assert_problem (r, 400, FK_PROBLEM_CODE_INVALID);
  ASK ("POST", FK_PATH_ACTIVATIONS, NULL, "{\"code\": \"1\", \"public_key\": \"AAAA\", \"device_name\": \"x\"}");
  assert_problem (r, 400, FK_PROBLEM_BAD_REQUEST);
  ASK ("POST", FK_PATH_ACTIVATIONS, NULL, "{not json");
  assert_problem (r, 400, FK_PROBLEM_BAD_REQUEST);
  ASK ("GET", FK_PATH_ACTIVATIONS, NULL, NULL);
  g_assert_cmpint (r->status, ==, 405);
  ASK ("GET", "/v1/no-such-thing", NULL, NULL);
  assert_problem (r, 404, FK_PROBLEM_NOT_FOUND);

  /* Logins: good (PIN and fingerprint), a wrong signature, a replay. */
  challenge = challenge_for (fixture, device_b);
  g_clear_pointer (&body, g_free);
  body = login_body (device_b, challenge, scalar_b, "pin");
  ASK ("POST", FK_PATH_LOGIN, NULL, body);
  g_assert_cmpint (r->status, ==, 200);
  token = g_strdup (reply_string (r, "session_token"));
  ASK ("POST", FK_PATH_LOGIN, NULL, body);
  assert_problem (r, 400, FK_PROBLEM_CHALLENGE_INVALID);
  g_clear_pointer (&challenge, g_free);
  challenge = challenge_for (fixture, device_b);
  g_clear_pointer (&body, g_free);
  body = login_body (device_b, challenge, scalar_b, "fingerprint");
  ASK ("POST", FK_PATH_LOGIN, NULL, body);
  g_assert_cmpint (r->status, ==, 200);
  ASK ("POST", FK_PATH_LOGIN_CHALLENGE, NULL, "{\"device_id\": \"00000000-0000-4000-8000-000000000000\"}");
  assert_problem (r, 404, FK_PROBLEM_NOT_FOUND);

  /* Device A signed with B's key: wrong PIN, until the token is disabled. */
  for (guint i = 0; i < 5; i++)
    {
      g_clear_pointer (&challenge, g_free);
      challenge = challenge_for (fixture, device_a);
      g_clear_pointer (&body, g_free);
      body = login_body (device_a, challenge, scalar_b, "pin");
      ASK ("POST", FK_PATH_LOGIN, NULL, body);
      assert_problem (r, i < 4 ? 401 : 403, i < 4 ? FK_PROBLEM_WRONG_PIN : FK_PROBLEM_TOKEN_DISABLED);
    }
  ASK ("POST", FK_PATH_LOGIN_CHALLENGE, NULL, body);
  assert_problem (r, 403, FK_PROBLEM_TOKEN_DISABLED);

  /* The authenticated endpoints, and their refusals. */
  ASK ("GET", FK_PATH_TEMPLATES, token, NULL);
  g_assert_cmpint (r->status, ==, 200);
  ASK ("GET", FK_PATH_TEMPLATES, NULL, NULL);
  assert_problem (r, 401, FK_PROBLEM_UNAUTHORIZED);
  g_clear_pointer (&body, g_free);
  body = g_strdup_printf (tip_record, uuid, bad_uuid);
  ASK ("POST", FK_PATH_RECORDS_BATCH, token, body);
  g_assert_cmpint (r->status, ==, 200);
  ASK ("POST", FK_PATH_RECORDS_BATCH, token, "{\"records\": 3}");
  assert_problem (r, 400, FK_PROBLEM_BAD_REQUEST);
  path = g_strdup_printf ("%s?since=0", FK_PATH_CHANGES);
  ASK ("GET", path, token, NULL);
  g_assert_cmpint (r->status, ==, 200);
  g_clear_pointer (&path, g_free);
  path = g_strdup_printf ("%s?since=0&limit=0", FK_PATH_CHANGES);
  ASK ("GET", path, token, NULL);
  assert_problem (r, 400, FK_PROBLEM_BAD_REQUEST);
  ASK ("POST", FK_PATH_LOGOUT, token, NULL);
  g_assert_cmpint (r->status, ==, 204);
  ASK ("GET", FK_PATH_TEMPLATES, token, NULL);
  g_assert_cmpint (r->status, ==, 401);

  /* Two more devices (A is disabled, so B and these are the three
   * active ones); a fourth is refused, with a key the server knows. */
  keys = read_public_keys (fixture);
  g_assert_cmpuint (keys->len, ==, 2);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GBytes) other = NULL;
      guint8 scalar[FK_EC_SCALAR_BYTES];

      g_assert_true (fk_crypto_generate_key (scalar, &other, NULL));
      fk_crypto_wipe (scalar, sizeof scalar);
      g_clear_pointer (&code, g_free);
      code = fk_test_server_issue_code (fixture->server, OFFICER);
      g_clear_pointer (&body, g_free);
      body = enroll_body (code, i < 2 ? other : g_ptr_array_index (keys, 0));
      ASK ("POST", FK_PATH_ACTIVATIONS, NULL, body);
      if (i < 2)
        g_assert_cmpint (r->status, ==, 201);
      else
        assert_problem (r, 409, FK_PROBLEM_TOO_MANY_DEVICES);
    }

  /* Revoked: what a revoked device hears. */
  g_assert_cmpint (fk_test_run (NULL, NULL, NULL, server, "admin", "revoke", "--device", device_b,
                                "--state-dir", fixture->server->state_dir, NULL), ==, 0);
  g_clear_pointer (&body, g_free);
  body = g_strdup_printf ("{\"device_id\": \"%s\"}", device_b);
  ASK ("POST", FK_PATH_LOGIN_CHALLENGE, NULL, body);
  assert_problem (r, 410, FK_PROBLEM_DEVICE_REVOKED);
  g_clear_pointer (&r, reply_free);
#undef ASK

  g_ptr_array_set_size (keys, 0);
  g_ptr_array_extend_and_steal (keys, read_public_keys (fixture));
  g_assert_cmpuint (keys->len, ==, 4);
  for (guint i = 0; i < keys->len; i++)
    {
      g_autoptr(GPtrArray) these = key_forms (g_ptr_array_index (keys, i));

      for (guint j = 0; j < these->len; j++)
        g_ptr_array_add (forms, g_bytes_ref (g_ptr_array_index (these, j)));
    }

  /* The check finds a key where one is: in what we sent. */
  requests = g_bytes_new (fixture->requests->str, fixture->requests->len);
  g_assert_nonnull (fk_test_find_any (requests, forms));
  g_assert_true (g_bytes_equal (g_ptr_array_index (keys, 1), public_b) ||
                 g_bytes_equal (g_ptr_array_index (keys, 0), public_b));

  replies = g_bytes_new (fixture->replies->str, fixture->replies->len);
  g_assert_null (fk_test_find_any (replies, forms));
  fk_crypto_wipe (scalar_b, sizeof scalar_b);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  curl_global_init (CURL_GLOBAL_DEFAULT);

  g_test_add ("/server-replies/public-key-never-revealed", Fixture, NULL,
              fixture_setup, test_public_key_never_revealed, fixture_teardown);

  return g_test_run ();
}
