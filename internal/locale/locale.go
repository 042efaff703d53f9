// Package locale names French as the language when the system locale is
// neutral (LANG=C, C.UTF-8, POSIX). Fyne's lang package parses the locale in
// its own init and logs that "C" is not a language; importing this package
// (it depends on nothing but os, and its path sorts before Fyne's locale
// dependencies) sets LANGUAGE before that init runs.
package locale

import (
	"os"
	"strings"
)

func init() { NameNeutral() }

// Neutral reports whether the first of LC_ALL, LC_MESSAGES and LANG that is
// set names the C or POSIX locale.
func Neutral() bool {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(k); v != "" {
			v = strings.ToUpper(v)
			return v == "C" || v == "POSIX" || strings.HasPrefix(v, "C.")
		}
	}
	return false
}

// NameNeutral sets LANGUAGE to French under a neutral locale, unless
// LANGUAGE is already set.
func NameNeutral() {
	if Neutral() && os.Getenv("LANGUAGE") == "" {
		_ = os.Setenv("LANGUAGE", "fr")
	}
}
