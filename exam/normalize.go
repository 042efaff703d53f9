package exam

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Fold returns s lower-cased, without accents, with every run of spaces,
// hyphens, apostrophes and other punctuation turned into one space. It is the
// one comparison rule for names, headers and search: "  D'Arc-Lefèvre " and
// "d arc lefevre" fold to the same text.
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if !ascii {
		s = norm.NFD.String(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r): // a combining accent of the letter before
			continue
		case r == 'ß':
			r = 's'
		case r == 'œ' || r == 'Œ':
			fold(&b, &space, "oe")
			continue
		case r == 'æ' || r == 'Æ':
			fold(&b, &space, "ae")
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

func fold(b *strings.Builder, space *bool, s string) {
	if *space && b.Len() > 0 {
		b.WriteByte(' ')
	}
	*space = false
	b.WriteString(s)
}
