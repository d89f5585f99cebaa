/* fk-server.h: the reference central server, protocol v1 over HTTPS
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "fk-fault-injector.h"
#include "fk-server-db.h"

G_BEGIN_DECLS

#define FK_SERVER_DB_FILE "faltkoll-server.db"

#define FK_TYPE_SERVER (fk_server_get_type ())
G_DECLARE_FINAL_TYPE (FkServer, fk_server, FK, SERVER, GObject)

/* $STATE_DIRECTORY (systemd) or $XDG_STATE_HOME/faltkoll-server. */
char            *fk_server_default_state_dir  (void);
/* Creates @state_dir (0700) if needed. */
gboolean         fk_server_ensure_state_dir   (const char       *state_dir,
                                               GError          **error);

/* Opens the database and the certificate in @state_dir, making both on
 * first start, and seeds the national checklist template. */
FkServer        *fk_server_new                (const char       *state_dir,
                                               GError          **error);

/* Listens for HTTPS on @address; @port 0 picks a free one. */
gboolean         fk_server_listen             (FkServer         *self,
                                               const char       *address,
                                               guint             port,
                                               GError          **error);
/* Stops listening and closes the database. */
void             fk_server_close              (FkServer         *self);

/* "https://127.0.0.1:8443" once listening. */
const char      *fk_server_get_url            (FkServer         *self);
guint            fk_server_get_port           (FkServer         *self);
const char      *fk_server_get_pin            (FkServer         *self);
FkServerDb      *fk_server_get_db             (FkServer         *self);

guint            fk_server_get_session_seconds (FkServer        *self);
void             fk_server_set_session_seconds (FkServer        *self,
                                                guint            seconds);
/* What clients are told at enrollment and login: one of FK_POLICY_*
 * (default pin-or-fingerprint). */
const char      *fk_server_get_policy         (FkServer         *self);
void             fk_server_set_policy         (FkServer         *self,
                                               const char       *policy);
FkFaultInjector *fk_server_get_fault_injector (FkServer         *self);
void             fk_server_set_fault_injector (FkServer         *self,
                                               FkFaultInjector  *injector);

G_END_DECLS
