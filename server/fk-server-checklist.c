/* fk-server-checklist.c: team event checklists on the server: check, create, merge
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything here sees checklist contents, so nothing here logs, and error
 * messages name fields, positions and template item ids only.
 */
#define G_LOG_DOMAIN "faltkoll-server"

#include "config.h"

#include <string.h>

#include "fk-error.h"
#include "fk-protocol.h"
#include "fk-server-checklist.h"

#define MAX_VISITORS G_MAXINT32

static const char * const regions[] = {
  "Nord", "Mitt", "Stockholm", "Öst", "Väst", "Syd", "Bergslagen", NULL
};

static const char * const answers[] = { "yes", "no", "not-applicable", NULL };

typedef enum {
  EVENT_TEXT,
  EVENT_TIME,
  EVENT_VISITORS,
  EVENT_REGION,
} EventType;

/* The event fields: JSON key, the FkEventChecklist property the client's
 * form knows it by, and its type.  An "event" operation carries all of
 * them and replaces them as a set. */
static const struct {
  const char *key;
  const char *field;
  EventType   type;
} event_fields[] = {
  { "event_name", "event-name", EVENT_TEXT },
  { "organizer", "organizer", EVENT_TEXT },
  { "place", "place", EVENT_TEXT },
  { "starts_at", "starts-at", EVENT_TIME },
  { "ends_at", "ends-at", EVENT_TIME },
  { "expected_visitors", "expected-visitors", EVENT_VISITORS },
  { "region", "region", EVENT_REGION },
};

gboolean
fk_server_checklist_is_region (const char *region)
{
  return region != NULL && g_strv_contains (regions, region);
}

/* A member that is there and not JSON null (both mean "not given"). */
static JsonNode *
given_member (JsonObject *object,
              const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && !JSON_NODE_HOLDS_NULL (node) ? node : NULL;
}

static gboolean
holds_type (JsonNode *node,
            GType     type)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

static const char *
given_string (JsonObject *object,
              const char *name)
{
  JsonNode *node = given_member (object, name);

  return node != NULL && holds_type (node, G_TYPE_STRING) ? json_node_get_string (node) : NULL;
}

/* RFC 3339 with a zone: parsed under two different default zones, a time
 * without its own offset comes out as two different instants. */
static GDateTime *
parse_time (const char *text)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GTimeZone) plus_one = g_time_zone_new_offset (3600);
  g_autoptr(GDateTime) as_utc = g_date_time_new_from_iso8601 (text, utc);
  g_autoptr(GDateTime) as_plus_one = g_date_time_new_from_iso8601 (text, plus_one);

  if (as_utc == NULL || as_plus_one == NULL || !g_date_time_equal (as_utc, as_plus_one)
      || strchr (text, 'T') == NULL)
    return NULL;

  return g_steal_pointer (&as_utc);
}

static char *
format_time (GDateTime *time)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (time);

  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

static gboolean
invalid (char       **field_out,
         GError     **error,
         const char  *field,
         const char  *format,
         ...) G_GNUC_PRINTF (4, 5);

static gboolean
invalid (char       **field_out,
         GError     **error,
         const char  *field,
         const char  *format,
         ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (field_out != NULL)
    *field_out = g_strdup (field);
  g_set_error_literal (error, FK_ERROR, FK_ERROR_INVALID_RECORD, message);

  return FALSE;
}

static gboolean
template_has_item (JsonObject *template_,
                   const char *id)
{
  JsonArray *items = json_object_get_array_member (template_, "items");

  for (guint i = 0; i < json_array_get_length (items); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (items, i), "id"), id) == 0)
      return TRUE;

  return FALSE;
}

/* @where is "" for the state, or " in operation N" for an operation. */
static gboolean
check_event_fields (JsonObject  *object,
                    const char  *where,
                    char       **field_out,
                    GError     **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (event_fields); i++)
    {
      JsonNode *node = given_member (object, event_fields[i].key);
      g_autoptr(GDateTime) time = NULL;

      if (node == NULL)
        continue;

      switch (event_fields[i].type)
        {
        case EVENT_TEXT:
          if (!holds_type (node, G_TYPE_STRING))
            return invalid (field_out, error, event_fields[i].field, "not a string%s.", where);
          break;

        case EVENT_TIME:
          if (!holds_type (node, G_TYPE_STRING))
            return invalid (field_out, error, event_fields[i].field, "not a string%s.", where);
          time = parse_time (json_node_get_string (node));
          if (time == NULL)
            return invalid (field_out, error, event_fields[i].field,
                            "not an RFC 3339 time with a zone%s.", where);
          break;

        case EVENT_VISITORS:
          if (!holds_type (node, G_TYPE_INT64) || json_node_get_int (node) < 0
              || json_node_get_int (node) > MAX_VISITORS)
            return invalid (field_out, error, event_fields[i].field,
                            "not a whole number from 0 to %d%s.", MAX_VISITORS, where);
          break;

        case EVENT_REGION:
          if (!holds_type (node, G_TYPE_STRING) || !fk_server_checklist_is_region (json_node_get_string (node)))
            return invalid (field_out, error, event_fields[i].field,
                            "not one of Nord, Mitt, Stockholm, Öst, Väst, Syd, Bergslagen%s.", where);
          break;

        default:
          g_assert_not_reached ();
        }
    }

  return TRUE;
}

