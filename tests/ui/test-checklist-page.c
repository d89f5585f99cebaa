/* test-checklist-page.c: one event checklist at 360 px: items by phase,
 * progress that follows the answers, the team line, mark done and reopen,
 * the items in English for an English locale; leaves a PNG to look at
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <adwaita.h>

#include "fk-checklist-item-row.h"
#include "fk-checklist-page.h"
#include "fk-error.h"
#include "fk-ui-test-utils.h"

#define PHONE_WIDTH  360
#define PHONE_HEIGHT 720

typedef struct {
  GtkWidget           *window;
  FkChecklistPage     *page;
  FkChecklistTemplate *template_;
  FkEventChecklist    *checklist;
  FkClient            *client;
  char                *data_dir;
  GPtrArray           *toasts;
} Fixture;

static void
on_toast (FkChecklistPage *page,
          const char      *text,
          Fixture         *fixture)
{
  g_ptr_array_add (fixture->toasts, g_strdup (text));
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  GdkSurface *surface;
  int frame_width, frame_height;

  /* Under fk-test-env's root, which it removes afterwards. */
  g_assert_nonnull (g_getenv ("FK_TEST_ROOT"));
  fixture->data_dir = g_build_filename (g_getenv ("FK_TEST_ROOT"), "checklist-page-XXXXXX", NULL);
  g_assert_nonnull (g_mkdtemp (fixture->data_dir));
  /* Never unlocked: every save must fail, and say so. */
  fixture->client = fk_client_new (fixture->data_dir);
  fixture->toasts = g_ptr_array_new_with_free_func (g_free);

  fixture->template_ = fk_checklist_template_new_default ();
  fixture->checklist = fk_event_checklist_new (fixture->template_);

  fixture->window = adw_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), PHONE_WIDTH, PHONE_HEIGHT);
  fixture->page = g_object_ref (FK_CHECKLIST_PAGE (fk_checklist_page_new ()));
  fk_checklist_page_set_client (fixture->page, fixture->client);
  fk_checklist_page_set_checklist (fixture->page, fixture->checklist);
  g_signal_connect (fixture->page, "toast", G_CALLBACK (on_toast), fixture);
  adw_window_set_content (ADW_WINDOW (fixture->window), GTK_WIDGET (fixture->page));
  gtk_window_present (GTK_WINDOW (fixture->window));
  fk_ui_test_wait_drawn (fixture->window);

  /* Without a window manager the surface keeps a frame for resizing, which
   * a phone's full-screen window does not have: size the content. */
  surface = gtk_native_get_surface (GTK_NATIVE (fixture->window));
  frame_width = gdk_surface_get_width (surface) - gtk_widget_get_width (fixture->window);
  frame_height = gdk_surface_get_height (surface) - gtk_widget_get_height (fixture->window);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), PHONE_WIDTH + frame_width, PHONE_HEIGHT + frame_height);
  while (gtk_widget_get_width (fixture->window) != PHONE_WIDTH ||
         gtk_widget_get_height (fixture->window) != PHONE_HEIGHT)
    g_main_context_iteration (NULL, TRUE);
  fk_ui_test_wait_drawn (fixture->window);
}

/* As for an officer whose locale is English: the template takes its texts
 * from the locale when it is made. */
static void
fixture_setup_english (Fixture       *fixture,
                       gconstpointer  data)
{
  g_setenv ("LANGUAGE", "en", TRUE);
  fixture_setup (fixture, data);
  g_unsetenv ("LANGUAGE");
}

