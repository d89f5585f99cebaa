/* test-checklist-item-row.c: one checklist item: Yes / No / Not applicable
 * reach the checklist as operations, notes only once the officer pauses or
 * leaves the field, and a teammate's change shows with their name
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "fk-checklist-item-row.h"
#include "fk-protocol.h"
#include "fk-ui-test-utils.h"

typedef struct {
  GtkWidget           *window;
  GtkWidget           *list_box;
  FkChecklistItemRow  *row;
  FkChecklistTemplate *template_;
  FkEventChecklist    *checklist;
  FkChecklistItem     *item;
  guint                n_changed;
} Fixture;

static void
on_changed (FkChecklistItemRow *row,
            Fixture            *fixture)
{
  fixture->n_changed++;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->template_ = fk_checklist_template_new_default ();
  fixture->checklist = fk_event_checklist_new (fixture->template_);
  fixture->item = g_list_model_get_item (fk_event_checklist_get_items (fixture->checklist), 0);
  g_assert_nonnull (fixture->item);

  fixture->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 360, -1);
  fixture->list_box = gtk_list_box_new ();
  gtk_widget_add_css_class (fixture->list_box, "boxed-list");
  fixture->row = g_object_ref (FK_CHECKLIST_ITEM_ROW (fk_checklist_item_row_new (fixture->checklist, fixture->item)));
  g_signal_connect (fixture->row, "changed", G_CALLBACK (on_changed), fixture);
  gtk_list_box_append (GTK_LIST_BOX (fixture->list_box), GTK_WIDGET (fixture->row));
  /* Something else to move the focus to, as the officer would. */
  gtk_list_box_append (GTK_LIST_BOX (fixture->list_box), gtk_entry_new ());
  gtk_window_set_child (GTK_WINDOW (fixture->window), fixture->list_box);
  gtk_window_present (GTK_WINDOW (fixture->window));
  fk_ui_test_wait_drawn (fixture->window);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  if (fixture->window != NULL)
    gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_assert_finalize_object (fixture->row);
  g_clear_object (&fixture->item);
  g_assert_finalize_object (fixture->checklist);
  g_assert_finalize_object (fixture->template_);
}

static guint
n_ops (FkEventChecklist *checklist)
{
  g_autoptr(JsonObject) stored = fk_event_checklist_to_stored (checklist);

  return json_array_get_length (json_object_get_array_member (stored, "ops"));
}

static GtkWidget *
answer_button (Fixture    *fixture,
               const char *label)
{
  GtkWidget *button = fk_ui_test_find_by_label (GTK_WIDGET (fixture->row), GTK_TYPE_TOGGLE_BUTTON, label);

  if (button == NULL)
    g_error ("No toggle button named “%s” in the item row", label);
  return button;
}

static gboolean
is_active (Fixture    *fixture,
           const char *label)
{
  return gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (answer_button (fixture, label)));
}

static GtkWidget *
note_view (Fixture *fixture)
{
  GtkWidget *view = fk_ui_test_find_by_label (GTK_WIDGET (fixture->row), GTK_TYPE_TEXT_VIEW, "Note");

  g_assert_nonnull (view);
  return view;
}

