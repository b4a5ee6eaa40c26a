/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * text_fields.c - dates, terms, amount due and currency of one invoice in
 * folded text (see text_fields.h).
 *
 * Labels are looked for at every word start; the value of a label is the
 * first fitting value after it on its line. A line made of labels only (a
 * table header) hands each label the value of the same rank on the next
 * non-empty line. Amount labels are ranked: what is left to pay beats the
 * total with tax, which beats a plain "Total"; pre-tax totals, taxes,
 * discounts and deposits are never the amount due. A tax mark may also
 * follow its amount ("1 250,00 euros TTC", "2 000,00 EUR HT"). Counts,
 * durations and rates ("a 30 jours", "30 heures a 50 EUR de l'heure") are
 * never amounts due; two different amounts of the best rank are a
 * conflict, and then the text gives no amount at all.
 */
#include "text/text_fields.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "text/text_amounts.h"
#include "text/text_fold.h"

/* Values of one kind on a values line, at most. */
#define LINE_VALUES_MAX 16
/* How far before an amount label its qualifiers may stand ("Sous-"). */
#define LABEL_LOOKBEHIND 12
/* How far before a postfix tax mark ("TTC") its amount is looked for. */
#define POSTFIX_WINDOW 64
/* How far back the clause of such an amount is read ("un acompte de"). */
#define CLAUSE_MAX 96
/* How far along its line a label's value, or a table header's other
 * labels, are looked for; and how many labels of each kind one text may
 * have. Both far beyond any invoice: they keep a text of nothing but
 * labels (64 KB of "TTC TTC ...", found by fuzzing) linear, not minutes. */
#define LABEL_LINE_MAX 1024
#define LABELS_MAX 256
/* Lines from the top where an unlabelled date may be the issue date. */
#define GUESS_ZONE_LINES 20

enum date_role {
    DATE_ROLE_ISSUE,
    DATE_ROLE_ISSUE_GENERIC, /* a bare "Date": also a forwarded mail's date */
    DATE_ROLE_DUE,
    DATE_ROLE_OTHER, /* delivery, order, period: dates that are neither */
};

struct date_label {
    const char *phrase;
    enum date_role role;
    bool adjacent; /* a short word: its date must follow it at once */
};

