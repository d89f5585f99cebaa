/* test-checklist-template.c: which language a checklist template's texts
 * are shown in, and that answers keep to item ids whatever the language
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fk-checklist-template.h"
#include "fk-event-checklist.h"

/* Invented: one item translated, one not. */
#define TRANSLATED \
  "{\"id\": \"t\", \"version\": 1, \"region\": null, \"title\": \"Trygga evenemang\"," \
  " \"items\": [{\"id\": \"before-meeting\", \"phase\": \"before\", \"text\": \"Möte är hållet.\"}," \
  "            {\"id\": \"after-debrief\", \"phase\": \"after\", \"text\": \"Uppföljning är gjord.\"}]," \
  " \"translations\": {\"en\": {\"title\": \"Safe events\"," \
  "                             \"items\": {\"before-meeting\": \"A meeting has been held.\"}}," \
  "                    \"de\": {\"items\": {\"after-debrief\": \"Nachbesprechung ist erfolgt.\"}}}}"

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (text, &error);

  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (node));
}

static FkChecklistTemplate *
template_in (const char *language,
             const char *json)
{
  g_autoptr(JsonObject) object = parse_object (json);
  g_autoptr(GError) error = NULL;
  FkChecklistTemplate *template_;

  /* fk-test-env sets LC_ALL=C.UTF-8; LANGUAGE comes first, as for gettext. */
  if (language != NULL)
    g_setenv ("LANGUAGE", language, TRUE);
  else
    g_unsetenv ("LANGUAGE");
  template_ = fk_checklist_template_new_from_json (object, &error);
  g_assert_no_error (error);
  g_assert_nonnull (template_);
  g_unsetenv ("LANGUAGE");

  return template_;
}

static const char *
text_of (FkChecklistTemplate *template_,
         const char          *id)
{
  const FkTemplateItem *item = fk_checklist_template_find_item (template_, id);

  g_assert_nonnull (item);
  return item->text;
}

static void
test_english (void)
{
  g_autoptr(FkChecklistTemplate) template_ = template_in ("en", TRANSLATED);

  g_assert_cmpstr (fk_checklist_template_get_title (template_), ==, "Safe events");
  g_assert_cmpstr (text_of (template_, "before-meeting"), ==, "A meeting has been held.");
  g_assert_cmpstr (fk_checklist_template_get_item (template_, 0)->text, ==, "A meeting has been held.");
  /* Not translated: this one text stays Swedish. */
  g_assert_cmpstr (text_of (template_, "after-debrief"), ==, "Uppföljning är gjord.");
}

static void
test_language_order (void)
{
  /* Per text, the first of the officer's languages that has it. */
  g_autoptr(FkChecklistTemplate) german_first = template_in ("de:en", TRANSLATED);
  g_autoptr(FkChecklistTemplate) british = template_in ("en_GB", TRANSLATED);
  g_autoptr(FkChecklistTemplate) swedish_first = template_in ("sv:en", TRANSLATED);

  g_assert_cmpstr (fk_checklist_template_get_title (german_first), ==, "Safe events");
  g_assert_cmpstr (text_of (german_first, "before-meeting"), ==, "A meeting has been held.");
  g_assert_cmpstr (text_of (german_first, "after-debrief"), ==, "Nachbesprechung ist erfolgt.");

  /* en_GB falls back to en, as gettext's catalogs do. */
  g_assert_cmpstr (text_of (british, "before-meeting"), ==, "A meeting has been held.");

  g_assert_cmpstr (fk_checklist_template_get_title (swedish_first), ==, "Trygga evenemang");
  g_assert_cmpstr (text_of (swedish_first, "before-meeting"), ==, "Möte är hållet.");
}

static void
test_unknown_language (void)
{
  g_autoptr(FkChecklistTemplate) french = template_in ("fr", TRANSLATED);
  g_autoptr(FkChecklistTemplate) c_locale = template_in (NULL, TRANSLATED);

  g_assert_cmpstr (fk_checklist_template_get_title (french), ==, "Trygga evenemang");
  g_assert_cmpstr (text_of (french, "before-meeting"), ==, "Möte är hållet.");
  g_assert_cmpstr (fk_checklist_template_get_title (c_locale), ==, "Trygga evenemang");
  g_assert_cmpstr (text_of (c_locale, "after-debrief"), ==, "Uppföljning är gjord.");
}

