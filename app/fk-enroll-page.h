/* fk-enroll-page.h: first start: server, activation code and a new PIN
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "fk-client.h"

G_BEGIN_DECLS

#define FK_TYPE_ENROLL_PAGE (fk_enroll_page_get_type ())
G_DECLARE_FINAL_TYPE (FkEnrollPage, fk_enroll_page, FK, ENROLL_PAGE, GtkWidget)

FkClient   *fk_enroll_page_get_client           (FkEnrollPage *self);
void        fk_enroll_page_set_client           (FkEnrollPage *self,
                                                 FkClient     *client);
const char *fk_enroll_page_get_server           (FkEnrollPage *self);
void        fk_enroll_page_set_server           (FkEnrollPage *self,
                                                 const char   *server_url);
const char *fk_enroll_page_get_server_pin       (FkEnrollPage *self);
void        fk_enroll_page_set_server_pin       (FkEnrollPage *self,
                                                 const char   *server_pin);
void        fk_enroll_page_set_activation_code  (FkEnrollPage *self,
                                                 const char   *activation_code);

G_END_DECLS
