/* fk-session.h: a login's 10 hours, counted on CLOCK_BOOTTIME
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The server sets the length; the device counts it on the boot-time clock,
 * which keeps counting through suspend and ignores wall-clock changes.
 * On resume (logind's PrepareForSleep on the system bus) it looks again at
 * once and emits ::resumed.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define FK_SESSION_WARNING_SECONDS (15 * 60)

#define FK_TYPE_SESSION (fk_session_get_type ())
G_DECLARE_FINAL_TYPE (FkSession, fk_session, FK, SESSION, GObject)

FkSession   *fk_session_new            (const char  *session_token,
                                        GBytes      *data_key,
                                        gint64       expires_in_seconds);
/* NULL with FK_ERROR_SESSION_EXPIRED when it has run out or the device
 * rebooted since (the boot-time clock restarted). */
FkSession   *fk_session_new_from_json  (const char  *json,
                                        GError     **error);
char        *fk_session_to_json        (FkSession   *self);

const char  *fk_session_get_token      (FkSession   *self);
GBytes      *fk_session_get_data_key   (FkSession   *self);
gint64       fk_session_get_remaining  (FkSession   *self);
gboolean     fk_session_get_expired    (FkSession   *self);
/* Ends it now: wipes the secrets and emits ::expired once. */
void         fk_session_expire         (FkSession   *self);

/* Microseconds on CLOCK_BOOTTIME. */
gint64       fk_session_boottime_now   (void);

G_END_DECLS
