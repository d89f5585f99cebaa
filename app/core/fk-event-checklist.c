/* fk-event-checklist.c: a checklist for one safe event, shared by a team
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fk-event-checklist"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "fk-checklist-item-private.h"
#include "fk-error.h"
#include "fk-event-checklist.h"
#include "fk-protocol.h"

struct _FkEventChecklist
{
  GObject        parent_instance;

  char          *uuid;
  FkRecordState  state;
  char          *failure;
  gboolean       offered;
  gboolean       on_server;
  char          *template_id;
  guint          template_version;

  JsonObject    *base;       /* the server's last merged state */
  JsonArray     *ops;        /* ours, not yet confirmed, in order */
  gint64         next_seq;
  gint64         acked;
  gint64         offered_seq;  /* ops up to this seq may be on the server */

  /* The view: base with ops applied. */
  char          *event_name;
  char          *organizer;
  char          *place;
  GDateTime     *starts_at;
  GDateTime     *ends_at;
  guint          expected_visitors;
  char          *region;
  gboolean       done;
  GListStore    *items;
  GHashTable    *items_by_id;  /* borrowed */
  guint          answered;
};

G_DEFINE_FINAL_TYPE (FkEventChecklist, fk_event_checklist, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_UUID,
  PROP_STATE,
  PROP_FAILURE,
  PROP_OFFERED,
  PROP_ON_SERVER,
  PROP_EVENT_NAME,
  PROP_ORGANIZER,
  PROP_PLACE,
  PROP_STARTS_AT,
  PROP_ENDS_AT,
  PROP_EXPECTED_VISITORS,
  PROP_REGION,
  PROP_DONE,
  PROP_ANSWERED,
  PROP_TOTAL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const regions[] = {
  "Nord", "Mitt", "Stockholm", "Öst", "Väst", "Syd", "Bergslagen", NULL
};

const char * const *
fk_police_regions (void)
{
  return regions;
}

/* View ------------------------------------------------------------------- */

static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static void
set_string (FkEventChecklist  *self,
            char             **field,
            const char        *value,
            int                prop)
{
  if (g_strcmp0 (*field, value ? value : "") == 0)
    return;

  g_free (*field);
  *field = g_strdup (value ? value : "");
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_time (FkEventChecklist  *self,
          GDateTime        **field,
          const char        *iso,
          int                prop)
{
  g_autoptr(GDateTime) value = iso ? g_date_time_new_from_iso8601 (iso, NULL) : NULL;

  if ((*field == NULL && value == NULL) ||
      (*field != NULL && value != NULL && g_date_time_equal (*field, value)))
    return;

  g_clear_pointer (field, g_date_time_unref);
  *field = g_steal_pointer (&value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_visitors (FkEventChecklist *self,
              gint64            visitors)
{
  guint value = (guint) CLAMP (visitors, 0, G_MAXUINT);

  if (self->expected_visitors == value)
    return;

  self->expected_visitors = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXPECTED_VISITORS]);
}

static void
set_done_view (FkEventChecklist *self,
               gboolean          done)
{
  if (self->done == !!done)
    return;

  self->done = !!done;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DONE]);
}

static void
apply_event_fields (FkEventChecklist *self,
                    JsonObject       *object)
{
  set_string (self, &self->event_name, string_member (object, "event_name"), PROP_EVENT_NAME);
  set_string (self, &self->organizer, string_member (object, "organizer"), PROP_ORGANIZER);
  set_string (self, &self->place, string_member (object, "place"), PROP_PLACE);
  set_time (self, &self->starts_at, string_member (object, "starts_at"), PROP_STARTS_AT);
  set_time (self, &self->ends_at, string_member (object, "ends_at"), PROP_ENDS_AT);
  set_visitors (self, json_object_get_int_member_with_default (object, "expected_visitors", 0));
  set_string (self, &self->region, string_member (object, "region"), PROP_REGION);
}

