/* fk-sync-details.h: what waits to be sent, what failed and why
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "fk-client.h"

G_BEGIN_DECLS

#define FK_TYPE_SYNC_DETAILS (fk_sync_details_get_type ())
G_DECLARE_FINAL_TYPE (FkSyncDetails, fk_sync_details, FK, SYNC_DETAILS, GtkWidget)

FkClient   *fk_sync_details_get_client      (FkSyncDetails *self);
void        fk_sync_details_set_client      (FkSyncDetails *self,
                                             FkClient      *client);
/* "Last sent: 5 minutes ago", relative to @now; @last may be NULL. */
char       *fk_sync_details_format_last_sent (GDateTime    *last,
                                              GDateTime    *now);

G_END_DECLS
