/* fk-enroll-uri.c: reads the faltkoll://enroll link an activation QR code holds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * faltkoll://enroll?server=<https URL, percent-encoded>&code=<code>&pin=<64 hex>
 * The link comes from a camera, so every part of it is untrusted.
 */
#define G_LOG_DOMAIN "fk-enroll-uri"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fk-client.h"
#include "fk-error.h"
#include "fk-protocol.h"

#define MAX_CODE_LENGTH 64

static gboolean
fail (GError     **error,
      const char  *message)
{
  g_set_error_literal (error, FK_ERROR, FK_ERROR_BAD_REQUEST, message);
  return FALSE;
}

/* "faltkoll://enroll?…" puts "enroll" in the host, "faltkoll:enroll?…" in the path. */
static gboolean
is_enroll_target (GUri *uri)
{
  const char *host = g_uri_get_host (uri);
  const char *path = g_uri_get_path (uri);

  if (host != NULL && host[0] != '\0')
    return g_ascii_strcasecmp (host, "enroll") == 0 && (path[0] == '\0' || g_str_equal (path, "/"));

  return g_str_equal (path, "enroll");
}

static gboolean
is_valid_server (const char *server)
{
  g_autoptr(GUri) uri = NULL;
  const char *host;

  if (server == NULL)
    return FALSE;

  uri = g_uri_parse (server, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return FALSE;

  host = g_uri_get_host (uri);
  return g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0 &&
         host != NULL && host[0] != '\0' &&
         g_uri_get_userinfo (uri) == NULL &&
         g_uri_get_query (uri) == NULL &&
         g_uri_get_fragment (uri) == NULL;
}

/* The server ignores dashes and spaces; anything else is a misread code. */
static gboolean
is_valid_code (const char *code)
{
  gboolean has_digit = FALSE;

  if (code == NULL || strlen (code) > MAX_CODE_LENGTH)
    return FALSE;

  for (const char *p = code; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        has_digit = TRUE;
      else if (*p != '-' && *p != ' ')
        return FALSE;
    }

  return has_digit;
}

gboolean
fk_enroll_uri_parse (const char  *text,
                     char       **server_url,
                     char       **activation_code,
                     char       **server_pin,
                     GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GHashTable) params = NULL;
  const char *query;
  const char *server;
  const char *code;
  const char *pin;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* Keep the query encoded so an "&" inside the server URL stays in it. */
  uri = g_uri_parse (text, G_URI_FLAGS_ENCODED_QUERY, NULL);
  if (uri == NULL ||
      g_ascii_strcasecmp (g_uri_get_scheme (uri), "faltkoll") != 0 ||
      !is_enroll_target (uri) ||
      (query = g_uri_get_query (uri)) == NULL)
    return fail (error, _("This is not a Fältkoll activation link. Scan the code again or enter the details by hand."));

  params = g_uri_parse_params (query, -1, "&", G_URI_PARAMS_WWW_FORM, NULL);
  if (params == NULL)
    return fail (error, _("This is not a Fältkoll activation link. Scan the code again or enter the details by hand."));

  server = g_hash_table_lookup (params, "server");
  code = g_hash_table_lookup (params, "code");
  pin = g_hash_table_lookup (params, "pin");

  if (server == NULL || server[0] == '\0')
    return fail (error, _("The activation link has no server address. Ask for a new link."));
  if (!is_valid_server (server))
    return fail (error, _("The server address in the activation link is not a valid https address. Ask for a new link."));
  if (!is_valid_code (code))
    return fail (error, _("The activation link has no valid activation code. Ask for a new link."));
  if (!fk_protocol_is_valid_pin (pin))
    return fail (error, _("The activation link has no valid server key. Ask for a new link."));

  if (server_url != NULL)
    *server_url = g_strdup (server);
  if (activation_code != NULL)
    *activation_code = g_strdup (code);
  if (server_pin != NULL)
    *server_pin = g_ascii_strdown (pin, -1);

  return TRUE;
}
