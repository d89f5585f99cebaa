/* fk-window.c: the one window; every page is shown through it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fk-window"

#include "config.h"

#include <time.h>
#include <glib/gi18n.h>

#include "fk-enroll-page.h"
#include "fk-error.h"
#include "fk-login-page.h"
#include "fk-main-page.h"
#include "fk-sync-details.h"
#include "fk-tip-form.h"
#include "fk-window-private.h"

struct _FkWindow
{
  AdwApplicationWindow  parent_instance;

  FkClient             *client;
  GSettings            *settings;
  GCancellable         *cancellable;
  FkPage                page;
  FkClientState         state;
  /* Where a lock left the officer, to return there after the PIN. */
  FkPage                resume_page;
  /* A lock or logout of our own is under way: not an expiry. */
  gboolean              ending;

  GtkWidget            *resume_focus;   /* weak */

  guint                 idle_timeout_id;
  gint64                last_input_us;   /* CLOCK_BOOTTIME */
  guint                 idle_minute_ms;

  AdwToastOverlay      *toast_overlay;
  GtkStack             *stack;
  AdwStatusPage        *loading_page;
  GtkWidget            *loading_spinner;
  FkEnrollPage         *enroll_page;
  FkLoginPage          *login_page;
  AdwLeaflet           *leaflet;
  FkMainPage           *main_page;
  FkTipForm            *tip_form;
  FkSyncDetails        *sync_details;
};

