/* tests/unit/test_util_time.c: util/time, parsing and formatting, one
 * behaviour per test. Knows only util/time.h; no store, no export. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

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
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
