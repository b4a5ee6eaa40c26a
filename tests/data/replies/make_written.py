#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""make_written.py - builds the labelled replies written in written-*.txt.

Each block of written-N.txt is one reply, written by hand:
    === name | verdict | promised | reply_date | layout | note
    [Subject: a subject the debtor wrote]
    the debtor's own words
This script only wraps the words in a message: headers, the reminder they
answer (French or English, from the name), quoted in the given layout:
top (words above a "> " quote), bottom (below it), outlook (above an
unquoted De/Envoyé block), fwd (above a forwarded colleague's note and the
quote), raw (the block holds its own quoting: interleaved), none (no
quote), html / htmlq / htmloutlook (HTML-only, without quote, with a
blockquote, with an Outlook De/Envoyé block), auto / autohtml / xauto /
precbulk (auto-responder headers). It prints the LABELS.tsv rows.
Usage: make_written.py written-1.txt ... (run in tests/data/replies)."""
import datetime
import hashlib
import quopri
import sys
from email.header import Header

FR_REMINDER = """Bonjour,

Sauf erreur de notre part, la facture F-2026-0412 du 15/10/2026 d'un montant
de 1 250,00 € TTC, échue le 14/11/2026, reste impayée à ce jour.

Nous vous remercions de bien vouloir procéder à son règlement dans les
meilleurs délais. Conformément à l'article L441-10 du Code de commerce, des
pénalités de retard au taux de 12,15 % l'an sont exigibles depuis le
lendemain de l'échéance, ainsi qu'une indemnité forfaitaire pour frais de
recouvrement de 40 €.

En cas de contestation ou de litige, il vous suffit de répondre à ce
message en précisant le motif. Si vous avez déjà réglé cette facture, merci
de ne pas tenir compte de ce message ; nous suspendrons nos relances.

Cabinet Recouvra, pour le compte d'Atelier Dupuis SARL"""

EN_REMINDER = """Dear customer,

Our records show that invoice INV-2026-0871 dated 2 November 2026 for
EUR 3,400.00, due on 2 December 2026, remains unpaid.

Please arrange payment at your earliest convenience. Late payment penalties
and a fixed recovery fee of EUR 40 apply under French law. If you dispute
this invoice or have already paid it, simply reply to this message and
tell us why; we will put the reminder on hold.

Recouvra collection services, on behalf of Northwind Components SAS"""

FR = dict(reminder=FR_REMINDER, subject="Relance : facture F-2026-0412 échue",
          to="Cabinet Recouvra <relance+c1a9f2.8e1b44d0@recouvra.example>",
          ref="<20261201093000.F-2026-0412.r1@recouvra.example>",
          days=["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."],
          attrib="Le {d} {n} déc. 2026 à 09:30, Cabinet Recouvra <relance+c1a9f2.8e1b44d0@recouvra.example> a écrit :",
          block="De : Cabinet Recouvra <relance+c1a9f2.8e1b44d0@recouvra.example>\nEnvoyé : {d} {n} décembre 2026 09:30\nÀ : {me}\nObjet : {s}",
          fwd="---------- Message transféré ---------\nDe : Compta <compta@{dom}>\nDate : {d} {n} déc. 2026 à 11:02\nObjet : TR: {s}\nÀ : {me}\n\nPour info, reçu ce matin.",
          re="RE: ", auto="Réponse automatique : ")
EN = dict(reminder=EN_REMINDER, subject="Reminder: invoice INV-2026-0871 overdue",
          to="Recouvra Collections <relance+c2b7e1.91aa03f2@recouvra.example>",
          ref="<20261203100000.INV-2026-0871.r1@recouvra.example>",
          days=["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
          attrib="On {d}, Dec {n}, 2026 at 9:30 AM Recouvra Collections <relance+c2b7e1.91aa03f2@recouvra.example> wrote:",
          block="From: Recouvra Collections <relance+c2b7e1.91aa03f2@recouvra.example>\nSent: {d} {n} December 2026 09:30\nTo: {me}\nSubject: {s}",
          fwd="---------- Forwarded message ---------\nFrom: Accounts <accounts@{dom}>\nDate: {d}, Dec {n}, 2026 at 11:02 AM\nSubject: Fwd: {s}\nTo: {me}\n\nFYI, came in this morning.",
          re="Re: ", auto="Automatic reply: ")

NAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
         "Leroy", "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David"]


def quote(text):
    return "\n".join(("> " + l) if l else ">" for l in text.split("\n"))


def html_escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def html_paragraphs(text):
    return "".join("<p>%s</p>" % html_escape(p).replace("\n", "<br>\n")
                   for p in text.split("\n\n"))


