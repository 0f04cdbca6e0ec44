/* plugins/smtp/smtp_message.c: the notification e-mail: headers and body.
 * Knows RFC 5322, 2045 and 2047 and struct sp_event; nothing of libcurl. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "smtp_message.h"

#define MSG_LINE_MAX 998 /* RFC 5322 2.1.1: octets in a line, CRLF excluded */
#define MSG_B64_CHUNK 57 /* bytes per base64 body line: 76 characters */
/* Bytes of UTF-8 per RFC 2047 encoded word: 39 bytes are 52 base64
 * characters, 64 with "=?UTF-8?B?" and "?=", so even the first line,
 * "Subject: " and a word, stays under the 78 characters RFC 5322 asks. */
#define MSG_WORD_BYTES 39
#define MSG_PLAIN_SUBJECT_MAX 66 /* longer subjects are folded as words */

static const char *nz(const char *s)
{
    return s ? s : "";
}

/* Length of the well-formed UTF-8 sequence at s, or 0 (RFC 3629: no
 * overlong forms, no surrogates, nothing past U+10FFFF). */
static size_t utf8_seq_len(const unsigned char *s)
{
    unsigned char lo = 0x80, hi = 0xbf;
    size_t n, i;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        n = 2;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        n = 3;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        n = 4;
    else
        return 0;
    if (s[0] == 0xe0)
        lo = 0xa0; /* overlong */
    else if (s[0] == 0xed)
        hi = 0x9f; /* surrogates */
    else if (s[0] == 0xf0)
        lo = 0x90; /* overlong */
    else if (s[0] == 0xf4)
        hi = 0x8f; /* past U+10FFFF */
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (i = 2; i < n; i++) /* stops at a NUL: it is no continuation */
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    return n;
}

const char *smtpmsg_subject_problem(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n;

    if (!*p)
        return "is empty";
    if (strlen(s) > SMTPMSG_SUBJECT_MAX)
        return "is longer than 200 bytes";
    while (*p) {
        if (*p < 0x20 || *p == 0x7f)
            return "contains a control character";
        n = utf8_seq_len(p);
        if (n == 0)
            return "is not valid UTF-8";
        p += n;
    }
    return NULL;
}

/* Writes s with every line break in it (CRLF, CR or LF) as CRLF. */
static void put_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '\r' && s[1] == '\n')
            continue; /* the LF that follows writes the break */
        if (*s == '\r' || *s == '\n')
            fputs("\r\n", f);
        else
            fputc(*s, f);
    }
}

static void put_field(FILE *f, const char *label, const char *value)
{
    fputs(label, f);
    put_text(f, value);
    fputs("\r\n", f);
}

/* "Size:     5876543 bytes (5.6 MiB)", in integers: printf's %f would
 * follow the host's LC_NUMERIC and could print a decimal comma. */
static void put_size(FILE *f, int64_t bytes)
{
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    uint64_t b = bytes > 0 ? (uint64_t)bytes : 0, div = 1;
    size_t u = 0;

    fprintf(f, "Size:     %" PRIu64 " bytes", b);
    while (u < 5 && b / div >= 1024) {
        div *= 1024;
        u++;
    }
    if (u > 0)
        fprintf(f, " (%" PRIu64 ".%" PRIu64 " %s)", b / div, b % div * 10 / div,
                units[u - 1]);
    fputs("\r\n", f);
}

static void put_body(FILE *f, const struct sp_event *ev)
{
    int ready = strcmp(nz(ev->state), "ready") == 0;

    fputs(ready ? "Your export is ready.\r\n\r\n"
                : "Your export failed.\r\n\r\n",
          f);
    put_field(f, "Export:   ", nz(ev->export_uuid));
    put_field(f, "Format:   ", nz(ev->format));
    if (ready) {
        fprintf(f, "Rows:     %" PRId64 "\r\n", ev->rows);
        put_size(f, ev->bytes);
        put_field(f, "SHA-256:  ", nz(ev->sha256));
        if (*nz(ev->url))
            put_field(f, "Download: ", ev->url);
        else
            put_field(f, "File:     ", nz(ev->path));
    }
    put_field(f, "Created:  ", nz(ev->created_at));
    put_field(f, "Finished: ", nz(ev->finished_at));
    if (!ready) {
        /* Unindented, so that a line of the error starting with "." reaches
         * the reader as written: the dot-stuffing must be invisible. */
        fputs("\r\nError:\r\n", f);
        put_text(f, nz(ev->error));
        fputs("\r\n", f);
    }
}

/* 7bit when plain ASCII, 8bit for UTF-8, base64 when a line is too long to
 * be sent as it is (a long path or error). */
static const char *body_encoding(const char *p, size_t n)
{
    size_t i, col = 0;
    int eight_bit = 0;

    for (i = 0; i < n; i++) {
        if (p[i] == '\r' || p[i] == '\n') {
            col = 0;
            continue;
        }
        if ((unsigned char)p[i] >= 0x80)
            eight_bit = 1;
        if (++col > MSG_LINE_MAX)
            return "base64";
    }
    return eight_bit ? "8bit" : "7bit";
}