/* Specific phrases first; the bare "date" comes last. */
static const struct date_label date_labels[] = {
    {"date d'echeance", DATE_ROLE_DUE, false},
    {"date de l'echeance", DATE_ROLE_DUE, false},
    {"date echeance", DATE_ROLE_DUE, false},
    {"date limite de paiement", DATE_ROLE_DUE, false},
    {"date limite de reglement", DATE_ROLE_DUE, false},
    {"date limite", DATE_ROLE_DUE, false},
    {"date de livraison", DATE_ROLE_OTHER, false},
    {"date de commande", DATE_ROLE_OTHER, false},
    {"date de prestation", DATE_ROLE_OTHER, false},
    {"date d'execution", DATE_ROLE_OTHER, false},
    {"date de paiement", DATE_ROLE_OTHER, false},
    {"date de reglement", DATE_ROLE_OTHER, false},
    {"date de facture", DATE_ROLE_ISSUE, false},
    {"date de facturation", DATE_ROLE_ISSUE, false},
    {"date de la facture", DATE_ROLE_ISSUE, false},
    {"date de l'avoir", DATE_ROLE_ISSUE, false},
    {"date facture", DATE_ROLE_ISSUE, false},
    {"date d'emission", DATE_ROLE_ISSUE, false},
    {"date emission", DATE_ROLE_ISSUE, false},
    {"date d'edition", DATE_ROLE_ISSUE, false},
    {"date of issue", DATE_ROLE_ISSUE, false},
    {"date of invoice", DATE_ROLE_ISSUE, false},
    {"date of delivery", DATE_ROLE_OTHER, false},
    {"date of supply", DATE_ROLE_OTHER, false},
    {"date issued", DATE_ROLE_ISSUE, false},
    {"date due", DATE_ROLE_DUE, false},
    {"echeance", DATE_ROLE_DUE, false},
    {"a payer au plus tard le", DATE_ROLE_DUE, false},
    {"a payer avant le", DATE_ROLE_DUE, false},
    {"a payer avant", DATE_ROLE_DUE, false},
    {"a payer le", DATE_ROLE_DUE, false},
    {"a regler avant le", DATE_ROLE_DUE, false},
    {"a regler avant", DATE_ROLE_DUE, false},
    {"a regler le", DATE_ROLE_DUE, false},
    {"payable avant le", DATE_ROLE_DUE, false},
    {"payable avant", DATE_ROLE_DUE, false},
    {"payable le", DATE_ROLE_DUE, false},
    {"payable au", DATE_ROLE_DUE, false},
    {"paiement avant le", DATE_ROLE_DUE, false},
    {"reglement avant le", DATE_ROLE_DUE, false},
    {"au plus tard le", DATE_ROLE_DUE, false},
    {"payment due date", DATE_ROLE_DUE, false},
    {"payment due", DATE_ROLE_DUE, false},
    {"payment deadline", DATE_ROLE_DUE, false},
    {"payment date", DATE_ROLE_OTHER, false},
    {"due date", DATE_ROLE_DUE, false},
    {"due by", DATE_ROLE_DUE, false},
    {"due on", DATE_ROLE_DUE, false},
    {"due:", DATE_ROLE_DUE, false},
    {"payable by", DATE_ROLE_DUE, false},
    {"payable on", DATE_ROLE_DUE, false},
    {"payable until", DATE_ROLE_DUE, false},
    {"please pay by", DATE_ROLE_DUE, false},
    {"pay by", DATE_ROLE_DUE, false},
    {"please remit until", DATE_ROLE_DUE, false},
    {"remit until", DATE_ROLE_DUE, false},
    {"remit by", DATE_ROLE_DUE, false},
    {"date de prelevement", DATE_ROLE_DUE, false},
    {"prelevement sepa le", DATE_ROLE_DUE, false},
    {"prelevement le", DATE_ROLE_DUE, false},
    {"preleve le", DATE_ROLE_DUE, false},
    {"direct debit on", DATE_ROLE_DUE, false},
    {"debited on", DATE_ROLE_DUE, false},
    {"abbuchung am", DATE_ROLE_DUE, false},
    {"falligkeitsdatum", DATE_ROLE_DUE, false},
    {"fallig am", DATE_ROLE_DUE, false},
    {"zahlbar bis zum", DATE_ROLE_DUE, false},
    {"zahlbar bis", DATE_ROLE_DUE, false},
    {"bis zum", DATE_ROLE_DUE, false},
    {"invoice date", DATE_ROLE_ISSUE, false},
    {"issue date", DATE_ROLE_ISSUE, false},
    {"issued on", DATE_ROLE_ISSUE, false},
    {"issued at", DATE_ROLE_ISSUE, false},
    {"issued", DATE_ROLE_ISSUE, false},
    {"dated", DATE_ROLE_ISSUE, false},
    {"emise le", DATE_ROLE_ISSUE, false},
    {"etablie le", DATE_ROLE_ISSUE, false},
    {"fait le", DATE_ROLE_ISSUE, false},
    {"rechnungsdatum", DATE_ROLE_ISSUE, false},
    {"ausstellungsdatum", DATE_ROLE_ISSUE, false},
    {"delivery date", DATE_ROLE_OTHER, false},
    {"order date", DATE_ROLE_OTHER, false},
    {"service date", DATE_ROLE_OTHER, false},
    {"leistungsdatum", DATE_ROLE_OTHER, false},
    {"lieferdatum", DATE_ROLE_OTHER, false},
    {"livraison", DATE_ROLE_OTHER, false},
    {"periode", DATE_ROLE_OTHER, false},
    {"period", DATE_ROLE_OTHER, false},
    {"date de", DATE_ROLE_OTHER, false},
    {"date d'", DATE_ROLE_OTHER, false},
    {"date du", DATE_ROLE_OTHER, false},
    {"date of", DATE_ROLE_OTHER, false},
    {"datum", DATE_ROLE_ISSUE_GENERIC, false},
    {"date", DATE_ROLE_ISSUE_GENERIC, false},
    {"due", DATE_ROLE_DUE, true},
};

struct amount_label {
    const char *phrase;
    enum amount_rank rank;
};

