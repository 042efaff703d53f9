package ui

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/amisjury/amis/exam"
)

func TestDeliberation_ConfirmWithNotes(t *testing.T) {
	sf := newSessionFixture(t)
	a := sf.create(candidate("Dupont", "Marie", "01/02/1990"))
	b := sf.create(candidate("Martin", "Paul", "23/11/1979"))
	s := sf.session(exam.KindCertification, []*exam.Candidate{a, b}, nil, true)
	sf.decideAll(s, a.ID, exam.OutcomeAcquired)
	v := sf.openSession(s.ID)
	sf.show(v, v.delibTab)
	d := v.delib
	sf.waitFor("the results", func() bool { return d.loaded })
	ra, rb := d.rows[a.ID], d.rows[b.ID]
	if ra.proposal.Text != "Résultat proposé : titre obtenu" || ra.blocks.Text != "CCP1 : acquis · CCP2 : acquis · CCP3 : acquis" {
		t.Errorf("Dupont: %q / %q", ra.proposal.Text, ra.blocks.Text)
	}
	if rb.proposal.Text != "Résultat proposé : en attente des décisions (CCP1, CCP2, CCP3)" || !rb.confirm.Disabled() {
		t.Errorf("Martin: %q, confirm enabled %v", rb.proposal.Text, !rb.confirm.Disabled())
	}
	test.Type(ra.notes, "Entretien final solide.")
	test.Tap(ra.confirm)
	sf.waitFor("the confirmation", func() bool { return !ra.busy && !v.loading })
	sf.waitIdle()
	rs, err := sf.delib.Results(sf.ctx, admin, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].Result != exam.ResultTitle || rs[0].FinalInterviewNotes != "Entretien final solide." {
		t.Fatalf("stored %+v", rs)
	}
	ra = d.rows[a.ID]
	if !strings.HasPrefix(ra.confirmed.Text, "Confirmé : titre obtenu (le ") || ra.notes.Text != "Entretien final solide." {
		t.Errorf("after confirming: %q, notes %q", ra.confirmed.Text, ra.notes.Text)
	}
	if d.summary.Text != "1 résultat(s) confirmé(s) sur 2 candidat(s)." {
		t.Errorf("summary %q", d.summary.Text)
	}
	// Nobody signs before every result is confirmed.
	sf.show(v, v.pvTab)
	sf.waitFor("the PV", func() bool { return v.pv.loaded })
	if !v.pv.signNote.Visible() || !strings.Contains(v.pv.signNote.Text, "il en manque 1") || !v.pv.signButtons[s.Jury[0].ID].Disabled() {
		t.Errorf("PV with a result missing: %q", v.pv.signNote.Text)
	}
	v.selectTab(v.editorTab)
}

// signedCase is a started session of two candidates with their decisions
// and confirmed results, ready to be signed.
func signedCase(t *testing.T, sf *sessionFixture) (*exam.Session, *exam.Candidate, *exam.Candidate) {
	t.Helper()
	a := sf.create(candidate("Dupont", "Marie", "01/02/1990"))
	b := sf.create(candidate("Martin", "Paul", "23/11/1979"))
	s := sf.session(exam.KindCertification, []*exam.Candidate{a, b}, nil, true)
	sf.decideAll(s, a.ID, exam.OutcomeAcquired)
	sf.decideAll(s, b.ID, exam.OutcomeNotAcquired)
	for _, c := range []*exam.Candidate{a, b} {
		if err := sf.delib.ConfirmResult(sf.ctx, jury, &exam.CandidateResult{SessionID: s.ID, CandidateID: c.ID}); err != nil {
			t.Fatal(err)
		}
	}
	return s, a, b
}

