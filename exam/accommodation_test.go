package exam_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/amisjury/amis/exam"
)

var (
	msp = exam.Trial{Code: "MSP", Minutes: 60, PrepMinutes: 20}
	ef  = exam.Trial{Code: "EF", Minutes: 20}
)

// decided is a decision valid through 2026.
var decided = exam.AccommodationDecision{Authority: "MDPH du Rhône", Date: exam.NewDate(2025, 12, 1),
	Reference: "MDPH 69 — décision n° 2025-014587", ValidFrom: exam.NewDate(2026, 1, 1), ValidTo: exam.NewDate(2026, 12, 31)}

// The time rules as a profile applies them: the deadline a jury sees for
// an épreuve, from the profile's allowance and the clock's events.
func TestAccommodationProfile_TimeRules(t *testing.T) {
	start := time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC)
	mins := func(n int) time.Duration { return time.Duration(n) * time.Minute }
	event := func(k exam.TimerEventKind, after int) exam.TimerEvent {
		return exam.TimerEvent{Kind: k, At: start.Add(mins(after))}
	}
	tests := []struct {
		name     string
		time     exam.TimeAllowance
		trial    exam.Trial
		events   []exam.TimerEvent
		now      int // minutes after the start
		label    string
		deadline int // minutes after the start
		span     time.Duration
	}{
		{"percentage (tiers-temps)", exam.TimeAllowance{ExtraPercent: 33}, msp, nil, 30,
			"1 h 20 (base 1 h)", 80, mins(107)},
		{"fixed minutes", exam.TimeAllowance{ExtraMinutes: 30}, msp, nil, 30,
			"1 h 30 (base 1 h)", 90, mins(110)},
		{"both: percentage rounded up, then minutes", exam.TimeAllowance{ExtraPercent: 33, ExtraMinutes: 10}, msp, nil, 30,
			"1 h 30 (base 1 h)", 90, mins(117)},
		{"planned breaks lengthen the span, not the working time", exam.TimeAllowance{ExtraPercent: 33,
			Breaks: []exam.Break{{At: mins(45), Every: mins(45), Length: mins(10)}}}, msp, nil, 30,
			"1 h 20 (base 1 h)", 80, mins(117)},
		{"pauses move the deadline and keep the extra time", exam.TimeAllowance{ExtraPercent: 33}, msp,
			[]exam.TimerEvent{event(exam.TimerPause, 45), event(exam.TimerResume, 55), event(exam.TimerPause, 70), event(exam.TimerResume, 75)}, 80,
			"1 h 20 (base 1 h)", 95, mins(107)},
		{"override: no extra time on the entretien final", exam.TimeAllowance{ExtraPercent: 33, ExtraMinutes: 10,
			Overrides: []exam.TrialOverride{{Trial: "EF", Reason: "Entretien oral"}}}, ef, nil, 5,
			"20 min (base 20 min)", 20, mins(20)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := exam.AccommodationProfile{Decision: decided, Time: tt.time}
			if err := p.Validate(); err != nil {
				t.Fatal(err)
			}
			allot := p.Time.Allot(tt.trial)
			if allot.Label() != tt.label || allot.Span() != tt.span {
				t.Fatalf("allot = %q span %v, want %q span %v", allot.Label(), allot.Span(), tt.label, tt.span)
			}
			timer := exam.NewTimer(allot, append([]exam.TimerEvent{event(exam.TimerStart, 0)}, tt.events...))
			st := timer.Status(start.Add(mins(tt.now)))
			if !st.Deadline.Equal(start.Add(mins(tt.deadline))) || st.Label() != tt.label {
				t.Fatalf("deadline %v (%s), want +%d min (%s)", st.Deadline, st.Label(), tt.deadline, tt.label)
			}
		})
	}

	t.Run("mid-épreuve change moves the deadline at once", func(t *testing.T) {
		before := exam.TimeAllowance{ExtraPercent: 33}
		after := exam.TimeAllowance{ExtraPercent: 50, ExtraMinutes: 10}
		timer := exam.NewTimer(before.Allot(msp), []exam.TimerEvent{event(exam.TimerStart, 0), event(exam.TimerPause, 20), event(exam.TimerResume, 25)})
		if st := timer.Status(start.Add(mins(30))); !st.Deadline.Equal(start.Add(mins(85))) {
			t.Fatalf("deadline before = %v", st.Deadline)
		}
		if err := timer.Record(exam.TimerEvent{Kind: exam.TimerExtra, At: start.Add(mins(30)), Extra: after.Allot(msp).Extra,
			Reason: "Profil d'aménagement modifié"}); err != nil {
			t.Fatal(err)
		}
		st := timer.Status(start.Add(mins(31)))
		if !st.Deadline.Equal(start.Add(mins(105))) || st.Extra != mins(40) || st.Remaining != mins(74) || st.Label() != "1 h 40 (base 1 h)" {
			t.Fatalf("after the change: deadline %v extra %v remaining %v %q", st.Deadline, st.Extra, st.Remaining, st.Label())
		}
		// The extra time cannot change once the épreuve has ended.
		if err := timer.Record(exam.TimerEvent{Kind: exam.TimerEnd, At: start.Add(mins(100))}); err != nil {
			t.Fatal(err)
		}
		err := timer.Record(exam.TimerEvent{Kind: exam.TimerExtra, At: start.Add(mins(101)), Extra: 0, Reason: "x"})
		if exam.ErrorCode(err) != exam.EINVALID {
			t.Fatalf("extra after the end: %v", err)
		}
	})

	t.Run("crossing midnight", func(t *testing.T) {
		paris := time.FixedZone("CET", 3600)
		late := time.Date(2026, 3, 2, 23, 10, 0, 0, paris)
		p := exam.AccommodationProfile{Decision: decided, Time: exam.TimeAllowance{ExtraPercent: 33, ExtraMinutes: 10}}
		timer := exam.NewTimer(p.Time.Allot(msp), []exam.TimerEvent{{Kind: exam.TimerStart, At: late},
			{Kind: exam.TimerPause, At: late.Add(mins(45))}, {Kind: exam.TimerResume, At: late.Add(mins(50))}})
		st := timer.Status(late.Add(mins(60)).UTC())
		if st.Deadline.In(paris).Format("02/01 15:04") != "03/03 00:45" || st.Elapsed != mins(55) || st.Remaining != mins(35) {
			t.Fatalf("deadline %v elapsed %v remaining %v", st.Deadline.In(paris), st.Elapsed, st.Remaining)
		}
	})
}

