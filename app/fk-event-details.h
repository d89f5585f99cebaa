/* fk-event-details.h: the form for an event's details
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "fk-event-checklist.h"

G_BEGIN_DECLS

#define FK_TYPE_EVENT_DETAILS (fk_event_details_get_type ())
G_DECLARE_FINAL_TYPE (FkEventDetails, fk_event_details, FK, EVENT_DETAILS, GtkWidget)

GtkWidget        *fk_event_details_new            (void);
/* Fills the form from @checklist; @suggested_region (or NULL) is chosen
 * when the checklist has no region yet. */
void              fk_event_details_edit           (FkEventDetails   *self,
                                                   FkEventChecklist *checklist,
                                                   const char       *suggested_region);
FkEventChecklist *fk_event_details_get_checklist  (FkEventDetails   *self);
/* Checks the fields; if they are right, hands a change to the checklist
 * (one operation) and emits "saved". FALSE when a field needs fixing. */
gboolean          fk_event_details_save           (FkEventDetails   *self);

G_END_DECLS
