/* test-screens.c: every screen at 360×720 and 1280×800, light and dark, as
 * PNGs to look at (and for the metainfo); none wider than a 360-px phone
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The screens show what a real client holds after real work against the
 * real reference server: a draft, a sent tip, a tip the server refused, a
 * tip and a checklist waiting offline.
 */
#include "config.h"

#include <locale.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <glib-unix.h>
#include <adwaita.h>
#include <pango/pangocairo.h>

#include "fk-checklist-item-row.h"
#include "fk-checklist-list.h"
#include "fk-checklist-page.h"
#include "fk-enroll-page.h"
#include "fk-event-details.h"
#include "fk-login-page.h"
#include "fk-main-page.h"
#include "fk-preferences.h"
#include "fk-sync-details.h"
#include "fk-tip-form.h"
#include "fk-window.h"
#include "fk-ui-test-client.h"
#include "fk-ui-test-utils.h"

#define PHONE_WIDTH  360
#define PHONE_HEIGHT 720

static const struct {
  int width;
  int height;
} sizes[] = {
  { PHONE_WIDTH, PHONE_HEIGHT },
  { 1280, 800 },
};

static char *shots_dir;
/* What a screen got wrong; every screen is shot before the test fails, so
 * one run shows all of them. */
static GPtrArray *problems;

static void
problem (const char *format,
         ...) G_GNUC_PRINTF (1, 2);

static void
problem (const char *format,
         ...)
{
  va_list args;
  char *text;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_test_message ("PROBLEM: %s", text);
  g_ptr_array_add (problems, text);
}

static void
assert_no_problems (void)
{
  if (problems->len > 0)
    g_test_fail_printf ("%u problems, the first: %s", problems->len, (const char *) problems->pdata[0]);
  g_ptr_array_set_size (problems, 0);
}

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

static int
min_width_of (GtkWidget *widget)
{
  int min_width;

  gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
  return min_width;
}

/* The innermost widget asking for more than @width: names the culprit
 * when a screen does not fit. */
static GtkWidget *
find_widest (GtkWidget *widget,
             int        width)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (gtk_widget_get_visible (child) && min_width_of (child) > width)
        return find_widest (child, width);
    }

  return widget;
}

static void
describe_widest (GtkWidget *root,
                 int        width)
{
  GtkWidget *widest = find_widest (root, width);

  g_test_message ("%s (%s) needs %d px", G_OBJECT_TYPE_NAME (widest), gtk_widget_get_name (widest),
                  min_width_of (widest));
  for (GtkWidget *child = gtk_widget_get_first_child (widest);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    g_test_message ("  %s%s%s needs %d px", G_OBJECT_TYPE_NAME (child),
                    GTK_IS_LABEL (child) ? " " : "", GTK_IS_LABEL (child) ? gtk_label_get_text (GTK_LABEL (child)) : "",
                    min_width_of (child));
}

static gboolean
any_squeezer_fading (GtkWidget *widget)
{
  gboolean fading = FALSE;

  if (!gtk_widget_get_mapped (widget))
    return FALSE;
  if (ADW_IS_SQUEEZER (widget))
    g_object_get (widget, "transition-running", &fading, NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL && !fading;
       child = gtk_widget_get_next_sibling (child))
    fading = any_squeezer_fading (child);

  return fading;
}

/* A squeezer (the view switcher title) shows both children while it
 * fades from one to the other; that is not an overflow. */
static void
wait_squeezers (GtkWidget *window)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (any_squeezer_fading (window))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("A squeezer never settles");
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
        describe_widest (window, width);
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

/* A label deliberately cut short: a list row's title (its heading), whose
 * record opens in full with one tap.  The row's other lines, such as an
 * event's start time, are read in the list and must show whole. */
static gboolean
may_ellipsize (GtkWidget *label)
{
  return gtk_label_get_ellipsize (GTK_LABEL (label)) != PANGO_ELLIPSIZE_NONE &&
         gtk_widget_has_css_class (label, "heading") &&
         gtk_widget_get_ancestor (label, GTK_TYPE_LIST_VIEW) != NULL;
}

/* An identifier (a device ID, a time) may break anywhere; words may not. */
static gboolean
is_identifier_at (const char *text,
                  const char *at)
{
  const char *start = at;
  const char *end = at;

  while (start > text && !g_unichar_isspace (g_utf8_get_char (g_utf8_prev_char (start))))
    start = g_utf8_prev_char (start);
  while (*end != '\0' && !g_unichar_isspace (g_utf8_get_char (end)))
    end = g_utf8_next_char (end);
  for (const char *p = start; p < end; p = g_utf8_next_char (p))
    if (g_unichar_isdigit (g_utf8_get_char (p)))
      return TRUE;

  return FALSE;
}

/* Text the officer must read is shown whole: never cut off with “…”, and
 * no word is broken across lines (longer Swedish words, larger text). */
static void
check_labels (GtkWidget  *widget,
              const char *screen)
{
  if (!gtk_widget_get_mapped (widget))
    return;

  if (GTK_IS_LABEL (widget))
    {
      PangoLayout *layout = gtk_label_get_layout (GTK_LABEL (widget));
      const char *text = pango_layout_get_text (layout);

      if (pango_layout_is_ellipsized (layout) && !may_ellipsize (widget))
        problem ("On the %s screen “%s” is cut off", screen, text);

      if (pango_layout_is_wrapped (layout))
        {
          const PangoLogAttr *attrs = pango_layout_get_log_attrs_readonly (layout, NULL);

          for (GSList *l = pango_layout_get_lines_readonly (layout); l != NULL; l = l->next)
            {
              PangoLayoutLine *line = l->data;
              glong offset = g_utf8_pointer_to_offset (text, text + line->start_index);

              if (offset > 0 && !attrs[offset].is_line_break && !is_identifier_at (text, text + line->start_index))
                problem ("On the %s screen “%s” breaks inside a word", screen, text);
            }
        }
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    check_labels (child, screen);
}

static gboolean
has_text_label (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget) && *gtk_label_get_text (GTK_LABEL (widget)) != '\0')
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_text_label (child))
      return TRUE;

  return FALSE;
}

