/* fk-checklist-item-row.c: one checklist item: its text, Yes / No / Not
 * applicable, and an optional note
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A note becomes an operation the whole team sees, so it is handed over when
 * the officer leaves the field or pauses typing, not per keystroke; and also
 * when the row goes away, so typed text is never dropped.  A note longer
 * than the server takes says so under it as it is typed, and is handed
 * over all the same: the officer shortens it, nothing is lost meanwhile.
 */
#define G_LOG_DOMAIN "fk-checklist-item-row"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "fk-checklist-item-row.h"

/* A pause this long in typing commits the note. */
#define NOTE_IDLE_MS 1500

struct _FkChecklistItemRow
{
  GtkWidget         parent_instance;

  FkEventChecklist *checklist;
  FkChecklistItem  *item;
  char             *officer_id;
  char             *edit_base;   /* the item's note when typing began */
  guint             note_timeout_id;
  gboolean          syncing;
  gboolean          note_dirty;

  GtkWidget        *text_label;
  GtkWidget        *by_label;
  GtkWidget        *answer_box;
  GtkWidget        *yes_button;
  GtkWidget        *no_button;
  GtkWidget        *not_applicable_button;
  GtkWidget        *yes_label;
  GtkWidget        *no_label;
  GtkWidget        *not_applicable_label;
  GtkWidget        *add_note_button;
  GtkWidget        *note_frame;
  GtkWidget        *note_view;
  GtkWidget        *note_error;
};

/* A plain widget: a preferences group keeps rows that are not preferences
 * rows outside its list box, where a list box row breaks keyboard focus. */
G_DEFINE_FINAL_TYPE (FkChecklistItemRow, fk_checklist_item_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CHECKLIST,
  PROP_ITEM,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static GtkWidget *
button_for_answer (FkChecklistItemRow *self,
                   FkChecklistAnswer   answer)
{
  switch (answer)
    {
    case FK_CHECKLIST_ANSWER_YES:
      return self->yes_button;
    case FK_CHECKLIST_ANSWER_NO:
      return self->no_button;
    case FK_CHECKLIST_ANSWER_NOT_APPLICABLE:
      return self->not_applicable_button;
    case FK_CHECKLIST_ANSWER_NONE:
    default:
      return NULL;
    }
}

static void
sync_answer (FkChecklistItemRow *self)
{
  GtkWidget *active = button_for_answer (self, fk_checklist_item_get_answer (self->item));
  GtkWidget *buttons[] = { self->yes_button, self->no_button, self->not_applicable_button };

  self->syncing = TRUE;
  if (active != NULL)
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (active), TRUE);
  else
    for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (buttons[i]), FALSE);
  self->syncing = FALSE;
}

static void
sync_by (FkChecklistItemRow *self)
{
  const char *by = fk_checklist_item_get_by (self->item);
  g_autofree char *text = NULL;
  gboolean other = by != NULL && by[0] != 0 && g_strcmp0 (by, self->officer_id) != 0;

  if (other)
    /* Translators: under a checklist item; %s is another officer's id */
    text = g_strdup_printf (_("Changed by %s"), by);
  gtk_label_set_text (GTK_LABEL (self->by_label), text != NULL ? text : "");
  gtk_widget_set_visible (self->by_label, other);
}

static char *
dup_note_text (FkChecklistItemRow *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->note_view));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* The same check as the server's, on what the officer sees. */
static void
check_note (FkChecklistItemRow *self)
{
  g_autofree char *text = dup_note_text (self);
  g_autofree char *message = fk_event_checklist_check_note (text);

  if (message != NULL)
    gtk_widget_add_css_class (self->note_frame, "error");
  else
    gtk_widget_remove_css_class (self->note_frame, "error");

  gtk_label_set_text (GTK_LABEL (self->note_error), message != NULL ? message : "");
  gtk_widget_set_visible (self->note_error, message != NULL);
}

