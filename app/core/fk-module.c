/* fk-module.c: the parts of Fältkoll loaded at their first use
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fk-module"

#include "config.h"

#include <gmodule.h>

#include "fk-module.h"

typedef gconstpointer (*GetTableFunc) (void);

gconstpointer
fk_module_load (const char *what,
                const char *environment_variable,
                const char *installed_path,
                const char *symbol,
                guint       version)
{
  const char *path = g_getenv (environment_variable);
  GetTableFunc get_table = NULL;
  gconstpointer table;
  GModule *module;

  if (path == NULL || path[0] == '\0')
    path = installed_path;

  module = g_module_open (path, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
  if (module == NULL)
    {
      g_warning ("Cannot load the %s module: %s", what, g_module_error ());
      return NULL;
    }

  if (!g_module_symbol (module, symbol, (gpointer *) &get_table) || get_table == NULL ||
      (table = get_table ()) == NULL || *(const guint *) table != version)
    {
      g_warning ("%s is not the %s module of this version of Fältkoll", path, what);
      g_module_close (module);
      return NULL;
    }

  /* Its code stays in use for as long as the process runs. */
  g_module_make_resident (module);
  return table;
}
