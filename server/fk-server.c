/* fk-server.c: the reference central server, protocol v1 over HTTPS
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Requests are handled to the end on the main loop, one at a time: SQLite
 * answers in microseconds here, and a batch must be committed before its
 * reply anyway.  Nothing here logs a body or a header value.
 */
#define G_LOG_DOMAIN "faltkoll-server"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "fk-crypto.h"
#include "fk-data-resources.h"
#include "fk-hotel-tip.h"
#include "fk-protocol.h"
#include "fk-server.h"
#include "fk-server-db-private.h"
#include "fk-server-tls.h"

#define NATIONAL_TEMPLATE_RESOURCE "/io/github/faltkoll/Faltkoll/data/checklists/national.json"
#define MAX_DEVICE_NAME            64
/* gzip of incompressible JSON grows a little; more than this on the wire
 * cannot be a batch within the limit. */
#define MAX_WIRE_BYTES             (FK_MAX_BATCH_BYTES + 16 * 1024)
/* RFC 6585; libsoup 3.2 has no name for it. */
#define STATUS_TOO_MANY_REQUESTS   429

struct _FkServer
{
  GObject          parent_instance;

  char            *state_dir;
  guint            session_seconds;
  const char      *policy;   /* one of FK_POLICY_*, a static string */
  FkFaultInjector *fault_injector;

  FkServerDb      *db;
  FkServerTls     *tls;
  SoupServer      *soup;
  char            *url;
  guint            port;
};

static void fk_server_initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FkServer, fk_server, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      fk_server_initable_iface_init))

enum {
  PROP_0,
  PROP_STATE_DIR,
  PROP_SESSION_SECONDS,
  PROP_FAULT_INJECTOR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct {
  FkServer          *self;
  SoupServerMessage *msg;
  GHashTable        *query;
  const char        *token;
  FkServerDbSession *session;
  JsonNode          *body;
} Request;

typedef void (*RouteHandler) (Request *request);

typedef struct {
  const char   *method;
  const char   *path;
  gboolean      authenticated;
  gboolean      has_body;
  RouteHandler  handler;
} Route;

static const struct {
  const char *type;
  guint       status;
  const char *title;
} db_problems[] = {
  [FK_SERVER_DB_ERROR_FAILED] = { FK_PROBLEM_INTERNAL, SOUP_STATUS_INTERNAL_SERVER_ERROR, "Internal error" },
  [FK_SERVER_DB_ERROR_INVALID] = { FK_PROBLEM_BAD_REQUEST, SOUP_STATUS_BAD_REQUEST, "Bad request" },
  [FK_SERVER_DB_ERROR_NOT_FOUND] = { FK_PROBLEM_NOT_FOUND, SOUP_STATUS_NOT_FOUND, "Not found" },
  [FK_SERVER_DB_ERROR_CODE_INVALID] = { FK_PROBLEM_CODE_INVALID, SOUP_STATUS_BAD_REQUEST, "Invalid activation code" },
  [FK_SERVER_DB_ERROR_CODE_USED] = { FK_PROBLEM_CODE_USED, SOUP_STATUS_CONFLICT, "Activation code already used" },
  [FK_SERVER_DB_ERROR_CODE_EXPIRED] = { FK_PROBLEM_CODE_EXPIRED, SOUP_STATUS_GONE, "Activation code expired" },
  [FK_SERVER_DB_ERROR_TOO_MANY_DEVICES] = { FK_PROBLEM_TOO_MANY_DEVICES, SOUP_STATUS_CONFLICT, "Too many devices" },
  [FK_SERVER_DB_ERROR_CHALLENGE_INVALID] = { FK_PROBLEM_CHALLENGE_INVALID, SOUP_STATUS_BAD_REQUEST, "Invalid login challenge" },
  [FK_SERVER_DB_ERROR_TOKEN_DISABLED] = { FK_PROBLEM_TOKEN_DISABLED, SOUP_STATUS_FORBIDDEN, "Token disabled" },
  [FK_SERVER_DB_ERROR_DEVICE_REVOKED] = { FK_PROBLEM_DEVICE_REVOKED, SOUP_STATUS_GONE, "Device revoked" },
  [FK_SERVER_DB_ERROR_UNAUTHORIZED] = { FK_PROBLEM_UNAUTHORIZED, SOUP_STATUS_UNAUTHORIZED, "Unauthorized" },
  [FK_SERVER_DB_ERROR_SESSION_EXPIRED] = { FK_PROBLEM_SESSION_EXPIRED, SOUP_STATUS_UNAUTHORIZED, "Session expired" },
  [FK_SERVER_DB_ERROR_PIN_REQUIRED] = { FK_PROBLEM_PIN_REQUIRED, SOUP_STATUS_FORBIDDEN, "PIN required" },
};

static char *
format_time (gint64 unix_seconds)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (unix_seconds);

  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ");
}

static void
reply_json (SoupServerMessage *msg,
            guint              status,
            const char        *content_type,
            JsonNode          *node)
{
  gsize length;
  char *text = json_to_string (node, FALSE);

  length = strlen (text);
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_TAKE, text, length);
}

static void
reply_object (SoupServerMessage *msg,
              guint              status,
              JsonObject        *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, object);
  reply_json (msg, status, FK_CONTENT_TYPE_JSON "; charset=utf-8", node);
}