static void
show_note (FkChecklistItemRow *self,
           gboolean            shown)
{
  gtk_widget_set_visible (self->note_frame, shown);
  gtk_widget_set_visible (self->add_note_button, !shown);
}

static void
sync_note (FkChecklistItemRow *self)
{
  const char *note = fk_checklist_item_get_note (self->item);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->note_view));
  g_autofree char *shown = NULL;

  /* What the officer is typing wins; commit_note merges it with this. */
  if (self->note_dirty)
    return;

  /* Left alone when equal, so the cursor stays where the officer put it. */
  shown = dup_note_text (self);
  if (g_strcmp0 (shown, note != NULL ? note : "") != 0)
    {
      self->syncing = TRUE;
      gtk_text_buffer_set_text (buffer, note != NULL ? note : "", -1);
      self->syncing = FALSE;
      check_note (self);
    }

  if (note != NULL && note[0] != 0)
    show_note (self, TRUE);
}

void
fk_checklist_item_row_commit_note (FkChecklistItemRow *self)
{
  g_autofree char *text = NULL;
  const char *current;

  g_return_if_fail (FK_IS_CHECKLIST_ITEM_ROW (self));

  g_clear_handle_id (&self->note_timeout_id, g_source_remove);
  if (!self->note_dirty || self->checklist == NULL)
    return;

  text = dup_note_text (self);
  current = fk_checklist_item_get_note (self->item);
  if (current == NULL)
    current = "";

  /* A teammate's note arrived while the officer typed: keep both, the way
   * the server merges notes, rather than overwrite theirs. */
  if (g_strcmp0 (current, self->edit_base) != 0 && strstr (text, current) == NULL)
    {
      char *merged = strstr (current, text) != NULL ? g_strdup (current)
                                                    : g_strconcat (current, "\n\n", text, NULL);

      g_free (text);
      text = merged;
    }

  self->note_dirty = FALSE;
  g_clear_pointer (&self->edit_base, g_free);

  if (g_strcmp0 (current, text) == 0)
    {
      sync_note (self);
      return;
    }

  self->syncing = TRUE;
  fk_event_checklist_set_note (self->checklist, fk_checklist_item_get_id (self->item), text);
  self->syncing = FALSE;
  sync_note (self);

  g_signal_emit (self, signals[CHANGED], 0);
}

static gboolean
on_note_timeout (gpointer user_data)
{
  FkChecklistItemRow *self = user_data;

  self->note_timeout_id = 0;
  fk_checklist_item_row_commit_note (self);
  return G_SOURCE_REMOVE;
}

static void
on_note_buffer_changed (FkChecklistItemRow *self)
{
  const char *note;

  if (self->syncing)
    return;

  check_note (self);
  if (!self->note_dirty)
    {
      note = fk_checklist_item_get_note (self->item);
      g_free (self->edit_base);
      self->edit_base = g_strdup (note != NULL ? note : "");
      self->note_dirty = TRUE;
    }

  g_clear_handle_id (&self->note_timeout_id, g_source_remove);
  self->note_timeout_id = g_timeout_add (NOTE_IDLE_MS, on_note_timeout, self);
}

static void
on_note_focus_leave (FkChecklistItemRow *self)
{
  fk_checklist_item_row_commit_note (self);
}

static void
on_item_note_changed (FkChecklistItemRow *self)
{
  if (!self->syncing)
    sync_note (self);
}

