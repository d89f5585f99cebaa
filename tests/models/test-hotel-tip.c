/* test-hotel-tip.c: FkHotelTip payload, validation, properties and hostile input
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * All names, places and registration numbers here are invented.
 */
#include "config.h"

#include <string.h>

#include "fk-error.h"
#include "fk-hotel-tip.h"

#define TEST_UUID "3f2a1c5e-8b7d-4e6f-9a0b-1c2d3e4f5a6b"
/* Tip contents must never reach an error message; this marks them. */
#define CANARY    "kanariefagel"

static const char * const text_properties[] = {
  "hotel-name", "hotel-address", "municipality", "contact-person", "contact-phone",
  "room", "description", "vehicles", "action-taken", "officer-note",
};

static const char * const all_properties[] = {
  "revision", "state", "failure", "hotel-name", "hotel-address", "municipality",
  "contact-person", "contact-phone", "received-at", "observed-at", "room", "description",
  "indicators", "vehicles", "urgent", "action-taken", "officer-note",
};

static JsonObject *
parse_object (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));

  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static JsonObject *
reparse (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);
  g_autofree char *text = json_to_string (node, FALSE);

  return parse_object (text);
}

static GDateTime *
hours_from_now (double hours)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_add_seconds (now, hours * 3600);
}

/* A tip that passes validation, for each rule to break one thing of. */
static FkHotelTip *
valid_tip_new (void)
{
  FkHotelTip *tip = fk_hotel_tip_new ();
  g_autoptr(GDateTime) received = hours_from_now (-1);

  fk_hotel_tip_set_hotel_name (tip, "Hotell Exempelgården");
  fk_hotel_tip_set_municipality (tip, "Påhittköping");
  fk_hotel_tip_set_received_at (tip, received);
  fk_hotel_tip_set_description (tip, "Many short visits to the same room tonight.");

  return tip;
}

static void
test_defaults (void)
{
  g_autoptr(FkHotelTip) tip = fk_hotel_tip_new ();
  g_autoptr(FkHotelTip) other = fk_hotel_tip_new ();

  g_assert_true (g_uuid_string_is_valid (fk_hotel_tip_get_uuid (tip)));
  g_assert_cmpstr (fk_hotel_tip_get_uuid (tip), !=, fk_hotel_tip_get_uuid (other));
  g_assert_cmpuint (fk_hotel_tip_get_revision (tip), ==, 1);
  g_assert_cmpint (fk_hotel_tip_get_state (tip), ==, FK_RECORD_STATE_DRAFT);
  g_assert_null (fk_hotel_tip_get_failure (tip));
  g_assert_cmpstr (fk_hotel_tip_get_hotel_name (tip), ==, "");
  g_assert_cmpstr (fk_hotel_tip_get_officer_note (tip), ==, "");
  g_assert_null (fk_hotel_tip_get_received_at (tip));
  g_assert_cmpint (fk_hotel_tip_get_indicators (tip), ==, FK_TIP_INDICATOR_NONE);
  g_assert_false (fk_hotel_tip_get_urgent (tip));
}

static void
test_uuid_construct_only (void)
{
  g_autoptr(FkHotelTip) tip = g_object_new (FK_TYPE_HOTEL_TIP, "uuid", TEST_UUID, NULL);
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (tip), "uuid");

  g_assert_cmpstr (fk_hotel_tip_get_uuid (tip), ==, TEST_UUID);
  g_assert_nonnull (pspec);
  g_assert_true (pspec->flags & G_PARAM_CONSTRUCT_ONLY);
}

static void
test_enum_types (void)
{
  g_autoptr(GEnumClass) states = g_type_class_ref (FK_TYPE_RECORD_STATE);
  g_autoptr(GFlagsClass) indicators = g_type_class_ref (FK_TYPE_TIP_INDICATORS);

  g_assert_true (G_TYPE_IS_ENUM (FK_TYPE_RECORD_STATE));
  g_assert_true (G_TYPE_IS_FLAGS (FK_TYPE_TIP_INDICATORS));
  g_assert_cmpint (g_enum_get_value_by_nick (states, "failed")->value, ==, FK_RECORD_STATE_FAILED);
  g_assert_cmpuint (indicators->mask, ==, FK_TIP_INDICATOR_ALL);
}

