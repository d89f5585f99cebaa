/* fk-sync-details.c: what waits to be sent, what failed and why
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fk-sync-details"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "fk-checklist-page.h"
#include "fk-record-state.h"
#include "fk-sync-details.h"

struct _FkSyncDetails
{
  GtkWidget           parent_instance;

  FkClient           *client;
  FkSyncEngine       *engine;
  GCancellable       *cancellable;   /* of discards under way */
  GtkCustomFilter    *filter;
  /* Waiting and failed checklists (few), then tips (maybe thousands). */
  GtkFlattenListModel *waiting;
  guint               clock_id;

  GtkWidget          *status_label;
  GtkWidget          *last_success_label;
  GtkWidget          *last_error_label;
  GtkWidget          *progress_bar;
  GtkWidget          *sync_button;
  GtkWidget          *stack;
  GtkWidget          *list_view;
};

G_DEFINE_FINAL_TYPE (FkSyncDetails, fk_sync_details, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CLIENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

char *
fk_sync_details_format_last_sent (GDateTime *last,
                                  GDateTime *now)
{
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *time_text = NULL;
  GTimeSpan ago;
  int minutes;

  if (last == NULL)
    return g_strdup (_("Last sent: never"));

  ago = g_date_time_difference (now, last);
  if (ago < G_TIME_SPAN_MINUTE)
    return g_strdup (_("Last sent: just now"));

  minutes = (int) (ago / G_TIME_SPAN_MINUTE);
  if (minutes < 60)
    return g_strdup_printf (ngettext ("Last sent: %d minute ago",
                                      "Last sent: %d minutes ago",
                                      minutes),
                            minutes);

  local = g_date_time_to_local (last);
  if (g_date_time_get_year (local) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (local) == g_date_time_get_day_of_year (now))
    {
      time_text = g_date_time_format (local, "%H:%M");
      /* Translators: %s is a time of day, e.g. "21:30" */
      return g_strdup_printf (_("Last sent: today at %s"), time_text);
    }

  /* %x: the date as the officer's locale writes it. */
  time_text = g_date_time_format (local, "%x %H:%M");
  /* Translators: %s is a date and time */
  return g_strdup_printf (_("Last sent: %s"), time_text);
}

static void
update_status (FkSyncDetails *self)
{
  g_autofree char *status = NULL;
  g_autofree char *last_sent = NULL;
  g_autofree char *error_text = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  const char *last_error;
  guint pending;

  if (self->engine == NULL)
    return;

  pending = fk_sync_engine_get_pending (self->engine);
  if (pending == 0)
    status = g_strdup (_("Everything is sent."));
  else
    status = g_strdup_printf (ngettext ("%u record is waiting to be sent.",
                                        "%u records are waiting to be sent.",
                                        pending),
                              pending);
  gtk_label_set_text (GTK_LABEL (self->status_label), status);

  last_sent = fk_sync_details_format_last_sent (fk_sync_engine_get_last_success (self->engine), now);
  gtk_label_set_text (GTK_LABEL (self->last_success_label), last_sent);

  last_error = fk_sync_engine_get_last_error (self->engine);
  if (last_error != NULL && last_error[0] != 0)
    /* Translators: %s is a sentence saying what went wrong and what to do */
    error_text = g_strdup_printf (_("Last attempt failed: %s"), last_error);
  gtk_label_set_text (GTK_LABEL (self->last_error_label), error_text != NULL ? error_text : "");
  gtk_widget_set_visible (self->last_error_label, error_text != NULL);
}

static void
update_progress (FkSyncDetails *self)
{
  gboolean sending;
  guint sent, total;
  g_autofree char *text = NULL;

  if (self->engine == NULL)
    return;

  sending = fk_sync_engine_get_sending (self->engine);
  sent = fk_sync_engine_get_sent (self->engine);
  total = fk_sync_engine_get_total (self->engine);

  gtk_widget_set_visible (self->progress_bar, sending);
  gtk_widget_set_sensitive (self->sync_button, !sending);
  if (!sending)
    return;

  if (total > 0)
    {
      /* Translators: progress while sending, e.g. "Sending 3 of 10" */
      text = g_strdup_printf (_("Sending %u of %u"), MIN (sent + 1, total), total);
      gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress_bar), (double) sent / total);
    }
  else
    {
      text = g_strdup (_("Connecting to the server…"));
      gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress_bar), 0);
    }
  gtk_progress_bar_set_text (GTK_PROGRESS_BAR (self->progress_bar), text);
}

