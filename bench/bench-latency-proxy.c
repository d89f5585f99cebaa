/* bench-latency-proxy.c: a TCP proxy that adds round-trip time and counts bytes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The kernel here has no netem, so latency is added in user space: every
 * chunk is forwarded half the round-trip time after it arrived, in order, in
 * both directions, so pipelining is kept and only waiting costs time.  The
 * first chunk of each connection waits one round trip more, for the TCP
 * handshake the proxy itself cannot delay.  It counts the bytes on the wire
 * (TLS records, handshake included) and can play "network down".
 *
 *   bench-latency-proxy --upstream-port PORT [--rtt-ms N]
 *
 * prints "port: N", then obeys lines on stdin: "down" (cut every connection,
 * refuse new ones), "up", "stats" (answers "up BYTES down BYTES connections N").
 * It exits at the end of stdin.
 */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib.h>

typedef struct {
  gint64  due;        /* monotonic µs */
  gsize   length;     /* 0: end of stream */
  guint8  data[];
} Chunk;

typedef struct _Connection Connection;

typedef struct {
  Connection  *connection;
  int          from;
  int          to;
  GAsyncQueue *queue;
  gboolean     to_server;
} Direction;

struct _Connection {
  gatomicrefcount  ref;
  int              client_fd;
  int              server_fd;
  Direction        directions[2];
};

static struct {
  GMutex      mutex;
  GPtrArray  *connections;   /* borrowed; removed when freed */
  gboolean    down;
  guint64     bytes_up;      /* client to server */
  guint64     bytes_down;
  guint       accepted;
  gint64      one_way_us;
  guint16     upstream_port;
} proxy;

static void
connection_unref (Connection *connection)
{
  if (!g_atomic_ref_count_dec (&connection->ref))
    return;

  g_mutex_lock (&proxy.mutex);
  g_ptr_array_remove_fast (proxy.connections, connection);
  g_mutex_unlock (&proxy.mutex);

  close (connection->client_fd);
  close (connection->server_fd);
  g_async_queue_unref (connection->directions[0].queue);
  g_async_queue_unref (connection->directions[1].queue);
  g_free (connection);
}

static void
cut (Connection *connection)
{
  shutdown (connection->client_fd, SHUT_RDWR);
  shutdown (connection->server_fd, SHUT_RDWR);
}

static gpointer
read_side (gpointer data)
{
  Direction *direction = data;
  gint64 last_due = 0;
  gboolean first = TRUE;

  for (;;)
    {
      guint8 buffer[65536];
      ssize_t n = read (direction->from, buffer, sizeof buffer);
      gint64 now = g_get_monotonic_time ();
      Chunk *chunk;

      if (n < 0 && errno == EINTR)
        continue;

      chunk = g_malloc (sizeof (Chunk) + MAX (n, 0));
      chunk->length = MAX (n, 0);
      memcpy (chunk->data, buffer, chunk->length);
      chunk->due = now + proxy.one_way_us;
      if (first && direction->to_server)
        chunk->due += 2 * proxy.one_way_us;
      /* Never overtake an earlier chunk. */
      chunk->due = MAX (chunk->due, last_due);
      last_due = chunk->due;
      first = FALSE;

      g_mutex_lock (&proxy.mutex);
      if (direction->to_server)
        proxy.bytes_up += chunk->length;
      else
        proxy.bytes_down += chunk->length;
      g_mutex_unlock (&proxy.mutex);

      g_async_queue_push (direction->queue, chunk);
      if (n <= 0)
        break;
    }

  connection_unref (direction->connection);
  return NULL;
}

static gpointer
write_side (gpointer data)
{
  Direction *direction = data;

  for (;;)
    {
      g_autofree Chunk *chunk = g_async_queue_pop (direction->queue);
      gint64 wait = chunk->due - g_get_monotonic_time ();
      gsize written = 0;

      if (wait > 0)
        g_usleep (wait);

      if (chunk->length == 0)
        {
          shutdown (direction->to, SHUT_WR);
          break;
        }

      while (written < chunk->length)
        {
          ssize_t n = send (direction->to, chunk->data + written, chunk->length - written, MSG_NOSIGNAL);

          if (n < 0 && errno == EINTR)
            continue;
          if (n <= 0)
            break;
          written += n;
        }

      if (written < chunk->length)
        {
          cut (direction->connection);
          /* Drain up to the reader's last push, which it makes once cut. */
          do
            {
              g_free (chunk);
              chunk = g_async_queue_pop (direction->queue);
            }
          while (chunk->length > 0);
          break;
        }
    }

  connection_unref (direction->connection);
  return NULL;
}

static int
connect_upstream (void)
{
  struct sockaddr_in address = { 0 };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  address.sin_family = AF_INET;
  address.sin_port = htons (proxy.upstream_port);
  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);

  if (fd < 0 || connect (fd, (struct sockaddr *) &address, sizeof address) < 0)
    {
      if (fd >= 0)
        close (fd);
      return -1;
    }

  return fd;
}

