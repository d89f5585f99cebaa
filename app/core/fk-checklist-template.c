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
/* The language of a template's own texts. */
#define BASE_LANGUAGE "sv"

typedef struct {
  FkTemplateItem  item;         /* first, so the public part points at the whole */
  char           *base_text;
} TemplateItem;

struct _FkChecklistTemplate
{
  GObject     parent_instance;

  char       *id;
  guint       version;
  char       *region;
  char       *title;          /* in the officer's language */
  char       *base_title;
  JsonObject *translations;   /* only what we can use, or NULL */
  GPtrArray  *items;          /* TemplateItem */
};

G_DEFINE_FINAL_TYPE (FkChecklistTemplate, fk_checklist_template, G_TYPE_OBJECT)

static void
template_item_free (TemplateItem *item)
{
  g_free (item->item.id);
  g_free (item->item.text);
  g_free (item->base_text);
  g_free (item);
}

static void
fk_checklist_template_finalize (GObject *object)
{
  FkChecklistTemplate *self = (FkChecklistTemplate *) object;

  g_free (self->id);
  g_free (self->region);
  g_free (self->title);
  g_free (self->base_title);
  g_clear_pointer (&self->translations, json_object_unref);
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

static const char *
nonempty_string_member (JsonObject *object,
                        const char *name)
{
  const char *text = object != NULL ? string_member (object, name) : NULL;

  return text != NULL && text[0] != '\0' ? text : NULL;
}

static JsonObject *
object_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* The non-empty texts of @given for this template's title and items, or
 * NULL: a translation we cannot use leaves the Swedish text, rather than
 * the whole template, unusable. */
static JsonObject *
usable_translations (FkChecklistTemplate *self,
                     JsonObject          *given)
{
  g_autoptr(JsonObject) usable = json_object_new ();
  g_autoptr(GList) languages = given != NULL ? json_object_get_members (given) : NULL;

  for (GList *l = languages; l != NULL; l = l->next)
    {
      JsonObject *language = object_member (given, l->data);
      JsonObject *texts = object_member (language, "items");
      g_autoptr(JsonObject) kept = json_object_new ();
      g_autoptr(JsonObject) kept_texts = json_object_new ();

      if (nonempty_string_member (language, "title") != NULL)
        json_object_set_string_member (kept, "title", nonempty_string_member (language, "title"));
      for (guint i = 0; i < self->items->len; i++)
        {
          TemplateItem *item = g_ptr_array_index (self->items, i);
          const char *text = nonempty_string_member (texts, item->item.id);

          if (text != NULL)
            json_object_set_string_member (kept_texts, item->item.id, text);
        }
      if (json_object_get_size (kept_texts) > 0)
        json_object_set_object_member (kept, "items", g_steal_pointer (&kept_texts));
      if (json_object_get_size (kept) > 0)
        json_object_set_object_member (usable, l->data, g_steal_pointer (&kept));
    }

  return json_object_get_size (usable) > 0 ? g_steal_pointer (&usable) : NULL;
}

/* As gettext picks a catalog, per text: the first of the officer's
 * languages that has this text, else Swedish, also when Swedish comes
 * first. @item_id NULL is the title. */
static const char *
translate (FkChecklistTemplate *self,
           const char          *item_id,
           const char          *base)
{
  const char * const *languages = g_get_language_names ();

  for (guint i = 0; self->translations != NULL && languages[i] != NULL; i++)
    {
      JsonObject *language;
      const char *text;

      if (g_str_equal (languages[i], BASE_LANGUAGE))
        break;
      language = object_member (self->translations, languages[i]);
      text = item_id != NULL ? nonempty_string_member (object_member (language, "items"), item_id)
                             : nonempty_string_member (language, "title");
      if (text != NULL)
        return text;
    }

  return base;
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
  self->base_title = g_strdup (string_member (object, "title"));
  self->region = g_strdup (string_member (object, "region"));
  self->version = json_object_get_int_member_with_default (object, "version", 0);
  items_node = json_object_get_member (object, "items");

  if (self->id == NULL || self->base_title == NULL || self->version == 0 ||
      items_node == NULL || !JSON_NODE_HOLDS_ARRAY (items_node))
    goto invalid;

  items = json_node_get_array (items_node);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode *node = json_array_get_element (items, i);
      TemplateItem *item;
      FkChecklistPhase phase;
      JsonObject *item_object;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        goto invalid;
      item_object = json_node_get_object (node);
      if (string_member (item_object, "id") == NULL || string_member (item_object, "text") == NULL ||
          !phase_from_string (string_member (item_object, "phase"), &phase) ||
          g_hash_table_contains (seen, string_member (item_object, "id")))
        goto invalid;

      item = g_new0 (TemplateItem, 1);
      item->item.id = g_strdup (string_member (item_object, "id"));
      item->base_text = g_strdup (string_member (item_object, "text"));
      item->item.phase = phase;
      g_ptr_array_add (self->items, item);
      g_hash_table_add (seen, item->item.id);
    }

  self->translations = usable_translations (self, object_member (object, "translations"));
  self->title = g_strdup (translate (self, NULL, self->base_title));
  for (guint i = 0; i < self->items->len; i++)
    {
      TemplateItem *item = g_ptr_array_index (self->items, i);

      item->item.text = g_strdup (translate (self, item->item.id, item->base_text));
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
  json_object_set_string_member (object, "title", self->base_title);
  for (guint i = 0; i < self->items->len; i++)
    {
      TemplateItem *item = g_ptr_array_index (self->items, i);
      JsonObject *item_object = json_object_new ();

      json_object_set_string_member (item_object, "id", item->item.id);
      json_object_set_string_member (item_object, "phase", fk_checklist_phase_to_string (item->item.phase));
      json_object_set_string_member (item_object, "text", item->base_text);
      json_array_add_object_element (items, item_object);
    }
  json_object_set_array_member (object, "items", items);
  if (self->translations != NULL)
    json_object_set_object_member (object, "translations", usable_translations (self, self->translations));

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
  return &((TemplateItem *) g_ptr_array_index (self->items, index))->item;
}

const FkTemplateItem *
fk_checklist_template_find_item (FkChecklistTemplate *self,
                                 const char          *id)
{
  g_return_val_if_fail (FK_IS_CHECKLIST_TEMPLATE (self), NULL);

  for (guint i = 0; i < self->items->len; i++)
    {
      TemplateItem *item = g_ptr_array_index (self->items, i);

      if (g_str_equal (item->item.id, id))
        return &item->item;
    }

  return NULL;
}
