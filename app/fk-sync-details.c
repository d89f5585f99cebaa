/* fk-sync-details.c: what waits to be sent, what failed and why
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fk-sync-details"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "fk-protocol.h"
#include "fk-record-state.h"
#include "fk-sync-details.h"

struct _FkSyncDetails
{
  GtkWidget           parent_instance;

  FkClient           *client;
  FkSyncEngine       *engine;
  GCancellable       *cancellable;   /* of discards under way */
  GtkCustomFilter    *filter;
  GtkFilterListModel *waiting;
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
  /* A tip's state changes as the engine works; the filter model does not
   * watch items, so look again whenever the engine moves. */
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

static gboolean
waits_or_failed (gpointer item,
                 gpointer user_data)
{
  FkRecordState state = fk_hotel_tip_get_state (FK_HOTEL_TIP (item));

  return state == FK_RECORD_STATE_PENDING || state == FK_RECORD_STATE_FAILED;
}

static void
update_row (GtkListItem *list_item)
{
  FkHotelTip *tip = gtk_list_item_get_item (list_item);
  GtkWidget *row = gtk_list_item_get_child (list_item);
  GtkLabel *title = g_object_get_data (G_OBJECT (row), "title");
  GtkLabel *state = g_object_get_data (G_OBJECT (row), "state");
  GtkLabel *date = g_object_get_data (G_OBJECT (row), "date");
  GtkLabel *failure = g_object_get_data (G_OBJECT (row), "failure");
  GtkButton *open = g_object_get_data (G_OBJECT (row), "open");
  GtkWidget *resend = g_object_get_data (G_OBJECT (row), "resend");
  GtkWidget *discard = g_object_get_data (G_OBJECT (row), "discard");
  const char *hotel_name = fk_hotel_tip_get_hotel_name (tip);
  const char *failure_text = fk_hotel_tip_get_failure (tip);
  GDateTime *received_at = fk_hotel_tip_get_received_at (tip);
  FkRecordState tip_state = fk_hotel_tip_get_state (tip);
  gboolean failed = tip_state == FK_RECORD_STATE_FAILED;
  g_autoptr(GVariant) target = g_variant_ref_sink (g_variant_new_string (fk_hotel_tip_get_uuid (tip)));
  g_autofree char *date_text = NULL;

  gtk_label_set_text (title, hotel_name[0] != 0 ? hotel_name : _("Untitled tip"));
  fk_record_state_show (state, tip_state);

  if (received_at != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (received_at);

      date_text = g_date_time_format (local, "%x %H:%M");
    }
  gtk_label_set_text (date, date_text != NULL ? date_text : "");

  if (failed)
    gtk_label_set_text (failure, failure_text != NULL && failure_text[0] != 0
                                 ? failure_text
                                 : _("The server did not accept this tip. Open it, correct it and send it again."));
  gtk_widget_set_visible (GTK_WIDGET (failure), failed);

  /* A waiting tip is read-only until the server answers; a failed one is
   * the officer's again. */
  gtk_button_set_label (open, failed ? _("Edit") : _("Open"));
  /* Target before name: a name without its target would be a mismatch. */
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (open), target);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (open), "win.edit-tip");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (resend), target);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (resend), "win.send-tip");
  gtk_widget_set_visible (resend, failed);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (discard), target);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (discard), "sync-details.discard");
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
          FkSyncDetails            *self)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label;
  GtkWidget *button;

  gtk_widget_add_css_class (row, "fk-tip-row");
  gtk_list_item_set_activatable (list_item, FALSE);

  label = row_label (row, row, "title", "heading");
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);

  gtk_box_append (GTK_BOX (row), line);
  row_label (row, line, "state", "fk-tip-state");
  label = row_label (row, line, "date", "dim-label");
  gtk_widget_set_hexpand (label, TRUE);

  label = row_label (row, row, "failure", "error");
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "caption");

  gtk_widget_set_halign (buttons, GTK_ALIGN_END);
  gtk_box_append (GTK_BOX (row), buttons);

  /* Plain: the confirmation carries the warning colour. */
  button = gtk_button_new_with_label (_("Discard"));
  g_object_set_data (G_OBJECT (row), "discard", button);
  gtk_box_append (GTK_BOX (buttons), button);

  button = gtk_button_new_with_label (_("Send Again"));
  g_object_set_data (G_OBJECT (row), "resend", button);
  gtk_box_append (GTK_BOX (buttons), button);

  button = gtk_button_new_with_label (_("Open"));
  g_object_set_data (G_OBJECT (row), "open", button);
  gtk_box_append (GTK_BOX (buttons), button);

  gtk_list_item_set_child (list_item, row);
}

