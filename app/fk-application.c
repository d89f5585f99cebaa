/* fk-application.c: Fältkoll's application object
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fk-application"

#include "config.h"

#include <glib/gi18n.h>

#include "fk-application.h"
#include "fk-error.h"
#include "fk-preferences.h"
#include "fk-window.h"

/* How long quitting may wait for the disk and the keyring. */
#define FLUSH_TIMEOUT_SECONDS 10
/* How long the window waits for the client's state before it shows the
 * loading page instead. */
#define LOADING_PAGE_DELAY_MS 500

struct _FkApplication
{
  AdwApplication  parent_instance;

  FkClient       *client;
  GSettings      *settings;
  GCancellable   *cancellable;
  GError         *load_error;
  gboolean        loaded;
  gboolean        load_started;
  /* The device was locked when last seen: the login page shows at once. */
  gboolean        login_first;
  guint           present_timeout_id;

  char           *data_dir;
  char           *server_url;
  char           *server_pin;
  char           *activation_code;
};

G_DEFINE_FINAL_TYPE (FkApplication, fk_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "server", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Server address to enroll with"), N_("URL") },
  { "server-pin", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("The server key checksum: 64 hex digits the server administrator gives you"), N_("HEX") },
  { "code", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Activation code"), N_("CODE") },
  { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Keep the encrypted store in DIR instead of the default"), N_("DIR") },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Show the version and exit"), NULL },
  { NULL }
};

static FkWindow *
fk_application_get_window (FkApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    {
      GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

      window = windows != NULL ? windows->data : NULL;
    }

  return FK_IS_WINDOW (window) ? FK_WINDOW (window) : NULL;
}

static void
fk_application_show_state (FkApplication *self,
                           FkWindow      *window)
{
  if (self->load_error != NULL)
    fk_window_show_load_error (window, self->load_error);
  else if (self->loaded)
    fk_window_show_page (window, fk_window_page_for_state (fk_client_get_state (self->client)));
}

static void
on_load_ready (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(FkApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  FkWindow *window;

  if (!fk_client_load_finish (FK_CLIENT (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      g_debug ("Loading the client failed: %s %d", g_quark_to_string (error->domain), error->code);
      self->load_error = g_steal_pointer (&error);
    }

  self->loaded = TRUE;
  window = fk_application_get_window (self);
  /* A login page shown first stays as it is, with any digits typed. */
  if (window != NULL &&
      !(self->login_first && self->load_error == NULL && fk_client_get_state (self->client) == FK_CLIENT_STATE_LOCKED))
    fk_application_show_state (self, window);

  if (self->present_timeout_id != 0)
    {
      g_clear_handle_id (&self->present_timeout_id, g_source_remove);
      if (window != NULL)
        gtk_window_present (GTK_WINDOW (window));
    }
}

static gboolean
on_present_timeout (gpointer user_data)
{
  FkApplication *self = user_data;
  FkWindow *window = fk_application_get_window (self);

  self->present_timeout_id = 0;
  if (window != NULL)
    gtk_window_present (GTK_WINDOW (window));

  return G_SOURCE_REMOVE;
}

static void
app_quit_action (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  FkApplication *self = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  /* Through close-request, so the window saves its size. */
  while (windows != NULL)
    {
      GList *next = windows->next;

      gtk_window_close (windows->data);
      windows = next;
    }
}

static void
app_about_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  FkApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  static const char *developers[] = { "Fältkoll contributors", NULL };

  adw_show_about_window (parent,
                         "application-name", "Fältkoll",
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("Checklists and hotel tips for police officers in the field"),
                         "developer-name", "Fältkoll contributors",
                         "developers", developers,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         /* Translators: your name, one per line */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
app_preferences_action (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  FkApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  FkPreferences *preferences = fk_preferences_new (parent, self->client);

  /* Modal: the window under it sees none of the officer's input. */
  if (FK_IS_WINDOW (parent))
    fk_window_watch_input (FK_WINDOW (parent), GTK_WINDOW (preferences));
  gtk_window_present (GTK_WINDOW (preferences));
}

static const GActionEntry app_actions[] = {
  { "quit", app_quit_action },
  { "about", app_about_action },
  { "preferences", app_preferences_action },
};

static void
on_retention_changed (FkApplication *self)
{
  fk_client_set_retention_days (self->client, g_settings_get_uint (self->settings, "retention-days"));
}

static void
start_load (FkApplication *self)
{
  self->load_started = TRUE;
  fk_client_load_async (self->client, self->cancellable, on_load_ready, g_object_ref (self));
}

static void
on_first_frame_painted (FkApplication *self,
                        GdkFrameClock *frame_clock)
{
  g_signal_handlers_disconnect_by_func (frame_clock, on_first_frame_painted, self);
  if (!self->load_started)
    start_load (self);
}

/* GSettings locked-data-dir names this client's data directory. */
static gboolean
last_seen_locked (FkApplication *self)
{
  g_autofree char *locked_data_dir = g_settings_get_string (self->settings, "locked-data-dir");

  return g_strcmp0 (locked_data_dir, fk_client_get_data_dir (self->client)) == 0;
}

static gboolean
is_over_app_window (FkApplication *self,
                    GtkWindow     *window)
{
  for (GtkWindow *parent = gtk_window_get_transient_for (window);
       parent != NULL;
       parent = gtk_window_get_transient_for (parent))
    {
      if (gtk_window_get_application (parent) == GTK_APPLICATION (self))
        return TRUE;
    }

  return FALSE;
}

/* Preferences, About and dialogs are not the application's windows, only
 * transient for them: found among all toplevels. */
static void
close_transient_windows (FkApplication *self)
{
  GList *toplevels = gtk_window_list_toplevels ();

  /* Closing one can destroy another (its own dialog): hold them all. */
  g_list_foreach (toplevels, (GFunc) g_object_ref, NULL);
  for (GList *l = toplevels; l != NULL; l = l->next)
    {
      if (is_over_app_window (self, l->data))
        gtk_window_close (l->data);
    }
  g_list_free_full (toplevels, g_object_unref);
}

/* Preferences show who is enrolled and can turn off the fingerprint or
 * lengthen the idle lock: not for whoever holds a locked phone. */
static void
update_preferences_action (FkApplication *self)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "preferences");

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action),
                               fk_client_get_state (self->client) == FK_CLIENT_STATE_UNLOCKED);
}

