/* fk-module.h: the parts of Fältkoll loaded at their first use
 *
 * libcurl (fk-http-transport.h) and libcrypto (fk-crypto-backend.h) each
 * live in a module of their own, so a start to the login page reads
 * neither; libsecret (fk-secret-backend.h) is loaded by the keyring's
 * thread and SQLite (fk-store-backend.h) by the store's, off the main
 * one.  A module exports one function that returns its table, and every
 * table starts with its version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A module, declared static by its one user. */
typedef struct {
  const char    *what;                  /* for the journal: "HTTP" */
  const char    *environment_variable;  /* names another file, as tests do */
  const char    *installed_path;
  const char    *symbol;                /* the function that returns the table */
  guint          version;               /* the table's first member must equal it */
  /* Set by fk_module_get. */
  gsize          loaded;
  gconstpointer  table;
} FkModule;

/* The module's table, opened by whichever thread asks first and kept for
 * the life of the process; NULL, after one warning for the journal, if
 * the file is missing or is not that module of this version. */
gconstpointer fk_module_get (FkModule *module);

G_END_DECLS
