/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_reply_text.c - the debtor's own words: each stripping rule (quotes,
 * attributions on one or two lines, Outlook blocks, original and forward
 * markers, signatures, closings, disclaimers, "Sent from" lines), top-,
 * bottom- and interleaved posting, the body chosen from a message (plain,
 * HTML-only, attachments and attached messages skipped) and the bounds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "lib/message.h"
#include "lib/util.h"
#include "replies/reply_text.h"

static void expect_words(const char *body, const char *want)
{
    char *got = reply_own_words(body, strlen(body));

    if (strcmp(got, want) != 0)
        fail_msg("own words of:\n%s\nwant:\n[%s]\ngot:\n[%s]", body, want, got);
    free(got);
}

static const char quoted_reminder[] = "> Bonjour,\n"
                                      ">\n"
                                      "> En cas de contestation ou de litige, répondez.\n"
                                      "> Des pénalités de retard s'appliquent.\n";

static void test_quoted_lines(void **state)
{
    (void)state;
    expect_words("Nous paierons.\n> En cas de litige, répondez.\n>> plus ancien\n",
                 "Nous paierons.\n");
    expect_words("   > indented quote\nreste\n", "reste\n");
    expect_words("", "");
    expect_words("> only a quote\n", "");
}

static void test_attributions(void **state)
{
    char *body;

    (void)state;
    /* French, one line, top-posting. */
    body = xasprintf("Je conteste cette facture.\n\nLe lun. 7 déc. 2026 à 09:30, Cabinet "
                     "Recouvra <r@x.example> a écrit :\n%s",
                     quoted_reminder);
    expect_words(body, "Je conteste cette facture.\n");
    free(body);
    /* Wrapped over two lines by the mail client. */
    body = xasprintf("Réglé hier.\n\nLe lun. 7 déc. 2026 à 09:30, Cabinet Recouvra <\n"
                     "r@x.example> a écrit :\n%s",
                     quoted_reminder);
    expect_words(body, "Réglé hier.\n");
    free(body);
    body = xasprintf("Réglé hier.\n\nLe lun. 7 déc. 2026 à 09:30, Cabinet Recouvra <r@x.example> a\n"
                     "écrit :\n%s",
                     quoted_reminder);
    expect_words(body, "Réglé hier.\n");
    free(body);
    /* English, typographic apostrophes and all. */
    expect_words("We’ll pay Friday.\n\nOn Thu, Dec 3, 2026 at 10:00 AM Recouvra <\n"
                 "r@x.example> wrote:\n> If you dispute this invoice, reply.\n",
                 "We’ll pay Friday.\n");
    /* An attribution followed by the original without '>': all cut. */
    expect_words("Payé.\n\nLe 07/12/2026 à 09:30, Cabinet Recouvra a écrit :\n"
                 "En cas de litige, répondez.\n",
                 "Payé.\n");
    /* A sentence that ends with "wrote:" is no attribution. */
    expect_words("Here is what our accountant wrote:\nWe dispute the fees.\n",
                 "Here is what our accountant wrote:\nWe dispute the fees.\n");
}

static void test_outlook_blocks(void **state)
{
    (void)state;
    expect_words("Le paiement sera effectué le 15/12.\n\n"
                 "________________________________\n"
                 "De : Cabinet Recouvra <r@x.example>\n"
                 "Envoyé : lundi 7 décembre 2026 09:30\n"
                 "À : compta@client.example\n"
                 "Objet : Relance\n\n"
                 "En cas de contestation ou de litige, répondez.\n",
                 "Le paiement sera effectué le 15/12.\n");
    expect_words("We'll settle it.\n\n"
                 "From: Recouvra <r@x.example>\n"
                 "Sent: Thursday, December 3, 2026 10:00 AM\n"
                 "To: ap@buyer.example\n"
                 "Subject: Reminder\n\n"
                 "If you dispute this invoice, reply.\n",
                 "We'll settle it.\n");
    /* Bold labels from HTML, and the whole block on one line. */
    expect_words("Paid.\n*De :* Recouvra\n*Envoyé :* lundi\n*À :* moi\n*Objet :* Relance\nlitige\n",
                 "Paid.\n");
    expect_words("Paid.\nFrom: Recouvra Sent: Monday To: me Subject: Reminder dispute\n", "Paid.\n");
    /* A "De :" line alone is the debtor's text. */
    expect_words("De : mon point de vue, c'est payé.\n", "De : mon point de vue, c'est payé.\n");
}

