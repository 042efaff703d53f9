package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/amisjury/amis/exam"
)

func TestSessionEditor_CreateReadBackAndStart(t *testing.T) {
	sf := newSessionFixture(t)
	a := sf.create(candidate("Dupont", "Marie", "01/02/1990"))
	bc := candidate("Martin", "Paul", "23/11/1979")
	bc.Acquired = []exam.AcquiredBlock{{BlockCode: "RNCP37722BC02", Date: exam.NewDate(2022, 12, 5), SessionRef: "S-22"}}
	b := sf.create(bc)
	sf.as = admin // the administrator prepares the session, the jury starts it
	s := sf.openSessions()
	if !s.empty.Visible() || s.count.Text != "0 session" {
		t.Errorf("empty list: %v %q", s.empty.Visible(), s.count.Text)
	}

	test.Tap(s.newButton)
	v := s.view
	e := v.editor
	if v == nil || v.id != 0 || !v.dayTab.Disabled() || v.tabs.Selected() != v.editorTab {
		t.Fatalf("new session view: %+v", v)
	}
	if e.startDate.Text != "15/06/2026" || e.dayStart.Text != "08:30" || e.kind.Selected != "certification" {
		t.Errorf("defaults: %q %q %q", e.startDate.Text, e.dayStart.Text, e.kind.Selected)
	}
	test.Type(e.place, "Lyon, salle 3")
	test.Type(e.centre, "AFPA Lyon")
	test.Type(e.reference, "2026-LYON-07")

	// Candidates from the stored ones, through the search picker.
	test.Tap(e.addCandidate)
	p := e.picker
	sf.waitFor("the picker's first results", func() bool { return !p.busy && len(p.items) == 2 })
	test.Type(p.search, "dupont")
	sf.waitFor("the search", func() bool { return !p.busy && len(p.items) == 1 })
	p.list.Select(0)
	sf.waitFor("Dupont added", func() bool { return len(e.candRows) == 1 })
	p.search.SetText("")
	sf.waitFor("the search", func() bool { return !p.busy && len(p.items) == 1 && p.items[0].ID == b.ID })
	p.search.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) // Enter adds the first result
	sf.waitFor("Martin added", func() bool { return len(e.candRows) == 2 })
	if !strings.Contains(p.info.Text, "MARTIN Paul ajouté(e)") {
		t.Errorf("picker says %q", p.info.Text)
	}
	p.dialog.Hide()
	martin := e.candRows[1]
	if ccp2 := martin.blocks[1]; !ccp2.Disabled() || ccp2.Checked || ccp2.Text != "CCP2 : déjà acquis" {
		t.Errorf("CCP2 of Martin: disabled %v, checked %v, %q", ccp2.Disabled(), ccp2.Checked, ccp2.Text)
	}

	// One member: the start check lists what is missing.
	test.Tap(e.addMember)
	r1 := e.memberRows[0]
	test.Type(r1.name, "Sophie Bernard")
	test.Type(r1.organisation, "Mairie de Lyon")
	test.Type(r1.habilitation, "HAB-1")
	if r1.role.Selected != "président(e)" {
		t.Errorf("first member's role = %q", r1.role.Selected)
	}
	if text := e.startInfo.Text; !strings.Contains(text, "Pour démarrer la session, il manque :") ||
		!strings.Contains(text, "Le jury doit compter au moins 2 membres") ||
		!strings.Contains(text, "DUPONT Marie : 1 membre(s) du jury peuvent délibérer, il en manque 1") {
		t.Errorf("start check:\n%s", text)
	}
	if e.startButton.Visible() || !strings.Contains(e.startInfo.Text, "La session est démarrée par le jury") {
		t.Errorf("Démarrer offered to the administrator: %v, %q", e.startButton.Visible(), e.startInfo.Text)
	}
	test.Tap(e.saveButton)
	sf.waitFor("the save", func() bool { return !e.saving && v.session != nil && !v.loading })
	if e.status.Text != "Enregistré." || v.id == 0 || v.dayTab.Disabled() {
		t.Fatalf("after save: %q, id %d", e.status.Text, v.id)
	}
	id := v.id
	if v.tabs.Items[len(v.tabs.Items)-1] != v.pvTab || len(v.tabs.Items) != 3 {
		t.Errorf("the administrator's sub-screens: %d tabs", len(v.tabs.Items))
	}

	// The jury cannot start it yet, and the service says why.
	v = sf.switchTo(jury, id)
	e = v.editor
	if !e.saveButton.Hidden || e.addMember.Visible() || !e.startButton.Visible() || e.startButton.Disabled() {
		t.Errorf("the jury's Préparation: save hidden %v, add member %v, start %v/%v",
			e.saveButton.Hidden, e.addMember.Visible(), e.startButton.Visible(), e.startButton.Disabled())
	}
	test.Tap(e.startButton)
	sf.waitIdle()
	if got, _ := sf.sessions.Session(sf.ctx, admin, id); !got.StartedAt.IsZero() {
		t.Fatal("started with one member")
	}
	if !strings.Contains(e.startInfo.Text, "il manque") {
		t.Errorf("after the refused start: %q", e.startInfo.Text)
	}

	// A second member, by the administrator: the check passes.
	v = sf.switchTo(admin, id)
	e = v.editor
	s = sf.mw.sessions
	test.Tap(e.addMember)
	r2 := e.memberRows[1]
	test.Type(r2.name, "Karim Haddad")
	test.Type(r2.organisation, "Transdev")
	test.Type(r2.habilitation, "HAB-2")
	r2.external.SetChecked(true)
	if !strings.HasPrefix(e.startInfo.Text, "Tout est prêt") {
		t.Errorf("start check with two members: %q", e.startInfo.Text)
	}
	sf.shortcut(shortcutSave) // Ctrl+S on the Sessions tab saves the session
	sf.waitFor("the save", func() bool { return !e.saving && !v.loading && len(v.session.Jury) == 2 })

	got, err := sf.sessions.Session(sf.ctx, admin, id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Kind != exam.KindCertification || got.Scope != exam.ScopeFullTitle || got.Place != "Lyon, salle 3" ||
		got.TrainingCentre != "AFPA Lyon" || got.Reference != "2026-LYON-07" || got.StartDate != exam.NewDate(2026, 6, 15) ||
		got.DayStart != exam.NewTimeOfDay(8, 30) || got.DayEnd != exam.NewTimeOfDay(17, 30) || got.Changeover != 10*time.Minute {
		t.Errorf("stored session %+v", got)
	}
	if len(got.Candidates) != 2 || got.Candidates[0].Candidate.ID != a.ID ||
		!slices.Equal(got.Candidates[0].Blocks, []string{"RNCP37722BC01", "RNCP37722BC02", "RNCP37722BC03"}) ||
		!slices.Equal(got.Candidates[1].Blocks, []string{"RNCP37722BC01", "RNCP37722BC03"}) {
		t.Errorf("stored candidates %+v", got.Candidates)
	}
	if len(got.Jury) != 2 || got.Jury[0].Name != "Sophie Bernard" || got.Jury[0].Role != exam.JuryPresident ||
		got.Jury[1].Name != "Karim Haddad" || got.Jury[1].Role != exam.JuryMember || !got.Jury[1].External ||
		got.Jury[1].Habilitation != "HAB-2" || got.Jury[0].ID == 0 {
		t.Errorf("stored jury %+v", got.Jury)
	}
	if len(s.items) != 1 || s.items[0].Candidates != 2 {
		t.Errorf("list: %+v", s.items)
	}

	v = sf.switchTo(jury, id)
	e = v.editor
	test.Tap(e.startButton)
	sf.waitFor("the start", func() bool { return !v.loading && !v.session.StartedAt.IsZero() })
	if got, _ := sf.sessions.Session(sf.ctx, admin, id); !got.StartedAt.Equal(day0) {
		t.Errorf("started at %v", got.StartedAt)
	}
	if e.startInfo.Text != "Session démarrée le 15/06/2026 à 09:00." || e.startButton.Visible() || v.state.Text != "en cours" {
		t.Errorf("after start: %q, button %v, state %q", e.startInfo.Text, e.startButton.Visible(), v.state.Text)
	}
}

