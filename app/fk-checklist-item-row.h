/* fk-checklist-item-row.h: one checklist item: its text, Yes / No / Not
 * applicable, and an optional note
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "fk-event-checklist.h"

G_BEGIN_DECLS

#define FK_TYPE_CHECKLIST_ITEM_ROW (fk_checklist_item_row_get_type ())
G_DECLARE_FINAL_TYPE (FkChecklistItemRow, fk_checklist_item_row, FK, CHECKLIST_ITEM_ROW, GtkWidget)

/* Changes go through @checklist, which records them as operations; the row
 * emits "changed" after each, for its owner to save. */
GtkWidget       *fk_checklist_item_row_new             (FkEventChecklist   *checklist,
                                                        FkChecklistItem    *item);
FkChecklistItem *fk_checklist_item_row_get_item        (FkChecklistItemRow *self);
/* The officer using the device: the "changed by" line names others only. */
void             fk_checklist_item_row_set_officer_id  (FkChecklistItemRow *self,
                                                        const char         *officer_id);
void             fk_checklist_item_row_set_editable    (FkChecklistItemRow *self,
                                                        gboolean            editable);
/* Hands a note still being typed to the checklist now. */
void             fk_checklist_item_row_commit_note     (FkChecklistItemRow *self);

G_END_DECLS
