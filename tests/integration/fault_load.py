#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# fault_load.py - mail load for test_faults.sh: COUNT messages over
# SESSIONS SMTP sessions to 127.0.0.1:PORT, every EVERY-th one an invoice
# (a UBL attachment numbered PREFIX-i), the others plain mail; each has its
# own Message-ID <PREFIX-i@creditor.test>. A message refused with 4xx or
# cut off by a lost connection is sent again, as an MTA client would,
# until DEADLINE seconds have passed. Optional: PAUSE seconds between
# messages of a thread, PER_SESSION messages per SMTP session. Prints one line per message sent:
# "MESSAGE-ID KIND" (invoice|plain); exits 1 when some could not be sent.
import smtplib
import sys
import threading
import time

port, count, sessions, every, prefix, deadline = (int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]),
                                                  int(sys.argv[4]), sys.argv[5], float(sys.argv[6]))
pause = float(sys.argv[7]) if len(sys.argv) > 7 else 0.0
# A new SMTP session every PER_SESSION messages (0: one per thread): Postfix
# stops asking a milter that failed for the rest of a session, so a fault
# is met again only by sessions opened after it.
per_session = int(sys.argv[8]) if len(sys.argv) > 8 else 0
end = time.time() + deadline
lock = threading.Lock()
sent, failed = [], []

UBL = """<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
    xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
    xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>
  <cbc:ID>{number}</cbc:ID>
  <cbc:IssueDate>2025-12-31</cbc:IssueDate>
  <cbc:DueDate>2026-01-30</cbc:DueDate>
  <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
  <cac:AccountingSupplierParty><cac:Party><cac:PartyLegalEntity>
    <cbc:RegistrationName>ACME Industries SAS</cbc:RegistrationName>
  </cac:PartyLegalEntity></cac:Party></cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty><cac:Party>
    <cac:PartyLegalEntity><cbc:RegistrationName>Client {i} SARL</cbc:RegistrationName></cac:PartyLegalEntity>
    <cac:Contact><cbc:ElectronicMail>{rcpt}</cbc:ElectronicMail></cac:Contact>
  </cac:Party></cac:AccountingCustomerParty>
  <cac:LegalMonetaryTotal><cbc:PayableAmount currencyID="EUR">{amount}.00</cbc:PayableAmount></cac:LegalMonetaryTotal>
</Invoice>
"""


def message(i):
    rcpt = "client%d@%s-debtor.test" % (i, prefix.lower())
    mid = "%s-%d@creditor.test" % (prefix, i)
    head = ("From: Service facturation <billing@creditor.test>\r\nTo: <%s>\r\nDate: Mon, 23 Nov 2026 10:00:00 +0100\r\n"
            "Message-ID: <%s>\r\nMIME-Version: 1.0\r\n" % (rcpt, mid))
    if i % every == 0:
        number = "%s-%d" % (prefix, i)
        xml = UBL.format(number=number, i=i, rcpt=rcpt, amount=100 + i)
        body = ("Subject: Facture %s\r\nContent-Type: multipart/mixed; boundary=\"=-b\"\r\n\r\n"
                "--=-b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBonjour,\r\n\r\nVotre facture.\r\n"
                "--=-b\r\nContent-Type: application/xml; name=\"%s.xml\"\r\n"
                "Content-Disposition: attachment; filename=\"%s.xml\"\r\n\r\n%s\r\n--=-b--\r\n"
                % (number, number, number, xml.replace("\n", "\r\n")))
        kind = "invoice"
    else:
        body = ("Subject: Compte rendu %d\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" % i +
                "Bonjour,\r\n\r\nVoici le compte rendu de la reunion de mardi.\r\n" * 30)
        kind = "plain"
    return rcpt, mid, kind, head + body


def session(indexes):
    conn = None
    for n, i in enumerate(indexes):
        if per_session and n and n % per_session == 0 and conn is not None:
            try:
                conn.quit()
            except Exception:
                pass
            conn = None
        rcpt, mid, kind, data = message(i)
        while True:
            try:
                if conn is None:
                    conn = smtplib.SMTP("127.0.0.1", port, timeout=60)
                conn.sendmail("billing@creditor.test", [rcpt], data.encode())
                with lock:
                    sent.append((mid, kind))
                break
            except (smtplib.SMTPException, OSError) as e:
                try:
                    if conn is not None:
                        conn.close()
                except Exception:
                    pass
                conn = None
                if time.time() > end:
                    with lock:
                        failed.append((mid, str(e)))
                    break
                sys.stderr.write("retrying %s: %s\n" % (mid, e))
                time.sleep(0.5)
        if pause:
            time.sleep(pause)
    if conn is not None:
        try:
            conn.quit()
        except Exception:
            pass


threads = []
for s in range(sessions):
    t = threading.Thread(target=session, args=(range(s, count, sessions),))
    t.start()
    threads.append(t)
for t in threads:
    t.join()
for mid, kind in sent:
    print(mid, kind)
for mid, why in failed:
    sys.stderr.write("not sent: %s: %s\n" % (mid, why))
sys.exit(1 if failed else 0)
