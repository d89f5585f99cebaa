/* fk-crypto-openssl.c: fk-crypto.c's primitives on OpenSSL 3
 *
 * The app and the CLI load this as the module fk-crypto-openssl.so; the
 * reference server builds it in.  fk-crypto-backend.h says why.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fk-crypto"

#include "config.h"

#include <string.h>

#include <gmodule.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include "fk-crypto.h"
#include "fk-crypto-backend.h"

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
failed (const char *what)
{
  /* OpenSSL's own error text can carry key material context; keep it out. */
  g_debug ("OpenSSL failure in %s", what);
  return FALSE;
}

static gboolean
openssl_verify (GBytes *public_key_der,
                GBytes *message,
                GBytes *signature_der)
{
  g_autoptr(EVP_PKEY) pkey = NULL;
  g_autoptr(EVP_MD_CTX) ctx = NULL;
  const guint8 *der;
  gsize der_length, message_length, signature_length;
  gconstpointer message_data, signature_data;

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

static gboolean
openssl_generate_key (guint8  *scalar_out,
                      GBytes **public_key_der_out)
{
  g_autoptr(EVP_PKEY) pkey = NULL;
  g_autoptr(BIGNUM) priv = NULL;
  guint8 *der = NULL;
  int der_length;

  pkey = EVP_PKEY_Q_keygen (NULL, NULL, "EC", "P-256");
  if (pkey == NULL)
    return failed ("keygen");

  if (EVP_PKEY_get_bn_param (pkey, OSSL_PKEY_PARAM_PRIV_KEY, &priv) != 1 ||
      BN_bn2binpad (priv, scalar_out, FK_EC_SCALAR_BYTES) != FK_EC_SCALAR_BYTES)
    return failed ("export scalar");

  der_length = i2d_PUBKEY (pkey, &der);
  if (der_length <= 0)
    return failed ("export public key");

  *public_key_der_out = g_bytes_new (der, der_length);
  OPENSSL_free (der);
  return TRUE;
}

/* Builds the key for a scalar.  Reducing mod n means every 32-byte string,
 * so every PIN, yields a usable key: no "invalid key" signal for a guess. */
static EVP_PKEY *
key_from_scalar (const guint8 *scalar)
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
      failed ("scalar");
      return NULL;
    }

  point = EC_POINT_new (group);
  if (point == NULL ||
      EC_POINT_mul (group, point, priv, NULL, NULL, bn_ctx) != 1)
    {
      failed ("public point");
      return NULL;
    }
  pub_length = EC_POINT_point2oct (group, point, POINT_CONVERSION_UNCOMPRESSED,
                                   pub, sizeof pub, bn_ctx);
  if (pub_length == 0)
    {
      failed ("encode point");
      return NULL;
    }

  bld = OSSL_PARAM_BLD_new ();
  if (bld == NULL ||
      OSSL_PARAM_BLD_push_utf8_string (bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) != 1 ||
      OSSL_PARAM_BLD_push_BN (bld, OSSL_PKEY_PARAM_PRIV_KEY, priv) != 1 ||
      OSSL_PARAM_BLD_push_octet_string (bld, OSSL_PKEY_PARAM_PUB_KEY, pub, pub_length) != 1 ||
      (params = OSSL_PARAM_BLD_to_param (bld)) == NULL)
    {
      failed ("params");
      return NULL;
    }

  ctx = EVP_PKEY_CTX_new_from_name (NULL, "EC", NULL);
  if (ctx == NULL ||
      EVP_PKEY_fromdata_init (ctx) != 1 ||
      EVP_PKEY_fromdata (ctx, &pkey, EVP_PKEY_KEYPAIR, params) != 1)
    {
      failed ("fromdata");
      return NULL;
    }

  return pkey;
}

