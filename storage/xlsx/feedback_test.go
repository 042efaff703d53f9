package xlsx_test

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage/xlsx"
)

// outMock is the mock exam of storage/pdf's feedback test: CCP1 all
// satisfied and decided acquis; CCP2 with competence 7 not satisfied
// (collegial), 8 not evaluated, 9 disputed, decided non acquis; CCP3 not
// evaluated.
func outMock(tb testing.TB) *xlsx.FeedbackDoc {
	tb.Helper()
	ref := outRef(tb)
	const id = 11
	s := &exam.Session{
		ID: 9, Kind: exam.KindMock, Scope: exam.ScopeFullTitle, Reference: "EB-2026-02",
		StartDate: exam.NewDate(2026, 2, 10), Place: "Lyon", TrainingCentre: "Centre de formation Les Pentes",
		Referentiel: ref.Code, ReferentielVersion: ref.Version,
	}
	sc := exam.NewSessionCandidate(ref, outCandidate(id, "2026-001", "N'DIAYE", "MARTIN", "Hélène-Léa Œ", exam.NewDate(1990, 4, 23)))
	s.Candidates = []exam.SessionCandidate{sc}
	as := func(n int, v exam.Verdict, obs string) exam.Assessment {
		return exam.Assessment{Competence: n, Verdict: v, Observation: obs}
	}
	sat, not := exam.Satisfied, exam.NotSatisfied
	const bc1, bc2 = "RNCP37722BC01", "RNCP37722BC02"
	return &xlsx.FeedbackDoc{
		Session: s, Referentiel: ref, Candidate: sc,
		Grids: []exam.Grid{
			{CandidateID: id, Block: bc1, MemberID: 1, Assessments: []exam.Assessment{as(1, sat, "Repère vite les dégradations."), as(2, sat, ""), as(3, sat, ""), as(4, sat, ""), as(5, sat, "")}},
			{CandidateID: id, Block: bc1, MemberID: 2, Assessments: []exam.Assessment{as(1, sat, "Repère vite les dégradations."), as(2, sat, "Écoute active."), as(3, sat, ""), as(4, sat, ""), as(5, sat, "")}},
			{CandidateID: id, Block: bc2, MemberID: 1, Assessments: []exam.Assessment{as(6, sat, ""), as(7, not, "Ton trop directif face à l'usager."), as(9, sat, "")}},
			{CandidateID: id, Block: bc2, MemberID: 2, Assessments: []exam.Assessment{as(6, sat, ""), as(7, sat, "A fini par apaiser."), as(9, not, "Compte rendu incomplet.")}},
			{CandidateID: id, Block: bc2, Assessments: []exam.Assessment{as(7, not, "Le jury retient que la tension n'est pas retombée.")}},
			{CandidateID: 99, Block: bc1, MemberID: 1, Assessments: []exam.Assessment{as(1, not, "NE PAS AFFICHER")}},
		},
		Decisions: []exam.BlockDecision{
			{CandidateID: id, Block: bc1, Proposed: exam.OutcomeAcquired, Outcome: exam.OutcomeAcquired},
			{CandidateID: id, Block: bc2, Proposed: exam.OutcomeNotAcquired, Outcome: exam.OutcomeNotAcquired, Reason: "La compétence 7 n'est pas démontrée."},
		},
		GeneratedAt: time.Date(2026, 2, 10, 18, 5, 0, 0, time.UTC),
	}
}

func TestWriteFeedback(t *testing.T) {
	var b bytes.Buffer
	if err := xlsx.WriteFeedback(&b, outMock(t)); err != nil {
		t.Fatal(err)
	}
	f := outWrite(t, "retour.xlsx", b.Bytes())
	sh := xlsx.FeedbackSheet
	rows, err := f.GetRows(sh)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, r := range rows {
		lines = append(lines, strings.TrimRight(strings.Join(r, "|"), "|"))
	}
	text := strings.Join(lines, "\n")
	for _, want := range []string{
		"Examen blanc — fiche de retour",
		"Examen blanc : résultat indicatif, aucun CCP n'est acquis.",
		"Candidat|N'DIAYE Hélène-Léa Œ (nom d'usage : MARTIN)",
		"Né(e) le|23/04/1990",
		"Session|Examen blanc n° EB-2026-02 — Lyon — Centre de formation Les Pentes",
		"Date|le 10/02/2026",
		"CCP|N°|Compétence|Appréciation du jury|Observations",
		"CCP1|1|Détecter les signes révélateurs de dysfonctionnements|Satisfaite|Repère vite les dégradations.",
		"CCP1|2|Discerner les signes révélateurs de besoins, d'attentes, de détresse, ou les comportements pouvant générer des situations problématiques|Satisfaite|Écoute active.",
		"CCP2|7|Apaiser les situations de conflit en temps réel|Non satisfaite|Le jury retient que la tension n'est pas retombée.\nTon trop directif face à l'usager.\nA fini par apaiser.",
		"CCP2|8|Veiller à la sécurité des personnes et effectuer les premiers gestes d'urgence en attendant l'intervention du service compétent|Non évaluée",
		"CCP2|9|Analyser des situations vécues et rendre compte de son activité|Non évaluée (avis partagés)|Compte rendu incomplet.",
		"CCP3|12|Faciliter la participation du public aux projets et diffuser une information|Non évaluée",
		"CCP||Intitulé|Décision indicative|Motif",
		"CCP1||Participer au maintien du lien social et prévenir les situations de conflit ou de dysfonctionnement par une présence active|Acquis (décision du jury)",
		"CCP2||Réguler par la médiation des situations de tension et de conflit|Non acquis (décision du jury)|La compétence 7 n'est pas démontrée.",
		"CCP3||Participer à des actions d'animation ponctuelles ou à des projets partenariaux|Pas de décision : grille incomplète|Compétences non évaluées : 10, 11, 12.",
		"Résultat global|En attente de décision (indicatif)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the sheet has no line %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "NE PAS AFFICHER") {
		t.Error("another candidate's observation is on the sheet")
	}
	// the birth date is a real date, the competence number a number
	for i, r := range rows {
		if len(r) > 0 && r[0] == "Né(e) le" {
			outSerial(t, f, sh, "B"+strconv.Itoa(i+1), "dd/mm/yyyy")
		}
		if len(r) > 1 && r[0] == "CCP1" && r[1] == "1" {
			if typ, _ := f.GetCellType(sh, "B"+strconv.Itoa(i+1)); typ == excelize.CellTypeSharedString {
				t.Error("competence numbers are text")
			}
		}
	}
}

func TestWriteFeedback_Certification(t *testing.T) {
	d := outMock(t)
	d.Session.Kind = exam.KindCertification
	var b bytes.Buffer
	err := xlsx.WriteFeedback(&b, d)
	var e *exam.Error
	if !errors.As(err, &e) || e.Code != exam.EINVALID {
		t.Fatalf("WriteFeedback(certification session) = %v, want an EINVALID *exam.Error", err)
	}
	if b.Len() != 0 {
		t.Errorf("WriteFeedback(certification session) wrote %d bytes", b.Len())
	}
}
