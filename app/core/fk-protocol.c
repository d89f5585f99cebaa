/* fk-protocol.c: helpers of protocol v1 shared by client and server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fk-protocol"

#include "config.h"

#include <string.h>

#include "fk-protocol.h"

#define LOGIN_MESSAGE_LABEL "faltkoll-login-v1\n"

GBytes *
fk_protocol_login_message (const char *device_id,
                           GBytes     *challenge)
{
  g_autoptr(GByteArray) message = g_byte_array_new ();
  gconstpointer data;
  gsize length;

  g_return_val_if_fail (device_id != NULL, NULL);
  g_return_val_if_fail (challenge != NULL, NULL);

  data = g_bytes_get_data (challenge, &length);
  g_byte_array_append (message, (const guint8 *) LOGIN_MESSAGE_LABEL, strlen (LOGIN_MESSAGE_LABEL));
  g_byte_array_append (message, (const guint8 *) device_id, strlen (device_id));
  g_byte_array_append (message, (const guint8 *) "\n", 1);
  g_byte_array_append (message, data, length);

  return g_byte_array_free_to_bytes (g_steal_pointer (&message));
}

JsonNode *
fk_protocol_problem_new (const char *type,
                         guint       status,
                         const char *title,
                         const char *detail)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (type != NULL, NULL);
  g_return_val_if_fail (title != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, type);
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, title);
  json_builder_set_member_name (builder, "status");
  json_builder_add_int_value (builder, status);
  if (detail != NULL)
    {
      json_builder_set_member_name (builder, "detail");
      json_builder_add_string_value (builder, detail);
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

gboolean
fk_protocol_is_valid_uuid (const char *uuid)
{
  return uuid != NULL && g_uuid_string_is_valid (uuid);
}

GBytes *
fk_protocol_decode_base64 (const char *text)
{
  g_autofree guchar *data = NULL;
  gsize length = 0;
  gsize text_length;
  gsize padding;

  if (text == NULL)
    return NULL;

  /* g_base64_decode accepts garbage silently; insist on the canonical alphabet. */
  text_length = strlen (text);
  if (text_length == 0 || text_length % 4 != 0)
    return NULL;
  padding = text[text_length - 1] == '=' ? (text[text_length - 2] == '=' ? 2 : 1) : 0;
  for (gsize i = 0; i < text_length - padding; i++)
    {
      char c = text[i];

      if (!(g_ascii_isalnum (c) || c == '+' || c == '/'))
        return NULL;
    }

  data = g_base64_decode (text, &length);
  return g_bytes_new_take (g_steal_pointer (&data), length);
}

char *
fk_protocol_encode_base64 (GBytes *bytes)
{
  gconstpointer data;
  gsize length;

  g_return_val_if_fail (bytes != NULL, NULL);

  data = g_bytes_get_data (bytes, &length);
  return g_base64_encode (data, length);
}

gboolean
fk_protocol_is_valid_pin (const char *hex_pin)
{
  if (hex_pin == NULL || strlen (hex_pin) != 64)
    return FALSE;

  for (const char *p = hex_pin; *p; p++)
    if (!g_ascii_isxdigit (*p))
      return FALSE;

  return TRUE;
}

char *
fk_protocol_pin_to_curl (const char *hex_pin)
{
  guint8 digest[32];
  g_autofree char *encoded = NULL;

  if (!fk_protocol_is_valid_pin (hex_pin))
    return NULL;

  for (guint i = 0; i < sizeof digest; i++)
    digest[i] = (g_ascii_xdigit_value (hex_pin[2 * i]) << 4) |
                g_ascii_xdigit_value (hex_pin[2 * i + 1]);

  encoded = g_base64_encode (digest, sizeof digest);
  return g_strconcat ("sha256//", encoded, NULL);
}
