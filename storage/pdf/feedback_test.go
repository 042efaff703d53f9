package pdf_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage/pdf"
)

// mockFixture is a mock exam of N'DIAYE Hélène-Léa Œ, evaluated by two
// members: CCP1 all satisfied and decided acquis; CCP2 with competence 7
// not satisfied (settled by the collegial grid), 8 not evaluated, 9
// disputed, decided non acquis; CCP3 not evaluated and not decided.
func mockFixture(tb testing.TB) *pdf.FeedbackDoc {
	tb.Helper()
	ref := mustReferentiel(tb)
	s := &exam.Session{
		ID: 9, Kind: exam.KindMock, Scope: exam.ScopeFullTitle, Reference: "EB-2026-02",
		StartDate: exam.NewDate(2026, 2, 10), Place: "Lyon", TrainingCentre: "Centre de formation Les Pentes",
		Referentiel: ref.Code, ReferentielVersion: ref.Version,
		Jury: []exam.Member{
			{ID: 1, Name: "Claire DUBOIS-LEFÈVRE", Role: exam.JuryPresident},
			{ID: 2, Name: "Thomas GARNIER", Role: exam.JuryMember},
		},
	}
	sc := exam.NewSessionCandidate(ref, candidate(idTitle, "2026-001", "N'DIAYE", "MARTIN", "Hélène-Léa Œ", exam.NewDate(1990, 4, 23)))
	s.Candidates = []exam.SessionCandidate{sc}
	if err := s.Validate(); err != nil {
		tb.Fatal(err)
	}
	grid := func(member int64, block string, a ...exam.Assessment) exam.Grid {
		return exam.Grid{CandidateID: idTitle, Block: block, MemberID: member, Assessments: a}
	}
	sat := func(n int, obs string) exam.Assessment {
		return exam.Assessment{Competence: n, Verdict: exam.Satisfied, Observation: obs}
	}
	not := func(n int, obs string) exam.Assessment {
		return exam.Assessment{Competence: n, Verdict: exam.NotSatisfied, Observation: obs}
	}
	return &pdf.FeedbackDoc{
		Session: s, Referentiel: ref, Candidate: sc,
		Grids: []exam.Grid{
			grid(1, bc1, sat(1, "Repère vite les dégradations."), sat(2, ""), sat(3, "Aborde le public avec aisance."), sat(4, ""), sat(5, "")),
			grid(2, bc1, sat(1, "Repère vite les dégradations."), sat(2, "Écoute active."), sat(3, ""), sat(4, ""), sat(5, "Main courante claire.")),
			grid(1, bc2, sat(6, "Rappelle la règle sans agressivité."), not(7, "Ton trop directif face à l'usager."), sat(9, "")),
			grid(2, bc2, sat(6, ""), sat(7, "A fini par apaiser."), not(9, "Compte rendu incomplet.")),
			{CandidateID: idTitle, Block: bc2, MemberID: 0, Assessments: []exam.Assessment{not(7, "Le jury retient que la tension n'est pas retombée.")}},
			// another candidate's grid: never shown
			{CandidateID: 99, Block: bc1, MemberID: 1, Assessments: []exam.Assessment{not(1, "NE PAS AFFICHER")}},
		},
		Decisions: []exam.BlockDecision{
			{CandidateID: idTitle, Block: bc1, Proposed: exam.OutcomeAcquired, Outcome: exam.OutcomeAcquired},
			{CandidateID: idTitle, Block: bc2, Proposed: exam.OutcomeNotAcquired, Outcome: exam.OutcomeNotAcquired, Reason: "La compétence 7 n'est pas démontrée."},
			{CandidateID: 99, Block: bc3, Outcome: exam.OutcomeAcquired},
		},
		GeneratedAt: time.Date(2026, 2, 10, 18, 5, 0, 0, time.Local),
	}
}

