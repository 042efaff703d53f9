package xlsx_test

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage"
	"github.com/amisjury/amis/storage/xlsx"
)

// accessReport is the right-of-access report of Hélène N'Diaye: one signed
// certification session (CCP1 acquired, CCP2 not), an incident and a clock
// event, an accommodation profile, three audit entries. Her training centre
// looks like a formula.
func accessReport(tb testing.TB) *storage.AccessReport {
	tb.Helper()
	ref := outRef(tb)
	c := outCandidate(11, "2026-001", "N'DIAYE", "MARTIN", "Hélène-Léa", exam.NewDate(1990, 4, 23))
	c.TrainingCentre = `=HYPERLINK("http://example.com","x")`
	c.Email, c.Phone = "helene@example.org", "06 12 34 56 78"
	c.Acquired = []exam.AcquiredBlock{{BlockCode: "RNCP37722BC01", Date: exam.NewDate(2026, 3, 12), SessionRef: "SV-2026-03"}}
	c.CreatedAt = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	c.UpdatedAt = time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC)
	s := &exam.Session{ID: 4, Kind: exam.KindCertification, Scope: exam.ScopeFullTitle, Reference: "SV-2026-03",
		StartDate: exam.NewDate(2026, 3, 12), Place: "Lyon", TrainingCentre: "Centre Les Pentes",
		SignedAt: time.Date(2026, 3, 12, 17, 30, 0, 0, time.UTC),
		Jury:     []exam.Member{{ID: 1, Name: "Sophie Bernard", Role: exam.JuryPresident}, {ID: 2, Name: "Karim Haddad", Role: exam.JuryMember}}}
	sc := exam.NewSessionCandidate(ref, c)
	sc.Blocks = []string{"RNCP37722BC01", "RNCP37722BC02", "RNCP37722BC03"} // CCP1 was acquired here
	sc.Allowance = exam.TimeAllowance{ExtraPercent: 33}
	sc.Accommodations = &exam.AccommodationProfile{CandidateID: 11, Time: exam.TimeAllowance{ExtraPercent: 33}, Aids: exam.HumanAids{Reader: true}}
	s.Candidates = []exam.SessionCandidate{sc}
	as := func(n int, v exam.Verdict, obs string) exam.Assessment {
		return exam.Assessment{Competence: n, Verdict: v, Observation: obs}
	}
	at := time.Date(2026, 3, 12, 15, 0, 0, 0, time.UTC)
	right, total := 14, 20
	return &storage.AccessReport{
		Candidate: c,
		Profile: &exam.AccommodationProfile{CandidateID: 11,
			Decision:         exam.AccommodationDecision{Authority: "MDPH du Rhône", Date: exam.NewDate(2025, 12, 1), Reference: "MDPH-69-2025-4411"},
			Time:             exam.TimeAllowance{ExtraPercent: 33},
			Aids:             exam.HumanAids{Reader: true},
			JuryInstructions: "Lire les consignes à voix haute."},
		Sessions: []storage.AccessSession{{
			Session: s,
			Grids: []exam.Grid{
				{CandidateID: 11, Block: "RNCP37722BC01", MemberID: 1, UpdatedAt: at,
					Assessments: []exam.Assessment{as(1, exam.Satisfied, "=1+1"), as(2, exam.Satisfied, ""), as(3, exam.Satisfied, ""), as(4, exam.Satisfied, ""), as(5, exam.Satisfied, "")}},
				{CandidateID: 11, Block: "RNCP37722BC02", UpdatedAt: at,
					Assessments: []exam.Assessment{as(6, exam.Satisfied, ""), as(7, exam.NotSatisfied, "Ton trop directif."), as(8, exam.Satisfied, ""), as(9, exam.Satisfied, "")}},
			},
			Decisions: []exam.BlockDecision{
				{CandidateID: 11, Block: "RNCP37722BC01", Proposed: exam.OutcomeAcquired, Outcome: exam.OutcomeAcquired, DecidedAt: at},
				{CandidateID: 11, Block: "RNCP37722BC02", Proposed: exam.OutcomeNotAcquired, Outcome: exam.OutcomeNotAcquired, Reason: "La compétence 7 n'est pas démontrée.", DecidedAt: at},
			},
			Result: &exam.CandidateResult{SessionID: 4, CandidateID: 11, Result: exam.ResultPartial, Acquired: []string{"RNCP37722BC01"},
				FinalInterviewNotes: "Projet clair.", ConfirmedAt: at, ConfirmedBy: "Sophie Bernard"},
			Incidents: []exam.Incident{{ID: 1, SessionID: 4, CandidateID: 11, Trial: "MSP", Kind: exam.IncidentLate, At: at, Text: "Arrivée à 9 h 05.", RecordedBy: "Karim Haddad"}},
			Timer:     []storage.AccessTimerEvent{{Trial: "MSP", TimerEvent: exam.TimerEvent{Kind: exam.TimerStart, At: at}}},
		}},
		QCM: []storage.AccessQCMAttempt{
			{Title: "Positionnement AMIS", Kind: "positioning", StartedAt: at, EndedAt: at.Add(40 * time.Minute), EndReason: "done",
				Items: 20, Answered: 19, Right: &right, Total: &total},
			{Title: "QCM final", Kind: "final", StartedAt: at.Add(24 * time.Hour), Items: 30, Answered: 3},
		},
		Audit: []storage.AccessAuditEntry{
			{ID: 1, At: c.CreatedAt, Actor: exam.Actor{Name: "admin", Role: exam.RoleAdmin}, Action: "candidate.import", New: `{"count":40}`},
			{ID: 7, At: at, Actor: exam.Actor{Name: "Karim Haddad", Role: exam.RoleJury}, Action: "grid.save", New: `{"candidate_id":11}`},
			{ID: 9, At: at, Actor: exam.Actor{Name: "admin", Role: exam.RoleAdmin}, Action: "privacy.access", New: `{"by":"admin"}`},
		},
		GeneratedAt: time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC),
		GeneratedBy: "admin",
	}
}

