/* fk-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fk-error"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "fk-error.h"
#include "fk-protocol.h"

G_DEFINE_QUARK (fk-error-quark, fk_error)

static const struct {
  const char  *type;
  FkErrorCode  code;
} problem_codes[] = {
  { FK_PROBLEM_BAD_REQUEST,       FK_ERROR_BAD_REQUEST },
  { FK_PROBLEM_NOT_FOUND,         FK_ERROR_BAD_REQUEST },
  { FK_PROBLEM_CODE_INVALID,      FK_ERROR_CODE_INVALID },
  { FK_PROBLEM_CODE_USED,         FK_ERROR_CODE_USED },
  { FK_PROBLEM_CODE_EXPIRED,      FK_ERROR_CODE_EXPIRED },
  { FK_PROBLEM_TOO_MANY_DEVICES,  FK_ERROR_TOO_MANY_DEVICES },
  { FK_PROBLEM_CHALLENGE_INVALID, FK_ERROR_SERVER },
  { FK_PROBLEM_WRONG_PIN,         FK_ERROR_WRONG_PIN },
  { FK_PROBLEM_TOKEN_DISABLED,    FK_ERROR_TOKEN_DISABLED },
  { FK_PROBLEM_DEVICE_REVOKED,    FK_ERROR_DEVICE_REVOKED },
  { FK_PROBLEM_PIN_REQUIRED,      FK_ERROR_PIN_REQUIRED },
  { FK_PROBLEM_UNAUTHORIZED,      FK_ERROR_SESSION_EXPIRED },
  { FK_PROBLEM_SESSION_EXPIRED,   FK_ERROR_SESSION_EXPIRED },
  { FK_PROBLEM_INVALID_RECORD,    FK_ERROR_INVALID_RECORD },
  { FK_PROBLEM_BATCH_TOO_LARGE,   FK_ERROR_BAD_REQUEST },
  { FK_PROBLEM_RATE_LIMITED,      FK_ERROR_RATE_LIMITED },
  { FK_PROBLEM_UNAVAILABLE,       FK_ERROR_RATE_LIMITED },
  { FK_PROBLEM_INTERNAL,          FK_ERROR_SERVER },
};

FkErrorCode
fk_error_code_from_problem (const char *type,
                            guint       http_status)
{
  if (type != NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (problem_codes); i++)
        if (g_str_equal (type, problem_codes[i].type))
          return problem_codes[i].code;
    }

  if (http_status == 429 || http_status == 503)
    return FK_ERROR_RATE_LIMITED;
  if (http_status == 401)
    return FK_ERROR_SESSION_EXPIRED;
  if (http_status >= 500)
    return FK_ERROR_SERVER;
  if (http_status >= 400)
    return FK_ERROR_BAD_REQUEST;

  return FK_ERROR_SERVER;
}

const char *
fk_error_code_to_message (FkErrorCode code)
{
  switch (code)
    {
    case FK_ERROR_NETWORK:
      return _("The server could not be reached. Your work is saved and will be sent when the network is back.");
    case FK_ERROR_TLS_PIN:
      return _("The server did not identify itself as the enrolled server. Check the server address or ask support.");
    case FK_ERROR_SERVER:
      return _("The server had a problem. Your work is saved; try again in a while.");
    case FK_ERROR_RATE_LIMITED:
      return _("The server is busy. Your work is saved and will be sent shortly.");
    case FK_ERROR_BAD_REQUEST:
      return _("The server refused the request. Update Fältkoll or contact support.");
    case FK_ERROR_CODE_INVALID:
      return _("The activation code is not valid. Check it and try again.");
    case FK_ERROR_CODE_USED:
      return _("The activation code has already been used. Get a new code from RAKEL or PAP.");
    case FK_ERROR_CODE_EXPIRED:
      return _("The activation code has expired. Get a new code from RAKEL or PAP.");
    case FK_ERROR_TOO_MANY_DEVICES:
      return _("You already have three devices with a Mobile service ID. Remove one before you enroll this one.");
    case FK_ERROR_WRONG_PIN:
      return _("Wrong PIN. Try again.");
    case FK_ERROR_TOKEN_DISABLED:
      return _("Your Mobile service ID is disabled after too many wrong PINs. Get a new activation code.");
    case FK_ERROR_DEVICE_REVOKED:
      return _("Your Mobile service ID has been revoked for this device. Contact support.");
    case FK_ERROR_SESSION_EXPIRED:
      return _("Your session has ended. Log in again to continue.");
    case FK_ERROR_NOT_ENROLLED:
      return _("This device has no Mobile service ID. Enroll it with an activation code.");
    case FK_ERROR_ALREADY_ENROLLED:
      return _("This device already has a Mobile service ID.");
    case FK_ERROR_WEAK_PIN:
      return _("The PIN is too easy to guess. Choose at least six digits that are not a simple series.");
    case FK_ERROR_INVALID_RECORD:
      return _("The server refused the record. Correct it and send it again.");
    case FK_ERROR_KEYRING:
      return _("The keyring could not be used. Unlock your keyring and try again.");
    case FK_ERROR_STORAGE:
      return _("Your work could not be saved on this device. Free some space and try again.");
    case FK_ERROR_FINGERPRINT_NO_MATCH:
      return _("The fingerprint did not match. Try again or use your PIN.");
    case FK_ERROR_PIN_REQUIRED:
      return _("Log in with your PIN this time. Fingerprint login needs a PIN login within the last 72 hours.");
    case FK_ERROR_INCOMPLETE_INSTALL:
      return _("Fältkoll is not installed completely. Your work is saved; ask support to reinstall Fältkoll.");
    case FK_ERROR_RECORD_TOO_LARGE:
      return _("The record is too large to send. Shorten its notes and it will be sent.");
    case FK_ERROR_FAILED:
    default:
      return _("Something went wrong. Try again.");
    }
}

const char *
fk_error_get_sign_in_message (const GError *error)
{
  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain != FK_ERROR)
    return fk_error_code_to_message (FK_ERROR_FAILED);

  /* A sentence of its own (the finger's wait, say) says what to do. */
  if (g_strcmp0 (error->message, fk_error_code_to_message (error->code)) != 0)
    return error->message;

  /* The usual sentences promise that the officer's work will be sent. */
  switch (error->code)
    {
    case FK_ERROR_NETWORK:
      return _("The server could not be reached. Check the network connection and try again.");
    case FK_ERROR_SERVER:
      return _("The server had a problem. Try again in a while.");
    case FK_ERROR_RATE_LIMITED:
      return _("The server is busy. Try again in a while.");
    default:
      return error->message;
    }
}

gboolean
fk_error_is_transient (const GError *error)
{
  if (error == NULL || error->domain != FK_ERROR)
    return FALSE;

  return error->code == FK_ERROR_NETWORK ||
         error->code == FK_ERROR_SERVER ||
         error->code == FK_ERROR_RATE_LIMITED;
}
