/* fk-checklist-list.c: the Events view: event checklists, ongoing and
 * done, and the way into one
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The view has its own leaflet: list → checklist → details. A new checklist
 * goes template → details → checklist, and is saved once its details are.
 */
#define G_LOG_DOMAIN "fk-checklist-list"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "fk-checklist-list.h"
#include "fk-checklist-page.h"
#include "fk-event-details.h"
#include "fk-record-state.h"

struct _FkChecklistList
{
  GtkWidget           parent_instance;

  FkClient           *client;
  GListModel         *checklists;
  GtkFilterListModel *filtered;
  GPtrArray          *watched;        /* checklists whose "done" we follow */
  FkEventChecklist   *new_checklist;  /* chosen, details not saved yet */
  gboolean            show_done;
  gboolean            in_details;

  GtkWidget          *leaflet;
  GtkWidget          *stack;
  GtkWidget          *list_stack;
  GtkWidget          *list_view;
  GtkWidget          *none_page;
  GtkWidget          *ongoing_button;
  GtkWidget          *done_button;
  GtkWidget          *page;
  GtkWidget          *details;
};

G_DEFINE_FINAL_TYPE (FkChecklistList, fk_checklist_list, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_SHOWING_LIST,
  N_PROPS
};

enum {
  TOAST,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Empty states ----------------------------------------------------------- */

static void
update_empty (FkChecklistList *self)
{
  gboolean none = self->checklists == NULL || g_list_model_get_n_items (self->checklists) == 0;
  gboolean none_here = g_list_model_get_n_items (G_LIST_MODEL (self->filtered)) == 0;

  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), none ? "empty" : "list");
  gtk_stack_set_visible_child_name (GTK_STACK (self->list_stack), none_here ? "none" : "items");
  adw_status_page_set_title (ADW_STATUS_PAGE (self->none_page),
                             self->show_done ? _("No Finished Checklists") : _("No Ongoing Checklists"));
}

static gboolean
filter_by_done (gpointer item,
                gpointer user_data)
{
  FkChecklistList *self = user_data;

  return fk_event_checklist_get_done (item) == self->show_done;
}

static void
refilter (FkChecklistList *self)
{
  gtk_filter_changed (gtk_filter_list_model_get_filter (self->filtered), GTK_FILTER_CHANGE_DIFFERENT);
  update_empty (self);
}

static void
unwatch_all (FkChecklistList *self)
{
  for (guint i = 0; i < self->watched->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->watched, i), self);
  g_ptr_array_set_size (self->watched, 0);
}

/* Done moves a checklist between the two lists, also when a teammate
 * marks it; a filter model does not watch its items, so this does. */
static void
watch_all (FkChecklistList *self)
{
  unwatch_all (self);
  if (self->checklists == NULL)
    return;

  for (guint i = 0; i < g_list_model_get_n_items (self->checklists); i++)
    {
      g_autoptr(FkEventChecklist) checklist = g_list_model_get_item (self->checklists, i);

      g_signal_connect_object (checklist, "notify::done", G_CALLBACK (refilter), self, G_CONNECT_SWAPPED);
      g_ptr_array_add (self->watched, g_steal_pointer (&checklist));
    }
}

static FkEventChecklist *
find_checklist (FkChecklistList *self,
                const char      *uuid)
{
  for (guint i = 0; i < g_list_model_get_n_items (self->checklists); i++)
    {
      g_autoptr(FkEventChecklist) checklist = g_list_model_get_item (self->checklists, i);

      if (g_strcmp0 (fk_event_checklist_get_uuid (checklist), uuid) == 0)
        return checklist;
    }
  return NULL;
}

static void
on_checklists_changed (FkChecklistList *self)
{
  FkEventChecklist *shown = fk_checklist_page_get_checklist (FK_CHECKLIST_PAGE (self->page));

  watch_all (self);
  /* Also when the filter hides the change (a done checklist arriving). */
  update_empty (self);

  if (shown == NULL || self->new_checklist == shown)
    return;

  /* Locked or logged out: nothing of the officer's stays on screen. */
  if (g_list_model_get_n_items (self->checklists) == 0)
    {
      fk_checklist_page_set_checklist (FK_CHECKLIST_PAGE (self->page), NULL);
      g_clear_object (&self->new_checklist);
      adw_leaflet_set_visible_child_name (ADW_LEAFLET (self->leaflet), "list");
      return;
    }

  /* Loaded again after an unlock: show the same checklist, as it was. */
  if (find_checklist (self, fk_event_checklist_get_uuid (shown)) != NULL)
    {
      FkEventChecklist *again = find_checklist (self, fk_event_checklist_get_uuid (shown));

      if (again != shown)
        fk_checklist_page_set_checklist (FK_CHECKLIST_PAGE (self->page), again);
    }
}

