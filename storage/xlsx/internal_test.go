package xlsx

import (
	"fmt"
	"testing"

	"github.com/amisjury/amis/assets"
	"github.com/amisjury/amis/exam"
)

func TestCandidateColumns_Aliases(t *testing.T) {
	ref, err := assets.Referentiel()
	if err != nil {
		t.Fatal(err)
	}
	cols := CandidateColumns(ref)
	idx := headerIndex(cols)
	fields := map[string]bool{}
	for i, c := range cols {
		if fields[c.Field] {
			t.Errorf("field %q twice", c.Field)
		}
		fields[c.Field] = true
		// Every header and alias must lead to its own column: an alias
		// shadowed by another column's would silently read the wrong data.
		for j, h := range append([]string{c.Header}, c.Aliases...) {
			m, ok := idx[exam.Fold(h)]
			if !ok || m.col != i || m.alias != (j > 0) {
				t.Errorf("%q (column %q) maps to %+v", h, c.Header, m)
			}
		}
		if c.format == "" || c.example == "" {
			t.Errorf("column %q: format or example missing for the template", c.Header)
		}
	}
	if got, want := len(cols), 13+2*len(ref.Blocks); got != want {
		t.Errorf("%d columns, want %d", got, want)
	}
	if n := len(CandidateColumns(nil)); n != 13 {
		t.Errorf("CandidateColumns(nil) has %d columns, want 13", n)
	}
}

func TestColumnLetter(t *testing.T) {
	for i, want := range map[int]string{0: "A", 2: "C", 25: "Z", 26: "AA", 27: "AB", 51: "AZ", 52: "BA", 701: "ZZ", 702: "AAA", 16383: "XFD"} {
		if got := columnLetter(i); got != want {
			t.Errorf("columnLetter(%d) = %q, want %q", i, got, want)
		}
	}
}

func TestSeparator(t *testing.T) {
	tests := []struct {
		name string
		text string
		want rune
	}{
		{"semicolons", "Nom;Prénoms;Sexe\nA;B;F\n", ';'},
		{"commas", "Nom,Prénoms,Sexe\nA,B,F\n", ','},
		{"tabs", "Nom\tPrénoms\tSexe\n", '\t'},
		{"commas inside quotes do not count", "\"Nom, de naissance\";\"Prénoms, tous\"\n", ';'},
		{"a quoted line break", "\"Nom\n, , , ,\";Prénoms;Sexe\n", ';'},
		{"title line above the header", "Liste, juin 2025\n\nNom;Prénoms;Sexe;Date\n", ';'},
		{"tie prefers semicolon", "a;b,c\n", ';'},
		{"one column", "Nom\nMARTIN\n", ';'},
		{"empty", "", ';'},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := separator(tt.text); got != tt.want {
				t.Errorf("separator = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestIntegerText(t *testing.T) {
	for in, want := range map[string]string{
		"42": "42", "00042": "00042", "42.0": "42", "1.2345678901E+12": "1234567890100", "1.5": "1.5",
		"2025-001": "2025-001", "E-12": "E-12", "1e400": "1e400", "": "",
	} {
		if got := integerText(in); got != want {
			t.Errorf("integerText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPhoneText(t *testing.T) {
	tests := []struct {
		in   string
		xlsx bool
		want string
	}{
		{"612345678", true, "0612345678"},
		{"612345678", false, "0612345678"},
		{"6.12345678E8", true, "0612345678"},
		{"6.12345678E8", false, "6.12345678E8"},
		{"0612345678", true, "0612345678"},
		{"06 12 34 56 78", false, "06 12 34 56 78"},
		{"33612345678", true, "33612345678"},
		{"12345678", true, "12345678"},
		{"61234567a", false, "61234567a"},
	}
	for _, tt := range tests {
		if got := phoneText(tt.in, tt.xlsx); got != tt.want {
			t.Errorf("phoneText(%q, %v) = %q, want %q", tt.in, tt.xlsx, got, tt.want)
		}
	}
}

// TestFastDate checks that the fast path never disagrees with exam.ParseDate.
func TestFastDate(t *testing.T) {
	var inputs []string
	for _, y := range []int{0, 1, 1900, 1992, 2000, 2100, 9999} {
		for m := 0; m <= 13; m++ {
			for _, d := range []int{0, 1, 28, 29, 30, 31, 32} {
				inputs = append(inputs, fmt.Sprintf("%02d/%02d/%04d", d, m, y), fmt.Sprintf("%04d-%02d-%02d", y, m, d))
			}
		}
	}
	usual := len(inputs) // the fast path must take every valid one of these
	inputs = append(inputs, "1a/02/1990", "01/02/199x", "+1/02/1990", "01-02-1990", "1990/02/01", "01/02/-990", "-001-02-01", "1/2/1990")
	for i, in := range inputs {
		want, err := exam.ParseDate(in)
		got, ok := fastDate(in)
		if ok && (err != nil || got != want) {
			t.Errorf("fastDate(%q) = %v; exam.ParseDate = %v, %v", in, got, want, err)
		}
		if !ok && err == nil && i < usual {
			t.Errorf("fastDate(%q) declined a valid date", in)
		}
	}
}

func TestDecoder_Date(t *testing.T) {
	d := newDecoder(nil, true, false)
	d1904 := newDecoder(nil, true, true)
	tests := []struct {
		dec  *decoder
		in   string
		want exam.Date
		key  string
	}{
		{d, "33799", exam.NewDate(1992, 7, 14), ""},
		{d, "33799.75", exam.NewDate(1992, 7, 14), ""},
		{d, "3.3799E4", exam.NewDate(1992, 7, 14), ""},
		{d1904, "32337", exam.NewDate(1992, 7, 14), ""},
		{d, "61", exam.NewDate(1900, 3, 1), ""},
		{d, "1992-07-14T00:00:00Z", exam.NewDate(1992, 7, 14), ""},
		{d, "1992-07-14 10:30:00", exam.NewDate(1992, 7, 14), ""},
		{d, "14/07/1992", exam.NewDate(1992, 7, 14), ""},
		{d, "1990", exam.Date{}, "err.date.format"},
		{d, "0", exam.Date{}, "err.date.format"},
		{d, "-5", exam.Date{}, "err.date.format"},
		{d, "3000000", exam.Date{}, "err.date.format"},
		{d, "NaN", exam.Date{}, "err.date.format"},
		{d, "1992-07-14Tmidi", exam.Date{}, "err.date.format"},
		{d, "30/02/1992", exam.Date{}, "err.date.calendar"},
	}
	for _, tt := range tests {
		got, err := tt.dec.date(tt.in)
		key := ""
		if err != nil {
			key = err.Key
		}
		if got != tt.want || key != tt.key {
			t.Errorf("date(%q, 1904=%v) = %v, %q; want %v, %q", tt.in, tt.dec.date1904, got, key, tt.want, tt.key)
		}
	}
}
