/* tests/unit/test_util_encode.c: util/hex (hex, base64, uuid), jsonw,
 * jsonarena and sha256, one behaviour per test. No store. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <cjson/cJSON.h>

#include "util/hex.h"
#include "util/jsonarena.h"
#include "util/jsonw.h"
#include "util/utf8.h"
#include "util/sha256.h"

/* ---- hex, base64, uuid ------------------------------------------------- */

static void hex_is_valid_accepts_either_case_and_nothing_else(void **state)
{
    (void)state;
    assert_int_equal(sp_hex_is_valid("09afAF", 6), 1);
    assert_int_equal(sp_hex_is_valid("09ag", 4), 0);
    assert_int_equal(sp_hex_is_valid("0x", 2), 0);
    assert_int_equal(sp_hex_is_valid("", 0), 1);
}

static void hex_lower_folds_case_and_rejects_non_hex(void **state)
{
    char out[9] = "xxxxxxxx";

    (void)state;
    assert_int_equal(sp_hex_lower("DEADbeef", 8, out), 0);
    assert_string_equal(out, "deadbeef");
    assert_int_equal(sp_hex_lower("DEADbeeg", 8, out), -1);
}

static void hex_is_zero_only_for_all_zero_digits(void **state)
{
    (void)state;
    assert_int_equal(sp_hex_is_zero("0000000000000000", 16), 1);
    assert_int_equal(sp_hex_is_zero("0000000000000001", 16), 0);
}

static void hex_encode_writes_lowercase_pairs(void **state)
{
    const unsigned char b[] = {0x00, 0x9f, 0xab, 0xff};
    char out[9];

    (void)state;
    sp_hex_encode(b, sizeof(b), out);
    assert_string_equal(out, "009fabff");
}

static void base64_encode_pads_to_four_characters(void **state)
{
    char out[16];

    (void)state;
    sp_base64_encode((const unsigned char *)"f", 1, out);
    assert_string_equal(out, "Zg==");
    sp_base64_encode((const unsigned char *)"fo", 2, out);
    assert_string_equal(out, "Zm8=");
    sp_base64_encode((const unsigned char *)"foo", 3, out);
    assert_string_equal(out, "Zm9v");
    sp_base64_encode((const unsigned char *)"", 0, out);
    assert_string_equal(out, "");
}

static void base64_decode_accepts_padding_or_none(void **state)
{
    unsigned char out[8];

    (void)state;
    assert_int_equal(sp_base64_decode("Zm8=", 4, out, sizeof(out)), 2);
    assert_memory_equal(out, "fo", 2);
    assert_int_equal(sp_base64_decode("Zm8", 3, out, sizeof(out)), 2);
    assert_memory_equal(out, "fo", 2);
    assert_int_equal(sp_base64_decode("Zg==", 4, out, sizeof(out)), 1);
    assert_int_equal(out[0], 'f');
}

static void base64_decode_reads_a_span_id_with_plus_and_slash(void **state)
{
    const unsigned char want[8] = {0xfb, 0xef, 0xff, 0x00,
                                   0x11, 0x22, 0x33, 0x44};
    unsigned char out[8];

    (void)state;
    assert_int_equal(sp_base64_decode("++//ABEiM0Q=", 12, out, sizeof(out)), 8);
    assert_memory_equal(out, want, 8);
}

static void base64_decode_rejects_bad_input(void **state)
{
    unsigned char out[8];

    (void)state;
    assert_int_equal(sp_base64_decode("Zm9v!", 5, out, sizeof(out)), -1);
    assert_int_equal(sp_base64_decode("Z", 1, out, sizeof(out)), -1);
    assert_int_equal(sp_base64_decode("Zm8==", 5, out, sizeof(out)), -1);
    assert_int_equal(sp_base64_decode("Zg=", 3, out, sizeof(out)), -1);
    assert_int_equal(sp_base64_decode("Zm 8", 4, out, sizeof(out)), -1);
}

static void base64_decode_rejects_output_beyond_cap(void **state)
{
    unsigned char out[2];

    (void)state;
    assert_int_equal(sp_base64_decode("Zm9v", 4, out, sizeof(out)), -1);
}

static void uuid_is_valid_needs_8_4_4_4_12_hex(void **state)
{
    (void)state;
    assert_int_equal(
        sp_uuid_is_valid("123e4567-E89B-12d3-a456-426614174000", 36), 1);
    assert_int_equal(sp_uuid_is_valid("123e4567e89b12d3a456426614174000", 32),
                     0);
    assert_int_equal(
        sp_uuid_is_valid("123e4567-e89b-12d3-a456-42661417400g", 36), 0);
    assert_int_equal(
        sp_uuid_is_valid("123e4567-e89b-12d3a-456-426614174000", 36), 0);
}

