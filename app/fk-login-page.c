/* fk-login-page.c: the PIN pad that starts a session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * With a fingerprint copy the reader listens as soon as the page is shown,
 * beside the pad; under pin-and-fingerprint the finger follows the PIN.
 */
#define G_LOG_DOMAIN "fk-login-page"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "fk-error.h"
#include "fk-login-page.h"
#include "fk-pin-pad.h"

struct _FkLoginPage
{
  GtkWidget     parent_instance;

  FkClient     *client;
  GCancellable *cancellable;
  GCancellable *finger_cancellable;   /* a fingerprint login runs */
  gboolean      working;              /* a PIN login runs */

  GtkWidget    *window_title;
  GtkWidget    *prompt_label;
  GtkWidget    *stack;
  GtkWidget    *pin_pad;
  GtkWidget    *status_label;
  GtkWidget    *fingerprint_box;
  GtkWidget    *fingerprint_label;
  GtkWidget    *fingerprint_retry_button;
  GtkWidget    *spinner;
  GtkWidget    *blocked_page;
};

G_DEFINE_FINAL_TYPE (FkLoginPage, fk_login_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CLIENT,
  N_PROPS
};

enum {
  LOGGED_IN,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
show_status (FkLoginPage *self,
             const char  *message)
{
  gtk_label_set_text (GTK_LABEL (self->status_label), message != NULL ? message : "");
  gtk_widget_set_visible (self->status_label, message != NULL);
}

static void
show_blocked (FkLoginPage   *self,
              FkClientState  state)
{
  if (state == FK_CLIENT_STATE_REVOKED)
    {
      adw_status_page_set_title (ADW_STATUS_PAGE (self->blocked_page),
                                 _("Mobile service ID revoked"));
      adw_status_page_set_description (ADW_STATUS_PAGE (self->blocked_page),
                                       fk_error_code_to_message (FK_ERROR_DEVICE_REVOKED));
    }
  else
    {
      adw_status_page_set_title (ADW_STATUS_PAGE (self->blocked_page),
                                 _("Mobile service ID disabled"));
      adw_status_page_set_description (ADW_STATUS_PAGE (self->blocked_page),
                                       fk_error_code_to_message (FK_ERROR_TOKEN_DISABLED));
    }

  /* Set here, not in the template: at a status page's 128 px only the
   * SVG fits, and loading librsvg for a hidden page cost the login page's
   * first frame about 40 ms on a cold start. */
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (self->blocked_page), "system-lock-screen-symbolic");
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "blocked");
}

/* The same pad logs in and unlocks; the words say which. */
static void
update_prompt (FkLoginPage *self)
{
  FkClientState state = self->client != NULL ? fk_client_get_state (self->client) : FK_CLIENT_STATE_LOADING;

  if (state == FK_CLIENT_STATE_IDLE_LOCKED)
    {
      adw_window_title_set_title (ADW_WINDOW_TITLE (self->window_title), _("Locked"));
      gtk_label_set_text (GTK_LABEL (self->prompt_label),
                          _("Fältkoll is locked. Enter your PIN to unlock; your session is still running."));
    }
  else
    {
      adw_window_title_set_title (ADW_WINDOW_TITLE (self->window_title), _("Log In"));
      gtk_label_set_text (GTK_LABEL (self->prompt_label), _("Enter the PIN for your Mobile service ID."));
    }
}

static void
set_working (FkLoginPage *self,
             gboolean     working)
{
  self->working = working;
  gtk_widget_set_sensitive (self->pin_pad, !working);
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), working);
  gtk_widget_set_visible (self->spinner, working);
}

static void
show_fingerprint (FkLoginPage *self,
                  const char  *message,
                  gboolean     can_retry)
{
  gtk_label_set_text (GTK_LABEL (self->fingerprint_label), message);
  gtk_widget_set_visible (self->fingerprint_retry_button, can_retry);
  gtk_widget_set_visible (self->fingerprint_box, TRUE);
}

static void
stop_fingerprint (FkLoginPage *self)
{
  g_cancellable_cancel (self->finger_cancellable);
  g_clear_object (&self->finger_cancellable);
  gtk_widget_set_visible (self->fingerprint_box, FALSE);
}

static void
logged_in (FkLoginPage *self)
{
  set_working (self, FALSE);
  show_status (self, NULL);
  update_prompt (self);
  g_signal_emit (self, signals[LOGGED_IN], 0);
}

static void start_fingerprint (FkLoginPage *self,
                               const char  *message);

