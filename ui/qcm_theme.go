package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/amisjury/amis/exam"
)

// Colour names of the candidate mode, defined by qcmTheme: every colour of
// the choice rows, the review list and the buttons comes from one of these
// (or a standard name), never from a literal in a screen.
const (
	// colorNameQCMRow is the background of a choice row.
	colorNameQCMRow fyne.ThemeColorName = "qcmRow"
	// colorNameQCMRowBorder is the outline of a choice row.
	colorNameQCMRowBorder fyne.ThemeColorName = "qcmRowBorder"
	// colorNameQCMChosen is the background of a chosen row.
	colorNameQCMChosen fyne.ThemeColorName = "qcmChosen"
	// colorNameQCMChosenText is the text on a chosen row.
	colorNameQCMChosenText fyne.ThemeColorName = "qcmChosenText"
	// colorNameQCMMark is the filled radio or check box of a chosen row
	// and its thick outline.
	colorNameQCMMark fyne.ThemeColorName = "qcmMark"
	// colorNameQCMCursor is the ring around the row or button that has
	// the keyboard focus.
	colorNameQCMCursor fyne.ThemeColorName = "qcmCursor"
	// colorNameQCMButton and colorNameQCMButtonText are a button of the
	// candidate mode; the Primary variants the main action (Suivant,
	// Terminer).
	colorNameQCMButton            fyne.ThemeColorName = "qcmButton"
	colorNameQCMButtonText        fyne.ThemeColorName = "qcmButtonText"
	colorNameQCMButtonPrimary     fyne.ThemeColorName = "qcmButtonPrimary"
	colorNameQCMButtonPrimaryText fyne.ThemeColorName = "qcmButtonPrimaryText"
)

// qcmTheme is the theme of the candidate mode: the theme in force (embedded)
// with the candidate's screen needs applied. TextScale multiplies every
// text size, padding and icon (so that layouts grow with the text instead
// of cutting it); LineSpacing adds room between the lines of a text and
// between the choices; HighContrast replaces every colour by a black
// background, white text, yellow marks and a cyan focus ring (contrast of at
// least 7:1 for text, 3:1 for outlines: WCAG AAA and AA).
type qcmTheme struct {
	fyne.Theme
	scale    float32 // 1 = 100 %
	spacing  float32 // 1 = 100 %
	contrast bool
}

// newQCMTheme wraps base with the screen needs.
func newQCMTheme(base fyne.Theme, s exam.ScreenNeeds) *qcmTheme {
	t := &qcmTheme{Theme: base, scale: s.Scale(), spacing: 1, contrast: s.HighContrast}
	if t.scale > float32(exam.MaxTextScale)/100 {
		t.scale = float32(exam.MaxTextScale) / 100
	}
	if t.scale < 1 {
		t.scale = 1
	}
	if s.LineSpacing > 100 {
		t.spacing = float32(min(s.LineSpacing, exam.MaxLineSpacing)) / 100
	}
	return t
}

// Size scales text, paddings and icons by the text scale; the line spacing
// grows with the text and by the extra spacing asked for.
func (t *qcmTheme) Size(n fyne.ThemeSizeName) float32 {
	base := t.Theme.Size(n)
	switch n {
	case theme.SizeNameText, theme.SizeNameHeadingText, theme.SizeNameSubHeadingText, theme.SizeNameCaptionText,
		theme.SizeNamePadding, theme.SizeNameInnerPadding, theme.SizeNameInlineIcon,
		theme.SizeNameScrollBar, theme.SizeNameScrollBarSmall, theme.SizeNameInputBorder:
		return base * t.scale
	case theme.SizeNameLineSpacing:
		// 150 % line spacing: each line is half a text height further
		// from the previous one.
		return base*t.scale + t.Theme.Size(theme.SizeNameText)*t.scale*(t.spacing-1)
	}
	return base
}

// gap is the room between two choice rows: a padding, grown by the line
// spacing.
func (t *qcmTheme) gap() float32 {
	return t.Size(theme.SizeNamePadding) * (1 + 2*(t.spacing-1))
}

// ring is the width of the focus ring and of a chosen row's outline.
func (t *qcmTheme) ring() float32 { return 3 * t.scale }