G_DEFINE_FINAL_TYPE (FkWindow, fk_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_CLIENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
toast_error (FkWindow     *self,
             const GError *error)
{
  if (error->domain == FK_ERROR)
    fk_window_toast (self, error->message);
  else
    {
      g_debug ("Unexpected error: %s %d", g_quark_to_string (error->domain), error->code);
      fk_window_toast (self, fk_error_code_to_message (FK_ERROR_FAILED));
    }
}

static void
on_sync_ready (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(FkWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!fk_client_sync_finish (FK_CLIENT (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      toast_error (self, error);
    }
}

static void
window_sync_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  FkWindow *self = FK_WINDOW (widget);

  fk_client_sync_async (self->client, self->cancellable, on_sync_ready, g_object_ref (self));
}

static gboolean
is_working_page (FkPage page)
{
  return page == FK_PAGE_MAIN || page == FK_PAGE_TIP_FORM || page == FK_PAGE_SYNC_DETAILS;
}

/* Boot time keeps counting through suspend, so a phone that slept in a
 * pocket locks at its first touch. */
static gint64
boottime_now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_BOOTTIME, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static gint64
idle_limit_us (FkWindow *self)
{
  return (gint64) g_settings_get_uint (self->settings, "idle-lock-minutes") * self->idle_minute_ms * 1000;
}

static gboolean on_idle_timeout (gpointer user_data);

static void
arm_idle_timer (FkWindow *self,
                gint64    delay_us)
{
  gint64 delay_ms = MAX (delay_us / 1000, 1);

  g_clear_handle_id (&self->idle_timeout_id, g_source_remove);
  /* Whole seconds let the system batch wake-ups; tests use shorter. */
  if (delay_ms >= 2000)
    self->idle_timeout_id = g_timeout_add_seconds ((guint) ((delay_ms + 999) / 1000), on_idle_timeout, self);
  else
    self->idle_timeout_id = g_timeout_add ((guint) delay_ms, on_idle_timeout, self);
}

static void
restart_idle_timer (FkWindow *self)
{
  if (fk_client_get_state (self->client) != FK_CLIENT_STATE_UNLOCKED)
    return;

  self->last_input_us = boottime_now ();
  arm_idle_timer (self, idle_limit_us (self));
}

static void
on_flushed_for_lock (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(FkWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!fk_tip_form_flush_finish (FK_TIP_FORM (object), result, &error) && error != NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_debug ("Saving the form before the lock failed: %s %d", g_quark_to_string (error->domain), error->code);
    }

  /* The session runs on; the PIN opens it again, offline too.  The state
   * change takes the window to the login page. */
  fk_client_lock (self->client);
  self->ending = FALSE;
}

static void
fk_window_lock (FkWindow *self)
{
  if (self->ending || fk_client_get_state (self->client) != FK_CLIENT_STATE_UNLOCKED)
    return;

  self->ending = TRUE;
  g_clear_handle_id (&self->idle_timeout_id, g_source_remove);
  /* Once locked the store's key is gone: save what was typed first. */
  if (self->tip_form != NULL)
    {
      fk_tip_form_flush_async (self->tip_form, self->cancellable, on_flushed_for_lock, g_object_ref (self));
      return;
    }

  fk_client_lock (self->client);
  self->ending = FALSE;
}

static gboolean
on_idle_timeout (gpointer user_data)
{
  FkWindow *self = user_data;
  gint64 left = self->last_input_us + idle_limit_us (self) - boottime_now ();

  self->idle_timeout_id = 0;
  if (left > 0)
    arm_idle_timer (self, left);
  else
    fk_window_lock (self);

  return G_SOURCE_REMOVE;
}

static gboolean
on_input_event (FkWindow *self,
                GdkEvent *event)
{
  gint64 now;

  switch ((int) gdk_event_get_event_type (event))
    {
    case GDK_KEY_PRESS:
    case GDK_BUTTON_PRESS:
    case GDK_MOTION_NOTIFY:
    case GDK_SCROLL:
    case GDK_TOUCH_BEGIN:
    case GDK_TOUCH_UPDATE:
    case GDK_TOUCHPAD_SWIPE:
    case GDK_TOUCHPAD_PINCH:
      break;
    default:
      return GDK_EVENT_PROPAGATE;
    }

  /* The timer runs only while unlocked. */
  if (self->idle_timeout_id == 0)
    return GDK_EVENT_PROPAGATE;

  now = boottime_now ();
  /* The timer itself stood still during suspend: the first touch after a
   * long sleep locks instead of acting on what is behind it. */
  if (now - self->last_input_us >= idle_limit_us (self))
    {
      fk_window_lock (self);
      return GDK_EVENT_STOP;
    }

  self->last_input_us = now;
  return GDK_EVENT_PROPAGATE;
}

static void
on_idle_setting_changed (FkWindow *self)
{
  if (self->idle_timeout_id != 0)
    arm_idle_timer (self, MAX (self->last_input_us + idle_limit_us (self) - boottime_now (), 0));
}

static void
on_client_state_changed (FkWindow *self)
{
  FkClientState state = fk_client_get_state (self->client);
  FkClientState previous = self->state;

  self->state = state;

  if (state == FK_CLIENT_STATE_UNLOCKED)
    {
      restart_idle_timer (self);
      return;
    }

  g_clear_handle_id (&self->idle_timeout_id, g_source_remove);

  switch (state)
    {
    case FK_CLIENT_STATE_IDLE_LOCKED:
    case FK_CLIENT_STATE_LOCKED:
      /* The login page goes over the open form; the form stays as it is. */
      if (is_working_page (self->page))
        {
          self->resume_page = self->page;
          fk_window_show_page (self, FK_PAGE_LOGIN);
        }
      if (previous == FK_CLIENT_STATE_UNLOCKED && state == FK_CLIENT_STATE_LOCKED && !self->ending)
        fk_window_toast (self, fk_error_code_to_message (FK_ERROR_SESSION_EXPIRED));
      break;

    case FK_CLIENT_STATE_DISABLED:
    case FK_CLIENT_STATE_REVOKED:
      self->resume_page = FK_PAGE_MAIN;
      if (self->tip_form != NULL)
        fk_tip_form_set_tip (self->tip_form, NULL);
      fk_window_show_page (self, FK_PAGE_LOGIN);
      break;

    case FK_CLIENT_STATE_NOT_ENROLLED:
      self->resume_page = FK_PAGE_MAIN;
      if (self->tip_form != NULL)
        fk_tip_form_set_tip (self->tip_form, NULL);
      fk_window_show_page (self, FK_PAGE_ENROLL);
      break;

    case FK_CLIENT_STATE_LOADING:
    default:
      break;
    }
}

static void
on_session_expiring (FkWindow *self)
{
  AdwToast *toast = adw_toast_new (_("Your session expires in 15 minutes."));

  /* Stays until dismissed: easy to miss while writing. */
  adw_toast_set_timeout (toast, 0);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
on_logout_ready (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(FkWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!fk_client_logout_finish (FK_CLIENT (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      /* The session has ended here even if the server did not hear it. */
      g_debug ("Logout did not reach the server: %s %d", g_quark_to_string (error->domain), error->code);
    }

  fk_window_show_page (self, fk_window_page_for_state (fk_client_get_state (self->client)));
}

static void
log_out (FkWindow *self)
{
  /* A logout closes the form for good; its draft is on disk. */
  if (self->tip_form != NULL)
    fk_tip_form_set_tip (self->tip_form, NULL);
  self->resume_page = FK_PAGE_MAIN;
  fk_client_logout_async (self->client, self->cancellable, on_logout_ready, g_object_ref (self));
  self->ending = FALSE;
}

static void
on_flushed_for_logout (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(FkWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!fk_tip_form_flush_finish (FK_TIP_FORM (object), result, &error) && error != NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_debug ("Saving the form before logout failed: %s %d", g_quark_to_string (error->domain), error->code);
    }

  log_out (self);
}

static void
fk_window_end_session (FkWindow *self)
{
  self->ending = TRUE;
  g_clear_handle_id (&self->idle_timeout_id, g_source_remove);
  /* Hide the officer's data at once; the server round trip can take a while. */
  fk_window_show_page (self, FK_PAGE_LOGIN);
  if (self->tip_form != NULL)
    fk_tip_form_flush_async (self->tip_form, self->cancellable, on_flushed_for_logout, g_object_ref (self));
  else
    log_out (self);
}

static void
window_lock_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  fk_window_lock (FK_WINDOW (widget));
}

static void
on_logout_response (AdwMessageDialog *dialog,
                    const char       *response,
                    FkWindow         *self)
{
  if (g_str_equal (response, "logout"))
    fk_window_end_session (self);
}

static void
window_logout_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  FkWindow *self = FK_WINDOW (widget);
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (self),
                                   _("Log Out?"),
                                   _("Your session ends on this device and on the server. Saved tips stay on this device, encrypted."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "logout", _("Log _Out"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "logout",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_logout_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static FkHotelTip *
find_tip (FkWindow   *self,
          const char *uuid)
{
  GListModel *tips = fk_client_get_tips (self->client);

  for (guint i = 0; i < g_list_model_get_n_items (tips); i++)
    {
      g_autoptr(FkHotelTip) tip = g_list_model_get_item (tips, i);

      if (g_strcmp0 (fk_hotel_tip_get_uuid (tip), uuid) == 0)
        return g_steal_pointer (&tip);
    }

  return NULL;
}

static void ensure_work_pages (FkWindow *self);

static void
window_new_tip_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  FkWindow *self = FK_WINDOW (widget);
  g_autoptr(FkHotelTip) tip = fk_hotel_tip_new ();

  ensure_work_pages (self);
  if (fk_hotel_tip_get_received_at (tip) == NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();

      fk_hotel_tip_set_received_at (tip, now);
    }

  fk_tip_form_set_tip (self->tip_form, tip);
  fk_window_show_page (self, FK_PAGE_TIP_FORM);
  /* A new tip is for typing: the cursor waits in its first field. */
  gtk_widget_grab_focus (GTK_WIDGET (self->tip_form));
}

static void
window_edit_tip_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  FkWindow *self = FK_WINDOW (widget);
  g_autoptr(FkHotelTip) tip = find_tip (self, g_variant_get_string (param, NULL));

  if (tip == NULL)
    return;

  ensure_work_pages (self);
  fk_tip_form_set_tip (self->tip_form, tip);
  fk_window_show_page (self, FK_PAGE_TIP_FORM);
}

static void
on_resend_ready (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(FkWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!fk_client_save_tip_finish (FK_CLIENT (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      toast_error (self, error);
    }
}

static void
window_send_tip_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  FkWindow *self = FK_WINDOW (widget);
  g_autoptr(FkHotelTip) tip = find_tip (self, g_variant_get_string (param, NULL));

  if (tip == NULL)
    return;

  /* Validated again first: a tip the server refused usually needs an edit. */
  fk_client_save_tip_async (self->client, tip, TRUE, self->cancellable, on_resend_ready, g_object_ref (self));
}

static FkEventChecklist *
find_checklist (FkWindow   *self,
                const char *uuid)
{
  GListModel *checklists = fk_client_get_checklists (self->client);

  for (guint i = 0; i < g_list_model_get_n_items (checklists); i++)
    {
      g_autoptr(FkEventChecklist) checklist = g_list_model_get_item (checklists, i);

      if (g_strcmp0 (fk_event_checklist_get_uuid (checklist), uuid) == 0)
        return g_steal_pointer (&checklist);
    }

  return NULL;
}

static void
window_open_checklist_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *param)
{
  FkWindow *self = FK_WINDOW (widget);
  g_autoptr(FkEventChecklist) checklist = find_checklist (self, g_variant_get_string (param, NULL));

  if (checklist == NULL)
    return;

  fk_window_show_page (self, FK_PAGE_MAIN);
  fk_main_page_show_checklist (self->main_page, checklist);
}

static void
on_checklist_resent (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(FkWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!fk_client_save_checklist_finish (FK_CLIENT (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      toast_error (self, error);
    }
}

static void
window_send_checklist_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *param)
{
  FkWindow *self = FK_WINDOW (widget);
  g_autoptr(FkEventChecklist) checklist = find_checklist (self, g_variant_get_string (param, NULL));

  if (checklist == NULL)
    return;

  /* Saved again, its unsent changes wait once more, and a sync starts. */
  fk_client_save_checklist_async (self->client, checklist, self->cancellable, on_checklist_resent,
                                  g_object_ref (self));
}

static void
window_sync_details_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *param)
{
  fk_window_show_page (FK_WINDOW (widget), FK_PAGE_SYNC_DETAILS);
}

static void
window_back_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  fk_window_show_page (FK_WINDOW (widget), FK_PAGE_MAIN);
}

static void
window_enroll_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  fk_window_show_page (FK_WINDOW (widget), FK_PAGE_ENROLL);
}

static void
on_enrolled (FkWindow *self)
{
  g_settings_set_string (self->settings, "last-server-url", fk_enroll_page_get_server (self->enroll_page));
  g_settings_set_string (self->settings, "last-server-pin", fk_enroll_page_get_server_pin (self->enroll_page));

  fk_window_show_page (self, fk_window_page_for_state (fk_client_get_state (self->client)));
}

static void
on_logged_in (FkWindow *self)
{
  FkPage page = fk_window_page_for_state (fk_client_get_state (self->client));
  FkPage resume = self->resume_page;

  self->resume_page = FK_PAGE_MAIN;

  /* Back to the form exactly as the lock left it. */
  if (page == FK_PAGE_MAIN && resume == FK_PAGE_TIP_FORM && self->tip_form != NULL &&
      fk_tip_form_get_tip (self->tip_form) != NULL)
    page = FK_PAGE_TIP_FORM;
  else if (page == FK_PAGE_MAIN && resume == FK_PAGE_SYNC_DETAILS)
    page = FK_PAGE_SYNC_DETAILS;

  fk_window_show_page (self, page);

  if (page == resume && self->resume_focus != NULL)
    gtk_widget_grab_focus (self->resume_focus);
  g_clear_weak_pointer (&self->resume_focus);
}

static void
on_session_ended (FkWindow *self)
{
  /* The main page's clock saw zero; the client's own state change takes
   * the window to the login page (and says why), unless it already has. */
  if (fk_client_get_state (self->client) != FK_CLIENT_STATE_UNLOCKED)
    on_client_state_changed (self);
}

static void
on_tip_saved (FkWindow *self,
              gboolean  sent)
{
  fk_window_show_page (self, FK_PAGE_MAIN);
  fk_window_toast (self, sent ? _("Saved. It is sent as soon as there is a connection.") : _("Saved"));
}

static void
on_leaflet_child_transition (FkWindow *self)
{
  /* A swipe back leaves the form without going through show_page. */
  if (!adw_leaflet_get_child_transition_running (self->leaflet) &&
      (self->page == FK_PAGE_TIP_FORM || self->page == FK_PAGE_SYNC_DETAILS) &&
      g_strcmp0 (adw_leaflet_get_visible_child_name (self->leaflet), "list") == 0)
    fk_window_show_page (self, FK_PAGE_MAIN);
}

/* Pages are built the first time they are needed: a phone that starts
 * locked shows its login page sooner, and smaller, without the rest. */
static void
ensure_enroll_page (FkWindow *self)
{
  g_autofree char *server_url = NULL;
  g_autofree char *server_pin = NULL;

  if (self->enroll_page != NULL)
    return;

  self->enroll_page = g_object_new (FK_TYPE_ENROLL_PAGE, "client", self->client, NULL);
  server_url = g_settings_get_string (self->settings, "last-server-url");
  server_pin = g_settings_get_string (self->settings, "last-server-pin");
  fk_enroll_page_set_server (self->enroll_page, server_url);
  fk_enroll_page_set_server_pin (self->enroll_page, server_pin);
  g_signal_connect_object (self->enroll_page, "enrolled", G_CALLBACK (on_enrolled), self, G_CONNECT_SWAPPED);
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->enroll_page), "enroll");
}