func TestAccommodationProfile_Validate(t *testing.T) {
	ok := exam.AccommodationProfile{Decision: decided, Time: exam.TimeAllowance{ExtraPercent: 33}}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	// Nothing granted needs no decision.
	if err := (&exam.AccommodationProfile{JuryInstructions: "  "}).Validate(); err != nil {
		t.Fatal(err)
	}
	bad := exam.AccommodationProfile{
		Decision:      exam.AccommodationDecision{ValidFrom: exam.NewDate(2026, 5, 1), ValidTo: exam.NewDate(2026, 4, 1), Date: exam.NewDate(2026, 2, 30)},
		Justification: strings.Repeat("x", 4001),
		SpreadDays:    9,
		Aids:          exam.HumanAids{Scribe: true},
		Screen:        exam.ScreenNeeds{TextScale: 350, LineSpacing: 50, MaxChoices: 1},
		Time:          exam.TimeAllowance{ExtraPercent: 150, Overrides: []exam.TrialOverride{{Trial: "EF"}}},
	}
	var got []string
	for _, f := range exam.FieldErrors(bad.Validate()) {
		got = append(got, f.Field+" "+f.Key)
	}
	for _, want := range []string{
		"decision.authority err.accommodation.authority", "decision.reference err.accommodation.reference",
		"decision.date err.date.calendar", "decision.valid_to err.accommodation.validity",
		"justification err.too_long", "spread_days err.accommodation.spread",
		"screen.text_scale err.accommodation.text_scale", "screen.line_spacing err.accommodation.line_spacing",
		"screen.max_choices err.accommodation.max_choices", "time.extra_percent err.allowance.percent",
		"time.overrides[0].reason err.allowance.override_reason",
	} {
		if !slices.Contains(got, want) {
			t.Errorf("missing %q in %v", want, got)
		}
	}
	ref := &exam.Referentiel{Trials: []exam.Trial{msp, ef}}
	p := exam.AccommodationProfile{Time: exam.TimeAllowance{Breaks: []exam.Break{{Trial: "QCM", At: time.Minute, Length: time.Minute}}}}
	if f := exam.FieldErrors(p.CheckTrials(ref)); len(f) != 1 || f[0].Field != "time.breaks[0].trial" {
		t.Errorf("CheckTrials = %+v", f)
	}
}

