/* fk-hotel-tip.h: a tip from a hotel about suspected purchase of sexual
 * services, procuring or human trafficking
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The payload is sensitive personal data: it is only ever held in memory,
 * encrypted in the store, or inside TLS.  Never log a field of it.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum {
  FK_RECORD_STATE_DRAFT,
  FK_RECORD_STATE_PENDING,     /* saved, waiting to be sent */
  FK_RECORD_STATE_SENT,
  FK_RECORD_STATE_FAILED,      /* the server rejected it; see failure */
} FkRecordState;

typedef enum /*< flags >*/ {
  FK_TIP_INDICATOR_NONE               = 0,
  FK_TIP_INDICATOR_MANY_VISITORS      = 1 << 0,
  FK_TIP_INDICATOR_SHORT_VISITS       = 1 << 1,
  FK_TIP_INDICATOR_CASH_PAYMENT       = 1 << 2,
  FK_TIP_INDICATOR_ADVERTISING_ONLINE = 1 << 3,
  FK_TIP_INDICATOR_CONTROLLED         = 1 << 4,
  FK_TIP_INDICATOR_SUSPECTED_MINOR    = 1 << 5,
  FK_TIP_INDICATOR_OTHER              = 1 << 6,
} FkTipIndicators;

#define FK_TIP_INDICATOR_ALL ((FkTipIndicators) 0x7f)

/* Upper bounds (in characters) that validation enforces, so a hostile
 * payload cannot bloat the server; docs/records.md lists them all. */
#define FK_HOTEL_TIP_MAX_NAME         200
#define FK_HOTEL_TIP_MAX_ADDRESS      300
#define FK_HOTEL_TIP_MAX_DESCRIPTION  5000
#define FK_HOTEL_TIP_MAX_NOTE         2000
#define FK_HOTEL_TIP_MIN_DESCRIPTION  10
#define FK_HOTEL_TIP_MAX_VEHICLES     20

#define FK_TYPE_RECORD_STATE (fk_record_state_get_type ())
GType            fk_record_state_get_type         (void);
#define FK_TYPE_TIP_INDICATORS (fk_tip_indicators_get_type ())
GType            fk_tip_indicators_get_type       (void);

#define FK_TYPE_HOTEL_TIP (fk_hotel_tip_get_type ())
G_DECLARE_FINAL_TYPE (FkHotelTip, fk_hotel_tip, FK, HOTEL_TIP, GObject)

FkHotelTip      *fk_hotel_tip_new                 (void);
/* Payload as sent in a batch and kept (encrypted) in the store. */
FkHotelTip      *fk_hotel_tip_new_from_payload    (const char    *uuid,
                                                   JsonObject    *payload,
                                                   GError       **error);
JsonObject      *fk_hotel_tip_to_payload          (FkHotelTip    *self);

/* The first invalid field, named with its fix, as FK_ERROR_INVALID_RECORD;
 * @field_out gets the property name so a form can point at it. */
gboolean         fk_hotel_tip_validate            (FkHotelTip    *self,
                                                   char         **field_out,
                                                   GError       **error);
/* One field alone, for inline validation while the officer types.
 * Returns NULL when the field is fine, else the sentence to show. */
char            *fk_hotel_tip_check_field         (FkHotelTip    *self,
                                                   const char    *property);

const char      *fk_hotel_tip_get_uuid            (FkHotelTip    *self);
guint            fk_hotel_tip_get_revision        (FkHotelTip    *self);
void             fk_hotel_tip_set_revision        (FkHotelTip    *self,
                                                   guint          revision);
FkRecordState    fk_hotel_tip_get_state           (FkHotelTip    *self);
void             fk_hotel_tip_set_state           (FkHotelTip    *self,
                                                   FkRecordState  state);
/* Why the server rejected it, as a sentence to show; NULL if it did not. */
const char      *fk_hotel_tip_get_failure         (FkHotelTip    *self);
void             fk_hotel_tip_set_failure         (FkHotelTip    *self,
                                                   const char    *failure);
