/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * reply_complaint.c - a dispute without any dispute word (reply_infer.h):
 * the debtor names something of the invoice that is wrong, or asks to
 * correct, redo, cancel or credit it.
 *
 * "La remise convenue n'apparaît pas ; merci de nous envoyer une facture
 * corrigée" contests part of the debt as surely as "je conteste", and a
 * formal notice to that debtor would be wrong. Each sentence is read for
 * three things: an object of complaint (price, discount, quantity,
 * delivery, quality, duplicate, VAT, hours, wrong entity...), a request to
 * correct (corriger, refaire, annuler, un avoir, reissue, cancel, void,
 * credit note...) and a word that says something is wrong (erreur, pas
 * appliquée, oublié, au lieu de, seuls, wrong, missing, instead of...). A
 * request on the invoice or on an object (in its sentence or the one
 * before) is a dispute; so is an object, or the invoice, said to be wrong.
 * A request thanked for ("merci d'avoir corrigé", "thanks for the
 * corrected invoice") is none, nor is "sauf erreur" (the reminder's own
 * formula, often echoed).
 */
#include "replies/reply_infer.h"

#include <string.h>

static const char *const objects[] = {
    "remise*", "rabais", "ristourne*", "escompte", "prix", "tarif*", "montant*", "quantite*",
    "livraison*", "livre", "livres", "livree", "livrees", "qualite", "defaut*", "defectu*",
    "doublon*", "tva", "taux", "frais", "heures", "forfait*", "geste", "ligne", "unites",
    "pieces", "cartons", "postes", "cass*", "echantillon*", "location", "prestation*", "jours",
    "marchandise*", "materiel", "colis", "avenant", "devis", "societe", "entite", "siren",
    "discount*", "rebate*", "price*", "rate", "rates", "amount", "quantit*", "units", "pallets",
    "items", "delivered", "delivery", "shipment", "quality", "defect*", "damaged", "duplicate",
    "vat", "hours", "fee", "fees", "charge", "charges", "company", "entity", "licences", "licenses",
    "model", "room", "days", "produit*", "article*", "modele", "product*", "goods", "licence*",
    "license*", "extras", "supplement*", "loyer*", "rent", "rental", "installation", "penalit*", "penalty",
    "penalties", "indemnite*", "interets", "interest", "mois", "month", "abonnement*",
    "subscription*", "option*", "travail", "travaux", "work", "works", "intervention*", "reparation*",
    "repair*", "depannage", "service", "services", "commande*", "order", "orders", "reservation*",
    "booking*", "credit", "damage", "dommage*", "prejudice", "degat*", "lot", "lots", "batch",
    "machine*", "appareil*", "equipment", "device*", "logiciel", "software", "website", "total",
    "quote", "quoted", "estimate", "majoration*", "surcharge*", "boulot", "job", NULL,
};

static const char *const invoice_words[] = {
    "facture", "factures", "invoice", "invoices", "bill", "ligne", "line", NULL,
};

/* Requests to correct: verbs whatever their form, and "avoir" only as the
 * noun after "un" (a credit note; "avoir" is also a verb). */
static const char *const corrections[] = {
    "corrig*", "rectifi*", "refaire", "refait*", "refaites", "annul*", "retir*", "supprim*",
    "deduire", "deduis*", "reedit*", "reprendre", "refactur*", "rebill*", "reemet*", "readress*", "reetabl*",
    "correct", "corrected", "amend*", "reissue*", "revise*", "cancel*", "void", "fix",
    "remove", "adjust*", "readdress*", "redo", "rework", "accurate", "apply", "appliquer", "recalcul*", "deduct*", "reduction*", "revoir", "reconsider*", "reexamin*", NULL,
};
/* Adjectives that ask for a right invoice right after "facture" ("une
 * facture juste", "une facture exacte"). */
static const char *const right_invoice[] = {"juste", "exacte", "correcte", "conforme", NULL};

