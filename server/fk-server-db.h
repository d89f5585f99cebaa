/* fk-server-db.h: the server's SQLite store of devices, sessions and records
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define FK_SERVER_DB_ERROR (fk_server_db_error_quark ())

/* One per protocol problem the store can decide on. */
typedef enum {
  FK_SERVER_DB_ERROR_FAILED,            /* SQLite itself failed */
  FK_SERVER_DB_ERROR_INVALID,           /* bad argument, e.g. an officer ID */
  FK_SERVER_DB_ERROR_NOT_FOUND,
  FK_SERVER_DB_ERROR_CODE_INVALID,
  FK_SERVER_DB_ERROR_CODE_USED,
  FK_SERVER_DB_ERROR_CODE_EXPIRED,
  FK_SERVER_DB_ERROR_TOO_MANY_DEVICES,
  FK_SERVER_DB_ERROR_CHALLENGE_INVALID,
  FK_SERVER_DB_ERROR_TOKEN_DISABLED,
  FK_SERVER_DB_ERROR_DEVICE_REVOKED,
  FK_SERVER_DB_ERROR_UNAUTHORIZED,
  FK_SERVER_DB_ERROR_SESSION_EXPIRED,
  FK_SERVER_DB_ERROR_PIN_REQUIRED,
} FkServerDbError;

typedef enum {
  FK_DEVICE_STATE_ACTIVE,
  FK_DEVICE_STATE_DISABLED,             /* too many failed logins */
  FK_DEVICE_STATE_REVOKED,              /* lost: the client wipes itself */
  FK_DEVICE_STATE_RETIRED,              /* replaced by a re-activation */
} FkDeviceState;

typedef struct {
  char   *device_id;
  char   *officer_id;
  gint64  expires_at;                   /* Unix seconds */
  char   *token;                        /* only from a login; never stored */
  GBytes *data_key;                     /* only from a login */
} FkServerDbSession;

/* One item of a batch.  The caller fills the inputs; items it already
 * rejected carry a status and are left alone. */
typedef struct {
  const char *uuid;
  const char *kind;
  gint64      revision;
  const char *payload;                  /* JSON text */
  const char *status;                   /* out: FK_RESULT_* */
  char       *field;                    /* out when rejected: the field at fault */
  char       *detail;                   /* out when rejected */
  JsonObject *state;                    /* out for a stored event checklist: the merged state */
  gint64      acked;                    /* out with @state: the highest seq applied from this device */
} FkServerDbRecord;

#define FK_SERVER_DB_SCHEMA_VERSION 2
#define FK_SERVER_DB_CHALLENGE_SECONDS 60
/* The most changes one GET /v1/changes returns. */
#define FK_SERVER_DB_CHANGES_LIMIT 500

#define FK_TYPE_SERVER_DB (fk_server_db_get_type ())
G_DECLARE_FINAL_TYPE (FkServerDb, fk_server_db, FK, SERVER_DB, GObject)

GQuark             fk_server_db_error_quark        (void);
void               fk_server_db_session_free       (FkServerDbSession *session);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FkServerDbSession, fk_server_db_session_free)

/* Opens or creates the database at @path and migrates it. */
FkServerDb        *fk_server_db_open               (const char        *path,
                                                    GError           **error);
/* Checkpoints and closes; every later call fails. */
void               fk_server_db_close              (FkServerDb        *self);

/* A fresh single-use code for @officer_id, "1234-5678-9012"; only its
 * SHA-256 is stored. */
char              *fk_server_db_issue_code         (FkServerDb        *self,
                                                    const char        *officer_id,
                                                    GError           **error);
gboolean           fk_server_db_activate           (FkServerDb        *self,
                                                    const char        *code,
                                                    GBytes            *public_key,
                                                    const char        *device_name,
                                                    const char        *previous_device_id,
                                                    char             **device_id_out,
                                                    char             **officer_id_out,
                                                    GError           **error);
gboolean           fk_server_db_revoke_device      (FkServerDb        *self,
                                                    const char        *device_id,
                                                    GError           **error);
gboolean           fk_server_db_get_device_state   (FkServerDb        *self,
                                                    const char        *device_id,
                                                    FkDeviceState     *state_out,
                                                    guint             *failed_logins_out,
                                                    GError           **error);

GBytes            *fk_server_db_new_challenge      (FkServerDb        *self,
                                                    const char        *device_id,
                                                    GError           **error);
/* Uses up @challenge and hands back the device's public key to check the
 * signature with. */
gboolean           fk_server_db_take_challenge     (FkServerDb        *self,
                                                    const char        *device_id,
                                                    GBytes            *challenge,
                                                    GBytes           **public_key_out,
                                                    GError           **error);
/* Counts a bad signature; @attempts_left_out is 0 once the device is
 * disabled by it. */
gboolean           fk_server_db_record_failed_login (FkServerDb       *self,
                                                    const char        *device_id,
                                                    guint             *attempts_left_out,
                                                    GError           **error);
FkServerDbSession *fk_server_db_start_session      (FkServerDb        *self,
                                                    const char        *device_id,
                                                    const char        *method,
                                                    guint              seconds,
                                                    GError           **error);
FkServerDbSession *fk_server_db_authenticate       (FkServerDb        *self,
                                                    const char        *token,
                                                    GError           **error);
gboolean           fk_server_db_end_session        (FkServerDb        *self,
                                                    const char        *token,
                                                    GError           **error);

/* Stores every item not already rejected in one transaction: hotel tips
 * idempotent on (uuid, revision), event checklists created or merged
 * (docs/records.md) and idempotent on each device's operation seq. */
gboolean           fk_server_db_store_records      (FkServerDb        *self,
                                                    const char        *officer_id,
                                                    const char        *device_id,
                                                    FkServerDbRecord  *records,
                                                    guint              n_records,
                                                    GError           **error);

/* Adds a new version of a checklist template and puts it on the change
 * feed.  The version must be above every stored one of that id, and the
 * region (NULL for national) that of the first; older versions stay, for
 * the checklists started on them. */
gboolean           fk_server_db_add_template       (FkServerDb        *self,
                                                    JsonObject        *template_,
                                                    GError           **error);
/* Adds @template_ unless its id is stored at that version or a newer one:
 * what the server ships, on every start. */
gboolean           fk_server_db_seed_template      (FkServerDb        *self,
                                                    JsonObject        *template_,
                                                    GError           **error);
/* The newest version of every template, national ones first. */
JsonArray         *fk_server_db_list_templates     (FkServerDb        *self,
                                                    GError           **error);
/* Up to @limit changes after @since, oldest first; @cursor_out is the last
 * seq returned (or @since when there is none), @more_out whether more
 * followed. */
JsonArray         *fk_server_db_list_changes       (FkServerDb        *self,
                                                    gint64             since,
                                                    guint              limit,
                                                    gint64            *cursor_out,
                                                    gboolean          *more_out,
                                                    GError           **error);

G_END_DECLS
