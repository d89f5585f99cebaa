/* fk-hotel-tip.c: the hotel tip record, its payload and its validation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Client and server validate with this same code.  Messages name the field
 * and the fix but never quote what a tip says.
 */
#define G_LOG_DOMAIN "fk-hotel-tip"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fk-error.h"
#include "fk-hotel-tip.h"
#include "fk-protocol.h"

#define MAX_MUNICIPALITY   100
#define MAX_ROOM           50
#define MAX_PHONE          30
#define MIN_PHONE_DIGITS   7
#define MAX_PHONE_DIGITS   15
#define MAX_FUTURE         (24 * G_TIME_SPAN_HOUR)

typedef enum {
  TEXT_HOTEL_NAME,
  TEXT_HOTEL_ADDRESS,
  TEXT_MUNICIPALITY,
  TEXT_CONTACT_PERSON,
  TEXT_CONTACT_PHONE,
  TEXT_ROOM,
  TEXT_DESCRIPTION,
  TEXT_VEHICLES,
  TEXT_ACTION_TAKEN,
  TEXT_OFFICER_NOTE,
  N_TEXTS
} TextField;

struct _FkHotelTip
{
  GObject          parent_instance;

  char            *uuid;
  guint            revision;
  FkRecordState    state;
  char            *failure;
  gboolean         offered;

  char            *text[N_TEXTS];
  GDateTime       *received_at;
  GDateTime       *observed_at;
  FkTipIndicators  indicators;
  gboolean         urgent;
};

