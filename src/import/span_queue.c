/* import/span_queue.c: a bounded ring of span copies between a reader and
 * the thread that stores them. Knows struct sp_span and pthreads; nothing
 * of SQL, of the store or of any dump format.
 *
 * Parsing a dump (JSON, CSV, gzip, metadata files) and writing SQLite pages
 * take about the same time; with the writer on its own thread an import
 * runs at the pace of the slower of the two instead of their sum. One
 * reader pushes, one thread takes, in order: the store sees exactly the
 * sequence of puts a single thread would have made. */
#include "import/span_queue.h"

#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Memory stays flat: at most QUEUE_SLOTS spans and QUEUE_MAX_BYTES of their
 * text wait at once (a single larger span still goes through, alone), and a
 * slot gives back a buffer above SLOT_KEEP_BYTES when it is reused. */
#define QUEUE_SLOTS 64
#define QUEUE_MAX_BYTES (8u << 20)
#define SLOT_KEEP_BYTES (64u << 10)
/* A waiting thread is woken once this many spans wait (or at drain): one
 * wake-up, a system call and a switch, per batch rather than per span. */
#define WAKE_BATCH 16

struct slot {
    struct sp_span span; /* its strings point into text */
    char *text;
    size_t cap, used;
};

struct span_queue {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t can_push; /* a slot was freed */
    pthread_cond_t can_take; /* a slot was filled, or closing was set */
    span_queue_put_fn put;
    void *arg;
    struct slot slots[QUEUE_SLOTS];
    size_t head;      /* the oldest queued slot */
    size_t n;         /* queued slots, the one being put included */
    size_t bytes;     /* text bytes of the queued slots */
    int pusher_waits; /* the reader waits on can_push */
    int taker_waits;  /* the thread waits on can_take */
    int closing;      /* no more pushes: the thread ends once drained */
    int discard;      /* drop what is queued */
    int failed;       /* a put failed: err says why */
    struct sp_err err;
};

/* The string members of struct sp_span, metadata aside. */
static const size_t TEXT_FIELDS[] = {
    offsetof(struct sp_span, document_uuid),
    offsetof(struct sp_span, commit_uuid),
    offsetof(struct sp_span, experiment_uuid),
    offsetof(struct sp_span, document_log_uuid),
    offsetof(struct sp_span, name),
    offsetof(struct sp_span, kind),
    offsetof(struct sp_span, type),
    offsetof(struct sp_span, status),
    offsetof(struct sp_span, message),
    offsetof(struct sp_span, source),
    offsetof(struct sp_span, model),
    offsetof(struct sp_span, provider),
    offsetof(struct sp_span, created_at),
    offsetof(struct sp_span, updated_at),
};
#define N_TEXT_FIELDS (sizeof(TEXT_FIELDS) / sizeof(TEXT_FIELDS[0]))

static const char **text_field(struct sp_span *s, size_t i)
{
    return (const char **)(void *)((char *)s + TEXT_FIELDS[i]);
}

static size_t span_text_bytes(const struct sp_span *s)
{
    size_t i, n = s->metadata ? s->metadata_len + 1 : 0;

    for (i = 0; i < N_TEXT_FIELDS; i++) {
        const char *v = *text_field((struct sp_span *)s, i);

        n += v ? strlen(v) + 1 : 0;
    }
    return n;
}

/* Copies s and its strings into the slot; bytes is span_text_bytes(s). */
static int slot_fill(struct slot *sl, const struct sp_span *s, size_t bytes,
                     struct sp_err *err)
{
    char *p;
    size_t i;

    if (bytes > sl->cap ||
        (sl->cap > SLOT_KEEP_BYTES && bytes <= SLOT_KEEP_BYTES)) {
        free(sl->text);
        sl->cap = bytes > 64 ? bytes : 64;
        sl->text = malloc(sl->cap);
        if (!sl->text) {
            sl->cap = 0;
            return sp_err_set(err, SP_ENOMEM, "out of memory queueing a span");
        }
    }
    sl->span = *s;
    sl->used = bytes;
    p = sl->text;
    for (i = 0; i < N_TEXT_FIELDS; i++) {
        const char *v = *text_field(&sl->span, i);
        size_t len;

        if (!v)
            continue;
        len = strlen(v) + 1;
        memcpy(p, v, len);
        *text_field(&sl->span, i) = p;
        p += len;
    }
    if (s->metadata) {
        memcpy(p, s->metadata, s->metadata_len);
        p[s->metadata_len] = '\0';
        sl->span.metadata = p;
    }
    return 0;
}