static void uuid_v4_is_lowercase_version_4_rfc_variant(void **state)
{
    char a[37], b[37];

    (void)state;
    assert_int_equal(sp_uuid_v4(a), 0);
    assert_int_equal(sp_uuid_v4(b), 0);
    assert_int_equal(strlen(a), 36);
    assert_int_equal(sp_uuid_is_valid(a, 36), 1);
    assert_int_equal(a[14], '4');
    assert_non_null(strchr("89ab", a[19]));
    assert_null(strpbrk(a, "ABCDEF"));
    assert_string_not_equal(a, b);
}

/* ---- jsonw -------------------------------------------------------------- */

#define assert_number_text(d, want)                                            \
    do {                                                                       \
        struct sp_buf b_;                                                      \
        sp_buf_init(&b_, 0);                                                   \
        assert_int_equal(jsonw_number(&b_, (d)), 0);                           \
        assert_string_equal(sp_buf_str(&b_), (want));                          \
        sp_buf_free(&b_);                                                      \
    } while (0)

static void number_with_integer_value_has_no_fraction(void **state)
{
    (void)state;
    assert_number_text(1.0, "1");
    assert_number_text(1e5, "100000");
    assert_number_text(-42.0, "-42");
}

static void number_of_21_digits_switches_to_exponent_form(void **state)
{
    (void)state;
    assert_number_text(123456789012345680000.0, "123456789012345680000");
    assert_number_text(1e21, "1e+21");
    assert_number_text(1.5e300, "1.5e+300");
}

static void number_below_1e_minus_6_switches_to_exponent_form(void **state)
{
    (void)state;
    assert_number_text(1e-6, "0.000001");
    assert_number_text(1.5e-7, "1.5e-7");
    assert_number_text(1e-7, "1e-7");
}

static void number_uses_the_shortest_round_trip_digits(void **state)
{
    (void)state;
    assert_number_text(0.1, "0.1");
    assert_number_text(0.1 + 0.2, "0.30000000000000004");
    assert_number_text(-1.5, "-1.5");
    assert_number_text(5e-324, "5e-324");
    assert_number_text(1.7976931348623157e308, "1.7976931348623157e+308");
}

static void negative_zero_is_written_as_zero(void **state)
{
    (void)state;
    assert_number_text(-0.0, "0");
}

static void nan_and_infinities_are_written_as_null(void **state)
{
    (void)state;
    assert_number_text(NAN, "null");
    assert_number_text(INFINITY, "null");
    assert_number_text(-INFINITY, "null");
}

#define assert_string_text(s, len, want)                                       \
    do {                                                                       \
        struct sp_buf b_;                                                      \
        sp_buf_init(&b_, 0);                                                   \
        assert_int_equal(jsonw_string(&b_, (s), (len)), 0);                    \
        assert_string_equal(sp_buf_str(&b_), (want));                          \
        sp_buf_free(&b_);                                                      \
    } while (0)

static void string_escapes_quote_and_backslash(void **state)
{
    (void)state;
    assert_string_text("a\"b\\c", 5, "\"a\\\"b\\\\c\"");
}

static void string_uses_short_escapes_for_b_f_n_r_t(void **state)
{
    (void)state;
    assert_string_text("\b\f\n\r\t", 5, "\"\\b\\f\\n\\r\\t\"");
}

static void string_escapes_other_controls_as_lowercase_u00xx(void **state)
{
    (void)state;
    assert_string_text("\0\x01\x0b\x1b\x1f", 5,
                       "\"\\u0000\\u0001\\u000b\\u001b\\u001f\"");
}

static void string_keeps_del_slash_and_line_separators_raw(void **state)
{
    (void)state;
    assert_string_text("\x7f/\xe2\x80\xa8\xe2\x80\xa9", 8,
                       "\"\x7f/\xe2\x80\xa8\xe2\x80\xa9\"");
}

static void string_keeps_non_ascii_as_utf8(void **state)
{
    (void)state;
    assert_string_text("Z\xc3\xbcrich \xf0\x9f\x98\x80", 12,
                       "\"Z\xc3\xbcrich \xf0\x9f\x98\x80\"");
}

