package exam

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// AccommodationDecision is the administrative decision granting the
// accommodations: who decided, when, its reference and validity.
type AccommodationDecision struct {
	Authority string // "MDPH du Rhône", "DREETS Auvergne-Rhône-Alpes"…
	Date      Date   // date of the decision
	Reference string // the decision's reference
	// ValidFrom and ValidTo bound the decision's validity (inclusive); a
	// zero bound is open.
	ValidFrom, ValidTo Date
}

// HumanAids are the people assisting the candidate.
type HumanAids struct {
	Scribe         bool   // secrétaire
	Reader         bool   // lecteur
	LSFInterpreter bool   // interprète en langue des signes
	OtherAssistant string // other assistant, "" if none
}

// RoomAids are the room and materials.
type RoomAids struct {
	SeparateRoom      bool
	EnlargedDocuments bool
	AdaptedFurniture  bool
	OwnEquipment      bool
	Other             string
}

// ScreenNeeds are the settings of the on-screen candidate mode (QCM).
type ScreenNeeds struct {
	// TextScale is the text size in percent: 0 or 100 is normal, up to
	// MaxTextScale.
	TextScale int
	// HighContrast selects the high-contrast theme.
	HighContrast bool
	// LineSpacing in percent: 0 or 100 is normal, up to MaxLineSpacing.
	LineSpacing int
	// HideCountdown hides the remaining time from the candidate.
	HideCountdown bool
	// MaxChoices reduces the number of choices shown per question (the
	// right ones always kept); 0 shows them all, otherwise at least 2.
	MaxChoices int
	// KeyboardOnly: the candidate works with the keyboard alone.
	KeyboardOnly bool
}

// Screen bounds.
const (
	MaxTextScale   = 300
	MaxLineSpacing = 250
)

// Scale returns the text scale as a factor (1 for normal).
func (s ScreenNeeds) Scale() float32 {
	if s.TextScale <= 0 {
		return 1
	}
	return float32(s.TextScale) / 100
}

// AccommodationProfile is a candidate's accommodations, as the accessibility
// referent (référent handicap) records them. Justification is the medical
// reason: only a referent reads it (PermReadJustification); storage never
// returns it to anyone else, never logs it and never exports it. Everything
// else is functional: what the jury and the candidate mode apply.
type AccommodationProfile struct {
	CandidateID   int64
	Decision      AccommodationDecision
	Justification string
	Time          TimeAllowance
	// SpreadDays spreads the candidate's épreuves over that many days
	// (0 or 1: one day).
	SpreadDays       int
	Aids             HumanAids
	Room             RoomAids
	Screen           ScreenNeeds
	JuryInstructions string
	// Updated and UpdatedBy say who changed the profile last.
	Updated   time.Time
	UpdatedBy string
}

// Field identifiers of AccommodationProfile errors (time fields are those of
// TimeAllowance, prefixed "time.").
const (
	FieldDecisionAuthority = "decision.authority"
	FieldDecisionDate      = "decision.date"
	FieldDecisionReference = "decision.reference"
	FieldValidFrom         = "decision.valid_from"
	FieldValidity          = "decision.valid_to"
	FieldJustification     = "justification"
	FieldSpreadDays        = "spread_days"
	FieldOtherAssistant    = "aids.other"
	FieldRoomOther         = "room.other"
	FieldTextScale         = "screen.text_scale"
	FieldLineSpacing       = "screen.line_spacing"
	FieldMaxChoices        = "screen.max_choices"
	FieldJuryInstructions  = "jury_instructions"
)

