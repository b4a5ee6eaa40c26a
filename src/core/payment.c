/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * payment.c - IBAN and BIC checks, the EPC QR payload and the payment
 * link (see payment.h).
 */
#include "core/payment.h"

#include <ctype.h>
#include <string.h>

#include "core/money.h"
#include "lib/utf8.h"

/* ---- IBAN (ISO 13616) ---- */

/* The IBAN length of each country of the SEPA scheme (EPC409-09, the
 * list of countries and territories; IBAN registry of SWIFT). The French
 * overseas departments and Monaco's neighbours use their own codes or FR;
 * a country not listed is refused: an EPC QR code is for SEPA transfers. */
static const struct {
    char code[3];
    unsigned char length;
} iban_lengths[] = {
    {"AD", 24}, {"AT", 20}, {"BE", 16}, {"BG", 22}, {"CH", 21}, {"CY", 28}, {"CZ", 24}, {"DE", 22},
    {"DK", 18}, {"EE", 20}, {"ES", 24}, {"FI", 18}, {"FR", 27}, {"GB", 22}, {"GI", 23}, {"GR", 27},
    {"HR", 21}, {"HU", 28}, {"IE", 22}, {"IS", 26}, {"IT", 27}, {"LI", 21}, {"LT", 20}, {"LU", 20},
    {"LV", 21}, {"MC", 27}, {"MT", 31}, {"NL", 18}, {"NO", 15}, {"PL", 28}, {"PT", 25}, {"RO", 24},
    {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27}, {"VA", 22},
};

static int iban_length_of(const char *country)
{
    for (size_t i = 0; i < ARRAY_LEN(iban_lengths); i++)
        if (strncmp(iban_lengths[i].code, country, 2) == 0)
            return iban_lengths[i].length;
    return -1;
}

/* ISO 7064 mod 97-10 over the IBAN moved four characters left, letters
 * read as 10..35, one digit at a time so that nothing overflows. */
static int iban_mod97(const char *iban, size_t len)
{
    int r = 0;

    for (size_t k = 0; k < len; k++) {
        char ch = iban[(k + 4) % len];
        if (isdigit((unsigned char)ch))
            r = (r * 10 + (ch - '0')) % 97;
        else
            r = (r * 100 + (ch - 'A' + 10)) % 97;
    }
    return r;
}

bool payment_iban_normalize(const char *in, char out[PAYMENT_IBAN_MAX], char *why, size_t whylen)
{
    size_t n = 0;
    int expected;

    for (const char *p = in; *p; p++) {
        if (*p == ' ')
            continue;
        if (!isalnum((unsigned char)*p) || n + 1 >= PAYMENT_IBAN_MAX) {
            str_format(why, whylen, "an IBAN is at most 34 letters and digits");
            return false;
        }
        out[n++] = (char)toupper((unsigned char)*p);
    }
    out[n] = '\0';
    if (n < 5 || !isalpha((unsigned char)out[0]) || !isalpha((unsigned char)out[1]) ||
        !isdigit((unsigned char)out[2]) || !isdigit((unsigned char)out[3])) {
        str_format(why, whylen, "an IBAN starts with its country's two letters and two check digits");
        return false;
    }
    expected = iban_length_of(out);
    if (expected < 0) {
        str_format(why, whylen, "%.2s is not a country of the SEPA scheme", out);
        return false;
    }
    if ((int)n != expected) {
        str_format(why, whylen, "an IBAN of %.2s has %d characters, not %zu", out, expected, n);
        return false;
    }
    if (iban_mod97(out, n) != 1) {
        str_format(why, whylen, "the check digits are wrong (ISO 13616 mod 97): a typing error?");
        return false;
    }
    return true;
}

/* ---- BIC (ISO 9362) ---- */

