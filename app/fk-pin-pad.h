/* fk-pin-pad.h: a touch keypad for entering a PIN
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define FK_TYPE_PIN_PAD (fk_pin_pad_get_type ())
G_DECLARE_FINAL_TYPE (FkPinPad, fk_pin_pad, FK, PIN_PAD, GtkWidget)

GtkWidget *fk_pin_pad_new    (void);
/* Forgets the digits entered so far and wipes them from memory. */
void       fk_pin_pad_clear  (FkPinPad *self);

G_END_DECLS
