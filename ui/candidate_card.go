package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/amisjury/amis/exam"
)

// accommodationCard shows the jury what to apply for one candidate: the
// functional accommodations (exam.AccommodationProfile.Items, translated)
// and the instructions for the jury. It reads nothing else of the profile:
// never the medical justification, whatever it is given.
type accommodationCard struct {
	content      fyne.CanvasObject
	title        *widget.Label
	items        *widget.Label
	instructions *widget.Label
	compact      bool
}

// newSideCard builds a card of a fixed width, to stand beside what it
// concerns (the countdown) rather than above it.
func newSideCard(width float32) *accommodationCard {
	c := newAccommodationCard(false)
	c.content.Show() // the wrapper is what set shows and hides
	c.content = container.New(&fixedWidth{width: width}, c.content)
	c.content.Hide()
	return c
}

// newAccommodationCard builds a card: a framed block with a title, or in
// compact form two wrapped lines (the Journée table has a row per
// candidate). It is hidden until set gives it something to show.
func newAccommodationCard(compact bool) *accommodationCard {
	c := &accommodationCard{compact: compact}
	c.title = newBoldLabel("")
	c.items = newWrapLabel("")
	c.instructions = newWrapLabel("")
	c.instructions.TextStyle = fyne.TextStyle{Italic: true}
	if compact {
		c.items.Importance = widget.HighImportance
		c.content = container.NewVBox(c.items, c.instructions)
	} else {
		head := container.NewBorder(nil, nil, widget.NewIcon(theme.InfoIcon()), nil, c.title)
		c.content = widget.NewCard("", "", container.NewVBox(head, c.items, c.instructions))
	}
	c.content.Hide()
	return c
}

// set shows the accommodations of the candidate named name (nil: none).
func (c *accommodationCard) set(name string, p *exam.AccommodationProfile) {
	var lines []string
	instructions := ""
	if p != nil {
		for _, it := range p.Items() {
			lines = append(lines, accommodationItemText(p, it))
		}
		instructions = strings.TrimSpace(p.JuryInstructions)
	}
	if len(lines) == 0 && instructions == "" {
		c.content.Hide()
		return
	}
	if c.compact {
		c.items.SetText(lang.L("card.compact", map[string]any{"List": strings.Join(lines, lang.L("list.separator"))}))
	} else {
		c.title.SetText(lang.L("card.title", map[string]any{"Name": name}))
		for i := range lines {
			lines[i] = "• " + lines[i]
		}
		c.items.SetText(strings.Join(lines, "\n"))
	}
	if len(lines) == 0 {
		c.items.Hide()
	} else {
		c.items.Show()
	}
	if instructions != "" {
		c.instructions.SetText(lang.L("card.instructions", map[string]any{"Text": instructions}))
		c.instructions.Show()
	} else {
		c.instructions.Hide()
	}
	c.content.Show()
	c.content.Refresh()
}

// accommodationItemText is the translated wording of one functional
// accommodation ("Temps majoré de 33 %").
func accommodationItemText(p *exam.AccommodationProfile, it exam.AccommodationItem) string {
	data := map[string]any{}
	for k, v := range it.Data {
		data[k] = v
	}
	if it.Code == "start_offset" {
		data["Offset"] = durationText(p.Time.StartOffset)
	}
	return lang.X("accommodation."+it.Code, it.French, data)
}

// accommodationCodes are the codes of exam.AccommodationProfile.Items, each
// translated as "accommodation.<code>".
var accommodationCodes = []string{
	"extra_both", "extra_percent", "extra_minutes", "breaks", "start_offset", "overrides", "spread_days",
	"scribe", "reader", "lsf", "assistant", "separate_room", "enlarged_documents", "adapted_furniture",
	"own_equipment", "room_other", "text_scale", "high_contrast", "line_spacing", "hide_countdown",
	"max_choices", "keyboard_only",
}

// validityText says how a decision stands for a period: "" when it is
// valid (or grants nothing), otherwise why it is flagged.
func validityText(state string, from, to exam.Date) string {
	switch state {
	case exam.ValidityNone:
		return lang.L("validity.none")
	case exam.ValidityNotYet:
		return lang.L("validity.not_yet", map[string]any{"From": from.String()})
	case exam.ValidityExpired:
		return lang.L("validity.expired", map[string]any{"To": to.String()})
	}
	return ""
}

// accommodationWarnings is the flag of a session whose candidates'
// decisions do not cover its dates, "" when all do.
func accommodationWarnings(s *exam.Session) string {
	ws := s.AccommodationWarnings()
	if len(ws) == 0 {
		return ""
	}
	parts := make([]string, len(ws))
	for i, w := range ws {
		parts[i] = lang.L("validity.candidate", map[string]any{"Name": w.Name, "State": validityText(w.Validity, w.ValidFrom, w.ValidTo)})
	}
	return lang.L("validity.session", map[string]any{"List": strings.Join(parts, lang.L("list.separator"))})
}