/* Rows ------------------------------------------------------------------- */

static void
update_row (GtkListItem *list_item)
{
  FkEventChecklist *checklist = gtk_list_item_get_item (list_item);
  GtkWidget *row = gtk_list_item_get_child (list_item);
  GtkLabel *title = g_object_get_data (G_OBJECT (row), "title");
  GtkLabel *where_when = g_object_get_data (G_OBJECT (row), "where-when");
  GtkLabel *progress = g_object_get_data (G_OBJECT (row), "progress");
  GtkLabel *state = g_object_get_data (G_OBJECT (row), "state");
  GtkLabel *failure = g_object_get_data (G_OBJECT (row), "failure");
  FkRecordState record_state = fk_event_checklist_get_state (checklist);
  const char *failure_text = fk_event_checklist_get_failure (checklist);
  g_autofree char *title_text = fk_checklist_page_dup_title (checklist);
  g_autofree char *where_when_text = fk_checklist_page_dup_where_when (checklist);
  g_autofree char *progress_text = fk_checklist_page_dup_progress (checklist);

  gtk_label_set_text (title, title_text);
  gtk_label_set_text (where_when, where_when_text);
  gtk_widget_set_visible (GTK_WIDGET (where_when), where_when_text[0] != 0);
  gtk_label_set_text (progress, progress_text);

  fk_record_state_show (state, record_state);

  gtk_label_set_text (failure, failure_text != NULL ? failure_text : "");
  gtk_widget_set_visible (GTK_WIDGET (failure),
                          record_state == FK_RECORD_STATE_FAILED && failure_text != NULL && failure_text[0] != 0);
}

static GtkWidget *
row_label (GtkWidget  *row,
           GtkWidget  *parent,
           const char *key,
           const char *css_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, css_class);
  g_object_set_data (G_OBJECT (row), key, label);
  gtk_box_append (GTK_BOX (parent), label);
  return label;
}

static void
on_setup (GtkSignalListItemFactory *factory,
          GtkListItem              *list_item,
          FkChecklistList          *self)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label;

  gtk_widget_add_css_class (row, "fk-checklist-row");

  label = row_label (row, row, "title", "heading");
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  /* Wrapped, not cut short: the start time is at its end. */
  label = row_label (row, row, "where-when", "dim-label");
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);

  gtk_box_append (GTK_BOX (row), line);
  label = row_label (row, line, "progress", "numeric");
  gtk_widget_set_hexpand (label, TRUE);
  row_label (row, line, "state", "fk-checklist-state");

  label = row_label (row, row, "failure", "error");
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "caption");

  gtk_list_item_set_child (list_item, row);
}

static void
on_bind (GtkSignalListItemFactory *factory,
         GtkListItem              *list_item,
         FkChecklistList          *self)
{
  FkEventChecklist *checklist = gtk_list_item_get_item (list_item);

  update_row (list_item);
  /* Answers, state and the team's changes arrive while it is shown. */
  g_signal_connect_object (checklist, "notify", G_CALLBACK (update_row), list_item, G_CONNECT_SWAPPED);
}

static void
on_unbind (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           FkChecklistList          *self)
{
  FkEventChecklist *checklist = gtk_list_item_get_item (list_item);

  g_signal_handlers_disconnect_by_func (checklist, update_row, list_item);
}

/* Navigation ------------------------------------------------------------- */

static void
show_checklist (FkChecklistList  *self,
                FkEventChecklist *checklist)
{
  fk_checklist_page_set_checklist (FK_CHECKLIST_PAGE (self->page), checklist);
  adw_leaflet_set_visible_child_name (ADW_LEAFLET (self->leaflet), "checklist");
}

