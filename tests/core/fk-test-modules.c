/* fk-test-modules.c: for the tests of the modules loaded at their first use
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "fk-test-modules.h"

gboolean
fk_test_mapped (const char *name)
{
  g_autofree char *maps = NULL;

  g_assert_true (g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL));
  return strstr (maps, name) != NULL;
}

char *
fk_test_mapped_path (const char *name)
{
  g_autofree char *maps = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_true (g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL));
  lines = g_strsplit (maps, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *path = strchr (lines[i], '/');

      if (path != NULL && strstr (path, name) != NULL)
        return g_strdup (path);
    }

  g_assert_not_reached ();
}

void
fk_test_module_unusable (void      (*expect) (const char *module),
                         const char *module,
                         const char *warning)
{
  if (g_test_subprocess ())
    {
      expect (module);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr (warning);
}
