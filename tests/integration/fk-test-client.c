/* fk-test-client.c: an FkClient for integration tests
 *
 * Apart from fk-test-server.c, which tests without FkClient link too.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fk-test-client.h"
#include "fk-test-server.h"

FkClient *
fk_test_load_client (const char *data_dir)
{
  g_autoptr(FkClient) client = fk_client_new (data_dir);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fk_client_load_async (client, NULL, fk_test_keep_result, &result);
  g_assert_true (fk_client_load_finish (client, fk_test_wait_for (&result), &error));
  g_assert_no_error (error);
  return g_steal_pointer (&client);
}
