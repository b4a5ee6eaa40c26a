-- SPDX-License-Identifier: GPL-3.0-or-later
-- dberror.lua - the store cannot be written (run.sh holds the database's
-- write lock longer than DatabaseTimeout): an invoice from inside and a
-- dispute in a tracked invoice's thread are still read, nothing can be
-- recorded, and the MTA gets what On-DBError says: accept (the default:
-- the mail passes unchanged, without a header claiming what was not
-- recorded) or tempfail (the MTA keeps the mail and retries).
--
-- Globals: SOCKET, WORK, LIB, EXPECT ("accept" or "tempfail"), INVOICE
-- and REPLY (the two message files).
local lib = dofile(LIB)

lib.main(function()
    local wanted = ({ accept = SMFIR_ACCEPT, tempfail = SMFIR_TEMPFAIL })[EXPECT]
    if wanted == nil then
        error("EXPECT must be accept or tempfail")
    end

    local function blocked(what, m)
        local conn, eoh, eom = lib.send(m)
        lib.check_reply(what .. ": read past its headers", eoh, SMFIR_CONTINUE)
        lib.check_reply(what .. ": On-DBError " .. EXPECT, eom, wanted)
        lib.check(what .. ": no header added", not mt.eom_check(conn, MT_HDRADD))
        lib.check(what .. ": nothing changed", lib.untouched(conn))
        mt.disconnect(conn)
    end

    mt.echo("== database locked, On-DBError " .. EXPECT)
    blocked("invoice from inside", {
        file = INVOICE, ip = "127.0.0.1", qid = "DB1-" .. EXPECT,
        from = "billing@creditor.test", rcpt = { "compta@client-b.test" },
    })
    blocked("dispute in R-4's thread", {
        file = REPLY, ip = "203.0.113.50", host = "mx.client-x.test", qid = "DB2-" .. EXPECT,
        from = "contact@client-x.test", rcpt = { "billing@creditor.test" },
    })
end)