// Color gives the candidate-mode colours; without high contrast every
// standard name is the embedded theme's.
func (t *qcmTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if t.contrast {
		if c, ok := highContrast[n]; ok {
			return c
		}
		return t.Theme.Color(n, theme.VariantDark)
	}
	switch n {
	case colorNameQCMRow:
		return t.Theme.Color(theme.ColorNameInputBackground, v)
	case colorNameQCMRowBorder:
		return t.Theme.Color(theme.ColorNameInputBorder, v)
	case colorNameQCMChosen:
		return t.Theme.Color(theme.ColorNameSelection, v)
	case colorNameQCMChosenText, colorNameQCMButtonText:
		return t.Theme.Color(theme.ColorNameForeground, v)
	case colorNameQCMMark, colorNameQCMButtonPrimary:
		return t.Theme.Color(theme.ColorNamePrimary, v)
	case colorNameQCMCursor:
		return t.Theme.Color(theme.ColorNameForeground, v)
	case colorNameQCMButton:
		return t.Theme.Color(theme.ColorNameButton, v)
	case colorNameQCMButtonPrimaryText:
		return t.Theme.Color(theme.ColorNameForegroundOnPrimary, v)
	}
	return t.Theme.Color(n, v)
}

var (
	hcBlack  = color.NRGBA{A: 0xff}
	hcWhite  = color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}
	hcYellow = color.NRGBA{R: 0xff, G: 0xff, A: 0xff}
	hcCyan   = color.NRGBA{G: 0xff, B: 0xff, A: 0xff}
	hcNavy   = color.NRGBA{B: 0x80, A: 0xff}
	hcGrey   = color.NRGBA{R: 0x33, G: 0x33, B: 0x33, A: 0xff}
)

// highContrast is the high-contrast palette: white and yellow on black.
var highContrast = map[fyne.ThemeColorName]color.Color{
	theme.ColorNameBackground:          hcBlack,
	theme.ColorNameForeground:          hcWhite,
	theme.ColorNameButton:              hcBlack,
	theme.ColorNameDisabledButton:      hcBlack,
	theme.ColorNameDisabled:            color.NRGBA{R: 0xb0, G: 0xb0, B: 0xb0, A: 0xff},
	theme.ColorNameError:               color.NRGBA{R: 0xff, G: 0x8a, B: 0x8a, A: 0xff},
	theme.ColorNameForegroundOnError:   hcBlack,
	theme.ColorNameFocus:               color.NRGBA{G: 0xff, B: 0xff, A: 0x60},
	theme.ColorNameHover:               hcGrey,
	theme.ColorNamePressed:             color.NRGBA{R: 0x55, G: 0x55, B: 0x55, A: 0xff},
	theme.ColorNameHeaderBackground:    hcBlack,
	theme.ColorNameHyperlink:           hcCyan,
	theme.ColorNameInputBackground:     hcBlack,
	theme.ColorNameInputBorder:         hcWhite,
	theme.ColorNameMenuBackground:      hcBlack,
	theme.ColorNameOverlayBackground:   hcBlack,
	theme.ColorNamePlaceHolder:         color.NRGBA{R: 0xc8, G: 0xc8, B: 0xc8, A: 0xff},
	theme.ColorNamePrimary:             hcYellow,
	theme.ColorNameForegroundOnPrimary: hcBlack,
	theme.ColorNameScrollBar:           hcWhite,
	theme.ColorNameScrollBarBackground: hcGrey,
	theme.ColorNameSelection:           hcNavy,
	theme.ColorNameSeparator:           hcWhite,
	theme.ColorNameShadow:              color.Transparent,
	theme.ColorNameSuccess:             color.NRGBA{R: 0x7c, G: 0xff, B: 0x7c, A: 0xff},
	theme.ColorNameForegroundOnSuccess: hcBlack,
	theme.ColorNameWarning:             color.NRGBA{R: 0xff, G: 0xc8, B: 0x4d, A: 0xff},
	theme.ColorNameForegroundOnWarning: hcBlack,
	colorNameQCMRow:                    hcBlack,
	colorNameQCMRowBorder:              hcWhite,
	colorNameQCMChosen:                 hcNavy,
	colorNameQCMChosenText:             hcYellow,
	colorNameQCMMark:                   hcYellow,
	colorNameQCMCursor:                 hcCyan,
	colorNameQCMButton:                 hcBlack,
	colorNameQCMButtonText:             hcWhite,
	colorNameQCMButtonPrimary:          hcYellow,
	colorNameQCMButtonPrimaryText:      hcBlack,
}

var _ fyne.Theme = (*qcmTheme)(nil)