/* base_note is not checked: it is the server's own note, which a merge
 * may have made longer. */
static gboolean
is_too_long (const char *note)
{
  return g_utf8_strlen (note, -1) > FK_MAX_CHECKLIST_NOTE;
}

static gboolean
check_answer (JsonObject *object)
{
  JsonNode *node = given_member (object, "answer");

  return node == NULL || (holds_type (node, G_TYPE_STRING)
                          && g_strv_contains (answers, json_node_get_string (node)));
}

static gboolean
check_items (JsonObject  *payload,
             JsonObject  *template_,
             char       **field_out,
             GError     **error)
{
  JsonNode *node = given_member (payload, "items");
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *items;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return invalid (field_out, error, "items", "not an array.");

  items = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode *element = json_array_get_element (items, i);
      JsonObject *item;
      const char *id;
      JsonNode *note;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        return invalid (field_out, error, "items", "item %u is not an object.", i + 1);
      item = json_node_get_object (element);
      id = given_string (item, "id");
      if (id == NULL)
        return invalid (field_out, error, "items", "item %u has no id.", i + 1);
      if (!template_has_item (template_, id))
        return invalid (field_out, error, "items",
                        "item “%s” is not in template %s version %" G_GINT64_FORMAT ".", id,
                        json_object_get_string_member (template_, "id"),
                        json_object_get_int_member (template_, "version"));
      if (!g_hash_table_add (seen, (gpointer) id))
        return invalid (field_out, error, "items", "item “%s” is there twice.", id);
      if (!check_answer (item))
        return invalid (field_out, error, "items",
                        "the answer to item “%s” is not yes, no or not-applicable.", id);
      note = given_member (item, "note");
      if (note != NULL && !holds_type (note, G_TYPE_STRING))
        return invalid (field_out, error, "items", "the note of item “%s” is not a string.", id);
      if (note != NULL && is_too_long (json_node_get_string (note)))
        return invalid (field_out, error, "note", "the note of item “%s” is longer than %d characters.",
                        id, FK_MAX_CHECKLIST_NOTE);
    }

  return TRUE;
}

static gboolean
check_op (JsonObject  *op,
          guint        position,
          JsonObject  *template_,
          char       **field_out,
          GError     **error)
{
  g_autofree char *where = g_strdup_printf (" in operation %u", position);
  JsonNode *seq = json_object_get_member (op, "seq");
  const char *kind = given_string (op, "op");
  const char *item = given_string (op, "item");
  JsonNode *node;

  if (seq == NULL || !holds_type (seq, G_TYPE_INT64) || json_node_get_int (seq) < 1)
    return invalid (field_out, error, "ops", "operation %u has no positive seq.", position);
  if (kind == NULL)
    return invalid (field_out, error, "ops", "operation %u has no op.", position);

  if (g_str_equal (kind, "answer") || g_str_equal (kind, "note"))
    {
      if (item == NULL)
        return invalid (field_out, error, "ops", "operation %u names no item.", position);
      if (!template_has_item (template_, item))
        return invalid (field_out, error, "ops",
                        "operation %u: item “%s” is not in template %s version %" G_GINT64_FORMAT ".",
                        position, item, json_object_get_string_member (template_, "id"),
                        json_object_get_int_member (template_, "version"));
    }

  if (g_str_equal (kind, "answer"))
    {
      if (!check_answer (op))
        return invalid (field_out, error, "ops",
                        "operation %u: the answer is not yes, no or not-applicable.", position);
    }
  else if (g_str_equal (kind, "note"))
    {
      node = json_object_get_member (op, "note");
      if (node == NULL || !holds_type (node, G_TYPE_STRING))
        return invalid (field_out, error, "ops", "operation %u: note is not a string.", position);
      if (is_too_long (json_node_get_string (node)))
        return invalid (field_out, error, "note", "operation %u: the note of item “%s” is longer than %d characters.",
                        position, item, FK_MAX_CHECKLIST_NOTE);
      node = given_member (op, "base_note");
      if (node != NULL && !holds_type (node, G_TYPE_STRING))
        return invalid (field_out, error, "ops", "operation %u: base_note is not a string.", position);
    }
  else if (g_str_equal (kind, "event"))
    {
      if (!check_event_fields (op, where, field_out, error))
        return FALSE;
    }
  else if (g_str_equal (kind, "done"))
    {
      node = json_object_get_member (op, "done");
      if (node == NULL || !holds_type (node, G_TYPE_BOOLEAN))
        return invalid (field_out, error, "done", "not true or false%s.", where);
    }
  else
    {
      return invalid (field_out, error, "ops",
                      "operation %u is neither answer, note, event nor done.", position);
    }

  return TRUE;
}