static void
on_bind (GtkSignalListItemFactory *factory,
         GtkListItem              *list_item,
         FkSyncDetails            *self)
{
  FkHotelTip *tip = gtk_list_item_get_item (list_item);

  update_row (list_item);
  g_signal_connect_object (tip, "notify", G_CALLBACK (update_row), list_item, G_CONNECT_SWAPPED);
}

static void
on_unbind (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           FkSyncDetails            *self)
{
  FkHotelTip *tip = gtk_list_item_get_item (list_item);

  g_signal_handlers_disconnect_by_func (tip, update_row, list_item);
}

static void
show_toast (FkSyncDetails *self,
            const char    *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
}

static void
on_discard_ready (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  FkSyncDetails *self;
  g_autoptr(GError) error = NULL;

  if (!fk_sync_engine_discard_finish (FK_SYNC_ENGINE (object), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = FK_SYNC_DETAILS (user_data);
  /* The store's refusals are sentences for the officer. */
  show_toast (self, error != NULL ? error->message : _("Discarded"));
}

static void
on_discard_response (AdwMessageDialog *dialog,
                     const char       *response,
                     FkSyncDetails    *self)
{
  const char *uuid = g_object_get_data (G_OBJECT (dialog), "uuid");

  if (!g_str_equal (response, "discard") || self->engine == NULL)
    return;

  fk_sync_engine_discard_async (self->engine, FK_KIND_HOTEL_TIP, uuid, self->cancellable,
                                on_discard_ready, self);
}

static FkHotelTip *
find_listed_tip (FkSyncDetails *self,
                 const char    *uuid)
{
  guint n = self->waiting != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->waiting)) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FkHotelTip) tip = g_list_model_get_item (G_LIST_MODEL (self->waiting), i);

      if (g_str_equal (fk_hotel_tip_get_uuid (tip), uuid))
        return g_steal_pointer (&tip);
    }

  return NULL;
}

/* Asks first, and says what is lost: the tip never reaches the server. */
static void
discard_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  FkSyncDetails *self = FK_SYNC_DETAILS (widget);
  const char *uuid = g_variant_get_string (parameter, NULL);
  g_autoptr(FkHotelTip) tip = find_listed_tip (self, uuid);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autofree char *hotel_name = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (tip == NULL)
    return;

  hotel_name = g_strstrip (g_strdup (fk_hotel_tip_get_hotel_name (tip)));
  if (hotel_name[0] != 0)
    /* Translators: %s is the hotel's name */
    body = g_strdup_printf (_("The tip from %s has not been sent and will be deleted from this phone. This cannot be undone."),
                            hotel_name);
  else
    body = g_strdup (_("This tip has not been sent and will be deleted from this phone. This cannot be undone."));

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, _("Discard Tip?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "discard", _("_Discard"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "uuid", g_strdup (uuid), g_free);
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
      self->engine = g_object_ref (fk_client_get_sync_engine (client));
      g_signal_connect_object (self->engine, "notify", G_CALLBACK (on_engine_notify), self,
                               G_CONNECT_SWAPPED);

      self->waiting = gtk_filter_list_model_new (g_object_ref (fk_client_get_tips (client)),
                                                 g_object_ref (GTK_FILTER (self->filter)));
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