static const struct amount_label amount_labels[] = {
    {"net a payer", AMOUNT_RANK_PAYABLE},
    {"reste a payer", AMOUNT_RANK_PAYABLE},
    {"reste a regler", AMOUNT_RANK_PAYABLE},
    {"reste du", AMOUNT_RANK_PAYABLE},
    {"montant net a payer", AMOUNT_RANK_PAYABLE},
    {"montant a payer", AMOUNT_RANK_PAYABLE},
    {"montant a regler", AMOUNT_RANK_PAYABLE},
    {"montant restant du", AMOUNT_RANK_PAYABLE},
    {"montant du", AMOUNT_RANK_PAYABLE},
    {"montant de l'avoir", AMOUNT_RANK_PAYABLE},
    {"montant avoir", AMOUNT_RANK_PAYABLE},
    {"montant a rembourser", AMOUNT_RANK_PAYABLE},
    {"montant credite", AMOUNT_RANK_PAYABLE},
    {"total a payer", AMOUNT_RANK_PAYABLE},
    {"total a regler", AMOUNT_RANK_PAYABLE},
    {"total avoir", AMOUNT_RANK_PAYABLE},
    {"somme a payer", AMOUNT_RANK_PAYABLE},
    {"somme due", AMOUNT_RANK_PAYABLE},
    {"solde a payer", AMOUNT_RANK_PAYABLE},
    {"solde restant du", AMOUNT_RANK_PAYABLE},
    {"solde du", AMOUNT_RANK_PAYABLE},
    {"a payer", AMOUNT_RANK_PAYABLE},
    {"amount due", AMOUNT_RANK_PAYABLE},
    {"total amount due", AMOUNT_RANK_PAYABLE},
    {"total due", AMOUNT_RANK_PAYABLE},
    {"balance due", AMOUNT_RANK_PAYABLE},
    {"amount payable", AMOUNT_RANK_PAYABLE},
    {"total payable", AMOUNT_RANK_PAYABLE},
    {"due payable", AMOUNT_RANK_PAYABLE},
    {"amount to pay", AMOUNT_RANK_PAYABLE},
    {"amount to be paid", AMOUNT_RANK_PAYABLE},
    {"total to pay", AMOUNT_RANK_PAYABLE},
    {"credit amount", AMOUNT_RANK_PAYABLE},
    {"amount credited", AMOUNT_RANK_PAYABLE},
    {"total credit", AMOUNT_RANK_PAYABLE},
    {"zahlbetrag", AMOUNT_RANK_PAYABLE},
    {"zu zahlen", AMOUNT_RANK_PAYABLE},
    {"offener betrag", AMOUNT_RANK_PAYABLE},
    {"restbetrag", AMOUNT_RANK_PAYABLE},
    {"total ttc", AMOUNT_RANK_GROSS},
    {"total t.t.c", AMOUNT_RANK_GROSS},
    {"montant ttc", AMOUNT_RANK_GROSS},
    {"montant total ttc", AMOUNT_RANK_GROSS},
    {"net ttc", AMOUNT_RANK_GROSS},
    {"total toutes taxes comprises", AMOUNT_RANK_GROSS},
    {"toutes taxes comprises", AMOUNT_RANK_GROSS},
    {"ttc", AMOUNT_RANK_GROSS},
    {"grand total", AMOUNT_RANK_GROSS},
    {"total incl", AMOUNT_RANK_GROSS},
    {"total including", AMOUNT_RANK_GROSS},
    {"total (incl", AMOUNT_RANK_GROSS},
    {"invoice total", AMOUNT_RANK_GROSS},
    {"total amount", AMOUNT_RANK_GROSS},
    {"total invoice", AMOUNT_RANK_GROSS},
    {"total facture", AMOUNT_RANK_GROSS},
    {"montant total", AMOUNT_RANK_GROSS},
    {"total general", AMOUNT_RANK_GROSS},
    {"gesamtbetrag", AMOUNT_RANK_GROSS},
    {"gesamtsumme", AMOUNT_RANK_GROSS},
    {"bruttobetrag", AMOUNT_RANK_GROSS},
    {"brutto", AMOUNT_RANK_GROSS},
    {"rechnungsbetrag", AMOUNT_RANK_GROSS},
    {"endbetrag", AMOUNT_RANK_GROSS},
    {"total", AMOUNT_RANK_WEAK},
    {"montant", AMOUNT_RANK_WEAK},
    {"amount", AMOUNT_RANK_WEAK},
    {"somme", AMOUNT_RANK_WEAK},
    {"summe", AMOUNT_RANK_WEAK},
    {"betrag", AMOUNT_RANK_WEAK},
};