static void
test_indicators (void)
{
  g_autoptr(GHashTable) labels = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint bit = 0; bit < 7; bit++)
    {
      FkTipIndicators indicator = 1 << bit;
      const char *string = fk_tip_indicator_to_string (indicator);
      const char *label = fk_tip_indicator_to_label (indicator);

      g_assert_nonnull (string);
      g_assert_nonnull (label);
      g_assert_cmpint (fk_tip_indicator_from_string (string), ==, indicator);
      g_assert_false (g_hash_table_contains (labels, label));
      g_hash_table_add (labels, (gpointer) label);
    }

  g_assert_cmpstr (fk_tip_indicator_to_string (FK_TIP_INDICATOR_SUSPECTED_MINOR), ==, "suspected-minor");
  g_assert_cmpstr (fk_tip_indicator_to_string (FK_TIP_INDICATOR_ADVERTISING_ONLINE), ==, "advertising-online");
  g_assert_cmpstr (fk_tip_indicator_to_label (FK_TIP_INDICATOR_CASH_PAYMENT), ==, "Cash payment");
  g_assert_null (fk_tip_indicator_to_string (FK_TIP_INDICATOR_NONE));
  g_assert_null (fk_tip_indicator_to_label (FK_TIP_INDICATOR_CASH_PAYMENT | FK_TIP_INDICATOR_OTHER));
  g_assert_null (fk_tip_indicator_to_label (1 << 7));
  g_assert_cmpint (fk_tip_indicator_from_string ("bribery"), ==, FK_TIP_INDICATOR_NONE);
  g_assert_cmpint (fk_tip_indicator_from_string (NULL), ==, FK_TIP_INDICATOR_NONE);
}

static void
test_round_trip (void)
{
  g_autoptr(FkHotelTip) tip = fk_hotel_tip_new ();
  g_autoptr(FkHotelTip) copy = NULL;
  g_autoptr(JsonObject) payload = NULL;
  g_autoptr(JsonObject) wire = NULL;
  g_autoptr(JsonObject) again = NULL;
  g_autoptr(GTimeZone) cet = g_time_zone_new_identifier ("+01:00");
  g_autoptr(GDateTime) received = g_date_time_new (cet, 2024, 3, 9, 23, 15, 30);
  g_autoptr(GDateTime) observed = g_date_time_new_utc (2024, 3, 9, 21, 0, 0);
  g_autoptr(GError) error = NULL;
  JsonArray *array;

  fk_hotel_tip_set_hotel_name (tip, "  Hotell Exempelgården ");
  fk_hotel_tip_set_hotel_address (tip, "Påhittvägen 1");
  fk_hotel_tip_set_municipality (tip, "Påhittköping");
  fk_hotel_tip_set_contact_person (tip, "Receptionist Testsson");
  fk_hotel_tip_set_contact_phone (tip, "+46 70-000 00 00");
  fk_hotel_tip_set_received_at (tip, received);
  fk_hotel_tip_set_observed_at (tip, observed);
  fk_hotel_tip_set_room (tip, "412");
  fk_hotel_tip_set_description (tip, "Several short visits to room 412.\nPaid in cash.");
  fk_hotel_tip_set_indicators (tip, FK_TIP_INDICATOR_ALL);
  fk_hotel_tip_set_vehicles (tip, "abc123  def 45a;GHJ 789");
  fk_hotel_tip_set_urgent (tip, TRUE);
  fk_hotel_tip_set_action_taken (tip, "Patrol sent.");
  fk_hotel_tip_set_officer_note (tip, "Follow up tomorrow.");

  g_assert_true (fk_hotel_tip_validate (tip, NULL, &error));
  g_assert_no_error (error);

  payload = fk_hotel_tip_to_payload (tip);
  g_assert_cmpstr (json_object_get_string_member (payload, "hotel_name"), ==, "Hotell Exempelgården");
  g_assert_cmpstr (json_object_get_string_member (payload, "received_at"), ==, "2024-03-09T22:15:30Z");
  g_assert_cmpstr (json_object_get_string_member (payload, "observed_at"), ==, "2024-03-09T21:00:00Z");
  g_assert_true (json_object_get_boolean_member (payload, "urgent"));

  array = json_object_get_array_member (payload, "indicators");
  g_assert_cmpuint (json_array_get_length (array), ==, 7);
  g_assert_cmpstr (json_array_get_string_element (array, 0), ==, "many-visitors");
  g_assert_cmpstr (json_array_get_string_element (array, 6), ==, "other");

  array = json_object_get_array_member (payload, "vehicles");
  g_assert_cmpuint (json_array_get_length (array), ==, 3);
  g_assert_cmpstr (json_array_get_string_element (array, 0), ==, "ABC 123");
  g_assert_cmpstr (json_array_get_string_element (array, 1), ==, "DEF 45A");
  g_assert_cmpstr (json_array_get_string_element (array, 2), ==, "GHJ 789");

  /* Through text, as it travels. */
  wire = reparse (payload);
  copy = fk_hotel_tip_new_from_payload (fk_hotel_tip_get_uuid (tip), wire, &error);
  g_assert_no_error (error);
  g_assert_nonnull (copy);

  g_assert_cmpstr (fk_hotel_tip_get_uuid (copy), ==, fk_hotel_tip_get_uuid (tip));
  g_assert_cmpstr (fk_hotel_tip_get_hotel_name (copy), ==, "Hotell Exempelgården");
  g_assert_cmpstr (fk_hotel_tip_get_hotel_address (copy), ==, "Påhittvägen 1");
  g_assert_cmpstr (fk_hotel_tip_get_municipality (copy), ==, "Påhittköping");
  g_assert_cmpstr (fk_hotel_tip_get_contact_person (copy), ==, "Receptionist Testsson");
  g_assert_cmpstr (fk_hotel_tip_get_contact_phone (copy), ==, "+46 70-000 00 00");
  g_assert_true (g_date_time_equal (fk_hotel_tip_get_received_at (copy), received));
  g_assert_true (g_date_time_equal (fk_hotel_tip_get_observed_at (copy), observed));
  g_assert_cmpstr (fk_hotel_tip_get_room (copy), ==, "412");
  g_assert_cmpstr (fk_hotel_tip_get_description (copy), ==, "Several short visits to room 412.\nPaid in cash.");
  g_assert_cmpint (fk_hotel_tip_get_indicators (copy), ==, FK_TIP_INDICATOR_ALL);
  g_assert_cmpstr (fk_hotel_tip_get_vehicles (copy), ==, "ABC 123, DEF 45A, GHJ 789");
  g_assert_true (fk_hotel_tip_get_urgent (copy));
  g_assert_cmpstr (fk_hotel_tip_get_action_taken (copy), ==, "Patrol sent.");
  g_assert_cmpstr (fk_hotel_tip_get_officer_note (copy), ==, "Follow up tomorrow.");

  /* A second trip changes nothing any more. */
  again = fk_hotel_tip_to_payload (copy);
  g_assert_true (json_object_equal (again, payload));
}

