package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/amisjury/amis/exam"
)

// openGrading opens a started session with a third member, Julie Petit, of
// the candidates' training centre (a conflict of interest), on the
// Évaluation tab.
func openGrading(t *testing.T, sf *sessionFixture) (*gradingScreen, *exam.Session, *exam.Candidate) {
	t.Helper()
	a := sf.create(candidate("Dupont", "Marie", "01/02/1990"))
	julie := exam.Member{Name: "Julie Petit", Organisation: "AFPA Lyon", Habilitation: "HAB-3", Role: exam.JuryMember}
	s := sf.session(exam.KindCertification, []*exam.Candidate{a}, []exam.Member{julie}, true)
	v := sf.openSession(s.ID)
	sf.show(v, v.gradingTab)
	g := v.grading
	sf.waitFor("the grids", func() bool { return g.loaded })
	return g, s, a
}

// gradeBlock sets every competence of the block to the verdict, each
// change saved at once.
func gradeBlock(sf *sessionFixture, b *blockGrading, verdict exam.Verdict) {
	sf.t.Helper()
	for _, r := range b.rows {
		r.verdict.SetSelected(verdictLabel(verdict))
	}
	sf.waitFor("the grid saved", func() bool { return !b.saving && b.queued == nil })
	if b.saved.Text != "Enregistré (09:00)." && !strings.HasPrefix(b.saved.Text, "Enregistré (") {
		sf.t.Fatalf("grid not saved: %q", b.saved.Text)
	}
}

