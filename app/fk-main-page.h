/* fk-main-page.h: what an officer with a running session sees
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "fk-client.h"

G_BEGIN_DECLS

#define FK_TYPE_MAIN_PAGE (fk_main_page_get_type ())
G_DECLARE_FINAL_TYPE (FkMainPage, fk_main_page, FK, MAIN_PAGE, GtkWidget)

FkClient *fk_main_page_get_client  (FkMainPage *self);
void      fk_main_page_set_client  (FkMainPage *self,
                                    FkClient   *client);
/* The Events view, with @checklist open. */
void      fk_main_page_show_checklist (FkMainPage       *self,
                                       FkEventChecklist *checklist);

G_END_DECLS