/* A button that shows no words, only an icon and a tooltip, must still be
 * named for a screen reader (the UI tests find it by that name): a tooltip
 * is only its description, and a touch screen never shows it.  GTK points
 * a button's labelled-by at its icon, which names nothing.  An entry row's
 * own buttons are libadwaita's to name. */
static void
check_names (GtkWidget  *widget,
             const char *screen)
{
  if (!gtk_widget_get_mapped (widget))
    return;

  if (GTK_IS_BUTTON (widget) && !has_text_label (widget))
    {
      GtkWidget *named = GTK_IS_MENU_BUTTON (gtk_widget_get_parent (widget)) ? gtk_widget_get_parent (widget) : widget;
      const char *tooltip = gtk_widget_get_tooltip_text (named);

      if (tooltip != NULL && gtk_widget_get_ancestor (named, ADW_TYPE_ENTRY_ROW) == NULL &&
          !gtk_test_accessible_has_property (GTK_ACCESSIBLE (named), GTK_ACCESSIBLE_PROPERTY_LABEL))
        problem ("On the %s screen the %s “%s” has no accessible name", screen, G_OBJECT_TYPE_NAME (named), tooltip);
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    check_names (child, screen);
}

/* Set when the screens are in Swedish, which keeps sentence case. */
static gboolean translated;

/* GNOME's header capitalization: every word capitalized but short
 * articles, conjunctions and prepositions inside the title. */
static gboolean
is_title_case (const char *title)
{
  static const char * const minor[] = { "a", "an", "and", "as", "at", "but", "by", "for", "in", "nor",
                                        "of", "on", "or", "per", "the", "to", "via", NULL };
  g_auto(GStrv) words = g_strsplit (title, " ", -1);
  guint n_words = g_strv_length (words);

  for (guint i = 0; i < n_words; i++)
    {
      gunichar first = g_utf8_get_char (words[i]);

      if (g_unichar_islower (first) &&
          (i == 0 || i == n_words - 1 || !g_strv_contains (minor, words[i])))
        return FALSE;
    }

  return TRUE;
}

static void
check_title (const char *title,
             const char *screen)
{
  if (title != NULL && !is_title_case (title))
    problem ("On the %s screen the title “%s” is not in title case", screen, title);
}

/* The titles in header bars: windows', pages' and the view switcher's. */
static void
check_titles (GtkWidget  *widget,
              const char *screen)
{
  if (!gtk_widget_get_mapped (widget))
    return;

  if (GTK_IS_WINDOW (widget))
    check_title (gtk_window_get_title (GTK_WINDOW (widget)), screen);
  if (ADW_IS_WINDOW_TITLE (widget))
    check_title (adw_window_title_get_title (ADW_WINDOW_TITLE (widget)), screen);
  if (ADW_IS_VIEW_STACK (widget))
    {
      g_autoptr(GtkSelectionModel) pages = adw_view_stack_get_pages (ADW_VIEW_STACK (widget));

      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (pages)); i++)
        {
          g_autoptr(AdwViewStackPage) page = g_list_model_get_item (G_LIST_MODEL (pages), i);

          check_title (adw_view_stack_page_get_title (page), screen);
        }
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    check_titles (child, screen);
}