static void
reply_problem_node (SoupServerMessage *msg,
                    guint              status,
                    JsonNode          *problem)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  /* HTTP wants a challenge scheme on every 401. */
  if (status == SOUP_STATUS_UNAUTHORIZED)
    soup_message_headers_replace (headers, "WWW-Authenticate", "Bearer");
  if (status == STATUS_TOO_MANY_REQUESTS || status == SOUP_STATUS_SERVICE_UNAVAILABLE)
    soup_message_headers_replace (headers, "Retry-After", "1");

  reply_json (msg, status, FK_CONTENT_TYPE_PROBLEM "; charset=utf-8", problem);
}

static void
reply_problem (SoupServerMessage *msg,
               const char        *type,
               guint              status,
               const char        *title,
               const char        *detail)
{
  g_autoptr(JsonNode) problem = fk_protocol_problem_new (type, status, title, detail);

  reply_problem_node (msg, status, problem);
}

static void
reply_bad_request (Request    *request,
                   const char *detail)
{
  reply_problem (request->msg, FK_PROBLEM_BAD_REQUEST, SOUP_STATUS_BAD_REQUEST,
                 "Bad request", detail);
}

static void
reply_error (Request      *request,
             const GError *error)
{
  if (error->domain != FK_SERVER_DB_ERROR || error->code == FK_SERVER_DB_ERROR_FAILED
      || error->code < 0 || (gsize) error->code >= G_N_ELEMENTS (db_problems))
    {
      g_warning ("%s %s failed: %s", soup_server_message_get_method (request->msg),
                 g_uri_get_path (soup_server_message_get_uri (request->msg)), error->message);
      reply_problem (request->msg, FK_PROBLEM_INTERNAL, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                     "Internal error", "The server could not complete the request; retry later.");
      return;
    }

  reply_problem (request->msg, db_problems[error->code].type, db_problems[error->code].status,
                 db_problems[error->code].title, error->message);
}

static JsonObject *
body_object (Request *request)
{
  return json_node_get_object (request->body);
}

/* A string member, or a bad-request reply naming it. */
static gboolean
get_string (Request     *request,
            const char  *member,
            gboolean     required,
            const char **value_out)
{
  JsonNode *node = json_object_get_member (body_object (request), member);
  g_autofree char *detail = NULL;

  *value_out = NULL;
  if (node == NULL || (!required && JSON_NODE_HOLDS_NULL (node)))
    {
      if (!required)
        return TRUE;
      detail = g_strdup_printf ("%s: missing.", member);
    }
  else if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING
           || json_node_get_string (node)[0] == '\0')
    {
      detail = g_strdup_printf ("%s: not a non-empty string.", member);
    }
  else
    {
      *value_out = json_node_get_string (node);
      return TRUE;
    }

  reply_bad_request (request, detail);
  return FALSE;
}

static GBytes *
get_base64 (Request    *request,
            const char *member)
{
  const char *text;
  GBytes *bytes;
  g_autofree char *detail = NULL;

  if (!get_string (request, member, TRUE, &text))
    return NULL;

  bytes = fk_protocol_decode_base64 (text);
  if (bytes == NULL)
    {
      detail = g_strdup_printf ("%s: not base64.", member);
      reply_bad_request (request, detail);
    }

  return bytes;
}

static gboolean
is_p256_public_key (GBytes *der)
{
  gsize length;
  const guint8 *data = g_bytes_get_data (der, &length);
  const guint8 *p = data;
  EVP_PKEY *key = d2i_PUBKEY (NULL, &p, (long) length);
  char group[32];
  gboolean ok;

  ok = key != NULL
       && p == data + length
       && EVP_PKEY_is_a (key, "EC")
       && EVP_PKEY_get_group_name (key, group, sizeof group, NULL) == 1
       && g_str_equal (group, "prime256v1");
  EVP_PKEY_free (key);

  return ok;
}

static void
handle_info (Request *request)
{
  g_autoptr(JsonObject) reply = json_object_new ();
  g_autofree char *server_time = format_time (fk_server_db_get_now (request->self->db));

  json_object_set_string_member (reply, "service", "faltkoll-server");
  json_object_set_string_member (reply, "version", PACKAGE_VERSION);
  json_object_set_int_member (reply, "protocol", FK_PROTOCOL_VERSION);
  json_object_set_string_member (reply, "server_time", server_time);
  reply_object (request->msg, SOUP_STATUS_OK, reply);
}

static void
handle_activations (Request *request)
{
  g_autoptr(JsonObject) reply = json_object_new ();
  g_autoptr(GBytes) public_key = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *device_id = NULL;
  g_autofree char *officer_id = NULL;
  const char *code;
  const char *device_name;
  const char *previous_device_id;

  if (!get_string (request, "code", TRUE, &code)
      || !get_string (request, "device_name", TRUE, &device_name)
      || !get_string (request, "previous_device_id", FALSE, &previous_device_id))
    return;
  if (g_utf8_strlen (device_name, -1) > MAX_DEVICE_NAME)
    {
      reply_bad_request (request, "device_name: longer than 64 characters.");
      return;
    }

  public_key = get_base64 (request, "public_key");
  if (public_key == NULL)
    return;
  if (!is_p256_public_key (public_key))
    {
      reply_bad_request (request, "public_key: not a DER SubjectPublicKeyInfo of an EC P-256 key.");
      return;
    }

  if (!fk_server_db_activate (request->self->db, code, public_key, device_name,
                              previous_device_id, &device_id, &officer_id, &error))
    {
      reply_error (request, error);
      return;
    }

  json_object_set_string_member (reply, "device_id", device_id);
  json_object_set_string_member (reply, "officer_id", officer_id);
  json_object_set_string_member (reply, "policy", request->self->policy);
  reply_object (request->msg, SOUP_STATUS_CREATED, reply);
}