static void
on_answer_toggled (FkChecklistItemRow *self,
                   GtkToggleButton    *button)
{
  FkChecklistAnswer answer;

  if (self->syncing || !gtk_toggle_button_get_active (button) || self->checklist == NULL)
    return;

  if (GTK_WIDGET (button) == self->yes_button)
    answer = FK_CHECKLIST_ANSWER_YES;
  else if (GTK_WIDGET (button) == self->no_button)
    answer = FK_CHECKLIST_ANSWER_NO;
  else
    answer = FK_CHECKLIST_ANSWER_NOT_APPLICABLE;

  if (fk_checklist_item_get_answer (self->item) == answer)
    return;

  fk_event_checklist_set_answer (self->checklist, fk_checklist_item_get_id (self->item), answer);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
on_add_note_clicked (FkChecklistItemRow *self)
{
  show_note (self, TRUE);
  gtk_widget_grab_focus (self->note_view);
}

static void
fk_checklist_item_row_unmap (GtkWidget *widget)
{
  fk_checklist_item_row_commit_note (FK_CHECKLIST_ITEM_ROW (widget));

  GTK_WIDGET_CLASS (fk_checklist_item_row_parent_class)->unmap (widget);
}

static void
fk_checklist_item_row_constructed (GObject *object)
{
  FkChecklistItemRow *self = (FkChecklistItemRow *) object;
  const char *text = fk_checklist_item_get_text (self->item);
  struct {
    GtkWidget         *button;
    GtkWidget         *label;
    FkChecklistAnswer  answer;
  } answers[] = {
    { self->yes_button, self->yes_label, FK_CHECKLIST_ANSWER_YES },
    { self->no_button, self->no_label, FK_CHECKLIST_ANSWER_NO },
    { self->not_applicable_button, self->not_applicable_label, FK_CHECKLIST_ANSWER_NOT_APPLICABLE },
  };

  G_OBJECT_CLASS (fk_checklist_item_row_parent_class)->constructed (object);

  gtk_label_set_text (GTK_LABEL (self->text_label), text);

  /* The answer's name, with the item as description, is what a screen
   * reader (and the UI tests) find the button by. */
  for (guint i = 0; i < G_N_ELEMENTS (answers); i++)
    {
      const char *label = fk_checklist_answer_to_label (answers[i].answer);

      gtk_label_set_text (GTK_LABEL (answers[i].label), label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (answers[i].button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text,
                                      -1);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->add_note_button),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->note_view),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);

  sync_answer (self);
  sync_note (self);
  sync_by (self);

  g_signal_connect_object (self->item, "notify::answer", G_CALLBACK (sync_answer), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->item, "notify::note", G_CALLBACK (on_item_note_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->item, "notify::by", G_CALLBACK (sync_by), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->note_view)), "changed",
                           G_CALLBACK (on_note_buffer_changed), self, G_CONNECT_SWAPPED);
}

