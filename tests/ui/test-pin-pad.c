/* test-pin-pad.c: the PIN keypad: keys, dots, erase, submit, keyboard, wiping
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "fk-pin-pad.h"
#include "fk-ui-test-utils.h"

typedef struct {
  GtkWidget  *window;
  FkPinPad   *pad;
  char       *last_pin;
  const char *last_pin_memory;
  guint       n_submitted;
} Fixture;

static void
on_submitted (FkPinPad   *pad,
              const char *pin,
              Fixture    *fixture)
{
  g_free (fixture->last_pin);
  fixture->last_pin = g_strdup (pin);
  fixture->last_pin_memory = pin;
  fixture->n_submitted++;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->window = gtk_window_new ();
  fixture->pad = g_object_ref (FK_PIN_PAD (fk_pin_pad_new ()));
  gtk_window_set_child (GTK_WINDOW (fixture->window), GTK_WIDGET (fixture->pad));
  g_signal_connect (fixture->pad, "submitted", G_CALLBACK (on_submitted), fixture);
  gtk_window_present (GTK_WINDOW (fixture->window));
  fk_ui_test_wait_drawn (fixture->window);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_assert_finalize_object (fixture->pad);
  g_free (fixture->last_pin);
}

static GtkWidget *
key (Fixture    *fixture,
     const char *label)
{
  GtkWidget *button = fk_ui_test_find_by_label (GTK_WIDGET (fixture->pad), GTK_TYPE_BUTTON, label);

  g_assert_nonnull (button);
  g_assert_true (GTK_IS_BUTTON (button));
  return button;
}

static void
press (Fixture    *fixture,
       const char *labels)
{
  for (const char *p = labels; *p != 0; p++)
    {
      char label[2] = { *p, 0 };

      fk_ui_test_click (key (fixture, label));
    }
}

static guint
dots (Fixture *fixture)
{
  return fk_ui_test_count_with_classes (GTK_WIDGET (fixture->pad), "fk-pin-dot");
}

static guint
filled_dots (Fixture *fixture)
{
  return fk_ui_test_count_with_classes (GTK_WIDGET (fixture->pad), "fk-pin-dot filled");
}

/* Finds the key binding for @keyval and runs it, as a key press would. */
static void
type_key (Fixture *fixture,
          guint    keyval)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (fixture->pad));

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;

      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

          if (GTK_IS_KEYVAL_TRIGGER (trigger) &&
              gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) == keyval &&
              gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == 0)
            {
              /* The result is not checked: an insensitive pad refuses it,
               * and the tests look at what the pad shows instead. */
              gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut),
                                            GTK_SHORTCUT_ACTION_EXCLUSIVE,
                                            GTK_WIDGET (fixture->pad),
                                            gtk_shortcut_get_arguments (shortcut));
              return;
            }
        }
    }

  g_error ("No key binding for %s", gdk_keyval_name (keyval));
}

static void
test_keys_accessible_and_large (Fixture       *fixture,
                                gconstpointer  data)
{
  const char *labels[] = { "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "Erase", "OK" };

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      GtkWidget *button = key (fixture, labels[i]);

      g_assert_cmpint (gtk_widget_get_width (button), >=, 56);
      g_assert_cmpint (gtk_widget_get_height (button), >=, 56);
    }

  g_assert_cmpuint (dots (fixture), ==, 6);
  g_assert_cmpuint (filled_dots (fixture), ==, 0);
  /* Nothing to erase or submit yet. */
  g_assert_false (gtk_widget_get_sensitive (key (fixture, "Erase")));
  g_assert_false (gtk_widget_get_sensitive (key (fixture, "OK")));
}

