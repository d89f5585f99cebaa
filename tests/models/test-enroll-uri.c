/* test-enroll-uri.c: reading faltkoll://enroll links
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "fk-client.h"
#include "fk-error.h"

#define PIN "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
#define PIN_UPPER "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08"

static void
assert_parses (const char *uri,
               const char *server,
               const char *code,
               const char *pin)
{
  g_autofree char *server_out = NULL;
  g_autofree char *code_out = NULL;
  g_autofree char *pin_out = NULL;
  g_autoptr(GError) error = NULL;

  g_test_message ("%s", uri);
  g_assert_true (fk_enroll_uri_parse (uri, &server_out, &code_out, &pin_out, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (server_out, ==, server);
  g_assert_cmpstr (code_out, ==, code);
  g_assert_cmpstr (pin_out, ==, pin);
}

static void
test_good (void)
{
  assert_parses ("faltkoll://enroll?server=https%3A%2F%2F127.0.0.1%3A8443&code=1234-5678-9012&pin=" PIN,
                 "https://127.0.0.1:8443", "1234-5678-9012", PIN);
  /* Order does not matter, and an unencoded server is read too. */
  assert_parses ("faltkoll://enroll?pin=" PIN "&code=123456789012&server=https://faltkoll.example.invalid:8443/",
                 "https://faltkoll.example.invalid:8443/", "123456789012", PIN);
  /* The short form with the target in the path. */
  assert_parses ("faltkoll:enroll?server=https%3A%2F%2F%5B%3A%3A1%5D%3A8443&code=1234&pin=" PIN,
                 "https://[::1]:8443", "1234", PIN);
  assert_parses ("FALTKOLL://ENROLL?server=https%3A%2F%2Ffk.example.invalid&code=1234%205678&pin=" PIN_UPPER,
                 "https://fk.example.invalid", "1234 5678", PIN);
  assert_parses ("faltkoll://enroll?server=https%3A%2F%2Ffk.example.invalid&code=1234+5678&pin=" PIN,
                 "https://fk.example.invalid", "1234 5678", PIN);
  /* Unknown parameters are for later versions. */
  assert_parses ("faltkoll://enroll?server=https%3A%2F%2Ffk.example.invalid&code=1234&pin=" PIN "&region=syd",
                 "https://fk.example.invalid", "1234", PIN);
}

static void
test_percent_encoded_server (void)
{
  /* An encoded "&" and "=" in the server's path must stay in the server. */
  assert_parses ("faltkoll://enroll?server=https%3A%2F%2Ffk.example.invalid%3A8443%2Fa%26code%3D9&code=1234-5678&pin=" PIN,
                 "https://fk.example.invalid:8443/a&code=9", "1234-5678", PIN);
  assert_parses ("faltkoll://enroll?server=https%3A%2F%2Ffk.example.invalid%2Fv%C3%A4st&code=1&pin=" PIN,
                 "https://fk.example.invalid/väst", "1", PIN);
}

static void
test_outputs_optional (void)
{
  g_autofree char *code = NULL;

  g_assert_true (fk_enroll_uri_parse ("faltkoll://enroll?server=https%3A%2F%2Ffk.example.invalid&code=1234&pin=" PIN,
                                      NULL, &code, NULL, NULL));
  g_assert_cmpstr (code, ==, "1234");
}