static void
update_empty (FkSyncDetails *self)
{
  gboolean empty = self->waiting == NULL || g_list_model_get_n_items (G_LIST_MODEL (self->waiting)) == 0;

  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), empty ? "empty" : "list");
}

static void
refilter (FkSyncDetails *self)
{
  /* A record's state changes as the engine works; the filter model does
   * not watch items, so look again whenever the engine moves. */
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
on_engine_notify (FkSyncDetails *self,
                  GParamSpec    *pspec)
{
  if (g_str_equal (pspec->name, "sending") || g_str_equal (pspec->name, "pending"))
    refilter (self);
  update_status (self);
  update_progress (self);
}

static FkRecordState
record_state (gpointer record)
{
  return FK_IS_HOTEL_TIP (record) ? fk_hotel_tip_get_state (record) : fk_event_checklist_get_state (record);
}

static const char *
record_uuid (gpointer record)
{
  return FK_IS_HOTEL_TIP (record) ? fk_hotel_tip_get_uuid (record) : fk_event_checklist_get_uuid (record);
}

static gboolean
waits_or_failed (gpointer item,
                 gpointer user_data)
{
  FkRecordState state = record_state (item);

  return state == FK_RECORD_STATE_PENDING || state == FK_RECORD_STATE_FAILED;
}

/* An icon button, named for screen readers and for the tooltip; words do
 * not fit three to a row on a phone with large text. */
static void
set_action (GtkWidget  *button,
            const char *icon_name,
            const char *name,
            const char *action_name,
            const char *uuid)
{
  gtk_button_set_icon_name (GTK_BUTTON (button), icon_name);
  gtk_widget_set_tooltip_text (button, name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  /* A reused row moves between actions with and without a target: no
   * name while the target changes, or they would not match meanwhile. */
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), NULL);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button),
                                          uuid != NULL ? g_variant_new_string (uuid) : NULL);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action_name);
}

static char *
dup_local_time (GDateTime *time)
{
  g_autoptr(GDateTime) local = NULL;

  if (time == NULL)
    return g_strdup ("");

  local = g_date_time_to_local (time);
  /* %x: the date as the officer's locale writes it. */
  return g_date_time_format (local, "%x %H:%M");
}

