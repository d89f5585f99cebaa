/* fk-secret-store.c: Fältkoll's secrets in the user's keyring
 *
 * The keyring is reached through libsecret, in a module loaded by the
 * keyring's thread at its first operation (fk-secret-backend.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fk-secret-store"

#include "config.h"

#include <string.h>

#include "fk-crypto.h"
#include "fk-error.h"
#include "fk-module.h"
#include "fk-secret-backend.h"
#include "fk-secret-store.h"

/* FALTKOLL_SECRET_MODULE names it in a build tree. */
static FkModule secret_module = {
  .what = "keyring",
  .environment_variable = "FALTKOLL_SECRET_MODULE",
  .installed_path = FK_SECRET_MODULE_PATH,
  .symbol = FK_SECRET_BACKEND_GET_SYMBOL,
  .version = FK_SECRET_BACKEND_VERSION,
};

static const char *
kind_to_string (FkSecretKind kind)
{
  switch (kind)
    {
    case FK_SECRET_TOKEN:       return "token";
    case FK_SECRET_FINGERPRINT: return "fingerprint";
    case FK_SECRET_SESSION:
    default:                    return "session";
    }
}

typedef enum {
  OP_SAVE,
  OP_LOAD,
  OP_CLEAR,
  OP_FLUSH,
} OpKind;

typedef struct {
  OpKind        kind;
  char         *scope;
  FkSecretKind  secret_kind;
  char         *secret;
} Op;

/* The keyring is asked on its own thread, which loads the module and
 * makes libsecret's blocking calls, so that an answer never waits for the
 * main loop to turn: the start asks for the token while GTK opens the
 * display.  One operation at a time, in the order asked: a clear is a search then a delete, and a
 * save issued between the two would be deleted. */
static GThreadPool *worker;

static const char *
secret_label (FkSecretKind kind)
{
  switch (kind)
    {
    case FK_SECRET_TOKEN:       return "Fältkoll Mobile service ID";
    case FK_SECRET_FINGERPRINT: return "Fältkoll fingerprint key";
    case FK_SECRET_SESSION:
    default:                    return "Fältkoll session";
    }
}

static void
op_free (Op *op)
{
  g_free (op->scope);
  if (op->secret != NULL)
    {
      fk_crypto_wipe (op->secret, strlen (op->secret));
      g_free (op->secret);
    }
  g_free (op);
}

static void
return_keyring_error (GTask  *task,
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
run_op (gpointer data,
        gpointer user_data)
{
  g_autoptr(GTask) task = data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  Op *op = g_task_get_task_data (task);
  const char *kind = kind_to_string (op->secret_kind);
  const FkSecretBackend *backend;
  GError *error = NULL;
  char *secret;

  if (g_task_return_error_if_cancelled (task))
    return;

  /* Its place in the queue is all a flush is for. */
  if (op->kind == OP_FLUSH)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  backend = fk_module_get (&secret_module);
  if (backend == NULL)
    {
      g_task_return_new_error (task, FK_ERROR, FK_ERROR_INCOMPLETE_INSTALL, "%s",
                               fk_error_code_to_message (FK_ERROR_INCOMPLETE_INSTALL));
      return;
    }

  switch (op->kind)
    {
    case OP_SAVE:
      backend->save (op->secret_kind == FK_SECRET_SESSION, secret_label (op->secret_kind),
                     kind, op->scope, op->secret, cancellable, &error);
      break;
    case OP_LOAD:
      secret = backend->load (kind, op->scope, cancellable, &error);
      if (error == NULL)
        {
          g_task_return_pointer (task, secret, (GDestroyNotify) fk_secret_free);
          return;
        }
      break;
    case OP_CLEAR:
      /* FALSE without error means there was nothing to clear: fine. */
      backend->clear (kind, op->scope, cancellable, &error);
      break;
    case OP_FLUSH:
    default:
      g_assert_not_reached ();
    }

  if (error != NULL)
    return_keyring_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
queue_op (OpKind               kind,
          const char          *scope,
          FkSecretKind         secret_kind,
          const char          *secret,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data,
          gpointer             source_tag)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Op *op = g_new0 (Op, 1);

  op->kind = kind;
  op->scope = g_strdup (scope);
  op->secret_kind = secret_kind;
  /* Held only until the keyring has it; wiped by fk_secret_free. */
  op->secret = g_strdup (secret);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, op, (GDestroyNotify) op_free);

  if (g_once_init_enter (&worker))
    g_once_init_leave (&worker, g_thread_pool_new (run_op, NULL, 1, FALSE, NULL));
  g_thread_pool_push (worker, task, NULL);
}

void
fk_secret_store_save_async (const char          *scope,
                            FkSecretKind         kind,
                            const char          *secret,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (scope != NULL && secret != NULL);
  queue_op (OP_SAVE, scope, kind, secret, cancellable, callback, user_data, fk_secret_store_save_async);
}

gboolean
fk_secret_store_save_finish (GAsyncResult  *result,
                             GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
fk_secret_store_load_async (const char          *scope,
                            FkSecretKind         kind,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (scope != NULL);
  queue_op (OP_LOAD, scope, kind, NULL, cancellable, callback, user_data, fk_secret_store_load_async);
}

char *
fk_secret_store_load_finish (GAsyncResult  *result,
                             GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
fk_secret_store_clear_async (const char          *scope,
                             FkSecretKind         kind,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (scope != NULL);
  queue_op (OP_CLEAR, scope, kind, NULL, cancellable, callback, user_data, fk_secret_store_clear_async);
}

gboolean
fk_secret_store_clear_finish (GAsyncResult  *result,
                              GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
fk_secret_store_flush_async (GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  queue_op (OP_FLUSH, NULL, FK_SECRET_TOKEN, NULL, cancellable, callback, user_data, fk_secret_store_flush_async);
}

gboolean
fk_secret_store_flush_finish (GAsyncResult  *result,
                              GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
fk_secret_free (char *secret)
{
  const FkSecretBackend *backend;

  if (secret == NULL)
    return;

  /* Only the module hands out secrets, so it is loaded. */
  backend = fk_module_get (&secret_module);
  backend->free_secret (secret);
}