static void
on_fingerprint_login_ready (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  g_autoptr(FkLoginPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!fk_client_login_fingerprint_finish (FK_CLIENT (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      g_clear_object (&self->finger_cancellable);
      if (error->domain != FK_ERROR)
        {
          g_debug ("Fingerprint login failed: %s %d", g_quark_to_string (error->domain), error->code);
          show_fingerprint (self, fk_error_code_to_message (FK_ERROR_FAILED), TRUE);
        }
      /* The reader listens again at once, until the client says enough. */
      else if (g_error_matches (error, FK_ERROR, FK_ERROR_FINGERPRINT_NO_MATCH) &&
               fk_client_get_fingerprint_ready (self->client))
        start_fingerprint (self, error->message);
      else if (g_error_matches (error, FK_ERROR, FK_ERROR_PIN_REQUIRED) ||
               g_error_matches (error, FK_ERROR, FK_ERROR_FINGERPRINT_NO_MATCH))
        show_fingerprint (self, error->message, FALSE);
      else if (g_error_matches (error, FK_ERROR, FK_ERROR_TOKEN_DISABLED))
        show_blocked (self, FK_CLIENT_STATE_DISABLED);
      else if (g_error_matches (error, FK_ERROR, FK_ERROR_DEVICE_REVOKED))
        show_blocked (self, FK_CLIENT_STATE_REVOKED);
      else
        show_fingerprint (self, fk_error_get_sign_in_message (error), TRUE);
      return;
    }

  g_clear_object (&self->finger_cancellable);
  gtk_widget_set_visible (self->fingerprint_box, FALSE);
  logged_in (self);
}

/* Listens for a finger if the client has a fingerprint copy to use and
 * nothing else runs; @message: what to say, else the usual prompt. */
static void
start_fingerprint (FkLoginPage *self,
                   const char  *message)
{
  if (self->client == NULL || self->working || self->finger_cancellable != NULL ||
      !gtk_widget_get_mapped (GTK_WIDGET (self)) ||
      !fk_client_get_fingerprint_ready (self->client))
    return;

  show_fingerprint (self, message != NULL ? message : _("Touch the fingerprint reader"), FALSE);
  self->finger_cancellable = g_cancellable_new ();
  fk_client_login_fingerprint_async (self->client, self->finger_cancellable,
                                     on_fingerprint_login_ready, g_object_ref (self));
}

static void
on_fingerprint_retry_clicked (FkLoginPage *self)
{
  start_fingerprint (self, NULL);
}

/* The reader's hint, while this page waits for a finger. */
static void
on_fingerprint_retry (FkLoginPage *self,
                      const char  *hint)
{
  if (self->finger_cancellable != NULL ||
      (self->working && gtk_widget_get_visible (self->fingerprint_box)))
    gtk_label_set_text (GTK_LABEL (self->fingerprint_label), hint);
}

static void
on_client_state_changed (FkLoginPage *self)
{
  update_prompt (self);
  start_fingerprint (self, NULL);
}

static void
on_login_ready (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(FkLoginPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!fk_client_login_finish (FK_CLIENT (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      set_working (self, FALSE);
      gtk_widget_set_visible (self->fingerprint_box, FALSE);
      gtk_widget_grab_focus (self->pin_pad);

      if (g_error_matches (error, FK_ERROR, FK_ERROR_TOKEN_DISABLED))
        show_blocked (self, FK_CLIENT_STATE_DISABLED);
      else if (g_error_matches (error, FK_ERROR, FK_ERROR_DEVICE_REVOKED))
        show_blocked (self, FK_CLIENT_STATE_REVOKED);
      else if (g_error_matches (error, FK_ERROR, FK_ERROR_WRONG_PIN) &&
               fk_client_get_attempts_left (self->client) >= 0)
        {
          int left = fk_client_get_attempts_left (self->client);
          g_autofree char *message = NULL;

          message = g_strdup_printf (ngettext ("Wrong PIN. %d attempt left.",
                                               "Wrong PIN. %d attempts left.",
                                               left),
                                     left);
          show_status (self, message);
        }
      /* Under pin-and-fingerprint "or use your PIN" would be wrong. */
      else if (g_error_matches (error, FK_ERROR, FK_ERROR_FINGERPRINT_NO_MATCH) &&
               fk_client_get_fingerprint_required (self->client))
        show_status (self, _("The fingerprint did not match. Enter your PIN and try again."));
      else if (error->domain == FK_ERROR)
        show_status (self, fk_error_get_sign_in_message (error));
      else
        {
          g_debug ("Login failed: %s %d", g_quark_to_string (error->domain), error->code);
          show_status (self, fk_error_code_to_message (FK_ERROR_FAILED));
        }

      start_fingerprint (self, NULL);
      return;
    }

  gtk_widget_set_visible (self->fingerprint_box, FALSE);
  logged_in (self);
}

static void
on_pin_submitted (FkLoginPage *self,
                  const char  *pin)
{
  if (self->client == NULL)
    return;

  stop_fingerprint (self);
  set_working (self, TRUE);
  show_status (self, NULL);
  /* The client waits for the finger before it uses the PIN. */
  if (fk_client_get_fingerprint_required (self->client))
    show_fingerprint (self, _("Now touch the fingerprint reader"), FALSE);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  fk_client_login_async (self->client, pin, self->cancellable,
                         on_login_ready, g_object_ref (self));
}

static gboolean
fk_login_page_grab_focus (GtkWidget *widget)
{
  FkLoginPage *self = FK_LOGIN_PAGE (widget);

  /* Typing the PIN on a keyboard should work without touching the pad. */
  return gtk_widget_grab_focus (self->pin_pad);
}

static void
fk_login_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (fk_login_page_parent_class)->map (widget);

  start_fingerprint (FK_LOGIN_PAGE (widget), NULL);
}

static void
fk_login_page_unmap (GtkWidget *widget)
{
  /* Nobody sees the prompt: the reader must not go on listening. */
  stop_fingerprint (FK_LOGIN_PAGE (widget));

  GTK_WIDGET_CLASS (fk_login_page_parent_class)->unmap (widget);
}

static void
disconnect_client (FkLoginPage *self)
{
  if (self->client == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->client, self);
  g_signal_handlers_disconnect_by_data (fk_client_get_fingerprint (self->client), self);
}

static void
fk_login_page_dispose (GObject *object)
{
  FkLoginPage *self = (FkLoginPage *) object;
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  stop_fingerprint (self);
  disconnect_client (self);
  g_clear_object (&self->client);

  gtk_widget_dispose_template (GTK_WIDGET (self), FK_TYPE_LOGIN_PAGE);
  /* Also the template's root box, which no field points at. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (fk_login_page_parent_class)->dispose (object);
}

static void
fk_login_page_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  FkLoginPage *self = FK_LOGIN_PAGE (object);

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
fk_login_page_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  FkLoginPage *self = FK_LOGIN_PAGE (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      fk_login_page_set_client (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fk_login_page_class_init (FkLoginPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fk_login_page_dispose;
  object_class->get_property = fk_login_page_get_property;
  object_class->set_property = fk_login_page_set_property;

  widget_class->grab_focus = fk_login_page_grab_focus;
  widget_class->map = fk_login_page_map;
  widget_class->unmap = fk_login_page_unmap;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL,
                         FK_TYPE_CLIENT,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[LOGGED_IN] =
    g_signal_new ("logged-in",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  g_type_ensure (FK_TYPE_PIN_PAD);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/faltkoll/Faltkoll/ui/fk-login-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FkLoginPage, window_title);
  gtk_widget_class_bind_template_child (widget_class, FkLoginPage, prompt_label);
  gtk_widget_class_bind_template_child (widget_class, FkLoginPage, stack);
  gtk_widget_class_bind_template_child (widget_class, FkLoginPage, pin_pad);
  gtk_widget_class_bind_template_child (widget_class, FkLoginPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, FkLoginPage, fingerprint_box);
  gtk_widget_class_bind_template_child (widget_class, FkLoginPage, fingerprint_label);
  gtk_widget_class_bind_template_child (widget_class, FkLoginPage, fingerprint_retry_button);
  gtk_widget_class_bind_template_child (widget_class, FkLoginPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, FkLoginPage, blocked_page);
  gtk_widget_class_bind_template_callback (widget_class, on_pin_submitted);
  gtk_widget_class_bind_template_callback (widget_class, on_fingerprint_retry_clicked);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
fk_login_page_init (FkLoginPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

FkClient *
fk_login_page_get_client (FkLoginPage *self)
{
  g_return_val_if_fail (FK_IS_LOGIN_PAGE (self), NULL);

  return self->client;
}

void
fk_login_page_set_client (FkLoginPage *self,
                          FkClient    *client)
{
  g_return_if_fail (FK_IS_LOGIN_PAGE (self));
  g_return_if_fail (client == NULL || FK_IS_CLIENT (client));

  if (self->client == client)
    return;

  stop_fingerprint (self);
  disconnect_client (self);
  g_set_object (&self->client, client);
  if (client != NULL)
    {
      g_signal_connect_object (client, "notify::state", G_CALLBACK (on_client_state_changed), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (fk_client_get_fingerprint (client), "retry", G_CALLBACK (on_fingerprint_retry),
                               self, G_CONNECT_SWAPPED);
    }
  update_prompt (self);
  start_fingerprint (self, NULL);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT]);
}

void
fk_login_page_reset (FkLoginPage *self)
{
  FkClientState state;

  g_return_if_fail (FK_IS_LOGIN_PAGE (self));

  stop_fingerprint (self);
  fk_pin_pad_clear (FK_PIN_PAD (self->pin_pad));
  set_working (self, FALSE);
  show_status (self, NULL);
  update_prompt (self);

  state = self->client != NULL ? fk_client_get_state (self->client) : FK_CLIENT_STATE_LOADING;
  if (state == FK_CLIENT_STATE_DISABLED || state == FK_CLIENT_STATE_REVOKED)
    show_blocked (self, state);
  else
    {
      gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "pad");
      start_fingerprint (self, NULL);
    }
}