/* Words that say something is wrong: strong ones of the invoice or of an
 * object, weak ones only of an object ("la seule facture" is no
 * complaint, "seuls 6 postes" is). */
static const char *const strong_wrong[] = {
    "erreur*", "errone*", "faux", "fausse", "incorrect*", "mauvais*", "wrong", "error",
    "mistake*", "overbilled", "overcharged", "typo*", "coquille*", "inflat*", "gonfl*", NULL,
};
static const char *const weak_wrong[] = {
    "oublie", "oubliee", "oublies", "seul", "seuls", "seule", "seules", "moitie", "gratuit*",
    "offert*", "missing", "instead", "twice", "waived", "trop", "too", "broken", "retourne",
    "retournee", "retournes", "renvoye", "renvoyee", "returned", "although", "whereas", NULL,
};
/* The debtor's own fault is no complaint: "erreur de notre part", "our
 * mistake". */
static const char *const own_side[] = {"notre", "ma", "mon", "nos", "our", "my", NULL};

/* Words that say something did not happen when a negation precedes them
 * ("n'apparaît pas", "pas appliquée", "not applied", "ne correspond
 * pas": the "ne" before is enough). */
static const char *const negated_wrong[] = {
    "applique*", "apparai*", "correspond*", "respecte*", "figure*", "voit", "voyons", "trouve",
    "trouvons", "deduit*", "approuve*", "applied", "reflect*", "match*", "shown", "see",
    "deducted", "approved", "bon", "bonne", "right", "normal", "normale", "apply", "applies",
    "applicable*", "vont", NULL,
};

/* Work or goods said never done or never come ("le dessert n'a jamais été
 * servi", "the wiring was never run", "still haven't received the
 * goods"): a dispute, unless the clause speaks of money or of the invoice
 * itself ("jamais reçu la facture" asks for a copy). */
static const char *const never_words[] = {"jamais", "never", NULL};
static const char *const performed[] = {
    "servi*", "livre*", "pose*", "installe*", "realise*", "execute*", "monte*", "tire*",
    "repare*", "venu*", "fourni*", "termine*", "commence*", "expedie*", "recu*", "arrive*",
    "served", "delivered", "done", "fitted", "installed", "carried", "performed", "run",
    "supplied", "provided", "completed", "repaired", "came", "arrived", "showed", "turned",
    "started", "finished", "shipped", "received", "got", "reached", "chauffe", "marche",
    "fonctionne", "heating", "working", "works", "fini", "finie", "finis", "notifie*", "notified",
    "informe*", "informed", "told", "prevenu*", "warned", NULL,
};
static const char *const money_words[] = {
    "virement", "paiement", "reglement", "cheque", "fonds", "payment", "transfer", "funds",
    "check", "remittance", "facture", "invoice", "factures", "invoices", "relance*",
    "reminder*", "courrier", "mail", "email", "message", "pay", "payer", "regler", "paid",
    "rib", "iban", NULL,
};
#define NEVER_REACH 4 /* words after "jamais" or "still" where the participle may stand */
/* Pronouns that stand for the invoice beside a request ("la refaire",
 * "correct it"). */
static const char *const pronoun_targets[] = {"la", "l", "le", "les", "en", "it", "them", NULL};

/* "t" is what is left of "n't" ("don't" reads "don t"). */
static const char *const negations[] = {"pas", "non", "not", "n", "ne", "jamais", "never",
                                        "none", "aucun", "aucune", "t", "neither", "nor", "ni", NULL};

#define NEGATION_BACK 8 /* words before a "wrong" verb where its negation may stand */
static const char *const thanks[] = {"merci", "thanks", "thank", NULL};
/* After "merci" or "thanks", these make it thanks for something done
 * ("merci pour la facture corrigée", "thanks for fixing"); "merci de
 * corriger" is a request. */
static const char *const thanks_for[] = {"pour", "for", "you", NULL};