static void
apply_op (FkEventChecklist *self,
          JsonObject       *op)
{
  const char *kind = string_member (op, "op");
  FkChecklistItem *item = g_hash_table_lookup (self->items_by_id, string_member (op, "item") ?: "");
  FkChecklistAnswer answer = FK_CHECKLIST_ANSWER_NONE;

  if (g_strcmp0 (kind, "answer") == 0 && item != NULL)
    {
      fk_checklist_answer_from_string (string_member (op, "answer"), &answer);
      fk_checklist_item_set_answer (item, answer);
    }
  else if (g_strcmp0 (kind, "note") == 0 && item != NULL)
    fk_checklist_item_set_note (item, string_member (op, "note"));
  else if (g_strcmp0 (kind, "event") == 0)
    apply_event_fields (self, op);
  else if (g_strcmp0 (kind, "done") == 0)
    set_done_view (self, json_object_get_boolean_member_with_default (op, "done", FALSE));
}

static void
recount (FkEventChecklist *self)
{
  guint answered = 0;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->items));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FkChecklistItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);

      if (fk_checklist_item_get_answer (item) != FK_CHECKLIST_ANSWER_NONE)
        answered++;
    }

  if (self->answered == answered)
    return;

  self->answered = answered;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ANSWERED]);
}

static void
recompute_view (FkEventChecklist *self)
{
  g_autoptr(GHashTable) base_items = g_hash_table_new (g_str_hash, g_str_equal);
  JsonNode *items_node = json_object_get_member (self->base, "items");
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->items));

  g_object_freeze_notify (G_OBJECT (self));

  if (items_node != NULL && JSON_NODE_HOLDS_ARRAY (items_node))
    {
      JsonArray *array = json_node_get_array (items_node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *node = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_OBJECT (node) && string_member (json_node_get_object (node), "id") != NULL)
            g_hash_table_insert (base_items, (gpointer) string_member (json_node_get_object (node), "id"),
                                 json_node_get_object (node));
        }
    }

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FkChecklistItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);
      JsonObject *base_item = g_hash_table_lookup (base_items, fk_checklist_item_get_id (item));
      FkChecklistAnswer answer = FK_CHECKLIST_ANSWER_NONE;

      fk_checklist_answer_from_string (string_member (base_item, "answer"), &answer);
      fk_checklist_item_set_answer (item, answer);
      fk_checklist_item_set_note (item, string_member (base_item, "note"));
      fk_checklist_item_set_by (item, string_member (base_item, "by"));
    }

  apply_event_fields (self, self->base);
  set_done_view (self, json_object_get_boolean_member_with_default (self->base, "done", FALSE));

  for (guint i = 0; i < json_array_get_length (self->ops); i++)
    apply_op (self, json_array_get_object_element (self->ops, i));

  recount (self);
  g_object_thaw_notify (G_OBJECT (self));
}

/* Items come from the template; without it, from the state's item ids. */
static void
build_items (FkEventChecklist    *self,
             FkChecklistTemplate *template_)
{
  JsonNode *items_node = json_object_get_member (self->base, "items");

  if (template_ != NULL)
    {
      for (guint i = 0; i < fk_checklist_template_get_n_items (template_); i++)
        {
          const FkTemplateItem *source = fk_checklist_template_get_item (template_, i);
          g_autoptr(FkChecklistItem) item = fk_checklist_item_new (source->id, source->phase, source->text);

          g_hash_table_insert (self->items_by_id, (gpointer) fk_checklist_item_get_id (item), item);
          g_list_store_append (self->items, item);
        }
      return;
    }

  if (items_node == NULL || !JSON_NODE_HOLDS_ARRAY (items_node))
    return;

  for (guint i = 0; i < json_array_get_length (json_node_get_array (items_node)); i++)
    {
      JsonNode *node = json_array_get_element (json_node_get_array (items_node), i);
      const char *id = JSON_NODE_HOLDS_OBJECT (node) ? string_member (json_node_get_object (node), "id") : NULL;
      g_autoptr(FkChecklistItem) item = NULL;

      if (id == NULL || g_hash_table_contains (self->items_by_id, id))
        continue;

      item = fk_checklist_item_new (id, FK_CHECKLIST_PHASE_BEFORE, id);
      g_hash_table_insert (self->items_by_id, (gpointer) fk_checklist_item_get_id (item), item);
      g_list_store_append (self->items, item);
    }
}

static void
on_item_changed (FkEventChecklist *self)
{
  recount (self);
}

static void
watch_items (FkEventChecklist *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->items));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FkChecklistItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);

      g_signal_connect_object (item, "notify::answer", G_CALLBACK (on_item_changed), self, G_CONNECT_SWAPPED);
    }

  if (self->answered != 0 || n != 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOTAL]);
}

