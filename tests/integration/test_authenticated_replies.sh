#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Who may change a case through a reply, through a real Postfix with
# OpenDKIM verifying before relanced (smtpd_milters = opendkim, relanced),
# as the README asks. OpenDKIM reads its keys from a file made here
# (TestPublicKeys: no DNS) and writes "Authentication-Results:
# relance-verifier.test; ...", a name given to relanced in
# TrustedAuthservIDs. Replies come from outside (XCLIENT 203.0.113.x):
#   - a colleague at the debtor's domain names an invoice number, no token,
#     no thread, unsigned: recorded as unverified, the case unchanged, the
#     creditor told that it is unverified, no acknowledgment;
#   - the same with an Authentication-Results header the sender wrote
#     claiming the trusted verifier: ignored, logged and removed from the
#     delivered message;
#   - the same DKIM-signed for the debtor's domain: the case is disputed,
#     and the authenticated colleague is acknowledged;
#   - a stranger writes to a tagged Reply-To: the token is a capability,
#     the case is disputed, but no acknowledgment goes to the stranger;
#   - the debtor disputes twice in a day: one acknowledgment only.
source "$(dirname "$0")/lib.sh"

command -v opendkim >/dev/null && command -v opendkim-genkey >/dev/null && command -v opendkim-testmsg >/dev/null ||
    { echo "opendkim and opendkim-tools are needed (tests/deps.sh)"; exit 1; }

mkdir -p "$T/bin"
cp "$RELANCED" "$RELANCECTL" "$TOP/build/tools/mail_text" "$T/bin/" || exit 1
RELANCED=$T/bin/relanced
RELANCECTL=$T/bin/relancectl
MAIL_TEXT=$T/bin/mail_text

weekday() {
    local d=$1
    while [ "$(date -d "$d" +%u)" -gt 5 ]; do d=$(date -d "$d + 1 day" +%F); done
    echo "$d"
}
W0=$(weekday "$(date +%F)")
DUE=$(date -d "$W0 -20 days" +%F)
ISSUE=$(date -d "$W0 -50 days" +%F)
VERIFIER=relance-verifier.test
# A second trusted verifier (as an OpenDMARC with its own authserv-id
# would be), which OpenDKIM knows nothing of: relanced removes its forgeries.
VERIFIER2=dmarc-verifier.test

# ---- OpenDKIM, verifying, keys from a file ----

