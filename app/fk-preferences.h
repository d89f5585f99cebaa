/* fk-preferences.h: idle lock, retention, fingerprint and server details
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "fk-client.h"

G_BEGIN_DECLS

#define FK_TYPE_PREFERENCES (fk_preferences_get_type ())
G_DECLARE_FINAL_TYPE (FkPreferences, fk_preferences, FK, PREFERENCES, AdwPreferencesWindow)

FkPreferences *fk_preferences_new (GtkWindow *parent,
                                   FkClient  *client);

G_END_DECLS
