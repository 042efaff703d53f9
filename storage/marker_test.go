package storage_test

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage"
	"github.com/amisjury/amis/storage/pdf"
	"github.com/amisjury/amis/storage/xlsx"
)

// marker is a string only the justification holds.
const marker = "MARQUEUR-MEDICAL-7f3a"

// TestJustificationNeverLeaks follows a candidate whose justification holds
// a marker through a whole certification session — profile saved, changed
// mid-épreuve, graded, signed, changed again — and looks for the marker in
// everything the app puts out: the sessions as the jury reads them, the
// certifier export (xlsx and CSV), the PV, the audit log and every table of
// the database but the justifications'. Only the referent's read finds it.
func TestJustificationNeverLeaks(t *testing.T) {
	storage.FastSecrets(t)
	ctx := context.Background()
	db := storage.MustOpen(t)
	ref := storage.MustReferentiel(t)
	cands := storage.NewCandidateService(db, ref)
	sessions := storage.NewSessionService(db, ref)
	evals := storage.NewEvaluationService(db, ref)
	delib := storage.NewDeliberationService(db, ref)
	accs := storage.NewAccommodationService(db, ref)
	admin := exam.Actor{UserID: 1, Name: "Sophie Marchand", Role: exam.RoleAdmin}
	jury := exam.Actor{UserID: 2, Name: "Nadia Chérif", Role: exam.RoleJury}
	referent := exam.Actor{UserID: 3, Name: "Isabelle Roux", Role: exam.RoleReferent}

	people := []*exam.Candidate{
		{Number: "2026-101", BirthName: "TRAORÉ", FirstNames: "Aïcha", Sex: exam.Female, BirthDate: exam.NewDate(1994, 5, 17),
			BirthCity: "Bamako", BirthCountry: "Mali", AccessRoute: exam.RouteContinuing, TrainingCentre: "GRETA Lyon Métropole"},
		{Number: "2026-102", BirthName: "MOREAU", FirstNames: "Loïc", Sex: exam.Male, BirthDate: exam.NewDate(1988, 11, 2),
			BirthCity: "Lyon", BirthCountry: "France", AccessRoute: exam.RouteVAE},
	}
	if err := cands.ImportCandidates(ctx, admin, people); err != nil {
		t.Fatal(err)
	}
	a, b := people[0], people[1]
	profile := &exam.AccommodationProfile{CandidateID: a.ID,
		Decision: exam.AccommodationDecision{Authority: "MDPH du Rhône", Date: exam.NewDate(2026, 1, 12),
			Reference: "MDPH 69 — décision n° 2026-014587", ValidFrom: exam.NewDate(2026, 1, 12), ValidTo: exam.NewDate(2028, 1, 11)},
		Justification:    "Dyslexie sévère " + marker + ", bilan orthophonique joint.",
		Time:             exam.TimeAllowance{ExtraPercent: 33},
		Aids:             exam.HumanAids{Scribe: true},
		Room:             exam.RoomAids{SeparateRoom: true},
		JuryInstructions: "Lire les consignes à voix haute.",
	}
	if _, err := accs.SaveProfile(ctx, referent, profile); err != nil {
		t.Fatal(err)
	}

	s := &exam.Session{Kind: exam.KindCertification, Scope: exam.ScopeFullTitle, Reference: "2026-LYON-12",
		StartDate: exam.NewDate(2026, 6, 15), Place: "Lyon", TrainingCentre: "GRETA Lyon Métropole",
		DayStart: exam.NewTimeOfDay(8, 30), DayEnd: exam.NewTimeOfDay(18, 0),
		Candidates: []exam.SessionCandidate{{Candidate: exam.Candidate{ID: a.ID}}, {Candidate: exam.Candidate{ID: b.ID}}},
		Jury: []exam.Member{
			{Name: "Claire Dubois", Organisation: "Ville de Lyon", Habilitation: "HAB-2024-0117", Role: exam.JuryPresident, External: true},
			{Name: "Thomas Garnier", Organisation: "Keolis", Habilitation: "HAB-2023-0042", Role: exam.JuryMember, External: true},
		},
	}
	if err := sessions.CreateSession(ctx, admin, s); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 6, 15, 9, 0, 0, 0, time.Local)
	if err := sessions.StartSession(ctx, jury, s.ID, start); err != nil {
		t.Fatal(err)
	}
	if err := evals.RecordTimerEvent(ctx, jury, s.ID, a.ID, "MSP", exam.TimerEvent{Kind: exam.TimerStart, At: start}); err != nil {
		t.Fatal(err)
	}
	// Mid-épreuve, the referent changes the profile and its justification.
	profile.Time.ExtraMinutes = 10
	profile.Justification += " Mise à jour " + marker + "."
	if n, err := accs.SaveProfile(ctx, referent, profile); err != nil || n != 1 {
		t.Fatalf("save mid-épreuve = %d, %v", n, err)
	}
	if err := evals.RecordTimerEvent(ctx, jury, s.ID, a.ID, "MSP", exam.TimerEvent{Kind: exam.TimerEnd, At: start.Add(90 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	s, err := sessions.Session(ctx, jury, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range s.Candidates {
		for _, code := range sc.Blocks {
			blk := ref.Block(code)
			for _, m := range s.Jury {
				g := exam.NewGrid(sc.Candidate.ID, m.ID, blk)
				for i := range g.Assessments {
					g.Assessments[i].Verdict = exam.Satisfied
				}
				if err := evals.SaveGrid(ctx, jury, s.ID, &g); err != nil {
					t.Fatal(err)
				}
			}
			if err := evals.Decide(ctx, jury, s.ID, &exam.BlockDecision{CandidateID: sc.Candidate.ID, Block: code, Outcome: exam.OutcomeAcquired}); err != nil {
				t.Fatal(err)
			}
		}
		if err := delib.ConfirmResult(ctx, jury, &exam.CandidateResult{SessionID: s.ID, CandidateID: sc.Candidate.ID}); err != nil {
			t.Fatal(err)
		}
	}
	for i, m := range s.Jury {
		pin := fmt.Sprintf("246%d", i)
		if err := delib.SetMemberSecret(ctx, jury, s.ID, m.ID, pin); err != nil {
			t.Fatal(err)
		}
		if err := delib.Sign(ctx, jury, s.ID, m.ID, pin); err != nil {
			t.Fatal(err)
		}
	}
	// After the signature, another change.
	profile.Aids.Reader = true
	profile.Justification = marker + " — renouvellement."
	if _, err := accs.SaveProfile(ctx, referent, profile); err != nil {
		t.Fatal(err)
	}

	// The referent reads the marker: it was stored.
	got, err := accs.Profile(ctx, referent, a.ID)
	if err != nil || !strings.Contains(got.Justification, marker) {
		t.Fatalf("the referent reads %q, %v", got.Justification, err)
	}

	outputs := map[string]string{}
	// What the jury and the administrator read through the services.
	for _, actor := range []exam.Actor{jury, admin} {
		sess, err := sessions.Session(ctx, actor, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !sess.Candidate(a.ID).AccommodationsGranted() {
			t.Fatal("the session lost the accommodations applied")
		}
		js, _ := json.Marshal(sess)
		outputs["session read by "+string(actor.Role)] = string(js)
		p, err := accs.Profile(ctx, actor, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		js, _ = json.Marshal(p)
		outputs["profile read by "+string(actor.Role)] = string(js)
		all, err := accs.Profiles(ctx, actor, nil)
		if err != nil {
			t.Fatal(err)
		}
		js, _ = json.Marshal(all)
		outputs["profiles read by "+string(actor.Role)] = string(js)
	}

	// The certifier export, as a workbook and as CSV.
	exports := storage.NewExportService(db, ref)
	sel := storage.ExportSelection{SessionIDs: []int64{s.ID}}
	var book, csv bytes.Buffer
	if err := xlsx.WriteExport(ctx, &book, exports, admin, sel, nil); err != nil {
		t.Fatal(err)
	}
	outputs["export.xlsx"] = unzipText(t, book.Bytes())
	if !strings.Contains(outputs["export.xlsx"], "Secrétaire") {
		t.Error("the export does not list the functional accommodations")
	}
	if err := xlsx.WriteExportCSV(ctx, &csv, exports, admin, sel, nil); err != nil {
		t.Fatal(err)
	}
	outputs["export.csv"] = csv.String()

	// The PV, as its raw bytes and as the text pdftotext extracts.
	doc := &pdf.MinutesDoc{Referentiel: ref, Decisions: map[int64][]exam.BlockDecision{}, Results: map[int64]exam.CandidateResult{}}
	if doc.Session, err = sessions.Session(ctx, jury, s.ID); err != nil {
		t.Fatal(err)
	}
	for _, sc := range doc.Session.Candidates {
		if doc.Decisions[sc.Candidate.ID], err = evals.Decisions(ctx, jury, s.ID, sc.Candidate.ID); err != nil {
			t.Fatal(err)
		}
	}
	results, err := delib.Results(ctx, jury, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		doc.Results[r.CandidateID] = r
	}
	if doc.Minutes, err = delib.Minutes(ctx, jury, s.ID); err != nil {
		t.Fatal(err)
	}
	var pv bytes.Buffer
	if err := pdf.WriteMinutes(&pv, doc); err != nil {
		t.Fatal(err)
	}
	outputs["pv.pdf"] = pv.String()
	if text := pdfText(t, pv.Bytes()); text != "" {
		outputs["pv.pdf text"] = text
		if !strings.Contains(strings.Join(strings.Fields(text), " "), "Aménagements : Temps majoré de 33 % + 10 min ; Secrétaire ; Salle séparée") {
			t.Errorf("the PV does not show the accommodations applied:\n%s", text)
		}
	}

	// Every table of the database but the justifications', audit log
	// included.
	for table, text := range tablesText(t, db.Path()) {
		outputs["table "+table] = text
	}
	if !strings.Contains(outputs["table audit_log"], "accommodation.save") {
		t.Error("the audit log has no accommodation entry")
	}

	for name, text := range outputs {
		if strings.Contains(text, marker) {
			t.Errorf("%s holds the justification's marker", name)
		}
	}
}

// unzipText returns the text of every file of an xlsx (a zip archive).
func unzipText(t *testing.T, data []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		content, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		b.Write(content)
	}
	return b.String()
}

// pdfText extracts the PDF's text with pdftotext; "" (and a log line) when
// poppler-utils is not installed, the raw bytes being checked anyway.
func pdfText(t *testing.T, data []byte) string {
	t.Helper()
	tool, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Log("pdftotext not found: the PV's text is not extracted")
		return ""
	}
	path := filepath.Join(t.TempDir(), "pv.pdf")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// tablesText reads every column of every row of every table but
// accommodation_justifications, with a connection of its own, and returns
// the text per table.
func tablesText(t *testing.T, path string) map[string]string {
	t.Helper()
	conn, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.Query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	out := map[string]string{}
	for _, table := range tables {
		if table == "accommodation_justifications" {
			continue
		}
		rows, err := conn.Query("SELECT * FROM " + table)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		var b strings.Builder
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				if bs, ok := v.([]byte); ok {
					b.Write(bs)
				} else {
					fmt.Fprint(&b, v)
				}
				b.WriteByte('\x1f')
			}
		}
		rows.Close()
		out[table] = b.String()
	}
	return out
}
