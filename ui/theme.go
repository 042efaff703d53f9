package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// amisTheme is the app's theme: Fyne's default theme, overridden only where
// the app needs it. Text size and high contrast are added here later, as
// fields read by Size and Color.
type amisTheme struct {
	fyne.Theme
}

// newTheme returns the theme registered by NewMainWindow.
func newTheme() fyne.Theme {
	return &amisTheme{Theme: theme.DefaultTheme()}
}

var _ fyne.Theme = (*amisTheme)(nil)
