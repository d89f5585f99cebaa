/* test-checklist-list.c: the Events view with a real client and the real
 * reference server: a new checklist from a template, its details, answers
 * that reach the server, done and reopened, ongoing and done lists
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "fk-checklist-item-row.h"
#include "fk-checklist-list.h"
#include "fk-checklist-page.h"
#include "fk-event-details.h"
#include "fk-ui-test-client.h"
#include "fk-ui-test-utils.h"

typedef struct {
  FkUiTestClient  *session;
  GtkWidget       *window;
  FkChecklistList *list;
  GPtrArray       *toasts;
} Fixture;

static void
on_toast (FkChecklistList *list,
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

  fixture->session = fk_ui_test_client_new (NULL);
  fk_ui_test_client_login (fixture->session);
  fixture->toasts = g_ptr_array_new_with_free_func (g_free);

  fixture->window = adw_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 360, 720);
  fixture->list = g_object_ref (FK_CHECKLIST_LIST (fk_checklist_list_new ()));
  fk_checklist_list_set_client (fixture->list, fixture->session->client);
  g_signal_connect (fixture->list, "toast", G_CALLBACK (on_toast), fixture);
  adw_window_set_content (ADW_WINDOW (fixture->window), GTK_WIDGET (fixture->list));
  gtk_window_present (GTK_WINDOW (fixture->window));
  fk_ui_test_wait_drawn (fixture->window);

  /* Without a window manager the surface keeps a frame for resizing, which
   * a phone's full-screen window does not have: size the content. */
  surface = gtk_native_get_surface (GTK_NATIVE (fixture->window));
  frame_width = gdk_surface_get_width (surface) - gtk_widget_get_width (fixture->window);
  frame_height = gdk_surface_get_height (surface) - gtk_widget_get_height (fixture->window);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 360 + frame_width, 720 + frame_height);
  while (gtk_widget_get_width (fixture->window) != 360 || gtk_widget_get_height (fixture->window) != 720)
    g_main_context_iteration (NULL, TRUE);
  fk_ui_test_wait_drawn (fixture->window);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  /* Saves hold the page until the client has answered. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (fixture->list);
  fk_ui_test_client_free (fixture->session);
  g_ptr_array_unref (fixture->toasts);
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

/* Leaves a PNG of the window to look at, once transitions have ended. */
static void
screenshot (Fixture    *fixture,
            const char *name)
{
  g_autofree char *shots = g_build_filename (g_getenv ("FK_BUILD_ROOT"), "tests", "ui", "screenshots", NULL);
  g_autofree char *file = g_strconcat (name, ".png", NULL);
  g_autofree char *path = g_build_filename (shots, file, NULL);
  g_autoptr(GdkTexture) texture = NULL;
  gboolean settled = FALSE;

  g_timeout_add (500, on_settled, &settled);
  while (!settled)
    g_main_context_iteration (NULL, TRUE);
  fk_ui_test_wait_drawn (fixture->window);

  g_assert_cmpint (g_mkdir_with_parents (shots, 0755), ==, 0);
  texture = render_window (fixture->window);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Screenshot: %s", path);
}

typedef gboolean (*Condition) (gpointer data);

static void
wait_for (Condition   condition,
          gpointer    data,
          const char *what)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for %s", what);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5 * 1000);
    }
}

static gboolean
is_sent (gpointer data)
{
  return fk_event_checklist_get_state (data) == FK_RECORD_STATE_SENT &&
         !fk_event_checklist_has_unsent (data);
}

static const char *
leaflet_page (Fixture *fixture)
{
  AdwLeaflet *leaflet = ADW_LEAFLET (fk_ui_test_find_by_type (GTK_WIDGET (fixture->list), ADW_TYPE_LEAFLET));

  return adw_leaflet_get_visible_child_name (leaflet);
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

static GtkWidget *
find_button (GtkWidget  *root,
             const char *label)
{
  GtkWidget *button = fk_ui_test_find_by_label (root, GTK_TYPE_BUTTON, label);

  if (button == NULL)
    g_error ("No button named “%s”", label);
  return button;
}

static void
type_into (Fixture    *fixture,
           const char *field,
           const char *text)
{
  GtkWidget *editable = fk_ui_test_find_by_label (GTK_WIDGET (fixture->list), GTK_TYPE_EDITABLE, field);

  if (editable == NULL)
    g_error ("No field named “%s”", field);
  gtk_editable_set_text (GTK_EDITABLE (editable), text);
}

/* Ctrl+N, as the view's shortcut controller runs it. */
static void
press_ctrl_n (Fixture *fixture)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (fixture->list));

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;

      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

          if (GTK_IS_KEYVAL_TRIGGER (trigger) &&
              gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) == GDK_KEY_n &&
              gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == GDK_CONTROL_MASK)
            {
              /* Global scope: it runs from the window, before the window's
               * own Ctrl+N (new tip). */
              g_assert_cmpint (gtk_shortcut_controller_get_scope (GTK_SHORTCUT_CONTROLLER (controller)),
                               ==, GTK_SHORTCUT_SCOPE_GLOBAL);
              g_assert_true (gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut),
                                                           GTK_SHORTCUT_ACTION_EXCLUSIVE,
                                                           GTK_WIDGET (fixture->list),
                                                           gtk_shortcut_get_arguments (shortcut)));
              return;
            }
        }
    }

  g_error ("The Events view has no Ctrl+N");
}

