/* fk-server-checklist.h: team event checklists on the server: check, create, merge
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * docs/records.md ("Event checklist") is the contract; this is the
 * server's half of it, on JSON alone so FkServerDb can run it inside the
 * batch's transaction.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Whether @region is one of the seven police regions. */
gboolean            fk_server_checklist_is_region    (const char  *region);

/* Checks an upload against @template_, the template version the checklist
 * uses: the state fields only when @creating (they are ignored later), the
 * operations always.  Fails with FK_ERROR_INVALID_RECORD and the field at
 * fault in @field_out ("template-version", "region", "items", "ops", …);
 * the message names no content, only fields, positions and item ids. */
gboolean            fk_server_checklist_check        (JsonObject  *payload,
                                                      JsonObject  *template_,
                                                      gboolean     creating,
                                                      char       **field_out,
                                                      GError     **error);

/* A new checklist's state from a checked upload: its template, event
 * fields and items, with @officer_id as "by" of every item it fills. */
JsonObject         *fk_server_checklist_new_state    (JsonObject  *payload,
                                                      JsonObject  *template_,
                                                      const char  *officer_id);

/* Applies the checked upload's operations with a seq above *@max_seq, in
 * their order, and raises *@max_seq to the last one applied.  Returns how
 * many were applied; 0 leaves @state as it was. */
guint               fk_server_checklist_merge        (JsonObject  *state,
                                                      JsonObject  *payload,
                                                      JsonObject  *template_,
                                                      const char  *officer_id,
                                                      gint64      *max_seq);

G_END_DECLS
