/* test-keyboard.c: a hotel tip filled in and saved, and a checklist item
 * answered, with the keyboard alone; Tab walks the tip form in the order
 * it is drawn; Ctrl+, opens the preferences only while unlocked, and a
 * lock closes them; the sync state in the header opens Sync Details, by
 * key and by a tap
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Keys and the tap are real X events (XTest) into the real window, so they
 * go through everything a desk keyboard's and a finger's do: shortcuts,
 * key bindings, the input method, focus handling and picking.
 */
#include "config.h"

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <X11/XKBlib.h>
#include <X11/extensions/XTest.h>

#include "fk-checklist-item-row.h"
#include "fk-checklist-list.h"
#include "fk-checklist-page.h"
#include "fk-event-details.h"
#include "fk-main-page.h"
#include "fk-preferences.h"
#include "fk-sync-details.h"
#include "fk-tip-form-private.h"
#include "fk-window-private.h"
#include "fk-ui-test-client.h"
#include "fk-ui-test-utils.h"

typedef struct {
  FkUiTestClient *session;
  FkWindow       *window;
  Display        *xdisplay;
} Fixture;

typedef gboolean (*Condition) (gpointer data);

static void
wait_for (Condition   condition,
          gpointer    data,
          const char *what)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for %s", what);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2 * 1000);
    }
}

static gboolean
is_active (gpointer data)
{
  return gtk_window_is_active (data);
}

/* No window manager gives a window the keyboard (nor gives it back after
 * a dialog): take it for @window. */
static void
give_keyboard (Fixture   *fixture,
               GtkWindow *window)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));

  fixture->xdisplay = gdk_x11_display_get_xdisplay (gdk_surface_get_display (surface));
  XSetInputFocus (fixture->xdisplay, gdk_x11_surface_get_xid (surface), RevertToParent, CurrentTime);
  XSync (fixture->xdisplay, False);
  wait_for (is_active, window, "the window to have the keyboard");
}

static void
take_keyboard (Fixture *fixture)
{
  give_keyboard (fixture, GTK_WINDOW (fixture->window));
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{

  fixture->session = fk_ui_test_client_new (NULL);
  fk_ui_test_client_login (fixture->session);

  fixture->window = g_object_ref_sink (fk_window_new (NULL, fixture->session->client));
  gtk_window_set_decorated (GTK_WINDOW (fixture->window), FALSE);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 360, 720);
  fk_window_show_page (fixture->window, FK_PAGE_MAIN);
  gtk_window_present (GTK_WINDOW (fixture->window));
  fk_ui_test_wait_drawn (GTK_WIDGET (fixture->window));
  take_keyboard (fixture);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_object_unref (fixture->window);
  fk_ui_test_client_free (fixture->session);
}

/* Presses and releases @keysym with @modifiers (X keysyms) held. */
static void
press (Fixture *fixture,
       KeySym   keysym,
       KeySym   modifier)
{
  Display *dpy = fixture->xdisplay;
  KeyCode code = XKeysymToKeycode (dpy, keysym);
  KeyCode modifier_code = modifier != NoSymbol ? XKeysymToKeycode (dpy, modifier) : 0;
  gboolean shifted = XkbKeycodeToKeysym (dpy, code, 0, 0) != keysym;
  KeyCode shift_code = XKeysymToKeycode (dpy, XK_Shift_L);

  g_assert_cmpuint (code, !=, 0);
  if (modifier_code != 0)
    XTestFakeKeyEvent (dpy, modifier_code, True, CurrentTime);
  if (shifted)
    XTestFakeKeyEvent (dpy, shift_code, True, CurrentTime);
  XTestFakeKeyEvent (dpy, code, True, CurrentTime);
  XTestFakeKeyEvent (dpy, code, False, CurrentTime);
  if (shifted)
    XTestFakeKeyEvent (dpy, shift_code, False, CurrentTime);
  if (modifier_code != 0)
    XTestFakeKeyEvent (dpy, modifier_code, False, CurrentTime);
  XSync (dpy, False);

  /* Let GTK read and handle them before the next key. */
  for (guint i = 0; i < 5; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (2 * 1000);
    }
}

