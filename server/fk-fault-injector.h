/* fk-fault-injector.h: the reference server's fault mode, for tests only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef enum {
  FK_FAULT_NONE,
  FK_FAULT_DROP_BEFORE,     /* close before doing anything */
  FK_FAULT_DROP_AFTER,      /* do the work and commit, then close */
  FK_FAULT_500,
  FK_FAULT_503,             /* with Retry-After (1 s unless set) */
  FK_FAULT_429,             /* with Retry-After (1 s unless set) */
  FK_FAULT_STALL,           /* no reply for 30 s */
  FK_FAULT_TRUNCATE,        /* half the reply, then close */
} FkFault;

#define FK_FAULT_STALL_MS 30000

#define FK_TYPE_FAULT_INJECTOR (fk_fault_injector_get_type ())
G_DECLARE_FINAL_TYPE (FkFaultInjector, fk_fault_injector, FK, FAULT_INJECTOR, GObject)

/* @spec is "RATE:KIND[,KIND…]" as in docs/protocol.md, or NULL for latency
 * alone. */
FkFaultInjector *fk_fault_injector_new     (const char         *spec,
                                            guint32             seed,
                                            guint               latency_ms,
                                            GError            **error);

/* The fault for the next request to an authenticated endpoint. */
FkFault          fk_fault_injector_pick    (FkFaultInjector    *self);

/* Lets the reply already set on @msg go out: late by the latency (and the
 * stall), or broken as @fault says, a 503 or 429 with the Retry-After set
 * here.  Never blocks. */
void             fk_fault_injector_deliver (FkFaultInjector    *self,
                                            SoupServerMessage  *msg,
                                            FkFault             fault);

/* Once its @n_batches-th batch since start is committed (0: never), the
 * server kills itself with SIGKILL before it replies: a crash at the worst
 * moment. */
void             fk_fault_injector_set_crash_after_commit (FkFaultInjector *self,
                                                           guint            n_batches);
/* The Retry-After of the 503 and 429 faults, in seconds (1 by default):
 * long, it shows whether a client waits that long. */
void             fk_fault_injector_set_retry_after        (FkFaultInjector *self,
                                                           guint            seconds);
/* Called by the batch handler right after its transaction commits. */
void             fk_fault_injector_batch_committed        (FkFaultInjector *self);

const char      *fk_fault_to_string        (FkFault             fault);

G_END_DECLS
