/* test-server-http.c: FkServer over real HTTPS, trusted by its pin alone
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <openssl/x509.h>

#include "fk-crypto.h"
#include "fk-protocol.h"
#include "fk-server.h"
#include "fk-server-db-private.h"

#define TIP_UUID_A "6f1c9a52-4d2e-4b7a-8c3f-1e2d3c4b5a60"
#define TIP_UUID_B "6f1c9a52-4d2e-4b7a-8c3f-1e2d3c4b5a61"
#define TIP_UUID_C "6f1c9a52-4d2e-4b7a-8c3f-1e2d3c4b5a62"

/* Invented hotel, invented municipality. */
#define VALID_TIP \
  "{\"hotel_name\": \"Hotell Exempel\", \"municipality\": \"Påhittby\"," \
  " \"received_at\": \"2026-01-10T20:00:00Z\"," \
  " \"description\": \"Många korta besök till samma rum under kvällen.\"," \
  " \"indicators\": [\"short-visits\"], \"urgent\": false}"
#define TIP_WITHOUT_HOTEL \
  "{\"hotel_name\": \"\", \"municipality\": \"Påhittby\"," \
  " \"received_at\": \"2026-01-10T20:00:00Z\"," \
  " \"description\": \"Många korta besök till samma rum under kvällen.\"}"

typedef enum {
  SEND_PLAIN = 0,
  SEND_GZIP = 1 << 0,
  SEND_NEW_CONNECTION = 1 << 1,
} SendFlags;

typedef struct {
  char        *state_dir;
  FkServer    *server;
  SoupSession *session;
  char        *expected_pin;
} Fixture;

typedef struct {
  SoupMessage *msg;
  guint        status;
  GError      *error;
  JsonObject  *json;
} Response;

typedef struct {
  char   *device_id;
  guint8  scalar[FK_EC_SCALAR_BYTES];
  char   *token;
} Device;

static void
response_free (Response *response)
{
  g_clear_object (&response->msg);
  g_clear_error (&response->error);
  g_clear_pointer (&response->json, json_object_unref);
  g_free (response);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Response, response_free)

static void
device_clear (Device *device)
{
  g_clear_pointer (&device->device_id, g_free);
  g_clear_pointer (&device->token, g_free);
  fk_crypto_wipe (device->scalar, sizeof device->scalar);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Device, device_clear)

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->state_dir = g_dir_make_tmp ("fk-server-http-XXXXXX", &error);
  g_assert_no_error (error);
  f->server = fk_server_new (f->state_dir, &error);
  g_assert_no_error (error);
  g_assert_true (fk_server_listen (f->server, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fk_server_get_port (f->server), >, 0);

  f->expected_pin = g_strdup (fk_server_get_pin (f->server));
  g_assert_true (fk_protocol_is_valid_pin (f->expected_pin));
  f->session = soup_session_new_with_options ("timeout", 20, NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_clear_object (&f->session);
  fk_server_close (f->server);
  g_clear_object (&f->server);
  while (g_main_context_iteration (NULL, FALSE))
    ;

  dir = g_dir_open (f->state_dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->state_dir, name, NULL);

      g_remove (path);
    }
  g_rmdir (f->state_dir);
  g_free (f->state_dir);
  g_free (f->expected_pin);
}

/* The pin as a client computes it: SHA-256 of the certificate's DER
 * SubjectPublicKeyInfo, independent of the server's own code. */
static char *
pin_of_certificate (GTlsCertificate *certificate)
{
  g_autoptr(GByteArray) der = NULL;
  const guint8 *p;
  X509 *x509;
  guint8 *spki = NULL;
  int spki_length;
  char *pin;

  g_object_get (certificate, "certificate", &der, NULL);
  p = der->data;
  x509 = d2i_X509 (NULL, &p, der->len);
  g_assert_nonnull (x509);
  spki_length = i2d_X509_PUBKEY (X509_get_X509_PUBKEY (x509), &spki);
  g_assert_cmpint (spki_length, >, 0);
  pin = g_compute_checksum_for_data (G_CHECKSUM_SHA256, spki, spki_length);
  OPENSSL_free (spki);
  X509_free (x509);

  return pin;
}

static gboolean
on_accept_certificate (SoupMessage          *msg,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  Fixture *f = user_data;
  g_autofree char *pin = pin_of_certificate (certificate);

  return g_str_equal (pin, f->expected_pin);
}

typedef struct {
  gboolean  done;
  GBytes   *body;
  GError   *error;
} Exchange;

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Exchange *exchange = user_data;

  exchange->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &exchange->error);
  exchange->done = TRUE;
}