// rowsOf returns a sheet's rows as text.
func rowsOf(t *testing.T, f *excelize.File, sheet string) [][]string {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatalf("sheet %s: %v", sheet, err)
	}
	return rows
}

// find returns the first row whose first cell is first.
func find(rows [][]string, first string) []string {
	for _, r := range rows {
		if len(r) > 0 && r[0] == first {
			return r
		}
	}
	return nil
}

func TestWriteAccess(t *testing.T) {
	r := accessReport(t)
	var b bytes.Buffer
	if err := xlsx.WriteAccess(&b, r, outRef(t)); err != nil {
		t.Fatal(err)
	}
	f := outWrite(t, "acces.xlsx", b.Bytes())
	want := []string{xlsx.AccessSheetIdentity, xlsx.AccessSheetSessions, xlsx.AccessSheetEvaluations, xlsx.AccessSheetDecisions,
		xlsx.AccessSheetEvents, xlsx.AccessSheetQCM, xlsx.AccessSheetAccommodations, xlsx.AccessSheetAudit}
	if got := f.GetSheetList(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("sheets = %q, want %q", got, want)
	}

	id := rowsOf(t, f, xlsx.AccessSheetIdentity)
	for label, value := range map[string]string{
		"N° candidat": "2026-001", "Nom de naissance": "N'DIAYE", "Nom d'usage": "MARTIN", "Prénoms": "Hélène-Léa",
		"Sexe": "Féminin", "Date de naissance": "23/04/1990", "Courriel": "helene@example.org", "Téléphone": "06 12 34 56 78",
		"Centre de formation": `=HYPERLINK("http://example.com","x")`, "Certificat SST": "aucun",
	} {
		if row := find(id, label); len(row) < 2 || row[1] != value {
			t.Errorf("Identité %s = %q, want %q", label, row, value)
		}
	}
	if row := find(id, "RNCP37722BC01"); len(row) < 4 || !strings.HasPrefix(row[1], "CCP1 — ") || row[2] != "12/03/2026" || row[3] != "SV-2026-03" {
		t.Errorf("acquired block row = %q", row)
	}
	// Values that look like formulas stay text.
	cell := ""
	for i, row := range id {
		if len(row) > 0 && row[0] == "Centre de formation" {
			cell = "B" + strconv.Itoa(i+1)
		}
	}
	if formula, err := f.GetCellFormula(xlsx.AccessSheetIdentity, cell); err != nil || formula != "" {
		t.Errorf("%s holds a formula %q (%v)", cell, formula, err)
	}

	sess := find(rowsOf(t, f, xlsx.AccessSheetSessions), "SV-2026-03")
	wantSess := map[int]string{1: "Certification", 2: "Titre complet", 3: "12/03/2026", 5: "Lyon", 8: "CCP1, CCP2, CCP3",
		9: "Présent", 11: "+33 %", 12: "Temps majoré de 33 % ; Lecteur", 13: "Sophie Bernard (Président(e)), Karim Haddad (Membre)",
		15: "Certification partielle", 16: "CCP1", 17: "Projet clair.", 19: "Sophie Bernard"}
	for col, v := range wantSess {
		if len(sess) <= col || sess[col] != v {
			t.Errorf("Sessions column %d = %q, want %q (row %q)", col+1, at(sess, col), v, sess)
		}
	}
	if !strings.HasPrefix(at(sess, 14), "Signé le ") {
		t.Errorf("PV = %q", at(sess, 14))
	}

	evals := rowsOf(t, f, xlsx.AccessSheetEvaluations)
	if n := len(evals) - 3; n != 9 {
		t.Errorf("%d evaluation rows, want 9", n)
	}
	if row := evals[3]; at(row, 1) != "CCP1" || at(row, 2) != "Sophie Bernard" || at(row, 3) != "1" || at(row, 5) != "Satisfaite" || at(row, 6) != "=1+1" {
		t.Errorf("first evaluation = %q", row)
	}
	if row := evals[9]; at(row, 2) != "Jury (grille collégiale)" || at(row, 3) != "7" || at(row, 5) != "Non satisfaite" || at(row, 6) != "Ton trop directif." {
		t.Errorf("collegial competence 7 = %q", row)
	}

	dec := rowsOf(t, f, xlsx.AccessSheetDecisions)
	if len(dec) != 5 || at(dec[4], 3) != "Non acquis" || at(dec[4], 4) != "La compétence 7 n'est pas démontrée." {
		t.Errorf("decisions = %q", dec)
	}
	ev := rowsOf(t, f, xlsx.AccessSheetEvents)
	if len(ev) != 5 || at(ev[3], 1) != "Incident" || at(ev[3], 4) != "Retard" || at(ev[4], 1) != "Chronomètre" || at(ev[4], 4) != "Début" {
		t.Errorf("events = %q", ev)
	}

	qcm := rowsOf(t, f, xlsx.AccessSheetQCM)
	if len(qcm) != 5 || at(qcm[3], 1) != "Positionnement (entrée)" || at(qcm[3], 7) != "14 / 20" || at(qcm[3], 4) != "Terminé" ||
		at(qcm[4], 4) != "En cours" || at(qcm[4], 3) != "" || at(qcm[4], 7) != "" {
		t.Errorf("QCM = %q", qcm)
	}

	acc := rowsOf(t, f, xlsx.AccessSheetAccommodations)
	for label, value := range map[string]string{
		"Décision : autorité": "MDPH du Rhône", "Décision : référence": "MDPH-69-2025-4411", "Décision : date": "01/12/2025",
		"Consignes au jury": "Lire les consignes à voix haute.", "Justificatif médical": xlsx.AccessJustificationNote,
	} {
		if row := find(acc, label); at(row, 1) != value {
			t.Errorf("Aménagements %s = %q, want %q", label, row, value)
		}
	}
	var items []string
	for _, row := range acc {
		if at(row, 0) == "Aménagement" {
			items = append(items, at(row, 1))
		}
	}
	if strings.Join(items, "|") != "Temps majoré de 33 %|Lecteur" {
		t.Errorf("accommodations = %q", items)
	}

	audit := rowsOf(t, f, xlsx.AccessSheetAudit)
	if len(audit) != 6 || at(audit[4], 4) != "grid.save" || at(audit[4], 6) != `{"candidate_id":11}` || at(audit[5], 2) != "admin" {
		t.Errorf("audit = %q", audit)
	}
}

