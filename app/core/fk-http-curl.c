/* fk-http-curl.c: the HTTP module, over libcurl, pinned to one key
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fk-http"

#include "config.h"

#include <string.h>

#include <curl/curl.h>

#include "fk-http-transport.h"

struct _FkHttpConnection
{
  CURL *curl;
};

static size_t
on_curl_write (char   *data,
               size_t  size,
               size_t  count,
               void   *user_data)
{
  FkHttpReply *reply = user_data;

  g_byte_array_append (reply->body, (const guint8 *) data, size * count);
  return size * count;
}

static size_t
on_curl_header (char   *data,
                size_t  size,
                size_t  count,
                void   *user_data)
{
  FkHttpReply *reply = user_data;
  gsize length = size * count;
  static const char name[] = "retry-after:";

  if (length > strlen (name) && g_ascii_strncasecmp (data, name, strlen (name)) == 0)
    {
      g_autofree char *value = g_strndup (data + strlen (name), length - strlen (name));
      guint64 seconds;

      if (g_ascii_string_to_unsigned (g_strstrip (value), 10, 0, 3600, &seconds, NULL))
        reply->retry_after = seconds;
    }

  return length;
}

static int
on_curl_progress (void       *user_data,
                  curl_off_t  dltotal,
                  curl_off_t  dlnow,
                  curl_off_t  ultotal,
                  curl_off_t  ulnow)
{
  const FkHttpRequest *request = user_data;

  return g_cancellable_is_cancelled (request->cancellable) ||
         g_cancellable_is_cancelled (request->closing) ? 1 : 0;
}

static FkHttpConnection *
connection_new (void)
{
  static gsize curl_initialized;
  FkHttpConnection *connection;
  CURL *curl;

  if (g_once_init_enter (&curl_initialized))
    {
      curl_global_init (CURL_GLOBAL_DEFAULT);
      g_once_init_leave (&curl_initialized, 1);
    }

  if ((curl = curl_easy_init ()) == NULL)
    return NULL;

  connection = g_new0 (FkHttpConnection, 1);
  connection->curl = curl;
  return connection;
}

static void
connection_free (FkHttpConnection *connection)
{
  curl_easy_cleanup (connection->curl);
  g_free (connection);
}

static void
perform (FkHttpConnection    *connection,
         const FkHttpRequest *request,
         FkHttpReply         *reply)
{
  CURL *curl = connection->curl;
  struct curl_slist *headers = NULL;
  curl_off_t uploaded = 0, downloaded = 0;
  long connects = 0, http_version = 0;
  CURLcode code;

  for (guint i = 0; request->headers != NULL && request->headers[i] != NULL; i++)
    headers = curl_slist_append (headers, request->headers[i]);

  curl_easy_reset (curl);
  curl_easy_setopt (curl, CURLOPT_URL, request->url);
  curl_easy_setopt (curl, CURLOPT_PROTOCOLS_STR, "https");
  /* The pin is the trust anchor (docs/security.md): the server's own CA is
   * in no trust store, and any CA-issued certificate without the pinned key
   * is refused by CURLOPT_PINNEDPUBLICKEY. */
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYPEER, 0L);
  curl_easy_setopt (curl, CURLOPT_SSL_VERIFYHOST, 0L);
  curl_easy_setopt (curl, CURLOPT_PINNEDPUBLICKEY, request->pinned_key);
  curl_easy_setopt (curl, CURLOPT_SSLVERSION, (long) CURL_SSLVERSION_TLSv1_2);
  /* h2 where the server offers it in ALPN, else HTTP/1.1; either way the
   * easy handle keeps the connection for the next request. */
  curl_easy_setopt (curl, CURLOPT_HTTP_VERSION, (long) CURL_HTTP_VERSION_2TLS);
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt (curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt (curl, CURLOPT_LOW_SPEED_TIME, 20L);
  curl_easy_setopt (curl, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt (curl, CURLOPT_USERAGENT, "Faltkoll/" PACKAGE_VERSION);
  curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, request->method);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, on_curl_write);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, reply);
  curl_easy_setopt (curl, CURLOPT_HEADERFUNCTION, on_curl_header);
  curl_easy_setopt (curl, CURLOPT_HEADERDATA, reply);
  curl_easy_setopt (curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt (curl, CURLOPT_XFERINFOFUNCTION, on_curl_progress);
  curl_easy_setopt (curl, CURLOPT_XFERINFODATA, request);
  if (request->body != NULL)
    {
      curl_easy_setopt (curl, CURLOPT_POSTFIELDS, request->body);
      curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) request->body_length);
    }
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);

  code = curl_easy_perform (curl);

  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &reply->status);
  curl_easy_getinfo (curl, CURLINFO_SIZE_UPLOAD_T, &uploaded);
  curl_easy_getinfo (curl, CURLINFO_SIZE_DOWNLOAD_T, &downloaded);
  curl_easy_getinfo (curl, CURLINFO_NUM_CONNECTS, &connects);
  curl_easy_getinfo (curl, CURLINFO_HTTP_VERSION, &http_version);
  /* The list's copies hold the bearer token. */
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, NULL);
  for (struct curl_slist *header = headers; header != NULL; header = header->next)
    explicit_bzero (header->data, strlen (header->data));
  curl_slist_free_all (headers);

  reply->body_sent = uploaded >= (curl_off_t) request->body_length;
  reply->bytes = uploaded + downloaded;
  reply->connections = connects;

  switch (code)
    {
    case CURLE_OK:
      reply->outcome = FK_HTTP_REPLIED;
      reply->http_version = http_version == CURL_HTTP_VERSION_2_0 ? "2" :
                            http_version == CURL_HTTP_VERSION_1_1 ? "1.1" : "1.0";
      break;
    case CURLE_ABORTED_BY_CALLBACK:
      reply->outcome = FK_HTTP_CANCELLED;
      break;
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
      reply->outcome = FK_HTTP_PIN_MISMATCH;
      break;
    default:
      reply->outcome = FK_HTTP_NO_REPLY;
      reply->failure = curl_easy_strerror (code);
      break;
    }
}

G_MODULE_EXPORT const FkHttpTransport *fk_http_transport_get (void);

const FkHttpTransport *
fk_http_transport_get (void)
{
  static const FkHttpTransport transport = {
    FK_HTTP_TRANSPORT_VERSION,
    connection_new,
    connection_free,
    perform,
  };

  return &transport;
}