/* Construction ----------------------------------------------------------- */

static FkEventChecklist *
checklist_new (const char          *uuid,
               JsonObject          *base,
               FkChecklistTemplate *template_)
{
  FkEventChecklist *self = g_object_new (FK_TYPE_EVENT_CHECKLIST, NULL);

  self->uuid = uuid ? g_strdup (uuid) : g_uuid_string_random ();
  self->base = json_object_ref (base);
  self->template_id = g_strdup (string_member (base, "template_id"));
  self->template_version = json_object_get_int_member_with_default (base, "template_version", 0);
  build_items (self, template_);
  watch_items (self);
  return self;
}

static gboolean
template_matches (JsonObject          *state,
                  FkChecklistTemplate *template_)
{
  return template_ == NULL ||
         (g_strcmp0 (string_member (state, "template_id"), fk_checklist_template_get_id (template_)) == 0 &&
          json_object_get_int_member_with_default (state, "template_version", 0) ==
          (gint64) fk_checklist_template_get_version (template_));
}

static gboolean
invalid (GError **error)
{
  g_set_error_literal (error, FK_ERROR, FK_ERROR_INVALID_RECORD,
                       _("A checklist could not be read. Update Fältkoll."));
  return FALSE;
}

FkEventChecklist *
fk_event_checklist_new (FkChecklistTemplate *template_)
{
  g_autoptr(JsonObject) base = json_object_new ();
  FkEventChecklist *self;

  g_return_val_if_fail (FK_IS_CHECKLIST_TEMPLATE (template_), NULL);

  json_object_set_string_member (base, "template_id", fk_checklist_template_get_id (template_));
  json_object_set_int_member (base, "template_version", fk_checklist_template_get_version (template_));
  json_object_set_boolean_member (base, "done", FALSE);
  json_object_set_array_member (base, "items", json_array_new ());

  self = checklist_new (NULL, base, template_);
  self->ops = json_array_new ();
  self->next_seq = 1;
  recompute_view (self);
  return self;
}

FkEventChecklist *
fk_event_checklist_new_from_state (const char           *uuid,
                                   JsonObject           *state,
                                   FkChecklistTemplate  *template_,
                                   GError              **error)
{
  FkEventChecklist *self;

  g_return_val_if_fail (state != NULL, NULL);

  if (string_member (state, "template_id") == NULL || !template_matches (state, template_))
    {
      invalid (error);
      return NULL;
    }

  self = checklist_new (uuid, state, template_);
  self->ops = json_array_new ();
  self->next_seq = 1;
  recompute_view (self);
  return self;
}

FkEventChecklist *
fk_event_checklist_new_from_stored (const char           *uuid,
                                    JsonObject           *stored,
                                    FkChecklistTemplate  *template_,
                                    GError              **error)
{
  JsonNode *base = json_object_get_member (stored, "base");
  JsonNode *ops = json_object_get_member (stored, "ops");
  FkEventChecklist *self;

  g_return_val_if_fail (stored != NULL, NULL);

  if (base == NULL || !JSON_NODE_HOLDS_OBJECT (base) || ops == NULL || !JSON_NODE_HOLDS_ARRAY (ops) ||
      string_member (json_node_get_object (base), "template_id") == NULL ||
      !template_matches (json_node_get_object (base), template_))
    {
      invalid (error);
      return NULL;
    }

  for (guint i = 0; i < json_array_get_length (json_node_get_array (ops)); i++)
    if (!JSON_NODE_HOLDS_OBJECT (json_array_get_element (json_node_get_array (ops), i)))
      {
        invalid (error);
        return NULL;
      }

  self = checklist_new (uuid, json_node_get_object (base), template_);
  self->ops = json_array_ref (json_node_get_array (ops));
  self->next_seq = MAX (1, json_object_get_int_member_with_default (stored, "next_seq", 1));
  self->acked = json_object_get_int_member_with_default (stored, "acked", 0);
  recompute_view (self);
  return self;
}

