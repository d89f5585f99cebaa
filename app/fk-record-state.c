/* fk-record-state.c: a record's state as the officer sees it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "fk-record-state.h"

/* Indexed by FkRecordState; ui/style.css colours them. */
static const char *state_classes[] = { "fk-state-draft", "fk-state-pending", "fk-state-sent", "fk-state-failed" };

const char *
fk_record_state_to_label (FkRecordState state)
{
  /* "tip state" is older than checklists; kept so the translations stay. */
  switch (state)
    {
    case FK_RECORD_STATE_DRAFT:
      return C_("tip state", "Draft");
    case FK_RECORD_STATE_PENDING:
      return C_("tip state", "Waiting");
    case FK_RECORD_STATE_SENT:
      return C_("tip state", "Sent");
    case FK_RECORD_STATE_FAILED:
      return C_("tip state", "Failed");
    default:
      g_return_val_if_reached (NULL);
    }
}

void
fk_record_state_show (GtkLabel      *label,
                      FkRecordState  state)
{
  g_return_if_fail (GTK_IS_LABEL (label));

  gtk_label_set_text (label, fk_record_state_to_label (state));
  for (guint i = 0; i < G_N_ELEMENTS (state_classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (label), state_classes[i]);
  if ((guint) state < G_N_ELEMENTS (state_classes))
    gtk_widget_add_css_class (GTK_WIDGET (label), state_classes[state]);
}