static void value_is_compact_with_keys_in_stored_order(void **state)
{
    cJSON *v = cJSON_Parse("{ \"b\" : 1.0, \"a\" : [ true, false, null, "
                           "\"x\" ], \"c\" : { \"d\" : 1e21 }, \"e\": {},"
                           " \"f\": [] }");
    struct sp_buf b;

    (void)state;
    sp_buf_init(&b, 0);
    assert_int_equal(jsonw_value(&b, v), 0);
    assert_string_equal(sp_buf_str(&b), "{\"b\":1,\"a\":[true,false,null,"
                                        "\"x\"],\"c\":{\"d\":1e+21},"
                                        "\"e\":{},\"f\":[]}");
    sp_buf_free(&b);
    cJSON_Delete(v);
}

static void value_escapes_keys_like_strings(void **state)
{
    cJSON *v = cJSON_Parse("{\"a\\\"\\n\":\"\\u001f\"}");
    struct sp_buf b;

    (void)state;
    sp_buf_init(&b, 0);
    assert_int_equal(jsonw_value(&b, v), 0);
    assert_string_equal(sp_buf_str(&b), "{\"a\\\"\\n\":\"\\u001f\"}");
    sp_buf_free(&b);
    cJSON_Delete(v);
}

static void value_writes_raw_members_verbatim(void **state)
{
    cJSON *v = cJSON_CreateObject();
    struct sp_buf b;

    (void)state;
    cJSON_AddRawToObject(v, "r", "{\"x\": 1.50}");
    sp_buf_init(&b, 0);
    assert_int_equal(jsonw_value(&b, v), 0);
    assert_string_equal(sp_buf_str(&b), "{\"r\":{\"x\": 1.50}}");
    sp_buf_free(&b);
    cJSON_Delete(v);
}

static void int_items_print_64_bit_integers_exactly(void **state)
{
    cJSON *v = cJSON_CreateObject();
    char *text;

    (void)state;
    assert_int_equal(jsonw_add_int(v, "a", 9007199254740993LL), 0);
    assert_int_equal(jsonw_add_int(v, "b", INT64_MAX), 0);
    assert_int_equal(jsonw_add_int(v, "c", INT64_MIN), 0);
    cJSON_AddItemToObject(v, "d", jsonw_int(0));
    text = cJSON_PrintUnformatted(v);
    assert_string_equal(text, "{\"a\":9007199254740993,"
                              "\"b\":9223372036854775807,"
                              "\"c\":-9223372036854775808,\"d\":0}");
    cJSON_free(text);
    cJSON_Delete(v);
}

/* n arrays nested in one another, built without recursion. */
static cJSON *nested_arrays(int n)
{
    cJSON *top = cJSON_CreateArray(), *cur = top;
    int i;

    for (i = 1; i < n; i++) {
        cJSON *a = cJSON_CreateArray();
        cJSON_AddItemToArray(cur, a);
        cur = a;
    }
    return top;
}

static void value_nested_512_deep_is_written(void **state)
{
    cJSON *v = nested_arrays(512);
    struct sp_buf b;

    (void)state;
    sp_buf_init(&b, 0);
    assert_int_equal(jsonw_value(&b, v), 0);
    assert_int_equal(b.len, 1024);
    sp_buf_free(&b);
    cJSON_Delete(v);
}

static void value_nested_513_deep_fails_and_appends_nothing(void **state)
{
    cJSON *v = nested_arrays(513);
    struct sp_buf b;

    (void)state;
    sp_buf_init(&b, 0);
    sp_buf_adds(&b, "keep");
    assert_int_equal(jsonw_value(&b, v), -1);
    assert_string_equal(sp_buf_str(&b), "keep");
    sp_buf_free(&b);
    cJSON_Delete(v);
}

static void value_over_the_buffer_limit_fails_and_appends_nothing(void **s)
{
    cJSON *v = cJSON_Parse("{\"a\":\"0123456789\"}");
    struct sp_buf b;

    (void)s;
    sp_buf_init(&b, 12);
    sp_buf_adds(&b, "ab");
    assert_int_equal(jsonw_value(&b, v), -1);
    assert_string_equal(sp_buf_str(&b), "ab");
    sp_buf_free(&b);
    cJSON_Delete(v);
}

/* ---- sha256 ------------------------------------------------------------- */

#define SHA_ABC                                                                \
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

static void sha256_of_abc_is_the_fips_vector(void **state)
{
    struct sp_sha256 h;
    char hex[SP_SHA256_HEX_LEN];

    (void)state;
    assert_int_equal(sp_sha256_init(&h), 0);
    assert_int_equal(sp_sha256_update(&h, "abc", 3), 0);
    assert_int_equal(sp_sha256_final(&h, hex), 0);
    assert_string_equal(hex, SHA_ABC);
}

