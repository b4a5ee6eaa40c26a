/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_html_text.c - HTML mail bodies to plain text (html_text.c): what is
 * dropped, where lines break, how entities decode, how quotes are marked,
 * and that hostile input stays bounded. Expected texts are written by
 * hand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "text/html_text.h"

#define BIG (1u << 20)

static void expect_text(const char *html, const char *expected)
{
    char *text = html_to_text(html, strlen(html), BIG);

    assert_string_equal(text, expected);
    free(text);
}

static void test_drops_scripts_styles_head_comments(void **state)
{
    (void)state;
    expect_text("<html><head><title>Facture 999</title><style>p{color:red}</style></head>"
                "<body><script>var x = '<p>Total 1 EUR</p>';</script><p>Bonjour</p>"
                "<!-- Facture n&deg; OLD-1 --><p>Fin</p></body></html>",
                "Bonjour\n\nFin\n");
    expect_text("<!--[if mso]><table><tr><td>Outlook</td></tr></table><![endif]--><div>Texte</div>",
                "Texte\n");
    expect_text("<SCRIPT type=\"text/javascript\">alert('<b>x</b>')</SCRIPT>ok", "ok\n");
}

static void test_blocks_and_lines(void **state)
{
    (void)state;
    expect_text("<div>Ligne 1</div><div>Ligne 2</div>", "Ligne 1\nLigne 2\n");
    expect_text("a<br>b<br/><br>c", "a\nb\n\nc\n");
    expect_text("<h2>Facture</h2><p>Texte   sur\n  deux lignes</p>", "Facture\n\nTexte sur deux lignes\n");
    expect_text("<ul><li>un</li><li>deux</li></ul>", "- un\n- deux\n");
    expect_text("<pre>  a  b\n c</pre>", "  a  b\n c\n");
}

static void test_table_cells_on_one_line(void **state)
{
    (void)state;
    expect_text("<table><tr><td>Total TTC</td><td>1 234,56 &euro;</td></tr>"
                "<tr><th>TVA</th><td>205,76</td></tr></table>",
                "Total TTC  1 234,56 \xe2\x82\xac\nTVA  205,76\n");
}

static void test_entities(void **state)
{
    (void)state;
    expect_text("&eacute;ch&eacute;ance &amp; &lt;total&gt; &quot;x&quot; &apos;y&apos;",
                "\xc3\xa9"
                "ch"
                "\xc3\xa9"
                "ance & <total> \"x\" 'y'\n");
    /* nbsp, narrow nbsp (decimal and hex), euro by number and by the
     * Windows-1252 code 128 that old pages use. */
    expect_text("1&nbsp;234&#8239;567&#x202F;8 &#8364; &#128;", "1\xc2\xa0"
                                                                "234\xe2\x80\xaf"
                                                                "567\xe2\x80\xaf"
                                                                "8 \xe2\x82\xac \xe2\x82\xac\n");
    expect_text("N&deg; F-1 &ndash; 3 &times; 2", "N\xc2\xb0 F-1 \xe2\x80\x93 3 \xc3\x97 2\n");
    /* Unknown or broken references stay as written; invalid code points
     * become U+FFFD. */
    expect_text("&bogus; &#; &#xD800; &amp", "&bogus; &#; \xef\xbf\xbd &\n");
    expect_text("a < b, c > d", "a < b, c > d\n");
}

static void test_quote_marks(void **state)
{
    (void)state;
    expect_text("<p>Nouveau</p><blockquote><p>Cit&eacute;</p>"
                "<blockquote>Plus ancien<br>encore</blockquote>Retour</blockquote>Fin",
                "Nouveau\n\n> Cit\xc3\xa9\n>\n> > Plus ancien\n> > encore\n> Retour\nFin\n");
}

static void test_bounded_output(void **state)
{
    struct strbuf html;
    char *text;

    (void)state;
    text = html_to_text("<p>0123456789</p>", 17, 5);
    assert_true(strlen(text) <= 5);
    free(text);
    /* Never cut inside a UTF-8 character. */
    text = html_to_text("&eacute;&eacute;&eacute;", 24, 3);
    assert_string_equal(text, "\xc3\xa9");
    free(text);
    /* 20 000 nested quotes: marks capped, linear time, no crash. */
    strbuf_init(&html);
    for (int i = 0; i < 20000; i++)
        strbuf_puts(&html, "<blockquote>");
    strbuf_puts(&html, "deep");
    text = html_to_text(html.data, html.len, BIG);
    assert_non_null(strstr(text, "deep"));
    assert_true(strlen(text) == HTML_TEXT_MAX_QUOTE_DEPTH * 2 + strlen("deep\n"));
    free(text);
    strbuf_free(&html);
}

static void test_malformed(void **state)
{
    static const char *const inputs[] = {
        "<",
        "<a",
        "<a href='x",
        "<script>never closed",
        "<!-- never closed",
        "&#99999999999;",
        "<td><td><td>",
        "</blockquote></blockquote>x",
        "<pre></pre></pre>y",
        "<\x01\x02>",
    };

    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(inputs); i++) {
        char *text = html_to_text(inputs[i], strlen(inputs[i]), BIG);

        assert_non_null(text);
        free(text);
    }
    expect_text("</blockquote></blockquote>x", "x\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_drops_scripts_styles_head_comments),
        cmocka_unit_test(test_blocks_and_lines),
        cmocka_unit_test(test_table_cells_on_one_line),
        cmocka_unit_test(test_entities),
        cmocka_unit_test(test_quote_marks),
        cmocka_unit_test(test_bounded_output),
        cmocka_unit_test(test_malformed),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