static void
update_row (GtkListItem *list_item)
{
  gpointer record = gtk_list_item_get_item (list_item);
  GtkWidget *row = gtk_list_item_get_child (list_item);
  FkSyncDetails *self = g_object_get_data (G_OBJECT (row), "details");
  GtkLabel *title = g_object_get_data (G_OBJECT (row), "title");
  GtkLabel *subtitle = g_object_get_data (G_OBJECT (row), "subtitle");
  GtkLabel *kind = g_object_get_data (G_OBJECT (row), "kind");
  GtkLabel *state = g_object_get_data (G_OBJECT (row), "state");
  GtkLabel *failure = g_object_get_data (G_OBJECT (row), "failure");
  GtkWidget *discard_note = g_object_get_data (G_OBJECT (row), "discard-note");
  GtkWidget *open = g_object_get_data (G_OBJECT (row), "open");
  GtkWidget *retry = g_object_get_data (G_OBJECT (row), "retry");
  GtkWidget *discard = g_object_get_data (G_OBJECT (row), "discard");
  FkRecordState record_state_now = record_state (record);
  gboolean failed = record_state_now == FK_RECORD_STATE_FAILED;
  const char *uuid = record_uuid (record);
  FkDiscard what = self->client != NULL ? fk_client_get_discard (self->client, record) : FK_DISCARD_NOTHING;
  gboolean may_discard;
  g_autofree char *title_text = NULL;
  g_autofree char *subtitle_text = NULL;
  const char *failure_text;

  if (FK_IS_HOTEL_TIP (record))
    {
      const char *hotel_name = fk_hotel_tip_get_hotel_name (record);

      title_text = g_strdup (hotel_name[0] != 0 ? hotel_name : _("Untitled tip"));
      subtitle_text = dup_local_time (fk_hotel_tip_get_received_at (record));
      gtk_label_set_text (kind, C_("record kind", "Tip"));
      failure_text = fk_hotel_tip_get_failure (record);
      if (failure_text == NULL || failure_text[0] == 0)
        failure_text = _("The server did not accept this tip. Open it, correct it and send it again.");
      /* A waiting tip is read-only until the server answers; a failed one
       * is the officer's again. */
      set_action (open, failed ? "document-edit-symbolic" : "document-open-symbolic",
                  failed ? _("Edit") : _("Open"), "win.edit-tip", uuid);
      if (failed)
        set_action (retry, "view-refresh-symbolic", _("Send Again"), "win.send-tip", uuid);
    }
  else
    {
      title_text = fk_checklist_page_dup_title (record);
      subtitle_text = fk_checklist_page_dup_where_when (record);
      gtk_label_set_text (kind, C_("record kind", "Checklist"));
      failure_text = fk_event_checklist_get_failure (record);
      if (failure_text == NULL || failure_text[0] == 0)
        failure_text = _("The server did not accept this checklist. Open it, check it and send it again.");
      set_action (open, "document-open-symbolic", _("Open"), "win.open-checklist", uuid);
      if (failed)
        set_action (retry, "view-refresh-symbolic", _("Send Again"), "win.send-checklist", uuid);
    }

  /* Waiting: it goes with everything else that waits. */
  if (!failed)
    set_action (retry, "view-refresh-symbolic", _("Sync Now"), "win.sync", NULL);

  gtk_label_set_text (title, title_text);
  gtk_label_set_text (subtitle, subtitle_text);
  gtk_widget_set_visible (GTK_WIDGET (subtitle), subtitle_text[0] != 0);
  fk_record_state_show (state, record_state_now);
  gtk_label_set_text (failure, failed ? failure_text : "");
  gtk_widget_set_visible (GTK_WIDGET (failure), failed);

  /* Said before the officer asks, not as a refusal after.  Without an
   * action, as its action would make it sensitive again. */
  may_discard = what == FK_DISCARD_RECORD || what == FK_DISCARD_CHANGES;
  set_action (discard, "user-trash-symbolic",
              what == FK_DISCARD_CHANGES ? _("Discard Changes") : _("Discard"),
              may_discard ? "sync-details.discard" : NULL, may_discard ? uuid : NULL);
  gtk_widget_set_sensitive (discard, may_discard);
  gtk_widget_set_visible (discard, what != FK_DISCARD_NOTHING);
  gtk_widget_set_visible (discard_note, what == FK_DISCARD_WAIT_FOR_ANSWER);
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

static GtkWidget *
row_button (GtkWidget  *row,
            GtkWidget  *parent,
            const char *key)
{
  GtkWidget *button = gtk_button_new ();

  gtk_widget_add_css_class (button, "fk-row-action");
  g_object_set_data (G_OBJECT (row), key, button);
  gtk_box_append (GTK_BOX (parent), button);
  return button;
}

static void
on_setup (GtkSignalListItemFactory *factory,
          GtkListItem              *list_item,
          FkSyncDetails            *self)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label;

  gtk_widget_add_css_class (row, "fk-tip-row");
  gtk_list_item_set_activatable (list_item, FALSE);
  /* Borrowed: the row lives inside this widget. */
  g_object_set_data (G_OBJECT (row), "details", self);

  label = row_label (row, row, "title", "heading");
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  label = row_label (row, row, "subtitle", "dim-label");
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);

  /* What it is, and how it stands. */
  gtk_box_append (GTK_BOX (row), line);
  row_label (row, line, "kind", "dim-label");
  row_label (row, line, "state", "fk-tip-state");

  label = row_label (row, row, "failure", "error");
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "caption");

  label = row_label (row, row, "discard-note", "dim-label");
  gtk_label_set_text (GTK_LABEL (label), _("It may already be on the server. Sync now before you discard it."));
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "caption");

  gtk_widget_set_halign (buttons, GTK_ALIGN_END);
  gtk_box_append (GTK_BOX (row), buttons);
  /* Plain: the confirmation carries the warning colour. */
  row_button (row, buttons, "discard");
  row_button (row, buttons, "open");
  row_button (row, buttons, "retry");

  gtk_list_item_set_child (list_item, row);
}

