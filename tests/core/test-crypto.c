/* test-crypto.c: fk-crypto through its OpenSSL module
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "fk-crypto.h"
#include "fk-error.h"

#include "fk-test-modules.h"

static GBytes *
some_key (void)
{
  return fk_crypto_random_bytes (FK_AES_KEY_BYTES);
}

static void
test_module_at_first_use (void)
{
  g_autoptr(GBytes) salt = NULL;
  g_autoptr(GError) error = NULL;
  guint8 key[FK_AES_KEY_BYTES];

  /* Random bytes and wiping come from the kernel and libc: no module. */
  salt = fk_crypto_random_bytes (16);
  g_assert_cmpuint (g_bytes_get_size (salt), ==, 16);
  g_assert_false (fk_test_mapped ("libcrypto"));
  g_assert_false (fk_test_mapped ("fk-crypto-openssl.so"));

  g_assert_true (fk_crypto_scrypt ("123456", salt, 10, 8, 1, key, sizeof key, &error));
  g_assert_no_error (error);
  g_assert_true (fk_test_mapped ("fk-crypto-openssl.so"));
  g_assert_true (fk_test_mapped ("libcrypto"));
}

static void
test_seal_open (void)
{
  g_autoptr(GBytes) key = some_key ();
  g_autoptr(GBytes) other_key = some_key ();
  g_autoptr(GBytes) plain = g_bytes_new_static ("a tip", 5);
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GBytes) sealed_again = NULL;
  g_autoptr(GBytes) opened = NULL;
  g_autoptr(GBytes) tampered = NULL;
  g_autoptr(GError) error = NULL;
  guint8 *bytes;
  gsize length;

  sealed = fk_crypto_seal (key, plain, "record:1", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (sealed), ==, FK_GCM_NONCE_BYTES + 5 + FK_GCM_TAG_BYTES);

  /* A fresh nonce each time. */
  sealed_again = fk_crypto_seal (key, plain, "record:1", &error);
  g_assert_no_error (error);
  g_assert_false (g_bytes_equal (sealed, sealed_again));

  opened = fk_crypto_open (key, sealed, "record:1", &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (opened, plain));

  /* Another key, another record's AAD, or a flipped bit: nothing opens. */
  g_assert_null (fk_crypto_open (other_key, sealed, "record:1", &error));
  g_assert_error (error, FK_ERROR, FK_ERROR_STORAGE);
  g_clear_error (&error);
  g_assert_null (fk_crypto_open (key, sealed, "record:2", &error));
  g_assert_error (error, FK_ERROR, FK_ERROR_STORAGE);
  g_clear_error (&error);

  bytes = g_bytes_unref_to_data (g_bytes_ref (sealed), &length);
  bytes[FK_GCM_NONCE_BYTES] ^= 1;
  tampered = g_bytes_new_take (bytes, length);
  g_assert_null (fk_crypto_open (key, tampered, "record:1", &error));
  g_assert_error (error, FK_ERROR, FK_ERROR_STORAGE);
}

static void
test_sign_verify (void)
{
  g_autoptr(GBytes) public_key = NULL;
  g_autoptr(GBytes) message = g_bytes_new_static ("challenge", 9);
  g_autoptr(GBytes) other_message = g_bytes_new_static ("Challenge", 9);
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(GError) error = NULL;
  guint8 scalar[FK_EC_SCALAR_BYTES];

  g_assert_true (fk_crypto_generate_key (scalar, &public_key, &error));
  g_assert_no_error (error);

  signature = fk_crypto_sign (scalar, message, &error);
  g_assert_no_error (error);
  g_assert_true (fk_crypto_verify (public_key, message, signature));
  g_assert_false (fk_crypto_verify (public_key, other_message, signature));

  fk_crypto_wipe (scalar, sizeof scalar);
  for (gsize i = 0; i < sizeof scalar; i++)
    g_assert_cmpuint (scalar[i], ==, 0);
}

