package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/amisjury/amis/exam"
)

// marker is in the medical justification of the tests' profiles: it must
// show nowhere but on the referent's screen.
const marker = "MARQUEUR-MEDICAL-c41d"

// profileFor is a profile granting a tiers-temps, a scribe, enlarged
// documents and 200 % text, with a justification holding the marker.
func profileFor(c *exam.Candidate) *exam.AccommodationProfile {
	return &exam.AccommodationProfile{
		CandidateID: c.ID,
		Decision: exam.AccommodationDecision{Authority: "MDPH du Rhône", Reference: "MDPH 69 — décision n° 2026-014587",
			Date: exam.NewDate(2026, 2, 10), ValidFrom: exam.NewDate(2026, 2, 10), ValidTo: exam.NewDate(2028, 2, 9)},
		Justification:    "Dyslexie sévère " + marker,
		Time:             exam.TimeAllowance{ExtraPercent: 33},
		Aids:             exam.HumanAids{Scribe: true},
		Room:             exam.RoomAids{EnlargedDocuments: true},
		Screen:           exam.ScreenNeeds{TextScale: 200},
		JuryInstructions: "Lire les consignes à voix haute.",
	}
}

// openAccommodations enters the window as the referent and waits for the
// candidate list.
func openAccommodations(f *fixture) *accommodationsScreen {
	f.t.Helper()
	f.openAs(f.deps(), referent)
	s := f.mw.accommodations
	f.waitFor("the list", func() bool { return !s.searching })
	return s
}

// choose selects the candidate id in the list and waits for the profile.
func (s *accommodationsScreen) choose(f *fixture, id int64) {
	f.t.Helper()
	for i, it := range s.items {
		if it.ID == id {
			s.list.Select(i)
		}
	}
	f.waitFor("the profile", func() bool { return s.candID == id && !s.fetching })
}

