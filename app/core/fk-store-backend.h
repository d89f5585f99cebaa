/* fk-store-backend.h: the SQLite calls fk-store.c makes
 *
 * libsqlite3 is 1.4 MB.  Linked into the app, a cold start read it whole
 * on the main thread before main(), though only the store's thread ever
 * calls it.  So that thread loads it in a module, fk-store-sqlite.so, when
 * it opens the store (fk-module.h).
 *
 * The table is SQLite's own functions, unchanged: the SQL, the schema and
 * the encryption stay in fk-store.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* Raised whenever the struct below changes shape. */
#define FK_STORE_BACKEND_VERSION 1

/* The module's one exported symbol: a function of no arguments that
 * returns its FkStoreBackend (fk-module.h). */
#define FK_STORE_BACKEND_GET_SYMBOL "fk_store_backend_get"

/* Each member is the sqlite3_ function of the same name. */
typedef struct {
  guint                  version;   /* FK_STORE_BACKEND_VERSION; first, always */
  int                  (*open_v2)      (const char *, sqlite3 **, int, const char *);
  int                  (*close)        (sqlite3 *);
  int                  (*busy_timeout) (sqlite3 *, int);
  int                  (*exec)         (sqlite3 *, const char *, int (*) (void *, int, char **, char **), void *, char **);
  const char          *(*errmsg)       (sqlite3 *);
  int                  (*changes)      (sqlite3 *);
  int                  (*prepare_v2)   (sqlite3 *, const char *, int, sqlite3_stmt **, const char **);
  int                  (*step)         (sqlite3_stmt *);
  int                  (*reset)        (sqlite3_stmt *);
  int                  (*finalize)     (sqlite3_stmt *);
  int                  (*bind_blob)    (sqlite3_stmt *, int, const void *, int, void (*) (void *));
  int                  (*bind_int)     (sqlite3_stmt *, int, int);
  int                  (*bind_int64)   (sqlite3_stmt *, int, sqlite3_int64);
  int                  (*bind_null)    (sqlite3_stmt *, int);
  int                  (*bind_text)    (sqlite3_stmt *, int, const char *, int, void (*) (void *));
  const void          *(*column_blob)  (sqlite3_stmt *, int);
  int                  (*column_bytes) (sqlite3_stmt *, int);
  int                  (*column_int)   (sqlite3_stmt *, int);
  sqlite3_int64        (*column_int64) (sqlite3_stmt *, int);
  const unsigned char *(*column_text)  (sqlite3_stmt *, int);
  int                  (*column_type)  (sqlite3_stmt *, int);
} FkStoreBackend;

G_END_DECLS
