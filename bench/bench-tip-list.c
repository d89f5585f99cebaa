/* bench-tip-list.c: opening and scrolling 10,000 tips, GtkListView against one widget per row
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   bench-tip-list [--count 10000] [--baseline-count N] [--frames 600] [--opens 3]
 *                  [--data-dir DIR]
 *
 * Without --data-dir, `bench-sync prepare-store --keep-session` first leaves
 * a store of --count sent tips, saved and synced through the real FkClient
 * and server, with its session kept in the keyring.  The real FkClient then
 * loads it (the session opens without a login) and two lists show its tips
 * in a phone-sized window, one after the other, in this process:
 *
 *   Fältkoll   the app's own FkTipList: a GtkListView on the client's model
 *   baseline   a GtkListBox with one row of the same widgets per tip, the
 *              way the issue forbids
 *
 * Each is opened --opens times (time from creating the list to the first
 * frame that shows it) and then scrolled from top to bottom in --frames
 * frames by moving the scrolled window's vertical adjustment once per frame
 * from a tick callback.  The frame clock's before-paint and after-paint
 * give each frame's work and the interval between frames.  bench/README.md
 * says more.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <adwaita.h>

#include "fk-client.h"
#include "fk-tip-list.h"

#define PHONE_WIDTH   360
#define PHONE_HEIGHT  720
/* What GDK paces frames at when nothing tells it the display's rate. */
#define FRAME_US      (G_USEC_PER_SEC / 60.0)
/* The unmeasured first scroll (see main). */
#define WARM_UP_ROWS   300
#define WARM_UP_FRAMES 60

static G_GNUC_NORETURN void G_GNUC_PRINTF (1, 2)
fail (const char *format,
      ...)
{
  va_list args;

  va_start (args, format);
  fputs ("bench-tip-list: ", stderr);
  vfprintf (stderr, format, args);
  fputc ('\n', stderr);
  va_end (args);
  exit (1);
}

static gint64
status_kb (const char *field)
{
  g_autofree char *status = NULL;
  g_autofree char *key = g_strconcat ("\n", field, ":", NULL);
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) || (line = strstr (status, key)) == NULL)
    return -1;

  return g_ascii_strtoll (line + strlen (key), NULL, 10);
}

static gboolean
on_timeout (gpointer user_data)
{
  fail ("%s took longer than two minutes", (const char *) user_data);
}