G_DEFINE_FINAL_TYPE (FkHotelTip, fk_hotel_tip, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (FkRecordState, fk_record_state,
  G_DEFINE_ENUM_VALUE (FK_RECORD_STATE_DRAFT, "draft"),
  G_DEFINE_ENUM_VALUE (FK_RECORD_STATE_PENDING, "pending"),
  G_DEFINE_ENUM_VALUE (FK_RECORD_STATE_SENT, "sent"),
  G_DEFINE_ENUM_VALUE (FK_RECORD_STATE_FAILED, "failed"))

G_DEFINE_FLAGS_TYPE (FkTipIndicators, fk_tip_indicators,
  G_DEFINE_ENUM_VALUE (FK_TIP_INDICATOR_NONE, "none"),
  G_DEFINE_ENUM_VALUE (FK_TIP_INDICATOR_MANY_VISITORS, "many-visitors"),
  G_DEFINE_ENUM_VALUE (FK_TIP_INDICATOR_SHORT_VISITS, "short-visits"),
  G_DEFINE_ENUM_VALUE (FK_TIP_INDICATOR_CASH_PAYMENT, "cash-payment"),
  G_DEFINE_ENUM_VALUE (FK_TIP_INDICATOR_ADVERTISING_ONLINE, "advertising-online"),
  G_DEFINE_ENUM_VALUE (FK_TIP_INDICATOR_CONTROLLED, "controlled"),
  G_DEFINE_ENUM_VALUE (FK_TIP_INDICATOR_SUSPECTED_MINOR, "suspected-minor"),
  G_DEFINE_ENUM_VALUE (FK_TIP_INDICATOR_OTHER, "other"))

/* Text properties come last, in TextField order, so that a property id
 * maps to its slot by subtraction. */
enum {
  PROP_0,
  PROP_UUID,
  PROP_REVISION,
  PROP_STATE,
  PROP_FAILURE,
  PROP_OFFERED,
  PROP_RECEIVED_AT,
  PROP_OBSERVED_AT,
  PROP_INDICATORS,
  PROP_URGENT,
  PROP_HOTEL_NAME,
  PROP_HOTEL_ADDRESS,
  PROP_MUNICIPALITY,
  PROP_CONTACT_PERSON,
  PROP_CONTACT_PHONE,
  PROP_ROOM,
  PROP_DESCRIPTION,
  PROP_VEHICLES,
  PROP_ACTION_TAKEN,
  PROP_OFFICER_NOTE,
  N_PROPS
};

#define TEXT_PROP(field) (PROP_HOTEL_NAME + (field))

static GParamSpec *properties[N_PROPS];

/* JSON keys of the plain text fields; vehicles travel as an array. */
static const char * const text_keys[N_TEXTS] = {
  [TEXT_HOTEL_NAME]     = "hotel_name",
  [TEXT_HOTEL_ADDRESS]  = "hotel_address",
  [TEXT_MUNICIPALITY]   = "municipality",
  [TEXT_CONTACT_PERSON] = "contact_person",
  [TEXT_CONTACT_PHONE]  = "contact_phone",
  [TEXT_ROOM]           = "room",
  [TEXT_DESCRIPTION]    = "description",
  [TEXT_VEHICLES]       = NULL,
  [TEXT_ACTION_TAKEN]   = "action_taken",
  [TEXT_OFFICER_NOTE]   = "officer_note",
};

static const struct {
  FkTipIndicators  indicator;
  const char      *string;
} indicator_strings[] = {
  { FK_TIP_INDICATOR_MANY_VISITORS,      "many-visitors" },
  { FK_TIP_INDICATOR_SHORT_VISITS,       "short-visits" },
  { FK_TIP_INDICATOR_CASH_PAYMENT,       "cash-payment" },
  { FK_TIP_INDICATOR_ADVERTISING_ONLINE, "advertising-online" },
  { FK_TIP_INDICATOR_CONTROLLED,         "controlled" },
  { FK_TIP_INDICATOR_SUSPECTED_MINOR,    "suspected-minor" },
  { FK_TIP_INDICATOR_OTHER,              "other" },
};

const char *
fk_tip_indicator_to_string (FkTipIndicators indicator)
{
  for (guint i = 0; i < G_N_ELEMENTS (indicator_strings); i++)
    if (indicator_strings[i].indicator == indicator)
      return indicator_strings[i].string;

  return NULL;
}

FkTipIndicators
fk_tip_indicator_from_string (const char *string)
{
  if (string == NULL)
    return FK_TIP_INDICATOR_NONE;

  for (guint i = 0; i < G_N_ELEMENTS (indicator_strings); i++)
    if (g_str_equal (indicator_strings[i].string, string))
      return indicator_strings[i].indicator;

  return FK_TIP_INDICATOR_NONE;
}

const char *
fk_tip_indicator_to_label (FkTipIndicators indicator)
{
  switch (indicator)
    {
    case FK_TIP_INDICATOR_MANY_VISITORS:
      return _("Many visitors to one room");
    case FK_TIP_INDICATOR_SHORT_VISITS:
      return _("Short visits");
    case FK_TIP_INDICATOR_CASH_PAYMENT:
      return _("Cash payment");
    case FK_TIP_INDICATOR_ADVERTISING_ONLINE:
      return _("Advertising seen online");
    case FK_TIP_INDICATOR_CONTROLLED:
      return _("Person seems controlled by someone");
    case FK_TIP_INDICATOR_SUSPECTED_MINOR:
      return _("Suspected minor");
    case FK_TIP_INDICATOR_OTHER:
      return _("Other");
    case FK_TIP_INDICATOR_NONE:
    default:
      return NULL;
    }
}

/* Letters Swedish plates use: no I, Q or V (too like 1, O and U), and no
 * Å, Ä or Ö, which the ASCII range leaves out already. */
static gboolean
is_plate_letter (char c)
{
  return c >= 'A' && c <= 'Z' && c != 'I' && c != 'Q' && c != 'V';
}

char *
fk_registration_number_normalize (const char *text)
{
  char plate[6];
  gsize length;
  guint n = 0;

  if (text == NULL)
    return NULL;

  while (g_ascii_isspace (*text))
    text++;
  length = strlen (text);
  while (length > 0 && g_ascii_isspace (text[length - 1]))
    length--;

  /* "ABC123" or "ABC 123": one space, and only between letters and digits. */
  if (length != 6 && !(length == 7 && text[3] == ' '))
    return NULL;

  for (gsize i = 0; i < length; i++)
    {
      if (i == 3 && length == 7)
        continue;
      plate[n++] = g_ascii_toupper (text[i]);
    }

  if (!is_plate_letter (plate[0]) || !is_plate_letter (plate[1]) || !is_plate_letter (plate[2]))
    return NULL;
  if (!g_ascii_isdigit (plate[3]) || !g_ascii_isdigit (plate[4]))
    return NULL;
  /* Since 2019 the last may be a letter, but never O (read as 0). */
  if (!g_ascii_isdigit (plate[5]) && !(is_plate_letter (plate[5]) && plate[5] != 'O'))
    return NULL;

  return g_strdup_printf ("%c%c%c %c%c%c",
                          plate[0], plate[1], plate[2], plate[3], plate[4], plate[5]);
}

static gboolean
is_vehicle_separator (char c)
{
  return g_ascii_isspace (c) || c == ',' || c == ';';
}

static gboolean
is_three_letters (const char *token)
{
  return strlen (token) == 3 &&
         g_ascii_isalpha (token[0]) && g_ascii_isalpha (token[1]) && g_ascii_isalpha (token[2]);
}

/* Splits the vehicles text into one string per registration number.  A
 * space both separates numbers and may sit inside one ("ABC 123"), so
 * three letters followed by a three-character token count as one. */
static GPtrArray *
split_vehicles (const char *text)
{
  g_autoptr(GPtrArray) tokens = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *vehicles = g_ptr_array_new_with_free_func (g_free);
  const char *p = text;

  while (*p != '\0')
    {
      const char *start;

      while (*p != '\0' && is_vehicle_separator (*p))
        p++;
      start = p;
      while (*p != '\0' && !is_vehicle_separator (*p))
        p++;
      if (p > start)
        g_ptr_array_add (tokens, g_strndup (start, p - start));
    }

  for (guint i = 0; i < tokens->len; i++)
    {
      const char *token = g_ptr_array_index (tokens, i);

      if (i + 1 < tokens->len && is_three_letters (token) &&
          strlen (g_ptr_array_index (tokens, i + 1)) == 3)
        {
          g_ptr_array_add (vehicles, g_strconcat (token, " ", g_ptr_array_index (tokens, i + 1), NULL));
          i++;
        }
      else
        {
          g_ptr_array_add (vehicles, g_strdup (token));
        }
    }

  return vehicles;
}

/* Unicode-aware, since officers paste text with non-breaking spaces. */
static char *
trim (const char *text)
{
  const char *start = text;
  const char *end = text + strlen (text);

  while (start < end && g_unichar_isspace (g_utf8_get_char (start)))
    start = g_utf8_next_char (start);
  while (end > start)
    {
      const char *prev = g_utf8_prev_char (end);

      if (!g_unichar_isspace (g_utf8_get_char (prev)))
        break;
      end = prev;
    }

  return g_strndup (start, end - start);
}

static glong
trimmed_length (const char *text)
{
  g_autofree char *trimmed = trim (text);

  return g_utf8_strlen (trimmed, -1);
}

static gboolean
is_too_long (const char *text,
             int         max)
{
  return trimmed_length (text) > max;
}

static char *
check_hotel_name (FkHotelTip *self)
{
  if (trimmed_length (self->text[TEXT_HOTEL_NAME]) == 0)
    return g_strdup (_("Enter the hotel's name."));

  if (is_too_long (self->text[TEXT_HOTEL_NAME], FK_HOTEL_TIP_MAX_NAME))
    return g_strdup_printf (_("The hotel's name is too long: use at most %d characters."), FK_HOTEL_TIP_MAX_NAME);

  return NULL;
}

static char *
check_hotel_address (FkHotelTip *self)
{
  if (is_too_long (self->text[TEXT_HOTEL_ADDRESS], FK_HOTEL_TIP_MAX_ADDRESS))
    return g_strdup_printf (_("The hotel's address is too long: use at most %d characters."), FK_HOTEL_TIP_MAX_ADDRESS);

  return NULL;
}

static char *
check_municipality (FkHotelTip *self)
{
  if (trimmed_length (self->text[TEXT_MUNICIPALITY]) == 0)
    return g_strdup (_("Enter the municipality."));

  if (is_too_long (self->text[TEXT_MUNICIPALITY], MAX_MUNICIPALITY))
    return g_strdup_printf (_("The municipality is too long: use at most %d characters."), MAX_MUNICIPALITY);

  return NULL;
}

static char *
check_contact_person (FkHotelTip *self)
{
  if (is_too_long (self->text[TEXT_CONTACT_PERSON], FK_HOTEL_TIP_MAX_NAME))
    return g_strdup_printf (_("The contact person's name is too long: use at most %d characters."), FK_HOTEL_TIP_MAX_NAME);

  return NULL;
}

static char *
check_contact_phone (FkHotelTip *self)
{
  g_autofree char *phone = trim (self->text[TEXT_CONTACT_PHONE]);
  guint digits = 0;
  gboolean valid;

  if (phone[0] == '\0')
    return NULL;

  valid = strlen (phone) <= MAX_PHONE;
  for (const char *p = phone; valid && *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        digits++;
      else if (!(*p == ' ' || *p == '-' || (*p == '+' && p == phone)))
        valid = FALSE;
    }

  if (!valid || digits < MIN_PHONE_DIGITS || digits > MAX_PHONE_DIGITS)
    return g_strdup_printf (_("The contact phone number is not valid: use %d to %d digits, "
                              "with spaces or dashes and an optional leading +."),
                            MIN_PHONE_DIGITS, MAX_PHONE_DIGITS);

  return NULL;
}

static gboolean
is_too_far_ahead (GDateTime *when)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_difference (when, now) > MAX_FUTURE;
}

