/* fk-client.h: what the app and the CLI use; the one door to token, session,
 * store and sync
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Widgets and the CLI talk to FkClient only: never to HTTP, SQL or libsecret.
 * Every *_async runs off the calling thread and completes on the caller's
 * main context.
 */
#pragma once

#include <gio/gio.h>

#include "fk-event-checklist.h"
#include "fk-fingerprint.h"
#include "fk-hotel-tip.h"
#include "fk-sync-engine.h"

G_BEGIN_DECLS

typedef enum {
  FK_CLIENT_STATE_LOADING,
  FK_CLIENT_STATE_NOT_ENROLLED,
  FK_CLIENT_STATE_LOCKED,        /* enrolled, no session: log in */
  FK_CLIENT_STATE_UNLOCKED,      /* a session is running */
  FK_CLIENT_STATE_DISABLED,      /* too many wrong PINs: new activation code */
  FK_CLIENT_STATE_REVOKED,       /* wiped by the server */
  FK_CLIENT_STATE_IDLE_LOCKED,   /* session runs on, PIN unlocks it offline */
} FkClientState;

/* What discarding a waiting or failed record takes from this device. */
typedef enum {
  FK_DISCARD_RECORD,           /* the server never had it: all of it */
  FK_DISCARD_CHANGES,          /* a checklist the server has: the changes it has not */
  FK_DISCARD_WAIT_FOR_ANSWER,  /* nothing: it may be on the server, a sync tells */
  FK_DISCARD_NOTHING,          /* nothing: the server has all of it */
} FkDiscard;

#define FK_TYPE_CLIENT (fk_client_get_type ())
G_DECLARE_FINAL_TYPE (FkClient, fk_client, FK, CLIENT, GObject)

/* @data_dir: where the store lives; NULL for $XDG_DATA_HOME/faltkoll. */
FkClient       *fk_client_new                    (const char           *data_dir);