/* Near a total, these make it something else than the amount due. */
static const char *const not_due_words[] = {
    "ht",        "h.t",        "hors",      "sous-total",  "sous total", "subtotal", "sub-total", "sub total",
    "excl",      "excluding",  "netto",     "nettobetrag", "remise",     "discount", "rabais",    "escompte",
    "acompte",   "deposit",    "deja",      "paid",        "paye",       "payee",    "regle",     "reglee",
    "verse",     "percu",      "recu",      "encaisse",    "port",       "shipping", "livraison", "frais",
    "unit",      "unitaire",   "qte",       "quantite",    "quantity",   "qty",      "ecotaxe",   "net total",
    "total net", "net amount", "pro forma", NULL,
};
/* Tax words, which exclude a total unless it includes the tax. */
static const char *const tax_words[] = {"tva", "vat", "tax", "taxe", "taxes", "ust", "mwst", "gst", NULL};
static const char *const tax_included_words[] = {"ttc",          "incl",   "including", "inkl",
                                                 "toutes taxes", "brutto", NULL};

/* A tax mark written after its amount. */
enum tax_mark { TAX_MARK_NONE, TAX_MARK_INCLUDED, TAX_MARK_EXCLUDED };

static const char *const tax_included_marks[] = {
    "ttc", "t.t.c", "toutes taxes comprises", "tva comprise", "tva incluse", "incl. vat", "inc. vat",
    "including vat", "vat included", "incl. tax", "tax included", NULL,
};
static const char *const tax_excluded_marks[] = {
    "ht", "h.t", "hors taxes", "hors taxe", "hors tva", "excl. vat", "excluding vat", "plus vat", "+ vat",
    "before tax", "net of vat", NULL,
};

/* ------------------------------------------------------------------ */
/* Lines and their labels                                              */

/* The start of s's line, or s - max when the line starts further back:
 * a bounded walk, for what is looked for near s on a line of any length. */
static const char *line_start_near(const char *start, const char *s, size_t max)
{
    const char *stop = (size_t)(s - start) > max ? s - max : start;

    while (s > stop && s[-1] != '\n')
        s--;
    return s;
}

/* s's line, walked at most LABEL_LINE_MAX bytes ahead; cut when longer. */
static const char *label_line_end(const char *s)
{
    const char *e = s;

    while (*e != '\0' && *e != '\n' && e - s < LABEL_LINE_MAX)
        e++;
    return e;
}

static bool label_line_cut(const char *e) { return *e != '\0' && *e != '\n'; }

/* The start of s's line within LABEL_LINE_MAX bytes back, or NULL. */
static const char *label_line_start(const char *start, const char *s)
{
    const char *line = line_start_near(start, s, LABEL_LINE_MAX);

    return line > start && line[-1] != '\n' ? NULL : line;
}

static bool range_has_any(const char *s, const char *end, const char *const *words)
{
    for (size_t i = 0; words[i] != NULL; i++) {
        size_t len;

        if (text_find(s, end, words[i], &len) != NULL)
            return true;
    }
    return false;
}

static const struct date_label *date_label_at(const char *s, size_t *len)
{
    for (size_t i = 0; i < ARRAY_LEN(date_labels); i++)
        if ((*len = text_match(s, date_labels[i].phrase)) > 0)
            return &date_labels[i];
    return NULL;
}

/* "Montant du" folds both "montant dû" (amount due) and "montant du
 * marché" (amount of the contract): the label only when no word follows
 * it on the same column. */
static bool ambiguous_du_label(const char *phrase, const char *after)
{
    size_t n = strlen(phrase);

    if (n < 3 || strcmp(phrase + n - 3, " du") != 0)
        return false;
    return after[0] == ' ' && after[1] != ' ' && text_is_alpha(after[1]);
}

static const struct amount_label *amount_label_at(const char *s, size_t *len)
{
    for (size_t i = 0; i < ARRAY_LEN(amount_labels); i++)
        if ((*len = text_match(s, amount_labels[i].phrase)) > 0 &&
            !ambiguous_du_label(amount_labels[i].phrase, s + *len))
            return &amount_labels[i];
    return NULL;
}

