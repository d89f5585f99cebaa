/* test-fingerprint.c: FkFingerprint against the real fprintd and libfprint's virtual reader
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under fk-fprintd-env, which starts fprintd on a private system bus
 * and exports FP_VIRTUAL_DEVICE, the socket that plays the finger.  The
 * cases share that fprintd: the first sees no enrolled finger, the others
 * enroll one first if it is not there yet.
 */
#include "config.h"

#include <string.h>

#include <gio/gunixsocketaddress.h>

#include "fk-error.h"
#include "fk-fingerprint.h"

#define ENROLLED_FINGER  "finger-a"
#define OTHER_FINGER     "finger-b"
#define FP_ERROR_GENERAL "0"
#define FP_ERROR_PROTO   "5"
#define FP_RETRY_GENERAL "0"

typedef struct {
  FkFingerprint *fingerprint;
  GCancellable  *cancellable;
  const char    *socket_path;

  guint          scanning;
  guint          retries;
  char          *hint;
  guint          stages_done;
  guint          stages_total;

  gboolean       done;
  gboolean       ok;
  gboolean       has_device;
  gboolean       has_enrolled;
  GError        *error;
} Fixture;

/* Runs the main loop until @flag is set or @seconds pass. */
static gboolean
wait_for (gboolean *flag,
          guint     seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (!*flag && g_get_monotonic_time () < deadline)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (5000);
    }

  return *flag;
}

static void
spin (guint milliseconds)
{
  gint64 deadline = g_get_monotonic_time () + milliseconds * 1000;

  while (g_get_monotonic_time () < deadline)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (5000);
    }
}

/* Runs the main loop until *@counter reaches @count, the operation ends or
 * ten seconds pass. */
static gboolean
wait_for_count (Fixture *fixture,
                guint   *counter,
                guint    count)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (*counter < count && !fixture->done && g_get_monotonic_time () < deadline)
    spin (10);

  return *counter >= count;
}

/* The virtual reader takes one command per connection. */
static void
send_command (Fixture    *fixture,
              const char *command)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketAddress) address = g_unix_socket_address_new (fixture->socket_path);
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  gsize written = 0;

  connection = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (address), NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                             command, strlen (command), &written, NULL, &error);
  g_assert_no_error (error);
  g_io_stream_close (G_IO_STREAM (connection), NULL, &error);
  g_assert_no_error (error);

  spin (100);
}

/* The socket file outlives the device; only an open device accepts. */
static gboolean
reader_is_open (Fixture *fixture)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketAddress) address = g_unix_socket_address_new (fixture->socket_path);
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;

  connection = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (address), NULL, &error);
  if (connection == NULL)
    {
      g_assert_true (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED)
                     || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND));
      return FALSE;
    }

  return TRUE;
}

static void
send_scan (Fixture    *fixture,
           const char *finger)
{
  g_autofree char *command = g_strdup_printf ("SCAN %s", finger);

  send_command (fixture, command);
}

static void
on_scanning (FkFingerprint *fingerprint,
             Fixture       *fixture)
{
  fixture->scanning++;
  /* The virtual reader listens only while fprintd holds it open. */
  g_assert_true (g_file_test (fixture->socket_path, G_FILE_TEST_EXISTS));
}

static void
on_retry (FkFingerprint *fingerprint,
          const char    *hint,
          Fixture       *fixture)
{
  fixture->retries++;
  g_free (fixture->hint);
  fixture->hint = g_strdup (hint);
}

static void
on_enroll_progress (FkFingerprint *fingerprint,
                    guint          done,
                    guint          total,
                    Fixture       *fixture)
{
  g_assert_cmpuint (done, ==, fixture->stages_done + 1);
  fixture->stages_done = done;
  fixture->stages_total = total;
}

static void
reset (Fixture *fixture)
{
  fixture->scanning = 0;
  fixture->retries = 0;
  g_clear_pointer (&fixture->hint, g_free);
  fixture->stages_done = 0;
  fixture->stages_total = 0;
  fixture->done = FALSE;
  fixture->ok = FALSE;
  g_clear_error (&fixture->error);
  g_clear_object (&fixture->cancellable);
  fixture->cancellable = g_cancellable_new ();
}

static void
on_probe_ready (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Fixture *fixture = user_data;

  fixture->ok = fk_fingerprint_probe_finish (FK_FINGERPRINT (object), result,
                                             &fixture->has_device, &fixture->has_enrolled,
                                             &fixture->error);
  fixture->done = TRUE;
}

static void
on_verify_ready (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Fixture *fixture = user_data;

  fixture->ok = fk_fingerprint_verify_finish (FK_FINGERPRINT (object), result, &fixture->error);
  fixture->done = TRUE;
}

static void
on_enroll_ready (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Fixture *fixture = user_data;

  fixture->ok = fk_fingerprint_enroll_finish (FK_FINGERPRINT (object), result, &fixture->error);
  fixture->done = TRUE;
}