static void sha256_in_pieces_equals_sha256_in_one(void **state)
{
    struct sp_sha256 h;
    char hex[SP_SHA256_HEX_LEN];

    (void)state;
    assert_int_equal(sp_sha256_init(&h), 0);
    assert_int_equal(sp_sha256_update(&h, "a", 1), 0);
    assert_int_equal(sp_sha256_update(&h, "", 0), 0);
    assert_int_equal(sp_sha256_update(&h, "bc", 2), 0);
    assert_int_equal(sp_sha256_final(&h, hex), 0);
    assert_string_equal(hex, SHA_ABC);
}

static void sha256_file_hashes_the_whole_file(void **state)
{
    char path[] = "/tmp/sp_sha256_XXXXXX";
    char hex[SP_SHA256_HEX_LEN];
    struct sp_err err = {0};
    int fd = mkstemp(path);

    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "abc", 3), 3);
    close(fd);
    assert_int_equal(sp_sha256_file(path, hex, &err), 0);
    unlink(path);
    assert_string_equal(hex, SHA_ABC);
}

static void sha256_file_names_a_missing_file(void **state)
{
    char hex[SP_SHA256_HEX_LEN];
    struct sp_err err = {0};

    (void)state;
    assert_int_equal(sp_sha256_file("/nonexistent/x.csv", hex, &err), -1);
    assert_int_equal(err.kind, SP_EFAIL);
    assert_string_equal(err.msg, "/nonexistent/x.csv: cannot open to compute "
                                 "its SHA-256: No such file or directory");
}

static void percent_encoding_keeps_unreserved_and_escapes_the_rest(void **state)
{
    char *e;

    (void)state;
    e = sp_percent_encode("Az09-._~ #?/%\xc3\xbc");
    assert_string_equal(e, "Az09-._~%20%23%3F%2F%25%C3%BC");
    free(e);
    e = sp_percent_encode("");
    assert_string_equal(e, "");
    free(e);
}

/* ---- utf8 -------------------------------------------------------------- */

static void assert_repairs(const char *in, size_t len, const char *want)
{
    struct sp_buf out;

    sp_buf_init(&out, 0);
    assert_int_equal(sp_utf8_repair(in, len, &out), 0);
    assert_string_equal(sp_buf_str(&out), want);
    sp_buf_free(&out);
}
#define REPAIRS(lit, want) assert_repairs((lit), sizeof(lit) - 1, (want))
#define FFFD "\xef\xbf\xbd"