static void
show_details (FkChecklistList  *self,
              FkEventChecklist *checklist,
              const char       *suggested_region)
{
  fk_event_details_edit (FK_EVENT_DETAILS (self->details), checklist, suggested_region);
  self->in_details = TRUE;
  adw_leaflet_set_visible_child_name (ADW_LEAFLET (self->leaflet), "details");
}

static void
leave_details (FkChecklistList *self,
               gboolean         saved)
{
  FkEventChecklist *checklist = fk_event_details_get_checklist (FK_EVENT_DETAILS (self->details));
  gboolean is_new = checklist != NULL && checklist == self->new_checklist;

  self->in_details = FALSE;

  if (saved)
    {
      if (is_new)
        fk_checklist_page_set_checklist (FK_CHECKLIST_PAGE (self->page), checklist);
      fk_checklist_page_save (FK_CHECKLIST_PAGE (self->page));
    }
  if (is_new)
    g_clear_object (&self->new_checklist);

  adw_leaflet_set_visible_child_name (ADW_LEAFLET (self->leaflet),
                                      saved || !is_new ? "checklist" : "list");
}

static void
on_details_saved (FkChecklistList *self)
{
  leave_details (self, TRUE);
}

static void
on_details_cancelled (FkChecklistList *self)
{
  leave_details (self, FALSE);
}

static void
on_leaflet_visible_child (FkChecklistList *self)
{
  const char *name = adw_leaflet_get_visible_child_name (ADW_LEAFLET (self->leaflet));

  /* A swipe back out of the details form is a cancel. */
  if (self->in_details && g_strcmp0 (name, "details") != 0)
    leave_details (self, FALSE);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOWING_LIST]);
}

static void
on_page_back (FkChecklistList *self)
{
  adw_leaflet_set_visible_child_name (ADW_LEAFLET (self->leaflet), "list");
}

static void
on_page_edit_details (FkChecklistList *self)
{
  FkEventChecklist *checklist = fk_checklist_page_get_checklist (FK_CHECKLIST_PAGE (self->page));

  if (checklist != NULL)
    show_details (self, checklist, NULL);
}

static void
on_page_toast (FkChecklistList *self,
               const char      *text)
{
  g_signal_emit (self, signals[TOAST], 0, text);
}

static void
on_list_activate (FkChecklistList *self,
                  guint            position)
{
  g_autoptr(FkEventChecklist) checklist = g_list_model_get_item (G_LIST_MODEL (self->filtered), position);

  if (checklist != NULL)
    show_checklist (self, checklist);
}

static void
on_filter_toggled (FkChecklistList *self)
{
  gboolean show_done = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (self->done_button));

  if (self->show_done == show_done)
    return;

  self->show_done = show_done;
  refilter (self);
}

/* New checklist ---------------------------------------------------------- */

static void
start_new (FkChecklistList     *self,
           FkChecklistTemplate *template_)
{
  g_clear_object (&self->new_checklist);
  self->new_checklist = fk_event_checklist_new (template_);
  show_details (self, self->new_checklist, fk_checklist_template_get_region (template_));
}

static void
on_template_activated (GtkListBox    *list_box,
                       GtkListBoxRow *row,
                       gpointer       user_data)
{
  FkChecklistList *self = user_data;
  FkChecklistTemplate *template_ = g_object_get_data (G_OBJECT (row), "fk-template");
  GtkWidget *dialog = gtk_widget_get_ancestor (GTK_WIDGET (list_box), ADW_TYPE_MESSAGE_DIALOG);

  start_new (self, template_);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static GtkWidget *
template_row (FkChecklistTemplate *template_)
{
  const char *region = fk_checklist_template_get_region (template_);
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *subtitle = NULL;

  if (region != NULL)
    /* Translators: a regional template's police region, e.g. "Region Syd" */
    subtitle = g_strdup_printf (_("Region %s"), region);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), fk_checklist_template_get_title (template_));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle != NULL ? subtitle : _("National"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "fk-template", g_object_ref (template_), g_object_unref);
  return row;
}

