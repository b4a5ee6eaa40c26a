-- SPDX-License-Identifier: GPL-3.0-or-later
-- track.lua - sends invoice mails from an internal host and checks each
-- is tracked (continue at the end of headers, accept at the end, one
-- X-Relance header naming the invoice): the cases the reply tests answer,
-- and the proof that the filter records again once its database is back.
--
-- Globals: SOCKET, WORK, LIB, DUE, TRACK_LIST (a file of lines
-- "FILE NUMBER AMOUNT RECIPIENT", FILE relative to WORK).
local lib = dofile(LIB)

lib.main(function()
    for i, line in ipairs(lib.lines(TRACK_LIST)) do
        local file, number, amount, rcpt = line:match("^(%S+)%s+(%S+)%s+(%S+)%s+(%S+)$")
        if file == nil then
            error("bad line in " .. TRACK_LIST .. ": " .. line)
        end
        local conn, eoh, eom = lib.send({
            file = file, ip = "127.0.0.1", host = "workstation.creditor.test", qid = string.format("TRK%d", i),
            from = "billing@creditor.test", rcpt = { rcpt },
        })
        local wanted = string.format("tracked invoice %s %s EUR due %s", number, amount, DUE)
        lib.check(string.format("%s: %s then %s", number, lib.reply_name(eoh), lib.reply_name(eom)),
            eoh == SMFIR_CONTINUE and eom == SMFIR_ACCEPT)
        lib.check_eq(number .. ": X-Relance", wanted, lib.added(conn, "X-Relance"))
        mt.disconnect(conn)
    end
end)