def build(name, verdict, layout, reply_date, words, subject):
    lang = EN if "_en_" in name else FR
    h = int(hashlib.sha1(name.encode()).hexdigest(), 16)
    day = datetime.date.fromisoformat(reply_date)
    sent = day - datetime.timedelta(days=1 + h % 3)
    dom = "%s-%s.example" % (NAMES[h % len(NAMES)].lower(), name.split("_")[0])
    me = "%s <%s@%s>" % (NAMES[(h >> 4) % len(NAMES)], "contact", dom)
    f = dict(d=lang["days"][sent.weekday()], n=sent.day, me=me, dom=dom, s=lang["subject"])
    attrib = lang["attrib"].format(**f)
    headers = []
    if subject is None:
        auto = layout in ("auto", "autohtml", "xauto")
        subject = (lang["auto"] if auto else lang["re"]) + lang["subject"]
    html = layout.startswith("html") or layout == "autohtml"
    if layout in ("top", "auto", "xauto", "precbulk") and layout == "top":
        body = words + "\n\n" + attrib + "\n" + quote(lang["reminder"]) + "\n"
    elif layout == "bottom":
        body = attrib + "\n" + quote(lang["reminder"]) + "\n\n" + words + "\n"
    elif layout == "outlook":
        body = words + "\n\n" + lang["block"].format(**f) + "\n\n" + lang["reminder"] + "\n"
    elif layout == "fwd":
        body = (words + "\n\n" + lang["fwd"].format(**f) + "\n\n" + attrib + "\n" +
                quote(lang["reminder"]) + "\n")
    elif layout == "htmlq":
        body = ('<html><body>%s<div class="gmail_quote"><div>%s</div><blockquote style="margin:0 0 0 .8ex;'
                'border-left:1px #ccc solid;padding-left:1ex">%s</blockquote></div></body></html>\n'
                % (words, html_escape(attrib), html_paragraphs(lang["reminder"])))
    elif layout == "htmloutlook":
        block = html_escape(lang["block"].format(**f)).replace("\n", "<br>\n")
        body = ('<html><body><div class="WordSection1">%s<div style="border:none;border-top:solid #E1E1E1 1.0pt;'
                'padding:3.0pt 0cm 0cm 0cm"><p class="MsoNormal">%s</p></div>%s</div></body></html>\n'
                % (words, block, html_paragraphs(lang["reminder"])))
    elif html:
        body = "<html><body>%s</body></html>\n" % words
    else:  # none, raw, auto, xauto, precbulk
        body = words + "\n"
    if layout in ("auto", "autohtml"):
        headers.append("Auto-Submitted: auto-replied")
    elif layout == "xauto":
        headers.append("X-Autoreply: yes")
    elif layout == "precbulk":
        headers.append("Precedence: bulk")
    qp = h % 2 == 0
    data = body.encode("utf-8")
    out = ["Content-Type: text/%s; charset=\"utf-8\"" % ("html" if html else "plain"),
           "Content-Transfer-Encoding: %s" % ("quoted-printable" if qp else "8bit"),
           "From: %s" % me,
           "To: %s" % lang["to"],
           "Subject: %s" % Header(subject, "utf-8").encode() if any(ord(c) > 127 for c in subject)
           else "Subject: %s" % subject,
           "Date: %s, %02d %s %d %02d:%02d:00 +0100" % (
               ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][day.weekday()], day.day,
               ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                "Dec"][day.month - 1], day.year, 8 + h % 10, h % 60),
           "Message-ID: <%d.%s@%s>" % (h % 10**12, name.split("_")[0], dom),
           "In-Reply-To: %s" % lang["ref"],
           "References: %s" % lang["ref"]] + headers + ["MIME-Version: 1.0", ""]
    text = "\n".join(out).encode("utf-8") + b"\n"
    text += quopri.encodestring(data) if qp else data
    with open(name + ".eml", "wb") as fh:
        fh.write(text)


def main():
    for path in sys.argv[1:]:
        blocks = open(path, encoding="utf-8").read().split("=== ")[1:]
        for block in blocks:
            head, _, words = block.partition("\n")
            name, verdict, promised, reply_date, layout, note = [c.strip() for c in head.split("|")]
            subject = None
            if words.startswith("Subject: "):
                first, _, words = words.partition("\n")
                subject = first[len("Subject: "):]
            build(name, verdict, layout, reply_date, words.rstrip("\n"), subject)
            print("\t".join([name + ".eml", verdict, promised, reply_date, note]))


main()