/* Types plain ASCII text, key by key. */
static void
type (Fixture    *fixture,
      const char *text)
{
  for (const char *c = text; *c != '\0'; c++)
    {
      g_assert_true (*c >= 0x20 && *c < 0x7f);
      press (fixture, (KeySym) *c, NoSymbol);
    }
}

static GtkWidget *
focus (Fixture *fixture)
{
  return gtk_root_get_focus (GTK_ROOT (fixture->window));
}

/* The widget the officer sees as focused: an entry row's text sits inside
 * the row. */
static GtkWidget *
focused_in (Fixture   *fixture,
            GtkWidget *root)
{
  GtkWidget *widget = focus (fixture);

  g_assert_nonnull (widget);
  if (!gtk_widget_is_ancestor (widget, root))
    g_error ("Focus is on a %s outside the screen", G_OBJECT_TYPE_NAME (widget));
  return widget;
}

static void
tab (Fixture *fixture)
{
  press (fixture, XK_Tab, NoSymbol);
}

static GtkWidget *
field (FkTipForm  *form,
       const char *property)
{
  GtkWidget *widget = fk_tip_form_get_field_widget (form, property);

  g_assert_nonnull (widget);
  return widget;
}

/* Focus is in @widget (or in the text inside it). */
static void
assert_focus_in (Fixture    *fixture,
                 GtkWidget  *widget,
                 const char *what)
{
  GtkWidget *focused = focus (fixture);

  if (focused == NULL || (focused != widget && !gtk_widget_is_ancestor (focused, widget)))
    g_error ("Focus is on %s, not on %s", focused != NULL ? G_OBJECT_TYPE_NAME (focused) : "nothing", what);
}

static gboolean
tip_saved (gpointer data)
{
  return *(gboolean *) data;
}

static void
on_saved (FkTipForm *form,
          gboolean   sent,
          gboolean  *saved)
{
  g_assert_false (sent);
  *saved = TRUE;
}

/* A switch flips at the end of its slide. */
static gboolean
is_urgent (gpointer data)
{
  return fk_hotel_tip_get_urgent (data);
}