static char *
note_text (Fixture *fixture)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (note_view (fixture)));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* As typing does: one character at a time at the cursor. */
static void
type_text (Fixture    *fixture,
           const char *text)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (note_view (fixture)));

  for (const char *p = text; *p != 0; p = g_utf8_next_char (p))
    gtk_text_buffer_insert_at_cursor (buffer, p, g_utf8_next_char (p) - p);
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
iterate (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
apply_teammate_state (Fixture    *fixture,
                      const char *answer,
                      const char *note)
{
  g_autoptr(JsonObject) state = json_object_new ();
  JsonArray *items = json_array_new ();
  JsonObject *item = json_object_new ();

  json_object_set_string_member (state, "template_id", fk_checklist_template_get_id (fixture->template_));
  json_object_set_int_member (state, "template_version", fk_checklist_template_get_version (fixture->template_));
  json_object_set_boolean_member (state, "done", FALSE);
  json_object_set_string_member (item, "id", fk_checklist_item_get_id (fixture->item));
  if (answer != NULL)
    json_object_set_string_member (item, "answer", answer);
  json_object_set_string_member (item, "note", note);
  json_object_set_string_member (item, "by", "officer-2");
  json_array_add_object_element (items, item);
  json_object_set_array_member (state, "items", items);

  fk_event_checklist_apply_server_state (fixture->checklist, state, -1);
}

static void
test_accessible_names (Fixture       *fixture,
                       gconstpointer  data)
{
  const char *labels[] = { "Yes", "No", "Not applicable" };
  const char *text = fk_checklist_item_get_text (fixture->item);

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      GtkWidget *button = answer_button (fixture, labels[i]);
      g_autofree char *mismatch = gtk_test_accessible_check_property (GTK_ACCESSIBLE (button),
                                                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                                                      text);

      g_assert_null (mismatch);
      /* Big enough for a thumb. */
      g_assert_true (gtk_widget_is_drawable (button));
      g_assert_cmpint (gtk_widget_get_height (button), >=, 48);
    }

  g_assert_nonnull (fk_ui_test_find_by_label (GTK_WIDGET (fixture->row), GTK_TYPE_BUTTON, "Add Note"));
  /* The item's own text is on screen. */
  g_assert_nonnull (fk_ui_test_find_by_type (GTK_WIDGET (fixture->row), GTK_TYPE_LABEL));
  g_assert_false (is_active (fixture, "Yes") || is_active (fixture, "No") || is_active (fixture, "Not applicable"));
}

static void
test_answers (Fixture       *fixture,
              gconstpointer  data)
{
  g_assert_false (fk_event_checklist_has_unsent (fixture->checklist));
  g_assert_cmpuint (fk_event_checklist_get_answered (fixture->checklist), ==, 0);

  fk_ui_test_click (answer_button (fixture, "Yes"));
  g_assert_cmpint (fk_checklist_item_get_answer (fixture->item), ==, FK_CHECKLIST_ANSWER_YES);
  g_assert_true (fk_event_checklist_has_unsent (fixture->checklist));
  g_assert_cmpuint (n_ops (fixture->checklist), ==, 1);
  g_assert_cmpuint (fixture->n_changed, ==, 1);
  g_assert_cmpuint (fk_event_checklist_get_answered (fixture->checklist), ==, 1);
  g_assert_true (is_active (fixture, "Yes"));

  fk_ui_test_click (answer_button (fixture, "No"));
  g_assert_cmpint (fk_checklist_item_get_answer (fixture->item), ==, FK_CHECKLIST_ANSWER_NO);
  g_assert_true (is_active (fixture, "No"));
  g_assert_false (is_active (fixture, "Yes"));

  fk_ui_test_click (answer_button (fixture, "Not applicable"));
  g_assert_cmpint (fk_checklist_item_get_answer (fixture->item), ==, FK_CHECKLIST_ANSWER_NOT_APPLICABLE);
  g_assert_cmpuint (n_ops (fixture->checklist), ==, 3);
  g_assert_cmpuint (fixture->n_changed, ==, 3);

  /* The chosen answer again is no new operation. */
  fk_ui_test_click (answer_button (fixture, "Not applicable"));
  g_assert_cmpuint (n_ops (fixture->checklist), ==, 3);
  g_assert_cmpuint (fixture->n_changed, ==, 3);
  g_assert_cmpuint (fk_event_checklist_get_answered (fixture->checklist), ==, 1);
}

static void
test_not_editable (Fixture       *fixture,
                   gconstpointer  data)
{
  fk_checklist_item_row_set_editable (fixture->row, FALSE);
  g_assert_false (gtk_widget_is_sensitive (answer_button (fixture, "Yes")));
  fk_checklist_item_row_set_editable (fixture->row, TRUE);
  g_assert_true (gtk_widget_is_sensitive (answer_button (fixture, "Yes")));
}

