-- SPDX-License-Identifier: GPL-3.0-or-later
-- lib.lua - what the miltertest scripts share: reading a message file,
-- playing it to relanced as an MTA would (connection, macros, envelope,
-- header fields, end of headers, body, end of message), and reporting
-- checks in the integration tests' format ("  ok   ..." / "  FAIL ..."),
-- which run.sh counts. Each message goes on its own connection, so that
-- one message's failure cannot leave state for the next.
--
-- Globals given by run.sh (miltertest -D): SOCKET, the filter's socket;
-- WORK, the directory holding the generated messages.

local lib = {}

-- PDFs under the sanitizers and a locked database (DatabaseTimeout) take
-- seconds; miltertest's default read timeout is ten.
mt.set_timeout(60)

local reply_names = {}
for name, code in pairs({
    continue = SMFIR_CONTINUE, accept = SMFIR_ACCEPT, tempfail = SMFIR_TEMPFAIL,
    reject = SMFIR_REJECT, discard = SMFIR_DISCARD, replycode = SMFIR_REPLYCODE,
}) do
    reply_names[code] = name
end

-- The name of a milter reply code, for messages.
function lib.reply_name(code)
    if code == nil then
        return "none"
    end
    return reply_names[code] or string.format("'%s'", string.char(math.floor(code)))
end

-- main(F): runs the script's body F; an error (a Lua error, a protocol
-- step refused) is printed as a failure, since miltertest itself ends
-- with status 1 and says nothing.
function lib.main(f)
    local ok, err = xpcall(f, debug.traceback)
    if not ok then
        print("  FAIL script error: " .. tostring(err))
        os.exit(1)
    end
end

function lib.check(what, cond)
    if cond then
        print("  ok   " .. what)
    else
        print("  FAIL " .. what)
    end
    return cond
end

-- check_reply(WHAT, GOT, WANTED): a reply code compared, both named.
function lib.check_reply(what, got, wanted)
    if got == wanted then
        return lib.check(what .. ": " .. lib.reply_name(wanted), true)
    end
    return lib.check(what .. ": expected " .. lib.reply_name(wanted) .. ", got " .. lib.reply_name(got), false)
end

function lib.check_eq(what, wanted, got)
    if got == wanted then
        return lib.check(what, true)
    end
    return lib.check(what .. ": expected '" .. tostring(wanted) .. "', got '" .. tostring(got) .. "'", false)
end

function lib.read(path)
    local f = io.open(path, "rb")
    if f == nil then
        error("cannot read " .. path)
    end
    local s = f:read("a")
    f:close()
    return s
end