static char *
check_received_at (FkHotelTip *self)
{
  if (self->received_at == NULL)
    return g_strdup (_("Enter when the tip was received."));
  if (is_too_far_ahead (self->received_at))
    return g_strdup (_("The time the tip was received is in the future. Check the date and time."));

  return NULL;
}

static char *
check_observed_at (FkHotelTip *self)
{
  if (self->observed_at != NULL && is_too_far_ahead (self->observed_at))
    return g_strdup (_("The time of the observation is in the future. Check the date and time."));

  return NULL;
}

static char *
check_room (FkHotelTip *self)
{
  if (is_too_long (self->text[TEXT_ROOM], MAX_ROOM))
    return g_strdup_printf (_("The room number is too long: use at most %d characters."), MAX_ROOM);

  return NULL;
}

static char *
check_description (FkHotelTip *self)
{
  if (trimmed_length (self->text[TEXT_DESCRIPTION]) < FK_HOTEL_TIP_MIN_DESCRIPTION)
    return g_strdup_printf (_("Describe what the hotel saw, in at least %d characters."),
                            FK_HOTEL_TIP_MIN_DESCRIPTION);

  if (is_too_long (self->text[TEXT_DESCRIPTION], FK_HOTEL_TIP_MAX_DESCRIPTION))
    return g_strdup_printf (_("The description is too long: use at most %d characters."), FK_HOTEL_TIP_MAX_DESCRIPTION);

  return NULL;
}