static void
ensure_work_pages (FkWindow *self)
{
  if (self->leaflet != NULL)
    return;

  self->leaflet = ADW_LEAFLET (adw_leaflet_new ());
  adw_leaflet_set_can_unfold (self->leaflet, FALSE);
  adw_leaflet_set_can_navigate_back (self->leaflet, TRUE);
  g_signal_connect_object (self->leaflet, "notify::child-transition-running",
                           G_CALLBACK (on_leaflet_child_transition), self, G_CONNECT_SWAPPED);

  self->main_page = g_object_new (FK_TYPE_MAIN_PAGE, "client", self->client, NULL);
  g_signal_connect_object (self->main_page, "session-ended", G_CALLBACK (on_session_ended), self, G_CONNECT_SWAPPED);
  adw_leaflet_page_set_name (adw_leaflet_append (self->leaflet, GTK_WIDGET (self->main_page)), "list");

  self->tip_form = g_object_new (FK_TYPE_TIP_FORM, "client", self->client, NULL);
  g_signal_connect_object (self->tip_form, "saved", G_CALLBACK (on_tip_saved), self, G_CONNECT_SWAPPED);
  adw_leaflet_page_set_name (adw_leaflet_append (self->leaflet, GTK_WIDGET (self->tip_form)), "form");

  self->sync_details = g_object_new (FK_TYPE_SYNC_DETAILS, "client", self->client, NULL);
  adw_leaflet_page_set_name (adw_leaflet_append (self->leaflet, GTK_WIDGET (self->sync_details)), "sync");

  gtk_stack_add_named (self->stack, GTK_WIDGET (self->leaflet), "main");
}

