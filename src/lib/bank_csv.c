/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * bank_csv.c - reads bank CSV exports (see bank_csv.h).
 *
 * Header names are compared folded: ASCII lower case, the accented e of
 * French headers (UTF-8 or Latin-1) as 'e', punctuation as one space, so
 * that "Date d'opération", "DATE D OPERATION" and "date_d_operation" are
 * one name. A file whose header names no date, amount or reference is
 * refused rather than guessed at.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/bank_csv.h"
#include "lib/util.h"

#define CSV_MAX_COLUMNS 64
#define CSV_FIELD_MAX 2048

enum column_role { COL_NONE, COL_DATE, COL_VALUE_DATE, COL_AMOUNT, COL_CREDIT, COL_DEBIT, COL_REFERENCE,
                   COL_NAME, COL_CURRENCY };

struct csv_layout {
    char sep;
    size_t columns;
    enum column_role role[CSV_MAX_COLUMNS];
};

struct csv_cursor {
    const char *p, *end;
    size_t line;
};

/* One field into dst (cut to size); *last is set when it ended its row.
 * Quotes may enclose separators, line breaks and doubled quotes. */
static void next_field(struct csv_cursor *c, char sep, char *dst, size_t size, bool *last)
{
    size_t n = 0;
    bool quoted = c->p < c->end && *c->p == '"';

    if (quoted)
        c->p++;
    *last = true;
    while (c->p < c->end) {
        char ch = *c->p++;

        if (quoted && ch == '"') {
            if (c->p < c->end && *c->p == '"') {
                c->p++;
            } else {
                quoted = false;
                continue;
            }
        } else if (!quoted && ch == sep) {
            *last = false;
            break;
        } else if (!quoted && (ch == '\n' || ch == '\r')) {
            if (ch == '\r' && c->p < c->end && *c->p == '\n')
                c->p++;
            c->line++;
            break;
        } else if (ch == '\n') {
            c->line++;
        }
        if (n + 1 < size && ch != '\0')
            dst[n++] = ch;
    }
    dst[n] = '\0';
    str_trim(dst);
}

/* Lower case, accented e as e, runs of anything else as one space. */
static void fold_name(const char *s, char *out, size_t size)
{
    size_t n = 0;
    bool space = true;

    for (const unsigned char *p = (const unsigned char *)s; *p && n + 2 < size; p++) {
        char c = 0;

        if (p[0] == 0xc3 && p[1] >= 0x80 && p[1] <= 0xbf) {
            unsigned char l = p[1] | 0x20;
            c = l >= 0xa8 && l <= 0xab ? 'e' : l >= 0xa0 && l <= 0xa5 ? 'a' : l == 0xa7 ? 'c' : 0;
            p++;
        } else if (*p >= 0xc0) {
            unsigned char l = *p | 0x20;
            c = l >= 0xe8 && l <= 0xeb ? 'e' : l >= 0xe0 && l <= 0xe5 ? 'a' : l == 0xe7 ? 'c' : 0;
        } else if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')) {
            c = (char)*p;
        } else if (*p >= 'A' && *p <= 'Z') {
            c = (char)(*p + 32);
        }
        if (c) {
            out[n++] = c;
            space = false;
        } else if (!space) {
            out[n++] = ' ';
            space = true;
        }
    }
    while (n > 0 && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
}

static bool starts_word(const char *name, const char *word)
{
    size_t len = strlen(word);

    return strncmp(name, word, len) == 0 && (name[len] == '\0' || name[len] == ' ');
}

static enum column_role role_of(const char *header)
{
    static const struct { const char *word; enum column_role role; } words[] = {
        {"date valeur", COL_VALUE_DATE}, {"date de valeur", COL_VALUE_DATE}, {"value date", COL_VALUE_DATE},
        {"valeur", COL_VALUE_DATE}, {"date", COL_DATE}, {"booking date", COL_DATE},
        {"transaction date", COL_DATE}, {"montant", COL_AMOUNT}, {"amount", COL_AMOUNT},
        {"credit", COL_CREDIT}, {"credits", COL_CREDIT}, {"debit", COL_DEBIT}, {"debits", COL_DEBIT},
        {"libelle", COL_REFERENCE}, {"reference", COL_REFERENCE}, {"ref", COL_REFERENCE},
        {"description", COL_REFERENCE}, {"label", COL_REFERENCE}, {"motif", COL_REFERENCE},
        {"communication", COL_REFERENCE}, {"details", COL_REFERENCE}, {"remittance", COL_REFERENCE},
        {"information complementaire", COL_REFERENCE}, {"informations complementaires", COL_REFERENCE},
        {"nom", COL_NAME}, {"name", COL_NAME}, {"tiers", COL_NAME}, {"contrepartie", COL_NAME},
        {"counterparty", COL_NAME}, {"payer", COL_NAME}, {"debtor", COL_NAME}, {"emetteur", COL_NAME},
        {"donneur d ordre", COL_NAME}, {"devise", COL_CURRENCY}, {"currency", COL_CURRENCY},
    };
    char name[128];

    fold_name(header, name, sizeof name);
    for (size_t i = 0; i < ARRAY_LEN(words); i++)
        if (starts_word(name, words[i].word))
            return words[i].role;
    return COL_NONE;
}

/* The separator: whichever of ';', tab and ',' the header line holds most
 * of outside quotes (';' first on a tie: French exports use it). */
