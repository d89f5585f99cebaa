/* fk-api-client.h: protocol v1 over libcurl, pinned to the enrolled server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define FK_TYPE_API_CLIENT (fk_api_client_get_type ())
G_DECLARE_FINAL_TYPE (FkApiClient, fk_api_client, FK, API_CLIENT, GObject)

/* @server_pin: 64 hex digits, SHA-256 of the server's SubjectPublicKeyInfo. */
FkApiClient *fk_api_client_new           (const char           *base_url,
                                          const char           *server_pin);

/* Bearer token for authenticated calls; NULL for none.  Copied. */
void         fk_api_client_set_bearer    (FkApiClient          *self,
                                          const char           *session_token);

/* Requests run one at a time on the client's own thread, reusing one
 * connection.  @body may be NULL. */
void         fk_api_client_call_async    (FkApiClient          *self,
                                          const char           *method,
                                          const char           *path,
                                          JsonNode             *body,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
/* The reply's JSON (NULL for 204).  On an error reply the FK_ERROR code is
 * taken from the problem type, and @problem_out (if given) gets the problem
 * object, with "retry_after" added from a Retry-After header. */
JsonNode    *fk_api_client_call_finish   (FkApiClient          *self,
                                          GAsyncResult         *result,
                                          JsonObject          **problem_out,
                                          GError              **error);
/* Whether all of the request's body left this phone.  FALSE after a failed
 * call means the server cannot have acted on it (no connection, TLS failed,
 * the upload broke off); TRUE means it may have, reply or not. */
gboolean     fk_api_client_call_body_sent (FkApiClient        *self,
                                           GAsyncResult       *result);

/* Cancels every request under way and completes once the client's thread
 * is idle; later calls fail as cancelled.  For a process about to exit:
 * TLS must not be mid-handshake when the libraries are torn down. */
void         fk_api_client_close_async   (FkApiClient          *self,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
gboolean     fk_api_client_close_finish  (FkApiClient          *self,
                                          GAsyncResult         *result,
                                          GError              **error);

/* Requests and bytes on the wire (sent + received) since creation, for
 * progress and benchmarks. */
guint64      fk_api_client_get_requests  (FkApiClient          *self);
guint64      fk_api_client_get_bytes     (FkApiClient          *self);
/* Connections opened since creation: 1 for any number of requests while
 * keep-alive holds. */
guint64      fk_api_client_get_connections (FkApiClient        *self);
/* "2" or "1.1" (ALPN's choice) for the last request that got a reply;
 * NULL before one did. */
const char  *fk_api_client_get_http_version (FkApiClient       *self);

G_END_DECLS
