/* util/jsonarena.c: cJSON's allocations for one record at a time from a
 * bump arena, freed all at once. Knows cJSON's hooks; nothing of records. */
#include "util/jsonarena.h"

#include <stdint.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

/* Parsing a record builds a tree of small nodes and strings, then frees
 * them one by one: with malloc that is a third of the cost of reading a
 * latitude-ndjson line. From an arena, allocating is a pointer bump and
 * freeing is a range check. */

/* Under AddressSanitizer every allocation stays a malloc, so that it still
 * sees each cJSON node on its own. GCC says so with __SANITIZE_ADDRESS__,
 * clang (before 18) only through __has_feature. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SP_ADDRESS_SANITIZER 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(SP_ADDRESS_SANITIZER)
#define ARENA_ENABLED 0
#else
#define ARENA_ENABLED 1
#endif

#define CHUNK_MIN ((size_t)64 * 1024)
#define ALIGN 16

struct chunk {
    struct chunk *next;
    size_t size, used; /* bytes of data[] */
    _Alignas(ALIGN) unsigned char data[];
};

static struct chunk *chunks; /* newest first; kept across records */
static int is_active;
static int hooks_installed;

static int from_arena(const void *p)
{
    const unsigned char *q = p;
    const struct chunk *c;

    for (c = chunks; c; c = c->next)
        if (q >= c->data && q < c->data + c->size)
            return 1;
    return 0;
}

static void *arena_malloc(size_t n)
{
    struct chunk *c = chunks;
    size_t need = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
    void *p;

    if (!is_active)
        return malloc(n);
    if (!c || c->size - c->used < need) {
        size_t size = c && c->size * 2 > need ? c->size * 2 : need;

        if (size < CHUNK_MIN)
            size = CHUNK_MIN;
        c = malloc(sizeof(*c) + size);
        if (!c)
            return NULL;
        c->size = size;
        c->used = 0;
        c->next = chunks;
        chunks = c;
    }
    p = c->data + c->used;
    c->used += need;
    return p;
}

static void arena_free(void *p)
{
    if (p && !from_arena(p))
        free(p);
}

void sp_json_arena_begin(void)
{
    struct chunk *c;

    if (!ARENA_ENABLED)
        return;
    if (!hooks_installed) {
        cJSON_Hooks hooks = {.malloc_fn = arena_malloc, .free_fn = arena_free};

        cJSON_InitHooks(&hooks);
        hooks_installed = 1;
    }
    /* Keep the newest (largest) chunk: the next record likely fits. */
    while (chunks && chunks->next) {
        c = chunks->next;
        chunks->next = c->next;
        free(c);
    }
    if (chunks)
        chunks->used = 0;
    is_active = 1;
}

void sp_json_arena_end(void)
{
    is_active = 0;
}