static GBytes *
gzip (const char *text)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, -1);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) stream = g_converter_output_stream_new (memory, G_CONVERTER (compressor));
  g_autoptr(GError) error = NULL;

  g_assert_true (g_output_stream_write_all (stream, text, strlen (text), NULL, NULL, &error));
  g_assert_true (g_output_stream_close (stream, NULL, &error));
  g_assert_no_error (error);

  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

static Response *
send_request (Fixture    *f,
              const char *method,
              const char *path,
              const char *token,
              const char *body,
              SendFlags   flags)
{
  g_autofree char *uri = g_strconcat (fk_server_get_url (f->server), path, NULL);
  Response *response = g_new0 (Response, 1);
  SoupMessageHeaders *headers;
  Exchange exchange = { FALSE, NULL, NULL };

  response->msg = soup_message_new (method, uri);
  g_assert_nonnull (response->msg);
  headers = soup_message_get_request_headers (response->msg);
  if (flags & SEND_NEW_CONNECTION)
    soup_message_add_flags (response->msg, SOUP_MESSAGE_NEW_CONNECTION);
  if (token != NULL)
    {
      g_autofree char *authorization = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (headers, "Authorization", authorization);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = NULL;

      if (flags & SEND_GZIP)
        {
          bytes = gzip (body);
          soup_message_headers_replace (headers, "Content-Encoding", "gzip");
        }
      else
        {
          bytes = g_bytes_new (body, strlen (body));
        }
      soup_message_set_request_body_from_bytes (response->msg, FK_CONTENT_TYPE_JSON, bytes);
    }
  g_signal_connect (response->msg, "accept-certificate", G_CALLBACK (on_accept_certificate), f);

  soup_session_send_and_read_async (f->session, response->msg, G_PRIORITY_DEFAULT, NULL,
                                    on_sent, &exchange);
  while (!exchange.done)
    g_main_context_iteration (NULL, TRUE);

  if (exchange.error != NULL)
    {
      response->error = exchange.error;
      return response;
    }

  response->status = soup_message_get_status (response->msg);
  if (g_bytes_get_size (exchange.body) > 0)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = json_from_string (g_bytes_get_data (exchange.body, NULL), &error);

      g_assert_no_error (error);
      g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
      response->json = json_object_ref (json_node_get_object (node));
    }
  g_bytes_unref (exchange.body);

  return response;
}

static Response *
get (Fixture    *f,
     const char *path,
     const char *token)
{
  return send_request (f, "GET", path, token, NULL, SEND_PLAIN);
}

static Response *
post (Fixture    *f,
      const char *path,
      const char *token,
      const char *body)
{
  return send_request (f, "POST", path, token, body, SEND_PLAIN);
}

static void
assert_problem (Response   *response,
                guint       status,
                const char *type)
{
  SoupMessageHeaders *headers;

  g_assert_no_error (response->error);
  g_assert_cmpuint (response->status, ==, status);
  g_assert_nonnull (response->json);
  g_assert_cmpstr (json_object_get_string_member (response->json, "type"), ==, type);
  g_assert_cmpint (json_object_get_int_member (response->json, "status"), ==, status);
  headers = soup_message_get_response_headers (response->msg);
  g_assert_true (g_str_has_prefix (soup_message_headers_get_content_type (headers, NULL),
                                   FK_CONTENT_TYPE_PROBLEM));
}

static char *
issue_code (Fixture    *f,
            const char *officer)
{
  g_autoptr(GError) error = NULL;
  char *code = fk_server_db_issue_code (fk_server_get_db (f->server), officer, &error);

  g_assert_no_error (error);
  return code;
}

static char *
activation_body (const char *code,
                 GBytes     *public_key)
{
  g_autofree char *public_key_b64 = fk_protocol_encode_base64 (public_key);

  return g_strdup_printf ("{\"code\": \"%s\", \"public_key\": \"%s\", \"device_name\": \"test phone\"}",
                          code, public_key_b64);
}

static void
enroll (Fixture    *f,
        const char *officer,
        Device     *device)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) public_key = NULL;
  g_autofree char *code = issue_code (f, officer);
  g_autofree char *body = NULL;
  g_autoptr(Response) response = NULL;

  g_assert_true (fk_crypto_generate_key (device->scalar, &public_key, &error));
  g_assert_no_error (error);
  body = activation_body (code, public_key);
  response = post (f, FK_PATH_ACTIVATIONS, NULL, body);
  g_assert_no_error (response->error);
  g_assert_cmpuint (response->status, ==, SOUP_STATUS_CREATED);
  device->device_id = g_strdup (json_object_get_string_member (response->json, "device_id"));
  g_assert_true (fk_protocol_is_valid_uuid (device->device_id));
}