static void
on_bind (GtkSignalListItemFactory *factory,
         GtkListItem              *list_item,
         FkSyncDetails            *self)
{
  GObject *record = gtk_list_item_get_item (list_item);

  update_row (list_item);
  g_signal_connect_object (record, "notify", G_CALLBACK (update_row), list_item, G_CONNECT_SWAPPED);
}

static void
on_unbind (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           FkSyncDetails            *self)
{
  GObject *record = gtk_list_item_get_item (list_item);

  g_signal_handlers_disconnect_by_func (record, update_row, list_item);
}

static void
show_toast (FkSyncDetails *self,
            const char    *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
}

typedef struct {
  FkSyncDetails *self;
  const char    *done;   /* the toast once it is on disk */
} DiscardRequest;

static void
on_discard_ready (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autofree DiscardRequest *request = user_data;
  g_autoptr(GError) error = NULL;

  /* Cancelled: the page is gone. */
  if (!fk_client_discard_finish (FK_CLIENT (object), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* The store's refusals are sentences for the officer. */
  show_toast (request->self, error != NULL ? error->message : request->done);
}

static void
on_discard_response (AdwMessageDialog *dialog,
                     const char       *response,
                     FkSyncDetails    *self)
{
  GObject *record = g_object_get_data (G_OBJECT (dialog), "record");
  DiscardRequest *request;

  if (!g_str_equal (response, "discard") || self->client == NULL)
    return;

  request = g_new0 (DiscardRequest, 1);
  request->self = self;
  request->done = fk_client_get_discard (self->client, record) == FK_DISCARD_CHANGES ? _("Changes discarded")
                                                                                     : _("Discarded");
  fk_client_discard_async (self->client, record, self->cancellable, on_discard_ready, request);
}

static gpointer
find_listed (FkSyncDetails *self,
             const char    *uuid)
{
  guint n = self->waiting != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->waiting)) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) record = g_list_model_get_item (G_LIST_MODEL (self->waiting), i);

      if (g_str_equal (record_uuid (record), uuid))
        return g_steal_pointer (&record);
    }

  return NULL;
}

