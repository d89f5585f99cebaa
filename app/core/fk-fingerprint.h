/* fk-fingerprint.h: the fingerprint reader, through fprintd
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Talks to fprintd on the system bus (DBUS_SYSTEM_BUS_ADDRESS is honoured,
 * so tests can use a private bus).  Every operation claims the default
 * reader only for as long as it runs and always releases it, also when it
 * fails, times out or is cancelled.  Errors are FK_ERROR with a sentence
 * for the officer; cancellation is G_IO_ERROR_CANCELLED.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define FK_TYPE_FINGERPRINT (fk_fingerprint_get_type ())
G_DECLARE_FINAL_TYPE (FkFingerprint, fk_fingerprint, FK, FINGERPRINT, GObject)

FkFingerprint *fk_fingerprint_new            (void);

/* Whether there is a reader, and whether the current user has a finger
 * enrolled on it.  No fprintd or no reader is not an error. */
void           fk_fingerprint_probe_async    (FkFingerprint        *self,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
gboolean       fk_fingerprint_probe_finish   (FkFingerprint        *self,
                                              GAsyncResult         *result,
                                              gboolean             *has_device,
                                              gboolean             *has_enrolled_finger,
                                              GError              **error);

/* TRUE only when fprintd reported verify-match for the current user with
 * any enrolled finger.  Emits ::scanning when the reader waits for a finger
 * and ::retry for a scan to repeat; gives up after @timeout_seconds without
 * a result, counted again after each retry (0: wait until cancelled). */
void           fk_fingerprint_verify_async   (FkFingerprint        *self,
                                              guint                 timeout_seconds,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
gboolean       fk_fingerprint_verify_finish  (FkFingerprint        *self,
                                              GAsyncResult         *result,
                                              GError              **error);

/* Enrolls @finger (an fprintd finger name such as "right-index-finger") for
 * the current user.  Emits ::scanning, ::enroll-progress after each stage
 * and ::retry; runs until done or cancelled. */
void           fk_fingerprint_enroll_async   (FkFingerprint        *self,
                                              const char           *finger,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
gboolean       fk_fingerprint_enroll_finish  (FkFingerprint        *self,
                                              GAsyncResult         *result,
                                              GError              **error);

G_END_DECLS
