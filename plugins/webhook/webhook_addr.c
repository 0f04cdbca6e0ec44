/* plugins/webhook/webhook_addr.c: where a webhook may post: URL and address.
 * Knows URLs, getaddrinfo and address ranges; nothing of payloads or HTTP. */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "webhook.h"

#define PIN_MAX 2048 /* "host:port:addr,addr...": a name, then addresses */

/* A space or control byte makes no URL; name it and its place, which
 * "is not a URL" alone leaves to guess. SP_OK when there is none. */
static int refuse_bad_byte(const char *url, char *err, size_t errlen)
{
    const char *p = url, *sep = strstr(url, "://");
    const char *host = sep ? sep + 3 : url;
    const char *path = host + strcspn(host, "/?#");
    char buf[WEBHOOK_SHOWN_MAX], c[16];

    while (*p && (unsigned char)*p > 0x20 && *p != 0x7f)
        p++;
    if (!*p)
        return SP_OK;
    return webhook_fail(err, errlen, SP_ERROR,
                        "target %s has %s at byte %d, in the %s; a URL holds "
                        "no spaces or control characters: percent-encode "
                        "them (a space is %%20)",
                        nc_shown(url, buf, sizeof buf),
                        nc_byte_shown((unsigned char)*p, c, sizeof c),
                        (int)(p - url) + 1,
                        p < host   ? "scheme"
                        : p < path ? "host, after the //"
                                   : "path");
}

int webhook_target_parse(const char *url, struct webhook_target *t, char *err,
                         size_t errlen)
{
    CURLU *u = curl_url();
    char *scheme = NULL, *user = NULL, *password = NULL;
    char buf[WEBHOOK_SHOWN_MAX];
    int rc = SP_ERROR;

    memset(t, 0, sizeof *t);
    if (refuse_bad_byte(url, err, errlen) != SP_OK)
        goto done;
    if (!u) {
        rc = webhook_fail(err, errlen, SP_RETRY, "out of memory");
        goto done;
    }
    if (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) ||
        curl_url_get(u, CURLUPART_HOST, &t->host, 0) ||
        curl_url_get(u, CURLUPART_PORT, &t->port, CURLU_DEFAULT_PORT)) {
        webhook_fail(err, errlen, SP_ERROR,
                     "target %s is not a URL; use --notify "
                     "webhook:https://HOST/PATH",
                     nc_shown(url, buf, sizeof buf));
        goto done;
    }
    if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) {
        webhook_fail(err, errlen, SP_ERROR,
                     "target %s: only http:// and https:// are allowed",
                     nc_shown(url, buf, sizeof buf));
        goto done;
    }
    /* Secrets never go on the command line, and a target is one. */
    if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK ||
        curl_url_get(u, CURLUPART_PASSWORD, &password, 0) == CURLUE_OK) {
        webhook_fail(err, errlen, SP_ERROR,
                     "the target URL holds a user name or password; secrets "
                     "are not taken on the command line");
        goto done;
    }
    if (t->host[0] == '[') { /* "[::1]" */
        memmove(t->host, t->host + 1, strlen(t->host) - 1);
        t->host[strlen(t->host) - 2] = '\0';
    }
    t->host_is_literal = inet_pton(AF_INET6, t->host, buf) == 1 ||
                         inet_pton(AF_INET, t->host, buf) == 1;
    rc = SP_OK;
done:
    curl_free(password);
    curl_free(user);
    curl_free(scheme);
    curl_url_cleanup(u);
    return rc;
}

void webhook_target_free(struct webhook_target *t)
{
    curl_free(t->host);
    curl_free(t->port);
    memset(t, 0, sizeof *t);
}

/* What kind of non-public IPv4 address a is, or NULL when it is public. */
static const char *ipv4_class(const unsigned char *a)
{
    if (a[0] == 0)
        return "an unspecified (0.0.0.0/8)";
    if (a[0] == 127)
        return "a loopback";
    if (a[0] == 10 || (a[0] == 172 && (a[1] & 0xf0) == 16) ||
        (a[0] == 192 && a[1] == 168))
        return "a private";
    if (a[0] == 169 && a[1] == 254)
        return "a link-local";
    if (a[0] == 100 && (a[1] & 0xc0) == 64)
        return "a shared (100.64.0.0/10)";
    if (a[0] >= 224)
        return "a multicast or reserved";
    return NULL;
}

static const char *ipv6_class(const unsigned char *a)
{
    static const unsigned char zero[16],
        v4mapped[12] = {[10] = 0xff, [11] = 0xff};

    if (memcmp(a, v4mapped, 12) == 0) /* ::ffff:127.0.0.1 is 127.0.0.1 */
        return ipv4_class(a + 12);
    if (memcmp(a, zero, 16) == 0)
        return "an unspecified (::)";
    if (memcmp(a, zero, 15) == 0 && a[15] == 1)
        return "a loopback";
    if ((a[0] & 0xfe) == 0xfc)
        return "a unique local (fc00::/7)";
    if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
        return "a link-local";
    if (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0)
        return "a site-local";
    if (a[0] == 0xff)
        return "a multicast";
    return NULL;
}

