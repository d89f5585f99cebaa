/* fk-ui-test-utils.c: finding widgets the way a screen reader would
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fk-application.h"
#include "fk-window.h"
#include "fk-ui-test-utils.h"

void
fk_ui_test_init (int    *argc,
                 char ***argv)
{
  g_setenv ("GTK_A11Y", "test", TRUE);
  gtk_test_init (argc, argv, NULL);
}

static GtkCssProvider *
add_style (const char *name)
{
  g_autofree char *path = g_strconcat ("/io/github/faltkoll/Faltkoll/ui/", name, NULL);
  GtkCssProvider *provider = gtk_css_provider_new ();

  gtk_css_provider_load_from_resource (provider, path);
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  return provider;
}

static void
on_high_contrast_changed (AdwStyleManager *style_manager)
{
  static GtkCssProvider *high_contrast;

  if (adw_style_manager_get_high_contrast (style_manager) && high_contrast == NULL)
    high_contrast = add_style ("style-hc.css");
  else if (!adw_style_manager_get_high_contrast (style_manager) && high_contrast != NULL)
    {
      gtk_style_context_remove_provider_for_display (gdk_display_get_default (),
                                                     GTK_STYLE_PROVIDER (high_contrast));
      g_clear_object (&high_contrast);
    }
}

/* The app's style as AdwApplication loads it: style.css, and style-hc.css
 * on top while high contrast is on. */
void
fk_ui_test_load_style (void)
{
  AdwStyleManager *style_manager = adw_style_manager_get_default ();

  g_object_unref (add_style ("style.css"));
  g_signal_connect (style_manager, "notify::high-contrast", G_CALLBACK (on_high_contrast_changed), NULL);
  on_high_contrast_changed (style_manager);
}

/* Xvfb has no settings daemon: take GNOME's button layout (close only)
 * as gsd-xsettings would, not GTK's fallback with three buttons that no
 * phone shows. */
void
fk_ui_test_use_gnome_buttons (void)
{
  g_autoptr(GSettings) wm_settings = g_settings_new ("org.gnome.desktop.wm.preferences");
  g_autofree char *button_layout = g_settings_get_string (wm_settings, "button-layout");

  g_object_set (gtk_settings_get_default (), "gtk-decoration-layout", button_layout, NULL);
}

static gboolean
has_label (GtkWidget  *widget,
           const char *label)
{
  g_autofree char *mismatch = NULL;

  /* A button with text is named by that text, as a screen reader hears it. */
  if (!gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL))
    return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;

  mismatch = gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget),
                                                 GTK_ACCESSIBLE_PROPERTY_LABEL, label);
  return mismatch == NULL;
}

GtkWidget *
fk_ui_test_find_by_label (GtkWidget  *root,
                          GType       type,
                          const char *label)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) && has_label (root, label))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = fk_ui_test_find_by_label (child, type, label);

      if (found != NULL)
        return found;
    }

  return NULL;
}

GtkWidget *
fk_ui_test_find_by_type (GtkWidget *root,
                         GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = fk_ui_test_find_by_type (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

guint
fk_ui_test_count_with_classes (GtkWidget  *root,
                               const char *classes)
{
  g_auto(GStrv) names = g_strsplit (classes, " ", -1);
  gboolean all = TRUE;
  guint count = 0;

  for (guint i = 0; names[i] != NULL; i++)
    all = all && gtk_widget_has_css_class (root, names[i]);
  if (all)
    count++;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    count += fk_ui_test_count_with_classes (child, classes);

  return count;
}

void
fk_ui_test_click (GtkWidget *button)
{
  g_assert_true (GTK_IS_BUTTON (button));
  /* gtk_widget_activate () does not emit "clicked" synchronously in 4.8. */
  g_signal_emit_by_name (button, "clicked");
}

static gboolean
on_wait_timeout (gpointer user_data)
{
  g_error ("Timed out waiting for %s", (const char *) user_data);
  return G_SOURCE_REMOVE;
}

void
fk_ui_test_wait_until (gboolean *done,
                       guint     seconds)
{
  guint timeout_id = g_timeout_add_seconds (seconds, on_wait_timeout, (gpointer) "a condition");

  while (!*done)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (timeout_id);
}

void
fk_ui_test_iterate_for (guint milliseconds)
{
  gint64 until = g_get_monotonic_time () + milliseconds * 1000;

  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2 * 1000);
    }
}

static void
on_after_paint (GdkFrameClock *clock,
                gboolean      *painted)
{
  *painted = TRUE;
}

void
fk_ui_test_wait_drawn (GtkWidget *widget)
{
  guint timeout_id = g_timeout_add_seconds (20, on_wait_timeout, (gpointer) "the first frame");
  GdkFrameClock *clock;
  gboolean painted = FALSE;
  gulong handler;

  while (!gtk_widget_get_mapped (widget))
    g_main_context_iteration (NULL, TRUE);

  clock = gtk_widget_get_frame_clock (widget);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &painted);
  gtk_widget_queue_draw (widget);
  while (!painted)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (clock, handler);

  g_source_remove (timeout_id);
}

GtkWidget *
fk_ui_test_find_label_text (GtkWidget  *root,
                            const char *text)
{
  if (GTK_IS_LABEL (root) && gtk_widget_get_mapped (root) &&
      g_strcmp0 (gtk_label_get_text (GTK_LABEL (root)), text) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = fk_ui_test_find_label_text (child, text);

      if (found != NULL)
        return found;
    }

  return NULL;
}

void
fk_ui_test_wait_mapped (GtkWidget *widget,
                        guint      seconds)
{
  guint timeout_id = g_timeout_add_seconds (seconds, on_wait_timeout, (gpointer) "a widget to show");

  while (!gtk_widget_get_mapped (widget))
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (timeout_id);
}

typedef struct {
  FkUiTestWindowFunc  added;
  FkUiTestWindowFunc  check;
  gpointer            user_data;
  GtkWidget          *window;
  gboolean            checked;
} AppRun;

static gboolean
on_app_running (gpointer data)
{
  AppRun *run = data;

  run->check (run->window, run->user_data);
  run->checked = TRUE;
  /* The last window gone, the application's main loop ends. */
  gtk_window_destroy (GTK_WINDOW (run->window));
  return G_SOURCE_REMOVE;
}

static void
on_app_window_added (GtkApplication *app,
                     GtkWindow      *window,
                     AppRun         *run)
{
  g_assert_null (run->window);
  g_assert_true (FK_IS_WINDOW (window));
  run->window = g_object_ref (GTK_WIDGET (window));
  if (run->added != NULL)
    run->added (run->window, run->user_data);
  g_idle_add (on_app_running, run);
}

void
fk_ui_test_run_app (const char         *data_dir,
                    FkUiTestWindowFunc  added,
                    FkUiTestWindowFunc  check,
                    gpointer            user_data)
{
  FkApplication *app = fk_application_new ();
  char *argv[] = { (char *) "faltkoll", (char *) "--data-dir", (char *) data_dir, NULL };
  AppRun run = { added, check, user_data, NULL, FALSE };

  g_signal_connect (app, "window-added", G_CALLBACK (on_app_window_added), &run);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), G_N_ELEMENTS (argv) - 1, argv), ==, 0);
  g_assert_true (run.checked);
  g_assert_finalize_object (run.window);
  g_assert_finalize_object (app);
}