// Validate checks the profile. A profile that grants something needs its
// decision (authority and reference).
func (p *AccommodationProfile) Validate() error {
	var v Validation
	text := func(field string, s *string, maxLen int) {
		*s = strings.TrimSpace(*s)
		if utf8.RuneCountInString(*s) > maxLen {
			v.Add(field, "err.too_long", "at most {{.Max}} characters", map[string]any{"Max": maxLen})
		}
	}
	d := &p.Decision
	text(FieldDecisionAuthority, &d.Authority, 200)
	text(FieldDecisionReference, &d.Reference, 100)
	text(FieldJustification, &p.Justification, 4000)
	text(FieldOtherAssistant, &p.Aids.OtherAssistant, 200)
	text(FieldRoomOther, &p.Room.Other, 200)
	text(FieldJuryInstructions, &p.JuryInstructions, 2000)
	if p.Granted() {
		if d.Authority == "" {
			v.Add(FieldDecisionAuthority, "err.accommodation.authority", "the decision's authority is required", nil)
		}
		if d.Reference == "" {
			v.Add(FieldDecisionReference, "err.accommodation.reference", "the decision's reference is required", nil)
		}
	}
	for _, dd := range []struct {
		field string
		date  Date
	}{{FieldDecisionDate, d.Date}, {FieldValidFrom, d.ValidFrom}, {FieldValidity, d.ValidTo}} {
		if !dd.date.IsZero() && !dd.date.Valid() {
			v.Add(dd.field, "err.date.calendar", "“{{.Value}}” does not exist in the calendar", map[string]any{"Value": dd.date.String()})
		}
	}
	if !d.ValidFrom.IsZero() && !d.ValidTo.IsZero() && d.ValidTo.Before(d.ValidFrom) {
		v.Add(FieldValidity, "err.accommodation.validity", "the end of validity is before its start", nil)
	}
	if p.SpreadDays < 0 || p.SpreadDays > 5 {
		v.Add(FieldSpreadDays, "err.accommodation.spread", "between 1 and {{.Max}} days", map[string]any{"Max": 5})
	}
	s := p.Screen
	if s.TextScale != 0 && (s.TextScale < 100 || s.TextScale > MaxTextScale) {
		v.Add(FieldTextScale, "err.accommodation.text_scale", "text size between 100 % and {{.Max}} %", map[string]any{"Max": MaxTextScale})
	}
	if s.LineSpacing != 0 && (s.LineSpacing < 100 || s.LineSpacing > MaxLineSpacing) {
		v.Add(FieldLineSpacing, "err.accommodation.line_spacing", "line spacing between 100 % and {{.Max}} %", map[string]any{"Max": MaxLineSpacing})
	}
	if s.MaxChoices != 0 && (s.MaxChoices < 2 || s.MaxChoices > 10) {
		v.Add(FieldMaxChoices, "err.accommodation.max_choices", "between 2 and {{.Max}} choices", map[string]any{"Max": 10})
	}
	p.Time.validateInto(&v, "time.")
	return v.Err("accommodation profile")
}

// CheckTrials returns field errors for time breaks and overrides naming an
// épreuve unknown to ref.
func (p *AccommodationProfile) CheckTrials(ref *Referentiel) error {
	var v Validation
	p.Time.checkTrialsInto(&v, "time.", ref)
	return v.Err("accommodation profile")
}

// Redacted returns a copy without the justification: what every role but
// the referent receives.
func (p *AccommodationProfile) Redacted() *AccommodationProfile {
	c := *p
	c.Justification = ""
	c.Time.Breaks = append([]Break(nil), p.Time.Breaks...)
	c.Time.Overrides = append([]TrialOverride(nil), p.Time.Overrides...)
	return &c
}

// Granted reports whether the profile grants any functional accommodation.
func (p *AccommodationProfile) Granted() bool {
	return p != nil && len(p.Items()) > 0
}

// AccommodationItem is one functional accommodation, for cards, the PV and
// the export: Code identifies it (the UI translates "accommodation.<Code>"
// with Data), French is its French wording.
type AccommodationItem struct {
	Code   string
	Data   map[string]any
	French string
}

