/* fk-error.h: errors the officer sees
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every FK_ERROR message is a short translated sentence that says what
 * happened and what to do.  It never carries a secret, a stack trace or
 * anything a tip says.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define FK_ERROR (fk_error_quark ())

typedef enum {
  FK_ERROR_FAILED,
  FK_ERROR_NETWORK,            /* no answer: retry later */
  FK_ERROR_TLS_PIN,            /* the server is not the one enrolled with */
  FK_ERROR_SERVER,             /* 5xx or a reply that makes no sense */
  FK_ERROR_RATE_LIMITED,       /* 429/503 with Retry-After */
  FK_ERROR_BAD_REQUEST,
  FK_ERROR_CODE_INVALID,
  FK_ERROR_CODE_USED,
  FK_ERROR_CODE_EXPIRED,
  FK_ERROR_TOO_MANY_DEVICES,
  FK_ERROR_WRONG_PIN,
  FK_ERROR_TOKEN_DISABLED,
  FK_ERROR_DEVICE_REVOKED,
  FK_ERROR_SESSION_EXPIRED,
  FK_ERROR_NOT_ENROLLED,
  FK_ERROR_ALREADY_ENROLLED,
  FK_ERROR_WEAK_PIN,
  FK_ERROR_INVALID_RECORD,
  FK_ERROR_KEYRING,
  FK_ERROR_STORAGE,
  FK_ERROR_FINGERPRINT_NO_MATCH,
  FK_ERROR_PIN_REQUIRED,        /* fingerprint refused: log in with the PIN */
  FK_ERROR_INCOMPLETE_INSTALL,  /* a part of Fältkoll is missing from the system */
  FK_ERROR_RECORD_TOO_LARGE,    /* one record alone is more than a batch may carry */
} FkErrorCode;

GQuark       fk_error_quark              (void);

/* Maps an RFC 9457 problem type to our code; unknown types by status. */
FkErrorCode  fk_error_code_from_problem  (const char *type,
                                          guint       http_status);

/* The officer's sentence for @code (translated). */
const char  *fk_error_code_to_message    (FkErrorCode code);

/* The officer's sentence for @error where nothing of theirs is saved or
 * waits to be sent, as at login and enrollment: a server out of reach
 * says to try again, not that work will be sent later. */
const char  *fk_error_get_sign_in_message (const GError *error);

/* Transient errors are retried by sync; permanent ones wait for the officer. */
gboolean     fk_error_is_transient       (const GError *error);

G_END_DECLS
