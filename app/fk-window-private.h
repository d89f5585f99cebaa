/* fk-window-private.h: what the UI tests adjust inside FkWindow
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fk-window.h"

G_BEGIN_DECLS

/* How long one minute of the idle-lock-minutes setting lasts, in
 * milliseconds (60000), so a test can watch the lock in seconds. */
void      fk_window_set_idle_minute_length  (FkWindow *self,
                                             guint     milliseconds);
/* Whether the idle timer is running: only while a session is unlocked. */
gboolean  fk_window_get_idle_timer_running  (FkWindow *self);

G_END_DECLS
