/* tests/unit/test_row.c: the cost column, format_message and the JavaScript
 * trim (export.md §4, §5, §9), one behaviour per test, exact values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "export/row.h"

/* ---- cost --------------------------------------------------------------- */

static const char *cost(int64_t c, int is_null)
{
    static char out[ROW_COST_LEN];

    memset(out, 'x', sizeof(out));
    row_format_cost(c, is_null, out);
    return out;
}

static void cost_zero_is_written_as_0(void **state)
{
    (void)state;
    assert_string_equal(cost(0, 0), "0");
}

static void cost_null_is_written_as_0(void **state)
{
    (void)state;
    assert_string_equal(cost(12345, 1), "0");
}

static void cost_below_one_dollar_keeps_its_leading_zeros(void **state)
{
    (void)state;
    assert_string_equal(cost(1, 0), "0.00001");
    assert_string_equal(cost(10, 0), "0.0001");
    assert_string_equal(cost(123, 0), "0.00123");
    assert_string_equal(cost(250, 0), "0.0025");
    assert_string_equal(cost(99999, 0), "0.99999");
}

static void cost_of_whole_dollars_has_no_fraction(void **state)
{
    (void)state;
    assert_string_equal(cost(100000, 0), "1");
    assert_string_equal(cost(4200000, 0), "42");
}

static void cost_drops_trailing_fraction_zeros(void **state)
{
    (void)state;
    assert_string_equal(cost(150000, 0), "1.5");
    assert_string_equal(cost(100001, 0), "1.00001");
}

static void negative_cost_keeps_its_sign(void **state)
{
    (void)state;
    assert_string_equal(cost(-250, 0), "-0.0025");
    assert_string_equal(cost(-150000, 0), "-1.5");
}

static void cost_at_int64_limits_is_exact(void **state)
{
    (void)state;
    assert_string_equal(cost(INT64_MAX, 0), "92233720368547.75807");
    assert_string_equal(cost(INT64_MIN, 0), "-92233720368547.75808");
}

/* ---- format_message ------------------------------------------------------ */

/* format_message of the message JSON `json`, appended to `prefix`; the
 * return code goes to *rc. The caller frees the text. */
static char *format_after(const char *prefix, const char *json, int *rc)
{
    cJSON *msg = cJSON_Parse(json);
    struct sp_buf out;

    assert_non_null(msg);
    sp_buf_init(&out, 0);
    assert_int_equal(sp_buf_adds(&out, prefix), 0);
    *rc = row_format_message(msg, &out);
    cJSON_Delete(msg);
    return sp_buf_take(&out);
}

#define assert_formats(json, want)                                             \
    do {                                                                       \
        int rc_;                                                               \
        char *got_ = format_after("", (json), &rc_);                           \
        assert_int_equal(rc_, ROW_MESSAGE_OK);                                 \
        assert_string_equal(got_, (want));                                     \
        free(got_);                                                            \
    } while (0)

#define assert_malformed(json)                                                 \
    do {                                                                       \
        int rc_;                                                               \
        char *got_ = format_after("before\n\n", (json), &rc_);                 \
        assert_int_equal(rc_, ROW_MESSAGE_MALFORMED);                          \
        assert_string_equal(got_, "before\n\n");                               \
        free(got_);                                                            \
    } while (0)

/* A content array of parts, as one message. */
#define PARTS(...) "{\"role\":\"user\",\"content\":[" __VA_ARGS__ "]}"
#define TEXT(s) "{\"type\":\"text\",\"text\":\"" s "\"}"
#define IMAGE(s) "{\"type\":\"image\",\"image\":\"" s "\"}"

static void string_content_is_the_text(void **state)
{
    (void)state;
    assert_formats("{\"role\":\"user\",\"content\":\"hello\"}", "hello");
}

static void string_content_is_trimmed_too(void **state)
{
    (void)state;
    assert_formats("{\"role\":\"user\",\"content\":\" \\n\\thi there\\r\\n\"}",
                   "hi there");
}

