/* fk-tip-form.c: the form for one hotel tip
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Fields are bound both ways to the FkHotelTip, and each field shows the
 * core's own verdict (fk_hotel_tip_check_field) under it once the officer
 * has touched it, so the form and the server never disagree about a rule.
 *
 * Edits are saved as a draft at most AUTOSAVE_SECONDS after they are made,
 * one save at a time, so a crash or a dead battery loses next to nothing.
 */
#define G_LOG_DOMAIN "fk-tip-form"

#include "config.h"

#include <stdio.h>
#include <glib/gi18n.h>
#include <adwaita.h>

#include "fk-error.h"
#include "fk-record-state.h"
#include "fk-tip-form-private.h"

typedef enum {
  FIELD_HOTEL_NAME,
  FIELD_HOTEL_ADDRESS,
  FIELD_MUNICIPALITY,
  FIELD_CONTACT_PERSON,
  FIELD_CONTACT_PHONE,
  FIELD_ROOM,
  FIELD_VEHICLES,
  FIELD_ACTION_TAKEN,
  FIELD_OFFICER_NOTE,
  /* Fields below are not plain entry rows. */
  FIELD_RECEIVED_AT,
  FIELD_DESCRIPTION,
  N_FIELDS
} Field;

#define N_ENTRY_FIELDS FIELD_RECEIVED_AT

static const struct {
  const char *property;
  const char *widget_id;
  const char *error_id;
} fields[N_FIELDS] = {
  [FIELD_HOTEL_NAME]     = { "hotel-name",     "hotel_name_row",     "hotel_name_error" },
  [FIELD_HOTEL_ADDRESS]  = { "hotel-address",  "hotel_address_row",  "hotel_address_error" },
  [FIELD_MUNICIPALITY]   = { "municipality",   "municipality_row",   "municipality_error" },
  [FIELD_CONTACT_PERSON] = { "contact-person", "contact_person_row", "contact_person_error" },
  [FIELD_CONTACT_PHONE]  = { "contact-phone",  "contact_phone_row",  "contact_phone_error" },
  [FIELD_ROOM]           = { "room",           "room_row",           "room_error" },
  [FIELD_VEHICLES]       = { "vehicles",       "vehicles_row",       "vehicles_error" },
  [FIELD_ACTION_TAKEN]   = { "action-taken",   "action_taken_row",   "action_taken_error" },
  [FIELD_OFFICER_NOTE]   = { "officer-note",   "officer_note_row",   "officer_note_error" },
  [FIELD_RECEIVED_AT]    = { "received-at",    "received_at_row",    "received_at_error" },
  [FIELD_DESCRIPTION]    = { "description",    "description_view",   "description_error" },
};

/* ISO 8601 order, which is also how Swedish writes dates and times. */
#define RECEIVED_AT_FORMAT "%Y-%m-%d %H:%M"

#define AUTOSAVE_SECONDS 2

typedef enum {
  SAVE_NONE,
  SAVE_DRAFT,
  SAVE_SEND,
} SaveRequest;

/* One save of one tip; the form may have moved on to another tip by the
 * time it completes. */
typedef struct {
  FkTipForm  *self;
  FkHotelTip *tip;
  guint       tip_serial;
  gboolean    send;
  gboolean    autosave;
} SaveOp;

struct _FkTipForm
{
  GtkWidget     parent_instance;

  FkClient     *client;
  FkHotelTip   *tip;
  GPtrArray    *bindings;
  GCancellable *cancellable;
  gboolean      touched[N_FIELDS];
  gboolean      received_at_invalid;
  gboolean      syncing;
  gboolean      saving;       /* an explicit save or send is running */
  gboolean      sending;      /* a send is queued or running: fields wait */
  gboolean      in_flight;    /* any save of this tip is running */
  guint         tip_serial;   /* counts set_tip(), even of the same tip again */
  guint         left_saves;   /* saves still running of tips left */
  gboolean      dirty;        /* edits no save has started on yet */
  SaveRequest   queued;       /* asked for while another save ran */
  guint         autosave_id;
  const char   *save_status;  /* shown instead of the state while set */
  GPtrArray    *flush_tasks;

