/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_template.c - template parsing, sections, placeholders, both
 * renderings, and escaping: a value can never become markup.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/template.h"
#include "lib/util.h"

static void parse_ok(const char *text, struct template *t)
{
    char why[200] = "";
    if (!template_parse("test", text, t, why, sizeof why))
        fail_msg("parse failed: %s", why);
}

static void render_ok(const char *text, const struct template_vars *v, struct rendered *out)
{
    struct template t;
    char why[200] = "";

    parse_ok(text, &t);
    if (!template_render(&t, v, LANG_FR, TEMPLATE_ORANGE, out, why, sizeof why))
        fail_msg("render failed: %s", why);
    template_free(&t);
}

static bool render_fails(const char *text, const struct template_vars *v, const char *reason)
{
    struct template t;
    struct rendered out;
    char why[200] = "";
    bool failed;

    parse_ok(text, &t);
    failed = !template_render(&t, v, LANG_FR, TEMPLATE_RED, &out, why, sizeof why);
    template_free(&t);
    if (!failed)
        rendered_free(&out);
    return failed && strstr(why, reason) != NULL;
}

static void test_header_lines(void **state)
{
    struct template t;
    char why[200];

    (void)state;
    parse_ok("Subject: Facture {{number}}\nSticker: Rappel\n\nBonjour.\n", &t);
    assert_string_equal(t.subject, "Facture {{number}}");
    assert_string_equal(t.sticker, "Rappel");
    assert_string_equal(t.body, "Bonjour.\n");
    template_free(&t);
    parse_ok("Subject: x\r\n\r\nCRLF body\r\n", &t);
    assert_string_equal(t.subject, "x");
    template_free(&t);
    assert_false(template_parse("t", "Bonjour.\n", &t, why, sizeof why));           /* no header */
    assert_false(template_parse("t", "Sticker: a\n\nbody", &t, why, sizeof why));   /* no Subject */
    assert_false(template_parse("t", "Subject: a\nFrom: b\n\nbody", &t, why, sizeof why));
    assert_false(template_parse("t", "Subject: a\nSubject: b\n\nbody", &t, why, sizeof why));
}

static void test_text_and_html(void **state)
{
    struct template_vars v;
    struct rendered out;

    (void)state;
    template_vars_init(&v);
    template_set(&v, "name", "Dupont & Fils");
    template_set(&v, "total", "1\xe2\x80\xaf" "045,66\xc2\xa0\xe2\x82\xac");
    render_ok("Subject: Facture pour {{name}}\nSticker: Avis\n\n# Avis\n\nBonjour **{{name}}**,\n"
              "vous devez {{total}}.\n\n- un\n- deux\n",
              &v, &out);
    assert_string_equal(out.subject, "Facture pour Dupont & Fils");
    assert_string_equal(out.text, "Avis\n====\n\nBonjour Dupont & Fils, vous devez 1\xe2\x80\xaf" "045,66\xc2\xa0\xe2\x82\xac.\n\n"
                                  "- un\n- deux\n");
    assert_non_null(strstr(out.html, "<p>Bonjour <strong>Dupont &amp; Fils</strong>,\nvous devez"));
    assert_non_null(strstr(out.html, "<h1>Avis</h1>"));
    assert_non_null(strstr(out.html, "<li>un</li>"));
    assert_non_null(strstr(out.html, "<html lang=\"fr\">"));
    assert_non_null(strstr(out.html, "<title>Facture pour Dupont &amp; Fils</title>"));
    /* The sticker, in the step's colour (orange here). */
    assert_non_null(strstr(out.html, "background:#e65100;color:#ffffff;font-weight:bold\">Avis</span>"));
    rendered_free(&out);
    template_vars_free(&v);
}

static void test_values_never_markup(void **state)
{
    struct template_vars v;
    struct rendered out;

    (void)state;
    template_vars_init(&v);
    template_set(&v, "name", "<script>alert('x')</script> *bold* [link](http://evil.test) \"q\"\nSubject: injected");
    render_ok("Subject: {{name}}\n\nClient : {{name}}\n", &v, &out);
    /* HTML: escaped, no tag, no Markdown effect. */
    assert_null(strstr(out.html, "<script>"));
    assert_non_null(strstr(out.html, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; *bold* "
                                     "[link](http://evil.test) &quot;q&quot; Subject: injected"));
    assert_null(strstr(out.html, "<em>"));
    assert_null(strstr(out.html, "<a "));
    /* Text: the value as it is, on one line (no header injection). */
    assert_non_null(strstr(out.text, "<script>alert('x')</script> *bold*"));
    assert_null(strchr(out.subject, '\n'));
    rendered_free(&out);
    template_vars_free(&v);
}

static void test_raw_html_dropped(void **state)
{
    struct template_vars v;
    struct rendered out;

    (void)state;
    template_vars_init(&v);
    render_ok("Subject: s\n\n<div onclick=\"x\">raw</div>\n\nText <b>inline</b> and [js](javascript:alert(1)).\n", &v, &out);
    assert_null(strstr(out.html, "<div onclick"));
    assert_null(strstr(out.html, "<b>"));
    assert_null(strstr(out.html, "javascript:"));
    assert_non_null(strstr(out.html, "Text inline and js."));
    rendered_free(&out);
    template_vars_free(&v);
}