static void text_parts_are_joined_with_one_newline(void **state)
{
    (void)state;
    assert_formats(PARTS(TEXT("a") "," TEXT("b")), "a\nb");
}

static void empty_content_array_gives_empty_text(void **state)
{
    (void)state;
    assert_formats(PARTS(), "");
}

static void text_part_without_text_is_an_empty_piece(void **state)
{
    (void)state;
    assert_formats(PARTS(TEXT("a") ",{\"type\":\"text\"}," TEXT("b")),
                   "a\n\nb");
}

static void text_part_with_non_string_text_is_an_empty_piece(void **state)
{
    (void)state;
    assert_formats(
        PARTS(TEXT("a") ",{\"type\":\"text\",\"text\":42}," TEXT("b")),
        "a\n\nb");
}

static void reasoning_part_gives_its_text(void **state)
{
    (void)state;
    assert_formats(PARTS("{\"type\":\"reasoning\",\"text\":\"because\"}"),
                   "because");
}

static void reasoning_without_text_is_thought_in_private(void **state)
{
    (void)state;
    assert_formats(PARTS("{\"type\":\"reasoning\"}"), "Thought in private...");
}

static void reasoning_with_null_text_is_thought_in_private(void **state)
{
    (void)state;
    assert_formats(PARTS("{\"type\":\"reasoning\",\"text\":null}"),
                   "Thought in private...");
}

static void reasoning_with_empty_text_is_an_empty_piece(void **state)
{
    (void)state;
    assert_formats(
        PARTS(TEXT("a") ",{\"type\":\"reasoning\",\"text\":\"\"}," TEXT("b")),
        "a\n\nb");
}

static void reasoning_with_non_string_text_is_an_empty_piece(void **state)
{
    (void)state;
    assert_formats(
        PARTS(TEXT("a") ",{\"type\":\"reasoning\",\"text\":{}}," TEXT("b")),
        "a\n\nb");
}

static void redacted_reasoning_gives_its_data(void **state)
{
    (void)state;
    assert_formats(PARTS("{\"type\":\"redacted-reasoning\",\"data\":\"xyz\"}"),
                   "xyz");
}

static void redacted_reasoning_without_data_is_thought_in_private(void **s)
{
    (void)s;
    assert_formats(PARTS("{\"type\":\"redacted-reasoning\"}"),
                   "Thought in private...");
}

static void unknown_part_type_is_an_empty_piece(void **state)
{
    (void)state;
    assert_formats(PARTS(TEXT("a") ",{\"type\":\"audio\",\"audio\":\"x\"},"
                                   "{\"text\":\"no type\"}," TEXT("b")),
                   "a\n\n\nb");
}

static void tool_call_is_the_whole_part_as_compact_json(void **state)
{
    (void)state;
    assert_formats(
        PARTS("{\"type\": \"tool-call\", \"toolCallId\": \"c1\", \"toolName\":"
              " \"get\", \"args\": {\"city\": \"Z\xc3\xbcrich \\\"Z\\\"\\n\","
              " \"n\": 1.0, \"big\": 1e21, \"small\": 1.5e-7, \"nested\":"
              " {\"a\": [1, 2, {\"b\": null, \"t\": true}]},"
              " \"s\": \"\\u2028/\\u001f\"}}"),
        "{\"type\":\"tool-call\",\"toolCallId\":\"c1\",\"toolName\":\"get\","
        "\"args\":{\"city\":\"Z\xc3\xbcrich \\\"Z\\\"\\n\",\"n\":1,"
        "\"big\":1e+21,\"small\":1.5e-7,\"nested\":{\"a\":[1,2,{\"b\":null,"
        "\"t\":true}]},\"s\":\"\xe2\x80\xa8/\\u001f\"}}");
}