static char guess_separator(const char *p, const char *end)
{
    size_t semi = 0, tab = 0, comma = 0;
    bool quoted = false;

    for (; p < end && (quoted || (*p != '\n' && *p != '\r')); p++) {
        if (*p == '"')
            quoted = !quoted;
        else if (!quoted)
            *p == ';' ? semi++ : *p == '\t' ? tab++ : *p == ',' ? comma++ : 0;
    }
    return semi >= tab && semi >= comma && semi ? ';' : tab >= comma && tab ? '\t' : ',';
}

static bool has_role(const struct csv_layout *l, enum column_role role)
{
    for (size_t i = 0; i < l->columns; i++)
        if (l->role[i] == role)
            return true;
    return false;
}

static bool read_header(struct csv_cursor *c, struct csv_layout *l, char *why, size_t whylen)
{
    char field[CSV_FIELD_MAX];
    bool last = false;

    while (c->p < c->end && (*c->p == '\n' || *c->p == '\r' || *c->p == ' ')) {
        c->line += *c->p == '\n';
        c->p++;
    }
    l->sep = guess_separator(c->p, c->end);
    l->columns = 0;
    while (!last && c->p < c->end) {
        next_field(c, l->sep, field, sizeof field, &last);
        if (l->columns == CSV_MAX_COLUMNS) {
            str_format(why, whylen, "more than %d columns", CSV_MAX_COLUMNS);
            return false;
        }
        l->role[l->columns] = role_of(field);
        /* The first date column is the operation's; later ones the value's. */
        if (l->role[l->columns] == COL_DATE && has_role(l, COL_DATE))
            l->role[l->columns] = COL_VALUE_DATE;
        l->columns++;
    }
    if (!has_role(l, COL_DATE) || !(has_role(l, COL_AMOUNT) || has_role(l, COL_CREDIT) || has_role(l, COL_DEBIT)) ||
        !has_role(l, COL_REFERENCE)) {
        str_copy(why, whylen, "not a bank CSV: the first line must name a date, an amount (or credit/debit) "
                              "and a reference or label column");
        return false;
    }
    return true;
}

/* Credit and debit columns: the filled one says the direction. */
static bool take_amount(struct bank_entry *e, enum column_role role, const char *field)
{
    int64_t cents;

    if (field[0] == '\0')
        return true;
    if (!bank_amount_parse(field, &cents))
        return false;
    if (role == COL_AMOUNT) {
        e->credit = cents > 0;
        e->amount = cents < 0 ? -cents : cents;
    } else if (cents != 0) {
        e->credit = role == COL_CREDIT ? cents > 0 : cents < 0;
        e->amount = cents < 0 ? -cents : cents;
    }
    return true;
}

static bool take_field(struct bank_entry *e, enum column_role role, const char *field)
{
    switch (role) {
    case COL_DATE:
        return field[0] == '\0' || bank_date_parse(field, &e->booked);
    case COL_VALUE_DATE:
        return field[0] == '\0' || bank_date_parse(field, &e->value);
    case COL_AMOUNT:
    case COL_CREDIT:
    case COL_DEBIT:
        return take_amount(e, role, field);
    case COL_REFERENCE:
        bank_text_append(e->remittance, sizeof e->remittance, field);
        return true;
    case COL_NAME:
        if (!e->debtor_name[0])
            str_copy(e->debtor_name, sizeof e->debtor_name, field);
        return true;
    case COL_CURRENCY:
        str_copy(e->currency, sizeof e->currency, field);
        return true;
    case COL_NONE:
        break;
    }
    return true;
}

static bool read_row(struct csv_cursor *c, const struct csv_layout *l, struct bank_statement *out, char *why,
                     size_t whylen)
{
    char field[CSV_FIELD_MAX];
    size_t line = c->line + 1, col = 0, filled = 0;
    struct bank_entry row = {0};
    bool last = false;

    while (!last && c->p < c->end) {
        next_field(c, l->sep, field, sizeof field, &last);
        filled += field[0] != '\0';
        if (col < l->columns && !take_field(&row, l->role[col], field)) {
            str_format(why, whylen, "line %zu: unreadable %s '%.40s'", line,
                       l->role[col] == COL_DATE || l->role[col] == COL_VALUE_DATE ? "date" : "amount", field);
            return false;
        }
        col++;
    }
    if (filled == 0)
        return true; /* a blank line */
    if (!date_is_set(row.booked) || row.amount == 0) {
        str_format(why, whylen, "line %zu: no %s", line, date_is_set(row.booked) ? "amount" : "date");
        return false;
    }
    struct bank_entry *e = bank_statement_add(out);
    if (e == NULL) {
        str_format(why, whylen, "more than %d lines", BANK_MAX_ENTRIES);
        return false;
    }
    *e = row;
    str_copy(e->statement_id, sizeof e->statement_id, "csv");
    e->line = line;
    return true;
}

bool bank_csv_read(const char *data, size_t len, struct bank_statement *out, char *why, size_t whylen)
{
    struct csv_cursor c = {data, data + len, 0};
    struct csv_layout layout;

    bank_statement_free(out);
    if (len == 0 || len > BANK_MAX_INPUT) {
        str_format(why, whylen, len == 0 ? "empty file" : "file too large (%zu bytes, at most %u)", len,
                   BANK_MAX_INPUT);
        return false;
    }
    if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
        c.p += 3;
    if (!read_header(&c, &layout, why, whylen))
        return false;
    while (c.p < c.end) {
        if (!read_row(&c, &layout, out, why, whylen)) {
            bank_statement_free(out);
            return false;
        }
    }
    str_copy(out->format, sizeof out->format, "csv");
    bank_statement_set_keys(out);
    return true;
}
