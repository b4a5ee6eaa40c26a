-- SPDX-License-Identifier: GPL-3.0-or-later
-- outgoing.lua - the outgoing path through the milter callbacks alone:
-- invoices sent from an internal host, by a local submission and by an
-- authenticated invoice sender are read at the end of the message and get
-- one X-Relance header saying what was tracked; a plain mail gets none;
-- a stranger using the invoice sender's address, and an authenticated
-- sender not in InvoiceSenders, are accepted unread at the end of their
-- headers. run.sh checks the store afterwards.
--
-- Globals: SOCKET, WORK, LIB, DUE (the UBL invoices' due date).
local lib = dofile(LIB)

lib.main(function()
    local function tracked(what, m, wanted)
        local conn, eoh, eom = lib.send(m)
        lib.check_reply(what .. ": read past its headers", eoh, SMFIR_CONTINUE)
        lib.check_reply(what .. ": accepted at the end", eom, SMFIR_ACCEPT)
        lib.check_eq(what .. ": one X-Relance header", wanted, lib.added(conn, "X-Relance"))
        lib.check(what .. ": nothing else changed", lib.untouched(conn, { ["X-Relance"] = true }))
        mt.disconnect(conn)
    end

    local function unread(what, m)
        local conn, eoh, eom = lib.send(m)
        lib.check_reply(what .. ": accepted unread at the end of headers", eoh, SMFIR_ACCEPT)
        lib.check(what .. ": no end of message asked for", eom == nil)
        lib.check(what .. ": no header added", not mt.eom_check(conn, MT_HDRADD))
        mt.disconnect(conn)
    end

    mt.echo("== negotiation")
    do
        local conn = mt.connect(SOCKET, 40, 0.25)
        if conn == nil then
            error("cannot connect to the filter at " .. SOCKET)
        end
        if mt.negotiate(conn, nil, nil, nil) ~= nil then
            error("negotiation failed")
        end
        lib.check("the filter asks to add headers", mt.test_action(conn, SMFIF_ADDHDRS))
        lib.check("and to change them (forged X-Relance and Authentication-Results fields are deleted)",
            mt.test_action(conn, SMFIF_CHGHDRS))
        lib.check("and for no other change to messages",
            not (mt.test_action(conn, SMFIF_CHGBODY) or
                 mt.test_action(conn, SMFIF_ADDRCPT) or mt.test_action(conn, SMFIF_DELRCPT) or
                 mt.test_action(conn, SMFIF_QUARANTINE) or mt.test_action(conn, SMFIF_CHGFROM)))
        lib.check("it wants no reply awaited after connect, MAIL, RCPT, headers and body chunks",
            mt.test_option(conn, SMFIP_NR_CONN) and mt.test_option(conn, SMFIP_NR_MAIL) and
            mt.test_option(conn, SMFIP_NR_RCPT) and mt.test_option(conn, SMFIP_NR_HDR) and
            mt.test_option(conn, SMFIP_NR_BODY))
        lib.check("but answers the end of headers (where it accepts what cannot matter)",
            not mt.test_option(conn, SMFIP_NR_EOH) and not mt.test_option(conn, SMFIP_NOEOH))
        mt.disconnect(conn)
    end

    mt.echo("== outgoing: invoices from inside")
    tracked("UBL invoice from 127.0.0.1", {
        file = "ubl.eml", ip = "127.0.0.1", host = "workstation.creditor.test", qid = "OUT1",
        from = "billing@creditor.test", rcpt = { "compta@client-a.test" },
    }, "tracked invoice O-UBL-1 1200.00 EUR due " .. DUE)

    tracked("UBL invoice by local submission (no client address)", {
        file = "local.eml", ip = "unspec", host = "localhost", qid = "OUT2",
        from = "billing@factures.creditor.test", rcpt = { "achats@client-l.test" },
    }, "tracked invoice O-LOCAL-1 300.00 EUR due " .. DUE)

    tracked("Factur-X PDF from outside, authenticated invoice sender", {
        file = "facturx.eml", ip = "203.0.113.7", host = "laptop.example.net", qid = "OUT3",
        auth = "billing", from = "billing@creditor.test", rcpt = { "me@buyer.com" },
    }, "tracked invoice F20180027 100.00 EUR due 2019-01-30")

    tracked("the same UBL invoice again", {
        file = "ubl.eml", ip = "127.0.0.1", qid = "OUT4",
        from = "billing@creditor.test", rcpt = { "compta@client-a.test" },
    }, "already tracked invoice O-UBL-1 1200.00 EUR due " .. DUE)

    mt.echo("== outgoing: a plain mail")
    do
        local conn, eoh, eom = lib.send({
            file = "plain.eml", ip = "127.0.0.1", qid = "OUT5",
            from = "jeanne@creditor.test", rcpt = { "ami@client-a.test" },
        })
        lib.check_reply("plain mail from inside: read past its headers", eoh, SMFIR_CONTINUE)
        lib.check_reply("plain mail: accepted", eom, SMFIR_ACCEPT)
        lib.check("plain mail: no header added", not mt.eom_check(conn, MT_HDRADD))
        lib.check("plain mail: nothing changed", lib.untouched(conn))
        mt.disconnect(conn)
    end

    mt.echo("== outgoing: who may not plant a case")
    unread("invoice from outside, unauthenticated, in the invoice sender's name", {
        file = "stranger.eml", ip = "198.51.100.20", host = "mx.example.org", qid = "OUT6",
        from = "billing@creditor.test", rcpt = { "compta@creditor.test" },
    })
    unread("invoice from outside, authenticated, sender not in InvoiceSenders", {
        file = "other-sender.eml", ip = "203.0.113.8", qid = "OUT7", auth = "ventes",
        from = "ventes@creditor.test", rcpt = { "compta@client-o.test" },
    })
    -- The From header is the client's to write; the envelope sender is
    -- bound to the login by the MTA.
    unread("invoice from outside, authenticated, only From: in InvoiceSenders", {
        file = "auth-from.eml", ip = "203.0.113.9", qid = "OUT8", auth = "ventes",
        from = "ventes@creditor.test", rcpt = { "compta@client-f.test" },
    })
    tracked("the same mail, authenticated, envelope sender in InvoiceSenders", {
        file = "auth-from.eml", ip = "203.0.113.9", qid = "OUT9", auth = "billing",
        from = "billing@creditor.test", rcpt = { "compta@client-f.test" },
    }, "tracked invoice O-AUTH-FROM-1 640.00 EUR due " .. DUE)

    mt.echo("== relance's header fields arriving from outside")
    do
        local conn, eoh, eom = lib.send({
            file = "forged.eml", ip = "198.51.100.30", host = "mx.example.org", qid = "OUT10",
            from = "faussaire@example.org", rcpt = { "compta@creditor.test" },
        })
        lib.check_reply("forged fields: read to the end of message", eoh, SMFIR_CONTINUE)
        lib.check_reply("forged fields: accepted", eom, SMFIR_ACCEPT)
        for _, name in ipairs({ "X-Relance", "X-Relance-Reply", "X-Relance-Reminder" }) do
            lib.check(name .. " from outside deleted", mt.eom_check(conn, MT_HDRDELETE, name))
        end
        lib.check("nothing added", not mt.eom_check(conn, MT_HDRADD))
        lib.check("the body untouched", not mt.eom_check(conn, MT_BODYCHANGE))
        mt.disconnect(conn)
    end
    do
        local conn, eoh, eom = lib.send({
            file = "forged.eml", ip = "127.0.0.1", qid = "OUT11",
            from = "jeanne@creditor.test", rcpt = { "ami@client-a.test" },
        })
        lib.check_reply("the same fields from inside: accepted", eom, SMFIR_ACCEPT)
        lib.check("the same fields from inside: kept", lib.untouched(conn))
        mt.disconnect(conn)
    end
end)
