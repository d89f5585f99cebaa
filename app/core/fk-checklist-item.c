/* fk-checklist-item.c: one item of an event checklist, as shown
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fk-checklist-item"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "fk-checklist-item-private.h"

struct _FkChecklistItem
{
  GObject            parent_instance;

  char              *id;
  FkChecklistPhase   phase;
  char              *text;
  FkChecklistAnswer  answer;
  char              *note;
  char              *by;
};

G_DEFINE_FINAL_TYPE (FkChecklistItem, fk_checklist_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_PHASE,
  PROP_TEXT,
  PROP_ANSWER,
  PROP_NOTE,
  PROP_BY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
fk_checklist_item_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  FkChecklistItem *self = FK_CHECKLIST_ITEM (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_PHASE:
      g_value_set_int (value, self->phase);
      break;
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;
    case PROP_ANSWER:
      g_value_set_int (value, self->answer);
      break;
    case PROP_NOTE:
      g_value_set_string (value, self->note);
      break;
    case PROP_BY:
      g_value_set_string (value, self->by);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fk_checklist_item_finalize (GObject *object)
{
  FkChecklistItem *self = (FkChecklistItem *) object;

  g_free (self->id);
  g_free (self->text);
  g_free (self->note);
  g_free (self->by);

  G_OBJECT_CLASS (fk_checklist_item_parent_class)->finalize (object);
}

static void
fk_checklist_item_class_init (FkChecklistItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = fk_checklist_item_get_property;
  object_class->finalize = fk_checklist_item_finalize;

  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  properties[PROP_PHASE] = g_param_spec_int ("phase", NULL, NULL, FK_CHECKLIST_PHASE_BEFORE,
                                             FK_CHECKLIST_PHASE_AFTER, FK_CHECKLIST_PHASE_BEFORE, flags);
  properties[PROP_TEXT] = g_param_spec_string ("text", NULL, NULL, NULL, flags);
  properties[PROP_ANSWER] = g_param_spec_int ("answer", NULL, NULL, FK_CHECKLIST_ANSWER_NONE,
                                              FK_CHECKLIST_ANSWER_NOT_APPLICABLE, FK_CHECKLIST_ANSWER_NONE, flags);
  properties[PROP_NOTE] = g_param_spec_string ("note", NULL, NULL, "", flags);
  properties[PROP_BY] = g_param_spec_string ("by", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fk_checklist_item_init (FkChecklistItem *self)
{
  self->note = g_strdup ("");
}

FkChecklistItem *
fk_checklist_item_new (const char       *id,
                       FkChecklistPhase  phase,
                       const char       *text)
{
  FkChecklistItem *self = g_object_new (FK_TYPE_CHECKLIST_ITEM, NULL);

  self->id = g_strdup (id);
  self->phase = phase;
  self->text = g_strdup (text);
  return self;
}

void
fk_checklist_item_set_answer (FkChecklistItem   *self,
                              FkChecklistAnswer  answer)
{
  g_return_if_fail (FK_IS_CHECKLIST_ITEM (self));

  if (self->answer == answer)
    return;

  self->answer = answer;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ANSWER]);
}

void
fk_checklist_item_set_note (FkChecklistItem *self,
                            const char      *note)
{
  g_return_if_fail (FK_IS_CHECKLIST_ITEM (self));

  if (g_strcmp0 (self->note, note ? note : "") == 0)
    return;

  g_free (self->note);
  self->note = g_strdup (note ? note : "");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOTE]);
}

void
fk_checklist_item_set_by (FkChecklistItem *self,
                          const char      *by)
{
  g_return_if_fail (FK_IS_CHECKLIST_ITEM (self));

  if (g_strcmp0 (self->by, by) == 0)
    return;

  g_free (self->by);
  self->by = g_strdup (by);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BY]);
}

const char *
fk_checklist_item_get_id (FkChecklistItem *self)
{
  g_return_val_if_fail (FK_IS_CHECKLIST_ITEM (self), NULL);
  return self->id;
}

FkChecklistPhase
fk_checklist_item_get_phase (FkChecklistItem *self)
{
  g_return_val_if_fail (FK_IS_CHECKLIST_ITEM (self), FK_CHECKLIST_PHASE_BEFORE);
  return self->phase;
}

const char *
fk_checklist_item_get_text (FkChecklistItem *self)
{
  g_return_val_if_fail (FK_IS_CHECKLIST_ITEM (self), NULL);
  return self->text;
}

FkChecklistAnswer
fk_checklist_item_get_answer (FkChecklistItem *self)
{
  g_return_val_if_fail (FK_IS_CHECKLIST_ITEM (self), FK_CHECKLIST_ANSWER_NONE);
  return self->answer;
}

const char *
fk_checklist_item_get_note (FkChecklistItem *self)
{
  g_return_val_if_fail (FK_IS_CHECKLIST_ITEM (self), NULL);
  return self->note;
}

const char *
fk_checklist_item_get_by (FkChecklistItem *self)
{
  g_return_val_if_fail (FK_IS_CHECKLIST_ITEM (self), NULL);
  return self->by;
}

static const char *answer_names[] = { NULL, "yes", "no", "not-applicable" };

const char *
fk_checklist_answer_to_string (FkChecklistAnswer answer)
{
  return answer < G_N_ELEMENTS (answer_names) ? answer_names[answer] : NULL;
}

gboolean
fk_checklist_answer_from_string (const char        *text,
                                 FkChecklistAnswer *answer)
{
  for (guint i = 1; text != NULL && i < G_N_ELEMENTS (answer_names); i++)
    if (g_str_equal (text, answer_names[i]))
      {
        *answer = i;
        return TRUE;
      }

  return FALSE;
}

const char *
fk_checklist_answer_to_label (FkChecklistAnswer answer)
{
  switch (answer)
    {
    case FK_CHECKLIST_ANSWER_YES:            return _("Yes");
    case FK_CHECKLIST_ANSWER_NO:             return _("No");
    case FK_CHECKLIST_ANSWER_NOT_APPLICABLE: return _("Not applicable");
    case FK_CHECKLIST_ANSWER_NONE:
    default:                                 return _("Not answered");
    }
}
