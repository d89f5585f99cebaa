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
      /* The body is not NUL-terminated. */
      g_autofree char *text = g_strndup (g_bytes_get_data (exchange.body, NULL),
                                         g_bytes_get_size (exchange.body));
      g_autoptr(JsonNode) node = json_from_string (text, &error);

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
    "  \"payload\": {\"template_id\": \"national-safe-events\", \"template_version\": 1}}]}",
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

#define LIST_A "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c60"
#define LIST_B "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c61"
#define LIST_C "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c62"
#define LIST_D "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c63"
#define LIST_E "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c64"
#define LIST_F "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c65"
#define LIST_G "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c66"
#define MEETING "before-organizer-meeting"
#define PLAN "before-harassment-plan-reviewed"
#define VISIBLE "during-police-visible"
#define DEBRIEF "after-organizer-debrief"
#define NATIONAL_V1 "\"template_id\": \"national-safe-events\", \"template_version\": 1"
/* An invented event. */
#define EVENT_FIELDS \
  "\"event_name\": \"Sommarfest Exempelby\", \"organizer\": \"Föreningen Påhitt\", \"place\": \"Parken\"," \
  " \"starts_at\": \"2026-06-20T14:00:00Z\", \"ends_at\": \"2026-06-20T23:00:00Z\"," \
  " \"expected_visitors\": 4000, \"region\": \"Syd\", \"done\": false"

/* A batch of one checklist: @body is the payload's members. */
static Response *
upload_checklist (Fixture    *f,
                  Device     *device,
                  const char *uuid,
                  gint64      revision,
                  const char *body)
{
  g_autofree char *batch = g_strdup_printf (
    "{\"records\": [{\"uuid\": \"%s\", \"kind\": \"event-checklist\", \"revision\": %" G_GINT64_FORMAT ","
    " \"payload\": {%s}}]}", uuid, revision, body);
  Response *response = post (f, FK_PATH_RECORDS_BATCH, device->token, batch);

  g_assert_no_error (response->error);
  g_assert_cmpuint (response->status, ==, SOUP_STATUS_OK);

  return response;
}

static JsonObject *
result_at (Response *response,
           guint     index)
{
  return json_array_get_object_element (json_object_get_array_member (response->json, "results"), index);
}

static JsonObject *
result_state (Response *response,
              guint     index)
{
  return json_object_get_object_member (result_at (response, index), "state");
}

static gint64
result_acked (Response *response,
              guint     index)
{
  return json_object_get_int_member (result_at (response, index), "acked");
}

static const char *
result_field (Response *response,
              guint     index)
{
  JsonObject *result = result_at (response, index);

  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, FK_RESULT_REJECTED);
  g_assert_false (json_object_has_member (result, "state"));
  return json_object_get_string_member (json_object_get_object_member (result, "problem"), "field");
}

/* A member of one item of a checklist state; NULL when not there. */
static const char *
item_member (JsonObject *state,
             const char *id,
             const char *member)
{
  JsonArray *items = json_object_get_array_member (state, "items");

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      if (g_str_equal (json_object_get_string_member (item, "id"), id))
        return json_object_get_string_member_with_default (item, member, NULL);
    }

  return NULL;
}

static gboolean
objects_equal (JsonObject *a,
               JsonObject *b)
{
  g_autoptr(JsonNode) node_a = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonNode) node_b = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node_a, a);
  json_node_set_object (node_b, b);
  return json_node_equal (node_a, node_b);
}

static gint64
query_int (Fixture    *f,
           const char *sql)
{
  sqlite3 *db = fk_server_db_get_handle (fk_server_get_db (f->server));
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  return value;
}

static gint64
revision_of (Fixture    *f,
             const char *uuid)
{
  g_autofree char *sql = g_strdup_printf ("SELECT revision FROM records WHERE uuid = '%s'", uuid);

  return query_int (f, sql);
}

/* Every change after @since, a page of @limit at a time; the last cursor
 * in @cursor_out. */