static guint
count_mapped (GtkWidget *widget,
              GType      type)
{
  guint count;

  if (!gtk_widget_get_mapped (widget))
    return 0;

  count = G_TYPE_CHECK_INSTANCE_TYPE (widget, type) ? 1 : 0;
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    count += count_mapped (child, type);

  return count;
}

/* One header bar on every screen, in every size: a page opened from the
 * main view takes the whole window, with its own Back, as a GNOME app's
 * does on a phone.  The view switcher, in the header or at the bottom,
 * shows on the main view only. */
static void
check_chrome (GtkWidget  *window,
              GtkWidget  *page,
              const char *screen,
              int         width)
{
  guint headers = count_mapped (window, ADW_TYPE_HEADER_BAR);
  gboolean switcher = count_mapped (window, ADW_TYPE_VIEW_SWITCHER) > 0;

  if (headers != 1)
    problem ("The %s screen shows %u header bars at %d px wide", screen, headers, width);
  if (switcher != FK_IS_MAIN_PAGE (page))
    problem ("The %s screen %s the view switcher at %d px wide", screen, switcher ? "shows" : "hides", width);
}

/* Shoots @window at one size and look; at phone width, @page (the screen
 * itself) must not ask for more than the phone has, nor cut text off. */
static void
shoot_one (GtkWidget  *window,
           GtkWidget  *page,
           const char *name,
           int         width,
           int         height,
           const char *look)
{
  g_autofree char *file = g_strdup_printf ("%s-%dx%d-%s.png", name, width, height, look);
  g_autofree char *path = g_build_filename (shots_dir, file, NULL);
  g_autofree char *screen = g_strdup_printf ("%s (%s)", name, look);
  g_autoptr(GdkTexture) texture = NULL;

  resize_content (window, width, height);
  /* Stack crossfades and the scheme's transition settle first. */
  fk_ui_test_iterate_for (400);
  wait_squeezers (window);
  fk_ui_test_wait_drawn (window);
  check_chrome (window, page, screen, width);

  if (width == PHONE_WIDTH)
    {
      GtkWidget *overflow;
      int min_width;

      /* Natural widths are wishes (a clamp wishes for its maximum, a
       * view switcher title for its wide form) that adaptive widgets
       * give up; what must hold is the minimum, and that nothing is
       * laid out past the edge. */
      gtk_widget_measure (page, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
      if (min_width > PHONE_WIDTH)
        describe_widest (page, PHONE_WIDTH);
      if (min_width > PHONE_WIDTH)
        problem ("The %s screen needs %d px on a %d-px phone", screen, min_width, PHONE_WIDTH);
      overflow = find_overflow (window, page);
      if (overflow != NULL)
        problem ("On the %s screen a %s runs past the %d-px edge",
                 screen, G_OBJECT_TYPE_NAME (overflow), PHONE_WIDTH);
      check_labels (page, screen);
      check_names (window, screen);
      if (!translated)
        check_titles (window, screen);
    }

  texture = render_window (window);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, width);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, height);
  g_assert_cmpuint (count_colours (texture), >, 16);
  g_unlink (path);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Screenshot: %s", path);
}

/* What GNOME's text-scaling-factor 1.5 sets: Xft/DPI 1.5 × 96, in 1024ths. */
#define LARGE_TEXT_DPI (96 * 1024 * 3 / 2)

static int plain_dpi;
static GSettings *a11y_settings;

static void
set_large_text (GtkWidget *page,
                gboolean   large)
{
  g_object_set (gtk_settings_get_default (), "gtk-xft-dpi", large ? LARGE_TEXT_DPI : plain_dpi, NULL);
  if (large)
    g_assert_cmpfloat (pango_cairo_context_get_resolution (gtk_widget_get_pango_context (page)), ==, 144.0);
}

