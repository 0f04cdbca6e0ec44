/* settings.c: loads the configuration file and merges secrets from the
 * environment into a plugin's section. Knows JSON and file modes; nothing
 * of SMTP or webhooks beyond the names of their secret keys. */
#include "settings.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#define CONFIG_MAX_BYTES (1u << 20)

/* Which key of which section is a secret, and its environment variable. */
static const struct {
    const char *section, *key, *env;
} secrets[] = {
    {"smtp", "password", "SPANPORT_SMTP_PASSWORD"},
    {"webhook", "secret", "SPANPORT_WEBHOOK_SECRET"},
};
#define N_SECRETS (sizeof(secrets) / sizeof(secrets[0]))

/* *named: the path came from $SPANPORT_CONFIG, so it must exist. */
static char *default_path(int *named)
{
    const char *env = getenv("SPANPORT_CONFIG");
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    char buf[4096];

    *named = env && *env;
    if (*named)
        return strdup(env);
    if (xdg && *xdg)
        snprintf(buf, sizeof(buf), "%s/spanport/config.json", xdg);
    else if (home && *home)
        snprintf(buf, sizeof(buf), "%s/.config/spanport/config.json", home);
    else
        return NULL;
    return strdup(buf);
}

static int holds_secret(const cJSON *doc)
{
    size_t i;

    for (i = 0; i < N_SECRETS; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(doc, secrets[i].section),
            secrets[i].key);

        if (v && !cJSON_IsNull(v))
            return 1;
    }
    return 0;
}

static int read_file(const char *path, int named, char **text, struct stat *sb,
                     struct sp_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n;

    *text = NULL;
    if (fd < 0 && named)
        return sp_err_set(err, SP_EUSAGE,
                          "SPANPORT_CONFIG=%s: %s; point SPANPORT_CONFIG at "
                          "a readable config file, or unset it to use "
                          "$XDG_CONFIG_HOME/spanport/config.json",
                          path, strerror(errno));
    if (fd < 0)
        return errno == ENOENT ? 0
                               : sp_err_set(err, SP_EUSAGE, "%s: %s", path,
                                            strerror(errno));
    if (fstat(fd, sb) != 0 || sb->st_size > (off_t)CONFIG_MAX_BYTES ||
        !(*text = calloc(1, (size_t)sb->st_size + 1))) {
        close(fd);
        return sp_err_set(err, SP_EUSAGE, "%s: cannot read it (over 1 MiB?)",
                          path);
    }
    n = read(fd, *text, (size_t)sb->st_size);
    close(fd);
    if (n != (ssize_t)sb->st_size) {
        free(*text);
        *text = NULL;
        return sp_err_set(err, SP_EUSAGE, "%s: short read", path);
    }
    return 1;
}

int settings_load(struct settings *c, struct sp_err *err)
{
    struct stat sb = {0};
    const char *end = NULL;
    char *text = NULL;
    int named, rc;

    memset(c, 0, sizeof(*c));
    c->path = default_path(&named);
    if (!c->path || (rc = read_file(c->path, named, &text, &sb, err)) == 0) {
        c->doc = cJSON_CreateObject();
        return 0;
    }
    if (rc < 0)
        return -1;
    c->doc = cJSON_ParseWithOpts(text, &end, 1);
    if (!c->doc) {
        int line = 1;
        const char *p;

        for (p = text; end && p < end && *p; p++)
            line += *p == '\n';
        free(text);
        return sp_err_set(err, SP_EUSAGE, "%s:%d: not valid JSON", c->path,
                          line);
    }
    free(text);
    if (!cJSON_IsObject(c->doc))
        return sp_err_set(err, SP_EUSAGE,
                          "%s: not a JSON object (see the config file in "
                          "`spanport export --help`)",
                          c->path);
    if (holds_secret(c->doc) && (sb.st_mode & 077))
        return sp_err_set(err, SP_EUSAGE,
                          "%s holds a secret and is readable by others; "
                          "`chmod 600 %s`, or move the secret to the "
                          "environment",
                          c->path, c->path);
    return 0;
}

void settings_free(struct settings *c)
{
    cJSON_Delete(c->doc);
    free(c->path);
    memset(c, 0, sizeof(*c));
}

char *settings_section(const struct settings *c, const char *plugin)
{
    const cJSON *sec = cJSON_GetObjectItemCaseSensitive(c->doc, plugin);
    cJSON *copy =
        cJSON_IsObject(sec) ? cJSON_Duplicate(sec, 1) : cJSON_CreateObject();
    char *text;
    size_t i;

    for (i = 0; copy && i < N_SECRETS; i++) {
        const char *v = getenv(secrets[i].env);

        if (strcmp(secrets[i].section, plugin) != 0 || !v || !*v)
            continue;
        cJSON_DeleteItemFromObjectCaseSensitive(copy, secrets[i].key);
        cJSON_AddStringToObject(copy, secrets[i].key, v);
    }
    text = copy ? cJSON_PrintUnformatted(copy) : NULL;
    cJSON_Delete(copy);
    return text;
}

const char *settings_download_base_url(const struct settings *c)
{
    return cJSON_GetStringValue(
        cJSON_GetObjectItemCaseSensitive(c->doc, "download_base_url"));
}
