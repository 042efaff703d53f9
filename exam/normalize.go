package exam

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Fold returns s lower-cased, without accents, with every run of spaces,
// hyphens, apostrophes and other punctuation turned into one space. It is the
// one comparison rule for names, headers and search: "  D'Arc-Lefèvre " and
// "d arc lefevre" fold to the same text.
func Fold(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	stripped, _, err := transform.String(t, s)
	if err != nil {
		stripped = s
	}
	var b strings.Builder
	b.Grow(len(stripped))
	space := false
	for _, r := range stripped {
		switch {
		case r == 'ß':
			r = 's'
		case r == 'œ' || r == 'Œ':
			b.WriteString("oe")
			space = false
			continue
		case r == 'æ' || r == 'Æ':
			b.WriteString("ae")
			space = false
			continue
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '/' {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		space = true
	}
	return b.String()
}
