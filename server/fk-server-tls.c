/* fk-server-tls.c: the server's own CA, its certificate and the pin
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Clients trust the pin, never the CA: the CA is there so the chain looks like
 * any deployment's to tools (curl, openssl s_client) that inspect it.
 */
#define G_LOG_DOMAIN "faltkoll-server"

#include "config.h"

#include <glib/gstdio.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "fk-crypto.h"
#include "fk-server-tls.h"

#define CA_CERT_FILE      "ca.pem"
#define CA_KEY_FILE       "ca-key.pem"
#define SERVER_CERT_FILE  "server.pem"
#define SERVER_KEY_FILE   "server-key.pem"
#define CA_DAYS           (10 * 365)
#define SERVER_DAYS       (2 * 365)

struct _FkServerTls
{
  GObject          parent_instance;

  char            *state_dir;
  GTlsCertificate *certificate;
  char            *pin;
};

static void fk_server_tls_initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FkServerTls, fk_server_tls, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      fk_server_tls_initable_iface_init))

enum {
  PROP_0,
  PROP_STATE_DIR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_AUTOPTR_CLEANUP_FUNC (X509, X509_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_PKEY, EVP_PKEY_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BIO, BIO_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (X509_NAME, X509_NAME_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BIGNUM, BN_free)

static gboolean
set_openssl_error (GError     **error,
                   const char  *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
               "Could not %s (OpenSSL error %lu)", what, ERR_get_error ());
  return FALSE;
}

static gboolean
add_extension (X509       *cert,
               X509       *issuer,
               int         nid,
               const char *value)
{
  X509V3_CTX ctx;
  X509_EXTENSION *ext;
  gboolean ok;

  X509V3_set_ctx (&ctx, issuer, cert, NULL, NULL, 0);
  ext = X509V3_EXT_conf_nid (NULL, &ctx, nid, value);
  if (ext == NULL)
    return FALSE;
  ok = X509_add_ext (cert, ext, -1) == 1;
  X509_EXTENSION_free (ext);
  return ok;
}

/* Signs @key's certificate with @issuer_key; @issuer NULL makes it self-signed. */
static X509 *
make_certificate (EVP_PKEY    *key,
                  const char  *common_name,
                  guint        days,
                  X509        *issuer,
                  EVP_PKEY    *issuer_key,
                  const char **extensions,
                  GError     **error)
{
  g_autoptr(X509) cert = X509_new ();
  g_autoptr(X509_NAME) name = X509_NAME_new ();
  g_autoptr(BIGNUM) serial = BN_new ();

  if (cert == NULL || name == NULL || serial == NULL
      || X509_set_version (cert, X509_VERSION_3) != 1
      || BN_rand (serial, 64, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) != 1
      || BN_to_ASN1_INTEGER (serial, X509_get_serialNumber (cert)) == NULL
      || X509_gmtime_adj (X509_getm_notBefore (cert), -60) == NULL
      || X509_time_adj_ex (X509_getm_notAfter (cert), days, 0, NULL) == NULL
      || X509_set_pubkey (cert, key) != 1
      || X509_NAME_add_entry_by_txt (name, "O", MBSTRING_UTF8,
                                     (const guchar *) "Faltkoll reference server", -1, -1, 0) != 1
      || X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_UTF8,
                                     (const guchar *) common_name, -1, -1, 0) != 1
      || X509_set_subject_name (cert, name) != 1
      || X509_set_issuer_name (cert, issuer ? X509_get_subject_name (issuer) : name) != 1)
    {
      set_openssl_error (error, "build a certificate");
      return NULL;
    }

  for (guint i = 0; extensions[i] != NULL; i += 2)
    {
      int nid = OBJ_sn2nid (extensions[i]);

      if (!add_extension (cert, issuer ? issuer : cert, nid, extensions[i + 1]))
        {
          set_openssl_error (error, "add a certificate extension");
          return NULL;
        }
    }

  if (X509_sign (cert, issuer_key, EVP_sha256 ()) == 0)
    {
      set_openssl_error (error, "sign a certificate");
      return NULL;
    }

  return g_steal_pointer (&cert);
}

static gboolean
write_pem (const char  *path,
           X509        *cert,
           X509        *chain,
           EVP_PKEY    *key,
           GError     **error)
{
  g_autoptr(BIO) bio = BIO_new (BIO_s_mem ());
  char *data = NULL;
  long length;

  if (bio == NULL
      || (cert != NULL && PEM_write_bio_X509 (bio, cert) != 1)
      || (chain != NULL && PEM_write_bio_X509 (bio, chain) != 1)
      || (key != NULL && PEM_write_bio_PrivateKey (bio, key, NULL, NULL, 0, NULL, NULL) != 1))
    return set_openssl_error (error, "encode PEM");

  length = BIO_get_mem_data (bio, &data);
  /* Keys are the server's identity: only its own user may read them. */
  return g_file_set_contents_full (path, data, length,
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                   key != NULL ? 0600 : 0644, error);
}