static void
on_ready (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

/* The real client on the prepared store: its kept session opens it, and
 * every tip is decrypted into the model the app's list shows. */
static FkClient *
load_client (const char *data_dir,
             guint       count,
             double     *load_ms)
{
  g_autoptr(FkClient) client = fk_client_new (data_dir);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  guint timeout_id = g_timeout_add_seconds (120, on_timeout, (gpointer) "loading the store");

  /* The tips were sent just now; a week's retention keeps them all. */
  fk_client_set_retention_days (client, 30);
  fk_client_load_async (client, NULL, on_ready, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  if (!fk_client_load_finish (client, result, &error))
    fail ("the store did not load: %s", error->message);
  *load_ms = (g_get_monotonic_time () - start) / 1000.0;
  g_source_remove (timeout_id);

  if (fk_client_get_state (client) != FK_CLIENT_STATE_UNLOCKED)
    fail ("the store's session did not open (state %d)", fk_client_get_state (client));
  if (g_list_model_get_n_items (fk_client_get_tips (client)) != count)
    fail ("the store holds %u tips, not %u", g_list_model_get_n_items (fk_client_get_tips (client)), count);

  return g_steal_pointer (&client);
}

static char *
prepare_store (guint count)
{
  g_autofree char *build_root = g_strdup (g_getenv ("FK_BUILD_ROOT"));
  g_autofree char *bench_sync = NULL;
  g_autofree char *count_text = g_strdup_printf ("%u", count);
  g_autofree char *data_dir = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { NULL, "prepare-store", "--keep-session", "--data-dir", NULL, "--count", count_text, NULL };
  int status;

  if (build_root == NULL)
    {
      g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
      g_autofree char *self_dir = self ? g_path_get_dirname (self) : NULL;

      if (self_dir == NULL)
        fail ("set FK_BUILD_ROOT");
      build_root = g_path_get_dirname (self_dir);
    }
  if (g_getenv ("FK_TEST_ROOT") == NULL)
    fail ("run me through tests/fk-test-env --x11: I need its session bus and keyring");

  bench_sync = g_build_filename (build_root, "bench", "bench-sync", NULL);
  data_dir = g_build_filename (g_getenv ("FK_TEST_ROOT"), "tip-list-XXXXXX", NULL);
  if (g_mkdtemp (data_dir) == NULL)
    fail ("cannot make %s", data_dir);
  argv[0] = bench_sync;
  argv[4] = data_dir;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL, NULL, NULL,
                     &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    fail ("bench-sync prepare-store: %s", error->message);

  return g_steal_pointer (&data_dir);
}

/* Frames ------------------------------------------------------------------- */

typedef struct {
  GArray  *starts;     /* gint64 µs, before-paint */
  GArray  *ends;       /* gint64 µs, after-paint */
  gboolean recording;
} Frames;

static void
on_before_paint (GdkFrameClock *clock,
                 Frames        *frames)
{
  gint64 now = g_get_monotonic_time ();

  if (frames->recording)
    g_array_append_val (frames->starts, now);
}

static void
on_after_paint (GdkFrameClock *clock,
                Frames        *frames)
{
  gint64 now = g_get_monotonic_time ();

  /* A frame that began before recording did is not counted. */
  if (frames->recording && frames->starts->len > frames->ends->len)
    g_array_append_val (frames->ends, now);
}

static void
on_painted (GdkFrameClock *clock,
            gboolean      *painted)
{
  *painted = TRUE;
}

/* Lets @window finish whatever it was drawing: returns once it has drawn
 * nothing for 200 ms. */
static void
settle (GtkWidget *window)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);
  gboolean painted = TRUE;
  gulong handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_painted), &painted);

  while (painted)
    {
      gint64 quiet_until = g_get_monotonic_time () + 200 * 1000;

      painted = FALSE;
      while (g_get_monotonic_time () < quiet_until)
        if (!g_main_context_iteration (NULL, FALSE))
          g_usleep (1000);
    }
  g_signal_handler_disconnect (clock, handler);
}

/* The lists --------------------------------------------------------------- */

typedef GtkWidget *(*ListMaker) (FkClient *client);

static GtkWidget *
make_list_view (FkClient *client)
{
  return g_object_new (FK_TYPE_TIP_LIST, "client", client, NULL);
}

static GtkWidget *
row_label (GtkWidget  *parent,
           const char *text,
           const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, css_class);
  gtk_box_append (GTK_BOX (parent), label);
  return label;
}

/* The same widgets as a row of FkTipList, filled the same way, made once
 * for every tip. */
static GtkWidget *
make_row (FkHotelTip *tip)
{
  static const char *state_words[] = { "Draft", "Waiting", "Sent", "Failed" };
  static const char *state_classes[] = { "fk-state-draft", "fk-state-pending", "fk-state-sent", "fk-state-failed" };
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GDateTime *received_at = fk_hotel_tip_get_received_at (tip);
  FkRecordState state = fk_hotel_tip_get_state (tip);
  const char *failure = fk_hotel_tip_get_failure (tip);
  g_autoptr(GDateTime) local = received_at ? g_date_time_to_local (received_at) : NULL;
  g_autofree char *date = local ? g_date_time_format (local, "%x %H:%M") : NULL;
  GtkWidget *label;

  gtk_widget_add_css_class (row, "fk-tip-row");
  label = row_label (row, fk_hotel_tip_get_hotel_name (tip), "heading");
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (row), line);
  label = row_label (line, date, "dim-label");
  gtk_widget_set_hexpand (label, TRUE);
  label = row_label (line, state_words[state % 4], "fk-tip-state");
  gtk_widget_add_css_class (label, state_classes[state % 4]);
  label = row_label (row, failure, "error");
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_set_visible (label, state == FK_RECORD_STATE_FAILED && failure != NULL && failure[0] != 0);

  return row;
}