static void
handle_login_challenge (Request *request)
{
  g_autoptr(JsonObject) reply = json_object_new ();
  g_autoptr(GBytes) challenge = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *challenge_b64 = NULL;
  const char *device_id;

  if (!get_string (request, "device_id", TRUE, &device_id))
    return;

  challenge = fk_server_db_new_challenge (request->self->db, device_id, &error);
  if (challenge == NULL)
    {
      reply_error (request, error);
      return;
    }

  challenge_b64 = fk_protocol_encode_base64 (challenge);
  json_object_set_string_member (reply, "challenge", challenge_b64);
  json_object_set_int_member (reply, "expires_in", FK_SERVER_DB_CHALLENGE_SECONDS);
  reply_object (request->msg, SOUP_STATUS_OK, reply);
}

static void
reply_failed_login (Request    *request,
                    const char *device_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) problem = NULL;
  guint attempts_left;

  if (!fk_server_db_record_failed_login (request->self->db, device_id, &attempts_left, &error))
    {
      reply_error (request, error);
      return;
    }

  if (attempts_left == 0)
    {
      reply_problem (request->msg, FK_PROBLEM_TOKEN_DISABLED, SOUP_STATUS_FORBIDDEN,
                     "Token disabled",
                     "Too many failed logins; a new activation code is needed.");
      return;
    }

  problem = fk_protocol_problem_new (FK_PROBLEM_WRONG_PIN, SOUP_STATUS_UNAUTHORIZED,
                                     "Wrong PIN", "The signature did not verify.");
  json_object_set_int_member (json_node_get_object (problem), "attempts_left", attempts_left);
  reply_problem_node (request->msg, SOUP_STATUS_UNAUTHORIZED, problem);
}

static void
handle_login (Request *request)
{
  FkServer *self = request->self;
  g_autoptr(JsonObject) reply = json_object_new ();
  g_autoptr(GBytes) challenge = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(GBytes) public_key = NULL;
  g_autoptr(GBytes) message = NULL;
  g_autoptr(FkServerDbSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expires_at = NULL;
  g_autofree char *server_time = NULL;
  g_autofree char *data_key = NULL;
  const char *device_id;
  const char *method;
  gint64 now;

  if (!get_string (request, "device_id", TRUE, &device_id)
      || !get_string (request, "method", TRUE, &method))
    return;
  if (!g_str_equal (method, FK_METHOD_PIN) && !g_str_equal (method, FK_METHOD_FINGERPRINT))
    {
      reply_bad_request (request, "method: neither pin nor fingerprint.");
      return;
    }
  challenge = get_base64 (request, "challenge");
  if (challenge == NULL)
    return;
  signature = get_base64 (request, "signature");
  if (signature == NULL)
    return;

  if (!fk_server_db_take_challenge (self->db, device_id, challenge, &public_key, &error))
    {
      reply_error (request, error);
      return;
    }

  message = fk_protocol_login_message (device_id, challenge);
  if (!fk_crypto_verify (public_key, message, signature))
    {
      reply_failed_login (request, device_id);
      return;
    }

  session = fk_server_db_start_session (self->db, device_id, method, self->session_seconds, &error);
  if (session == NULL)
    {
      reply_error (request, error);
      return;
    }

  now = fk_server_db_get_now (self->db);
  expires_at = format_time (session->expires_at);
  server_time = format_time (now);
  data_key = fk_protocol_encode_base64 (session->data_key);

  json_object_set_string_member (reply, "session_token", session->token);
  json_object_set_int_member (reply, "expires_in", session->expires_at - now);
  json_object_set_string_member (reply, "expires_at", expires_at);
  json_object_set_string_member (reply, "server_time", server_time);
  json_object_set_string_member (reply, "data_key", data_key);
  json_object_set_string_member (reply, "officer_id", session->officer_id);
  json_object_set_string_member (reply, "policy", request->self->policy);
  reply_object (request->msg, SOUP_STATUS_OK, reply);

  fk_crypto_wipe (data_key, strlen (data_key));
}

static void
handle_logout (Request *request)
{
  g_autoptr(GError) error = NULL;

  if (!fk_server_db_end_session (request->self->db, request->token, &error))
    {
      reply_error (request, error);
      return;
    }

  soup_server_message_set_status (request->msg, SOUP_STATUS_NO_CONTENT, NULL);
}

static void
handle_templates (Request *request)
{
  g_autoptr(JsonObject) reply = json_object_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *templates;

  templates = fk_server_db_list_templates (request->self->db, &error);
  if (templates == NULL)
    {
      reply_error (request, error);
      return;
    }

  json_object_set_array_member (reply, "templates", templates);
  reply_object (request->msg, SOUP_STATUS_OK, reply);
}

static void
handle_changes (Request *request)
{
  g_autoptr(JsonObject) reply = json_object_new ();
  g_autoptr(GError) error = NULL;
  const char *since_text = request->query ? g_hash_table_lookup (request->query, "since") : NULL;
  const char *limit_text = request->query ? g_hash_table_lookup (request->query, "limit") : NULL;
  JsonArray *changes;
  guint64 since = 0;
  guint64 limit = FK_SERVER_DB_CHANGES_LIMIT;
  gint64 cursor;
  gboolean more;

  if (since_text != NULL
      && (!g_ascii_string_to_unsigned (since_text, 10, 0, G_MAXINT64, &since, NULL)))
    {
      reply_bad_request (request, "since: not a cursor from an earlier reply.");
      return;
    }
  if (limit_text != NULL
      && (!g_ascii_string_to_unsigned (limit_text, 10, 1, G_MAXUINT32, &limit, NULL)))
    {
      reply_bad_request (request, "limit: not a positive whole number.");
      return;
    }
  /* Asking for more than the most is asking for the most. */
  limit = MIN (limit, FK_SERVER_DB_CHANGES_LIMIT);

  changes = fk_server_db_list_changes (request->self->db, (gint64) since, (guint) limit,
                                       &cursor, &more, &error);
  if (changes == NULL)
    {
      reply_error (request, error);
      return;
    }

  json_object_set_array_member (reply, "changes", changes);
  json_object_set_int_member (reply, "cursor", cursor);
  json_object_set_boolean_member (reply, "more", more);
  reply_object (request->msg, SOUP_STATUS_OK, reply);
}

static void
clear_record (FkServerDbRecord *record)
{
  g_clear_pointer (&record->field, g_free);
  g_clear_pointer (&record->detail, g_free);
  g_clear_pointer (&record->state, json_object_unref);
}

static void
reject_record (FkServerDbRecord *record,
               const char       *field,
               const char       *detail)
{
  record->status = FK_RESULT_REJECTED;
  record->field = g_strdup (field);
  record->detail = g_strdup (detail);
}

static gboolean
get_positive_int (JsonObject *object,
                  const char *member,
                  gint64     *value_out)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_INT64
      || json_node_get_int (node) < 1)
    return FALSE;

  *value_out = json_node_get_int (node);
  return TRUE;
}