// Items lists the functional accommodations granted, in a fixed order.
// Nothing medical: the justification and the decision are not items.
func (p *AccommodationProfile) Items() []AccommodationItem {
	if p == nil {
		return nil
	}
	var out []AccommodationItem
	add := func(code, french string, data map[string]any) {
		out = append(out, AccommodationItem{Code: code, Data: data, French: french})
	}
	t := &p.Time
	switch {
	case t.ExtraPercent > 0 && t.ExtraMinutes > 0:
		add("extra_both", fmt.Sprintf("Temps majoré de %d %% + %d min", t.ExtraPercent, t.ExtraMinutes), map[string]any{"Percent": t.ExtraPercent, "Minutes": t.ExtraMinutes})
	case t.ExtraPercent > 0:
		add("extra_percent", fmt.Sprintf("Temps majoré de %d %%", t.ExtraPercent), map[string]any{"Percent": t.ExtraPercent})
	case t.ExtraMinutes > 0:
		add("extra_minutes", fmt.Sprintf("Temps majoré de %d min", t.ExtraMinutes), map[string]any{"Minutes": t.ExtraMinutes})
	}
	if len(t.Breaks) > 0 {
		add("breaks", fmt.Sprintf("Pauses (%d)", len(t.Breaks)), map[string]any{"Count": len(t.Breaks)})
	}
	if t.StartOffset != 0 {
		add("start_offset", "Horaire de début décalé de "+FormatDuration(t.StartOffset), map[string]any{"Offset": FormatDuration(t.StartOffset)})
	}
	if len(t.Overrides) > 0 {
		add("overrides", "Temps adapté par épreuve", nil)
	}
	if p.SpreadDays > 1 {
		add("spread_days", fmt.Sprintf("Épreuves réparties sur %d jours", p.SpreadDays), map[string]any{"Days": p.SpreadDays})
	}
	if p.Aids.Scribe {
		add("scribe", "Secrétaire", nil)
	}
	if p.Aids.Reader {
		add("reader", "Lecteur", nil)
	}
	if p.Aids.LSFInterpreter {
		add("lsf", "Interprète LSF", nil)
	}
	if p.Aids.OtherAssistant != "" {
		add("assistant", "Assistant : "+p.Aids.OtherAssistant, map[string]any{"Text": p.Aids.OtherAssistant})
	}
	if p.Room.SeparateRoom {
		add("separate_room", "Salle séparée", nil)
	}
	if p.Room.EnlargedDocuments {
		add("enlarged_documents", "Documents agrandis", nil)
	}
	if p.Room.AdaptedFurniture {
		add("adapted_furniture", "Mobilier adapté", nil)
	}
	if p.Room.OwnEquipment {
		add("own_equipment", "Matériel personnel", nil)
	}
	if p.Room.Other != "" {
		add("room_other", "Autre aménagement : "+p.Room.Other, map[string]any{"Text": p.Room.Other})
	}
	s := p.Screen
	if s.TextScale > 100 {
		add("text_scale", fmt.Sprintf("Texte à %d %%", s.TextScale), map[string]any{"Percent": s.TextScale})
	}
	if s.HighContrast {
		add("high_contrast", "Contraste élevé", nil)
	}
	if s.LineSpacing > 100 {
		add("line_spacing", fmt.Sprintf("Interligne %d %%", s.LineSpacing), map[string]any{"Percent": s.LineSpacing})
	}
	if s.HideCountdown {
		add("hide_countdown", "Compte à rebours masqué", nil)
	}
	if s.MaxChoices > 0 {
		add("max_choices", fmt.Sprintf("%d choix au plus par question", s.MaxChoices), map[string]any{"Count": s.MaxChoices})
	}
	if s.KeyboardOnly {
		add("keyboard_only", "Clavier seul", nil)
	}
	return out
}

// FrenchList joins the French wording of the items with "; " ("" if none):
// the PV's and the export's column.
func (p *AccommodationProfile) FrenchList() string {
	items := p.Items()
	s := make([]string, len(items))
	for i, it := range items {
		s[i] = it.French
	}
	return strings.Join(s, " ; ")
}

// AccommodationsGranted reports whether the candidate had accommodations in
// the session, as the PV and the certifier are told: the applied profile
// grants something or, without a profile, a time allowance is set.
func (sc *SessionCandidate) AccommodationsGranted() bool {
	if sc.Accommodations != nil {
		return sc.Accommodations.Granted()
	}
	return !sc.Allowance.IsZero()
}

