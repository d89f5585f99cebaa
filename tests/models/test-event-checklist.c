/* test-event-checklist.c: a checklist's unsent note edits merge, never
 * those a batch may have carried, and notes are checked against the limit
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fk-event-checklist.h"
#include "fk-protocol.h"

typedef struct {
  FkChecklistTemplate *template_;
  FkEventChecklist    *checklist;
  const char          *first;
  const char          *second;
} Fixture;

static const char *
item_id (FkEventChecklist *checklist,
         guint             index)
{
  g_autoptr(FkChecklistItem) item = g_list_model_get_item (fk_event_checklist_get_items (checklist), index);

  return fk_checklist_item_get_id (item);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->template_ = fk_checklist_template_new_default ();
  fixture->checklist = fk_event_checklist_new (fixture->template_);
  fixture->first = item_id (fixture->checklist, 0);
  fixture->second = item_id (fixture->checklist, 1);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_assert_finalize_object (fixture->checklist);
  g_assert_finalize_object (fixture->template_);
}

/* "seq op item note base_note", one per operation, for comparing. */
static char *
describe_ops (FkEventChecklist *checklist)
{
  g_autoptr(JsonObject) stored = fk_event_checklist_to_stored (checklist);
  JsonArray *ops = json_object_get_array_member (stored, "ops");
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (ops); i++)
    {
      JsonObject *op = json_array_get_object_element (ops, i);

      g_string_append_printf (text, "%s%" G_GINT64_FORMAT " %s %s", i > 0 ? "; " : "",
                              json_object_get_int_member (op, "seq"),
                              json_object_get_string_member (op, "op"),
                              json_object_get_string_member_with_default (op, "item", "-"));
      if (json_object_has_member (op, "note"))
        g_string_append_printf (text, " “%s” on “%s”", json_object_get_string_member (op, "note"),
                                json_object_get_string_member (op, "base_note"));
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
assert_ops (FkEventChecklist *checklist,
            const char       *format,
            ...) G_GNUC_PRINTF (2, 3);

static void
assert_ops (FkEventChecklist *checklist,
            const char       *format,
            ...)
{
  g_autofree char *ops = describe_ops (checklist);
  g_autofree char *expected = NULL;
  va_list args;

  va_start (args, format);
  expected = g_strdup_vprintf (format, args);
  va_end (args);

  g_assert_cmpstr (ops, ==, expected);
}

/* An item's note edits become its last, on top of what the first saw; its
 * seq is the last's, so the server cannot have skipped it already.  The
 * other operations stay, in order, and the view does not change. */
static void
test_merge (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(FkChecklistItem) shown = g_list_model_get_item (fk_event_checklist_get_items (fixture->checklist), 0);

  fk_event_checklist_set_note (fixture->checklist, fixture->first, "Möte");
  fk_event_checklist_set_answer (fixture->checklist, fixture->second, FK_CHECKLIST_ANSWER_YES);
  fk_event_checklist_set_note (fixture->checklist, fixture->second, "Vakter");
  fk_event_checklist_set_note (fixture->checklist, fixture->first, "Möte bokat");
  fk_event_checklist_set_done (fixture->checklist, TRUE);
  fk_event_checklist_set_note (fixture->checklist, fixture->first, "Möte bokat till fredag");

  g_assert_true (fk_event_checklist_compact (fixture->checklist));
  assert_ops (fixture->checklist,
              "2 answer %s; 3 note %s “Vakter” on “”; 5 done -; 6 note %s “Möte bokat till fredag” on “”",
              fixture->second, fixture->second, fixture->first);
  g_assert_cmpstr (fk_checklist_item_get_note (shown), ==, "Möte bokat till fredag");

  /* Nothing more to merge; the next edit goes on from the last. */
  g_assert_false (fk_event_checklist_compact (fixture->checklist));
  fk_event_checklist_set_note (fixture->checklist, fixture->first, "Inställt");
  g_assert_true (fk_event_checklist_compact (fixture->checklist));
  assert_ops (fixture->checklist,
              "2 answer %s; 3 note %s “Vakter” on “”; 5 done -; 7 note %s “Inställt” on “”",
              fixture->second, fixture->second, fixture->first);
}

/* Offered operations may be on the server: kept as they are, and the
 * edits after them merge among themselves only.  Once the batch is
 * answered for or taken back, they are not on their way any more. */
static void
test_offered_kept (Fixture       *fixture,
                   gconstpointer  data)
{
  fk_event_checklist_set_note (fixture->checklist, fixture->first, "Möte bokat");
  fk_event_checklist_set_offered (fixture->checklist, TRUE);
  fk_event_checklist_set_note (fixture->checklist, fixture->first, "Möte inställt");
  g_assert_false (fk_event_checklist_compact (fixture->checklist));
  fk_event_checklist_set_note (fixture->checklist, fixture->first, "Möte inställt, ny tid");
  g_assert_true (fk_event_checklist_compact (fixture->checklist));
  assert_ops (fixture->checklist,
              "1 note %s “Möte bokat” on “”; 3 note %s “Möte inställt, ny tid” on “Möte bokat”",
              fixture->first, fixture->first);

  fk_event_checklist_set_offered (fixture->checklist, FALSE);
  g_assert_true (fk_event_checklist_compact (fixture->checklist));
  assert_ops (fixture->checklist, "3 note %s “Möte inställt, ny tid” on “”", fixture->first);
}

static void
test_note_limit (void)
{
  g_autoptr(GString) note = g_string_new (NULL);
  g_autofree char *message = NULL;

  g_assert_null (fk_event_checklist_check_note (NULL));
  g_assert_null (fk_event_checklist_check_note (""));
  /* Characters, not bytes. */
  for (guint i = 0; i < FK_MAX_CHECKLIST_NOTE; i++)
    g_string_append (note, "ö");
  g_assert_null (fk_event_checklist_check_note (note->str));

  g_string_append (note, "ö");
  message = fk_event_checklist_check_note (note->str);
  g_assert_cmpstr (message, ==, "The note is too long: use at most 2000 characters.");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/event-checklist/merge", Fixture, NULL, fixture_setup, test_merge, fixture_teardown);
  g_test_add ("/event-checklist/offered-kept", Fixture, NULL, fixture_setup, test_offered_kept, fixture_teardown);
  g_test_add_func ("/event-checklist/note-limit", test_note_limit);

  return g_test_run ();
}
