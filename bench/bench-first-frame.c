/* bench-first-frame.c: how long a program takes to show its first frame on X11
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   bench-first-frame [--quiet-ms 1000] [--timeout-s 60] [--screenshot FILE] -- PROGRAM [ARG…]
 *
 * Starts PROGRAM and watches, with the X DAMAGE extension, every top-level
 * window it creates; it knows nothing of the program, so two programs are
 * measured the same way.  Prints one line of "key value" pairs:
 *
 *   mapped_ms       the first top-level window was mapped
 *   first_frame_ms  the first drawing into it that is not one plain colour
 *   settled_ms      the last drawing before --quiet-ms without any: the
 *                   finished first screen, whatever was shown before it
 *   damage_events   drawings seen until then
 *   rss_kb, hwm_kb  VmRSS and VmHWM of PROGRAM when it settled
 *   width, height   of the window
 *   major_faults, read_kb, cpu_ms
 *                   page faults that waited for the disk, bytes read from
 *                   it, and CPU time (user and system, all threads), from
 *                   PROGRAM's start until it was stopped, --quiet-ms after
 *                   it settled
 *
 * Times are from just before fork.  PROGRAM is killed afterwards.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/Xdamage.h>

static int
ignore_x_error (Display     *display,
                XErrorEvent *event)
{
  /* An InputOnly window cannot be watched, and a window may go before its
   * damage object is made: neither is a frame. */
  return 0;
}

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

static gint64
status_kb (GPid        pid,
           const char *field)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", pid);
  g_autofree char *status = NULL;
  g_autofree char *key = g_strconcat ("\n", field, ":", NULL);
  const char *line;

  if (!g_file_get_contents (path, &status, NULL, NULL) || (line = strstr (status, key)) == NULL)
    return -1;

  return g_ascii_strtoll (line + strlen (key), NULL, 10);
}

/* A background fill is one colour; a frame of any real UI is not. */
static gboolean
has_content (Display *display,
             Window   window,
             int     *width,
             int     *height)
{
  XWindowAttributes attributes;
  XImage *image;
  gboolean content = FALSE;
  unsigned long first;

  if (!XGetWindowAttributes (display, window, &attributes) || attributes.map_state != IsViewable)
    return FALSE;

  image = XGetImage (display, window, 0, 0, attributes.width, attributes.height, AllPlanes, ZPixmap);
  if (image == NULL)
    return FALSE;

  first = XGetPixel (image, 0, 0);
  for (int y = 0; y < attributes.height && !content; y += 2)
    for (int x = 0; x < attributes.width && !content; x += 2)
      content = XGetPixel (image, x, y) != first;

  XDestroyImage (image);
  *width = attributes.width;
  *height = attributes.height;
  return content;
}

