#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# deps.sh - installs, non-interactively and only when missing, every Debian
# package that building relance and running its tests need. Safe to run
# again. It installs Postfix's package when absent (its smtpd, smtp-sink
# and sendmail serve the tests through private instances) but never
# configures, starts or stops the system's own Postfix service.
set -eu

packages=(
    # build
    gcc make pkg-config libc6-dev
    libmilter-dev libgmime-3.0-dev libsqlite3-dev libsodium-dev
    libxml2-dev libpoppler-glib-dev libcmark-dev libcairo2-dev
    libqrencode-dev  # the EPC (GiroCode) payment QR in reminders and letters
    zlib1g-dev  # the PDF bombs of the tests (tests/unit/support/pdfbomb.c)
    # tests
    libcmocka-dev postfix jq sqlite3 tzdata fonts-dejavu-core procps
    poppler-utils  # pdftotext: the letters read back (test_letters.sh)
    zbar-tools  # zbarimg: the payment QR decoded back (test_payment_options.sh)
    python3  # the audit proof's hashes recomputed as it documents (test_court_file.sh)
    miltertest  # scripted milter conversations, no MTA (tests/milter; not in opendkim-tools)
    opendkim opendkim-tools  # a DKIM verifier before relanced (test_authenticated_replies.sh)
    # the installed unit's confinement: systemd-analyze (exposure, system
    # call sets), setpriv, seccomp for the sandbox; man pages rendered
    systemd util-linux python3-seccomp groff-base man-db  # (test_service.sh, tests/man.sh)
    # A private Sendmail (test_sendmail.sh): its .debs are fetched with apt-get
    # download and unpacked, never installed (they would replace Postfix);
    # these are what its binary and its .mc need.
    m4 libwrap0 libdb5.3 libldap-2.5-0 liblockfile1 libnsl2 libsasl2-2 libssl3
    iproute2  # ss: what the private Sendmail listens on
)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done
if [ "${#missing[@]}" -eq 0 ]; then
    echo "deps: all ${#packages[@]} packages present"
    exit 0
fi
echo "deps: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
        echo "deps: run as root (or with sudo) to install: ${missing[*]}" >&2
        exit 1
    fi
else
    SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
# Postfix's own questions get their packaged defaults; a policy-rc.d that
# forbids service starts keeps the system instance stopped while installing.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
    $SUDO chmod 755 "$policy"
    created_policy=1
fi
trap '[ "$created_policy" = 1 ] && $SUDO rm -f "$policy"' EXIT
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: installed ${#missing[@]} packages"