/* What the officer loses, in the words they know the record by. */
static char *
dup_discard_body (gpointer  record,
                  FkDiscard what)
{
  g_autofree char *name = NULL;

  if (FK_IS_HOTEL_TIP (record))
    {
      name = g_strstrip (g_strdup (fk_hotel_tip_get_hotel_name (record)));
      if (name[0] != 0)
        /* Translators: %s is the hotel's name */
        return g_strdup_printf (_("The tip from %s has not been sent and will be deleted from this phone. This cannot be undone."),
                                name);
      return g_strdup (_("This tip has not been sent and will be deleted from this phone. This cannot be undone."));
    }

  name = g_strstrip (g_strdup (fk_event_checklist_get_event_name (record)));
  if (what == FK_DISCARD_CHANGES && name[0] != 0)
    /* Translators: %s is the event's name */
    return g_strdup_printf (_("The changes to the checklist for %s that have not been sent will be deleted from this phone. The checklist stays as it is on the server. This cannot be undone."),
                            name);
  if (what == FK_DISCARD_CHANGES)
    return g_strdup (_("The changes to this checklist that have not been sent will be deleted from this phone. The checklist stays as it is on the server. This cannot be undone."));
  if (name[0] != 0)
    /* Translators: %s is the event's name */
    return g_strdup_printf (_("The checklist for %s has never been sent and will be deleted from this phone, with all its answers and notes. This cannot be undone."),
                            name);
  return g_strdup (_("This checklist has never been sent and will be deleted from this phone, with all its answers and notes. This cannot be undone."));
}