func TestGrading_BothMembersSatisfiedProposeAcquis(t *testing.T) {
	sf := newSessionFixture(t)
	g, s, a := openGrading(t, sf)
	if len(g.member.Options) != 4 || g.member.Options[2] != "Julie Petit — conflit d'intérêts : ne peut pas évaluer" ||
		g.member.Options[3] != "Grille collégiale du jury" {
		t.Fatalf("members: %q", g.member.Options)
	}
	if g.status.Text != "Choisissez le membre du jury qui évalue : chacun remplit sa propre grille." {
		t.Errorf("status before a member is chosen: %q", g.status.Text)
	}
	ccp1 := g.blocks[0]
	if !ccp1.rows[0].verdict.Disabled() {
		t.Error("grid editable before a member is chosen")
	}

	g.member.SetSelectedIndex(0) // Sophie Bernard
	if ccp1.rows[0].verdict.Disabled() {
		t.Fatal("Sophie Bernard cannot grade")
	}
	gradeBlock(sf, ccp1, exam.Satisfied)
	g.member.SetSelectedIndex(1) // Karim Haddad
	if ccp1.rows[0].verdict.Selected != "Non évalué" {
		t.Fatalf("Karim's grid shows %q", ccp1.rows[0].verdict.Selected)
	}
	ccp1.rows[0].verdict.SetSelected("Non satisfait")
	sf.waitFor("the grid saved", func() bool { return !ccp1.saving })
	others := ccp1.rows[0].others
	if !others.Visible() || others.Text != "Désaccord : Sophie Bernard : satisfait · Karim Haddad : non satisfait" {
		t.Errorf("disagreement: %v %q", others.Visible(), others.Text)
	}
	if !strings.HasPrefix(ccp1.proposal.Text, "Proposition de l'application : non acquis (compétences non satisfaites : 1)") &&
		!strings.HasPrefix(ccp1.proposal.Text, "Pas encore de proposition") {
		t.Errorf("proposal with a disagreement: %q", ccp1.proposal.Text)
	}
	gradeBlock(sf, ccp1, exam.Satisfied)
	if others.Visible() {
		t.Errorf("disagreement still shown: %q", others.Text)
	}
	if ccp1.proposal.Text != "Proposition de l'application : acquis (toutes les compétences satisfaites)." {
		t.Errorf("proposal = %q", ccp1.proposal.Text)
	}

	// An observation is saved when the entry loses the focus.
	obs := ccp1.rows[1].observation
	test.Type(obs, "A repéré seul le dysfonctionnement.")
	obs.FocusLost()
	sf.waitFor("the observation saved", func() bool { return !ccp1.saving && !ccp1.obsDirty })
	grids, err := sf.evals.Grids(sf.ctx, admin, s.ID, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, gr := range grids {
		if gr.Block != "RNCP37722BC01" {
			continue
		}
		n++
		for _, as := range gr.Assessments {
			if as.Verdict != exam.Satisfied {
				t.Errorf("member %d, competence %d: %q", gr.MemberID, as.Competence, as.Verdict)
			}
		}
		if gr.MemberID == s.Jury[1].ID && gr.Assessments[1].Observation != "A repéré seul le dysfonctionnement." {
			t.Errorf("observation = %q", gr.Assessments[1].Observation)
		}
	}
	if n != 2 {
		t.Errorf("%d grids stored for CCP1", n)
	}
	g.v.selectTab(g.v.editorTab)
}

func TestGrading_NonAcquisNeedsAReason(t *testing.T) {
	sf := newSessionFixture(t)
	g, s, a := openGrading(t, sf)
	b := g.blocks[1] // CCP2
	b.outcome.SetSelected("non acquis")
	test.Tap(b.decide)
	sf.waitFor("the decision", func() bool { return !b.deciding })
	if !b.reasonErr.Visible() || b.reasonErr.Text != "Un « non acquis » doit être motivé par écrit" {
		t.Errorf("inline error: %v %q", b.reasonErr.Visible(), b.reasonErr.Text)
	}
	if ds, _ := sf.evals.Decisions(sf.ctx, admin, s.ID, a.ID); len(ds) != 0 {
		t.Fatalf("stored %+v", ds)
	}
	test.Type(b.reason, "N'a pas su apaiser le conflit simulé.")
	test.Tap(b.decide)
	sf.waitFor("the decision", func() bool { return !b.deciding && !g.v.loading })
	ds, _ := sf.evals.Decisions(sf.ctx, admin, s.ID, a.ID)
	if len(ds) != 1 || ds[0].Outcome != exam.OutcomeNotAcquired || ds[0].Block != "RNCP37722BC02" {
		t.Fatalf("stored %+v", ds)
	}
	sf.waitIdle()
	if b.reasonErr.Visible() || !strings.HasPrefix(b.decided.Text, "Décision enregistrée : non acquis") {
		t.Errorf("after the decision: %q / %q", b.reasonErr.Text, b.decided.Text)
	}
	g.v.selectTab(g.v.editorTab)
}

func TestGrading_MemberWithAConflictCannotGrade(t *testing.T) {
	sf := newSessionFixture(t)
	g, s, a := openGrading(t, sf)
	g.member.SetSelectedIndex(2) // Julie Petit, of the candidate's centre
	if !g.memberNote.Visible() || g.memberNote.Text != "Julie Petit ne peut pas évaluer DUPONT Marie : appartient au centre de "+
		"formation du candidat. Choisissez un autre membre du jury." {
		t.Errorf("note: %q", g.memberNote.Text)
	}
	for _, b := range g.blocks {
		for _, r := range b.rows {
			if !r.verdict.Disabled() || !r.observation.Disabled() {
				t.Fatalf("%s competence %d editable by a barred member", b.block.Short, r.comp.Number)
			}
		}
	}
	gr := exam.NewGrid(a.ID, s.Jury[2].ID, sf.ref.Block("CCP1"))
	gr.Assessments[0].Verdict = exam.Satisfied
	if err := sf.evals.SaveGrid(sf.ctx, jury, s.ID, &gr); exam.ErrorCode(err) != exam.EFORBIDDEN {
		t.Errorf("the service let a barred member grade: %v", err)
	}
	// The collegial grid is open.
	g.member.SetSelectedIndex(3)
	if g.memberNote.Visible() || g.blocks[0].rows[0].verdict.Disabled() {
		t.Error("the collegial grid is closed")
	}
	g.v.selectTab(g.v.editorTab)
}