func TestWriteAccess_Empty(t *testing.T) {
	r := accessReport(t)
	r.Sessions, r.Audit, r.Profile, r.QCM = nil, nil, nil, nil
	r.Candidate.Acquired = nil
	var b bytes.Buffer
	if err := xlsx.WriteAccess(&b, r, outRef(t)); err != nil {
		t.Fatal(err)
	}
	f := outWrite(t, "acces-vide.xlsx", b.Bytes())
	for sheet, line := range map[string]string{
		xlsx.AccessSheetSessions: "Aucune session.", xlsx.AccessSheetEvaluations: "Aucune évaluation.",
		xlsx.AccessSheetDecisions: "Aucune décision.", xlsx.AccessSheetAudit: "Aucune opération.", xlsx.AccessSheetQCM: "Aucun QCM.",
	} {
		if rows := rowsOf(t, f, sheet); len(rows) != 4 || at(rows[3], 0) != line {
			t.Errorf("%s = %q", sheet, rows)
		}
	}
	acc := rowsOf(t, f, xlsx.AccessSheetAccommodations)
	if at(find(acc, "Aménagement"), 1) != "Aucun aménagement enregistré." || at(find(acc, "Justificatif médical"), 1) != xlsx.AccessJustificationNote {
		t.Errorf("Aménagements = %q", acc)
	}
	if err := xlsx.WriteAccess(&b, nil, outRef(t)); err == nil {
		t.Error("no report: no error")
	}
}

func at(row []string, i int) string {
	if i < len(row) {
		return row[i]
	}
	return ""
}