static GBytes *
openssl_sign (const guint8 *scalar,
              GBytes       *message)
{
  g_autoptr(EVP_PKEY) pkey = NULL;
  g_autoptr(EVP_MD_CTX) ctx = NULL;
  g_autofree guint8 *signature = NULL;
  gconstpointer data;
  gsize length, signature_length = 0;

  pkey = key_from_scalar (scalar);
  if (pkey == NULL)
    return NULL;

  data = g_bytes_get_data (message, &length);
  ctx = EVP_MD_CTX_new ();
  if (ctx == NULL ||
      EVP_DigestSignInit (ctx, NULL, EVP_sha256 (), NULL, pkey) != 1 ||
      EVP_DigestSign (ctx, NULL, &signature_length, data, length) != 1)
    {
      failed ("sign init");
      return NULL;
    }

  signature = g_malloc (signature_length);
  if (EVP_DigestSign (ctx, signature, &signature_length, data, length) != 1)
    {
      failed ("sign");
      return NULL;
    }

  return g_bytes_new_take (g_steal_pointer (&signature), signature_length);
}

static gboolean
openssl_scrypt (const char *secret,
                GBytes     *salt,
                guint64     n,
                guint       r,
                guint       p,
                guint64     max_memory,
                guint8     *key_out,
                gsize       key_length)
{
  gconstpointer salt_data;
  gsize salt_length;

  salt_data = g_bytes_get_data (salt, &salt_length);
  if (EVP_PBE_scrypt (secret, strlen (secret), salt_data, salt_length,
                      n, r, p, max_memory, key_out, key_length) != 1)
    return failed ("scrypt");

  return TRUE;
}

static gboolean
openssl_ctr_xor (const guint8 *key,
                 const guint8 *iv,
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

static gboolean
openssl_gcm_seal (const guint8 *key,
                  const guint8 *plain,
                  gsize         plain_length,
                  const char   *aad,
                  guint8       *sealed)
{
  g_autoptr(EVP_CIPHER_CTX) ctx = EVP_CIPHER_CTX_new ();
  int length = 0, final_length = 0;

  if (ctx == NULL ||
      EVP_EncryptInit_ex (ctx, EVP_aes_256_gcm (), NULL, key, sealed) != 1 ||
      (aad != NULL && EVP_EncryptUpdate (ctx, NULL, &length, (const guint8 *) aad, strlen (aad)) != 1) ||
      EVP_EncryptUpdate (ctx, sealed + FK_GCM_NONCE_BYTES, &length, plain, (int) plain_length) != 1 ||
      EVP_EncryptFinal_ex (ctx, sealed + FK_GCM_NONCE_BYTES + length, &final_length) != 1 ||
      EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_GET_TAG, FK_GCM_TAG_BYTES,
                           sealed + FK_GCM_NONCE_BYTES + plain_length) != 1)
    return failed ("seal");

  return TRUE;
}

static gboolean
openssl_gcm_open (const guint8 *key,
                  const guint8 *sealed,
                  gsize         sealed_length,
                  const char   *aad,
                  guint8       *plain)
{
  g_autoptr(EVP_CIPHER_CTX) ctx = EVP_CIPHER_CTX_new ();
  gsize plain_length = sealed_length - FK_GCM_NONCE_BYTES - FK_GCM_TAG_BYTES;
  int out_length = 0, final_length = 0;

  return ctx != NULL &&
         EVP_DecryptInit_ex (ctx, EVP_aes_256_gcm (), NULL, key, sealed) == 1 &&
         (aad == NULL || EVP_DecryptUpdate (ctx, NULL, &out_length, (const guint8 *) aad, strlen (aad)) == 1) &&
         EVP_DecryptUpdate (ctx, plain, &out_length, sealed + FK_GCM_NONCE_BYTES, (int) plain_length) == 1 &&
         EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_GCM_SET_TAG, FK_GCM_TAG_BYTES,
                              (void *) (sealed + sealed_length - FK_GCM_TAG_BYTES)) == 1 &&
         EVP_DecryptFinal_ex (ctx, plain + out_length, &final_length) == 1;
}

G_MODULE_EXPORT const FkCryptoBackend *fk_crypto_backend_get (void);

const FkCryptoBackend *
fk_crypto_backend_get (void)
{
  static const FkCryptoBackend backend = {
    FK_CRYPTO_BACKEND_VERSION,
    openssl_verify,
    openssl_generate_key,
    openssl_sign,
    openssl_scrypt,
    openssl_ctr_xor,
    openssl_gcm_seal,
    openssl_gcm_open,
  };

  return &backend;
}
