package exam

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Date is a civil date (no time, no zone): a birth date, a decision date.
// The zero Date means "not set".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// NewDate returns the date y-m-d; it does not normalise out-of-range values.
func NewDate(y int, m time.Month, d int) Date { return Date{Year: y, Month: m, Day: d} }

// DateOf returns the civil date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// Today returns the local civil date.
func Today() Date { return DateOf(time.Now()) }

// IsZero reports whether the date is unset.
func (d Date) IsZero() bool { return d == Date{} }

// Valid reports whether the date exists in the calendar.
func (d Date) Valid() bool {
	if d.Year < 1 || d.Year > 9999 || d.Month < 1 || d.Month > 12 || d.Day < 1 {
		return false
	}
	return d.Time().Day() == d.Day && d.Time().Month() == d.Month
}

// Time returns midnight UTC of the date.
func (d Date) Time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// Before reports whether d is strictly before e.
func (d Date) Before(e Date) bool { return d.Time().Before(e.Time()) }

// After reports whether d is strictly after e.
func (d Date) After(e Date) bool { return d.Time().After(e.Time()) }

// AddYears returns the date n years later (29 February gives 1 March).
func (d Date) AddYears(n int) Date { return DateOf(d.Time().AddDate(n, 0, 0)) }

// String formats the date the French way, jj/mm/aaaa; "" when unset.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%02d/%02d/%04d", d.Day, d.Month, d.Year)
}

// ISO formats the date as aaaa-mm-jj (storage form); "" when unset.
func (d Date) ISO() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// ParseDate reads jj/mm/aaaa (also j/m/aaaa, jj-mm-aaaa, jj.mm.aaaa) or the
// ISO form aaaa-mm-jj. Blank input gives the zero Date and no error. Two-digit
// years are refused: 01/02/03 is ambiguous on a birth date.
func ParseDate(s string) (Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Date{}, nil
	}
	bad := func() error {
		return Errorf(EINVALID, "err.date.format", "“{{.Value}}” is not a date (expected dd/mm/yyyy)", map[string]any{"Value": s})
	}
	sep := func(r rune) bool { return r == '/' || r == '-' || r == '.' }
	parts := strings.FieldsFunc(s, sep)
	if len(parts) != 3 {
		return Date{}, bad()
	}
	n := [3]int{}
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 {
			return Date{}, bad()
		}
		n[i] = v
	}
	var d Date
	switch {
	case len(parts[0]) == 4: // aaaa-mm-jj
		d = Date{n[0], time.Month(n[1]), n[2]}
	case len(parts[2]) == 4 && len(parts[0]) <= 2 && len(parts[1]) <= 2:
		d = Date{n[2], time.Month(n[1]), n[0]}
	default:
		return Date{}, bad()
	}
	if !d.Valid() {
		return Date{}, Errorf(EINVALID, "err.date.calendar", "“{{.Value}}” does not exist in the calendar", map[string]any{"Value": s})
	}
	return d, nil
}

// MustParseDate is ParseDate for constants in tests and demo data.
func MustParseDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}