static FkEventChecklist *
create_checklist (Fixture *fixture)
{
  FkChecklistTemplate *national;
  AdwMessageDialog *dialog;
  GtkWidget *templates;
  GtkListBoxRow *row;
  GtkWidget *error_label;
  FkEventChecklist *checklist;
  g_autoptr(FkChecklistTemplate) first = g_list_model_get_item (fk_client_get_templates (fixture->session->client), 0);

  press_ctrl_n (fixture);

  /* The template chooser lists the client's templates, in its order. */
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  templates = fk_ui_test_find_by_label (GTK_WIDGET (dialog), GTK_TYPE_LIST_BOX, "Templates");
  g_assert_nonnull (templates);
  row = gtk_list_box_get_row_at_index (GTK_LIST_BOX (templates), 0);
  g_assert_nonnull (row);
  national = first;
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==,
                   fk_checklist_template_get_title (national));
  g_signal_emit_by_name (templates, "row-activated", row);
  g_assert_null (find_dialog ());

  /* Details first; a wrong field is named and nothing is saved. */
  g_assert_cmpstr (leaflet_page (fixture), ==, "details");
  type_into (fixture, "Event name", "Sommarfesten");
  type_into (fixture, "Place", "Parken");
  type_into (fixture, "Starts", "2026-06-20 14:00");
  type_into (fixture, "Expected visitors", "många");
  fk_ui_test_click (find_button (GTK_WIDGET (fixture->list), "Save"));
  g_assert_cmpstr (leaflet_page (fixture), ==, "details");
  error_label = fk_ui_test_find_label_text (GTK_WIDGET (fixture->list),
                                            "Write the expected visitors as a number, for example 5000.");
  g_assert_nonnull (error_label);
  g_assert_true (gtk_widget_get_visible (error_label));
  screenshot (fixture, "event-details-360x720");
  g_assert_cmpuint (g_list_model_get_n_items (fk_client_get_checklists (fixture->session->client)), ==, 0);

  type_into (fixture, "Expected visitors", "5 000");
  fk_ui_test_click (find_button (GTK_WIDGET (fixture->list), "Save"));
  g_assert_cmpstr (leaflet_page (fixture), ==, "checklist");

  checklist = fk_checklist_page_get_checklist (FK_CHECKLIST_PAGE (fk_ui_test_find_by_type (GTK_WIDGET (fixture->list),
                                                                                           FK_TYPE_CHECKLIST_PAGE)));
  g_assert_nonnull (checklist);
  g_assert_cmpstr (fk_event_checklist_get_event_name (checklist), ==, "Sommarfesten");
  g_assert_cmpuint (fk_event_checklist_get_expected_visitors (checklist), ==, 5000);
  g_assert_cmpstr (fk_event_checklist_get_template_id (checklist), ==, fk_checklist_template_get_id (national));

  /* Saved, then sent: the server holds it. */
  wait_for (is_sent, checklist, "the new checklist to be sent");
  g_assert_cmpuint (g_list_model_get_n_items (fk_client_get_checklists (fixture->session->client)), ==, 1);
  g_assert_cmpint (fk_test_server_count_records (fixture->session->server, fk_event_checklist_get_uuid (checklist)),
                   ==, 1);
  return checklist;
}