static GBytes *
get_challenge (Fixture *f,
               Device  *device)
{
  g_autofree char *body = g_strdup_printf ("{\"device_id\": \"%s\"}", device->device_id);
  g_autoptr(Response) response = post (f, FK_PATH_LOGIN_CHALLENGE, NULL, body);
  GBytes *challenge;

  g_assert_no_error (response->error);
  g_assert_cmpuint (response->status, ==, SOUP_STATUS_OK);
  g_assert_cmpint (json_object_get_int_member (response->json, "expires_in"), ==, 60);
  challenge = fk_protocol_decode_base64 (json_object_get_string_member (response->json, "challenge"));
  g_assert_nonnull (challenge);
  g_assert_cmpuint (g_bytes_get_size (challenge), ==, FK_CHALLENGE_BYTES);

  return challenge;
}

static Response *
post_login (Fixture      *f,
            Device       *device,
            GBytes       *challenge,
            const guint8  scalar[FK_EC_SCALAR_BYTES])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) message = fk_protocol_login_message (device->device_id, challenge);
  g_autoptr(GBytes) signature = fk_crypto_sign (scalar, message, &error);
  g_autofree char *challenge_b64 = fk_protocol_encode_base64 (challenge);
  g_autofree char *signature_b64 = NULL;
  g_autofree char *body = NULL;

  g_assert_no_error (error);
  signature_b64 = fk_protocol_encode_base64 (signature);
  body = g_strdup_printf ("{\"device_id\": \"%s\", \"challenge\": \"%s\", \"signature\": \"%s\","
                          " \"method\": \"pin\"}", device->device_id, challenge_b64, signature_b64);

  return post (f, FK_PATH_LOGIN, NULL, body);
}

/* Logs in with the wrong key when @good is FALSE: what a wrong PIN does. */
static Response *
login (Fixture  *f,
       Device   *device,
       gboolean  good)
{
  g_autoptr(GBytes) challenge = get_challenge (f, device);
  guint8 wrong[FK_EC_SCALAR_BYTES];
  g_autoptr(GBytes) unused = NULL;
  Response *response;

  if (good)
    return post_login (f, device, challenge, device->scalar);

  g_assert_true (fk_crypto_generate_key (wrong, &unused, NULL));
  response = post_login (f, device, challenge, wrong);
  fk_crypto_wipe (wrong, sizeof wrong);

  return response;
}

static void
enroll_and_log_in (Fixture    *f,
                   const char *officer,
                   Device     *device)
{
  g_autoptr(Response) response = NULL;

  enroll (f, officer, device);
  response = login (f, device, TRUE);
  g_assert_no_error (response->error);
  g_assert_cmpuint (response->status, ==, SOUP_STATUS_OK);
  device->token = g_strdup (json_object_get_string_member (response->json, "session_token"));
  g_assert_nonnull (device->token);
}

static gint64
count_records (Fixture    *f,
               const char *uuid)
{
  sqlite3 *db = fk_server_db_get_handle (fk_server_get_db (f->server));
  sqlite3_stmt *stmt = NULL;
  gint64 count;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM records WHERE uuid LIKE ?",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, uuid, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  count = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  return count;
}

static char *
batch_body (const char *uuid,
            const char *payload)
{
  return g_strdup_printf ("{\"records\": [{\"uuid\": \"%s\", \"kind\": \"hotel-tip\", \"revision\": 1,"
                          " \"payload\": %s}]}", uuid, payload);
}

static const char *
result_status (Response *response,
               guint     index)
{
  JsonArray *results = json_object_get_array_member (response->json, "results");

  return json_object_get_string_member (json_array_get_object_element (results, index), "status");
}

static void
set_faults (Fixture    *f,
            const char *spec,
            guint       latency_ms)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FkFaultInjector) injector = fk_fault_injector_new (spec, 1, latency_ms, &error);

  g_assert_no_error (error);
  fk_server_set_fault_injector (f->server, injector);
}

static void
test_info (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(Response) info = get (f, FK_PATH_INFO, NULL);
  g_autoptr(Response) unknown = get (f, "/v1/nothing-here", NULL);
  g_autoptr(Response) wrong_method = get (f, FK_PATH_LOGIN, NULL);

  g_assert_no_error (info->error);
  g_assert_cmpuint (info->status, ==, SOUP_STATUS_OK);
  g_assert_cmpstr (json_object_get_string_member (info->json, "service"), ==, "faltkoll-server");
  g_assert_cmpstr (json_object_get_string_member (info->json, "version"), ==, PACKAGE_VERSION);
  g_assert_cmpint (json_object_get_int_member (info->json, "protocol"), ==, 1);
  g_assert_true (g_regex_match_simple ("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$",
                                       json_object_get_string_member (info->json, "server_time"), 0, 0));

  assert_problem (unknown, SOUP_STATUS_NOT_FOUND, FK_PROBLEM_NOT_FOUND);
  assert_problem (wrong_method, SOUP_STATUS_METHOD_NOT_ALLOWED, FK_PROBLEM_BAD_REQUEST);
}