static JsonArray *
pull_all (Fixture *f,
          Device  *device,
          gint64   since,
          guint    limit,
          gint64  *cursor_out,
          guint   *pages_out)
{
  JsonArray *all = json_array_new ();
  gboolean more = TRUE;
  guint pages = 0;

  while (more)
    {
      g_autofree char *path = g_strdup_printf (FK_PATH_CHANGES "?since=%" G_GINT64_FORMAT "&limit=%u",
                                               since, limit);
      g_autoptr(Response) page = get (f, path, device->token);
      JsonArray *changes;
      guint n;

      g_assert_cmpuint (page->status, ==, SOUP_STATUS_OK);
      changes = json_object_get_array_member (page->json, "changes");
      n = json_array_get_length (changes);
      more = json_object_get_boolean_member (page->json, "more");
      g_assert_cmpuint (n, <=, limit);
      if (more)
        g_assert_cmpuint (n, ==, limit);
      if (n > 0)
        g_assert_cmpint (json_object_get_int_member (page->json, "cursor"), ==,
                         json_object_get_int_member (json_array_get_object_element (changes, n - 1), "seq"));
      for (guint i = 0; i < n; i++)
        {
          JsonObject *change = json_array_get_object_element (changes, i);

          g_assert_cmpint (json_object_get_int_member (change, "seq"), >, since);
          json_array_add_object_element (all, json_object_ref (change));
        }
      since = json_object_get_int_member (page->json, "cursor");
      pages++;
    }

  if (cursor_out != NULL)
    *cursor_out = since;
  if (pages_out != NULL)
    *pages_out = pages;

  return all;
}

/* The newest change of checklist @uuid in @changes, or NULL. */
static JsonObject *
checklist_change (JsonArray  *changes,
                  const char *uuid)
{
  JsonObject *found = NULL;

  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);

      if (g_str_equal (json_object_get_string_member (change, "kind"), FK_KIND_EVENT_CHECKLIST)
          && g_str_equal (json_object_get_string_member (change, "uuid"), uuid))
        found = change;
    }

  return found;
}