/* A past agreement recited ("nous avions convenu d'un forfait", "we
 * agreed on a fixed fee", "on avait dit 350"): said of an object, it
 * holds what the invoice should have been. "Comme convenu", "as agreed",
 * "the agreed amount" recite no difference. */
static const char *const agreements[] = {"convenu", "convenus", "convenue", "agreed", "dit", NULL};
static const char *const agreement_subjects[] = {
    "avions", "avait", "avons", "aviez", "had", "we", "i", "was", "were", NULL,
};
static const char *const agreement_as[] = {"comme", "as", "like", "the", "tel", "ainsi", NULL};

/* A payment made to wait for a correction ("nous réglerons dès que vous
 * l'aurez corrigée", "you'll get paid when the leak is fixed", "we'll pay
 * once that credit arrives"): no promise, a dispute. The condition must
 * name something to correct, finish or credit; "quand notre client nous
 * aura payés" waits for money, and is none. */
static const char *const pay_words[] = {
    "paie", "paiera*", "paierai", "paierons", "payer*", "pay", "paying", "reglerai", "reglerons",
    "reglera", "regleront", "regler", "settle", "reglement", "paiement", "payment", NULL,
};
static const char *const conditions[] = {"quand", "lorsque", "lorsqu", "once", "when", "until", NULL};
static const char *const completions[] = {
    "fini*", "termine*", "repare*", "resolu*", "installe*", "finished", "fixed", "repaired",
    "resolved", "completed", "complete", "installed", "credit", "sorted", NULL,
};
static const char *const arrivals[] = {
    "recu*", "livre*", "arrive*", "receive*", "delivered", "arrives", "arrived", NULL,
};
static const char *const money_waited[] = {
    "fonds", "funds", "client", "clients", "customer", "customers", "paiement", "payment", NULL,
};

struct sentence_marks {
    size_t object, correction, wrong, invoice; /* token + 1 of the first such word, 0: none */
    bool strong;   /* the wrong word is a strong one */
    bool negated;  /* it is a negated verb: "n'a pas été appliquée" */
    bool targeted; /* the request has its object, the invoice or a pronoun beside it */
    bool thanked;
    size_t pay, condition;    /* token + 1 of a payment word, of a condition after it */
    bool condition_fix;       /* the condition names a correction or completion */
    bool condition_arrival;   /* ... or an arrival (needs an object) */
    bool condition_money;     /* it waits for money: no complaint */
    bool condition_object;    /* an object or a credit note after the condition */
    size_t never_done;        /* token + 1 of work said never done */
    size_t ordered;           /* token + 1 of "ordered", "commandé" */
    size_t other_sent;        /* token + 1 of "you delivered" after it */
};

#define TARGET_BEFORE 4 /* words before a request where its object may stand */
#define TARGET_AFTER 5  /* and after */

static bool is_word(const struct reply_tokens *toks, size_t i, const char *w)
{
    return toks->items[i].len == strlen(w) && memcmp(toks->text + toks->items[i].start, w,
                                                     toks->items[i].len) == 0;
}

/* "un avoir" / "a credit note" / "credit note". */
static bool credit_note(const struct reply_tokens *toks, size_t i)
{
    if (is_word(toks, i, "avoir"))
        return i > 0 && (is_word(toks, i - 1, "un") || is_word(toks, i - 1, "cet"));
    return is_word(toks, i, "credit") && i + 1 < toks->count && is_word(toks, i + 1, "note");
}

/* "take it off", "take that off". */
static bool take_off(const struct reply_tokens *toks, size_t i)
{
    return is_word(toks, i, "take") &&
           ((i + 1 < toks->count && is_word(toks, i + 1, "off")) ||
            (i + 2 < toks->count && is_word(toks, i + 2, "off")));
}

/* A correction word that speaks of a correction already made: "merci
 * d'avoir corrigé", "the corrected invoice". */
static bool already_done(const struct reply_tokens *toks, size_t i)
{
    return i > 0 && (is_word(toks, i - 1, "avoir") || is_word(toks, i - 1, "the") ||
                     is_word(toks, i - 1, "ete") || is_word(toks, i - 1, "been"));
}

