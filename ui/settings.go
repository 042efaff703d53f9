package ui

import "fyne.io/fyne/v2"

// Preference keys, all in one place.
const (
	// prefLanguage holds "fr", "en" or "" (system default); read at start.
	prefLanguage = "language"
)

// Settings is the typed view of the app preferences.
type Settings struct {
	p fyne.Preferences
}

// NewSettings wraps the app preferences.
func NewSettings(p fyne.Preferences) *Settings { return &Settings{p: p} }

// Language returns the language chosen in the menu: "fr", "en", or "" when
// the user never chose (SetupLanguage then follows the system).
func (s *Settings) Language() string {
	switch l := s.p.String(prefLanguage); l {
	case LangFrench, LangEnglish:
		return l
	}
	return ""
}

// SetLanguage stores the language applied at the next start.
func (s *Settings) SetLanguage(l string) { s.p.SetString(prefLanguage, l) }