gboolean
fk_server_checklist_check (JsonObject  *payload,
                           JsonObject  *template_,
                           gboolean     creating,
                           char       **field_out,
                           GError     **error)
{
  JsonNode *version = json_object_get_member (payload, "template_version");
  JsonNode *done = given_member (payload, "done");
  JsonNode *ops = given_member (payload, "ops");

  g_return_val_if_fail (payload != NULL, FALSE);
  g_return_val_if_fail (template_ != NULL, FALSE);

  if (g_strcmp0 (given_string (payload, "template_id"), json_object_get_string_member (template_, "id")) != 0)
    return invalid (field_out, error, "template-id", "the checklist uses template %s.",
                    json_object_get_string_member (template_, "id"));
  if (version == NULL || !holds_type (version, G_TYPE_INT64)
      || json_node_get_int (version) != json_object_get_int_member (template_, "version"))
    return invalid (field_out, error, "template-version",
                    "the checklist uses version %" G_GINT64_FORMAT " of its template.",
                    json_object_get_int_member (template_, "version"));

  if (creating)
    {
      if (!check_event_fields (payload, "", field_out, error))
        return FALSE;
      if (done != NULL && !holds_type (done, G_TYPE_BOOLEAN))
        return invalid (field_out, error, "done", "not true or false.");
      if (!check_items (payload, template_, field_out, error))
        return FALSE;
    }

  if (ops == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (ops))
    return invalid (field_out, error, "ops", "not an array.");

  for (guint i = 0; i < json_array_get_length (json_node_get_array (ops)); i++)
    {
      JsonNode *op = json_array_get_element (json_node_get_array (ops), i);

      if (!JSON_NODE_HOLDS_OBJECT (op))
        return invalid (field_out, error, "ops", "operation %u is not an object.", i + 1);
      if (!check_op (json_node_get_object (op), i + 1, template_, field_out, error))
        return FALSE;
    }

  return TRUE;
}

/* Copies the given event fields of @from into @state, times in UTC. */
static void
set_event_fields (JsonObject *state,
                  JsonObject *from)
{
  for (guint i = 0; i < G_N_ELEMENTS (event_fields); i++)
    {
      JsonNode *node = given_member (from, event_fields[i].key);
      g_autoptr(GDateTime) time = NULL;
      g_autofree char *text = NULL;

      json_object_remove_member (state, event_fields[i].key);
      if (node == NULL)
        continue;

      if (event_fields[i].type == EVENT_TIME)
        {
          time = parse_time (json_node_get_string (node));
          text = format_time (time);
          json_object_set_string_member (state, event_fields[i].key, text);
        }
      else
        {
          json_object_set_member (state, event_fields[i].key, json_node_copy (node));
        }
    }
}

/* The item's entry in @items (id → JsonObject), made when missing. */
static JsonObject *
ensure_item (GHashTable *items,
             const char *id)
{
  JsonObject *item = g_hash_table_lookup (items, id);

  if (item == NULL)
    {
      item = json_object_new ();
      json_object_set_string_member (item, "id", id);
      g_hash_table_insert (items, g_strdup (id), item);
    }

  return item;
}

static void
set_or_remove (JsonObject *object,
               const char *member,
               const char *value)
{
  if (value != NULL && value[0] != '\0')
    json_object_set_string_member (object, member, value);
  else
    json_object_remove_member (object, member);
}

/* id → a copy of each item object in @state that has an id. */
static GHashTable *
items_by_id (JsonObject *state)
{
  GHashTable *items = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) json_object_unref);
  JsonNode *node = json_object_get_member (state, "items");

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return items;

  for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++)
    {
      JsonNode *element = json_array_get_element (json_node_get_array (node), i);
      const char *id = JSON_NODE_HOLDS_OBJECT (element) ? given_string (json_node_get_object (element), "id") : NULL;
      JsonObject *copy;
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      if (id == NULL)
        continue;

      copy = json_object_new ();
      json_object_iter_init (&iter, json_node_get_object (element));
      while (json_object_iter_next (&iter, &name, &value))
        json_object_set_member (copy, name, json_node_copy (value));
      g_hash_table_replace (items, g_strdup (id), copy);
    }

  return items;
}

/* Writes @items back into @state in template order, so every device lists
 * them alike. */