static void utf8_valid_text_is_kept_byte_for_byte(void **state)
{
    (void)state;
    assert_int_equal(sp_utf8_valid_prefix("abc \xc3\xa9 \xe2\x82\xac "
                                          "\xf0\x9f\x98\x80",
                                          16),
                     16);
    REPAIRS("abc \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
            "abc \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
}

/* The WHATWG decoder's maximal subparts, as Node's TextDecoder gives them. */
static void
utf8_invalid_sequences_become_one_fffd_per_maximal_subpart(void **state)
{
    (void)state;
    REPAIRS("a\377b", "a" FFFD "b");         /* octal: \xff would take the b */
    REPAIRS("a\xc3", "a" FFFD);              /* cut 2-byte sequence */
    REPAIRS("\xe2\x82z", FFFD "z");          /* cut 3-byte: one FFFD */
    REPAIRS("\xc0\xaf", FFFD FFFD);          /* overlong lead */
    REPAIRS("\xe0\x80\x80", FFFD FFFD FFFD); /* overlong 3-byte */
    REPAIRS("\xed\xa0\x80", FFFD FFFD FFFD); /* a surrogate */
    REPAIRS("\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD); /* past U+10FFFF */
    REPAIRS("\x80\xbf", FFFD FFFD);                   /* lone continuations */
    assert_int_equal(sp_utf8_valid_prefix("ok\xff", 3), 2);
}

/* ---- jsonarena ---------------------------------------------------------- */

/* A document of n members "kI": "vvv...", each value `width` long. */
static char *wide_doc(int n, size_t width)
{
    size_t cap = (size_t)n * (width + 32) + 8, len = 1;
    char *doc = malloc(cap);
    int i;

    assert_non_null(doc);
    doc[0] = '{';
    for (i = 0; i < n; i++) {
        len += (size_t)snprintf(doc + len, cap - len, "%s\"k%d\":\"",
                                i ? "," : "", i);
        memset(doc + len, 'a' + i % 26, width);
        len += width;
        doc[len++] = '"';
    }
    doc[len++] = '}';
    doc[len] = '\0';
    return doc;
}

static void
json_arena_parses_records_larger_than_a_chunk_one_after_another(void **state)
{
    char *big = wide_doc(300, 1000); /* ~300 KB of strings: several chunks */
    int round;

    (void)state;
    for (round = 0; round < 3; round++) {
        cJSON *doc;

        sp_json_arena_begin();
        doc = cJSON_Parse(round == 1 ? "{\"small\":[1,2,3]}" : big);
        assert_non_null(doc);
        if (round == 1) {
            assert_int_equal(
                cJSON_GetArraySize(cJSON_GetObjectItem(doc, "small")), 3);
        } else {
            const cJSON *last = cJSON_GetObjectItem(doc, "k299");

            assert_non_null(last);
            assert_int_equal(strlen(last->valuestring), 1000);
            assert_int_equal(last->valuestring[999], 'a' + 299 % 26);
        }
        cJSON_Delete(doc);
        sp_json_arena_end();
    }
    free(big);
}

static void
json_values_made_outside_the_arena_live_on_and_free_as_usual(void **state)
{
    cJSON *outside, *inside;
    char *text;

    (void)state;
    outside = cJSON_Parse("{\"kept\":\"across records\"}");
    sp_json_arena_begin();
    inside = cJSON_Parse("[1]");
    cJSON_Delete(inside);
    sp_json_arena_end();
    sp_json_arena_begin(); /* takes back the arena, not `outside` */
    sp_json_arena_end();
    text = cJSON_PrintUnformatted(outside);
    assert_string_equal(text, "{\"kept\":\"across records\"}");
    cJSON_free(text);
    cJSON_Delete(outside);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hex_is_valid_accepts_either_case_and_nothing_else),
        cmocka_unit_test(hex_lower_folds_case_and_rejects_non_hex),
        cmocka_unit_test(hex_is_zero_only_for_all_zero_digits),
        cmocka_unit_test(hex_encode_writes_lowercase_pairs),
        cmocka_unit_test(base64_encode_pads_to_four_characters),
        cmocka_unit_test(base64_decode_accepts_padding_or_none),
        cmocka_unit_test(base64_decode_reads_a_span_id_with_plus_and_slash),
        cmocka_unit_test(base64_decode_rejects_bad_input),
        cmocka_unit_test(base64_decode_rejects_output_beyond_cap),
        cmocka_unit_test(uuid_is_valid_needs_8_4_4_4_12_hex),
        cmocka_unit_test(uuid_v4_is_lowercase_version_4_rfc_variant),
        cmocka_unit_test(number_with_integer_value_has_no_fraction),
        cmocka_unit_test(number_of_21_digits_switches_to_exponent_form),
        cmocka_unit_test(number_below_1e_minus_6_switches_to_exponent_form),
        cmocka_unit_test(number_uses_the_shortest_round_trip_digits),
        cmocka_unit_test(negative_zero_is_written_as_zero),
        cmocka_unit_test(nan_and_infinities_are_written_as_null),
        cmocka_unit_test(string_escapes_quote_and_backslash),
        cmocka_unit_test(string_uses_short_escapes_for_b_f_n_r_t),
        cmocka_unit_test(string_escapes_other_controls_as_lowercase_u00xx),
        cmocka_unit_test(string_keeps_del_slash_and_line_separators_raw),
        cmocka_unit_test(string_keeps_non_ascii_as_utf8),
        cmocka_unit_test(value_is_compact_with_keys_in_stored_order),
        cmocka_unit_test(value_escapes_keys_like_strings),
        cmocka_unit_test(value_writes_raw_members_verbatim),
        cmocka_unit_test(int_items_print_64_bit_integers_exactly),
        cmocka_unit_test(value_nested_512_deep_is_written),
        cmocka_unit_test(value_nested_513_deep_fails_and_appends_nothing),
        cmocka_unit_test(value_over_the_buffer_limit_fails_and_appends_nothing),
        cmocka_unit_test(sha256_of_abc_is_the_fips_vector),
        cmocka_unit_test(sha256_in_pieces_equals_sha256_in_one),
        cmocka_unit_test(sha256_file_hashes_the_whole_file),
        cmocka_unit_test(sha256_file_names_a_missing_file),
        cmocka_unit_test(
            percent_encoding_keeps_unreserved_and_escapes_the_rest),
        cmocka_unit_test(utf8_valid_text_is_kept_byte_for_byte),
        cmocka_unit_test(
            utf8_invalid_sequences_become_one_fffd_per_maximal_subpart),
        cmocka_unit_test(
            json_arena_parses_records_larger_than_a_chunk_one_after_another),
        cmocka_unit_test(
            json_values_made_outside_the_arena_live_on_and_free_as_usual),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