/* The next start opens on the login page at once if this device is still
 * locked then; any other state waits for the keyring's word. */
static void
on_client_state_changed (FkApplication *self)
{
  FkClientState state = fk_client_get_state (self->client);
  gboolean locked;

  update_preferences_action (self);
  /* A lock, a logout or the session's end also closes open preferences,
   * and any other window over the app's. */
  if (state != FK_CLIENT_STATE_UNLOCKED)
    close_transient_windows (self);

  if (state == FK_CLIENT_STATE_LOADING)
    return;

  /* Idle-locked too: a restart ends that session's unlock. */
  locked = state == FK_CLIENT_STATE_LOCKED || state == FK_CLIENT_STATE_IDLE_LOCKED;
  if (locked != last_seen_locked (self))
    g_settings_set_string (self->settings, "locked-data-dir", locked ? fk_client_get_data_dir (self->client) : "");
}

static int
fk_application_handle_local_options (GApplication *application,
                                     GVariantDict *options)
{
  FkApplication *self = FK_APPLICATION (application);

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("%s %s\n", "faltkoll", PACKAGE_VERSION);
      return 0;
    }

  g_variant_dict_lookup (options, "data-dir", "^ay", &self->data_dir);
  g_variant_dict_lookup (options, "server", "s", &self->server_url);
  g_variant_dict_lookup (options, "server-pin", "s", &self->server_pin);
  g_variant_dict_lookup (options, "code", "s", &self->activation_code);

  return G_APPLICATION_CLASS (fk_application_parent_class)->handle_local_options (application, options);
}

static void
fk_application_startup (GApplication *application)
{
  FkApplication *self = FK_APPLICATION (application);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };

  self->settings = g_settings_new (APP_ID);
  self->client = fk_client_new (self->data_dir);
  /* Before the client's first state change, which updates them. */
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  update_preferences_action (self);
  g_signal_connect_object (self->client, "notify::state", G_CALLBACK (on_client_state_changed), self,
                           G_CONNECT_SWAPPED);

  /* A device locked when last seen opens on the login page at once, and
   * asks the keyring and the store after its first frame, so that their
   * reads do not delay it.  Otherwise they answer during GTK's start,
   * which opens the display and the GL driver, and the window waits. */
  self->login_first = last_seen_locked (self);
  if (!self->login_first)
    start_load (self);

  G_APPLICATION_CLASS (fk_application_parent_class)->startup (application);

  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", preferences_accels);

  g_signal_connect_object (self->settings, "changed::retention-days", G_CALLBACK (on_retention_changed), self,
                           G_CONNECT_SWAPPED);
  on_retention_changed (self);
}

