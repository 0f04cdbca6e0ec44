/* plugin.c: the plugin loader: search path, dlopen, descriptor checks.
 * Knows spanport-plugin.h and the file system; nothing of what plugins do. */
#include "plugin.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/buf.h"

#ifndef SP_PLUGIN_DIR
#define SP_PLUGIN_DIR "/usr/local/lib/spanport"
#endif

static char search_path[4096];

const char *plugin_search_path(void)
{
    const char *env = getenv("SPANPORT_PLUGIN_PATH");

    snprintf(search_path, sizeof(search_path), "%s%s%s", env ? env : "",
             env && *env ? ":" : "", SP_PLUGIN_DIR);
    return search_path;
}

/* Plugin names are what --format and --notify take: short and plain, so a
 * name can never point outside the plugin directories. */
static int name_is_valid(const char *name)
{
    size_t i, n = strlen(name);

    if (n == 0 || n > 64)
        return 0;
    for (i = 0; i < n; i++) {
        char c = name[i];

        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
              c == '_'))
            return 0;
    }
    return 1;
}

static int check_header(const char *path, const void *sym, size_t min_size,
                        struct sp_err *err)
{
    const struct sp_output_plugin *h = sym; /* both start the same way */

    if (h->abi_version != SP_PLUGIN_ABI_VERSION)
        return sp_err_set(err, SP_EPLUGIN,
                          "%s: built for plugin ABI %u, this spanport loads "
                          "ABI %d; rebuild it against spanport-plugin.h",
                          path, (unsigned)h->abi_version,
                          SP_PLUGIN_ABI_VERSION);
    if (h->struct_size < min_size)
        return sp_err_set(err, SP_EPLUGIN,
                          "%s: descriptor of %u bytes is too small for ABI "
                          "%d (at least %zu); rebuild it against "
                          "spanport-plugin.h",
                          path, (unsigned)h->struct_size, SP_PLUGIN_ABI_VERSION,
                          min_size);
    return 0;
}

/* Copies the descriptor up to its struct_size (or ours, if it is newer
 * and larger): members it does not have stay NULL. */
static void copy_descriptor(void *dst, size_t dst_size, const void *src)
{
    const struct sp_output_plugin *h = src;
    size_t n = h->struct_size < dst_size ? h->struct_size : dst_size;

    memset(dst, 0, dst_size);
    memcpy(dst, src, n);
}

static int adopt_output(struct plugin *p, const void *sym, struct sp_err *err)
{
    struct sp_output_plugin *d = &p->d.output;

    if (check_header(p->path, sym,
                     offsetof(struct sp_output_plugin, close) +
                         sizeof(d->close),
                     err) != 0)
        return -1;
    copy_descriptor(d, sizeof(*d), sym);
    if (!d->name || !d->open || !d->write_row || !d->close)
        return sp_err_set(err, SP_EPLUGIN,
                          "%s: output plugin descriptor lacks a name or a "
                          "callback (open, write_row, close)",
                          p->path);
    p->kind = PLUGIN_OUTPUT;
    return 0;
}

static int adopt_notifier(struct plugin *p, const void *sym, struct sp_err *err)
{
    struct sp_notifier_plugin *d = &p->d.notifier;

    if (check_header(p->path, sym,
                     offsetof(struct sp_notifier_plugin, notify) +
                         sizeof(d->notify),
                     err) != 0)
        return -1;
    copy_descriptor(d, sizeof(*d), sym);
    if (!d->name || !d->notify)
        return sp_err_set(err, SP_EPLUGIN,
                          "%s: notifier plugin descriptor lacks a name or "
                          "notify()",
                          p->path);
    p->kind = PLUGIN_NOTIFIER;
    return 0;
}

int plugin_open_file(struct plugin **out, const char *path, struct sp_err *err)
{
    struct plugin *p = calloc(1, sizeof(*p));
    struct stat sb;
    void *sym;

    *out = NULL;
    if (!p || !(p->path = strdup(path))) {
        free(p);
        return sp_err_set(err, SP_ENOMEM, "out of memory");
    }
    if (lstat(path, &sb) != 0) {
        sp_err_set(err, SP_EPLUGIN, "%s: %s", path, strerror(errno));
        goto fail;
    }
    if (!S_ISREG(sb.st_mode)) { /* symlinks too: load only what is there */
        sp_err_set(err, SP_EPLUGIN, "%s: %s", path,
                   S_ISLNK(sb.st_mode)
                       ? "a symbolic link; plugins load only from regular "
                         "files: copy the plugin there"
                   : S_ISDIR(sb.st_mode) ? "a directory, not a plugin"
                                         : "not a regular file");
        goto fail;
    }
    p->dso = dlopen(path, RTLD_NOW | RTLD_LOCAL); /* fail here, not later */
    if (!p->dso) {
        const char *why = dlerror();

        if (strstr(why, "cannot open shared object"))
            sp_err_set(err, SP_EPLUGIN, "%s (`ldd %s` shows what is missing)",
                       why, path);
        else
            sp_err_set(err, SP_EPLUGIN,
                       "%s (not a shared object built for this machine)", why);
        goto fail;
    }
    if ((sym = dlsym(p->dso, "spanport_output_plugin")) != NULL) {
        if (adopt_output(p, sym, err) != 0)
            goto fail;
    } else if ((sym = dlsym(p->dso, "spanport_notifier_plugin")) != NULL) {
        if (adopt_notifier(p, sym, err) != 0)
            goto fail;
    } else {
        sp_err_set(err, SP_EPLUGIN,
                   "%s: not a spanport plugin (exports neither "
                   "spanport_output_plugin nor spanport_notifier_plugin)",
                   path);
        goto fail;
    }
    *out = p;
    return 0;
fail:
    plugin_close(p);
    return -1;
}