static gboolean
fk_window_close_request (GtkWindow *window)
{
  FkWindow *self = FK_WINDOW (window);
  int width, height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));

  return GTK_WINDOW_CLASS (fk_window_parent_class)->close_request (window);
}

static void
fk_window_constructed (GObject *object)
{
  FkWindow *self = (FkWindow *) object;

  G_OBJECT_CLASS (fk_window_parent_class)->constructed (object);

  fk_login_page_set_client (self->login_page, self->client);

  self->state = fk_client_get_state (self->client);
  g_signal_connect_object (self->client, "notify::state", G_CALLBACK (on_client_state_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->client, "session-expiring", G_CALLBACK (on_session_expiring), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::idle-lock-minutes", G_CALLBACK (on_idle_setting_changed),
                           self, G_CONNECT_SWAPPED);
  restart_idle_timer (self);

  fk_window_show_page (self, fk_window_page_for_state (fk_client_get_state (self->client)));
}

static void
fk_window_dispose (GObject *object)
{
  FkWindow *self = (FkWindow *) object;

  g_clear_handle_id (&self->idle_timeout_id, g_source_remove);
  g_clear_weak_pointer (&self->resume_focus);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), FK_TYPE_WINDOW);
  /* Gone with the stack they were added to. */
  self->enroll_page = NULL;
  self->leaflet = NULL;
  self->main_page = NULL;
  self->tip_form = NULL;
  self->sync_details = NULL;

  g_clear_object (&self->client);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (fk_window_parent_class)->dispose (object);
}

