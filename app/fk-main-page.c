/* fk-main-page.c: what an officer with a running session sees
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fk-main-page"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "fk-checklist-list.h"
#include "fk-main-page.h"
#include "fk-tip-list.h"

struct _FkMainPage
{
  GtkWidget  parent_instance;

  FkClient  *client;
  guint      session_timeout_id;

  GtkWidget *header_bar;
  GtkWidget *switcher_title;
  GtkWidget *sync_button;
  GtkWidget *sync_spinner;
  GtkWidget *sync_error_icon;
  GtkWidget *pending_label;
  GtkWidget *view_stack;
  GtkWidget *checklist_list;
  GtkWidget *tip_list;
  GtkWidget *switcher_bar;
};

G_DEFINE_FINAL_TYPE (FkMainPage, fk_main_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CLIENT,
  N_PROPS
};

enum {
  SESSION_ENDED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static gboolean
fk_main_page_update_session (gpointer user_data)
{
  FkMainPage *self = user_data;
  gint64 remaining = self->client != NULL ? fk_client_get_session_remaining (self->client) : 0;
  g_autofree char *text = NULL;
  int hours, minutes;

  if (remaining <= 0)
    {
      adw_view_switcher_title_set_subtitle (ADW_VIEW_SWITCHER_TITLE (self->switcher_title), NULL);
      self->session_timeout_id = 0;
      g_signal_emit (self, signals[SESSION_ENDED], 0);
      return G_SOURCE_REMOVE;
    }

  hours = (int) (remaining / 3600);
  minutes = (int) ((remaining % 3600) / 60);
  if (hours > 0)
    /* Translators: the time the session has left, e.g. "8 h 12 min left" */
    text = g_strdup_printf (_("%d h %d min left"), hours, minutes);
  else
    /* Translators: the time the session has left, e.g. "12 min left" */
    text = g_strdup_printf (_("%d min left"), minutes);

  adw_view_switcher_title_set_subtitle (ADW_VIEW_SWITCHER_TITLE (self->switcher_title), text);
  return G_SOURCE_CONTINUE;
}

/* Shows the time left now and then every minute. */
static void
fk_main_page_restart_session_timer (FkMainPage *self)
{
  g_clear_handle_id (&self->session_timeout_id, g_source_remove);
  if (fk_main_page_update_session (self) == G_SOURCE_CONTINUE)
    self->session_timeout_id = g_timeout_add_seconds (60, fk_main_page_update_session, self);
}

static void
fk_main_page_map (GtkWidget *widget)
{
  FkMainPage *self = FK_MAIN_PAGE (widget);

  GTK_WIDGET_CLASS (fk_main_page_parent_class)->map (widget);

  fk_main_page_restart_session_timer (self);
}

/* GLib's timeouts stand still in suspend: read the time left again. */
static void
on_session_resumed (FkMainPage *self)
{
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    fk_main_page_restart_session_timer (self);
}

static void
fk_main_page_unmap (GtkWidget *widget)
{
  FkMainPage *self = FK_MAIN_PAGE (widget);

  g_clear_handle_id (&self->session_timeout_id, g_source_remove);

  GTK_WIDGET_CLASS (fk_main_page_parent_class)->unmap (widget);
}

/* The window's toast overlay shows what the Events view has to say. */
static void
on_checklist_toast (FkMainPage *self,
                    const char *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
}

/* An open checklist, or its details form, takes the whole window, as a
 * GNOME app's page does on a phone: its own header with Back is the only
 * one, and the view switcher waits on the list.  (The Events leaflet never
 * unfolds, so this holds on a desk too.) */
static void
update_chrome (FkMainPage *self)
{
  gboolean list = adw_view_stack_get_visible_child (ADW_VIEW_STACK (self->view_stack)) != self->checklist_list ||
                  fk_checklist_list_get_showing_list (FK_CHECKLIST_LIST (self->checklist_list));

  gtk_widget_set_visible (self->header_bar, list);
  gtk_widget_set_visible (self->switcher_bar, list);
}

/* A phone shows no tooltips, and a tooltip is only a description: the
 * count is named by what it counts, so a screen reader says "3 records
 * waiting to be sent", not "3", and the button by what it opens and what
 * it shows.  (The error icon's tooltip, the reason, is its description;
 * GTK makes it so.) */
static void
update_sync (FkMainPage   *self,
             GParamSpec   *pspec,
             FkSyncEngine *engine)
{
  gboolean sending = fk_sync_engine_get_sending (engine);
  const char *error = fk_sync_engine_get_last_error (engine);
  gboolean failed = error != NULL && error[0] != 0;
  guint pending = fk_sync_engine_get_pending (engine);
  const char *activity = sending ? _("Sending") : failed ? _("Sending failed") : NULL;
  g_autofree char *count = g_strdup_printf ("%u", pending);
  g_autofree char *waiting = g_strdup_printf (ngettext ("%u record waiting to be sent",
                                                        "%u records waiting to be sent",
                                                        pending),
                                              pending);
  g_autofree char *name = NULL;

  gtk_spinner_set_spinning (GTK_SPINNER (self->sync_spinner), sending);
  gtk_widget_set_visible (self->sync_spinner, sending);
  gtk_widget_set_tooltip_text (self->sync_error_icon, error);
  gtk_widget_set_visible (self->sync_error_icon, failed);
  gtk_label_set_text (GTK_LABEL (self->pending_label), count);
  gtk_widget_set_tooltip_text (self->pending_label, waiting);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->pending_label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, waiting,
                                  -1);
  gtk_widget_set_visible (self->pending_label, pending > 0);

  if (activity != NULL && pending > 0)
    /* Translators: the sync button's name for a screen reader: what it
     * opens, then its state, e.g. "Sync Details: Sending failed, 3 records
     * waiting to be sent" */
    name = g_strdup_printf (_("Sync Details: %s, %s"), activity, waiting);
  else
    /* Translators: the sync button's name for a screen reader: what it
     * opens, then its state, e.g. "Sync Details: Sending" */
    name = g_strdup_printf (_("Sync Details: %s"), activity != NULL ? activity : waiting);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->sync_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                  -1);
  gtk_widget_set_visible (self->sync_button, sending || failed || pending > 0);
}