  GtkWidget    *widgets[N_FIELDS];
  GtkWidget    *errors[N_FIELDS];
  GtkWidget    *window_title;
  GtkWidget    *spinner;
  GtkWidget    *page;
  GtkWidget    *indicators_group;
  GtkWidget    *urgent_switch;
  GtkWidget    *form_error;
  GtkWidget    *button_box;
  GtkWidget    *save_button;
  GtkWidget    *send_button;
  GPtrArray    *indicator_checks;
};

G_DEFINE_FINAL_TYPE (FkTipForm, fk_tip_form, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_TIP,
  N_PROPS
};

enum {
  SAVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static int
field_from_property (const char *property)
{
  for (guint i = 0; i < N_FIELDS; i++)
    if (g_str_equal (fields[i].property, property))
      return (int) i;
  return -1;
}

static GtkWidget *
field_error_label (FkTipForm *self,
                   Field      field)
{
  if (GTK_IS_LABEL (self->errors[field]))
    return self->errors[field];
  return gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (self->errors[field]));
}

/* The text view sits in a frame; the frame is what turns red. */
static GtkWidget *
field_styled_widget (FkTipForm *self,
                     Field      field)
{
  if (field == FIELD_DESCRIPTION)
    return gtk_widget_get_parent (self->widgets[field]);
  return self->widgets[field];
}

static void
show_field_error (FkTipForm  *self,
                  Field       field,
                  const char *message)
{
  GtkWidget *styled = field_styled_widget (self, field);

  if (message != NULL)
    gtk_widget_add_css_class (styled, "error");
  else
    gtk_widget_remove_css_class (styled, "error");

  gtk_label_set_text (GTK_LABEL (field_error_label (self, field)), message != NULL ? message : "");
  gtk_widget_set_visible (self->errors[field], message != NULL);
}

static void
check_field (FkTipForm *self,
             Field      field)
{
  g_autofree char *message = NULL;

  if (field == FIELD_RECEIVED_AT && self->received_at_invalid)
    {
      show_field_error (self, field, _("Write the date and time as year-month-day hours:minutes, for example 2024-05-31 21:30."));
      return;
    }

  message = fk_hotel_tip_check_field (self->tip, fields[field].property);
  show_field_error (self, field, message);
}

static void
show_form_error (FkTipForm  *self,
                 const char *message)
{
  gtk_label_set_text (GTK_LABEL (self->form_error), message != NULL ? message : "");
  gtk_widget_set_visible (self->form_error, message != NULL);
}

static gboolean
fk_tip_form_is_editable (FkTipForm *self)
{
  FkRecordState state;

  if (self->tip == NULL)
    return FALSE;

  /* Once queued or sent, a tip belongs to the outbox and the server. */
  state = fk_hotel_tip_get_state (self->tip);
  return state == FK_RECORD_STATE_DRAFT || state == FK_RECORD_STATE_FAILED;
}

static void
fk_tip_form_update_state (FkTipForm *self)
{
  gboolean editable = fk_tip_form_is_editable (self);
  /* A send takes the fields as they are when it is asked for, and leaves
   * the tip pending: whatever was typed meanwhile would be neither sent
   * nor saved. */
  gboolean fields_editable = editable && !self->sending;

  for (guint i = 0; i < N_FIELDS; i++)
    {
      if (i == FIELD_DESCRIPTION)
        gtk_text_view_set_editable (GTK_TEXT_VIEW (self->widgets[i]), fields_editable);
      else
        gtk_editable_set_editable (GTK_EDITABLE (self->widgets[i]), fields_editable);
    }
  for (guint i = 0; i < self->indicator_checks->len; i++)
    gtk_widget_set_sensitive (g_ptr_array_index (self->indicator_checks, i), fields_editable);
  gtk_widget_set_sensitive (self->urgent_switch, fields_editable);
  gtk_widget_set_visible (self->button_box, editable);
  gtk_widget_set_sensitive (self->button_box, !self->saving);

  if (self->tip == NULL)
    adw_window_title_set_subtitle (ADW_WINDOW_TITLE (self->window_title), NULL);
  else if (self->save_status != NULL)
    adw_window_title_set_subtitle (ADW_WINDOW_TITLE (self->window_title), self->save_status);
  else
    adw_window_title_set_subtitle (ADW_WINDOW_TITLE (self->window_title),
                                   fk_record_state_to_label (fk_hotel_tip_get_state (self->tip)));
}