static guint baseline_count;

/* FkTipList's list page, with a GtkListBox in place of its GtkListView. */
static GtkWidget *
make_list_box (FkClient *client)
{
  GListModel *tips = fk_client_get_tips (client);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *button = gtk_button_new_with_label ("New Tip");
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *list = gtk_list_box_new ();

  gtk_widget_set_halign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_top (button, 12);
  gtk_widget_set_margin_bottom (button, 12);
  gtk_widget_add_css_class (button, "pill");
  gtk_widget_add_css_class (button, "suggested-action");
  gtk_box_append (GTK_BOX (box), button);

  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 600);
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "navigation-sidebar");
  gtk_widget_add_css_class (list, "fk-tip-list");
  for (guint i = 0; i < baseline_count; i++)
    {
      g_autoptr(FkHotelTip) tip = g_list_model_get_item (tips, i);

      gtk_list_box_append (GTK_LIST_BOX (list), make_row (tip));
    }
  adw_clamp_set_child (ADW_CLAMP (clamp), list);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_box_append (GTK_BOX (box), scrolled);

  return box;
}

/* The one on screen: a hidden status page has a scrolled window too. */
static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  if (!gtk_widget_get_mapped (widget))
    return NULL;
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_descendant (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* From asking for the list to the end of the first frame that shows it. */
static double
open_list (GtkWindow  *window,
           ListMaker   make,
           FkClient   *client,
           GtkWidget **list)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  gboolean painted = FALSE;
  gulong handler;
  gint64 start;

  gtk_window_set_child (window, NULL);
  settle (GTK_WIDGET (window));

  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_painted), &painted);
  start = g_get_monotonic_time ();
  *list = make (client);
  gtk_window_set_child (window, *list);
  while (!painted || !gtk_widget_get_mapped (*list))
    {
      painted = FALSE;
      g_main_context_iteration (NULL, TRUE);
    }
  g_signal_handler_disconnect (clock, handler);

  return (g_get_monotonic_time () - start) / 1000.0;
}

typedef struct {
  GtkAdjustment *adjustment;
  double         step;
  guint          ticks;
  guint          max_ticks;
  gboolean       done;
} Scroll;

static gboolean
on_scroll_tick (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  Scroll *scroll = user_data;
  double bottom = gtk_adjustment_get_upper (scroll->adjustment) - gtk_adjustment_get_page_size (scroll->adjustment);
  double value = gtk_adjustment_get_value (scroll->adjustment);

  /* A list view's height is an estimate until its rows were seen: the
   * bottom is wherever the adjustment says it is now. */
  if (value >= bottom || scroll->ticks >= scroll->max_ticks)
    {
      scroll->done = TRUE;
      return G_SOURCE_REMOVE;
    }

  scroll->ticks++;
  gtk_adjustment_set_value (scroll->adjustment, MIN (value + scroll->step, bottom));
  return G_SOURCE_CONTINUE;
}

typedef struct {
  const char *name;
  guint       rows;
  double      load_ms;
  double      open_ms[16];
  guint       opens;
  gint64      rss_kb;
  double      step_px;
  double      height_px;
  guint       frames;
  double      wall_s;
  double      interval_median, interval_p95, interval_max;
  double      work_median, work_p95, work_max;
  guint       dropped;
  guint       slowest;     /* which frame had the most work */
  gboolean    reached_bottom;
} Result;

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (GArray *sorted,
            double  fraction)
{
  /* Nearest rank. */
  guint rank = (guint) (fraction * sorted->len + 0.999999);

  return g_array_index (sorted, double, CLAMP (rank, 1, sorted->len) - 1);
}

static void
summarize (GArray *values,
           double *median,
           double *p95,
           double *max)
{
  g_array_sort (values, compare_doubles);
  *median = percentile (values, 0.5);
  *p95 = percentile (values, 0.95);
  *max = g_array_index (values, double, values->len - 1);
}