static bool is_word_before(const struct reply_tokens *toks, size_t i, const char *w)
{
    return i > 0 && is_word(toks, i - 1, w);
}

static bool negated_before(const struct reply_tokens *toks, size_t i)
{
    for (size_t k = i > NEGATION_BACK ? i - NEGATION_BACK : 0; k < i; k++)
        if (toks->items[k].sentence == toks->items[i].sentence && reply_token_in(toks, k, negations))
            return true;
    return false;
}

/* "erreur de notre part", "notre erreur", "our mistake". */
static bool own_fault(const struct reply_tokens *toks, size_t i)
{
    if (i > 0 && reply_token_in(toks, i - 1, own_side))
        return true;
    return i + 2 < toks->count && is_word(toks, i + 1, "de") && reply_token_in(toks, i + 2, own_side);
}

/* "alors que", "au lieu de", "instead of": a contrast with what was
 * agreed. */
static bool contrast(const struct reply_tokens *toks, size_t i)
{
    return i + 1 < toks->count &&
           ((is_word(toks, i, "alors") && is_word(toks, i + 1, "que")) ||
            (is_word(toks, i, "au") && is_word(toks, i + 1, "lieu")));
}

/* The request at c has what it asks to correct beside it, in its clause. */
static bool targeted(const struct reply_tokens *toks, size_t c)
{
    size_t from = c > TARGET_BEFORE ? c - TARGET_BEFORE : 0;

    for (size_t k = from; k <= c + TARGET_AFTER && k < toks->count; k++) {
        if (toks->items[k].clause != toks->items[c].clause)
            continue;
        if (reply_token_in(toks, k, objects) || reply_token_in(toks, k, invoice_words))
            return true;
        if ((k + 1 == c || k == c + 1) && reply_token_in(toks, k, pronoun_targets))
            return true;
    }
    return false;
}

/* "une fois", "dès que", "as soon as", "tant que" (two words), or one of
 * conditions. */
static bool condition_at(const struct reply_tokens *toks, size_t i)
{
    if (reply_token_in(toks, i, conditions))
        return true;
    if (i + 1 >= toks->count)
        return false;
    return (is_word(toks, i, "une") && is_word(toks, i + 1, "fois")) ||
           (is_word(toks, i, "des") && is_word(toks, i + 1, "que")) ||
           (is_word(toks, i, "tant") && is_word(toks, i + 1, "que")) ||
           (is_word(toks, i, "as") && is_word(toks, i + 1, "soon"));
}

/* An agreement recited at i (see agreements). */
static bool agreement_at(const struct reply_tokens *toks, size_t i)
{
    if (!reply_token_in(toks, i, agreements) || i == 0 ||
        !reply_token_in(toks, i - 1, agreement_subjects))
        return false;
    if (is_word(toks, i, "dit") && !is_word(toks, i - 1, "avait") && !is_word(toks, i - 1, "avions"))
        return false;
    for (size_t k = i >= 3 ? i - 3 : 0; k < i; k++)
        if (reply_token_in(toks, k, agreement_as))
            return false;
    return true;
}

/* A payment to come at i: pay_words, or "get paid", "be paid". */
static bool pay_at(const struct reply_tokens *toks, size_t i)
{
    return reply_token_in(toks, i, pay_words) ||
           (is_word(toks, i, "paid") && i > 0 && (is_word_before(toks, i, "get") ||
                                                  is_word_before(toks, i, "be")));
}

/* "merci pour", "merci d'avoir", "thanks for", "thank you for". */
static bool thanks_at(const struct reply_tokens *toks, size_t i)
{
    if (!reply_token_in(toks, i, thanks) || i + 1 >= toks->count)
        return false;
    return reply_token_in(toks, i + 1, thanks_for) ||
           (is_word(toks, i + 1, "d") && i + 2 < toks->count && is_word(toks, i + 2, "avoir"));
}