static void
test_checklist_team (Fixture       *f,
                     gconstpointer  data)
{
  g_auto(Device) anna = { 0 };
  g_auto(Device) bert = { 0 };
  g_autoptr(Response) created = NULL;
  g_autoptr(Response) anna_online = NULL;
  g_autoptr(Response) bert_back = NULL;
  g_autoptr(Response) anna_again = NULL;
  g_autoptr(JsonArray) pulled = NULL;
  g_autofree char *merged_note = NULL;
  JsonObject *state;
  JsonObject *change;

  enroll_and_log_in (f, "officer-anna", &anna);
  enroll_and_log_in (f, "officer-bert", &bert);

  /* Anna starts the checklist. */
  created = upload_checklist (f, &anna, LIST_A, 1,
    NATIONAL_V1 ", " EVENT_FIELDS ", \"items\": [],"
    " \"ops\": [{\"seq\": 1, \"op\": \"answer\", \"item\": \"" MEETING "\", \"answer\": \"yes\"},"
    "           {\"seq\": 2, \"op\": \"note\", \"item\": \"" PLAN "\", \"note\": \"Anna: möte bokat\","
    "            \"base_note\": \"\"}]");
  g_assert_cmpstr (json_object_get_string_member (result_at (created, 0), "status"), ==, FK_RESULT_ACCEPTED);
  g_assert_cmpint (result_acked (created, 0), ==, 2);
  state = result_state (created, 0);
  g_assert_cmpstr (json_object_get_string_member (state, "event_name"), ==, "Sommarfest Exempelby");
  g_assert_cmpstr (item_member (state, MEETING, "answer"), ==, "yes");
  g_assert_cmpstr (item_member (state, MEETING, "by"), ==, "officer-anna");
  g_assert_cmpstr (item_member (state, PLAN, "note"), ==, "Anna: möte bokat");

  /* Bert's device pulls what the server merged. */
  pulled = pull_all (f, &bert, 0, FK_SERVER_DB_CHANGES_LIMIT, NULL, NULL);
  change = checklist_change (pulled, LIST_A);
  g_assert_nonnull (change);
  g_assert_true (objects_equal (json_object_get_object_member (change, "state"), state));

  /* Both work at once from that state: Anna online... */
  anna_online = upload_checklist (f, &anna, LIST_A, 2,
    NATIONAL_V1 ", \"items\": [],"
    " \"ops\": [{\"seq\": 3, \"op\": \"note\", \"item\": \"" PLAN "\","
    "            \"note\": \"Anna: möte bokat till fredag\", \"base_note\": \"Anna: möte bokat\"},"
    "           {\"seq\": 4, \"op\": \"answer\", \"item\": \"" MEETING "\", \"answer\": \"yes\"}]");
  g_assert_cmpstr (json_object_get_string_member (result_at (anna_online, 0), "status"), ==, FK_RESULT_ACCEPTED);

  /* ...Bert offline, arriving later: his edits come after hers. */
  bert_back = upload_checklist (f, &bert, LIST_A, 1,
    NATIONAL_V1 ", \"items\": [],"
    " \"ops\": [{\"seq\": 1, \"op\": \"answer\", \"item\": \"" VISIBLE "\", \"answer\": \"not-applicable\"},"
    "           {\"seq\": 2, \"op\": \"answer\", \"item\": \"" MEETING "\", \"answer\": \"no\"},"
    "           {\"seq\": 3, \"op\": \"note\", \"item\": \"" PLAN "\","
    "            \"note\": \"Bert: arrangören ringer tillbaka\", \"base_note\": \"Anna: möte bokat\"}]");
  g_assert_cmpstr (json_object_get_string_member (result_at (bert_back, 0), "status"), ==, FK_RESULT_CONFLICT);
  g_assert_cmpint (result_acked (bert_back, 0), ==, 3);
  state = result_state (bert_back, 0);
  /* Different items: both kept.  The same item: the last by server order. */
  g_assert_cmpstr (item_member (state, VISIBLE, "answer"), ==, "not-applicable");
  g_assert_cmpstr (item_member (state, MEETING, "answer"), ==, "no");
  g_assert_cmpstr (item_member (state, MEETING, "by"), ==, "officer-bert");
  /* Notes written from the same starting text: both kept. */
  merged_note = g_strdup ("Anna: möte bokat till fredag\n\nBert: arrangören ringer tillbaka");
  g_assert_cmpstr (item_member (state, PLAN, "note"), ==, merged_note);
  g_assert_cmpstr (json_object_get_string_member (state, "region"), ==, "Syd");

  /* Anna's next sync (her last operations again, as after a lost reply)
   * changes nothing, and tells her another device has been at it. */
  anna_again = upload_checklist (f, &anna, LIST_A, 3,
    NATIONAL_V1 ", \"items\": [],"
    " \"ops\": [{\"seq\": 4, \"op\": \"answer\", \"item\": \"" MEETING "\", \"answer\": \"yes\"}]");
  g_assert_cmpstr (json_object_get_string_member (result_at (anna_again, 0), "status"), ==, FK_RESULT_CONFLICT);
  g_assert_cmpint (result_acked (anna_again, 0), ==, 4);
  g_assert_true (objects_equal (result_state (anna_again, 0), state));

  g_assert_cmpint (count_records (f, LIST_A), ==, 1);
  g_assert_cmpint (revision_of (f, LIST_A), ==, 3);
}