static void
set_save_status (FkTipForm  *self,
                 const char *status)
{
  self->save_status = status;
  fk_tip_form_update_state (self);
}

static void fk_tip_form_start_save (FkTipForm *self,
                                    gboolean   send,
                                    gboolean   autosave);

static gboolean
can_save (FkTipForm *self)
{
  return self->client != NULL && self->tip != NULL &&
         fk_client_get_state (self->client) == FK_CLIENT_STATE_UNLOCKED &&
         fk_tip_form_is_editable (self);
}

static void
complete_flushes (FkTipForm *self)
{
  g_autoptr(GPtrArray) tasks = NULL;

  if (self->in_flight || self->left_saves > 0 || (self->dirty && can_save (self)))
    return;

  tasks = g_steal_pointer (&self->flush_tasks);
  self->flush_tasks = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < tasks->len; i++)
    g_task_return_boolean (g_ptr_array_index (tasks, i), !self->dirty);
}

static gboolean
on_autosave_timeout (gpointer user_data)
{
  FkTipForm *self = user_data;

  self->autosave_id = 0;
  if (self->dirty && !self->in_flight && can_save (self))
    fk_tip_form_start_save (self, FALSE, TRUE);
  return G_SOURCE_REMOVE;
}

static void
schedule_autosave (FkTipForm *self)
{
  /* Not restarted by further typing: a long burst still saves every few
   * seconds. */
  if (self->autosave_id == 0 && self->dirty && can_save (self))
    self->autosave_id = g_timeout_add_seconds (AUTOSAVE_SECONDS, on_autosave_timeout, self);
}

static void
mark_dirty (FkTipForm *self)
{
  if (!fk_tip_form_is_editable (self))
    return;

  self->dirty = TRUE;
  if (self->save_status != NULL && !self->in_flight)
    set_save_status (self, NULL);
  schedule_autosave (self);
}

static void
sync_received_at (FkTipForm *self)
{
  GDateTime *received_at = fk_hotel_tip_get_received_at (self->tip);
  g_autofree char *text = NULL;

  if (received_at != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (received_at);

      text = g_date_time_format (local, RECEIVED_AT_FORMAT);
    }

  self->syncing = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->widgets[FIELD_RECEIVED_AT]), text != NULL ? text : "");
  self->syncing = FALSE;
  self->received_at_invalid = FALSE;
}

static void
sync_indicators (FkTipForm *self)
{
  FkTipIndicators indicators = fk_hotel_tip_get_indicators (self->tip);

  self->syncing = TRUE;
  for (guint i = 0; i < self->indicator_checks->len; i++)
    {
      GtkCheckButton *check = g_ptr_array_index (self->indicator_checks, i);
      guint flag = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (check), "fk-indicator"));

      gtk_check_button_set_active (check, (indicators & flag) != 0);
    }
  self->syncing = FALSE;
}

static GDateTime *
parse_received_at (const char *text)
{
  int year, month, day, hour, minute, end = -1;

  if (sscanf (text, "%4d-%2d-%2d %2d:%2d%n", &year, &month, &day, &hour, &minute, &end) != 5 ||
      text[end] != 0)
    return NULL;

  /* NULL for impossible values such as month 13. */
  return g_date_time_new_local (year, month, day, hour, minute, 0);
}

