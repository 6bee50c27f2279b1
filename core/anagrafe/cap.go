package anagrafe

import (
	"sort"
	"strconv"
	"strings"
)

// maxCAPRange bounds the expansion of a range such as "10121–10156" so a
// mistyped value cannot produce thousands of codes.
const maxCAPRange = 200

// parseCAP extracts the postal codes from one value of cap_wikidata.csv.
// Most values are a single 5-digit code; the others are free text:
//
//	"10121–10156"                      range (en dash, no blanks): every code in it
//	"74121-74122-74123", "00015, 00016" lists: each code
//	"18025 (Piaggia); 12078 (Carnino)" text in parentheses is dropped
//	"89819  (precedentemente 88020)"   so the old code is not taken
//	"8604"                             not 5 digits: ignored
//
// A reversed range ("84022–84020") gives its two ends only.
func parseCAP(v string) []string {
	v = dropParenthesised(v)
	var out []string
	prev := "" // the previous code, when only an en dash separates it from this one
	sep := "x" // what lies between the previous code and the current position
	for i := 0; i < len(v); {
		if !isDigit(v[i]) {
			j := i
			for j < len(v) && !isDigit(v[j]) {
				j++
			}
			sep = v[i:j]
			i = j
			continue
		}
		j := i
		for j < len(v) && isDigit(v[j]) {
			j++
		}
		code := v[i:j]
		i = j
		if len(code) != 5 {
			prev, sep = "", "x"
			continue
		}
		if prev != "" && sep == "–" {
			out = append(out, expandRange(prev, code)...)
		}
		out = append(out, code)
		prev, sep = code, "x"
	}
	return uniqueSorted(out)
}

// expandRange returns the codes strictly between lo and hi.
func expandRange(lo, hi string) []string {
	a, _ := strconv.Atoi(lo)
	b, _ := strconv.Atoi(hi)
	if b <= a || b-a > maxCAPRange {
		return nil
	}
	out := make([]string, 0, b-a-1)
	for n := a + 1; n < b; n++ {
		out = append(out, leftPad5(n))
	}
	return out
}

func leftPad5(n int) string {
	s := strconv.Itoa(n)
	return strings.Repeat("0", 5-len(s)) + s
}

func dropParenthesised(v string) string {
	var b strings.Builder
	depth := 0
	for _, r := range v {
		switch {
		case r == '(':
			depth++
		case r == ')' && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func uniqueSorted(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	sort.Strings(s)
	out := s[:1]
	for _, v := range s[1:] {
		if v != out[len(out)-1] {
			out = append(out, v)
		}
	}
	return out
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