static void
test_ctr_is_its_own_inverse (void)
{
  guint8 key[FK_AES_KEY_BYTES] = { 1, 2, 3 };
  guint8 iv[16] = { 4, 5, 6 };
  const guint8 plain[FK_EC_SCALAR_BYTES] = "thirty-two bytes of a scalar...";
  guint8 wrapped[FK_EC_SCALAR_BYTES];
  guint8 unwrapped[FK_EC_SCALAR_BYTES];

  g_assert_true (fk_crypto_ctr_xor (key, iv, plain, wrapped, sizeof plain));
  g_assert_true (memcmp (wrapped, plain, sizeof plain) != 0);
  g_assert_true (fk_crypto_ctr_xor (key, iv, wrapped, unwrapped, sizeof wrapped));
  g_assert_cmpmem (unwrapped, sizeof unwrapped, plain, sizeof plain);
}

static void
test_scrypt_bounds (void)
{
  g_autoptr(GBytes) salt = fk_crypto_random_bytes (16);
  g_autoptr(GError) error = NULL;
  guint8 key[FK_AES_KEY_BYTES];

  /* A tampered record must not make us allocate gigabytes. */
  g_assert_false (fk_crypto_scrypt ("123456", salt, 30, 8, 1, key, sizeof key, &error));
  g_assert_error (error, FK_ERROR, FK_ERROR_FAILED);
}

/* With the module unusable, every call that needs it says to reinstall,
 * and the ones that do not still work. */
static void
expect_incomplete_install (const char *module)
{
  g_autoptr(GBytes) salt = NULL;
  g_autoptr(GBytes) public_key = NULL;
  g_autoptr(GError) error = NULL;
  guint8 key[FK_AES_KEY_BYTES] = { 0 };
  guint8 out[4];

  /* The warning for the journal is the point; it must not abort here. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK);
  g_setenv ("FALTKOLL_CRYPTO_MODULE", module, TRUE);

  salt = fk_crypto_random_bytes (16);
  g_assert_false (fk_crypto_scrypt ("123456", salt, 10, 8, 1, key, sizeof key, &error));
  g_assert_error (error, FK_ERROR, FK_ERROR_INCOMPLETE_INSTALL);
  g_assert_cmpstr (error->message, ==, fk_error_code_to_message (FK_ERROR_INCOMPLETE_INSTALL));
  g_clear_error (&error);

  g_assert_false (fk_crypto_generate_key (key, &public_key, &error));
  g_assert_error (error, FK_ERROR, FK_ERROR_INCOMPLETE_INSTALL);
  g_assert_false (fk_crypto_ctr_xor (key, key, (const guint8 *) "abcd", out, sizeof out));
  g_assert_false (fk_test_mapped ("libcrypto"));
}

static void
test_module_missing (void)
{
  g_autofree char *missing = g_build_filename (g_get_tmp_dir (), "fk-no-such-dir", "fk-crypto-openssl.so", NULL);

  fk_test_module_unusable (expect_incomplete_install, missing, "*Cannot load the crypto module*");
}

static void
test_module_foreign (void)
{
  /* A real shared object, but not ours: GLib's own. */
  g_autofree char *foreign = fk_test_mapped_path ("libglib-2.0.so");

  fk_test_module_unusable (expect_incomplete_install, foreign, "*is not the crypto module of this version*");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* First: it checks that nothing before it loaded the module. */
  g_test_add_func ("/crypto/module-at-first-use", test_module_at_first_use);
  g_test_add_func ("/crypto/seal-open", test_seal_open);
  g_test_add_func ("/crypto/sign-verify", test_sign_verify);
  g_test_add_func ("/crypto/ctr-is-its-own-inverse", test_ctr_is_its_own_inverse);
  g_test_add_func ("/crypto/scrypt-bounds", test_scrypt_bounds);
  g_test_add_func ("/crypto/module-missing", test_module_missing);
  g_test_add_func ("/crypto/module-foreign", test_module_foreign);

  return g_test_run ();
}
