-- SPDX-License-Identifier: GPL-3.0-or-later
-- replies.lua - the reply path through the milter callbacks alone: mail
-- from outside that answers a tracked invoice is screened at the end of
-- its headers, read whole, and gets one X-Relance-Reply header naming the
-- verdict and the invoices, by each clue of README "Which cases a message
-- answers": the thread (In-Reply-To the invoice's own Message-ID), a
-- signed token (the reminder's tagged Reply-To) and an invoice number
-- named by a colleague at the debtor's domain. A forged token and mail
-- that answers nothing are accepted unread at the end of their headers.
-- run.sh checks the cases and the recorded replies afterwards.
--
-- Globals: SOCKET, WORK, LIB, TOKEN_ADDR (R-2's reminder's Reply-To),
-- FORGED_ADDR (the same form for R-4, with a bad signature).
local lib = dofile(LIB)

lib.main(function()
    local function answered(what, m, wanted)
        local conn, eoh, eom = lib.send(m)
        lib.check_reply(what .. ": read past its headers", eoh, SMFIR_CONTINUE)
        lib.check_reply(what .. ": accepted at the end", eom, SMFIR_ACCEPT)
        lib.check_eq(what .. ": X-Relance-Reply", wanted, lib.added(conn, "X-Relance-Reply"))
        lib.check(what .. ": no X-Relance header (not an invoice)", not mt.eom_check(conn, MT_HDRADD, "X-Relance"))
        lib.check(what .. ": nothing else changed", lib.untouched(conn, { ["X-Relance-Reply"] = true }))
        mt.disconnect(conn)
    end

    local function unread(what, m)
        local conn, eoh, eom = lib.send(m)
        lib.check_reply(what .. ": accepted unread at the end of headers", eoh, SMFIR_ACCEPT)
        lib.check(what .. ": no end of message asked for", eom == nil)
        lib.check(what .. ": no header added", not mt.eom_check(conn, MT_HDRADD))
        mt.disconnect(conn)
    end

    mt.echo("== replies: a dispute in the invoice's thread")
    answered("dispute In-Reply-To the invoice", {
        file = "r1-dispute.eml", ip = "203.0.113.21", host = "mx.client-d.test", qid = "REP1",
        from = "compta@client-d.test", rcpt = { "billing@creditor.test" },
    }, "dispute; R-1")

    mt.echo("== replies: a promise to the reminder's tagged address")
    answered("promise to the signed token", {
        file = "r2-promise.eml", ip = "203.0.113.22", host = "mx.client-p.test", qid = "REP2",
        from = "tresorerie@client-p.test", rcpt = { TOKEN_ADDR },
    }, "promise; R-2")

    mt.echo("== replies: a colleague names an invoice")
    answered("payment claimed by a colleague, naming R-3", {
        file = "r3-paid.eml", ip = "203.0.113.23", host = "mx.client-c.test", qid = "REP3",
        from = "j.martin@client-c.test", rcpt = { "reponses@agency.test" },
    }, "paid; R-3")

    mt.echo("== replies: a forged Authentication-Results header")
    do
        local what = "the colleague again, with a verifier's header of their own"
        local conn, eoh, eom = lib.send({
            file = "r6-forged-ar.eml", ip = "203.0.113.26", host = "mx.client-c.test", qid = "REP6",
            from = "j.martin@client-c.test", rcpt = { "reponses@agency.test" },
        })
        lib.check_reply(what .. ": read past its headers", eoh, SMFIR_CONTINUE)
        lib.check_reply(what .. ": accepted at the end", eom, SMFIR_ACCEPT)
        lib.check_eq(what .. ": unverified", "paid (unverified); R-3", lib.added(conn, "X-Relance-Reply"))
        lib.check(what .. ": the forged header is removed",
            mt.eom_check(conn, MT_HDRDELETE, "Authentication-Results"))
        mt.disconnect(conn)
    end

    mt.echo("== replies: what must change nothing")
    unread("dispute to a forged token", {
        file = "r4-forged.eml", ip = "203.0.113.24", host = "mx.client-x.test", qid = "REP4",
        from = "contact@client-x.test", rcpt = { FORGED_ADDR },
    })
    unread("mail from outside answering nothing", {
        file = "unrelated.eml", ip = "198.51.100.30", host = "mx.elsewhere.test", qid = "REP5",
        from = "news@elsewhere.test", rcpt = { "billing@creditor.test" },
    })
end)