func TestMinutes_SignLocksEverything(t *testing.T) {
	sf := newSessionFixture(t)
	s, a, b := signedCase(t, sf)
	v := sf.openSession(s.ID)
	sf.show(v, v.pvTab)
	m := v.pv
	sf.waitFor("the PV", func() bool { return m.loaded })
	if got := strings.Join(m.summaryTexts[1], "|"); got != "DUPONT Marie|acquis|acquis|acquis|titre obtenu" {
		t.Errorf("summary line = %s", got)
	}
	if got := strings.Join(m.summaryTexts[2], "|"); got != "MARTIN Paul|non acquis|non acquis|non acquis|non obtenu" {
		t.Errorf("summary line = %s", got)
	}
	if m.state.Text != "Procès-verbal non signé : 0 signature(s) sur 2." || len(m.signButtons) != 2 || m.amend.Visible() {
		t.Errorf("before signing: %q, %d sign buttons", m.state.Text, len(m.signButtons))
	}

	sign := func(member int64, pin string) *signDialog {
		t.Helper()
		test.Tap(m.signButtons[member])
		d := m.signDlg
		test.Type(d.pin, pin)
		test.Tap(d.form.confirm)
		sf.waitFor("the signature", func() bool { return !d.form.busy && !v.loading })
		sf.waitIdle()
		return d
	}
	president, member := s.Jury[0].ID, s.Jury[1].ID
	d := sign(president, "0000")
	if d.form.closed || !d.form.err.Visible() || d.form.err.Text != "Code PIN ou mot de passe incorrect pour Sophie Bernard" {
		t.Fatalf("wrong PIN: closed %v, %q", d.form.closed, d.form.err.Text)
	}
	if pv, _ := sf.delib.Minutes(sf.ctx, admin, s.ID); len(pv.Signatures) != 0 {
		t.Fatal("signed with a wrong PIN")
	}
	d.form.dialog.Hide()
	d = sign(president, "1111")
	if !d.form.closed || m.state.Text != "Procès-verbal non signé : 1 signature(s) sur 2." {
		t.Fatalf("first signature: %q / %q", d.form.err.Text, m.state.Text)
	}
	if m.signButtons[president] != nil {
		t.Error("the president can sign twice")
	}
	sign(member, "2222")
	if !v.locked() || !strings.HasPrefix(m.state.Text, "Signé le ") || !strings.HasSuffix(m.state.Text, " — résultats verrouillés") {
		t.Fatalf("after both signatures: locked %v, %q", v.locked(), m.state.Text)
	}

	// Every editing control of the session is off.
	e := v.editor
	if !e.saveButton.Disabled() || !e.place.Disabled() || !e.addCandidate.Disabled() || !e.memberRows[0].pinBtn.Disabled() {
		t.Error("the editor is still editable")
	}
	sf.show(v, v.dayTab)
	if !v.day.rows[a.ID].absent.Disabled() || !v.day.rows[a.ID].incident.Disabled() || !v.day.sessionIncident.Disabled() {
		t.Error("the day is still editable")
	}
	sf.show(v, v.timerTab)
	sf.waitFor("the timer", func() bool { return v.timer.loaded })
	if !v.timer.startBtn.Disabled() {
		t.Error("the timer can start")
	}
	sf.show(v, v.gradingTab)
	sf.waitFor("the grids", func() bool { return v.grading.loaded })
	v.grading.member.SetSelectedIndex(0)
	if g := v.grading.blocks[0]; !g.rows[0].verdict.Disabled() || !g.decide.Disabled() || !g.outcome.Disabled() {
		t.Error("the grading is still editable")
	}
	sf.show(v, v.delibTab)
	sf.waitFor("the results", func() bool { return v.delib.loaded })
	if r := v.delib.rows[a.ID]; !r.confirm.Disabled() || !r.notes.Disabled() {
		t.Error("the deliberation is still editable")
	}
	if v.state.Text != "signé" {
		t.Errorf("state %q", v.state.Text)
	}
	// The service refuses anyway.
	err := sf.evals.Decide(sf.ctx, jury, s.ID, &exam.BlockDecision{CandidateID: b.ID, Block: "CCP1", Outcome: exam.OutcomeAcquired, Reason: "x"})
	if exam.ErrorCode(err) != exam.ELOCKED {
		t.Errorf("Decide after the signature: %v", err)
	}

	// Rectifier…: a reason is required, then the PV says "modifié".
	sf.show(v, v.pvTab)
	if !m.amend.Visible() || m.amend.Disabled() {
		t.Fatal("no Rectifier… after the signature")
	}
	test.Tap(m.amend)
	am := m.amendDlg
	am.candidate.SetSelectedIndex(1) // Martin
	if am.target.Selected != "CCP1 — "+sf.ref.Block("CCP1").Title || am.outcome.Selected != "non acquis" {
		t.Fatalf("amend dialog: %q, %q", am.target.Selected, am.outcome.Selected)
	}
	am.outcome.SetSelected("acquis")
	test.Tap(am.form.confirm)
	sf.waitFor("the refusal", func() bool { return !am.form.busy })
	if am.form.closed || am.form.err.Text != "Une correction du procès-verbal signé doit être motivée par écrit." &&
		am.form.err.Text != "Une correction du procès-verbal signé doit être motivée par écrit" {
		t.Fatalf("no reason: %q", am.form.err.Text)
	}
	test.Type(am.reason, "Erreur de saisie : la grille montre toutes les compétences satisfaites.")
	test.Tap(am.form.confirm)
	sf.waitFor("the correction", func() bool { return !am.form.busy && !v.loading })
	sf.waitIdle()
	if !am.form.closed || !m.amended.Visible() || m.amended.Text != "Modifié après signature : 1 rectification." || v.state.Text != "signé, modifié" {
		t.Fatalf("after the correction: %q, %q, %q", am.form.err.Text, m.amended.Text, v.state.Text)
	}
	if got := strings.Join(m.summaryTexts[2], "|"); got != "MARTIN Paul|acquis|non acquis|non acquis|certification partielle (CCP1)" {
		t.Errorf("summary after the correction = %s", got)
	}
	if m.archives.Visible() {
		t.Error("an archived PVs section without archive")
	}

	// A purge archived the PV: the screen lists it and saves its PDF as
	// archived, and refuses one that no longer matches its SHA-256.
	pdf := []byte("%PDF-1.4 archived minutes")
	sum := sha256.Sum256(pdf)
	at := time.Date(2034, 5, 2, 9, 30, 0, 0, time.Local)
	sf.docs.archived = []exam.ArchivedMinutes{{ID: 7, ArchivedAt: at, Amendments: 1, Registrations: 2, SHA256: hex.EncodeToString(sum[:]), PDF: pdf}}
	m.loaded = false
	m.load()
	sf.waitFor("the PV", func() bool { return m.loaded })
	text := allText(m.archives)
	if !m.archives.Visible() || !strings.Contains(text, "PV archivés") ||
		!strings.Contains(text, "Archivé le 02/05/2034 à 09:30 : 2 candidat(s), 1 rectification(s), SHA-256 "+hex.EncodeToString(sum[:])[:12]+"…") {
		t.Errorf("archives section (visible %v):\n%s", m.archives.Visible(), text)
	}
	var buf bytes.Buffer
	if err := writeArchivedPV(&buf, sf.docs.archived[0]); err != nil || buf.String() != string(pdf) {
		t.Errorf("archived PDF written: %q, %v", buf.String(), err)
	}
	damaged := sf.docs.archived[0]
	damaged.PDF = []byte("%PDF-1.4 changed")
	buf.Reset()
	if err := writeArchivedPV(&buf, damaged); exam.ErrorCode(err) != exam.EINTERNAL || buf.Len() != 0 {
		t.Errorf("damaged archive: %v, %d bytes written", err, buf.Len())
	}
	v.selectTab(v.editorTab)
}