static char *
check_indicators (FkHotelTip *self)
{
  if ((self->indicators & ~FK_TIP_INDICATOR_ALL) != 0)
    return g_strdup (_("The tip has an indicator this version of Fältkoll does not know. Update Fältkoll."));

  return NULL;
}

static char *
check_vehicles (FkHotelTip *self)
{
  g_autoptr(GPtrArray) vehicles = split_vehicles (self->text[TEXT_VEHICLES]);

  if (vehicles->len > FK_HOTEL_TIP_MAX_VEHICLES)
    return g_strdup_printf (_("Enter at most %d registration numbers."), FK_HOTEL_TIP_MAX_VEHICLES);

  for (guint i = 0; i < vehicles->len; i++)
    {
      g_autofree char *plate = fk_registration_number_normalize (g_ptr_array_index (vehicles, i));

      /* By position: the number itself is tip content. */
      if (plate == NULL)
        return g_strdup_printf (_("Registration number %u is not valid: use three letters and "
                                  "three characters, like ABC 123 or ABC 12A."), i + 1);
    }

  return NULL;
}

static char *
check_action_taken (FkHotelTip *self)
{
  if (is_too_long (self->text[TEXT_ACTION_TAKEN], FK_HOTEL_TIP_MAX_NOTE))
    return g_strdup_printf (_("The action taken is too long: use at most %d characters."), FK_HOTEL_TIP_MAX_NOTE);

  return NULL;
}

static char *
check_officer_note (FkHotelTip *self)
{
  if (is_too_long (self->text[TEXT_OFFICER_NOTE], FK_HOTEL_TIP_MAX_NOTE))
    return g_strdup_printf (_("The note is too long: use at most %d characters."), FK_HOTEL_TIP_MAX_NOTE);

  return NULL;
}

/* In the order the form shows them, so validation points at the first. */
static const struct {
  const char  *property;
  char       *(*check) (FkHotelTip *self);
} field_checks[] = {
  { "hotel-name",     check_hotel_name },
  { "hotel-address",  check_hotel_address },
  { "municipality",   check_municipality },
  { "contact-person", check_contact_person },
  { "contact-phone",  check_contact_phone },
  { "received-at",    check_received_at },
  { "observed-at",    check_observed_at },
  { "room",           check_room },
  { "description",    check_description },
  { "indicators",     check_indicators },
  { "vehicles",       check_vehicles },
  { "action-taken",   check_action_taken },
  { "officer-note",   check_officer_note },
};

char *
fk_hotel_tip_check_field (FkHotelTip *self,
                          const char *property)
{
  g_return_val_if_fail (FK_IS_HOTEL_TIP (self), NULL);
  g_return_val_if_fail (property != NULL, NULL);
  g_return_val_if_fail (g_object_class_find_property (G_OBJECT_GET_CLASS (self), property) != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (field_checks); i++)
    if (g_str_equal (field_checks[i].property, property))
      return field_checks[i].check (self);

  return NULL;
}

gboolean
fk_hotel_tip_validate (FkHotelTip  *self,
                       char       **field_out,
                       GError     **error)
{
  g_return_val_if_fail (FK_IS_HOTEL_TIP (self), FALSE);

  if (field_out != NULL)
    *field_out = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (field_checks); i++)
    {
      g_autofree char *message = field_checks[i].check (self);

      if (message != NULL)
        {
          if (field_out != NULL)
            *field_out = g_strdup (field_checks[i].property);
          g_set_error_literal (error, FK_ERROR, FK_ERROR_INVALID_RECORD, message);
          return FALSE;
        }
    }

  return TRUE;
}

static void
set_text (FkHotelTip *self,
          TextField   field,
          const char *value)
{
  if (value == NULL)
    value = "";

  if (g_str_equal (self->text[field], value))
    return;

  g_free (self->text[field]);
  self->text[field] = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[TEXT_PROP (field)]);
}