static void
test_payload_omits_empty (void)
{
  g_autoptr(FkHotelTip) tip = valid_tip_new ();
  g_autoptr(JsonObject) payload = NULL;
  g_autoptr(JsonObject) draft_payload = NULL;
  g_autoptr(FkHotelTip) draft = fk_hotel_tip_new ();
  g_autoptr(FkHotelTip) back = NULL;
  g_autoptr(GError) error = NULL;

  fk_hotel_tip_set_officer_note (tip, "   ");
  payload = fk_hotel_tip_to_payload (tip);

  g_assert_true (json_object_has_member (payload, "hotel_name"));
  g_assert_true (json_object_has_member (payload, "municipality"));
  g_assert_true (json_object_has_member (payload, "received_at"));
  g_assert_true (json_object_has_member (payload, "description"));
  g_assert_true (json_object_has_member (payload, "urgent"));
  for (guint i = 0; i < 9; i++)
    {
      const char *optional[] = { "hotel_address", "contact_person", "contact_phone", "observed_at",
                                 "room", "indicators", "vehicles", "action_taken", "officer_note" };

      g_assert_false (json_object_has_member (payload, optional[i]));
    }

  /* An empty draft still round-trips: drafts may lack required fields. */
  draft_payload = fk_hotel_tip_to_payload (draft);
  g_assert_cmpuint (json_object_get_size (draft_payload), ==, 1);
  back = fk_hotel_tip_new_from_payload (fk_hotel_tip_get_uuid (draft), draft_payload, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fk_hotel_tip_get_hotel_name (back), ==, "");
  g_assert_null (fk_hotel_tip_get_received_at (back));
}

static void
test_draft_keeps_typed_vehicles (void)
{
  g_autoptr(FkHotelTip) tip = valid_tip_new ();
  g_autoptr(FkHotelTip) back = NULL;
  g_autoptr(JsonObject) payload = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *field = NULL;

  fk_hotel_tip_set_vehicles (tip, "abc 123, ab 12");
  payload = fk_hotel_tip_to_payload (tip);
  back = fk_hotel_tip_new_from_payload (fk_hotel_tip_get_uuid (tip), payload, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fk_hotel_tip_get_vehicles (back), ==, "ABC 123, ab, 12");

  g_assert_false (fk_hotel_tip_validate (back, &field, &error));
  g_assert_cmpstr (field, ==, "vehicles");
  g_assert_error (error, FK_ERROR, FK_ERROR_INVALID_RECORD);
}

static void
test_unknown_keys_ignored (void)
{
  g_autoptr(JsonObject) payload = parse_object (
    "{\"hotel_name\": \"Hotell Exempel\", \"future_field\": {\"nested\": [1, 2]},"
    " \"priority\": 3, \"urgent\": false, \"hotel_address\": null}");
  g_autoptr(FkHotelTip) tip = NULL;
  g_autoptr(GError) error = NULL;

  tip = fk_hotel_tip_new_from_payload (TEST_UUID, payload, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fk_hotel_tip_get_hotel_name (tip), ==, "Hotell Exempel");
  g_assert_cmpstr (fk_hotel_tip_get_hotel_address (tip), ==, "");
}

typedef void (*Breaker) (FkHotelTip *tip);

static char *
repeat (const char *unit,
        guint       times)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < times; i++)
    g_string_append (text, unit);

  return g_string_free (text, FALSE);
}

#define BREAKER(name, body) \
  static void name (FkHotelTip *tip) { body; }

