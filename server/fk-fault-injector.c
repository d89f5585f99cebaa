/* fk-fault-injector.c: the reference server's fault mode, for tests only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything here works by pausing the message and finishing it from a
 * main-loop source, so a stalled or slow request never holds up others.
 */
#define G_LOG_DOMAIN "faltkoll-server"

#include "config.h"

#include <signal.h>
#include <string.h>

#include "fk-fault-injector.h"

struct _FkFaultInjector
{
  GObject  parent_instance;

  char    *spec;
  guint32  seed;
  guint    latency_ms;
  guint    crash_after_commit;
  guint    retry_after;
  guint    commits;

  double   rate;
  GArray  *kinds;               /* FkFault */
  GRand   *rand;
};

static void fk_fault_injector_initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FkFaultInjector, fk_fault_injector, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      fk_fault_injector_initable_iface_init))

enum {
  PROP_0,
  PROP_SPEC,
  PROP_SEED,
  PROP_LATENCY_MS,
  PROP_CRASH_AFTER_COMMIT,
  PROP_RETRY_AFTER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const struct {
  FkFault     fault;
  const char *name;
} fault_names[] = {
  { FK_FAULT_DROP_BEFORE, "drop-before" },
  { FK_FAULT_DROP_AFTER, "drop-after" },
  { FK_FAULT_500, "500" },
  { FK_FAULT_503, "503" },
  { FK_FAULT_429, "429" },
  { FK_FAULT_STALL, "stall" },
  { FK_FAULT_TRUNCATE, "truncate" },
};

typedef struct {
  SoupServerMessage *msg;
  FkFault            fault;
  gulong             disconnected_id;
  gboolean           disconnected;
} Delivery;

typedef struct {
  GIOStream *stream;
  GBytes    *bytes;
} Truncation;

const char *
fk_fault_to_string (FkFault fault)
{
  for (guint i = 0; i < G_N_ELEMENTS (fault_names); i++)
    if (fault_names[i].fault == fault)
      return fault_names[i].name;

  return "none";
}

static gboolean
parse_spec (FkFaultInjector  *self,
            GError          **error)
{
  g_auto(GStrv) kinds = NULL;
  const char *colon = strchr (self->spec, ':');
  g_autofree char *rate = NULL;
  char *end = NULL;

  if (colon == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--faults wants RATE:KIND[,KIND…], not “%s”", self->spec);
      return FALSE;
    }

  rate = g_strndup (self->spec, colon - self->spec);
  self->rate = g_ascii_strtod (rate, &end);
  if (end == rate || *end != '\0' || !(self->rate >= 0.0 && self->rate <= 1.0))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "The fault rate “%s” is not a number from 0 to 1", rate);
      return FALSE;
    }

  kinds = g_strsplit (colon + 1, ",", -1);
  for (guint i = 0; kinds[i] != NULL; i++)
    {
      gboolean known = FALSE;

      for (guint j = 0; j < G_N_ELEMENTS (fault_names); j++)
        {
          if (g_str_equal (g_strstrip (kinds[i]), fault_names[j].name))
            {
              g_array_append_val (self->kinds, fault_names[j].fault);
              known = TRUE;
            }
        }

      if (!known)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "Unknown fault “%s”; known are drop-before, drop-after, 500, 503, "
                       "429, stall and truncate", kinds[i]);
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
fk_fault_injector_initable_init (GInitable     *initable,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  FkFaultInjector *self = FK_FAULT_INJECTOR (initable);

  self->rand = g_rand_new_with_seed (self->seed);

  return self->spec == NULL || parse_spec (self, error);
}

static void
fk_fault_injector_initable_iface_init (GInitableIface *iface)
{
  iface->init = fk_fault_injector_initable_init;
}

static void
fk_fault_injector_finalize (GObject *object)
{
  FkFaultInjector *self = FK_FAULT_INJECTOR (object);

  g_clear_pointer (&self->spec, g_free);
  g_clear_pointer (&self->kinds, g_array_unref);
  g_clear_pointer (&self->rand, g_rand_free);

  G_OBJECT_CLASS (fk_fault_injector_parent_class)->finalize (object);
}

