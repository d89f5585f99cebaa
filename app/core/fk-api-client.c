/* fk-api-client.c: protocol v1 over HTTPS, pinned to the enrolled server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fk-api-client"

#include "config.h"

#include <string.h>

#include "fk-api-client.h"
#include "fk-crypto.h"
#include "fk-error.h"
#include "fk-http-transport.h"
#include "fk-module.h"
#include "fk-protocol.h"

/* Bodies above this are sent gzipped; below it the header costs more. */
#define GZIP_THRESHOLD 2048

struct _FkApiClient
{
  GObject      parent_instance;

  char        *base_url;
  char        *curl_pin;

  GMutex       mutex;
  char        *bearer;      /* guarded by mutex */
  guint64      requests;    /* guarded by mutex */
  guint64      bytes;       /* guarded by mutex */
  guint64      connections; /* guarded by mutex */
  const char  *http_version; /* guarded by mutex; static */

  /* Only touched from the pool's single thread, so the connection is reused. */
  GThreadPool *pool;
  const FkHttpTransport *transport;
  FkHttpConnection *connection;
  GCancellable *closing;
};

G_DEFINE_FINAL_TYPE (FkApiClient, fk_api_client, G_TYPE_OBJECT)

typedef struct {
  gboolean    barrier;     /* close: only marks the queue's end */
  char       *method;
  char       *path;
  char       *body;
  gsize       body_length;
  JsonObject *problem;     /* set by the worker on an error reply */
  gboolean    body_sent;   /* set by the worker: the server may have acted */
} Request;

static void
request_free (Request *request)
{
  if (request->body != NULL)
    fk_crypto_wipe (request->body, request->body_length);
  g_free (request->method);
  g_free (request->path);
  g_free (request->body);
  g_clear_pointer (&request->problem, json_object_unref);
  g_free (request);
}

/* Compressed is not encrypted: every copy of the body is wiped.  The
 * output is sized for deflate's worst case (zlib's compressBound, and the
 * gzip header and trailer), so that growing it never frees an old copy. */
static GBytes *
gzip_body (const char *body,
           gsize       length)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 6);
  gsize bound = length + (length >> 12) + (length >> 14) + (length >> 25) + 13 + 18;
  GByteArray *out = g_byte_array_sized_new (bound);
  guint8 buffer[16384];
  gsize read_total = 0;
  GConverterResult result;

  do
    {
      gsize bytes_read = 0, bytes_written = 0;
      g_autoptr(GError) error = NULL;

      result = g_converter_convert (G_CONVERTER (compressor),
                                    body + read_total, length - read_total,
                                    buffer, sizeof buffer, G_CONVERTER_INPUT_AT_END,
                                    &bytes_read, &bytes_written, &error);
      if (result == G_CONVERTER_ERROR || out->len + bytes_written > bound)
        {
          fk_crypto_wipe (buffer, sizeof buffer);
          fk_crypto_wipe (out->data, out->len);
          g_byte_array_unref (out);
          return NULL;
        }
      read_total += bytes_read;
      g_byte_array_append (out, buffer, bytes_written);
    }
  while (result != G_CONVERTER_FINISHED);

  fk_crypto_wipe (buffer, sizeof buffer);
  return g_byte_array_free_to_bytes (out);
}

static void
fail_task (GTask       *task,
           FkErrorCode  code)
{
  g_task_return_new_error (task, FK_ERROR, code, "%s", fk_error_code_to_message (code));
}

static JsonNode *
parse_json (GByteArray *data)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (data->len == 0 ||
      !json_parser_load_from_data (parser, (const char *) data->data, data->len, NULL) ||
      json_parser_get_root (parser) == NULL)
    return NULL;

  return json_node_copy (json_parser_get_root (parser));
}

/* Loaded at the first request, on the request thread: see
 * fk-http-transport.h.  FALTKOLL_HTTP_MODULE names it in a build tree. */
static FkModule http_module = {
  .what = "HTTP",
  .environment_variable = "FALTKOLL_HTTP_MODULE",
  .installed_path = FK_HTTP_MODULE_PATH,
  .symbol = FK_HTTP_TRANSPORT_GET_SYMBOL,
  .version = FK_HTTP_TRANSPORT_VERSION,
};