static const char *refused[] = {
  /* not an enroll link */
  "",
  "not a uri",
  "https://enroll?server=https%3A%2F%2Ffk.example.invalid&code=1234&pin=" PIN,
  "faltkol://enroll?server=https%3A%2F%2Ffk.example.invalid&code=1234&pin=" PIN,
  "faltkoll://login?server=https%3A%2F%2Ffk.example.invalid&code=1234&pin=" PIN,
  "faltkoll://enroll/more?server=https%3A%2F%2Ffk.example.invalid&code=1234&pin=" PIN,
  "faltkoll://enroll",
  "faltkoll://enroll?",
  /* server */
  "faltkoll://enroll?code=1234&pin=" PIN,
  "faltkoll://enroll?server=&code=1234&pin=" PIN,
  "faltkoll://enroll?server=http%3A%2F%2Ffk.example.invalid&code=1234&pin=" PIN,
  "faltkoll://enroll?server=http://fk.example.invalid&code=1234&pin=" PIN,
  "faltkoll://enroll?server=ftp%3A%2F%2Ffk.example.invalid&code=1234&pin=" PIN,
  "faltkoll://enroll?server=https%3A%2F%2F&code=1234&pin=" PIN,
  "faltkoll://enroll?server=fk.example.invalid&code=1234&pin=" PIN,
  "faltkoll://enroll?server=https%3A%2F%2Fuser%3Apass%40fk.example.invalid&code=1234&pin=" PIN,
  "faltkoll://enroll?server=https%3A%2F%2Ffk.example.invalid%2F%3Fx%3D1&code=1234&pin=" PIN,
  /* code */
  "faltkoll://enroll?server=https%3A%2F%2Ffk.example.invalid&pin=" PIN,
  "faltkoll://enroll?server=https%3A%2F%2Ffk.example.invalid&code=&pin=" PIN,
  "faltkoll://enroll?server=https%3A%2F%2Ffk.example.invalid&code=---&pin=" PIN,
  "faltkoll://enroll?server=https%3A%2F%2Ffk.example.invalid&code=12ab-5678&pin=" PIN,
  "faltkoll://enroll?server=https%3A%2F%2Ffk.example.invalid&code=1234%0A5678&pin=" PIN,
  /* pin */
  "faltkoll://enroll?server=https%3A%2F%2Ffk.example.invalid&code=1234",
  "faltkoll://enroll?server=https%3A%2F%2Ffk.example.invalid&code=1234&pin=",
  "faltkoll://enroll?server=https%3A%2F%2Ffk.example.invalid&code=1234&pin=9f86d081",
  "faltkoll://enroll?server=https%3A%2F%2Ffk.example.invalid&code=1234&pin=" PIN "0",
  "faltkoll://enroll?server=https%3A%2F%2Ffk.example.invalid&code=1234&pin="
    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a0g",
  "faltkoll://enroll?server=https%3A%2F%2Ffk.example.invalid&code=1234&pin=sha256%2F%2Fn4bQgYhMfWWaL-qgxVrQFaO%2FTxsrC4Is0V1sFbDwCgg%3D",
};

static void
test_refused (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      char *server = NULL;
      char *code = NULL;
      char *pin = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", refused[i]);
      g_assert_false (fk_enroll_uri_parse (refused[i], &server, &code, &pin, &error));
      g_assert_error (error, FK_ERROR, FK_ERROR_BAD_REQUEST);
      g_assert_true (g_str_has_suffix (error->message, "."));
      /* Nothing half-filled on failure. */
      g_assert_null (server);
      g_assert_null (code);
      g_assert_null (pin);
    }
}

static void
test_messages_name_the_part (void)
{
  g_autoptr(GError) http = NULL;
  g_autoptr(GError) no_code = NULL;
  g_autoptr(GError) bad_pin = NULL;
  g_autoptr(GError) other = NULL;

  fk_enroll_uri_parse ("faltkoll://enroll?server=http%3A%2F%2Ffk.example.invalid&code=1234&pin=" PIN,
                       NULL, NULL, NULL, &http);
  fk_enroll_uri_parse ("faltkoll://enroll?server=https%3A%2F%2Ffk.example.invalid&pin=" PIN,
                       NULL, NULL, NULL, &no_code);
  fk_enroll_uri_parse ("faltkoll://enroll?server=https%3A%2F%2Ffk.example.invalid&code=1234&pin=00",
                       NULL, NULL, NULL, &bad_pin);
  fk_enroll_uri_parse ("mailto:someone@example.invalid", NULL, NULL, NULL, &other);

  g_assert_nonnull (strstr (http->message, "https"));
  g_assert_nonnull (strstr (no_code->message, "activation code"));
  g_assert_nonnull (strstr (bad_pin->message, "server key"));
  g_assert_nonnull (strstr (other->message, "not a Fältkoll"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/enroll-uri/good", test_good);
  g_test_add_func ("/enroll-uri/percent-encoded-server", test_percent_encoded_server);
  g_test_add_func ("/enroll-uri/outputs-optional", test_outputs_optional);
  g_test_add_func ("/enroll-uri/refused", test_refused);
  g_test_add_func ("/enroll-uri/messages-name-the-part", test_messages_name_the_part);

  return g_test_run ();
}
