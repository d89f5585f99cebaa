/* fk-event-checklist.h: a checklist for one safe event, shared by a team
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The merge rules are in docs/records.md: every change is an operation
 * with a per-device sequence number; the view is the server's last merged
 * state with this device's unconfirmed operations applied on top.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "fk-checklist-item.h"
#include "fk-checklist-template.h"
#include "fk-hotel-tip.h"

G_BEGIN_DECLS

#define FK_TYPE_EVENT_CHECKLIST (fk_event_checklist_get_type ())
G_DECLARE_FINAL_TYPE (FkEventChecklist, fk_event_checklist, FK, EVENT_CHECKLIST, GObject)

/* Properties for binding: "uuid", "state" (int FkRecordState), "failure",
 * "offered", "on-server",
 * "event-name", "organizer", "place", "starts-at", "ends-at" (GDateTime),
 * "expected-visitors", "region", "done", "answered", "total". */

FkEventChecklist *fk_event_checklist_new              (FkChecklistTemplate *template_);
/* @template_ may be NULL when its version is not on the device: items then
 * show their ids until it arrives. */
FkEventChecklist *fk_event_checklist_new_from_stored  (const char          *uuid,
                                                       JsonObject          *stored,
                                                       FkChecklistTemplate *template_,
                                                       GError             **error);
/* Another device's checklist, as the server's change feed gave it. */
FkEventChecklist *fk_event_checklist_new_from_state   (const char          *uuid,
                                                       JsonObject          *state,
                                                       FkChecklistTemplate *template_,
                                                       GError             **error);
/* What the store keeps (encrypted): the server's state and our operations. */
JsonObject       *fk_event_checklist_to_stored        (FkEventChecklist    *self);
/* What a batch carries: the state the operations apply to, and them. */
JsonObject       *fk_event_checklist_stored_to_wire   (JsonObject          *stored);
/* The sentence for the first note among @stored's operations that the
 * server refuses, or NULL. */
char             *fk_event_checklist_stored_check_notes (JsonObject        *stored);
/* The highest sequence number among the operations in @stored. */
gint64            fk_event_checklist_stored_last_seq  (JsonObject          *stored);

/* The server's merged state and the highest operation it has applied from
 * this device (-1 to keep ours, as for a pulled change). */
void              fk_event_checklist_apply_server_state (FkEventChecklist  *self,
                                                         JsonObject        *state,
                                                         gint64             acked);
gboolean          fk_event_checklist_has_unsent       (FkEventChecklist    *self);
/* Merges each item's note operations that cannot be on the server into
 * its last one; returns whether any went.  Not while a batch is read from
 * the outbox: it may hold the record without having said so yet. */
gboolean          fk_event_checklist_compact          (FkEventChecklist    *self);

void              fk_event_checklist_set_answer       (FkEventChecklist    *self,
                                                       const char          *item_id,
                                                       FkChecklistAnswer    answer);
/* Takes any @note, so that nothing typed is lost; the server refuses one
 * that fk_event_checklist_check_note() finds fault with. */
void              fk_event_checklist_set_note         (FkEventChecklist    *self,
                                                       const char          *item_id,
                                                       const char          *note);
/* NULL when the server takes @note, else the sentence to show under it. */
char             *fk_event_checklist_check_note       (const char          *note);
/* All event details at once, as the details form saves them. */
void              fk_event_checklist_set_event        (FkEventChecklist    *self,
                                                       const char          *event_name,
                                                       const char          *organizer,
                                                       const char          *place,
                                                       GDateTime           *starts_at,
                                                       GDateTime           *ends_at,
                                                       guint                expected_visitors,
                                                       const char          *region);
void              fk_event_checklist_set_done         (FkEventChecklist    *self,
                                                       gboolean             done);

const char       *fk_event_checklist_get_uuid         (FkEventChecklist    *self);
const char       *fk_event_checklist_get_template_id  (FkEventChecklist    *self);
guint             fk_event_checklist_get_template_version (FkEventChecklist *self);
FkRecordState     fk_event_checklist_get_state        (FkEventChecklist    *self);
void              fk_event_checklist_set_state        (FkEventChecklist    *self,
                                                       FkRecordState        state);
const char       *fk_event_checklist_get_failure      (FkEventChecklist    *self);
void              fk_event_checklist_set_failure      (FkEventChecklist    *self,
                                                       const char          *failure);
/* Sent in a batch the server has not answered for: it may be there, and
 * its operations so far are never merged (see compact()). */
gboolean          fk_event_checklist_get_offered      (FkEventChecklist    *self);
void              fk_event_checklist_set_offered      (FkEventChecklist    *self,
                                                       gboolean             offered);
/* The server has a version of it: a discard keeps that one. */
gboolean          fk_event_checklist_get_on_server    (FkEventChecklist    *self);
void              fk_event_checklist_set_on_server    (FkEventChecklist    *self,
                                                       gboolean             on_server);
/* Forgets this device's operations up to @up_to_seq, which the server
 * never applied; the view is the server's state with any later ones. */
void              fk_event_checklist_drop_unsent      (FkEventChecklist    *self,
                                                       gint64               up_to_seq);
/* The same, for what the store keeps: every operation in @stored goes. */
void              fk_event_checklist_stored_drop_unsent (JsonObject        *stored);
const char       *fk_event_checklist_get_event_name   (FkEventChecklist    *self);
const char       *fk_event_checklist_get_organizer    (FkEventChecklist    *self);
const char       *fk_event_checklist_get_place        (FkEventChecklist    *self);
GDateTime        *fk_event_checklist_get_starts_at    (FkEventChecklist    *self);
GDateTime        *fk_event_checklist_get_ends_at      (FkEventChecklist    *self);
guint             fk_event_checklist_get_expected_visitors (FkEventChecklist *self);
const char       *fk_event_checklist_get_region       (FkEventChecklist    *self);
gboolean          fk_event_checklist_get_done         (FkEventChecklist    *self);
/* FkChecklistItem, in template order. */
GListModel       *fk_event_checklist_get_items        (FkEventChecklist    *self);
guint             fk_event_checklist_get_answered     (FkEventChecklist    *self);
guint             fk_event_checklist_get_total        (FkEventChecklist    *self);
/* Officers other than @officer_id who changed items, comma-separated, or NULL. */
char             *fk_event_checklist_dup_others       (FkEventChecklist    *self,
                                                       const char          *officer_id);

/* The seven police regions, NULL-terminated. */
const char * const *fk_police_regions                 (void);

G_END_DECLS