static void
new_checklist_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  FkChecklistList *self = FK_CHECKLIST_LIST (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GListModel *templates;
  GtkWidget *dialog;
  GtkWidget *list_box;

  if (self->client == NULL || self->in_details)
    return;

  fk_checklist_page_commit (FK_CHECKLIST_PAGE (self->page));

  /* Regional templates first, as the client orders them. */
  templates = fk_client_get_templates (self->client);
  list_box = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list_box), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list_box, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (list_box),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Templates"), -1);
  for (guint i = 0; i < g_list_model_get_n_items (templates); i++)
    {
      g_autoptr(FkChecklistTemplate) template_ = g_list_model_get_item (templates, i);

      gtk_list_box_append (GTK_LIST_BOX (list_box), template_row (template_));
    }
  g_signal_connect_object (list_box, "row-activated", G_CALLBACK (on_template_activated), self, 0);

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("New Checklist"),
                                   _("Choose a template for the event."));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), list_box);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"));
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Ctrl+N belongs to the view on screen: consumed here even while the
 * details form is open, so it never falls through to "new tip". */
static gboolean
on_new_shortcut (GtkWidget *widget,
                 GVariant  *args,
                 gpointer   user_data)
{
  gtk_widget_activate_action (widget, "checklists.new", NULL);
  return TRUE;
}

/* Object ----------------------------------------------------------------- */

static void
fk_checklist_list_dispose (GObject *object)
{
  FkChecklistList *self = (FkChecklistList *) object;
  GtkWidget *child;

  if (self->checklists != NULL)
    g_signal_handlers_disconnect_by_data (self->checklists, self);
  if (self->watched != NULL)
    unwatch_all (self);
  g_clear_object (&self->new_checklist);

  gtk_widget_dispose_template (GTK_WIDGET (self), FK_TYPE_CHECKLIST_LIST);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  g_clear_object (&self->filtered);
  g_clear_object (&self->checklists);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (fk_checklist_list_parent_class)->dispose (object);
}

static void
fk_checklist_list_finalize (GObject *object)
{
  FkChecklistList *self = (FkChecklistList *) object;

  g_ptr_array_unref (self->watched);

  G_OBJECT_CLASS (fk_checklist_list_parent_class)->finalize (object);
}

static void
fk_checklist_list_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  FkChecklistList *self = FK_CHECKLIST_LIST (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case PROP_SHOWING_LIST:
      g_value_set_boolean (value, fk_checklist_list_get_showing_list (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fk_checklist_list_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  FkChecklistList *self = FK_CHECKLIST_LIST (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      fk_checklist_list_set_client (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fk_checklist_list_class_init (FkChecklistListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fk_checklist_list_dispose;
  object_class->finalize = fk_checklist_list_finalize;
  object_class->get_property = fk_checklist_list_get_property;
  object_class->set_property = fk_checklist_list_set_property;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL,
                         FK_TYPE_CLIENT,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * FkChecklistList:showing-list:
   *
   * Whether the list is on screen, not a checklist or its details form.
   */
  properties[PROP_SHOWING_LIST] =
    g_param_spec_boolean ("showing-list", NULL, NULL,
                          TRUE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FkChecklistList::toast:
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

  g_type_ensure (FK_TYPE_CHECKLIST_PAGE);
  g_type_ensure (FK_TYPE_EVENT_DETAILS);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/faltkoll/Faltkoll/ui/fk-checklist-list.ui");
  gtk_widget_class_bind_template_child (widget_class, FkChecklistList, leaflet);
  gtk_widget_class_bind_template_child (widget_class, FkChecklistList, stack);
  gtk_widget_class_bind_template_child (widget_class, FkChecklistList, list_stack);
  gtk_widget_class_bind_template_child (widget_class, FkChecklistList, list_view);
  gtk_widget_class_bind_template_child (widget_class, FkChecklistList, none_page);
  gtk_widget_class_bind_template_child (widget_class, FkChecklistList, ongoing_button);
  gtk_widget_class_bind_template_child (widget_class, FkChecklistList, done_button);
  gtk_widget_class_bind_template_child (widget_class, FkChecklistList, page);
  gtk_widget_class_bind_template_child (widget_class, FkChecklistList, details);
  gtk_widget_class_bind_template_callback (widget_class, on_leaflet_visible_child);
  gtk_widget_class_bind_template_callback (widget_class, on_list_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_toggled);
  gtk_widget_class_bind_template_callback (widget_class, on_page_back);
  gtk_widget_class_bind_template_callback (widget_class, on_page_edit_details);
  gtk_widget_class_bind_template_callback (widget_class, on_page_toast);
  gtk_widget_class_bind_template_callback (widget_class, on_details_saved);
  gtk_widget_class_bind_template_callback (widget_class, on_details_cancelled);

  gtk_widget_class_install_action (widget_class, "checklists.new", NULL, new_checklist_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
fk_checklist_list_init (FkChecklistList *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkEventController *shortcuts = gtk_shortcut_controller_new ();
  GtkFilter *filter;

  self->watched = g_ptr_array_new_with_free_func (g_object_unref);

  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (factory, "setup", G_CALLBACK (on_setup), self, 0);
  g_signal_connect_object (factory, "bind", G_CALLBACK (on_bind), self, 0);
  g_signal_connect_object (factory, "unbind", G_CALLBACK (on_unbind), self, 0);
  gtk_list_view_set_factory (GTK_LIST_VIEW (self->list_view), factory);
  g_object_unref (factory);

  filter = GTK_FILTER (gtk_custom_filter_new (filter_by_done, self, NULL));
  self->filtered = gtk_filter_list_model_new (NULL, filter);
  /* After the filter has seen a change, not before: its count is what
   * tells "none here" from a list. */
  g_signal_connect_object (self->filtered, "items-changed", G_CALLBACK (update_empty), self, G_CONNECT_SWAPPED);
  gtk_list_view_set_model (GTK_LIST_VIEW (self->list_view),
                           GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->filtered)))));

  /* Global and in the capture phase: it wins over the window's Ctrl+N
   * (new tip) while this view is mapped, and only then. */
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts), GTK_SHORTCUT_SCOPE_GLOBAL);
  gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_n, GDK_CONTROL_MASK),
                                                          gtk_callback_action_new (on_new_shortcut, NULL, NULL)));
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);

  update_empty (self);
}

