#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# test_location.sh - the tests pass wherever the checkout lies: a copy of
# it in a directory only root may enter (as a clone in /root, mode 0700 on
# Debian) runs test_daemon.sh, whose daemon drops privileges to nobody and
# reloads. Whatever a test's daemon reads after the drop must come from
# the test's own directory; a test that reads it from the checkout fails
# here, whatever the directory this checkout happens to be in.
source "$(dirname "$0")/lib.sh"

as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@" >/dev/null 2>&1; }

echo "== a copy of the checkout in a directory only root enters"
CLOSED=$T/root
CLONE=$CLOSED/relance
mkdir -m 700 "$CLOSED"
mkdir -p "$CLONE/build/asan" "$CLONE/build/tools"
cp -R "$TOP/conf" "$TOP/tests" "$CLONE/"
cp "$TOP/build/asan/relanced" "$TOP/build/asan/relancectl" "$TOP/build/asan/relance-pdf" "$CLONE/build/asan/"
cp "$TOP/build/tools/smtp_send" "$CLONE/build/tools/"
check_eq "its parent is mode 0700" 700 "$(stat -c %a "$CLOSED")"
check "nobody cannot enter it" not as_nobody ls "$CLOSED"

echo "== test_daemon.sh from there (its own programs, corpus and configuration)"
# Nothing from this checkout: the copy's own paths only.
out=$(env -u RELANCE_CORPUS -u RELANCED -u RELANCECTL -u RELANCE_PDF bash "$CLONE/tests/integration/test_daemon.sh" 2>&1)
rc=$?
sed 's/^/  | /' <<<"$out"
check_eq "test_daemon.sh passes" 0 "$rc"
check "it dropped privileges" grep -q "ok   running as UserID" <<<"$out"
check "it reloaded" grep -q "ok   a mended file reloads" <<<"$out"

finish