static void
test_locale (void)
{
  g_autoptr(FkChecklistTemplate) template_ = NULL;
  g_autofree char *lc_all = g_strdup (g_getenv ("LC_ALL"));

  /* Without LANGUAGE the messages locale decides. */
  g_unsetenv ("LC_ALL");
  g_setenv ("LC_MESSAGES", "en_US.UTF-8", TRUE);
  template_ = template_in (NULL, TRANSLATED);
  g_unsetenv ("LC_MESSAGES");
  if (lc_all != NULL)
    g_setenv ("LC_ALL", lc_all, TRUE);

  g_assert_cmpstr (fk_checklist_template_get_title (template_), ==, "Safe events");
}

static void
test_without_translations (void)
{
  g_autoptr(FkChecklistTemplate) template_ = template_in ("en",
    "{\"id\": \"t\", \"version\": 1, \"region\": \"Syd\", \"title\": \"Trygga evenemang\","
    " \"items\": [{\"id\": \"before-meeting\", \"phase\": \"before\", \"text\": \"Möte är hållet.\"}]}");
  g_autoptr(JsonObject) json = fk_checklist_template_to_json (template_);

  g_assert_cmpstr (fk_checklist_template_get_title (template_), ==, "Trygga evenemang");
  g_assert_cmpstr (text_of (template_, "before-meeting"), ==, "Möte är hållet.");
  g_assert_false (json_object_has_member (json, "translations"));
}

static void
test_unusable_translations (void)
{
  /* Wrong types, empty texts and ids the template lacks: the template is
   * still shown, in Swedish where the translation cannot be used. */
  g_autoptr(FkChecklistTemplate) template_ = template_in ("en:de:fr",
    "{\"id\": \"t\", \"version\": 1, \"region\": null, \"title\": \"Trygga evenemang\","
    " \"items\": [{\"id\": \"before-meeting\", \"phase\": \"before\", \"text\": \"Möte är hållet.\"}],"
    " \"translations\": {\"en\": {\"title\": \"\", \"items\": {\"before-meeting\": 7, \"no-such\": \"No.\"}},"
    "                    \"de\": \"Sichere Veranstaltungen\", \"fr\": {\"items\": []}}}");
  g_autoptr(FkChecklistTemplate) not_an_object = template_in ("en",
    "{\"id\": \"t\", \"version\": 1, \"region\": null, \"title\": \"Trygga evenemang\","
    " \"items\": [{\"id\": \"before-meeting\", \"phase\": \"before\", \"text\": \"Möte är hållet.\"}],"
    " \"translations\": [\"en\"]}");
  g_autoptr(JsonObject) json = fk_checklist_template_to_json (template_);

  g_assert_cmpstr (fk_checklist_template_get_title (template_), ==, "Trygga evenemang");
  g_assert_cmpstr (text_of (template_, "before-meeting"), ==, "Möte är hållet.");
  g_assert_false (json_object_has_member (json, "translations"));
  g_assert_cmpstr (text_of (not_an_object, "before-meeting"), ==, "Möte är hållet.");
}

static void
test_to_json (void)
{
  g_autoptr(FkChecklistTemplate) english = template_in ("en", TRANSLATED);
  g_autoptr(JsonObject) json = fk_checklist_template_to_json (english);
  g_autoptr(FkChecklistTemplate) swedish = NULL;
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), json);
  g_autofree char *text = json_to_string (node, FALSE);

  /* The Swedish texts stay the template's own; English goes along. */
  g_assert_cmpstr (json_object_get_string_member (json, "title"), ==, "Trygga evenemang");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (json, "items"), 0),
                                                  "text"), ==, "Möte är hållet.");
  swedish = template_in ("sv", text);
  g_assert_cmpstr (text_of (swedish, "before-meeting"), ==, "Möte är hållet.");
  g_clear_object (&english);
  english = template_in ("en", text);
  g_assert_cmpstr (fk_checklist_template_get_title (english), ==, "Safe events");
  g_assert_cmpstr (text_of (english, "before-meeting"), ==, "A meeting has been held.");
}

