/* fk-checklist-item-private.h: what FkEventChecklist changes in its items
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fk-checklist-item.h"

G_BEGIN_DECLS

FkChecklistItem *fk_checklist_item_new         (const char        *id,
                                                FkChecklistPhase   phase,
                                                const char        *text);
void             fk_checklist_item_set_answer  (FkChecklistItem   *self,
                                                FkChecklistAnswer  answer);
void             fk_checklist_item_set_note    (FkChecklistItem   *self,
                                                const char        *note);
void             fk_checklist_item_set_by      (FkChecklistItem   *self,
                                                const char        *by);

G_END_DECLS
