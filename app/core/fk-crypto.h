/* fk-crypto.h: the few primitives Fältkoll needs, on OpenSSL 3
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FK_AES_KEY_BYTES   32
#define FK_GCM_NONCE_BYTES 12
#define FK_GCM_TAG_BYTES   16
#define FK_EC_SCALAR_BYTES 32

GBytes     *fk_crypto_random_bytes        (gsize          length);
char       *fk_crypto_sha256_hex          (const guint8  *data,
                                           gsize          length);

/* ECDSA P-256/SHA-256 over @message with the DER SubjectPublicKeyInfo. */
gboolean    fk_crypto_verify              (GBytes        *public_key_der,
                                           GBytes        *message,
                                           GBytes        *signature_der);

/* A fresh P-256 key: the 32-byte private scalar (caller wipes it) and
 * the DER SubjectPublicKeyInfo to send to the server. */
gboolean    fk_crypto_generate_key        (guint8         scalar_out[FK_EC_SCALAR_BYTES],
                                           GBytes       **public_key_der_out,
                                           GError       **error);
/* Signs with the key whose private scalar is @scalar.  Any 32 bytes in
 * [1, n-1] make a key, which is what makes the PIN wrap oracle-free. */
GBytes     *fk_crypto_sign                (const guint8   scalar[FK_EC_SCALAR_BYTES],
                                           GBytes        *message,
                                           GError       **error);

/* scrypt(@secret, @salt) with N = 2^@log2_n, r, p into @key_out. */
gboolean    fk_crypto_scrypt              (const char    *secret,
                                           GBytes        *salt,
                                           guint          log2_n,
                                           guint          r,
                                           guint          p,
                                           guint8        *key_out,
                                           gsize          key_length,
                                           GError       **error);

/* AES-256-CTR with no MAC: the cipher of the PIN wrap, where a MAC would be
 * exactly the offline oracle we must not keep.  Its own inverse. */
gboolean    fk_crypto_ctr_xor             (const guint8   key[FK_AES_KEY_BYTES],
                                           const guint8   iv[16],
                                           const guint8  *in,
                                           guint8        *out,
                                           gsize          length);

/* AES-256-GCM: nonce || ciphertext || tag, with @aad authenticated. */
GBytes     *fk_crypto_seal                (GBytes        *key,
                                           GBytes        *plaintext,
                                           const char    *aad,
                                           GError       **error);
GBytes     *fk_crypto_open                (GBytes        *key,
                                           GBytes        *sealed,
                                           const char    *aad,
                                           GError       **error);

void        fk_crypto_wipe                (gpointer       data,
                                           gsize          length);
/* g_bytes_unref that wipes the bytes first when this was the last ref. */
void        fk_secure_bytes_unref         (GBytes        *bytes);

/* A GBytes that holds a key, wiped by g_autoptr when it is the last ref. */
typedef GBytes FkKeyBytes;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FkKeyBytes, fk_secure_bytes_unref)

G_END_DECLS