static void
test_pin_is_the_trust_anchor (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(Response) refused = NULL;

  g_free (f->expected_pin);
  f->expected_pin = g_strnfill (64, '0');
  refused = get (f, FK_PATH_INFO, NULL);
  g_assert_error (refused->error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
}

static void
test_activation (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) public_key = NULL;
  g_autofree char *code = issue_code (f, "officer-7");
  g_autofree char *body = NULL;
  g_autofree char *unknown_body = NULL;
  g_autofree char *bad_key_body = NULL;
  g_autoptr(GBytes) not_a_key = g_bytes_new_static ("not a key", 9);
  g_autoptr(Response) good = NULL;
  g_autoptr(Response) again = NULL;
  g_autoptr(Response) unknown = NULL;
  g_autoptr(Response) bad_key = NULL;
  g_autoptr(Response) missing = NULL;
  guint8 scalar[FK_EC_SCALAR_BYTES];

  g_assert_true (fk_crypto_generate_key (scalar, &public_key, &error));
  fk_crypto_wipe (scalar, sizeof scalar);
  body = activation_body (code, public_key);

  good = post (f, FK_PATH_ACTIVATIONS, NULL, body);
  g_assert_no_error (good->error);
  g_assert_cmpuint (good->status, ==, SOUP_STATUS_CREATED);
  g_assert_true (fk_protocol_is_valid_uuid (json_object_get_string_member (good->json, "device_id")));
  g_assert_cmpstr (json_object_get_string_member (good->json, "officer_id"), ==, "officer-7");
  g_assert_cmpstr (json_object_get_string_member (good->json, "policy"), ==, FK_POLICY_PIN_OR_FINGERPRINT);
  g_assert_false (json_object_has_member (good->json, "public_key"));

  again = post (f, FK_PATH_ACTIVATIONS, NULL, body);
  assert_problem (again, SOUP_STATUS_CONFLICT, FK_PROBLEM_CODE_USED);

  unknown_body = activation_body ("1111-2222-3333", public_key);
  unknown = post (f, FK_PATH_ACTIVATIONS, NULL, unknown_body);
  assert_problem (unknown, SOUP_STATUS_BAD_REQUEST, FK_PROBLEM_CODE_INVALID);

  g_free (code);
  code = issue_code (f, "officer-7");
  bad_key_body = activation_body (code, not_a_key);
  bad_key = post (f, FK_PATH_ACTIVATIONS, NULL, bad_key_body);
  assert_problem (bad_key, SOUP_STATUS_BAD_REQUEST, FK_PROBLEM_BAD_REQUEST);

  missing = post (f, FK_PATH_ACTIVATIONS, NULL, "{\"code\": 12}");
  assert_problem (missing, SOUP_STATUS_BAD_REQUEST, FK_PROBLEM_BAD_REQUEST);
}

static void
test_login (Fixture       *f,
            gconstpointer  data)
{
  g_auto(Device) device = { 0 };
  g_autoptr(Response) good = NULL;
  g_autoptr(Response) templates = NULL;
  g_autoptr(Response) disabled = NULL;
  g_autoptr(Response) challenge_after = NULL;
  g_autoptr(Response) replay = NULL;
  g_autoptr(GBytes) data_key = NULL;
  g_autoptr(GBytes) challenge = NULL;
  g_autofree char *challenge_body = NULL;

  enroll (f, "officer-7", &device);

  challenge = get_challenge (f, &device);
  good = post_login (f, &device, challenge, device.scalar);
  g_assert_no_error (good->error);
  g_assert_cmpuint (good->status, ==, SOUP_STATUS_OK);
  g_assert_cmpint (json_object_get_int_member (good->json, "expires_in"), ==, FK_SESSION_SECONDS);
  g_assert_cmpstr (json_object_get_string_member (good->json, "officer_id"), ==, "officer-7");
  g_assert_cmpstr (json_object_get_string_member (good->json, "policy"), ==, FK_POLICY_PIN_OR_FINGERPRINT);
  g_assert_nonnull (json_object_get_string_member (good->json, "expires_at"));
  g_assert_nonnull (json_object_get_string_member (good->json, "server_time"));
  data_key = fk_protocol_decode_base64 (json_object_get_string_member (good->json, "data_key"));
  g_assert_cmpuint (g_bytes_get_size (data_key), ==, FK_DATA_KEY_BYTES);

  templates = get (f, FK_PATH_TEMPLATES, json_object_get_string_member (good->json, "session_token"));
  g_assert_cmpuint (templates->status, ==, SOUP_STATUS_OK);
  g_assert_cmpstr (json_object_get_string_member (
                     json_array_get_object_element (
                       json_object_get_array_member (templates->json, "templates"), 0), "id"),
                   ==, "national-safe-events");

  /* A challenge is good once. */
  replay = post_login (f, &device, challenge, device.scalar);
  assert_problem (replay, SOUP_STATUS_BAD_REQUEST, FK_PROBLEM_CHALLENGE_INVALID);

  for (guint expected = FK_MAX_FAILED_PINS - 1; expected > 0; expected--)
    {
      g_autoptr(Response) wrong = login (f, &device, FALSE);

      assert_problem (wrong, SOUP_STATUS_UNAUTHORIZED, FK_PROBLEM_WRONG_PIN);
      g_assert_cmpint (json_object_get_int_member (wrong->json, "attempts_left"), ==, expected);
    }

  disabled = login (f, &device, FALSE);
  assert_problem (disabled, SOUP_STATUS_FORBIDDEN, FK_PROBLEM_TOKEN_DISABLED);

  challenge_body = g_strdup_printf ("{\"device_id\": \"%s\"}", device.device_id);
  challenge_after = post (f, FK_PATH_LOGIN_CHALLENGE, NULL, challenge_body);
  assert_problem (challenge_after, SOUP_STATUS_FORBIDDEN, FK_PROBLEM_TOKEN_DISABLED);
}