static void tool_result_is_the_whole_part_as_compact_json(void **state)
{
    (void)state;
    assert_formats(PARTS(TEXT("see") ", {\"type\":\"tool-result\","
                                     "\"toolCallId\":\"c1\",\"toolName\":"
                                     "\"get\",\"result\":[0.1,-0],"
                                     "\"isError\":false}"),
                   "see\n{\"type\":\"tool-result\",\"toolCallId\":\"c1\","
                   "\"toolName\":\"get\",\"result\":[0.1,0],"
                   "\"isError\":false}");
}

static void message_appends_after_existing_text_and_trims_only_itself(void **s)
{
    int rc;
    char *got = format_after(" x ", "{\"content\":\"  y  \"}", &rc);

    (void)s;
    assert_int_equal(rc, ROW_MESSAGE_OK);
    assert_string_equal(got, " x y");
    free(got);
}

static void duplicate_content_keys_use_the_last_as_json_parse_does(void **s)
{
    (void)s;
    assert_formats("{\"content\":1,\"content\":\"second\"}", "second");
}

/* ---- malformed messages -------------------------------------------------- */

static void content_that_is_a_number_is_malformed(void **state)
{
    (void)state;
    assert_malformed("{\"role\":\"user\",\"content\":42}");
}

static void content_that_is_an_object_is_malformed(void **state)
{
    (void)state;
    assert_malformed("{\"role\":\"user\",\"content\":{\"type\":\"text\"}}");
}

static void null_or_missing_content_is_malformed(void **state)
{
    (void)state;
    assert_malformed("{\"role\":\"user\",\"content\":null}");
    assert_malformed("{\"role\":\"user\"}");
}

static void message_that_is_not_an_object_is_malformed(void **state)
{
    (void)state;
    assert_malformed("\"hello\"");
    assert_malformed("[]");
}

static void part_that_is_not_an_object_makes_the_message_malformed(void **s)
{
    (void)s;
    assert_malformed(PARTS(TEXT("written first") ",\"a string part\""));
    assert_malformed(PARTS(TEXT("a") ",null"));
    assert_malformed(PARTS("[" TEXT("a") "]"));
}

/* ---- image and file URLs ----------------------------------------------- */

static void image_url_with_empty_path_gets_a_slash(void **state)
{
    (void)state;
    assert_formats(PARTS(IMAGE("https://A.COM")), "https://a.com/");
}

static void empty_path_gets_a_slash_before_query_or_fragment(void **state)
{
    (void)state;
    assert_formats(PARTS(IMAGE("https://a.com?x")), "https://a.com/?x");
    assert_formats(PARTS(IMAGE("wss://a.com#F")), "wss://a.com/#F");
}

static void url_keeps_userinfo_port_and_path_as_written(void **state)
{
    (void)state;
    assert_formats(PARTS(IMAGE("HTTP://User@Host.COM:8080")),
                   "http://User@host.com:8080/");
    assert_formats(PARTS(IMAGE("Ftp://H.com/Pic.PNG?Q=A#Z")),
                   "ftp://h.com/Pic.PNG?Q=A#Z");
}

static void url_host_after_the_last_at_sign_is_lowercased(void **state)
{
    (void)state;
    assert_formats(PARTS(IMAGE("https://U@V@H.COM/")), "https://U@V@h.com/");
}

static void ipv6_host_is_lowercased_and_its_colons_are_not_a_port(void **s)
{
    (void)s;
    assert_formats(PARTS(IMAGE("http://[FE80::1]:8080")),
                   "http://[fe80::1]:8080/");
}

static void other_schemes_lowercase_host_but_add_no_slash(void **state)
{
    (void)state;
    assert_formats(PARTS(IMAGE("S3://Bucket.X")), "s3://bucket.x");
}

static void url_without_slashes_only_lowercases_the_scheme(void **state)
{
    (void)state;
    assert_formats(PARTS(IMAGE("MAILTO:X@Y")), "mailto:X@Y");
}

static void data_url_is_kept_in_full(void **state)
{
    (void)state;
    assert_formats(PARTS(IMAGE("data:image/png;base64,xx")),
                   "data:image/png;base64,xx");
}

