/* fk-login-page.h: the PIN pad that starts a session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "fk-client.h"

G_BEGIN_DECLS

#define FK_TYPE_LOGIN_PAGE (fk_login_page_get_type ())
G_DECLARE_FINAL_TYPE (FkLoginPage, fk_login_page, FK, LOGIN_PAGE, GtkWidget)

FkClient *fk_login_page_get_client  (FkLoginPage *self);
void      fk_login_page_set_client  (FkLoginPage *self,
                                     FkClient    *client);
/* Shows the pad, or why logging in is no longer possible. */
void      fk_login_page_reset       (FkLoginPage *self);

G_END_DECLS
