/* test-token.c: the PIN wrap of the device key, and why it is no oracle
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "fk-crypto.h"
#include "fk-protocol.h"
#include "fk-token.h"

#define SERVER_PIN "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

typedef struct {
  FkToken *token;
  GBytes  *public_key;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->token = fk_token_create ("https://127.0.0.1:8443", SERVER_PIN, "470219",
                                    &fixture->public_key, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->token);
  fk_token_set_enrollment (fixture->token, "device-1", "officer-1", "pin");
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_assert_finalize_object (fixture->token);
  g_clear_pointer (&fixture->public_key, g_bytes_unref);
}

static gboolean
signs_with_secret (FkToken    *token,
                   const char *pin,
                   GBytes     *secret,
                   GBytes     *public_key)
{
  static const guint8 challenge_data[32] = { 7 };
  g_autoptr(GBytes) challenge = g_bytes_new_static (challenge_data, sizeof challenge_data);
  g_autoptr(GBytes) message = fk_protocol_login_message ("device-1", challenge);
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(GError) error = NULL;
  guint8 scalar[FK_EC_SCALAR_BYTES];

  g_assert_true (fk_token_unwrap (token, pin, secret, scalar, &error));
  g_assert_no_error (error);
  signature = fk_crypto_sign (scalar, message, &error);
  g_assert_no_error (error);
  g_assert_nonnull (signature);

  return fk_crypto_verify (public_key, message, signature);
}

static gboolean
signs_for_public_key (FkToken    *token,
                      const char *pin,
                      GBytes     *public_key)
{
  return signs_with_secret (token, pin, NULL, public_key);
}

static void
test_right_pin_signs (Fixture       *fixture,
                      gconstpointer  data)
{
  g_assert_true (signs_for_public_key (fixture->token, "470219", fixture->public_key));
}

static void
test_wrong_pin_signs_but_fails (Fixture       *fixture,
                                gconstpointer  data)
{
  /* A wrong PIN still yields a working key; only its signature fails. */
  g_assert_false (signs_for_public_key (fixture->token, "470218", fixture->public_key));
}

/* Everything the device keeps, copied out, must not tell a right PIN from a
 * wrong one: both unwrap to a well-formed key, and nothing stored lets a
 * guess be checked (no public key, certificate, MAC or signature). */
static void
test_no_offline_oracle (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *stored = fk_token_to_json (fixture->token);
  g_autoptr(FkToken) copy = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *public_key_b64 = fk_protocol_encode_base64 (fixture->public_key);
  const char *pins[] = { "470219", "000001", "999999", "123457" };
  guint8 scalars[G_N_ELEMENTS (pins)][FK_EC_SCALAR_BYTES];
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;

  copy = fk_token_new_from_json (stored, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (pins); i++)
    {
      static const guint8 m[] = "any message";
      g_autoptr(GBytes) message = g_bytes_new_static (m, sizeof m);
      g_autoptr(GBytes) signature = NULL;

      g_assert_true (fk_token_unwrap (copy, pins[i], NULL, scalars[i], &error));
      g_assert_no_error (error);
      signature = fk_crypto_sign (scalars[i], message, &error);
      g_assert_no_error (error);
      g_assert_nonnull (signature);
      for (guint j = 0; j < i; j++)
        g_assert_true (memcmp (scalars[i], scalars[j], FK_EC_SCALAR_BYTES) != 0);
    }

  /* The record holds only what the wrap needs. */
  g_assert_true (json_parser_load_from_data (parser, stored, -1, NULL));
  object = json_node_get_object (json_parser_get_root (parser));
  g_assert_null (strstr (stored, public_key_b64));
  g_assert_false (json_object_has_member (object, "public_key"));
  g_assert_false (json_object_has_member (object, "mac"));
  g_assert_false (json_object_has_member (object, "certificate"));
  g_assert_false (json_object_has_member (object, "signature"));
  g_assert_cmpuint (json_object_get_size (object), ==, 12);
}

static void
test_json_round_trip (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *stored = fk_token_to_json (fixture->token);
  g_autoptr(FkToken) copy = NULL;
  g_autoptr(GError) error = NULL;

  fk_token_set_disabled (fixture->token, TRUE);
  g_clear_pointer (&stored, g_free);
  stored = fk_token_to_json (fixture->token);
  copy = fk_token_new_from_json (stored, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fk_token_get_server_url (copy), ==, "https://127.0.0.1:8443");
  g_assert_cmpstr (fk_token_get_server_pin (copy), ==, SERVER_PIN);
  g_assert_cmpstr (fk_token_get_device_id (copy), ==, "device-1");
  g_assert_cmpstr (fk_token_get_officer_id (copy), ==, "officer-1");
  g_assert_true (fk_token_get_disabled (copy));
  g_assert_cmpuint (fk_token_get_kdf_log2_n (copy), ==, 15);
  g_assert_true (signs_for_public_key (copy, "470219", fixture->public_key));
}

