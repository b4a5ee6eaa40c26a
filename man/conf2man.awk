# SPDX-License-Identifier: GPL-3.0-or-later
# conf2man.awk - turns conf/relanced.conf into the body of relanced.conf(5):
# the opening comment becomes DESCRIPTION, each "## --- Title ---" line a
# subsection of KEYS, each "#Key default" line a tagged paragraph whose
# text is the comment above it. The sample file is the one description of
# every key (test_config holds it to the key table), so the page cannot
# lag it.
#
#   "# text"      prose; "#" alone ends a paragraph
#   "#   text"    an example, printed as it stands
#   "#Key value"  a key and its default (the tag of a paragraph)
#   ""            ends a block of comments and keys

function roff(s) {
    gsub(/\\/, "\\e", s)
    # `command` in the comments: bold.
    while (match(s, /`[^`]+`/))
        s = substr(s, 1, RSTART - 1) "\\fB" substr(s, RSTART + 1, RLENGTH - 2) "\\fR" substr(s, RSTART + RLENGTH)
    if (s ~ /^[.']/)
        s = "\\&" s
    return s
}

# Prose and examples of the current block, as roff lines, not yet printed.
function add(line) { text = text line "\n" }

function flush_text(as_paragraph) {
    if (text == "")
        return
    if (as_paragraph) {
        printf ".PP\n"
        gsub(/\001/, ".PP", text)
    }
    printf "%s", text
    text = ""
}

function end_literal() {
    if (literal) {
        add(".fi")
        add(".RE")
        literal = 0
    }
}

# The keys of a run print their tags first, then the text that preceded
# them; text after a run belongs to the next key, or stands alone.
function end_block() {
    end_literal()
    flush_text(!keys_seen)
    keys_seen = 0
    last_was_key = 0
}

BEGIN { in_header = 1 }

# The file's title line: the page has its own NAME.
NR == 1 || (NR == 2 && $0 == "#") { next }

/^## --- / {
    end_block()
    title = $0
    sub(/^## --- /, "", title)
    sub(/ *-+ *$/, "", title)
    if (in_header) {
        in_header = 0
        printf ".SH KEYS\n"
    }
    printf ".SS %s\n", roff(title)
    next
}

/^#[A-Z]/ {
    end_literal()
    key = substr($0, 2)
    name = key
    sub(/ .*/, "", name)
    value = (index(key, " ") ? substr(key, index(key, " ") + 1) : "")
    held = text
    gsub(/\001/, ".IP", held)
    text = ""
    printf "%s\n", last_was_key ? ".TQ" : ".TP"
    if (value == "")
        printf "\\fB%s\\fR\n", name
    else
        printf "\\fB%s\\fR \\fI%s\\fR\n", name, roff(value)
    pending = pending held
    last_was_key = 1
    keys_seen = 1
    next
}

{
    # Any other line ends a run of keys: its text follows the tags.
    if (last_was_key) {
        printf "%s", pending
        pending = ""
        last_was_key = 0
    }
}

/^$/ {
    if (in_header)
        next
    end_block()
    next
}

/^#   / {
    if (!literal) {
        add(".RS")
        add(".nf")
        literal = 1
    }
    line = $0
    sub(/^#   /, "", line)
    add(roff(line))
    next
}

/^#$/ {
    end_literal()
    # .IP inside a key's paragraph, .PP outside: known when printed.
    add("\001")
    next
}

/^# / {
    end_literal()
    line = $0
    sub(/^# /, "", line)
    add(roff(line))
    next
}

END {
    if (last_was_key)
        printf "%s", pending
    end_block()
}
