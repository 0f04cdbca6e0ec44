/* tests/fuzz/driver.c: runs a fuzz target without libFuzzer: every file
 * named, or every file of a directory named, once, in name order. Knows
 * only LLVMFuzzerTestOneInput; make check runs it over the corpora. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* Reads path whole into *data (freed by the caller). */
static int read_whole(const char *path, uint8_t **data, size_t *size)
{
    FILE *fp = fopen(path, "rb");
    uint8_t *buf = NULL;
    long len;
    int rc = -1;

    if (!fp || fseek(fp, 0, SEEK_END) != 0 || (len = ftell(fp)) < 0 ||
        fseek(fp, 0, SEEK_SET) != 0)
        goto done;
    buf = malloc(len > 0 ? (size_t)len : 1); /* never malloc(0) */
    if (!buf || fread(buf, 1, (size_t)len, fp) != (size_t)len)
        goto done;
    *data = buf;
    *size = (size_t)len;
    buf = NULL;
    rc = 0;
done:
    free(buf);
    if (fp)
        fclose(fp);
    return rc;
}

static int run_file(const char *path)
{
    uint8_t *data = NULL;
    size_t size = 0;

    if (read_whole(path, &data, &size) != 0) {
        fprintf(stderr, "%s: cannot read: %s\n", path, strerror(errno));
        return -1;
    }
    LLVMFuzzerTestOneInput(data, size);
    free(data);
    return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int skip_dots(const struct dirent *d)
{
    return d->d_name[0] != '.';
}

/* Runs every file of dir; returns how many, or -1. */
static int run_dir(const char *dir)
{
    struct dirent **names = NULL;
    char path[4096];
    int i, n = scandir(dir, &names, skip_dots, by_name), ran = 0;

    if (n < 0) {
        fprintf(stderr, "%s: cannot list: %s\n", dir, strerror(errno));
        return -1;
    }
    for (i = 0; i < n; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
        if (ran >= 0 && run_file(path) == 0)
            ran++;
        else
            ran = -1;
        free(names[i]);
    }
    free(names);
    return ran;
}

int main(int argc, char **argv)
{
    struct stat sb;
    int i, n, total = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
        return 2;
    }
    for (i = 1; i < argc; i++) {
        if (stat(argv[i], &sb) != 0) {
            fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
            return 1;
        }
        n = S_ISDIR(sb.st_mode) ? run_dir(argv[i]) : run_file(argv[i]);
        if (n < 0)
            return 1;
        total += S_ISDIR(sb.st_mode) ? n : 1;
    }
    printf("%s: %d inputs\n", argv[0], total);
    return 0;
}
