/* fk-test-server.h: the real reference server, started and judged by tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct {
  char        *state_dir;
  GSubprocess *process;
  char        *url;
  char        *pin;
  guint        port;    /* kept across restarts: the enrolled URL names it */
  char        *log_path; /* set before start: all of its log (debug too) goes there */
} FkTestServer;

char         *fk_test_build_path     (const char    *relative);

/* Starts `faltkoll-server serve` with @extra_args (NULL-terminated, may be
 * NULL); it dies with the test process. */
FkTestServer *fk_test_server_new     (const char    *state_dir);
void          fk_test_server_start   (FkTestServer  *server,
                                      const char * const *extra_args);
void          fk_test_server_stop    (FkTestServer  *server);
void          fk_test_server_free    (FkTestServer  *server);
char         *fk_test_server_issue_code (FkTestServer *server,
                                         const char   *officer);
/* Rows in the server's records table for @uuid; all rows for NULL. */
gint64        fk_test_server_count_records (FkTestServer *server,
                                            const char   *uuid);
/* The server's database passes SQLite's integrity and foreign key checks
 * (after a SIGKILL, say: the WAL must have kept it whole). */
void          fk_test_server_assert_db_intact (FkTestServer *server);

/* Runs a program with @input on stdin; its exit status, output in @out/@err. */
int           fk_test_run            (const char    *input,
                                      char         **out,
                                      char         **err,
                                      const char    *program,
                                      ...) G_GNUC_NULL_TERMINATED;

/* A GAsyncReadyCallback that keeps a reference to @result in the
 * GAsyncResult * that @user_data points to, and fails on a second result;
 * fk_test_wait_for() waits for it (and fails after a minute). */
void          fk_test_keep_result    (GObject       *object,
                                      GAsyncResult  *result,
                                      gpointer       user_data);
GAsyncResult *fk_test_wait_for       (GAsyncResult **result);

/* Runs the main context for @milliseconds, for work that has no signal
 * to wait for. */
void          fk_test_spin           (guint          milliseconds);
/* Places @finger on libfprint's virtual reader listening on @socket_path
 * (one command per connection, only while the reader is claimed). */
void          fk_test_scan_finger    (const char    *socket_path,
                                      const char    *finger);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FkTestServer, fk_test_server_free)

G_END_DECLS
