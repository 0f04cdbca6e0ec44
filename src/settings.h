/* settings.h: the configuration file of cli.md ($SPANPORT_CONFIG, else
 * $XDG_CONFIG_HOME/spanport/config.json): one JSON section per notifier,
 * secrets merged from the environment, never from the command line.
 * Knows the file and the environment; nothing of what plugins do. */
#ifndef SP_SETTINGS_H
#define SP_SETTINGS_H

#include "util/err.h"

struct cJSON;

struct settings {
    struct cJSON *doc; /* the whole file; an empty object without one */
    char *path;        /* where it was read from, or NULL */
};

/* Reads the file if there is one. Refuses one that is readable by others
 * and holds a secret (smtp.password, webhook.secret). */
int settings_load(struct settings *c, struct sp_err *err);
void settings_free(struct settings *c);

/* The section of a plugin as JSON text (malloc'd; "{}" when absent), with
 * SPANPORT_SMTP_PASSWORD / SPANPORT_WEBHOOK_SECRET merged in. It holds
 * secrets: hand it to the plugin, never print it. */
char *settings_section(const struct settings *c, const char *plugin);

/* download_base_url, or NULL. */
const char *settings_download_base_url(const struct settings *c);

#endif