static const char *
get_string_member (JsonObject *object,
                   const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static void
validate_hotel_tip (FkServerDbRecord *record,
                    JsonObject       *payload)
{
  g_autoptr(FkHotelTip) tip = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *field = NULL;
  g_autofree char *detail = NULL;

  tip = fk_hotel_tip_new_from_payload (record->uuid, payload, &error);
  if (tip == NULL)
    {
      detail = g_strdup_printf ("payload: %s", error->message);
      reject_record (record, "payload", detail);
      return;
    }

  if (!fk_hotel_tip_validate (tip, &field, &error))
    {
      if (field == NULL)
        field = g_strdup ("payload");
      detail = g_strdup_printf ("%s: %s", field, error->message);
      reject_record (record, field, detail);
    }
}

/* Checks one item; what passes gets its payload serialised into @payloads. */
static void
check_record (JsonNode         *node,
              FkServerDbRecord *record,
              GPtrArray        *payloads)
{
  JsonObject *item;
  JsonNode *payload;
  char *payload_text;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      reject_record (record, "record", "record: not an object.");
      return;
    }
  item = json_node_get_object (node);

  record->uuid = get_string_member (item, "uuid");
  if (record->uuid == NULL || !fk_protocol_is_valid_uuid (record->uuid))
    {
      record->uuid = NULL;
      reject_record (record, "uuid", "uuid: not a UUID.");
      return;
    }

  record->kind = get_string_member (item, "kind");
  if (record->kind == NULL
      || (!g_str_equal (record->kind, FK_KIND_HOTEL_TIP)
          && !g_str_equal (record->kind, FK_KIND_EVENT_CHECKLIST)))
    {
      reject_record (record, "kind", "kind: neither hotel-tip nor event-checklist.");
      return;
    }

  if (!get_positive_int (item, "revision", &record->revision))
    {
      reject_record (record, "revision", "revision: not a positive integer.");
      return;
    }

  payload = json_object_get_member (item, "payload");
  if (payload == NULL || !JSON_NODE_HOLDS_OBJECT (payload))
    {
      reject_record (record, "payload", "payload: not an object.");
      return;
    }

  if (g_str_equal (record->kind, FK_KIND_HOTEL_TIP))
    {
      validate_hotel_tip (record, json_node_get_object (payload));
      if (record->status != NULL)
        return;
    }

  payload_text = json_to_string (payload, FALSE);
  g_ptr_array_add (payloads, payload_text);
  record->payload = payload_text;
}

static JsonObject *
record_result (const FkServerDbRecord *record)
{
  JsonObject *result = json_object_new ();

  if (record->uuid != NULL)
    json_object_set_string_member (result, "uuid", record->uuid);
  else
    json_object_set_null_member (result, "uuid");
  json_object_set_string_member (result, "status", record->status);
  if (record->revision > 0)
    json_object_set_int_member (result, "revision", record->revision);

  if (g_str_equal (record->status, FK_RESULT_REJECTED))
    {
      JsonNode *problem = fk_protocol_problem_new (FK_PROBLEM_INVALID_RECORD,
                                                   SOUP_STATUS_UNPROCESSABLE_ENTITY,
                                                   "Invalid record", record->detail);

      json_object_set_string_member (json_node_get_object (problem), "field", record->field);
      json_object_set_member (result, "problem", problem);
    }

  if (record->state != NULL)
    {
      json_object_set_object_member (result, "state", json_object_ref (record->state));
      json_object_set_int_member (result, "acked", record->acked);
    }

  return result;
}

