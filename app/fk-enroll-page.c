/* fk-enroll-page.c: first start: server, activation code and a new PIN
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * After activation, if the policy lets a finger in and fprintd has a reader,
 * a second step offers fingerprint login (under pin-and-fingerprint: asks
 * for the finger), enrolling one in fprintd first when the officer has none.
 * Under pin-and-fingerprint without a reader it says so before it is done.
 */
#define G_LOG_DOMAIN "fk-enroll-page"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>
#include <adwaita.h>

#include "fk-enroll-page.h"
#include "fk-error.h"

/* The server pin (the officer reads "server key checksum", never a
 * second "PIN") is the SHA-256 of the server's key, in hex. */
#define FK_SERVER_PIN_LENGTH 64
/* The finger fprintd enrolls; any one verifies. */
#define ENROLL_FINGER        "right-index-finger"

struct _FkEnrollPage
{
  GtkWidget     parent_instance;

  FkClient     *client;
  GCancellable *cancellable;
  gboolean      working;
  GCancellable *finger_cancellable;   /* fprintd enrollment runs */
  gboolean      has_finger;           /* fprintd knows one of this user's */

  GtkWidget    *server_row;
  GtkWidget    *server_pin_row;
  GtkWidget    *code_row;
  GtkWidget    *pin_row;
  GtkWidget    *pin_repeat_row;
  GtkWidget    *error_label;
  GtkWidget    *activate_button;
  GtkWidget    *spinner;
  GtkWidget    *stack;
  GtkWidget    *fingerprint_page;
  GtkWidget    *fingerprint_progress;
  GtkWidget    *fingerprint_status_label;
  GtkWidget    *fingerprint_use_button;
  GtkWidget    *fingerprint_skip_button;
  GtkWidget    *fingerprint_cancel_button;
};

G_DEFINE_FINAL_TYPE (FkEnrollPage, fk_enroll_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CLIENT,
  N_PROPS
};

enum {
  ENROLLED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const char *
row_text (GtkWidget *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static gboolean
is_hex_pin (const char *text)
{
  gsize len = strlen (text);

  if (len != FK_SERVER_PIN_LENGTH)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isxdigit (text[i]))
      return FALSE;
  return TRUE;
}

static void
set_row_error (GtkWidget *row,
               gboolean   error)
{
  if (error)
    gtk_widget_add_css_class (row, "error");
  else
    gtk_widget_remove_css_class (row, "error");
}

static void
show_error (FkEnrollPage *self,
            const char   *message)
{
  gtk_label_set_text (GTK_LABEL (self->error_label), message != NULL ? message : "");
  gtk_widget_set_visible (self->error_label, message != NULL);
}

/* Checks what can be checked here, so the officer hears about a typo before
 * an activation code is spent on it. Only speaks about fields that have
 * text, so an empty form does not start out red. */
static void
fk_enroll_page_update (FkEnrollPage *self)
{
  const char *server = row_text (self->server_row);
  const char *server_pin = row_text (self->server_pin_row);
  const char *code = row_text (self->code_row);
  const char *pin = row_text (self->pin_row);
  const char *pin_repeat = row_text (self->pin_repeat_row);
  g_autoptr(GError) pin_error = NULL;
  const char *message = NULL;
  gboolean server_ok = g_str_has_prefix (server, "https://") && server[8] != 0;
  gboolean server_pin_ok = is_hex_pin (server_pin);
  gboolean pin_ok = fk_pin_check_strength (pin, &pin_error);
  gboolean repeat_ok = g_str_equal (pin, pin_repeat);
  gboolean complete;

  set_row_error (self->server_row, server[0] != 0 && !server_ok);
  set_row_error (self->server_pin_row, server_pin[0] != 0 && !server_pin_ok);
  set_row_error (self->pin_row, pin[0] != 0 && !pin_ok && (pin_repeat[0] != 0 || strlen (pin) >= 6));
  set_row_error (self->pin_repeat_row, pin_repeat[0] != 0 && !repeat_ok);

  if (server[0] != 0 && !server_ok)
    message = _("The server address must start with https://.");
  else if (server_pin[0] != 0 && !server_pin_ok)
    message = _("The server key checksum is 64 characters, digits 0–9 and letters a–f.");
  else if (pin[0] != 0 && !pin_ok && (pin_repeat[0] != 0 || strlen (pin) >= 6))
    message = pin_error->message;
  else if (pin_repeat[0] != 0 && !repeat_ok && strlen (pin_repeat) >= strlen (pin))
    message = _("The PINs do not match.");

  show_error (self, message);

  complete = server_ok && server_pin_ok && code[0] != 0 && pin_ok && repeat_ok;
  gtk_widget_set_sensitive (self->activate_button, complete && !self->working && self->client != NULL);
}

static void
fk_enroll_page_set_working (FkEnrollPage *self,
                            gboolean      working)
{
  GtkWidget *rows[] = { self->server_row, self->server_pin_row, self->code_row,
                        self->pin_row, self->pin_repeat_row };

  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  self->working = working;
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      /* A text field made insensitive while focused misses its focus-out
       * (GTK 4.8 warns): the focus leaves it first. */
      if (working && focus != NULL && gtk_widget_is_ancestor (focus, rows[i]))
        gtk_root_set_focus (root, NULL);
      gtk_widget_set_sensitive (rows[i], !working);
    }
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), working);
  gtk_widget_set_visible (self->spinner, working);
  fk_enroll_page_update (self);
}

