/* fk-crypto.c: the few primitives Fältkoll needs, on OpenSSL 3
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fk-crypto"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "fk-crypto.h"
#include "fk-error.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_PKEY, EVP_PKEY_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_PKEY_CTX, EVP_PKEY_CTX_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_MD_CTX, EVP_MD_CTX_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_CIPHER_CTX, EVP_CIPHER_CTX_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EC_GROUP, EC_GROUP_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EC_POINT, EC_POINT_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BN_CTX, BN_CTX_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OSSL_PARAM_BLD, OSSL_PARAM_BLD_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (OSSL_PARAM, OSSL_PARAM_free)

static void
bn_clear_free (BIGNUM *bn)
{
  BN_clear_free (bn);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BIGNUM, bn_clear_free)

static gboolean
crypto_failed (GError    **error,
               const char *what)
{
  /* OpenSSL's own error text can carry key material context; keep it out. */
  g_debug ("OpenSSL failure in %s", what);
  g_set_error_literal (error, FK_ERROR, FK_ERROR_FAILED,
                       fk_error_code_to_message (FK_ERROR_FAILED));
  return FALSE;
}

void
fk_crypto_wipe (gpointer data,
                gsize    length)
{
  if (data != NULL && length > 0)
    OPENSSL_cleanse (data, length);
}

void
fk_secure_bytes_unref (GBytes *bytes)
{
  gsize length;
  gpointer data;

  if (bytes == NULL)
    return;

  /* Taking the data out of the last reference lets us wipe it without a copy. */
  data = g_bytes_unref_to_data (bytes, &length);
  fk_crypto_wipe (data, length);
  g_free (data);
}

GBytes *
fk_crypto_random_bytes (gsize length)
{
  guint8 *data = g_malloc (length);

  if (RAND_bytes (data, (int) length) != 1)
    g_error ("The system random number generator failed");

  return g_bytes_new_take (data, length);
}

char *
fk_crypto_sha256_hex (const guint8 *data,
                      gsize         length)
{
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, length);
}

gboolean
fk_crypto_verify (GBytes *public_key_der,
                  GBytes *message,
                  GBytes *signature_der)
{
  g_autoptr(EVP_PKEY) pkey = NULL;
  g_autoptr(EVP_MD_CTX) ctx = NULL;
  const guint8 *der;
  gsize der_length, message_length, signature_length;
  gconstpointer message_data, signature_data;

  g_return_val_if_fail (public_key_der != NULL, FALSE);
  g_return_val_if_fail (message != NULL, FALSE);
  g_return_val_if_fail (signature_der != NULL, FALSE);

  der = g_bytes_get_data (public_key_der, &der_length);
  pkey = d2i_PUBKEY (NULL, &der, (long) der_length);
  if (pkey == NULL || !EVP_PKEY_is_a (pkey, "EC"))
    return FALSE;

  message_data = g_bytes_get_data (message, &message_length);
  signature_data = g_bytes_get_data (signature_der, &signature_length);

  ctx = EVP_MD_CTX_new ();
  if (EVP_DigestVerifyInit (ctx, NULL, EVP_sha256 (), NULL, pkey) != 1)
    return FALSE;

  return EVP_DigestVerify (ctx, signature_data, signature_length,
                           message_data, message_length) == 1;
}

gboolean
fk_crypto_generate_key (guint8    scalar_out[FK_EC_SCALAR_BYTES],
                        GBytes  **public_key_der_out,
                        GError  **error)
{
  g_autoptr(EVP_PKEY) pkey = NULL;
  g_autoptr(BIGNUM) priv = NULL;
  guint8 *der = NULL;
  int der_length;

  pkey = EVP_PKEY_Q_keygen (NULL, NULL, "EC", "P-256");
  if (pkey == NULL)
    return crypto_failed (error, "keygen");

  if (EVP_PKEY_get_bn_param (pkey, OSSL_PKEY_PARAM_PRIV_KEY, &priv) != 1 ||
      BN_bn2binpad (priv, scalar_out, FK_EC_SCALAR_BYTES) != FK_EC_SCALAR_BYTES)
    return crypto_failed (error, "export scalar");

  der_length = i2d_PUBKEY (pkey, &der);
  if (der_length <= 0)
    {
      fk_crypto_wipe (scalar_out, FK_EC_SCALAR_BYTES);
      return crypto_failed (error, "export public key");
    }

  *public_key_der_out = g_bytes_new (der, der_length);
  OPENSSL_free (der);
  return TRUE;
}

/* Builds the key for a scalar.  Reducing mod n means every 32-byte string,
 * so every PIN, yields a usable key: no "invalid key" signal for a guess. */