static void
wait_for_toasts (Fixture *fixture,
                 guint    n)
{
  guint timeout = 0;

  while (fixture->toasts->len < n && timeout++ < 2000)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (fixture->toasts->len, >=, n);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  /* Saves hold the page until the client has answered. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (fixture->page);
  g_assert_finalize_object (fixture->checklist);
  g_assert_finalize_object (fixture->template_);
  g_assert_finalize_object (fixture->client);
  g_ptr_array_unref (fixture->toasts);
  g_free (fixture->data_dir);
}

static GtkWidget *
find_label (GtkWidget  *root,
            const char *text)
{
  if (GTK_IS_LABEL (root) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (root)), text) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
collect (GtkWidget *root,
         GType      type,
         GPtrArray *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    g_ptr_array_add (found, root);

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    collect (child, type, found);
}

static GtkWidget *
group_titled (Fixture    *fixture,
              const char *title)
{
  g_autoptr(GPtrArray) groups = g_ptr_array_new ();

  collect (GTK_WIDGET (fixture->page), ADW_TYPE_PREFERENCES_GROUP, groups);
  for (guint i = 0; i < groups->len; i++)
    if (g_strcmp0 (adw_preferences_group_get_title (g_ptr_array_index (groups, i)), title) == 0)
      return g_ptr_array_index (groups, i);

  g_error ("No group titled “%s”", title);
}

static FkChecklistItemRow *
first_row (Fixture *fixture)
{
  FkChecklistItemRow *row = FK_CHECKLIST_ITEM_ROW (fk_ui_test_find_by_type (GTK_WIDGET (fixture->page),
                                                                            FK_TYPE_CHECKLIST_ITEM_ROW));

  g_assert_nonnull (row);
  return row;
}

static GtkWidget *
button (GtkWidget  *root,
        const char *label)
{
  GtkWidget *found = fk_ui_test_find_by_label (root, GTK_TYPE_BUTTON, label);

  if (found == NULL)
    g_error ("No button named “%s”", label);
  return found;
}

static void
test_phases (Fixture       *fixture,
             gconstpointer  data)
{
  const char *titles[] = { "Before", "During", "After" };
  guint expected[3] = { 0 };

  for (guint i = 0; i < fk_checklist_template_get_n_items (fixture->template_); i++)
    expected[fk_checklist_template_get_item (fixture->template_, i)->phase]++;

  for (guint phase = 0; phase < G_N_ELEMENTS (titles); phase++)
    {
      GtkWidget *group = group_titled (fixture, titles[phase]);
      g_autoptr(GPtrArray) rows = g_ptr_array_new ();

      collect (group, FK_TYPE_CHECKLIST_ITEM_ROW, rows);
      g_assert_cmpuint (expected[phase], >, 0);
      g_assert_cmpuint (rows->len, ==, expected[phase]);
      g_assert_true (gtk_widget_get_visible (group));

      /* In template order within the phase. */
      for (guint i = 0, j = 0; i < fk_checklist_template_get_n_items (fixture->template_); i++)
        {
          const FkTemplateItem *item = fk_checklist_template_get_item (fixture->template_, i);

          if (item->phase != phase)
            continue;
          g_assert_cmpstr (fk_checklist_item_get_id (fk_checklist_item_row_get_item (g_ptr_array_index (rows, j++))),
                           ==, item->id);
        }
    }
}

/* The English of the shipped template, read from the source tree. */
static JsonObject *
national_english (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("FK_SOURCE_ROOT"), "data", "checklists", "national.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *translations;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  translations = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "translations");
  return json_object_ref (json_object_get_object_member (json_object_get_object_member (translations, "en"), "items"));
}

static void
test_english (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(JsonObject) english = national_english ();
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  collect (GTK_WIDGET (fixture->page), FK_TYPE_CHECKLIST_ITEM_ROW, rows);
  g_assert_cmpuint (rows->len, ==, fk_checklist_template_get_n_items (fixture->template_));
  g_assert_cmpuint (json_object_get_size (english), ==, rows->len);

  /* Every row reads in English; the answers still go by id. */
  for (guint i = 0; i < rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (rows, i);
      const char *id = fk_checklist_item_get_id (fk_checklist_item_row_get_item (FK_CHECKLIST_ITEM_ROW (row)));
      const char *text = json_object_get_string_member (english, id);

      g_test_message ("%s", id);
      g_assert_nonnull (find_label (row, text));
    }
  g_assert_nonnull (find_label (GTK_WIDGET (fixture->page), "A meeting with the organizer has been held."));
  g_assert_true (gtk_widget_is_drawable (find_label (GTK_WIDGET (fixture->page),
                                                     "A meeting with the organizer has been held.")));
  g_assert_null (find_label (GTK_WIDGET (fixture->page), "Möte med arrangören har hållits."));
}