static void
test_click_erase_submit (Fixture       *fixture,
                         gconstpointer  data)
{
  press (fixture, "123");
  g_assert_cmpuint (dots (fixture), ==, 6);
  g_assert_cmpuint (filled_dots (fixture), ==, 3);
  g_assert_true (gtk_widget_get_sensitive (key (fixture, "OK")));

  press (fixture, "4907");
  g_assert_cmpuint (dots (fixture), ==, 7);
  g_assert_cmpuint (filled_dots (fixture), ==, 7);

  fk_ui_test_click (key (fixture, "Erase"));
  g_assert_cmpuint (filled_dots (fixture), ==, 6);
  g_assert_cmpuint (dots (fixture), ==, 6);
  g_assert_cmpuint (fixture->n_submitted, ==, 0);

  fk_ui_test_click (key (fixture, "OK"));
  g_assert_cmpuint (fixture->n_submitted, ==, 1);
  g_assert_cmpstr (fixture->last_pin, ==, "123490");

  /* Submitted digits are gone from the pad's memory, not just hidden. */
  for (guint i = 0; i < 6; i++)
    g_assert_cmpint (fixture->last_pin_memory[i], ==, 0);
  g_assert_cmpuint (filled_dots (fixture), ==, 0);

  /* An empty pad submits nothing. */
  fk_ui_test_click (key (fixture, "OK"));
  g_assert_cmpuint (fixture->n_submitted, ==, 1);
}

static void
test_keyboard (Fixture       *fixture,
               gconstpointer  data)
{
  type_key (fixture, GDK_KEY_8);
  type_key (fixture, GDK_KEY_KP_3);
  type_key (fixture, GDK_KEY_1);
  type_key (fixture, GDK_KEY_5);
  g_assert_cmpuint (filled_dots (fixture), ==, 4);

  type_key (fixture, GDK_KEY_BackSpace);
  g_assert_cmpuint (filled_dots (fixture), ==, 3);

  type_key (fixture, GDK_KEY_KP_0);
  type_key (fixture, GDK_KEY_9);
  type_key (fixture, GDK_KEY_7);
  type_key (fixture, GDK_KEY_Return);
  g_assert_cmpuint (fixture->n_submitted, ==, 1);
  g_assert_cmpstr (fixture->last_pin, ==, "831097");

  type_key (fixture, GDK_KEY_4);
  type_key (fixture, GDK_KEY_KP_Enter);
  g_assert_cmpuint (fixture->n_submitted, ==, 2);
  g_assert_cmpstr (fixture->last_pin, ==, "4");
}

static void
test_insensitive_and_clear (Fixture       *fixture,
                            gconstpointer  data)
{
  press (fixture, "55");
  gtk_widget_set_sensitive (GTK_WIDGET (fixture->pad), FALSE);

  /* While the app is working, neither keys nor the keyboard change anything. */
  press (fixture, "1");
  type_key (fixture, GDK_KEY_2);
  fk_ui_test_click (key (fixture, "OK"));
  g_assert_cmpuint (filled_dots (fixture), ==, 2);
  g_assert_cmpuint (fixture->n_submitted, ==, 0);

  gtk_widget_set_sensitive (GTK_WIDGET (fixture->pad), TRUE);
  fk_pin_pad_clear (fixture->pad);
  g_assert_cmpuint (filled_dots (fixture), ==, 0);
  fk_ui_test_click (key (fixture, "OK"));
  g_assert_cmpuint (fixture->n_submitted, ==, 0);

  press (fixture, "246813");
  fk_ui_test_click (key (fixture, "OK"));
  g_assert_cmpstr (fixture->last_pin, ==, "246813");
}

/* The node under @node drawn offscreen first by GSK's GL renderer: a colour
 * matrix (what CSS filter: opacity() becomes) or an opacity over anything
 * but a texture. A symbolic icon's colour matrix is over its texture. */
static GskRenderNode *
find_offscreen_node (GskRenderNode *node)
{
  GskRenderNode *child = NULL;

  switch ((int) gsk_render_node_get_node_type (node))
    {
    case GSK_CONTAINER_NODE:
      for (guint i = 0; i < gsk_container_node_get_n_children (node); i++)
        {
          GskRenderNode *found = find_offscreen_node (gsk_container_node_get_child (node, i));

          if (found != NULL)
            return found;
        }
      return NULL;
    case GSK_COLOR_MATRIX_NODE:
      child = gsk_color_matrix_node_get_child (node);
      break;
    case GSK_OPACITY_NODE:
      child = gsk_opacity_node_get_child (node);
      break;
    case GSK_TRANSFORM_NODE:
      return find_offscreen_node (gsk_transform_node_get_child (node));
    case GSK_CLIP_NODE:
      return find_offscreen_node (gsk_clip_node_get_child (node));
    case GSK_ROUNDED_CLIP_NODE:
      return find_offscreen_node (gsk_rounded_clip_node_get_child (node));
    case GSK_DEBUG_NODE:
      return find_offscreen_node (gsk_debug_node_get_child (node));
    default:
      return NULL;
    }

  if (gsk_render_node_get_node_type (child) == GSK_TEXTURE_NODE)
    return NULL;
  return node;
}

