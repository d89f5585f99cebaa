/* fk-application.h: Fältkoll's application object
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "fk-client.h"

G_BEGIN_DECLS

#define FK_TYPE_APPLICATION (fk_application_get_type ())
G_DECLARE_FINAL_TYPE (FkApplication, fk_application, FK, APPLICATION, AdwApplication)

FkApplication *fk_application_new         (void);
/* NULL before startup. */
FkClient      *fk_application_get_client  (FkApplication *self);

G_END_DECLS
