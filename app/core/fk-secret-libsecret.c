/* fk-secret-libsecret.c: the keyring, through libsecret (fk-secret-backend.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fk-secret-store"

#include "config.h"

#include <gmodule.h>
#include <libsecret/secret.h>

#include "fk-secret-backend.h"

static const SecretSchema schema = {
  "io.github.faltkoll.Faltkoll.Secret", SECRET_SCHEMA_NONE,
  {
    { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "scope", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
};

static gboolean
save (gboolean       session_collection,
      const char    *label,
      const char    *kind,
      const char    *scope,
      const char    *secret,
      GCancellable  *cancellable,
      GError       **error)
{
  return secret_password_store_sync (&schema,
                                     session_collection ? SECRET_COLLECTION_SESSION : SECRET_COLLECTION_DEFAULT,
                                     label, secret, cancellable, error,
                                     "kind", kind,
                                     "scope", scope,
                                     NULL);
}

static char *
load (const char    *kind,
      const char    *scope,
      GCancellable  *cancellable,
      GError       **error)
{
  return secret_password_lookup_sync (&schema, cancellable, error,
                                      "kind", kind,
                                      "scope", scope,
                                      NULL);
}

static gboolean
clear (const char    *kind,
       const char    *scope,
       GCancellable  *cancellable,
       GError       **error)
{
  return secret_password_clear_sync (&schema, cancellable, error,
                                     "kind", kind,
                                     "scope", scope,
                                     NULL);
}

G_MODULE_EXPORT const FkSecretBackend *fk_secret_backend_get (void);

const FkSecretBackend *
fk_secret_backend_get (void)
{
  static const FkSecretBackend backend = {
    .version = FK_SECRET_BACKEND_VERSION,
    .save = save,
    .load = load,
    .clear = clear,
    .free_secret = secret_password_free,
  };

  return &backend;
}