static gboolean
form_shown (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

static gboolean
form_hidden (gpointer data)
{
  return !gtk_widget_get_mapped (data);
}

/* Top-to-bottom, then left-to-right, as drawn inside the form. */
static void
assert_below (GtkWidget  *widget,
              GtkWidget  *previous,
              GtkWidget  *content)
{
  graphene_rect_t now, before;

  g_assert_true (gtk_widget_compute_bounds (widget, content, &now));
  g_assert_true (gtk_widget_compute_bounds (previous, content, &before));
  if (now.origin.y < before.origin.y ||
      (now.origin.y < before.origin.y + before.size.height && now.origin.x <= before.origin.x))
    g_error ("Tab went up or back, from a %s at %.0f,%.0f to a %s at %.0f,%.0f",
             G_OBJECT_TYPE_NAME (previous), before.origin.x, before.origin.y,
             G_OBJECT_TYPE_NAME (widget), now.origin.x, now.origin.y);
}

static void
test_tip_by_keyboard (Fixture       *fixture,
                      gconstpointer  data)
{
  static const struct {
    const char *property;
    const char *text;
  } texts[] = {
    { "hotel-name",     "Hotell Exempel Centrum" },
    { "hotel-address",  "Storgatan 1" },
    { "municipality",   "Lund" },
    { "contact-person", "Anna Receptionist" },
    { "contact-phone",  "046-123456" },
  };
  GtkWidget *root = GTK_WIDGET (fixture->window);
  GtkWidget *main_page = fk_ui_test_find_by_type (root, FK_TYPE_MAIN_PAGE);
  FkTipForm *form = FK_TIP_FORM (fk_ui_test_find_by_type (root, FK_TYPE_TIP_FORM));
  GtkWidget *content = fk_ui_test_find_by_type (GTK_WIDGET (form), GTK_TYPE_VIEWPORT);
  GtkWidget *save = fk_ui_test_find_by_label (GTK_WIDGET (form), GTK_TYPE_BUTTON, "Save Draft");
  GtkWidget *send = fk_ui_test_find_by_label (GTK_WIDGET (form), GTK_TYPE_BUTTON, "Send");
  GtkWidget *urgent = fk_ui_test_find_by_label (GTK_WIDGET (form), GTK_TYPE_SWITCH, "Urgent");
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  GtkWidget *indicator, *check;
  gboolean saved = FALSE;
  FkHotelTip *tip;

  g_assert_nonnull (content);
  g_assert_nonnull (save);
  g_assert_nonnull (send);
  g_assert_nonnull (urgent);
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (fk_ui_test_find_by_type (main_page, ADW_TYPE_VIEW_STACK)),
                                         "tips");
  fk_ui_test_wait_drawn (root);

  /* Ctrl+N opens a new tip with the cursor in its first field. */
  press (fixture, XK_n, XK_Control_L);
  wait_for (form_shown, form, "the tip form");
  tip = fk_tip_form_get_tip (form);
  g_assert_nonnull (tip);
  assert_focus_in (fixture, field (form, "hotel-name"), "the hotel name");

  /* Type into each field; Tab on to the next, in the order drawn. */
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      assert_focus_in (fixture, field (form, texts[i].property), texts[i].property);
      type (fixture, texts[i].text);
      g_ptr_array_add (order, focused_in (fixture, GTK_WIDGET (form)));
      tab (fixture);
    }
  assert_focus_in (fixture, field (form, "received-at"), "received at");
  g_ptr_array_add (order, focused_in (fixture, GTK_WIDGET (form)));
  tab (fixture);
  assert_focus_in (fixture, field (form, "room"), "the room");
  type (fixture, "412");
  g_ptr_array_add (order, focused_in (fixture, GTK_WIDGET (form)));
  tab (fixture);
  assert_focus_in (fixture, field (form, "description"), "the description");
  type (fixture, "Two men paid cash for a room for a young woman.");
  g_ptr_array_add (order, focused_in (fixture, GTK_WIDGET (form)));

  /* Out of the description (Tab is not typed into it), on to the first
   * indicator's row: space marks it, Down goes to the next one, as in any
   * boxed list; Tab stops at each row and its check, then the next group. */
  tab (fixture);
  indicator = focused_in (fixture, GTK_WIDGET (form));
  if (!ADW_IS_ACTION_ROW (indicator))
    g_error ("After the description, focus is on a %s, not an indicator", G_OBJECT_TYPE_NAME (indicator));
  check = adw_action_row_get_activatable_widget (ADW_ACTION_ROW (indicator));
  g_assert_true (GTK_IS_CHECK_BUTTON (check));
  press (fixture, XK_space, NoSymbol);
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (check)));
  g_assert_cmpuint (fk_hotel_tip_get_indicators (tip), !=, FK_TIP_INDICATOR_NONE);
  g_ptr_array_add (order, indicator);
  press (fixture, XK_Down, NoSymbol);
  g_assert_true (ADW_IS_ACTION_ROW (focus (fixture)));
  g_assert_true (focus (fixture) != indicator);
  g_ptr_array_add (order, focus (fixture));

  for (guint i = 0; i < 40 && !gtk_widget_is_ancestor (focus (fixture), field (form, "vehicles")); i++)
    {
      tab (fixture);
      g_ptr_array_add (order, focused_in (fixture, GTK_WIDGET (form)));
    }
  g_ptr_array_set_size (order, order->len - 1);
  assert_focus_in (fixture, field (form, "vehicles"), "the registration numbers");
  type (fixture, "ABC 123");
  g_ptr_array_add (order, focused_in (fixture, GTK_WIDGET (form)));

  /* The urgent row, then its switch; space on the row flips it. */
  tab (fixture);
  assert_focus_in (fixture, gtk_widget_get_ancestor (urgent, ADW_TYPE_ACTION_ROW), "the urgent row");
  g_ptr_array_add (order, focus (fixture));
  press (fixture, XK_space, NoSymbol);
  wait_for (is_urgent, tip, "the tip to be urgent");
  tab (fixture);
  assert_focus_in (fixture, urgent, "the urgent switch");
  g_ptr_array_add (order, urgent);

  tab (fixture);
  assert_focus_in (fixture, field (form, "action-taken"), "the action taken");
  type (fixture, "Patrol informed");
  g_ptr_array_add (order, focused_in (fixture, GTK_WIDGET (form)));
  tab (fixture);
  assert_focus_in (fixture, field (form, "officer-note"), "the officer's note");
  g_ptr_array_add (order, focused_in (fixture, GTK_WIDGET (form)));
  tab (fixture);
  assert_focus_in (fixture, save, "Save Draft");
  g_ptr_array_add (order, save);
  tab (fixture);
  assert_focus_in (fixture, send, "Send");
  g_ptr_array_add (order, send);

  for (guint i = 1; i < order->len; i++)
    assert_below (order->pdata[i], order->pdata[i - 1], content);

  /* Shift+Tab walks back the same way. */
  press (fixture, XK_Tab, XK_Shift_L);
  assert_focus_in (fixture, save, "Save Draft, going back");
  press (fixture, XK_Tab, XK_Shift_L);
  assert_focus_in (fixture, field (form, "officer-note"), "the officer's note, going back");
  press (fixture, XK_Tab, NoSymbol);

  /* Enter on Save Draft saves. */
  g_signal_connect (form, "saved", G_CALLBACK (on_saved), &saved);
  press (fixture, XK_Return, NoSymbol);
  wait_for (tip_saved, &saved, "the draft to be saved");
  g_signal_handlers_disconnect_by_func (form, on_saved, &saved);

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autofree char *value = NULL;

      g_object_get (tip, texts[i].property, &value, NULL);
      g_assert_cmpstr (value, ==, texts[i].text);
    }
  g_assert_cmpstr (fk_hotel_tip_get_room (tip), ==, "412");
  g_assert_cmpstr (fk_hotel_tip_get_vehicles (tip), ==, "ABC 123");
  g_assert_cmpstr (fk_hotel_tip_get_action_taken (tip), ==, "Patrol informed");
  g_assert_cmpstr (fk_hotel_tip_get_description (tip), ==, "Two men paid cash for a room for a young woman.");
  g_assert_cmpint (fk_hotel_tip_get_state (tip), ==, FK_RECORD_STATE_DRAFT);
}