BREAKER (no_name, fk_hotel_tip_set_hotel_name (tip, NULL))
BREAKER (blank_name, fk_hotel_tip_set_hotel_name (tip, " \t\n"))
BREAKER (long_name, g_autofree char *s = repeat ("å", 201); fk_hotel_tip_set_hotel_name (tip, s))
BREAKER (long_address, g_autofree char *s = repeat ("x", 301); fk_hotel_tip_set_hotel_address (tip, s))
BREAKER (no_municipality, fk_hotel_tip_set_municipality (tip, ""))
BREAKER (long_municipality, g_autofree char *s = repeat ("x", 101); fk_hotel_tip_set_municipality (tip, s))
BREAKER (long_contact, g_autofree char *s = repeat ("x", 201); fk_hotel_tip_set_contact_person (tip, s))
BREAKER (phone_letters, fk_hotel_tip_set_contact_phone (tip, "070-ABC 12 34"))
BREAKER (phone_short, fk_hotel_tip_set_contact_phone (tip, "070-12 3"))
BREAKER (phone_long, fk_hotel_tip_set_contact_phone (tip, "+46 70 123 45 67 89 012"))
BREAKER (phone_inner_plus, fk_hotel_tip_set_contact_phone (tip, "070+1234567"))
BREAKER (phone_parentheses, fk_hotel_tip_set_contact_phone (tip, "(070) 123 45 67"))
BREAKER (no_received, fk_hotel_tip_set_received_at (tip, NULL))
BREAKER (received_future, g_autoptr(GDateTime) t = hours_from_now (25); fk_hotel_tip_set_received_at (tip, t))
BREAKER (observed_future, g_autoptr(GDateTime) t = hours_from_now (24.5); fk_hotel_tip_set_observed_at (tip, t))
BREAKER (long_room, g_autofree char *s = repeat ("1", 51); fk_hotel_tip_set_room (tip, s))
BREAKER (no_description, fk_hotel_tip_set_description (tip, ""))
BREAKER (short_description, fk_hotel_tip_set_description (tip, "  Nine ch.  "))
BREAKER (long_description, g_autofree char *s = repeat ("ö", 5001); fk_hotel_tip_set_description (tip, s))
BREAKER (unknown_indicator, fk_hotel_tip_set_indicators (tip, FK_TIP_INDICATOR_CASH_PAYMENT | (1 << 9)))
BREAKER (bad_vehicle, fk_hotel_tip_set_vehicles (tip, "ABC 123 ABI 123"))
BREAKER (many_vehicles, g_autofree char *s = repeat ("ABC 123, ", 21); fk_hotel_tip_set_vehicles (tip, s))
BREAKER (long_action, g_autofree char *s = repeat ("x", 2001); fk_hotel_tip_set_action_taken (tip, s))
BREAKER (long_note, g_autofree char *s = repeat ("x", 2001); fk_hotel_tip_set_officer_note (tip, s))

static const struct {
  const char *name;
  Breaker     breaker;
  const char *field;
} rules[] = {
  { "no-name",            no_name,            "hotel-name" },
  { "blank-name",         blank_name,         "hotel-name" },
  { "long-name",          long_name,          "hotel-name" },
  { "long-address",       long_address,       "hotel-address" },
  { "no-municipality",    no_municipality,    "municipality" },
  { "long-municipality",  long_municipality,  "municipality" },
  { "long-contact",       long_contact,       "contact-person" },
  { "phone-letters",      phone_letters,      "contact-phone" },
  { "phone-short",        phone_short,        "contact-phone" },
  { "phone-long",         phone_long,         "contact-phone" },
  { "phone-inner-plus",   phone_inner_plus,   "contact-phone" },
  { "phone-parentheses",  phone_parentheses,  "contact-phone" },
  { "no-received",        no_received,        "received-at" },
  { "received-future",    received_future,    "received-at" },
  { "observed-future",    observed_future,    "observed-at" },
  { "long-room",          long_room,          "room" },
  { "no-description",     no_description,     "description" },
  { "short-description",  short_description,  "description" },
  { "long-description",   long_description,   "description" },
  { "unknown-indicator",  unknown_indicator,  "indicators" },
  { "bad-vehicle",        bad_vehicle,        "vehicles" },
  { "many-vehicles",      many_vehicles,      "vehicles" },
  { "long-action",        long_action,        "action-taken" },
  { "long-note",          long_note,          "officer-note" },
};

static void
test_validation_rule (gconstpointer data)
{
  guint index = GPOINTER_TO_UINT (data);
  g_autoptr(FkHotelTip) tip = valid_tip_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *field = NULL;
  g_autofree char *inline_message = NULL;

  g_assert_true (fk_hotel_tip_validate (tip, &field, NULL));
  g_assert_null (field);

  rules[index].breaker (tip);

  g_assert_false (fk_hotel_tip_validate (tip, &field, &error));
  g_assert_error (error, FK_ERROR, FK_ERROR_INVALID_RECORD);
  g_assert_cmpstr (field, ==, rules[index].field);
  g_assert_true (g_str_has_suffix (error->message, "."));

  /* Inline validation says the same for that field and nothing for others. */
  inline_message = fk_hotel_tip_check_field (tip, rules[index].field);
  g_assert_cmpstr (inline_message, ==, error->message);
  for (guint i = 0; i < G_N_ELEMENTS (all_properties); i++)
    {
      g_autofree char *other = NULL;

      if (g_str_equal (all_properties[i], rules[index].field))
        continue;
      other = fk_hotel_tip_check_field (tip, all_properties[i]);
      g_assert_null (other);
    }
}

