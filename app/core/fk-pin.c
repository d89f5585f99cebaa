/* fk-pin.c: which PINs are strong enough to guard the Mobile service ID
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The server disables the token after five wrong PINs, so what matters is
 * that a PIN is not among the first few anyone would try.
 */
#define G_LOG_DOMAIN "fk-pin"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fk-client.h"
#include "fk-error.h"

#define MIN_PIN_DIGITS 6
#define MAX_PIN_DIGITS 12
#define MAX_PERIOD     3

/* Common PINs that the rules below do not catch: keypad shapes and
 * well-known choices.  Repeats and series are refused by rule. */
static const char * const common_pins[] = {
  "112233", "159753", "147258", "258369", "789456", "147369", "159357",
  "357159", "753159", "951753", "741852", "852963", "963852", "369258",
  "258456", "456852", "142536", "102030", "147852", "123654", "654123",
  "123789", "789123", "135790", "246810", "135791",
};

/* Every step +1 or every step -1, wrapping 9→0: 123456, 987654, 890123. */
static gboolean
is_series (const char *pin,
           gsize       length)
{
  gboolean up = TRUE;
  gboolean down = TRUE;

  for (gsize i = 1; i < length; i++)
    {
      int step = (pin[i] - pin[i - 1] + 10) % 10;

      up = up && step == 1;
      down = down && step == 9;
    }

  return up || down;
}

/* 111111, 121212, 123123: a block of at most three digits over and over. */
static gboolean
is_short_pattern (const char *pin,
                  gsize       length)
{
  for (gsize period = 1; period <= MAX_PERIOD; period++)
    {
      gboolean repeats = TRUE;

      for (gsize i = period; repeats && i < length; i++)
        repeats = pin[i] == pin[i - period];
      if (repeats)
        return TRUE;
    }

  return FALSE;
}

/* 112233, 998877: a series with each digit doubled. */
static gboolean
is_doubled_series (const char *pin,
                   gsize       length)
{
  g_autofree char *halved = NULL;

  if (length % 2 != 0)
    return FALSE;

  halved = g_malloc (length / 2);
  for (gsize i = 0; i < length; i += 2)
    {
      if (pin[i] != pin[i + 1])
        return FALSE;
      halved[i / 2] = pin[i];
    }

  return is_series (halved, length / 2);
}

static gboolean
is_common (const char *pin)
{
  for (guint i = 0; i < G_N_ELEMENTS (common_pins); i++)
    if (g_str_equal (common_pins[i], pin))
      return TRUE;

  return FALSE;
}

gboolean
fk_pin_check_strength (const char  *pin,
                       GError     **error)
{
  gsize length;

  g_return_val_if_fail (pin != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  length = strlen (pin);
  for (gsize i = 0; i < length; i++)
    {
      if (!g_ascii_isdigit (pin[i]))
        {
          g_set_error_literal (error, FK_ERROR, FK_ERROR_WEAK_PIN,
                               _("Use only digits in the PIN."));
          return FALSE;
        }
    }

  if (length < MIN_PIN_DIGITS)
    {
      g_set_error (error, FK_ERROR, FK_ERROR_WEAK_PIN,
                   _("The PIN is too short: use at least %d digits."), MIN_PIN_DIGITS);
      return FALSE;
    }

  if (length > MAX_PIN_DIGITS)
    {
      g_set_error (error, FK_ERROR, FK_ERROR_WEAK_PIN,
                   _("The PIN is too long: use at most %d digits."), MAX_PIN_DIGITS);
      return FALSE;
    }

  if (is_series (pin, length) || is_short_pattern (pin, length) ||
      is_doubled_series (pin, length) || is_common (pin))
    {
      g_set_error_literal (error, FK_ERROR, FK_ERROR_WEAK_PIN,
                           _("This PIN is too easy to guess. Avoid repeated digits, series and common PINs."));
      return FALSE;
    }

  return TRUE;
}