static void
set_time (FkHotelTip  *self,
          GDateTime  **slot,
          GDateTime   *value,
          guint        prop_id)
{
  if (*slot == value || (*slot != NULL && value != NULL && g_date_time_equal (*slot, value)))
    return;

  g_clear_pointer (slot, g_date_time_unref);
  if (value != NULL)
    *slot = g_date_time_ref (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
fk_hotel_tip_finalize (GObject *object)
{
  FkHotelTip *self = (FkHotelTip *) object;

  g_clear_pointer (&self->uuid, g_free);
  g_clear_pointer (&self->failure, g_free);
  for (guint i = 0; i < N_TEXTS; i++)
    g_clear_pointer (&self->text[i], g_free);
  g_clear_pointer (&self->received_at, g_date_time_unref);
  g_clear_pointer (&self->observed_at, g_date_time_unref);

  G_OBJECT_CLASS (fk_hotel_tip_parent_class)->finalize (object);
}

static void
fk_hotel_tip_constructed (GObject *object)
{
  FkHotelTip *self = (FkHotelTip *) object;

  G_OBJECT_CLASS (fk_hotel_tip_parent_class)->constructed (object);

  if (self->uuid == NULL)
    self->uuid = g_uuid_string_random ();
}

static void
fk_hotel_tip_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  FkHotelTip *self = FK_HOTEL_TIP (object);

  switch (prop_id)
    {
    case PROP_UUID:
      g_value_set_string (value, self->uuid);
      break;
    case PROP_REVISION:
      g_value_set_uint (value, self->revision);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_FAILURE:
      g_value_set_string (value, self->failure);
      break;
    case PROP_OFFERED:
      g_value_set_boolean (value, self->offered);
      break;
    case PROP_RECEIVED_AT:
      g_value_set_boxed (value, self->received_at);
      break;
    case PROP_OBSERVED_AT:
      g_value_set_boxed (value, self->observed_at);
      break;
    case PROP_INDICATORS:
      g_value_set_flags (value, self->indicators);
      break;
    case PROP_URGENT:
      g_value_set_boolean (value, self->urgent);
      break;
    case PROP_HOTEL_NAME:
    case PROP_HOTEL_ADDRESS:
    case PROP_MUNICIPALITY:
    case PROP_CONTACT_PERSON:
    case PROP_CONTACT_PHONE:
    case PROP_ROOM:
    case PROP_DESCRIPTION:
    case PROP_VEHICLES:
    case PROP_ACTION_TAKEN:
    case PROP_OFFICER_NOTE:
      g_value_set_string (value, self->text[prop_id - PROP_HOTEL_NAME]);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fk_hotel_tip_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  FkHotelTip *self = FK_HOTEL_TIP (object);

  switch (prop_id)
    {
    case PROP_UUID:
      self->uuid = g_value_dup_string (value);
      break;
    case PROP_REVISION:
      fk_hotel_tip_set_revision (self, g_value_get_uint (value));
      break;
    case PROP_STATE:
      fk_hotel_tip_set_state (self, g_value_get_enum (value));
      break;
    case PROP_FAILURE:
      fk_hotel_tip_set_failure (self, g_value_get_string (value));
      break;
    case PROP_OFFERED:
      fk_hotel_tip_set_offered (self, g_value_get_boolean (value));
      break;
    case PROP_RECEIVED_AT:
      fk_hotel_tip_set_received_at (self, g_value_get_boxed (value));
      break;
    case PROP_OBSERVED_AT:
      fk_hotel_tip_set_observed_at (self, g_value_get_boxed (value));
      break;
    case PROP_INDICATORS:
      fk_hotel_tip_set_indicators (self, g_value_get_flags (value));
      break;
    case PROP_URGENT:
      fk_hotel_tip_set_urgent (self, g_value_get_boolean (value));
      break;
    case PROP_HOTEL_NAME:
    case PROP_HOTEL_ADDRESS:
    case PROP_MUNICIPALITY:
    case PROP_CONTACT_PERSON:
    case PROP_CONTACT_PHONE:
    case PROP_ROOM:
    case PROP_DESCRIPTION:
    case PROP_VEHICLES:
    case PROP_ACTION_TAKEN:
    case PROP_OFFICER_NOTE:
      set_text (self, prop_id - PROP_HOTEL_NAME, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
text_param (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, "",
                              G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static void
fk_hotel_tip_class_init (FkHotelTipClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = fk_hotel_tip_finalize;
  object_class->constructed = fk_hotel_tip_constructed;
  object_class->get_property = fk_hotel_tip_get_property;
  object_class->set_property = fk_hotel_tip_set_property;

  properties[PROP_UUID] =
    g_param_spec_string ("uuid", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REVISION] =
    g_param_spec_uint ("revision", NULL, NULL, 1, G_MAXUINT, 1, flags);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, FK_TYPE_RECORD_STATE, FK_RECORD_STATE_DRAFT, flags);
  properties[PROP_FAILURE] =
    g_param_spec_string ("failure", NULL, NULL, NULL, flags);
  properties[PROP_OFFERED] =
    g_param_spec_boolean ("offered", NULL, NULL, FALSE, flags);
  properties[PROP_RECEIVED_AT] =
    g_param_spec_boxed ("received-at", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_OBSERVED_AT] =
    g_param_spec_boxed ("observed-at", NULL, NULL, G_TYPE_DATE_TIME, flags);
  properties[PROP_INDICATORS] =
    g_param_spec_flags ("indicators", NULL, NULL, FK_TYPE_TIP_INDICATORS, FK_TIP_INDICATOR_NONE, flags);
  properties[PROP_URGENT] =
    g_param_spec_boolean ("urgent", NULL, NULL, FALSE, flags);

  properties[PROP_HOTEL_NAME] = text_param ("hotel-name");
  properties[PROP_HOTEL_ADDRESS] = text_param ("hotel-address");
  properties[PROP_MUNICIPALITY] = text_param ("municipality");
  properties[PROP_CONTACT_PERSON] = text_param ("contact-person");
  properties[PROP_CONTACT_PHONE] = text_param ("contact-phone");
  properties[PROP_ROOM] = text_param ("room");
  properties[PROP_DESCRIPTION] = text_param ("description");
  properties[PROP_VEHICLES] = text_param ("vehicles");
  properties[PROP_ACTION_TAKEN] = text_param ("action-taken");
  properties[PROP_OFFICER_NOTE] = text_param ("officer-note");

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fk_hotel_tip_init (FkHotelTip *self)
{
  self->revision = 1;
  self->state = FK_RECORD_STATE_DRAFT;
  for (guint i = 0; i < N_TEXTS; i++)
    self->text[i] = g_strdup ("");
}

FkHotelTip *
fk_hotel_tip_new (void)
{
  return g_object_new (FK_TYPE_HOTEL_TIP, NULL);
}

static gboolean
set_type_error (GError     **error,
                const char  *key)
{
  g_set_error (error, FK_ERROR, FK_ERROR_INVALID_RECORD,
               _("The tip's field “%s” has the wrong type. Update Fältkoll."), key);
  return FALSE;
}

/* NULL (and TRUE) when the member is absent or JSON null. */
static gboolean
get_string_member (JsonObject   *payload,
                   const char   *key,
                   const char  **out,
                   GError      **error)
{
  JsonNode *node = json_object_get_member (payload, key);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return set_type_error (error, key);

  *out = json_node_get_string (node);
  if (*out == NULL || !g_utf8_validate (*out, -1, NULL))
    return set_type_error (error, key);

  return TRUE;
}

static gboolean
get_array_member (JsonObject  *payload,
                  const char  *key,
                  JsonArray  **out,
                  GError     **error)
{
  JsonNode *node = json_object_get_member (payload, key);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return set_type_error (error, key);

  *out = json_node_get_array (node);
  return TRUE;
}

static gboolean
get_time_member (JsonObject  *payload,
                 const char  *key,
                 GDateTime  **out,
                 GError     **error)
{
  g_autoptr(GDateTime) parsed = NULL;
  const char *text;

  *out = NULL;
  if (!get_string_member (payload, key, &text, error))
    return FALSE;
  if (text == NULL)
    return TRUE;

  /* No default zone: a time without one is refused, not guessed. */
  parsed = g_date_time_new_from_iso8601 (text, NULL);
  if (parsed == NULL)
    {
      g_set_error (error, FK_ERROR, FK_ERROR_INVALID_RECORD,
                   _("The tip's field “%s” is not a valid time. Update Fältkoll."), key);
      return FALSE;
    }

  *out = g_date_time_to_utc (parsed);
  return TRUE;
}

FkHotelTip *
fk_hotel_tip_new_from_payload (const char  *uuid,
                               JsonObject  *payload,
                               GError     **error)
{
  g_autoptr(FkHotelTip) self = NULL;
  g_autoptr(GDateTime) received_at = NULL;
  g_autoptr(GDateTime) observed_at = NULL;
  g_autoptr(GString) vehicles = g_string_new (NULL);
  FkTipIndicators indicators = FK_TIP_INDICATOR_NONE;
  JsonArray *array;
  JsonNode *urgent;

  g_return_val_if_fail (payload != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!fk_protocol_is_valid_uuid (uuid))
    {
      g_set_error_literal (error, FK_ERROR, FK_ERROR_INVALID_RECORD,
                           _("The tip has no valid identifier. Update Fältkoll."));
      return NULL;
    }

  self = g_object_new (FK_TYPE_HOTEL_TIP, "uuid", uuid, NULL);

  for (guint i = 0; i < N_TEXTS; i++)
    {
      const char *text;

      if (text_keys[i] == NULL)
        continue;
      if (!get_string_member (payload, text_keys[i], &text, error))
        return NULL;
      set_text (self, i, text);
    }

  if (!get_time_member (payload, "received_at", &received_at, error) ||
      !get_time_member (payload, "observed_at", &observed_at, error))
    return NULL;
  set_time (self, &self->received_at, received_at, PROP_RECEIVED_AT);
  set_time (self, &self->observed_at, observed_at, PROP_OBSERVED_AT);

  if (!get_array_member (payload, "indicators", &array, error))
    return NULL;
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      FkTipIndicators indicator = FK_TIP_INDICATOR_NONE;

      if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
        indicator = fk_tip_indicator_from_string (json_node_get_string (element));
      if (indicator == FK_TIP_INDICATOR_NONE)
        {
          g_set_error_literal (error, FK_ERROR, FK_ERROR_INVALID_RECORD,
                               _("The tip has an indicator this version of Fältkoll does not know. Update Fältkoll."));
          return NULL;
        }
      indicators |= indicator;
    }
  self->indicators = indicators;

  if (!get_array_member (payload, "vehicles", &array, error))
    return NULL;
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      const char *plate;

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING ||
          !g_utf8_validate (json_node_get_string (element), -1, NULL))
        {
          set_type_error (error, "vehicles");
          return NULL;
        }
      plate = json_node_get_string (element);
      if (vehicles->len > 0)
        g_string_append (vehicles, ", ");
      g_string_append (vehicles, plate);
    }
  set_text (self, TEXT_VEHICLES, vehicles->str);

  urgent = json_object_get_member (payload, "urgent");
  if (urgent != NULL && !JSON_NODE_HOLDS_NULL (urgent))
    {
      if (!JSON_NODE_HOLDS_VALUE (urgent) || json_node_get_value_type (urgent) != G_TYPE_BOOLEAN)
        {
          set_type_error (error, "urgent");
          return NULL;
        }
      self->urgent = json_node_get_boolean (urgent);
    }

  return g_steal_pointer (&self);
}

static void
add_text (JsonBuilder *builder,
          const char  *key,
          const char  *value)
{
  g_autofree char *trimmed = trim (value);

  if (trimmed[0] == '\0')
    return;

  json_builder_set_member_name (builder, key);
  json_builder_add_string_value (builder, trimmed);
}

static void
add_time (JsonBuilder *builder,
          const char  *key,
          GDateTime   *value)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autofree char *text = NULL;

  if (value == NULL)
    return;

  utc = g_date_time_to_utc (value);
  text = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
  json_builder_set_member_name (builder, key);
  json_builder_add_string_value (builder, text);
}

JsonObject *
fk_hotel_tip_to_payload (FkHotelTip *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) vehicles = NULL;

  g_return_val_if_fail (FK_IS_HOTEL_TIP (self), NULL);

  json_builder_begin_object (builder);

  add_text (builder, "hotel_name", self->text[TEXT_HOTEL_NAME]);
  add_text (builder, "hotel_address", self->text[TEXT_HOTEL_ADDRESS]);
  add_text (builder, "municipality", self->text[TEXT_MUNICIPALITY]);
  add_text (builder, "contact_person", self->text[TEXT_CONTACT_PERSON]);
  add_text (builder, "contact_phone", self->text[TEXT_CONTACT_PHONE]);
  add_time (builder, "received_at", self->received_at);
  add_time (builder, "observed_at", self->observed_at);
  add_text (builder, "room", self->text[TEXT_ROOM]);
  add_text (builder, "description", self->text[TEXT_DESCRIPTION]);

  if ((self->indicators & FK_TIP_INDICATOR_ALL) != 0)
    {
      json_builder_set_member_name (builder, "indicators");
      json_builder_begin_array (builder);
      for (guint i = 0; i < G_N_ELEMENTS (indicator_strings); i++)
        if (self->indicators & indicator_strings[i].indicator)
          json_builder_add_string_value (builder, indicator_strings[i].string);
      json_builder_end_array (builder);
    }

  /* A draft keeps a number it cannot normalise as typed, so nothing the
   * officer wrote is lost; validation refuses to send it. */
  vehicles = split_vehicles (self->text[TEXT_VEHICLES]);
  if (vehicles->len > 0)
    {
      json_builder_set_member_name (builder, "vehicles");
      json_builder_begin_array (builder);
      for (guint i = 0; i < vehicles->len; i++)
        {
          const char *typed = g_ptr_array_index (vehicles, i);
          g_autofree char *plate = fk_registration_number_normalize (typed);

          json_builder_add_string_value (builder, plate != NULL ? plate : typed);
        }
      json_builder_end_array (builder);
    }

  json_builder_set_member_name (builder, "urgent");
  json_builder_add_boolean_value (builder, self->urgent);

  add_text (builder, "action_taken", self->text[TEXT_ACTION_TAKEN]);
  add_text (builder, "officer_note", self->text[TEXT_OFFICER_NOTE]);

  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return json_object_ref (json_node_get_object (root));
}

const char *
fk_hotel_tip_get_uuid (FkHotelTip *self)
{
  g_return_val_if_fail (FK_IS_HOTEL_TIP (self), NULL);

  return self->uuid;
}

guint
fk_hotel_tip_get_revision (FkHotelTip *self)
{
  g_return_val_if_fail (FK_IS_HOTEL_TIP (self), 0);

  return self->revision;
}

void
fk_hotel_tip_set_revision (FkHotelTip *self,
                           guint       revision)
{
  g_return_if_fail (FK_IS_HOTEL_TIP (self));
  g_return_if_fail (revision >= 1);

  if (self->revision == revision)
    return;

  self->revision = revision;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REVISION]);
}