static void
probe (Fixture *fixture)
{
  reset (fixture);
  fk_fingerprint_probe_async (fixture->fingerprint, fixture->cancellable, on_probe_ready, fixture);
  g_assert_true (wait_for (&fixture->done, 10));
  g_assert_no_error (fixture->error);
  g_assert_true (fixture->ok);
}

static void
start_verify (Fixture *fixture,
              guint    timeout_seconds)
{
  reset (fixture);
  fk_fingerprint_verify_async (fixture->fingerprint, timeout_seconds, fixture->cancellable,
                               on_verify_ready, fixture);
  g_assert_true (wait_for_count (fixture, &fixture->scanning, 1));
}

static void
finish (Fixture *fixture)
{
  g_assert_true (wait_for (&fixture->done, 10));
  /* Stopped and released before the result came back. */
  g_assert_false (reader_is_open (fixture));
}

static void
assert_failed_with (Fixture    *fixture,
                    const char *message)
{
  g_assert_true (g_error_matches (fixture->error, FK_ERROR, FK_ERROR_FAILED) ||
                 g_error_matches (fixture->error, FK_ERROR, FK_ERROR_FINGERPRINT_NO_MATCH));
  g_assert_cmpstr (fixture->error->message, ==, message);
  g_assert_false (fixture->ok);
}

static void
verify_match (Fixture *fixture)
{
  start_verify (fixture, 10);
  send_scan (fixture, ENROLLED_FINGER);
  finish (fixture);
  g_assert_no_error (fixture->error);
  g_assert_true (fixture->ok);
}

static void
enroll (Fixture *fixture)
{
  reset (fixture);
  fk_fingerprint_enroll_async (fixture->fingerprint, "right-index-finger", fixture->cancellable,
                               on_enroll_ready, fixture);
  g_assert_true (wait_for_count (fixture, &fixture->scanning, 1));

  for (guint i = 0; i < 5 && !fixture->done; i++)
    send_scan (fixture, ENROLLED_FINGER);

  finish (fixture);
  g_assert_no_error (fixture->error);
  g_assert_true (fixture->ok);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->socket_path = g_getenv ("FP_VIRTUAL_DEVICE");
  g_assert_nonnull (fixture->socket_path);
  g_assert_nonnull (g_getenv ("DBUS_SYSTEM_BUS_ADDRESS"));

  fixture->fingerprint = fk_fingerprint_new ();
  g_signal_connect (fixture->fingerprint, "scanning", G_CALLBACK (on_scanning), fixture);
  g_signal_connect (fixture->fingerprint, "retry", G_CALLBACK (on_retry), fixture);
  g_signal_connect (fixture->fingerprint, "enroll-progress", G_CALLBACK (on_enroll_progress), fixture);
}

static void
fixture_set_up_enrolled (Fixture       *fixture,
                         gconstpointer  data)
{
  fixture_set_up (fixture, data);

  probe (fixture);
  g_assert_true (fixture->has_device);
  if (!fixture->has_enrolled)
    enroll (fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->fingerprint);
  g_clear_object (&fixture->cancellable);
  g_clear_error (&fixture->error);
  g_clear_pointer (&fixture->hint, g_free);
}

static void
test_probe_without_finger (Fixture       *fixture,
                           gconstpointer  data)
{
  probe (fixture);
  g_assert_true (fixture->has_device);
  g_assert_false (fixture->has_enrolled);
}

static void
test_verify_without_finger (Fixture       *fixture,
                            gconstpointer  data)
{
  reset (fixture);
  fk_fingerprint_verify_async (fixture->fingerprint, 10, NULL, on_verify_ready, fixture);
  finish (fixture);
  g_assert_cmpuint (fixture->scanning, ==, 0);
  assert_failed_with (fixture, "No fingerprint is enrolled for you on this phone. Use your PIN.");
}

static void
test_enroll (Fixture       *fixture,
             gconstpointer  data)
{
  enroll (fixture);
  g_assert_cmpuint (fixture->stages_done, ==, 5);
  g_assert_cmpuint (fixture->stages_total, ==, 5);

  probe (fixture);
  g_assert_true (fixture->has_device);
  g_assert_true (fixture->has_enrolled);
}

