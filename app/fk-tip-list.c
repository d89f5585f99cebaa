/* fk-tip-list.c: the officer's hotel tips, newest first
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fk-tip-list"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "fk-record-state.h"
#include "fk-tip-list.h"

struct _FkTipList
{
  GtkWidget   parent_instance;

  FkClient   *client;
  GListModel *tips;

  GtkWidget  *stack;
  GtkWidget  *list_view;
};

G_DEFINE_FINAL_TYPE (FkTipList, fk_tip_list, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CLIENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
fk_tip_list_update_empty (FkTipList *self)
{
  gboolean empty = self->tips == NULL || g_list_model_get_n_items (self->tips) == 0;

  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), empty ? "empty" : "list");
}

static void
update_row (GtkListItem *list_item)
{
  FkHotelTip *tip = gtk_list_item_get_item (list_item);
  GtkWidget *row = gtk_list_item_get_child (list_item);
  GtkLabel *title = g_object_get_data (G_OBJECT (row), "title");
  GtkLabel *date = g_object_get_data (G_OBJECT (row), "date");
  GtkLabel *state = g_object_get_data (G_OBJECT (row), "state");
  GtkLabel *failure = g_object_get_data (G_OBJECT (row), "failure");
  const char *hotel_name = fk_hotel_tip_get_hotel_name (tip);
  const char *failure_text = fk_hotel_tip_get_failure (tip);
  GDateTime *received_at = fk_hotel_tip_get_received_at (tip);
  FkRecordState tip_state = fk_hotel_tip_get_state (tip);
  g_autofree char *date_text = NULL;

  gtk_label_set_text (title, hotel_name != NULL && hotel_name[0] != 0 ? hotel_name : _("Untitled tip"));

  if (received_at != NULL)
    {
      g_autoptr(GDateTime) local = g_date_time_to_local (received_at);

      /* %x: the date as the officer's locale writes it. */
      date_text = g_date_time_format (local, "%x %H:%M");
    }
  gtk_label_set_text (date, date_text != NULL ? date_text : "");

  fk_record_state_show (state, tip_state);

  gtk_label_set_text (failure, failure_text != NULL ? failure_text : "");
  gtk_widget_set_visible (GTK_WIDGET (failure),
                          tip_state == FK_RECORD_STATE_FAILED && failure_text != NULL && failure_text[0] != 0);
}

static GtkWidget *
row_label (GtkWidget  *row,
           GtkWidget  *parent,
           const char *key,
           const char *css_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, css_class);
  g_object_set_data (G_OBJECT (row), key, label);
  gtk_box_append (GTK_BOX (parent), label);
  return label;
}

static void
on_setup (GtkSignalListItemFactory *factory,
          GtkListItem              *list_item,
          FkTipList                *self)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label;

  gtk_widget_add_css_class (row, "fk-tip-row");

  label = row_label (row, row, "title", "heading");
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);

  gtk_box_append (GTK_BOX (row), line);
  label = row_label (row, line, "date", "dim-label");
  gtk_widget_set_hexpand (label, TRUE);
  row_label (row, line, "state", "fk-tip-state");

  label = row_label (row, row, "failure", "error");
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "caption");

  gtk_list_item_set_child (list_item, row);
}

static void
on_bind (GtkSignalListItemFactory *factory,
         GtkListItem              *list_item,
         FkTipList                *self)
{
  FkHotelTip *tip = gtk_list_item_get_item (list_item);

  update_row (list_item);
  /* The state changes under the officer's eyes while sync runs. */
  g_signal_connect_object (tip, "notify", G_CALLBACK (update_row), list_item, G_CONNECT_SWAPPED);
}

static void
on_unbind (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           FkTipList                *self)
{
  FkHotelTip *tip = gtk_list_item_get_item (list_item);

  g_signal_handlers_disconnect_by_func (tip, update_row, list_item);
}

static void
on_list_activate (FkTipList *self,
                  guint      position)
{
  g_autoptr(FkHotelTip) tip = g_list_model_get_item (self->tips, position);

  if (tip == NULL)
    return;

  gtk_widget_activate_action (GTK_WIDGET (self), "win.edit-tip", "s", fk_hotel_tip_get_uuid (tip));
}

static void
fk_tip_list_dispose (GObject *object)
{
  FkTipList *self = (FkTipList *) object;
  GtkWidget *child;

  if (self->tips != NULL)
    g_signal_handlers_disconnect_by_data (self->tips, self);
  g_clear_object (&self->tips);
  g_clear_object (&self->client);

  gtk_widget_dispose_template (GTK_WIDGET (self), FK_TYPE_TIP_LIST);
  /* Also the template's root box, which no field points at. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (fk_tip_list_parent_class)->dispose (object);
}

static void
fk_tip_list_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  FkTipList *self = FK_TIP_LIST (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fk_tip_list_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  FkTipList *self = FK_TIP_LIST (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      fk_tip_list_set_client (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fk_tip_list_class_init (FkTipListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fk_tip_list_dispose;
  object_class->get_property = fk_tip_list_get_property;
  object_class->set_property = fk_tip_list_set_property;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL,
                         FK_TYPE_CLIENT,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/faltkoll/Faltkoll/ui/fk-tip-list.ui");
  gtk_widget_class_bind_template_child (widget_class, FkTipList, stack);
  gtk_widget_class_bind_template_child (widget_class, FkTipList, list_view);
  gtk_widget_class_bind_template_callback (widget_class, on_list_activate);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
fk_tip_list_init (FkTipList *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_object (factory, "setup", G_CALLBACK (on_setup), self, 0);
  g_signal_connect_object (factory, "bind", G_CALLBACK (on_bind), self, 0);
  g_signal_connect_object (factory, "unbind", G_CALLBACK (on_unbind), self, 0);
  gtk_list_view_set_factory (GTK_LIST_VIEW (self->list_view), factory);
  g_object_unref (factory);

  fk_tip_list_update_empty (self);
}

FkClient *
fk_tip_list_get_client (FkTipList *self)
{
  g_return_val_if_fail (FK_IS_TIP_LIST (self), NULL);

  return self->client;
}

void
fk_tip_list_set_client (FkTipList *self,
                        FkClient  *client)
{
  g_autoptr(GtkNoSelection) selection = NULL;

  g_return_if_fail (FK_IS_TIP_LIST (self));
  g_return_if_fail (client == NULL || FK_IS_CLIENT (client));

  if (!g_set_object (&self->client, client))
    return;

  if (self->tips != NULL)
    g_signal_handlers_disconnect_by_data (self->tips, self);
  g_clear_object (&self->tips);

  if (client != NULL)
    {
      self->tips = g_object_ref (fk_client_get_tips (client));
      g_signal_connect_object (self->tips, "items-changed",
                               G_CALLBACK (fk_tip_list_update_empty), self, G_CONNECT_SWAPPED);
      selection = gtk_no_selection_new (g_object_ref (self->tips));
    }

  gtk_list_view_set_model (GTK_LIST_VIEW (self->list_view), GTK_SELECTION_MODEL (selection));
  fk_tip_list_update_empty (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT]);
}