static void data_colon_alone_is_not_a_url(void **state)
{
    (void)state;
    assert_formats(PARTS(IMAGE("data:")), "[IMAGE]");
}

static void relative_or_schemeless_image_is_a_placeholder(void **state)
{
    (void)state;
    assert_formats(PARTS(IMAGE("/a.png")), "[IMAGE]");
    assert_formats(PARTS(IMAGE("1http://x")), "[IMAGE]");
    assert_formats(PARTS(IMAGE("iVBORw0KGgo=")), "[IMAGE]");
    assert_formats(PARTS(IMAGE(" https://a.com")), "[IMAGE]");
}

static void image_that_is_not_a_string_is_a_placeholder(void **state)
{
    (void)state;
    assert_formats(PARTS("{\"type\":\"image\",\"image\":{\"url\":\"x:y\"}}"),
                   "[IMAGE]");
    assert_formats(PARTS("{\"type\":\"image\"}"), "[IMAGE]");
}

static void file_part_gives_its_url_or_a_file_placeholder(void **state)
{
    (void)state;
    assert_formats(PARTS("{\"type\":\"file\",\"file\":\"HTTPS://X.IO\","
                         "\"mimeType\":\"application/pdf\"}"),
                   "https://x.io/");
    assert_formats(PARTS("{\"type\":\"file\",\"file\":\"JVBERi0=\"}"),
                   "[FILE]");
}

/* ---- JavaScript trim ----------------------------------------------------- */

static void trim_strips_each_javascript_space_from_both_ends(void **state)
{
    static const char *const spaces[] = {
        "\t",           "\n",           "\v",
        "\f",           "\r",           " ",
        "\xc2\xa0",     "\xe1\x9a\x80", "\xe2\x80\x80",
        "\xe2\x80\x81", "\xe2\x80\x82", "\xe2\x80\x83",
        "\xe2\x80\x84", "\xe2\x80\x85", "\xe2\x80\x86",
        "\xe2\x80\x87", "\xe2\x80\x88", "\xe2\x80\x89",
        "\xe2\x80\x8a", "\xe2\x80\xa8", "\xe2\x80\xa9",
        "\xe2\x80\xaf", "\xe2\x81\x9f", "\xe3\x80\x80",
        "\xef\xbb\xbf",
    };
    char text[16];
    size_t i, sp, len;
    const char *t;

    (void)state;
    for (i = 0; i < sizeof(spaces) / sizeof(spaces[0]); i++) {
        sp = strlen(spaces[i]);
        memcpy(text, spaces[i], sp);
        text[sp] = 'a';
        memcpy(text + sp + 1, spaces[i], sp);
        len = 2 * sp + 1;
        t = row_js_trim(text, &len);
        assert_int_equal(len, 1);
        assert_int_equal(t[0], 'a');
    }
}

static void trim_keeps_characters_javascript_does_not_call_space(void **s)
{
    /* U+0085 NEL, U+180E, U+200B ZWSP, U+2060 WJ around an 'a' */
    const char text[] = "\xc2\x85\xe1\xa0\x8e\xe2\x80\x8b"
                        "a"
                        "\xe2\x81\xa0";
    size_t len = sizeof(text) - 1;
    const char *t = row_js_trim(text, &len);

    (void)s;
    assert_ptr_equal(t, text);
    assert_int_equal(len, sizeof(text) - 1);
}

static void trim_keeps_inner_spaces(void **state)
{
    const char text[] = " \xe3\x80\x80"
                        "a \xc2\xa0 b\xef\xbb\xbf\n";
    size_t len = sizeof(text) - 1;
    const char *t = row_js_trim(text, &len);

    (void)state;
    assert_int_equal(len, 6);
    assert_memory_equal(t, "a \xc2\xa0 b", 6);
}

static void trim_of_only_spaces_is_empty(void **state)
{
    const char text[] = " \t\xe2\x80\xa9\xc2\xa0";
    size_t len = sizeof(text) - 1;

    (void)state;
    row_js_trim(text, &len);
    assert_int_equal(len, 0);
}