bool payment_bic_normalize(const char *in, char out[PAYMENT_BIC_MAX], char *why, size_t whylen)
{
    size_t n = 0;

    for (const char *p = in; *p; p++) {
        if (*p == ' ')
            continue;
        if (!isalnum((unsigned char)*p) || n + 1 >= PAYMENT_BIC_MAX) {
            n = PAYMENT_BIC_MAX; /* too long or not alphanumeric */
            break;
        }
        out[n++] = (char)toupper((unsigned char)*p);
    }
    if (n != 8 && n != 11) {
        out[0] = '\0';
        str_format(why, whylen, "a BIC has 8 or 11 letters and digits");
        return false;
    }
    out[n] = '\0';
    for (size_t i = 0; i < 6; i++) {
        if (!isalpha((unsigned char)out[i])) {
            str_format(why, whylen, "a BIC starts with 4 letters (the bank) and 2 (its country)");
            return false;
        }
    }
    return true;
}

/* ---- the EPC QR payload (EPC069-12) ---- */

/* At most max characters of s, control characters (a line feed would
 * shift every later field) written as spaces. */
static void put_field(struct strbuf *sb, const char *s, size_t max)
{
    size_t chars = 0, len = strlen(s);

    while (*s && chars < max) {
        uint32_t cp;
        size_t n = utf8_decode(s, len, &cp);
        if (n == 0)
            break;
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            strbuf_putc(sb, ' ');
        else
            strbuf_append(sb, s, n);
        s += n;
        len -= n;
        chars++;
    }
}

bool payment_epc_payload(const struct payment_epc *in, char out[PAYMENT_EPC_MAX + 1])
{
    struct strbuf sb;
    char amount[MONEY_STR_MAX];
    bool ok;

    out[0] = '\0';
    if (in->amount_cents < 1 || in->amount_cents > PAYMENT_EPC_AMOUNT_MAX || !in->iban[0] || !in->name[0])
        return false;
    money_format_decimal(in->amount_cents, amount);
    strbuf_init(&sb);
    /* Service tag, version, character set (1: UTF-8), identification. */
    strbuf_puts(&sb, "BCD\n002\n1\nSCT\n");
    strbuf_printf(&sb, "%s\n", in->bic ? in->bic : "");
    put_field(&sb, in->name, PAYMENT_EPC_NAME_MAX);
    strbuf_printf(&sb, "\n%s\nEUR%s\n", in->iban, amount);
    /* Purpose and structured reference empty: the reference is the
     * invoice number, unstructured; nothing after it (the last field
     * given ends the payload). */
    strbuf_puts(&sb, "\n\n");
    put_field(&sb, in->remittance ? in->remittance : "", PAYMENT_EPC_REMITTANCE_MAX);
    ok = sb.len <= PAYMENT_EPC_MAX;
    if (ok)
        memcpy(out, sb.data, sb.len + 1);
    strbuf_free(&sb);
    return ok;
}

/* ---- the payment link ---- */

static void put_encoded(struct strbuf *sb, const char *s)
{
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (isalnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~')
            strbuf_putc(sb, (char)ch);
        else
            strbuf_printf(sb, "%%%02X", ch);
    }
}

bool payment_link_expand(const char *tmpl, const char *number, int64_t amount_cents, struct strbuf *out, char *why,
                         size_t whylen)
{
    char amount[MONEY_STR_MAX];

    money_format_decimal(amount_cents, amount);
    for (const char *p = tmpl; *p; p++) {
        const char *close;
        if (*p != '{') {
            strbuf_putc(out, *p);
            continue;
        }
        close = strchr(p, '}');
        if (close == NULL) {
            str_format(why, whylen, "a '{' is not closed");
            return false;
        }
        if (close - p == 7 && strncmp(p, "{number}", 8) == 0) {
            put_encoded(out, number);
        } else if (close - p == 7 && strncmp(p, "{amount}", 8) == 0) {
            put_encoded(out, amount);
        } else {
            str_format(why, whylen, "unknown placeholder %.*s (known: {number}, {amount})", (int)(close - p + 1), p);
            return false;
        }
        p = close;
    }
    return true;
}