static void
fk_main_page_bind_sync_engine (FkMainPage   *self,
                               FkSyncEngine *engine)
{
  g_signal_connect_object (engine, "notify::sending", G_CALLBACK (update_sync), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (engine, "notify::last-error", G_CALLBACK (update_sync), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (engine, "notify::pending", G_CALLBACK (update_sync), self, G_CONNECT_SWAPPED);
  update_sync (self, NULL, engine);
}

static void
fk_main_page_unbind (FkMainPage *self)
{
  g_signal_handlers_disconnect_by_data (fk_client_get_sync_engine (self->client), self);
  g_signal_handlers_disconnect_by_data (self->client, self);
}

static void
fk_main_page_dispose (GObject *object)
{
  FkMainPage *self = (FkMainPage *) object;
  GtkWidget *child;

  g_clear_handle_id (&self->session_timeout_id, g_source_remove);
  if (self->client != NULL)
    fk_main_page_unbind (self);
  g_clear_object (&self->client);

  gtk_widget_dispose_template (GTK_WIDGET (self), FK_TYPE_MAIN_PAGE);
  /* Also the template's root box, which no field points at. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (fk_main_page_parent_class)->dispose (object);
}

static void
fk_main_page_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  FkMainPage *self = FK_MAIN_PAGE (object);

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
fk_main_page_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  FkMainPage *self = FK_MAIN_PAGE (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      fk_main_page_set_client (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fk_main_page_class_init (FkMainPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fk_main_page_dispose;
  object_class->get_property = fk_main_page_get_property;
  object_class->set_property = fk_main_page_set_property;

  widget_class->map = fk_main_page_map;
  widget_class->unmap = fk_main_page_unmap;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL,
                         FK_TYPE_CLIENT,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FkMainPage::session-ended:
   *
   * The session ran out while this page was showing.
   */
  signals[SESSION_ENDED] =
    g_signal_new ("session-ended",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  g_type_ensure (FK_TYPE_CHECKLIST_LIST);
  g_type_ensure (FK_TYPE_TIP_LIST);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/faltkoll/Faltkoll/ui/fk-main-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FkMainPage, header_bar);
  gtk_widget_class_bind_template_child (widget_class, FkMainPage, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, FkMainPage, sync_button);
  gtk_widget_class_bind_template_child (widget_class, FkMainPage, sync_spinner);
  gtk_widget_class_bind_template_child (widget_class, FkMainPage, sync_error_icon);
  gtk_widget_class_bind_template_child (widget_class, FkMainPage, pending_label);
  gtk_widget_class_bind_template_child (widget_class, FkMainPage, view_stack);
  gtk_widget_class_bind_template_child (widget_class, FkMainPage, checklist_list);
  gtk_widget_class_bind_template_child (widget_class, FkMainPage, tip_list);
  gtk_widget_class_bind_template_child (widget_class, FkMainPage, switcher_bar);
  gtk_widget_class_bind_template_callback (widget_class, on_checklist_toast);
  gtk_widget_class_bind_template_callback (widget_class, update_chrome);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
fk_main_page_init (FkMainPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

FkClient *
fk_main_page_get_client (FkMainPage *self)
{
  g_return_val_if_fail (FK_IS_MAIN_PAGE (self), NULL);

  return self->client;
}

void
fk_main_page_set_client (FkMainPage *self,
                         FkClient   *client)
{
  g_return_if_fail (FK_IS_MAIN_PAGE (self));
  g_return_if_fail (client == NULL || FK_IS_CLIENT (client));

  if (self->client == client)
    return;

  if (self->client != NULL)
    fk_main_page_unbind (self);
  g_set_object (&self->client, client);
  if (client != NULL)
    {
      fk_main_page_bind_sync_engine (self, fk_client_get_sync_engine (client));
      g_signal_connect_object (client, "session-resumed", G_CALLBACK (on_session_resumed),
                               self, G_CONNECT_SWAPPED);
    }

  fk_checklist_list_set_client (FK_CHECKLIST_LIST (self->checklist_list), client);
  fk_tip_list_set_client (FK_TIP_LIST (self->tip_list), client);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT]);
}

void
fk_main_page_show_checklist (FkMainPage       *self,
                             FkEventChecklist *checklist)
{
  g_return_if_fail (FK_IS_MAIN_PAGE (self));

  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (self->view_stack), "events");
  fk_checklist_list_show_checklist (FK_CHECKLIST_LIST (self->checklist_list), checklist);
}