// AccommodationList is the French list of the functional accommodations
// applied in the session (FrenchList of the applied profile; without one,
// that of the time allowance alone), "" when none: the PV's and the
// export's wording, never anything medical.
func (sc *SessionCandidate) AccommodationList() string {
	if sc.Accommodations != nil {
		return sc.Accommodations.FrenchList()
	}
	if sc.Allowance.IsZero() {
		return ""
	}
	p := AccommodationProfile{Time: sc.Allowance}
	return p.FrenchList()
}

// Validity states of a profile for a period.
const (
	ValidityOK       = ""
	ValidityNone     = "no_decision" // grants something but has no decision dates
	ValidityNotYet   = "not_yet"     // the decision starts after the period starts
	ValidityExpired  = "expired"     // the decision ends before the period ends
	ValidityNotGiven = "not_granted" // grants nothing: nothing to check
)

// ValidityFor says whether the decision covers the period [from, to] (to
// zero: one day). It returns ValidityOK when it does, or when the profile
// grants nothing (nothing to check).
func (p *AccommodationProfile) ValidityFor(from, to Date) string {
	if !p.Granted() {
		return ValidityOK
	}
	if to.IsZero() || to.Before(from) {
		to = from
	}
	d := p.Decision
	switch {
	case d.ValidFrom.IsZero() && d.ValidTo.IsZero() && d.Date.IsZero():
		return ValidityNone
	case !d.ValidFrom.IsZero() && from.Before(d.ValidFrom):
		return ValidityNotYet
	case !d.ValidTo.IsZero() && d.ValidTo.Before(to):
		return ValidityExpired
	}
	return ValidityOK
}

// AccommodationWarning flags a candidate of a session whose accommodation
// decision does not cover the session's dates.
type AccommodationWarning struct {
	CandidateID int64
	Name        string
	Validity    string // ValidityNone, ValidityNotYet, ValidityExpired
	ValidFrom   Date
	ValidTo     Date
}

// AccommodationWarnings lists the candidates of s whose accommodation
// decision is outside its validity on the session's dates: flagged before
// the session starts (not blocking: the referent confirms or renews).
func (s *Session) AccommodationWarnings() []AccommodationWarning {
	var out []AccommodationWarning
	for i := range s.Candidates {
		sc := &s.Candidates[i]
		if sc.Accommodations == nil {
			continue
		}
		if st := sc.Accommodations.ValidityFor(s.StartDate, s.EndDate); st != ValidityOK {
			out = append(out, AccommodationWarning{CandidateID: sc.Candidate.ID, Name: sc.Candidate.DisplayName(),
				Validity: st, ValidFrom: sc.Accommodations.Decision.ValidFrom, ValidTo: sc.Accommodations.Decision.ValidTo})
		}
	}
	return out
}

// AccommodationService stores the accommodation profiles.
//
// Permissions: PermReadAccommodations to read (the justification is
// returned empty unless the actor has PermReadJustification),
// PermManageAccommodations to change. Saving a profile also applies it to
// every session of the candidate whose procès-verbal is not signed (its
// time allowance and functional accommodations); a running épreuve gets a
// change of extra time at once (a TimerExtra event, logged).
type AccommodationService interface {
	// Profile returns the candidate's profile; an empty profile (CandidateID
	// set, nothing granted) when none is stored. ENOTFOUND for an unknown
	// candidate.
	Profile(ctx context.Context, a Actor, candidateID int64) (*AccommodationProfile, error)
	// Profiles returns the stored profiles of the given candidates (all
	// when ids is nil), keyed by candidate ID, redacted as Profile does.
	Profiles(ctx context.Context, a Actor, ids []int64) (map[int64]*AccommodationProfile, error)
	// SaveProfile validates and stores p (Validate, CheckTrials), applies it
	// to the candidate's unsigned sessions and returns how many running
	// épreuves had their extra time changed. EINVALID, ENOTFOUND,
	// EFORBIDDEN. The audit entry names the fields changed, never the
	// justification's text.
	SaveProfile(ctx context.Context, a Actor, p *AccommodationProfile) (changedTimers int, err error)
	// DeleteProfile removes the candidate's profile (and applies "nothing
	// granted" to the unsigned sessions).
	DeleteProfile(ctx context.Context, a Actor, candidateID int64) error
}