JsonObject *
fk_event_checklist_to_stored (FkEventChecklist *self)
{
  JsonObject *stored = json_object_new ();
  g_autoptr(JsonNode) base = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonNode) ops = json_node_new (JSON_NODE_ARRAY);

  g_return_val_if_fail (FK_IS_EVENT_CHECKLIST (self), NULL);

  /* Deep copies: the store serializes on its own thread. */
  json_node_set_object (base, self->base);
  json_node_set_array (ops, self->ops);
  json_object_set_member (stored, "base", json_node_copy (base));
  json_object_set_member (stored, "ops", json_node_copy (ops));
  json_object_set_int_member (stored, "next_seq", self->next_seq);
  json_object_set_int_member (stored, "acked", self->acked);
  return stored;
}

JsonObject *
fk_event_checklist_stored_to_wire (JsonObject *stored)
{
  JsonNode *base = json_object_get_member (stored, "base");
  JsonNode *ops = json_object_get_member (stored, "ops");
  JsonObject *wire = json_object_new ();

  if (base != NULL && JSON_NODE_HOLDS_OBJECT (base))
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      json_object_iter_init (&iter, json_node_get_object (base));
      while (json_object_iter_next (&iter, &name, &value))
        json_object_set_member (wire, name, json_node_copy (value));
    }

  json_object_set_member (wire, "ops", ops ? json_node_copy (ops) : json_node_init_array (json_node_alloc (), json_array_new ()));
  return wire;
}

char *
fk_event_checklist_stored_check_notes (JsonObject *stored)
{
  JsonNode *ops = json_object_get_member (stored, "ops");

  if (ops == NULL || !JSON_NODE_HOLDS_ARRAY (ops))
    return NULL;

  for (guint i = 0; i < json_array_get_length (json_node_get_array (ops)); i++)
    {
      JsonNode *op = json_array_get_element (json_node_get_array (ops), i);
      char *message;

      if (!JSON_NODE_HOLDS_OBJECT (op) || g_strcmp0 (string_member (json_node_get_object (op), "op"), "note") != 0)
        continue;

      message = fk_event_checklist_check_note (string_member (json_node_get_object (op), "note"));
      if (message != NULL)
        return message;
    }

  return NULL;
}

gint64
fk_event_checklist_stored_last_seq (JsonObject *stored)
{
  JsonNode *ops = json_object_get_member (stored, "ops");
  gint64 last = 0;

  if (ops == NULL || !JSON_NODE_HOLDS_ARRAY (ops))
    return 0;

  for (guint i = 0; i < json_array_get_length (json_node_get_array (ops)); i++)
    {
      JsonNode *op = json_array_get_element (json_node_get_array (ops), i);

      if (JSON_NODE_HOLDS_OBJECT (op))
        last = MAX (last, json_object_get_int_member_with_default (json_node_get_object (op), "seq", 0));
    }

  return last;
}

void
fk_event_checklist_apply_server_state (FkEventChecklist *self,
                                       JsonObject       *state,
                                       gint64            acked)
{
  g_autoptr(JsonArray) kept = json_array_new ();

  g_return_if_fail (FK_IS_EVENT_CHECKLIST (self));
  g_return_if_fail (state != NULL);

  g_clear_pointer (&self->base, json_object_unref);
  self->base = json_object_ref (state);

  if (acked > self->acked)
    self->acked = acked;

  for (guint i = 0; i < json_array_get_length (self->ops); i++)
    {
      JsonObject *op = json_array_get_object_element (self->ops, i);

      if (json_object_get_int_member_with_default (op, "seq", 0) > self->acked)
        json_array_add_object_element (kept, json_object_ref (op));
    }

  g_clear_pointer (&self->ops, json_array_unref);
  self->ops = g_steal_pointer (&kept);
  recompute_view (self);
}

static gboolean
is_mergeable_note (FkEventChecklist *self,
                   JsonObject       *op)
{
  return json_object_get_int_member_with_default (op, "seq", 0) > self->offered_seq &&
         g_strcmp0 (string_member (op, "op"), "note") == 0 && string_member (op, "item") != NULL;
}

/* The server has applied or skipped by seq whatever it was offered, so an
 * offered operation is never rewritten.  Of the rest, an item's note edits
 * become its last one, written on top of what this device saw before the
 * first: the server merges that just as it would have merged them in turn,
 * and each edit no longer carries the whole note twice. */
