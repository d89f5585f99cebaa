/* test-session-resume.c: the session looks again when logind says the
 * device woke up
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under fk-logind-env: python3-dbusmock's logind on a private system
 * bus sends PrepareForSleep, as the real one does around suspend.
 */
#include "config.h"

#include <gio/gio.h>

#include "fk-session.h"

typedef struct {
  guint expiring;
  guint expired;
  guint resumed;
} Counts;

static GBytes *
make_key (void)
{
  static const guint8 key[32] = { 4, 5, 6 };

  return g_bytes_new (key, sizeof key);
}

static void
on_expiring (FkSession *session,
             Counts    *counts)
{
  counts->expiring++;
}

static void
on_expired (FkSession *session,
            Counts    *counts)
{
  counts->expired++;
}

static void
on_resumed (FkSession *session,
            Counts    *counts)
{
  counts->resumed++;
}

static void
watch (FkSession *session,
       Counts    *counts)
{
  g_signal_connect (session, "expiring", G_CALLBACK (on_expiring), counts);
  g_signal_connect (session, "expired", G_CALLBACK (on_expired), counts);
  g_signal_connect (session, "resumed", G_CALLBACK (on_resumed), counts);
}

static void
spin (guint milliseconds)
{
  gint64 until = g_get_monotonic_time () + milliseconds * 1000;

  while (g_get_monotonic_time () < until)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }
}

static void
prepare_for_sleep (gboolean start)
{
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  GVariantBuilder args;

  bus = g_bus_get_sync (G_BUS_TYPE_SYSTEM, NULL, &error);
  g_assert_no_error (error);
  g_variant_builder_init (&args, G_VARIANT_TYPE ("av"));
  g_variant_builder_add (&args, "v", g_variant_new_boolean (start));
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.login1", "/org/freedesktop/login1",
                                       "org.freedesktop.DBus.Mock", "EmitSignal",
                                       g_variant_new ("(sssav)", "org.freedesktop.login1.Manager",
                                                      "PrepareForSleep", "b", &args),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);
  g_assert_no_error (error);
}

/* The session subscribes asynchronously: say "resumed" until it hears. */
static void
resume_until_heard (Counts *counts)
{
  guint before = counts->resumed;

  for (guint i = 0; i < 50 && counts->resumed == before; i++)
    {
      prepare_for_sleep (FALSE);
      spin (100);
    }
  g_assert_cmpuint (counts->resumed, >, before);
}

static void
test_resume_rechecks (void)
{
  g_autoptr(GBytes) key = make_key ();
  g_autoptr(FkSession) session = fk_session_new ("token", key, 3600);
  Counts counts = { 0 };
  gint64 before;

  watch (session, &counts);
  before = fk_session_get_remaining (session);

  resume_until_heard (&counts);
  /* Going to sleep is not waking up. */
  prepare_for_sleep (TRUE);
  spin (300);

  g_assert_cmpuint (counts.resumed, >=, 1);
  g_assert_cmpuint (counts.expiring, ==, 0);
  g_assert_cmpuint (counts.expired, ==, 0);
  g_assert_false (fk_session_get_expired (session));
  g_assert_cmpstr (fk_session_get_token (session), ==, "token");
  /* The look is a look: the deadline stays where the server put it. */
  g_assert_cmpint (fk_session_get_remaining (session), <=, before);
  g_assert_cmpint (fk_session_get_remaining (session), >=, before - 6);
}

/* Inside the warning window: one warning, however many resumes follow. */
static void
test_resume_warns_once (void)
{
  g_autoptr(GBytes) key = make_key ();
  g_autoptr(FkSession) session = fk_session_new ("token", key, FK_SESSION_WARNING_SECONDS - 60);
  Counts counts = { 0 };

  watch (session, &counts);
  resume_until_heard (&counts);
  resume_until_heard (&counts);
  g_assert_cmpuint (counts.expiring, ==, 1);
  g_assert_cmpuint (counts.expired, ==, 0);
}

static void
test_expired_session_stops_listening (void)
{
  g_autoptr(GBytes) key = make_key ();
  g_autoptr(FkSession) session = fk_session_new ("token", key, 3600);
  Counts counts = { 0 };
  guint resumed;

  watch (session, &counts);
  resume_until_heard (&counts);
  fk_session_expire (session);
  resumed = counts.resumed;

  prepare_for_sleep (FALSE);
  spin (300);
  g_assert_cmpuint (counts.resumed, ==, resumed);
  g_assert_cmpuint (counts.expired, ==, 1);
}

/* A freed session must not be called (ASan's job in CI). */
static void
test_disposed_session_stops_listening (void)
{
  g_autoptr(GBytes) key = make_key ();
  FkSession *session = fk_session_new ("token", key, 3600);
  Counts counts = { 0 };

  watch (session, &counts);
  resume_until_heard (&counts);
  g_object_unref (session);

  prepare_for_sleep (FALSE);
  spin (300);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_assert_nonnull (g_getenv ("DBUS_SYSTEM_BUS_ADDRESS"));

  g_test_add_func ("/session-resume/rechecks", test_resume_rechecks);
  g_test_add_func ("/session-resume/warns-once", test_resume_warns_once);
  g_test_add_func ("/session-resume/expired-session-stops-listening", test_expired_session_stops_listening);
  g_test_add_func ("/session-resume/disposed-session-stops-listening", test_disposed_session_stops_listening);

  return g_test_run ();
}