static EVP_PKEY *
key_from_scalar (const guint8   scalar[FK_EC_SCALAR_BYTES],
                 GError       **error)
{
  g_autoptr(EC_GROUP) group = NULL;
  g_autoptr(EC_POINT) point = NULL;
  g_autoptr(BN_CTX) bn_ctx = NULL;
  g_autoptr(BIGNUM) priv = NULL;
  g_autoptr(BIGNUM) raw = NULL;
  g_autoptr(OSSL_PARAM_BLD) bld = NULL;
  g_autoptr(OSSL_PARAM) params = NULL;
  g_autoptr(EVP_PKEY_CTX) ctx = NULL;
  EVP_PKEY *pkey = NULL;
  guint8 pub[65];
  gsize pub_length;

  group = EC_GROUP_new_by_curve_name (NID_X9_62_prime256v1);
  bn_ctx = BN_CTX_secure_new ();
  raw = BN_secure_new ();
  priv = BN_secure_new ();
  if (group == NULL || bn_ctx == NULL || raw == NULL || priv == NULL ||
      BN_bin2bn (scalar, FK_EC_SCALAR_BYTES, raw) == NULL ||
      BN_nnmod (priv, raw, EC_GROUP_get0_order (group), bn_ctx) != 1 ||
      BN_is_zero (priv))
    {
      crypto_failed (error, "scalar");
      return NULL;
    }

  point = EC_POINT_new (group);
  if (point == NULL ||
      EC_POINT_mul (group, point, priv, NULL, NULL, bn_ctx) != 1)
    {
      crypto_failed (error, "public point");
      return NULL;
    }
  pub_length = EC_POINT_point2oct (group, point, POINT_CONVERSION_UNCOMPRESSED,
                                   pub, sizeof pub, bn_ctx);
  if (pub_length == 0)
    {
      crypto_failed (error, "encode point");
      return NULL;
    }

  bld = OSSL_PARAM_BLD_new ();
  if (bld == NULL ||
      OSSL_PARAM_BLD_push_utf8_string (bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) != 1 ||
      OSSL_PARAM_BLD_push_BN (bld, OSSL_PKEY_PARAM_PRIV_KEY, priv) != 1 ||
      OSSL_PARAM_BLD_push_octet_string (bld, OSSL_PKEY_PARAM_PUB_KEY, pub, pub_length) != 1 ||
      (params = OSSL_PARAM_BLD_to_param (bld)) == NULL)
    {
      crypto_failed (error, "params");
      return NULL;
    }

  ctx = EVP_PKEY_CTX_new_from_name (NULL, "EC", NULL);
  if (ctx == NULL ||
      EVP_PKEY_fromdata_init (ctx) != 1 ||
      EVP_PKEY_fromdata (ctx, &pkey, EVP_PKEY_KEYPAIR, params) != 1)
    {
      crypto_failed (error, "fromdata");
      return NULL;
    }

  return pkey;
}

GBytes *
fk_crypto_sign (const guint8   scalar[FK_EC_SCALAR_BYTES],
                GBytes        *message,
                GError       **error)
{
  g_autoptr(EVP_PKEY) pkey = NULL;
  g_autoptr(EVP_MD_CTX) ctx = NULL;
  g_autofree guint8 *signature = NULL;
  gconstpointer data;
  gsize length, signature_length = 0;

  g_return_val_if_fail (message != NULL, NULL);

  pkey = key_from_scalar (scalar, error);
  if (pkey == NULL)
    return NULL;

  data = g_bytes_get_data (message, &length);
  ctx = EVP_MD_CTX_new ();
  if (ctx == NULL ||
      EVP_DigestSignInit (ctx, NULL, EVP_sha256 (), NULL, pkey) != 1 ||
      EVP_DigestSign (ctx, NULL, &signature_length, data, length) != 1)
    {
      crypto_failed (error, "sign init");
      return NULL;
    }

  signature = g_malloc (signature_length);
  if (EVP_DigestSign (ctx, signature, &signature_length, data, length) != 1)
    {
      crypto_failed (error, "sign");
      return NULL;
    }

  return g_bytes_new_take (g_steal_pointer (&signature), signature_length);
}

gboolean
fk_crypto_scrypt (const char  *secret,
                  GBytes      *salt,
                  guint        log2_n,
                  guint        r,
                  guint        p,
                  guint8      *key_out,
                  gsize        key_length,
                  GError     **error)
{
  gconstpointer salt_data;
  gsize salt_length;
  guint64 n;
  guint64 max_memory;

  g_return_val_if_fail (secret != NULL, FALSE);
  g_return_val_if_fail (salt != NULL, FALSE);

  /* Bounds keep a tampered record from making us allocate gigabytes. */
  if (log2_n < 10 || log2_n > 20 || r < 1 || r > 16 || p < 1 || p > 4)
    return crypto_failed (error, "scrypt parameters");

  n = G_GUINT64_CONSTANT (1) << log2_n;
  max_memory = 128 * (guint64) r * n * p + (G_GUINT64_CONSTANT (1) << 20);
  salt_data = g_bytes_get_data (salt, &salt_length);

  if (EVP_PBE_scrypt (secret, strlen (secret), salt_data, salt_length,
                      n, r, p, max_memory, key_out, key_length) != 1)
    return crypto_failed (error, "scrypt");

  return TRUE;
}