gboolean
fk_event_checklist_compact (FkEventChecklist *self)
{
  g_autoptr(GHashTable) first = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) last = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(JsonArray) kept = NULL;
  guint n, mergeable = 0;

  g_return_val_if_fail (FK_IS_EVENT_CHECKLIST (self), FALSE);

  n = json_array_get_length (self->ops);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *op = json_array_get_object_element (self->ops, i);
      const char *item = string_member (op, "item");

      if (!is_mergeable_note (self, op))
        continue;

      if (!g_hash_table_contains (first, item))
        g_hash_table_insert (first, (gpointer) item, op);
      g_hash_table_insert (last, (gpointer) item, op);
      mergeable++;
    }

  if (mergeable == g_hash_table_size (last))
    return FALSE;

  kept = json_array_new ();
  for (guint i = 0; i < n; i++)
    {
      JsonObject *op = json_array_get_object_element (self->ops, i);
      const char *item = string_member (op, "item");

      if (is_mergeable_note (self, op))
        {
          JsonObject *base_op = g_hash_table_lookup (first, item);

          if (g_hash_table_lookup (last, item) != op)
            continue;
          if (base_op != op)
            json_object_set_string_member (op, "base_note", string_member (base_op, "base_note") ?: "");
        }

      json_array_add_object_element (kept, json_object_ref (op));
    }

  g_clear_pointer (&self->ops, json_array_unref);
  self->ops = g_steal_pointer (&kept);
  return TRUE;
}

gboolean
fk_event_checklist_has_unsent (FkEventChecklist *self)
{
  g_return_val_if_fail (FK_IS_EVENT_CHECKLIST (self), FALSE);
  return json_array_get_length (self->ops) > 0;
}

/* Operations ------------------------------------------------------------- */

static JsonObject *
op_new (FkEventChecklist *self,
        const char       *kind)
{
  JsonObject *op = json_object_new ();

  json_object_set_int_member (op, "seq", self->next_seq++);
  json_object_set_string_member (op, "op", kind);
  return op;
}

static void
add_op (FkEventChecklist *self,
        JsonObject       *op)
{
  json_array_add_object_element (self->ops, op);
  g_object_freeze_notify (G_OBJECT (self));
  apply_op (self, op);
  recount (self);
  g_object_thaw_notify (G_OBJECT (self));
}

void
fk_event_checklist_set_answer (FkEventChecklist  *self,
                               const char        *item_id,
                               FkChecklistAnswer  answer)
{
  FkChecklistItem *item;
  JsonObject *op;

  g_return_if_fail (FK_IS_EVENT_CHECKLIST (self));

  item = g_hash_table_lookup (self->items_by_id, item_id);
  g_return_if_fail (item != NULL);
  if (fk_checklist_item_get_answer (item) == answer)
    return;

  op = op_new (self, "answer");
  json_object_set_string_member (op, "item", item_id);
  if (answer != FK_CHECKLIST_ANSWER_NONE)
    json_object_set_string_member (op, "answer", fk_checklist_answer_to_string (answer));
  add_op (self, op);
}

void
fk_event_checklist_set_note (FkEventChecklist *self,
                             const char       *item_id,
                             const char       *note)
{
  FkChecklistItem *item;
  JsonObject *op;

  g_return_if_fail (FK_IS_EVENT_CHECKLIST (self));

  item = g_hash_table_lookup (self->items_by_id, item_id);
  g_return_if_fail (item != NULL);
  if (g_strcmp0 (fk_checklist_item_get_note (item), note ? note : "") == 0)
    return;

  /* The base is what this device saw: if the server's note differs, another
   * officer wrote meanwhile and the server keeps both. */
  op = op_new (self, "note");
  json_object_set_string_member (op, "item", item_id);
  json_object_set_string_member (op, "note", note ? note : "");
  json_object_set_string_member (op, "base_note", fk_checklist_item_get_note (item));
  add_op (self, op);
}

char *
fk_event_checklist_check_note (const char *note)
{
  if (note != NULL && g_utf8_strlen (note, -1) > FK_MAX_CHECKLIST_NOTE)
    return g_strdup_printf (_("The note is too long: use at most %d characters."), FK_MAX_CHECKLIST_NOTE);

  return NULL;
}

static void
set_time_member (JsonObject *object,
                 const char *name,
                 GDateTime  *value)
{
  g_autofree char *text = NULL;

  if (value == NULL)
    return;

  text = g_date_time_format_iso8601 (value);
  json_object_set_string_member (object, name, text);
}

