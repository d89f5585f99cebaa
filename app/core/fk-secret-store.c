/* fk-secret-store.c: Fältkoll's secrets in the user's keyring (libsecret)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fk-secret-store"

#include "config.h"

#include <libsecret/secret.h>

#include "fk-error.h"
#include "fk-secret-store.h"

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    "io.github.faltkoll.Faltkoll.Secret", SECRET_SCHEMA_NONE,
    {
      { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "scope", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };

  return &schema;
}

static const char *
kind_to_string (FkSecretKind kind)
{
  return kind == FK_SECRET_TOKEN ? "token" : "session";
}

static void
propagate_keyring_error (GTask  *task,
                         GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, error);
      return;
    }

  /* The keyring's own message may name paths or D-Bus internals; the
   * officer gets our sentence, the journal gets the detail. */
  g_warning ("Keyring: %s", error->message);
  g_error_free (error);
  g_task_return_new_error (task, FK_ERROR, FK_ERROR_KEYRING, "%s",
                           fk_error_code_to_message (FK_ERROR_KEYRING));
}

static void
on_store_ready (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!secret_password_store_finish (result, &error))
    propagate_keyring_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
fk_secret_store_save_async (const char          *scope,
                            FkSecretKind         kind,
                            const char          *secret,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, fk_secret_store_save_async);
  secret_password_store (get_schema (),
                         kind == FK_SECRET_TOKEN ? SECRET_COLLECTION_DEFAULT : SECRET_COLLECTION_SESSION,
                         kind == FK_SECRET_TOKEN ? "Fältkoll Mobile service ID" : "Fältkoll session",
                         secret, cancellable, on_store_ready, g_steal_pointer (&task),
                         "kind", kind_to_string (kind),
                         "scope", scope,
                         NULL);
}

gboolean
fk_secret_store_save_finish (GAsyncResult  *result,
                             GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_lookup_ready (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *secret;

  secret = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    propagate_keyring_error (task, error);
  else
    g_task_return_pointer (task, secret, (GDestroyNotify) fk_secret_free);
}

void
fk_secret_store_load_async (const char          *scope,
                            FkSecretKind         kind,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, fk_secret_store_load_async);
  secret_password_lookup (get_schema (), cancellable, on_lookup_ready, g_steal_pointer (&task),
                          "kind", kind_to_string (kind),
                         "scope", scope,
                          NULL);
}

char *
fk_secret_store_load_finish (GAsyncResult  *result,
                             GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_clear_ready (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  /* FALSE without error means there was nothing to clear: fine. */
  secret_password_clear_finish (result, &error);
  if (error != NULL)
    propagate_keyring_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
fk_secret_store_clear_async (const char          *scope,
                             FkSecretKind         kind,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, fk_secret_store_clear_async);
  secret_password_clear (get_schema (), cancellable, on_clear_ready, g_steal_pointer (&task),
                         "kind", kind_to_string (kind),
                         "scope", scope,
                         NULL);
}

gboolean
fk_secret_store_clear_finish (GAsyncResult  *result,
                              GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
fk_secret_free (char *secret)
{
  if (secret != NULL)
    secret_password_free (secret);
}