/* Sent in a batch the server has not answered for: it may be there. */
gboolean         fk_hotel_tip_get_offered         (FkHotelTip    *self);
void             fk_hotel_tip_set_offered         (FkHotelTip    *self,
                                                   gboolean       offered);

/* Text fields hold what the officer typed, untrimmed, and are "" (never
 * NULL) when empty; validation and the payload trim them. */
const char      *fk_hotel_tip_get_hotel_name      (FkHotelTip    *self);
void             fk_hotel_tip_set_hotel_name      (FkHotelTip    *self,
                                                   const char    *value);
const char      *fk_hotel_tip_get_hotel_address   (FkHotelTip    *self);
void             fk_hotel_tip_set_hotel_address   (FkHotelTip    *self,
                                                   const char    *value);
const char      *fk_hotel_tip_get_municipality    (FkHotelTip    *self);
void             fk_hotel_tip_set_municipality    (FkHotelTip    *self,
                                                   const char    *value);
const char      *fk_hotel_tip_get_contact_person  (FkHotelTip    *self);
void             fk_hotel_tip_set_contact_person  (FkHotelTip    *self,
                                                   const char    *value);
const char      *fk_hotel_tip_get_contact_phone   (FkHotelTip    *self);
void             fk_hotel_tip_set_contact_phone   (FkHotelTip    *self,
                                                   const char    *value);
GDateTime       *fk_hotel_tip_get_received_at     (FkHotelTip    *self);
void             fk_hotel_tip_set_received_at     (FkHotelTip    *self,
                                                   GDateTime     *value);
GDateTime       *fk_hotel_tip_get_observed_at     (FkHotelTip    *self);
void             fk_hotel_tip_set_observed_at     (FkHotelTip    *self,
                                                   GDateTime     *value);
const char      *fk_hotel_tip_get_room            (FkHotelTip    *self);
void             fk_hotel_tip_set_room            (FkHotelTip    *self,
                                                   const char    *value);
const char      *fk_hotel_tip_get_description     (FkHotelTip    *self);
void             fk_hotel_tip_set_description     (FkHotelTip    *self,
                                                   const char    *value);
FkTipIndicators  fk_hotel_tip_get_indicators      (FkHotelTip    *self);
void             fk_hotel_tip_set_indicators      (FkHotelTip    *self,
                                                   FkTipIndicators value);
/* Space- or comma-separated Swedish registration numbers, "ABC 123" or "ABC 12A",
 * as the officer typed them; the payload carries them normalised. */
const char      *fk_hotel_tip_get_vehicles        (FkHotelTip    *self);
void             fk_hotel_tip_set_vehicles        (FkHotelTip    *self,
                                                   const char    *value);
gboolean         fk_hotel_tip_get_urgent          (FkHotelTip    *self);
void             fk_hotel_tip_set_urgent          (FkHotelTip    *self,
                                                   gboolean       value);
const char      *fk_hotel_tip_get_action_taken    (FkHotelTip    *self);
void             fk_hotel_tip_set_action_taken    (FkHotelTip    *self,
                                                   const char    *value);
const char      *fk_hotel_tip_get_officer_note    (FkHotelTip    *self);
void             fk_hotel_tip_set_officer_note    (FkHotelTip    *self,
                                                   const char    *value);

/* Swedish registration number (normalised to "ABC 123"); NULL if invalid. */
char            *fk_registration_number_normalize (const char    *text);
/* For one indicator (a single flag); NULL for anything else. */
const char      *fk_tip_indicator_to_label        (FkTipIndicators indicator);
const char      *fk_tip_indicator_to_string       (FkTipIndicators indicator);
/* FK_TIP_INDICATOR_NONE for a string that names no indicator. */
FkTipIndicators  fk_tip_indicator_from_string     (const char     *string);

G_END_DECLS
