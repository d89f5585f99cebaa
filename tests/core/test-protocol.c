/* test-protocol.c: the helpers client and server share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fk-error.h"
#include "fk-protocol.h"

static void
test_base64_round_trip (void)
{
  static const guint8 data[] = { 0, 1, 2, 250, 251, 252, 253, 254, 255 };
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, sizeof data);
  g_autofree char *text = fk_protocol_encode_base64 (bytes);
  g_autoptr(GBytes) back = fk_protocol_decode_base64 (text);

  g_assert_nonnull (back);
  g_assert_true (g_bytes_equal (bytes, back));
}

static void
test_base64_rejects_garbage (void)
{
  const char *bad[] = { "", "abc", "ab!=", "a===", "====", "ab=c", NULL };

  for (guint i = 0; bad[i] != NULL; i++)
    {
      g_autoptr(GBytes) bytes = fk_protocol_decode_base64 (bad[i]);

      g_assert_null (bytes);
    }
  g_assert_null (fk_protocol_decode_base64 (NULL));
}

static void
test_pin_to_curl (void)
{
  /* SHA-256 of the empty string: a known value in both notations. */
  const char *hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  g_autofree char *curl = fk_protocol_pin_to_curl (hex);
  g_autofree char *upper = g_ascii_strup (hex, -1);
  g_autofree char *curl_upper = fk_protocol_pin_to_curl (upper);

  g_assert_cmpstr (curl, ==, "sha256//47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  g_assert_cmpstr (curl_upper, ==, curl);
  g_assert_null (fk_protocol_pin_to_curl ("e3b0"));
  g_assert_null (fk_protocol_pin_to_curl ("x3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
  g_assert_false (fk_protocol_is_valid_pin (NULL));
}

static void
test_login_message (void)
{
  static const guint8 challenge_data[] = { 1, 2, 3 };
  g_autoptr(GBytes) challenge = g_bytes_new_static (challenge_data, sizeof challenge_data);
  g_autoptr(GBytes) message = fk_protocol_login_message ("dev-1", challenge);
  static const char expected[] = "faltkoll-login-v1\ndev-1\n\x01\x02\x03";
  g_autoptr(GBytes) expected_bytes = g_bytes_new_static (expected, sizeof expected - 1);

  g_assert_true (g_bytes_equal (message, expected_bytes));
}

static void
test_problem (void)
{
  g_autoptr(JsonNode) node = fk_protocol_problem_new (FK_PROBLEM_WRONG_PIN, 401, "Wrong PIN", NULL);
  JsonObject *object = json_node_get_object (node);

  g_assert_cmpstr (json_object_get_string_member (object, "type"), ==, "urn:faltkoll:problem:wrong-pin");
  g_assert_cmpint (json_object_get_int_member (object, "status"), ==, 401);
  g_assert_false (json_object_has_member (object, "detail"));
}

static void
test_error_mapping (void)
{
  g_assert_cmpint (fk_error_code_from_problem (FK_PROBLEM_WRONG_PIN, 401), ==, FK_ERROR_WRONG_PIN);
  g_assert_cmpint (fk_error_code_from_problem (FK_PROBLEM_DEVICE_REVOKED, 410), ==, FK_ERROR_DEVICE_REVOKED);
  g_assert_cmpint (fk_error_code_from_problem (NULL, 503), ==, FK_ERROR_RATE_LIMITED);
  g_assert_cmpint (fk_error_code_from_problem ("urn:other", 502), ==, FK_ERROR_SERVER);
  g_assert_cmpint (fk_error_code_from_problem (NULL, 404), ==, FK_ERROR_BAD_REQUEST);

  {
    g_autoptr(GError) transient = g_error_new_literal (FK_ERROR, FK_ERROR_NETWORK, "x");
    g_autoptr(GError) permanent = g_error_new_literal (FK_ERROR, FK_ERROR_INVALID_RECORD, "x");

    g_assert_true (fk_error_is_transient (transient));
    g_assert_false (fk_error_is_transient (permanent));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/protocol/base64/round-trip", test_base64_round_trip);
  g_test_add_func ("/protocol/base64/rejects-garbage", test_base64_rejects_garbage);
  g_test_add_func ("/protocol/pin-to-curl", test_pin_to_curl);
  g_test_add_func ("/protocol/login-message", test_login_message);
  g_test_add_func ("/protocol/problem", test_problem);
  g_test_add_func ("/protocol/error-mapping", test_error_mapping);

  return g_test_run ();
}
