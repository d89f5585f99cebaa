/* fk-module.h: the parts of Fältkoll loaded at their first use
 *
 * libcurl (fk-http-transport.h) and libcrypto (fk-crypto-backend.h) each
 * live in a module of their own, so a start to the login page reads
 * neither.  A module exports one function that returns its table, and
 * every table starts with its version.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Opens the module named by $@environment_variable, or else at
 * @installed_path, and returns the table that its function @symbol gives,
 * if that table is of @version; otherwise warns, for the journal, and
 * returns NULL.  Loads anew at each call: callers keep the table. */
gconstpointer fk_module_load (const char *what,
                              const char *environment_variable,
                              const char *installed_path,
                              const char *symbol,
                              guint       version);

G_END_DECLS