static void
test_fits_phone (Fixture       *fixture,
                 gconstpointer  data)
{
  int min_width, nat_width;

  gtk_widget_measure (GTK_WIDGET (fixture->page), GTK_ORIENTATION_HORIZONTAL, -1, &min_width, &nat_width, NULL, NULL);
  g_assert_cmpint (min_width, <=, PHONE_WIDTH);
  g_assert_cmpint (nat_width, <=, PHONE_WIDTH);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (fixture->page)), ==, PHONE_WIDTH);
}

static void
test_progress (Fixture       *fixture,
               gconstpointer  data)
{
  guint total = fk_event_checklist_get_total (fixture->checklist);
  g_autofree char *before = g_strdup_printf ("0 of %u", total);
  g_autofree char *after = g_strdup_printf ("1 of %u", total);
  GtkWidget *label = find_label (GTK_WIDGET (fixture->page), before);

  g_assert_nonnull (label);
  g_assert_true (gtk_widget_is_drawable (label));

  fk_ui_test_click (fk_ui_test_find_by_label (GTK_WIDGET (first_row (fixture)), GTK_TYPE_TOGGLE_BUTTON, "Yes"));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, after);
  g_assert_true (fk_event_checklist_has_unsent (fixture->checklist));

  /* The answer went to be saved; without a session the officer is told. */
  wait_for_toasts (fixture, 1);
  g_assert_cmpstr (g_ptr_array_index (fixture->toasts, 0), ==, fk_error_code_to_message (FK_ERROR_SESSION_EXPIRED));
}

static void
test_team (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(JsonObject) state = json_object_new ();
  JsonArray *items = json_array_new ();
  JsonObject *item = json_object_new ();
  g_autoptr(FkChecklistItem) first = g_list_model_get_item (fk_event_checklist_get_items (fixture->checklist), 0);

  g_assert_null (find_label (GTK_WIDGET (fixture->page), "Team: officer-7"));

  json_object_set_string_member (state, "template_id", fk_checklist_template_get_id (fixture->template_));
  json_object_set_int_member (state, "template_version", fk_checklist_template_get_version (fixture->template_));
  json_object_set_string_member (state, "event_name", "Sommarfesten");
  json_object_set_string_member (state, "place", "Parken");
  json_object_set_boolean_member (state, "done", FALSE);
  json_object_set_string_member (item, "id", fk_checklist_item_get_id (first));
  json_object_set_string_member (item, "answer", "yes");
  json_object_set_string_member (item, "by", "officer-7");
  json_array_add_object_element (items, item);
  json_object_set_array_member (state, "items", items);
  fk_event_checklist_apply_server_state (fixture->checklist, state, -1);

  g_assert_nonnull (find_label (GTK_WIDGET (fixture->page), "Team: officer-7"));
  g_assert_true (gtk_widget_get_visible (find_label (GTK_WIDGET (fixture->page), "Team: officer-7")));
  g_assert_nonnull (find_label (GTK_WIDGET (fixture->page), "Changed by officer-7"));
  g_assert_nonnull (find_label (GTK_WIDGET (fixture->page), "Sommarfesten"));
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
  return NULL;
}