static void
test_note_commit_on_focus_out (Fixture       *fixture,
                               gconstpointer  data)
{
  GtkWidget *view = note_view (fixture);

  g_assert_false (gtk_widget_get_visible (gtk_widget_get_parent (view)));
  fk_ui_test_click (fk_ui_test_find_by_label (GTK_WIDGET (fixture->row), GTK_TYPE_BUTTON, "Add Note"));
  g_assert_true (gtk_widget_get_visible (gtk_widget_get_parent (view)));
  g_assert_true (gtk_widget_has_focus (view));

  type_text (fixture, "Vakterna har fått genomgång.");
  /* Not per keystroke: nothing reaches the checklist while typing. */
  g_assert_cmpstr (fk_checklist_item_get_note (fixture->item), ==, "");
  g_assert_false (fk_event_checklist_has_unsent (fixture->checklist));
  g_assert_cmpuint (fixture->n_changed, ==, 0);

  gtk_widget_grab_focus (answer_button (fixture, "Yes"));
  iterate ();
  g_assert_false (gtk_widget_has_focus (view));
  g_assert_cmpstr (fk_checklist_item_get_note (fixture->item), ==, "Vakterna har fått genomgång.");
  g_assert_true (fk_event_checklist_has_unsent (fixture->checklist));
  g_assert_cmpuint (n_ops (fixture->checklist), ==, 1);
  g_assert_cmpuint (fixture->n_changed, ==, 1);

  /* Leaving again without typing is no new operation. */
  gtk_widget_grab_focus (view);
  gtk_widget_grab_focus (answer_button (fixture, "No"));
  iterate ();
  g_assert_cmpuint (n_ops (fixture->checklist), ==, 1);
}

static void
on_note_notify (FkChecklistItem *item,
                GParamSpec      *pspec,
                gboolean        *changed)
{
  *changed = TRUE;
}

