/* fk-test-client.h: an FkClient for integration tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fk-client.h"

G_BEGIN_DECLS

/* A client on the store at @data_dir, loaded (the test fails otherwise). */
FkClient *fk_test_load_client (const char *data_dir);

G_END_DECLS