static void
test_done_and_reopen (Fixture       *fixture,
                      gconstpointer  data)
{
  guint total = fk_event_checklist_get_total (fixture->checklist);
  g_autofree char *body = g_strdup_printf ("%u items are unanswered. Mark the checklist as done anyway?", total);
  GtkWidget *done_button = button (GTK_WIDGET (fixture->page), "Mark as Done");
  AdwMessageDialog *dialog;

  g_assert_true (gtk_widget_is_sensitive (done_button));
  fk_ui_test_click (done_button);

  /* Unanswered items: asked first, and nothing changes until the answer. */
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_body (dialog), ==, body);
  g_assert_false (fk_event_checklist_get_done (fixture->checklist));
  adw_message_dialog_response (dialog, "done");
  gtk_window_destroy (GTK_WINDOW (dialog));

  g_assert_true (fk_event_checklist_get_done (fixture->checklist));
  g_assert_false (gtk_widget_get_visible (done_button));
  g_assert_true (gtk_widget_is_drawable (button (GTK_WIDGET (fixture->page), "Reopen")) ||
                 gtk_widget_get_visible (button (GTK_WIDGET (fixture->page), "Reopen")));
  /* Finished: the answers are read, not changed by a stray touch. */
  g_assert_false (gtk_widget_is_sensitive (fk_ui_test_find_by_label (GTK_WIDGET (first_row (fixture)),
                                                                     GTK_TYPE_TOGGLE_BUTTON, "Yes")));

  fk_ui_test_click (button (GTK_WIDGET (fixture->page), "Reopen"));
  g_assert_false (fk_event_checklist_get_done (fixture->checklist));
  g_assert_true (gtk_widget_get_visible (done_button));
  g_assert_true (gtk_widget_is_sensitive (fk_ui_test_find_by_label (GTK_WIDGET (first_row (fixture)),
                                                                    GTK_TYPE_TOGGLE_BUTTON, "Yes")));

  wait_for_toasts (fixture, 2);
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

static gboolean
on_settled (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
settle (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, on_settled, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static void
test_screenshot (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *shots = g_build_filename (g_getenv ("FK_BUILD_ROOT"), "tests", "ui", "screenshots", NULL);
  g_autofree char *png_path = g_build_filename (shots, "checklist-360x720.png", NULL);
  g_autoptr(GDateTime) starts_at = g_date_time_new_local (2026, 6, 20, 14, 0, 0);
  g_autoptr(GDateTime) ends_at = g_date_time_new_local (2026, 6, 20, 23, 0, 0);
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GdkTexture) saved = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *items = fk_event_checklist_get_items (fixture->checklist);
  g_autoptr(FkChecklistItem) first = g_list_model_get_item (items, 0);
  g_autoptr(FkChecklistItem) second = g_list_model_get_item (items, 1);

  g_assert_nonnull (g_getenv ("FK_BUILD_ROOT"));
  g_assert_cmpint (g_mkdir_with_parents (shots, 0755), ==, 0);
  g_unlink (png_path);

  /* Invented event. */
  fk_event_checklist_set_event (fixture->checklist, "Sommarfesten", "Föreningen Exempel", "Parken",
                                starts_at, ends_at, 5000, "Syd");
  fk_event_checklist_set_answer (fixture->checklist, fk_checklist_item_get_id (first), FK_CHECKLIST_ANSWER_YES);
  fk_event_checklist_set_note (fixture->checklist, fk_checklist_item_get_id (first), "Möte hölls i tisdags.");
  fk_event_checklist_set_answer (fixture->checklist, fk_checklist_item_get_id (second), FK_CHECKLIST_ANSWER_NO);
  /* Let the buttons' transitions end before the picture is taken. */
  settle (500);
  fk_ui_test_wait_drawn (fixture->window);

  texture = render_window (fixture->window);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, PHONE_WIDTH);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, PHONE_HEIGHT);
  g_assert_true (gdk_texture_save_to_png (texture, png_path));

  saved = gdk_texture_new_from_filename (png_path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (saved), ==, PHONE_WIDTH);
  g_test_message ("Screenshot: %s", png_path);
}

int
main (int   argc,
      char *argv[])
{
  fk_ui_test_init (&argc, &argv);
  adw_init ();
  fk_ui_test_load_style ();
  /* The page's header is the window's: it has the close button. */
  fk_ui_test_use_gnome_buttons ();

#define ADD(path, func) g_test_add ("/checklist-page/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("phases", test_phases);
  ADD ("fits-phone", test_fits_phone);
  ADD ("progress", test_progress);
  ADD ("team", test_team);
  ADD ("done-and-reopen", test_done_and_reopen);
  ADD ("screenshot-360x720", test_screenshot);
#undef ADD
  g_test_add ("/checklist-page/english", Fixture, NULL, fixture_setup_english, test_english, fixture_teardown);

  return g_test_run ();
}
