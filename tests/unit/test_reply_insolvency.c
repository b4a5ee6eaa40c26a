/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_reply_insolvency.c - the insolvency verdict, with the shipped
 * lexicon (conf/replies): the proceedings' words in French and English,
 * the negations and false friends that are none ("l'administration des
 * ventes", a liquidation of stock, a backup, a disclaimer denying it, a
 * clause of the terms of sale), the precedence over every other verdict,
 * and what is read: the kind, the opening date, the representative and the
 * address. Replies are read on 2026-12-07.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/message.h"
#include "lib/util.h"
#include "replies/reply_classify.h"
#include "text/reply_lexicon.h"

static struct reply_lexicon *lexicon;

static int load_lexicon(void **state)
{
    const char *top = getenv("RELANCE_TOP");
    char *dir = xasprintf("%s/conf/replies", top ? top : ".");
    struct strlist errors;

    (void)state;
    strlist_init(&errors);
    lexicon = reply_lexicon_load(dir, &errors);
    strlist_free(&errors);
    free(dir);
    return lexicon == NULL ? -1 : 0;
}

static int free_lexicon(void **state)
{
    (void)state;
    reply_lexicon_free(lexicon);
    return 0;
}

static void read_words(const char *subject, const char *words, struct reply_reading *r)
{
    reply_classify_text(lexicon, subject, words, (struct date){2026, 12, 7}, r);
}

static void expect(const char *words, const char *verdict)
{
    struct reply_reading r;

    read_words(NULL, words, &r);
    if (strcmp(reply_verdict_name(r.verdict), verdict) != 0)
        fail_msg("\"%s\": want %s, got %s (%s)", words, verdict, reply_verdict_name(r.verdict), r.reason);
    reply_reading_free(&r);
}

/* An insolvency with what it says: kind, opened (YYYY-MM-DD or ""),
 * representative and address ("" for none). */
static void expect_read(const char *words, const char *kind, const char *opened, const char *representative,
                        const char *address)
{
    struct reply_reading r;
    char day[DATE_STR_MAX];

    read_words(NULL, words, &r);
    date_format(r.insolvency.opened, day);
    if (r.verdict != REPLY_INSOLVENCY)
        fail_msg("\"%s\": not an insolvency (%s: %s)", words, reply_verdict_name(r.verdict), r.reason);
    if (strcmp(r.insolvency.kind, kind) != 0 || strcmp(day, opened) != 0 ||
        strcmp(r.insolvency.representative, representative) != 0 || strcmp(r.insolvency.address, address) != 0)
        fail_msg("\"%s\": want [%s|%s|%s|%s], got [%s|%s|%s|%s]", words, kind, opened, representative, address,
                 r.insolvency.kind, day, r.insolvency.representative, r.insolvency.address);
    reply_reading_free(&r);
}

static void test_french_proceedings(void **state)
{
    (void)state;
    expect("Nous sommes en redressement judiciaire.", "insolvency");
    expect("La société a été placée en liquidation judiciaire.", "insolvency");
    expect("Une procédure de sauvegarde a été ouverte.", "insolvency");
    expect("Merci de déclarer votre créance auprès du mandataire.", "insolvency");
    expect("Adressez votre déclaration de créance à l'étude.", "insolvency");
    expect("Le jugement d'ouverture a été publié au BODACC.", "insolvency");
    expect("Voyez avec l'administrateur judiciaire.", "insolvency");
    expect("Nous faisons l'objet d'une procédure collective.", "insolvency");
}

static void test_english_proceedings(void **state)
{
    (void)state;
    expect("The company entered administration last week.", "insolvency");
    expect("We are now in liquidation.", "insolvency");
    expect("The business went into receivership.", "insolvency");
    expect("We filed for Chapter 11 on Monday.", "insolvency");
    expect("An insolvency practitioner has been appointed.", "insolvency");
    expect("Please file your claim with the liquidator.", "insolvency");
    expect("Send a proof of debt to the joint administrators.", "insolvency");
}

static void test_negations_and_false_friends(void **state)
{
    (void)state;
    expect("Nous ne sommes pas en redressement judiciaire, simplement en retard.", "other");
    expect("Nous ne sommes pas en redressement judiciaire, simplement en retard. Paiement le 18 décembre.",
           "promise");
    expect("Aucune procédure collective en cours : nous paierons vendredi.", "promise");
    expect("Sans procédure de sauvegarde, nous réglerons fin décembre.", "promise");
    expect("Votre facture est transmise à l'administration des ventes.", "other");
    expect("Nous faisons une liquidation du stock, nous réglerons fin décembre.", "promise");
    expect("Une sauvegarde de nos fichiers est en cours.", "other");
    expect("Liquidation totale avant fermeture pour travaux, nous réglerons fin décembre.", "promise");
    expect("Our administration team will pay on December 18.", "promise");
    expect("Please notify the system administrator.", "other");
    expect("We are not in administration, receivership or liquidation.", "other");
    expect("We are not in administration. We paid yesterday.", "paid");
    expect("Nous contestons la clause : en cas de redressement judiciaire vous revendiquez le matériel.",
           "dispute");
    expect("We will pay once chapter 7 of the report is approved next week.", "promise");
}

