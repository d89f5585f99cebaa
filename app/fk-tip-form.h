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

/* Completes once every edit made so far is durable as a draft: TRUE, or
 * FALSE when it cannot be saved now (locked) and stays in the form. */
void        fk_tip_form_flush_async  (FkTipForm           *self,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
gboolean    fk_tip_form_flush_finish (FkTipForm           *self,
                                      GAsyncResult        *result,
                                      GError             **error);

G_END_DECLS