static void
test_validation_limits_accepted (void)
{
  g_autoptr(FkHotelTip) tip = valid_tip_new ();
  g_autoptr(GDateTime) soon = hours_from_now (23);
  g_autoptr(GDateTime) before = hours_from_now (-48);
  g_autofree char *name = repeat ("å", 200);
  g_autofree char *description = repeat ("ö", 5000);
  g_autofree char *note = repeat ("x", 2000);
  g_autofree char *vehicles = repeat ("ABC 123 ", 20);
  g_autoptr(GError) error = NULL;
  const char *phones[] = { "+46 70-000 00 00", "0700000000", "000 00 00", "+123456789012345" };

  fk_hotel_tip_set_hotel_name (tip, name);
  fk_hotel_tip_set_description (tip, description);
  fk_hotel_tip_set_officer_note (tip, note);
  fk_hotel_tip_set_action_taken (tip, note);
  fk_hotel_tip_set_vehicles (tip, vehicles);
  fk_hotel_tip_set_received_at (tip, soon);
  /* Observed long before it was reported is normal. */
  fk_hotel_tip_set_observed_at (tip, before);
  fk_hotel_tip_set_indicators (tip, FK_TIP_INDICATOR_ALL);
  g_assert_true (fk_hotel_tip_validate (tip, NULL, &error));
  g_assert_no_error (error);

  fk_hotel_tip_set_description (tip, "Ten chars!");
  g_assert_true (fk_hotel_tip_validate (tip, NULL, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (phones); i++)
    {
      fk_hotel_tip_set_contact_phone (tip, phones[i]);
      g_assert_true (fk_hotel_tip_validate (tip, NULL, &error));
      g_assert_no_error (error);
    }
}

static void
test_registration_numbers (void)
{
  const struct {
    const char *text;
    const char *normalized;
  } cases[] = {
    { "ABC123",    "ABC 123" },
    { "ABC 123",   "ABC 123" },
    { "abc 12a",   "ABC 12A" },
    { "abc12a",    "ABC 12A" },
    { " XYZ 999 ", "XYZ 999" },
    { "MLB 01Z",   "MLB 01Z" },
    { "ABC 12O",   NULL },      /* O never ends a plate */
    { "ABC 12I",   NULL },
    { "ABC 12Q",   NULL },
    { "ABC 12V",   NULL },
    { "ABI 123",   NULL },
    { "AQC 123",   NULL },
    { "VBC 123",   NULL },
    { "ÅBC 123",   NULL },
    { "ABÖ 123",   NULL },
    { "AB 1234",   NULL },
    { "ABC 1234",  NULL },
    { "ABC12",     NULL },
    { "ABC  123",  NULL },
    { "AB C123",   NULL },
    { "ABC-123",   NULL },
    { "ABC 1A3",   NULL },
    { "ABC A23",   NULL },
    { "123 ABC",   NULL },
    { "",          NULL },
    { NULL,        NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *normalized = fk_registration_number_normalize (cases[i].text);

      g_test_message ("%s", cases[i].text ? cases[i].text : "(null)");
      g_assert_cmpstr (normalized, ==, cases[i].normalized);
    }
}

static void
test_vehicle_lists (void)
{
  const struct {
    const char *vehicles;
    const char *error;     /* NULL: valid */
  } cases[] = {
    { "ABC123 DEF456",           NULL },
    { "abc 123 def 45a",         NULL },
    { "ABC 123,DEF 456; GHJ789", NULL },
    { "  ",                      NULL },
    { "ABC 123, XYZ 1",          "Registration number 2 is not valid" },
    { "ABC 12",                  "Registration number 1 is not valid" },
    { "ABC 123 DEF 456 ZZZ 12O", "Registration number 3 is not valid" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(FkHotelTip) tip = valid_tip_new ();
      g_autofree char *message = NULL;

      fk_hotel_tip_set_vehicles (tip, cases[i].vehicles);
      message = fk_hotel_tip_check_field (tip, "vehicles");
      g_test_message ("%s → %s", cases[i].vehicles, message ? message : "ok");
      if (cases[i].error == NULL)
        {
          g_assert_null (message);
        }
      else
        {
          g_assert_nonnull (message);
          g_assert_true (g_str_has_prefix (message, cases[i].error));
          /* The numbers themselves are tip contents. */
          g_assert_null (strstr (message, "XYZ"));
          g_assert_null (strstr (message, "ZZZ"));
        }
    }
}

static const struct {
  const char *json;
  const char *field;       /* the key the message must name */
} hostile[] = {
  { "{\"hotel_name\": 5}",                              "hotel_name" },
  { "{\"hotel_name\": [\"Hotell\"]}",                   "hotel_name" },
  { "{\"hotel_address\": {\"street\": \"x\"}}",         "hotel_address" },
  { "{\"municipality\": 1.5}",                          "municipality" },
  { "{\"contact_person\": false}",                      "contact_person" },
  { "{\"contact_phone\": 46700000000}",                 "contact_phone" },
  { "{\"room\": 412}",                                  "room" },
  { "{\"description\": true}",                          "description" },
  { "{\"action_taken\": []}",                           "action_taken" },
  { "{\"officer_note\": {}}",                           "officer_note" },
  { "{\"urgent\": \"yes\"}",                            "urgent" },
  { "{\"urgent\": 1}",                                  "urgent" },
  { "{\"urgent\": []}",                                 "urgent" },
  { "{\"received_at\": 1709999999}",                    "received_at" },
  { "{\"received_at\": \"yesterday\"}",                 "received_at" },
  { "{\"received_at\": \"2024-03-09T22:15:30\"}",       "received_at" },
  { "{\"observed_at\": \"2024-13-45T99:00:00Z\"}",      "observed_at" },
  { "{\"observed_at\": [\"2024-03-09T22:15:30Z\"]}",    "observed_at" },
  { "{\"indicators\": \"cash-payment\"}",               "indicators" },
  { "{\"indicators\": {\"cash-payment\": true}}",       "indicators" },
  { "{\"indicators\": [1]}",                            "indicator" },
  { "{\"indicators\": [\"bribery\"]}",                  "indicator" },
  { "{\"indicators\": [\"cash-payment\", null]}",       "indicator" },
  { "{\"indicators\": [[\"other\"]]}",                  "indicator" },
  { "{\"vehicles\": \"ABC 123\"}",                      "vehicles" },
  { "{\"vehicles\": [null]}",                           "vehicles" },
  { "{\"vehicles\": [\"ABC 123\", 7]}",                 "vehicles" },
  { "{\"vehicles\": [{\"plate\": \"ABC 123\"}]}",       "vehicles" },
};

static void
test_hostile_types (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      g_autoptr(JsonObject) payload = parse_object (hostile[i].json);
      g_autoptr(FkHotelTip) tip = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", hostile[i].json);
      tip = fk_hotel_tip_new_from_payload (TEST_UUID, payload, &error);
      g_assert_null (tip);
      g_assert_error (error, FK_ERROR, FK_ERROR_INVALID_RECORD);
      g_assert_nonnull (strstr (error->message, hostile[i].field));
    }
}

static void
test_hostile_uuid (void)
{
  g_autoptr(JsonObject) payload = parse_object ("{}");
  const char *uuids[] = { NULL, "", "not-a-uuid", "3f2a1c5e-8b7d-4e6f-9a0b-1c2d3e4f5a6", "'; DROP TABLE tips; --" };

  for (guint i = 0; i < G_N_ELEMENTS (uuids); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(FkHotelTip) tip = fk_hotel_tip_new_from_payload (uuids[i], payload, &error);

      g_assert_null (tip);
      g_assert_error (error, FK_ERROR, FK_ERROR_INVALID_RECORD);
    }
}

/* Every known key with every JSON type: never a crash, always a clean answer. */
static void
test_hostile_every_type (void)
{
  const char *keys[] = { "hotel_name", "hotel_address", "municipality", "contact_person",
                         "contact_phone", "received_at", "observed_at", "room", "description",
                         "indicators", "vehicles", "urgent", "action_taken", "officer_note" };
  const char *values[] = { "null", "true", "0", "-1.5e308", "\"\"", "\"x\"", "[]", "{}",
                           "[null]", "[[]]", "[{}]", "[\"other\"]", "\"2024-03-09T22:15:30Z\"",
                           "\"\\u0000\"", "[\"\\u0000\"]" };
  guint accepted = 0;

  for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
    for (guint v = 0; v < G_N_ELEMENTS (values); v++)
      {
        g_autofree char *json = g_strdup_printf ("{\"%s\": %s}", keys[k], values[v]);
        g_autoptr(JsonObject) payload = parse_object (json);
        g_autoptr(GError) error = NULL;
        g_autoptr(FkHotelTip) tip = fk_hotel_tip_new_from_payload (TEST_UUID, payload, &error);

        if (tip != NULL)
          {
            g_autoptr(JsonObject) out = fk_hotel_tip_to_payload (tip);

            g_assert_no_error (error);
            g_assert_false (fk_hotel_tip_validate (tip, NULL, NULL));
            g_assert_nonnull (out);
            accepted++;
          }
        else
          {
            g_assert_error (error, FK_ERROR, FK_ERROR_INVALID_RECORD);
            g_assert_true (strstr (error->message, keys[k]) != NULL ||
                           (g_str_equal (keys[k], "indicators") && strstr (error->message, "indicator") != NULL));
          }
      }

  /* null for each key, a string for the text keys, and so on: some must pass. */
  g_assert_cmpuint (accepted, >, G_N_ELEMENTS (keys));
}

static void
test_hostile_sizes (void)
{
  g_autofree char *huge = repeat ("A", 1024 * 1024);
  g_autofree char *plates = repeat ("\"ABC 123\",", 5000);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(FkHotelTip) tip = NULL;
  g_autoptr(FkHotelTip) tip2 = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *field = NULL;
  g_autofree char *json = NULL;
  g_autoptr(JsonObject) many = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "hotel_name");
  json_builder_add_string_value (builder, "Hotell Exempel");
  json_builder_set_member_name (builder, "municipality");
  json_builder_add_string_value (builder, "Påhittköping");
  json_builder_set_member_name (builder, "received_at");
  json_builder_add_string_value (builder, "2024-03-09T22:15:30Z");
  json_builder_set_member_name (builder, "description");
  json_builder_add_string_value (builder, huge);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  /* Loading keeps what a draft holds; validation is what refuses it. */
  tip = fk_hotel_tip_new_from_payload (TEST_UUID, json_node_get_object (root), &error);
  g_assert_no_error (error);
  g_assert_false (fk_hotel_tip_validate (tip, &field, &error));
  g_assert_cmpstr (field, ==, "description");
  g_assert_error (error, FK_ERROR, FK_ERROR_INVALID_RECORD);
  g_assert_cmpuint (strlen (error->message), <, 200);
  g_clear_error (&error);
  g_clear_pointer (&field, g_free);

  json = g_strdup_printf ("{\"hotel_name\": \"Hotell Exempel\", \"municipality\": \"Påhittköping\","
                          " \"received_at\": \"2024-03-09T22:15:30Z\","
                          " \"description\": \"Ten characters or more.\", \"vehicles\": [%s \"ABC 123\"]}",
                          plates);
  many = parse_object (json);
  tip2 = fk_hotel_tip_new_from_payload (TEST_UUID, many, &error);
  g_assert_no_error (error);
  g_assert_false (fk_hotel_tip_validate (tip2, &field, &error));
  g_assert_cmpstr (field, ==, "vehicles");
}

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           GHashTable *counts)
{
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (counts, pspec->name));

  g_hash_table_insert (counts, (gpointer) pspec->name, GUINT_TO_POINTER (count + 1));
}

