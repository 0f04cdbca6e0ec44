/* util/jsonarena.h: cJSON's allocations for one record at a time from a
 * bump arena, freed all at once. Knows cJSON's hooks; nothing of records. */
#ifndef SP_JSONARENA_H
#define SP_JSONARENA_H

/* Between begin and end every cJSON allocation comes from the arena, and
 * cJSON_Delete of such a value costs nothing; begin also takes back all
 * that the arena gave before, so no value parsed between an earlier begin
 * and end may be used after the next begin. Outside, cJSON allocates with
 * malloc as usual. Single-threaded. */
void sp_json_arena_begin(void);
void sp_json_arena_end(void);

#endif