static void
test_checklist_replay_and_old_seq (Fixture       *f,
                                   gconstpointer  data)
{
  g_auto(Device) device = { 0 };
  g_autofree char *batch = g_strdup_printf (
    "{\"records\": ["
    " {\"uuid\": \"" LIST_A "\", \"kind\": \"event-checklist\", \"revision\": 1, \"payload\": {"
    NATIONAL_V1 ", " EVENT_FIELDS ", \"ops\": ["
    "  {\"seq\": 1, \"op\": \"answer\", \"item\": \"" MEETING "\", \"answer\": \"yes\"},"
    "  {\"seq\": 2, \"op\": \"note\", \"item\": \"" MEETING "\", \"note\": \"Klart\", \"base_note\": \"\"},"
    "  {\"seq\": 3, \"op\": \"done\", \"done\": true}]}},"
    " {\"uuid\": \"" TIP_UUID_A "\", \"kind\": \"hotel-tip\", \"revision\": 1, \"payload\": %s}]}",
    VALID_TIP);
  g_autoptr(Response) first = NULL;
  g_autoptr(Response) replayed = NULL;
  g_autoptr(Response) changes_before = NULL;
  g_autoptr(Response) changes_after = NULL;
  g_autoptr(Response) stale = NULL;
  g_autoptr(Response) older = NULL;
  JsonObject *state;

  enroll_and_log_in (f, "officer-anna", &device);

  first = post (f, FK_PATH_RECORDS_BATCH, device.token, batch);
  g_assert_cmpuint (first->status, ==, SOUP_STATUS_OK);
  g_assert_cmpstr (result_status (first, 0), ==, FK_RESULT_ACCEPTED);
  g_assert_cmpint (result_acked (first, 0), ==, 3);
  g_assert_cmpint (json_object_get_int_member (result_at (first, 0), "revision"), ==, 1);
  g_assert_cmpstr (result_status (first, 1), ==, FK_RESULT_ACCEPTED);
  changes_before = get (f, FK_PATH_CHANGES, device.token);

  /* The reply was lost: the same batch again, gzipped. */
  replayed = send_request (f, "POST", FK_PATH_RECORDS_BATCH, device.token, batch, SEND_GZIP);
  g_assert_cmpuint (replayed->status, ==, SOUP_STATUS_OK);
  g_assert_true (objects_equal (result_at (replayed, 0), result_at (first, 0)));
  g_assert_cmpstr (result_status (replayed, 1), ==, FK_RESULT_DUPLICATE);
  changes_after = get (f, FK_PATH_CHANGES, device.token);
  g_assert_true (objects_equal (changes_after->json, changes_before->json));
  g_assert_cmpint (revision_of (f, LIST_A), ==, 1);
  g_assert_cmpint (count_records (f, LIST_A), ==, 1);

  /* Operations at or below the highest applied are skipped; a gap is fine. */
  stale = upload_checklist (f, &device, LIST_A, 2,
    NATIONAL_V1 ", \"ops\": ["
    "  {\"seq\": 2, \"op\": \"answer\", \"item\": \"" MEETING "\", \"answer\": \"no\"},"
    "  {\"seq\": 6, \"op\": \"answer\", \"item\": \"" PLAN "\", \"answer\": \"yes\"}]");
  g_assert_cmpstr (json_object_get_string_member (result_at (stale, 0), "status"), ==, FK_RESULT_ACCEPTED);
  g_assert_cmpint (result_acked (stale, 0), ==, 6);
  state = result_state (stale, 0);
  g_assert_cmpstr (item_member (state, MEETING, "answer"), ==, "yes");
  g_assert_cmpstr (item_member (state, MEETING, "note"), ==, "Klart");
  g_assert_cmpstr (item_member (state, PLAN, "answer"), ==, "yes");
  g_assert_true (json_object_get_boolean_member (state, "done"));
  g_assert_cmpint (revision_of (f, LIST_A), ==, 2);

  older = upload_checklist (f, &device, LIST_A, 3,
    NATIONAL_V1 ", \"ops\": [{\"seq\": 5, \"op\": \"done\", \"done\": false}]");
  g_assert_cmpint (result_acked (older, 0), ==, 6);
  g_assert_true (objects_equal (result_state (older, 0), state));
  g_assert_cmpint (revision_of (f, LIST_A), ==, 2);
}