static guint
count_of (GHashTable *counts,
          const char *name)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (counts, name));
}

static void
test_notify_on_change_only (void)
{
  g_autoptr(FkHotelTip) tip = fk_hotel_tip_new ();
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GDateTime) a = g_date_time_new_utc (2024, 3, 9, 22, 0, 0);
  g_autoptr(GTimeZone) cet = g_time_zone_new_identifier ("+01:00");
  g_autoptr(GDateTime) same_instant = g_date_time_new (cet, 2024, 3, 9, 23, 0, 0);

  for (guint i = 0; i < G_N_ELEMENTS (all_properties); i++)
    {
      GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (tip), all_properties[i]);

      g_assert_nonnull (pspec);
      g_assert_true (pspec->flags & G_PARAM_EXPLICIT_NOTIFY);
      g_assert_true (pspec->flags & G_PARAM_READWRITE);
    }

  g_signal_connect (tip, "notify", G_CALLBACK (on_notify), counts);

  /* Setting what is already there: silence. */
  for (guint i = 0; i < G_N_ELEMENTS (text_properties); i++)
    {
      g_object_set (tip, text_properties[i], "", NULL);
      g_object_set (tip, text_properties[i], NULL, NULL);
    }
  g_object_set (tip,
                "revision", 1, "state", FK_RECORD_STATE_DRAFT, "failure", NULL,
                "received-at", NULL, "observed-at", NULL,
                "indicators", FK_TIP_INDICATOR_NONE, "urgent", FALSE, NULL);
  g_assert_cmpuint (g_hash_table_size (counts), ==, 0);

  /* A change: exactly one notification, and none on repeating it. */
  for (guint round = 0; round < 2; round++)
    {
      for (guint i = 0; i < G_N_ELEMENTS (text_properties); i++)
        g_object_set (tip, text_properties[i], "Exempel", NULL);
      fk_hotel_tip_set_revision (tip, 2);
      fk_hotel_tip_set_state (tip, FK_RECORD_STATE_FAILED);
      fk_hotel_tip_set_failure (tip, "Enter the municipality.");
      fk_hotel_tip_set_received_at (tip, round == 0 ? a : same_instant);
      fk_hotel_tip_set_observed_at (tip, a);
      fk_hotel_tip_set_indicators (tip, FK_TIP_INDICATOR_CONTROLLED);
      fk_hotel_tip_set_urgent (tip, round == 0 ? TRUE : 2);
    }

  for (guint i = 0; i < G_N_ELEMENTS (all_properties); i++)
    {
      g_test_message ("%s", all_properties[i]);
      g_assert_cmpuint (count_of (counts, all_properties[i]), ==, 1);
    }

  fk_hotel_tip_set_hotel_name (tip, "Exempel ");
  g_assert_cmpuint (count_of (counts, "hotel-name"), ==, 2);
  g_assert_cmpstr (fk_hotel_tip_get_hotel_name (tip), ==, "Exempel ");
  fk_hotel_tip_set_received_at (tip, NULL);
  g_assert_cmpuint (count_of (counts, "received-at"), ==, 2);
  fk_hotel_tip_set_indicators (tip, FK_TIP_INDICATOR_CONTROLLED | FK_TIP_INDICATOR_OTHER);
  g_assert_cmpuint (count_of (counts, "indicators"), ==, 2);
  fk_hotel_tip_set_failure (tip, NULL);
  g_assert_cmpuint (count_of (counts, "failure"), ==, 2);
}