/* The next line after s's with a letter or digit, within end (table
 * rules such as "|-----|" are skipped); NULL when none. */
static const char *next_values_line(const char *s, const char *end)
{
    for (const char *line = text_next_line(s); line != NULL && line < end; line = text_next_line(line)) {
        const char *line_end = text_line_end(line);

        for (const char *p = line; p < line_end; p++)
            if (text_is_alnum(*p))
                return line;
    }
    return NULL;
}

/* Words of table headers that are neither date nor amount labels. */
static const char *const header_words[] = {
    "n#",       "no",        "facture",  "invoice",     "number",      "numero",  "client",
    "customer", "reference", "ref",      "description", "designation", "libelle", "article",
    "item",     "qte",       "quantite", "qty",         "quantity",    "prix",    "price",
    "unit",     "unitaire",  "pu",       "ht",          "tva",         "vat",     "tax",
    "taux",     "rate",      "po",       "order",       "commande",    "page",    "devise",
    "currency", "mode",      "paiement", "payment",     "statut",      "status",  NULL,
};

/* True when [s, end) holds nothing but labels and punctuation: the
 * header of a table whose values are on the next line. */
static bool only_labels(const char *s, const char *end)
{
    for (const char *p = s; p < end; p++) {
        size_t len;

        if (!text_is_alnum(*p))
            continue;
        if (!text_word_start(s, p))
            return false;
        if (date_label_at(p, &len) == NULL && amount_label_at(p, &len) == NULL &&
            text_match_any(p, header_words, &len) == NULL)
            return false;
        p += len - 1;
    }
    return true;
}

/* ------------------------------------------------------------------ */
/* Dates                                                               */

/* Rank of the (date or amount) label at s among those of its line. */
static int label_rank(const char *line, const char *s, bool dates)
{
    int rank = 0;

    for (const char *p = line; p < s; p++) {
        size_t len;

        if (text_word_start(line, p) && text_is_alpha(*p) &&
            (dates ? date_label_at(p, &len) != NULL : amount_label_at(p, &len) != NULL)) {
            rank++;
            p += len - 1;
        }
    }
    return rank;
}

/* The rank-th date on line; false when it has fewer. */
static bool nth_date_on_line(const char *line, int rank, enum date_order order, struct date *out)
{
    const char *end = text_line_end(line), *at = line;
    size_t len;

    for (int i = 0; i <= rank && i < LINE_VALUES_MAX; i++) {
        if ((at = text_date_find(at, end, order, out, &len)) == NULL)
            return false;
        if (i == rank)
            return true;
        at += len;
    }
    return false;
}

/* The date a label at s (len bytes) introduces. */
static bool date_of_label(const char *start, const char *end, const char *s, size_t len,
                          const struct date_label *label, enum date_order order, struct date *out)
{
    const char *line_end = label_line_end(s), *at, *values, *line;
    size_t n;

    if (label->adjacent)
        return text_date_read(text_skip_label_punct(s + len), order, out) > 0;
    if ((at = text_date_find(s + len, line_end, order, out, &n)) != NULL) {
        /* Another date label in between owns that date. */
        for (const char *p = s + len; p < at; p++) {
            size_t l;

            if (text_word_start(s, p) && text_is_alpha(*p) && date_label_at(p, &l) != NULL)
                return false;
        }
        return true;
    }
    if (label_line_cut(line_end) || (line = label_line_start(start, s)) == NULL ||
        !only_labels(s + len, line_end) || (values = next_values_line(s, end)) == NULL)
        return false;
    return nth_date_on_line(values, label_rank(line, s, true), order, out);
}

/* "Paris, le 15 décembre 2026": the date a letter is written on. */
static bool letter_date(const char *s, enum date_order order, struct date *out)
{
    size_t len = text_match(s, "le");

    return s[-1] == ' ' && s[-2] == ',' && len > 0 &&
           text_date_read(text_skip_spaces(s + len), order, out) > 0;
}

static void set_issue(struct text_fields *out, struct date d, enum date_basis basis)
{
    /* A lower basis value is the stronger one. */
    if (out->issue_basis == DATE_BASIS_NONE || basis < out->issue_basis) {
        out->issue_date = d;
        out->issue_basis = basis;
    }
}