static void trim_leaves_a_lone_lead_byte_alone(void **state)
{
    const char text[] = "a\xe2\x80";
    size_t len = sizeof(text) - 1;

    (void)state;
    row_js_trim(text, &len);
    assert_int_equal(len, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cost_zero_is_written_as_0),
        cmocka_unit_test(cost_null_is_written_as_0),
        cmocka_unit_test(cost_below_one_dollar_keeps_its_leading_zeros),
        cmocka_unit_test(cost_of_whole_dollars_has_no_fraction),
        cmocka_unit_test(cost_drops_trailing_fraction_zeros),
        cmocka_unit_test(negative_cost_keeps_its_sign),
        cmocka_unit_test(cost_at_int64_limits_is_exact),
        cmocka_unit_test(string_content_is_the_text),
        cmocka_unit_test(string_content_is_trimmed_too),
        cmocka_unit_test(text_parts_are_joined_with_one_newline),
        cmocka_unit_test(empty_content_array_gives_empty_text),
        cmocka_unit_test(text_part_without_text_is_an_empty_piece),
        cmocka_unit_test(text_part_with_non_string_text_is_an_empty_piece),
        cmocka_unit_test(reasoning_part_gives_its_text),
        cmocka_unit_test(reasoning_without_text_is_thought_in_private),
        cmocka_unit_test(reasoning_with_null_text_is_thought_in_private),
        cmocka_unit_test(reasoning_with_empty_text_is_an_empty_piece),
        cmocka_unit_test(reasoning_with_non_string_text_is_an_empty_piece),
        cmocka_unit_test(redacted_reasoning_gives_its_data),
        cmocka_unit_test(redacted_reasoning_without_data_is_thought_in_private),
        cmocka_unit_test(unknown_part_type_is_an_empty_piece),
        cmocka_unit_test(tool_call_is_the_whole_part_as_compact_json),
        cmocka_unit_test(tool_result_is_the_whole_part_as_compact_json),
        cmocka_unit_test(
            message_appends_after_existing_text_and_trims_only_itself),
        cmocka_unit_test(
            duplicate_content_keys_use_the_last_as_json_parse_does),
        cmocka_unit_test(content_that_is_a_number_is_malformed),
        cmocka_unit_test(content_that_is_an_object_is_malformed),
        cmocka_unit_test(null_or_missing_content_is_malformed),
        cmocka_unit_test(message_that_is_not_an_object_is_malformed),
        cmocka_unit_test(
            part_that_is_not_an_object_makes_the_message_malformed),
        cmocka_unit_test(image_url_with_empty_path_gets_a_slash),
        cmocka_unit_test(empty_path_gets_a_slash_before_query_or_fragment),
        cmocka_unit_test(url_keeps_userinfo_port_and_path_as_written),
        cmocka_unit_test(url_host_after_the_last_at_sign_is_lowercased),
        cmocka_unit_test(ipv6_host_is_lowercased_and_its_colons_are_not_a_port),
        cmocka_unit_test(other_schemes_lowercase_host_but_add_no_slash),
        cmocka_unit_test(url_without_slashes_only_lowercases_the_scheme),
        cmocka_unit_test(data_url_is_kept_in_full),
        cmocka_unit_test(data_colon_alone_is_not_a_url),
        cmocka_unit_test(relative_or_schemeless_image_is_a_placeholder),
        cmocka_unit_test(image_that_is_not_a_string_is_a_placeholder),
        cmocka_unit_test(file_part_gives_its_url_or_a_file_placeholder),
        cmocka_unit_test(trim_strips_each_javascript_space_from_both_ends),
        cmocka_unit_test(trim_keeps_characters_javascript_does_not_call_space),
        cmocka_unit_test(trim_keeps_inner_spaces),
        cmocka_unit_test(trim_of_only_spaces_is_empty),
        cmocka_unit_test(trim_leaves_a_lone_lead_byte_alone),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