void            fk_client_load_async             (FkClient             *self,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean        fk_client_load_finish            (FkClient             *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

FkClientState   fk_client_get_state              (FkClient             *self);
const char     *fk_client_get_server_url         (FkClient             *self);
const char     *fk_client_get_officer_id         (FkClient             *self);
/* Absolute: the default one when fk_client_new() was given none. */
const char     *fk_client_get_data_dir           (FkClient             *self);
const char     *fk_client_get_device_id          (FkClient             *self);
/* Wrong PINs the server still allows, as it last reported; -1 if unknown. */
int             fk_client_get_attempts_left      (FkClient             *self);
/* Seconds left of the session (counted on CLOCK_BOOTTIME); 0 when locked. */
gint64          fk_client_get_session_remaining  (FkClient             *self);
FkSyncEngine   *fk_client_get_sync_engine        (FkClient             *self);
/* FkHotelTip items, newest first; filled while unlocked, emptied at lock. */
GListModel     *fk_client_get_tips               (FkClient             *self);

/* FkEventChecklist items, newest first; filled while unlocked. */
GListModel     *fk_client_get_checklists         (FkClient             *self);
/* FkChecklistTemplate, the newest version of each, regional ones first;
 * the national template is always there, even before the first sync. */
GListModel     *fk_client_get_templates          (FkClient             *self);

/* Completes once the checklist and its new operations are on disk; then
 * sends them.  Start one with fk_event_checklist_new(). */
void            fk_client_save_checklist_async   (FkClient             *self,
                                                  FkEventChecklist     *checklist,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean        fk_client_save_checklist_finish  (FkClient             *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

/* For @record, an FkHotelTip or FkEventChecklist, as the client knows it
 * now: what a discard would take. */
FkDiscard       fk_client_get_discard            (FkClient             *self,
                                                  GObject              *record);
/* Discards what fk_client_get_discard() says and completes once that is on
 * disk: the record leaves the models, or a checklist goes back to the
 * server's version.  The store has the last word, and refuses with a
 * sentence for the officer (a record being sent, or that may be there). */
void            fk_client_discard_async          (FkClient             *self,
                                                  GObject              *record,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean        fk_client_discard_finish         (FkClient             *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

/* @server_pin: the 64 hex digits the server printed (SHA-256 of its key). */
void            fk_client_enroll_async           (FkClient             *self,
                                                  const char           *server_url,
                                                  const char           *server_pin,
                                                  const char           *activation_code,
                                                  const char           *pin,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean        fk_client_enroll_finish          (FkClient             *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

/* Logs in at the server; while idle-locked, unlocks locally instead.
 * A server login also applies the policy in the server's reply before the
 * session starts: pin drops the fingerprint copy, pin-and-fingerprint
 * binds the key to the finger (refusing the login, with a sentence that
 * says why, on a phone without a reader or an enrolled finger), and a
 * looser one unbinds it.  Under pin-and-fingerprint, after 5 fingers that
 * did not match the finger step waits (FK_ERROR_RATE_LIMITED, saying how
 * long): 5 minutes, twice as long after each further 5, up to 8 hours,
 * until a login succeeds.  Asked for before fk_client_load_async() has
 * finished, it waits for the load. */
void            fk_client_login_async            (FkClient             *self,
                                                  const char           *pin,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean        fk_client_login_finish           (FkClient             *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

/* FK_POLICY_*, as the server last sent it; NULL when not enrolled. */
const char     *fk_client_get_policy             (FkClient             *self);
/* The policy lets the officer choose fingerprint login. */
gboolean        fk_client_get_fingerprint_allowed  (FkClient           *self);
/* Policy pin-and-fingerprint: fk_client_login_async() first waits for a
 * matching finger (the reader's ::scanning and ::retry say so), then uses
 * the PIN; neither alone unwraps the key. */
gboolean        fk_client_get_fingerprint_required (FkClient           *self);
gboolean        fk_client_get_fingerprint_wanted   (FkClient           *self);
/* Fingerprint login (policy pin-or-fingerprint): wanted makes the next
 * good PIN login keep a second copy of the key, released only after
 * fprintd's verify-match (see docs/security.md for what that is worth).
 * Not wanted removes the copy and its key from the keyring at once.  Not
 * for pin-and-fingerprint. */
void            fk_client_set_fingerprint_wanted (FkClient             *self,
                                                  gboolean              wanted);
/* A copy exists, the policy allows it, fewer than 5 failed scans since the
 * last PIN login, and a login or unlock is what is asked for. */
gboolean        fk_client_get_fingerprint_ready  (FkClient             *self);
/* The reader, for its ::scanning and ::retry signals. */
FkFingerprint  *fk_client_get_fingerprint        (FkClient             *self);
/* Logs in (or, idle-locked, unlocks) with a finger; FK_ERROR_PIN_REQUIRED
 * when the PIN must be used instead. */
void            fk_client_login_fingerprint_async  (FkClient           *self,
                                                    GCancellable       *cancellable,
                                                    GAsyncReadyCallback callback,
                                                    gpointer            user_data);
gboolean        fk_client_login_fingerprint_finish (FkClient           *self,
                                                    GAsyncResult       *result,
                                                    GError            **error);

/* Sent hotel tips leave the device this many days after they were sent
 * (default 7); drafts and unsent tips never do.  Applied at each unlock. */
void            fk_client_set_retention_days     (FkClient             *self,
                                                  guint                 days);

/* Idle lock: records and the session's keys leave the UI's reach at once;
 * the session runs on, and fk_client_login_async() with the PIN unlocks it
 * again without the server (offline too).  After FK_MAX_FAILED_PINS wrong
 * PINs the session ends and the next login goes to the server. */
void            fk_client_lock                   (FkClient             *self);

/* Ends the session here and on the server (best effort); records stay. */
void            fk_client_logout_async           (FkClient             *self,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean        fk_client_logout_finish          (FkClient             *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

/* Completes only once the tip is durable on disk.  @send: queue it for the
 * server (validated first) rather than keep it as a draft. */
void            fk_client_save_tip_async         (FkClient             *self,
                                                  FkHotelTip           *tip,
                                                  gboolean              send,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean        fk_client_save_tip_finish        (FkClient             *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

/* Sends what waits, then pulls templates and the team's checklists. */
void            fk_client_sync_async             (FkClient             *self,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean        fk_client_sync_finish            (FkClient             *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

/* Call before the process exits: stops network work under way, and
 * completes when the disk and the keyring hold every change made so far
 * (a session kept, a token disabled, a wipe).  The client sends nothing
 * after it. */
void            fk_client_close_async            (FkClient             *self,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean        fk_client_close_finish           (FkClient             *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

/* Parses faltkoll://enroll?server=…&code=…&pin=… */
gboolean        fk_enroll_uri_parse              (const char           *uri,
                                                  char                **server_url,
                                                  char                **activation_code,
                                                  char                **server_pin,
                                                  GError              **error);

/* At least six digits, not on the blocklist (repeats, series, common PINs). */
gboolean        fk_pin_check_strength            (const char           *pin,
                                                  GError              **error);

G_END_DECLS
