/* import/span_queue.h: hands spans from a reader to a thread that stores
 * them, so that parsing and SQLite each keep one core busy. Knows struct
 * sp_span; nothing of the store or of any dump format. */
#ifndef SP_SPAN_QUEUE_H
#define SP_SPAN_QUEUE_H

#include "import/writer.h"
#include "util/err.h"

/* What the thread calls for each span, in the order they were pushed. */
typedef int (*span_queue_put_fn)(void *arg, const struct sp_span *s,
                                 struct sp_err *err);

struct span_queue;

/* Starts the thread. On failure (no thread could be made) *q is NULL and
 * the caller stores spans itself. */
int span_queue_start(struct span_queue **q, span_queue_put_fn put, void *arg,
                     struct sp_err *err);

/* Copies s into the queue, waiting while the queue is full. Returns -1
 * once any put has failed, with that put's error: the caller stops. */
int span_queue_push(struct span_queue *q, const struct sp_span *s,
                    struct sp_err *err);

/* Waits until every pushed span was put; -1 with the error of a failed
 * put. After it returns, what the puts changed may be read safely. */
int span_queue_drain(struct span_queue *q, struct sp_err *err);

/* Ends the thread and frees the queue (NULL is fine). With discard,
 * spans not yet put are dropped (the caller rolls back). */
void span_queue_stop(struct span_queue *q, int discard);

#endif
