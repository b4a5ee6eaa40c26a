-- SPDX-License-Identifier: GPL-3.0-or-later
-- failopen.lua - messages the filter cannot make sense of must pass as
-- they came: broken MIME, a long header field, a header block over
-- MaxMessageSize, a truncated base64 invoice, a corrupt PDF, a message over
-- MaxMessageSize, a broken reply in a tracked invoice's thread, and every
-- message of the shared corpus's mime/ set, from inside and as a reply
-- from outside. Each gets continue or accept, never reject, tempfail or
-- discard, and no change but at most relance's one header.
--
-- Globals: SOCKET, WORK, LIB, MIME_LIST (a file listing corpus messages,
-- relative to WORK; those under replies/ are sent from outside).
local lib = dofile(LIB)

lib.main(function()
    local inside = { ip = "127.0.0.1", host = "workstation.creditor.test",
                     from = "billing@creditor.test", rcpt = { "compta@client-m.test" } }
    local outside = { ip = "203.0.113.40", host = "mx.client-x.test",
                      from = "contact@client-x.test", rcpt = { "billing@creditor.test" } }

    local function with(base, extra)
        local m = {}
        for k, v in pairs(base) do m[k] = v end
        for k, v in pairs(extra) do m[k] = v end
        return m
    end

    -- passes(WHAT, M, HEADER): read past the headers, accepted at the end,
    -- and no header added at all when HEADER is nil.
    local function passes(what, m, header)
        local conn, eoh, eom = lib.send(m)
        lib.check_reply(what .. ": read past its headers", eoh, SMFIR_CONTINUE)
        lib.check_reply(what .. ": accepted", eom, SMFIR_ACCEPT)
        if header then
            lib.check(what .. ": nothing changed but " .. header, lib.untouched(conn, { [header] = true }))
        else
            lib.check(what .. ": no header added", not mt.eom_check(conn, MT_HDRADD))
            lib.check(what .. ": nothing changed", lib.untouched(conn))
        end
        mt.disconnect(conn)
    end

    mt.echo("== fail-open: malformed messages from inside")
    passes("broken MIME (boundary never closed, junk parts)", with(inside, { file = "broken-mime.eml", qid = "FO1" }))
    passes("a 1 KiB header field", with(inside, { file = "long-header.eml", qid = "FO2" }))
    passes("1.3 MB of header fields (over MaxMessageSize)", with(inside, { file = "huge-header.eml", qid = "FO3" }))
    passes("UBL attachment with truncated base64", with(inside, { file = "truncated-base64.eml", qid = "FO4" }))
    passes("corrupt PDF attachment", with(inside, { file = "corrupt-pdf.eml", qid = "FO5" }))
    passes("invoice in a message over MaxMessageSize", with(inside, { file = "oversized.eml", qid = "FO6" }))

    mt.echo("== fail-open: a broken reply in a tracked invoice's thread")
    passes("reply with broken MIME", with(outside, { file = "broken-reply.eml", qid = "FO7" }), "X-Relance-Reply")

    mt.echo("== fail-open: the corpus's mime/ messages")
    for i, path in ipairs(lib.lines(MIME_LIST)) do
        local reply = path:match("^replies/") ~= nil
        local m = with(reply and outside or inside, { file = path, qid = string.format("FOM%d", i), cut_long = true })
        local conn, eoh, eom = lib.send(m)
        local ok
        if eoh == SMFIR_ACCEPT then
            ok = eom == nil and not mt.eom_check(conn, MT_HDRADD)
        else
            ok = eoh == SMFIR_CONTINUE and eom == SMFIR_ACCEPT and
                lib.untouched(conn, { [reply and "X-Relance-Reply" or "X-Relance"] = true })
        end
        lib.check(string.format("%s %s: %s then %s, unchanged", path, reply and "from outside" or "from inside",
            lib.reply_name(eoh), lib.reply_name(eom)), ok)
        mt.disconnect(conn)
    end
end)
