/* fk-token.c: the Mobilt TjänsteID on this device
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fk-token"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "fk-error.h"
#include "fk-protocol.h"
#include "fk-token.h"

#define TOKEN_FORMAT_VERSION 1
#define SALT_BYTES           16
#define CTR_IV_BYTES         16
#define FINGERPRINT_SECRET_BYTES 32

/* scrypt N = 2^15, r = 8, p = 1: 32 MiB and about a tenth of a second on a
 * laptop, a few tenths on a Librem 5; online guessing is capped by the
 * server anyway, this only slows an attacker holding the keyring. */
#define KDF_LOG2_N           15
#define KDF_R                8
#define KDF_P                1

struct _FkToken
{
  GObject   parent_instance;

  char     *server_url;
  char     *server_pin;
  char     *device_id;
  char     *officer_id;
  char     *policy;
  gboolean  disabled;

  guint     kdf_log2_n;
  guint     kdf_r;
  guint     kdf_p;
  GBytes   *salt;
  GBytes   *iv;
  GBytes   *wrapped_key;

  /* pin-and-fingerprint: the PIN alone does not unwrap, see apply_pin(). */
  gboolean  fingerprint_bound;
  gboolean  fingerprint_wanted;
  GBytes   *fingerprint_iv;
  GBytes   *fingerprint_wrapped;

  guint     failed_scans;
  guint     scan_lockouts;
  gint64    scans_blocked_until;
};

G_DEFINE_FINAL_TYPE (FkToken, fk_token, G_TYPE_OBJECT)

static void
fk_token_finalize (GObject *object)
{
  FkToken *self = (FkToken *) object;

  g_clear_pointer (&self->server_url, g_free);
  g_clear_pointer (&self->server_pin, g_free);
  g_clear_pointer (&self->device_id, g_free);
  g_clear_pointer (&self->officer_id, g_free);
  g_clear_pointer (&self->policy, g_free);
  g_clear_pointer (&self->salt, g_bytes_unref);
  g_clear_pointer (&self->iv, g_bytes_unref);
  g_clear_pointer (&self->wrapped_key, fk_secure_bytes_unref);
  g_clear_pointer (&self->fingerprint_iv, g_bytes_unref);
  g_clear_pointer (&self->fingerprint_wrapped, fk_secure_bytes_unref);

  G_OBJECT_CLASS (fk_token_parent_class)->finalize (object);
}

static void
fk_token_class_init (FkTokenClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fk_token_finalize;
}

static void
fk_token_init (FkToken *self)
{
}

FkToken *
fk_token_copy (FkToken *self)
{
  FkToken *copy;

  g_return_val_if_fail (FK_IS_TOKEN (self), NULL);

  copy = g_object_new (FK_TYPE_TOKEN, NULL);
  copy->server_url = g_strdup (self->server_url);
  copy->server_pin = g_strdup (self->server_pin);
  copy->device_id = g_strdup (self->device_id);
  copy->officer_id = g_strdup (self->officer_id);
  copy->policy = g_strdup (self->policy);
  copy->disabled = self->disabled;
  copy->kdf_log2_n = self->kdf_log2_n;
  copy->kdf_r = self->kdf_r;
  copy->kdf_p = self->kdf_p;
  copy->salt = g_bytes_ref (self->salt);
  copy->iv = g_bytes_ref (self->iv);
  copy->wrapped_key = g_bytes_new (g_bytes_get_data (self->wrapped_key, NULL), g_bytes_get_size (self->wrapped_key));
  copy->fingerprint_bound = self->fingerprint_bound;
  copy->fingerprint_wanted = self->fingerprint_wanted;
  if (fk_token_has_fingerprint_copy (self))
    {
      copy->fingerprint_iv = g_bytes_ref (self->fingerprint_iv);
      copy->fingerprint_wrapped = g_bytes_new (g_bytes_get_data (self->fingerprint_wrapped, NULL),
                                               g_bytes_get_size (self->fingerprint_wrapped));
    }

  return copy;
}

