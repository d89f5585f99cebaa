/* fk-tip-form-private.h: what the UI tests look at inside FkTipForm
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fk-tip-form.h"

G_BEGIN_DECLS

/* The row (or text view) editing FkHotelTip's @property. */
GtkWidget  *fk_tip_form_get_field_widget  (FkTipForm  *self,
                                           const char *property);
/* The error shown under that field, or NULL when none is shown. */
const char *fk_tip_form_get_field_error   (FkTipForm  *self,
                                           const char *property);

G_END_DECLS
