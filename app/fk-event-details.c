/* fk-event-details.c: the form for an event's details
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fk-event-details"

#include "config.h"

#include <stdio.h>
#include <glib/gi18n.h>
#include <adwaita.h>

#include "fk-event-details.h"

/* ISO 8601 order, which is also how Swedish writes dates and times. */
#define TIME_FORMAT "%Y-%m-%d %H:%M"

struct _FkEventDetails
{
  GtkWidget         parent_instance;

  FkEventChecklist *checklist;
  GtkStringList    *regions;

  GtkWidget        *name_row;
  GtkWidget        *organizer_row;
  GtkWidget        *place_row;
  GtkWidget        *visitors_row;
  GtkWidget        *region_row;
  GtkWidget        *starts_row;
  GtkWidget        *ends_row;
  GtkWidget        *error_label;
};

G_DEFINE_FINAL_TYPE (FkEventDetails, fk_event_details, GTK_TYPE_WIDGET)

enum {
  SAVED,
  CANCELLED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
set_row_text (GtkWidget  *row,
              const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
  gtk_widget_remove_css_class (row, "error");
}

static void
set_row_time (GtkWidget *row,
              GDateTime *time)
{
  g_autofree char *text = NULL;

  if (time != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (time);

      text = g_date_time_format (local, TIME_FORMAT);
    }
  set_row_text (row, text);
}

/* Empty is allowed (not known yet): @valid tells it from a typo. */
static GDateTime *
parse_time (const char *text,
            gboolean   *valid)
{
  int year, month, day, hour, minute, end = -1;
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  *valid = TRUE;
  if (stripped[0] == 0)
    return NULL;

  if (sscanf (stripped, "%4d-%2d-%2d %2d:%2d%n", &year, &month, &day, &hour, &minute, &end) != 5 ||
      stripped[end] != 0 || hour > 23 || minute > 59 || !g_date_valid_dmy (day, month, year))
    {
      *valid = FALSE;
      return NULL;
    }

  return g_date_time_new_local (year, month, day, hour, minute, 0);
}

static gboolean
parse_visitors (const char *text,
                guint      *visitors)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text));
  guint64 value = 0;

  /* Officers write 5 000 or 5000; both mean the same. */
  for (const char *p = stripped; *p != 0; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c) || c == 0x202F)
        continue;
      if (c < '0' || c > '9')
        return FALSE;
      value = value * 10 + (c - '0');
      if (value > G_MAXUINT)
        return FALSE;
    }

  *visitors = (guint) value;
  return TRUE;
}

static void
show_error (FkEventDetails *self,
            GtkWidget      *row,
            const char     *message)
{
  gtk_widget_add_css_class (row, "error");
  gtk_label_set_text (GTK_LABEL (self->error_label), message);
  gtk_widget_set_visible (self->error_label, TRUE);
  gtk_widget_grab_focus (row);
}

static void
clear_errors (FkEventDetails *self)
{
  GtkWidget *rows[] = { self->name_row, self->visitors_row, self->starts_row, self->ends_row };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    gtk_widget_remove_css_class (rows[i], "error");
  gtk_widget_set_visible (self->error_label, FALSE);
}

static gboolean
same_time (GDateTime *a,
           GDateTime *b)
{
  return (a == NULL && b == NULL) || (a != NULL && b != NULL && g_date_time_equal (a, b));
}

