/* fk-ui-test-utils.h: finding widgets the way a screen reader would
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Before gtk_test_init: the test a11y backend keeps accessible properties
 * readable and starts no AT-SPI bus. */
void        fk_ui_test_init                   (int          *argc,
                                               char       ***argv);
/* Loads ui/style.css, and style-hc.css in high contrast, as AdwApplication
 * does for FkApplication, for widgets tested alone. */
void        fk_ui_test_load_style             (void);
/* The window buttons GNOME (and Phosh) show: close only. */
void        fk_ui_test_use_gnome_buttons      (void);
/* First widget of @type under @root (inclusive) whose accessible label is
 * @label, or a button showing @label as its text. */
GtkWidget  *fk_ui_test_find_by_label          (GtkWidget    *root,
                                               GType         type,
                                               const char   *label);
GtkWidget  *fk_ui_test_find_by_type           (GtkWidget    *root,
                                               GType         type);
/* Widgets under @root with every one of the CSS classes, space-separated. */
guint       fk_ui_test_count_with_classes     (GtkWidget    *root,
                                               const char   *classes);
void        fk_ui_test_click                  (GtkWidget    *button);
/* Runs the main loop until @done is TRUE; fails the test after @seconds. */
void        fk_ui_test_wait_until             (gboolean     *done,
                                               guint         seconds);
/* Runs the main loop for @milliseconds, as an officer reading the screen. */
void        fk_ui_test_iterate_for            (guint         milliseconds);
/* Waits until @widget is mapped and a frame with it has been painted. */
void        fk_ui_test_wait_drawn             (GtkWidget    *widget);
/* A mapped label under @root showing exactly @text, or NULL. */
GtkWidget  *fk_ui_test_find_label_text        (GtkWidget    *root,
                                               const char   *text);
/* Runs the main loop until @widget is mapped; fails after @seconds. */
void        fk_ui_test_wait_mapped            (GtkWidget    *widget,
                                               guint         seconds);

typedef void (*FkUiTestWindowFunc)           (GtkWidget    *window,
                                               gpointer      user_data);

/* Runs the real app on @data_dir.  @added (may be NULL) gets its window as
 * soon as it exists, @check once the main loop runs; the window closes
 * after @check, and the window and the app must then be finalized. */
void        fk_ui_test_run_app                (const char          *data_dir,
                                               FkUiTestWindowFunc   added,
                                               FkUiTestWindowFunc   check,
                                               gpointer             user_data);

G_END_DECLS
