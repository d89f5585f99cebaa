/* fk-test-secrets.h: looking for secrets where they must not be
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct {
  char   *collection;   /* D-Bus object path */
  char   *label;
  char   *attributes;   /* "name=value\n"… */
  GBytes *secret;
} FkTestKeyringItem;

/* The client's secret of @kind ("token", "session", "fingerprint") for the
 * device at @data_dir, as the keyring holds it; NULL if there is none. */
char      *fk_test_keyring_lookup    (const char *data_dir,
                                      const char *kind);
/* Every item of every collection, unlocked first (FkTestKeyringItem). */
GPtrArray *fk_test_keyring_list_all  (void);

/* A secret as it could show up anywhere: itself (raw), base64, base64url
 * without padding, lower- and upper-case hex (GBytes). */
GPtrArray *fk_test_secret_forms      (GBytes     *secret);
/* The first of @forms found in @haystack, or NULL. */
GBytes    *fk_test_find_any          (GBytes     *haystack,
                                      GPtrArray  *forms);
/* The first file under @dir holding any of @forms, or NULL. */
char      *fk_test_find_in_tree      (const char *dir,
                                      GPtrArray  *forms);

G_END_DECLS
