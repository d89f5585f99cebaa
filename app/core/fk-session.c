/* fk-session.c: a login's 10 hours, counted on CLOCK_BOOTTIME
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fk-session"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib-unix.h>
#include <json-glib/json-glib.h>

#include "fk-crypto.h"
#include "fk-error.h"
#include "fk-protocol.h"
#include "fk-session.h"

struct _FkSession
{
  GObject   parent_instance;

  char     *token;
  GBytes   *data_key;
  gint64    deadline_us;      /* CLOCK_BOOTTIME */
  char     *boot_id;

  int       timer_fd;
  guint     timer_source;
  guint     warn_source;
  gboolean  warned;
  gboolean  expired;

  GCancellable    *sleep_cancellable;
  GDBusConnection *system_bus;
  guint            sleep_subscription;
};

G_DEFINE_FINAL_TYPE (FkSession, fk_session, G_TYPE_OBJECT)

enum {
  EXPIRING,
  EXPIRED,
  RESUMED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

gint64
fk_session_boottime_now (void)
{
  struct timespec now;

  clock_gettime (CLOCK_BOOTTIME, &now);
  return (gint64) now.tv_sec * G_USEC_PER_SEC + now.tv_nsec / 1000;
}

static char *
read_boot_id (void)
{
  g_autofree char *contents = NULL;

  if (!g_file_get_contents ("/proc/sys/kernel/random/boot_id", &contents, NULL, NULL))
    return g_strdup ("unknown");

  return g_strstrip (g_steal_pointer (&contents));
}

static void
wipe_secrets (FkSession *self)
{
  if (self->token != NULL)
    fk_crypto_wipe (self->token, strlen (self->token));
  g_clear_pointer (&self->token, g_free);
  g_clear_pointer (&self->data_key, fk_secure_bytes_unref);
}

static void
arm_timer (FkSession *self)
{
  struct itimerspec spec = { 0 };
  gint64 now = fk_session_boottime_now ();
  gint64 at_us = self->deadline_us;
  gint64 in_us;

  if (!self->warned && self->deadline_us - FK_SESSION_WARNING_SECONDS * G_USEC_PER_SEC > now)
    at_us = self->deadline_us - FK_SESSION_WARNING_SECONDS * G_USEC_PER_SEC;

  /* Relative, not TFD_TIMER_ABSTIME: the same clock either way, but time
   * fakers (libfaketime, used by the wall-clock tests) shift absolute
   * timerfd times by their wall-clock offset even on CLOCK_BOOTTIME.  The
   * handler reads the clock again, so a late wake-up costs nothing.  A
   * value of zero disarms the timer; never ask for that. */
  in_us = MAX (at_us - now, 1);
  spec.it_value.tv_sec = in_us / G_USEC_PER_SEC;
  spec.it_value.tv_nsec = (in_us % G_USEC_PER_SEC) * 1000;

  if (timerfd_settime (self->timer_fd, 0, &spec, NULL) != 0)
    g_critical ("timerfd_settime: %s", g_strerror (errno));
}

static gboolean
on_timer_fired (int          fd,
                GIOCondition condition,
                gpointer     user_data)
{
  FkSession *self = user_data;
  guint64 expirations;
  gint64 remaining;

  /* Drain it, or the fd stays readable and we spin. */
  while (read (fd, &expirations, sizeof expirations) > 0)
    ;

  remaining = self->deadline_us - fk_session_boottime_now ();
  if (remaining <= 0)
    {
      self->timer_source = 0;
      fk_session_expire (self);
      return G_SOURCE_REMOVE;
    }

  if (!self->warned && remaining <= FK_SESSION_WARNING_SECONDS * G_USEC_PER_SEC)
    {
      self->warned = TRUE;
      g_signal_emit (self, signals[EXPIRING], 0);
    }

  arm_timer (self);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_warn_now (gpointer user_data)
{
  FkSession *self = user_data;

  self->warn_source = 0;
  if (!self->warned && !self->expired)
    {
      self->warned = TRUE;
      g_signal_emit (self, signals[EXPIRING], 0);
    }

  return G_SOURCE_REMOVE;
}

static void
stop_watching_sleep (FkSession *self)
{
  g_cancellable_cancel (self->sleep_cancellable);
  g_clear_object (&self->sleep_cancellable);
  if (self->sleep_subscription != 0)
    g_dbus_connection_signal_unsubscribe (self->system_bus, self->sleep_subscription);
  self->sleep_subscription = 0;
  g_clear_object (&self->system_bus);
}

/* The timerfd fires on resume by itself; this is the second look the
 * issue asks for, and it tells the UI that the time left jumped (its
 * GLib timeouts run on CLOCK_MONOTONIC, which stood still in suspend). */
static void
check_after_resume (FkSession *self)
{
  g_autoptr(FkSession) hold = g_object_ref (self);
  gint64 remaining;

  if (self->expired)
    return;

  remaining = self->deadline_us - fk_session_boottime_now ();
  g_debug ("Resumed from suspend; %" G_GINT64_FORMAT " s of the session left", MAX (remaining, 0) / G_USEC_PER_SEC);
  if (remaining <= 0)
    {
      fk_session_expire (self);
      return;
    }

  if (!self->warned && remaining <= FK_SESSION_WARNING_SECONDS * G_USEC_PER_SEC)
    {
      self->warned = TRUE;
      g_signal_emit (self, signals[EXPIRING], 0);
      if (self->expired)
        return;
    }

  arm_timer (self);
  g_signal_emit (self, signals[RESUMED], 0);
}

static void
on_prepare_for_sleep (GDBusConnection *connection,
                      const char      *sender_name,
                      const char      *object_path,
                      const char      *interface_name,
                      const char      *signal_name,
                      GVariant        *parameters,
                      gpointer         user_data)
{
  FkSession *self = user_data;
  gboolean going_to_sleep;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(b)")))
    return;

  g_variant_get (parameters, "(b)", &going_to_sleep);
  if (!going_to_sleep)
    check_after_resume (self);
}

static void
on_system_bus_ready (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  FkSession *self = user_data;
  g_autoptr(GError) error = NULL;
  GDBusConnection *bus;

  bus = g_bus_get_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* No logind (a container, a test): the timerfd alone still counts. */
  if (bus == NULL)
    {
      g_debug ("No system bus, not watching for resume: %s", error->message);
      return;
    }

  self->system_bus = bus;
  self->sleep_subscription =
    g_dbus_connection_signal_subscribe (bus, "org.freedesktop.login1", "org.freedesktop.login1.Manager",
                                        "PrepareForSleep", "/org/freedesktop/login1", NULL,
                                        G_DBUS_SIGNAL_FLAGS_NONE, on_prepare_for_sleep, self, NULL);
}

static void
watch_sleep (FkSession *self)
{
  self->sleep_cancellable = g_cancellable_new ();
  g_bus_get (G_BUS_TYPE_SYSTEM, self->sleep_cancellable, on_system_bus_ready, self);
}

static void
start_timer (FkSession *self)
{
  /* Started (or restored) with less than the warning time left: warn at
   * once, from the main loop, so callers can connect first. */
  if (self->deadline_us - FK_SESSION_WARNING_SECONDS * G_USEC_PER_SEC <= fk_session_boottime_now ())
    self->warn_source = g_idle_add (on_warn_now, self);

  self->timer_fd = timerfd_create (CLOCK_BOOTTIME, TFD_NONBLOCK | TFD_CLOEXEC);
  if (self->timer_fd < 0)
    g_error ("timerfd_create(CLOCK_BOOTTIME): %s", g_strerror (errno));

  arm_timer (self);
  self->timer_source = g_unix_fd_add (self->timer_fd, G_IO_IN, on_timer_fired, self);
  watch_sleep (self);
}

static void
fk_session_dispose (GObject *object)
{
  stop_watching_sleep (FK_SESSION (object));

  G_OBJECT_CLASS (fk_session_parent_class)->dispose (object);
}

static void
fk_session_finalize (GObject *object)
{
  FkSession *self = (FkSession *) object;

  g_clear_handle_id (&self->timer_source, g_source_remove);
  g_clear_handle_id (&self->warn_source, g_source_remove);
  if (self->timer_fd >= 0)
    close (self->timer_fd);
  wipe_secrets (self);
  g_clear_pointer (&self->boot_id, g_free);

  G_OBJECT_CLASS (fk_session_parent_class)->finalize (object);
}

static void
fk_session_class_init (FkSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fk_session_dispose;
  object_class->finalize = fk_session_finalize;

  /**
   * FkSession::expiring:
   *
   * FK_SESSION_WARNING_SECONDS before the end, once.
   */
  signals[EXPIRING] = g_signal_new ("expiring", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * FkSession::expired:
   *
   * The session has ended and its secrets are wiped.
   */
  signals[EXPIRED] = g_signal_new ("expired", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * FkSession::resumed:
   *
   * The device woke from suspend (logind's PrepareForSleep) and the
   * session still runs; the time left has jumped, so read it again.
   */
  signals[RESUMED] = g_signal_new ("resumed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
fk_session_init (FkSession *self)
{
  self->timer_fd = -1;
}

FkSession *
fk_session_new (const char *session_token,
                GBytes     *data_key,
                gint64      expires_in_seconds)
{
  FkSession *self;

  g_return_val_if_fail (session_token != NULL, NULL);
  g_return_val_if_fail (data_key != NULL, NULL);

  self = g_object_new (FK_TYPE_SESSION, NULL);
  self->token = g_strdup (session_token);
  self->data_key = g_bytes_ref (data_key);
  self->deadline_us = fk_session_boottime_now () + MAX (expires_in_seconds, 0) * G_USEC_PER_SEC;
  self->boot_id = read_boot_id ();
  start_timer (self);

  return self;
}

FkSession *
fk_session_new_from_json (const char  *json,
                          GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(FkSession) self = NULL;
  g_autoptr(GBytes) data_key = NULL;
  g_autofree char *boot_id = read_boot_id ();
  JsonObject *object;
  JsonNode *root;
  const char *token;
  gint64 deadline_us;

  g_return_val_if_fail (json != NULL, NULL);

  if (!json_parser_load_from_data (parser, json, -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (root))
    goto expired;

  object = json_node_get_object (root);
  token = json_object_get_string_member_with_default (object, "session_token", NULL);
  data_key = fk_protocol_decode_base64 (json_object_get_string_member_with_default (object, "data_key", NULL));
  deadline_us = json_object_get_int_member_with_default (object, "deadline_boottime_us", 0);

  /* After a reboot the boot-time clock starts over, so the deadline means
   * nothing: better one login too many than a session that outlives 10 h. */
  if (token == NULL || data_key == NULL || g_bytes_get_size (data_key) != FK_DATA_KEY_BYTES ||
      g_strcmp0 (json_object_get_string_member_with_default (object, "boot_id", NULL), boot_id) != 0 ||
      deadline_us <= fk_session_boottime_now ())
    goto expired;

  self = g_object_new (FK_TYPE_SESSION, NULL);
  self->token = g_strdup (token);
  self->data_key = g_steal_pointer (&data_key);
  self->deadline_us = deadline_us;
  self->boot_id = g_steal_pointer (&boot_id);
  start_timer (self);

  return g_steal_pointer (&self);

expired:
  g_set_error_literal (error, FK_ERROR, FK_ERROR_SESSION_EXPIRED,
                       fk_error_code_to_message (FK_ERROR_SESSION_EXPIRED));
  return NULL;
}

char *
fk_session_to_json (FkSession *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *data_key = NULL;

  g_return_val_if_fail (FK_IS_SESSION (self), NULL);
  g_return_val_if_fail (!self->expired, NULL);

  data_key = fk_protocol_encode_base64 (self->data_key);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "session_token");
  json_builder_add_string_value (builder, self->token);
  json_builder_set_member_name (builder, "data_key");
  json_builder_add_string_value (builder, data_key);
  json_builder_set_member_name (builder, "deadline_boottime_us");
  json_builder_add_int_value (builder, self->deadline_us);
  json_builder_set_member_name (builder, "boot_id");
  json_builder_add_string_value (builder, self->boot_id);
  json_builder_end_object (builder);
  fk_crypto_wipe (data_key, strlen (data_key));

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

const char *
fk_session_get_token (FkSession *self)
{
  g_return_val_if_fail (FK_IS_SESSION (self), NULL);
  return self->token;
}

GBytes *
fk_session_get_data_key (FkSession *self)
{
  g_return_val_if_fail (FK_IS_SESSION (self), NULL);
  return self->data_key;
}

gint64
fk_session_get_remaining (FkSession *self)
{
  g_return_val_if_fail (FK_IS_SESSION (self), 0);

  if (self->expired)
    return 0;

  return MAX (0, (self->deadline_us - fk_session_boottime_now ()) / G_USEC_PER_SEC);
}

gboolean
fk_session_get_expired (FkSession *self)
{
  g_return_val_if_fail (FK_IS_SESSION (self), TRUE);
  return self->expired;
}

void
fk_session_expire (FkSession *self)
{
  g_return_if_fail (FK_IS_SESSION (self));

  if (self->expired)
    return;

  self->expired = TRUE;
  g_clear_handle_id (&self->timer_source, g_source_remove);
  stop_watching_sleep (self);
  wipe_secrets (self);
  g_signal_emit (self, signals[EXPIRED], 0);
}