func TestSessionEditor_ConflictsAndPIN(t *testing.T) {
	sf := newSessionFixture(t)
	a := sf.create(candidate("Dupont", "Marie", "01/02/1990"))
	b := sf.create(candidate("Martin", "Paul", "23/11/1979"))
	s := sf.session(exam.KindCertification, []*exam.Candidate{a, b}, nil, false)
	sf.as = admin // who prepares the session
	v := sf.openSession(s.ID)
	e := v.editor
	if e.candRows[0].conflicts.Visible() {
		t.Fatalf("conflict shown: %q", e.candRows[0].conflicts.Text)
	}

	// Karim Haddad trained Dupont; Sophie Bernard works for the centre.
	e.onChooseCandidates(e.memberRows[1], true)
	e.choice.group.SetSelected([]string{"DUPONT Marie"})
	e.choice.dialog.Confirm()
	e.memberRows[0].organisation.SetText("AFPA Lyon")
	dupont, martin := e.candRows[0].conflicts, e.candRows[1].conflicts
	if !dupont.Visible() || dupont.Text != "Conflits d'intérêts : Sophie Bernard (appartient au centre de formation du candidat) ; "+
		"Karim Haddad (a formé ou accompagné le candidat)" {
		t.Errorf("Dupont's conflicts: %q", dupont.Text)
	}
	if !martin.Visible() || martin.Text != "Conflits d'intérêts : Sophie Bernard (appartient au centre de formation du candidat)" {
		t.Errorf("Martin's conflicts: %q", martin.Text)
	}
	if e.memberRows[1].trainerBtn.Text != "Formateur de : 1 candidat" {
		t.Errorf("trainer button %q", e.memberRows[1].trainerBtn.Text)
	}
	if !strings.Contains(e.startInfo.Text, "DUPONT Marie : 0 membre(s) du jury peuvent délibérer, il en manque 2") {
		t.Errorf("start check: %q", e.startInfo.Text)
	}
	test.Tap(e.saveButton)
	sf.waitFor("the save", func() bool { return !e.saving && !v.loading })
	got, _ := sf.sessions.Session(sf.ctx, admin, s.ID)
	if !slices.Equal(got.Jury[1].TrainerOf, []int64{a.ID}) || got.Jury[0].Organisation != "AFPA Lyon" || len(got.Conflicts()) != 3 {
		t.Errorf("stored jury %+v", got.Jury)
	}

	if e.memberRows[0].pinBtn.Visible() {
		t.Error("Code PIN offered to the administrator")
	}

	// Each member of the jury sets a signing PIN, typed twice.
	v = sf.switchTo(jury, s.ID)
	e = v.editor
	test.Tap(e.memberRows[0].pinBtn)
	p := e.pin
	test.Type(p.first, "4321")
	test.Type(p.second, "4322")
	test.Tap(p.form.confirm)
	if !p.form.err.Visible() || p.form.err.Text != "Les deux saisies sont différentes." || p.form.closed {
		t.Fatalf("mismatch: %q", p.form.err.Text)
	}
	p.second.SetText("4321")
	test.Tap(p.form.confirm)
	sf.waitFor("the PIN", func() bool { return !p.form.busy })
	if !p.form.closed || e.status.Text != "Code PIN de Sophie Bernard enregistré." {
		t.Fatalf("after the PIN: dialog %v, %q / %q", !p.form.closed, e.status.Text, p.form.err.Text)
	}
	if err := sf.delib.Sign(sf.ctx, jury, s.ID, got.Jury[0].ID, "1111"); exam.ErrorCode(err) != exam.EFORBIDDEN {
		t.Errorf("the old PIN still signs: %v", err)
	}
	if err := sf.delib.Sign(sf.ctx, jury, s.ID, got.Jury[0].ID, "4321"); exam.ErrorCode(err) == exam.EFORBIDDEN {
		t.Errorf("the new PIN is refused: %v", err)
	}
}