static void
test_answers_keep_ids (void)
{
  g_autoptr(FkChecklistTemplate) swedish = template_in ("sv", TRANSLATED);
  g_autoptr(FkChecklistTemplate) english = template_in ("en", TRANSLATED);
  g_autoptr(FkEventChecklist) answered = fk_event_checklist_new (swedish);
  g_autoptr(FkEventChecklist) reread = NULL;
  g_autoptr(JsonObject) stored = NULL;
  g_autoptr(FkChecklistItem) item = NULL;
  g_autoptr(GError) error = NULL;

  /* Answered in Swedish, read back in English: the same item. */
  fk_event_checklist_set_answer (answered, "before-meeting", FK_CHECKLIST_ANSWER_YES);
  fk_event_checklist_set_note (answered, "before-meeting", "Hölls i tisdags.");
  stored = fk_event_checklist_to_stored (answered);
  reread = fk_event_checklist_new_from_stored (fk_event_checklist_get_uuid (answered), stored, english, &error);
  g_assert_no_error (error);
  item = g_list_model_get_item (fk_event_checklist_get_items (reread), 0);
  g_assert_cmpstr (fk_checklist_item_get_id (item), ==, "before-meeting");
  g_assert_cmpstr (fk_checklist_item_get_text (item), ==, "A meeting has been held.");
  g_assert_cmpint (fk_checklist_item_get_answer (item), ==, FK_CHECKLIST_ANSWER_YES);
  g_assert_cmpstr (fk_checklist_item_get_note (item), ==, "Hölls i tisdags.");
}

static void
test_national_in_english (void)
{
  g_autoptr(FkChecklistTemplate) swedish = NULL;
  g_autoptr(FkChecklistTemplate) english = NULL;

  g_unsetenv ("LANGUAGE");
  swedish = fk_checklist_template_new_default ();
  g_setenv ("LANGUAGE", "en", TRUE);
  english = fk_checklist_template_new_default ();
  g_unsetenv ("LANGUAGE");

  /* The shipped template is translated in full. */
  g_assert_cmpstr (fk_checklist_template_get_title (english), ==, "Safe and secure events");
  g_assert_cmpstr (fk_checklist_template_get_title (swedish), ==, "Trygga och säkra evenemang");
  g_assert_cmpuint (fk_checklist_template_get_n_items (english), ==, fk_checklist_template_get_n_items (swedish));
  for (guint i = 0; i < fk_checklist_template_get_n_items (english); i++)
    {
      const FkTemplateItem *in_english = fk_checklist_template_get_item (english, i);
      const FkTemplateItem *in_swedish = fk_checklist_template_get_item (swedish, i);

      g_test_message ("%s", in_english->id);
      g_assert_cmpstr (in_english->id, ==, in_swedish->id);
      g_assert_cmpstr (in_english->text, !=, in_swedish->text);
    }
  g_assert_cmpstr (text_of (english, "before-organizer-meeting"), ==, "A meeting with the organizer has been held.");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/checklist-template/english", test_english);
  g_test_add_func ("/checklist-template/language-order", test_language_order);
  g_test_add_func ("/checklist-template/unknown-language", test_unknown_language);
  g_test_add_func ("/checklist-template/locale", test_locale);
  g_test_add_func ("/checklist-template/without-translations", test_without_translations);
  g_test_add_func ("/checklist-template/unusable-translations", test_unusable_translations);
  g_test_add_func ("/checklist-template/to-json", test_to_json);
  g_test_add_func ("/checklist-template/answers-keep-ids", test_answers_keep_ids);
  g_test_add_func ("/checklist-template/national-in-english", test_national_in_english);

  return g_test_run ();
}