/* Writes the address of sa as text into out; returns its class, or NULL
 * when public. */
static const char *sockaddr_class(const struct sockaddr *sa, char *out,
                                  size_t outlen)
{
    const struct sockaddr_in *v4 = (const struct sockaddr_in *)sa;
    const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)sa;

    if (sa->sa_family == AF_INET) {
        inet_ntop(AF_INET, &v4->sin_addr, out, (socklen_t)outlen);
        return ipv4_class((const unsigned char *)&v4->sin_addr);
    }
    if (sa->sa_family == AF_INET6) {
        inet_ntop(AF_INET6, &v6->sin6_addr, out, (socklen_t)outlen);
        return ipv6_class(v6->sin6_addr.s6_addr);
    }
    snprintf(out, outlen, "(family %d)", sa->sa_family);
    return "an unknown kind of";
}

static int refuse(const struct webhook_target *t, const char *addr,
                  const char *class, char *err, size_t errlen)
{
    if (t->host_is_literal)
        return webhook_fail(err, errlen, SP_ERROR,
                            "target host %s is %s address; refusing to "
                            "post there (set webhook.allow_private_addresses"
                            " to true in the config file to allow it)",
                            addr, class);
    return webhook_fail(err, errlen, SP_ERROR,
                        "target host %s resolves to %s, %s address; refusing"
                        " to post there (set webhook.allow_private_addresses"
                        " to true in the config file to allow it)",
                        t->host, addr, class);
}

int webhook_literal_check(const struct webhook_target *t, int allow_private,
                          char *err, size_t errlen)
{
    struct addrinfo hints = {0}, *res = NULL;
    char addr[INET6_ADDRSTRLEN + 16];
    const char *class;
    int rc = SP_OK;

    if (!t->host_is_literal || allow_private)
        return SP_OK;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(t->host, t->port, &hints, &res) != 0 || !res)
        return webhook_fail(err, errlen, SP_ERROR,
                            "target host %s is not an address", t->host);
    class = sockaddr_class(res->ai_addr, addr, sizeof addr);
    if (class)
        rc = refuse(t, addr, class, err, errlen);
    freeaddrinfo(res);
    return rc;
}

static int resolve_failure(const struct webhook_target *t, int gai, char *err,
                           size_t errlen)
{
    /* EAI_AGAIN is a DNS server that did not answer: it may later. */
    int transient = gai == EAI_AGAIN || gai == EAI_MEMORY || gai == EAI_SYSTEM;

    return webhook_fail(err, errlen, transient ? SP_RETRY : SP_ERROR,
                        "cannot resolve target host %s: %s", t->host,
                        gai_strerror(gai));
}

/* Checks every address of the answer and lists them after "host:port:". */
static int pin_addresses(const struct webhook_target *t,
                         const struct addrinfo *res, int allow_private,
                         char *pin, char *err, size_t errlen)
{
    char addr[INET6_ADDRSTRLEN + 16];
    const char *class, *sep = "";
    int n = snprintf(pin, PIN_MAX, "%s:%s:", t->host, t->port);
    size_t len = (size_t)n;

    if (n < 0 || len >= PIN_MAX)
        return webhook_fail(err, errlen, SP_ERROR,
                            "target host name is too long");
    for (; res; res = res->ai_next) {
        class = sockaddr_class(res->ai_addr, addr, sizeof addr);
        if (class && !allow_private)
            return refuse(t, addr, class, err, errlen);
        n = snprintf(pin + len, PIN_MAX - len,
                     res->ai_family == AF_INET6 ? "%s[%s]" : "%s%s", sep, addr);
        if (n < 0 || (size_t)n >= PIN_MAX - len)
            break; /* the rest do not fit: curl gets those that did */
        len += (size_t)n;
        sep = ",";
    }
    pin[len] = '\0';
    return SP_OK;
}

int webhook_resolve(const struct webhook_target *t, int allow_private,
                    struct curl_slist **pin, char *err, size_t errlen)
{
    struct addrinfo hints = {0}, *res = NULL;
    char entry[PIN_MAX];
    int gai, rc;

    *pin = NULL;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    gai = getaddrinfo(t->host, t->port, &hints, &res);
    if (gai != 0)
        return resolve_failure(t, gai, err, errlen);
    rc = pin_addresses(t, res, allow_private, entry, err, errlen);
    freeaddrinfo(res);
    if (rc != SP_OK || t->host_is_literal)
        return rc;
    *pin = curl_slist_append(NULL, entry);
    if (!*pin)
        return webhook_fail(err, errlen, SP_RETRY, "out of memory");
    return SP_OK;
}