static void
fk_checklist_item_row_dispose (GObject *object)
{
  FkChecklistItemRow *self = (FkChecklistItemRow *) object;
  GtkWidget *child;

  if (self->item != NULL)
    fk_checklist_item_row_commit_note (self);
  g_clear_handle_id (&self->note_timeout_id, g_source_remove);

  gtk_widget_dispose_template (GTK_WIDGET (self), FK_TYPE_CHECKLIST_ITEM_ROW);
  /* Also the template's root box, which no field points at. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  g_clear_object (&self->checklist);
  g_clear_object (&self->item);

  G_OBJECT_CLASS (fk_checklist_item_row_parent_class)->dispose (object);
}

static void
fk_checklist_item_row_finalize (GObject *object)
{
  FkChecklistItemRow *self = (FkChecklistItemRow *) object;

  g_free (self->officer_id);
  g_free (self->edit_base);

  G_OBJECT_CLASS (fk_checklist_item_row_parent_class)->finalize (object);
}

static void
fk_checklist_item_row_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  FkChecklistItemRow *self = FK_CHECKLIST_ITEM_ROW (object);

  switch (prop_id)
    {
    case PROP_CHECKLIST:
      g_value_set_object (value, self->checklist);
      break;
    case PROP_ITEM:
      g_value_set_object (value, self->item);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fk_checklist_item_row_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  FkChecklistItemRow *self = FK_CHECKLIST_ITEM_ROW (object);

  switch (prop_id)
    {
    case PROP_CHECKLIST:
      self->checklist = g_value_dup_object (value);
      break;
    case PROP_ITEM:
      self->item = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fk_checklist_item_row_class_init (FkChecklistItemRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = fk_checklist_item_row_constructed;
  object_class->dispose = fk_checklist_item_row_dispose;
  object_class->finalize = fk_checklist_item_row_finalize;
  object_class->get_property = fk_checklist_item_row_get_property;
  object_class->set_property = fk_checklist_item_row_set_property;

  widget_class->unmap = fk_checklist_item_row_unmap;

  properties[PROP_CHECKLIST] =
    g_param_spec_object ("checklist", NULL, NULL,
                         FK_TYPE_EVENT_CHECKLIST,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_ITEM] =
    g_param_spec_object ("item", NULL, NULL,
                         FK_TYPE_CHECKLIST_ITEM,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FkChecklistItemRow::changed:
   *
   * The checklist has a new operation from this row: save it.
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/faltkoll/Faltkoll/ui/fk-checklist-item-row.ui");
  gtk_widget_class_bind_template_child (widget_class, FkChecklistItemRow, text_label);
  gtk_widget_class_bind_template_child (widget_class, FkChecklistItemRow, by_label);
  gtk_widget_class_bind_template_child (widget_class, FkChecklistItemRow, answer_box);
  gtk_widget_class_bind_template_child (widget_class, FkChecklistItemRow, yes_button);
  gtk_widget_class_bind_template_child (widget_class, FkChecklistItemRow, no_button);
  gtk_widget_class_bind_template_child (widget_class, FkChecklistItemRow, not_applicable_button);
  gtk_widget_class_bind_template_child (widget_class, FkChecklistItemRow, yes_label);
  gtk_widget_class_bind_template_child (widget_class, FkChecklistItemRow, no_label);
  gtk_widget_class_bind_template_child (widget_class, FkChecklistItemRow, not_applicable_label);
  gtk_widget_class_bind_template_child (widget_class, FkChecklistItemRow, add_note_button);
  gtk_widget_class_bind_template_child (widget_class, FkChecklistItemRow, note_frame);
  gtk_widget_class_bind_template_child (widget_class, FkChecklistItemRow, note_view);
  gtk_widget_class_bind_template_child (widget_class, FkChecklistItemRow, note_error);
  gtk_widget_class_bind_template_callback (widget_class, on_answer_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_add_note_clicked);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
fk_checklist_item_row_init (FkChecklistItemRow *self)
{
  GtkEventController *focus = gtk_event_controller_focus_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (focus, "leave", G_CALLBACK (on_note_focus_leave), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (self->note_view, focus);
}

GtkWidget *
fk_checklist_item_row_new (FkEventChecklist *checklist,
                           FkChecklistItem  *item)
{
  g_return_val_if_fail (FK_IS_EVENT_CHECKLIST (checklist), NULL);
  g_return_val_if_fail (FK_IS_CHECKLIST_ITEM (item), NULL);

  return g_object_new (FK_TYPE_CHECKLIST_ITEM_ROW,
                       "checklist", checklist,
                       "item", item,
                       NULL);
}

FkChecklistItem *
fk_checklist_item_row_get_item (FkChecklistItemRow *self)
{
  g_return_val_if_fail (FK_IS_CHECKLIST_ITEM_ROW (self), NULL);

  return self->item;
}

void
fk_checklist_item_row_set_officer_id (FkChecklistItemRow *self,
                                      const char         *officer_id)
{
  g_return_if_fail (FK_IS_CHECKLIST_ITEM_ROW (self));

  g_free (self->officer_id);
  self->officer_id = g_strdup (officer_id);
  sync_by (self);
}

void
fk_checklist_item_row_set_editable (FkChecklistItemRow *self,
                                    gboolean            editable)
{
  g_return_if_fail (FK_IS_CHECKLIST_ITEM_ROW (self));

  if (!editable)
    fk_checklist_item_row_commit_note (self);

  gtk_widget_set_sensitive (self->answer_box, editable);
  gtk_widget_set_sensitive (self->add_note_button, editable);
  gtk_text_view_set_editable (GTK_TEXT_VIEW (self->note_view), editable);
}