static void
test_empty (Fixture       *fixture,
            gconstpointer  data)
{
  GtkWidget *button = find_button (GTK_WIDGET (fixture->list), "New Checklist");
  int min_width;

  g_assert_true (gtk_widget_is_drawable (button));
  /* Every page of the view fits a phone. */
  gtk_widget_measure (GTK_WIDGET (fixture->list), GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
  g_assert_cmpint (min_width, <=, 360);
  g_assert_nonnull (fk_ui_test_find_label_text (GTK_WIDGET (fixture->list), "No Checklists"));
}

static void
test_new_answer_done (Fixture       *fixture,
                      gconstpointer  data)
{
  FkEventChecklist *checklist = create_checklist (fixture);
  GtkWidget *page = fk_ui_test_find_by_type (GTK_WIDGET (fixture->list), FK_TYPE_CHECKLIST_PAGE);
  GtkWidget *row = fk_ui_test_find_by_type (page, FK_TYPE_CHECKLIST_ITEM_ROW);
  g_autofree char *progress = g_strdup_printf ("1 of %u", fk_event_checklist_get_total (checklist));
  AdwMessageDialog *dialog;
  GtkWidget *list_view;

  /* An answer is an operation the server applies. */
  fk_ui_test_click (fk_ui_test_find_by_label (row, GTK_TYPE_TOGGLE_BUTTON, "Yes"));
  g_assert_true (fk_event_checklist_has_unsent (checklist));
  wait_for (is_sent, checklist, "the answer to be sent");
  g_assert_cmpint (fk_checklist_item_get_answer (fk_checklist_item_row_get_item (FK_CHECKLIST_ITEM_ROW (row))),
                   ==, FK_CHECKLIST_ANSWER_YES);

  /* Back in the list: the row says how far it is, and in words its state. */
  fk_ui_test_click (find_button (page, "Back"));
  g_assert_cmpstr (leaflet_page (fixture), ==, "list");
  fk_ui_test_wait_drawn (fixture->window);
  list_view = fk_ui_test_find_by_label (GTK_WIDGET (fixture->list), GTK_TYPE_LIST_VIEW, "Checklists");
  g_assert_nonnull (list_view);
  g_assert_nonnull (fk_ui_test_find_label_text (list_view, "Sommarfesten"));
  g_assert_nonnull (fk_ui_test_find_label_text (list_view, progress));
  g_assert_nonnull (fk_ui_test_find_label_text (list_view, "Sent"));
  screenshot (fixture, "events-360x720");

  /* Done, with unanswered items: asked first. */
  g_signal_emit_by_name (list_view, "activate", 0);
  g_assert_cmpstr (leaflet_page (fixture), ==, "checklist");
  fk_ui_test_click (find_button (page, "Mark as Done"));
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "done");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_true (fk_event_checklist_get_done (checklist));
  wait_for (is_sent, checklist, "done to be sent");
  g_assert_true (g_ptr_array_find_with_equal_func (fixture->toasts, "Checklist marked as done", g_str_equal, NULL));

  /* It has moved from Ongoing to Done. */
  fk_ui_test_click (find_button (page, "Back"));
  fk_ui_test_wait_drawn (fixture->window);
  g_assert_nonnull (fk_ui_test_find_label_text (GTK_WIDGET (fixture->list), "No Ongoing Checklists"));
  g_assert_null (fk_ui_test_find_label_text (list_view, "Sommarfesten"));
  fk_ui_test_click (find_button (GTK_WIDGET (fixture->list), "Done"));
  fk_ui_test_wait_drawn (fixture->window);
  g_assert_nonnull (fk_ui_test_find_label_text (list_view, "Sommarfesten"));
}

static void
test_cancel_new (Fixture       *fixture,
                 gconstpointer  data)
{
  AdwMessageDialog *dialog;
  GtkWidget *templates;

  fk_ui_test_click (find_button (GTK_WIDGET (fixture->list), "New Checklist"));
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  templates = fk_ui_test_find_by_label (GTK_WIDGET (dialog), GTK_TYPE_LIST_BOX, "Templates");
  g_signal_emit_by_name (templates, "row-activated", gtk_list_box_get_row_at_index (GTK_LIST_BOX (templates), 0));
  g_assert_cmpstr (leaflet_page (fixture), ==, "details");

  /* Cancelled before its details were saved: nothing is kept or sent. */
  fk_ui_test_click (find_button (GTK_WIDGET (fixture->list), "Cancel"));
  g_assert_cmpstr (leaflet_page (fixture), ==, "list");
  g_assert_cmpuint (g_list_model_get_n_items (fk_client_get_checklists (fixture->session->client)), ==, 0);
  g_assert_cmpint (fk_test_server_count_records (fixture->session->server, NULL), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  fk_ui_test_init (&argc, &argv);
  adw_init ();
  fk_ui_test_load_style ();

#define ADD(path, func) g_test_add ("/checklist-list/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("empty", test_empty);
  ADD ("new-answer-done", test_new_answer_done);
  ADD ("cancel-new", test_cancel_new);
#undef ADD

  return g_test_run ();
}
