/* test-pin.c: which PINs fk_pin_check_strength lets through
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "fk-client.h"
#include "fk-error.h"

static char *
message_for (const char *pin)
{
  g_autoptr(GError) error = NULL;

  g_test_message ("%s", pin);
  g_assert_false (fk_pin_check_strength (pin, &error));
  g_assert_error (error, FK_ERROR, FK_ERROR_WEAK_PIN);
  g_assert_true (g_str_has_suffix (error->message, "."));
  /* The PIN is a secret: never in a message. */
  if (pin[0] != '\0')
    g_assert_null (strstr (error->message, pin));

  return g_strdup (error->message);
}

static void
test_good (void)
{
  const char *pins[] = {
    "583920", "740391", "246813", "902817", "19283746", "555123",
    "123457", "908172635401", "1231234", "12341234", "130313",
  };

  for (guint i = 0; i < G_N_ELEMENTS (pins); i++)
    {
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", pins[i]);
      g_assert_true (fk_pin_check_strength (pins[i], &error));
      g_assert_no_error (error);
    }

  /* No GError wanted: the answer alone. */
  g_assert_true (fk_pin_check_strength ("583920", NULL));
  g_assert_false (fk_pin_check_strength ("123456", NULL));
}

static void
assert_all_say (const char * const *pins,
                gsize               n_pins,
                const char         *expected)
{
  for (gsize i = 0; i < n_pins; i++)
    {
      g_autofree char *message = message_for (pins[i]);

      g_assert_cmpstr (message, ==, expected);
    }
}

static void
test_shape (void)
{
  g_autofree char *short_message = message_for ("58392");
  g_autofree char *long_message = message_for ("5839205839201");
  g_autofree char *digits_message = message_for ("5839a0");
  g_autofree char *easy_message = message_for ("123456");
  const char *too_short[] = { "", "1", "04719" };
  const char *not_digits[] = { "58 392 0", "583920 ", "５８３９２０", "58-39-20", "abcdef", "1é2345" };

  g_assert_cmpstr (short_message, !=, long_message);
  g_assert_cmpstr (short_message, !=, digits_message);
  g_assert_cmpstr (short_message, !=, easy_message);
  g_assert_cmpstr (digits_message, !=, easy_message);
  g_assert_cmpstr (long_message, !=, easy_message);

  assert_all_say (too_short, G_N_ELEMENTS (too_short), short_message);
  assert_all_say (not_digits, G_N_ELEMENTS (not_digits), digits_message);
}

static void
test_easy (gconstpointer data)
{
  const char * const *pins = data;
  g_autofree char *easy_message = message_for ("123456");

  for (guint i = 0; pins[i] != NULL; i++)
    {
      g_autofree char *message = message_for (pins[i]);

      g_assert_cmpstr (message, ==, easy_message);
    }
}

static const char *same_digit[] = { "000000", "111111", "7777777", "999999999999", NULL };
static const char *ascending[] = { "123456", "012345", "345678", "34567890", "123456789012", NULL };
static const char *descending[] = { "654321", "987654", "543210", "9876543210", NULL };
static const char *wrapping[] = { "890123", "901234", "109876", "210987", "789012345", NULL };
static const char *period_two[] = { "121212", "696969", "101010", "131313", "1010101010", "909090909", NULL };
static const char *period_three[] = { "123123", "520520", "905905905", "4564564", "100100", NULL };
static const char *doubled_series[] = { "112233", "334455", "998877", "990011", "11223344", NULL };
static const char *blocklist[] = { "159753", "147258", "258369", "789456", "147369", "159357", "741852", NULL };

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/pin/good", test_good);
  g_test_add_func ("/pin/shape", test_shape);
  g_test_add_data_func ("/pin/easy/same-digit", same_digit, test_easy);
  g_test_add_data_func ("/pin/easy/ascending", ascending, test_easy);
  g_test_add_data_func ("/pin/easy/descending", descending, test_easy);
  g_test_add_data_func ("/pin/easy/wrapping", wrapping, test_easy);
  g_test_add_data_func ("/pin/easy/period-two", period_two, test_easy);
  g_test_add_data_func ("/pin/easy/period-three", period_three, test_easy);
  g_test_add_data_func ("/pin/easy/doubled-series", doubled_series, test_easy);
  g_test_add_data_func ("/pin/easy/blocklist", blocklist, test_easy);

  return g_test_run ();
}
