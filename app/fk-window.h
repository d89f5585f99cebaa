/* fk-window.h: the one window; every page is shown through it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "fk-client.h"

G_BEGIN_DECLS

typedef enum {
  FK_PAGE_LOADING,
  FK_PAGE_ENROLL,
  FK_PAGE_LOGIN,
  FK_PAGE_MAIN,
  FK_PAGE_TIP_FORM,
  FK_PAGE_SYNC_DETAILS,
} FkPage;

#define FK_TYPE_WINDOW (fk_window_get_type ())
G_DECLARE_FINAL_TYPE (FkWindow, fk_window, FK, WINDOW, AdwApplicationWindow)

FkWindow      *fk_window_new                  (AdwApplication *application,
                                               FkClient       *client);
FkClient      *fk_window_get_client           (FkWindow       *self);
/* The only way pages change, so a later move to AdwNavigationView touches
 * this one function. */
void           fk_window_show_page            (FkWindow       *self,
                                               FkPage          page);
/* The page that fits what the client knows: enroll, log in or work. */
FkPage         fk_window_page_for_state       (FkClientState   state);
void           fk_window_show_load_error      (FkWindow       *self,
                                               const GError   *error);
void           fk_window_toast                (FkWindow       *self,
                                               const char     *text);
/* Input in @window (this one, or a modal window over it) counts as use
 * for the idle lock. */
void           fk_window_watch_input          (FkWindow       *self,
                                               GtkWindow      *window);
/* Prefill for the enroll page, from the command line or a faltkoll:// URI. */
void           fk_window_prefill_enrollment   (FkWindow       *self,
                                               const char     *server_url,
                                               const char     *server_pin,
                                               const char     *activation_code);

G_END_DECLS
