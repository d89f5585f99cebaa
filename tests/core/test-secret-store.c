/* test-secret-store.c: FkSecretStore through its libsecret module, against
 * the real gnome-keyring of fk-test-env
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fk-error.h"
#include "fk-secret-store.h"

#include "fk-test-modules.h"

static void
keep_result (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GAsyncResult **kept = user_data;

  *kept = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **kept)
{
  while (*kept == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *kept;
}

static gboolean
save (const char    *scope,
      FkSecretKind   kind,
      const char    *secret,
      GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  fk_secret_store_save_async (scope, kind, secret, NULL, keep_result, &result);
  return fk_secret_store_save_finish (wait_for (&result), error);
}

static char *
load (const char    *scope,
      FkSecretKind   kind,
      GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  fk_secret_store_load_async (scope, kind, NULL, keep_result, &result);
  return fk_secret_store_load_finish (wait_for (&result), error);
}

static gboolean
clear (const char    *scope,
       FkSecretKind   kind,
       GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  fk_secret_store_clear_async (scope, kind, NULL, keep_result, &result);
  return fk_secret_store_clear_finish (wait_for (&result), error);
}

static gboolean
flush (GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  fk_secret_store_flush_async (NULL, keep_result, &result);
  return fk_secret_store_flush_finish (wait_for (&result), error);
}

static void
test_module_at_first_use (void)
{
  g_autoptr(GError) error = NULL;
  char *secret;

  /* A flush needs no keyring. */
  g_assert_true (flush (&error));
  g_assert_false (fk_test_mapped ("libsecret"));
  g_assert_false (fk_test_mapped ("fk-secret-libsecret.so"));

  secret = load ("/invented/first-use", FK_SECRET_TOKEN, &error);
  g_assert_no_error (error);
  g_assert_null (secret);
  g_assert_true (fk_test_mapped ("fk-secret-libsecret.so"));
  g_assert_true (fk_test_mapped ("libsecret"));
}

static void
test_save_load_clear (void)
{
  const char *scope = "/invented/device-1";
  g_autoptr(GError) error = NULL;
  char *secret;

  g_assert_true (save (scope, FK_SECRET_TOKEN, "{\"token\":1}", &error));
  g_assert_no_error (error);
  g_assert_true (save (scope, FK_SECRET_SESSION, "{\"session\":1}", &error));
  g_assert_no_error (error);

  secret = load (scope, FK_SECRET_TOKEN, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "{\"token\":1}");
  fk_secret_free (secret);

  /* Kinds and scopes keep apart. */
  secret = load (scope, FK_SECRET_SESSION, &error);
  g_assert_cmpstr (secret, ==, "{\"session\":1}");
  fk_secret_free (secret);
  g_assert_null (load (scope, FK_SECRET_FINGERPRINT, &error));
  g_assert_no_error (error);
  g_assert_null (load ("/invented/device-2", FK_SECRET_TOKEN, &error));
  g_assert_no_error (error);

  /* A save replaces. */
  g_assert_true (save (scope, FK_SECRET_TOKEN, "{\"token\":2}", &error));
  secret = load (scope, FK_SECRET_TOKEN, &error);
  g_assert_cmpstr (secret, ==, "{\"token\":2}");
  fk_secret_free (secret);

  g_assert_true (clear (scope, FK_SECRET_TOKEN, &error));
  g_assert_no_error (error);
  g_assert_null (load (scope, FK_SECRET_TOKEN, &error));
  g_assert_no_error (error);
  /* Nothing left to clear is not an error. */
  g_assert_true (clear (scope, FK_SECRET_TOKEN, &error));
  g_assert_no_error (error);

  secret = load (scope, FK_SECRET_SESSION, &error);
  g_assert_cmpstr (secret, ==, "{\"session\":1}");
  fk_secret_free (secret);
  g_assert_true (clear (scope, FK_SECRET_SESSION, &error));
}

/* With the module unusable, every keyring operation says to reinstall. */
static void
expect_incomplete_install (const char *module)
{
  g_autoptr(GError) error = NULL;

  /* The warning for the journal is the point; it must not abort here. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK);
  g_setenv ("FALTKOLL_SECRET_MODULE", module, TRUE);

  g_assert_null (load ("/invented/device-1", FK_SECRET_TOKEN, &error));
  g_assert_error (error, FK_ERROR, FK_ERROR_INCOMPLETE_INSTALL);
  g_assert_cmpstr (error->message, ==, fk_error_code_to_message (FK_ERROR_INCOMPLETE_INSTALL));
  g_clear_error (&error);

  g_assert_false (save ("/invented/device-1", FK_SECRET_TOKEN, "{}", &error));
  g_assert_error (error, FK_ERROR, FK_ERROR_INCOMPLETE_INSTALL);
  g_clear_error (&error);

  g_assert_false (clear ("/invented/device-1", FK_SECRET_SESSION, &error));
  g_assert_error (error, FK_ERROR, FK_ERROR_INCOMPLETE_INSTALL);
  g_clear_error (&error);

  g_assert_true (flush (&error));
  g_assert_false (fk_test_mapped ("libsecret"));
}

static void
test_module_missing (void)
{
  g_autofree char *missing = g_build_filename (g_get_tmp_dir (), "fk-no-such-dir", "fk-secret-libsecret.so", NULL);

  fk_test_module_unusable (expect_incomplete_install, missing, "*Cannot load the keyring module*");
}

static void
test_module_foreign (void)
{
  /* A real shared object, but not ours: GLib's own. */
  g_autofree char *foreign = fk_test_mapped_path ("libglib-2.0.so");

  fk_test_module_unusable (expect_incomplete_install, foreign, "*is not the keyring module of this version*");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* First: it checks that nothing before it loaded the module. */
  g_test_add_func ("/secret-store/module-at-first-use", test_module_at_first_use);
  g_test_add_func ("/secret-store/save-load-clear", test_save_load_clear);
  g_test_add_func ("/secret-store/module-missing", test_module_missing);
  g_test_add_func ("/secret-store/module-foreign", test_module_foreign);

  return g_test_run ();
}