static void
scroll_list (GtkWidget *window,
             GtkWidget *list,
             guint      frames_wanted,
             Result    *result)
{
  GtkWidget *scrolled = find_descendant (list, GTK_TYPE_SCROLLED_WINDOW);
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);
  Frames frames = { g_array_new (FALSE, FALSE, sizeof (gint64)), g_array_new (FALSE, FALSE, sizeof (gint64)), FALSE };
  g_autoptr(GArray) intervals = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) work = g_array_new (FALSE, FALSE, sizeof (double));
  Scroll scroll = { 0 };
  gulong before_handler, after_handler;
  guint timeout_id;
  gint64 start;

  if (scrolled == NULL)
    fail ("%s has no scrolled window", result->name);
  scroll.adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  result->height_px = gtk_adjustment_get_upper (scroll.adjustment) - gtk_adjustment_get_page_size (scroll.adjustment);
  if (result->height_px <= 0)
    fail ("%s cannot scroll", result->name);
  scroll.step = result->height_px / frames_wanted;
  scroll.max_ticks = frames_wanted * 4;
  result->step_px = scroll.step;

  before_handler = g_signal_connect (clock, "before-paint", G_CALLBACK (on_before_paint), &frames);
  after_handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &frames);
  timeout_id = g_timeout_add_seconds (120, on_timeout, (gpointer) "scrolling");

  frames.recording = TRUE;
  start = g_get_monotonic_time ();
  gtk_widget_add_tick_callback (scrolled, on_scroll_tick, &scroll, NULL);
  while (!scroll.done)
    g_main_context_iteration (NULL, TRUE);
  /* The last position's frame. */
  while (frames.ends->len < frames.starts->len || frames.ends->len < scroll.ticks)
    g_main_context_iteration (NULL, TRUE);
  frames.recording = FALSE;
  result->wall_s = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;

  g_source_remove (timeout_id);
  g_signal_handler_disconnect (clock, before_handler);
  g_signal_handler_disconnect (clock, after_handler);

  result->reached_bottom = gtk_adjustment_get_value (scroll.adjustment) >=
                           gtk_adjustment_get_upper (scroll.adjustment) - gtk_adjustment_get_page_size (scroll.adjustment) - 0.5;
  result->frames = frames.ends->len;
  for (guint i = 0; i < frames.ends->len; i++)
    {
      double frame_work = (g_array_index (frames.ends, gint64, i) - g_array_index (frames.starts, gint64, i)) / 1000.0;

      if (frame_work > g_array_index (frames.ends, gint64, result->slowest) / 1000.0 -
                       g_array_index (frames.starts, gint64, result->slowest) / 1000.0)
        result->slowest = i;
      g_array_append_val (work, frame_work);
      if (i > 0)
        {
          double interval_us = g_array_index (frames.ends, gint64, i) - g_array_index (frames.ends, gint64, i - 1);
          double interval = interval_us / 1000.0;

          g_array_append_val (intervals, interval);
          /* A frame that took n refresh periods hid n - 1 of them. */
          if (interval_us > 1.5 * FRAME_US)
            result->dropped += (guint) (interval_us / FRAME_US + 0.5) - 1;
        }
    }
  if (intervals->len == 0)
    fail ("%s drew no frames while scrolling", result->name);
  summarize (intervals, &result->interval_median, &result->interval_p95, &result->interval_max);
  summarize (work, &result->work_median, &result->work_p95, &result->work_max);

  g_array_unref (frames.starts);
  g_array_unref (frames.ends);
}

static void
run_list (GtkWindow *window,
          FkClient  *client,
          ListMaker  make,
          guint      opens,
          guint      frames,
          Result    *result)
{
  GtkWidget *list = NULL;
  guint timeout_id = g_timeout_add_seconds (120, on_timeout, (gpointer) "opening the list");

  printf ("  %s: opening %u times, then scrolling…\n", result->name, opens);
  fflush (stdout);
  result->opens = MIN (opens, G_N_ELEMENTS (result->open_ms));
  for (guint i = 0; i < result->opens; i++)
    result->open_ms[i] = open_list (window, make, client, &list);
  g_source_remove (timeout_id);

  settle (GTK_WIDGET (window));
  result->rss_kb = status_kb ("VmRSS");
  scroll_list (GTK_WIDGET (window), list, frames, result);
  gtk_window_set_child (window, NULL);
  settle (GTK_WIDGET (window));
}