void
fk_event_checklist_set_event (FkEventChecklist *self,
                              const char       *event_name,
                              const char       *organizer,
                              const char       *place,
                              GDateTime        *starts_at,
                              GDateTime        *ends_at,
                              guint             expected_visitors,
                              const char       *region)
{
  JsonObject *op;

  g_return_if_fail (FK_IS_EVENT_CHECKLIST (self));
  g_return_if_fail (region == NULL || g_strv_contains (regions, region));

  op = op_new (self, "event");
  json_object_set_string_member (op, "event_name", event_name ? event_name : "");
  json_object_set_string_member (op, "organizer", organizer ? organizer : "");
  json_object_set_string_member (op, "place", place ? place : "");
  set_time_member (op, "starts_at", starts_at);
  set_time_member (op, "ends_at", ends_at);
  json_object_set_int_member (op, "expected_visitors", expected_visitors);
  if (region != NULL)
    json_object_set_string_member (op, "region", region);
  add_op (self, op);
}

void
fk_event_checklist_set_done (FkEventChecklist *self,
                             gboolean          done)
{
  JsonObject *op;

  g_return_if_fail (FK_IS_EVENT_CHECKLIST (self));

  if (self->done == !!done)
    return;

  op = op_new (self, "done");
  json_object_set_boolean_member (op, "done", !!done);
  add_op (self, op);
}

/* Object ----------------------------------------------------------------- */