func TestMinutes_MockShowsFeedbackNoSignature(t *testing.T) {
	sf := newSessionFixture(t)
	a := sf.create(candidate("Dupont", "Marie", "01/02/1990"))
	s := sf.session(exam.KindMock, []*exam.Candidate{a}, nil, true)
	v := sf.openSession(s.ID)
	if v.pvTab.Text != "Fiches de retour" {
		t.Errorf("tab %q", v.pvTab.Text)
	}
	sf.show(v, v.pvTab)
	m := v.pv
	sf.waitFor("the PV", func() bool { return m.loaded })
	bs := m.feedbackButtons[a.ID]
	if len(bs) != 2 || bs[0].Text != "Fiche de retour (PDF)…" || bs[1].Text != "Fiche de retour (.xlsx)…" || bs[0].Disabled() {
		t.Fatalf("feedback buttons %+v", bs)
	}
	if len(m.signButtons) != 0 || m.pvArea.Visible() || !m.mockArea.Visible() ||
		m.state.Text != "Examen blanc : pas de procès-verbal ni de signatures, les résultats sont indicatifs." {
		t.Errorf("mock PV: %d sign buttons, pv area %v, %q", len(m.signButtons), m.pvArea.Visible(), m.state.Text)
	}
	// The document goes through Deps.Documents to the file chosen.
	var buf bytes.Buffer
	writeDocument(v, nopCloser{&buf}, "/tmp/retour.pdf", m.status, func(ctx context.Context, w io.Writer) error {
		return sf.docs.Feedback(ctx, v.deps.Actor, s.ID, a.ID, "pdf", w)
	})
	sf.waitIdle()
	if buf.String() != "feedback pdf as Nadia Jury" || m.status.Text != "Document enregistré : /tmp/retour.pdf" || m.status.Importance != widget.SuccessImportance {
		t.Errorf("document: %q, %q", buf.String(), m.status.Text)
	}
	v.selectTab(v.editorTab)
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }
