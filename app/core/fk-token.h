/* fk-token.h: the Mobilt TjänsteID on this device
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Holds the enrollment and the PIN-wrapped private key.  The wrap has no
 * redundancy at all (see docs/security.md): any PIN unwraps to some valid
 * key, and only the server, by checking a signature, learns whether it was
 * the right one.
 */
#pragma once

#include <gio/gio.h>

#include "fk-crypto.h"

G_BEGIN_DECLS

#define FK_TYPE_TOKEN (fk_token_get_type ())
G_DECLARE_FINAL_TYPE (FkToken, fk_token, FK, TOKEN, GObject)

FkToken     *fk_token_new_from_json     (const char    *json,
                                         GError       **error);
char        *fk_token_to_json           (FkToken       *self);
/* A token of its own to change while @self stays as the keyring has it. */
FkToken     *fk_token_copy              (FkToken       *self);

/* Makes a key pair and wraps the private half under @pin.  Runs the KDF:
 * call it from a worker thread. */
FkToken     *fk_token_create            (const char    *server_url,
                                         const char    *server_pin,
                                         const char    *pin,
                                         GBytes       **public_key_der_out,
                                         GError       **error);
/* Runs the KDF: call it from a worker thread.  Succeeds for every PIN.
 * @fingerprint_secret: for a bound token the secret that
 * fk_token_bind_fingerprint() gave, else NULL. */
gboolean     fk_token_unwrap            (FkToken       *self,
                                         const char    *pin,
                                         GBytes        *fingerprint_secret,
                                         guint8         scalar_out[FK_EC_SCALAR_BYTES],
                                         GError       **error);

/* Policy pin-and-fingerprint: wraps the key again under the PIN and a new
 * random secret, which it returns for the keyring; from then on only both
 * together unwrap it.  Drops the fingerprint copy.  Runs the KDF: call it
 * from a worker thread.  @pin must be the right one (a login the server
 * accepted): a wrong one binds some other key. */
GBytes      *fk_token_bind_fingerprint  (FkToken       *self,
                                         const char    *pin,
                                         GError       **error);
/* The other way, when the policy no longer asks for the finger: wraps the
 * key again under the PIN alone; @secret is K.  Runs the KDF. */
gboolean     fk_token_unbind_fingerprint (FkToken      *self,
                                          const char   *pin,
                                          GBytes       *secret,
                                          GError      **error);
gboolean     fk_token_get_fingerprint_bound (FkToken   *self);

/* The fingerprint copy: the same key, wrapped under a random key that the
 * keyring keeps and the app releases only after fprintd's verify-match. */
gboolean     fk_token_get_fingerprint_wanted (FkToken  *self);
void         fk_token_set_fingerprint_wanted (FkToken  *self,
                                              gboolean  wanted);
gboolean     fk_token_has_fingerprint_copy   (FkToken  *self);
/* Makes a copy of @scalar for @self; returns the key that unwraps it. */
GBytes      *fk_token_wrap_fingerprint_copy  (FkToken       *self,
                                              const guint8   scalar[FK_EC_SCALAR_BYTES]);
void         fk_token_clear_fingerprint_copy (FkToken       *self);
gboolean     fk_token_unwrap_fingerprint     (FkToken       *self,
                                              GBytes        *key,
                                              guint8         scalar_out[FK_EC_SCALAR_BYTES],
                                              GError       **error);

void         fk_token_set_enrollment    (FkToken       *self,
                                         const char    *device_id,
                                         const char    *officer_id,
                                         const char    *policy);

const char  *fk_token_get_server_url    (FkToken       *self);
const char  *fk_token_get_server_pin    (FkToken       *self);
const char  *fk_token_get_device_id     (FkToken       *self);
const char  *fk_token_get_officer_id    (FkToken       *self);
const char  *fk_token_get_policy        (FkToken       *self);
/* The policy the server last sent; binding follows it separately. */
void         fk_token_set_policy        (FkToken       *self,
                                         const char    *policy);
gboolean     fk_token_get_disabled      (FkToken       *self);
void         fk_token_set_disabled      (FkToken       *self,
                                         gboolean       disabled);
guint        fk_token_get_kdf_log2_n    (FkToken       *self);

/* Fingers that did not match, kept with the token so that a restart does
 * not start the count afresh; @blocked_until is Unix time in seconds. */
void         fk_token_get_failed_scans  (FkToken       *self,
                                         guint         *failed,
                                         guint         *lockouts,
                                         gint64        *blocked_until);
void         fk_token_set_failed_scans  (FkToken       *self,
                                         guint          failed,
                                         guint          lockouts,
                                         gint64         blocked_until);

G_END_DECLS
