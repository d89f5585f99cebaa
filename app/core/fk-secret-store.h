/* fk-secret-store.h: Fältkoll's secrets in the user's keyring (libsecret)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
  FK_SECRET_TOKEN,        /* PIN-wrapped key and enrollment; default collection */
  FK_SECRET_SESSION,      /* session token and data key; session collection */
  FK_SECRET_FINGERPRINT,  /* the key of the fingerprint copy, or K under
                           * pin-and-fingerprint; default collection */
} FkSecretKind;

/* Secrets are scoped to a data directory: its store is what they unlock,
 * and two stores (two test devices) never share a token.
 * @secret is a JSON text; it is copied into libsecret's non-pageable memory. */
void      fk_secret_store_save_async    (const char           *scope,
                                         FkSecretKind          kind,
                                         const char           *secret,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
gboolean  fk_secret_store_save_finish   (GAsyncResult         *result,
                                         GError              **error);

/* Returns the secret (free with fk_secret_free) or NULL with no error when
 * there is none. */
void      fk_secret_store_load_async    (const char           *scope,
                                         FkSecretKind          kind,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
char     *fk_secret_store_load_finish   (GAsyncResult         *result,
                                         GError              **error);

void      fk_secret_store_clear_async   (const char           *scope,
                                         FkSecretKind          kind,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
gboolean  fk_secret_store_clear_finish  (GAsyncResult         *result,
                                         GError              **error);

/* Completes when every operation asked for before it has. */
void      fk_secret_store_flush_async   (GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
gboolean  fk_secret_store_flush_finish  (GAsyncResult         *result,
                                         GError              **error);

/* Wipes before freeing. */
void      fk_secret_free                (char                 *secret);

G_END_DECLS
