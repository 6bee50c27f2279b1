package assets

import "embed"

// Comuni holds the reference data on Italian comuni, read by core/anagrafe:
// comuni.csv (current comuni, ISTAT), comuni_soppressi.csv (Belfiore codes no
// longer in use, ANPR), stati_esteri.csv (Z codes of foreign states, ISTAT)
// and cap_wikidata.csv (postal codes, Wikidata). Sources, licences and the
// attribution the CC BY licences require ("Fonte: ISTAT – Istituto nazionale
// di statistica", "Fonte: ANPR – Ministero dell'Interno") are in
// comuni/README.md.
//
//go:embed comuni/*.csv
var Comuni embed.FS
