/* fk-test-secrets.c: looking for secrets where they must not be
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <libsecret/secret.h>

#include "fk-test-secrets.h"

/* The client's schema (app/core/fk-secret-store.c), spelled out again:
 * the test checks what is stored, not what the code thinks it stores. */
static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    "io.github.faltkoll.Faltkoll.Secret", SECRET_SCHEMA_NONE,
    {
      { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "scope", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };

  return &schema;
}

char *
fk_test_keyring_lookup (const char *data_dir,
                        const char *kind)
{
  g_autofree char *scope = g_canonicalize_filename (data_dir, NULL);
  g_autoptr(GError) error = NULL;
  char *secret;

  secret = secret_password_lookup_sync (get_schema (), NULL, &error,
                                        "kind", kind, "scope", scope, NULL);
  g_assert_no_error (error);
  return secret;
}

static void
keyring_item_free (FkTestKeyringItem *item)
{
  g_free (item->collection);
  g_free (item->label);
  g_free (item->attributes);
  g_clear_pointer (&item->secret, g_bytes_unref);
  g_free (item);
}

static char *
attributes_to_string (GHashTable *attributes)
{
  GString *text = g_string_new (NULL);
  GHashTableIter iter;
  gpointer name, value;

  g_hash_table_iter_init (&iter, attributes);
  while (g_hash_table_iter_next (&iter, &name, &value))
    g_string_append_printf (text, "%s=%s\n", (char *) name, (char *) value);
  return g_string_free (text, FALSE);
}

GPtrArray *
fk_test_keyring_list_all (void)
{
  g_autoptr(SecretService) service = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) keyring_item_free);
  GList *collections;

  service = secret_service_get_sync (SECRET_SERVICE_OPEN_SESSION | SECRET_SERVICE_LOAD_COLLECTIONS, NULL, &error);
  g_assert_no_error (error);
  collections = secret_service_get_collections (service);
  g_assert_nonnull (collections);
  secret_service_unlock_sync (service, collections, NULL, NULL, &error);
  g_assert_no_error (error);

  for (GList *c = collections; c != NULL; c = c->next)
    {
      SecretCollection *collection = c->data;
      GList *list;

      secret_collection_load_items_sync (collection, NULL, &error);
      g_assert_no_error (error);
      list = secret_collection_get_items (collection);
      for (GList *i = list; i != NULL; i = i->next)
        {
          SecretItem *item = i->data;
          FkTestKeyringItem *found = g_new0 (FkTestKeyringItem, 1);
          g_autoptr(GHashTable) attributes = secret_item_get_attributes (item);
          SecretValue *value;
          const char *data;
          gsize length;

          secret_item_load_secret_sync (item, NULL, &error);
          g_assert_no_error (error);
          value = secret_item_get_secret (item);
          g_assert_nonnull (value);
          data = secret_value_get (value, &length);

          found->collection = g_strdup (g_dbus_proxy_get_object_path (G_DBUS_PROXY (collection)));
          found->label = secret_item_get_label (item);
          found->attributes = attributes_to_string (attributes);
          found->secret = g_bytes_new (data, length);
          secret_value_unref (value);
          g_ptr_array_add (items, found);
        }
      g_list_free_full (list, g_object_unref);
    }
  g_list_free_full (collections, g_object_unref);
  /* The proxies cache the item lists, and this process does not run a main
   * loop to hear of changes: the next listing starts from a new service. */
  g_clear_object (&service);
  secret_service_disconnect ();

  return items;
}

static void
add_text (GPtrArray  *forms,
          char       *text)
{
  g_ptr_array_add (forms, g_bytes_new_take (text, strlen (text)));
}

GPtrArray *
fk_test_secret_forms (GBytes *secret)
{
  GPtrArray *forms = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  gsize length;
  const guint8 *data = g_bytes_get_data (secret, &length);
  char *base64 = g_base64_encode (data, length);
  char *url = g_strdup (base64);
  GString *hex = g_string_new (NULL);
  char *pad;

  g_assert_cmpuint (length, >=, 8);
  g_ptr_array_add (forms, g_bytes_ref (secret));
  add_text (forms, base64);
  g_strdelimit (url, "+", '-');
  g_strdelimit (url, "/", '_');
  if ((pad = strchr (url, '=')) != NULL)
    *pad = '\0';
  add_text (forms, url);
  for (gsize i = 0; i < length; i++)
    g_string_append_printf (hex, "%02x", data[i]);
  add_text (forms, g_ascii_strup (hex->str, -1));
  add_text (forms, g_string_free (hex, FALSE));

  return forms;
}

GBytes *
fk_test_find_any (GBytes    *haystack,
                  GPtrArray *forms)
{
  gsize length;
  const guint8 *data = g_bytes_get_data (haystack, &length);

  for (guint i = 0; i < forms->len; i++)
    {
      GBytes *form = g_ptr_array_index (forms, i);
      gsize form_length;
      const guint8 *needle = g_bytes_get_data (form, &form_length);

      if (data != NULL && memmem (data, length, needle, form_length) != NULL)
        return form;
    }

  return NULL;
}

char *
fk_test_find_in_tree (const char *dir,
                      GPtrArray  *forms)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  if (listing == NULL)
    return NULL;

  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      g_autoptr(GBytes) bytes = NULL;
      char *found;
      gsize length;

      if (g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          if ((found = fk_test_find_in_tree (path, forms)) != NULL)
            return found;
          continue;
        }
      /* Sockets and pipes (the keyring's control socket) have no contents. */
      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR) ||
          !g_file_get_contents (path, &contents, &length, NULL))
        continue;
      bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
      if (fk_test_find_any (bytes, forms) != NULL)
        return g_steal_pointer (&path);
    }

  return NULL;
}