static void
test_checklist_invalid (Fixture       *f,
                        gconstpointer  data)
{
  g_auto(Device) device = { 0 };
  g_autofree char *batch = g_strdup_printf (
    "{\"records\": ["
    " {\"uuid\": \"" TIP_UUID_A "\", \"kind\": \"hotel-tip\", \"revision\": 1, \"payload\": %s},"
    " {\"uuid\": \"" LIST_A "\", \"kind\": \"event-checklist\", \"revision\": 1, \"payload\": {"
    NATIONAL_V1 ", \"ops\": [{\"seq\": 1, \"op\": \"answer\", \"item\": \"" MEETING "\", \"answer\": \"yes\"},"
    "  {\"seq\": 2, \"op\": \"answer\", \"item\": \"no-such-item\", \"answer\": \"yes\"}]}},"
    " {\"uuid\": \"" LIST_B "\", \"kind\": \"event-checklist\", \"revision\": 1, \"payload\": {"
    NATIONAL_V1 ", " EVENT_FIELDS ", \"ops\": []}},"
    " {\"uuid\": \"" LIST_C "\", \"kind\": \"event-checklist\", \"revision\": 1, \"payload\": {"
    NATIONAL_V1 ", \"event_name\": \"Hemlig fest\", \"region\": \"Atlantis\"}},"
    " {\"uuid\": \"" LIST_D "\", \"kind\": \"event-checklist\", \"revision\": 1, \"payload\": {"
    "  \"template_id\": \"no-such-template\", \"template_version\": 1}},"
    " {\"uuid\": \"" LIST_E "\", \"kind\": \"event-checklist\", \"revision\": 1, \"payload\": {"
    "  \"template_id\": \"national-safe-events\", \"template_version\": 9}},"
    " {\"uuid\": \"" LIST_F "\", \"kind\": \"event-checklist\", \"revision\": 1, \"payload\": {"
    NATIONAL_V1 ", \"starts_at\": \"2026-06-20 14:00\"}},"
    " {\"uuid\": \"" LIST_G "\", \"kind\": \"event-checklist\", \"revision\": 1, \"payload\": {"
    NATIONAL_V1 ", \"ops\": [{\"seq\": 1, \"op\": \"frobnicate\"}]}}]}",
    VALID_TIP);
  g_autoptr(Response) response = NULL;
  g_autoptr(Response) half_bad = NULL;
  g_autoptr(Response) changes = NULL;
  JsonObject *problem;
  const char *detail;

  enroll_and_log_in (f, "officer-anna", &device);
  response = post (f, FK_PATH_RECORDS_BATCH, device.token, batch);
  g_assert_cmpuint (response->status, ==, SOUP_STATUS_OK);

  g_assert_cmpstr (result_status (response, 0), ==, FK_RESULT_ACCEPTED);
  g_assert_cmpstr (result_field (response, 1), ==, "ops");
  g_assert_cmpstr (result_status (response, 2), ==, FK_RESULT_ACCEPTED);
  g_assert_cmpstr (result_field (response, 3), ==, "region");
  g_assert_cmpstr (result_field (response, 4), ==, "template-id");
  g_assert_cmpstr (result_field (response, 5), ==, "template-version");
  g_assert_cmpstr (result_field (response, 6), ==, "starts-at");
  g_assert_cmpstr (result_field (response, 7), ==, "ops");

  problem = json_object_get_object_member (result_at (response, 1), "problem");
  g_assert_cmpstr (json_object_get_string_member (problem, "type"), ==, FK_PROBLEM_INVALID_RECORD);
  g_assert_cmpint (json_object_get_int_member (problem, "status"), ==, 422);
  detail = json_object_get_string_member (problem, "detail");
  g_assert_true (g_str_has_prefix (detail, "ops: "));
  g_assert_nonnull (strstr (detail, "no-such-item"));
  /* A reason names the field, never what the officer wrote. */
  detail = json_object_get_string_member (json_object_get_object_member (result_at (response, 3), "problem"),
                                          "detail");
  g_assert_true (g_str_has_prefix (detail, "region: "));
  g_assert_null (strstr (detail, "Hemlig"));
  g_assert_null (strstr (detail, "Atlantis"));

  g_assert_cmpint (count_records (f, TIP_UUID_A), ==, 1);
  g_assert_cmpint (count_records (f, LIST_A), ==, 0);
  g_assert_cmpint (count_records (f, LIST_B), ==, 1);
  g_assert_cmpint (query_int (f, "SELECT count(*) FROM records WHERE kind = 'event-checklist'"), ==, 1);

  /* A bad operation in a later upload: none of that upload is applied. */
  half_bad = upload_checklist (f, &device, LIST_B, 2,
    NATIONAL_V1 ", \"ops\": ["
    "  {\"seq\": 1, \"op\": \"answer\", \"item\": \"" MEETING "\", \"answer\": \"yes\"},"
    "  {\"seq\": 2, \"op\": \"answer\", \"item\": \"" MEETING "\", \"answer\": \"maybe\"}]");
  g_assert_cmpstr (result_field (half_bad, 0), ==, "ops");
  g_assert_cmpint (revision_of (f, LIST_B), ==, 1);
  g_assert_cmpint (query_int (f, "SELECT count(*) FROM changes WHERE kind = 'event-checklist'"), ==, 1);
}

/* A note may hold FK_MAX_CHECKLIST_NOTE characters (not bytes); one more
 * rejects the record, naming "note" and not what it says.  base_note is
 * the server's own, which merging may have made longer. */
