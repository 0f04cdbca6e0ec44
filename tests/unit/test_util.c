/* tests/unit/test_util.c: util/time, hex, jsonw and sha256, one behaviour
 * per test. Knows only the util headers; no store, no export. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/hex.h"
#include "util/jsonw.h"
#include "util/sha256.h"
#include "util/time.h"

#define T_2026_01_15 INT64_C(1768435200000000000)
#define T_2026_01_15_10H INT64_C(1768471200000000000)

/* ---- time: parsing ---------------------------------------------------- */

static int64_t parse_ok(const char *s, int flags)
{
    int64_t ns = 42;

    assert_int_equal(sp_time_parse(s, strlen(s), flags, &ns), 0);
    return ns;
}

static int parse_rc(const char *s, int flags)
{
    int64_t ns = 42;
    int rc = sp_time_parse(s, strlen(s), flags, &ns);

    assert_true(rc == 0 || ns == 42); /* a failure leaves *ns alone */
    return rc;
}

static void date_alone_is_the_start_of_that_day_utc(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("2026-01-15", 0), T_2026_01_15);
}

static void date_alone_with_end_of_day_is_its_last_nanosecond(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("2026-01-15", SP_TIME_END_OF_DAY),
                     INT64_C(1768521599999999999));
}

static void end_of_day_does_not_change_a_full_timestamp(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("2026-01-15T10:00:00Z", SP_TIME_END_OF_DAY),
                     T_2026_01_15_10H);
}

static void z_and_no_offset_both_mean_utc(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("2026-01-15T10:00:00Z", 0), T_2026_01_15_10H);
    assert_int_equal(parse_ok("2026-01-15T10:00:00", 0), T_2026_01_15_10H);
}

static void lowercase_t_and_z_are_accepted(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("2026-01-15t10:00:00z", 0), T_2026_01_15_10H);
}

static void one_space_separates_date_and_time_as_postgres_prints(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("2026-01-15 10:00:00.123", 0),
                     T_2026_01_15_10H + 123000000);
}

static void offset_with_colon_is_subtracted_to_get_utc(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("2026-01-15T10:00:00.5+02:00", 0),
                     T_2026_01_15_10H - INT64_C(7200000000000) + 500000000);
}

static void offset_without_colon_equals_offset_with_colon(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("2026-01-15T10:00:00+0200", 0),
                     parse_ok("2026-01-15T10:00:00+02:00", 0));
}

static void offset_of_hours_alone_equals_offset_with_minutes(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("2026-01-15 10:00:00+02", 0),
                     parse_ok("2026-01-15T10:00:00+02:00", 0));
}

static void negative_offset_with_minutes_moves_utc_later(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("2026-01-15T10:00:00-05:30", 0),
                     INT64_C(1768491000000000000));
}

static void offset_of_eighteen_hours_is_the_largest_accepted(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("2026-01-15T10:00:00+18:00", 0),
                     T_2026_01_15_10H - INT64_C(64800000000000));
    assert_int_equal(parse_rc("2026-01-15T10:00:00+18:01", 0), -1);
    assert_int_equal(parse_rc("2026-01-15T10:00:00-19", 0), -1);
}

static void malformed_offsets_are_rejected(void **state)
{
    (void)state;
    assert_int_equal(parse_rc("2026-01-15T10:00:00+2", 0), -1);
    assert_int_equal(parse_rc("2026-01-15T10:00:00+02:", 0), -1);
    assert_int_equal(parse_rc("2026-01-15T10:00:00+02:60", 0), -1);
    assert_int_equal(parse_rc("2026-01-15T10:00:00+020", 0), -1);
}

static void zero_to_nine_fraction_digits_scale_to_nanoseconds(void **state)
{
    static const struct {
        const char *s;
        int64_t frac_ns;
    } cases[] = {
        {"2026-01-15T10:00:00Z", 0},
        {"2026-01-15T10:00:00.1Z", 100000000},
        {"2026-01-15T10:00:00.12Z", 120000000},
        {"2026-01-15T10:00:00.123Z", 123000000},
        {"2026-01-15T10:00:00.1234Z", 123400000},
        {"2026-01-15T10:00:00.12345Z", 123450000},
        {"2026-01-15T10:00:00.123456Z", 123456000},
        {"2026-01-15T10:00:00.1234567Z", 123456700},
        {"2026-01-15T10:00:00.12345678Z", 123456780},
        {"2026-01-15T10:00:00.123456789Z", 123456789},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        assert_int_equal(parse_ok(cases[i].s, 0),
                         T_2026_01_15_10H + cases[i].frac_ns);
}

static void ten_fraction_digits_are_rejected(void **state)
{
    (void)state;
    assert_int_equal(parse_rc("2026-01-15T10:00:00.1234567891Z", 0), -1);
}

static void a_dot_without_fraction_digits_is_rejected(void **state)
{
    (void)state;
    assert_int_equal(parse_rc("2026-01-15T10:00:00.Z", 0), -1);
}

static void feb_29_exists_only_in_leap_years(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("2024-02-29", 0), INT64_C(1709164800000000000));
    assert_int_equal(parse_ok("2000-02-29", 0), INT64_C(951782400000000000));
    assert_int_equal(parse_rc("2023-02-29", 0), -1);
    assert_int_equal(parse_rc("2100-02-29", 0), -1);
}