static void
handle_records_batch (Request *request)
{
  g_autoptr(JsonObject) reply = json_object_new ();
  g_autoptr(GPtrArray) payloads = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree FkServerDbRecord *records = NULL;
  JsonNode *records_node = json_object_get_member (body_object (request), "records");
  JsonArray *items;
  JsonArray *results;
  guint n_items;

  if (records_node == NULL || !JSON_NODE_HOLDS_ARRAY (records_node))
    {
      reply_bad_request (request, "records: not an array.");
      return;
    }
  items = json_node_get_array (records_node);
  n_items = json_array_get_length (items);
  if (n_items > FK_MAX_BATCH_RECORDS)
    {
      reply_problem (request->msg, FK_PROBLEM_BATCH_TOO_LARGE, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                     "Batch too large", "A batch holds at most 100 records.");
      return;
    }

  records = g_new0 (FkServerDbRecord, n_items);
  for (guint i = 0; i < n_items; i++)
    check_record (json_array_get_element (items, i), &records[i], payloads);

  if (!fk_server_db_store_records (request->self->db, request->session->officer_id,
                                   request->session->device_id, records, n_items, &error))
    {
      for (guint i = 0; i < n_items; i++)
        clear_record (&records[i]);
      reply_error (request, error);
      return;
    }

  if (request->self->fault_injector != NULL)
    fk_fault_injector_batch_committed (request->self->fault_injector);

  results = json_array_new ();
  for (guint i = 0; i < n_items; i++)
    {
      json_array_add_object_element (results, record_result (&records[i]));
      clear_record (&records[i]);
    }

  json_object_set_array_member (reply, "results", results);
  reply_object (request->msg, SOUP_STATUS_OK, reply);
}

static const Route routes[] = {
  { "GET", FK_PATH_INFO, FALSE, FALSE, handle_info },
  { "POST", FK_PATH_ACTIVATIONS, FALSE, TRUE, handle_activations },
  { "POST", FK_PATH_LOGIN_CHALLENGE, FALSE, TRUE, handle_login_challenge },
  { "POST", FK_PATH_LOGIN, FALSE, TRUE, handle_login },
  { "POST", FK_PATH_LOGOUT, TRUE, FALSE, handle_logout },
  { "GET", FK_PATH_TEMPLATES, TRUE, FALSE, handle_templates },
  { "POST", FK_PATH_RECORDS_BATCH, TRUE, TRUE, handle_records_batch },
  { "GET", FK_PATH_CHANGES, TRUE, FALSE, handle_changes },
};

static const Route *
find_route (const char *path)
{
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    if (g_str_equal (routes[i].path, path))
      return &routes[i];

  return NULL;
}

static gboolean
authenticate (Request *request)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (request->msg);
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");
  g_autoptr(GError) error = NULL;

  if (authorization == NULL || g_ascii_strncasecmp (authorization, "Bearer ", 7) != 0
      || authorization[7] == '\0')
    {
      reply_problem (request->msg, FK_PROBLEM_UNAUTHORIZED, SOUP_STATUS_UNAUTHORIZED,
                     "Unauthorized", "This needs Authorization: Bearer <session_token>.");
      return FALSE;
    }

  request->token = authorization + 7;
  request->session = fk_server_db_authenticate (request->self->db, request->token, &error);
  if (request->session == NULL)
    {
      reply_error (request, error);
      return FALSE;
    }

  return TRUE;
}

/* Undoes gzip, stopping as soon as the result passes @limit. */
static GBytes *
gunzip (GBytes    *compressed,
        gsize      limit,
        gboolean  *too_large_out,
        GError   **error)
{
  g_autoptr(GConverter) decompressor =
    G_CONVERTER (g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP));
  g_autoptr(GByteArray) out = g_byte_array_new ();
  gsize in_length;
  const guint8 *in = g_bytes_get_data (compressed, &in_length);
  guint8 buffer[16 * 1024];

  *too_large_out = FALSE;

  for (;;)
    {
      gsize bytes_read = 0;
      gsize bytes_written = 0;
      GConverterResult result;

      result = g_converter_convert (decompressor, in, in_length, buffer, sizeof buffer,
                                    G_CONVERTER_INPUT_AT_END, &bytes_read, &bytes_written, error);
      if (result == G_CONVERTER_ERROR)
        return NULL;

      in += bytes_read;
      in_length -= bytes_read;
      g_byte_array_append (out, buffer, bytes_written);

      if (out->len > limit)
        {
          *too_large_out = TRUE;
          return NULL;
        }
      if (result == G_CONVERTER_FINISHED)
        break;
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static void
reply_too_large (SoupServerMessage *msg)
{
  reply_problem (msg, FK_PROBLEM_BATCH_TOO_LARGE, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                 "Batch too large", "A request body holds at most 256 KiB after gzip is undone.");
}

static gboolean
read_body (Request *request)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (request->msg);
  const char *encoding = soup_message_headers_get_one (headers, "Content-Encoding");
  g_autoptr(GBytes) raw = soup_message_body_flatten (soup_server_message_get_request_body (request->msg));
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  if (encoding == NULL || g_ascii_strcasecmp (encoding, "identity") == 0)
    {
      body = g_bytes_ref (raw);
    }
  else if (g_ascii_strcasecmp (encoding, "gzip") == 0)
    {
      gboolean too_large;

      body = gunzip (raw, FK_MAX_BATCH_BYTES, &too_large, &error);
      if (too_large)
        {
          reply_too_large (request->msg);
          return FALSE;
        }
      if (body == NULL)
        {
          reply_bad_request (request, "The gzip body is corrupt.");
          return FALSE;
        }
    }
  else
    {
      reply_bad_request (request, "Content-Encoding must be gzip or absent.");
      return FALSE;
    }

  if (g_bytes_get_size (body) > FK_MAX_BATCH_BYTES)
    {
      reply_too_large (request->msg);
      return FALSE;
    }

  if (!json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                   &error))
    {
      reply_bad_request (request, "The body is not JSON.");
      return FALSE;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      reply_bad_request (request, "The body is not a JSON object.");
      return FALSE;
    }

  request->body = json_node_ref (root);
  return TRUE;
}