static void
on_field_changed (FkEnrollPage *self)
{
  fk_enroll_page_update (self);
}

/* Fingerprint step ------------------------------------------------------ */

static void
finish_enrollment (FkEnrollPage *self)
{
  fk_enroll_page_set_working (self, FALSE);
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "form");
  g_signal_emit (self, signals[ENROLLED], 0);
}

static void
show_fingerprint_status (FkEnrollPage *self,
                         const char   *message,
                         gboolean      is_error)
{
  gtk_label_set_text (GTK_LABEL (self->fingerprint_status_label), message != NULL ? message : "");
  gtk_widget_set_visible (self->fingerprint_status_label, message != NULL);
  if (is_error)
    gtk_widget_add_css_class (self->fingerprint_status_label, "error");
  else
    gtk_widget_remove_css_class (self->fingerprint_status_label, "error");
}

static void
set_enrolling_finger (FkEnrollPage *self,
                      gboolean      enrolling)
{
  gboolean required = fk_client_get_fingerprint_required (self->client);

  gtk_widget_set_visible (self->fingerprint_progress, enrolling);
  gtk_widget_set_visible (self->fingerprint_use_button, !enrolling);
  gtk_widget_set_visible (self->fingerprint_skip_button, !enrolling && !required);
  gtk_widget_set_visible (self->fingerprint_cancel_button, enrolling);
  gtk_widget_set_sensitive (self->fingerprint_cancel_button, enrolling);
}

static void
use_fingerprint (FkEnrollPage *self)
{
  /* The copy is made at the next PIN login; pin-and-fingerprint needs none. */
  if (fk_client_get_fingerprint_allowed (self->client))
    fk_client_set_fingerprint_wanted (self->client, TRUE);
  finish_enrollment (self);
}

static void
on_finger_enrolled (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(FkEnrollPage) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = fk_fingerprint_enroll_finish (FK_FINGERPRINT (object), result, &error);
  /* Disposed: nothing to show. */
  if (self->finger_cancellable == NULL)
    return;

  /* Only now is the reader released, ready for another try. */
  g_clear_object (&self->finger_cancellable);
  if (ok)
    {
      self->has_finger = TRUE;
      use_fingerprint (self);
      return;
    }

  set_enrolling_finger (self, FALSE);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_fingerprint_status (self, NULL, FALSE);
  else
    show_fingerprint_status (self, error->domain == FK_ERROR ? error->message
                                                             : fk_error_code_to_message (FK_ERROR_FAILED),
                             TRUE);
}

static void
on_enroll_progress (FkEnrollPage *self,
                    guint         done,
                    guint         total)
{
  g_autofree char *message = NULL;

  if (self->finger_cancellable == NULL || total == 0)
    return;

  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->fingerprint_progress), (double) done / total);
  if (done >= total)
    return;

  message = g_strdup_printf (ngettext ("Lift and place your finger again. %u scan left.",
                                       "Lift and place your finger again. %u scans left.",
                                       total - done),
                             total - done);
  show_fingerprint_status (self, message, FALSE);
}

