/* fk-checklist-page.c: one event checklist: details, progress, and its
 * items by phase
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every change goes through FkEventChecklist (which records the operation
 * the server merges) and is then saved; "saved" is only said once the
 * client reports the change on disk.
 */
#define G_LOG_DOMAIN "fk-checklist-page"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "fk-checklist-item-row.h"
#include "fk-checklist-page.h"
#include "fk-error.h"
#include "fk-record-state.h"

#define N_PHASES 3

struct _FkChecklistPage
{
  GtkWidget         parent_instance;

  FkClient         *client;
  FkEventChecklist *checklist;
  GPtrArray        *rows;

  GtkWidget        *window_title;
  GtkWidget        *name_label;
  GtkWidget        *details_label;
  GtkWidget        *progress_bar;
  GtkWidget        *progress_label;
  GtkWidget        *team_label;
  GtkWidget        *failure_label;
  GtkWidget        *done_box;
  GtkWidget        *before_group;
  GtkWidget        *during_group;
  GtkWidget        *after_group;
  GtkWidget        *done_button;
};

G_DEFINE_FINAL_TYPE (FkChecklistPage, fk_checklist_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_CHECKLIST,
  N_PROPS
};

enum {
  BACK,
  EDIT_DETAILS,
  TOAST,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

char *
fk_checklist_page_dup_title (FkEventChecklist *checklist)
{
  const char *name = fk_event_checklist_get_event_name (checklist);

  return g_strdup (name != NULL && name[0] != 0 ? name : _("Untitled event"));
}

char *
fk_checklist_page_dup_progress (FkEventChecklist *checklist)
{
  /* Translators: checklist progress, items answered of all items, e.g. "12 of 20" */
  return g_strdup_printf (_("%u of %u"),
                          fk_event_checklist_get_answered (checklist),
                          fk_event_checklist_get_total (checklist));
}

char *
fk_checklist_page_dup_where_when (FkEventChecklist *checklist)
{
  const char *place = fk_event_checklist_get_place (checklist);
  GDateTime *starts_at = fk_event_checklist_get_starts_at (checklist);
  g_autofree char *when = NULL;

  if (starts_at != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (starts_at);

      /* %x: the date as the officer's locale writes it; a no-break
       * space keeps the time on the date's line. */
      when = g_date_time_format (local, "%x\u00a0%H:%M");
    }

  if (place != NULL && place[0] != 0 && when != NULL)
    /* Translators: where and when an event is, e.g. "Parken · 2026-06-20 14:00" */
    return g_strdup_printf (_("%s · %s"), place, when);
  if (place != NULL && place[0] != 0)
    return g_strdup (place);
  return g_strdup (when != NULL ? when : "");
}

static void
toast (FkChecklistPage *self,
       const char      *text)
{
  g_signal_emit (self, signals[TOAST], 0, text);
}

/* Save ------------------------------------------------------------------- */

typedef struct {
  FkChecklistPage *self;
  char            *done_message;
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_clear_object (&data->self);
  g_free (data->done_message);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaveData, save_data_free)

static void
on_save_ready (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(SaveData) data = user_data;
  g_autoptr(GError) error = NULL;

  if (!fk_client_save_checklist_finish (FK_CLIENT (object), result, &error))
    {
      if (error->domain == FK_ERROR)
        toast (data->self, error->message);
      else
        {
          g_debug ("Saving a checklist failed: %s %d", g_quark_to_string (error->domain), error->code);
          toast (data->self, fk_error_code_to_message (FK_ERROR_FAILED));
        }
      return;
    }

  if (data->done_message != NULL)
    toast (data->self, data->done_message);
}

/* No cancellable: a save must reach the disk even if the page goes away,
 * which the reference to the page (for the toast) outlives. */
static void
save_with_message (FkChecklistPage *self,
                   const char      *done_message)
{
  SaveData *data;

  g_return_if_fail (self->client != NULL);
  g_return_if_fail (self->checklist != NULL);

  data = g_new0 (SaveData, 1);
  data->self = g_object_ref (self);
  data->done_message = g_strdup (done_message);
  fk_client_save_checklist_async (self->client, self->checklist, NULL, on_save_ready, data);
}

void
fk_checklist_page_save (FkChecklistPage *self)
{
  g_return_if_fail (FK_IS_CHECKLIST_PAGE (self));

  save_with_message (self, NULL);
}

void
fk_checklist_page_commit (FkChecklistPage *self)
{
  g_return_if_fail (FK_IS_CHECKLIST_PAGE (self));

  for (guint i = 0; i < self->rows->len; i++)
    fk_checklist_item_row_commit_note (g_ptr_array_index (self->rows, i));
}

/* View ------------------------------------------------------------------- */

static GtkWidget *
group_for_phase (FkChecklistPage  *self,
                 FkChecklistPhase  phase)
{
  switch (phase)
    {
    case FK_CHECKLIST_PHASE_DURING:
      return self->during_group;
    case FK_CHECKLIST_PHASE_AFTER:
      return self->after_group;
    case FK_CHECKLIST_PHASE_BEFORE:
    default:
      return self->before_group;
    }
}

static void
update_title (FkChecklistPage *self)
{
  g_autofree char *title = fk_checklist_page_dup_title (self->checklist);
  g_autofree char *where_when = fk_checklist_page_dup_where_when (self->checklist);
  const char *organizer = fk_event_checklist_get_organizer (self->checklist);
  g_autofree char *details = NULL;

  gtk_label_set_text (GTK_LABEL (self->name_label), title);

  if (organizer != NULL && organizer[0] != 0 && where_when[0] != 0)
    /* Translators: where and when, then the organizer, e.g. "Parken · 2026-06-20 14:00\nOrganizer: Föreningen Exempel" */
    details = g_strdup_printf (_("%s\nOrganizer: %s"), where_when, organizer);
  else if (organizer != NULL && organizer[0] != 0)
    details = g_strdup_printf (_("Organizer: %s"), organizer);
  else
    details = g_strdup (where_when);

  gtk_label_set_text (GTK_LABEL (self->details_label), details);
  gtk_widget_set_visible (self->details_label, details[0] != 0);
}

static void
update_state (FkChecklistPage *self)
{
  FkRecordState state = fk_event_checklist_get_state (self->checklist);
  const char *failure = fk_event_checklist_get_failure (self->checklist);
  gboolean failed = state == FK_RECORD_STATE_FAILED && failure != NULL && failure[0] != 0;

  adw_window_title_set_subtitle (ADW_WINDOW_TITLE (self->window_title),
                                 fk_record_state_to_label (state));
  gtk_label_set_text (GTK_LABEL (self->failure_label), failed ? failure : "");
  gtk_widget_set_visible (self->failure_label, failed);
}

static void
update_progress (FkChecklistPage *self)
{
  guint answered = fk_event_checklist_get_answered (self->checklist);
  guint total = fk_event_checklist_get_total (self->checklist);
  g_autofree char *progress = fk_checklist_page_dup_progress (self->checklist);

  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress_bar),
                                 total > 0 ? (double) answered / total : 0.0);
  gtk_label_set_text (GTK_LABEL (self->progress_label), progress);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->progress_bar),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, progress, -1);
}