static void
on_received_at_changed (FkTipForm *self)
{
  const char *text;
  g_autoptr(GDateTime) received_at = NULL;

  if (self->syncing || self->tip == NULL)
    return;

  text = gtk_editable_get_text (GTK_EDITABLE (self->widgets[FIELD_RECEIVED_AT]));
  received_at = parse_received_at (text);
  self->touched[FIELD_RECEIVED_AT] = TRUE;
  self->received_at_invalid = received_at == NULL;

  if (received_at != NULL)
    fk_hotel_tip_set_received_at (self->tip, received_at);

  check_field (self, FIELD_RECEIVED_AT);
}

static void
on_indicator_toggled (FkTipForm *self)
{
  FkTipIndicators indicators = FK_TIP_INDICATOR_NONE;

  if (self->syncing || self->tip == NULL)
    return;

  for (guint i = 0; i < self->indicator_checks->len; i++)
    {
      GtkCheckButton *check = g_ptr_array_index (self->indicator_checks, i);

      if (gtk_check_button_get_active (check))
        indicators |= GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (check), "fk-indicator"));
    }

  fk_hotel_tip_set_indicators (self->tip, indicators);
}

static void
on_tip_notify (FkTipForm  *self,
               GParamSpec *pspec,
               FkHotelTip *tip)
{
  int field;

  if (g_str_equal (pspec->name, "state"))
    {
      fk_tip_form_update_state (self);
      return;
    }
  if (g_str_equal (pspec->name, "indicators"))
    {
      sync_indicators (self);
      mark_dirty (self);
      return;
    }
  if (g_str_equal (pspec->name, "urgent") || g_str_equal (pspec->name, "observed-at"))
    {
      mark_dirty (self);
      return;
    }

  field = field_from_property (pspec->name);
  if (field < 0)
    return;

  mark_dirty (self);

  if (field == FIELD_RECEIVED_AT && !self->syncing)
    {
      /* Only resync when the change came from elsewhere, not from typing. */
      g_autoptr(GDateTime) typed = parse_received_at (gtk_editable_get_text (GTK_EDITABLE (self->widgets[field])));
      GDateTime *now = fk_hotel_tip_get_received_at (tip);

      if (typed == NULL || now == NULL || !g_date_time_equal (typed, now))
        sync_received_at (self);
    }

  self->touched[field] = TRUE;
  check_field (self, field);
}

/* Empty text means "not given", as in the payload. */
static gboolean
tip_to_text (GBinding     *binding,
             const GValue *from,
             GValue       *to,
             gpointer      user_data)
{
  const char *text = g_value_get_string (from);

  g_value_set_string (to, text != NULL ? text : "");
  return TRUE;
}

static gboolean
text_to_tip (GBinding     *binding,
             const GValue *from,
             GValue       *to,
             gpointer      user_data)
{
  const char *text = g_value_get_string (from);

  g_value_set_string (to, text != NULL && text[0] != 0 ? text : NULL);
  return TRUE;
}

static void
fk_tip_form_unbind (FkTipForm *self)
{
  if (self->tip == NULL)
    return;

  for (guint i = 0; i < self->bindings->len; i++)
    g_binding_unbind (g_ptr_array_index (self->bindings, i));
  g_ptr_array_set_size (self->bindings, 0);
  g_signal_handlers_disconnect_by_data (self->tip, self);
}

static void
fk_tip_form_bind (FkTipForm *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->widgets[FIELD_DESCRIPTION]));
  GBinding *binding;

  self->syncing = TRUE;

  for (guint i = 0; i < N_ENTRY_FIELDS; i++)
    {
      binding = g_object_bind_property_full (self->tip, fields[i].property,
                                             self->widgets[i], "text",
                                             G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE,
                                             tip_to_text, text_to_tip, NULL, NULL);
      g_ptr_array_add (self->bindings, binding);
    }

  binding = g_object_bind_property_full (self->tip, "description",
                                         buffer, "text",
                                         G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE,
                                         tip_to_text, text_to_tip, NULL, NULL);
  g_ptr_array_add (self->bindings, binding);

  binding = g_object_bind_property (self->tip, "urgent",
                                    self->urgent_switch, "active",
                                    G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_ptr_array_add (self->bindings, binding);

  self->syncing = FALSE;

  sync_received_at (self);
  sync_indicators (self);

  /* Connected after the initial sync, so loading a tip marks nothing as
   * touched and a fresh form does not start out red. */
  g_signal_connect_object (self->tip, "notify", G_CALLBACK (on_tip_notify), self, G_CONNECT_SWAPPED);
}