static void out_of_range_fields_are_rejected(void **state)
{
    (void)state;
    assert_int_equal(parse_rc("2026-13-01", 0), -1);
    assert_int_equal(parse_rc("2026-00-10", 0), -1);
    assert_int_equal(parse_rc("2026-04-31", 0), -1);
    assert_int_equal(parse_rc("2026-01-00", 0), -1);
    assert_int_equal(parse_rc("2026-01-15T24:00:00Z", 0), -1);
    assert_int_equal(parse_rc("2026-01-15T10:60:00Z", 0), -1);
    assert_int_equal(parse_rc("2026-01-15T10:00:60Z", 0), -1);
}

static void trailing_garbage_is_rejected(void **state)
{
    (void)state;
    assert_int_equal(parse_rc("2026-01-15T10:00:00Zx", 0), -1);
    assert_int_equal(parse_rc("2026-01-15x", 0), -1);
    assert_int_equal(parse_rc("2026-01-15 ", 0), -1);
    assert_int_equal(parse_rc("2026-01-15T10:00", 0), -1);
    assert_int_equal(parse_rc("2026-1-15", 0), -1);
}

static void empty_input_is_rejected(void **state)
{
    int64_t ns = 42;

    (void)state;
    assert_int_equal(sp_time_parse("", 0, SP_TIME_EPOCH_MS, &ns), -1);
    assert_int_equal(ns, 42);
}

static void only_len_bytes_are_read(void **state)
{
    int64_t ns = 0;

    (void)state;
    assert_int_equal(sp_time_parse("2026-01-15T99", 10, 0, &ns), 0);
    assert_int_equal(ns, T_2026_01_15);
}

static void epoch_milliseconds_are_accepted_with_the_flag(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("1768471200123", SP_TIME_EPOCH_MS),
                     T_2026_01_15_10H + 123000000);
    assert_int_equal(parse_ok("0", SP_TIME_EPOCH_MS), 0);
}

static void negative_epoch_milliseconds_are_before_1970(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("-1", SP_TIME_EPOCH_MS), -1000000);
}

static void epoch_milliseconds_are_rejected_without_the_flag(void **state)
{
    (void)state;
    assert_int_equal(parse_rc("1768471200123", 0), -1);
}

static void malformed_epoch_milliseconds_are_rejected(void **state)
{
    (void)state;
    assert_int_equal(parse_rc("-", SP_TIME_EPOCH_MS), -1);
    assert_int_equal(parse_rc("+5", SP_TIME_EPOCH_MS), -1);
    assert_int_equal(parse_rc("12a", SP_TIME_EPOCH_MS), -1);
}

static void epoch_milliseconds_beyond_int64_ns_are_rejected(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("9223372036854", SP_TIME_EPOCH_MS),
                     INT64_C(9223372036854000000));
    assert_int_equal(parse_ok("-9223372036854", SP_TIME_EPOCH_MS),
                     -INT64_C(9223372036854000000));
    assert_int_equal(parse_rc("9223372036855", SP_TIME_EPOCH_MS), -1);
    assert_int_equal(parse_rc("-9223372036855", SP_TIME_EPOCH_MS), -1);
    assert_int_equal(parse_rc("99999999999999999999999", SP_TIME_EPOCH_MS), -1);
}

static void the_nanosecond_before_1970_is_minus_one(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("1969-12-31T23:59:59.999999999Z", 0), -1);
}

static void int64_ns_limits_parse_and_one_beyond_is_rejected(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("2262-04-11T23:47:16.854775807Z", 0), INT64_MAX);
    assert_int_equal(parse_rc("2262-04-11T23:47:16.854775808Z", 0), -1);
    assert_int_equal(parse_ok("1677-09-21T00:12:43.145224192Z", 0), INT64_MIN);
    assert_int_equal(parse_rc("1677-09-21T00:12:43.145224191Z", 0), -1);
    assert_int_equal(parse_rc("9999-12-31", 0), -1);
}

/* ---- time: formatting ------------------------------------------------- */

static void format_rfc3339_always_writes_nine_fraction_digits(void **state)
{
    char out[SP_TIME_RFC3339_LEN];

    (void)state;
    sp_time_format_rfc3339(T_2026_01_15_10H + 123000000, out);
    assert_string_equal(out, "2026-01-15T10:00:00.123000000Z");
    sp_time_format_rfc3339(0, out);
    assert_string_equal(out, "1970-01-01T00:00:00.000000000Z");
}

