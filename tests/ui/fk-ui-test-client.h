/* fk-ui-test-client.h: a real client enrolled at a real reference server,
 * for UI tests that need a session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "fk-client.h"
#include "fk-test-server.h"

G_BEGIN_DECLS

/* Invented; passes the PIN blocklist. */
#define FK_UI_TEST_PIN "735194"

typedef struct {
  FkTestServer *server;
  FkClient     *client;
  char         *data_dir;
} FkUiTestClient;

/* Starts a server (with @server_args, may be NULL) and enrolls a fresh
 * client at it, under fk-test-env's root; the client is left LOCKED. */
FkUiTestClient *fk_ui_test_client_new       (const char * const *server_args);
void            fk_ui_test_client_free      (FkUiTestClient     *self);
void            fk_ui_test_client_login     (FkUiTestClient     *self);
/* Logs @client in with the test PIN; it must come out unlocked. */
void            fk_ui_test_login            (FkClient           *client);
/* Saves a tip with @hotel_name; @send queues it for the server. */
FkHotelTip     *fk_ui_test_client_save_tip  (FkUiTestClient     *self,
                                             const char         *hotel_name,
                                             gboolean            send);
/* A tip the server refuses: another officer's device has already sent a
 * tip with its uuid.  Saved and sent, and back as failed. */
FkHotelTip     *fk_ui_test_client_save_refused_tip (FkUiTestClient *self,
                                                    const char     *hotel_name);
/* Saves a checklist for @event_name, from the first template, which
 * waits to be sent. */
FkEventChecklist *fk_ui_test_client_save_checklist (FkUiTestClient *self,
                                                    const char     *event_name);
/* Runs the main loop until @client is in @state; fails after @seconds. */
void            fk_ui_test_wait_state       (FkClient           *client,
                                             FkClientState       state,
                                             guint               seconds);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FkUiTestClient, fk_ui_test_client_free)

G_END_DECLS