static void
test_corrupt_json (void)
{
  const char *bad[] = {
    "", "[]", "{\"version\":1}", "{\"version\":2,\"kdf\":{}}",
    "{\"version\":1,\"kdf\":{\"log2_n\":15,\"r\":8,\"p\":1,\"salt\":\"AAAA\"},\"server_url\":\"https://x\","
    "\"server_pin\":\"" SERVER_PIN "\",\"iv\":\"AAAAAAAAAAAAAAAAAAAAAA==\",\"wrapped_key\":\"AAAA\"}",
    NULL
  };

  for (guint i = 0; bad[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(FkToken) token = fk_token_new_from_json (bad[i], &error);

      g_assert_null (token);
      g_assert_nonnull (error);
    }
}

static void
test_tampered_kdf_parameters_refused (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autofree char *stored = fk_token_to_json (fixture->token);
  g_autoptr(GString) tampered = g_string_new (stored);
  g_autoptr(FkToken) copy = NULL;
  g_autoptr(GError) error = NULL;
  guint8 scalar[FK_EC_SCALAR_BYTES];

  /* A log2_n of 30 would ask for terabytes: refused, not attempted. */
  g_assert_cmpuint (g_string_replace (tampered, "\"log2_n\":15", "\"log2_n\":30", 1), ==, 1);
  copy = fk_token_new_from_json (tampered->str, &error);
  g_assert_no_error (error);
  g_assert_false (fk_token_unwrap (copy, "470219", NULL, scalar, &error));
  g_assert_nonnull (error);
}

/* pin-and-fingerprint: only the PIN and K together give the key back, and
 * still every PIN (and every K) gives some key, so nothing stored tells a
 * right guess from a wrong one. */
static void
test_fingerprint_bound (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GBytes) secret = NULL;
  g_autoptr(GBytes) other_secret = fk_crypto_random_bytes (32);
  g_autoptr(GError) error = NULL;
  g_autoptr(FkToken) copy = NULL;
  g_autoptr(FkToken) unbound = NULL;
  g_autofree char *stored = NULL;
  g_autoptr(GString) tampered = NULL;
  guint8 scalar[FK_EC_SCALAR_BYTES];

  fk_token_set_enrollment (fixture->token, "device-1", "officer-1", "pin-and-fingerprint");
  fk_token_set_fingerprint_wanted (fixture->token, TRUE);
  secret = fk_token_bind_fingerprint (fixture->token, "470219", &error);
  g_assert_no_error (error);
  g_assert_nonnull (secret);
  g_assert_cmpuint (g_bytes_get_size (secret), ==, 32);
  g_assert_true (fk_token_get_fingerprint_bound (fixture->token));
  /* A copy that opens with the finger alone would undo it. */
  g_assert_false (fk_token_get_fingerprint_wanted (fixture->token));

  g_assert_true (signs_with_secret (fixture->token, "470219", secret, fixture->public_key));
  g_assert_false (signs_with_secret (fixture->token, "470218", secret, fixture->public_key));
  g_assert_false (signs_with_secret (fixture->token, "470219", other_secret, fixture->public_key));

  /* Not without K. */
  g_assert_false (fk_token_unwrap (fixture->token, "470219", NULL, scalar, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* Stored and read back, it stays bound. */
  stored = fk_token_to_json (fixture->token);
  copy = fk_token_new_from_json (stored, &error);
  g_assert_no_error (error);
  g_assert_true (fk_token_get_fingerprint_bound (copy));
  g_assert_true (signs_with_secret (copy, "470219", secret, fixture->public_key));

  /* Someone with the keyring's token and the PIN, who skips K by editing
   * the record, gets a key, but not the officer's. */
  tampered = g_string_new (stored);
  g_assert_cmpuint (g_string_replace (tampered, "\"fingerprint_bound\":true",
                                      "\"fingerprint_bound\":false", 1), ==, 1);
  unbound = fk_token_new_from_json (tampered->str, &error);
  g_assert_no_error (error);
  g_assert_false (signs_for_public_key (unbound, "470219", fixture->public_key));
}

/* A policy change binds and unbinds the key the server already knows:
 * every step keeps the same public key, whichever step a crash stops at
 * (each stored state, read back, still signs with what it needs), and the
 * copy that the change works on leaves the stored token as it was. */
static void
test_rebind_keeps_key (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GBytes) secret = NULL;
  g_autoptr(GBytes) second_secret = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FkToken) bound = NULL;
  g_autoptr(FkToken) unbound = NULL;
  g_autoptr(FkToken) stored = NULL;
  g_autofree char *before = fk_token_to_json (fixture->token);
  g_autofree char *json = NULL;
  g_autofree char *after = NULL;

  bound = fk_token_copy (fixture->token);
  fk_token_set_policy (bound, "pin-and-fingerprint");
  secret = fk_token_bind_fingerprint (bound, "470219", &error);
  g_assert_no_error (error);
  g_assert_nonnull (secret);

  /* The copy changed, the original did not: it is still what the keyring
   * holds until the bound token is saved after K. */
  after = fk_token_to_json (fixture->token);
  g_assert_cmpstr (before, ==, after);
  g_assert_false (fk_token_get_fingerprint_bound (fixture->token));
  g_assert_cmpstr (fk_token_get_policy (fixture->token), ==, "pin");
  g_assert_true (signs_for_public_key (fixture->token, "470219", fixture->public_key));

  json = fk_token_to_json (bound);
  stored = fk_token_new_from_json (json, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fk_token_get_policy (stored), ==, "pin-and-fingerprint");
  g_assert_true (signs_with_secret (stored, "470219", secret, fixture->public_key));

  /* Unbound: the PIN alone again, the same key; K no longer fits. */
  unbound = fk_token_copy (stored);
  fk_token_set_policy (unbound, "pin-or-fingerprint");
  g_assert_true (fk_token_unbind_fingerprint (unbound, "470219", secret, &error));
  g_assert_no_error (error);
  g_assert_false (fk_token_get_fingerprint_bound (unbound));
  g_assert_true (signs_for_public_key (unbound, "470219", fixture->public_key));
  g_assert_true (signs_with_secret (stored, "470219", secret, fixture->public_key));

  /* And bound again under a new K. */
  second_secret = fk_token_bind_fingerprint (unbound, "470219", &error);
  g_assert_no_error (error);
  g_assert_false (g_bytes_equal (secret, second_secret));
  g_assert_true (signs_with_secret (unbound, "470219", second_secret, fixture->public_key));
  g_assert_false (signs_with_secret (unbound, "470219", secret, fixture->public_key));
}