static void
update_team (FkChecklistPage *self)
{
  const char *officer_id = self->client != NULL ? fk_client_get_officer_id (self->client) : NULL;
  g_autofree char *others = fk_event_checklist_dup_others (self->checklist, officer_id);
  g_autofree char *text = NULL;

  if (others != NULL)
    /* Translators: the other officers who filled in items, e.g. "Team: officer-2, officer-3" */
    text = g_strdup_printf (_("Team: %s"), others);

  gtk_label_set_text (GTK_LABEL (self->team_label), text != NULL ? text : "");
  gtk_widget_set_visible (self->team_label, text != NULL);

  for (guint i = 0; i < self->rows->len; i++)
    fk_checklist_item_row_set_officer_id (g_ptr_array_index (self->rows, i), officer_id);
}

static void
update_done (FkChecklistPage *self)
{
  gboolean done = fk_event_checklist_get_done (self->checklist);

  gtk_widget_set_visible (self->done_box, done);
  gtk_widget_set_visible (self->done_button, !done);
  /* A finished checklist is read; reopening it makes it editable again. */
  for (guint i = 0; i < self->rows->len; i++)
    fk_checklist_item_row_set_editable (g_ptr_array_index (self->rows, i), !done);
}

static void
on_checklist_notify (FkChecklistPage *self,
                     GParamSpec      *pspec)
{
  const char *name = g_param_spec_get_name (pspec);

  if (g_str_equal (name, "answered") || g_str_equal (name, "total"))
    update_progress (self);
  else if (g_str_equal (name, "done"))
    update_done (self);
  else if (g_str_equal (name, "state") || g_str_equal (name, "failure"))
    update_state (self);
  else
    update_title (self);
}

static void
on_row_changed (FkChecklistPage *self)
{
  fk_checklist_page_save (self);
}

