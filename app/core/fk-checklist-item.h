/* fk-checklist-item.h: one item of an event checklist, as shown
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fk-checklist-template.h"

G_BEGIN_DECLS

typedef enum {
  FK_CHECKLIST_ANSWER_NONE,
  FK_CHECKLIST_ANSWER_YES,
  FK_CHECKLIST_ANSWER_NO,
  FK_CHECKLIST_ANSWER_NOT_APPLICABLE,
} FkChecklistAnswer;

#define FK_TYPE_CHECKLIST_ITEM (fk_checklist_item_get_type ())
G_DECLARE_FINAL_TYPE (FkChecklistItem, fk_checklist_item, FK, CHECKLIST_ITEM, GObject)

/* Read-only to the UI: change items through FkEventChecklist, which keeps
 * the operations the server merges. Properties: "id", "phase", "text",
 * "answer" (int FkChecklistAnswer), "note", "by" (who changed it last). */
const char        *fk_checklist_item_get_id      (FkChecklistItem *self);
FkChecklistPhase   fk_checklist_item_get_phase   (FkChecklistItem *self);
const char        *fk_checklist_item_get_text    (FkChecklistItem *self);
FkChecklistAnswer  fk_checklist_item_get_answer  (FkChecklistItem *self);
const char        *fk_checklist_item_get_note    (FkChecklistItem *self);
const char        *fk_checklist_item_get_by      (FkChecklistItem *self);

const char        *fk_checklist_answer_to_string (FkChecklistAnswer answer);
gboolean           fk_checklist_answer_from_string (const char      *text,
                                                    FkChecklistAnswer *answer);
/* Translated: "Yes", "No", "Not applicable". */
const char        *fk_checklist_answer_to_label  (FkChecklistAnswer answer);

G_END_DECLS
