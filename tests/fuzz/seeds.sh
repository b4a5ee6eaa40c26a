# SPDX-License-Identifier: GPL-3.0-or-later
# seeds.sh - the seed files of each fuzz target, for the replay in
# make check (run-replay.sh) and the coverage-guided campaign
# (campaign.sh). Sourced; needs $top and $corpus.

seeds() { # TARGET: the seed files of one target
    case $1 in
    fuzz_config) ls "$top"/conf/*.conf "$top"/tests/data/config/*.conf 2>/dev/null ;;
    fuzz_invoice_xml) ls "$corpus"/cii/* "$corpus"/ubl/* "$corpus"/facturx/embedded/*.xml "$top"/tests/data/fuzz/fuzz_invoice_xml/* ;;
    fuzz_pdf) ls "$corpus"/facturx/*.pdf "$corpus"/pdf-plain/*.pdf "$top"/tests/data/fuzz/fuzz_pdf/* ;;
    fuzz_message) ls "$corpus"/mime/*.eml "$top"/tests/data/*/*.eml 2>/dev/null ;;
    fuzz_plain_message) ls "$corpus"/mime/*.eml "$top"/tests/data/*/*.eml "$top"/tests/data/fuzz/fuzz_plain_message/* 2>/dev/null ;;
    fuzz_reply) ls "$top"/tests/data/replies/*.eml "$top"/tests/data/fuzz/fuzz_reply/* 2>/dev/null ;;
    fuzz_camt) ls "$corpus"/payments/*.xml "$top"/tests/data/fuzz/fuzz_camt/* ;;
    fuzz_bank_csv) ls "$top"/tests/data/payments/*.csv "$top"/tests/data/fuzz/fuzz_bank_csv/* ;;
    fuzz_reply_model) ls "$top"/conf/replies/model.tsv "$top"/tests/data/fuzz/fuzz_reply_model/* ;;
    fuzz_utf8) ls "$top"/tests/data/fuzz/fuzz_utf8/* "$top"/conf/templates/fr/*.md ;;
    *) ls "$top"/tests/data/fuzz/"$1"/* 2>/dev/null ;;
    esac
}