static void
fk_event_checklist_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  FkEventChecklist *self = FK_EVENT_CHECKLIST (object);

  switch (prop_id)
    {
    case PROP_UUID:
      g_value_set_string (value, self->uuid);
      break;
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_FAILURE:
      g_value_set_string (value, self->failure);
      break;
    case PROP_OFFERED:
      g_value_set_boolean (value, self->offered);
      break;
    case PROP_ON_SERVER:
      g_value_set_boolean (value, self->on_server);
      break;
    case PROP_EVENT_NAME:
      g_value_set_string (value, self->event_name);
      break;
    case PROP_ORGANIZER:
      g_value_set_string (value, self->organizer);
      break;
    case PROP_PLACE:
      g_value_set_string (value, self->place);
      break;
    case PROP_STARTS_AT:
      g_value_set_boxed (value, self->starts_at);
      break;
    case PROP_ENDS_AT:
      g_value_set_boxed (value, self->ends_at);
      break;
    case PROP_EXPECTED_VISITORS:
      g_value_set_uint (value, self->expected_visitors);
      break;
    case PROP_REGION:
      g_value_set_string (value, self->region);
      break;
    case PROP_DONE:
      g_value_set_boolean (value, self->done);
      break;
    case PROP_ANSWERED:
      g_value_set_uint (value, self->answered);
      break;
    case PROP_TOTAL:
      g_value_set_uint (value, fk_event_checklist_get_total (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fk_event_checklist_finalize (GObject *object)
{
  FkEventChecklist *self = (FkEventChecklist *) object;

  g_free (self->uuid);
  g_free (self->failure);
  g_free (self->template_id);
  g_clear_pointer (&self->base, json_object_unref);
  g_clear_pointer (&self->ops, json_array_unref);
  g_free (self->event_name);
  g_free (self->organizer);
  g_free (self->place);
  g_clear_pointer (&self->starts_at, g_date_time_unref);
  g_clear_pointer (&self->ends_at, g_date_time_unref);
  g_free (self->region);
  g_clear_pointer (&self->items_by_id, g_hash_table_unref);
  g_clear_object (&self->items);

  G_OBJECT_CLASS (fk_event_checklist_parent_class)->finalize (object);
}

static void
fk_event_checklist_class_init (FkEventChecklistClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = fk_event_checklist_get_property;
  object_class->finalize = fk_event_checklist_finalize;

  properties[PROP_UUID] = g_param_spec_string ("uuid", NULL, NULL, NULL, flags);
  properties[PROP_STATE] = g_param_spec_int ("state", NULL, NULL, FK_RECORD_STATE_DRAFT,
                                             FK_RECORD_STATE_FAILED, FK_RECORD_STATE_DRAFT, flags);
  properties[PROP_FAILURE] = g_param_spec_string ("failure", NULL, NULL, NULL, flags);
  properties[PROP_OFFERED] = g_param_spec_boolean ("offered", NULL, NULL, FALSE, flags);
  properties[PROP_ON_SERVER] = g_param_spec_boolean ("on-server", NULL, NULL, FALSE, flags);
  properties[PROP_EVENT_NAME] = g_param_spec_string ("event-name", NULL, NULL, "", flags);
  properties[PROP_ORGANIZER] = g_param_spec_string ("organizer", NULL, NULL, "", flags);
  properties[PROP_PLACE] = g_param_spec_string ("place", NULL, NULL, "", flags);
  properties[PROP_STARTS_AT] = g_param_spec_boxed ("starts-at", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_ENDS_AT] = g_param_spec_boxed ("ends-at", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_EXPECTED_VISITORS] = g_param_spec_uint ("expected-visitors", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_REGION] = g_param_spec_string ("region", NULL, NULL, "", flags);
  properties[PROP_DONE] = g_param_spec_boolean ("done", NULL, NULL, FALSE, flags);
  properties[PROP_ANSWERED] = g_param_spec_uint ("answered", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_TOTAL] = g_param_spec_uint ("total", NULL, NULL, 0, G_MAXUINT, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fk_event_checklist_init (FkEventChecklist *self)
{
  self->event_name = g_strdup ("");
  self->organizer = g_strdup ("");
  self->place = g_strdup ("");
  self->region = g_strdup ("");
  self->items = g_list_store_new (FK_TYPE_CHECKLIST_ITEM);
  self->items_by_id = g_hash_table_new (g_str_hash, g_str_equal);
}

/* Accessors -------------------------------------------------------------- */

const char *
fk_event_checklist_get_uuid (FkEventChecklist *self)
{
  g_return_val_if_fail (FK_IS_EVENT_CHECKLIST (self), NULL);
  return self->uuid;
}

const char *
fk_event_checklist_get_template_id (FkEventChecklist *self)
{
  g_return_val_if_fail (FK_IS_EVENT_CHECKLIST (self), NULL);
  return self->template_id;
}

guint
fk_event_checklist_get_template_version (FkEventChecklist *self)
{
  g_return_val_if_fail (FK_IS_EVENT_CHECKLIST (self), 0);
  return self->template_version;
}

FkRecordState
fk_event_checklist_get_state (FkEventChecklist *self)
{
  g_return_val_if_fail (FK_IS_EVENT_CHECKLIST (self), FK_RECORD_STATE_DRAFT);
  return self->state;
}

void
fk_event_checklist_set_state (FkEventChecklist *self,
                              FkRecordState     state)
{
  g_return_if_fail (FK_IS_EVENT_CHECKLIST (self));

  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

const char *
fk_event_checklist_get_failure (FkEventChecklist *self)
{
  g_return_val_if_fail (FK_IS_EVENT_CHECKLIST (self), NULL);
  return self->failure;
}

void
fk_event_checklist_set_failure (FkEventChecklist *self,
                                const char       *failure)
{
  g_return_if_fail (FK_IS_EVENT_CHECKLIST (self));

  if (g_strcmp0 (self->failure, failure) == 0)
    return;

  g_free (self->failure);
  self->failure = g_strdup (failure);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAILURE]);
}

gboolean
fk_event_checklist_get_offered (FkEventChecklist *self)
{
  g_return_val_if_fail (FK_IS_EVENT_CHECKLIST (self), FALSE);
  return self->offered;
}

void
fk_event_checklist_set_offered (FkEventChecklist *self,
                                gboolean          offered)
{
  g_return_if_fail (FK_IS_EVENT_CHECKLIST (self));

  /* Every offer counts, also one while an earlier one waits: it carried
   * what was added since, and that must not be merged either. */
  self->offered_seq = offered ? self->next_seq - 1 : 0;

  if (self->offered == !!offered)
    return;

  self->offered = !!offered;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OFFERED]);
}

gboolean
fk_event_checklist_get_on_server (FkEventChecklist *self)
{
  g_return_val_if_fail (FK_IS_EVENT_CHECKLIST (self), FALSE);
  return self->on_server;
}

void
fk_event_checklist_set_on_server (FkEventChecklist *self,
                                  gboolean          on_server)
{
  g_return_if_fail (FK_IS_EVENT_CHECKLIST (self));

  if (self->on_server == !!on_server)
    return;

  self->on_server = !!on_server;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ON_SERVER]);
}