static void test_original_and_forward_markers(void **state)
{
    (void)state;
    expect_words("Payé.\n-----Original Message-----\nFrom: x\nlitige\n", "Payé.\n");
    expect_words("Payé.\n-----Message d'origine-----\nlitige\n", "Payé.\n");
    expect_words("Payé.\n----- Mail original -----\nlitige\n", "Payé.\n");
    expect_words("Voir ci-dessous.\n\n---------- Forwarded message ---------\nFrom: x\nlitige\n",
                 "Voir ci-dessous.\n");
    expect_words("Voir.\n\nDébut du message réexpédié :\n\nlitige\n", "Voir.\n");
    expect_words("Voir.\n-------- Message transféré --------\nlitige\n", "Voir.\n");
}

static void test_signatures(void **state)
{
    (void)state;
    expect_words("Nous paierons le 18.\n\n-- \nJean Martin\nResponsable Contentieux\n",
                 "Nous paierons le 18.\n");
    expect_words("Nous paierons.\n--\nJean\n", "Nous paierons.\n");
    /* Three dashes are no separator. */
    expect_words("Nous paierons.\n---\nJean\n", "Nous paierons.\n---\nJean\n");
}

static void test_closings(void **state)
{
    (void)state;
    expect_words("Payé le 1er.\n\nKind regards,\nAnna Lee\nLegal & Disputes Coordinator\n"
                 "Meridian Health Group\n",
                 "Payé le 1er.\n");
    expect_words("Payé.\nCordialement\nJean Dupont\nTél. 01 23 45 67 89\n", "Payé.\n");
    /* A P.S. or a sentence after the closing is the debtor's: kept. */
    expect_words("Payé.\nCordialement,\nJean\nP.S. Nous contestons les pénalités.\n",
                 "Payé.\nCordialement,\nJean\nP.S. Nous contestons les pénalités.\n");
    expect_words("Payé.\nBest regards,\nJean\n"
                 "Also, we strongly dispute the late fees you added to this invoice.\n",
                 "Payé.\nBest regards,\nJean\n"
                 "Also, we strongly dispute the late fees you added to this invoice.\n");
    /* "Merci" starts sentences too often to be a closing. */
    expect_words("Merci\nde suspendre, nous contestons.\n", "Merci\nde suspendre, nous contestons.\n");
}

static void test_disclaimers(void **state)
{
    (void)state;
    expect_words("Règlement le 20.\n\n"
                 "Ce message et toutes les pièces jointes sont confidentiels et établis à\n"
                 "l'intention exclusive de ses destinataires. Il ne saurait valoir\n"
                 "renonciation à contester toute créance ou à engager tout litige.\n",
                 "Règlement le 20.\n");
    expect_words("We will pay.\n\nThis e-mail and any attachments are confidential. Any dispute\n"
                 "arising from it shall be governed by English law.\n",
                 "We will pay.\n");
    expect_words("We will pay.\n\nIMPORTANT: the information in this message is confidential and\n"
                 "intended only for the addressee. If you are not the intended recipient...\n",
                 "We will pay.\n");
    expect_words("Payé.\n\nSARL Dupont - RCS Lyon. En cas de litige, le tribunal de commerce\n"
                 "de Lyon est seul compétent.\n",
                 "Payé.\n");
    /* The debtor's own threat to go to court is kept. */
    expect_words("Nous porterons ce litige devant le tribunal compétent.\n",
                 "Nous porterons ce litige devant le tribunal compétent.\n");
}

static void test_noise(void **state)
{
    (void)state;
    expect_words("not paying this\n\nSent from my iPhone\n", "not paying this\n");
    expect_words("c'est payé\nEnvoyé de mon iPhone\n", "c'est payé\n");
    expect_words("Paid.\n\n\n\n\nThanks\n", "Paid.\n\nThanks\n");
}

static void test_bottom_and_interleaved_posting(void **state)
{
    char *body;

    (void)state;
    body = xasprintf("Le lun. 7 déc. 2026 à 09:30, Cabinet Recouvra <r@x.example> a écrit :\n%s\n"
                     "Je ne reconnais pas cette dette.\n\nLuc\n",
                     quoted_reminder);
    expect_words(body, "Je ne reconnais pas cette dette.\n\nLuc\n");
    free(body);
    expect_words("On Thu, Dec 3, 2026, Recouvra <r@x.example> wrote:\n"
                 "> The amount is EUR 3,400.\n"
                 "The amount is wrong.\n"
                 "> Please pay.\n"
                 "Not before a corrected invoice.\n",
                 "The amount is wrong.\nNot before a corrected invoice.\n");
}

