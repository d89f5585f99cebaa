/* fk-crypto.c: the few primitives Fältkoll needs
 *
 * Checks, errors and wiping are here; the cryptography is OpenSSL's, in
 * fk-crypto-openssl.c, which the app and the CLI load as a module at the
 * first call that needs it (fk-crypto-backend.h says why).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fk-crypto"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "fk-crypto.h"
#include "fk-crypto-backend.h"
#include "fk-error.h"
#ifndef FK_CRYPTO_BUILTIN
#include "fk-module.h"
#endif

#ifdef FK_CRYPTO_BUILTIN
const FkCryptoBackend *fk_crypto_backend_get (void);

static const FkCryptoBackend *
load_backend (void)
{
  return fk_crypto_backend_get ();
}
#else
/* FALTKOLL_CRYPTO_MODULE names it in a build tree. */
static FkModule crypto_module = {
  .what = "crypto",
  .environment_variable = "FALTKOLL_CRYPTO_MODULE",
  .installed_path = FK_CRYPTO_MODULE_PATH,
  .symbol = FK_CRYPTO_BACKEND_GET_SYMBOL,
  .version = FK_CRYPTO_BACKEND_VERSION,
};

static const FkCryptoBackend *
load_backend (void)
{
  return fk_module_get (&crypto_module);
}
#endif

static const FkCryptoBackend *
get_backend (GError **error)
{
  const FkCryptoBackend *backend = load_backend ();

  if (backend == NULL)
    g_set_error_literal (error, FK_ERROR, FK_ERROR_INCOMPLETE_INSTALL,
                         fk_error_code_to_message (FK_ERROR_INCOMPLETE_INSTALL));
  return backend;
}

static gboolean
crypto_failed (GError **error)
{
  g_set_error_literal (error, FK_ERROR, FK_ERROR_FAILED,
                       fk_error_code_to_message (FK_ERROR_FAILED));
  return FALSE;
}

void
fk_crypto_wipe (gpointer data,
                gsize    length)
{
  if (data != NULL && length > 0)
    explicit_bzero (data, length);
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

/* The kernel's generator, as OpenSSL's own is seeded from: no module
 * needed for a nonce or a salt. */
static void
fill_random (guint8 *data,
             gsize   length)
{
  while (length > 0)
    {
      gssize got = getrandom (data, length, 0);

      if (got < 0)
        {
          if (errno == EINTR)
            continue;
          g_error ("The system random number generator failed: %s", g_strerror (errno));
        }
      data += got;
      length -= got;
    }
}

GBytes *
fk_crypto_random_bytes (gsize length)
{
  guint8 *data = g_malloc (length);

  fill_random (data, length);
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
  const FkCryptoBackend *backend;

  g_return_val_if_fail (public_key_der != NULL, FALSE);
  g_return_val_if_fail (message != NULL, FALSE);
  g_return_val_if_fail (signature_der != NULL, FALSE);

  backend = get_backend (NULL);
  return backend != NULL && backend->verify (public_key_der, message, signature_der);
}

gboolean
fk_crypto_generate_key (guint8    scalar_out[FK_EC_SCALAR_BYTES],
                        GBytes  **public_key_der_out,
                        GError  **error)
{
  const FkCryptoBackend *backend = get_backend (error);

  if (backend == NULL)
    return FALSE;

  if (!backend->generate_key (scalar_out, public_key_der_out))
    {
      fk_crypto_wipe (scalar_out, FK_EC_SCALAR_BYTES);
      return crypto_failed (error);
    }

  return TRUE;
}

GBytes *
fk_crypto_sign (const guint8   scalar[FK_EC_SCALAR_BYTES],
                GBytes        *message,
                GError       **error)
{
  const FkCryptoBackend *backend;
  GBytes *signature;

  g_return_val_if_fail (message != NULL, NULL);

  backend = get_backend (error);
  if (backend == NULL)
    return NULL;

  signature = backend->sign (scalar, message);
  if (signature == NULL)
    crypto_failed (error);

  return signature;
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
  const FkCryptoBackend *backend;
  guint64 n;
  guint64 max_memory;

  g_return_val_if_fail (secret != NULL, FALSE);
  g_return_val_if_fail (salt != NULL, FALSE);

  /* Bounds keep a tampered record from making us allocate gigabytes. */
  if (log2_n < 10 || log2_n > 20 || r < 1 || r > 16 || p < 1 || p > 4)
    {
      g_debug ("scrypt parameters out of bounds");
      return crypto_failed (error);
    }

  backend = get_backend (error);
  if (backend == NULL)
    return FALSE;

  n = G_GUINT64_CONSTANT (1) << log2_n;
  max_memory = 128 * (guint64) r * n * p + (G_GUINT64_CONSTANT (1) << 20);
  if (!backend->scrypt (secret, salt, n, r, p, max_memory, key_out, key_length))
    return crypto_failed (error);

  return TRUE;
}

gboolean
fk_crypto_ctr_xor (const guint8  key[FK_AES_KEY_BYTES],
                   const guint8  iv[16],
                   const guint8 *in,
                   guint8       *out,
                   gsize         length)
{
  const FkCryptoBackend *backend = get_backend (NULL);

  return backend != NULL && backend->ctr_xor (key, iv, in, out, length);
}

GBytes *
fk_crypto_seal (GBytes      *key,
                GBytes      *plaintext,
                const char  *aad,
                GError     **error)
{
  const FkCryptoBackend *backend;
  g_autofree guint8 *sealed = NULL;
  const guint8 *key_data, *plain;
  gsize key_length, plain_length;

  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (plaintext != NULL, NULL);

  key_data = g_bytes_get_data (key, &key_length);
  if (key_length != FK_AES_KEY_BYTES)
    {
      g_debug ("seal: key of %" G_GSIZE_FORMAT " bytes", key_length);
      crypto_failed (error);
      return NULL;
    }

  backend = get_backend (error);
  if (backend == NULL)
    return NULL;

  plain = g_bytes_get_data (plaintext, &plain_length);
  sealed = g_malloc (FK_GCM_NONCE_BYTES + plain_length + FK_GCM_TAG_BYTES);
  fill_random (sealed, FK_GCM_NONCE_BYTES);
  if (!backend->gcm_seal (key_data, plain, plain_length, aad, sealed))
    {
      crypto_failed (error);
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
  const FkCryptoBackend *backend;
  g_autofree guint8 *plain = NULL;
  const guint8 *key_data, *data;
  gsize key_length, length, plain_length;

  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (sealed != NULL, NULL);

  key_data = g_bytes_get_data (key, &key_length);
  data = g_bytes_get_data (sealed, &length);
  if (key_length != FK_AES_KEY_BYTES || length < FK_GCM_NONCE_BYTES + FK_GCM_TAG_BYTES)
    {
      g_debug ("open: wrong lengths");
      crypto_failed (error);
      return NULL;
    }

  backend = get_backend (error);
  if (backend == NULL)
    return NULL;

  plain_length = length - FK_GCM_NONCE_BYTES - FK_GCM_TAG_BYTES;
  plain = g_malloc (plain_length + 1);
  if (!backend->gcm_open (key_data, data, length, aad, plain))
    {
      fk_crypto_wipe (plain, plain_length);
      g_set_error_literal (error, FK_ERROR, FK_ERROR_STORAGE,
                           fk_error_code_to_message (FK_ERROR_STORAGE));
      return NULL;
    }

  return g_bytes_new_take (g_steal_pointer (&plain), plain_length);
}