static void
run_request (gpointer data,
             gpointer pool_data)
{
  g_autoptr(GTask) task = data;
  FkApiClient *self = pool_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(GByteArray) received = g_byte_array_new ();
  GBytes *gzipped = NULL;
  g_autofree char *url = g_strconcat (self->base_url, request->path, NULL);
  g_autofree char *auth_header = NULL;
  g_autoptr(JsonNode) node = NULL;
  const char *headers[5];
  guint n_headers = 0;
  FkHttpRequest http_request = { 0 };
  FkHttpReply reply = { 0 };

  if (request->barrier)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (g_task_return_error_if_cancelled (task))
    return;

  if (g_cancellable_is_cancelled (self->closing))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Closed");
      return;
    }

  if (self->connection == NULL)
    {
      if ((self->transport = fk_module_get (&http_module)) == NULL)
        {
          fail_task (task, FK_ERROR_INCOMPLETE_INSTALL);
          return;
        }
      if ((self->connection = self->transport->connection_new ()) == NULL)
        {
          fail_task (task, FK_ERROR_FAILED);
          return;
        }
    }

  g_mutex_lock (&self->mutex);
  if (self->bearer != NULL)
    auth_header = g_strconcat ("Authorization: Bearer ", self->bearer, NULL);
  g_mutex_unlock (&self->mutex);

  headers[n_headers++] = "Accept: " FK_CONTENT_TYPE_JSON ", " FK_CONTENT_TYPE_PROBLEM;
  if (auth_header != NULL)
    headers[n_headers++] = auth_header;

  http_request.method = request->method;
  http_request.url = url;
  http_request.pinned_key = self->curl_pin;
  http_request.headers = headers;
  http_request.cancellable = g_task_get_cancellable (task);
  http_request.closing = self->closing;
  if (request->body != NULL)
    {
      headers[n_headers++] = "Content-Type: " FK_CONTENT_TYPE_JSON "; charset=utf-8";
      if (request->body_length > GZIP_THRESHOLD && (gzipped = gzip_body (request->body, request->body_length)) != NULL)
        {
          headers[n_headers++] = "Content-Encoding: gzip";
          http_request.body = g_bytes_get_data (gzipped, &http_request.body_length);
        }
      else
        {
          http_request.body = request->body;
          http_request.body_length = request->body_length;
        }
    }
  headers[n_headers] = NULL;

  reply.body = received;
  self->transport->perform (self->connection, &http_request, &reply);
  request->body_sent = reply.body_sent;
  g_clear_pointer (&gzipped, fk_secure_bytes_unref);
  /* A broken-off reply may hold part of what the server said. */
  if (reply.outcome != FK_HTTP_REPLIED)
    fk_crypto_wipe (received->data, received->len);

  if (auth_header != NULL)
    fk_crypto_wipe (auth_header, strlen (auth_header));

  g_mutex_lock (&self->mutex);
  self->requests++;
  self->bytes += reply.bytes;
  self->connections += reply.connections;
  if (reply.outcome == FK_HTTP_REPLIED)
    self->http_version = reply.http_version;
  g_mutex_unlock (&self->mutex);

  switch (reply.outcome)
    {
    case FK_HTTP_REPLIED:
      break;
    case FK_HTTP_CANCELLED:
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
      return;
    case FK_HTTP_PIN_MISMATCH:
      /* Handled, and the officer is told; but worth a line in the journal. */
      g_message ("%s %s: the server's key does not match the enrolled pin", request->method, request->path);
      fail_task (task, FK_ERROR_TLS_PIN);
      return;
    case FK_HTTP_NO_REPLY:
    default:
      g_debug ("%s %s: %s", request->method, request->path, reply.failure);
      fail_task (task, FK_ERROR_NETWORK);
      return;
    }

  node = parse_json (received);
  fk_crypto_wipe (received->data, received->len);

  if (reply.status >= 400)
    {
      JsonObject *problem = NULL;
      const char *type = NULL;
      g_autoptr(GError) error = NULL;
      FkErrorCode error_code;

      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
        {
          problem = json_object_ref (json_node_get_object (node));
          type = json_object_get_string_member_with_default (problem, "type", NULL);
        }
      else
        problem = json_object_new ();

      if (reply.retry_after > 0)
        json_object_set_int_member (problem, "retry_after", reply.retry_after);

      error_code = fk_error_code_from_problem (type, reply.status);
      g_debug ("%s %s: %ld %s", request->method, request->path, reply.status, type ? type : "(no problem type)");

      request->problem = problem;
      g_task_return_new_error (task, FK_ERROR, error_code, "%s", fk_error_code_to_message (error_code));
      return;
    }

  if (reply.status == 204)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  if (reply.status < 200 || reply.status >= 300 || node == NULL)
    {
      g_debug ("%s %s: unexpected reply %ld", request->method, request->path, reply.status);
      fail_task (task, FK_ERROR_SERVER);
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&node), (GDestroyNotify) json_node_unref);
}

static void
fk_api_client_finalize (GObject *object)
{
  FkApiClient *self = (FkApiClient *) object;

  /* Waits for a running request: it holds a reference to self anyway. */
  g_thread_pool_free (self->pool, FALSE, TRUE);
  if (self->connection != NULL)
    self->transport->connection_free (self->connection);
  g_free (self->base_url);
  g_free (self->curl_pin);
  if (self->bearer != NULL)
    fk_crypto_wipe (self->bearer, strlen (self->bearer));
  g_free (self->bearer);
  g_clear_object (&self->closing);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (fk_api_client_parent_class)->finalize (object);
}