/* Whether the clause of token i names money or the invoice. */
static bool clause_names_money(const struct reply_tokens *toks, size_t i)
{
    size_t k = i;

    while (k > 0 && toks->items[k - 1].clause == toks->items[i].clause)
        k--;
    for (; k < toks->count && toks->items[k].clause == toks->items[i].clause; k++)
        if (reply_token_in(toks, k, money_words))
            return true;
    return false;
}

/* "jamais ... servi", "never ... run", "toujours pas reçu", "still
 * haven't received", "still not delivered", "prestation non réalisée". */
static bool never_done_at(const struct reply_tokens *toks, size_t i)
{
    if (is_word(toks, i, "non") && i + 1 < toks->count && toks->items[i + 1].clause == toks->items[i].clause &&
        reply_token_in(toks, i + 1, performed))
        return i == 0 || !reply_token_in(toks, i - 1, money_words); /* "facture non reçue" */
    bool still = is_word(toks, i, "toujours") || is_word(toks, i, "still");

    if (!reply_token_in(toks, i, never_words) && !still)
        return false;
    if (still && !(i + 1 < toks->count && reply_token_in(toks, i + 1, negations)) &&
        !(i + 2 < toks->count && reply_token_in(toks, i + 2, negations)))
        return false;
    for (size_t k = i + 1; k <= i + NEVER_REACH && k < toks->count; k++) {
        if (toks->items[k].clause != toks->items[i].clause)
            return false;
        if (reply_token_in(toks, k, performed))
            return !clause_names_money(toks, i);
    }
    return false;
}

/* "We ordered matt paint and you delivered satin", "nous avions commandé
 * X, vous avez livré Y": what came is not what was ordered. */
static const char *const ordered_words[] = {"ordered", "commande", "commandes", "commandee", NULL};
static const char *const sent_words[] = {
    "delivered", "sent", "shipped", "livre", "livree", "livres", "envoye", "envoyee", "expedie", NULL,
};
static const char *const you_words[] = {"you", "vous", "ve", "avez", "nous", NULL};

static void mark_order_swap(const struct reply_tokens *toks, size_t i, struct sentence_marks *m)
{
    if (!m->ordered && reply_token_in(toks, i, ordered_words) && i > 0 &&
        !reply_token_in(toks, i - 1, negations))
        m->ordered = i + 1;
    else if (m->ordered && !m->other_sent && reply_token_in(toks, i, sent_words) && i > 0 &&
             reply_token_in(toks, i - 1, you_words) && i - m->ordered <= 10)
        m->other_sent = i + 1;
}

static void mark_condition(const struct reply_tokens *toks, size_t i, struct sentence_marks *m)
{
    if (!m->pay && pay_at(toks, i))
        m->pay = i + 1;
    if (!m->condition && condition_at(toks, i))
        m->condition = i + 1;
    if (!m->condition || i < m->condition)
        return;
    if (reply_token_in(toks, i, completions) || reply_token_in(toks, i, corrections) ||
        credit_note(toks, i))
        m->condition_fix = true;
    if (reply_token_in(toks, i, arrivals))
        m->condition_arrival = true;
    if (reply_token_in(toks, i, objects))
        m->condition_object = true;
    if (reply_token_in(toks, i, money_waited))
        m->condition_money = true;
}