static void read_dates(const char *start, const char *end, enum date_order order, struct text_fields *out)
{
    int labels = 0;

    for (const char *s = start; s < end && *s != '\0' && labels < LABELS_MAX; s++) {
        const struct date_label *label;
        struct date d;
        size_t len;

        if (!text_word_start(start, s) || !text_is_alpha(*s))
            continue;
        if (s - start >= 2 && letter_date(s, order, &d)) {
            set_issue(out, d, DATE_BASIS_LETTER);
            continue;
        }
        if ((label = date_label_at(s, &len)) == NULL)
            continue;
        labels++;
        if (date_of_label(start, end, s, len, label, order, &d)) {
            if (label->role == DATE_ROLE_ISSUE)
                set_issue(out, d, DATE_BASIS_LABEL);
            else if (label->role == DATE_ROLE_ISSUE_GENERIC)
                set_issue(out, d, DATE_BASIS_GENERIC);
            else if (label->role == DATE_ROLE_DUE && !date_is_set(out->due_date))
                out->due_date = d;
        }
        s += len - 1;
    }
}

/* No labelled issue date: the first date near the top on a line with no
 * date label (an invoice's header often shows its date alone). */
static void guess_issue_date(const char *start, const char *end, enum date_order order,
                             struct text_fields *out)
{
    int n = 0;

    for (const char *line = start; line != NULL && line < end && n < GUESS_ZONE_LINES;
         line = text_next_line(line), n++) {
        const char *line_end = text_line_end(line);
        bool labelled = false;
        struct date d;
        size_t len;

        for (const char *p = line; p < line_end && !labelled; p++)
            labelled = text_word_start(line, p) && text_is_alpha(*p) && date_label_at(p, &len) != NULL;
        if (!labelled && text_date_find(line, line_end < end ? line_end : end, order, &d, &len) != NULL) {
            set_issue(out, d, DATE_BASIS_GUESS);
            return;
        }
    }
}

/* ------------------------------------------------------------------ */
/* Amounts                                                             */

/* A total that is not the amount due: pre-tax, tax, discount, deposit. */
static bool label_excluded(const char *start, const char *label, const char *value,
                           const struct amount_label *al)
{
    const char *from = line_start_near(start, label, LABEL_LOOKBEHIND);

    if (al->rank == AMOUNT_RANK_PAYABLE)
        return false;
    if (range_has_any(from, value, not_due_words))
        return true;
    return range_has_any(from, value, tax_words) && !range_has_any(from, value, tax_included_words);
}

/* The tax mark after an amount that ends at after: "TTC", "(HT)". */
static enum tax_mark tax_mark_after(const char *after)
{
    const char *p = text_skip_spaces(after);
    size_t len;

    if (*p == '(' || *p == ')')
        p = text_skip_spaces(p + 1);
    if (text_match_any(p, tax_included_marks, &len) != NULL)
        return TAX_MARK_INCLUDED;
    return text_match_any(p, tax_excluded_marks, &len) != NULL ? TAX_MARK_EXCLUDED : TAX_MARK_NONE;
}

/* The amount of its line that ends right before s, where only spaces and
 * a closing parenthesis part them: the amount a postfix label ("TTC")
 * qualifies. NULL when none. */
static const char *amount_just_before(const char *start, const char *s, struct text_amount *out)
{
    const char *line = line_start_near(start, s, POSTFIX_WINDOW + 3), *at = line, *found = NULL;
    struct text_amount a;
    size_t len;

    /* Only the last POSTFIX_WINDOW bytes, from a word start that is not
     * inside a number ("1 234 567"): a long line full of marks stays
     * linear. */
    if (s - line > POSTFIX_WINDOW + 2) {
        for (at = s - POSTFIX_WINDOW; at < s && !(at[-1] == ' ' && !text_is_digit(at[-2]) && at[-2] != ' ');
             at++)
            ;
    }

    while ((at = text_amount_find(at, s, &a, &len)) != NULL) {
        const char *p = at + len;

        while (p < s && (*p == ' ' || *p == ')'))
            p++;
        if (p == s) {
            found = at;
            *out = a;
        }
        at += len;
    }
    return found;
}

static bool label_between(const char *s, const char *end)
{
    for (const char *p = s; p < end; p++) {
        size_t len;

        if (text_word_start(s, p) && text_is_alpha(*p) && amount_label_at(p, &len) != NULL)
            return true;
    }
    return false;
}

