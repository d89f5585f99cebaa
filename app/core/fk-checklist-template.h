/* fk-checklist-template.h: a checklist template for safe events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum {
  FK_CHECKLIST_PHASE_BEFORE,
  FK_CHECKLIST_PHASE_DURING,
  FK_CHECKLIST_PHASE_AFTER,
} FkChecklistPhase;

typedef struct {
  char             *id;
  FkChecklistPhase  phase;
  char             *text;   /* in the officer's language, see below */
} FkTemplateItem;

#define FK_TYPE_CHECKLIST_TEMPLATE (fk_checklist_template_get_type ())
G_DECLARE_FINAL_TYPE (FkChecklistTemplate, fk_checklist_template, FK, CHECKLIST_TEMPLATE, GObject)

/* Texts are Swedish unless the template's "translations" has one for a
 * language of g_get_language_names(), looked up per text in that order at
 * construction (docs/protocol.md); ids are the same in every language. */
FkChecklistTemplate *fk_checklist_template_new_from_json  (JsonObject          *object,
                                                           GError             **error);
/* The national template shipped in data/, for a first start offline. */
FkChecklistTemplate *fk_checklist_template_new_default    (void);
/* The Swedish texts, with the translations it could use. */
JsonObject          *fk_checklist_template_to_json        (FkChecklistTemplate *self);

const char          *fk_checklist_template_get_id         (FkChecklistTemplate *self);
guint                fk_checklist_template_get_version    (FkChecklistTemplate *self);
/* NULL for the national template. */
const char          *fk_checklist_template_get_region     (FkChecklistTemplate *self);
/* In the officer's language, as the items' texts. */
const char          *fk_checklist_template_get_title      (FkChecklistTemplate *self);
guint                fk_checklist_template_get_n_items    (FkChecklistTemplate *self);
const FkTemplateItem *fk_checklist_template_get_item      (FkChecklistTemplate *self,
                                                           guint                index);
const FkTemplateItem *fk_checklist_template_find_item     (FkChecklistTemplate *self,
                                                           const char          *id);

const char          *fk_checklist_phase_to_string         (FkChecklistPhase     phase);
/* Translated: "Before", "During", "After". */
const char          *fk_checklist_phase_to_label          (FkChecklistPhase     phase);

G_END_DECLS