/* next_seq stays: had the server applied one of them after all, a later
 * operation under the same number would be skipped there as seen. */
void
fk_event_checklist_drop_unsent (FkEventChecklist *self,
                                gint64            up_to_seq)
{
  g_autoptr(JsonArray) kept = json_array_new ();

  g_return_if_fail (FK_IS_EVENT_CHECKLIST (self));

  for (guint i = 0; i < json_array_get_length (self->ops); i++)
    {
      JsonObject *op = json_array_get_object_element (self->ops, i);

      if (json_object_get_int_member_with_default (op, "seq", 0) > up_to_seq)
        json_array_add_object_element (kept, json_object_ref (op));
    }

  g_clear_pointer (&self->ops, json_array_unref);
  self->ops = g_steal_pointer (&kept);
  recompute_view (self);
}

void
fk_event_checklist_stored_drop_unsent (JsonObject *stored)
{
  g_return_if_fail (stored != NULL);

  json_object_set_array_member (stored, "ops", json_array_new ());
}

const char *
fk_event_checklist_get_event_name (FkEventChecklist *self)
{
  g_return_val_if_fail (FK_IS_EVENT_CHECKLIST (self), NULL);
  return self->event_name;
}

const char *
fk_event_checklist_get_organizer (FkEventChecklist *self)
{
  g_return_val_if_fail (FK_IS_EVENT_CHECKLIST (self), NULL);
  return self->organizer;
}

const char *
fk_event_checklist_get_place (FkEventChecklist *self)
{
  g_return_val_if_fail (FK_IS_EVENT_CHECKLIST (self), NULL);
  return self->place;
}

GDateTime *
fk_event_checklist_get_starts_at (FkEventChecklist *self)
{
  g_return_val_if_fail (FK_IS_EVENT_CHECKLIST (self), NULL);
  return self->starts_at;
}

GDateTime *
fk_event_checklist_get_ends_at (FkEventChecklist *self)
{
  g_return_val_if_fail (FK_IS_EVENT_CHECKLIST (self), NULL);
  return self->ends_at;
}

guint
fk_event_checklist_get_expected_visitors (FkEventChecklist *self)
{
  g_return_val_if_fail (FK_IS_EVENT_CHECKLIST (self), 0);
  return self->expected_visitors;
}

const char *
fk_event_checklist_get_region (FkEventChecklist *self)
{
  g_return_val_if_fail (FK_IS_EVENT_CHECKLIST (self), NULL);
  return self->region;
}

gboolean
fk_event_checklist_get_done (FkEventChecklist *self)
{
  g_return_val_if_fail (FK_IS_EVENT_CHECKLIST (self), FALSE);
  return self->done;
}

GListModel *
fk_event_checklist_get_items (FkEventChecklist *self)
{
  g_return_val_if_fail (FK_IS_EVENT_CHECKLIST (self), NULL);
  return G_LIST_MODEL (self->items);
}

guint
fk_event_checklist_get_answered (FkEventChecklist *self)
{
  g_return_val_if_fail (FK_IS_EVENT_CHECKLIST (self), 0);
  return self->answered;
}

guint
fk_event_checklist_get_total (FkEventChecklist *self)
{
  g_return_val_if_fail (FK_IS_EVENT_CHECKLIST (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->items));
}

char *
fk_event_checklist_dup_others (FkEventChecklist *self,
                               const char       *officer_id)
{
  g_autoptr(GPtrArray) others = g_ptr_array_new ();
  guint n;

  g_return_val_if_fail (FK_IS_EVENT_CHECKLIST (self), NULL);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->items));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FkChecklistItem) item = g_list_model_get_item (G_LIST_MODEL (self->items), i);
      const char *by = fk_checklist_item_get_by (item);

      if (by != NULL && g_strcmp0 (by, officer_id) != 0 &&
          !g_ptr_array_find_with_equal_func (others, by, g_str_equal, NULL))
        g_ptr_array_add (others, (gpointer) by);
    }

  if (others->len == 0)
    return NULL;

  g_ptr_array_add (others, NULL);
  return g_strjoinv (", ", (char **) others->pdata);
}