static void
fk_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  FkWindow *self = FK_WINDOW (object);

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
fk_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  FkWindow *self = FK_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fk_window_class_init (FkWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = fk_window_constructed;
  object_class->dispose = fk_window_dispose;
  object_class->get_property = fk_window_get_property;
  object_class->set_property = fk_window_set_property;

  window_class->close_request = fk_window_close_request;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL,
                         FK_TYPE_CLIENT,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (FK_TYPE_LOGIN_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/faltkoll/Faltkoll/ui/fk-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FkWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FkWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, FkWindow, loading_page);
  gtk_widget_class_bind_template_child (widget_class, FkWindow, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, FkWindow, login_page);
  gtk_widget_class_bind_template_callback (widget_class, on_logged_in);

  gtk_widget_class_install_action (widget_class, "win.sync", NULL, window_sync_action);
  gtk_widget_class_install_action (widget_class, "win.lock", NULL, window_lock_action);
  gtk_widget_class_install_action (widget_class, "win.logout", NULL, window_logout_action);
  gtk_widget_class_install_action (widget_class, "win.new-tip", NULL, window_new_tip_action);
  gtk_widget_class_install_action (widget_class, "win.edit-tip", "s", window_edit_tip_action);
  gtk_widget_class_install_action (widget_class, "win.send-tip", "s", window_send_tip_action);
  gtk_widget_class_install_action (widget_class, "win.open-checklist", "s", window_open_checklist_action);
  gtk_widget_class_install_action (widget_class, "win.send-checklist", "s", window_send_checklist_action);
  gtk_widget_class_install_action (widget_class, "win.sync-details", NULL, window_sync_details_action);
  gtk_widget_class_install_action (widget_class, "win.back", NULL, window_back_action);
  gtk_widget_class_install_action (widget_class, "win.enroll", NULL, window_enroll_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.sync", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.sync", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK, "win.lock", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.new-tip", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "win.back", NULL);
}

static void
fk_window_init (FkWindow *self)
{
  int width, height;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (APP_ID);
  self->idle_minute_ms = 60 * 1000;
  self->resume_page = FK_PAGE_MAIN;

  fk_window_watch_input (self, GTK_WINDOW (self));

  width = g_settings_get_int (self->settings, "window-width");
  height = g_settings_get_int (self->settings, "window-height");
  gtk_window_set_default_size (GTK_WINDOW (self), width, height);
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

FkWindow *
fk_window_new (AdwApplication *application,
               FkClient       *client)
{
  g_return_val_if_fail (application == NULL || ADW_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (FK_IS_CLIENT (client), NULL);

  return g_object_new (FK_TYPE_WINDOW,
                       "application", application,
                       "client", client,
                       NULL);
}

FkClient *
fk_window_get_client (FkWindow *self)
{
  g_return_val_if_fail (FK_IS_WINDOW (self), NULL);

  return self->client;
}

FkPage
fk_window_page_for_state (FkClientState state)
{
  switch (state)
    {
    case FK_CLIENT_STATE_NOT_ENROLLED:
      return FK_PAGE_ENROLL;
    case FK_CLIENT_STATE_LOCKED:
    case FK_CLIENT_STATE_IDLE_LOCKED:
    case FK_CLIENT_STATE_DISABLED:
    case FK_CLIENT_STATE_REVOKED:
      /* The login page explains a blocked Mobile service ID itself. */
      return FK_PAGE_LOGIN;
    case FK_CLIENT_STATE_UNLOCKED:
      return FK_PAGE_MAIN;
    case FK_CLIENT_STATE_LOADING:
    default:
      return FK_PAGE_LOADING;
    }
}

void
fk_window_show_page (FkWindow *self,
                     FkPage    page)
{
  GtkStackTransitionType transition;
  gboolean working;
  GtkWidget *focus;

  g_return_if_fail (FK_IS_WINDOW (self));

  /* Focus leaves the page while it is still on screen, so a text field
   * gets its focus-out (GTK 4.8 warns otherwise); a lock remembers it
   * for the way back. */
  focus = gtk_window_get_focus (GTK_WINDOW (self));
  if (page == FK_PAGE_LOGIN && is_working_page (self->page))
    g_set_weak_pointer (&self->resume_focus, focus);
  if (focus != NULL && page != self->page)
    gtk_window_set_focus (GTK_WINDOW (self), NULL);

  /* The first page appears at once: a fade from the loading page only
   * delays it. */
  transition = self->page == FK_PAGE_LOADING ? GTK_STACK_TRANSITION_TYPE_NONE
                                              : GTK_STACK_TRANSITION_TYPE_CROSSFADE;
  /* A spinner keeps the frame clock ticking even on a hidden page. */
  gtk_spinner_set_spinning (GTK_SPINNER (self->loading_spinner),
                            page == FK_PAGE_LOADING && gtk_widget_get_visible (self->loading_spinner));
  self->page = page;

  switch (page)
    {
    case FK_PAGE_LOADING:
      gtk_stack_set_visible_child_full (self->stack, "loading", transition);
      break;

    case FK_PAGE_ENROLL:
      ensure_enroll_page (self);
      gtk_stack_set_visible_child_full (self->stack, "enroll", transition);
      break;

    case FK_PAGE_LOGIN:
      fk_login_page_reset (self->login_page);
      gtk_stack_set_visible_child_full (self->stack, "login", transition);
      gtk_widget_grab_focus (GTK_WIDGET (self->login_page));
      break;

    case FK_PAGE_MAIN:
      ensure_work_pages (self);
      gtk_stack_set_visible_child_full (self->stack, "main", transition);
      adw_leaflet_set_visible_child_name (self->leaflet, "list");
      break;

    case FK_PAGE_TIP_FORM:
      g_return_if_fail (self->tip_form != NULL && fk_tip_form_get_tip (self->tip_form) != NULL);
      gtk_stack_set_visible_child_full (self->stack, "main", transition);
      adw_leaflet_set_visible_child_name (self->leaflet, "form");
      break;

    case FK_PAGE_SYNC_DETAILS:
      ensure_work_pages (self);
      gtk_stack_set_visible_child_full (self->stack, "main", transition);
      adw_leaflet_set_visible_child_name (self->leaflet, "sync");
      break;

    default:
      g_return_if_reached ();
    }

  working = is_working_page (page);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sync", working);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.lock", working);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.logout", working);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.new-tip", working);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.edit-tip", working);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.send-tip", working);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.open-checklist", working);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.send-checklist", working);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sync-details", working);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.back",
                                 page == FK_PAGE_TIP_FORM || page == FK_PAGE_SYNC_DETAILS);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.enroll", page == FK_PAGE_LOGIN);
}