static GskRenderNode *
snapshot_widget (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();

  gdk_paintable_snapshot (paintable, snapshot, gtk_widget_get_width (widget), gtk_widget_get_height (widget));
  return gtk_snapshot_free_to_node (snapshot);
}

static void
assert_drawn_directly (GtkWidget *widget)
{
  g_autoptr(GskRenderNode) node = snapshot_widget (widget);
  GskRenderNode *offscreen = find_offscreen_node (node);

  if (offscreen != NULL)
    g_error ("%s is drawn offscreen first (a %s)", G_OBJECT_TYPE_NAME (widget), G_OBJECT_TYPE_NAME (offscreen));
}

static void
test_disabled_keys_drawn_directly (Fixture       *fixture,
                                   gconstpointer  data)
{
  GtkWidget *ok = key (fixture, "OK");
  g_autoptr(GskRenderNode) disabled = NULL;
  g_autoptr(GskRenderNode) enabled = NULL;
  g_autoptr(GBytes) disabled_bytes = NULL;
  g_autoptr(GBytes) enabled_bytes = NULL;

  /* OK and erase start disabled on every login page; the whole pad is
   * disabled while a PIN is checked. Faded by the theme's filter, each key
   * would be drawn offscreen every frame. */
  g_assert_false (gtk_widget_is_sensitive (ok));
  assert_drawn_directly (GTK_WIDGET (fixture->pad));
  disabled = snapshot_widget (ok);

  press (fixture, "7");
  g_assert_true (gtk_widget_is_sensitive (ok));
  fk_ui_test_wait_drawn (fixture->window);
  enabled = snapshot_widget (ok);
  /* A disabled key still looks disabled. */
  disabled_bytes = gsk_render_node_serialize (disabled);
  enabled_bytes = gsk_render_node_serialize (enabled);
  g_assert_false (g_bytes_equal (disabled_bytes, enabled_bytes));

  gtk_widget_set_sensitive (GTK_WIDGET (fixture->pad), FALSE);
  fk_ui_test_wait_drawn (fixture->window);
  assert_drawn_directly (GTK_WIDGET (fixture->pad));
}

static void
test_length_limit (Fixture       *fixture,
                   gconstpointer  data)
{
  press (fixture, "12345678901234");
  /* Twelve digits at most; the rest rings the bell. */
  g_assert_cmpuint (filled_dots (fixture), ==, 12);
  fk_ui_test_click (key (fixture, "OK"));
  g_assert_cmpstr (fixture->last_pin, ==, "123456789012");
}

int
main (int   argc,
      char *argv[])
{
  fk_ui_test_init (&argc, &argv);
  adw_init ();
  fk_ui_test_load_style ();

  g_test_add ("/pin-pad/keys", Fixture, NULL, fixture_setup, test_keys_accessible_and_large, fixture_teardown);
  g_test_add ("/pin-pad/click", Fixture, NULL, fixture_setup, test_click_erase_submit, fixture_teardown);
  g_test_add ("/pin-pad/keyboard", Fixture, NULL, fixture_setup, test_keyboard, fixture_teardown);
  g_test_add ("/pin-pad/insensitive", Fixture, NULL, fixture_setup, test_insensitive_and_clear, fixture_teardown);
  g_test_add ("/pin-pad/disabled-keys", Fixture, NULL, fixture_setup, test_disabled_keys_drawn_directly,
              fixture_teardown);
  g_test_add ("/pin-pad/limit", Fixture, NULL, fixture_setup, test_length_limit, fixture_teardown);

  return g_test_run ();
}
