/* Signing keys; see keys.h. Key material is handled with OpenSSL 3 (generation, PEM, JWK
 * coordinates); tokens are signed and verified by libjwt with the PEM forms. */
#include "auth/keys.h"

#include "config.h"
#include "log.h"
#include "util/b64url.h"
#include "util/mem.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define MAX_TOKEN_LEN 8192

struct key {
    char kid[64];
    jwt_alg_t alg;
    char *public_pem;  /* or the HS256 secret */
    size_t public_len;
    char *private_pem; /* NULL when this copy only verifies with it */
    size_t private_len;
    json_t *jwk;       /* NULL for HS256 */
};

struct keyset {
    struct key *keys;
    int count;
    int signer; /* index of the signing key, -1 if none */
    char *jwks;
    size_t jwks_len;
};

struct keyring {
    pthread_rwlock_t lock;
    struct keyset *set;
    jwt_alg_t alg;
    char *key_file;
    char *hs256_secret;
};

static void keyset_free(struct keyset *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->count; i++) {
        free(s->keys[i].public_pem);
        if (s->keys[i].private_pem) {
            OPENSSL_cleanse(s->keys[i].private_pem, s->keys[i].private_len);
            free(s->keys[i].private_pem);
        }
        json_decref(s->keys[i].jwk);
    }
    free(s->keys);
    free(s->jwks);
    free(s);
}

struct keyring *keyring_create(const struct config *cfg)
{
    struct keyring *kr = xcalloc(1, sizeof *kr);
    pthread_rwlock_init(&kr->lock, NULL);
    kr->alg = jwt_str_alg(cfg->jwt_alg);
    kr->key_file = xstrdup(cfg->jwt_key_file);
    kr->hs256_secret = xstrdup(cfg->jwt_hs256_secret);
    return kr;
}

void keyring_destroy(struct keyring *kr)
{
    if (!kr)
        return;
    keyset_free(kr->set);
    free(kr->key_file);
    if (kr->hs256_secret) {
        OPENSSL_cleanse(kr->hs256_secret, strlen(kr->hs256_secret));
        free(kr->hs256_secret);
    }
    pthread_rwlock_destroy(&kr->lock);
    free(kr);
}

static char *bio_to_string(BIO *bio, size_t *len)
{
    char *data = NULL;
    long n = BIO_get_mem_data(bio, &data);
    char *out = xstrndup(data, (size_t)n);
    if (len)
        *len = (size_t)n;
    return out;
}

static char *bn_b64url(const EVP_PKEY *pkey, const char *param, int pad_to)
{
    BIGNUM *bn = NULL;
    if (!EVP_PKEY_get_bn_param(pkey, param, &bn))
        return NULL;
    int n = pad_to ? pad_to : BN_num_bytes(bn);
    unsigned char *buf = xmalloc((size_t)n);
    BN_bn2binpad(bn, buf, n);
    char *out = b64url_encode(buf, (size_t)n);
    free(buf);
    BN_free(bn);
    return out;
}

/* The public JWK of pkey with its RFC 7638 thumbprint as kid. Returns NULL for unsupported
 * keys (only P-256 EC and RSA). */
static json_t *public_jwk(EVP_PKEY *pkey, jwt_alg_t *alg, char kid[64])
{
    json_t *canonical = NULL;
    if (EVP_PKEY_is_a(pkey, "EC")) {
        char curve[32] = "";
        EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, curve, sizeof curve,
                                       NULL);
        if (strcmp(curve, "prime256v1") != 0 && strcmp(curve, "P-256") != 0)
            return NULL;
        char *x = bn_b64url(pkey, OSSL_PKEY_PARAM_EC_PUB_X, 32);
        char *y = bn_b64url(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, 32);
        if (x && y)
            canonical = json_pack("{s:s, s:s, s:s, s:s}", "crv", "P-256", "kty", "EC", "x", x,
                                  "y", y);
        free(x);
        free(y);
        *alg = JWT_ALG_ES256;
    } else if (EVP_PKEY_is_a(pkey, "RSA")) {
        char *n = bn_b64url(pkey, OSSL_PKEY_PARAM_RSA_N, 0);
        char *e = bn_b64url(pkey, OSSL_PKEY_PARAM_RSA_E, 0);
        if (n && e)
            canonical = json_pack("{s:s, s:s, s:s}", "e", e, "kty", "RSA", "n", n);
        free(n);
        free(e);
        *alg = JWT_ALG_RS256;
    }
    if (!canonical)
        return NULL;
    /* RFC 7638: members in lexicographic order, no whitespace. */
    char *text = json_dumps(canonical, JSON_COMPACT | JSON_SORT_KEYS);
    unsigned char md[32];
    unsigned int mdlen = 0;
    EVP_Digest(text, strlen(text), md, &mdlen, EVP_sha256(), NULL);
    free(text);
    char *thumb = b64url_encode(md, sizeof md);
    snprintf(kid, 64, "%s", thumb);
    free(thumb);
    json_object_set_new(canonical, "kid", json_string(kid));
    json_object_set_new(canonical, "alg", json_string(jwt_alg_str(*alg)));
    json_object_set_new(canonical, "use", json_string("sig"));
    return canonical;
}

