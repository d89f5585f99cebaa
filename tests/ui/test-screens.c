/* test-screens.c: every screen at 360×720 and 1280×800, light and dark, as
 * PNGs to look at (and for the metainfo); none wider than a 360-px phone
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The screens show what a real client holds after real work against the
 * real reference server: a draft, a sent tip, a tip waiting offline.
 */
#include "config.h"

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <glib-unix.h>
#include <adwaita.h>

#include "fk-enroll-page.h"
#include "fk-login-page.h"
#include "fk-main-page.h"
#include "fk-preferences.h"
#include "fk-sync-details.h"
#include "fk-tip-form.h"
#include "fk-window.h"
#include "fk-ui-test-client.h"
#include "fk-ui-test-utils.h"

#define PHONE_WIDTH 360

static const struct {
  int width;
  int height;
} sizes[] = {
  { 360, 720 },
  { 1280, 800 },
};

static char *shots_dir;

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* fk-test-env's screen is 1280 px wide, and GTK keeps a window and its
 * resize border inside the screen: a 1280-px window needs a wider one.
 * This test's own Xvfb dies with it. */
static GSubprocess *
start_wide_display (void)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) display = g_string_new (":");
  GSubprocess *xvfb;
  int fds[2];
  char c;

  g_assert_true (g_unix_open_pipe (fds, FD_CLOEXEC, &error));
  g_subprocess_launcher_take_fd (launcher, fds[1], 3);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  xvfb = g_subprocess_launcher_spawn (launcher, &error, "Xvfb", "-displayfd", "3", "-nolisten", "tcp",
                                      "-noreset", "-screen", "0", "1600x1200x24", NULL);
  g_assert_no_error (error);

  /* Xvfb writes the display number and a newline once it is ready. */
  while (read (fds[0], &c, 1) == 1 && c != '\n')
    g_string_append_c (display, c);
  close (fds[0]);
  g_assert_cmpuint (display->len, >, 1);
  g_setenv ("DISPLAY", display->str, TRUE);

  return xvfb;
}

static GdkTexture *
render_window (GtkWidget *window)
{
  int width = gtk_widget_get_width (window);
  int height = gtk_widget_get_height (window);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (window);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;

  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);

  return gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                      &GRAPHENE_RECT_INIT (0, 0, width, height));
}

/* A blank or single-colour image would mean nothing was drawn. */
static guint
count_colours (GdkTexture *texture)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  gsize stride = (gsize) width * 4;
  g_autofree guchar *pixels = g_malloc (stride * (gsize) height);
  g_autoptr(GHashTable) colours = g_hash_table_new (NULL, NULL);

  gdk_texture_download (texture, pixels, stride);
  for (gsize i = 0; i < stride * (gsize) height; i += 4)
    g_hash_table_add (colours, GUINT_TO_POINTER ((guint32) pixels[i] | (guint32) pixels[i + 1] << 8 |
                                                 (guint32) pixels[i + 2] << 16 | (guint32) pixels[i + 3] << 24));

  return g_hash_table_size (colours);
}

static void
iterate_for (guint milliseconds)
{
  gint64 until = g_get_monotonic_time () + milliseconds * 1000;

  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5 * 1000);
    }
}

/* Without a window manager the surface keeps a frame for resizing, which
 * a phone's full-screen window does not have: size the content. */
static void
resize_content (GtkWidget *window,
                int        width,
                int        height)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));
  int frame_width = gdk_surface_get_width (surface) - gtk_widget_get_width (window);
  int frame_height = gdk_surface_get_height (surface) - gtk_widget_get_height (window);
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  g_assert_cmpint (frame_width, >=, 0);
  g_assert_cmpint (frame_height, >=, 0);
  gtk_window_set_default_size (GTK_WINDOW (window), width + frame_width, height + frame_height);
  while (gtk_widget_get_width (window) != width || gtk_widget_get_height (window) != height)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("The window did not take %d×%d: %d×%d, surface %d×%d, frame %d", width, height, gtk_widget_get_width (window), gtk_widget_get_height (window), gdk_surface_get_width (surface), gdk_surface_get_height (surface), frame_width);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5 * 1000);
    }
}