static void
clear_rows (FkChecklistPage *self)
{
  GListModel *items = fk_event_checklist_get_items (self->checklist);

  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(FkChecklistItem) item = g_list_model_get_item (items, i);

      g_signal_handlers_disconnect_by_data (item, self);
    }

  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);

      g_signal_handlers_disconnect_by_data (row, self);
      adw_preferences_group_remove (ADW_PREFERENCES_GROUP (gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP)),
                                    row);
    }
  g_ptr_array_set_size (self->rows, 0);
}

/* About twenty items: a row each, grouped by phase, is fine here (GTK 4.8
 * has no list sections). */
static void
build_rows (FkChecklistPage *self)
{
  GListModel *items = fk_event_checklist_get_items (self->checklist);
  guint counts[N_PHASES] = { 0 };

  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(FkChecklistItem) item = g_list_model_get_item (items, i);
      FkChecklistPhase phase = fk_checklist_item_get_phase (item);
      GtkWidget *row = fk_checklist_item_row_new (self->checklist, item);

      g_signal_connect_object (row, "changed", G_CALLBACK (on_row_changed), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (item, "notify::by", G_CALLBACK (update_team), self, G_CONNECT_SWAPPED);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group_for_phase (self, phase)), row);
      g_ptr_array_add (self->rows, row);
      if ((guint) phase < N_PHASES)
        counts[phase]++;
    }

  for (guint phase = 0; phase < N_PHASES; phase++)
    gtk_widget_set_visible (group_for_phase (self, phase), counts[phase] > 0);
}

static void
on_back_clicked (FkChecklistPage *self)
{
  fk_checklist_page_commit (self);
  g_signal_emit (self, signals[BACK], 0);
}

static void
on_edit_clicked (FkChecklistPage *self)
{
  fk_checklist_page_commit (self);
  g_signal_emit (self, signals[EDIT_DETAILS], 0);
}

static void
set_done (FkChecklistPage *self,
          gboolean         done)
{
  if (self->checklist == NULL || fk_event_checklist_get_done (self->checklist) == done)
    return;

  fk_checklist_page_commit (self);
  fk_event_checklist_set_done (self->checklist, done);
  save_with_message (self, done ? _("Checklist marked as done") : _("Checklist reopened"));
}

static void
on_done_response (AdwMessageDialog *dialog,
                  const char       *response,
                  FkChecklistPage  *self)
{
  if (g_str_equal (response, "done"))
    set_done (self, TRUE);
}