gboolean
fk_event_details_save (FkEventDetails *self)
{
  g_autoptr(GDateTime) starts_at = NULL;
  g_autoptr(GDateTime) ends_at = NULL;
  g_autofree char *name = NULL;
  const char *organizer, *place, *region = NULL;
  guint position, visitors = 0;
  gboolean starts_valid, ends_valid;

  g_return_val_if_fail (FK_IS_EVENT_DETAILS (self), FALSE);
  g_return_val_if_fail (self->checklist != NULL, FALSE);

  clear_errors (self);

  name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  organizer = gtk_editable_get_text (GTK_EDITABLE (self->organizer_row));
  place = gtk_editable_get_text (GTK_EDITABLE (self->place_row));
  starts_at = parse_time (gtk_editable_get_text (GTK_EDITABLE (self->starts_row)), &starts_valid);
  ends_at = parse_time (gtk_editable_get_text (GTK_EDITABLE (self->ends_row)), &ends_valid);

  if (name[0] == 0)
    {
      show_error (self, self->name_row, _("Write the event's name, so the team can find the checklist."));
      return FALSE;
    }
  if (!parse_visitors (gtk_editable_get_text (GTK_EDITABLE (self->visitors_row)), &visitors))
    {
      show_error (self, self->visitors_row, _("Write the expected visitors as a number, for example 5000."));
      return FALSE;
    }
  if (!starts_valid)
    {
      show_error (self, self->starts_row, _("Write the start as year-month-day hours:minutes, for example 2026-06-20 14:00."));
      return FALSE;
    }
  if (!ends_valid)
    {
      show_error (self, self->ends_row, _("Write the end as year-month-day hours:minutes, for example 2026-06-20 23:00."));
      return FALSE;
    }
  if (starts_at != NULL && ends_at != NULL && g_date_time_compare (ends_at, starts_at) < 0)
    {
      show_error (self, self->ends_row, _("The end is before the start. Check both times."));
      return FALSE;
    }

  /* Position 0 is "Not chosen". */
  position = adw_combo_row_get_selected (ADW_COMBO_ROW (self->region_row));
  if (position != GTK_INVALID_LIST_POSITION && position > 0)
    region = fk_police_regions ()[position - 1];

  /* Every save is an operation the team sees: only real changes. */
  if (g_strcmp0 (name, fk_event_checklist_get_event_name (self->checklist)) != 0 ||
      g_strcmp0 (organizer, fk_event_checklist_get_organizer (self->checklist)) != 0 ||
      g_strcmp0 (place, fk_event_checklist_get_place (self->checklist)) != 0 ||
      !same_time (starts_at, fk_event_checklist_get_starts_at (self->checklist)) ||
      !same_time (ends_at, fk_event_checklist_get_ends_at (self->checklist)) ||
      visitors != fk_event_checklist_get_expected_visitors (self->checklist) ||
      g_strcmp0 (region ? region : "", fk_event_checklist_get_region (self->checklist)) != 0)
    fk_event_checklist_set_event (self->checklist, name, organizer, place, starts_at, ends_at, visitors, region);

  g_signal_emit (self, signals[SAVED], 0);
  return TRUE;
}

static void
on_save_clicked (FkEventDetails *self)
{
  if (self->checklist != NULL)
    fk_event_details_save (self);
}

static void
on_cancel_clicked (FkEventDetails *self)
{
  clear_errors (self);
  g_signal_emit (self, signals[CANCELLED], 0);
}

static gboolean
on_escape (GtkWidget *widget,
           GVariant  *args,
           gpointer   user_data)
{
  on_cancel_clicked (FK_EVENT_DETAILS (widget));
  return TRUE;
}