static void
test_batch_idempotent (Fixture       *f,
                       gconstpointer  data)
{
  g_auto(Device) device = { 0 };
  g_autofree char *body = batch_body (TIP_UUID_A, VALID_TIP);
  g_autoptr(Response) first = NULL;
  g_autoptr(Response) again = NULL;
  JsonObject *result;

  enroll_and_log_in (f, "officer-7", &device);

  first = post (f, FK_PATH_RECORDS_BATCH, device.token, body);
  g_assert_no_error (first->error);
  g_assert_cmpuint (first->status, ==, SOUP_STATUS_OK);
  result = json_array_get_object_element (json_object_get_array_member (first->json, "results"), 0);
  g_assert_cmpstr (json_object_get_string_member (result, "uuid"), ==, TIP_UUID_A);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, FK_RESULT_ACCEPTED);
  g_assert_cmpint (json_object_get_int_member (result, "revision"), ==, 1);

  /* The reply was "lost": the client sends the same batch again, gzipped. */
  again = send_request (f, "POST", FK_PATH_RECORDS_BATCH, device.token, body, SEND_GZIP);
  g_assert_no_error (again->error);
  g_assert_cmpuint (again->status, ==, SOUP_STATUS_OK);
  g_assert_cmpstr (result_status (again, 0), ==, FK_RESULT_DUPLICATE);

  g_assert_cmpint (count_records (f, TIP_UUID_A), ==, 1);
}

static void
test_batch_invalid_tip (Fixture       *f,
                        gconstpointer  data)
{
  g_auto(Device) device = { 0 };
  g_autofree char *body = g_strdup_printf (
    "{\"records\": ["
    " {\"uuid\": \"" TIP_UUID_A "\", \"kind\": \"hotel-tip\", \"revision\": 1, \"payload\": %s},"
    " {\"uuid\": \"" TIP_UUID_B "\", \"kind\": \"hotel-tip\", \"revision\": 1, \"payload\": %s},"
    " {\"uuid\": \"" TIP_UUID_C "\", \"kind\": \"event-checklist\", \"revision\": 1,"
    "  \"payload\": {\"template_id\": \"national-safe-events\"}}]}",
    VALID_TIP, TIP_WITHOUT_HOTEL);
  g_autoptr(Response) response = NULL;
  JsonObject *rejected;
  JsonObject *problem;

  enroll_and_log_in (f, "officer-7", &device);
  response = post (f, FK_PATH_RECORDS_BATCH, device.token, body);
  g_assert_no_error (response->error);
  g_assert_cmpuint (response->status, ==, SOUP_STATUS_OK);

  g_assert_cmpstr (result_status (response, 0), ==, FK_RESULT_ACCEPTED);
  g_assert_cmpstr (result_status (response, 1), ==, FK_RESULT_REJECTED);
  g_assert_cmpstr (result_status (response, 2), ==, FK_RESULT_ACCEPTED);

  rejected = json_array_get_object_element (json_object_get_array_member (response->json, "results"), 1);
  g_assert_cmpstr (json_object_get_string_member (rejected, "uuid"), ==, TIP_UUID_B);
  problem = json_object_get_object_member (rejected, "problem");
  g_assert_cmpstr (json_object_get_string_member (problem, "type"), ==, FK_PROBLEM_INVALID_RECORD);
  g_assert_cmpint (json_object_get_int_member (problem, "status"), ==, 422);
  g_assert_cmpstr (json_object_get_string_member (problem, "field"), ==, "hotel-name");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (problem, "detail"), "hotel-name: "));

  g_assert_cmpint (count_records (f, TIP_UUID_A), ==, 1);
  g_assert_cmpint (count_records (f, TIP_UUID_B), ==, 0);
  g_assert_cmpint (count_records (f, TIP_UUID_C), ==, 1);
}