static void
fk_fault_injector_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  FkFaultInjector *self = FK_FAULT_INJECTOR (object);

  switch (prop_id)
    {
    case PROP_SPEC:
      g_value_set_string (value, self->spec);
      break;

    case PROP_SEED:
      g_value_set_uint (value, self->seed);
      break;

    case PROP_LATENCY_MS:
      g_value_set_uint (value, self->latency_ms);
      break;

    case PROP_CRASH_AFTER_COMMIT:
      g_value_set_uint (value, self->crash_after_commit);
      break;

    case PROP_RETRY_AFTER:
      g_value_set_uint (value, self->retry_after);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fk_fault_injector_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  FkFaultInjector *self = FK_FAULT_INJECTOR (object);

  switch (prop_id)
    {
    case PROP_SPEC:
      self->spec = g_value_dup_string (value);
      break;

    case PROP_SEED:
      self->seed = g_value_get_uint (value);
      break;

    case PROP_LATENCY_MS:
      self->latency_ms = g_value_get_uint (value);
      break;

    case PROP_CRASH_AFTER_COMMIT:
      fk_fault_injector_set_crash_after_commit (self, g_value_get_uint (value));
      break;

    case PROP_RETRY_AFTER:
      fk_fault_injector_set_retry_after (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fk_fault_injector_class_init (FkFaultInjectorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fk_fault_injector_finalize;
  object_class->get_property = fk_fault_injector_get_property;
  object_class->set_property = fk_fault_injector_set_property;

  properties[PROP_SPEC] =
    g_param_spec_string ("spec", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_SEED] =
    g_param_spec_uint ("seed", NULL, NULL,
                       0, G_MAXUINT32, 0,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                        G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_LATENCY_MS] =
    g_param_spec_uint ("latency-ms", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                        G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_CRASH_AFTER_COMMIT] =
    g_param_spec_uint ("crash-after-commit", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_RETRY_AFTER] =
    g_param_spec_uint ("retry-after", NULL, NULL,
                       0, G_MAXUINT, 1,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fk_fault_injector_init (FkFaultInjector *self)
{
  self->kinds = g_array_new (FALSE, FALSE, sizeof (FkFault));
  self->retry_after = 1;
}

FkFaultInjector *
fk_fault_injector_new (const char  *spec,
                       guint32      seed,
                       guint        latency_ms,
                       GError     **error)
{
  return g_initable_new (FK_TYPE_FAULT_INJECTOR, NULL, error,
                         "spec", spec,
                         "seed", seed,
                         "latency-ms", latency_ms,
                         NULL);
}

void
fk_fault_injector_set_crash_after_commit (FkFaultInjector *self,
                                          guint            n_batches)
{
  g_return_if_fail (FK_IS_FAULT_INJECTOR (self));

  if (self->crash_after_commit == n_batches)
    return;

  self->crash_after_commit = n_batches;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CRASH_AFTER_COMMIT]);
}

void
fk_fault_injector_set_retry_after (FkFaultInjector *self,
                                   guint            seconds)
{
  g_return_if_fail (FK_IS_FAULT_INJECTOR (self));

  if (self->retry_after == seconds)
    return;

  self->retry_after = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RETRY_AFTER]);
}

void
fk_fault_injector_batch_committed (FkFaultInjector *self)
{
  g_return_if_fail (FK_IS_FAULT_INJECTOR (self));

  self->commits++;
  if (self->crash_after_commit == 0 || self->commits < self->crash_after_commit)
    return;

  /* No cleanup and no reply, as after kill -9 or the OOM killer: only what
   * SQLite committed survives.  The line first, so a test log tells why. */
  g_message ("Fault mode: killing the server after batch %u was committed", self->commits);
  raise (SIGKILL);
}

FkFault
fk_fault_injector_pick (FkFaultInjector *self)
{
  g_return_val_if_fail (FK_IS_FAULT_INJECTOR (self), FK_FAULT_NONE);

  if (self->kinds->len == 0 || g_rand_double (self->rand) >= self->rate)
    return FK_FAULT_NONE;

  return g_array_index (self->kinds, FkFault,
                        g_rand_int_range (self->rand, 0, self->kinds->len));
}

static void
on_stream_closed (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  /* The peer may be gone already; a close error says nothing useful. */
  g_io_stream_close_finish (G_IO_STREAM (object), result, NULL);
}

static void
close_stream (GIOStream *stream)
{
  g_io_stream_close_async (stream, G_PRIORITY_DEFAULT, NULL, on_stream_closed, NULL);
}

static void
truncation_free (Truncation *truncation)
{
  g_clear_object (&truncation->stream);
  g_clear_pointer (&truncation->bytes, g_bytes_unref);
  g_free (truncation);
}

static void
on_half_written (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Truncation *truncation = user_data;

  g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, NULL);
  close_stream (truncation->stream);
  truncation_free (truncation);
}