/* Fills k from a private key. Returns 0 or -1. */
static int key_from_pkey(struct key *k, EVP_PKEY *pkey, int with_private)
{
    json_t *jwk = public_jwk(pkey, &k->alg, k->kid);
    if (!jwk)
        return -1;
    k->jwk = jwk;
    BIO *bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(bio, pkey);
    k->public_pem = bio_to_string(bio, &k->public_len);
    BIO_free(bio);
    if (with_private) {
        bio = BIO_new(BIO_s_mem());
        PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL, NULL);
        k->private_pem = bio_to_string(bio, &k->private_len);
        BIO_free(bio);
    }
    return 0;
}

static EVP_PKEY *generate(jwt_alg_t alg)
{
    if (alg == JWT_ALG_RS256)
        return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
}

static void render_jwks(struct keyset *s)
{
    json_t *keys = json_array();
    for (int i = 0; i < s->count; i++)
        if (s->keys[i].jwk)
            json_array_append(keys, s->keys[i].jwk);
    json_t *doc = json_pack("{s:o}", "keys", keys);
    s->jwks = json_dumps(doc, JSON_COMPACT);
    s->jwks_len = strlen(s->jwks);
    json_decref(doc);
}

static struct keyset *load_file(struct keyring *kr, char *err, size_t errlen)
{
    FILE *f = fopen(kr->key_file, "r");
    if (!f) {
        snprintf(err, errlen, "LGVO_JWT_KEY_FILE: cannot open %s", kr->key_file);
        return NULL;
    }
    EVP_PKEY *pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    struct keyset *s = xcalloc(1, sizeof *s);
    s->keys = xcalloc(1, sizeof *s->keys);
    if (!pkey || key_from_pkey(&s->keys[0], pkey, 1) != 0) {
        snprintf(err, errlen, "LGVO_JWT_KEY_FILE: %s is not a PEM private key for P-256 (ES256) or RSA (RS256)",
                 kr->key_file);
        EVP_PKEY_free(pkey);
        keyset_free(s);
        return NULL;
    }
    EVP_PKEY_free(pkey);
    s->count = 1;
    if (s->keys[0].alg != kr->alg) {
        snprintf(err, errlen, "LGVO_JWT_KEY_FILE holds a %s key but LGVO_JWT_ALG is %s",
                 jwt_alg_str(s->keys[0].alg), jwt_alg_str(kr->alg));
        keyset_free(s);
        return NULL;
    }
    s->signer = 0;
    return s;
}

static struct keyset *load_hs256(struct keyring *kr)
{
    struct keyset *s = xcalloc(1, sizeof *s);
    s->keys = xcalloc(1, sizeof *s->keys);
    struct key *k = &s->keys[0];
    k->alg = JWT_ALG_HS256;
    unsigned char md[32];
    unsigned int mdlen = 0;
    EVP_Digest(kr->hs256_secret, strlen(kr->hs256_secret), md, &mdlen, EVP_sha256(), NULL);
    char *hint = b64url_encode(md, 9);
    snprintf(k->kid, sizeof k->kid, "hs256-%s", hint);
    free(hint);
    k->public_pem = xstrdup(kr->hs256_secret);
    k->public_len = strlen(k->public_pem);
    k->private_pem = xstrdup(kr->hs256_secret);
    k->private_len = k->public_len;
    s->count = 1;
    s->signer = 0;
    return s;
}

/* Inserts a freshly generated key. */
static int insert_new_key(PGconn *pg, jwt_alg_t alg, char kid[64], char *err, size_t errlen)
{
    EVP_PKEY *pkey = generate(alg);
    struct key k = {0};
    if (!pkey || key_from_pkey(&k, pkey, 1) != 0) {
        snprintf(err, errlen, "cannot generate a %s key", jwt_alg_str(alg));
        EVP_PKEY_free(pkey);
        return -1;
    }
    EVP_PKEY_free(pkey);
    char *jwk = json_dumps(k.jwk, JSON_COMPACT);
    const char *params[] = {k.kid, jwt_alg_str(alg), k.private_pem, k.public_pem, jwk};
    PGresult *r = PQexecParams(pg,
                               "INSERT INTO core.signing_keys (kid, alg, private_pem, public_pem, public_jwk) "
                               "VALUES ($1, $2, $3, $4, $5::jsonb)",
                               5, NULL, params, NULL, NULL, 0);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        snprintf(err, errlen, "cannot store the new key: %s", PQresultErrorMessage(r));
    else
        snprintf(kid, 64, "%s", k.kid);
    PQclear(r);
    free(jwk);
    free(k.public_pem);
    OPENSSL_cleanse(k.private_pem, k.private_len);
    free(k.private_pem);
    json_decref(k.jwk);
    return ok ? 0 : -1;
}