static void
reply_fault (SoupServerMessage *msg,
             FkFault            fault)
{
  switch (fault)
    {
    case FK_FAULT_500:
      reply_problem (msg, FK_PROBLEM_INTERNAL, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                     "Internal error", "Injected fault.");
      break;

    case FK_FAULT_503:
      reply_problem (msg, FK_PROBLEM_UNAVAILABLE, SOUP_STATUS_SERVICE_UNAVAILABLE,
                     "Unavailable", "Injected fault; retry later.");
      break;

    case FK_FAULT_429:
      reply_problem (msg, FK_PROBLEM_RATE_LIMITED, STATUS_TOO_MANY_REQUESTS,
                     "Rate limited", "Injected fault; slow down.");
      break;

    case FK_FAULT_NONE:
    case FK_FAULT_DROP_BEFORE:
    case FK_FAULT_DROP_AFTER:
    case FK_FAULT_STALL:
    case FK_FAULT_TRUNCATE:
    default:
      g_assert_not_reached ();
    }
}

static void
on_request_started (SoupServer        *soup,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  gint64 started = g_get_monotonic_time ();

  g_object_set_data_full (G_OBJECT (msg), "fk-started", g_memdup2 (&started, sizeof started), g_free);
}

static void
log_request (SoupServerMessage *msg,
             const char        *outcome)
{
  gint64 *started = g_object_get_data (G_OBJECT (msg), "fk-started");
  FkFault fault = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (msg), "fk-fault"));
  GUri *uri = soup_server_message_get_uri (msg);
  gint64 ms = started != NULL ? (g_get_monotonic_time () - *started) / 1000 : 0;
  g_autofree char *status = NULL;

  if (outcome == NULL)
    outcome = status = g_strdup_printf ("%u", soup_server_message_get_status (msg));

  g_message ("%s %s %s %" G_GINT64_FORMAT " ms%s%s",
             soup_server_message_get_method (msg) ?: "-",
             uri != NULL ? g_uri_get_path (uri) : "-",
             outcome, ms,
             fault != FK_FAULT_NONE ? " fault=" : "",
             fault != FK_FAULT_NONE ? fk_fault_to_string (fault) : "");
}

static void
on_request_finished (SoupServer        *soup,
                     SoupServerMessage *msg,
                     gpointer           user_data)
{
  log_request (msg, NULL);
}

static void
on_request_aborted (SoupServer        *soup,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  /* libsoup counts every 500 as aborted, even when it was sent in full. */
  if (soup_server_message_get_status (msg) == SOUP_STATUS_INTERNAL_SERVER_ERROR)
    log_request (msg, NULL);
  else
    log_request (msg, "aborted");
}

static void
handle_route (FkServer          *self,
              const Route       *route,
              SoupServerMessage *msg,
              GHashTable        *query)
{
  Request request = { self, msg, query, NULL, NULL, NULL };

  if ((!route->authenticated || authenticate (&request))
      && (!route->has_body || read_body (&request)))
    route->handler (&request);

  g_clear_pointer (&request.session, fk_server_db_session_free);
  g_clear_pointer (&request.body, json_node_unref);
}

static void
on_request (SoupServer        *soup,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  FkServer *self = user_data;
  const Route *route = find_route (path);
  FkFault fault = FK_FAULT_NONE;

  if (route == NULL)
    {
      reply_problem (msg, FK_PROBLEM_NOT_FOUND, SOUP_STATUS_NOT_FOUND,
                     "Not found", "There is no such endpoint.");
    }
  else if (!g_str_equal (soup_server_message_get_method (msg), route->method))
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Allow", route->method);
      reply_problem (msg, FK_PROBLEM_BAD_REQUEST, SOUP_STATUS_METHOD_NOT_ALLOWED,
                     "Method not allowed", "This endpoint takes another method.");
    }
  else
    {
      if (route->authenticated && self->fault_injector != NULL)
        fault = fk_fault_injector_pick (self->fault_injector);

      switch (fault)
        {
        case FK_FAULT_DROP_BEFORE:
          break;

        case FK_FAULT_500:
        case FK_FAULT_503:
        case FK_FAULT_429:
          reply_fault (msg, fault);
          break;

        case FK_FAULT_NONE:
        case FK_FAULT_DROP_AFTER:
        case FK_FAULT_STALL:
        case FK_FAULT_TRUNCATE:
        default:
          handle_route (self, route, msg, query);
          break;
        }
    }

  if (fault != FK_FAULT_NONE)
    g_object_set_data (G_OBJECT (msg), "fk-fault", GUINT_TO_POINTER (fault));
  /* libsoup never reports a request whose connection is taken from it. */
  if (fault == FK_FAULT_DROP_BEFORE || fault == FK_FAULT_DROP_AFTER || fault == FK_FAULT_TRUNCATE)
    log_request (msg, fault == FK_FAULT_DROP_BEFORE ? "-" : NULL);

  if (self->fault_injector != NULL)
    fk_fault_injector_deliver (self->fault_injector, msg, fault);
}