static void
store_items (JsonObject *state,
             GHashTable *items,
             JsonObject *template_)
{
  JsonArray *template_items = json_object_get_array_member (template_, "items");
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < json_array_get_length (template_items); i++)
    {
      const char *id = json_object_get_string_member (json_array_get_object_element (template_items, i), "id");
      JsonObject *item = g_hash_table_lookup (items, id);

      if (item != NULL)
        json_array_add_object_element (array, json_object_ref (item));
    }

  json_object_set_array_member (state, "items", array);
}

JsonObject *
fk_server_checklist_new_state (JsonObject *payload,
                               JsonObject *template_,
                               const char *officer_id)
{
  JsonObject *state = json_object_new ();
  g_autoptr(GHashTable) items = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                       (GDestroyNotify) json_object_unref);
  JsonNode *node = given_member (payload, "items");
  JsonNode *done = given_member (payload, "done");

  g_return_val_if_fail (payload != NULL, NULL);
  g_return_val_if_fail (template_ != NULL, NULL);
  g_return_val_if_fail (officer_id != NULL, NULL);

  json_object_set_string_member (state, "template_id", json_object_get_string_member (template_, "id"));
  json_object_set_int_member (state, "template_version", json_object_get_int_member (template_, "version"));
  set_event_fields (state, payload);
  json_object_set_boolean_member (state, "done", done != NULL && json_node_get_boolean (done));

  for (guint i = 0; node != NULL && i < json_array_get_length (json_node_get_array (node)); i++)
    {
      JsonObject *from = json_array_get_object_element (json_node_get_array (node), i);
      const char *answer = given_string (from, "answer");
      const char *note = given_string (from, "note");
      JsonObject *item;

      if (answer == NULL && (note == NULL || note[0] == '\0'))
        continue;

      /* "by" is the server's to say: the one who uploaded it. */
      item = ensure_item (items, given_string (from, "id"));
      set_or_remove (item, "answer", answer);
      set_or_remove (item, "note", note);
      json_object_set_string_member (item, "by", officer_id);
    }

  store_items (state, items, template_);
  return state;
}

/* Both notes survive a concurrent edit: the new one replaces the server's
 * only when it was written on top of it. */
static char *
merge_note (const char *server,
            const char *base,
            const char *note)
{
  if (g_str_equal (server, base) || strstr (note, server) != NULL)
    return g_strdup (note);
  if (strstr (server, note) != NULL)
    return g_strdup (server);

  return g_strconcat (server, "\n\n", note, NULL);
}

static void
apply_op (JsonObject *state,
          GHashTable *items,
          JsonObject *op,
          const char *officer_id)
{
  const char *kind = json_object_get_string_member (op, "op");
  JsonObject *item = NULL;

  if (g_str_equal (kind, "answer") || g_str_equal (kind, "note"))
    {
      item = ensure_item (items, json_object_get_string_member (op, "item"));
      json_object_set_string_member (item, "by", officer_id);
    }

  if (g_str_equal (kind, "answer"))
    {
      set_or_remove (item, "answer", given_string (op, "answer"));
    }
  else if (g_str_equal (kind, "note"))
    {
      const char *server = given_string (item, "note");
      const char *base = given_string (op, "base_note");
      g_autofree char *merged = merge_note (server ? server : "", base ? base : "",
                                            json_object_get_string_member (op, "note"));

      set_or_remove (item, "note", merged);
    }
  else if (g_str_equal (kind, "event"))
    {
      set_event_fields (state, op);
    }
  else if (g_str_equal (kind, "done"))
    {
      json_object_set_boolean_member (state, "done", json_object_get_boolean_member (op, "done"));
    }
}

guint
fk_server_checklist_merge (JsonObject *state,
                           JsonObject *payload,
                           JsonObject *template_,
                           const char *officer_id,
                           gint64     *max_seq)
{
  g_autoptr(GHashTable) items = NULL;
  JsonNode *ops = given_member (payload, "ops");
  guint applied = 0;

  g_return_val_if_fail (state != NULL, 0);
  g_return_val_if_fail (payload != NULL, 0);
  g_return_val_if_fail (template_ != NULL, 0);
  g_return_val_if_fail (officer_id != NULL, 0);
  g_return_val_if_fail (max_seq != NULL, 0);

  if (ops == NULL)
    return 0;

  items = items_by_id (state);
  for (guint i = 0; i < json_array_get_length (json_node_get_array (ops)); i++)
    {
      JsonObject *op = json_array_get_object_element (json_node_get_array (ops), i);
      gint64 seq = json_object_get_int_member (op, "seq");

      /* Applied before (a replay, or a reply that was lost): skip it. */
      if (seq <= *max_seq)
        continue;

      apply_op (state, items, op, officer_id);
      *max_seq = seq;
      applied++;
    }

  if (applied > 0)
    store_items (state, items, template_);

  return applied;
}
