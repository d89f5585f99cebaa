/* fk-pin-pad.c: a touch keypad for entering a PIN
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The digits live only in a GString this widget owns; they are wiped after
 * every submit or clear, and never shown, logged or put in a GtkEntry.
 */
#define G_LOG_DOMAIN "fk-pin-pad"

#include "config.h"

#include <glib/gi18n.h>

#include "fk-crypto.h"
#include "fk-pin-pad.h"

/* Six dots even when fewer digits are entered, so the length a PIN usually
 * has is visible; longer PINs add dots up to this many digits. */
#define FK_PIN_PAD_MIN_DOTS 6
#define FK_PIN_PAD_MAX_DIGITS 12

struct _FkPinPad
{
  GtkWidget  parent_instance;

  GtkWidget *dots;
  GtkWidget *erase_button;
  GtkWidget *ok_button;

  GString   *digits;
};

G_DEFINE_FINAL_TYPE (FkPinPad, fk_pin_pad, GTK_TYPE_WIDGET)

enum {
  SUBMITTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
fk_pin_pad_wipe (FkPinPad *self)
{
  fk_crypto_wipe (self->digits->str, self->digits->allocated_len);
  g_string_truncate (self->digits, 0);
}

static void
fk_pin_pad_update (FkPinPad *self)
{
  GtkWidget *child;
  guint n_dots = MAX (FK_PIN_PAD_MIN_DOTS, self->digits->len);
  guint i = 0;
  g_autofree char *description = NULL;

  while ((child = gtk_widget_get_first_child (self->dots)) != NULL)
    gtk_box_remove (GTK_BOX (self->dots), child);

  for (i = 0; i < n_dots; i++)
    {
      GtkWidget *dot = gtk_image_new_from_icon_name (NULL);

      gtk_widget_add_css_class (dot, "fk-pin-dot");
      if (i < self->digits->len)
        gtk_widget_add_css_class (dot, "filled");
      gtk_box_append (GTK_BOX (self->dots), dot);
    }

  description = g_strdup_printf (ngettext ("%u digit entered",
                                           "%u digits entered",
                                           self->digits->len),
                                 (guint) self->digits->len);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->dots),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, description,
                                  -1);

  gtk_widget_set_sensitive (self->erase_button, self->digits->len > 0);
  gtk_widget_set_sensitive (self->ok_button, self->digits->len > 0);
}

static void
fk_pin_pad_add_digit (FkPinPad   *self,
                      char        digit)
{
  if (!gtk_widget_is_sensitive (GTK_WIDGET (self)))
    return;
  if (self->digits->len >= FK_PIN_PAD_MAX_DIGITS)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }

  g_string_append_c (self->digits, digit);
  fk_pin_pad_update (self);
}

static void
fk_pin_pad_erase (FkPinPad *self)
{
  if (!gtk_widget_is_sensitive (GTK_WIDGET (self)) || self->digits->len == 0)
    return;

  self->digits->str[self->digits->len - 1] = 0;
  g_string_truncate (self->digits, self->digits->len - 1);
  fk_pin_pad_update (self);
}

static void
fk_pin_pad_submit (FkPinPad *self)
{
  if (!gtk_widget_is_sensitive (GTK_WIDGET (self)) || self->digits->len == 0)
    return;

  g_signal_emit (self, signals[SUBMITTED], 0, self->digits->str);
  fk_pin_pad_wipe (self);
  fk_pin_pad_update (self);
}

static void
pin_pad_digit_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  const char *digit = g_variant_get_string (param, NULL);

  g_return_if_fail (g_ascii_isdigit (digit[0]) && digit[1] == 0);

  fk_pin_pad_add_digit (FK_PIN_PAD (widget), digit[0]);
}

static void
pin_pad_erase_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  fk_pin_pad_erase (FK_PIN_PAD (widget));
}

static void
pin_pad_submit_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  fk_pin_pad_submit (FK_PIN_PAD (widget));
}

/* Keys are template callbacks rather than actionable buttons, so a test or
 * a screen reader "clicked" reaches us synchronously. */
static void
on_digit_clicked (FkPinPad  *self,
                  GtkButton *button)
{
  const char *label = gtk_button_get_label (button);

  fk_pin_pad_add_digit (self, label[0]);
}

static void
on_erase_clicked (FkPinPad *self)
{
  fk_pin_pad_erase (self);
}

static void
on_ok_clicked (FkPinPad *self)
{
  fk_pin_pad_submit (self);
}

static void
fk_pin_pad_dispose (GObject *object)
{
  FkPinPad *self = (FkPinPad *) object;
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), FK_TYPE_PIN_PAD);
  /* Also the template's root box, which no field points at. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (fk_pin_pad_parent_class)->dispose (object);
}

static void
fk_pin_pad_finalize (GObject *object)
{
  FkPinPad *self = (FkPinPad *) object;

  fk_pin_pad_wipe (self);
  g_string_free (self->digits, TRUE);

  G_OBJECT_CLASS (fk_pin_pad_parent_class)->finalize (object);
}

static void
fk_pin_pad_class_init (FkPinPadClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fk_pin_pad_dispose;
  object_class->finalize = fk_pin_pad_finalize;

  /**
   * FkPinPad::submitted:
   * @pin: the digits; wiped as soon as the handlers return, so copy them
   *   only into memory that is wiped as well.
   */
  signals[SUBMITTED] =
    g_signal_new ("submitted",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/faltkoll/Faltkoll/ui/fk-pin-pad.ui");
  gtk_widget_class_bind_template_child (widget_class, FkPinPad, dots);
  gtk_widget_class_bind_template_child (widget_class, FkPinPad, erase_button);
  gtk_widget_class_bind_template_child (widget_class, FkPinPad, ok_button);
  gtk_widget_class_bind_template_callback (widget_class, on_digit_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_erase_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_ok_clicked);

  gtk_widget_class_install_action (widget_class, "pin-pad.digit", "s", pin_pad_digit_action);
  gtk_widget_class_install_action (widget_class, "pin-pad.erase", NULL, pin_pad_erase_action);
  gtk_widget_class_install_action (widget_class, "pin-pad.submit", NULL, pin_pad_submit_action);

  for (guint i = 0; i <= 9; i++)
    {
      char digit[2] = { (char) ('0' + i), 0 };

      gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0 + i, 0,
                                           "pin-pad.digit", "s", digit);
      gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_0 + i, 0,
                                           "pin-pad.digit", "s", digit);
    }
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_BackSpace, 0, "pin-pad.erase", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, 0, "pin-pad.submit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, 0, "pin-pad.submit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_ISO_Enter, 0, "pin-pad.submit", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "fk-pin-pad");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
fk_pin_pad_init (FkPinPad *self)
{
  self->digits = g_string_sized_new (FK_PIN_PAD_MAX_DIGITS + 1);

  gtk_widget_init_template (GTK_WIDGET (self));

  fk_pin_pad_update (self);
}

GtkWidget *
fk_pin_pad_new (void)
{
  return g_object_new (FK_TYPE_PIN_PAD, NULL);
}

void
fk_pin_pad_clear (FkPinPad *self)
{
  g_return_if_fail (FK_IS_PIN_PAD (self));

  fk_pin_pad_wipe (self);
  fk_pin_pad_update (self);
}
