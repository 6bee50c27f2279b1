package tabelle

import (
	"strconv"
	"strings"
	"time"
)

// Kind tells the writers how to type a column's values.
type Kind int

const (
	// Text is written as a string, through SafeCell.
	Text Kind = iota
	// Number is an amount (euro): two decimals, thousands separator.
	Number
	// Integer is a count, without decimals.
	Integer
	// Date is a calendar date, shown dd/mm/yyyy.
	Date
	// DateTime is a date with time, shown dd/mm/yyyy hh:mm.
	DateTime
)

// Column is one exported column. Width is in characters; zero means
// "estimate from the title and the first rows".
type Column struct {
	Title string
	Kind  Kind
	Width float64
}

// Titles is a shortcut for a list of text columns.
func Titles(titles ...string) []Column {
	cols := make([]Column, len(titles))
	for i, t := range titles {
		cols[i] = Column{Title: t}
	}
	return cols
}

// ParseNumber reads an amount written either the Italian way ("1.234,56",
// "-12,50": a comma is the decimal mark, dots group thousands) or the
// machine way ("1234.56"). Only the presence of a comma tells them apart,
// so "1.234" is one point two three four.
func ParseNumber(s string) (float64, bool) {
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "€"))
	if s == "" {
		return 0, false
	}
	if strings.Contains(s, ",") {
		s = strings.ReplaceAll(s, ".", "")
		s = strings.Replace(s, ",", ".", 1)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || strings.ContainsAny(s, "eEiInN") { // no exponents, Inf, NaN
		return 0, false
	}
	return f, true
}

var dateLayouts = []string{"02/01/2006", "2006-01-02", "2/1/2006"}

var dateTimeLayouts = []string{"2006-01-02 15:04:05", "2006-01-02 15:04",
	"02/01/2006 15:04:05", "02/01/2006 15:04", "2006-01-02T15:04:05", "2006-01-02"}

// ParseDate reads dd/mm/yyyy or yyyy-mm-dd.
func ParseDate(s string) (time.Time, bool) {
	return parseTime(strings.TrimSpace(s), dateLayouts)
}

// ParseDateTime reads RFC 3339, yyyy-mm-dd hh:mm[:ss] or dd/mm/yyyy hh:mm[:ss].
// RFC 3339 instants are shown in local time, the others as written.
func ParseDateTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.In(time.Local), true
	}
	return parseTime(s, dateTimeLayouts)
}

func parseTime(s string, layouts []string) (time.Time, bool) {
	for _, l := range layouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