static gboolean
token_invalid (GError **error)
{
  g_set_error_literal (error, FK_ERROR, FK_ERROR_NOT_ENROLLED,
                       fk_error_code_to_message (FK_ERROR_NOT_ENROLLED));
  return FALSE;
}

static GBytes *
member_bytes (JsonObject *object,
              const char *name,
              gsize       expected_length)
{
  GBytes *bytes = fk_protocol_decode_base64 (json_object_get_string_member_with_default (object, name, NULL));

  if (bytes != NULL && g_bytes_get_size (bytes) != expected_length)
    g_clear_pointer (&bytes, g_bytes_unref);

  return bytes;
}

FkToken *
fk_token_new_from_json (const char  *json,
                        GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(FkToken) self = NULL;
  JsonObject *object, *kdf;
  JsonNode *root;

  g_return_val_if_fail (json != NULL, NULL);

  if (!json_parser_load_from_data (parser, json, -1, NULL) ||
      (root = json_parser_get_root (parser)) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (root))
    {
      token_invalid (error);
      return NULL;
    }

  object = json_node_get_object (root);
  if (json_object_get_int_member_with_default (object, "version", 0) != TOKEN_FORMAT_VERSION ||
      !json_object_has_member (object, "kdf") ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "kdf")))
    {
      token_invalid (error);
      return NULL;
    }
  kdf = json_object_get_object_member (object, "kdf");

  self = g_object_new (FK_TYPE_TOKEN, NULL);
  self->server_url = g_strdup (json_object_get_string_member_with_default (object, "server_url", NULL));
  self->server_pin = g_strdup (json_object_get_string_member_with_default (object, "server_pin", NULL));
  self->device_id = g_strdup (json_object_get_string_member_with_default (object, "device_id", NULL));
  self->officer_id = g_strdup (json_object_get_string_member_with_default (object, "officer_id", NULL));
  self->policy = g_strdup (json_object_get_string_member_with_default (object, "policy", FK_POLICY_PIN));
  self->disabled = json_object_get_boolean_member_with_default (object, "disabled", FALSE);
  self->kdf_log2_n = json_object_get_int_member_with_default (kdf, "log2_n", 0);
  self->kdf_r = json_object_get_int_member_with_default (kdf, "r", 0);
  self->kdf_p = json_object_get_int_member_with_default (kdf, "p", 0);
  self->salt = member_bytes (kdf, "salt", SALT_BYTES);
  self->iv = member_bytes (object, "iv", CTR_IV_BYTES);
  self->wrapped_key = member_bytes (object, "wrapped_key", FK_EC_SCALAR_BYTES);
  self->fingerprint_bound = json_object_get_boolean_member_with_default (object, "fingerprint_bound", FALSE);
  self->fingerprint_wanted = json_object_get_boolean_member_with_default (object, "fingerprint_wanted", FALSE);
  if (json_object_has_member (object, "fingerprint") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "fingerprint")))
    {
      JsonObject *copy = json_object_get_object_member (object, "fingerprint");

      self->fingerprint_iv = member_bytes (copy, "iv", CTR_IV_BYTES);
      self->fingerprint_wrapped = member_bytes (copy, "wrapped_key", FK_EC_SCALAR_BYTES);
    }
  if (json_object_has_member (object, "scans") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "scans")))
    {
      JsonObject *scans = json_object_get_object_member (object, "scans");

      self->failed_scans = CLAMP (json_object_get_int_member_with_default (scans, "failed", 0), 0, G_MAXUINT);
      self->scan_lockouts = CLAMP (json_object_get_int_member_with_default (scans, "lockouts", 0), 0, G_MAXUINT);
      self->scans_blocked_until = json_object_get_int_member_with_default (scans, "blocked_until", 0);
    }

  if (self->server_url == NULL || !fk_protocol_is_valid_pin (self->server_pin) ||
      self->salt == NULL || self->iv == NULL || self->wrapped_key == NULL)
    {
      token_invalid (error);
      return NULL;
    }

  return g_steal_pointer (&self);
}

static void
add_bytes_member (JsonBuilder *builder,
                  const char  *name,
                  GBytes      *bytes)
{
  g_autofree char *encoded = fk_protocol_encode_base64 (bytes);

  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, encoded);
}

