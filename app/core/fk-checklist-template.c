/* fk-checklist-template.c: a checklist template for safe events
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fk-checklist-template"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "fk-checklist-template.h"
#include "fk-data-resources.h"
#include "fk-error.h"

#define DEFAULT_TEMPLATE_RESOURCE "/io/github/faltkoll/Faltkoll/data/checklists/national.json"

struct _FkChecklistTemplate
{
  GObject    parent_instance;

  char      *id;
  guint      version;
  char      *region;
  char      *title;
  GPtrArray *items;     /* FkTemplateItem */
};

G_DEFINE_FINAL_TYPE (FkChecklistTemplate, fk_checklist_template, G_TYPE_OBJECT)

static void
template_item_free (FkTemplateItem *item)
{
  g_free (item->id);
  g_free (item->text);
  g_free (item);
}

static void
fk_checklist_template_finalize (GObject *object)
{
  FkChecklistTemplate *self = (FkChecklistTemplate *) object;

  g_free (self->id);
  g_free (self->region);
  g_free (self->title);
  g_clear_pointer (&self->items, g_ptr_array_unref);

  G_OBJECT_CLASS (fk_checklist_template_parent_class)->finalize (object);
}

static void
fk_checklist_template_class_init (FkChecklistTemplateClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fk_checklist_template_finalize;
}

static void
fk_checklist_template_init (FkChecklistTemplate *self)
{
  self->items = g_ptr_array_new_with_free_func ((GDestroyNotify) template_item_free);
}

static gboolean
phase_from_string (const char       *text,
                   FkChecklistPhase *phase)
{
  static const char *names[] = { "before", "during", "after" };

  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (text, names[i]))
      {
        *phase = i;
        return TRUE;
      }

  return FALSE;
}

const char *
fk_checklist_phase_to_string (FkChecklistPhase phase)
{
  switch (phase)
    {
    case FK_CHECKLIST_PHASE_BEFORE: return "before";
    case FK_CHECKLIST_PHASE_DURING: return "during";
    case FK_CHECKLIST_PHASE_AFTER:
    default:                        return "after";
    }
}

const char *
fk_checklist_phase_to_label (FkChecklistPhase phase)
{
  switch (phase)
    {
    case FK_CHECKLIST_PHASE_BEFORE: return C_("checklist phase", "Before");
    case FK_CHECKLIST_PHASE_DURING: return C_("checklist phase", "During");
    case FK_CHECKLIST_PHASE_AFTER:
    default:                        return C_("checklist phase", "After");
    }
}

static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

FkChecklistTemplate *
fk_checklist_template_new_from_json (JsonObject  *object,
                                     GError     **error)
{
  g_autoptr(FkChecklistTemplate) self = g_object_new (FK_TYPE_CHECKLIST_TEMPLATE, NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  JsonNode *items_node;
  JsonArray *items;

  g_return_val_if_fail (object != NULL, NULL);

  self->id = g_strdup (string_member (object, "id"));
  self->title = g_strdup (string_member (object, "title"));
  self->region = g_strdup (string_member (object, "region"));
  self->version = json_object_get_int_member_with_default (object, "version", 0);
  items_node = json_object_get_member (object, "items");

  if (self->id == NULL || self->title == NULL || self->version == 0 ||
      items_node == NULL || !JSON_NODE_HOLDS_ARRAY (items_node))
    goto invalid;

  items = json_node_get_array (items_node);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode *node = json_array_get_element (items, i);
      FkTemplateItem *item;
      FkChecklistPhase phase;
      JsonObject *item_object;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        goto invalid;
      item_object = json_node_get_object (node);
      if (string_member (item_object, "id") == NULL || string_member (item_object, "text") == NULL ||
          !phase_from_string (string_member (item_object, "phase"), &phase) ||
          g_hash_table_contains (seen, string_member (item_object, "id")))
        goto invalid;

      item = g_new0 (FkTemplateItem, 1);
      item->id = g_strdup (string_member (item_object, "id"));
      item->text = g_strdup (string_member (item_object, "text"));
      item->phase = phase;
      g_ptr_array_add (self->items, item);
      g_hash_table_add (seen, item->id);
    }

  return g_steal_pointer (&self);

invalid:
  g_set_error_literal (error, FK_ERROR, FK_ERROR_SERVER,
                       _("A checklist template could not be read. Update Fältkoll."));
  return NULL;
}