/* The amount after a label on its line: the first with two decimals or
 * a currency, else the first; never past the next amount label. Rates
 * are passed over, and so are amounts marked HT unless the label says
 * they are what is to pay (pre_tax_ok). */
static const char *amount_after(const char *s, const char *line_end, bool pre_tax_ok, struct text_amount *out)
{
    const char *first = NULL, *at = s;
    struct text_amount a, first_amount;
    size_t len;

    for (int i = 0; i < LINE_VALUES_MAX; i++) {
        if ((at = text_amount_find(at, line_end, &a, &len)) == NULL || (i > 0 && label_between(s, at)))
            break;
        /* "2 000,00 EUR HT, soit 2 400,00 EUR TTC"; "50 EUR de l'heure". */
        if ((!pre_tax_ok && tax_mark_after(at + len) == TAX_MARK_EXCLUDED) || text_amount_is_rate(at + len)) {
            at += len;
            continue;
        }
        if (a.decimals == 2 || a.currency[0] != '\0') {
            *out = a;
            return at;
        }
        if (first == NULL) {
            first = at;
            first_amount = a;
        }
        at += len;
    }
    if (first != NULL)
        *out = first_amount;
    return first;
}

static const char *nth_amount_on_line(const char *line, int rank, struct text_amount *out)
{
    const char *end = text_line_end(line), *at = line;
    size_t len;

    for (int i = 0; i <= rank && i < LINE_VALUES_MAX; i++) {
        if ((at = text_amount_find(at, end, out, &len)) == NULL)
            return NULL;
        if (i == rank)
            return at;
        at += len;
    }
    return NULL;
}

/* The amount a label at s introduces, and where it stands. */
static const char *amount_of_label(const char *start, const char *end, const char *s, size_t len,
                                   const struct amount_label *al, struct text_amount *out)
{
    const char *line_end = label_line_end(s), *values, *at, *line;

    if ((at = amount_after(s + len, line_end, al->rank == AMOUNT_RANK_PAYABLE, out)) != NULL)
        return at;
    if (label_line_cut(line_end) || (line = label_line_start(start, s)) == NULL ||
        !only_labels(s + len, line_end) || (values = next_values_line(s, end)) == NULL)
        return NULL;
    return nth_amount_on_line(values, label_rank(line, s, false), out);
}

/* Keeps the better of two labelled amounts: the lower rank; between
 * payable amounts the first (a later one restates it), between totals
 * the last (line items come before the totals). */
static void consider_amount(struct text_fields *out, const struct amount_label *al, const char *label,
                            size_t label_len, const struct text_amount *a, bool inline_value, bool *best_inline)
{
    if (al->rank == AMOUNT_RANK_PAYABLE && a->cents == 0)
        out->zero_balance = true;
    /* Two totals with tax, or two amounts to pay, each written after its
     * label, that disagree: which one is owed is not for relance to
     * guess. A table column's values ("Gesamtbetrag" over each line)
     * are line items, and do not count. */
    if (out->has_amount && al->rank == out->amount_rank && al->rank <= AMOUNT_RANK_GROSS && inline_value &&
        *best_inline && a->cents != out->amount && !out->amount_conflict) {
        out->amount_conflict = true;
        /* The one amount will not keep (it keeps the first amount to
         * pay, the last total). */
        out->conflicting_amount = al->rank == AMOUNT_RANK_PAYABLE ? a->cents : out->amount;
    }
    if (out->has_amount && al->rank < out->amount_rank)
        out->amount_conflict = false; /* a better label settles it */
    if (out->has_amount &&
        (al->rank > out->amount_rank || (al->rank == out->amount_rank && al->rank == AMOUNT_RANK_PAYABLE)))
        return;
    *best_inline = inline_value;
    out->has_amount = true;
    out->amount = a->cents;
    out->amount_rank = al->rank;
    str_copyn(out->amount_label, sizeof out->amount_label, label, label_len);
    if (a->currency[0] != '\0')
        memcpy(out->currency, a->currency, sizeof out->currency);
}

/* A value written after its label on the label's line, with no rate
 * between them: "Total TTC 20 % : 240,00" is one VAT rate's share of a
 * total, not a rival to the invoice's "Total TTC". */
static bool plain_inline_value(const char *label, const char *value)
{
    return value < label_line_end(label) && memchr(label, '%', (size_t)(value - label)) == NULL;
}

