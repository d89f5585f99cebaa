/* fk-test-modules.h: for the tests of the modules loaded at their first
 * use (fk-module.h)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Whether this process has mapped a file whose path contains @name. */
gboolean  fk_test_mapped          (const char *name);
/* The path of a shared object this process has mapped. */
char     *fk_test_mapped_path     (const char *name);

/* Runs @expect (@module) in a subprocess of the test, where it points the
 * code under test at @module, and checks that the journal said @warning
 * (a g_test_trap_assert_stderr pattern) without the process failing. */
void      fk_test_module_unusable (void      (*expect) (const char *module),
                                   const char *module,
                                   const char *warning);

G_END_DECLS