static void
test_batch_too_large (Fixture       *f,
                      gconstpointer  data)
{
  g_auto(Device) device = { 0 };
  g_autoptr(GString) many = g_string_new ("{\"records\": [");
  g_autoptr(GString) big = g_string_new ("{\"records\": [], \"padding\": \"");
  g_autoptr(Response) too_many = NULL;
  g_autoptr(Response) too_big = NULL;
  g_autoptr(Response) too_big_gzipped = NULL;
  g_autoptr(Response) far_too_big = NULL;
  g_autoptr(Response) not_json = NULL;

  enroll_and_log_in (f, "officer-7", &device);

  for (guint i = 0; i <= FK_MAX_BATCH_RECORDS; i++)
    g_string_append_printf (many, "%s{\"uuid\": \"6f1c9a52-4d2e-4b7a-8c3f-%012u\", \"kind\": \"hotel-tip\","
                            " \"revision\": 1, \"payload\": %s}", i ? "," : "", i, VALID_TIP);
  g_string_append (many, "]}");
  too_many = post (f, FK_PATH_RECORDS_BATCH, device.token, many->str);
  assert_problem (too_many, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, FK_PROBLEM_BATCH_TOO_LARGE);
  g_assert_cmpint (count_records (f, "6f1c9a52-4d2e-4b7a-8c3f-%"), ==, 0);

  for (guint i = 0; i < FK_MAX_BATCH_BYTES + 1024; i++)
    g_string_append_c (big, 'x');
  g_string_append (big, "\"}");
  too_big = post (f, FK_PATH_RECORDS_BATCH, device.token, big->str);
  assert_problem (too_big, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, FK_PROBLEM_BATCH_TOO_LARGE);

  /* Small on the wire, too big once gzip is undone. */
  too_big_gzipped = send_request (f, "POST", FK_PATH_RECORDS_BATCH, device.token, big->str, SEND_GZIP);
  assert_problem (too_big_gzipped, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, FK_PROBLEM_BATCH_TOO_LARGE);

  /* Far too big: refused from the headers, before the body is read. */
  g_string_truncate (big, big->len - 2);
  for (guint i = 0; i < FK_MAX_BATCH_BYTES; i++)
    g_string_append_c (big, 'y');
  g_string_append (big, "\"}");
  far_too_big = post (f, FK_PATH_RECORDS_BATCH, device.token, big->str);
  assert_problem (far_too_big, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, FK_PROBLEM_BATCH_TOO_LARGE);

  not_json = post (f, FK_PATH_RECORDS_BATCH, device.token, "{\"records\": [");
  assert_problem (not_json, SOUP_STATUS_BAD_REQUEST, FK_PROBLEM_BAD_REQUEST);
}

static void
test_unauthorized (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(Response) none = get (f, FK_PATH_TEMPLATES, NULL);
  g_autoptr(Response) bogus = get (f, FK_PATH_TEMPLATES, "0123456789abcdef");
  g_autoptr(Response) batch = post (f, FK_PATH_RECORDS_BATCH, NULL, "{\"records\": []}");

  assert_problem (none, SOUP_STATUS_UNAUTHORIZED, FK_PROBLEM_UNAUTHORIZED);
  g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (none->msg),
                                                 "WWW-Authenticate"), ==, "Bearer");
  assert_problem (bogus, SOUP_STATUS_UNAUTHORIZED, FK_PROBLEM_UNAUTHORIZED);
  assert_problem (batch, SOUP_STATUS_UNAUTHORIZED, FK_PROBLEM_UNAUTHORIZED);
}

static void
test_session_expired (Fixture       *f,
                      gconstpointer  data)
{
  FkServerDb *db = fk_server_get_db (f->server);
  g_auto(Device) device = { 0 };
  g_autoptr(Response) login_reply = NULL;
  g_autoptr(Response) fresh = NULL;
  g_autoptr(Response) expired = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  fk_server_set_session_seconds (f->server, 1);
  fk_server_db_set_now (db, now);
  enroll (f, "officer-7", &device);
  login_reply = login (f, &device, TRUE);
  g_assert_cmpuint (login_reply->status, ==, SOUP_STATUS_OK);
  g_assert_cmpint (json_object_get_int_member (login_reply->json, "expires_in"), ==, 1);
  device.token = g_strdup (json_object_get_string_member (login_reply->json, "session_token"));

  fresh = get (f, FK_PATH_TEMPLATES, device.token);
  g_assert_cmpuint (fresh->status, ==, SOUP_STATUS_OK);

  fk_server_db_set_now (db, now + 2);
  expired = get (f, FK_PATH_TEMPLATES, device.token);
  assert_problem (expired, SOUP_STATUS_UNAUTHORIZED, FK_PROBLEM_SESSION_EXPIRED);
}