static void
fk_tip_form_set_saving (FkTipForm *self,
                        gboolean   saving)
{
  self->saving = saving;
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), saving);
  gtk_widget_set_visible (self->spinner, saving);
  fk_tip_form_update_state (self);
}

/* Points the officer at the first field the core rejects. */
static gboolean
fk_tip_form_show_invalid_field (FkTipForm *self)
{
  g_autofree char *property = NULL;
  g_autoptr(GError) error = NULL;
  int field = -1;

  if (self->received_at_invalid)
    field = FIELD_RECEIVED_AT;
  else if (!fk_hotel_tip_validate (self->tip, &property, &error))
    field = property != NULL ? field_from_property (property) : -1;
  else
    return FALSE;

  if (field < 0)
    {
      show_form_error (self, error != NULL ? error->message : NULL);
      return TRUE;
    }

  self->touched[field] = TRUE;
  check_field (self, field);
  /* A rule that spans fields may have no inline verdict of its own. */
  if (!gtk_widget_get_visible (self->errors[field]) && error != NULL)
    show_field_error (self, field, error->message);
  gtk_widget_grab_focus (self->widgets[field]);
  return TRUE;
}

static void
save_op_free (SaveOp *op)
{
  g_object_unref (op->self);
  g_object_unref (op->tip);
  g_free (op);
}

static void
on_save_tip_ready (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  SaveOp *op = user_data;
  FkTipForm *self = op->self;
  g_autoptr(GError) error = NULL;
  gboolean ok;
  SaveRequest queued;

  ok = fk_client_save_tip_finish (FK_CLIENT (object), result, &error);
  if (!ok && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      save_op_free (op);
      return;
    }

  /* A last save of a tip the form has already left. */
  if (op->tip_serial != self->tip_serial)
    {
      if (!ok)
        g_debug ("Saving a left tip failed: %s %d", g_quark_to_string (error->domain), error->code);
      self->left_saves--;
      complete_flushes (self);
      save_op_free (op);
      return;
    }

  self->in_flight = FALSE;
  queued = self->queued;
  self->queued = SAVE_NONE;

  if (op->autosave)
    {
      if (ok)
        set_save_status (self, self->dirty ? NULL : _("Saved"));
      else
        {
          /* Kept in the form; tried again after the next edit or unlock. */
          g_debug ("Autosave failed: %s %d", g_quark_to_string (error->domain), error->code);
          self->dirty = TRUE;
          set_save_status (self, _("Not saved yet"));
        }

      if (queued != SAVE_NONE)
        fk_tip_form_start_save (self, queued == SAVE_SEND, FALSE);
      else
        schedule_autosave (self);
      complete_flushes (self);
      save_op_free (op);
      return;
    }

  self->sending = FALSE;
  fk_tip_form_set_saving (self, FALSE);

  if (!ok)
    {
      self->dirty = TRUE;
      if (g_error_matches (error, FK_ERROR, FK_ERROR_INVALID_RECORD) &&
          fk_tip_form_show_invalid_field (self))
        {
          /* The field says what to fix. */
        }
      else if (error->domain == FK_ERROR)
        show_form_error (self, error->message);
      else
        {
          g_debug ("Saving a tip failed: %s %d", g_quark_to_string (error->domain), error->code);
          show_form_error (self, fk_error_code_to_message (FK_ERROR_STORAGE));
        }
      complete_flushes (self);
      save_op_free (op);
      return;
    }

  set_save_status (self, NULL);
  /* Typed while a draft was saved: the autosave timer may have gone off
   * meanwhile and found the save still running. */
  schedule_autosave (self);
  complete_flushes (self);
  g_signal_emit (self, signals[SAVED], 0, op->send);
  save_op_free (op);
}

