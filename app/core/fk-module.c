/* fk-module.c: the parts of Fältkoll loaded at their first use
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fk-module"

#include "config.h"

#include <gmodule.h>

#include "fk-module.h"

typedef gconstpointer (*GetTableFunc) (void);

static gconstpointer
open_module (const FkModule *module)
{
  const char *path = g_getenv (module->environment_variable);
  GetTableFunc get_table = NULL;
  gconstpointer table;
  GModule *opened;

  if (path == NULL || path[0] == '\0')
    path = module->installed_path;

  opened = g_module_open (path, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
  if (opened == NULL)
    {
      g_warning ("Cannot load the %s module: %s", module->what, g_module_error ());
      return NULL;
    }

  if (!g_module_symbol (opened, module->symbol, (gpointer *) &get_table) || get_table == NULL ||
      (table = get_table ()) == NULL || *(const guint *) table != module->version)
    {
      g_warning ("%s is not the %s module of this version of Fältkoll", path, module->what);
      g_module_close (opened);
      return NULL;
    }

  /* Its code stays in use for as long as the process runs. */
  g_module_make_resident (opened);
  return table;
}

gconstpointer
fk_module_get (FkModule *module)
{
  if (g_once_init_enter (&module->loaded))
    {
      module->table = open_module (module);
      g_once_init_leave (&module->loaded, 1);
    }

  return module->table;
}
