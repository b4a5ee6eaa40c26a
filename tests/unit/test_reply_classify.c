/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * test_reply_classify.c - verdicts on replies with the shipped lexicon:
 * negations (French and English), the precedence between classes, dates
 * of promises, subjects, reasons and excerpts, auto-reply headers, and
 * bounces (DSNs of the labelled set and of the invoice corpus: failed
 * recipient and the bounced message's Message-ID); the cues inferred from
 * tense and complaints, informal spellings, and the margin.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "cpu_time.h"
#include "corpus.h"
#include "lib/message.h"
#include "lib/util.h"
#include "replies/reply_bounce.h"
#include "replies/reply_classify.h"
#include "text/reply_lexicon.h"
#include "text/text_fold.h"

static struct reply_lexicon *lexicon;

static const char *top_dir(void)
{
    const char *top = getenv("RELANCE_TOP");
    return top ? top : ".";
}

static int load_lexicon(void **state)
{
    char *dir = xasprintf("%s/conf/replies", top_dir());
    struct strlist errors;

    (void)state;
    strlist_init(&errors);
    lexicon = reply_lexicon_load(dir, &errors);
    for (size_t i = 0; i < errors.count; i++)
        print_message("%s\n", errors.items[i]);
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

static struct date day(const char *iso)
{
    struct date d;

    if (!date_parse(iso, &d))
        fail_msg("bad test date %s", iso);
    return d;
}

/* Classifies words (and subject) on 2026-12-07, a Monday; checks the
 * verdict and the promised date ("" for none). */
static void expect_text(const char *subject, const char *words, const char *verdict,
                        const char *promised)
{
    struct reply_reading r;
    char got[DATE_STR_MAX];

    reply_classify_text(lexicon, subject, words, day("2026-12-07"), &r);
    date_format(r.promised, got);
    if (strcmp(reply_verdict_name(r.verdict), verdict) != 0 || strcmp(got, promised) != 0)
        fail_msg("\"%s\": want %s %s, got %s %s (%s)", words, verdict, promised,
                 reply_verdict_name(r.verdict), got, r.reason);
    reply_reading_free(&r);
}

static void expect(const char *words, const char *verdict)
{
    expect_text(NULL, words, verdict, "");
}

static void test_verdict_names(void **state)
{
    static const char *const names[] = {"dispute", "promise", "paid",  "plan",
                                        "auto-reply", "bounce", "other", "insolvency"};
    enum reply_verdict v;

    (void)state;
    for (int i = 0; i < REPLY_VERDICT_COUNT; i++) {
        assert_string_equal(reply_verdict_name((enum reply_verdict)i), names[i]);
        assert_true(reply_verdict_parse(names[i], &v));
        assert_int_equal(v, i);
    }
    assert_false(reply_verdict_parse("auto_reply", &v));
    assert_false(reply_verdict_parse(NULL, &v));
}

static void test_french_negations(void **state)
{
    (void)state;
    expect("Nous contestons la facture.", "dispute");
    expect("Nous ne contestons pas la facture.", "other");
    expect("Nous ne la contestons absolument pas.", "other");
    expect("Je ne suis pas d'accord.", "dispute");
    expect("Je ne suis pas du tout d'accord avec ce montant.", "dispute");
    expect("Je ne suis pas en désaccord avec la facture.", "other");
    expect("Sans contester le montant, merci de patienter.", "other");
    expect("Il n'y a aucun litige.", "other");
    expect("Pas de contestation de notre part.", "other");
    expect("Nous n'avons jamais contesté cette facture.", "other");
    expect("Je ne conteste plus cette facture.", "other");
    /* "ne ... que" restricts, it does not negate. */
    expect("Je ne conteste que les pénalités.", "dispute");
    /* A negation does not reach past "mais", a comma or "car". */
    expect("Nous ne contestons pas la facture, mais nous refusons de payer les pénalités.",
           "dispute");
    expect("Je ne paierai pas car je conteste.", "dispute");
    expect("Non, nous contestons.", "dispute");
    expect("Pour éviter tout litige, merci de me rappeler.", "other");
}

static void test_english_negations(void **state)
{
    (void)state;
    expect("We dispute this invoice.", "dispute");
    expect("We do not dispute this invoice.", "other");
    expect("We don't dispute the amount.", "other");
    expect("Not disputing, just asking for a copy.", "other");
    expect("There is no dispute on our side.", "other");
    expect("We do not owe you anything.", "dispute");
    expect("We never received the goods.", "dispute");
    expect("No, we dispute it.", "dispute");
    expect("We won't pay for damaged goods.", "dispute");
}

static void test_precedence(void **state)
{
    (void)state;
    /* Dispute over a promise; the date of the promise is still read. */
    expect_text(NULL, "Nous contestons les pénalités ; le principal sera réglé le 15 décembre.",
                "dispute", "2026-12-15");
    /* Paid over a promise. */
    expect_text(NULL, "La F-1 a été payée hier. La F-2 sera réglée le 20.", "paid", "2026-12-20");
    /* Plan over a promise. */
    expect_text(NULL, "Pouvons-nous payer en 3 fois ? 400 € le 15 janvier, le reste en février.",
                "plan", "");
    /* A promise over out-of-office wording. */
    expect_text(NULL, "Je suis en congés ; je paierai à mon retour, le 5 janvier.", "promise",
                "2027-01-05");
    expect("Je suis absent du bureau jusqu'au 4 janvier.", "auto-reply");
    /* A longer cue of another kind covers a shorter one. */
    expect_text(NULL, "Je ne paierai pas avant le 15.", "promise", "2026-12-15");
    /* A neutral phrase voids what it says. */
    expect_text(NULL, "Le litige est résolu, nous paierons le 20.", "promise", "2026-12-20");
}

static void test_dates_and_payments(void **state)
{
    (void)state;
    /* Nothing is paid tomorrow: a promise. */
    expect_text(NULL, "Virement effectué demain matin.", "promise", "2026-12-08");
    expect("Virement effectué hier.", "paid");
    /* A weekday alone after a payment claim is the last one. */
    expect("The transfer went out on Friday.", "paid");
    /* A payment word with a date to come makes a promise... */
    expect_text(NULL, "Virement le 20 décembre.", "promise", "2026-12-20");
    expect_text(NULL, "Règlement fin décembre sans faute.", "promise", "2026-12-31");
    /* ...not with a date just past (read as next year's), nor in an
     * absence notice. */
    expect("Le virement du 2 décembre a été refusé par la banque.", "other");
    expect("Absent jusqu'au 4 janvier ; pour tout paiement, voir la comptabilité le 5 janvier.",
           "auto-reply");
    /* The nearest date after the promise, in its sentence. */
    expect_text(NULL, "Suite à votre relance du 3 décembre, nous paierons le 18.", "promise",
                "2026-12-18");
    expect_text(NULL, "We will pay. Our payment run is on the 15th.", "promise", "2026-12-15");
    expect_text(NULL, "We will pay.", "promise", "");
}

static void test_subjects(void **state)
{
    (void)state;
    expect_text("Contestation facture F-2026-0412", "Voir courrier joint.", "dispute", "");
    expect_text("RE: Contestation facture F-2026-0412", "Merci.", "other", "");
    expect_text("TR : litige", "", "other", "");
    /* An automatic subject counts up to its colon only. */
    expect_text("Réponse automatique : Relance litige F-1", "", "auto-reply", "");
}

static void test_reason_and_excerpt(void **state)
{
    struct reply_reading r;
    struct strbuf words;

    (void)state;
    reply_classify_text(lexicon, NULL, "Bonjour,\n\n  Nous  contestons\nla facture.\n",
                        day("2026-12-07"), &r);
    assert_int_equal(r.verdict, REPLY_DISPUTE);
    /* The phrase and where it comes from (en.conf and fr.conf both have it). */
    assert_true(str_istarts_with(r.reason, "dispute: \"contest*\" ("));
    assert_non_null(strstr(r.reason, ".conf:"));
    assert_string_equal(r.excerpt, "Bonjour, Nous contestons la facture.");
    assert_string_equal(r.own_words, "Bonjour,\n\n  Nous  contestons\nla facture.\n");
    reply_reading_free(&r);

    reply_classify_text(lexicon, NULL, "Nous ne contestons pas.", day("2026-12-07"), &r);
    assert_int_equal(r.verdict, REPLY_OTHER);
    assert_non_null(strstr(r.reason, "negated dispute"));
    reply_reading_free(&r);

    /* A long text: the excerpt is bounded and ends on a whole character. */
    strbuf_init(&words);
    for (int i = 0; i < 600; i++)
        strbuf_puts(&words, "é");
    reply_classify_text(lexicon, NULL, words.data, day("2026-12-07"), &r);
    assert_true(strlen(r.excerpt) < REPLY_EXCERPT_MAX);
    assert_true(strlen(r.excerpt) > REPLY_EXCERPT_MAX - 4);
    assert_int_equal(strlen(r.excerpt) % 2, 0);
    reply_reading_free(&r);
    strbuf_free(&words);
}

/* Text made to produce as many matches as possible stays cheap: the
 * rules look at a bounded window around each match. */
/* An excerpt that is not cut keeps its last character, whatever its
 * length in bytes; one that is cut ends on a whole character. */
static void test_excerpt_ends_on_characters(void **state)
{
    struct reply_reading r;
    struct strbuf words;

    (void)state;
    reply_classify_text(lexicon, NULL, "Merci, c'est r\xc3\xa9gl\xc3\xa9", day("2026-12-07"), &r);
    assert_string_equal(r.excerpt, "Merci, c'est r\xc3\xa9gl\xc3\xa9");
    reply_reading_free(&r);
    reply_classify_text(lexicon, NULL, "Vu \xe2\x82\xac", day("2026-12-07"), &r);
    assert_string_equal(r.excerpt, "Vu \xe2\x82\xac");
    reply_reading_free(&r);

    /* "a" then euros: the cut falls inside one, which goes whole. */
    strbuf_init(&words);
    strbuf_puts(&words, "a");
    for (int i = 0; i < 200; i++)
        strbuf_puts(&words, "\xe2\x82\xac");
    reply_classify_text(lexicon, NULL, words.data, day("2026-12-07"), &r);
    assert_int_equal(strlen(r.excerpt), 1 + 3 * ((REPLY_EXCERPT_MAX - 2) / 3));
    assert_memory_equal(r.excerpt, words.data, strlen(r.excerpt));
    reply_reading_free(&r);
    strbuf_free(&words);
}

static void test_bounded_work(void **state)
{
    struct strbuf words;
    struct reply_reading r;
    uint64_t start;

    (void)state;
    strbuf_init(&words);
    while (words.len < 30000)
        strbuf_puts(&words, "ne pas conteste mais paierai virement le 15 ");
    start = cpu_ms();
    reply_classify_text(lexicon, NULL, words.data, day("2026-12-07"), &r);
    /* Every "conteste" is negated, every "paierai" stands. */
    assert_int_equal(r.verdict, REPLY_PROMISE);
    print_message("%zu bytes classified in %llu ms\n", words.len,
                  (unsigned long long)(cpu_ms() - start));
    /* Generous, for sanitizer builds on a busy machine. */
    assert_true(cpu_ms() - start < 5000);
    reply_reading_free(&r);
    strbuf_free(&words);
}

/* ------------------------------------------------------------------ */
/* Whole messages                                                      */

static void read_raw(const char *raw, size_t len, struct reply_reading *r)
{
    struct message *msg = message_parse(raw, len);

    assert_non_null(msg);
    reply_read_message(lexicon, msg, raw, len, NULL, day("2026-12-07"), true, r);
    message_free(msg);
}

static enum reply_verdict verdict_with_headers(const char *headers, const char *body)
{
    char *raw = xasprintf("From: a@client.example\r\nTo: r@x.example\r\nSubject: RE: Relance\r\n"
                          "%sContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n",
                          headers, body);
    struct reply_reading r;
    enum reply_verdict v;

    read_raw(raw, strlen(raw), &r);
    v = r.verdict;
    reply_reading_free(&r);
    free(raw);
    return v;
}

/* A payment verb's tense, with no "payé" in sight: past is paid, future a
 * promise; negated or in the present, nothing. (2026-12-07 is a Monday.) */
static void test_tense(void **state)
{
    (void)state;
    expect("Le virement a été lancé lundi depuis notre banque.", "paid");
    expect("Le paiement est bien parti de chez nous.", "paid");
    expect("Nous vous avons viré la somme hier.", "paid");
    expect("Our transfer was initiated on Friday.", "paid");
    expect("They cashed our cheque a week ago.", "paid");
    expect("Le virement n'est pas encore parti.", "other");
    expect("Le paiement passe par notre maison mère.", "other");
    expect_text(NULL, "Le virement partira le 15/12.", "promise", "2026-12-15");
    expect_text(NULL, "The payment will be released on 14 December.", "promise", "2026-12-14");
    expect_text(NULL, "On règle le 18, promis.", "promise", "2026-12-18");
    expect_text(NULL, "Virement émis le 21 décembre.", "promise", "2026-12-21");
    expect_text(NULL, "Nous réglerons le 22 décembre.", "promise", "2026-12-22");
    /* A date to come voids a payment claim in its clause only. */
    expect("Le virement est parti ce matin, vous l'aurez demain.", "paid");
    expect("Déjà fait le virement lundi, regardez bien.", "paid");
    /* Informal French drops the "ne": a refusal, not a promise. */
    expect("je paie pas tant que ça reste comme ça", "dispute");
}

/* An object of the invoice with a request to correct it, or said to be
 * wrong, is a dispute; a thanked correction, "sauf erreur" and the
 * debtor's own error are not. */
static void test_complaint_objects(void **state)
{
    (void)state;
    expect("Le tarif horaire appliqué est faux, merci de le rectifier.", "dispute");
    expect("La livraison était gratuite selon l'offre. Merci de retirer ces frais.", "dispute");
    expect("You invoiced the wrong company; please reissue it to our parent.", "dispute");
    expect("Il manque la remise de 5 %, pourriez-vous établir un avoir ?", "dispute");
    expect("Three of the units were damaged on arrival, please adjust the invoice.", "dispute");
    expect("Merci d'avoir corrigé la facture, le virement est parti ce matin.", "paid");
    expect("Sauf erreur de ma part, la facture a été réglée le 2 décembre.", "paid");
    expect_text(NULL, "Désolé, erreur de notre part : la facture sera réglée le 15.", "promise",
                "2026-12-15");
    expect("Pourriez-vous nous renvoyer la facture ?", "other");
    expect("Please cancel the reminder: the invoice was paid on 1 December.", "paid");
    expect("Avez-vous une remise pour les grosses quantités ?", "other");
    expect("The delivery fee was waived by your rep. Please take it off.", "dispute");
    /* The complaint may span two sentences. */
    expect("That's just wrong. The rate we signed is 80, not 95.", "dispute");
    expect("Nous avions droit à un escompte. Il n'a pas été déduit.", "dispute");
    /* A negated verb is the complaint's own negation; a negated "erreur"
     * is no complaint. */
    expect("None of the extra hours billed were approved by us.", "dispute");
    expect_text(NULL, "Il n'y a pas d'erreur sur la facture, le virement partira le 9.", "promise",
                "2026-12-09");
    /* The precedence that protects the debtor: the complaint outranks the
     * promise for the rest, whose date is still read. */
    expect_text(NULL, "La remise n'a pas été appliquée ; nous paierons le reste le 18.", "dispute",
                "2026-12-18");
}

/* Structures of a dispute that name no object of the lexicon: a payment
 * made to wait for a correction, work never done, an agreement recited,
 * and what is not one ("thanks for the corrected invoice", "il y a une
 * erreur, c'est réglé", a question with "should we pay"). */
static void test_dispute_structures(void **state)
{
    (void)state;
    /* A condition of correction voids the promise of its sentence. */
    expect("Nous paierons dès que les radiateurs seront réparés.", "dispute");
    expect("We will settle once you have corrected the number of hours.", "dispute");
    /* Waiting for money is no complaint. */
    expect_text(NULL, "Nous vous réglerons le 22, quand notre client nous aura payés.", "promise",
                "2026-12-22");
    /* Work or goods never done, unless the clause is about money. */
    expect("Le parquet n'a jamais été posé dans la chambre.", "dispute");
    expect("The second coat of paint was never done.", "dispute");
    expect("Nous n'avons jamais reçu la facture, pouvez-vous la renvoyer ?", "other");
    /* An agreement recited of an object; "comme convenu" is none. */
    expect("Nous avions convenu d'un tarif de 40 € de l'heure.", "dispute");
    expect_text(NULL, "Comme convenu, le montant sera réglé le 15.", "promise", "2026-12-15");
    /* Thanks for a correction is no request. */
    expect_text(NULL, "Merci pour la facture rectifiée, je la règle vendredi.", "promise",
                "2026-12-11");
    /* An error said of the invoice beside a payment claim says it is paid. */
    expect("Il y a sans doute une erreur : nous avons réglé cette facture le 2 décembre.", "paid");
    /* A modal before the subject asks. */
    expect("Should we pay by card or by transfer?", "other");
    expect("Why should we pay for a visit that fixed nothing?", "dispute");
    /* A cue opening with its own negation is not negated by the "ne" of
     * the same negation. */
    expect("Je n'ai jamais rien commandé chez vous.", "dispute");
    /* Not ours; nothing owed. */
    expect("This charge isn't ours to pay.", "dispute");
    expect("Nous estimons ne rien vous devoir.", "dispute");
}

/* Abbreviations and SMS spellings are spelled out before matching. */
static void test_informal_folding(void **state)
{
    char *x;

    (void)state;
    x = text_expand_informal("bjr, on paie qd on peut, mrc");
    assert_string_equal(x, "bonjour, on paie quand on peut, merci");
    free(x);
    x = text_expand_informal("c pas ok, c'est la semaine pro. l'u tt");
    assert_string_equal(x, "c est pas ok, c'est la semaine prochaine. l'u tout");
    free(x);
    x = text_expand_informal("");
    assert_string_equal(x, "");
    free(x);
    expect_text(NULL, "bjr, on regle vendredi (11/12) desolé", "promise", "2026-12-11");
    expect("slt c pas a nous cette facture", "dispute");
    expect_text(NULL, "sorry will pay tmrw", "promise", "2026-12-08");
    expect("jvous ai viré ça hier", "paid");
}

static struct reply_reading reading_of(const char *words)
{
    struct reply_reading r;

    reply_classify_text(lexicon, NULL, words, day("2026-12-07"), &r);
    return r;
}

/* The margin between the verdict and the next (weighed) score, and
 * unsure under ReplyMinimumMargin. */
static void test_margin_unsure(void **state)
{
    struct reply_reading r;

    (void)state;
    assert_int_equal(reply_lexicon_minimum_margin(lexicon), REPLY_DEFAULT_MINIMUM_MARGIN);
    r = reading_of("Bonjour, je transmets à la comptabilité.");
    assert_int_equal(r.verdict, REPLY_OTHER);
    assert_int_equal(r.margin, 50);
    assert_false(r.unsure);
    reply_reading_free(&r);
    r = reading_of("Nous contestons cette facture.");
    assert_int_equal(r.verdict, REPLY_DISPUTE);
    assert_int_equal(r.margin, 60);
    assert_false(r.unsure);
    reply_reading_free(&r);
    /* A lexicon dispute beside a promise: sure (60 against half of 60). */
    r = reading_of("Nous contestons les pénalités, le principal sera payé le 15.");
    assert_int_equal(r.verdict, REPLY_DISPUTE);
    assert_int_equal(r.margin, 30);
    assert_false(r.unsure);
    reply_reading_free(&r);
    /* A dispute inferred from a complaint beside a payment claim: not sure
     * (45 against half of 70: "avons payé" of the lexicon, 60, and of the
     * tense, 10). */
    r = reading_of("Vous avez oublié la remise. Nous avons payé ce qui était dû.");
    assert_int_equal(r.verdict, REPLY_DISPUTE);
    assert_int_equal(r.margin, 10);
    assert_true(r.unsure);
    reply_reading_free(&r);
    /* Only negated cues: something was said, not plainly. */
    r = reading_of("Nous ne contestons pas.");
    assert_int_equal(r.verdict, REPLY_OTHER);
    assert_int_equal(r.margin, 35);
    reply_reading_free(&r);
    /* No words: a person should look. */
    r = reading_of("");
    assert_int_equal(r.margin, 0);
    assert_true(r.unsure);
    reply_reading_free(&r);
    /* The threshold comes from the lexicon (ReplyMinimumMargin). */
    reply_lexicon_set_minimum_margin(lexicon, 10);
    r = reading_of("Vous avez oublié la remise. Nous avons payé ce qui était dû.");
    assert_false(r.unsure);
    reply_reading_free(&r);
    reply_lexicon_set_minimum_margin(lexicon, 500);
    assert_int_equal(reply_lexicon_minimum_margin(lexicon), 100);
    reply_lexicon_set_minimum_margin(lexicon, REPLY_DEFAULT_MINIMUM_MARGIN);
    /* Headers decide surely, whatever the words. */
    {
        const char *raw = "From: a@client.example\r\nTo: r@x.example\r\nSubject: Absent\r\n"
                          "Auto-Submitted: auto-replied\r\n"
                          "Content-Type: text/plain; charset=utf-8\r\n\r\n\r\n";
        read_raw(raw, strlen(raw), &r);
        assert_int_equal(r.verdict, REPLY_AUTO_REPLY);
        assert_int_equal(r.margin, 100);
        assert_false(r.unsure);
        reply_reading_free(&r);
    }
}

static void test_auto_reply_headers(void **state)
{
    (void)state;
    assert_int_equal(verdict_with_headers("Auto-Submitted: auto-replied\r\n", "Nous contestons."),
                     REPLY_AUTO_REPLY);
    assert_int_equal(verdict_with_headers("Auto-Submitted: auto-generated (vacation)\r\n", "x"),
                     REPLY_AUTO_REPLY);
    assert_int_equal(verdict_with_headers("Auto-Submitted: no\r\n", "Nous contestons."),
                     REPLY_DISPUTE);
    assert_int_equal(verdict_with_headers("X-Autoreply: yes\r\n", "Merci."), REPLY_AUTO_REPLY);
    assert_int_equal(verdict_with_headers("X-Autorespond: vacation\r\n", "Merci."),
                     REPLY_AUTO_REPLY);
    assert_int_equal(verdict_with_headers("Precedence: auto_reply\r\n", "Merci."),
                     REPLY_AUTO_REPLY);
    assert_int_equal(verdict_with_headers("Precedence: junk\r\n", "Je paierai le 15."),
                     REPLY_AUTO_REPLY);
    /* Precedence yields to a dispute; Outlook's suppression header is no
     * sign at all; a mailing list is no auto-reply. */
    assert_int_equal(verdict_with_headers("Precedence: bulk\r\n", "Nous contestons."),
                     REPLY_DISPUTE);
    assert_int_equal(verdict_with_headers("X-Auto-Response-Suppress: All\r\n", "Je paierai le 15."),
                     REPLY_PROMISE);
    assert_int_equal(verdict_with_headers("Precedence: list\r\n", "Payé hier, déjà réglé."),
                     REPLY_PAID);
}

static struct reply_reading read_labelled(const char *name, bool with_raw)
{
    char *path = xasprintf("%s/tests/data/replies/%s", top_dir(), name);
    size_t len;
    char *raw = file_read_all(path, 1u << 20, &len);
    struct message *msg;
    struct reply_reading r;

    if (raw == NULL)
        fail_msg("cannot read %s", path);
    msg = message_parse(raw, len);
    assert_non_null(msg);
    reply_read_message(lexicon, msg, with_raw ? raw : NULL, len, NULL, day("2026-12-07"), true, &r);
    message_free(msg);
    free(raw);
    free(path);
    return r;
}

static void expect_bounce(const char *name, const char *recipient, const char *status,
                          const char *message_id)
{
    struct reply_reading r = read_labelled(name, true);

    assert_int_equal(r.verdict, REPLY_BOUNCE);
    assert_true(r.bounce.failed);
    assert_string_equal(r.bounce.recipient, recipient);
    assert_string_equal(r.bounce.status, status);
    assert_string_equal(r.bounce.message_id, message_id);
    assert_string_equal(r.own_words, "");
    reply_reading_free(&r);
}

static void test_bounces(void **state)
{
    struct reply_reading r;

    (void)state;
    /* Returned whole (message/rfc822), headers only, Final-Recipient only. */
    expect_bounce("b01_postfix_dsn_rfc822.eml", "compta@ancien-client.example", "5.1.1",
                  "20261207093000.F-2026-0412.r2@recouvra.example");
    expect_bounce("b02_exchange_ndr_headers.eml", "j.dubois@acme-corp.example", "5.1.10",
                  "20261208110000.F-2026-0412.r2@recouvra.example");
    expect_bounce("b03_gmail_dsn_en.eml", "old.accounts@sunrise-dental.example", "5.1.1",
                  "20261203100000.INV-2026-0871.r1@recouvra.example");
    /* qmail: no report, the text says it. */
    expect_bounce("b05_qmail_plain_bounce.eml", "contact@vieux-serveur.example", "",
                  "20261211091240.F-2026-0412.r1@recouvra.example");
    /* Without the raw bytes, a message/rfc822 return yields no Message-ID. */
    r = read_labelled("b03_gmail_dsn_en.eml", false);
    assert_int_equal(r.verdict, REPLY_BOUNCE);
    assert_string_equal(r.bounce.message_id, "");
    reply_reading_free(&r);
    /* A delay is no bounce; a read receipt neither. */
    r = read_labelled("b04_delayed_dsn.eml", true);
    assert_int_equal(r.verdict, REPLY_AUTO_REPLY);
    assert_false(r.bounce.failed);
    assert_string_equal(r.bounce.message_id, "20261210093000.F-2026-0412.r1@recouvra.example");
    reply_reading_free(&r);
    r = read_labelled("r02_fr_accuse_lecture_mdn.eml", true);
    assert_int_equal(r.verdict, REPLY_AUTO_REPLY);
    assert_true(r.bounce.is_mdn);
    reply_reading_free(&r);
}

/* The same reports, from a sender that is not null (or not to the reply
 * address): anybody can write them, so they are read as words, never as
 * bounces, and nothing of their report is kept. */
static void test_no_bounce_without_null_sender(void **state)
{
    static const char *const files[] = {"b01_postfix_dsn_rfc822.eml", "b02_exchange_ndr_headers.eml",
                                        "b05_qmail_plain_bounce.eml"};
    static const char forged[] =
        "From: postmaster@client-b.example\r\nTo: reponses@agency.example\r\n"
        "Subject: Undelivered Mail\r\nContent-Type: text/plain\r\n\r\n"
        "This is the mail system.\r\n\r\n<autre.debiteur@client-z.example>:\r\n"
        "user unknown\r\n";
    struct reply_reading r;

    (void)state;
    for (size_t i = 0; i < ARRAY_LEN(files); i++) {
        char *path = xasprintf("%s/tests/data/replies/%s", top_dir(), files[i]);
        size_t len;
        char *raw = file_read_all(path, 1u << 20, &len);
        struct message *msg = message_parse(raw, len);

        assert_non_null(msg);
        reply_read_message(lexicon, msg, raw, len, NULL, day("2026-12-07"), false, &r);
        assert_int_not_equal(r.verdict, REPLY_BOUNCE);
        assert_false(r.bounce.failed);
        assert_string_equal(r.bounce.recipient, "");
        reply_reading_free(&r);
        message_free(msg);
        free(raw);
        free(path);
    }
    {
        struct message *msg = message_parse(forged, sizeof forged - 1);
        assert_non_null(msg);
        reply_read_message(lexicon, msg, forged, sizeof forged - 1, NULL, day("2026-12-07"), false, &r);
        assert_int_equal(r.verdict, REPLY_OTHER);
        assert_string_equal(r.bounce.recipient, "");
        reply_reading_free(&r);
        /* From a null sender it is an old-style bounce; its "<addr>:" line
         * is kept only as the report's word (reply.c never marks it). */
        reply_read_message(lexicon, msg, forged, sizeof forged - 1, NULL, day("2026-12-07"), true, &r);
        assert_int_equal(r.verdict, REPLY_BOUNCE);
        assert_string_equal(r.bounce.recipient, "autre.debiteur@client-z.example");
        reply_reading_free(&r);
        message_free(msg);
    }
}

static void test_original_recipient_preferred(void **state)
{
    static const char raw[] =
        "From: MAILER-DAEMON@mx.example\r\nTo: b@x.example\r\nSubject: Undelivered\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n"
        "--B\r\nContent-Type: text/plain\r\n\r\nFailed.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example\r\n\r\n"
        "Final-Recipient: rfc822; other@relay.example\r\nAction: delivered\r\nStatus: 2.0.0\r\n\r\n"
        "Final-Recipient: rfc822; alias-target@client.example\r\n"
        "Original-Recipient: rfc822; <compta@client.example>\r\n"
        "Action: failed\r\nStatus: 5.2.2 (mailbox full)\r\n\r\n"
        "--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        "Message-ID:\r\n <abc.123@recouvra.example>\r\nSubject: Relance\r\n\r\n"
        "--B--\r\n";
    struct reply_reading r;

    (void)state;
    read_raw(raw, sizeof raw - 1, &r);
    assert_int_equal(r.verdict, REPLY_BOUNCE);
    assert_string_equal(r.bounce.recipient, "compta@client.example");
    assert_string_equal(r.bounce.final_recipient, "alias-target@client.example");
    assert_string_equal(r.bounce.status, "5.2.2");
    /* A folded Message-ID header. */
    assert_string_equal(r.bounce.message_id, "abc.123@recouvra.example");
    reply_reading_free(&r);
}

static void test_corpus_reports(void **state)
{
    size_t len;
    char *raw = corpus_read("mime/mimekit_bounce.eml", &len);
    struct reply_reading r;

    (void)state;
    if (raw == NULL)
        fail_msg("corpus file mime/mimekit_bounce.eml missing (RELANCE_CORPUS?)");
    /* Its per-recipient fields are base64 by mistake: still a failure,
     * and the returned message's Message-ID is read from the raw bytes. */
    read_raw(raw, len, &r);
    assert_int_equal(r.verdict, REPLY_BOUNCE);
    assert_string_equal(r.bounce.message_id,
                        "44565655.JitbitHelpdesk.13439.691a0afc-a0a0-457c-8208-f20b7c4a4cb1@jitbit.com");
    reply_reading_free(&r);
    free(raw);

    raw = corpus_read("mime/mail_report_422.eml", &len);
    if (raw == NULL)
        fail_msg("corpus file mime/mail_report_422.eml missing");
    read_raw(raw, len, &r);
    assert_int_equal(r.verdict, REPLY_AUTO_REPLY);
    assert_string_equal(r.bounce.message_id,
                        "15655788.13.1200472642578.JavaMail.Administrator@mail.ttttt.com.au");
    reply_reading_free(&r);
    free(raw);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verdict_names),
        cmocka_unit_test(test_french_negations),
        cmocka_unit_test(test_english_negations),
        cmocka_unit_test(test_precedence),
        cmocka_unit_test(test_dates_and_payments),
        cmocka_unit_test(test_subjects),
        cmocka_unit_test(test_reason_and_excerpt),
        cmocka_unit_test(test_excerpt_ends_on_characters),
        cmocka_unit_test(test_bounded_work),
        cmocka_unit_test(test_tense),
        cmocka_unit_test(test_complaint_objects),
        cmocka_unit_test(test_dispute_structures),
        cmocka_unit_test(test_informal_folding),
        cmocka_unit_test(test_margin_unsure),
        cmocka_unit_test(test_auto_reply_headers),
        cmocka_unit_test(test_bounces),
        cmocka_unit_test(test_no_bounce_without_null_sender),
        cmocka_unit_test(test_original_recipient_preferred),
        cmocka_unit_test(test_corpus_reports),
    };

    message_library_init();
    return cmocka_run_group_tests(tests, load_lexicon, free_lexicon);
}