/* Creates the first key of the configured algorithm unless one exists (two starting copies
 * serialise on an advisory lock). */
static int ensure_signing_key(PGconn *pg, jwt_alg_t alg, char *err, size_t errlen)
{
    const char *params[] = {jwt_alg_str(alg)};
    PGresult *r = PQexec(pg, "SELECT pg_advisory_lock(1279743568)");
    PQclear(r);
    r = PQexecParams(pg, "SELECT 1 FROM core.signing_keys WHERE alg = $1 AND active", 1, NULL,
                     params, NULL, NULL, 0);
    int rc = 0;
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        snprintf(err, errlen, "cannot read core.signing_keys: %s", PQresultErrorMessage(r));
        rc = -1;
    } else if (PQntuples(r) == 0) {
        char kid[64];
        rc = insert_new_key(pg, alg, kid, err, errlen);
        if (rc == 0)
            log_msg(LOG_INFO, "created the first %s signing key %s", jwt_alg_str(alg), kid);
    }
    PQclear(r);
    PQclear(PQexec(pg, "SELECT pg_advisory_unlock(1279743568)"));
    return rc;
}

static struct keyset *load_db(struct keyring *kr, PGconn *pg, char *err, size_t errlen)
{
    if (ensure_signing_key(pg, kr->alg, err, errlen) != 0)
        return NULL;
    PGresult *r = PQexec(pg, "SELECT kid, alg, private_pem, active FROM core.signing_keys "
                             "ORDER BY created_at DESC, kid");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        snprintf(err, errlen, "cannot read core.signing_keys: %s", PQresultErrorMessage(r));
        PQclear(r);
        return NULL;
    }
    struct keyset *s = xcalloc(1, sizeof *s);
    int n = PQntuples(r);
    s->keys = xcalloc((size_t)n + 1, sizeof *s->keys);
    s->signer = -1;
    for (int i = 0; i < n; i++) {
        const char *pem = PQgetvalue(r, i, 2);
        BIO *bio = BIO_new_mem_buf(pem, -1);
        EVP_PKEY *pkey = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
        BIO_free(bio);
        struct key *k = &s->keys[s->count];
        if (!pkey || key_from_pkey(k, pkey, 1) != 0 || strcmp(k->kid, PQgetvalue(r, i, 0)) != 0) {
            log_msg(LOG_ERROR, "signing key %s in core.signing_keys is unusable; skipped",
                    PQgetvalue(r, i, 0));
            free(k->public_pem);
            free(k->private_pem);
            json_decref(k->jwk);
            memset(k, 0, sizeof *k);
            EVP_PKEY_free(pkey);
            continue;
        }
        EVP_PKEY_free(pkey);
        /* Rows are newest first: the first active one of our algorithm signs. */
        if (s->signer < 0 && k->alg == kr->alg && PQgetvalue(r, i, 3)[0] == 't')
            s->signer = s->count;
        s->count++;
    }
    PQclear(r);
    if (s->signer < 0) {
        snprintf(err, errlen, "no usable %s signing key in core.signing_keys",
                 jwt_alg_str(kr->alg));
        keyset_free(s);
        return NULL;
    }
    return s;
}

int keyring_load(struct keyring *kr, PGconn *pg, char *err, size_t errlen)
{
    struct keyset *s;
    if (kr->hs256_secret)
        s = load_hs256(kr);
    else if (kr->key_file)
        s = load_file(kr, err, errlen);
    else
        s = load_db(kr, pg, err, errlen);
    if (!s)
        return -1;
    render_jwks(s);
    pthread_rwlock_wrlock(&kr->lock);
    struct keyset *old = kr->set;
    kr->set = s;
    pthread_rwlock_unlock(&kr->lock);
    keyset_free(old);
    return 0;
}

int keyring_rotate(const struct config *cfg, PGconn *pg, char kid[64], char *err, size_t errlen)
{
    jwt_alg_t alg = jwt_str_alg(cfg->jwt_alg);
    if (alg == JWT_ALG_HS256 || cfg->jwt_key_file) {
        snprintf(err, errlen, "keys are not stored in the database here (%s): rotate them where they are configured",
                 cfg->jwt_key_file ? "LGVO_JWT_KEY_FILE is set" : "LGVO_JWT_ALG=HS256");
        return -1;
    }
    return insert_new_key(pg, alg, kid, err, errlen);
}