/* Asks first, and says exactly what is lost. */
static void
discard_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  FkSyncDetails *self = FK_SYNC_DETAILS (widget);
  g_autoptr(GObject) record = find_listed (self, g_variant_get_string (parameter, NULL));
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autofree char *body = NULL;
  const char *heading;
  FkDiscard what;
  GtkWidget *dialog;

  if (record == NULL || self->client == NULL)
    return;

  what = fk_client_get_discard (self->client, record);
  if (what != FK_DISCARD_RECORD && what != FK_DISCARD_CHANGES)
    return;

  if (what == FK_DISCARD_CHANGES)
    heading = _("Discard Changes?");
  else if (FK_IS_HOTEL_TIP (record))
    heading = _("Discard Tip?");
  else
    heading = _("Discard Checklist?");
  body = dup_discard_body (record, what);

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "discard", _("_Discard"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "record", g_steal_pointer (&record), g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_discard_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static gboolean
on_clock (gpointer user_data)
{
  update_status (user_data);
  return G_SOURCE_CONTINUE;
}

static void
fk_sync_details_map (GtkWidget *widget)
{
  FkSyncDetails *self = FK_SYNC_DETAILS (widget);

  GTK_WIDGET_CLASS (fk_sync_details_parent_class)->map (widget);

  /* "5 minutes ago" ages while the page is open. */
  g_clear_handle_id (&self->clock_id, g_source_remove);
  self->clock_id = g_timeout_add_seconds (30, on_clock, self);
  refilter (self);
  update_status (self);
  update_progress (self);
}

static void
fk_sync_details_unmap (GtkWidget *widget)
{
  FkSyncDetails *self = FK_SYNC_DETAILS (widget);

  g_clear_handle_id (&self->clock_id, g_source_remove);

  GTK_WIDGET_CLASS (fk_sync_details_parent_class)->unmap (widget);
}

static void
fk_sync_details_dispose (GObject *object)
{
  FkSyncDetails *self = (FkSyncDetails *) object;
  GtkWidget *child;

  g_clear_handle_id (&self->clock_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->engine != NULL)
    g_signal_handlers_disconnect_by_data (self->engine, self);
  g_clear_object (&self->engine);
  if (self->waiting != NULL)
    g_signal_handlers_disconnect_by_data (self->waiting, self);
  g_clear_object (&self->waiting);
  g_clear_object (&self->filter);
  g_clear_object (&self->client);

  gtk_widget_dispose_template (GTK_WIDGET (self), FK_TYPE_SYNC_DETAILS);
  /* Also the template's root box, which no field points at. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (fk_sync_details_parent_class)->dispose (object);
}

static void
fk_sync_details_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  FkSyncDetails *self = FK_SYNC_DETAILS (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fk_sync_details_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  FkSyncDetails *self = FK_SYNC_DETAILS (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      fk_sync_details_set_client (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fk_sync_details_class_init (FkSyncDetailsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fk_sync_details_dispose;
  object_class->get_property = fk_sync_details_get_property;
  object_class->set_property = fk_sync_details_set_property;

  widget_class->map = fk_sync_details_map;
  widget_class->unmap = fk_sync_details_unmap;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL,
                         FK_TYPE_CLIENT,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/faltkoll/Faltkoll/ui/fk-sync-details.ui");
  gtk_widget_class_bind_template_child (widget_class, FkSyncDetails, status_label);
  gtk_widget_class_bind_template_child (widget_class, FkSyncDetails, last_success_label);
  gtk_widget_class_bind_template_child (widget_class, FkSyncDetails, last_error_label);
  gtk_widget_class_bind_template_child (widget_class, FkSyncDetails, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, FkSyncDetails, sync_button);
  gtk_widget_class_bind_template_child (widget_class, FkSyncDetails, stack);
  gtk_widget_class_bind_template_child (widget_class, FkSyncDetails, list_view);

  gtk_widget_class_install_action (widget_class, "sync-details.discard", "s", discard_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
fk_sync_details_init (FkSyncDetails *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->filter = gtk_custom_filter_new (waits_or_failed, NULL, NULL);

  g_signal_connect_object (factory, "setup", G_CALLBACK (on_setup), self, 0);
  g_signal_connect_object (factory, "bind", G_CALLBACK (on_bind), self, 0);
  g_signal_connect_object (factory, "unbind", G_CALLBACK (on_unbind), self, 0);
  gtk_list_view_set_factory (GTK_LIST_VIEW (self->list_view), factory);
  g_object_unref (factory);

  update_empty (self);
}

FkClient *
fk_sync_details_get_client (FkSyncDetails *self)
{
  g_return_val_if_fail (FK_IS_SYNC_DETAILS (self), NULL);

  return self->client;
}

void
fk_sync_details_set_client (FkSyncDetails *self,
                            FkClient      *client)
{
  g_autoptr(GtkNoSelection) selection = NULL;

  g_return_if_fail (FK_IS_SYNC_DETAILS (self));
  g_return_if_fail (client == NULL || FK_IS_CLIENT (client));

  if (!g_set_object (&self->client, client))
    return;

  if (self->engine != NULL)
    g_signal_handlers_disconnect_by_data (self->engine, self);
  g_clear_object (&self->engine);
  if (self->waiting != NULL)
    g_signal_handlers_disconnect_by_data (self->waiting, self);
  g_clear_object (&self->waiting);

  if (client != NULL)
    {
      g_autoptr(GListStore) kinds = g_list_store_new (G_TYPE_LIST_MODEL);
      g_autoptr(GtkFilterListModel) checklists = NULL;
      g_autoptr(GtkFilterListModel) tips = NULL;

      self->engine = g_object_ref (fk_client_get_sync_engine (client));
      g_signal_connect_object (self->engine, "notify", G_CALLBACK (on_engine_notify), self,
                               G_CONNECT_SWAPPED);

      checklists = gtk_filter_list_model_new (g_object_ref (fk_client_get_checklists (client)),
                                              g_object_ref (GTK_FILTER (self->filter)));
      tips = gtk_filter_list_model_new (g_object_ref (fk_client_get_tips (client)),
                                        g_object_ref (GTK_FILTER (self->filter)));
      g_list_store_append (kinds, checklists);
      g_list_store_append (kinds, tips);
      self->waiting = gtk_flatten_list_model_new (G_LIST_MODEL (g_steal_pointer (&kinds)));
      g_signal_connect_object (self->waiting, "items-changed", G_CALLBACK (update_empty), self,
                               G_CONNECT_SWAPPED);
      selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->waiting)));
    }

  gtk_list_view_set_model (GTK_LIST_VIEW (self->list_view), GTK_SELECTION_MODEL (selection));
  update_empty (self);
  update_status (self);
  update_progress (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT]);
}