GtkWidget *
fk_checklist_list_new (void)
{
  return g_object_new (FK_TYPE_CHECKLIST_LIST, NULL);
}

FkClient *
fk_checklist_list_get_client (FkChecklistList *self)
{
  g_return_val_if_fail (FK_IS_CHECKLIST_LIST (self), NULL);

  return self->client;
}

void
fk_checklist_list_set_client (FkChecklistList *self,
                              FkClient        *client)
{
  g_return_if_fail (FK_IS_CHECKLIST_LIST (self));
  g_return_if_fail (client == NULL || FK_IS_CLIENT (client));

  if (self->client == client)
    return;

  fk_checklist_page_commit (FK_CHECKLIST_PAGE (self->page));
  fk_checklist_page_set_checklist (FK_CHECKLIST_PAGE (self->page), NULL);
  g_clear_object (&self->new_checklist);
  adw_leaflet_set_visible_child_name (ADW_LEAFLET (self->leaflet), "list");

  if (self->checklists != NULL)
    g_signal_handlers_disconnect_by_data (self->checklists, self);
  g_clear_object (&self->checklists);

  g_set_object (&self->client, client);
  fk_checklist_page_set_client (FK_CHECKLIST_PAGE (self->page), client);

  if (client != NULL)
    {
      self->checklists = g_object_ref (fk_client_get_checklists (client));
      g_signal_connect_object (self->checklists, "items-changed",
                               G_CALLBACK (on_checklists_changed), self, G_CONNECT_SWAPPED);
    }

  gtk_filter_list_model_set_model (self->filtered, self->checklists);
  watch_all (self);
  update_empty (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT]);
}

gboolean
fk_checklist_list_get_showing_list (FkChecklistList *self)
{
  g_return_val_if_fail (FK_IS_CHECKLIST_LIST (self), FALSE);

  return g_strcmp0 (adw_leaflet_get_visible_child_name (ADW_LEAFLET (self->leaflet)), "list") == 0;
}

void
fk_checklist_list_commit (FkChecklistList *self)
{
  g_return_if_fail (FK_IS_CHECKLIST_LIST (self));

  fk_checklist_page_commit (FK_CHECKLIST_PAGE (self->page));
}

void
fk_checklist_list_show_checklist (FkChecklistList  *self,
                                  FkEventChecklist *checklist)
{
  g_return_if_fail (FK_IS_CHECKLIST_LIST (self));
  g_return_if_fail (FK_IS_EVENT_CHECKLIST (checklist));

  /* Away from the details form to another checklist: a cancel, as a
   * swipe back is. */
  if (self->in_details)
    leave_details (self, FALSE);
  show_checklist (self, checklist);
}
