/* fk-http-transport.h: what FkApiClient asks of its HTTP module
 *
 * libcurl, and the ~20 libraries it brings (GnuTLS, LDAP, SSH, RTMP…),
 * live in a module that FkApiClient loads on its own thread at the first
 * request, so that a start to the login page never pages them in.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Raised whenever a struct below changes shape. */
#define FK_HTTP_TRANSPORT_VERSION 2

/* The module's one exported symbol: a function of no arguments that
 * returns its FkHttpTransport (fk-module.h). */
#define FK_HTTP_TRANSPORT_GET_SYMBOL "fk_http_transport_get"

typedef struct _FkHttpConnection FkHttpConnection;

typedef struct {
  const char         *method;
  const char         *url;
  const char         *pinned_key;   /* "sha256//base64": the only trust anchor */
  const char * const *headers;      /* "Name: value", NULL-terminated */
  const void         *body;         /* NULL for none */
  gsize               body_length;
  GCancellable       *cancellable;  /* either one stops the transfer */
  GCancellable       *closing;
} FkHttpRequest;

typedef enum {
  FK_HTTP_REPLIED,                  /* a reply came, whatever its status */
  FK_HTTP_CANCELLED,
  FK_HTTP_PIN_MISMATCH,             /* the server's key is not the pinned one */
  FK_HTTP_NO_REPLY,                 /* network, TLS, timeout */
} FkHttpOutcome;

typedef struct {
  FkHttpOutcome  outcome;
  const char    *failure;           /* static text for the journal, on NO_REPLY */
  long           status;
  GByteArray    *body;              /* the caller's, appended to */
  guint          retry_after;       /* seconds, from Retry-After; 0 for none */
  guint64        bytes;             /* sent and received */
  guint64        connections;       /* opened for this request */
  const char    *http_version;      /* "2", "1.1" or "1.0"; static; NULL if no reply */
  gboolean       body_sent;         /* all of the request's body left, or it had none */
} FkHttpReply;

typedef struct {
  guint               version;      /* FK_HTTP_TRANSPORT_VERSION; first, always */
  FkHttpConnection *(*connection_new)  (void);
  void              (*connection_free) (FkHttpConnection    *connection);
  /* Blocks; keeps the connection open for the next request. */
  void              (*perform)         (FkHttpConnection    *connection,
                                        const FkHttpRequest *request,
                                        FkHttpReply         *reply);
} FkHttpTransport;

G_END_DECLS