void
fk_window_show_load_error (FkWindow     *self,
                           const GError *error)
{
  g_return_if_fail (FK_IS_WINDOW (self));
  g_return_if_fail (error != NULL);

  adw_status_page_set_title (self->loading_page, _("Fältkoll Could Not Start"));
  adw_status_page_set_description (self->loading_page,
                                   error->domain == FK_ERROR ? error->message
                                                             : fk_error_code_to_message (FK_ERROR_FAILED));
  adw_status_page_set_icon_name (self->loading_page, "dialog-warning-symbolic");
  gtk_widget_set_visible (self->loading_spinner, FALSE);
  fk_window_show_page (self, FK_PAGE_LOADING);
}

void
fk_window_toast (FkWindow   *self,
                 const char *text)
{
  g_return_if_fail (FK_IS_WINDOW (self));
  g_return_if_fail (text != NULL);

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

void
fk_window_prefill_enrollment (FkWindow   *self,
                              const char *server_url,
                              const char *server_pin,
                              const char *activation_code)
{
  g_return_if_fail (FK_IS_WINDOW (self));

  if (server_url == NULL && server_pin == NULL && activation_code == NULL)
    return;

  ensure_enroll_page (self);
  if (server_url != NULL)
    fk_enroll_page_set_server (self->enroll_page, server_url);
  if (server_pin != NULL)
    fk_enroll_page_set_server_pin (self->enroll_page, server_pin);
  if (activation_code != NULL)
    fk_enroll_page_set_activation_code (self->enroll_page, activation_code);
}

void
fk_window_set_idle_minute_length (FkWindow *self,
                                  guint     milliseconds)
{
  g_return_if_fail (FK_IS_WINDOW (self));
  g_return_if_fail (milliseconds > 0);

  self->idle_minute_ms = milliseconds;
  if (self->idle_timeout_id != 0)
    restart_idle_timer (self);
}

void
fk_window_watch_input (FkWindow  *self,
                       GtkWindow *window)
{
  GtkEventController *controller;

  g_return_if_fail (FK_IS_WINDOW (self));
  g_return_if_fail (GTK_IS_WINDOW (window));

  /* Capture phase: every key, touch and pointer event counts as use,
   * whichever widget ends up taking it. */
  controller = gtk_event_controller_legacy_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_object (controller, "event", G_CALLBACK (on_input_event), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (window), controller);
}

gboolean
fk_window_get_idle_timer_running (FkWindow *self)
{
  g_return_val_if_fail (FK_IS_WINDOW (self), FALSE);

  return self->idle_timeout_id != 0;
}
