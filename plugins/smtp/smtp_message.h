/* plugins/smtp/smtp_message.h: the notification e-mail, built in memory.
 * Knows struct sp_event and the mail RFCs; nothing of libcurl or config. */
#ifndef SMTP_MESSAGE_H
#define SMTP_MESSAGE_H

#include <stddef.h>
#include <time.h>

#include <spanport-plugin.h>

#define SMTPMSG_SUBJECT_MAX 200 /* bytes of UTF-8 in a configured subject */

struct smtpmsg_head {
    const char *from;        /* a checked addr-spec (ASCII, local@domain) */
    const char *to;          /* a checked addr-spec */
    const char *subject;     /* UTF-8 without control characters */
    const char *delivery_id; /* non-empty; the same on every retry */
    time_t date;
};

/* Builds the whole message (headers, blank line, body), every line ending in
 * CRLF and not dot-stuffed (libcurl does that on the wire). On success *out
 * is the caller's to free and holds *outlen bytes; -1 when out of memory. */
int smtpmsg_build(const struct smtpmsg_head *h, const struct sp_event *ev,
                  char **out, size_t *outlen);

/* NULL when s may be a subject, else what is wrong with it. */
const char *smtpmsg_subject_problem(const char *s);

#endif
