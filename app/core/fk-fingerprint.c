/* fk-fingerprint.c: the fingerprint reader, through fprintd
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fk-fingerprint"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "fk-error.h"
#include "fk-fingerprint.h"
#include "fk-fprintd.h"

#define FPRINTD_NAME         "net.reactivated.Fprint"
#define FPRINTD_MANAGER_PATH "/net/reactivated/Fprint/Manager"
#define FPRINTD_ERROR        "net.reactivated.Fprint.Error."

struct _FkFingerprint
{
  GObject parent_instance;
};

G_DEFINE_FINAL_TYPE (FkFingerprint, fk_fingerprint, G_TYPE_OBJECT)

enum {
  SCANNING,
  RETRY,
  ENROLL_PROGRESS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum {
  PROBE_HAS_DEVICE   = 1 << 0,
  PROBE_HAS_ENROLLED = 1 << 1,
};

static GError *
officer_error (const char *message)
{
  return g_error_new_literal (FK_ERROR, FK_ERROR_FAILED, message);
}

static gboolean
is_fprintd_error (const GError *error,
                  const char   *name)
{
  g_autofree char *remote = g_dbus_error_get_remote_error (error);

  return remote != NULL
         && g_str_has_prefix (remote, FPRINTD_ERROR)
         && g_str_equal (remote + strlen (FPRINTD_ERROR), name);
}

static gboolean
is_no_device (const GError *error)
{
  return g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN)
         || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER)
         || is_fprintd_error (error, "NoSuchDevice");
}

/* fprintd's own messages are for developers: the officer gets a sentence
 * that says what to do, the journal gets the detail. */
static GError *
error_from_dbus (const GError *error)
{
  g_autofree char *remote = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);

  g_debug ("fprintd: %s", error->message);

  if (is_no_device (error))
    return officer_error (_("No fingerprint reader was found. Use your PIN."));
  if (is_fprintd_error (error, "AlreadyInUse"))
    return officer_error (_("The fingerprint reader is in use by another app. Close it and try again, or use your PIN."));
  if (is_fprintd_error (error, "PermissionDenied"))
    return officer_error (_("Fältkoll is not allowed to use the fingerprint reader. Use your PIN."));
  if (is_fprintd_error (error, "NoEnrolledPrints"))
    return officer_error (_("No fingerprint is enrolled for you on this phone. Use your PIN."));

  /* Any other answer from fprintd means the reader had a problem; anything
   * else means fprintd itself could not be asked. */
  remote = g_dbus_error_get_remote_error (error);
  if (remote != NULL && g_str_has_prefix (remote, FPRINTD_ERROR))
    return officer_error (_("The fingerprint reader failed. Try again or use your PIN."));

  return officer_error (_("The fingerprint service could not be reached. Use your PIN."));
}

/* fprintd's statuses share their endings between verify and enroll. */
static const char *
retry_hint (const char *status)
{
  if (g_str_equal (status, "retry-scan"))
    return _("The finger was not read well. Lift it and place it on the reader again.");
  if (g_str_equal (status, "swipe-too-short"))
    return _("The swipe was too short. Swipe your finger again.");
  if (g_str_equal (status, "finger-not-centered"))
    return _("Place your finger in the middle of the reader.");
  if (g_str_equal (status, "remove-and-retry"))
    return _("Lift your finger and place it on the reader again.");

  return NULL;
}

/* The default device, as a proxy with its properties loaded. */

static void
on_device_proxy_ready (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  FkFprintdDevice *device;

  device = fk_fprintd_device_proxy_new_finish (result, &error);
  if (device == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, device, g_object_unref);
}