static void
fk_tip_form_start_save (FkTipForm *self,
                        gboolean   send,
                        gboolean   autosave)
{
  SaveOp *op = g_new0 (SaveOp, 1);

  g_clear_handle_id (&self->autosave_id, g_source_remove);

  op->self = g_object_ref (self);
  op->tip = g_object_ref (self->tip);
  op->tip_serial = self->tip_serial;
  op->send = send;
  op->autosave = autosave;

  self->dirty = FALSE;
  self->in_flight = TRUE;
  if (autosave)
    set_save_status (self, _("Saving…"));
  else
    fk_tip_form_set_saving (self, TRUE);

  fk_client_save_tip_async (self->client, self->tip, send, self->cancellable,
                            on_save_tip_ready, op);
}

static void
fk_tip_form_save (FkTipForm *self,
                  gboolean   send)
{
  if (self->client == NULL || self->tip == NULL || self->saving)
    return;

  show_form_error (self, NULL);

  /* Drafts may be incomplete; only what is sent must pass every rule. */
  if (send && fk_tip_form_show_invalid_field (self))
    return;

  self->sending = send;

  /* Two saves of one tip racing could land in the wrong order on disk. */
  if (self->in_flight)
    {
      self->queued = send ? SAVE_SEND : SAVE_DRAFT;
      fk_tip_form_set_saving (self, TRUE);
      return;
    }

  fk_tip_form_start_save (self, send, FALSE);
}

static void
on_save_clicked (FkTipForm *self)
{
  fk_tip_form_save (self, FALSE);
}

static void
on_send_clicked (FkTipForm *self)
{
  fk_tip_form_save (self, TRUE);
}

static void
fk_tip_form_add_indicators (FkTipForm *self)
{
  for (guint bit = 0; (1u << bit) & FK_TIP_INDICATOR_ALL; bit++)
    {
      FkTipIndicators flag = (FkTipIndicators) (1u << bit);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();

      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (check),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, fk_tip_indicator_to_label (flag),
                                      -1);
      g_object_set_data (G_OBJECT (check), "fk-indicator", GUINT_TO_POINTER (flag));
      g_signal_connect_object (check, "toggled", G_CALLBACK (on_indicator_toggled), self, G_CONNECT_SWAPPED);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), fk_tip_indicator_to_label (flag));
      adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      /* The row labels its widget by its title too: one name, not two. */
      gtk_accessible_reset_relation (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->indicators_group), row);

      g_ptr_array_add (self->indicator_checks, check);
    }
}

static void
on_client_state_changed (FkTipForm *self)
{
  if (can_save (self))
    {
      /* Back from a lock: what could not be saved then is saved now. */
      if (self->save_status != NULL && !self->in_flight)
        set_save_status (self, NULL);
      schedule_autosave (self);
    }
  else
    g_clear_handle_id (&self->autosave_id, g_source_remove);
}

static void
fk_tip_form_unmap (GtkWidget *widget)
{
  FkTipForm *self = FK_TIP_FORM (widget);

  /* Leaving the form: no reason to wait for the timer. */
  if (self->dirty && !self->in_flight && can_save (self))
    fk_tip_form_start_save (self, FALSE, TRUE);

  GTK_WIDGET_CLASS (fk_tip_form_parent_class)->unmap (widget);
}

/* The form's focus goes where the officer starts typing. */
static gboolean
fk_tip_form_grab_focus (GtkWidget *widget)
{
  FkTipForm *self = FK_TIP_FORM (widget);

  return gtk_widget_grab_focus (self->widgets[FIELD_HOTEL_NAME]);
}

