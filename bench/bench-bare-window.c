/* bench-bare-window.c: the least a libadwaita app shows, for bench-startup
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A window of Fältkoll's size with a header bar and one line of text, and
 * nothing else: what GTK and libadwaita cost before an app adds anything of
 * its own.  Timed beside Fältkoll, it shows how much of Fältkoll's start is
 * Fältkoll's.
 */
#include "config.h"

#include <adwaita.h>

static void
on_activate (GtkApplication *application)
{
  GtkWidget *window = adw_application_window_new (application);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *label = gtk_label_new ("Enter the PIN for your Mobile service ID.");

  gtk_widget_set_vexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_box_append (GTK_BOX (box), label);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  gtk_window_set_title (GTK_WINDOW (window), "Log in");
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 720);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AdwApplication) application = NULL;

  /* Unique on the session bus, as Fältkoll and Calculator are. */
  application = adw_application_new ("io.github.faltkoll.BenchBareWindow", G_APPLICATION_DEFAULT_FLAGS);
  g_signal_connect (application, "activate", G_CALLBACK (on_activate), NULL);

  return g_application_run (G_APPLICATION (application), argc, argv);
}