static void
append_header (const char *name,
               const char *value,
               gpointer    user_data)
{
  GString *response = user_data;

  g_string_append_printf (response, "%s: %s\r\n", name, value);
}

/* The reply as libsoup would have written it, so that half of it is a
 * believable torn response. */
static GBytes *
serialize_response (SoupServerMessage *msg)
{
  GString *response = g_string_new (NULL);
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_response_body (msg));
  guint status = soup_server_message_get_status (msg);
  const char *reason = soup_server_message_get_reason_phrase (msg);

  g_string_append_printf (response, "HTTP/1.1 %u %s\r\n", status,
                          reason != NULL ? reason : soup_status_get_phrase (status));
  soup_message_headers_foreach (soup_server_message_get_response_headers (msg),
                                append_header, response);
  g_string_append_printf (response, "Content-Length: %" G_GSIZE_FORMAT "\r\n\r\n",
                          g_bytes_get_size (body));
  g_string_append_len (response, g_bytes_get_data (body, NULL), g_bytes_get_size (body));

  return g_string_free_to_bytes (response);
}

static void
truncate_reply (SoupServerMessage *msg)
{
  g_autoptr(GBytes) response = serialize_response (msg);
  GIOStream *stream = soup_server_message_steal_connection (msg);
  Truncation *truncation;

  if (stream == NULL)
    return;

  truncation = g_new0 (Truncation, 1);
  truncation->stream = stream;
  truncation->bytes = g_bytes_new_from_bytes (response, 0, g_bytes_get_size (response) / 2);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (stream),
                                   g_bytes_get_data (truncation->bytes, NULL),
                                   g_bytes_get_size (truncation->bytes),
                                   G_PRIORITY_DEFAULT, NULL,
                                   on_half_written, truncation);
}

static void
drop_connection (SoupServerMessage *msg)
{
  g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);

  if (stream != NULL)
    close_stream (stream);
}

static void
on_disconnected (SoupServerMessage *msg,
                 Delivery          *delivery)
{
  delivery->disconnected = TRUE;
}

static void
delivery_free (Delivery *delivery)
{
  g_clear_signal_handler (&delivery->disconnected_id, delivery->msg);
  g_clear_object (&delivery->msg);
  g_free (delivery);
}

static gboolean
on_delivery_due (gpointer user_data)
{
  Delivery *delivery = user_data;

  if (delivery->disconnected)
    return G_SOURCE_REMOVE;

  switch (delivery->fault)
    {
    case FK_FAULT_DROP_BEFORE:
    case FK_FAULT_DROP_AFTER:
      drop_connection (delivery->msg);
      break;

    case FK_FAULT_TRUNCATE:
      truncate_reply (delivery->msg);
      break;

    case FK_FAULT_NONE:
    case FK_FAULT_500:
    case FK_FAULT_503:
    case FK_FAULT_429:
    case FK_FAULT_STALL:
    default:
      soup_server_message_unpause (delivery->msg);
      break;
    }

  return G_SOURCE_REMOVE;
}

void
fk_fault_injector_deliver (FkFaultInjector   *self,
                           SoupServerMessage *msg,
                           FkFault            fault)
{
  Delivery *delivery;
  guint delay_ms;

  g_return_if_fail (FK_IS_FAULT_INJECTOR (self));
  g_return_if_fail (SOUP_IS_SERVER_MESSAGE (msg));

  if (fault == FK_FAULT_503 || fault == FK_FAULT_429)
    {
      g_autofree char *seconds = g_strdup_printf ("%u", self->retry_after);

      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Retry-After", seconds);
    }

  delay_ms = self->latency_ms + (fault == FK_FAULT_STALL ? FK_FAULT_STALL_MS : 0);
  if (delay_ms == 0 && fault != FK_FAULT_DROP_BEFORE && fault != FK_FAULT_DROP_AFTER
      && fault != FK_FAULT_TRUNCATE)
    return;

  /* Stealing the connection inside the handler would pull it from under
   * libsoup's feet: pause, and do it from the main loop. */
  soup_server_message_pause (msg);

  delivery = g_new0 (Delivery, 1);
  delivery->msg = g_object_ref (msg);
  delivery->fault = fault;
  delivery->disconnected_id = g_signal_connect (msg, "disconnected",
                                                G_CALLBACK (on_disconnected), delivery);

  g_timeout_add_full (G_PRIORITY_DEFAULT, delay_ms, on_delivery_due, delivery,
                      (GDestroyNotify) delivery_free);
}