static void
test_checklist_note_limit (Fixture       *f,
                           gconstpointer  data)
{
  g_auto(Device) device = { 0 };
  g_autoptr(GString) full = g_string_new (NULL);
  g_autoptr(GString) merged = g_string_new (NULL);
  g_autofree char *ops = NULL;
  g_autofree char *items = NULL;
  g_autoptr(Response) fits = NULL;
  g_autoptr(Response) too_long = NULL;
  g_autoptr(Response) too_long_item = NULL;
  const char *detail;

  for (guint i = 0; i < FK_MAX_CHECKLIST_NOTE; i++)
    g_string_append (full, "ö");
  g_string_append_printf (merged, "%s\\n\\n%s", full->str, full->str);
  enroll_and_log_in (f, "officer-anna", &device);

  ops = g_strdup_printf (NATIONAL_V1 ", \"ops\": [{\"seq\": 1, \"op\": \"note\", \"item\": \"" MEETING "\","
                         " \"note\": \"%s\", \"base_note\": \"%s\"}]", full->str, merged->str);
  fits = upload_checklist (f, &device, LIST_A, 1, ops);
  g_assert_cmpstr (result_status (fits, 0), ==, FK_RESULT_ACCEPTED);

  g_free (ops);
  ops = g_strdup_printf (NATIONAL_V1 ", \"ops\": [{\"seq\": 2, \"op\": \"note\", \"item\": \"" MEETING "\","
                         " \"note\": \"%s.\", \"base_note\": \"\"}]", full->str);
  too_long = upload_checklist (f, &device, LIST_A, 2, ops);
  g_assert_cmpstr (result_field (too_long, 0), ==, "note");
  detail = json_object_get_string_member (json_object_get_object_member (result_at (too_long, 0), "problem"),
                                          "detail");
  g_assert_true (g_str_has_prefix (detail, "note: "));
  g_assert_nonnull (strstr (detail, MEETING));
  g_assert_null (strstr (detail, "ö"));
  g_assert_cmpint (revision_of (f, LIST_A), ==, 1);

  items = g_strdup_printf (NATIONAL_V1 ", \"items\": [{\"id\": \"" MEETING "\", \"note\": \"%s.\"}]",
                           full->str);
  too_long_item = upload_checklist (f, &device, LIST_B, 1, items);
  g_assert_cmpstr (result_field (too_long_item, 0), ==, "note");
  g_assert_cmpint (count_records (f, LIST_B), ==, 0);
}