static gboolean
create_certificates (const char  *state_dir,
                     GError     **error)
{
  static const char *ca_extensions[] = {
    "basicConstraints", "critical,CA:TRUE",
    "keyUsage", "critical,keyCertSign,cRLSign",
    "subjectKeyIdentifier", "hash",
    NULL,
  };
  static const char *server_extensions[] = {
    "basicConstraints", "critical,CA:FALSE",
    "keyUsage", "critical,digitalSignature",
    "extendedKeyUsage", "serverAuth",
    "subjectAltName", "IP:127.0.0.1,IP:::1,DNS:localhost",
    "subjectKeyIdentifier", "hash",
    "authorityKeyIdentifier", "keyid:always",
    NULL,
  };
  g_autoptr(EVP_PKEY) ca_key = EVP_EC_gen ("P-256");
  g_autoptr(EVP_PKEY) server_key = EVP_EC_gen ("P-256");
  g_autoptr(X509) ca = NULL;
  g_autoptr(X509) server = NULL;
  g_autofree char *ca_cert_path = g_build_filename (state_dir, CA_CERT_FILE, NULL);
  g_autofree char *ca_key_path = g_build_filename (state_dir, CA_KEY_FILE, NULL);
  g_autofree char *server_cert_path = g_build_filename (state_dir, SERVER_CERT_FILE, NULL);
  g_autofree char *server_key_path = g_build_filename (state_dir, SERVER_KEY_FILE, NULL);

  if (ca_key == NULL || server_key == NULL)
    return set_openssl_error (error, "generate a P-256 key");

  ca = make_certificate (ca_key, "Faltkoll reference CA", CA_DAYS, NULL, ca_key, ca_extensions, error);
  if (ca == NULL)
    return FALSE;
  server = make_certificate (server_key, "localhost", SERVER_DAYS, ca, ca_key, server_extensions, error);
  if (server == NULL)
    return FALSE;

  /* The certificate is written last: its presence means the set is complete. */
  return write_pem (ca_key_path, NULL, NULL, ca_key, error)
         && write_pem (ca_cert_path, ca, NULL, NULL, error)
         && write_pem (server_key_path, NULL, NULL, server_key, error)
         && write_pem (server_cert_path, server, ca, NULL, error);
}

static char *
pin_from_pem (const char  *path,
              GError     **error)
{
  g_autofree char *pem = NULL;
  gsize length;
  g_autoptr(BIO) bio = NULL;
  g_autoptr(X509) cert = NULL;
  guint8 *der = NULL;
  int der_length;
  char *pin;

  if (!g_file_get_contents (path, &pem, &length, error))
    return NULL;

  bio = BIO_new_mem_buf (pem, (int) length);
  cert = PEM_read_bio_X509 (bio, NULL, NULL, NULL);
  if (cert == NULL)
    {
      set_openssl_error (error, "read the server certificate");
      return NULL;
    }

  der_length = i2d_PUBKEY (X509_get0_pubkey (cert), &der);
  if (der_length <= 0)
    {
      set_openssl_error (error, "encode the server public key");
      return NULL;
    }
  pin = fk_crypto_sha256_hex (der, der_length);
  OPENSSL_free (der);

  return pin;
}

static gboolean
fk_server_tls_initable_init (GInitable     *initable,
                             GCancellable  *cancellable,
                             GError       **error)
{
  FkServerTls *self = FK_SERVER_TLS (initable);
  g_autofree char *cert_path = g_build_filename (self->state_dir, SERVER_CERT_FILE, NULL);
  g_autofree char *key_path = g_build_filename (self->state_dir, SERVER_KEY_FILE, NULL);

  if (!g_file_test (cert_path, G_FILE_TEST_EXISTS)
      && !create_certificates (self->state_dir, error))
    return FALSE;

  self->certificate = g_tls_certificate_new_from_files (cert_path, key_path, error);
  if (self->certificate == NULL)
    return FALSE;

  self->pin = pin_from_pem (cert_path, error);

  return self->pin != NULL;
}

static void
fk_server_tls_initable_iface_init (GInitableIface *iface)
{
  iface->init = fk_server_tls_initable_init;
}

static void
fk_server_tls_finalize (GObject *object)
{
  FkServerTls *self = FK_SERVER_TLS (object);

  g_clear_pointer (&self->state_dir, g_free);
  g_clear_object (&self->certificate);
  g_clear_pointer (&self->pin, g_free);

  G_OBJECT_CLASS (fk_server_tls_parent_class)->finalize (object);
}

static void
fk_server_tls_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  FkServerTls *self = FK_SERVER_TLS (object);

  switch (prop_id)
    {
    case PROP_STATE_DIR:
      g_value_set_string (value, self->state_dir);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fk_server_tls_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  FkServerTls *self = FK_SERVER_TLS (object);

  switch (prop_id)
    {
    case PROP_STATE_DIR:
      self->state_dir = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fk_server_tls_class_init (FkServerTlsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fk_server_tls_finalize;
  object_class->get_property = fk_server_tls_get_property;
  object_class->set_property = fk_server_tls_set_property;

  properties[PROP_STATE_DIR] =
    g_param_spec_string ("state-dir", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fk_server_tls_init (FkServerTls *self)
{
}

FkServerTls *
fk_server_tls_new (const char  *state_dir,
                   GError     **error)
{
  g_return_val_if_fail (state_dir != NULL, NULL);

  return g_initable_new (FK_TYPE_SERVER_TLS, NULL, error,
                         "state-dir", state_dir,
                         NULL);
}

GTlsCertificate *
fk_server_tls_get_certificate (FkServerTls *self)
{
  g_return_val_if_fail (FK_IS_SERVER_TLS (self), NULL);

  return self->certificate;
}

const char *
fk_server_tls_get_pin (FkServerTls *self)
{
  g_return_val_if_fail (FK_IS_SERVER_TLS (self), NULL);

  return self->pin;
}