static void
on_done_clicked (FkChecklistPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog;
  guint unanswered;
  g_autofree char *body = NULL;

  if (self->checklist == NULL)
    return;

  unanswered = fk_event_checklist_get_total (self->checklist) - fk_event_checklist_get_answered (self->checklist);
  if (unanswered == 0)
    {
      set_done (self, TRUE);
      return;
    }

  body = g_strdup_printf (ngettext ("%u item is unanswered. Mark the checklist as done anyway?",
                                    "%u items are unanswered. Mark the checklist as done anyway?",
                                    unanswered),
                          unanswered);
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Mark as Done?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "done", _("_Mark as Done"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "done", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_done_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_reopen_clicked (FkChecklistPage *self)
{
  set_done (self, FALSE);
}

static gboolean
on_back_key (GtkWidget *widget,
             GVariant  *args,
             gpointer   user_data)
{
  on_back_clicked (FK_CHECKLIST_PAGE (widget));
  return TRUE;
}

/* Object ----------------------------------------------------------------- */

static void
fk_checklist_page_dispose (GObject *object)
{
  FkChecklistPage *self = (FkChecklistPage *) object;
  GtkWidget *child;

  if (self->checklist != NULL)
    {
      /* Typed text reaches the disk even when the page goes away. */
      if (self->client != NULL)
        fk_checklist_page_commit (self);
      clear_rows (self);
      g_signal_handlers_disconnect_by_data (self->checklist, self);
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), FK_TYPE_CHECKLIST_PAGE);
  /* Also the template's root box, which no field points at. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  g_clear_object (&self->checklist);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (fk_checklist_page_parent_class)->dispose (object);
}

static void
fk_checklist_page_finalize (GObject *object)
{
  FkChecklistPage *self = (FkChecklistPage *) object;

  g_ptr_array_unref (self->rows);

  G_OBJECT_CLASS (fk_checklist_page_parent_class)->finalize (object);
}

static void
fk_checklist_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  FkChecklistPage *self = FK_CHECKLIST_PAGE (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case PROP_CHECKLIST:
      g_value_set_object (value, self->checklist);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fk_checklist_page_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  FkChecklistPage *self = FK_CHECKLIST_PAGE (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      fk_checklist_page_set_client (self, g_value_get_object (value));
      break;
    case PROP_CHECKLIST:
      fk_checklist_page_set_checklist (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fk_checklist_page_class_init (FkChecklistPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fk_checklist_page_dispose;
  object_class->finalize = fk_checklist_page_finalize;
  object_class->get_property = fk_checklist_page_get_property;
  object_class->set_property = fk_checklist_page_set_property;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL,
                         FK_TYPE_CLIENT,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_CHECKLIST] =
    g_param_spec_object ("checklist", NULL, NULL,
                         FK_TYPE_EVENT_CHECKLIST,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FkChecklistPage::back:
   *
   * The officer wants the list again.
   */
  signals[BACK] =
    g_signal_new ("back",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * FkChecklistPage::edit-details:
   *
   * The officer wants to change the event's details.
   */
  signals[EDIT_DETAILS] =
    g_signal_new ("edit-details",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * FkChecklistPage::toast:
   * @text: a short sentence for the officer
   *
   * Something to show briefly: a failure to save, or a confirmation.
   */
  signals[TOAST] =
    g_signal_new ("toast",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/faltkoll/Faltkoll/ui/fk-checklist-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FkChecklistPage, window_title);
  gtk_widget_class_bind_template_child (widget_class, FkChecklistPage, name_label);
  gtk_widget_class_bind_template_child (widget_class, FkChecklistPage, details_label);
  gtk_widget_class_bind_template_child (widget_class, FkChecklistPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, FkChecklistPage, progress_label);
  gtk_widget_class_bind_template_child (widget_class, FkChecklistPage, team_label);
  gtk_widget_class_bind_template_child (widget_class, FkChecklistPage, failure_label);
  gtk_widget_class_bind_template_child (widget_class, FkChecklistPage, done_box);
  gtk_widget_class_bind_template_child (widget_class, FkChecklistPage, before_group);
  gtk_widget_class_bind_template_child (widget_class, FkChecklistPage, during_group);
  gtk_widget_class_bind_template_child (widget_class, FkChecklistPage, after_group);
  gtk_widget_class_bind_template_child (widget_class, FkChecklistPage, done_button);
  gtk_widget_class_bind_template_callback (widget_class, on_back_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_edit_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_done_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_reopen_clicked);

  gtk_widget_class_add_binding (widget_class, GDK_KEY_Left, GDK_ALT_MASK, on_back_key, NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
fk_checklist_page_init (FkChecklistPage *self)
{
  self->rows = g_ptr_array_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->before_group),
                                   fk_checklist_phase_to_label (FK_CHECKLIST_PHASE_BEFORE));
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->during_group),
                                   fk_checklist_phase_to_label (FK_CHECKLIST_PHASE_DURING));
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->after_group),
                                   fk_checklist_phase_to_label (FK_CHECKLIST_PHASE_AFTER));
}

GtkWidget *
fk_checklist_page_new (void)
{
  return g_object_new (FK_TYPE_CHECKLIST_PAGE, NULL);
}

FkClient *
fk_checklist_page_get_client (FkChecklistPage *self)
{
  g_return_val_if_fail (FK_IS_CHECKLIST_PAGE (self), NULL);

  return self->client;
}

void
fk_checklist_page_set_client (FkChecklistPage *self,
                              FkClient        *client)
{
  g_return_if_fail (FK_IS_CHECKLIST_PAGE (self));
  g_return_if_fail (client == NULL || FK_IS_CLIENT (client));

  if (!g_set_object (&self->client, client))
    return;

  if (self->checklist != NULL)
    update_team (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT]);
}

FkEventChecklist *
fk_checklist_page_get_checklist (FkChecklistPage *self)
{
  g_return_val_if_fail (FK_IS_CHECKLIST_PAGE (self), NULL);

  return self->checklist;
}

void
fk_checklist_page_set_checklist (FkChecklistPage  *self,
                                 FkEventChecklist *checklist)
{
  g_return_if_fail (FK_IS_CHECKLIST_PAGE (self));
  g_return_if_fail (checklist == NULL || FK_IS_EVENT_CHECKLIST (checklist));

  if (self->checklist == checklist)
    return;

  if (self->checklist != NULL)
    {
      fk_checklist_page_commit (self);
      clear_rows (self);
      g_signal_handlers_disconnect_by_data (self->checklist, self);
    }

  g_set_object (&self->checklist, checklist);

  if (checklist != NULL)
    {
      build_rows (self);
      g_signal_connect_object (checklist, "notify", G_CALLBACK (on_checklist_notify), self, G_CONNECT_SWAPPED);
      update_title (self);
      update_state (self);
      update_progress (self);
      update_team (self);
      update_done (self);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHECKLIST]);
}