static void
fk_tip_form_dispose (GObject *object)
{
  FkTipForm *self = (FkTipForm *) object;
  GtkWidget *child;

  g_clear_handle_id (&self->autosave_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  fk_tip_form_unbind (self);
  g_clear_object (&self->tip);
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_clear_object (&self->client);
  g_clear_pointer (&self->indicator_checks, g_ptr_array_unref);

  gtk_widget_dispose_template (GTK_WIDGET (self), FK_TYPE_TIP_FORM);
  /* Also the template's root box, which no field points at. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (fk_tip_form_parent_class)->dispose (object);
}

static void
fk_tip_form_finalize (GObject *object)
{
  FkTipForm *self = (FkTipForm *) object;

  g_ptr_array_unref (self->bindings);
  g_ptr_array_unref (self->flush_tasks);

  G_OBJECT_CLASS (fk_tip_form_parent_class)->finalize (object);
}

static void
fk_tip_form_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  FkTipForm *self = FK_TIP_FORM (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case PROP_TIP:
      g_value_set_object (value, self->tip);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fk_tip_form_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  FkTipForm *self = FK_TIP_FORM (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      fk_tip_form_set_client (self, g_value_get_object (value));
      break;
    case PROP_TIP:
      fk_tip_form_set_tip (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fk_tip_form_class_init (FkTipFormClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fk_tip_form_dispose;
  object_class->finalize = fk_tip_form_finalize;
  object_class->get_property = fk_tip_form_get_property;
  object_class->set_property = fk_tip_form_set_property;

  widget_class->unmap = fk_tip_form_unmap;
  widget_class->grab_focus = fk_tip_form_grab_focus;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL,
                         FK_TYPE_CLIENT,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_TIP] =
    g_param_spec_object ("tip", NULL, NULL,
                         FK_TYPE_HOTEL_TIP,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FkTipForm::saved:
   * @sent: whether the tip was queued for the server rather than kept as a draft
   *
   * Emitted once the tip is durable on this device.
   */
  signals[SAVED] =
    g_signal_new ("saved",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/faltkoll/Faltkoll/ui/fk-tip-form.ui");
  for (guint i = 0; i < N_FIELDS; i++)
    {
      gtk_widget_class_bind_template_child_full (widget_class, fields[i].widget_id, FALSE,
                                                 G_STRUCT_OFFSET (FkTipForm, widgets) + i * sizeof (GtkWidget *));
      gtk_widget_class_bind_template_child_full (widget_class, fields[i].error_id, FALSE,
                                                 G_STRUCT_OFFSET (FkTipForm, errors) + i * sizeof (GtkWidget *));
    }
  gtk_widget_class_bind_template_child (widget_class, FkTipForm, window_title);
  gtk_widget_class_bind_template_child (widget_class, FkTipForm, spinner);
  gtk_widget_class_bind_template_child (widget_class, FkTipForm, page);
  gtk_widget_class_bind_template_child (widget_class, FkTipForm, indicators_group);
  gtk_widget_class_bind_template_child (widget_class, FkTipForm, urgent_switch);
  gtk_widget_class_bind_template_child (widget_class, FkTipForm, form_error);
  gtk_widget_class_bind_template_child (widget_class, FkTipForm, button_box);
  gtk_widget_class_bind_template_child (widget_class, FkTipForm, save_button);
  gtk_widget_class_bind_template_child (widget_class, FkTipForm, send_button);
  gtk_widget_class_bind_template_callback (widget_class, on_received_at_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_save_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_send_clicked);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
fk_tip_form_init (FkTipForm *self)
{
  self->bindings = g_ptr_array_new ();
  self->indicator_checks = g_ptr_array_new ();
  self->flush_tasks = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  /* libadwaita 1.2 labels the row but not the text inside it, which is what
   * takes focus and what a screen reader announces. */
  for (guint i = 0; i < FIELD_DESCRIPTION; i++)
    gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_editable_get_delegate (GTK_EDITABLE (self->widgets[i]))),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self->widgets[i])),
                                    -1);

  gtk_accessible_reset_relation (GTK_ACCESSIBLE (self->urgent_switch), GTK_ACCESSIBLE_RELATION_LABELLED_BY);

  fk_tip_form_add_indicators (self);
  fk_tip_form_update_state (self);
}

