/* test-session.c: the session clock
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fk-error.h"
#include "fk-session.h"

static GBytes *
make_key (void)
{
  static const guint8 key[32] = { 1, 2, 3 };

  return g_bytes_new (key, sizeof key);
}

static void
on_signal (FkSession *session,
           gboolean  *fired)
{
  *fired = TRUE;
}

static gboolean
wait_for (gboolean *flag,
          guint     seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (!*flag && g_get_monotonic_time () < deadline)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (10000);
    }

  return *flag;
}

static void
test_expires_on_time (void)
{
  g_autoptr(GBytes) key = make_key ();
  g_autoptr(FkSession) session = fk_session_new ("token", key, 1);
  gboolean expired = FALSE;
  gint64 started = g_get_monotonic_time ();

  g_signal_connect (session, "expired", G_CALLBACK (on_signal), &expired);
  g_assert_cmpint (fk_session_get_remaining (session), <=, 1);
  g_assert_false (fk_session_get_expired (session));

  g_assert_true (wait_for (&expired, 5));
  g_assert_cmpint (g_get_monotonic_time () - started, >=, 900 * 1000);
  g_assert_true (fk_session_get_expired (session));
  g_assert_null (fk_session_get_token (session));
  g_assert_null (fk_session_get_data_key (session));
  g_assert_cmpint (fk_session_get_remaining (session), ==, 0);
}

static void
test_warns_fifteen_minutes_before (void)
{
  g_autoptr(GBytes) key = make_key ();
  g_autoptr(FkSession) session = fk_session_new ("token", key, FK_SESSION_WARNING_SECONDS + 1);
  gboolean expiring = FALSE, expired = FALSE;

  g_signal_connect (session, "expiring", G_CALLBACK (on_signal), &expiring);
  g_signal_connect (session, "expired", G_CALLBACK (on_signal), &expired);

  g_assert_true (wait_for (&expiring, 5));
  g_assert_false (expired);
  g_assert_nonnull (fk_session_get_token (session));
}

/* Restored, or started, with less than the warning time left. */
static void
test_short_session_warns_at_once (void)
{
  g_autoptr(GBytes) key = make_key ();
  g_autoptr(FkSession) session = fk_session_new ("token", key, 60);
  gboolean expiring = FALSE;

  g_signal_connect (session, "expiring", G_CALLBACK (on_signal), &expiring);
  g_assert_true (wait_for (&expiring, 2));
}

static void
test_expire_now_is_once (void)
{
  g_autoptr(GBytes) key = make_key ();
  g_autoptr(FkSession) session = fk_session_new ("token", key, 3600);
  guint count = 0;

  g_signal_connect_swapped (session, "expired", G_CALLBACK (g_atomic_int_inc), &count);
  fk_session_expire (session);
  fk_session_expire (session);
  g_assert_cmpuint (count, ==, 1);
}

static void
test_json_round_trip (void)
{
  g_autoptr(GBytes) key = make_key ();
  g_autoptr(FkSession) session = fk_session_new ("token-1", key, 3600);
  g_autofree char *json = fk_session_to_json (session);
  g_autoptr(FkSession) copy = NULL;
  g_autoptr(GError) error = NULL;

  copy = fk_session_new_from_json (json, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fk_session_get_token (copy), ==, "token-1");
  g_assert_true (g_bytes_equal (fk_session_get_data_key (copy), key));
  g_assert_cmpint (ABS (fk_session_get_remaining (copy) - fk_session_get_remaining (session)), <=, 1);
}

/* After a reboot CLOCK_BOOTTIME restarts: a stored deadline means nothing. */
static void
test_other_boot_is_expired (void)
{
  g_autoptr(GBytes) key = make_key ();
  g_autoptr(FkSession) session = fk_session_new ("token-1", key, 3600);
  g_autofree char *json = fk_session_to_json (session);
  g_autoptr(GString) other_boot = g_string_new (json);
  g_autoptr(GError) error = NULL;
  g_autoptr(FkSession) copy = NULL;
  g_autofree char *boot_id = NULL;

  g_assert_true (g_file_get_contents ("/proc/sys/kernel/random/boot_id", &boot_id, NULL, NULL));
  g_strstrip (boot_id);
  g_assert_cmpuint (g_string_replace (other_boot, boot_id, "00000000-0000-0000-0000-000000000000", 1), ==, 1);

  copy = fk_session_new_from_json (other_boot->str, &error);
  g_assert_null (copy);
  g_assert_error (error, FK_ERROR, FK_ERROR_SESSION_EXPIRED);
}

static void
test_past_deadline_is_expired (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FkSession) copy = NULL;
  g_autofree char *boot_id = NULL;
  g_autofree char *json = NULL;

  g_assert_true (g_file_get_contents ("/proc/sys/kernel/random/boot_id", &boot_id, NULL, NULL));
  g_strstrip (boot_id);
  json = g_strdup_printf ("{\"session_token\":\"t\",\"data_key\":\"AQIDAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\","
                          "\"deadline_boottime_us\":%" G_GINT64_FORMAT ",\"boot_id\":\"%s\"}",
                          fk_session_boottime_now () - 1, boot_id);
  copy = fk_session_new_from_json (json, &error);
  g_assert_null (copy);
  g_assert_error (error, FK_ERROR, FK_ERROR_SESSION_EXPIRED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* Whatever the machine has: with no system bus (no logind) the session
   * counts on its timerfd alone, and says nothing above debug level. */
  g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/fk-test/system_bus_socket", TRUE);

  g_test_add_func ("/session/expires-on-time", test_expires_on_time);
  g_test_add_func ("/session/warns-fifteen-minutes-before", test_warns_fifteen_minutes_before);
  g_test_add_func ("/session/expire-now-is-once", test_expire_now_is_once);
  g_test_add_func ("/session/short-session-warns-at-once", test_short_session_warns_at_once);
  g_test_add_func ("/session/json-round-trip", test_json_round_trip);
  g_test_add_func ("/session/other-boot-is-expired", test_other_boot_is_expired);
  g_test_add_func ("/session/past-deadline-is-expired", test_past_deadline_is_expired);

  return g_test_run ();
}
