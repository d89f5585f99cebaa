/* fk-checklist-page.h: one event checklist: details, progress, and its
 * items by phase
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "fk-client.h"

G_BEGIN_DECLS

#define FK_TYPE_CHECKLIST_PAGE (fk_checklist_page_get_type ())
G_DECLARE_FINAL_TYPE (FkChecklistPage, fk_checklist_page, FK, CHECKLIST_PAGE, GtkWidget)

GtkWidget        *fk_checklist_page_new              (void);
FkClient         *fk_checklist_page_get_client       (FkChecklistPage  *self);
void              fk_checklist_page_set_client       (FkChecklistPage  *self,
                                                      FkClient         *client);
FkEventChecklist *fk_checklist_page_get_checklist    (FkChecklistPage  *self);
/* Notes still being typed go to the old checklist first. */
void              fk_checklist_page_set_checklist    (FkChecklistPage  *self,
                                                      FkEventChecklist *checklist);
/* Writes the checklist and its new operations to disk, then sends them;
 * a failure comes back as "toast". */
void              fk_checklist_page_save             (FkChecklistPage  *self);
/* Hands notes still being typed to the checklist (and saves them). */
void              fk_checklist_page_commit           (FkChecklistPage  *self);

/* Shared with the list: the same words in both places. */
char             *fk_checklist_page_dup_title        (FkEventChecklist *checklist);
/* "12 of 20" */
char             *fk_checklist_page_dup_progress     (FkEventChecklist *checklist);
/* Place and start, as far as they are known; "" when neither is. */
char             *fk_checklist_page_dup_where_when   (FkEventChecklist *checklist);

G_END_DECLS