static void
fk_api_client_class_init (FkApiClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fk_api_client_finalize;
}

static void
fk_api_client_init (FkApiClient *self)
{
  g_mutex_init (&self->mutex);
  self->closing = g_cancellable_new ();
  self->pool = g_thread_pool_new (run_request, self, 1, FALSE, NULL);
}

FkApiClient *
fk_api_client_new (const char *base_url,
                   const char *server_pin)
{
  FkApiClient *self;

  g_return_val_if_fail (base_url != NULL, NULL);
  g_return_val_if_fail (fk_protocol_is_valid_pin (server_pin), NULL);

  self = g_object_new (FK_TYPE_API_CLIENT, NULL);
  self->base_url = g_strdup (base_url);
  /* "https://host:port/" and "https://host:port" mean the same server. */
  if (g_str_has_suffix (self->base_url, "/"))
    self->base_url[strlen (self->base_url) - 1] = '\0';
  self->curl_pin = fk_protocol_pin_to_curl (server_pin);

  return self;
}

void
fk_api_client_set_bearer (FkApiClient *self,
                          const char  *session_token)
{
  g_return_if_fail (FK_IS_API_CLIENT (self));

  g_mutex_lock (&self->mutex);
  if (self->bearer != NULL)
    fk_crypto_wipe (self->bearer, strlen (self->bearer));
  g_free (self->bearer);
  self->bearer = g_strdup (session_token);
  g_mutex_unlock (&self->mutex);
}

void
fk_api_client_call_async (FkApiClient         *self,
                          const char          *method,
                          const char          *path,
                          JsonNode            *body,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Request *request;

  g_return_if_fail (FK_IS_API_CLIENT (self));
  g_return_if_fail (method != NULL);
  g_return_if_fail (path != NULL && path[0] == '/');

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fk_api_client_call_async);

  request = g_new0 (Request, 1);
  request->method = g_strdup (method);
  request->path = g_strdup (path);
  if (body != NULL)
    request->body = json_to_string (body, FALSE);
  request->body_length = request->body ? strlen (request->body) : 0;
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);

  g_thread_pool_push (self->pool, g_steal_pointer (&task), NULL);
}

JsonNode *
fk_api_client_call_finish (FkApiClient   *self,
                           GAsyncResult  *result,
                           JsonObject   **problem_out,
                           GError       **error)
{
  g_return_val_if_fail (FK_IS_API_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if (problem_out != NULL)
    {
      Request *request = g_task_get_task_data (G_TASK (result));

      *problem_out = request->problem ? json_object_ref (request->problem) : NULL;
    }

  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
fk_api_client_call_body_sent (FkApiClient  *self,
                              GAsyncResult *result)
{
  g_return_val_if_fail (FK_IS_API_CLIENT (self), TRUE);
  g_return_val_if_fail (g_task_is_valid (result, self), TRUE);

  return ((Request *) g_task_get_task_data (G_TASK (result)))->body_sent;
}

void
fk_api_client_close_async (FkApiClient         *self,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Request *barrier;

  g_return_if_fail (FK_IS_API_CLIENT (self));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, fk_api_client_close_async);
  barrier = g_new0 (Request, 1);
  barrier->barrier = TRUE;
  g_task_set_task_data (task, barrier, (GDestroyNotify) request_free);

  g_cancellable_cancel (self->closing);
  /* The pool runs one request at a time, in order: when the barrier is
   * reached, nothing before it is still running. */
  g_thread_pool_push (self->pool, g_steal_pointer (&task), NULL);
}

gboolean
fk_api_client_close_finish (FkApiClient   *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

guint64
fk_api_client_get_requests (FkApiClient *self)
{
  guint64 requests;

  g_return_val_if_fail (FK_IS_API_CLIENT (self), 0);

  g_mutex_lock (&self->mutex);
  requests = self->requests;
  g_mutex_unlock (&self->mutex);
  return requests;
}

guint64
fk_api_client_get_bytes (FkApiClient *self)
{
  guint64 bytes;

  g_return_val_if_fail (FK_IS_API_CLIENT (self), 0);

  g_mutex_lock (&self->mutex);
  bytes = self->bytes;
  g_mutex_unlock (&self->mutex);
  return bytes;
}

guint64
fk_api_client_get_connections (FkApiClient *self)
{
  guint64 connections;

  g_return_val_if_fail (FK_IS_API_CLIENT (self), 0);

  g_mutex_lock (&self->mutex);
  connections = self->connections;
  g_mutex_unlock (&self->mutex);
  return connections;
}

const char *
fk_api_client_get_http_version (FkApiClient *self)
{
  const char *http_version;

  g_return_val_if_fail (FK_IS_API_CLIENT (self), NULL);

  g_mutex_lock (&self->mutex);
  http_version = self->http_version;
  g_mutex_unlock (&self->mutex);
  return http_version;
}