/* Unbinding with a wrong K (or PIN) fails nowhere, like any unwrap: it
 * wraps some other key, which the server then refuses.  Only a login the
 * server accepted may rewrap. */
static void
test_unbind_wrong_secret (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GBytes) secret = NULL;
  g_autoptr(GBytes) other_secret = fk_crypto_random_bytes (32);
  g_autoptr(GError) error = NULL;

  secret = fk_token_bind_fingerprint (fixture->token, "470219", &error);
  g_assert_no_error (error);
  g_assert_true (fk_token_unbind_fingerprint (fixture->token, "470219", other_secret, &error));
  g_assert_no_error (error);
  g_assert_false (signs_for_public_key (fixture->token, "470219", fixture->public_key));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/token/right-pin-signs", Fixture, NULL, fixture_setup, test_right_pin_signs, fixture_teardown);
  g_test_add ("/token/wrong-pin-signs-but-fails", Fixture, NULL, fixture_setup, test_wrong_pin_signs_but_fails, fixture_teardown);
  g_test_add ("/token/no-offline-oracle", Fixture, NULL, fixture_setup, test_no_offline_oracle, fixture_teardown);
  g_test_add ("/token/json-round-trip", Fixture, NULL, fixture_setup, test_json_round_trip, fixture_teardown);
  g_test_add ("/token/tampered-kdf-refused", Fixture, NULL, fixture_setup, test_tampered_kdf_parameters_refused, fixture_teardown);
  g_test_add_func ("/token/corrupt-json", test_corrupt_json);
  g_test_add ("/token/fingerprint-bound", Fixture, NULL, fixture_setup, test_fingerprint_bound, fixture_teardown);
  g_test_add ("/token/rebind-keeps-key", Fixture, NULL, fixture_setup, test_rebind_keeps_key, fixture_teardown);
  g_test_add ("/token/unbind-wrong-secret", Fixture, NULL, fixture_setup, test_unbind_wrong_secret, fixture_teardown);

  return g_test_run ();
}