static void format_rfc3339_floors_times_before_1970(void **state)
{
    char out[SP_TIME_RFC3339_LEN];

    (void)state;
    sp_time_format_rfc3339(-1, out);
    assert_string_equal(out, "1969-12-31T23:59:59.999999999Z");
}

static void format_rfc3339_handles_the_int64_limits(void **state)
{
    char out[SP_TIME_RFC3339_LEN];

    (void)state;
    sp_time_format_rfc3339(INT64_MAX, out);
    assert_string_equal(out, "2262-04-11T23:47:16.854775807Z");
    sp_time_format_rfc3339(INT64_MIN, out);
    assert_string_equal(out, "1677-09-21T00:12:43.145224192Z");
}

static void format_then_parse_gives_back_the_same_nanoseconds(void **state)
{
    static const int64_t values[] = {
        INT64_C(951868800000000001),  /* 2000-03-01, after a leap day */
        INT64_C(-86400000000000),     /* 1969-12-31 */
        INT64_C(4107542399999999999), /* 2100-02-28T23:59:59.999999999 */
    };
    char out[SP_TIME_RFC3339_LEN];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        sp_time_format_rfc3339(values[i], out);
        assert_int_equal(parse_ok(out, 0), values[i]);
    }
}

static void now_is_the_wall_clock_in_nanoseconds(void **state)
{
    int64_t before = (int64_t)time(NULL), now = sp_time_now_ns();

    (void)state;
    assert_true(now / 1000000000 >= before);
    assert_true(now / 1000000000 <= (int64_t)time(NULL));
}

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(date_alone_is_the_start_of_that_day_utc),
        cmocka_unit_test(date_alone_with_end_of_day_is_its_last_nanosecond),
        cmocka_unit_test(end_of_day_does_not_change_a_full_timestamp),
        cmocka_unit_test(z_and_no_offset_both_mean_utc),
        cmocka_unit_test(lowercase_t_and_z_are_accepted),
        cmocka_unit_test(one_space_separates_date_and_time_as_postgres_prints),
        cmocka_unit_test(offset_with_colon_is_subtracted_to_get_utc),
        cmocka_unit_test(offset_without_colon_equals_offset_with_colon),
        cmocka_unit_test(offset_of_hours_alone_equals_offset_with_minutes),
        cmocka_unit_test(negative_offset_with_minutes_moves_utc_later),
        cmocka_unit_test(offset_of_eighteen_hours_is_the_largest_accepted),
        cmocka_unit_test(malformed_offsets_are_rejected),
        cmocka_unit_test(zero_to_nine_fraction_digits_scale_to_nanoseconds),
        cmocka_unit_test(ten_fraction_digits_are_rejected),
        cmocka_unit_test(a_dot_without_fraction_digits_is_rejected),
        cmocka_unit_test(feb_29_exists_only_in_leap_years),
        cmocka_unit_test(out_of_range_fields_are_rejected),
        cmocka_unit_test(trailing_garbage_is_rejected),
        cmocka_unit_test(empty_input_is_rejected),
        cmocka_unit_test(only_len_bytes_are_read),
        cmocka_unit_test(epoch_milliseconds_are_accepted_with_the_flag),
        cmocka_unit_test(negative_epoch_milliseconds_are_before_1970),
        cmocka_unit_test(epoch_milliseconds_are_rejected_without_the_flag),
        cmocka_unit_test(malformed_epoch_milliseconds_are_rejected),
        cmocka_unit_test(epoch_milliseconds_beyond_int64_ns_are_rejected),
        cmocka_unit_test(the_nanosecond_before_1970_is_minus_one),
        cmocka_unit_test(int64_ns_limits_parse_and_one_beyond_is_rejected),
        cmocka_unit_test(format_rfc3339_always_writes_nine_fraction_digits),
        cmocka_unit_test(format_rfc3339_floors_times_before_1970),
        cmocka_unit_test(format_rfc3339_handles_the_int64_limits),
        cmocka_unit_test(format_then_parse_gives_back_the_same_nanoseconds),
        cmocka_unit_test(now_is_the_wall_clock_in_nanoseconds),
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
        cmocka_unit_test(value_nested_512_deep_is_written),
        cmocka_unit_test(value_nested_513_deep_fails_and_appends_nothing),
        cmocka_unit_test(value_over_the_buffer_limit_fails_and_appends_nothing),
        cmocka_unit_test(sha256_of_abc_is_the_fips_vector),
        cmocka_unit_test(sha256_in_pieces_equals_sha256_in_one),
        cmocka_unit_test(sha256_file_hashes_the_whole_file),
        cmocka_unit_test(sha256_file_names_a_missing_file),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
