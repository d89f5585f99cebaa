/* test-start-page.c: the real app on a device it last saw locked opens on
 * the login page at once and asks the keyring after that first frame; a
 * PIN entered before the keyring answered still logs in; any other device
 * waits for the keyring, so that it never opens on a wrong page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "fk-enroll-page.h"
#include "fk-login-page.h"
#include "fk-window.h"
#include "fk-ui-test-client.h"
#include "fk-ui-test-utils.h"

typedef struct {
  const char    *data_dir;
  gboolean       log_in_at_first_frame;
  FkClientState  final_state;

  GtkWidget     *window;         /* borrowed, while the app runs */
  gboolean       painted;
  FkClientState  state_at_first_frame;
  GType          page_at_first_frame;
  GAsyncResult  *login_result;
} Run;

static GType
shown_page (GtkWidget *window)
{
  GtkWidget *login = fk_ui_test_find_by_type (window, FK_TYPE_LOGIN_PAGE);
  GtkWidget *enroll = fk_ui_test_find_by_type (window, FK_TYPE_ENROLL_PAGE);

  if (login != NULL && gtk_widget_get_mapped (login))
    return FK_TYPE_LOGIN_PAGE;
  if (enroll != NULL && gtk_widget_get_mapped (enroll))
    return FK_TYPE_ENROLL_PAGE;
  return G_TYPE_NONE;
}

static void
on_after_paint (GdkFrameClock *frame_clock,
                Run           *run)
{
  FkClient *client = fk_window_get_client (FK_WINDOW (run->window));

  g_signal_handlers_disconnect_by_func (frame_clock, on_after_paint, run);
  run->state_at_first_frame = fk_client_get_state (client);
  run->page_at_first_frame = shown_page (run->window);
  run->painted = TRUE;

  /* As an officer quick with the pad would. */
  if (run->log_in_at_first_frame)
    fk_client_login_async (client, FK_UI_TEST_PIN, NULL, fk_test_keep_result, &run->login_result);
}

static void
on_realize (GtkWidget *window,
            Run       *run)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (on_after_paint), run);
}

/* Before the window can paint: its first frame is the one to see. */
static void
on_window_added (GtkWidget *window,
                 gpointer   user_data)
{
  Run *run = user_data;

  run->window = window;
  g_signal_connect (window, "realize", G_CALLBACK (on_realize), run);
}

static void
check_start (GtkWidget *window,
             gpointer   user_data)
{
  Run *run = user_data;
  FkClient *client = fk_window_get_client (FK_WINDOW (window));

  fk_ui_test_wait_until (&run->painted, 20);
  if (run->log_in_at_first_frame)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (fk_client_login_finish (client, fk_test_wait_for (&run->login_result), &error));
      g_assert_no_error (error);
      g_clear_object (&run->login_result);
    }
  fk_ui_test_wait_state (client, run->final_state, 20);
}

static char *
locked_data_dir (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);

  return g_settings_get_string (settings, "locked-data-dir");
}

static void
test_start_page (void)
{
  g_autoptr(FkUiTestClient) device = fk_ui_test_client_new (NULL);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  const char *locked_dir = fk_client_get_data_dir (device->client);
  g_autofree char *fresh_dir = g_build_filename (g_getenv ("FK_TEST_ROOT"), "fresh-XXXXXX", NULL);
  g_autofree char *hint = NULL;
  Run first = { .data_dir = locked_dir, .final_state = FK_CLIENT_STATE_LOCKED };
  Run again = { .data_dir = locked_dir, .log_in_at_first_frame = TRUE, .final_state = FK_CLIENT_STATE_UNLOCKED };
  Run other = { .data_dir = fresh_dir, .final_state = FK_CLIENT_STATE_NOT_ENROLLED };

  /* Never seen: the window waits for the keyring and opens on its page. */
  g_assert_cmpstr ((hint = locked_data_dir ()), ==, "");
  g_clear_pointer (&hint, g_free);
  fk_ui_test_run_app (first.data_dir, on_window_added, check_start, &first);
  g_assert_cmpint (first.state_at_first_frame, ==, FK_CLIENT_STATE_LOCKED);
  g_assert_true (first.page_at_first_frame == FK_TYPE_LOGIN_PAGE);
  g_assert_cmpstr ((hint = locked_data_dir ()), ==, locked_dir);
  g_clear_pointer (&hint, g_free);

  /* Seen locked: the login page first, the keyring after it. */
  fk_ui_test_run_app (again.data_dir, on_window_added, check_start, &again);
  g_assert_cmpint (again.state_at_first_frame, ==, FK_CLIENT_STATE_LOADING);
  g_assert_true (again.page_at_first_frame == FK_TYPE_LOGIN_PAGE);
  /* A session runs now: the next start must wait to show it. */
  g_assert_cmpstr ((hint = locked_data_dir ()), ==, "");
  g_clear_pointer (&hint, g_free);

  /* Another data directory is another device: no guess from this one's. */
  g_settings_set_string (settings, "locked-data-dir", locked_dir);
  g_assert_nonnull (g_mkdtemp (fresh_dir));
  fk_ui_test_run_app (other.data_dir, on_window_added, check_start, &other);
  g_assert_cmpint (other.state_at_first_frame, ==, FK_CLIENT_STATE_NOT_ENROLLED);
  g_assert_true (other.page_at_first_frame == FK_TYPE_ENROLL_PAGE);
  g_assert_cmpstr ((hint = locked_data_dir ()), ==, locked_dir);
}

int
main (int   argc,
      char *argv[])
{
  fk_ui_test_init (&argc, &argv);

  g_test_add_func ("/start-page/login-first-when-last-seen-locked", test_start_page);

  return g_test_run ();
}