static void
test_note_commit_after_pause (Fixture       *fixture,
                              gconstpointer  data)
{
  gboolean changed = FALSE;
  gint64 typed_at;
  gint64 waited;

  fk_ui_test_click (fk_ui_test_find_by_label (GTK_WIDGET (fixture->row), GTK_TYPE_BUTTON, "Add Note"));
  g_signal_connect (fixture->item, "notify::note", G_CALLBACK (on_note_notify), &changed);

  type_text (fixture, "Trygg zon vid ");
  type_text (fixture, "entrén.");
  typed_at = g_get_monotonic_time ();
  fk_ui_test_wait_until (&changed, 10);
  waited = g_get_monotonic_time () - typed_at;

  g_assert_cmpint (waited, >=, 1400 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpstr (fk_checklist_item_get_note (fixture->item), ==, "Trygg zon vid entrén.");
  /* One operation for the whole note, not one per keystroke. */
  g_assert_cmpuint (n_ops (fixture->checklist), ==, 1);
  g_assert_cmpuint (fixture->n_changed, ==, 1);
  /* The officer stays in the field. */
  g_assert_true (gtk_widget_has_focus (note_view (fixture)));

  g_signal_handlers_disconnect_by_func (fixture->item, on_note_notify, &changed);
}

static void
test_note_kept_on_dispose (Fixture       *fixture,
                           gconstpointer  data)
{
  fk_ui_test_click (fk_ui_test_find_by_label (GTK_WIDGET (fixture->row), GTK_TYPE_BUTTON, "Add Note"));
  type_text (fixture, "Skrivet precis innan.");

  gtk_window_destroy (GTK_WINDOW (fixture->window));
  fixture->window = NULL;

  g_assert_cmpstr (fk_checklist_item_get_note (fixture->item), ==, "Skrivet precis innan.");
  g_assert_cmpuint (n_ops (fixture->checklist), ==, 1);
  g_assert_cmpuint (fixture->n_changed, ==, 1);
}

static void
test_teammate (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *shown = NULL;
  GtkWidget *by_label = NULL;

  apply_teammate_state (fixture, "no", "Arrangören ringer tillbaka.");

  /* Their answer and note show; nothing of ours is sent for it. */
  g_assert_true (is_active (fixture, "No"));
  shown = note_text (fixture);
  g_assert_cmpstr (shown, ==, "Arrangören ringer tillbaka.");
  g_assert_true (gtk_widget_get_visible (gtk_widget_get_parent (note_view (fixture))));
  g_assert_false (fk_event_checklist_has_unsent (fixture->checklist));
  g_assert_cmpuint (fixture->n_changed, ==, 0);

  by_label = find_label (GTK_WIDGET (fixture->row), "Changed by officer-2");
  g_assert_nonnull (by_label);
  g_assert_true (gtk_widget_get_visible (by_label));

  /* Our own changes are not announced as someone else's. */
  fk_checklist_item_row_set_officer_id (fixture->row, "officer-2");
  g_assert_false (gtk_widget_get_visible (by_label));
}

static void
test_note_merge (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autofree char *shown = NULL;

  fk_ui_test_click (fk_ui_test_find_by_label (GTK_WIDGET (fixture->row), GTK_TYPE_BUTTON, "Add Note"));
  type_text (fixture, "Min anteckning.");

  /* A teammate's note arrives while the officer types: neither is lost. */
  apply_teammate_state (fixture, NULL, "Kollegans anteckning.");
  shown = note_text (fixture);
  g_assert_cmpstr (shown, ==, "Min anteckning.");

  fk_checklist_item_row_commit_note (fixture->row);
  g_assert_cmpstr (fk_checklist_item_get_note (fixture->item), ==, "Kollegans anteckning.\n\nMin anteckning.");
  g_clear_pointer (&shown, g_free);
  shown = note_text (fixture);
  g_assert_cmpstr (shown, ==, "Kollegans anteckning.\n\nMin anteckning.");
  g_assert_cmpuint (n_ops (fixture->checklist), ==, 1);
}

/* The server's limit shows under the note, naming the field and the fix:
 * for a teammate's note the server made longer by joining two, and as
 * the officer types.  The note is not cut: what was typed stays. */
static void
test_note_too_long (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *message = g_strdup_printf ("The note is too long: use at most %d characters.", FK_MAX_CHECKLIST_NOTE);
  g_autoptr(GString) text = g_string_new (NULL);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (note_view (fixture)));
  GtkWidget *frame = gtk_widget_get_parent (note_view (fixture));
  GtkWidget *error = NULL;
  GtkTextIter end;

  for (guint i = 0; i <= FK_MAX_CHECKLIST_NOTE; i++)
    g_string_append (text, "ö");
  apply_teammate_state (fixture, NULL, text->str);
  error = find_label (GTK_WIDGET (fixture->row), message);
  g_assert_nonnull (error);
  g_assert_true (gtk_widget_get_visible (error));
  g_assert_true (gtk_widget_has_css_class (frame, "error"));
  g_assert_cmpint (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (error)), ==, GTK_ACCESSIBLE_ROLE_ALERT);

  gtk_widget_grab_focus (note_view (fixture));
  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_backspace (buffer, &end, TRUE, TRUE);
  g_assert_false (gtk_widget_get_visible (error));
  g_assert_false (gtk_widget_has_css_class (frame, "error"));

  type_text (fixture, "!");
  g_assert_true (gtk_widget_get_visible (error));
  g_assert_true (gtk_widget_has_css_class (frame, "error"));

  fk_checklist_item_row_commit_note (fixture->row);
  g_string_truncate (text, text->len - strlen ("ö"));
  g_string_append (text, "!");
  g_assert_cmpstr (fk_checklist_item_get_note (fixture->item), ==, text->str);
  g_assert_true (gtk_widget_get_visible (error));
}

int
main (int   argc,
      char *argv[])
{
  fk_ui_test_init (&argc, &argv);
  adw_init ();
  fk_ui_test_load_style ();

#define ADD(path, func) g_test_add ("/checklist-item-row/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("accessible-names", test_accessible_names);
  ADD ("answers", test_answers);
  ADD ("not-editable", test_not_editable);
  ADD ("note-commit-on-focus-out", test_note_commit_on_focus_out);
  ADD ("note-commit-after-pause", test_note_commit_after_pause);
  ADD ("note-kept-on-dispose", test_note_kept_on_dispose);
  ADD ("teammate", test_teammate);
  ADD ("note-merge", test_note_merge);
  ADD ("note-too-long", test_note_too_long);
#undef ADD

  return g_test_run ();
}