DK=$T/opendkim
mkdir -p "$DK"
opendkim-genkey -b 1024 -D "$DK" -d client-c.test -s sel || exit 1
# The zone record as one line, for TestPublicKeys; without "h=sha256", so
# that opendkim-testmsg's rsa-sha1 signature verifies.
echo "sel._domainkey.client-c.test $(tr -d '\n' <"$DK/sel.txt" | grep -o '"[^"]*"' | tr -d '"\n' | sed 's/ h=sha256;//')" \
    >"$DK/keys"
DKIM_PORT=$(free_port)
cat >"$DK/opendkim.conf" <<EOF
Mode v
Socket inet:$DKIM_PORT@127.0.0.1
AuthservID $VERIFIER
AlwaysAddARHeader yes
RemoveARAll yes
TestPublicKeys $DK/keys
Background no
Syslog no
PidFile $DK/opendkim.pid
EOF
opendkim -x "$DK/opendkim.conf" >"$DK/opendkim.log" 2>&1 &
DKIM_PID=$!
PIDS+=("$DKIM_PID")
wait_port "$DKIM_PORT" 20 || { echo "opendkim did not listen"; cat "$DK/opendkim.log"; exit 1; }

touch "$T/seen.list"
start_sink || exit 1
export RELAY_DOMAINS="creditor.test, agency.test"
write_relance_conf \
    "SchedulerInterval 0" \
    "Holidays none" \
    "CreditorName ACME Industries SAS" \
    "CreditorEmail compta@creditor.test" \
    "AgencyName Recouvrement Durand" \
    "AgencyAddress 3 place Bellecour, 69002 Lyon" \
    "CreditorAddress 12 rue de la Paix, 75002 Paris" \
    "CreditorPaymentInfo virement, IBAN FR76 3000 6000 0112 3456 7890 189" \
    "AgencySender relances@agency.test" \
    "ReplyAddress reponses@agency.test" \
    "TrustedAuthservIDs $VERIFIER, $VERIFIER2" \
    "Submit sendmail:/usr/sbin/sendmail -C $T/postfix/conf -t -i"
start_relanced || exit 1
# OpenDKIM first, then relanced: relanced sees OpenDKIM's header.
MILTER_SPEC="inet:127.0.0.1:$DKIM_PORT, inet:127.0.0.1:$MILTER_PORT" start_postfix || exit 1

# ---- helpers (as test_replies.sh) ----

send_invoice() { # NUMBER AMOUNT BUYER EMAIL
    ubl_invoice "$1" "$ISSUE" "$DUE" "$2" "$3" "$4" >"$T/$1.xml"
    mime_with_attachment "$T/$1.eml" billing@creditor.test "$4" "Facture $1" "$T/$1.xml" application/xml \
        "<invoice-$1@creditor.test>"
    smtp billing@creditor.test "$4" "$T/$1.eml" || fail "invoice $1 refused"
}
to() {
    local f found=
    for f in "${NEW[@]}"; do grep -q "^X-Rcpt-Args: <$1>" "$f" && found=$f; done
    echo "$found"
}
text() { sink_message "$1" | "$MAIL_TEXT"; }
header() { text "$1" | sed '/^$/q' | sed -n "s/^$2: *//Ip" | head -n 1; }
# all_headers FILE NAME: every value of that header, unfolded, one a line.
all_headers() { sink_message "$1" | sed '/^\r\?$/q' | sed ':a;N;$!ba;s/\r\?\n[ \t]\+/ /g' | sed -n "s/^$2: *//Ip"; }
says() { text "$1" | sed 's/^> *//' | tr '\n' ' ' | sed 's/  */ /g' | grep -qF -- "$2"; }
case_field() { ctl show "$1" --json | jq -r "$2"; }
replyto() { header "$1" Reply-To | sed 's/.*<\(.*\)>.*/\1/; s/^ *//'; }
from_outside() { XCLIENT_ADDR=203.0.113.$((RANDOM % 200 + 10)) smtp "$1" "$2" "$3"; }
# deliver FROM RCPT FILE COUNT: sends from outside, waits for COUNT messages.
deliver() {
    local before
    before=$(sink_count)
    from_outside "$1" "$2" "$3" || fail "message $3 refused"
    wait_sink $((before + $4)) 60
    settle
    take_new
}
# reply_of NUMBER MSGID: the newest reply recorded for a case with that Message-ID.
reply_action() { ctl replies --json | jq -r ".[] | select(.number == \"$1\" and .message_id == \"$2\") | .action"; }

# colleague FILE MESSAGE-ID: Jeanne writes afresh about C-001: no token, no thread.
colleague() {
    cat >"$1" <<EOF
From: Jeanne Martin <j.martin@client-c.test>
To: <reponses@agency.test>
Subject: Facture C-001
Date: $(date -R)
Message-ID: <$2>
MIME-Version: 1.0
Content-Type: text/plain; charset=UTF-8
Content-Transfer-Encoding: 8bit

Bonjour,

Nous contestons la facture C-001 : la marchandise n'a jamais été livrée.

Jeanne Martin, service comptable
EOF
}

C=achats@client-c.test
D=compta@client-d.test
J=j.martin@client-c.test
S=inconnu@stranger.test
CREDITOR=compta@creditor.test

echo "== invoices and a first reminder"
send_invoice C-001 300.00 "Collègues Associés" $C
send_invoice D-001 1200.00 "Dupont SARL" $D
check "invoices delivered" wait_sink 2 60
take_new
ctl run-due --now "${W0}T10:00" --json >"$T/run.json" 2>>"$T/ctl.err"
check_eq "two reminders" 2 "$(jq .sent "$T/run.json")"
wait_sink 4 60
take_new
RD=$(to $D)
check "D got a reminder with a tagged Reply-To" grep -q '^reponses+' <<<"$(replyto "$RD")"

echo "== unsigned: a colleague names C-001"
colleague "$T/c1.eml" colleague-1@client-c.test
deliver $J reponses@agency.test "$T/c1.eml" 2
R=$(to reponses@agency.test)
check "the reply is delivered" [ -n "$R" ]
# Headers in order, unfolded: OpenDKIM's above the Received Postfix added.
order=$(sink_message "$R" | sed '/^\r\?$/q' | sed ':a;N;$!ba;s/\r\?\n[ \t]\+/ /g' |
    grep -n "^Authentication-Results: $VERIFIER\|^Received: .* by mta.relance.test (Postfix)" | cut -d: -f2 | tr '\n' ' ')
check_eq "OpenDKIM's header sits above Postfix's Received" "Authentication-Results Received " "$order"
check_eq "X-Relance-Reply says unverified" "dispute (unverified); C-001" "$(header "$R" X-Relance-Reply)"
check_eq "the case is unchanged" open "$(case_field C-001 .status)"
check_eq "recorded as unverified" "unverified: nothing changed" "$(reply_action C-001 colleague-1@client-c.test)"
N=$(to $CREDITOR)
check "the creditor is told" [ -n "$N" ]
check "the notice says it is unverified" says "$N" "Réponse non vérifiée : rien n'a été changé."
check "its subject too" grep -q "non vérifié" <<<"$(header "$N" Subject)"
check "the notice does not claim the case is disputed" not says "$N" "aucune relance ne sera plus envoyée"
check "no acknowledgment to the colleague" [ -z "$(to $J)" ]
check "the log says why" grep -q "its domain is not authenticated" "$RELANCE_LOG"

echo "== forged: the sender writes the trusted verifier's header"
# OpenDKIM's own id, first of all (its RemoveARAll removes it before
# relanced reads), and the other verifier's among the sender's headers
# (relanced removes it).
colleague "$T/c2.eml" colleague-2@client-c.test
sed -i "1i Authentication-Results: $VERIFIER; dkim=pass header.d=client-c.test header.i=@client-c.test" "$T/c2.eml"
sed -i "/^From:/a Authentication-Results: $VERIFIER2; dmarc=pass\n header.from=client-c.test" "$T/c2.eml"
check "the forged headers are in the message sent" [ "$(grep -c "^Authentication-Results: " "$T/c2.eml")" = 2 ]
deliver $J reponses@agency.test "$T/c2.eml" 2
R=$(to reponses@agency.test)
check "the reply is delivered" [ -n "$R" ]
check_eq "the case is unchanged" open "$(case_field C-001 .status)"
check_eq "recorded as unverified" "unverified: nothing changed" "$(reply_action C-001 colleague-2@client-c.test)"
check_eq "relanced removed it" 1 "$(grep -c "removed 1 forged Authentication-Results header" "$RELANCE_LOG")"
check "the forgery is logged" grep -q "forged Authentication-Results header claiming \"$VERIFIER2\"" "$RELANCE_LOG"
ARS=$(all_headers "$R" Authentication-Results)
check "the forged headers are removed" not grep -q "pass" <<<"$ARS"
check_eq "OpenDKIM's own header stays" 1 "$(grep -c "^$VERIFIER" <<<"$ARS")"
check "the rest of the message is intact" says "$R" "la marchandise n'a jamais été livrée"

echo "== forged, on mail that is no reply at all"
cat >"$T/n.eml" <<EOF
From: <news@elsewhere.test>
To: <$CREDITOR>
Authentication-Results: $VERIFIER2; dmarc=pass header.from=elsewhere.test
Subject: Offre
Date: $(date -R)
Message-ID: <news-1@elsewhere.test>

Bonjour.
EOF
deliver news@elsewhere.test $CREDITOR "$T/n.eml" 1
check_eq "relanced removed it" 2 "$(grep -c "removed 1 forged Authentication-Results header" "$RELANCE_LOG")"
check "removed there too" not grep -q "pass" <<<"$(all_headers "$(to $CREDITOR)" Authentication-Results)"

echo "== DKIM-signed by the debtor's domain"
colleague "$T/c3.eml" colleague-3@client-c.test
opendkim-testmsg -d client-c.test -s sel -k "$DK/sel.private" <"$T/c3.eml" >"$T/c3.signed.eml" || fail "signing"
check "the message is signed" grep -q "^DKIM-Signature: .*d=client-c.test" "$T/c3.signed.eml"
deliver $J reponses@agency.test "$T/c3.signed.eml" 3 # the reply, the creditor's notice, the acknowledgment
R=$(to reponses@agency.test)
check "OpenDKIM passed it" grep -q "dkim=pass" <<<"$(all_headers "$R" Authentication-Results)"
check_eq "X-Relance-Reply" "dispute; C-001" "$(header "$R" X-Relance-Reply)"
check_eq "the case is disputed" disputed "$(case_field C-001 .status)"
check_eq "recorded as disputed" disputed "$(reply_action C-001 colleague-3@client-c.test)"
check "the log names the method" grep -q "its domain is authenticated by dkim" "$RELANCE_LOG"
check "the creditor's notice says disputed" says "$(to $CREDITOR)" "aucune relance ne sera plus envoyée"
check "the authenticated colleague is acknowledged" [ -n "$(to $J)" ]

echo "== a stranger answers D's tagged Reply-To"
TAG=$(replyto "$RD")
cat >"$T/s.eml" <<EOF
From: <$S>
To: <$TAG>
Subject: RE: facture D-001
Date: $(date -R)
Message-ID: <stranger-1@stranger.test>
Content-Type: text/plain; charset=UTF-8

Nous contestons cette facture.
EOF
deliver $S "$TAG" "$T/s.eml" 2 # the reply and the creditor's notice
check_eq "the token acts: D-001 disputed" disputed "$(case_field D-001 .status)"
check "no acknowledgment to the stranger" [ -z "$(to $S)" ]
check "the log says why" grep -q "no acknowledgment to <$S>: the writer is not at the debtor's domain" "$RELANCE_LOG"

echo "== the debtor disputes twice in a day"
for i in 1 2; do
    sed "s/^From: .*/From: <$D>/; s/stranger-1@stranger.test/debtor-$i@client-d.test/" "$T/s.eml" >"$T/d$i.eml"
done
deliver $D "$TAG" "$T/d1.eml" 3
check "the first is acknowledged" [ -n "$(to $D)" ]
deliver $D "$TAG" "$T/d2.eml" 2
check "the second is not" [ -z "$(to $D)" ]
check "the log says why" grep -q "no acknowledgment to <$D>: an acknowledgment about this case went out" "$RELANCE_LOG"
check_eq "two acknowledgments queued in all" 2 \
    "$(sqlite3 "$RELANCE_DB" "SELECT count(*) FROM outbox WHERE kind = 'dispute-ack'")"

stop_relanced
kill "$DKIM_PID" 2>/dev/null
wait "$DKIM_PID" 2>/dev/null
check "opendkim stopped" not kill -0 "$DKIM_PID" 2>/dev/null
finish