static void
test_checklist_change_feed (Fixture       *f,
                            gconstpointer  data)
{
  g_auto(Device) anna = { 0 };
  g_auto(Device) bert = { 0 };
  g_autoptr(Response) first_a = NULL;
  g_autoptr(Response) first_b = NULL;
  g_autoptr(Response) second_a = NULL;
  g_autoptr(Response) zero = NULL;
  g_autoptr(Response) words = NULL;
  g_autoptr(Response) huge = NULL;
  g_autoptr(Response) nothing = NULL;
  g_autoptr(JsonArray) paged = NULL;
  g_autoptr(JsonArray) at_once = NULL;
  g_autofree char *after_path = NULL;
  JsonObject *change;
  gint64 cursor;
  gint64 cursor_at_once;
  guint pages;

  enroll_and_log_in (f, "officer-anna", &anna);
  enroll_and_log_in (f, "officer-bert", &bert);

  first_a = upload_checklist (f, &anna, LIST_A, 1, NATIONAL_V1 ", " EVENT_FIELDS ", \"ops\": []");
  first_b = upload_checklist (f, &anna, LIST_B, 1, NATIONAL_V1 ", " EVENT_FIELDS ", \"ops\": []");
  second_a = upload_checklist (f, &anna, LIST_A, 2,
    NATIONAL_V1 ", \"ops\": [{\"seq\": 1, \"op\": \"answer\", \"item\": \"" DEBRIEF "\", \"answer\": \"no\"}]");

  /* One change a page: the template, then each checklist once, at its
   * newest merge. */
  paged = pull_all (f, &bert, 0, 1, &cursor, &pages);
  g_assert_cmpuint (json_array_get_length (paged), ==, 3);
  g_assert_cmpuint (pages, ==, 3);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (paged, 0), "kind"), ==, "template");
  change = json_array_get_object_element (paged, 1);
  g_assert_cmpstr (json_object_get_string_member (change, "kind"), ==, FK_KIND_EVENT_CHECKLIST);
  g_assert_cmpstr (json_object_get_string_member (change, "uuid"), ==, LIST_B);
  g_assert_true (objects_equal (json_object_get_object_member (change, "state"), result_state (first_b, 0)));
  change = json_array_get_object_element (paged, 2);
  g_assert_cmpstr (json_object_get_string_member (change, "uuid"), ==, LIST_A);
  g_assert_true (objects_equal (json_object_get_object_member (change, "state"), result_state (second_a, 0)));
  g_assert_cmpstr (item_member (json_object_get_object_member (change, "state"), DEBRIEF, "by"), ==, "officer-anna");

  at_once = pull_all (f, &bert, 0, FK_SERVER_DB_CHANGES_LIMIT, &cursor_at_once, &pages);
  g_assert_cmpuint (pages, ==, 1);
  g_assert_cmpint (cursor_at_once, ==, cursor);
  g_assert_cmpuint (json_array_get_length (at_once), ==, 3);

  after_path = g_strdup_printf (FK_PATH_CHANGES "?since=%" G_GINT64_FORMAT, cursor);
  nothing = get (f, after_path, bert.token);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (nothing->json, "changes")), ==, 0);
  g_assert_false (json_object_get_boolean_member (nothing->json, "more"));
  g_assert_cmpint (json_object_get_int_member (nothing->json, "cursor"), ==, cursor);

  /* Above the most is the most; nothing or words are refused. */
  huge = get (f, FK_PATH_CHANGES "?since=0&limit=100000", bert.token);
  g_assert_cmpuint (huge->status, ==, SOUP_STATUS_OK);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (huge->json, "changes")), ==, 3);
  zero = get (f, FK_PATH_CHANGES "?since=0&limit=0", bert.token);
  assert_problem (zero, SOUP_STATUS_BAD_REQUEST, FK_PROBLEM_BAD_REQUEST);
  words = get (f, FK_PATH_CHANGES "?limit=many", bert.token);
  assert_problem (words, SOUP_STATUS_BAD_REQUEST, FK_PROBLEM_BAD_REQUEST);
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
test_checklist_template_versions (Fixture       *f,
                                  gconstpointer  data)
{
  FkServerDb *db = fk_server_get_db (f->server);
  g_auto(Device) device = { 0 };
  g_autoptr(GError) error = NULL;
  /* Version 2 drops the debrief and asks about first aid instead. */
  g_autoptr(JsonObject) national_v2 = parse_object (
    "{\"id\": \"national-safe-events\", \"version\": 2, \"region\": null,"
    " \"title\": \"Trygga och säkra evenemang\","
    " \"items\": [{\"id\": \"" MEETING "\", \"phase\": \"before\", \"text\": \"Möte med arrangören.\"},"
    "           {\"id\": \"during-first-aid\", \"phase\": \"during\", \"text\": \"Sjukvård finns på plats.\"}]}");
  g_autoptr(JsonObject) regional = parse_object (
    "{\"id\": \"syd-safe-events\", \"version\": 1, \"region\": \"Syd\", \"title\": \"Syd\","
    " \"items\": [{\"id\": \"during-beach\", \"phase\": \"during\", \"text\": \"Stranden är bevakad.\"}],"
    " \"translations\": {\"en\": {\"items\": {\"during-beach\": \"The beach is patrolled.\"}}}}");
  g_autoptr(JsonNode) regional_node = json_node_init_object (json_node_alloc (), regional);
  g_autoptr(Response) started = NULL;
  g_autoptr(Response) templates = NULL;
  g_autoptr(Response) kept = NULL;
  g_autoptr(Response) not_in_v1 = NULL;
  g_autoptr(Response) on_v2 = NULL;
  g_autoptr(Response) gone_in_v2 = NULL;
  g_autoptr(Response) late_v1 = NULL;
  g_autoptr(JsonArray) changes = NULL;
  JsonArray *list;
  guint template_changes = 0;

  enroll_and_log_in (f, "officer-anna", &device);
  started = upload_checklist (f, &device, LIST_A, 1,
    NATIONAL_V1 ", \"ops\": [{\"seq\": 1, \"op\": \"answer\", \"item\": \"" DEBRIEF "\", \"answer\": \"yes\"}]");
  g_assert_cmpstr (json_object_get_string_member (result_at (started, 0), "status"), ==, FK_RESULT_ACCEPTED);

  g_assert_true (fk_server_db_add_template (db, national_v2, &error));
  g_assert_no_error (error);
  g_assert_true (fk_server_db_add_template (db, regional, &error));
  g_assert_no_error (error);

  /* The current version of each: national first, then regional. */
  templates = get (f, FK_PATH_TEMPLATES, device.token);
  g_assert_cmpuint (templates->status, ==, SOUP_STATUS_OK);
  list = json_object_get_array_member (templates->json, "templates");
  g_assert_cmpuint (json_array_get_length (list), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (list, 0), "id"),
                   ==, "national-safe-events");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (list, 0), "version"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (list, 1), "region"), ==, "Syd");
  /* Translations go out as they were added, for the client to choose from. */
  g_assert_true (json_node_equal (json_array_get_element (list, 1), regional_node));

  /* The checklist started on version 1 keeps it. */
  kept = upload_checklist (f, &device, LIST_A, 2,
    NATIONAL_V1 ", \"ops\": [{\"seq\": 2, \"op\": \"note\", \"item\": \"" DEBRIEF "\","
    " \"note\": \"Genomgång på måndag\", \"base_note\": \"\"}]");
  g_assert_cmpstr (json_object_get_string_member (result_at (kept, 0), "status"), ==, FK_RESULT_ACCEPTED);
  g_assert_cmpint (json_object_get_int_member (result_state (kept, 0), "template_version"), ==, 1);
  not_in_v1 = upload_checklist (f, &device, LIST_A, 3,
    NATIONAL_V1 ", \"ops\": [{\"seq\": 3, \"op\": \"answer\", \"item\": \"during-first-aid\", \"answer\": \"yes\"}]");
  g_assert_cmpstr (result_field (not_in_v1, 0), ==, "ops");

  on_v2 = upload_checklist (f, &device, LIST_B, 1,
    "\"template_id\": \"national-safe-events\", \"template_version\": 2,"
    " \"ops\": [{\"seq\": 1, \"op\": \"answer\", \"item\": \"during-first-aid\", \"answer\": \"yes\"}]");
  g_assert_cmpstr (json_object_get_string_member (result_at (on_v2, 0), "status"), ==, FK_RESULT_ACCEPTED);
  gone_in_v2 = upload_checklist (f, &device, LIST_C, 1,
    "\"template_id\": \"national-safe-events\", \"template_version\": 2,"
    " \"ops\": [{\"seq\": 1, \"op\": \"answer\", \"item\": \"" DEBRIEF "\", \"answer\": \"yes\"}]");
  g_assert_cmpstr (result_field (gone_in_v2, 0), ==, "ops");
  /* A device offline since before version 2 may still start on version 1. */
  late_v1 = upload_checklist (f, &device, LIST_D, 1,
    NATIONAL_V1 ", \"ops\": [{\"seq\": 1, \"op\": \"answer\", \"item\": \"" DEBRIEF "\", \"answer\": \"no\"}]");
  g_assert_cmpstr (json_object_get_string_member (result_at (late_v1, 0), "status"), ==, FK_RESULT_ACCEPTED);

  /* Every version is on the feed, so a device can show any checklist. */
  changes = pull_all (f, &device, 0, FK_SERVER_DB_CHANGES_LIMIT, NULL, NULL);
  for (guint i = 0; i < json_array_get_length (changes); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (changes, i), "kind"),
                     "template"))
      template_changes++;
  g_assert_cmpuint (template_changes, ==, 3);
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
  ADD ("/server-http/checklist-team", test_checklist_team);
  ADD ("/server-http/checklist-replay-and-old-seq", test_checklist_replay_and_old_seq);
  ADD ("/server-http/checklist-invalid", test_checklist_invalid);
  ADD ("/server-http/checklist-note-limit", test_checklist_note_limit);
  ADD ("/server-http/checklist-change-feed", test_checklist_change_feed);
  ADD ("/server-http/checklist-template-versions", test_checklist_template_versions);

#undef ADD

  return g_test_run ();
}
