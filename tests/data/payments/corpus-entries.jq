# corpus-entries.jq - what the genkgo/camt library read in one of the
# corpus's payments/*.json files, one line per transaction detail of each
# entry (one line for an entry without details), tab-separated:
#   entry amount (signed cents), currency, CRDT|DBIT, booking date,
#   value date, account servicer reference, number of transaction details,
#   this detail's index, its amount (signed cents, "" when none),
#   remittance message, end-to-end id, debtor name
# test_camt.c runs it with jq over every file and compares camt_read's
# reading with each line.
.getEntries[] as $e
| ($e.getTransactionDetails | if type == "array" then . else [] end) as $tds
| ($tds | length) as $n
| range(0; ([$n, 1] | max)) as $i
| (if $n == 0 then {} else ($tds[$i] | if . == "__RECURSIVITY__" then $e.getTransactionDetail else . end) end) as $t
| [ $e.getAmount.getAmount, $e.getAmount.getCurrency.getCode, $e.getCreditDebitIndicator,
    ((($e.getBookingDate // {})["0"] // "") | .[0:10]),
    ((($e.getValueDate // {})["0"] // "") | .[0:10]),
    ($e.getAccountServicerReference // ""), $n, $i,
    (($t.getAmount // {}).getAmount // ""),
    (($t.getRemittanceInformation // {}).getMessage // ""),
    (($t.getReference // {}).getEndToEndId // ""),
    ([($t.getRelatedParties // [])[] | select(type == "object")
      | select(.getRelatedPartyType.__CLASS__ | test("Debtor$")) | .getRelatedPartyType.getName][0] // "")
  ] | @tsv
