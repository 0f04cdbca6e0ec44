/* plugin.h: finds plugins in the plugin path, loads them with dlopen and
 * checks their ABI. Knows spanport-plugin.h; nothing of exports or rows. */
#ifndef SP_PLUGIN_H
#define SP_PLUGIN_H

#include "spanport-plugin.h"
#include "util/err.h"

enum plugin_kind {
    PLUGIN_OUTPUT = 1,
    PLUGIN_NOTIFIER = 2,
};

struct plugin {
    enum plugin_kind kind;
    char *path;
    void *dso;
    /* The descriptor copied up to the plugin's struct_size; members past it
     * are NULL, so an older plugin reads as one without the newer hooks. */
    union {
        struct sp_output_plugin output;
        struct sp_notifier_plugin notifier;
    } d;
};

/* Loads plugin `name` of `kind`: the first `<name>.so` in
 * $SPANPORT_PLUGIN_PATH (colon-separated), then the installed plugin
 * directory. Never the current directory, only regular files. */
int plugin_open(struct plugin **p, enum plugin_kind kind, const char *name,
                struct sp_err *err);

/* Loads one file (any kind). */
int plugin_open_file(struct plugin **p, const char *path, struct sp_err *err);
void plugin_close(struct plugin *p);

/* Calls fn for every candidate file in the plugin path, in search order:
 * with the loaded plugin, or with NULL and why it was refused. `shadowed`
 * is set for a plugin hidden by an earlier one of the same name. */
typedef void (*plugin_visit_fn)(void *arg, const char *path,
                                const struct plugin *p, const char *refused,
                                int shadowed);
void plugin_scan(plugin_visit_fn fn, void *arg);

/* The plugin path as searched, for messages ("a:b:/usr/lib/spanport"). */
const char *plugin_search_path(void);

#endif
