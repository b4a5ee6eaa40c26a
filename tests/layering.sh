#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# layering.sh - checks that every dependency between the sources runs one
# way: down the layers, never up, and never round in a cycle.
#
#   bash tests/layering.sh OBJDIR "LAYER ..." "TOP ..."
#
# LAYER ... are the directories of src/ lowest first; TOP ... the programs,
# which sit side by side above every layer and may not use each other. A
# file may use its own directory and any layer below it.
#
# The public headers of include/ lie below every layer: anything may use
# them, and they use nothing of src/.
#
# Two graphs are read, because each misses what the other sees:
#   - includes: `#include "dir/name.h"` between the files of src/ (a type
#     or a macro taken from a higher layer is a dependency too);
#   - symbols: what each object of OBJDIR (built from src/DIR/NAME.c into
#     OBJDIR/DIR/NAME.o) takes from another, read with nm. A cycle between
#     objects is reported even inside one directory: modules that call each
#     other are one module in two files.
# It prints each offending edge with the symbol or include behind it and
# exits 1 when there is one.
set -u
objdir=${1:?usage: layering.sh OBJDIR LAYERS TOPS}
read -r -a layers <<<"${2:?layers}"
read -r -a tops <<<"${3:?top directories}"
cd "$(dirname "$0")/.."

declare -A rank=()
i=0
for l in "${layers[@]}"; do rank[$l]=$i; i=$((i + 1)); done
for t in "${tops[@]}"; do rank[$t]=$i; done

failures=0
fail() { echo "layering: $*"; failures=$((failures + 1)); }

# allowed FROM_DIR TO_DIR: same directory, or a lower layer.
allowed() {
    [ "$1" = "$2" ] && return 0
    [ -n "${rank[$1]:-}" ] && [ -n "${rank[$2]:-}" ] && [ "${rank[$2]}" -lt "${rank[$1]}" ]
}

# ---- every source lies in a known directory ----
for f in src/*.c src/*.h src/*/*/*.[ch]; do
    [ -e "$f" ] && fail "$f: sources live one level down, in a layer's directory"
done
for d in src/*/; do
    d=${d%/}; d=${d#src/}
    [ -n "${rank[$d]:-}" ] || fail "src/$d: not a known layer (add it to LAYERS in the Makefile)"
done

# ---- the public headers use nothing of src/ ----
for f in include/*.h; do
    [ -e "$f" ] || continue
    grep -q '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[^"]*/' "$f" && fail "$f: a public header includes a header of src/"
done

# ---- includes ----
include_edges=$(mktemp)
symbol_edges=$(mktemp)
trap 'rm -f "$include_edges" "$symbol_edges"' EXIT
for f in src/*/*.[ch]; do
    from=${f#src/}
    sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f" | while read -r inc; do
        case $inc in
        */*.h) echo "$from $inc" ;;
        *.h) [ -e "include/$inc" ] || echo "$from BAD:$inc" ;; # public, below every layer
        *) echo "$from BAD:$inc" ;;
        esac
    done
done >"$include_edges"
while read -r from to; do
    case $to in
    BAD:*) fail "$from includes \"${to#BAD:}\": name its directory (\"layer/name.h\")"; continue ;;
    esac
    [ -e "src/$to" ] || { fail "$from includes \"$to\", which does not exist"; continue; }
    allowed "${from%%/*}" "${to%%/*}" || fail "$from includes $to: ${from%%/*} may not use ${to%%/*}"
done <"$include_edges"
# A header cycle is harmless to the compiler (guards) but still a knot.
if ! awk '$1 != $2 {print $1, $2}' "$include_edges" | tsort >/dev/null 2>&1; then
    fail "the includes form a cycle:"
    awk '$1 != $2 {print $1, $2}' "$include_edges" | tsort 2>&1 >/dev/null | sed 's/^/    /'
fi

# ---- symbols ----
objs=$(cd "$objdir" && ls */*.o 2>/dev/null)
[ -n "$objs" ] || { echo "layering: no objects under $objdir (build first)"; exit 1; }
(
    cd "$objdir"
    for o in $objs; do
        nm "$o" | awk -v m="${o%.o}" '
            NF == 3 && $2 ~ /^[TDBRVWC]$/ { print "D", m, $3 }
            NF == 2 && $1 == "U" { print "U", m, $2 }'
    done
) | awk '
    $1 == "D" { def[$3] = $2; next }
    { use[NR] = $2 " " $3 }
    END {
        for (i in use) {
            split(use[i], p, " ")
            if ((p[2] in def) && def[p[2]] != p[1]) print p[1], def[p[2]], p[2]
        }
    }' | sort -u >"$symbol_edges"
while read -r from to sym; do
    allowed "${from%%/*}" "${to%%/*}" || fail "$from.o uses $sym from $to.o: ${from%%/*} may not use ${to%%/*}"
done <"$symbol_edges"
if ! awk '{print $1, $2}' "$symbol_edges" | sort -u | tsort >/dev/null 2>&1; then
    fail "the objects call each other round a cycle:"
    awk '{print $1, $2}' "$symbol_edges" | sort -u | tsort 2>&1 >/dev/null | sed 's/^/    /'
    # The edges inside the cycle, with their symbols, say where to cut.
    loop=$(awk '{print $1, $2}' "$symbol_edges" | sort -u | tsort 2>&1 >/dev/null | sed -n 's/^tsort: //p' | grep -v loop | tr "\n" " ")
    for m in $loop; do
        grep "^$m " "$symbol_edges" | while read -r f t s; do
            case " $loop " in *" $t "*) echo "    $f -> $t ($s)" ;; esac
        done
    done
fi

n_inc=$(wc -l <"$include_edges")
n_sym=$(awk '{print $1, $2}' "$symbol_edges" | sort -u | wc -l)
if [ "$failures" -gt 0 ]; then
    echo "layering: $failures problem(s) in $n_inc includes and $n_sym object dependencies"
    exit 1
fi
echo "layering: OK, ${#layers[@]} layers and ${#tops[@]} programs; $n_inc includes and $n_sym object dependencies run downwards, no cycle"