/* Refuses an oversized body before libsoup reads it into memory. */
static void
on_early_request (SoupServer        *soup,
                  SoupServerMessage *msg,
                  const char        *path,
                  GHashTable        *query,
                  gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  if (soup_message_headers_get_content_length (headers) > MAX_WIRE_BYTES)
    reply_too_large (msg);
}

static gboolean
seed_national_template (FkServer  *self,
                        GError   **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;
  JsonObject *template_;

  bytes = g_resource_lookup_data (fk_data_get_resource (), NATIONAL_TEMPLATE_RESOURCE,
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (bytes == NULL)
    return FALSE;
  if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                   g_bytes_get_size (bytes), error))
    {
      g_prefix_error (error, "%s: ", NATIONAL_TEMPLATE_RESOURCE);
      return FALSE;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, FK_SERVER_DB_ERROR, FK_SERVER_DB_ERROR_INVALID,
                   "%s is not a JSON object", NATIONAL_TEMPLATE_RESOURCE);
      return FALSE;
    }

  /* The shipped file is the first national version, for every region. */
  template_ = json_object_ref (json_node_get_object (root));
  if (!json_object_has_member (template_, "version"))
    json_object_set_int_member (template_, "version", 1);
  if (!json_object_has_member (template_, "region"))
    json_object_set_null_member (template_, "region");

  if (!fk_server_db_seed_template (self->db, template_, error))
    {
      json_object_unref (template_);
      g_prefix_error (error, "%s: ", NATIONAL_TEMPLATE_RESOURCE);
      return FALSE;
    }

  json_object_unref (template_);
  return TRUE;
}

static gboolean
fk_server_initable_init (GInitable     *initable,
                         GCancellable  *cancellable,
                         GError       **error)
{
  FkServer *self = FK_SERVER (initable);
  g_autofree char *db_path = NULL;

  if (!fk_server_ensure_state_dir (self->state_dir, error))
    return FALSE;

  self->tls = fk_server_tls_new (self->state_dir, error);
  if (self->tls == NULL)
    return FALSE;

  db_path = g_build_filename (self->state_dir, FK_SERVER_DB_FILE, NULL);
  self->db = fk_server_db_open (db_path, error);
  if (self->db == NULL || !seed_national_template (self, error))
    return FALSE;

  self->soup = soup_server_new ("tls-certificate", fk_server_tls_get_certificate (self->tls),
                                "server-header", "faltkoll-server",
                                NULL);
  soup_server_add_early_handler (self->soup, NULL, on_early_request, self, NULL);
  soup_server_add_handler (self->soup, NULL, on_request, self, NULL);
  g_signal_connect (self->soup, "request-started", G_CALLBACK (on_request_started), self);
  g_signal_connect (self->soup, "request-finished", G_CALLBACK (on_request_finished), self);
  g_signal_connect (self->soup, "request-aborted", G_CALLBACK (on_request_aborted), self);

  return TRUE;
}

static void
fk_server_initable_iface_init (GInitableIface *iface)
{
  iface->init = fk_server_initable_init;
}

static void
fk_server_dispose (GObject *object)
{
  FkServer *self = FK_SERVER (object);

  if (self->soup != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->soup, self);
      soup_server_disconnect (self->soup);
      g_clear_object (&self->soup);
    }
  g_clear_object (&self->fault_injector);
  g_clear_object (&self->tls);
  g_clear_object (&self->db);

  G_OBJECT_CLASS (fk_server_parent_class)->dispose (object);
}

static void
fk_server_finalize (GObject *object)
{
  FkServer *self = FK_SERVER (object);

  g_clear_pointer (&self->state_dir, g_free);
  g_clear_pointer (&self->url, g_free);

  G_OBJECT_CLASS (fk_server_parent_class)->finalize (object);
}