func TestAccommodations_FormComputesTimesSavesAndShowsErrors(t *testing.T) {
	sf := newSessionFixture(t)
	a := sf.create(candidate("Dupont", "Marie", "01/02/1990"))
	sf.create(candidate("Martin", "Paul", "23/11/1979"))
	// A running épreuve of Dupont: saving the profile moves its deadline.
	s := sf.session(exam.KindCertification, []*exam.Candidate{a}, nil, true)
	if err := sf.evals.RecordTimerEvent(sf.ctx, jury, s.ID, a.ID, "MSP", exam.TimerEvent{Kind: exam.TimerStart, At: day0}); err != nil {
		t.Fatal(err)
	}

	as := openAccommodations(sf.fixture)
	if as.count.Text != "2 candidats · 0 profil d'aménagement" || as.form.Visible() {
		t.Fatalf("list: %q, form shown %v", as.count.Text, as.form.Visible())
	}
	as.choose(sf.fixture, a.ID)
	if !as.form.Visible() || as.title.Text != "Aménagements de DUPONT Marie" || as.updated.Text != "Aucun profil enregistré pour ce candidat." {
		t.Fatalf("form: %v %q %q", as.form.Visible(), as.title.Text, as.updated.Text)
	}
	if as.timeTexts[0] != "Mise en situation professionnelle (MSP) : 1 h (base 1 h)" {
		t.Errorf("times before: %q", as.timeTexts)
	}

	// The times follow the typing.
	test.Type(as.extraPercent, "33")
	test.Type(as.extraMinutes, "5")
	if as.timeTexts[0] != "Mise en situation professionnelle (MSP) : 1 h 25 (base 1 h)" ||
		as.timeTexts[3] != "Entretien final (EF) : 32 min (base 20 min)" || !as.dirty {
		t.Errorf("times with 33 %% + 5 min: %q", as.timeTexts)
	}
	test.Tap(as.addOverride)
	ov := as.overrideRows[0]
	ov.trial.SetSelectedIndex(3) // Entretien final
	if as.timeTexts[3] != "Entretien final (EF) : 20 min (base 20 min)" {
		t.Errorf("override of EF: %q", as.timeTexts[3])
	}
	test.Tap(as.addBreak)
	br := as.breakRows[0]
	test.Type(br.at, "45")
	test.Type(br.length, "abc")

	// What the form cannot read is said under the field; nothing is sent.
	as.scribe.SetChecked(true)
	test.Type(as.justification, "Dyslexie sévère "+marker)
	test.Tap(as.saveButton)
	if !br.err.Visible() || br.err.Text != "durée : « abc » n'est pas un nombre entier" || as.saving {
		t.Fatalf("break error %q (saving %v)", br.err.Text, as.saving)
	}
	br.length.SetText("10")
	// The service's field errors: the decision and the override's reason.
	test.Tap(as.saveButton)
	sf.waitFor("the refusal", func() bool { return !as.saving })
	if l := as.errs[exam.FieldDecisionAuthority]; !l.Visible() || l.Text != "L'autorité qui a pris la décision est obligatoire" {
		t.Errorf("authority error %q", l.Text)
	}
	if !ov.err.Visible() || !strings.Contains(ov.err.Text, "Motif") {
		t.Errorf("override error %q", ov.err.Text)
	}
	if as.status.Importance != widget.DangerImportance {
		t.Errorf("status %q", as.status.Text)
	}
	if p, _ := sf.accommodations.Profile(sf.ctx, referent, a.ID); p.Granted() {
		t.Fatal("a refused profile was stored")
	}

	test.Type(as.authority, "MDPH du Rhône")
	test.Type(as.reference, "MDPH 69 — décision n° 2026-014587")
	test.Type(as.validFrom, "01/01/2026")
	test.Type(as.validTo, "31/12/2027")
	test.Type(ov.reason, "Pas de temps majoré à l'entretien final")
	as.textScale.SetSelected("200 %")
	as.maxChoices.SetSelected("3 au plus")
	as.hideCountdown.SetChecked(true)
	as.spreadDays.SetSelectedIndex(1)
	test.Type(as.instructions, "Lire les consignes à voix haute.")
	sf.mw.onSave() // Ctrl+S
	sf.waitFor("the save", func() bool { return !as.saving })
	if as.status.Text != "Enregistré. Le temps de 1 épreuve en cours a été recalculé." || as.status.Importance != widget.SuccessImportance {
		t.Fatalf("after save: %q", as.status.Text)
	}
	p, err := sf.accommodations.Profile(sf.ctx, referent, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := exam.TimeAllowance{ExtraPercent: 33, ExtraMinutes: 5,
		Breaks:    []exam.Break{{At: 45 * time.Minute, Length: 10 * time.Minute}},
		Overrides: []exam.TrialOverride{{Trial: "EF", Reason: "Pas de temps majoré à l'entretien final"}}}
	if p.Decision.Authority != "MDPH du Rhône" || p.Decision.ValidTo != exam.NewDate(2027, 12, 31) ||
		p.Justification != "Dyslexie sévère "+marker || !p.Aids.Scribe || p.Screen.TextScale != 200 || p.Screen.MaxChoices != 3 ||
		!p.Screen.HideCountdown || p.SpreadDays != 2 || p.JuryInstructions != "Lire les consignes à voix haute." ||
		p.Time.ExtraPercent != want.ExtraPercent || p.Time.ExtraMinutes != want.ExtraMinutes ||
		len(p.Time.Breaks) != 1 || p.Time.Breaks[0] != want.Breaks[0] || len(p.Time.Overrides) != 1 || p.Time.Overrides[0] != want.Overrides[0] {
		t.Errorf("stored %+v", p)
	}
	if !strings.HasPrefix(as.updated.Text, "Modifié le ") || as.dirty || as.deleteButton.Disabled() {
		t.Errorf("after save: %q, dirty %v", as.updated.Text, as.dirty)
	}
	sf.waitFor("the list", func() bool { return as.count.Text == "2 candidats · 1 profil d'aménagement" })
	row := newTwoLineRow()
	as.updateRow(0, row)
	if got := strings.Join(texts(row), "|"); got != "DUPONT Marie|8 aménagements · valable jusqu'au 31/12/2027" {
		t.Errorf("row %q", got)
	}
	// Seulement les candidats avec aménagements.
	as.onlyProfiles.SetChecked(true)
	if len(as.items) != 1 || as.items[0].ID != a.ID {
		t.Errorf("filtered list %+v", as.items)
	}
}

func TestAccommodations_ExpiredDecisionIsFlagged(t *testing.T) {
	sf := newSessionFixture(t)
	a := sf.create(candidate("Dupont", "Marie", "01/02/1990"))
	p := profileFor(a)
	p.Decision.ValidTo = exam.NewDate(2026, 5, 31) // before the session of 15/06/2026
	if _, err := sf.accommodations.SaveProfile(sf.ctx, referent, p); err != nil {
		t.Fatal(err)
	}
	s := sf.session(exam.KindCertification, []*exam.Candidate{a}, nil, false)

	// Before the start, every sub-screen of the session says so.
	v := sf.openSession(s.ID)
	if !v.validity.Visible() || !strings.Contains(v.validity.Text, "DUPONT Marie (décision expirée le 31/05/2026)") {
		t.Errorf("validity flag: %v %q", v.validity.Visible(), v.validity.Text)
	}
	// The referent's list marks it as of today.
	sf.now = day0
	as := openAccommodations(sf.fixture)
	row := newTwoLineRow()
	as.updateRow(0, row)
	if got := strings.Join(texts(row), "|"); !strings.Contains(got, "⚠ 4 aménagements · décision expirée le 31/05/2026") {
		t.Errorf("row %q", got)
	}
}

// shownTexts is every text of the window: its content and its dialogs.
func shownTexts(f *fixture) string {
	c := f.mw.win.Canvas()
	out := canvasTexts(c.Content())
	for _, o := range c.Overlays().List() {
		out += canvasTexts(o)
	}
	return out
}

func TestCandidateCard_JurySeesFunctionalAccommodationsNeverTheJustification(t *testing.T) {
	sf := newSessionFixture(t)
	a := sf.create(candidate("Dupont", "Marie", "01/02/1990"))
	b := sf.create(candidate("Martin", "Paul", "23/11/1979"))
	if _, err := sf.accommodations.SaveProfile(sf.ctx, referent, profileFor(a)); err != nil {
		t.Fatal(err)
	}
	s := sf.session(exam.KindCertification, []*exam.Candidate{a, b}, nil, true)

	// The jury: the card in the Chronomètre, Évaluation and Journée screens.
	v := sf.openSession(s.ID)
	wantItems := "• Temps majoré de 33 %\n• Secrétaire\n• Documents agrandis\n• Texte à 200 %"
	check := func(where string, tab *container.TabItem, card *accommodationCard) {
		t.Helper()
		sf.show(v, tab)
		sf.waitIdle()
		if card != nil && (!card.content.Visible() || card.title.Text != "Aménagements de DUPONT Marie" || card.items.Text != wantItems ||
			card.instructions.Text != "Consignes pour le jury : Lire les consignes à voix haute.") {
			t.Errorf("%s card: shown %v, %q, %q, %q", where, card.content.Visible(), card.title.Text, card.items.Text, card.instructions.Text)
		}
		if text := shownTexts(sf.fixture); strings.Contains(text, marker) || strings.Contains(text, "Dyslexie") {
			t.Errorf("%s shows the justification", where)
		}
	}
	check("Chronomètre", v.timerTab, v.timer.card)
	check("Évaluation", v.gradingTab, v.grading.card)
	check("Journée", v.dayTab, nil)
	if text := allText(v.day.table); !strings.Contains(text, "Aménagements : Temps majoré de 33 % ; Secrétaire ; Documents agrandis ; Texte à 200 %") ||
		!strings.Contains(text, "Consignes pour le jury : Lire les consignes à voix haute.") {
		t.Errorf("Journée:\n%s", text)
	}
	check("Préparation", v.editorTab, nil)
	check("Délibération", v.delibTab, nil)
	check("Procès-verbal", v.pvTab, nil)
	// Martin has none: no card.
	v.timer.candidate.SetSelectedIndex(1)
	if v.timer.card.content.Visible() {
		t.Error("a card for a candidate without accommodations")
	}
	mw := sf.mw
	mw.tabs.Select(mw.candidatesTab)
	mw.candidates.list.Select(0)
	sf.waitFor("the candidate", func() bool { return mw.candidates.current != nil })
	if strings.Contains(shownTexts(sf.fixture), marker) {
		t.Error("the jury's candidate screen shows the justification")
	}

	// The administrator's screens neither.
	v = sf.switchTo(admin, s.ID)
	for _, tab := range v.tabs.Items {
		sf.show(v, tab)
		sf.waitIdle()
		if strings.Contains(shownTexts(sf.fixture), marker) {
			t.Errorf("the administrator's %s shows the justification", tab.Text)
		}
	}
	sf.mw.tabs.Select(sf.mw.candidatesTab)
	sf.mw.candidates.list.Select(0)
	sf.waitFor("the candidate", func() bool { return sf.mw.candidates.current != nil })
	if strings.Contains(shownTexts(sf.fixture), marker) {
		t.Error("the administrator's candidate screen shows the justification")
	}

	// The referent sees it (and so the search above would have found it).
	sf.mw.logout()
	sf.enter(referent)
	as := sf.mw.accommodations
	sf.waitFor("the list", func() bool { return !as.searching })
	as.choose(sf.fixture, a.ID)
	if !strings.Contains(shownTexts(sf.fixture), marker) {
		t.Error("the referent's own screen does not show the justification: is the search blind?")
	}
}

func TestTimer_ProfileChangedDuringTheEpreuveMovesTheDeadline(t *testing.T) {
	sf := newSessionFixture(t)
	s := timerCase(t, sf)
	a := s.Candidates[0].Candidate
	tm := openTimer(sf, s.ID)
	test.Tap(tm.startBtn) // 09:00
	sf.waitFor("the start", func() bool { return !tm.busy })
	sf.now = day0.Add(10 * time.Minute)
	tm.show()
	if tm.deadline.Text != "Fin prévue : 10:20" {
		t.Fatalf("before: %q", tm.deadline.Text)
	}
	// The referent grants a half-time instead of the tiers-temps.
	p := profileFor(&a)
	p.Time.ExtraPercent = 50
	n, err := sf.accommodations.SaveProfile(sf.ctx, referent, p)
	if err != nil || n != 1 {
		t.Fatalf("save profile: %d, %v", n, err)
	}
	tm.poll() // the ticker does this every few seconds
	sf.waitIdle()
	if tm.deadline.Text != "Fin prévue : 10:30" || tm.allowed.Text != "Temps imparti : 1 h 30 (base 1 h)" {
		t.Errorf("after the change: %q, %q", tm.deadline.Text, tm.allowed.Text)
	}
}