static void mark(const struct reply_tokens *toks, size_t i, struct sentence_marks *m)
{
    bool strong;

    mark_condition(toks, i, m);
    mark_order_swap(toks, i, m);
    if (!m->never_done && never_done_at(toks, i))
        m->never_done = i + 1;
    if (thanks_at(toks, i))
        m->thanked = true;
    if (!m->object && reply_token_in(toks, i, objects))
        m->object = i + 1;
    if (!m->invoice && reply_token_in(toks, i, invoice_words))
        m->invoice = i + 1;
    if (!m->targeted && !m->thanked && i > 0 && reply_token_in(toks, i, right_invoice) &&
        reply_token_in(toks, i - 1, invoice_words)) {
        m->correction = i + 1;
        m->targeted = true;
    }
    if (!m->targeted && !m->thanked && (credit_note(toks, i) || take_off(toks, i) ||
                         (reply_token_in(toks, i, corrections) && !already_done(toks, i)))) {
        m->correction = i + 1;
        m->targeted = credit_note(toks, i) || targeted(toks, i);
    }
    bool negated = reply_token_in(toks, i, negated_wrong) && negated_before(toks, i);

    strong = (reply_token_in(toks, i, strong_wrong) && !is_word_before(toks, i, "sauf") &&
              !own_fault(toks, i)) ||
             contrast(toks, i) || negated;
    if (strong && !m->strong) {
        m->wrong = i + 1;
        m->strong = true;
        m->negated = negated;
    } else if (!m->wrong && (reply_token_in(toks, i, weak_wrong) || agreement_at(toks, i)) &&
               !own_fault(toks, i)) {
        m->wrong = i + 1;
    }
}

/* What one sentence says, given the one before. */
static void judge(const struct sentence_marks *m, const struct sentence_marks *prev,
                  struct reply_matches *out)
{
    bool prev_complains = prev != NULL && (prev->object || prev->wrong);
    /* "Il n'a pas été déduit" after the sentence naming the discount;
     * "It's wrong." before the one naming the rate. */
    bool next_door = prev != NULL && ((m->strong && prev->object) || (prev->strong && m->object));

    if (m->pay && m->condition && (m->condition_fix || (m->condition_arrival && m->condition_object)) &&
        !m->condition_money)
        reply_matches_add(out, CUE_DISPUTE, m->condition - 1, m->condition - 1,
                          REPLY_PHRASE_CONDITION, REPLY_ORIGIN_COMPLAINT);
    else if (m->never_done)
        reply_matches_add(out, CUE_DISPUTE, m->never_done - 1, m->never_done - 1,
                          REPLY_PHRASE_NEVER_DONE, REPLY_ORIGIN_COMPLAINT);
    else if (m->other_sent && !m->thanked)
        reply_matches_add(out, CUE_DISPUTE, m->other_sent - 1, m->other_sent - 1,
                          "what came is not what was ordered", REPLY_ORIGIN_COMPLAINT);
    else if (m->correction && (m->targeted || prev_complains || (m->wrong && m->object)))
        reply_matches_add(out, CUE_DISPUTE, m->correction - 1, m->correction - 1,
                          "a request to correct the invoice", REPLY_ORIGIN_COMPLAINT);
    else if ((m->wrong && (m->object || (m->strong && m->invoice)) && !m->thanked) || next_door) {
        /* On the object, which the negation that says it is wrong does
         * not govern ("la remise n'a pas été appliquée"). */
        size_t at = m->object                    ? m->object - 1
                    : next_door && prev->object ? prev->object - 1
                                                : m->wrong - 1;
        reply_matches_add(out, CUE_DISPUTE, at, at,
                          m->negated                        ? REPLY_PHRASE_NOT_APPLIED
                          : m->object || next_door          ? "an object of the invoice said to be wrong"
                                                            : REPLY_PHRASE_INVOICE_WRONG,
                          REPLY_ORIGIN_COMPLAINT);
    }
}

void reply_complaint_scan(const struct reply_tokens *toks, struct reply_matches *out)
{
    struct sentence_marks cur, prev;
    bool have_prev = false;

    memset(&cur, 0, sizeof cur);
    prev = cur;
    for (size_t i = 0; i < toks->count; i++) {
        if (i > 0 && toks->items[i].sentence != toks->items[i - 1].sentence) {
            judge(&cur, have_prev ? &prev : NULL, out);
            prev = cur;
            have_prev = true;
            memset(&cur, 0, sizeof cur);
        }
        mark(toks, i, &cur);
    }
    if (toks->count > 0)
        judge(&cur, have_prev ? &prev : NULL, out);
}