static gboolean
answered_yes (gpointer data)
{
  return fk_checklist_item_get_answer (data) == FK_CHECKLIST_ANSWER_YES;
}

static void
test_checklist_by_keyboard (Fixture       *fixture,
                            gconstpointer  data)
{
  GtkWidget *root = GTK_WIDGET (fixture->window);
  GtkWidget *list = fk_ui_test_find_by_type (root, FK_TYPE_CHECKLIST_LIST);
  GtkWidget *main_header = fk_ui_test_find_by_type (fk_ui_test_find_by_type (root, FK_TYPE_MAIN_PAGE),
                                                    ADW_TYPE_HEADER_BAR);
  GtkWidget *templates, *details, *page, *row, *yes, *no, *not_applicable, *edit;
  GListModel *toplevels = gtk_window_get_toplevels ();
  FkChecklistItem *item;
  GtkWidget *dialog = NULL;

  /* The checklist exists; answering it is what is done by keyboard. */
  g_assert_true (gtk_widget_activate_action (list, "checklists.new", NULL));
  for (guint i = 0; i < g_list_model_get_n_items (toplevels) && dialog == NULL; i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window))
        dialog = GTK_WIDGET (window);
    }
  g_assert_nonnull (dialog);
  templates = fk_ui_test_find_by_label (dialog, GTK_TYPE_LIST_BOX, "Templates");
  g_signal_emit_by_name (templates, "row-activated", gtk_list_box_get_row_at_index (GTK_LIST_BOX (templates), 0));
  details = fk_ui_test_find_by_type (list, FK_TYPE_EVENT_DETAILS);
  gtk_editable_set_text (GTK_EDITABLE (fk_ui_test_find_by_label (details, GTK_TYPE_EDITABLE, "Event name")),
                         "Sommarfesten");
  fk_ui_test_click (fk_ui_test_find_by_label (details, GTK_TYPE_BUTTON, "Save"));
  page = fk_ui_test_find_by_type (list, FK_TYPE_CHECKLIST_PAGE);
  edit = fk_ui_test_find_by_label (page, GTK_TYPE_BUTTON, "Edit Details");
  fk_ui_test_wait_drawn (page);
  take_keyboard (fixture);
  row = fk_ui_test_find_by_type (page, FK_TYPE_CHECKLIST_ITEM_ROW);
  item = fk_checklist_item_row_get_item (FK_CHECKLIST_ITEM_ROW (row));
  yes = fk_ui_test_find_by_label (row, GTK_TYPE_TOGGLE_BUTTON, "Yes");
  no = fk_ui_test_find_by_label (row, GTK_TYPE_TOGGLE_BUTTON, "No");
  not_applicable = fk_ui_test_find_by_label (row, GTK_TYPE_TOGGLE_BUTTON, "Not applicable");
  g_assert_cmpint (fk_checklist_item_get_answer (item), ==, FK_CHECKLIST_ANSWER_NONE);

  /* Tab reaches the first item's answers, Yes, No, Not applicable in turn. */
  for (guint i = 0; i < 30 && focus (fixture) != yes; i++)
    tab (fixture);
  assert_focus_in (fixture, yes, "the first item's Yes");
  tab (fixture);
  assert_focus_in (fixture, no, "the first item's No");
  tab (fixture);
  assert_focus_in (fixture, not_applicable, "the first item's Not applicable");

  /* Back to Yes, and space answers it. */
  press (fixture, XK_Tab, XK_Shift_L);
  press (fixture, XK_Tab, XK_Shift_L);
  assert_focus_in (fixture, yes, "Yes, going back");
  press (fixture, XK_space, NoSymbol);
  wait_for (answered_yes, item, "the answer Yes");
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (yes)));

  /* The checklist has the window to itself: its header is the only one.
   * Shift+Tab reaches Edit Details there; Escape leaves the details form. */
  g_assert_false (gtk_widget_get_mapped (main_header));
  for (guint i = 0; i < 30 && focus (fixture) != edit; i++)
    press (fixture, XK_Tab, XK_Shift_L);
  assert_focus_in (fixture, edit, "Edit Details");
  press (fixture, XK_Return, NoSymbol);
  wait_for (form_shown, details, "the details form");
  press (fixture, XK_Escape, NoSymbol);
  wait_for (form_shown, page, "the checklist, after Escape");
  g_assert_false (gtk_widget_get_mapped (main_header));

  /* Alt+Left goes back to the list, under the main header again. */
  press (fixture, XK_Left, XK_Alt_L);
  wait_for (form_hidden, page, "the checklist to slide away");
  g_assert_true (gtk_widget_get_mapped (main_header));
}

