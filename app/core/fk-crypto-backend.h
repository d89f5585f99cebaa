/* fk-crypto-backend.h: what fk-crypto.c asks of OpenSSL
 *
 * libcrypto is 4.7 MB; read from a cold disk as the app starts, it cost
 * the login page ~8 ms before main(), for a page that needs no crypto
 * until a PIN is typed.  So the app and the CLI load it in a module,
 * fk-crypto-openssl.so, at the first call that needs it (the KDF, the
 * store or enrollment: all on worker threads).  The reference server
 * builds the same code in (FK_CRYPTO_BUILTIN).
 *
 * The module only computes: fk-crypto.c checks arguments, makes the
 * errors and wipes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Raised whenever the struct below changes shape. */
#define FK_CRYPTO_BACKEND_VERSION 1

/* The module's one exported symbol: a function of no arguments that
 * returns its FkCryptoBackend (fk-module.h). */
#define FK_CRYPTO_BACKEND_GET_SYMBOL "fk_crypto_backend_get"

/* Each returns FALSE or NULL when OpenSSL fails. */
typedef struct {
  guint      version;              /* FK_CRYPTO_BACKEND_VERSION; first, always */
  gboolean (*verify)       (GBytes        *public_key_der,
                            GBytes        *message,
                            GBytes        *signature_der);
  gboolean (*generate_key) (guint8        *scalar_out,
                            GBytes       **public_key_der_out);
  GBytes  *(*sign)         (const guint8  *scalar,
                            GBytes        *message);
  gboolean (*scrypt)       (const char    *secret,
                            GBytes        *salt,
                            guint64        n,
                            guint          r,
                            guint          p,
                            guint64        max_memory,
                            guint8        *key_out,
                            gsize          key_length);
  gboolean (*ctr_xor)      (const guint8  *key,
                            const guint8  *iv,
                            const guint8  *in,
                            guint8        *out,
                            gsize          length);
  /* @sealed starts with the nonce and has room for ciphertext and tag. */
  gboolean (*gcm_seal)     (const guint8  *key,
                            const guint8  *plain,
                            gsize          plain_length,
                            const char    *aad,
                            guint8        *sealed);
  gboolean (*gcm_open)     (const guint8  *key,
                            const guint8  *sealed,
                            gsize          sealed_length,
                            const char    *aad,
                            guint8        *plain);
} FkCryptoBackend;

G_END_DECLS