void plugin_close(struct plugin *p)
{
    if (!p)
        return;
    if (p->dso)
        dlclose(p->dso);
    free(p->path);
    free(p);
}

static const char *kind_name(enum plugin_kind kind)
{
    return kind == PLUGIN_OUTPUT ? "output" : "notifier";
}

static const char *plugin_name(const struct plugin *p)
{
    return p->kind == PLUGIN_OUTPUT ? p->d.output.name : p->d.notifier.name;
}

/* The first `<name>.so` along the search path; *path is malloc'd. The
 * match is exact: "csv" must not load "csvx.so". */
static int find_file(const char *name, char **path)
{
    const char *dirs = plugin_search_path();
    struct sp_buf b;

    sp_buf_init(&b, 0);
    while (*dirs) {
        size_t n = strcspn(dirs, ":");
        struct stat sb;

        sp_buf_reset(&b);
        if (n > 0 && sp_buf_printf(&b, "%.*s/%s.so", (int)n, dirs, name) == 0 &&
            lstat(sp_buf_str(&b), &sb) == 0) {
            *path = sp_buf_take(&b);
            return 0;
        }
        dirs += n;
        if (*dirs == ':')
            dirs++;
    }
    sp_buf_free(&b);
    return -1;
}

int plugin_open(struct plugin **out, enum plugin_kind kind, const char *name,
                struct sp_err *err)
{
    char *path = NULL;
    int rc;

    *out = NULL;
    if (!name_is_valid(name))
        return sp_err_set(err, SP_EUSAGE,
                          "\"%.64s\" is not a plugin name (lowercase "
                          "letters, digits, - and _)",
                          name);
    if (find_file(name, &path) != 0)
        return sp_err_set(err, SP_EPLUGIN,
                          "no %s plugin \"%s\" in the plugin path %s; "
                          "`spanport plugins list` shows what is there; "
                          "SPANPORT_PLUGIN_PATH=DIR adds a directory",
                          kind_name(kind), name, plugin_search_path());
    rc = plugin_open_file(out, path, err);
    free(path);
    if (rc != 0)
        return -1;
    if ((*out)->kind != kind || strcmp(plugin_name(*out), name) != 0) {
        sp_err_set(err, SP_EPLUGIN,
                   "%s is the %s plugin \"%s\", not the %s plugin \"%s\"",
                   (*out)->path, kind_name((*out)->kind), plugin_name(*out),
                   kind_name(kind), name);
        plugin_close(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}

static int already_seen(char **seen, size_t n_seen, const char *name)
{
    size_t i;

    for (i = 0; i < n_seen; i++)
        if (strcmp(seen[i], name) == 0)
            return 1;
    return 0;
}

static void scan_dir(const char *dir, plugin_visit_fn fn, void *arg,
                     char ***seen, size_t *n_seen)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        struct sp_err err = {0};
        struct plugin *p = NULL;
        char path[4096], name[80];
        char **grown;
        int shadowed;

        if (n < 4 || strcmp(e->d_name + n - 3, ".so") != 0 || n - 3 >= 80)
            continue;
        snprintf(name, sizeof(name), "%.*s", (int)(n - 3), e->d_name);
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        shadowed = already_seen(*seen, *n_seen, name);
        if (plugin_open_file(&p, path, &err) != 0) {
            fn(arg, path, NULL, err.msg, shadowed);
            continue;
        }
        fn(arg, path, p, NULL, shadowed);
        plugin_close(p);
        grown = realloc(*seen, (*n_seen + 1) * sizeof(**seen));
        if (grown && (grown[*n_seen] = strdup(name)) != NULL) {
            *seen = grown;
            (*n_seen)++;
        } else if (grown) {
            *seen = grown;
        }
    }
    closedir(d);
}

void plugin_scan(plugin_visit_fn fn, void *arg)
{
    char *dirs = strdup(plugin_search_path());
    char **seen = NULL;
    size_t n_seen = 0, i;
    char *p, *next;

    for (p = dirs; p && *p; p = next) {
        next = strchr(p, ':');
        if (next)
            *next++ = '\0';
        else
            next = p + strlen(p);
        if (*p)
            scan_dir(p, fn, arg, &seen, &n_seen);
    }
    for (i = 0; i < n_seen; i++)
        free(seen[i]);
    free(seen);
    free(dirs);
}
