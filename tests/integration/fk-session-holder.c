/* fk-session-holder.c: a client process that holds a session, for tests
 * that freeze it (suspend) or fake its wall clock
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * fk-session-holder DATA_DIR: loads the client there; when locked, logs in
 * with the PIN on the first line of stdin.  Then prints "unlocked" and
 * answers on stdin: "remaining" → "remaining: N", "now" → "now: <wall
 * clock, s>", "quit" → exits.  When the session ends it prints "locked",
 * closes the client (the keyring then holds what it should) and prints
 * "closed" before it exits.
 */
#include "config.h"

#include <stdio.h>

#include <gio/gunixinputstream.h>

#include "fk-client.h"

typedef struct {
  GMainLoop        *loop;
  FkClient         *client;
  GDataInputStream *input;
  GAsyncResult     *result;
  gboolean          closing;
  int               status;
} Holder;

static void
on_ready (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Holder *holder = user_data;

  holder->result = g_object_ref (result);
  g_main_loop_quit (holder->loop);
}

static GAsyncResult *
wait_for (Holder *holder)
{
  g_clear_object (&holder->result);
  g_main_loop_run (holder->loop);
  return holder->result;
}

static void
on_closed (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Holder *holder = user_data;

  if (!fk_client_close_finish (FK_CLIENT (object), result, NULL))
    holder->status = 1;
  printf ("closed\n");
  g_main_loop_quit (holder->loop);
}

static void
close_and_quit (Holder *holder)
{
  g_signal_handlers_disconnect_by_data (holder->client, holder);
  holder->closing = TRUE;
  fk_client_close_async (holder->client, NULL, on_closed, holder);
}

static void
on_state_changed (FkClient   *client,
                  GParamSpec *pspec,
                  Holder     *holder)
{
  if (fk_client_get_state (client) == FK_CLIENT_STATE_UNLOCKED)
    return;

  printf ("locked\n");
  close_and_quit (holder);
}

static void on_line (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data);

static void
read_command (Holder *holder)
{
  g_data_input_stream_read_line_async (holder->input, G_PRIORITY_DEFAULT, NULL, on_line, holder);
}

static void
on_line (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Holder *holder = user_data;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object), result, NULL, NULL);

  /* The session ended meanwhile: we are on our way out. */
  if (holder->closing)
    return;

  if (line == NULL || g_str_equal (line, "quit"))
    {
      close_and_quit (holder);
      return;
    }

  if (g_str_equal (line, "remaining"))
    printf ("remaining: %" G_GINT64_FORMAT "\n", fk_client_get_session_remaining (holder->client));
  else if (g_str_equal (line, "now"))
    printf ("now: %" G_GINT64_FORMAT "\n", g_get_real_time () / G_USEC_PER_SEC);
  else
    printf ("unknown: %s\n", line);

  read_command (holder);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GInputStream) stdin_stream = NULL;
  g_autoptr(GError) error = NULL;
  Holder holder = { 0 };

  /* The test reads us line by line, through a pipe. */
  setvbuf (stdout, NULL, _IOLBF, 0);
  if (argc != 2)
    {
      g_printerr ("usage: fk-session-holder DATA_DIR\n");
      return 2;
    }

  holder.loop = g_main_loop_new (NULL, FALSE);
  holder.client = fk_client_new (argv[1]);
  stdin_stream = g_unix_input_stream_new (0, FALSE);
  holder.input = g_data_input_stream_new (stdin_stream);

  fk_client_load_async (holder.client, NULL, on_ready, &holder);
  if (!fk_client_load_finish (holder.client, wait_for (&holder), &error))
    g_error ("load: %s", error->message);

  if (fk_client_get_state (holder.client) == FK_CLIENT_STATE_LOCKED)
    {
      g_autofree char *pin = g_data_input_stream_read_line_utf8 (holder.input, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (pin);
      fk_client_login_async (holder.client, pin, NULL, on_ready, &holder);
      if (!fk_client_login_finish (holder.client, wait_for (&holder), &error))
        g_error ("login: %s", error->message);
    }

  if (fk_client_get_state (holder.client) != FK_CLIENT_STATE_UNLOCKED)
    g_error ("not unlocked (state %d)", fk_client_get_state (holder.client));

  g_signal_connect (holder.client, "notify::state", G_CALLBACK (on_state_changed), &holder);
  printf ("unlocked\n");
  read_command (&holder);
  g_main_loop_run (holder.loop);

  g_clear_object (&holder.result);
  g_clear_object (&holder.client);
  g_clear_object (&holder.input);
  g_main_loop_unref (holder.loop);
  return holder.status;
}