/* A press and release of the pointer's first button at the middle of
 * @widget, where the X server, not GTK, decides what is under it. */
static void
tap (Fixture   *fixture,
     GtkWidget *widget)
{
  GtkNative *native = gtk_widget_get_native (widget);
  GdkSurface *surface = gtk_native_get_surface (native);
  Display *dpy = fixture->xdisplay;
  graphene_point_t point;
  double surface_x, surface_y;
  int root_x, root_y;
  Window child;

  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (native),
                                           &GRAPHENE_POINT_INIT (gtk_widget_get_width (widget) / 2.0,
                                                                 gtk_widget_get_height (widget) / 2.0),
                                           &point));
  gtk_native_get_surface_transform (native, &surface_x, &surface_y);
  XTranslateCoordinates (dpy, gdk_x11_surface_get_xid (surface), DefaultRootWindow (dpy),
                         (int) (point.x + surface_x), (int) (point.y + surface_y), &root_x, &root_y, &child);
  XTestFakeMotionEvent (dpy, -1, root_x, root_y, CurrentTime);
  XTestFakeButtonEvent (dpy, 1, True, CurrentTime);
  XTestFakeButtonEvent (dpy, 1, False, CurrentTime);
  XSync (dpy, False);
}

static gboolean
engine_failed (gpointer data)
{
  return !fk_sync_engine_get_sending (data) && fk_sync_engine_get_last_error (data) != NULL;
}