static void
test_enroll_cancelled (Fixture       *fixture,
                       gconstpointer  data)
{
  reset (fixture);
  fk_fingerprint_enroll_async (fixture->fingerprint, "left-index-finger", fixture->cancellable,
                               on_enroll_ready, fixture);
  g_assert_true (wait_for_count (fixture, &fixture->scanning, 1));
  send_scan (fixture, OTHER_FINGER);
  g_assert_true (wait_for_count (fixture, &fixture->stages_done, 1));
  g_assert_cmpuint (fixture->stages_done, ==, 1);

  g_cancellable_cancel (fixture->cancellable);
  finish (fixture);
  g_assert_error (fixture->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* Released, and the half-done finger was not kept. */
  verify_match (fixture);
  reset (fixture);
  fk_fingerprint_verify_async (fixture->fingerprint, 10, NULL, on_verify_ready, fixture);
  g_assert_true (wait_for_count (fixture, &fixture->scanning, 1));
  send_scan (fixture, OTHER_FINGER);
  finish (fixture);
  g_assert_error (fixture->error, FK_ERROR, FK_ERROR_FINGERPRINT_NO_MATCH);
  assert_failed_with (fixture, "The fingerprint did not match. Try again or use your PIN.");
}

static void
test_verify_match (Fixture       *fixture,
                   gconstpointer  data)
{
  verify_match (fixture);
  g_assert_cmpuint (fixture->retries, ==, 0);
}

static void
test_verify_retry_then_match (Fixture       *fixture,
                              gconstpointer  data)
{
  start_verify (fixture, 10);
  send_command (fixture, "RETRY " FP_RETRY_GENERAL);
  g_assert_true (wait_for_count (fixture, &fixture->retries, 1));
  g_assert_false (fixture->done);
  g_assert_cmpstr (fixture->hint, ==, "The finger was not read well. Lift it and place it on the reader again.");

  send_scan (fixture, ENROLLED_FINGER);
  finish (fixture);
  g_assert_no_error (fixture->error);
  g_assert_true (fixture->ok);
}

static void
test_verify_no_match (Fixture       *fixture,
                      gconstpointer  data)
{
  start_verify (fixture, 10);
  send_scan (fixture, OTHER_FINGER);
  finish (fixture);
  g_assert_error (fixture->error, FK_ERROR, FK_ERROR_FINGERPRINT_NO_MATCH);
  assert_failed_with (fixture, "The fingerprint did not match. Try again or use your PIN.");

  verify_match (fixture);
}

static void
test_verify_reader_error (Fixture       *fixture,
                          gconstpointer  data)
{
  start_verify (fixture, 10);
  send_command (fixture, "ERROR " FP_ERROR_GENERAL);
  finish (fixture);
  assert_failed_with (fixture, "The fingerprint reader failed. Try again or use your PIN.");

  verify_match (fixture);
}

static void
test_verify_disconnected (Fixture       *fixture,
                          gconstpointer  data)
{
  start_verify (fixture, 10);
  send_command (fixture, "ERROR " FP_ERROR_PROTO);
  finish (fixture);
  assert_failed_with (fixture, "The fingerprint reader was disconnected. Reconnect it and try again, or use your PIN.");

  verify_match (fixture);
}

static void
test_verify_timeout (Fixture       *fixture,
                     gconstpointer  data)
{
  gint64 started = g_get_monotonic_time ();
  gint64 elapsed;

  start_verify (fixture, 2);
  finish (fixture);
  elapsed = g_get_monotonic_time () - started;
  assert_failed_with (fixture, "No finger was read. Place your finger on the reader and try again, or use your PIN.");
  g_assert_cmpint (elapsed, >=, 2 * G_USEC_PER_SEC);
  g_assert_cmpint (elapsed, <, 6 * G_USEC_PER_SEC);

  verify_match (fixture);
}

static void
test_verify_cancelled (Fixture       *fixture,
                       gconstpointer  data)
{
  start_verify (fixture, 30);
  g_cancellable_cancel (fixture->cancellable);
  finish (fixture);
  g_assert_error (fixture->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (fixture->ok);

  verify_match (fixture);
}

static void
test_verify_cancelled_before_start (Fixture       *fixture,
                                    gconstpointer  data)
{
  reset (fixture);
  fk_fingerprint_verify_async (fixture->fingerprint, 30, fixture->cancellable, on_verify_ready, fixture);
  /* Cancelled while fprintd is still being asked for the device. */
  g_cancellable_cancel (fixture->cancellable);
  finish (fixture);
  g_assert_error (fixture->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (fixture->scanning, ==, 0);

  verify_match (fixture);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, set_up, test) \
  g_test_add (path, Fixture, NULL, set_up, test, fixture_tear_down)

  /* All on one level, so they run in this order: the first cases need
   * fprintd without an enrolled finger. */
  ADD ("/fingerprint/probe-without-finger", fixture_set_up, test_probe_without_finger);
  ADD ("/fingerprint/verify-without-finger", fixture_set_up, test_verify_without_finger);
  ADD ("/fingerprint/enroll", fixture_set_up, test_enroll);
  ADD ("/fingerprint/enroll-cancelled", fixture_set_up_enrolled, test_enroll_cancelled);
  ADD ("/fingerprint/verify-match", fixture_set_up_enrolled, test_verify_match);
  ADD ("/fingerprint/verify-retry-then-match", fixture_set_up_enrolled, test_verify_retry_then_match);
  ADD ("/fingerprint/verify-no-match", fixture_set_up_enrolled, test_verify_no_match);
  ADD ("/fingerprint/verify-reader-error", fixture_set_up_enrolled, test_verify_reader_error);
  ADD ("/fingerprint/verify-disconnected", fixture_set_up_enrolled, test_verify_disconnected);
  ADD ("/fingerprint/verify-timeout", fixture_set_up_enrolled, test_verify_timeout);
  ADD ("/fingerprint/verify-cancelled", fixture_set_up_enrolled, test_verify_cancelled);
  ADD ("/fingerprint/verify-cancelled-before-start", fixture_set_up_enrolled, test_verify_cancelled_before_start);

#undef ADD

  return g_test_run ();
}