static void
fk_application_activate (GApplication *application)
{
  FkApplication *self = FK_APPLICATION (application);
  FkWindow *window = fk_application_get_window (self);

  if (window == NULL)
    {
      window = fk_window_new (ADW_APPLICATION (self), self->client);
      if (self->login_first && !self->loaded)
        fk_window_show_page (window, FK_PAGE_LOGIN);
      else
        fk_application_show_state (self, window);
    }

  /* Command line prefill applies once; later activations keep what the
   * officer typed. */
  fk_window_prefill_enrollment (window, self->server_url, self->server_pin, self->activation_code);
  g_clear_pointer (&self->server_url, g_free);
  g_clear_pointer (&self->server_pin, g_free);
  g_clear_pointer (&self->activation_code, g_free);

  /* The first window waits a moment for the client's state, so that it
   * opens on its page rather than on a loading page shown for a blink.
   * Realized meanwhile, its renderer is ready when the state comes. */
  if (!self->loaded && !self->login_first && !gtk_widget_get_visible (GTK_WIDGET (window)))
    {
      if (self->present_timeout_id == 0)
        {
          gtk_widget_realize (GTK_WIDGET (window));
          self->present_timeout_id = g_timeout_add (LOADING_PAGE_DELAY_MS, on_present_timeout, self);
        }
      return;
    }

  g_clear_handle_id (&self->present_timeout_id, g_source_remove);
  gtk_window_present (GTK_WINDOW (window));

  if (!self->load_started)
    g_signal_connect_object (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "after-paint",
                             G_CALLBACK (on_first_frame_painted), self, G_CONNECT_SWAPPED);
}

static void
fk_application_open (GApplication  *application,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  FkApplication *self = FK_APPLICATION (application);
  FkWindow *window;

  g_application_activate (application);
  window = fk_application_get_window (self);

  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *uri = g_file_get_uri (files[i]);
      g_autofree char *server_url = NULL;
      g_autofree char *activation_code = NULL;
      g_autofree char *server_pin = NULL;
      g_autoptr(GError) error = NULL;

      if (!fk_enroll_uri_parse (uri, &server_url, &activation_code, &server_pin, &error))
        {
          fk_window_toast (window, error->domain == FK_ERROR ? error->message
                                                            : _("This link is not a Fältkoll enrollment link."));
          continue;
        }

      fk_window_prefill_enrollment (window, server_url, server_pin, activation_code);
    }
}

typedef struct {
  gboolean done;
  gboolean abandoned;   /* the process is leaving without the answer */
} Flush;

static void
on_flush_ready (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Flush *flush = user_data;
  g_autoptr(GError) error = NULL;

  if (!fk_client_close_finish (FK_CLIENT (object), result, &error))
    g_warning ("Not everything reached the disk before quitting: %s %d",
               g_quark_to_string (error->domain), error->code);

  if (flush->abandoned)
    g_free (flush);
  else
    flush->done = TRUE;
}

static gboolean
on_flush_timeout (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static void
fk_application_shutdown (GApplication *application)
{
  FkApplication *self = FK_APPLICATION (application);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->present_timeout_id, g_source_remove);

  /* The main loop has ended, but a kept session, a draft saved as the
   * window closed or a wipe may still be on its way to disk: wait for it,
   * within reason, rather than lose it. */
  if (self->client != NULL)
    {
      Flush *flush = g_new0 (Flush, 1);
      gboolean timed_out = FALSE;
      guint timeout_id;

      fk_client_close_async (self->client, NULL, on_flush_ready, flush);
      timeout_id = g_timeout_add_seconds (FLUSH_TIMEOUT_SECONDS, on_flush_timeout, &timed_out);
      while (!flush->done && !timed_out)
        g_main_context_iteration (NULL, TRUE);

      if (flush->done)
        {
          g_source_remove (timeout_id);
          g_free (flush);
        }
      else
        {
          g_warning ("Quitting before the disk and the keyring confirmed every change");
          flush->abandoned = TRUE;
        }
    }

  G_APPLICATION_CLASS (fk_application_parent_class)->shutdown (application);
}

static void
fk_application_finalize (GObject *object)
{
  FkApplication *self = (FkApplication *) object;

  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_object (&self->client);
  g_clear_error (&self->load_error);
  g_free (self->data_dir);
  g_free (self->server_url);
  g_free (self->server_pin);
  g_free (self->activation_code);

  G_OBJECT_CLASS (fk_application_parent_class)->finalize (object);
}

static void
fk_application_class_init (FkApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = fk_application_finalize;

  app_class->handle_local_options = fk_application_handle_local_options;
  app_class->startup = fk_application_startup;
  app_class->activate = fk_application_activate;
  app_class->open = fk_application_open;
  app_class->shutdown = fk_application_shutdown;
}

static void
fk_application_init (FkApplication *self)
{
  self->cancellable = g_cancellable_new ();

  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
}

FkApplication *
fk_application_new (void)
{
  return g_object_new (FK_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       /* style.css sits with the templates; AdwApplication
                        * loads it from here. */
                       "resource-base-path", "/io/github/faltkoll/Faltkoll/ui",
                       NULL);
}

FkClient *
fk_application_get_client (FkApplication *self)
{
  g_return_val_if_fail (FK_IS_APPLICATION (self), NULL);

  return self->client;
}