static void test_sections(void **state)
{
    struct template_vars v;
    struct rendered out;

    (void)state;
    template_vars_init(&v);
    template_set_flag(&v, "business", true);
    template_set_flag(&v, "consumer", false);
    render_ok("Subject: s\n\nA\n\n{{#business}}\nB {{#consumer}}never{{/consumer}}C\n{{/business}}\n\n"
              "{{^consumer}}\nD\n{{/consumer}}\n\n{{#consumer}}\nE\n{{/consumer}}\nF\n",
              &v, &out);
    assert_string_equal(out.text, "A\n\nB C\n\nD\n\nF\n");
    rendered_free(&out);
    template_set_flag(&v, "business", false);
    render_ok("Subject: s\n\nA {{#business}}B{{/business}}{{^business}}b{{/business}}.\n", &v, &out);
    assert_string_equal(out.text, "A b.\n");
    rendered_free(&out);
    assert_true(render_fails("Subject: s\n\n{{#unknown}}x{{/unknown}}\n", &v, "unknown flag"));
    assert_true(render_fails("Subject: s\n\n{{#business}}x\n", &v, "not closed"));
    assert_true(render_fails("Subject: s\n\nx{{/business}}\n", &v, "unexpected"));
    /* A bad section in the subject fails before the body is expanded. */
    assert_true(render_fails("Subject: s {{#unknown}}x{{/unknown}}\n\nBody\n", &v, "unknown flag"));
    template_vars_free(&v);
}

static void test_unknown_variable(void **state)
{
    struct template_vars v;

    (void)state;
    template_vars_init(&v);
    template_set(&v, "total", "1");
    assert_true(render_fails("Subject: s\n\nYou owe {{totl}}.\n", &v, "unknown variable {{totl}}"));
    assert_true(render_fails("Subject: {{nope}}\n\nx\n", &v, "unknown variable"));
    assert_true(render_fails("Subject: s\n\n{{Total}}\n", &v, "malformed"));
    template_vars_free(&v);
}

static void test_table(void **state)
{
    struct template_vars v;
    struct template_table t;
    struct rendered out;
    const char *header[] = {"Facture", "Montant"};
    const char *row1[] = {"F-1", "1\xe2\x80\xaf" "000,00\xc2\xa0\xe2\x82\xac"};
    const char *row2[] = {"F-22 <b>", "5,00\xc2\xa0\xe2\x82\xac"};
    const char *total[] = {"Total", "1\xe2\x80\xaf" "005,00\xc2\xa0\xe2\x82\xac"};

    (void)state;
    template_vars_init(&v);
    template_table_init(&t, 2);
    t.right[1] = true;
    template_table_row(&t, header);
    template_table_row(&t, row1);
    template_table_row(&t, row2);
    template_table_row(&t, total);
    t.total_rows = 1;
    template_set_table(&v, "invoices", &t);
    render_ok("Subject: s\n\nAvant.\n\n{{invoices}}\n\nAprès.\n", &v, &out);
    assert_string_equal(out.text, "Avant.\n\n"
                                  "Facture      Montant\n"
                                  "--------  ----------\n"
                                  "F-1       1\xe2\x80\xaf" "000,00\xc2\xa0\xe2\x82\xac\n"
                                  "F-22 <b>      5,00\xc2\xa0\xe2\x82\xac\n"
                                  "--------  ----------\n"
                                  "Total     1\xe2\x80\xaf" "005,00\xc2\xa0\xe2\x82\xac\n"
                                  "\nAprès.\n");
    assert_non_null(strstr(out.html, "<table"));
    assert_non_null(strstr(out.html, ">F-22 &lt;b&gt;</td>"));
    assert_non_null(strstr(out.html, "<tr style=\"font-weight:bold\">"));
    assert_null(strstr(out.html, "<p>{{invoices}}"));
    rendered_free(&out);
    /* A block inside running text is an error, not a silent mess. */
    assert_true(render_fails("Subject: s\n\nSee {{invoices}} here.\n", &v, "must stand alone"));
    template_vars_free(&v);
}

static void test_wrapping(void **state)
{
    struct template_vars v;
    struct rendered out;
    const char *p;

    (void)state;
    template_vars_init(&v);
    render_ok("Subject: s\n\nCeci est une longue phrase qui doit être coupée proprement à soixante-douze "
              "colonnes au plus, sans couper les mots, et encore un peu de texte pour une troisième ligne.\\\n"
              "Ligne forcée.\n",
              &v, &out);
    for (p = out.text; *p;) {
        size_t len = strcspn(p, "\n"), cols = 0;
        for (size_t i = 0; i < len; i++)
            cols += ((unsigned char)p[i] & 0xc0) != 0x80;
        assert_true(cols <= 72);
        p += len + (p[len] == '\n');
    }
    assert_non_null(strstr(out.text, "\nLigne forcée.\n"));
    assert_non_null(strstr(out.html, "<br>\nLigne forcée."));
    rendered_free(&out);
    template_vars_free(&v);
}

static void test_load(void **state)
{
    char dir[] = "/tmp/relance-tpl-XXXXXX", path[256], why[200];
    struct template t;
    FILE *f;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/en", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/en/rappel.md", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("Subject: Reminder\n\nHello.\n", f);
    fclose(f);
    assert_true(template_load(dir, LANG_EN, "rappel", &t, why, sizeof why));
    assert_string_equal(t.subject, "Reminder");
    template_free(&t);
    assert_false(template_load(dir, LANG_FR, "rappel", &t, why, sizeof why));
    assert_non_null(strstr(why, "/fr/rappel.md"));
    unlink(path);
    snprintf(path, sizeof path, "%s/en", dir);
    rmdir(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_lines),
        cmocka_unit_test(test_text_and_html),
        cmocka_unit_test(test_values_never_markup),
        cmocka_unit_test(test_raw_html_dropped),
        cmocka_unit_test(test_sections),
        cmocka_unit_test(test_unknown_variable),
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_wrapping),
        cmocka_unit_test(test_load),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