/* Where the clause holding s starts: after the last ',', ';' or
 * sentence end before s on its line ("... 2 000,00 EUR HT, soit"), at
 * most CLAUSE_MAX bytes back. A colon ends no clause: "Acompte : 500". */
static const char *clause_start(const char *start, const char *s)
{
    const char *line = line_start_near(start, s, CLAUSE_MAX);

    for (const char *p = s; p > line; p--)
        if ((p[-1] == ',' || p[-1] == ';' || p[-1] == '.' || p[-1] == '!' || p[-1] == '?') &&
            !text_is_digit(p[0]))
            return p;
    return line;
}

/* A label that may also stand after its amount: "TTC", "toutes taxes
 * comprises". */
static bool is_tax_mark_label(const char *s)
{
    size_t len;

    return text_match_any(s, tax_included_marks, &len) != NULL;
}

static void read_amounts(const char *start, const char *end, struct text_fields *out)
{
    bool best_inline = false;

    int labels = 0;

    for (const char *s = start; s < end && *s != '\0' && labels < LABELS_MAX; s++) {
        const struct amount_label *al;
        struct text_amount a;
        const char *at;
        size_t len;

        if (!text_word_start(start, s) || !text_is_alpha(*s) || (al = amount_label_at(s, &len)) == NULL)
            continue;
        labels++;
        if (is_tax_mark_label(s) && (at = amount_just_before(start, s, &a)) != NULL) {
            /* "d'un montant de 1 250,00 euros TTC, payable a 30 jours":
             * the mark qualifies the amount before it, not what follows;
             * "un acompte de 500,00 EUR TTC" is still no amount due. */
            if (!range_has_any(clause_start(start, at), s, not_due_words))
                consider_amount(out, al, s, len, &a, true, &best_inline);
        } else if ((at = amount_of_label(start, end, s, len, al, &a)) != NULL &&
                   !label_excluded(start, s, at, al)) {
            consider_amount(out, al, s, len, &a, plain_inline_value(s, at), &best_inline);
        }
        s += len - 1;
    }
    if (out->amount_conflict)
        out->has_amount = false;
}

/* No label at all: the one amount with a currency, if it is the only
 * one (a body saying "... for $500"), leaving out pre-tax amounts and
 * rates. */
static void read_lone_amount(const char *start, const char *end, struct text_fields *out)
{
    struct text_amount a, first;
    const char *at = start;
    size_t len;
    int count = 0;

    while ((at = text_amount_find(at, end, &a, &len)) != NULL && count < LINE_VALUES_MAX) {
        at += len;
        /* A pre-tax amount or a rate is never the amount due. */
        if (a.currency[0] == '\0' || a.cents == 0 || tax_mark_after(at) == TAX_MARK_EXCLUDED ||
            text_amount_is_rate(at))
            continue;
        if (count > 0 && (a.cents != first.cents || strcmp(a.currency, first.currency) != 0))
            return;
        first = a;
        count++;
    }
    if (count == 0)
        return;
    out->has_amount = true;
    out->amount = first.cents;
    out->amount_rank = AMOUNT_RANK_LONE;
    memcpy(out->currency, first.currency, sizeof out->currency);
    str_copy(out->amount_label, sizeof out->amount_label, "lone amount");
}

/* ------------------------------------------------------------------ */

static void read_terms(const char *start, const char *end, struct text_fields *out)
{
    char *region = xstrndup(start, (size_t)(end - start));
    const char *at;
    size_t len;

    if (payment_terms_find(region, &out->terms, &at, &len)) {
        out->has_terms = true;
        str_copyn(out->terms_text, sizeof out->terms_text, at, len);
    }
    free(region);
}

void text_fields_read(const char *start, const char *end, enum date_order order, struct text_fields *out)
{
    memset(out, 0, sizeof *out);
    read_dates(start, end, order, out);
    if (out->issue_basis == DATE_BASIS_NONE)
        guess_issue_date(start, end, order, out);
    read_amounts(start, end, out);
    if (!out->has_amount && !out->amount_conflict)
        read_lone_amount(start, end, out);
    read_terms(start, end, out);
    if (out->currency[0] == '\0') {
        char *region = xstrndup(start, (size_t)(end - start));

        text_currency_dominant(region, out->currency);
        free(region);
    }
}