static void test_bounds(void **state)
{
    struct strbuf big;
    char *words;

    (void)state;
    strbuf_init(&big);
    for (int i = 0; i < REPLY_TEXT_MAX_LINES + 500; i++)
        strbuf_puts(&big, "Nous contestons cette facture et ses pénalités, ligne après ligne.\n");
    words = reply_own_words(big.data, big.len);
    assert_true(strlen(words) <= REPLY_TEXT_MAX_OUTPUT);
    assert_true(strlen(words) > REPLY_TEXT_MAX_OUTPUT / 2);
    /* Cut at a line end. */
    assert_int_equal(words[strlen(words) - 1], '\n');
    free(words);
    strbuf_free(&big);
}

/* ------------------------------------------------------------------ */
/* The body of a message                                               */

static char *body_of(const char *raw)
{
    struct message *msg = message_parse(raw, strlen(raw));
    char *body;

    assert_non_null(msg);
    body = reply_body_text(msg, NULL);
    message_free(msg);
    return body;
}

static void test_body_html_only(void **state)
{
    static const char raw[] =
        "From: a@b.example\r\nSubject: RE: Relance\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/html; charset=utf-8\r\n\r\n"
        "<html><body><p>Je vous fais le virement demain.</p><p>Lucie</p>"
        "<div>Le lun. 7 d\xc3\xa9" "c. 2026 \xc3\xa0 09:30, Cabinet Recouvra a \xc3\xa9" "crit&nbsp;:</div>"
        "<blockquote><p>En cas de contestation ou de litige, r\xc3\xa9pondez.</p></blockquote>"
        "</body></html>\r\n";
    char *body = body_of(raw), *words;

    (void)state;
    assert_non_null(body);
    assert_non_null(strstr(body, "> En cas de contestation"));
    words = reply_own_words(body, strlen(body));
    assert_non_null(strstr(words, "Je vous fais le virement demain."));
    assert_null(strstr(words, "litige"));
    assert_null(strstr(words, "crit"));
    free(words);
    free(body);
}

static void test_body_choice(void **state)
{
    static const char alternative[] =
        "From: a@b.example\r\nMIME-Version: 1.0\r\n"
        "Content-Type: multipart/mixed; boundary=\"m\"\r\n\r\n"
        "--m\r\nContent-Type: multipart/alternative; boundary=\"a\"\r\n\r\n"
        "--a\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n \r\n\r\n"
        "--a\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Texte HTML</p>\r\n"
        "--a--\r\n"
        "--m\r\nContent-Type: text/plain; name=\"notes.txt\"\r\n"
        "Content-Disposition: attachment; filename=\"notes.txt\"\r\n\r\nPi\xc3\xa8" "ce jointe\r\n"
        "--m\r\nContent-Type: message/rfc822\r\n\r\n"
        "From: r@x.example\r\nSubject: Relance\r\n\r\nTexte du rappel\r\n"
        "--m--\r\n";
    static const char plain_first[] =
        "From: a@b.example\r\nMIME-Version: 1.0\r\n"
        "Content-Type: multipart/alternative; boundary=\"a\"\r\n\r\n"
        "--a\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n\r\nR=E9gl=E9 hier.\r\n"
        "--a\r\nContent-Type: text/html\r\n\r\n<p>HTML</p>\r\n--a--\r\n";
    static const char attachment_only[] =
        "From: a@b.example\r\nMIME-Version: 1.0\r\n"
        "Content-Type: multipart/mixed; boundary=\"m\"\r\n\r\n"
        "--m\r\nContent-Type: application/pdf; name=\"l.pdf\"\r\n\r\n%PDF-1.4\r\n--m--\r\n";
    char *body;

    (void)state;
    /* A blank text/plain gives way to the HTML; the attachment and the
     * attached message are never the body. */
    body = body_of(alternative);
    assert_non_null(body);
    assert_non_null(strstr(body, "Texte HTML"));
    free(body);
    body = body_of(plain_first);
    assert_string_equal(str_trim(body), "Réglé hier.");
    free(body);
    assert_null(body_of(attachment_only));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quoted_lines),
        cmocka_unit_test(test_attributions),
        cmocka_unit_test(test_outlook_blocks),
        cmocka_unit_test(test_original_and_forward_markers),
        cmocka_unit_test(test_signatures),
        cmocka_unit_test(test_closings),
        cmocka_unit_test(test_disclaimers),
        cmocka_unit_test(test_noise),
        cmocka_unit_test(test_bottom_and_interleaved_posting),
        cmocka_unit_test(test_bounds),
        cmocka_unit_test(test_body_html_only),
        cmocka_unit_test(test_body_choice),
    };

    message_library_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
