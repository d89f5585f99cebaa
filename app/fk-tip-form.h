/* fk-tip-form.h: the form for one hotel tip
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "fk-client.h"

G_BEGIN_DECLS

#define FK_TYPE_TIP_FORM (fk_tip_form_get_type ())
G_DECLARE_FINAL_TYPE (FkTipForm, fk_tip_form, FK, TIP_FORM, GtkWidget)

FkClient   *fk_tip_form_get_client  (FkTipForm  *self);
void        fk_tip_form_set_client  (FkTipForm  *self,
                                     FkClient   *client);
FkHotelTip *fk_tip_form_get_tip     (FkTipForm  *self);
/* The form edits @tip in place; hand it a copy to keep the original. */
void        fk_tip_form_set_tip     (FkTipForm  *self,
                                     FkHotelTip *tip);

G_END_DECLS