static void
child_setup (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
stop_program (GPid           pid,
              struct rusage *usage)
{
  int status;

  kill (pid, SIGTERM);
  for (int i = 0; i < 200; i++)
    {
      if (wait4 (pid, &status, WNOHANG, usage) == pid)
        return;
      g_usleep (10 * 1000);
    }
  kill (pid, SIGKILL);
  wait4 (pid, &status, 0, usage);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("-- PROGRAM [ARG…]");
  g_autoptr(GError) error = NULL;
  g_autofree char *screenshot = NULL;
  int quiet_ms = 1000;
  int timeout_s = 60;
  GOptionEntry entries[] = {
    { "quiet-ms", 0, 0, G_OPTION_ARG_INT, &quiet_ms, "Settled after this long without drawing", "MS" },
    { "timeout-s", 0, 0, G_OPTION_ARG_INT, &timeout_s, "Give up after this long", "S" },
    { "screenshot", 0, 0, G_OPTION_ARG_FILENAME, &screenshot, "Save the settled window (PNG, by ImageMagick)", "FILE" },
    { NULL }
  };
  Display *display;
  Window frame_window = None;
  int damage_event, damage_error;
  int width = 0, height = 0;
  double mapped_ms = -1, first_ms = -1, last_ms = -1;
  guint events = 0;
  gint64 rss_kb, hwm_kb;
  gint64 start;
  GPid pid;
  struct rusage usage = { 0 };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc < 2)
    {
      g_printerr ("bench-first-frame: %s\n", error ? error->message : "no program given");
      return 2;
    }

  /* GOption keeps "--" when what follows looks like options. */
  if (g_str_equal (argv[1], "--"))
    {
      argv++;
      argc--;
    }
  if (argc < 2)
    {
      g_printerr ("bench-first-frame: no program given\n");
      return 2;
    }

  display = XOpenDisplay (NULL);
  if (display == NULL)
    {
      g_printerr ("bench-first-frame: cannot open the display\n");
      return 1;
    }
  if (!XDamageQueryExtension (display, &damage_event, &damage_error))
    {
      g_printerr ("bench-first-frame: the X server has no DAMAGE extension\n");
      return 1;
    }
  XSetErrorHandler (ignore_x_error);
  /* Before the program starts, so that no window of it can be missed. */
  XSelectInput (display, DefaultRootWindow (display), SubstructureNotifyMask);
  XSync (display, False);

  start = g_get_monotonic_time ();
  if (!g_spawn_async (NULL, argv + 1, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD,
                      child_setup, NULL, &pid, &error))
    {
      g_printerr ("bench-first-frame: %s\n", error->message);
      return 1;
    }

  for (;;)
    {
      struct pollfd fd = { ConnectionNumber (display), POLLIN, 0 };
      double now = ms_since (start);
      int status;

      if (now > timeout_s * 1000.0)
        {
          g_printerr ("bench-first-frame: %s showed no settled frame in %d s\n", argv[1], timeout_s);
          stop_program (pid, NULL);
          return 1;
        }
      if (first_ms >= 0 && now - last_ms >= quiet_ms)
        break;
      if (waitpid (pid, &status, WNOHANG) == pid)
        {
          g_printerr ("bench-first-frame: %s exited before it settled\n", argv[1]);
          return 1;
        }

      if (XPending (display) == 0)
        {
          poll (&fd, 1, 5);
          continue;
        }

      while (XPending (display) > 0)
        {
          XEvent event;

          XNextEvent (display, &event);
          /* Freed with the connection. */
          if (event.type == CreateNotify && !event.xcreatewindow.override_redirect)
            XDamageCreate (display, event.xcreatewindow.window, XDamageReportNonEmpty);
          else if (event.type == MapNotify && !event.xmap.override_redirect && mapped_ms < 0)
            {
              mapped_ms = ms_since (start);
            }
          else if (event.type == damage_event + XDamageNotify)
            {
              XDamageNotifyEvent *notify = (XDamageNotifyEvent *) &event;
              double at = ms_since (start);

              XDamageSubtract (display, notify->damage, None, None);
              if (first_ms < 0)
                {
                  if (!has_content (display, notify->drawable, &width, &height))
                    continue;
                  first_ms = at;
                  frame_window = notify->drawable;
                }
              if (notify->drawable == frame_window)
                {
                  last_ms = at;
                  events++;
                }
            }
        }
    }

  rss_kb = status_kb (pid, "VmRSS");
  hwm_kb = status_kb (pid, "VmHWM");

  if (screenshot != NULL)
    {
      g_autofree char *id = g_strdup_printf ("0x%lx", frame_window);
      const char *import_argv[] = { "import", "-window", id, screenshot, NULL };
      int wait_status;

      if (!g_spawn_sync (NULL, (char **) import_argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                         NULL, NULL, &wait_status, &error) ||
          !g_spawn_check_wait_status (wait_status, &error))
        g_printerr ("bench-first-frame: no screenshot: %s\n", error->message);
    }

  stop_program (pid, &usage);
  XCloseDisplay (display);

  printf ("mapped_ms %.1f first_frame_ms %.1f settled_ms %.1f damage_events %u rss_kb %" G_GINT64_FORMAT
          " hwm_kb %" G_GINT64_FORMAT " width %d height %d major_faults %ld read_kb %ld cpu_ms %.1f\n",
          mapped_ms, first_ms, last_ms, events, rss_kb, hwm_kb, width, height,
          usage.ru_majflt, usage.ru_inblock / 2,
          (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000.0 + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000.0);
  return 0;
}