FkRecordState
fk_hotel_tip_get_state (FkHotelTip *self)
{
  g_return_val_if_fail (FK_IS_HOTEL_TIP (self), FK_RECORD_STATE_DRAFT);

  return self->state;
}

void
fk_hotel_tip_set_state (FkHotelTip    *self,
                        FkRecordState  state)
{
  g_return_if_fail (FK_IS_HOTEL_TIP (self));

  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

const char *
fk_hotel_tip_get_failure (FkHotelTip *self)
{
  g_return_val_if_fail (FK_IS_HOTEL_TIP (self), NULL);

  return self->failure;
}

void
fk_hotel_tip_set_failure (FkHotelTip *self,
                          const char *failure)
{
  g_return_if_fail (FK_IS_HOTEL_TIP (self));

  if (g_strcmp0 (self->failure, failure) == 0)
    return;

  g_free (self->failure);
  self->failure = g_strdup (failure);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAILURE]);
}

gboolean
fk_hotel_tip_get_offered (FkHotelTip *self)
{
  g_return_val_if_fail (FK_IS_HOTEL_TIP (self), FALSE);

  return self->offered;
}

void
fk_hotel_tip_set_offered (FkHotelTip *self,
                          gboolean    offered)
{
  g_return_if_fail (FK_IS_HOTEL_TIP (self));

  if (self->offered == !!offered)
    return;

  self->offered = !!offered;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OFFERED]);
}

