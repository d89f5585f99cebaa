/* fk-protocol.h: protocol v1, shared by the client and the reference server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * docs/protocol.md is the prose for everything named here; keep them in step.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define FK_PROTOCOL_PREFIX            "/v1"
#define FK_PATH_INFO                  FK_PROTOCOL_PREFIX "/info"
#define FK_PATH_ACTIVATIONS           FK_PROTOCOL_PREFIX "/activations"
#define FK_PATH_LOGIN_CHALLENGE       FK_PROTOCOL_PREFIX "/login/challenge"
#define FK_PATH_LOGIN                 FK_PROTOCOL_PREFIX "/login"
#define FK_PATH_LOGOUT                FK_PROTOCOL_PREFIX "/logout"
#define FK_PATH_TEMPLATES             FK_PROTOCOL_PREFIX "/templates"
#define FK_PATH_RECORDS_BATCH         FK_PROTOCOL_PREFIX "/records/batch"
#define FK_PATH_CHANGES               FK_PROTOCOL_PREFIX "/changes"

#define FK_CONTENT_TYPE_JSON          "application/json"
#define FK_CONTENT_TYPE_PROBLEM       "application/problem+json"

/* Stable RFC 9457 problem types; clients switch on these, never on titles. */
#define FK_PROBLEM_PREFIX             "urn:faltkoll:problem:"
#define FK_PROBLEM_BAD_REQUEST        FK_PROBLEM_PREFIX "bad-request"
#define FK_PROBLEM_NOT_FOUND          FK_PROBLEM_PREFIX "not-found"
#define FK_PROBLEM_CODE_INVALID       FK_PROBLEM_PREFIX "activation-code-invalid"
#define FK_PROBLEM_CODE_USED          FK_PROBLEM_PREFIX "activation-code-used"
#define FK_PROBLEM_CODE_EXPIRED       FK_PROBLEM_PREFIX "activation-code-expired"
#define FK_PROBLEM_TOO_MANY_DEVICES   FK_PROBLEM_PREFIX "too-many-devices"
#define FK_PROBLEM_CHALLENGE_INVALID  FK_PROBLEM_PREFIX "challenge-invalid"
#define FK_PROBLEM_WRONG_PIN          FK_PROBLEM_PREFIX "wrong-pin"
#define FK_PROBLEM_TOKEN_DISABLED     FK_PROBLEM_PREFIX "token-disabled"
#define FK_PROBLEM_DEVICE_REVOKED     FK_PROBLEM_PREFIX "device-revoked"
#define FK_PROBLEM_PIN_REQUIRED       FK_PROBLEM_PREFIX "pin-required"
#define FK_PROBLEM_UNAUTHORIZED       FK_PROBLEM_PREFIX "unauthorized"
#define FK_PROBLEM_SESSION_EXPIRED    FK_PROBLEM_PREFIX "session-expired"
#define FK_PROBLEM_INVALID_RECORD     FK_PROBLEM_PREFIX "invalid-record"
#define FK_PROBLEM_BATCH_TOO_LARGE    FK_PROBLEM_PREFIX "batch-too-large"
#define FK_PROBLEM_RATE_LIMITED       FK_PROBLEM_PREFIX "rate-limited"
#define FK_PROBLEM_UNAVAILABLE        FK_PROBLEM_PREFIX "unavailable"
#define FK_PROBLEM_INTERNAL           FK_PROBLEM_PREFIX "internal"

/* Record kinds carried in a batch. */
#define FK_KIND_HOTEL_TIP             "hotel-tip"
#define FK_KIND_EVENT_CHECKLIST       "event-checklist"

/* Per-item results of a batch upload. */
#define FK_RESULT_ACCEPTED            "accepted"
#define FK_RESULT_DUPLICATE           "duplicate"
#define FK_RESULT_CONFLICT            "conflict"
#define FK_RESULT_REJECTED            "rejected"

/* Unlock methods named in a login. */
#define FK_METHOD_PIN                 "pin"
#define FK_METHOD_FINGERPRINT         "fingerprint"

/* Unlock policies sent by the server at activation and login. */
#define FK_POLICY_PIN                 "pin"
#define FK_POLICY_PIN_OR_FINGERPRINT  "pin-or-fingerprint"
#define FK_POLICY_PIN_AND_FINGERPRINT "pin-and-fingerprint"

#define FK_MAX_BATCH_RECORDS          100
#define FK_MAX_BATCH_BYTES            (256 * 1024)
/* Characters in a checklist note: an edit carries the note it replaces as
 * well, so notes bound how large a checklist's upload grows. */
#define FK_MAX_CHECKLIST_NOTE         2000
#define FK_SESSION_SECONDS            (10 * 60 * 60)
#define FK_CHALLENGE_BYTES            32
#define FK_DATA_KEY_BYTES             32
#define FK_MAX_FAILED_PINS            5
#define FK_MAX_DEVICES_PER_OFFICER    3
#define FK_ACTIVATION_CODE_SECONDS    (15 * 60)
/* A fingerprint login needs a PIN login this recent. */
#define FK_FINGERPRINT_PIN_SECONDS    (72 * 60 * 60)

/* What the device signs at login: binds the signature to this protocol,
 * this device and this one challenge. */
GBytes     *fk_protocol_login_message    (const char    *device_id,
                                          GBytes        *challenge);

JsonNode   *fk_protocol_problem_new      (const char    *type,
                                          guint          status,
                                          const char    *title,
                                          const char    *detail);

gboolean    fk_protocol_is_valid_uuid    (const char    *uuid);

/* Base64 in JSON; NULL on malformed input. */
GBytes     *fk_protocol_decode_base64    (const char    *text);
char       *fk_protocol_encode_base64    (GBytes        *bytes);

/* "sha256//<base64>" as libcurl wants it, from the 64-hex-digit pin that
 * the server prints and an enroll URI carries.  NULL if malformed. */
char       *fk_protocol_pin_to_curl      (const char    *hex_pin);
gboolean    fk_protocol_is_valid_pin     (const char    *hex_pin);

G_END_DECLS