static void
on_fingerprint_retry (FkEnrollPage *self,
                      const char   *hint)
{
  if (self->finger_cancellable != NULL)
    show_fingerprint_status (self, hint, FALSE);
}

static void
on_fingerprint_use_clicked (FkEnrollPage *self)
{
  if (self->client == NULL || self->finger_cancellable != NULL)
    return;

  if (self->has_finger)
    {
      use_fingerprint (self);
      return;
    }

  self->finger_cancellable = g_cancellable_new ();
  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->fingerprint_progress), 0);
  set_enrolling_finger (self, TRUE);
  show_fingerprint_status (self, _("Place your finger on the fingerprint reader."), FALSE);
  fk_fingerprint_enroll_async (fk_client_get_fingerprint (self->client), ENROLL_FINGER,
                               self->finger_cancellable, on_finger_enrolled, g_object_ref (self));
}

static void
on_fingerprint_skip_clicked (FkEnrollPage *self)
{
  finish_enrollment (self);
}

static void
on_fingerprint_cancel_clicked (FkEnrollPage *self)
{
  /* on_finger_enrolled() puts the page back once the reader is free. */
  gtk_widget_set_sensitive (self->fingerprint_cancel_button, FALSE);
  g_cancellable_cancel (self->finger_cancellable);
}

static void
show_fingerprint_page (FkEnrollPage *self,
                       GtkWidget    *focus)
{
  /* Focus leaves the form while it is on screen (GTK 4.8 warns otherwise). */
  if (gtk_widget_get_root (GTK_WIDGET (self)) != NULL)
    gtk_root_set_focus (gtk_widget_get_root (GTK_WIDGET (self)), NULL);
  /* Not in the template: a 128 px icon is an SVG, and librsvg would load
   * with the first frame of the enroll page (fk-login-page.c says more). */
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (self->fingerprint_page), "auth-fingerprint-symbolic");
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "fingerprint");
  gtk_widget_grab_focus (focus);
}