gboolean
fk_crypto_ctr_xor (const guint8  key[FK_AES_KEY_BYTES],
                   const guint8  iv[16],
                   const guint8 *in,
                   guint8       *out,
                   gsize         length)
{
  g_autoptr(EVP_CIPHER_CTX) ctx = EVP_CIPHER_CTX_new ();
  int out_length = 0, final_length = 0;

  return ctx != NULL &&
         EVP_EncryptInit_ex (ctx, EVP_aes_256_ctr (), NULL, key, iv) == 1 &&
         EVP_EncryptUpdate (ctx, out, &out_length, in, (int) length) == 1 &&
         EVP_EncryptFinal_ex (ctx, out + out_length, &final_length) == 1 &&
         (gsize) (out_length + final_length) == length;
}

GBytes *
fk_crypto_seal (GBytes      *key,
                GBytes      *plaintext,
                const char  *aad,
                GError     **error)
{
  g_autoptr(EVP_CIPHER_CTX) ctx = NULL;
  g_autofree guint8 *sealed = NULL;
  const guint8 *key_data, *plain;
  gsize key_length, plain_length;
  int length = 0, final_length = 0;

  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (plaintext != NULL, NULL);

  key_data = g_bytes_get_data (key, &key_length);
  if (key_length != FK_AES_KEY_BYTES)
    {
      crypto_failed (error, "seal key length");
      return NULL;
    }

  plain = g_bytes_get_data (plaintext, &plain_length);
  sealed = g_malloc (FK_GCM_NONCE_BYTES + plain_length + FK_GCM_TAG_BYTES);
  if (RAND_bytes (sealed, FK_GCM_NONCE_BYTES) != 1)
    {
      crypto_failed (error, "nonce");
      return NULL;
    }

  ctx = EVP_CIPHER_CTX_new ();
  if (ctx == NULL ||
      EVP_EncryptInit_ex (ctx, EVP_aes_256_gcm (), NULL, key_data, sealed) != 1 ||
      (aad != NULL && EVP_EncryptUpdate (ctx, NULL, &length, (const guint8 *) aad, strlen (aad)) != 1) ||
      EVP_EncryptUpdate (ctx, sealed + FK_GCM_NONCE_BYTES, &length, plain, (int) plain_length) != 1 ||
      EVP_EncryptFinal_ex (ctx, sealed + FK_GCM_NONCE_BYTES + length, &final_length) != 1 ||
      EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_GET_TAG, FK_GCM_TAG_BYTES,
                           sealed + FK_GCM_NONCE_BYTES + plain_length) != 1)
    {
      crypto_failed (error, "seal");
      return NULL;
    }

  return g_bytes_new_take (g_steal_pointer (&sealed),
                           FK_GCM_NONCE_BYTES + plain_length + FK_GCM_TAG_BYTES);
}

GBytes *
fk_crypto_open (GBytes      *key,
                GBytes      *sealed,
                const char  *aad,
                GError     **error)
{
  g_autoptr(EVP_CIPHER_CTX) ctx = NULL;
  g_autofree guint8 *plain = NULL;
  const guint8 *key_data, *data;
  gsize key_length, length, plain_length;
  int out_length = 0, final_length = 0;

  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (sealed != NULL, NULL);

  key_data = g_bytes_get_data (key, &key_length);
  data = g_bytes_get_data (sealed, &length);
  if (key_length != FK_AES_KEY_BYTES || length < FK_GCM_NONCE_BYTES + FK_GCM_TAG_BYTES)
    {
      crypto_failed (error, "open length");
      return NULL;
    }

  plain_length = length - FK_GCM_NONCE_BYTES - FK_GCM_TAG_BYTES;
  plain = g_malloc (plain_length + 1);
  ctx = EVP_CIPHER_CTX_new ();
  if (ctx == NULL ||
      EVP_DecryptInit_ex (ctx, EVP_aes_256_gcm (), NULL, key_data, data) != 1 ||
      (aad != NULL && EVP_DecryptUpdate (ctx, NULL, &out_length, (const guint8 *) aad, strlen (aad)) != 1) ||
      EVP_DecryptUpdate (ctx, plain, &out_length, data + FK_GCM_NONCE_BYTES, (int) plain_length) != 1 ||
      EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_SET_TAG, FK_GCM_TAG_BYTES,
                           (void *) (data + length - FK_GCM_TAG_BYTES)) != 1 ||
      EVP_DecryptFinal_ex (ctx, plain + out_length, &final_length) != 1)
    {
      fk_crypto_wipe (plain, plain_length);
      g_set_error_literal (error, FK_ERROR, FK_ERROR_STORAGE,
                           fk_error_code_to_message (FK_ERROR_STORAGE));
      return NULL;
    }

  return g_bytes_new_take (g_steal_pointer (&plain), plain_length);
}