static void
test_revoked (Fixture       *f,
              gconstpointer  data)
{
  g_auto(Device) device = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) stale_challenge = NULL;
  g_autoptr(Response) templates = NULL;
  g_autoptr(Response) batch = NULL;
  g_autoptr(Response) challenge = NULL;
  g_autoptr(Response) login_reply = NULL;
  g_autofree char *challenge_body = NULL;

  enroll_and_log_in (f, "officer-7", &device);
  stale_challenge = get_challenge (f, &device);
  g_assert_true (fk_server_db_revoke_device (fk_server_get_db (f->server), device.device_id, &error));
  g_assert_no_error (error);

  templates = get (f, FK_PATH_TEMPLATES, device.token);
  assert_problem (templates, SOUP_STATUS_GONE, FK_PROBLEM_DEVICE_REVOKED);
  batch = post (f, FK_PATH_RECORDS_BATCH, device.token, "{\"records\": []}");
  assert_problem (batch, SOUP_STATUS_GONE, FK_PROBLEM_DEVICE_REVOKED);

  challenge_body = g_strdup_printf ("{\"device_id\": \"%s\"}", device.device_id);
  challenge = post (f, FK_PATH_LOGIN_CHALLENGE, NULL, challenge_body);
  assert_problem (challenge, SOUP_STATUS_GONE, FK_PROBLEM_DEVICE_REVOKED);
  login_reply = post_login (f, &device, stale_challenge, device.scalar);
  assert_problem (login_reply, SOUP_STATUS_GONE, FK_PROBLEM_DEVICE_REVOKED);
}

static void
test_changes_and_logout (Fixture       *f,
                         gconstpointer  data)
{
  g_auto(Device) device = { 0 };
  g_autoptr(Response) all = NULL;
  g_autoptr(Response) none = NULL;
  g_autoptr(Response) bad = NULL;
  g_autoptr(Response) logout = NULL;
  g_autoptr(Response) after = NULL;
  g_autofree char *since_path = NULL;
  JsonObject *change;
  gint64 cursor;

  enroll_and_log_in (f, "officer-7", &device);

  all = get (f, FK_PATH_CHANGES "?since=0", device.token);
  g_assert_cmpuint (all->status, ==, SOUP_STATUS_OK);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (all->json, "changes")), ==, 1);
  change = json_array_get_object_element (json_object_get_array_member (all->json, "changes"), 0);
  g_assert_cmpstr (json_object_get_string_member (change, "kind"), ==, "template");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (change, "template"), "id"),
                   ==, "national-safe-events");
  cursor = json_object_get_int_member (all->json, "cursor");
  g_assert_cmpint (cursor, ==, json_object_get_int_member (change, "seq"));

  since_path = g_strdup_printf (FK_PATH_CHANGES "?since=%" G_GINT64_FORMAT, cursor);
  none = get (f, since_path, device.token);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (none->json, "changes")), ==, 0);
  g_assert_cmpint (json_object_get_int_member (none->json, "cursor"), ==, cursor);

  bad = get (f, FK_PATH_CHANGES "?since=yesterday", device.token);
  assert_problem (bad, SOUP_STATUS_BAD_REQUEST, FK_PROBLEM_BAD_REQUEST);

  logout = post (f, FK_PATH_LOGOUT, device.token, NULL);
  g_assert_no_error (logout->error);
  g_assert_cmpuint (logout->status, ==, SOUP_STATUS_NO_CONTENT);
  after = get (f, FK_PATH_TEMPLATES, device.token);
  assert_problem (after, SOUP_STATUS_UNAUTHORIZED, FK_PROBLEM_UNAUTHORIZED);
}

static void
test_fault_drop_after_commits (Fixture       *f,
                               gconstpointer  data)
{
  g_auto(Device) device = { 0 };
  g_autofree char *body = batch_body (TIP_UUID_A, VALID_TIP);
  g_autoptr(Response) dropped = NULL;
  g_autoptr(Response) retried = NULL;

  enroll_and_log_in (f, "officer-7", &device);
  set_faults (f, "1:drop-after", 0);

  dropped = send_request (f, "POST", FK_PATH_RECORDS_BATCH, device.token, body, SEND_NEW_CONNECTION);
  g_assert_nonnull (dropped->error);
  g_assert_null (dropped->json);
  /* The client saw nothing, yet the batch is stored. */
  g_assert_cmpint (count_records (f, TIP_UUID_A), ==, 1);

  fk_server_set_fault_injector (f->server, NULL);
  retried = post (f, FK_PATH_RECORDS_BATCH, device.token, body);
  g_assert_cmpuint (retried->status, ==, SOUP_STATUS_OK);
  g_assert_cmpstr (result_status (retried, 0), ==, FK_RESULT_DUPLICATE);
  g_assert_cmpint (count_records (f, TIP_UUID_A), ==, 1);
}