FkClient *
fk_tip_form_get_client (FkTipForm *self)
{
  g_return_val_if_fail (FK_IS_TIP_FORM (self), NULL);

  return self->client;
}

void
fk_tip_form_set_client (FkTipForm *self,
                        FkClient  *client)
{
  g_return_if_fail (FK_IS_TIP_FORM (self));
  g_return_if_fail (client == NULL || FK_IS_CLIENT (client));

  if (self->client == client)
    return;

  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_set_object (&self->client, client);
  if (client != NULL)
    g_signal_connect_object (client, "notify::state", G_CALLBACK (on_client_state_changed), self,
                             G_CONNECT_SWAPPED);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT]);
}

void
fk_tip_form_flush_async (FkTipForm           *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (FK_IS_TIP_FORM (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fk_tip_form_flush_async);

  if (self->dirty && !self->in_flight && can_save (self))
    fk_tip_form_start_save (self, FALSE, TRUE);

  g_ptr_array_add (self->flush_tasks, g_steal_pointer (&task));
  complete_flushes (self);
}

gboolean
fk_tip_form_flush_finish (FkTipForm     *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

FkHotelTip *
fk_tip_form_get_tip (FkTipForm *self)
{
  g_return_val_if_fail (FK_IS_TIP_FORM (self), NULL);

  return self->tip;
}

void
fk_tip_form_set_tip (FkTipForm  *self,
                     FkHotelTip *tip)
{
  g_return_if_fail (FK_IS_TIP_FORM (self));
  g_return_if_fail (tip == NULL || FK_IS_HOTEL_TIP (tip));

  if (tip == self->tip)
    return;

  /* A save still running finishes for the tip being left, and flushes
   * wait for it. */
  if (self->in_flight)
    self->left_saves++;

  /* What was typed into the tip being left is kept as its draft, and a
   * send still queued behind an autosave is sent.  The store runs saves
   * in the order they are asked for, so this one lands last. */
  if ((self->dirty || self->queued != SAVE_NONE) && can_save (self))
    {
      SaveOp *op = g_new0 (SaveOp, 1);

      op->self = g_object_ref (self);
      op->tip = g_object_ref (self->tip);
      op->tip_serial = self->tip_serial;
      op->send = self->sending;
      op->autosave = TRUE;
      self->left_saves++;
      fk_client_save_tip_async (self->client, self->tip, op->send, self->cancellable,
                                on_save_tip_ready, op);
    }

  fk_tip_form_unbind (self);
  g_set_object (&self->tip, tip);
  self->tip_serial++;

  g_clear_handle_id (&self->autosave_id, g_source_remove);
  self->dirty = FALSE;
  self->in_flight = FALSE;
  self->queued = SAVE_NONE;
  self->save_status = NULL;
  complete_flushes (self);

  self->saving = FALSE;
  self->sending = FALSE;
  self->received_at_invalid = FALSE;
  for (guint i = 0; i < N_FIELDS; i++)
    {
      self->touched[i] = FALSE;
      show_field_error (self, i, NULL);
    }
  show_form_error (self, NULL);

  if (self->tip != NULL)
    fk_tip_form_bind (self);

  fk_tip_form_set_saving (self, FALSE);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIP]);
}

GtkWidget *
fk_tip_form_get_field_widget (FkTipForm  *self,
                              const char *property)
{
  int field;

  g_return_val_if_fail (FK_IS_TIP_FORM (self), NULL);

  field = field_from_property (property);
  return field >= 0 ? self->widgets[field] : NULL;
}

const char *
fk_tip_form_get_field_error (FkTipForm  *self,
                             const char *property)
{
  int field;

  g_return_val_if_fail (FK_IS_TIP_FORM (self), NULL);

  field = field_from_property (property);
  if (field < 0 || !gtk_widget_get_visible (self->errors[field]))
    return NULL;

  return gtk_label_get_text (GTK_LABEL (field_error_label (self, field)));
}
