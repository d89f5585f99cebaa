/* fk-record-state.h: a record's state as the officer sees it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "fk-hotel-tip.h"

G_BEGIN_DECLS

/* "Draft", "Waiting", "Sent" or "Failed": the same words for tips and
 * checklists, wherever they are listed. */
const char *fk_record_state_to_label  (FkRecordState  state);
/* Shows @state on @label: the word, so the state never rests on colour
 * alone, and the fk-state-* class that colours it. */
void        fk_record_state_show      (GtkLabel      *label,
                                       FkRecordState  state);

G_END_DECLS