static void
start_connection (int client_fd)
{
  Connection *connection;
  int server_fd;
  int one = 1;

  g_mutex_lock (&proxy.mutex);
  if (proxy.down)
    {
      g_mutex_unlock (&proxy.mutex);
      close (client_fd);
      return;
    }
  g_mutex_unlock (&proxy.mutex);

  server_fd = connect_upstream ();
  if (server_fd < 0)
    {
      close (client_fd);
      return;
    }

  /* The delay is ours to add; Nagle's would come on top. */
  setsockopt (client_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  setsockopt (server_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

  connection = g_new0 (Connection, 1);
  g_atomic_ref_count_init (&connection->ref);
  g_atomic_ref_count_inc (&connection->ref);
  g_atomic_ref_count_inc (&connection->ref);
  g_atomic_ref_count_inc (&connection->ref);
  connection->client_fd = client_fd;
  connection->server_fd = server_fd;
  connection->directions[0] = (Direction) { connection, client_fd, server_fd, g_async_queue_new (), TRUE };
  connection->directions[1] = (Direction) { connection, server_fd, client_fd, g_async_queue_new (), FALSE };

  g_mutex_lock (&proxy.mutex);
  proxy.accepted++;
  g_ptr_array_add (proxy.connections, connection);
  g_mutex_unlock (&proxy.mutex);

  for (guint i = 0; i < 2; i++)
    {
      g_thread_unref (g_thread_new ("proxy-read", read_side, &connection->directions[i]));
      g_thread_unref (g_thread_new ("proxy-write", write_side, &connection->directions[i]));
    }
}

static gpointer
accept_loop (gpointer data)
{
  int listen_fd = GPOINTER_TO_INT (data);

  for (;;)
    {
      int fd = accept4 (listen_fd, NULL, NULL, SOCK_CLOEXEC);

      if (fd < 0)
        {
          if (errno == EINTR || errno == ECONNABORTED)
            continue;
          g_printerr ("bench-latency-proxy: accept: %s\n", g_strerror (errno));
          return NULL;
        }

      start_connection (fd);
    }
}

static int
listen_on_loopback (guint16 *port)
{
  struct sockaddr_in address = { 0 };
  socklen_t length = sizeof address;
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);

  if (fd < 0 || bind (fd, (struct sockaddr *) &address, sizeof address) < 0 ||
      listen (fd, 64) < 0 || getsockname (fd, (struct sockaddr *) &address, &length) < 0)
    return -1;

  *port = ntohs (address.sin_port);
  return fd;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- TCP proxy adding latency");
  g_autoptr(GError) error = NULL;
  int upstream_port = 0;
  int rtt_ms = 0;
  GOptionEntry entries[] = {
    { "upstream-port", 0, 0, G_OPTION_ARG_INT, &upstream_port, "Forward to 127.0.0.1:PORT", "PORT" },
    { "rtt-ms", 0, 0, G_OPTION_ARG_INT, &rtt_ms, "Added round-trip time", "MS" },
    { NULL }
  };
  char line[64];
  guint16 port = 0;
  int listen_fd;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      upstream_port <= 0 || upstream_port > G_MAXUINT16 || rtt_ms < 0)
    {
      g_printerr ("bench-latency-proxy: %s\n", error ? error->message : "--upstream-port is needed");
      return 2;
    }

  g_mutex_init (&proxy.mutex);
  proxy.connections = g_ptr_array_new ();
  proxy.one_way_us = (gint64) rtt_ms * 1000 / 2;
  proxy.upstream_port = upstream_port;

  listen_fd = listen_on_loopback (&port);
  if (listen_fd < 0)
    {
      g_printerr ("bench-latency-proxy: cannot listen: %s\n", g_strerror (errno));
      return 1;
    }
  g_thread_unref (g_thread_new ("proxy-accept", accept_loop, GINT_TO_POINTER (listen_fd)));

  printf ("port: %u\n", port);
  fflush (stdout);

  while (fgets (line, sizeof line, stdin) != NULL)
    {
      g_strstrip (line);
      g_mutex_lock (&proxy.mutex);
      if (g_str_equal (line, "down"))
        {
          proxy.down = TRUE;
          for (guint i = 0; i < proxy.connections->len; i++)
            cut (g_ptr_array_index (proxy.connections, i));
          printf ("ok\n");
        }
      else if (g_str_equal (line, "up"))
        {
          proxy.down = FALSE;
          printf ("ok\n");
        }
      else if (g_str_equal (line, "stats"))
        {
          printf ("up %" G_GUINT64_FORMAT " down %" G_GUINT64_FORMAT " connections %u\n",
                  proxy.bytes_up, proxy.bytes_down, proxy.accepted);
        }
      else
        {
          printf ("error unknown command\n");
        }
      g_mutex_unlock (&proxy.mutex);
      fflush (stdout);
    }

  return 0;
}