#define TEXT_ACCESSORS(name, field)                                       \
const char *                                                              \
fk_hotel_tip_get_##name (FkHotelTip *self)                                \
{                                                                         \
  g_return_val_if_fail (FK_IS_HOTEL_TIP (self), NULL);                    \
  return self->text[field];                                               \
}                                                                         \
                                                                          \
void                                                                      \
fk_hotel_tip_set_##name (FkHotelTip *self,                                \
                         const char *value)                               \
{                                                                         \
  g_return_if_fail (FK_IS_HOTEL_TIP (self));                              \
  set_text (self, field, value);                                          \
}

TEXT_ACCESSORS (hotel_name, TEXT_HOTEL_NAME)
TEXT_ACCESSORS (hotel_address, TEXT_HOTEL_ADDRESS)
TEXT_ACCESSORS (municipality, TEXT_MUNICIPALITY)
TEXT_ACCESSORS (contact_person, TEXT_CONTACT_PERSON)
TEXT_ACCESSORS (contact_phone, TEXT_CONTACT_PHONE)
TEXT_ACCESSORS (room, TEXT_ROOM)
TEXT_ACCESSORS (description, TEXT_DESCRIPTION)
TEXT_ACCESSORS (vehicles, TEXT_VEHICLES)
TEXT_ACCESSORS (action_taken, TEXT_ACTION_TAKEN)
TEXT_ACCESSORS (officer_note, TEXT_OFFICER_NOTE)