/* With gsettings-desktop-schemas and no settings portal (as here and on a
 * plain Debian session), libadwaita 1.2 follows this key and not the
 * HighContrast theme name. */
static void
set_high_contrast (gboolean high)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  g_settings_set_boolean (a11y_settings, "high-contrast", high);
  while (adw_style_manager_get_high_contrast (style) != high)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("libadwaita did not follow high-contrast=%d", high);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5 * 1000);
    }
}

/* Shoots @window in every size and scheme, and at phone size also with
 * large text and in high contrast. */
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
        shoot_one (window, page, name, sizes[i].width, sizes[i].height, dark ? "dark" : "light");
    }

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
  set_large_text (page, TRUE);
  shoot_one (window, page, name, PHONE_WIDTH, PHONE_HEIGHT, "large-text");
  set_large_text (page, FALSE);

  set_high_contrast (TRUE);
  shoot_one (window, page, name, PHONE_WIDTH, PHONE_HEIGHT, "high-contrast");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  shoot_one (window, page, name, PHONE_WIDTH, PHONE_HEIGHT, "high-contrast-dark");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
  set_high_contrast (FALSE);
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
  fk_client_load_async (client, NULL, fk_test_keep_result, &result);
  g_assert_true (fk_client_load_finish (client, fk_test_wait_for (&result), NULL));

  window = open_window (client);
  shoot (GTK_WIDGET (window), find (GTK_WIDGET (window), FK_TYPE_ENROLL_PAGE), "enroll");
  close_window (window);
  assert_no_problems ();
}

static AdwMessageDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window))
        return ADW_MESSAGE_DIALOG (window);
    }

  g_error ("No dialog is open");
}

static GtkWidget *
find_named (GtkWidget  *root,
            GType       type,
            const char *label)
{
  GtkWidget *widget = fk_ui_test_find_by_label (root, type, label);

  if (widget == NULL)
    g_error ("No %s named “%s”", g_type_name (type), label);
  return widget;
}

static void
type_into (GtkWidget  *root,
           const char *field,
           const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (find_named (root, GTK_TYPE_EDITABLE, field)), text);
}

/* A new event checklist, from the template chooser on, with one answer
 * sent: its details form, its items and, after, its row under Events. */
