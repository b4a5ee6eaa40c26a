/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_json.c - the JSON writer: nesting, separators, escaping (RFC 8259),
 * and invalid UTF-8 replaced rather than passed through.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "lib/json.h"

static void test_compact_nesting(void **state)
{
    struct strbuf sb;
    struct json j;

    (void)state;
    strbuf_init(&sb);
    json_init(&j, &sb, false);
    json_object_begin(&j);
    json_kv_string(&j, "number", "F1");
    json_kv_int(&j, "level", -2);
    json_key(&j, "items");
    json_array_begin(&j);
    json_int(&j, 1);
    json_object_begin(&j);
    json_object_end(&j);
    json_array_begin(&j);
    json_array_end(&j);
    json_null(&j);
    json_array_end(&j);
    json_kv_bool(&j, "ok", true);
    json_kv_string_or_null(&j, "due", "");
    json_key(&j, "raw");
    json_raw(&j, "{\"a\":1}");
    json_object_end(&j);
    assert_string_equal(sb.data, "{\"number\":\"F1\",\"level\":-2,\"items\":[1,{},[],null],\"ok\":true,"
                                 "\"due\":null,\"raw\":{\"a\":1}}");
    strbuf_free(&sb);
}

static void test_pretty(void **state)
{
    struct strbuf sb;
    struct json j;

    (void)state;
    strbuf_init(&sb);
    json_init(&j, &sb, true);
    json_object_begin(&j);
    json_kv_string(&j, "a", "b");
    json_key(&j, "c");
    json_array_begin(&j);
    json_int(&j, 1);
    json_array_end(&j);
    json_object_end(&j);
    assert_string_equal(sb.data, "{\n  \"a\": \"b\",\n  \"c\": [\n    1\n  ]\n}");
    strbuf_free(&sb);
}

static void test_escaping(void **state)
{
    struct strbuf sb;

    (void)state;
    strbuf_init(&sb);
    json_escape_string(&sb, "q\"b\\n\nt\tc\x01 é€");
    assert_string_equal(sb.data, "\"q\\\"b\\\\n\\nt\\tc\\u0001 é€\"");
    strbuf_reset(&sb);
    /* A lone continuation byte, a truncated sequence, an overlong form. */
    json_escape_string(&sb, "a\x80z\xc3 \xc0\xaf");
    assert_string_equal(sb.data, "\"a\xef\xbf\xbdz\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd\"");
    strbuf_free(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compact_nesting),
        cmocka_unit_test(test_pretty),
        cmocka_unit_test(test_escaping),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