func TestMainWindow_SessionsTabAndShortcuts(t *testing.T) {
	sf := newSessionFixture(t)
	sf.open(sf.deps())
	mw := sf.mw
	if mw.tabs.Selected() != mw.candidatesTab || mw.newItem.Label != "Nouveau candidat" {
		t.Fatalf("start on %v, %q", mw.tabs.Selected().Text, mw.newItem.Label)
	}
	sf.shortcut(shortcutSessions)
	if mw.tabs.Selected() != mw.sessionsTab || mw.newItem.Label != "Nouvelle session" {
		t.Fatalf("Ctrl+2: %v, %q", mw.tabs.Selected().Text, mw.newItem.Label)
	}
	sf.shortcut(shortcutNew)
	if mw.sessions.view == nil || mw.sessions.view.id != 0 {
		t.Fatal("Ctrl+N on the Sessions tab opens no new session")
	}
	v := mw.sessions.view
	sf.shortcut(shortcutNextPart) // the other sub-screens are off for a new session
	if v.tabs.Selected() != v.editorTab {
		t.Errorf("Ctrl+PgDn went to %q", v.tabs.Selected().Text)
	}
	// Unsaved edits are kept unless the user agrees to lose them.
	v.editor.place.SetText("Lyon")
	test.Tap(mw.sessions.newButton)
	if !strings.Contains(sf.overlayText(), "Les abandonner ?") || mw.sessions.view != v {
		t.Fatalf("no confirmation: %q", sf.overlayText())
	}
	mw.sessions.dialog.Hide()
	sf.shortcut(shortcutCandidates)
	if mw.tabs.Selected() != mw.candidatesTab || mw.newItem.Label != "Nouveau candidat" {
		t.Errorf("Ctrl+1: %v, %q", mw.tabs.Selected().Text, mw.newItem.Label)
	}
}