-- Lines of a file (empty lines and "#" comments left out).
function lib.lines(path)
    local out = {}
    for line in io.lines(path) do
        if line ~= "" and line:sub(1, 1) ~= "#" then
            out[#out + 1] = line
        end
    end
    return out
end

-- parse(TEXT): the header fields ({name, value}, the value as after the
-- colon, folded lines kept with CRLF between them, as on the wire) and the
-- body with CRLF line ends. A header line without a colon is dropped, as
-- an MTA would refuse it; the test messages do not rely on that.
function lib.parse(text)
    text = text:gsub("\r\n", "\n")
    local head, body = text:match("^(.-)\n\n(.*)$")
    if head == nil then
        head, body = text, ""
    end
    local fields = {}
    for line in (head .. "\n"):gmatch("(.-)\n") do
        if line:match("^[ \t]") and #fields > 0 then
            fields[#fields].value = fields[#fields].value .. "\r\n" .. line
        else
            local name, value = line:match("^([^: \t]+):(.*)$")
            if name then
                fields[#fields + 1] = { name = name, value = value }
            end
        end
    end
    return fields, (body:gsub("\n", "\r\n"))
end

-- Whether each connection negotiated SMFIP_HDR_LEADSPC.
local leading_space = {}

local function must(what, err)
    if err ~= nil then
        error(what .. ": " .. tostring(err))
    end
end

-- send(M) plays one message on a connection of its own. M: file (under
-- WORK), ip ("127.0.0.1", "unspec" for a local submission, an outside
-- address), host, from, rcpt (a list), auth ({auth_authen}), qid (the
-- queue id macro), cut_long (cut header fields miltertest cannot send
-- whole). Returns the connection (open, for eom_check and
-- getheader; the caller disconnects), the reply to the end of headers and
-- the reply to the end of message (nil when the filter decided before).
function lib.send(m)
    local conn = mt.connect(SOCKET, 40, 0.25)
    if conn == nil then
        error("cannot connect to the filter at " .. SOCKET)
    end
    must("negotiate", mt.negotiate(conn, nil, nil, nil))
    -- With SMFIP_HDR_LEADSPC the MTA sends the value's leading space, and
    -- takes the filter's values verbatim.
    local leadspc = mt.test_option(conn, SMFIP_HDR_LEADSPC)
    leading_space[conn] = leadspc
    must("conninfo", mt.conninfo(conn, m.host or "client.test", m.ip or "127.0.0.1"))
    if m.auth then
        must("macro", mt.macro(conn, SMFIC_MAIL, "i", m.qid or "MT0", "{auth_authen}", m.auth))
    else
        must("macro", mt.macro(conn, SMFIC_MAIL, "i", m.qid or "MT0"))
    end
    must("mailfrom", mt.mailfrom(conn, "<" .. (m.from or "") .. ">"))
    for _, r in ipairs(m.rcpt or { "someone@client.test" }) do
        must("rcptto", mt.rcptto(conn, "<" .. r .. ">"))
    end
    local fields, body = lib.parse(lib.read(WORK .. "/" .. m.file))
    for _, f in ipairs(fields) do
        local value = f.value
        if not leadspc then
            value = value:gsub("^[ \t]", "")
        end
        -- miltertest builds each header command in a 1 KiB buffer and
        -- does not check its length: a longer field would corrupt it.
        -- With M.cut_long (messages from elsewhere) such a field is cut.
        if #f.name + #value + 3 > 1024 then
            if not m.cut_long then
                error(m.file .. ": header field " .. f.name .. " too long for miltertest")
            end
            value = value:sub(1, 1024 - #f.name - 3)
        end
        must("header " .. f.name, mt.header(conn, f.name, value))
    end
    must("eoh", mt.eoh(conn))
    local at_eoh = mt.getreply(conn)
    if at_eoh ~= SMFIR_CONTINUE then
        return conn, at_eoh, nil
    end
    -- Chunks under libmilter's largest packet (64 KiB).
    for i = 1, #body, 60000 do
        must("body", mt.bodystring(conn, body:sub(i, i + 59999)))
        local r = mt.getreply(conn)
        if r ~= SMFIR_CONTINUE then
            return conn, at_eoh, r
        end
    end
    must("eom", mt.eom(conn))
    return conn, at_eoh, mt.getreply(conn)
end

-- added(CONN, NAME): the value of the one NAME header the filter added at
-- the end of message, or nil; false when it added NAME more than once.
-- Under SMFIP_HDR_LEADSPC the filter must supply the space after the
-- colon: it is taken off, and its absence shows in the value returned.
function lib.added(conn, name)
    if not mt.eom_check(conn, MT_HDRADD, name) then
        return nil
    end
    if mt.getheader(conn, name, 1) ~= nil then
        return false
    end
    local v = mt.getheader(conn, name, 0)
    if v == nil or not leading_space[conn] then
        return v
    end
    if v:sub(1, 1) ~= " " then
        return "(no leading space) " .. v
    end
    return v:sub(2)
end

-- untouched(CONN, ALLOWED): the filter changed nothing of the message
-- but, at most, added once each header named in ALLOWED (a set).
-- (miltertest cannot list the added headers: another name added beside
-- an allowed one would go unseen.)
function lib.untouched(conn, allowed)
    allowed = allowed or {}
    -- (An SMTP reply of the filter's own shows in the reply code itself.)
    if mt.eom_check(conn, MT_HDRCHANGE) or mt.eom_check(conn, MT_HDRDELETE) or
        mt.eom_check(conn, MT_BODYCHANGE) or mt.eom_check(conn, MT_QUARANTINE) or
        mt.eom_check(conn, MT_HDRINSERT) then
        return false
    end
    if mt.eom_check(conn, MT_HDRADD) then
        local any_allowed = false
        for name in pairs(allowed) do
            if mt.eom_check(conn, MT_HDRADD, name) then
                any_allowed = true
            end
        end
        -- Something was added: an allowed header, once.
        if not any_allowed then
            return false
        end
        for name in pairs(allowed) do
            if lib.added(conn, name) == false then
                return false
            end
        end
    end
    return true
end

return lib