// The functional items never include the decision or the justification.
func TestAccommodationProfile_Items(t *testing.T) {
	p := exam.AccommodationProfile{Decision: decided, Justification: "Surdité profonde",
		Time: exam.TimeAllowance{ExtraPercent: 33, ExtraMinutes: 10, StartOffset: 30 * time.Minute,
			Breaks:    []exam.Break{{At: 45 * time.Minute, Length: 5 * time.Minute}},
			Overrides: []exam.TrialOverride{{Trial: "EF", Reason: "oral"}}},
		SpreadDays: 2,
		Aids:       exam.HumanAids{Scribe: true, LSFInterpreter: true},
		Room:       exam.RoomAids{SeparateRoom: true, Other: "Lampe"},
		Screen:     exam.ScreenNeeds{TextScale: 200, HighContrast: true, HideCountdown: true, KeyboardOnly: true},
	}
	want := "Temps majoré de 33 % + 10 min ; Pauses (1) ; Horaire de début décalé de 30 min ; Temps adapté par épreuve ; " +
		"Épreuves réparties sur 2 jours ; Secrétaire ; Interprète LSF ; Salle séparée ; Autre aménagement : Lampe ; " +
		"Texte à 200 % ; Contraste élevé ; Compte à rebours masqué ; Clavier seul"
	if got := p.FrenchList(); got != want {
		t.Errorf("FrenchList =\n%s\nwant\n%s", got, want)
	}
	for _, it := range p.Items() {
		if strings.Contains(it.French, "Surdité") || strings.Contains(it.French, "MDPH") {
			t.Errorf("item %+v", it)
		}
	}
	r := p.Redacted()
	r.Time.Breaks[0].Length = time.Hour
	if r.Justification != "" || p.Justification == "" || p.Time.Breaks[0].Length != 5*time.Minute {
		t.Errorf("Redacted: %+v / original %+v", r, p)
	}
	var none *exam.AccommodationProfile
	if none.Granted() || (&exam.AccommodationProfile{Decision: decided}).Granted() {
		t.Error("a profile granting nothing is granted")
	}
}

func TestSessionCandidate_AccommodationList(t *testing.T) {
	tests := []struct {
		name    string
		sc      exam.SessionCandidate
		granted bool
		list    string
	}{
		{"nothing", exam.SessionCandidate{}, false, ""},
		{"allowance without a profile", exam.SessionCandidate{Allowance: exam.TimeAllowance{ExtraPercent: 33}}, true, "Temps majoré de 33 %"},
		{"profile", exam.SessionCandidate{Allowance: exam.TimeAllowance{ExtraMinutes: 15},
			Accommodations: &exam.AccommodationProfile{Decision: decided, Time: exam.TimeAllowance{ExtraMinutes: 15}, Aids: exam.HumanAids{Reader: true}}},
			true, "Temps majoré de 15 min ; Lecteur"},
		{"profile granting nothing", exam.SessionCandidate{Accommodations: &exam.AccommodationProfile{Decision: decided}}, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.sc.AccommodationsGranted() != tt.granted || tt.sc.AccommodationList() != tt.list {
				t.Errorf("granted %v list %q, want %v %q", tt.sc.AccommodationsGranted(), tt.sc.AccommodationList(), tt.granted, tt.list)
			}
		})
	}
}

func TestSession_AccommodationWarnings(t *testing.T) {
	expired := decided
	expired.ValidTo = exam.NewDate(2026, 6, 14)
	later := decided
	later.ValidFrom = exam.NewDate(2026, 6, 16)
	undated := exam.AccommodationDecision{Authority: "DDETS", Reference: "R-1"}
	prof := func(d exam.AccommodationDecision) *exam.AccommodationProfile {
		return &exam.AccommodationProfile{Decision: d, Time: exam.TimeAllowance{ExtraPercent: 33}}
	}
	s := exam.Session{StartDate: exam.NewDate(2026, 6, 15), EndDate: exam.NewDate(2026, 6, 16)}
	for i, p := range []*exam.AccommodationProfile{nil, prof(decided), prof(expired), prof(later), prof(undated),
		{Decision: expired}} { // grants nothing: nothing to check
		s.Candidates = append(s.Candidates, exam.SessionCandidate{Candidate: exam.Candidate{ID: int64(i + 1), BirthName: "N", FirstNames: "P"},
			Accommodations: p})
	}
	var got []string
	for _, w := range s.AccommodationWarnings() {
		got = append(got, string(rune('0'+w.CandidateID))+" "+w.Validity)
	}
	// The decision ending on the first of two days does not cover the
	// second; the one starting on the second does not cover the first.
	want := []string{"3 expired", "4 not_yet", "5 no_decision"}
	if !slices.Equal(got, want) {
		t.Errorf("warnings = %v, want %v", got, want)
	}
	one := exam.AccommodationProfile{Decision: expired, Time: exam.TimeAllowance{ExtraPercent: 33}}
	if v := one.ValidityFor(exam.NewDate(2026, 6, 14), exam.Date{}); v != exam.ValidityOK {
		t.Errorf("valid on its last day: %q", v)
	}
}