/* The first mapped widget drawn (partly) outside the window's width. */
static GtkWidget *
find_overflow (GtkWidget *window,
               GtkWidget *widget)
{
  graphene_rect_t bounds;

  /* Overlay scrollbars float over the edge by design. */
  if (!gtk_widget_get_mapped (widget) || GTK_IS_SCROLLBAR (widget))
    return NULL;

  /* Adwaita's header bars reach 1 px under the window's edges on purpose. */
  if (gtk_widget_compute_bounds (widget, window, &bounds) &&
      (bounds.origin.x < -1.5 || bounds.origin.x + bounds.size.width > gtk_widget_get_width (window) + 1.5))
    {
      g_test_message ("%s at %.0f, %.0f wide, in a window %d wide", G_OBJECT_TYPE_NAME (widget),
                      bounds.origin.x, bounds.size.width, gtk_widget_get_width (window));
      return widget;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_overflow (window, child);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* Shoots @window in every size and scheme; at phone width, @page (the
 * screen itself) must not ask for more than the phone has. */
static void
shoot (GtkWidget  *window,
       GtkWidget  *page,
       const char *name)
{
  AdwStyleManager *style = adw_style_manager_get_default ();

  fk_ui_test_wait_mapped (page, 30);

  for (guint dark = 0; dark < 2; dark++)
    {
      adw_style_manager_set_color_scheme (style, dark ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_FORCE_LIGHT);

      for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
        {
          g_autofree char *file = g_strdup_printf ("%s-%dx%d-%s.png", name, sizes[i].width, sizes[i].height,
                                                   dark ? "dark" : "light");
          g_autofree char *path = g_build_filename (shots_dir, file, NULL);
          g_autoptr(GdkTexture) texture = NULL;

          resize_content (window, sizes[i].width, sizes[i].height);
          /* Stack crossfades and the scheme's transition settle first. */
          iterate_for (400);
          fk_ui_test_wait_drawn (window);

          if (sizes[i].width == PHONE_WIDTH)
            {
              GtkWidget *overflow;
              int min_width;

              /* Natural widths are wishes (a clamp wishes for its maximum, a
               * view switcher title for its wide form) that adaptive widgets
               * give up; what must hold is the minimum, and that nothing is
               * laid out past the edge. */
              gtk_widget_measure (page, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
              if (min_width > PHONE_WIDTH)
                g_error ("The %s screen needs %d px on a %d-px phone", name, min_width, PHONE_WIDTH);
              overflow = find_overflow (window, page);
              if (overflow != NULL)
                g_error ("On the %s screen a %s runs past the %d-px edge",
                         name, G_OBJECT_TYPE_NAME (overflow), PHONE_WIDTH);
            }

          texture = render_window (window);
          g_assert_cmpint (gdk_texture_get_width (texture), ==, sizes[i].width);
          g_assert_cmpint (gdk_texture_get_height (texture), ==, sizes[i].height);
          g_assert_cmpuint (count_colours (texture), >, 16);
          g_unlink (path);
          g_assert_true (gdk_texture_save_to_png (texture, path));
          g_test_message ("Screenshot: %s", path);
        }
    }

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
}

static GtkWidget *
find (GtkWidget *root,
      GType      type)
{
  GtkWidget *widget = fk_ui_test_find_by_type (root, type);

  g_assert_nonnull (widget);
  return widget;
}

static FkWindow *
open_window (FkClient *client)
{
  FkWindow *window = g_object_ref_sink (fk_window_new (NULL, client));

  /* No shadow and resize border: as on a phone, and a 1280-px window then
   * fits the test's 1280-px screen. */
  gtk_window_set_decorated (GTK_WINDOW (window), FALSE);
  fk_window_show_page (window, fk_window_page_for_state (fk_client_get_state (client)));
  gtk_window_present (GTK_WINDOW (window));
  fk_ui_test_wait_drawn (GTK_WIDGET (window));
  return window;
}

static void
close_window (FkWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (window);
}

static void
test_enroll (void)
{
  g_autofree char *data_dir = g_build_filename (g_getenv ("FK_TEST_ROOT"), "fresh-XXXXXX", NULL);
  g_autoptr(FkClient) client = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  FkWindow *window;

  g_assert_nonnull (g_mkdtemp (data_dir));
  client = fk_client_new (data_dir);
  fk_client_load_async (client, NULL, fk_ui_test_on_ready, &result);
  g_assert_true (fk_client_load_finish (client, fk_ui_test_wait_result (&result), NULL));

  window = open_window (client);
  shoot (GTK_WIDGET (window), find (GTK_WIDGET (window), FK_TYPE_ENROLL_PAGE), "enroll");
  close_window (window);
}

static void
test_working_screens (void)
{
  g_autoptr(FkUiTestClient) session = fk_ui_test_client_new (NULL);
  FkClient *client = session->client;
  FkSyncEngine *engine = fk_client_get_sync_engine (client);
  g_autoptr(FkHotelTip) draft = NULL;
  g_autoptr(FkHotelTip) sent = NULL;
  g_autoptr(FkHotelTip) waiting = NULL;
  FkWindow *window = open_window (client);
  GtkWidget *root = GTK_WIDGET (window);
  GtkWidget *main_page, *view_stack, *form;
  FkPreferences *preferences;

  shoot (root, find (root, FK_TYPE_LOGIN_PAGE), "login");

  fk_ui_test_client_login (session);
  /* The window builds its working pages when first shown. */
  fk_window_show_page (window, FK_PAGE_MAIN);
  main_page = find (root, FK_TYPE_MAIN_PAGE);
  view_stack = find (main_page, ADW_TYPE_VIEW_STACK);
  form = find (root, FK_TYPE_TIP_FORM);

  draft = fk_ui_test_client_save_tip (session, "Hotell Utkastet", FALSE);
  sent = fk_ui_test_client_save_tip (session, "Hotell Skickat", TRUE);
  while (fk_hotel_tip_get_state (sent) != FK_RECORD_STATE_SENT)
    g_main_context_iteration (NULL, TRUE);
  /* Offline, a tip waits, and sync details say why. */
  fk_test_server_stop (session->server);
  waiting = fk_ui_test_client_save_tip (session, "Hotell Väntan", TRUE);
  while (fk_sync_engine_get_sending (engine) || fk_sync_engine_get_last_error (engine) == NULL)
    g_main_context_iteration (NULL, TRUE);

  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (view_stack), "tips");
  shoot (root, main_page, "tips");
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (view_stack), "events");
  shoot (root, main_page, "events");

  /* Sent empty: every required field says what to write. */
  g_assert_true (gtk_widget_activate_action (root, "win.new-tip", NULL));
  fk_ui_test_wait_mapped (form, 30);
  fk_ui_test_click (fk_ui_test_find_by_label (form, GTK_TYPE_BUTTON, "Send"));
  shoot (root, form, "tip-form");

  g_assert_true (gtk_widget_activate_action (root, "win.sync-details", NULL));
  shoot (root, find (root, FK_TYPE_SYNC_DETAILS), "sync-details");

  preferences = g_object_ref_sink (fk_preferences_new (GTK_WINDOW (window), client));
  gtk_window_set_decorated (GTK_WINDOW (preferences), FALSE);
  gtk_window_present (GTK_WINDOW (preferences));
  fk_ui_test_wait_drawn (GTK_WIDGET (preferences));
  shoot (GTK_WIDGET (preferences), adw_window_get_content (ADW_WINDOW (preferences)), "preferences");
  gtk_window_destroy (GTK_WINDOW (preferences));
  g_object_unref (preferences);

  g_assert_true (gtk_widget_activate_action (root, "win.lock", NULL));
  fk_ui_test_wait_state (client, FK_CLIENT_STATE_IDLE_LOCKED, 10);
  shoot (root, find (root, FK_TYPE_LOGIN_PAGE), "locked");

  close_window (window);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GSubprocess) xvfb = start_wide_display ();
  int status;

  fk_ui_test_init (&argc, &argv);
  adw_init ();
  fk_ui_test_load_style ();

  g_assert_nonnull (g_getenv ("FK_TEST_ROOT"));
  g_assert_nonnull (g_getenv ("FK_BUILD_ROOT"));
  shots_dir = g_build_filename (g_getenv ("FK_BUILD_ROOT"), "tests", "ui", "screenshots", NULL);
  g_assert_cmpint (g_mkdir_with_parents (shots_dir, 0755), ==, 0);

  g_test_add_func ("/screens/enroll", test_enroll);
  g_test_add_func ("/screens/working", test_working_screens);

  status = g_test_run ();
  g_free (shots_dir);
  g_subprocess_send_signal (xvfb, SIGTERM);
  return status;
}