static void
on_probe_ready (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(FkEnrollPage) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean has_device = FALSE;
  gboolean required;

  if (!fk_fingerprint_probe_finish (FK_FINGERPRINT (object), result, &has_device, &self->has_finger, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_debug ("No fingerprint step: %s", error->message);
    }

  required = fk_client_get_fingerprint_required (self->client);
  /* Without a reader the PIN is all there is. */
  if ((!has_device && !required) || (required && self->has_finger))
    {
      finish_enrollment (self);
      return;
    }

  /* Said now, before the officer walks away from a phone that cannot log in. */
  if (!has_device)
    {
      adw_status_page_set_title (ADW_STATUS_PAGE (self->fingerprint_page), _("No Fingerprint Reader"));
      adw_status_page_set_description (ADW_STATUS_PAGE (self->fingerprint_page),
                                       _("Your organisation requires a fingerprint, but this phone has no fingerprint reader. Contact support."));
      gtk_button_set_label (GTK_BUTTON (self->fingerprint_skip_button), _("Continue"));
      gtk_widget_set_visible (self->fingerprint_use_button, FALSE);
      gtk_widget_set_visible (self->fingerprint_skip_button, TRUE);
      gtk_widget_set_visible (self->fingerprint_progress, FALSE);
      gtk_widget_set_visible (self->fingerprint_cancel_button, FALSE);
      show_fingerprint_status (self, NULL, FALSE);
      show_fingerprint_page (self, self->fingerprint_skip_button);
      return;
    }

  if (required)
    {
      adw_status_page_set_title (ADW_STATUS_PAGE (self->fingerprint_page), _("Add Your Fingerprint"));
      adw_status_page_set_description (ADW_STATUS_PAGE (self->fingerprint_page),
                                       _("Logging in takes both your PIN and your fingerprint. Place your finger on the reader a few times to add it."));
      gtk_button_set_label (GTK_BUTTON (self->fingerprint_use_button), _("Add Fingerprint"));
    }
  else
    {
      adw_status_page_set_title (ADW_STATUS_PAGE (self->fingerprint_page), _("Use Your Fingerprint?"));
      adw_status_page_set_description (ADW_STATUS_PAGE (self->fingerprint_page),
                                       self->has_finger
                                       ? _("Log in with your finger instead of the PIN. The PIN is still needed at least every 72 hours.")
                                       : _("Log in with your finger instead of the PIN. The PIN is still needed at least every 72 hours. Place your finger on the reader a few times to add it."));
      gtk_button_set_label (GTK_BUTTON (self->fingerprint_use_button), _("Use Fingerprint"));
    }

  set_enrolling_finger (self, FALSE);
  show_fingerprint_status (self, NULL, FALSE);
  show_fingerprint_page (self, self->fingerprint_use_button);
}

/* The PIN is set: offer the finger if policy and reader let it in. */
static void
offer_fingerprint (FkEnrollPage *self)
{
  if (!fk_client_get_fingerprint_allowed (self->client) && !fk_client_get_fingerprint_required (self->client))
    {
      finish_enrollment (self);
      return;
    }

  fk_fingerprint_probe_async (fk_client_get_fingerprint (self->client), self->cancellable,
                              on_probe_ready, g_object_ref (self));
}

static void
on_enroll_ready (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(FkEnrollPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!fk_client_enroll_finish (FK_CLIENT (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      fk_enroll_page_set_working (self, FALSE);
      if (error->domain == FK_ERROR)
        show_error (self, fk_error_get_sign_in_message (error));
      else
        {
          g_debug ("Enrollment failed: %s %d", g_quark_to_string (error->domain), error->code);
          show_error (self, fk_error_code_to_message (FK_ERROR_FAILED));
        }

      if (g_error_matches (error, FK_ERROR, FK_ERROR_WEAK_PIN))
        gtk_widget_grab_focus (self->pin_row);
      else if (g_error_matches (error, FK_ERROR, FK_ERROR_TLS_PIN))
        gtk_widget_grab_focus (self->server_pin_row);
      else if (g_error_matches (error, FK_ERROR, FK_ERROR_CODE_INVALID) ||
               g_error_matches (error, FK_ERROR, FK_ERROR_CODE_USED) ||
               g_error_matches (error, FK_ERROR, FK_ERROR_CODE_EXPIRED))
        gtk_widget_grab_focus (self->code_row);
      return;
    }

  /* The PIN is now in the client's hands; nothing here should keep it. */
  gtk_editable_set_text (GTK_EDITABLE (self->pin_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->pin_repeat_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->code_row), "");
  show_error (self, NULL);

  /* Still working: the form stays locked while the reader is asked. */
  offer_fingerprint (self);
}

static void
on_activate_clicked (FkEnrollPage *self)
{
  g_autofree char *server = NULL;
  g_autofree char *server_pin = NULL;
  g_autofree char *code = NULL;

  if (self->working || self->client == NULL || !gtk_widget_get_sensitive (self->activate_button))
    return;

  server = g_strstrip (g_strdup (row_text (self->server_row)));
  server_pin = g_ascii_strdown (row_text (self->server_pin_row), -1);
  code = g_strstrip (g_strdup (row_text (self->code_row)));

  fk_enroll_page_set_working (self, TRUE);
  show_error (self, NULL);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  fk_client_enroll_async (self->client, server, server_pin, code,
                          row_text (self->pin_row),
                          self->cancellable,
                          on_enroll_ready,
                          g_object_ref (self));
}

static void
fk_enroll_page_dispose (GObject *object)
{
  FkEnrollPage *self = (FkEnrollPage *) object;
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->finger_cancellable);
  g_clear_object (&self->finger_cancellable);
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (fk_client_get_fingerprint (self->client), self);
  g_clear_object (&self->client);

  gtk_widget_dispose_template (GTK_WIDGET (self), FK_TYPE_ENROLL_PAGE);
  /* Also the template's root box, which no field points at. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (fk_enroll_page_parent_class)->dispose (object);
}

static void
fk_enroll_page_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  FkEnrollPage *self = FK_ENROLL_PAGE (object);

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
fk_enroll_page_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  FkEnrollPage *self = FK_ENROLL_PAGE (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      fk_enroll_page_set_client (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fk_enroll_page_class_init (FkEnrollPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fk_enroll_page_dispose;
  object_class->get_property = fk_enroll_page_get_property;
  object_class->set_property = fk_enroll_page_set_property;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL,
                         FK_TYPE_CLIENT,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[ENROLLED] =
    g_signal_new ("enrolled",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/faltkoll/Faltkoll/ui/fk-enroll-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FkEnrollPage, server_row);
  gtk_widget_class_bind_template_child (widget_class, FkEnrollPage, server_pin_row);
  gtk_widget_class_bind_template_child (widget_class, FkEnrollPage, code_row);
  gtk_widget_class_bind_template_child (widget_class, FkEnrollPage, pin_row);
  gtk_widget_class_bind_template_child (widget_class, FkEnrollPage, pin_repeat_row);
  gtk_widget_class_bind_template_child (widget_class, FkEnrollPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, FkEnrollPage, activate_button);
  gtk_widget_class_bind_template_child (widget_class, FkEnrollPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, FkEnrollPage, stack);
  gtk_widget_class_bind_template_child (widget_class, FkEnrollPage, fingerprint_page);
  gtk_widget_class_bind_template_child (widget_class, FkEnrollPage, fingerprint_progress);
  gtk_widget_class_bind_template_child (widget_class, FkEnrollPage, fingerprint_status_label);
  gtk_widget_class_bind_template_child (widget_class, FkEnrollPage, fingerprint_use_button);
  gtk_widget_class_bind_template_child (widget_class, FkEnrollPage, fingerprint_skip_button);
  gtk_widget_class_bind_template_child (widget_class, FkEnrollPage, fingerprint_cancel_button);
  gtk_widget_class_bind_template_callback (widget_class, on_field_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_activate_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_fingerprint_use_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_fingerprint_skip_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_fingerprint_cancel_clicked);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

/* libadwaita 1.2 labels the row but not the text inside it, which is what
 * takes focus and what a screen reader announces. */
static void
label_entry_row (GtkWidget *row)
{
  GtkEditable *text = gtk_editable_get_delegate (GTK_EDITABLE (row));

  gtk_accessible_update_property (GTK_ACCESSIBLE (text),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)),
                                  -1);
}

static void
fk_enroll_page_init (FkEnrollPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  label_entry_row (self->server_row);
  label_entry_row (self->server_pin_row);
  label_entry_row (self->code_row);
  label_entry_row (self->pin_row);
  label_entry_row (self->pin_repeat_row);

  fk_enroll_page_update (self);
}

FkClient *
fk_enroll_page_get_client (FkEnrollPage *self)
{
  g_return_val_if_fail (FK_IS_ENROLL_PAGE (self), NULL);

  return self->client;
}

void
fk_enroll_page_set_client (FkEnrollPage *self,
                           FkClient     *client)
{
  g_return_if_fail (FK_IS_ENROLL_PAGE (self));
  g_return_if_fail (client == NULL || FK_IS_CLIENT (client));

  if (self->client == client)
    return;

  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (fk_client_get_fingerprint (self->client), self);
  g_set_object (&self->client, client);
  if (client != NULL)
    {
      FkFingerprint *fingerprint = fk_client_get_fingerprint (client);

      g_signal_connect_object (fingerprint, "enroll-progress", G_CALLBACK (on_enroll_progress), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (fingerprint, "retry", G_CALLBACK (on_fingerprint_retry), self,
                               G_CONNECT_SWAPPED);
    }

  fk_enroll_page_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT]);
}

const char *
fk_enroll_page_get_server (FkEnrollPage *self)
{
  g_return_val_if_fail (FK_IS_ENROLL_PAGE (self), NULL);

  return row_text (self->server_row);
}

void
fk_enroll_page_set_server (FkEnrollPage *self,
                           const char   *server_url)
{
  g_return_if_fail (FK_IS_ENROLL_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->server_row), server_url != NULL ? server_url : "");
}

const char *
fk_enroll_page_get_server_pin (FkEnrollPage *self)
{
  g_return_val_if_fail (FK_IS_ENROLL_PAGE (self), NULL);

  return row_text (self->server_pin_row);
}

void
fk_enroll_page_set_server_pin (FkEnrollPage *self,
                               const char   *server_pin)
{
  g_return_if_fail (FK_IS_ENROLL_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->server_pin_row), server_pin != NULL ? server_pin : "");
}

void
fk_enroll_page_set_activation_code (FkEnrollPage *self,
                                    const char   *activation_code)
{
  g_return_if_fail (FK_IS_ENROLL_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->code_row), activation_code != NULL ? activation_code : "");
}
