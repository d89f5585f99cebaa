/* fk-tip-list.h: the officer's hotel tips, newest first
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "fk-client.h"

G_BEGIN_DECLS

#define FK_TYPE_TIP_LIST (fk_tip_list_get_type ())
G_DECLARE_FINAL_TYPE (FkTipList, fk_tip_list, FK, TIP_LIST, GtkWidget)

FkClient   *fk_tip_list_get_client      (FkTipList     *self);
void        fk_tip_list_set_client      (FkTipList     *self,
                                         FkClient      *client);

G_END_DECLS