static void
fk_event_details_dispose (GObject *object)
{
  FkEventDetails *self = (FkEventDetails *) object;
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), FK_TYPE_EVENT_DETAILS);
  /* Also the template's root box, which no field points at. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  g_clear_object (&self->checklist);
  g_clear_object (&self->regions);

  G_OBJECT_CLASS (fk_event_details_parent_class)->dispose (object);
}

static void
fk_event_details_class_init (FkEventDetailsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fk_event_details_dispose;

  /**
   * FkEventDetails::saved:
   *
   * The details are in the checklist: save the checklist.
   */
  signals[SAVED] =
    g_signal_new ("saved",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * FkEventDetails::cancelled:
   *
   * The officer left the form without saving.
   */
  signals[CANCELLED] =
    g_signal_new ("cancelled",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/faltkoll/Faltkoll/ui/fk-event-details.ui");
  gtk_widget_class_bind_template_child (widget_class, FkEventDetails, name_row);
  gtk_widget_class_bind_template_child (widget_class, FkEventDetails, organizer_row);
  gtk_widget_class_bind_template_child (widget_class, FkEventDetails, place_row);
  gtk_widget_class_bind_template_child (widget_class, FkEventDetails, visitors_row);
  gtk_widget_class_bind_template_child (widget_class, FkEventDetails, region_row);
  gtk_widget_class_bind_template_child (widget_class, FkEventDetails, starts_row);
  gtk_widget_class_bind_template_child (widget_class, FkEventDetails, ends_row);
  gtk_widget_class_bind_template_child (widget_class, FkEventDetails, error_label);
  gtk_widget_class_bind_template_callback (widget_class, on_save_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked);

  gtk_widget_class_add_binding (widget_class, GDK_KEY_Escape, 0, on_escape, NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

/* libadwaita 1.2 names the row by its title but not the text inside it,
 * which is what takes focus and what a screen reader announces.  A label on
 * the row as well would be read twice ("Place Place"). */
static void
name_entry_texts (FkEventDetails *self)
{
  GtkWidget *rows[] = { self->name_row, self->organizer_row, self->place_row,
                        self->visitors_row, self->starts_row, self->ends_row };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_editable_get_delegate (GTK_EDITABLE (rows[i]))),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    adw_preferences_row_get_title (ADW_PREFERENCES_ROW (rows[i])),
                                    -1);
}

static void
fk_event_details_init (FkEventDetails *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  name_entry_texts (self);

  /* Region names are proper names: the same in every language. */
  self->regions = gtk_string_list_new (NULL);
  gtk_string_list_append (self->regions, _("Not chosen"));
  for (const char * const *region = fk_police_regions (); *region != NULL; region++)
    gtk_string_list_append (self->regions, *region);
  adw_combo_row_set_model (ADW_COMBO_ROW (self->region_row), G_LIST_MODEL (self->regions));
}

GtkWidget *
fk_event_details_new (void)
{
  return g_object_new (FK_TYPE_EVENT_DETAILS, NULL);
}

void
fk_event_details_edit (FkEventDetails   *self,
                       FkEventChecklist *checklist,
                       const char       *suggested_region)
{
  const char *region;
  guint visitors;
  guint position = 0;

  g_return_if_fail (FK_IS_EVENT_DETAILS (self));
  g_return_if_fail (FK_IS_EVENT_CHECKLIST (checklist));

  g_set_object (&self->checklist, checklist);
  clear_errors (self);

  set_row_text (self->name_row, fk_event_checklist_get_event_name (checklist));
  set_row_text (self->organizer_row, fk_event_checklist_get_organizer (checklist));
  set_row_text (self->place_row, fk_event_checklist_get_place (checklist));
  set_row_time (self->starts_row, fk_event_checklist_get_starts_at (checklist));
  set_row_time (self->ends_row, fk_event_checklist_get_ends_at (checklist));

  visitors = fk_event_checklist_get_expected_visitors (checklist);
  if (visitors > 0)
    {
      g_autofree char *text = g_strdup_printf ("%u", visitors);

      set_row_text (self->visitors_row, text);
    }
  else
    set_row_text (self->visitors_row, NULL);

  region = fk_event_checklist_get_region (checklist);
  if (region == NULL || region[0] == 0)
    region = suggested_region;
  for (guint i = 0; region != NULL && fk_police_regions ()[i] != NULL; i++)
    if (g_str_equal (fk_police_regions ()[i], region))
      position = i + 1;
  adw_combo_row_set_selected (ADW_COMBO_ROW (self->region_row), position);
}

FkEventChecklist *
fk_event_details_get_checklist (FkEventDetails *self)
{
  g_return_val_if_fail (FK_IS_EVENT_DETAILS (self), NULL);

  return self->checklist;
}