static void test_outranks_everything(void **state)
{
    (void)state;
    expect("Nous contestons les pénalités ; de toute façon nous sommes en liquidation judiciaire.", "insolvency");
    expect("Nous devions payer le 15 décembre mais le tribunal a prononcé le redressement judiciaire.",
           "insolvency");
    expect("Already paid, and anyway we are in administration now.", "insolvency");
    expect("Merci de nous accorder un échéancier : plan de sauvegarde arrêté le 3 novembre 2026.", "insolvency");
}

static void test_what_is_read(void **state)
{
    (void)state;
    expect_read("Par jugement du 18 novembre 2026, le tribunal a ouvert une procédure de redressement "
                "judiciaire.\nMerci de déclarer votre créance :\nMe Claire Fontaine, 12 rue de la République, "
                "69002 Lyon",
                "redressement", "2026-11-18", "Me Claire Fontaine", "12 rue de la République, 69002 Lyon");
    expect_read("Nous sommes en liquidation judiciaire depuis le 20/10/2026. Voyez avec Me Petit.",
                "liquidation", "2026-10-20", "Me Petit", "");
    expect_read("Liquidation judiciaire prononcée le 2 novembre 2026.\n\nMandataire judiciaire : SELARL Bertin "
                "Mandataires, 4 quai de la Fosse, 44000 Nantes",
                "liquidation", "2026-11-02", "SELARL Bertin Mandataires", "4 quai de la Fosse, 44000 Nantes");
    expect_read("Procédure de redressement ouverte le 9 novembre.\n\nMaître Antoine Vasseur\nMandataire "
                "judiciaire\n27 boulevard Carnot\n59000 Lille",
                "redressement", "2026-11-09", "Maître Antoine Vasseur", "27 boulevard Carnot, 59000 Lille");
    expect_read("Harbour Foods Ltd entered administration on 16 November 2026.\n\nJoint Administrators: Sarah "
                "Hughes and David Clarke, Clarke Hughes LLP, 10 Bridge Street, Manchester M3 2AB",
                "administration", "2026-11-16", "Sarah Hughes and David Clarke, Clarke Hughes LLP",
                "10 Bridge Street, Manchester M3 2AB");
    expect_read("We filed under Chapter 11 on November 3, 2026.", "chapter 11", "2026-11-03", "", "");
    /* No day written ("last week"): no date; no kind word: no kind. */
    expect_read("Le tribunal a ouvert la procédure la semaine dernière : déclarez votre créance.", "", "", "", "");
    /* A date to come is no opening: the invoice's due date is not read. */
    expect_read("Nous sommes en redressement judiciaire.", "redressement", "", "", "");
}

static void test_forwarded_notice(void **state)
{
    static const char mail[] =
        "From: Accueil <accueil@garage.test>\r\n"
        "To: relance@creditor.test\r\n"
        "Subject: TR: Avis du greffe\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "\r\n"
        "Pour information.\r\n"
        "\r\n"
        "---------- Forwarded message ---------\r\n"
        "Par jugement du 5 novembre 2026 le tribunal a ouvert une proc\xc3\xa9" "dure de redressement "
        "judiciaire.\r\n"
        "Mandataire judiciaire : SCP Lagarde, 8 cours de l'Intendance, 33000 Bordeaux\r\n";
    struct message *msg = message_parse(mail, sizeof mail - 1);
    struct reply_reading r;
    char day[DATE_STR_MAX];

    (void)state;
    assert_non_null(msg);
    reply_read_message(lexicon, msg, mail, sizeof mail - 1, NULL, (struct date){2026, 12, 7}, false, &r);
    date_format(r.insolvency.opened, day);
    assert_string_equal(reply_verdict_name(r.verdict), "insolvency");
    assert_string_equal(day, "2026-11-05");
    assert_string_equal(r.insolvency.representative, "SCP Lagarde");
    assert_non_null(strstr(r.reason, "forwarded"));
    reply_reading_free(&r);
    message_free(msg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_french_proceedings),
        cmocka_unit_test(test_english_proceedings),
        cmocka_unit_test(test_negations_and_false_friends),
        cmocka_unit_test(test_outranks_everything),
        cmocka_unit_test(test_what_is_read),
        cmocka_unit_test(test_forwarded_notice),
    };

    message_library_init();
    return cmocka_run_group_tests(tests, load_lexicon, free_lexicon);
}