static void *queue_main(void *arg)
{
    struct span_queue *q = arg;

    pthread_mutex_lock(&q->mu);
    for (;;) {
        struct slot *sl;
        struct sp_err err = {0};
        int rc = 0;

        while (q->n == 0 && !q->closing) {
            q->taker_waits = 1;
            pthread_cond_wait(&q->can_take, &q->mu);
            q->taker_waits = 0;
        }
        if (q->n == 0)
            break;
        sl = &q->slots[q->head];
        if (!q->failed && !q->discard) {
            pthread_mutex_unlock(&q->mu); /* the slot is ours until n drops */
            rc = q->put(q->arg, &sl->span, &err);
            pthread_mutex_lock(&q->mu);
        }
        if (rc != 0 && !q->failed) {
            q->failed = 1;
            q->err = err;
        }
        q->head = (q->head + 1) % QUEUE_SLOTS;
        q->n--;
        q->bytes -= sl->used;
        if (q->pusher_waits) /* a wake-up is a system call: only if asked */
            pthread_cond_signal(&q->can_push);
    }
    pthread_mutex_unlock(&q->mu);
    return NULL;
}

static void queue_free(struct span_queue *q)
{
    size_t i;

    for (i = 0; i < QUEUE_SLOTS; i++)
        free(q->slots[i].text);
    pthread_cond_destroy(&q->can_take);
    pthread_cond_destroy(&q->can_push);
    pthread_mutex_destroy(&q->mu);
    free(q);
}

int span_queue_start(struct span_queue **out, span_queue_put_fn put, void *arg,
                     struct sp_err *err)
{
    struct span_queue *q = calloc(1, sizeof(*q));

    *out = NULL;
    if (!q)
        return sp_err_set(err, SP_ENOMEM, "out of memory");
    q->put = put;
    q->arg = arg;
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->can_push, NULL);
    pthread_cond_init(&q->can_take, NULL);
    if (pthread_create(&q->thread, NULL, queue_main, q) != 0) {
        queue_free(q);
        return -1; /* the caller stores spans itself */
    }
    *out = q;
    return 0;
}

/* Waits for room. The thread may be asleep waiting for a full batch that
 * the byte limit will never let gather: wake it first. */
static void wait_to_push(struct span_queue *q)
{
    if (q->taker_waits)
        pthread_cond_signal(&q->can_take);
    q->pusher_waits = 1;
    pthread_cond_wait(&q->can_push, &q->mu);
    q->pusher_waits = 0;
}

static int failed(struct span_queue *q, struct sp_err *err)
{
    *err = q->err;
    pthread_mutex_unlock(&q->mu);
    return -1;
}

int span_queue_push(struct span_queue *q, const struct sp_span *s,
                    struct sp_err *err)
{
    size_t bytes = span_text_bytes(s);
    struct slot *sl;

    pthread_mutex_lock(&q->mu);
    while (!q->failed && (q->n == QUEUE_SLOTS ||
                          (q->n > 0 && q->bytes + bytes > QUEUE_MAX_BYTES)))
        wait_to_push(q);
    if (q->failed)
        return failed(q, err);
    /* The tail slot is not queued: the thread does not touch it. */
    sl = &q->slots[(q->head + q->n) % QUEUE_SLOTS];
    pthread_mutex_unlock(&q->mu);
    if (slot_fill(sl, s, bytes, err) != 0)
        return -1;
    pthread_mutex_lock(&q->mu);
    q->n++;
    q->bytes += bytes;
    if (q->taker_waits &&
        (q->n >= WAKE_BATCH || q->bytes >= QUEUE_MAX_BYTES / 2))
        pthread_cond_signal(&q->can_take);
    pthread_mutex_unlock(&q->mu);
    return 0;
}

int span_queue_drain(struct span_queue *q, struct sp_err *err)
{
    pthread_mutex_lock(&q->mu);
    pthread_cond_signal(&q->can_take); /* the last batch may be short */
    while (q->n > 0)
        wait_to_push(q);
    if (q->failed)
        return failed(q, err);
    pthread_mutex_unlock(&q->mu);
    return 0;
}

void span_queue_stop(struct span_queue *q, int discard)
{
    if (!q)
        return;
    pthread_mutex_lock(&q->mu);
    q->closing = 1;
    q->discard = discard;
    pthread_cond_signal(&q->can_take);
    pthread_mutex_unlock(&q->mu);
    pthread_join(q->thread, NULL);
    queue_free(q);
}