static gboolean
all_sent (gpointer data)
{
  return fk_sync_engine_get_pending (data) == 0;
}

/* A phone shows no tooltip, so the reason sending failed is one tap away:
 * the sync state in the header is a button to Sync Details, named by what
 * it opens and what it shows. */
static void
test_sync_indicator (Fixture       *fixture,
                     gconstpointer  data)
{
  GtkWidget *root = GTK_WIDGET (fixture->window);
  FkSyncEngine *engine = fk_client_get_sync_engine (fixture->session->client);
  GtkWidget *details = fk_ui_test_find_by_type (root, FK_TYPE_SYNC_DETAILS);
  g_autoptr(FkHotelTip) waiting = NULL;
  GtkWidget *button;

  fk_test_server_stop (fixture->session->server);
  waiting = fk_ui_test_client_save_tip (fixture->session, "Hotell Väntan", TRUE);
  wait_for (engine_failed, engine, "sending to fail");
  fk_ui_test_wait_drawn (root);
  button = fk_ui_test_find_by_label (root, GTK_TYPE_BUTTON,
                                     "Sync Details: Sending failed, 1 record waiting to be sent");
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_mapped (button));

  /* By key: Tab reaches it, space opens the details; Alt+Left is back. */
  for (guint i = 0; i < 30 && focus (fixture) != button; i++)
    tab (fixture);
  assert_focus_in (fixture, button, "the sync state");
  press (fixture, XK_space, NoSymbol);
  wait_for (form_shown, details, "Sync Details, by key");
  press (fixture, XK_Left, XK_Alt_L);
  wait_for (form_shown, button, "the main page again");
  wait_for (form_hidden, details, "Sync Details to slide away");

  /* By a tap. */
  tap (fixture, button);
  wait_for (form_shown, details, "Sync Details, by a tap");
  g_assert_nonnull (fk_ui_test_find_label_text (details, "Hotell Väntan"));

  /* All sent, nothing to show: no empty button in the header. */
  fk_test_server_start (fixture->session->server, NULL);
  g_assert_true (gtk_widget_activate_action (root, "win.sync", NULL));
  wait_for (all_sent, engine, "the tip to be sent");
  g_assert_true (gtk_widget_activate_action (root, "win.back", NULL));
  wait_for (form_hidden, button, "the sync state to go");
  g_assert_false (gtk_widget_get_visible (button));
  g_assert_null (fk_sync_engine_get_last_error (engine));
}

/* The first toplevel of @type, or NULL. */
static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type))
        return GTK_WINDOW (window);   /* the list keeps it alive */
    }

  return NULL;
}

static gboolean
preferences_open (gpointer data)
{
  return find_toplevel (FK_TYPE_PREFERENCES) != NULL;
}

