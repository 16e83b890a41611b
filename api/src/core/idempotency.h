/* Idempotency-Key for pushes: a retried request with the same key and the same request gets
 * the first (successful) answer without writing again; the same key with another request is
 * a 409. Keys are per caller (subject). The stored answer commits with the data it reports. */
#ifndef LGVO_CORE_IDEMPOTENCY_H
#define LGVO_CORE_IDEMPOTENCY_H

struct req;

enum idem_result {
    IDEM_NEW = 0,   /* go ahead; store the answer with idempotency_store */
    IDEM_REPLAYED,  /* replied with the stored answer */
    IDEM_DONE,      /* replied (409, 400 or a database error) */
};

/* Validates the key, starts the request's transaction, serialises requests with the same key
 * and replays or refuses. sha receives the request's fingerprint. */
enum idem_result idempotency_begin(struct req *r, const char *key, char sha[65]);
/* Stores the answer in the request's transaction. Returns 0, or -1 after replying. */
int idempotency_store(struct req *r, const char *key, const char *sha, int status,
                      const char *body);

#endif