char *keyring_sign(struct keyring *kr, jwt_t *jwt)
{
    char *token = NULL;
    pthread_rwlock_rdlock(&kr->lock);
    const struct key *k = kr->set && kr->set->signer >= 0 ? &kr->set->keys[kr->set->signer] : NULL;
    if (k && jwt_add_header(jwt, "kid", k->kid) == 0 &&
        jwt_set_alg(jwt, k->alg, (const unsigned char *)k->private_pem, (int)k->private_len) == 0)
        token = jwt_encode_str(jwt);
    pthread_rwlock_unlock(&kr->lock);
    return token;
}

/* Reads alg and kid from the token's header without trusting anything else in it. */
static int read_header(const char *token, char alg[16], char kid[64])
{
    const char *dot = strchr(token, '.');
    if (!dot)
        return -1;
    size_t n = 0;
    unsigned char *raw = b64url_decode(token, (size_t)(dot - token), &n);
    if (!raw)
        return -1;
    json_t *h = json_loadb((const char *)raw, n, JSON_REJECT_DUPLICATES, NULL);
    free(raw);
    const char *a = json_string_value(json_object_get(h, "alg"));
    const char *k = json_string_value(json_object_get(h, "kid"));
    int ok = a && k && strlen(a) < 16 && strlen(k) < 64;
    if (ok) {
        strcpy(alg, a);
        strcpy(kid, k);
    }
    json_decref(h);
    return ok ? 0 : -1;
}

int keyring_verify(struct keyring *kr, const char *token, jwt_t **out, const char **why)
{
    *out = NULL;
    size_t len = strlen(token), dots = 0;
    for (size_t i = 0; i < len; i++)
        dots += token[i] == '.';
    if (len > MAX_TOKEN_LEN || dots != 2) {
        *why = "the token is not a JWT";
        return -1;
    }
    char alg[16], kid[64];
    if (read_header(token, alg, kid) != 0) {
        *why = "the token header has no alg or kid";
        return -1;
    }
    char *key = NULL;
    size_t keylen = 0;
    jwt_alg_t key_alg = JWT_ALG_NONE;
    pthread_rwlock_rdlock(&kr->lock);
    for (int i = 0; kr->set && i < kr->set->count; i++) {
        const struct key *k = &kr->set->keys[i];
        if (strcmp(k->kid, kid) == 0) {
            key = xstrndup(k->public_pem, k->public_len);
            keylen = k->public_len;
            key_alg = k->alg;
            break;
        }
    }
    pthread_rwlock_unlock(&kr->lock);
    int rc = -1;
    if (!key) {
        *why = "the token was signed with an unknown key";
    } else if (jwt_str_alg(alg) != key_alg || key_alg == JWT_ALG_NONE) {
        *why = "the token's algorithm does not match its key";
    } else if (jwt_decode(out, token, (const unsigned char *)key, (int)keylen) != 0 || !*out) {
        *why = "the token signature is invalid";
        *out = NULL;
    } else if (jwt_get_alg(*out) != key_alg) {
        *why = "the token's algorithm does not match its key";
        jwt_free(*out);
        *out = NULL;
    } else {
        rc = 0;
    }
    if (key) {
        OPENSSL_cleanse(key, keylen);
        free(key);
    }
    return rc;
}

char *keyring_jwks(struct keyring *kr, size_t *len)
{
    pthread_rwlock_rdlock(&kr->lock);
    char *out = kr->set ? xstrndup(kr->set->jwks, kr->set->jwks_len) : xstrdup("{\"keys\":[]}");
    *len = strlen(out);
    pthread_rwlock_unlock(&kr->lock);
    return out;
}

json_t *keyring_list(PGconn *pg, char *err, size_t errlen)
{
    PGresult *r = PQexec(pg, "SELECT kid, alg, to_char(created_at AT TIME ZONE 'UTC', "
                             "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), active "
                             "FROM core.signing_keys ORDER BY created_at, kid");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        snprintf(err, errlen, "cannot read core.signing_keys: %s", PQresultErrorMessage(r));
        PQclear(r);
        return NULL;
    }
    json_t *list = json_array();
    for (int i = 0; i < PQntuples(r); i++)
        json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:b}", "kid", PQgetvalue(r, i, 0),
                                              "algorithm", PQgetvalue(r, i, 1), "created",
                                              PQgetvalue(r, i, 2), "active",
                                              PQgetvalue(r, i, 3)[0] == 't'));
    PQclear(r);
    return list;
}