static void
fk_server_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  FkServer *self = FK_SERVER (object);

  switch (prop_id)
    {
    case PROP_STATE_DIR:
      g_value_set_string (value, self->state_dir);
      break;

    case PROP_SESSION_SECONDS:
      g_value_set_uint (value, self->session_seconds);
      break;

    case PROP_FAULT_INJECTOR:
      g_value_set_object (value, self->fault_injector);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fk_server_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  FkServer *self = FK_SERVER (object);

  switch (prop_id)
    {
    case PROP_STATE_DIR:
      self->state_dir = g_value_dup_string (value);
      break;

    case PROP_SESSION_SECONDS:
      fk_server_set_session_seconds (self, g_value_get_uint (value));
      break;

    case PROP_FAULT_INJECTOR:
      fk_server_set_fault_injector (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fk_server_class_init (FkServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fk_server_dispose;
  object_class->finalize = fk_server_finalize;
  object_class->get_property = fk_server_get_property;
  object_class->set_property = fk_server_set_property;

  properties[PROP_STATE_DIR] =
    g_param_spec_string ("state-dir", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_SESSION_SECONDS] =
    g_param_spec_uint ("session-seconds", NULL, NULL,
                       1, G_MAXINT32, FK_SESSION_SECONDS,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_FAULT_INJECTOR] =
    g_param_spec_object ("fault-injector", NULL, NULL,
                         FK_TYPE_FAULT_INJECTOR,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fk_server_init (FkServer *self)
{
  self->session_seconds = FK_SESSION_SECONDS;
  self->policy = FK_POLICY_PIN_OR_FINGERPRINT;
}

char *
fk_server_default_state_dir (void)
{
  const char *systemd = g_getenv ("STATE_DIRECTORY");

  /* systemd passes a colon-separated list when a unit names several. */
  if (systemd != NULL && systemd[0] != '\0')
    {
      const char *colon = strchr (systemd, ':');

      return colon != NULL ? g_strndup (systemd, colon - systemd) : g_strdup (systemd);
    }

  return g_build_filename (g_get_user_state_dir (), "faltkoll-server", NULL);
}

gboolean
fk_server_ensure_state_dir (const char  *state_dir,
                            GError     **error)
{
  g_return_val_if_fail (state_dir != NULL, FALSE);

  if (g_mkdir_with_parents (state_dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Could not create %s: %s", state_dir, g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}

FkServer *
fk_server_new (const char  *state_dir,
               GError     **error)
{
  g_return_val_if_fail (state_dir != NULL, NULL);

  return g_initable_new (FK_TYPE_SERVER, NULL, error,
                         "state-dir", state_dir,
                         NULL);
}

gboolean
fk_server_listen (FkServer    *self,
                  const char  *address,
                  guint        port,
                  GError     **error)
{
  g_autoptr(GInetAddress) inet_address = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  GSList *uris;

  g_return_val_if_fail (FK_IS_SERVER (self), FALSE);
  g_return_val_if_fail (address != NULL, FALSE);
  g_return_val_if_fail (port <= G_MAXUINT16, FALSE);

  inet_address = g_inet_address_new_from_string (address);
  if (inet_address == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” is not an IP address", address);
      return FALSE;
    }
  socket_address = g_inet_socket_address_new (inet_address, port);

  if (!soup_server_listen (self->soup, socket_address, SOUP_SERVER_LISTEN_HTTPS, error))
    return FALSE;

  uris = soup_server_get_uris (self->soup);
  self->port = uris != NULL ? (guint) g_uri_get_port (uris->data) : port;
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_free (self->url);
  if (g_inet_address_get_family (inet_address) == G_SOCKET_FAMILY_IPV6)
    self->url = g_strdup_printf ("https://[%s]:%u", address, self->port);
  else
    self->url = g_strdup_printf ("https://%s:%u", address, self->port);

  return TRUE;
}

void
fk_server_close (FkServer *self)
{
  g_return_if_fail (FK_IS_SERVER (self));

  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  if (self->db != NULL)
    fk_server_db_close (self->db);
}

const char *
fk_server_get_url (FkServer *self)
{
  g_return_val_if_fail (FK_IS_SERVER (self), NULL);

  return self->url;
}

guint
fk_server_get_port (FkServer *self)
{
  g_return_val_if_fail (FK_IS_SERVER (self), 0);

  return self->port;
}

const char *
fk_server_get_pin (FkServer *self)
{
  g_return_val_if_fail (FK_IS_SERVER (self), NULL);

  return fk_server_tls_get_pin (self->tls);
}

FkServerDb *
fk_server_get_db (FkServer *self)
{
  g_return_val_if_fail (FK_IS_SERVER (self), NULL);

  return self->db;
}

guint
fk_server_get_session_seconds (FkServer *self)
{
  g_return_val_if_fail (FK_IS_SERVER (self), 0);

  return self->session_seconds;
}

void
fk_server_set_session_seconds (FkServer *self,
                               guint     seconds)
{
  g_return_if_fail (FK_IS_SERVER (self));
  g_return_if_fail (seconds > 0);

  if (self->session_seconds == seconds)
    return;

  self->session_seconds = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION_SECONDS]);
}

const char *
fk_server_get_policy (FkServer *self)
{
  g_return_val_if_fail (FK_IS_SERVER (self), NULL);

  return self->policy;
}

void
fk_server_set_policy (FkServer   *self,
                      const char *policy)
{
  g_return_if_fail (FK_IS_SERVER (self));
  g_return_if_fail (policy != NULL);

  /* Kept as the protocol's own constant, so no copy to free. */
  if (g_str_equal (policy, FK_POLICY_PIN))
    self->policy = FK_POLICY_PIN;
  else if (g_str_equal (policy, FK_POLICY_PIN_OR_FINGERPRINT))
    self->policy = FK_POLICY_PIN_OR_FINGERPRINT;
  else if (g_str_equal (policy, FK_POLICY_PIN_AND_FINGERPRINT))
    self->policy = FK_POLICY_PIN_AND_FINGERPRINT;
  else
    g_return_if_reached ();
}

FkFaultInjector *
fk_server_get_fault_injector (FkServer *self)
{
  g_return_val_if_fail (FK_IS_SERVER (self), NULL);

  return self->fault_injector;
}

void
fk_server_set_fault_injector (FkServer        *self,
                              FkFaultInjector *injector)
{
  g_return_if_fail (FK_IS_SERVER (self));
  g_return_if_fail (injector == NULL || FK_IS_FAULT_INJECTOR (injector));

  if (g_set_object (&self->fault_injector, injector))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAULT_INJECTOR]);
}