GDateTime *
fk_hotel_tip_get_received_at (FkHotelTip *self)
{
  g_return_val_if_fail (FK_IS_HOTEL_TIP (self), NULL);

  return self->received_at;
}

void
fk_hotel_tip_set_received_at (FkHotelTip *self,
                              GDateTime  *value)
{
  g_return_if_fail (FK_IS_HOTEL_TIP (self));

  set_time (self, &self->received_at, value, PROP_RECEIVED_AT);
}

GDateTime *
fk_hotel_tip_get_observed_at (FkHotelTip *self)
{
  g_return_val_if_fail (FK_IS_HOTEL_TIP (self), NULL);

  return self->observed_at;
}

void
fk_hotel_tip_set_observed_at (FkHotelTip *self,
                              GDateTime  *value)
{
  g_return_if_fail (FK_IS_HOTEL_TIP (self));

  set_time (self, &self->observed_at, value, PROP_OBSERVED_AT);
}

FkTipIndicators
fk_hotel_tip_get_indicators (FkHotelTip *self)
{
  g_return_val_if_fail (FK_IS_HOTEL_TIP (self), FK_TIP_INDICATOR_NONE);

  return self->indicators;
}

void
fk_hotel_tip_set_indicators (FkHotelTip      *self,
                             FkTipIndicators  value)
{
  g_return_if_fail (FK_IS_HOTEL_TIP (self));

  if (self->indicators == value)
    return;

  self->indicators = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INDICATORS]);
}

gboolean
fk_hotel_tip_get_urgent (FkHotelTip *self)
{
  g_return_val_if_fail (FK_IS_HOTEL_TIP (self), FALSE);

  return self->urgent;
}

void
fk_hotel_tip_set_urgent (FkHotelTip *self,
                         gboolean    value)
{
  g_return_if_fail (FK_IS_HOTEL_TIP (self));

  value = !!value;
  if (self->urgent == value)
    return;

  self->urgent = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URGENT]);
}
