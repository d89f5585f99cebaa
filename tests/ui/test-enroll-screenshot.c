/* test-enroll-screenshot.c: the real app on a fresh data dir opens on the
 * enroll page, which fits a 360×720 phone; leaves a PNG to look at
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <adwaita.h>

#include "fk-enroll-page.h"
#include "fk-window.h"
#include "fk-ui-test-utils.h"

#define PHONE_WIDTH  360
#define PHONE_HEIGHT 720

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
count_colours (const char *path,
               int        *width,
               int        *height)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = gdk_texture_new_from_filename (path, &error);
  g_autoptr(GHashTable) colours = g_hash_table_new (NULL, NULL);
  g_autofree guchar *pixels = NULL;
  gsize stride;

  g_assert_no_error (error);
  *width = gdk_texture_get_width (texture);
  *height = gdk_texture_get_height (texture);
  stride = (gsize) *width * 4;
  pixels = g_malloc (stride * (gsize) *height);
  gdk_texture_download (texture, pixels, stride);

  for (gsize i = 0; i < stride * (gsize) *height; i += 4)
    {
      guint32 pixel = (guint32) pixels[i] | (guint32) pixels[i + 1] << 8 |
                      (guint32) pixels[i + 2] << 16 | (guint32) pixels[i + 3] << 24;

      g_hash_table_add (colours, GUINT_TO_POINTER (pixel));
    }

  return g_hash_table_size (colours);
}

static void
check_enroll_page (GtkWidget *window,
                   gpointer   user_data)
{
  const char *png_path = user_data;
  GtkWidget *page = NULL;
  GtkWidget *stack;
  g_autoptr(GdkTexture) texture = NULL;
  const char *fields[] = { "Server", "Server key checksum", "Activation code", "Choose PIN", "Repeat PIN" };
  GdkSurface *surface;
  int frame_width, frame_height;
  int min_width, nat_width, width, height;

  /* The page appears once the client has loaded its (empty) store. */
  while ((page = fk_ui_test_find_by_type (window, FK_TYPE_ENROLL_PAGE)) == NULL ||
         !gtk_widget_get_mapped (page))
    g_main_context_iteration (NULL, TRUE);
  stack = gtk_widget_get_parent (page);
  g_assert_true (GTK_IS_STACK (stack));
  while (gtk_stack_get_transition_running (GTK_STACK (stack)) ||
         gtk_stack_get_visible_child (GTK_STACK (stack)) != page)
    g_main_context_iteration (NULL, TRUE);
  fk_ui_test_wait_drawn (window);

  /* Without a window manager the surface keeps a frame for resizing, which
   * a phone's full-screen window does not have: size the content, not the
   * surface, to the phone's screen. */
  surface = gtk_native_get_surface (GTK_NATIVE (window));
  frame_width = gdk_surface_get_width (surface) - gtk_widget_get_width (window);
  frame_height = gdk_surface_get_height (surface) - gtk_widget_get_height (window);
  g_assert_cmpint (frame_width, >=, 0);
  g_assert_cmpint (frame_height, >=, 0);
  gtk_window_set_default_size (GTK_WINDOW (window), PHONE_WIDTH + frame_width, PHONE_HEIGHT + frame_height);
  while (gtk_widget_get_width (window) != PHONE_WIDTH || gtk_widget_get_height (window) != PHONE_HEIGHT)
    g_main_context_iteration (NULL, TRUE);
  fk_ui_test_wait_drawn (window);

  /* Every page of the window, not only this one, must fit the phone. */
  gtk_widget_measure (window, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
  g_assert_cmpint (min_width - frame_width, <=, PHONE_WIDTH);

  /* What a screen reader announces is what the officer can type into. */
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      GtkWidget *widget = fk_ui_test_find_by_label (page, GTK_TYPE_EDITABLE, fields[i]);

      if (widget == NULL)
        g_error ("No text field labelled “%s” on the enroll page", fields[i]);
      g_assert_true (gtk_widget_is_drawable (widget));
    }
  g_assert_nonnull (fk_ui_test_find_by_label (page, GTK_TYPE_BUTTON, "Activate"));
  /* Nothing typed yet: nothing to activate. */
  g_assert_false (gtk_widget_get_sensitive (fk_ui_test_find_by_label (page, GTK_TYPE_BUTTON, "Activate")));

  gtk_widget_measure (page, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, &nat_width, NULL, NULL);
  g_assert_cmpint (min_width, <=, PHONE_WIDTH);
  g_assert_cmpint (nat_width, <=, PHONE_WIDTH);

  texture = render_window (window);
  g_assert_true (gdk_texture_save_to_png (texture, png_path));
  g_assert_true (g_file_test (png_path, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (count_colours (png_path, &width, &height), >, 16);
  g_assert_cmpint (width, ==, PHONE_WIDTH);
  g_assert_cmpint (height, ==, PHONE_HEIGHT);

}

static void
test_enroll_screenshot (void)
{
  g_autofree char *data_dir = NULL;
  g_autofree char *shots = g_build_filename (g_getenv ("FK_BUILD_ROOT"), "tests", "ui", "screenshots", NULL);
  g_autofree char *png_path = NULL;

  /* Under fk-test-env's root, which it removes afterwards. */
  g_assert_nonnull (g_getenv ("FK_TEST_ROOT"));
  data_dir = g_build_filename (g_getenv ("FK_TEST_ROOT"), "enroll-XXXXXX", NULL);
  g_assert_nonnull (g_mkdtemp (data_dir));
  g_assert_nonnull (g_getenv ("FK_BUILD_ROOT"));
  g_assert_cmpint (g_mkdir_with_parents (shots, 0755), ==, 0);
  png_path = g_build_filename (shots, "enroll-360x720.png", NULL);
  g_unlink (png_path);

  fk_ui_test_run_app (data_dir, NULL, check_enroll_page, png_path);
  g_test_message ("Screenshot: %s", png_path);
}

int
main (int   argc,
      char *argv[])
{
  fk_ui_test_init (&argc, &argv);

  g_test_add_func ("/enroll/screenshot-360x720", test_enroll_screenshot);

  return g_test_run ();
}
