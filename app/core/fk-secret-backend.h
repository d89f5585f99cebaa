/* fk-secret-backend.h: what fk-secret-store.c asks of libsecret
 *
 * libsecret and the libgcrypt it brings are 1.7 MB.  Linked into the app,
 * a cold start read them on the main thread before main(), which also
 * resolved their symbols there; the login page needs neither until the
 * keyring is asked for the token, which its own thread does.  So that
 * thread loads them in a module, fk-secret-libsecret.so, at its first
 * operation (fk-module.h).
 *
 * The module only talks to the keyring: fk-secret-store.c queues the
 * operations, makes the errors and keeps the secrets' lifetimes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Raised whenever the struct below changes shape. */
#define FK_SECRET_BACKEND_VERSION 1

/* The module's one exported symbol: a function of no arguments that
 * returns its FkSecretBackend (fk-module.h). */
#define FK_SECRET_BACKEND_GET_SYMBOL "fk_secret_backend_get"

/* Blocking calls, made on the keyring's thread only.  An item is found by
 * its @kind and @scope; @error is libsecret's own. */
typedef struct {
  guint      version;               /* FK_SECRET_BACKEND_VERSION; first, always */
  gboolean (*save)        (gboolean       session_collection,
                           const char    *label,
                           const char    *kind,
                           const char    *scope,
                           const char    *secret,
                           GCancellable  *cancellable,
                           GError       **error);
  /* NULL without error when there is no such item; the secret is in
   * non-pageable memory, for free_secret. */
  char    *(*load)        (const char    *kind,
                           const char    *scope,
                           GCancellable  *cancellable,
                           GError       **error);
  /* FALSE without error when there was nothing to clear. */
  gboolean (*clear)       (const char    *kind,
                           const char    *scope,
                           GCancellable  *cancellable,
                           GError       **error);
  /* Wipes, then frees, what load returned. */
  void     (*free_secret) (char          *secret);
} FkSecretBackend;

G_END_DECLS