FkChecklistTemplate *
fk_checklist_template_new_default (void)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  FkChecklistTemplate *self;

  /* Looked up by name, not left to a constructor, so a static link keeps it. */
  bytes = g_resource_lookup_data (fk_data_get_resource (), DEFAULT_TEMPLATE_RESOURCE, 0, NULL);

  /* Shipped with the program and checked by its tests: failing here is a bug. */
  g_assert (bytes != NULL);
  if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error))
    g_error ("The national checklist template is broken: %s", error->message);

  self = fk_checklist_template_new_from_json (json_node_get_object (json_parser_get_root (parser)), &error);
  if (self == NULL)
    g_error ("The national checklist template is broken: %s", error->message);

  return self;
}

JsonObject *
fk_checklist_template_to_json (FkChecklistTemplate *self)
{
  JsonObject *object = json_object_new ();
  JsonArray *items = json_array_new ();

  g_return_val_if_fail (FK_IS_CHECKLIST_TEMPLATE (self), NULL);

  json_object_set_string_member (object, "id", self->id);
  json_object_set_int_member (object, "version", self->version);
  if (self->region != NULL)
    json_object_set_string_member (object, "region", self->region);
  else
    json_object_set_null_member (object, "region");
  json_object_set_string_member (object, "title", self->title);
  for (guint i = 0; i < self->items->len; i++)
    {
      FkTemplateItem *item = g_ptr_array_index (self->items, i);
      JsonObject *item_object = json_object_new ();

      json_object_set_string_member (item_object, "id", item->id);
      json_object_set_string_member (item_object, "phase", fk_checklist_phase_to_string (item->phase));
      json_object_set_string_member (item_object, "text", item->text);
      json_array_add_object_element (items, item_object);
    }
  json_object_set_array_member (object, "items", items);

  return object;
}

const char *
fk_checklist_template_get_id (FkChecklistTemplate *self)
{
  g_return_val_if_fail (FK_IS_CHECKLIST_TEMPLATE (self), NULL);
  return self->id;
}

guint
fk_checklist_template_get_version (FkChecklistTemplate *self)
{
  g_return_val_if_fail (FK_IS_CHECKLIST_TEMPLATE (self), 0);
  return self->version;
}

const char *
fk_checklist_template_get_region (FkChecklistTemplate *self)
{
  g_return_val_if_fail (FK_IS_CHECKLIST_TEMPLATE (self), NULL);
  return self->region;
}

const char *
fk_checklist_template_get_title (FkChecklistTemplate *self)
{
  g_return_val_if_fail (FK_IS_CHECKLIST_TEMPLATE (self), NULL);
  return self->title;
}

guint
fk_checklist_template_get_n_items (FkChecklistTemplate *self)
{
  g_return_val_if_fail (FK_IS_CHECKLIST_TEMPLATE (self), 0);
  return self->items->len;
}

const FkTemplateItem *
fk_checklist_template_get_item (FkChecklistTemplate *self,
                                guint                index)
{
  g_return_val_if_fail (FK_IS_CHECKLIST_TEMPLATE (self), NULL);
  g_return_val_if_fail (index < self->items->len, NULL);
  return g_ptr_array_index (self->items, index);
}

const FkTemplateItem *
fk_checklist_template_find_item (FkChecklistTemplate *self,
                                 const char          *id)
{
  g_return_val_if_fail (FK_IS_CHECKLIST_TEMPLATE (self), NULL);

  for (guint i = 0; i < self->items->len; i++)
    {
      FkTemplateItem *item = g_ptr_array_index (self->items, i);

      if (g_str_equal (item->id, id))
        return item;
    }

  return NULL;
}
