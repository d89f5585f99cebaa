/* fk-checklist-list.h: the Events view: event checklists, ongoing and
 * done, and the way into one
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "fk-client.h"

G_BEGIN_DECLS

#define FK_TYPE_CHECKLIST_LIST (fk_checklist_list_get_type ())
G_DECLARE_FINAL_TYPE (FkChecklistList, fk_checklist_list, FK, CHECKLIST_LIST, GtkWidget)

/* Actions: "checklists.new" (also Ctrl+N while the view shows).
 * Signals: "toast" (const char *text), for the window to show. */
GtkWidget *fk_checklist_list_new               (void);
FkClient  *fk_checklist_list_get_client        (FkChecklistList *self);
void       fk_checklist_list_set_client        (FkChecklistList *self,
                                                FkClient        *client);
/* Whether the list shows, not a checklist or its details form, which
 * take the whole window. */
gboolean   fk_checklist_list_get_showing_list  (FkChecklistList *self);
/* Hands a note still being typed to its checklist and saves it: call it
 * before locking, so nothing typed is lost. */
void       fk_checklist_list_commit            (FkChecklistList *self);
/* Opens @checklist, as a tap on its row does. */
void       fk_checklist_list_show_checklist    (FkChecklistList  *self,
                                                FkEventChecklist *checklist);

G_END_DECLS