static void
check_preferences_need_unlock (GtkWidget *widget,
                               gpointer   user_data)
{
  Fixture fixture = { .window = FK_WINDOW (widget) };
  FkClient *client = fk_window_get_client (fixture.window);
  GActionGroup *app = G_ACTION_GROUP (gtk_window_get_application (GTK_WINDOW (widget)));
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GAsyncResult) result = NULL;
  GtkWindow *preferences;

  fk_ui_test_wait_state (client, FK_CLIENT_STATE_LOCKED, 20);
  fk_ui_test_wait_drawn (widget);
  take_keyboard (&fixture);

  /* Locked: neither Ctrl+, nor the action, as D-Bus could call it, opens
   * the preferences. */
  g_assert_false (g_action_group_get_action_enabled (app, "preferences"));
  press (&fixture, XK_comma, XK_Control_L);
  g_action_group_activate_action (app, "preferences", NULL);
  fk_ui_test_iterate_for (200);
  g_assert_null (find_toplevel (FK_TYPE_PREFERENCES));

  /* Unlocked, Ctrl+, does. */
  fk_ui_test_login (client);
  g_assert_true (g_action_group_get_action_enabled (app, "preferences"));
  press (&fixture, XK_comma, XK_Control_L);
  wait_for (preferences_open, NULL, "the preferences to open");
  preferences = find_toplevel (FK_TYPE_PREFERENCES);
  fk_ui_test_wait_drawn (GTK_WIDGET (preferences));
  give_keyboard (&fixture, preferences);

  /* Keys in the preferences keep the session open past the idle limit
   * (1.5 s here)... */
  g_settings_set_uint (settings, "idle-lock-minutes", 1);
  fk_window_set_idle_minute_length (fixture.window, 1500);
  for (guint i = 0; i < 12; i++)
    {
      press (&fixture, XK_Shift_L, NoSymbol);
      fk_ui_test_iterate_for (250);
    }
  g_assert_cmpint (fk_client_get_state (client), ==, FK_CLIENT_STATE_UNLOCKED);
  g_assert_true (find_toplevel (FK_TYPE_PREFERENCES) == preferences);

  /* ...and without them the lock comes, and closes them. */
  fk_ui_test_wait_state (client, FK_CLIENT_STATE_IDLE_LOCKED, 10);
  g_assert_null (find_toplevel (FK_TYPE_PREFERENCES));
  g_assert_false (g_action_group_get_action_enabled (app, "preferences"));
  g_settings_reset (settings, "idle-lock-minutes");
  fk_window_set_idle_minute_length (fixture.window, 60 * 1000);

  /* A logout closes them too, and the About window with them. */
  fk_ui_test_login (client);
  g_action_group_activate_action (app, "preferences", NULL);
  g_action_group_activate_action (app, "about", NULL);
  g_assert_nonnull (find_toplevel (FK_TYPE_PREFERENCES));
  g_assert_nonnull (find_toplevel (ADW_TYPE_ABOUT_WINDOW));
  fk_client_logout_async (client, NULL, fk_test_keep_result, &result);
  g_assert_true (fk_client_logout_finish (client, fk_test_wait_for (&result), NULL));
  g_assert_cmpint (fk_client_get_state (client), ==, FK_CLIENT_STATE_LOCKED);
  g_assert_null (find_toplevel (FK_TYPE_PREFERENCES));
  g_assert_null (find_toplevel (ADW_TYPE_ABOUT_WINDOW));
  g_assert_false (g_action_group_get_action_enabled (app, "preferences"));
}

/* The real app, for its accelerators and its app.preferences. */
static void
test_preferences_need_unlock (void)
{
  g_autoptr(FkUiTestClient) device = fk_ui_test_client_new (NULL);

  fk_ui_test_run_app (device->data_dir, NULL, check_preferences_need_unlock, NULL);
}

int
main (int   argc,
      char *argv[])
{
  fk_ui_test_init (&argc, &argv);
  adw_init ();
  fk_ui_test_load_style ();
  g_assert_true (GDK_IS_X11_DISPLAY (gdk_display_get_default ()));

#define ADD(path, func) g_test_add ("/keyboard/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("tip", test_tip_by_keyboard);
  ADD ("checklist", test_checklist_by_keyboard);
  ADD ("sync-indicator", test_sync_indicator);
#undef ADD
  g_test_add_func ("/keyboard/preferences-need-unlock", test_preferences_need_unlock);

  return g_test_run ();
}
