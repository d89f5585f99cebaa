/* fk-server-tls.h: the server's own CA, its certificate and the pin
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define FK_TYPE_SERVER_TLS (fk_server_tls_get_type ())
G_DECLARE_FINAL_TYPE (FkServerTls, fk_server_tls, FK, SERVER_TLS, GObject)

/* Loads the certificate from @state_dir, making a CA and a loopback server
 * certificate on first use. */
FkServerTls     *fk_server_tls_new             (const char       *state_dir,
                                                GError          **error);

GTlsCertificate *fk_server_tls_get_certificate (FkServerTls      *self);
/* SHA-256 of the server certificate's DER SubjectPublicKeyInfo, 64 hex. */
const char      *fk_server_tls_get_pin         (FkServerTls      *self);

G_END_DECLS