static void
add_string_member (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  if (value == NULL)
    return;

  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

char *
fk_token_to_json (FkToken *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (FK_IS_TOKEN (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, TOKEN_FORMAT_VERSION);
  add_string_member (builder, "server_url", self->server_url);
  add_string_member (builder, "server_pin", self->server_pin);
  add_string_member (builder, "device_id", self->device_id);
  add_string_member (builder, "officer_id", self->officer_id);
  add_string_member (builder, "policy", self->policy);
  json_builder_set_member_name (builder, "disabled");
  json_builder_add_boolean_value (builder, self->disabled);
  json_builder_set_member_name (builder, "kdf");
  json_builder_begin_object (builder);
  add_string_member (builder, "alg", "scrypt");
  json_builder_set_member_name (builder, "log2_n");
  json_builder_add_int_value (builder, self->kdf_log2_n);
  json_builder_set_member_name (builder, "r");
  json_builder_add_int_value (builder, self->kdf_r);
  json_builder_set_member_name (builder, "p");
  json_builder_add_int_value (builder, self->kdf_p);
  add_bytes_member (builder, "salt", self->salt);
  json_builder_end_object (builder);
  add_bytes_member (builder, "iv", self->iv);
  add_bytes_member (builder, "wrapped_key", self->wrapped_key);
  json_builder_set_member_name (builder, "fingerprint_bound");
  json_builder_add_boolean_value (builder, self->fingerprint_bound);
  json_builder_set_member_name (builder, "fingerprint_wanted");
  json_builder_add_boolean_value (builder, self->fingerprint_wanted);
  if (fk_token_has_fingerprint_copy (self))
    {
      json_builder_set_member_name (builder, "fingerprint");
      json_builder_begin_object (builder);
      add_bytes_member (builder, "iv", self->fingerprint_iv);
      add_bytes_member (builder, "wrapped_key", self->fingerprint_wrapped);
      json_builder_end_object (builder);
    }
  if (self->failed_scans > 0 || self->scan_lockouts > 0 || self->scans_blocked_until > 0)
    {
      json_builder_set_member_name (builder, "scans");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "failed");
      json_builder_add_int_value (builder, self->failed_scans);
      json_builder_set_member_name (builder, "lockouts");
      json_builder_add_int_value (builder, self->scan_lockouts);
      json_builder_set_member_name (builder, "blocked_until");
      json_builder_add_int_value (builder, self->scans_blocked_until);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

/* Under pin-and-fingerprint the wrapping key is HMAC-SHA256(K, scrypt(PIN)),
 * K being 32 random bytes the keyring keeps and the app releases only after
 * fprintd's verify-match: neither the PIN nor the keyring alone unwraps, and
 * every PIN (and every K) still gives some valid key. */
static void
bind_secret (guint8  key[FK_AES_KEY_BYTES],
             GBytes *secret)
{
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256,
                                      g_bytes_get_data (secret, NULL), g_bytes_get_size (secret));
  gsize length = FK_AES_KEY_BYTES;

  g_hmac_update (hmac, key, FK_AES_KEY_BYTES);
  g_hmac_get_digest (hmac, key, &length);
  g_assert (length == FK_AES_KEY_BYTES);
}

/* wrapped = AES-256-CTR(scrypt(PIN), iv) XOR scalar: no tag, no check value.
 * @base: scrypt(PIN); @secret: K for a bound wrap, else NULL. */
static gboolean
apply_key (FkToken      *self,
           const guint8  base[FK_AES_KEY_BYTES],
           GBytes       *secret,
           const guint8 *in,
           guint8       *out,
           GError      **error)
{
  guint8 key[FK_AES_KEY_BYTES];
  gboolean ok;

  memcpy (key, base, sizeof key);
  if (secret != NULL)
    bind_secret (key, secret);

  ok = fk_crypto_ctr_xor (key, g_bytes_get_data (self->iv, NULL), in, out, FK_EC_SCALAR_BYTES);
  fk_crypto_wipe (key, sizeof key);

  if (!ok)
    g_set_error_literal (error, FK_ERROR, FK_ERROR_FAILED,
                         fk_error_code_to_message (FK_ERROR_FAILED));
  return ok;
}

static gboolean
check_secret (FkToken  *self,
              GBytes   *secret,
              GError  **error)
{
  if (self->fingerprint_bound != (secret != NULL) ||
      (secret != NULL && g_bytes_get_size (secret) != FINGERPRINT_SECRET_BYTES))
    {
      g_set_error_literal (error, FK_ERROR, FK_ERROR_FAILED,
                           fk_error_code_to_message (FK_ERROR_FAILED));
      return FALSE;
    }

  return TRUE;
}

static gboolean
apply_pin (FkToken      *self,
           const char   *pin,
           GBytes       *secret,
           const guint8 *in,
           guint8       *out,
           GError      **error)
{
  guint8 base[FK_AES_KEY_BYTES];
  gboolean ok;

  if (!check_secret (self, secret, error) ||
      !fk_crypto_scrypt (pin, self->salt, self->kdf_log2_n, self->kdf_r, self->kdf_p,
                         base, sizeof base, error))
    return FALSE;

  ok = apply_key (self, base, secret, in, out, error);
  fk_crypto_wipe (base, sizeof base);
  return ok;
}

/* Unwraps under @pin and @old_secret, wraps again under @pin and
 * @new_secret: the same key, so the same public key, whatever the PIN. */
static gboolean
rewrap (FkToken     *self,
        const char  *pin,
        GBytes      *old_secret,
        GBytes      *new_secret,
        GError     **error)
{
  guint8 base[FK_AES_KEY_BYTES];
  guint8 scalar[FK_EC_SCALAR_BYTES];
  guint8 wrapped[FK_EC_SCALAR_BYTES];
  gboolean ok;

  if (!check_secret (self, old_secret, error) ||
      !fk_crypto_scrypt (pin, self->salt, self->kdf_log2_n, self->kdf_r, self->kdf_p,
                         base, sizeof base, error))
    return FALSE;

  ok = apply_key (self, base, old_secret, g_bytes_get_data (self->wrapped_key, NULL), scalar, error) &&
       apply_key (self, base, new_secret, scalar, wrapped, error);
  fk_crypto_wipe (base, sizeof base);
  fk_crypto_wipe (scalar, sizeof scalar);
  if (ok)
    {
      g_clear_pointer (&self->wrapped_key, fk_secure_bytes_unref);
      self->wrapped_key = g_bytes_new (wrapped, sizeof wrapped);
      self->fingerprint_bound = new_secret != NULL;
    }
  fk_crypto_wipe (wrapped, sizeof wrapped);
  return ok;
}

FkToken *
fk_token_create (const char  *server_url,
                 const char  *server_pin,
                 const char  *pin,
                 GBytes     **public_key_der_out,
                 GError     **error)
{
  g_autoptr(FkToken) self = NULL;
  g_autoptr(GBytes) public_key = NULL;
  guint8 scalar[FK_EC_SCALAR_BYTES];
  guint8 wrapped[FK_EC_SCALAR_BYTES];
  gboolean ok;

  g_return_val_if_fail (server_url != NULL, NULL);
  g_return_val_if_fail (fk_protocol_is_valid_pin (server_pin), NULL);
  g_return_val_if_fail (pin != NULL, NULL);
  g_return_val_if_fail (public_key_der_out != NULL, NULL);

  self = g_object_new (FK_TYPE_TOKEN, NULL);
  self->server_url = g_strdup (server_url);
  self->server_pin = g_ascii_strdown (server_pin, -1);
  self->policy = g_strdup (FK_POLICY_PIN);
  self->kdf_log2_n = KDF_LOG2_N;
  self->kdf_r = KDF_R;
  self->kdf_p = KDF_P;
  self->salt = fk_crypto_random_bytes (SALT_BYTES);
  self->iv = fk_crypto_random_bytes (CTR_IV_BYTES);

  if (!fk_crypto_generate_key (scalar, &public_key, error))
    return NULL;

  ok = apply_pin (self, pin, NULL, scalar, wrapped, error);
  fk_crypto_wipe (scalar, sizeof scalar);
  if (!ok)
    return NULL;

  self->wrapped_key = g_bytes_new (wrapped, sizeof wrapped);
  fk_crypto_wipe (wrapped, sizeof wrapped);

  *public_key_der_out = g_steal_pointer (&public_key);
  return g_steal_pointer (&self);
}

gboolean
fk_token_unwrap (FkToken      *self,
                 const char   *pin,
                 GBytes       *fingerprint_secret,
                 guint8        scalar_out[FK_EC_SCALAR_BYTES],
                 GError      **error)
{
  g_return_val_if_fail (FK_IS_TOKEN (self), FALSE);
  g_return_val_if_fail (pin != NULL, FALSE);

  return apply_pin (self, pin, fingerprint_secret, g_bytes_get_data (self->wrapped_key, NULL),
                    scalar_out, error);
}

gboolean
fk_token_get_fingerprint_bound (FkToken *self)
{
  g_return_val_if_fail (FK_IS_TOKEN (self), FALSE);
  return self->fingerprint_bound;
}

GBytes *
fk_token_bind_fingerprint (FkToken     *self,
                           const char  *pin,
                           GError     **error)
{
  g_autoptr(GBytes) secret = NULL;

  g_return_val_if_fail (FK_IS_TOKEN (self), NULL);
  g_return_val_if_fail (pin != NULL, NULL);
  g_return_val_if_fail (!self->fingerprint_bound, NULL);

  secret = fk_crypto_random_bytes (FINGERPRINT_SECRET_BYTES);
  if (!rewrap (self, pin, NULL, secret, error))
    return NULL;

  /* A copy that opens without the PIN would undo the binding. */
  fk_token_set_fingerprint_wanted (self, FALSE);
  return g_steal_pointer (&secret);
}

gboolean
fk_token_unbind_fingerprint (FkToken     *self,
                             const char  *pin,
                             GBytes      *secret,
                             GError     **error)
{
  g_return_val_if_fail (FK_IS_TOKEN (self), FALSE);
  g_return_val_if_fail (pin != NULL, FALSE);
  g_return_val_if_fail (secret != NULL, FALSE);
  g_return_val_if_fail (self->fingerprint_bound, FALSE);

  return rewrap (self, pin, secret, NULL, error);
}

static void
replace_string (char       **field,
                const char  *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

gboolean
fk_token_get_fingerprint_wanted (FkToken *self)
{
  g_return_val_if_fail (FK_IS_TOKEN (self), FALSE);
  return self->fingerprint_wanted;
}

void
fk_token_set_fingerprint_wanted (FkToken  *self,
                                 gboolean  wanted)
{
  g_return_if_fail (FK_IS_TOKEN (self));

  self->fingerprint_wanted = !!wanted;
  if (!wanted)
    fk_token_clear_fingerprint_copy (self);
}

gboolean
fk_token_has_fingerprint_copy (FkToken *self)
{
  g_return_val_if_fail (FK_IS_TOKEN (self), FALSE);
  return self->fingerprint_iv != NULL && self->fingerprint_wrapped != NULL;
}

GBytes *
fk_token_wrap_fingerprint_copy (FkToken      *self,
                                const guint8  scalar[FK_EC_SCALAR_BYTES])
{
  g_autoptr(GBytes) key = fk_crypto_random_bytes (FK_AES_KEY_BYTES);
  g_autoptr(GBytes) iv = fk_crypto_random_bytes (CTR_IV_BYTES);
  guint8 wrapped[FK_EC_SCALAR_BYTES];

  g_return_val_if_fail (FK_IS_TOKEN (self), NULL);

  if (!fk_crypto_ctr_xor (g_bytes_get_data (key, NULL), g_bytes_get_data (iv, NULL),
                          scalar, wrapped, sizeof wrapped))
    return NULL;

  fk_token_clear_fingerprint_copy (self);
  self->fingerprint_iv = g_steal_pointer (&iv);
  self->fingerprint_wrapped = g_bytes_new (wrapped, sizeof wrapped);
  fk_crypto_wipe (wrapped, sizeof wrapped);
  return g_steal_pointer (&key);
}

void
fk_token_clear_fingerprint_copy (FkToken *self)
{
  g_return_if_fail (FK_IS_TOKEN (self));

  g_clear_pointer (&self->fingerprint_iv, g_bytes_unref);
  g_clear_pointer (&self->fingerprint_wrapped, fk_secure_bytes_unref);
}

gboolean
fk_token_unwrap_fingerprint (FkToken  *self,
                             GBytes   *key,
                             guint8    scalar_out[FK_EC_SCALAR_BYTES],
                             GError  **error)
{
  g_return_val_if_fail (FK_IS_TOKEN (self), FALSE);

  if (!fk_token_has_fingerprint_copy (self) || key == NULL || g_bytes_get_size (key) != FK_AES_KEY_BYTES ||
      !fk_crypto_ctr_xor (g_bytes_get_data (key, NULL), g_bytes_get_data (self->fingerprint_iv, NULL),
                          g_bytes_get_data (self->fingerprint_wrapped, NULL), scalar_out, FK_EC_SCALAR_BYTES))
    {
      g_set_error_literal (error, FK_ERROR, FK_ERROR_PIN_REQUIRED,
                           fk_error_code_to_message (FK_ERROR_PIN_REQUIRED));
      return FALSE;
    }

  return TRUE;
}

void
fk_token_set_enrollment (FkToken    *self,
                         const char *device_id,
                         const char *officer_id,
                         const char *policy)
{
  g_return_if_fail (FK_IS_TOKEN (self));

  replace_string (&self->device_id, device_id);
  replace_string (&self->officer_id, officer_id);
  replace_string (&self->policy, policy != NULL ? policy : FK_POLICY_PIN);
}

void
fk_token_set_policy (FkToken    *self,
                     const char *policy)
{
  g_return_if_fail (FK_IS_TOKEN (self));
  g_return_if_fail (policy != NULL);

  replace_string (&self->policy, policy);
}

const char *
fk_token_get_server_url (FkToken *self)
{
  g_return_val_if_fail (FK_IS_TOKEN (self), NULL);
  return self->server_url;
}

const char *
fk_token_get_server_pin (FkToken *self)
{
  g_return_val_if_fail (FK_IS_TOKEN (self), NULL);
  return self->server_pin;
}

const char *
fk_token_get_device_id (FkToken *self)
{
  g_return_val_if_fail (FK_IS_TOKEN (self), NULL);
  return self->device_id;
}

const char *
fk_token_get_officer_id (FkToken *self)
{
  g_return_val_if_fail (FK_IS_TOKEN (self), NULL);
  return self->officer_id;
}

const char *
fk_token_get_policy (FkToken *self)
{
  g_return_val_if_fail (FK_IS_TOKEN (self), NULL);
  return self->policy;
}

gboolean
fk_token_get_disabled (FkToken *self)
{
  g_return_val_if_fail (FK_IS_TOKEN (self), FALSE);
  return self->disabled;
}

void
fk_token_set_disabled (FkToken  *self,
                       gboolean  disabled)
{
  g_return_if_fail (FK_IS_TOKEN (self));
  self->disabled = !!disabled;
}

guint
fk_token_get_kdf_log2_n (FkToken *self)
{
  g_return_val_if_fail (FK_IS_TOKEN (self), 0);
  return self->kdf_log2_n;
}

void
fk_token_get_failed_scans (FkToken *self,
                           guint   *failed,
                           guint   *lockouts,
                           gint64  *blocked_until)
{
  g_return_if_fail (FK_IS_TOKEN (self));

  *failed = self->failed_scans;
  *lockouts = self->scan_lockouts;
  *blocked_until = self->scans_blocked_until;
}

void
fk_token_set_failed_scans (FkToken *self,
                           guint    failed,
                           guint    lockouts,
                           gint64   blocked_until)
{
  g_return_if_fail (FK_IS_TOKEN (self));

  self->failed_scans = failed;
  self->scan_lockouts = lockouts;
  self->scans_blocked_until = blocked_until;
}