static void
on_default_device_ready (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  FkFprintdManager *manager = FK_FPRINTD_MANAGER (object);
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  if (!fk_fprintd_manager_call_get_default_device_finish (manager, &path, result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  fk_fprintd_device_proxy_new (g_dbus_proxy_get_connection (G_DBUS_PROXY (manager)),
                               G_DBUS_PROXY_FLAGS_NONE,
                               FPRINTD_NAME, path,
                               cancellable,
                               on_device_proxy_ready, g_steal_pointer (&task));
}

static void
on_manager_ready (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(FkFprintdManager) manager = NULL;
  g_autoptr(GError) error = NULL;

  manager = fk_fprintd_manager_proxy_new_finish (result, &error);
  if (manager == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  fk_fprintd_manager_call_get_default_device (manager, cancellable,
                                              on_default_device_ready, g_steal_pointer (&task));
}

static void
on_system_bus_ready (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GError) error = NULL;

  bus = g_bus_get_finish (result, &error);
  if (bus == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* fprintd is D-Bus activated on a phone: the first call starts it. */
  fk_fprintd_manager_proxy_new (bus,
                                G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES,
                                FPRINTD_NAME, FPRINTD_MANAGER_PATH,
                                cancellable,
                                on_manager_ready, g_steal_pointer (&task));
}

static void
default_device_async (GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, default_device_async);
  g_bus_get (G_BUS_TYPE_SYSTEM, cancellable, on_system_bus_ready, task);
}

static FkFprintdDevice *
default_device_finish (GAsyncResult  *result,
                       GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Probe */

static void
on_enrolled_fingers_ready (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_auto(GStrv) fingers = NULL;
  g_autoptr(GError) error = NULL;

  if (!fk_fprintd_device_call_list_enrolled_fingers_finish (FK_FPRINTD_DEVICE (object),
                                                            &fingers, result, &error))
    {
      if (is_fprintd_error (error, "NoEnrolledPrints"))
        g_task_return_int (task, PROBE_HAS_DEVICE);
      else
        g_task_return_error (task, error_from_dbus (error));
      return;
    }

  g_task_return_int (task, PROBE_HAS_DEVICE
                           | (fingers != NULL && fingers[0] != NULL ? PROBE_HAS_ENROLLED : 0));
}

static void
on_probe_device_ready (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(FkFprintdDevice) device = NULL;
  g_autoptr(GError) error = NULL;

  device = default_device_finish (result, &error);
  if (device == NULL)
    {
      if (is_no_device (error))
        g_task_return_int (task, 0);
      else
        g_task_return_error (task, error_from_dbus (error));
      return;
    }

  fk_fprintd_device_call_list_enrolled_fingers (device, g_get_user_name (),
                                                cancellable,
                                                on_enrolled_fingers_ready,
                                                g_steal_pointer (&task));
}

void
fk_fingerprint_probe_async (FkFingerprint       *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (FK_IS_FINGERPRINT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fk_fingerprint_probe_async);
  default_device_async (cancellable, on_probe_device_ready, g_steal_pointer (&task));
}

gboolean
fk_fingerprint_probe_finish (FkFingerprint  *self,
                             GAsyncResult   *result,
                             gboolean       *has_device,
                             gboolean       *has_enrolled_finger,
                             GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  gssize flags;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  flags = g_task_propagate_int (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (has_device != NULL)
    *has_device = (flags & PROBE_HAS_DEVICE) != 0;
  if (has_enrolled_finger != NULL)
    *has_enrolled_finger = (flags & PROBE_HAS_ENROLLED) != 0;

  return TRUE;
}

/* Verify and enroll: claim, start, wait for the status that ends it, then
 * always stop and release, whatever ended it. */

typedef enum {
  OP_VERIFY,
  OP_ENROLL,
} OpKind;

typedef struct {
  OpKind           kind;
  char            *finger;
  guint            timeout_seconds;
  FkFprintdDevice *device;
  gulong           status_id;
  GSource         *timeout_source;
  GSource         *cancel_source;
  guint            stages_done;
  gboolean         claimed;
  gboolean         started;
  /* A call to fprintd is under way: its reply decides the next step. */
  gboolean         in_flight;
  gboolean         stopping;
  GError          *error;
} Op;

static void
clear_source (GSource **source)
{
  if (*source != NULL)
    g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

static void
op_free (Op *op)
{
  if (op->device != NULL)
    g_clear_signal_handler (&op->status_id, op->device);
  clear_source (&op->timeout_source);
  clear_source (&op->cancel_source);
  g_clear_object (&op->device);
  g_clear_error (&op->error);
  g_free (op->finger);
  g_free (op);
}

static void op_step_down (GTask *task);

/* Records how the operation ends (@error NULL: success).  The first outcome
 * wins; later ones are dropped. */
static void
op_set_outcome (Op     *op,
                GError *error)
{
  if (op->stopping)
    {
      g_clear_error (&error);
      return;
    }

  op->stopping = TRUE;
  op->error = error;
  clear_source (&op->timeout_source);
  clear_source (&op->cancel_source);
  if (op->device != NULL)
    g_clear_signal_handler (&op->status_id, op->device);
}

/* Ends the operation on something fprintd or the clock said.  The device is
 * stopped and released before the task returns, so the next operation finds
 * it free; a call under way finishes first and steps down from its reply. */
static void
op_stop (GTask  *task,
         GError *error)
{
  Op *op = g_task_get_task_data (task);
  gboolean was_stopping = op->stopping;

  op_set_outcome (op, error);
  if (!was_stopping && !op->in_flight)
    op_step_down (task);
}

static void
on_stopped (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (op->kind == OP_VERIFY)
    ok = fk_fprintd_device_call_verify_stop_finish (op->device, result, &error);
  else
    ok = fk_fprintd_device_call_enroll_stop_finish (op->device, result, &error);

  /* Release follows anyway, and fprintd also stops on release. */
  if (!ok)
    g_debug ("Stopping the fingerprint reader failed: %s", error->message);

  op->in_flight = FALSE;
  op_step_down (task);
}

static void
on_released (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!fk_fprintd_device_call_release_finish (op->device, result, &error))
    g_debug ("Releasing the fingerprint reader failed: %s", error->message);

  op->in_flight = FALSE;
  op_step_down (task);
}

/* One step of the way back from wherever the operation got to.  The task's
 * only reference travels along the calls and is dropped here at the end. */
static void
op_step_down (GTask *task)
{
  Op *op = g_task_get_task_data (task);

  g_assert (op->stopping && !op->in_flight);

  if (op->started)
    {
      op->started = FALSE;
      op->in_flight = TRUE;
      /* Not the task's cancellable: cleanup must run after a cancel too. */
      if (op->kind == OP_VERIFY)
        fk_fprintd_device_call_verify_stop (op->device, NULL, on_stopped, task);
      else
        fk_fprintd_device_call_enroll_stop (op->device, NULL, on_stopped, task);
      return;
    }

  if (op->claimed)
    {
      op->claimed = FALSE;
      op->in_flight = TRUE;
      fk_fprintd_device_call_release (op->device, NULL, on_released, task);
      return;
    }

  if (op->error != NULL)
    g_task_return_error (task, g_steal_pointer (&op->error));
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static gboolean
on_timeout (gpointer user_data)
{
  GTask *task = user_data;

  op_stop (task, officer_error (_("No finger was read. Place your finger on the reader and try again, or use your PIN.")));
  return G_SOURCE_REMOVE;
}

static void
arm_timeout (GTask *task)
{
  Op *op = g_task_get_task_data (task);

  clear_source (&op->timeout_source);
  if (op->timeout_seconds == 0)
    return;

  op->timeout_source = g_timeout_source_new (MIN (op->timeout_seconds, G_MAXUINT / 1000) * 1000);
  g_source_set_callback (op->timeout_source, on_timeout, task, NULL);
  g_source_attach (op->timeout_source, g_task_get_context (task));
}

static gboolean
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  g_cancellable_set_error_if_cancelled (cancellable, &error);
  op_stop (task, error);
  return G_SOURCE_REMOVE;
}

static void
on_verify_status (GTask      *task,
                  const char *status)
{
  FkFingerprint *self = g_task_get_source_object (task);
  const char *hint = retry_hint (status);

  if (hint != NULL)
    {
      g_signal_emit (self, signals[RETRY], 0, hint);
      arm_timeout (task);
    }
  else if (g_str_equal (status, "match"))
    op_stop (task, NULL);
  else if (g_str_equal (status, "no-match"))
    op_stop (task, g_error_new_literal (FK_ERROR, FK_ERROR_FINGERPRINT_NO_MATCH,
                                        fk_error_code_to_message (FK_ERROR_FINGERPRINT_NO_MATCH)));
  else if (g_str_equal (status, "disconnected"))
    op_stop (task, officer_error (_("The fingerprint reader was disconnected. Reconnect it and try again, or use your PIN.")));
  else
    op_stop (task, officer_error (_("The fingerprint reader failed. Try again or use your PIN.")));
}

static void
on_enroll_status (GTask      *task,
                  const char *status)
{
  FkFingerprint *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);
  guint n_stages = MAX (fk_fprintd_device_get_num_enroll_stages (op->device), 0);
  const char *hint = retry_hint (status);

  if (hint != NULL)
    {
      g_signal_emit (self, signals[RETRY], 0, hint);
    }
  else if (g_str_equal (status, "stage-passed"))
    {
      op->stages_done++;
      g_signal_emit (self, signals[ENROLL_PROGRESS], 0, op->stages_done, MAX (n_stages, op->stages_done));
    }
  else if (g_str_equal (status, "completed"))
    {
      /* fprintd reports the last stage only as completed. */
      if (op->stages_done < n_stages)
        {
          op->stages_done = n_stages;
          g_signal_emit (self, signals[ENROLL_PROGRESS], 0, n_stages, n_stages);
        }
      op_stop (task, NULL);
    }
  else if (g_str_equal (status, "duplicate"))
    op_stop (task, officer_error (_("This finger is already enrolled. Use another finger.")));
  else if (g_str_equal (status, "data-full"))
    op_stop (task, officer_error (_("The fingerprint reader has no room for another fingerprint. Remove an old one and try again.")));
  else if (g_str_equal (status, "disconnected"))
    op_stop (task, officer_error (_("The fingerprint reader was disconnected. Reconnect it and try again, or use your PIN.")));
  else if (g_str_equal (status, "failed"))
    op_stop (task, officer_error (_("The fingerprint could not be enrolled. Try again.")));
  else
    op_stop (task, officer_error (_("The fingerprint reader failed. Try again or use your PIN.")));
}

static void
on_status (FkFprintdDevice *device,
           const char      *result,
           gboolean         done,
           gpointer         user_data)
{
  GTask *task = user_data;
  Op *op = g_task_get_task_data (task);
  const char *prefix = op->kind == OP_VERIFY ? "verify-" : "enroll-";

  /* fprintd sends a device's status to every listener: before our claim
   * it is someone else's verify (the lock screen's match, say), not ours. */
  if (op->stopping || !op->claimed)
    return;

  if (!g_str_has_prefix (result, prefix))
    {
      op_stop (task, officer_error (_("The fingerprint reader failed. Try again or use your PIN.")));
      return;
    }

  if (op->kind == OP_VERIFY)
    on_verify_status (task, result + strlen (prefix));
  else
    on_enroll_status (task, result + strlen (prefix));
}

static void
on_started (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  op->in_flight = FALSE;

  if (op->kind == OP_VERIFY)
    ok = fk_fprintd_device_call_verify_start_finish (op->device, result, &error);
  else
    ok = fk_fprintd_device_call_enroll_start_finish (op->device, result, &error);

  if (!ok)
    {
      op_set_outcome (op, error_from_dbus (error));
      op_step_down (task);
      return;
    }

  op->started = TRUE;
  if (op->stopping)
    {
      op_step_down (task);
      return;
    }

  arm_timeout (task);
  g_signal_emit (g_task_get_source_object (task), signals[SCANNING], 0);
}

static void
on_claimed (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  op->in_flight = FALSE;

  if (!fk_fprintd_device_call_claim_finish (op->device, result, &error))
    {
      op_set_outcome (op, error_from_dbus (error));
      op_step_down (task);
      return;
    }

  op->claimed = TRUE;
  if (op->stopping)
    {
      op_step_down (task);
      return;
    }

  op->in_flight = TRUE;
  if (op->kind == OP_VERIFY)
    fk_fprintd_device_call_verify_start (op->device, op->finger, NULL, on_started, task);
  else
    fk_fprintd_device_call_enroll_start (op->device, op->finger, NULL, on_started, task);
}

static void
on_op_device_ready (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GTask *task = user_data;
  Op *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  op->in_flight = FALSE;

  op->device = default_device_finish (result, &error);
  if (op->device == NULL)
    {
      op_set_outcome (op, error_from_dbus (error));
      op_step_down (task);
      return;
    }

  if (op->stopping)
    {
      op_step_down (task);
      return;
    }

  op->status_id = g_signal_connect (op->device,
                                    op->kind == OP_VERIFY ? "verify-status" : "enroll-status",
                                    G_CALLBACK (on_status), task);

  /* Claim and start get no cancellable: a call cancelled on our side may
   * still have claimed the device on fprintd's, and then nothing would
   * release it.  A cancel waits for the reply instead. */
  op->in_flight = TRUE;
  fk_fprintd_device_call_claim (op->device, g_get_user_name (), NULL, on_claimed, task);
}

static void
op_run (FkFingerprint       *self,
        OpKind               kind,
        const char          *finger,
        guint                timeout_seconds,
        GCancellable        *cancellable,
        GAsyncReadyCallback  callback,
        gpointer             user_data,
        gpointer             source_tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Op *op = g_new0 (Op, 1);

  g_task_set_source_tag (task, source_tag);
  op->kind = kind;
  op->finger = g_strdup (finger);
  op->timeout_seconds = timeout_seconds;
  g_task_set_task_data (task, op, (GDestroyNotify) op_free);

  if (cancellable != NULL)
    {
      op->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (op->cancel_source, G_SOURCE_FUNC (on_cancelled), task, NULL);
      g_source_attach (op->cancel_source, g_task_get_context (task));
    }

  op->in_flight = TRUE;
  default_device_async (cancellable, on_op_device_ready, task);
}

void
fk_fingerprint_verify_async (FkFingerprint       *self,
                             guint                timeout_seconds,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (FK_IS_FINGERPRINT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  op_run (self, OP_VERIFY, "any", timeout_seconds, cancellable, callback, user_data,
          fk_fingerprint_verify_async);
}

gboolean
fk_fingerprint_verify_finish (FkFingerprint  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == fk_fingerprint_verify_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
fk_fingerprint_enroll_async (FkFingerprint       *self,
                             const char          *finger,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (FK_IS_FINGERPRINT (self));
  g_return_if_fail (finger != NULL && *finger != '\0');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  op_run (self, OP_ENROLL, finger, 0, cancellable, callback, user_data,
          fk_fingerprint_enroll_async);
}

gboolean
fk_fingerprint_enroll_finish (FkFingerprint  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == fk_fingerprint_enroll_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
fk_fingerprint_class_init (FkFingerprintClass *klass)
{
  /**
   * FkFingerprint::scanning:
   *
   * The reader waits for a finger: time to say "Place your finger on the
   * reader".
   */
  signals[SCANNING] =
    g_signal_new ("scanning",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * FkFingerprint::retry:
   * @hint: a translated sentence telling the officer how to scan again
   *
   * The last scan was not usable; the reader waits for another.
   */
  signals[RETRY] =
    g_signal_new ("retry",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * FkFingerprint::enroll-progress:
   * @done: stages scanned so far
   * @total: stages needed, or 0 when the reader does not say
   */
  signals[ENROLL_PROGRESS] =
    g_signal_new ("enroll-progress",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
}

static void
fk_fingerprint_init (FkFingerprint *self)
{
}

FkFingerprint *
fk_fingerprint_new (void)
{
  return g_object_new (FK_TYPE_FINGERPRINT, NULL);
}