static void put_base64(FILE *f, const char *p, size_t n)
{
    unsigned char line[MSG_B64_CHUNK / 3 * 4 + 1];
    size_t off, k;

    for (off = 0; off < n; off += k) {
        k = n - off < MSG_B64_CHUNK ? n - off : MSG_B64_CHUNK;
        EVP_EncodeBlock(line, (const unsigned char *)p + off, (int)k);
        fprintf(f, "%s\r\n", (const char *)line);
    }
}

static int is_plain_ascii(const char *s)
{
    for (; *s; s++)
        if (*s < 0x20 || *s > 0x7e)
            return 0;
    return 1;
}

/* Up to MSG_WORD_BYTES of s, never ending inside a UTF-8 sequence: RFC 2047
 * wants every encoded word to hold whole characters. */
static size_t word_bytes(const unsigned char *s, size_t left)
{
    size_t k = left < MSG_WORD_BYTES ? left : MSG_WORD_BYTES;

    while (k < left && k > 1 && (s[k] & 0xc0) == 0x80)
        k--;
    return k;
}

static void put_subject(FILE *f, const char *s)
{
    unsigned char word[MSG_WORD_BYTES / 3 * 4 + 1];
    size_t n = strlen(s), off, k;

    if (is_plain_ascii(s) && n <= MSG_PLAIN_SUBJECT_MAX && !strstr(s, "=?")) {
        fprintf(f, "Subject: %s\r\n", s);
        return;
    }
    fputs("Subject:", f);
    for (off = 0; off < n; off += k) { /* one word a line, folded */
        k = word_bytes((const unsigned char *)s + off, n - off);
        EVP_EncodeBlock(word, (const unsigned char *)s + off, (int)k);
        fprintf(f, " =?UTF-8?B?%s?=\r\n", (const char *)word);
    }
}

/* RFC 5322 3.3, spelled out: strftime's %a and %b follow the host's
 * LC_TIME, and a mail date is always in English. */
static void put_date(FILE *f, time_t t)
{
    static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed",
                                    "Thu", "Fri", "Sat"};
    static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr",
                                       "May", "Jun", "Jul", "Aug",
                                       "Sep", "Oct", "Nov", "Dec"};
    struct tm tm;

    gmtime_r(&t, &tm);
    fprintf(f, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n",
            days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900,
            tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static int is_id_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* <spanport.ID@from-domain>: the same on every retry, so a receiver can
 * drop a duplicate. An ID with other characters goes in hex, after "x."
 * (a dot no plain ID has), so two IDs never share a Message-ID. */
static void put_message_id(FILE *f, const char *id, const char *from)
{
    const char *p;

    for (p = id; *p && is_id_char(*p); p++)
        ;
    fputs("Message-ID: <spanport.", f);
    if (*p == '\0') {
        fputs(id, f);
    } else {
        fputs("x.", f);
        for (p = id; *p; p++)
            fprintf(f, "%02x", (unsigned)(unsigned char)*p);
    }
    fprintf(f, "@%s>\r\n", strrchr(from, '@') + 1);
}

static void put_head(FILE *f, const struct smtpmsg_head *h,
                     const char *encoding)
{
    put_date(f, h->date);
    fprintf(f, "From: %s\r\n", h->from);
    fprintf(f, "To: %s\r\n", h->to);
    put_subject(f, h->subject);
    put_message_id(f, h->delivery_id, h->from);
    fputs("MIME-Version: 1.0\r\n"
          "Content-Type: text/plain; charset=utf-8\r\n",
          f);
    fprintf(f, "Content-Transfer-Encoding: %s\r\n", encoding);
    fputs("Auto-Submitted: auto-generated\r\n" /* RFC 3834: no replies */
          "\r\n",
          f);
}

/* Closes a memory stream; -1 if any write to it failed (out of memory). */
static int close_stream(FILE *f)
{
    int failed = ferror(f);

    return fclose(f) == 0 && !failed ? 0 : -1;
}

int smtpmsg_build(const struct smtpmsg_head *h, const struct sp_event *ev,
                  char **out, size_t *outlen)
{
    char *body = NULL;
    size_t body_len = 0;
    const char *encoding;
    FILE *f;
    int rc = -1;

    *out = NULL;
    *outlen = 0;
    f = open_memstream(&body, &body_len);
    if (!f)
        goto done;
    put_body(f, ev);
    if (close_stream(f) != 0)
        goto done;
    encoding = body_encoding(body, body_len);
    f = open_memstream(out, outlen);
    if (!f)
        goto done;
    put_head(f, h, encoding);
    if (strcmp(encoding, "base64") == 0)
        put_base64(f, body, body_len);
    else
        fwrite(body, 1, body_len, f);
    rc = close_stream(f);
done:
    free(body);
    if (rc != 0) {
        free(*out);
        *out = NULL;
        *outlen = 0;
    }
    return rc;
}