static double
median_open (Result *result)
{
  double sorted[G_N_ELEMENTS (result->open_ms)];

  memcpy (sorted, result->open_ms, sizeof sorted);
  qsort (sorted, result->opens, sizeof (double), compare_doubles);
  return result->opens % 2 ? sorted[result->opens / 2] : (sorted[result->opens / 2 - 1] + sorted[result->opens / 2]) / 2;
}

static double
fastest_open (Result *result)
{
  double fastest = result->open_ms[0];

  for (guint i = 1; i < result->opens; i++)
    fastest = MIN (fastest, result->open_ms[i]);
  return fastest;
}

static void
print_results (Result *lv,
               Result *lb,
               guint   count)
{
  double scale = (double) count / lb->rows;
  gboolean extrapolated = lb->rows != count;
  double lb_open = median_open (lb) * (extrapolated ? scale : 1);

  printf ("\nThe tip list with %u tips under Xvfb, %dx%d window, GTK %u.%u.%u, renderer %s\n",
          count, PHONE_WIDTH, PHONE_HEIGHT, gtk_get_major_version (), gtk_get_minor_version (),
          gtk_get_micro_version (), g_getenv ("GSK_RENDERER") ? g_getenv ("GSK_RENDERER") : "default");
  printf ("store loaded by FkClient (decrypting every tip): %.0f ms\n\n", lv->load_ms);
  printf ("%-34s %14s %18s\n", "", "Fältkoll", "baseline");
  printf ("%-34s %14s %18s\n", "", "GtkListView", "GtkListBox");
  printf ("%-34s %14u %18u\n", "rows", lv->rows, lb->rows);
  printf ("%-34s %14.0f %18.0f\n", "open to first frame, median ms", median_open (lv), median_open (lb));
  if (extrapolated)
    printf ("%-34s %14s %17.0f*\n", "  for all tips, ms", "", lb_open);
  printf ("%-34s %14.0f %18.0f\n", "  fastest open, ms", fastest_open (lv), fastest_open (lb));
  printf ("%-34s %14.1f %18.1f\n", "RSS with the list open, MiB", lv->rss_kb / 1024.0, lb->rss_kb / 1024.0);
  printf ("%-34s %14.0f %18.0f\n", "scroll: height to cover, px", lv->height_px, lb->height_px);
  printf ("%-34s %14.0f %18.0f\n", "scroll: step per frame, px", lv->step_px, lb->step_px);
  printf ("%-34s %14u %18u\n", "scroll: frames", lv->frames, lb->frames);
  printf ("%-34s %14.2f %18.2f\n", "scroll: wall s", lv->wall_s, lb->wall_s);
  printf ("%-34s %14.1f %18.1f\n", "frame interval median ms", lv->interval_median, lb->interval_median);
  printf ("%-34s %14.1f %18.1f\n", "frame interval p95 ms", lv->interval_p95, lb->interval_p95);
  printf ("%-34s %14.1f %18.1f\n", "frame interval max ms", lv->interval_max, lb->interval_max);
  printf ("%-34s %14.1f %18.1f\n", "frame work median ms", lv->work_median, lb->work_median);
  printf ("%-34s %14.1f %18.1f\n", "frame work p95 ms", lv->work_p95, lb->work_p95);
  printf ("%-34s %14.1f %18.1f\n", "frame work max ms", lv->work_max, lb->work_max);
  printf ("%-34s %14u %18u\n", "  that frame's number", lv->slowest + 1, lb->slowest + 1);
  printf ("%-34s %14u %18u\n", "dropped frames (at 60 Hz)", lv->dropped, lb->dropped);
  printf ("%-34s %13.1f%% %17.1f%%\n", "  of the frames scrolled",
          100.0 * lv->dropped / (lv->frames + lv->dropped), 100.0 * lb->dropped / (lb->frames + lb->dropped));
  printf ("%-34s %14s %18s\n", "reached the bottom", lv->reached_bottom ? "yes" : "NO", lb->reached_bottom ? "yes" : "NO");
  if (extrapolated)
    printf ("\n* extrapolated linearly from the %u rows built (--baseline-count); the baseline's other "
            "figures are for those %u rows\n", lb->rows, lb->rows);
  printf ("\nframe work: before-paint to after-paint (layout, snapshot, render); interval: after-paint to after-paint.\n"
          "Opens are in order: %s", "Fältkoll");
  for (guint i = 0; i < lv->opens; i++)
    printf (" %.0f", lv->open_ms[i]);
  printf (" ms; baseline");
  for (guint i = 0; i < lb->opens; i++)
    printf (" %.0f", lb->open_ms[i]);
  printf (" ms\n");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- open and scroll the tip list");
  g_autoptr(GError) error = NULL;
  g_autoptr(GtkCssProvider) style = gtk_css_provider_new ();
  g_autoptr(FkClient) client = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *load_before = NULL;
  g_autofree char *load_after = NULL;
  int count = 10000;
  int baseline = 0;
  int frames = 600;
  int opens = 3;
  GOptionEntry entries[] = {
    { "count", 0, 0, G_OPTION_ARG_INT, &count, "Tips in the store", "N" },
    { "baseline-count", 0, 0, G_OPTION_ARG_INT, &baseline,
      "Rows of the GtkListBox baseline, if fewer than --count (its open time is then extrapolated)", "N" },
    { "frames", 0, 0, G_OPTION_ARG_INT, &frames, "Frames to scroll from top to bottom in", "N" },
    { "opens", 0, 0, G_OPTION_ARG_INT, &opens, "Times each list is opened", "N" },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir,
      "A store prepared by bench-sync prepare-store --keep-session", "DIR" },
    { NULL }
  };
  GtkWidget *window;
  Result lv = { "Fältkoll (GtkListView)" }, lb = { "baseline (GtkListBox)" }, warm_up = { "warm-up (GtkListBox)" };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      count < 1 || baseline < 0 || baseline > count || frames < 10 || opens < 1 || opens > 16)
    fail ("%s", error ? error->message : "--count, --frames and --opens must be positive, "
                                         "--baseline-count at most --count, --opens at most 16");

  if (baseline == 0)
    baseline = count;
  if (data_dir == NULL)
    data_dir = prepare_store (count);

  g_file_get_contents ("/proc/loadavg", &load_before, NULL, NULL);
  adw_init ();
  /* The app's own style, which AdwApplication would load. */
  gtk_css_provider_load_from_resource (style, "/io/github/faltkoll/Faltkoll/ui/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (style),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  client = load_client (data_dir, count, &lv.load_ms);
  lv.rows = count;
  lb.rows = baseline_count = baseline;

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), PHONE_WIDTH, PHONE_HEIGHT);
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (window))
    g_main_context_iteration (NULL, TRUE);
  settle (window);

  /* The process's first scroll pays one-off costs, whichever list it is:
   * llvmpipe compiles the shaders of what scrolling draws (a 120-180 ms
   * frame here).  An unmeasured scroll first keeps them out of both lists'
   * figures; whichever list went first used to carry them alone. */
  baseline_count = MIN (WARM_UP_ROWS, count);
  run_list (GTK_WINDOW (window), client, make_list_box, 1, WARM_UP_FRAMES, &warm_up);
  baseline_count = baseline;

  run_list (GTK_WINDOW (window), client, make_list_view, opens, frames, &lv);
  run_list (GTK_WINDOW (window), client, make_list_box, opens, frames, &lb);

  g_file_get_contents ("/proc/loadavg", &load_after, NULL, NULL);
  print_results (&lv, &lb, count);
  printf ("warm-up, not counted: %u rows scrolled in %u frames first, slowest frame's work %.1f ms (frame %u)\n",
          MIN (WARM_UP_ROWS, (guint) count), warm_up.frames, warm_up.work_max, warm_up.slowest + 1);
  printf ("load average before: %.14s, after: %.14s on %u CPUs\n",
          load_before ? load_before : "?", load_after ? load_after : "?", g_get_num_processors ());

  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