static void
shoot_checklist (GtkWidget *root,
                 GtkWidget *list)
{
  AdwMessageDialog *dialog;
  GtkWidget *templates, *details, *page, *row;
  FkEventChecklist *checklist;

  g_assert_true (gtk_widget_activate_action (list, "checklists.new", NULL));
  dialog = find_dialog ();
  templates = find_named (GTK_WIDGET (dialog), GTK_TYPE_LIST_BOX, _("Templates"));
  g_signal_emit_by_name (templates, "row-activated", gtk_list_box_get_row_at_index (GTK_LIST_BOX (templates), 0));

  details = find (list, FK_TYPE_EVENT_DETAILS);
  type_into (details, _("Event name"), "Sommarfesten i Stadsparken");
  type_into (details, _("Place"), "Stadsparken, Lund");
  type_into (details, _("Starts"), "2026-06-20 14:00");
  type_into (details, _("Expected visitors"), "5000");
  shoot (root, details, "event-details");
  fk_ui_test_click (find_named (details, GTK_TYPE_BUTTON, _("Save")));

  page = find (list, FK_TYPE_CHECKLIST_PAGE);
  checklist = fk_checklist_page_get_checklist (FK_CHECKLIST_PAGE (page));
  g_assert_nonnull (checklist);
  row = find (page, FK_TYPE_CHECKLIST_ITEM_ROW);
  fk_ui_test_click (find_named (row, GTK_TYPE_TOGGLE_BUTTON, _("Yes")));
  while (fk_event_checklist_get_state (checklist) != FK_RECORD_STATE_SENT ||
         fk_event_checklist_has_unsent (checklist))
    g_main_context_iteration (NULL, TRUE);
  shoot (root, page, "checklist");
  fk_ui_test_click (find_named (page, GTK_TYPE_BUTTON, _("Back")));
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
  g_autoptr(FkHotelTip) refused = NULL;
  g_autoptr(FkEventChecklist) waiting_checklist = NULL;
  FkWindow *window = open_window (client);
  GtkWidget *root = GTK_WIDGET (window);
  g_autofree char *waiting_text = NULL;
  g_autofree char *mismatch = NULL;
  GtkWidget *main_page, *view_stack, *form, *sync_error, *pending;
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
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (view_stack), "events");
  shoot_checklist (root, find (main_page, FK_TYPE_CHECKLIST_LIST));
  refused = fk_ui_test_client_save_refused_tip (session, "Hotell Avvisat");
  /* Offline, a tip and a checklist wait, and sync details say why. */
  fk_test_server_stop (session->server);
  waiting = fk_ui_test_client_save_tip (session, "Hotell Väntan", TRUE);
  waiting_checklist = fk_ui_test_client_save_checklist (session, "Vårmarknaden på Torget");
  while (fk_sync_engine_get_sending (engine) || fk_sync_engine_get_last_error (engine) == NULL)
    g_main_context_iteration (NULL, TRUE);

  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (view_stack), "tips");
  fk_ui_test_wait_drawn (root);
  /* Failed sending is an icon and words, not a colour only.  A phone
   * shows no tooltip: a screen reader hears the reason as the icon's
   * description, and what the count counts as the count's name. */
  sync_error = find_named (main_page, GTK_TYPE_IMAGE, _("Sending failed"));
  g_assert_true (gtk_widget_get_mapped (sync_error));
  g_assert_cmpstr (gtk_image_get_icon_name (GTK_IMAGE (sync_error)), ==, "network-error-symbolic");
  mismatch = gtk_test_accessible_check_property (GTK_ACCESSIBLE (sync_error), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                                 fk_sync_engine_get_last_error (engine));
  g_assert_null (mismatch);
  /* The tip and the checklist. */
  g_assert_cmpuint (fk_sync_engine_get_pending (engine), ==, 2);
  waiting_text = g_strdup_printf (ngettext ("%u record waiting to be sent", "%u records waiting to be sent", 2), 2);
  pending = find_named (main_page, GTK_TYPE_LABEL, waiting_text);
  g_assert_true (gtk_widget_get_mapped (pending));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (pending)), ==, "2");
  shoot (root, main_page, "tips");
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (view_stack), "events");
  shoot (root, main_page, "events");

  /* Sent empty: every required field says what to write. */
  g_assert_true (gtk_widget_activate_action (root, "win.new-tip", NULL));
  fk_ui_test_wait_mapped (form, 30);
  fk_ui_test_click (fk_ui_test_find_by_label (form, GTK_TYPE_BUTTON, _("Send")));
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
  assert_no_problems ();
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GSubprocess) xvfb = start_wide_display ();
  g_autofree char *locale_dir = NULL;
  const char *language = g_getenv ("LANGUAGE");
  int status;

  fk_ui_test_init (&argc, &argv);
  adw_init ();
  fk_ui_test_load_style ();

  g_assert_nonnull (g_getenv ("FK_TEST_ROOT"));
  g_assert_nonnull (g_getenv ("FK_BUILD_ROOT"));

  /* Run again with LANGUAGE=sv, the build's own catalog shows the longer
   * Swedish words; their screenshots go to a folder of their own. */
  /* gtk_test_init asked for en_US, which need not exist; the C.UTF-8 that
   * fk-test-env sets is what lets LANGUAGE pick the catalog. */
  setlocale (LC_ALL, "");
  locale_dir = g_build_filename (g_getenv ("FK_BUILD_ROOT"), "po", NULL);
  bindtextdomain (GETTEXT_PACKAGE, locale_dir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  shots_dir = g_build_filename (g_getenv ("FK_BUILD_ROOT"), "tests", "ui", "screenshots",
                                language != NULL ? language : "", NULL);
  g_assert_cmpint (g_mkdir_with_parents (shots_dir, 0755), ==, 0);
  translated = language != NULL;
  if (translated)
    g_assert_cmpstr (_("Send"), !=, "Send");

  fk_ui_test_use_gnome_buttons ();

  problems = g_ptr_array_new_with_free_func (g_free);
  g_object_get (gtk_settings_get_default (), "gtk-xft-dpi", &plain_dpi, NULL);
  a11y_settings = g_settings_new ("org.gnome.desktop.a11y.interface");

  g_test_add_func ("/screens/enroll", test_enroll);
  g_test_add_func ("/screens/working", test_working_screens);

  status = g_test_run ();
  g_clear_object (&a11y_settings);
  g_ptr_array_unref (problems);
  g_free (shots_dir);
  g_subprocess_send_signal (xvfb, SIGTERM);
  return status;
}