static void
test_fault_drop_before_and_truncate (Fixture       *f,
                                     gconstpointer  data)
{
  g_auto(Device) device = { 0 };
  g_autofree char *body_a = batch_body (TIP_UUID_A, VALID_TIP);
  g_autofree char *body_b = batch_body (TIP_UUID_B, VALID_TIP);
  g_autoptr(Response) dropped = NULL;
  g_autoptr(Response) torn = NULL;
  g_autoptr(Response) info = NULL;

  enroll_and_log_in (f, "officer-7", &device);

  set_faults (f, "1:drop-before", 0);
  dropped = send_request (f, "POST", FK_PATH_RECORDS_BATCH, device.token, body_a, SEND_NEW_CONNECTION);
  g_assert_nonnull (dropped->error);
  g_assert_cmpint (count_records (f, TIP_UUID_A), ==, 0);

  /* Endpoints without a session are never faulted. */
  info = get (f, FK_PATH_INFO, NULL);
  g_assert_cmpuint (info->status, ==, SOUP_STATUS_OK);

  set_faults (f, "1:truncate", 0);
  torn = send_request (f, "POST", FK_PATH_RECORDS_BATCH, device.token, body_b, SEND_NEW_CONNECTION);
  g_assert_nonnull (torn->error);
  g_assert_cmpint (count_records (f, TIP_UUID_B), ==, 1);
}

static void
test_fault_status_codes (Fixture       *f,
                         gconstpointer  data)
{
  g_auto(Device) device = { 0 };
  g_autofree char *body = batch_body (TIP_UUID_A, VALID_TIP);
  g_autoptr(Response) limited = NULL;
  g_autoptr(Response) unavailable = NULL;
  g_autoptr(Response) internal = NULL;

  enroll_and_log_in (f, "officer-7", &device);

  set_faults (f, "1:429", 0);
  limited = post (f, FK_PATH_RECORDS_BATCH, device.token, body);
  assert_problem (limited, 429, FK_PROBLEM_RATE_LIMITED);
  g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (limited->msg),
                                                 "Retry-After"), ==, "1");

  set_faults (f, "1:503", 0);
  unavailable = get (f, FK_PATH_TEMPLATES, device.token);
  assert_problem (unavailable, SOUP_STATUS_SERVICE_UNAVAILABLE, FK_PROBLEM_UNAVAILABLE);
  g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (unavailable->msg),
                                                 "Retry-After"), ==, "1");

  set_faults (f, "1:500", 0);
  internal = post (f, FK_PATH_RECORDS_BATCH, device.token, body);
  assert_problem (internal, SOUP_STATUS_INTERNAL_SERVER_ERROR, FK_PROBLEM_INTERNAL);

  g_assert_cmpint (count_records (f, TIP_UUID_A), ==, 0);
}

static void
test_fault_latency (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(Response) slow = NULL;
  gint64 started;

  set_faults (f, NULL, 300);
  started = g_get_monotonic_time ();
  slow = get (f, FK_PATH_INFO, NULL);
  g_assert_cmpuint (slow->status, ==, SOUP_STATUS_OK);
  g_assert_cmpint (g_get_monotonic_time () - started, >=, 300 * 1000);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/server-http/info", test_info);
  ADD ("/server-http/pin-is-the-trust-anchor", test_pin_is_the_trust_anchor);
  ADD ("/server-http/activation", test_activation);
  ADD ("/server-http/login", test_login);
  ADD ("/server-http/batch-idempotent", test_batch_idempotent);
  ADD ("/server-http/batch-invalid-tip", test_batch_invalid_tip);
  ADD ("/server-http/batch-too-large", test_batch_too_large);
  ADD ("/server-http/unauthorized", test_unauthorized);
  ADD ("/server-http/session-expired", test_session_expired);
  ADD ("/server-http/revoked", test_revoked);
  ADD ("/server-http/changes-and-logout", test_changes_and_logout);
  ADD ("/server-http/fault-drop-after-commits", test_fault_drop_after_commits);
  ADD ("/server-http/fault-drop-before-and-truncate", test_fault_drop_before_and_truncate);
  ADD ("/server-http/fault-status-codes", test_fault_status_codes);
  ADD ("/server-http/fault-latency", test_fault_latency);

#undef ADD

  return g_test_run ();
}