func TestWriteFeedback(t *testing.T) {
	d := mockFixture(t)
	var b bytes.Buffer
	if err := pdf.WriteFeedback(&b, d); err != nil {
		t.Fatal(err)
	}
	path, text := writePDF(t, "retour.pdf", b.Bytes())
	keep(t, path)
	checkLayout(t, path)
	checkPages(t, text)
	contains(t, "feedback sheet", text,
		"Examen blanc — fiche de retour",
		"Examen blanc : résultat indicatif, aucun CCP n'est acquis.",
		"Candidat N'DIAYE Hélène-Léa Œ (nom d'usage : MARTIN)",
		"Né(e) le 23/04/1990", "N° candidat 2026-001",
		"Session Examen blanc n° EB-2026-02 — Lyon — Centre de formation Les Pentes",
		"Date le 10/02/2026",
		"CCP1 — Participer au maintien du lien social",
		"1 Détecter les signes révélateurs de dysfonctionnements Satisfaite Repère vite les dégradations.",
		"2 Discerner les signes révélateurs de besoins, d'attentes, de détresse, ou les comportements pouvant générer des situations problématiques Satisfaite Écoute active.",
		"Décision indicative Acquis (décision du jury)",
		"7 Apaiser les situations de conflit en temps réel Non satisfaite Le jury retient que la tension n'est pas retombée. Ton trop directif face à l'usager. A fini par apaiser.",
		"8 Veiller à la sécurité des personnes et effectuer les premiers gestes d'urgence en attendant l'intervention du service compétent Non évaluée —",
		"9 Analyser des situations vécues et rendre compte de son activité Non évaluée (avis partagés) Compte rendu incomplet.",
		"Décision indicative Non acquis (décision du jury) Motif La compétence 7 n'est pas démontrée.",
		"12 Faciliter la participation du public aux projets et diffuser une information Non évaluée",
		"Décision indicative Pas de décision : grille incomplète Motif Compétences non évaluées : 10, 11, 12.",
		"Résultat global En attente de décision (indicatif)",
	)
	if strings.Contains(text, "NE PAS AFFICHER") {
		t.Error("another candidate's observation is on the sheet")
	}
	if strings.Contains(text, "Repère vite les dégradations. Repère vite") {
		t.Error("an observation given by two members is repeated")
	}
}

func TestWriteFeedback_Blocks(t *testing.T) {
	d := mockFixture(t)
	// CCP2 already acquired in a session de validation, CCP3 not sat here.
	d.Candidate.Candidate.Acquired = []exam.AcquiredBlock{{BlockCode: bc2, Date: exam.NewDate(2025, 6, 1)}}
	d.Candidate.Blocks = []string{bc1}
	d.Candidate.Candidate.BirthName = "DE LA TOUR D'AUVERGNE-LAURAGAIS"
	d.Candidate.Candidate.FirstNames = "Marie-Françoise Éléonore Joséphine Ségolène"
	var b bytes.Buffer
	if err := pdf.WriteFeedback(&b, d); err != nil {
		t.Fatal(err)
	}
	path, text := writePDF(t, "retour-ccp1.pdf", b.Bytes())
	keep(t, path)
	checkLayout(t, path)
	contains(t, "feedback sheet", text,
		"Déjà acquis lors d'une session de validation : non évalué.",
		"Non présenté à cet examen blanc.",
		"Résultat global Certification partielle (CCP1) (indicatif)")
	if strings.Contains(text, "Ton trop directif") {
		t.Error("a CCP already acquired shows its grid")
	}
}

func TestWriteFeedback_Certification(t *testing.T) {
	d := mockFixture(t)
	d.Session.Kind = exam.KindCertification
	var b bytes.Buffer
	err := pdf.WriteFeedback(&b, d)
	var e *exam.Error
	if !errors.As(err, &e) || e.Code != exam.EINVALID {
		t.Fatalf("WriteFeedback(certification session) = %v, want an EINVALID *exam.Error", err)
	}
	if b.Len() != 0 {
		t.Errorf("WriteFeedback(certification session) wrote %d bytes", b.Len())
	}
}

func TestWriteFeedback_Proposal(t *testing.T) {
	d := mockFixture(t)
	d.Decisions = nil // the jury has not decided: the app's proposal is shown
	var b bytes.Buffer
	if err := pdf.WriteFeedback(&b, d); err != nil {
		t.Fatal(err)
	}
	_, text := writePDF(t, "retour-proposition.pdf", b.Bytes())
	contains(t, "feedback sheet", text,
		"Décision indicative Acquis (proposition ; le jury n'a pas statué) Motif Toutes les compétences sont satisfaites.",
		"Décision indicative Non acquis (proposition ; le jury n'a pas statué) Motif Compétences non satisfaites : 7 ; compétences non évaluées : 8, 9.",
		"Résultat global En attente de décision (indicatif)")
}
