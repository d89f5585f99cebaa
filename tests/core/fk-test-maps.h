/* fk-test-maps.h: what this test process has mapped, for the tests of
 * the modules loaded at their first use
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean  fk_test_mapped      (const char *name);
/* The path of a shared object this process has mapped. */
char     *fk_test_mapped_path (const char *name);

G_END_DECLS