static void
assert_no_canary (const char *message)
{
  if (message == NULL)
    return;

  g_test_message ("%s", message);
  g_assert_null (strstr (message, CANARY));
  g_assert_null (strstr (message, "ZZZ"));
}

static void
test_errors_never_echo_contents (void)
{
  g_autoptr(FkHotelTip) tip = fk_hotel_tip_new ();
  g_autofree char *padding = repeat ("x", 5000);
  g_autofree char *long_text = g_strconcat (CANARY, padding, NULL);
  g_autofree char *canary_plate = g_strdup ("ZZZ 12O " CANARY);
  g_autoptr(GDateTime) future = hours_from_now (48);
  g_autoptr(GError) error = NULL;

  /* Every field wrong and carrying the canary. */
  for (guint i = 0; i < G_N_ELEMENTS (text_properties); i++)
    g_object_set (tip, text_properties[i], long_text, NULL);
  fk_hotel_tip_set_vehicles (tip, canary_plate);
  fk_hotel_tip_set_contact_phone (tip, CANARY "070");
  fk_hotel_tip_set_received_at (tip, future);
  fk_hotel_tip_set_observed_at (tip, future);
  fk_hotel_tip_set_indicators (tip, 1 << 12);

  for (guint i = 0; i < G_N_ELEMENTS (all_properties); i++)
    {
      g_autofree char *message = fk_hotel_tip_check_field (tip, all_properties[i]);

      assert_no_canary (message);
    }

  g_assert_false (fk_hotel_tip_validate (tip, NULL, &error));
  assert_no_canary (error->message);
  g_clear_error (&error);

  /* Short description: the "too short" message must not quote it either. */
  fk_hotel_tip_set_description (tip, "kanarie");
  {
    g_autofree char *message = fk_hotel_tip_check_field (tip, "description");

    g_assert_nonnull (message);
    g_assert_null (strstr (message, "kanarie"));
  }

  /* Nor the payload errors. */
  for (guint i = 0; i < 3; i++)
    {
      const char *json[] = {
        "{\"description\": \"" CANARY "\", \"urgent\": \"" CANARY "\"}",
        "{\"hotel_name\": \"" CANARY "\", \"received_at\": \"" CANARY "\"}",
        "{\"officer_note\": \"" CANARY "\", \"indicators\": [\"" CANARY "\"]}",
      };
      g_autoptr(JsonObject) payload = parse_object (json[i]);
      g_autoptr(FkHotelTip) bad = fk_hotel_tip_new_from_payload (TEST_UUID, payload, &error);

      g_assert_null (bad);
      g_assert_nonnull (error);
      assert_no_canary (error->message);
      g_clear_error (&error);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/hotel-tip/defaults", test_defaults);
  g_test_add_func ("/hotel-tip/uuid-construct-only", test_uuid_construct_only);
  g_test_add_func ("/hotel-tip/enum-types", test_enum_types);
  g_test_add_func ("/hotel-tip/indicators", test_indicators);
  g_test_add_func ("/hotel-tip/payload/round-trip", test_round_trip);
  g_test_add_func ("/hotel-tip/payload/omits-empty", test_payload_omits_empty);
  g_test_add_func ("/hotel-tip/payload/draft-keeps-typed-vehicles", test_draft_keeps_typed_vehicles);
  g_test_add_func ("/hotel-tip/payload/unknown-keys-ignored", test_unknown_keys_ignored);
  for (guint i = 0; i < G_N_ELEMENTS (rules); i++)
    {
      g_autofree char *path = g_strdup_printf ("/hotel-tip/validate/%s", rules[i].name);

      g_test_add_data_func (path, GUINT_TO_POINTER (i), test_validation_rule);
    }
  g_test_add_func ("/hotel-tip/validate/limits-accepted", test_validation_limits_accepted);
  g_test_add_func ("/hotel-tip/registration-numbers", test_registration_numbers);
  g_test_add_func ("/hotel-tip/vehicle-lists", test_vehicle_lists);
  g_test_add_func ("/hotel-tip/hostile/types", test_hostile_types);
  g_test_add_func ("/hotel-tip/hostile/uuid", test_hostile_uuid);
  g_test_add_func ("/hotel-tip/hostile/every-type", test_hostile_every_type);
  g_test_add_func ("/hotel-tip/hostile/sizes", test_hostile_sizes);
  g_test_add_func ("/hotel-tip/notify-on-change-only", test_notify_on_change_only);
  g_test_add_func ("/hotel-tip/errors-never-echo-contents", test_errors_never_echo_contents);

  return g_test_run ();
}
