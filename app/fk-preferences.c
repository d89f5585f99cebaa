/* fk-preferences.c: idle lock, retention, fingerprint and server details
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Settings apply as they change (GNOME HIG): the window binds GSettings,
 * and FkApplication and FkWindow follow the keys.
 */
#define G_LOG_DOMAIN "fk-preferences"

#include "config.h"

#include <glib/gi18n.h>

#include "fk-preferences.h"
#include "fk-protocol.h"

struct _FkPreferences
{
  AdwPreferencesWindow  parent_instance;

  FkClient             *client;
  GSettings            *settings;
  GCancellable         *cancellable;

  GtkAdjustment        *idle_lock_adjustment;
  GtkAdjustment        *retention_adjustment;
  GtkWidget            *fingerprint_row;
  GtkWidget            *fingerprint_switch;
  GtkWidget            *server_row;
  GtkWidget            *officer_row;
  GtkWidget            *device_row;
};

G_DEFINE_FINAL_TYPE (FkPreferences, fk_preferences, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_CLIENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_detail (GtkWidget  *row,
            const char *value)
{
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                               value != NULL && value[0] != 0 ? value : _("Not enrolled"));
}

static void
on_fingerprint_switch_changed (FkPreferences *self)
{
  gboolean on = gtk_switch_get_active (GTK_SWITCH (self->fingerprint_switch));

  /* Also notified while the row is being set up, before it is sensitive. */
  if (self->client == NULL || !gtk_widget_get_sensitive (self->fingerprint_row) ||
      on == fk_client_get_fingerprint_wanted (self->client))
    return;

  /* Off removes the fingerprint copy at once; on waits for a PIN login. */
  fk_client_set_fingerprint_wanted (self->client, on);
}

static void
on_probe_ready (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(FkPreferences) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean has_device = FALSE;

  if (!fk_fingerprint_probe_finish (FK_FINGERPRINT (object), result, &has_device, NULL, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_debug ("Fingerprint reader not usable: %s", error->message);
    }

  if (!has_device)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->fingerprint_row),
                                   _("No fingerprint reader was found on this phone."));
      return;
    }

  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->fingerprint_row),
                               _("Log in and unlock with your finger instead of the PIN. Takes effect at your next login with the PIN."));
  gtk_widget_set_sensitive (self->fingerprint_row, TRUE);
}

/* Sensitive only when the policy lets the officer choose and a reader is
 * there; pin-and-fingerprint shows it on, as a fact rather than a choice. */
static void
setup_fingerprint_row (FkPreferences *self)
{
  AdwActionRow *row = ADW_ACTION_ROW (self->fingerprint_row);

  /* Also before a login could bind the key (no reader, say). */
  if (self->client != NULL &&
      g_strcmp0 (fk_client_get_policy (self->client), FK_POLICY_PIN_AND_FINGERPRINT) == 0)
    {
      gtk_switch_set_active (GTK_SWITCH (self->fingerprint_switch), TRUE);
      adw_action_row_set_subtitle (row, _("Your organisation requires both your PIN and your fingerprint."));
      return;
    }

  if (self->client == NULL || !fk_client_get_fingerprint_allowed (self->client))
    {
      adw_action_row_set_subtitle (row, _("Your organisation allows only the PIN."));
      return;
    }

  gtk_switch_set_active (GTK_SWITCH (self->fingerprint_switch), fk_client_get_fingerprint_wanted (self->client));
  adw_action_row_set_subtitle (row, _("Looking for a fingerprint reader…"));
  fk_fingerprint_probe_async (fk_client_get_fingerprint (self->client), self->cancellable,
                              on_probe_ready, g_object_ref (self));
}

static void
fk_preferences_constructed (GObject *object)
{
  FkPreferences *self = (FkPreferences *) object;

  G_OBJECT_CLASS (fk_preferences_parent_class)->constructed (object);

  setup_fingerprint_row (self);

  set_detail (self->server_row, self->client != NULL ? fk_client_get_server_url (self->client) : NULL);
  set_detail (self->officer_row, self->client != NULL ? fk_client_get_officer_id (self->client) : NULL);
  set_detail (self->device_row, self->client != NULL ? fk_client_get_device_id (self->client) : NULL);
}

static void
fk_preferences_dispose (GObject *object)
{
  FkPreferences *self = (FkPreferences *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), FK_TYPE_PREFERENCES);
  g_clear_object (&self->client);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (fk_preferences_parent_class)->dispose (object);
}

static void
fk_preferences_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  FkPreferences *self = FK_PREFERENCES (object);

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
fk_preferences_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  FkPreferences *self = FK_PREFERENCES (object);

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
fk_preferences_class_init (FkPreferencesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = fk_preferences_constructed;
  object_class->dispose = fk_preferences_dispose;
  object_class->get_property = fk_preferences_get_property;
  object_class->set_property = fk_preferences_set_property;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL,
                         FK_TYPE_CLIENT,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/faltkoll/Faltkoll/ui/fk-preferences.ui");
  gtk_widget_class_bind_template_child (widget_class, FkPreferences, idle_lock_adjustment);
  gtk_widget_class_bind_template_child (widget_class, FkPreferences, retention_adjustment);
  gtk_widget_class_bind_template_child (widget_class, FkPreferences, fingerprint_row);
  gtk_widget_class_bind_template_child (widget_class, FkPreferences, fingerprint_switch);
  gtk_widget_class_bind_template_child (widget_class, FkPreferences, server_row);
  gtk_widget_class_bind_template_child (widget_class, FkPreferences, officer_row);
  gtk_widget_class_bind_template_child (widget_class, FkPreferences, device_row);
  gtk_widget_class_bind_template_callback (widget_class, on_fingerprint_switch_changed);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
fk_preferences_init (FkPreferences *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (APP_ID);
  g_settings_bind (self->settings, "idle-lock-minutes", self->idle_lock_adjustment, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "retention-days", self->retention_adjustment, "value",
                   G_SETTINGS_BIND_DEFAULT);
}

FkPreferences *
fk_preferences_new (GtkWindow *parent,
                    FkClient  *client)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (client == NULL || FK_IS_CLIENT (client), NULL);

  return g_object_new (FK_TYPE_PREFERENCES,
                       "transient-for", parent,
                       "client", client,
                       NULL);
}
