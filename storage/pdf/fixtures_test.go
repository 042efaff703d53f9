package pdf_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/amisjury/amis/assets"
	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage/pdf"
)

// Candidate IDs of the fixture session.
const (
	idTitle       = 11 // N'DIAYE Hélène-Léa Œ: titre obtenu
	idPartial     = 12 // ÇELIK Jérôme: certification partielle (CCP1, CCP3)
	idNotObtained = 13 // LEROY Anaïs: CCP2 already acquired, non obtenu
	idAbsent      = 14 // FONTAINE Noël: absent
)

const (
	bc1 = "RNCP37722BC01"
	bc2 = "RNCP37722BC02"
	bc3 = "RNCP37722BC03"
)

func mustReferentiel(tb testing.TB) *exam.Referentiel {
	tb.Helper()
	ref, err := assets.Referentiel()
	if err != nil {
		tb.Fatal(err)
	}
	return ref
}

// at is a time on the computer's clock, as the documents print them.
func at(day, h, m int) time.Time { return time.Date(2026, time.March, day, h, m, 0, 0, time.Local) }

func candidate(id int64, number, birth, usage, first string, born exam.Date) exam.Candidate {
	return exam.Candidate{
		ID: id, Number: number, BirthName: birth, UsageName: usage, FirstNames: first,
		Sex: exam.Female, BirthDate: born, BirthCity: "Lyon", BirthCountry: "France",
		AccessRoute: exam.RouteContinuing, TrainingCentre: "Centre Les Pentes",
	}
}

// fixture is a signed certification session: 2 jury members, 4 candidates
// (title, partial, not obtained with a CCP already acquired, absent), an
// incident and an amendment.
func fixture(tb testing.TB) *pdf.MinutesDoc {
	tb.Helper()
	ref := mustReferentiel(tb)
	leroy := candidate(idNotObtained, "2026-003", "LEROY", "", "Anaïs Marie", exam.NewDate(1985, 11, 2))
	leroy.Acquired = []exam.AcquiredBlock{{BlockCode: bc2, Date: exam.NewDate(2024, 6, 14), SessionRef: "2024-AMIS-007"}}
	s := &exam.Session{
		ID: 7, Kind: exam.KindCertification, Scope: exam.ScopeFullTitle,
		Reference: "2026-AMIS-014",
		StartDate: exam.NewDate(2026, 3, 2), EndDate: exam.NewDate(2026, 3, 3),
		Place: "Lyon 7e — salle Gerland", TrainingCentre: "Centre de formation Les Pentes",
		Referentiel: ref.Code, ReferentielVersion: ref.Version,
		DayStart: exam.NewTimeOfDay(8, 30), DayEnd: exam.NewTimeOfDay(18, 0), Changeover: 15 * time.Minute,
		Jury: []exam.Member{
			{ID: 2, Name: "Thomas GARNIER", Organisation: "Ville de Villeurbanne", Habilitation: "HAB-2023-0042", Role: exam.JuryMember, External: true},
			{ID: 1, Name: "Claire DUBOIS-LEFÈVRE", Organisation: "Association Médiation Rhône", Habilitation: "HAB-2024-0117", Role: exam.JuryPresident, External: true},
		},
	}
	for _, c := range []exam.Candidate{
		candidate(idTitle, "2026-001", "N'DIAYE", "MARTIN", "Hélène-Léa Œ", exam.NewDate(1990, 4, 23)),
		candidate(idPartial, "2026-002", "ÇELIK", "", "Jérôme", exam.NewDate(1978, 1, 9)),
		leroy,
		candidate(idAbsent, "2026-004", "FONTAINE", "", "Noël", exam.NewDate(2001, 12, 25)),
	} {
		s.Candidates = append(s.Candidates, exam.NewSessionCandidate(ref, c))
	}
	s.Candidates[3].Absent = true
	if err := s.Validate(); err != nil {
		tb.Fatal(err)
	}
	if err := s.CheckReferentiel(ref); err != nil {
		tb.Fatal(err)
	}
	dec := func(id int64, block string, o exam.BlockOutcome, reason string) exam.BlockDecision {
		return exam.BlockDecision{CandidateID: id, Block: block, Proposed: o, Outcome: o, Reason: reason, DecidedAt: at(3, 16, 0)}
	}
	decisions := map[int64][]exam.BlockDecision{
		idTitle: {dec(idTitle, bc1, exam.OutcomeAcquired, ""), dec(idTitle, bc2, exam.OutcomeAcquired, ""), dec(idTitle, bc3, exam.OutcomeAcquired, "")},
		idPartial: {
			dec(idPartial, bc1, exam.OutcomeAcquired, ""),
			dec(idPartial, bc2, exam.OutcomeNotAcquired, "Compétence 7 non démontrée : la situation de conflit n'a pas été apaisée."),
			dec(idPartial, bc3, exam.OutcomeAcquired, ""),
		},
		idNotObtained: {
			dec(idNotObtained, bc1, exam.OutcomeNotAcquired, "Compétences 3 et 4 non satisfaites."),
			dec(idNotObtained, bc3, exam.OutcomeNotAcquired, "Projet partenarial non présenté."),
		},
	}
	results := map[int64]exam.CandidateResult{}
	for i := range s.Candidates {
		sc := &s.Candidates[i]
		o := exam.ProposeResult(ref, s.Kind, s.Scope, sc, decisions[sc.Candidate.ID])
		results[sc.Candidate.ID] = exam.CandidateResult{SessionID: s.ID, CandidateID: sc.Candidate.ID, Proposed: o.Result, Result: o.Result, Acquired: o.Acquired, ConfirmedAt: at(3, 17, 0)}
	}
	s.SignedAt = at(3, 17, 45)
	return &pdf.MinutesDoc{
		Session:     s,
		Referentiel: ref,
		Decisions:   decisions,
		Results:     results,
		Incidents: []exam.Incident{{
			ID: 1, SessionID: s.ID, CandidateID: idPartial, Trial: "MSP", Kind: exam.IncidentLate,
			At: at(2, 9, 12), Text: "Arrivé avec 12 minutes de retard (train supprimé) ; épreuve décalée d'autant.", RecordedBy: "Claire DUBOIS-LEFÈVRE",
		}},
		Minutes: &exam.Minutes{
			SessionID: s.ID,
			Signatures: []exam.Signature{
				{MemberID: 1, Name: "Claire DUBOIS-LEFÈVRE", SignedAt: at(3, 17, 42)},
				{MemberID: 2, Name: "Thomas GARNIER", SignedAt: at(3, 17, 45)},
			},
			SignedAt: at(3, 17, 45),
			Amendments: []exam.Amendment{{
				ID: 1, At: at(5, 10, 30), By: "Anne MOREAU (administratrice)",
				Reason: "Motif incomplet constaté à la relecture des grilles",
				What:   "CCP3 de LEROY Anaïs Marie : motif « Projet non présenté » → « Projet partenarial non présenté. »",
			}},
		},
		GeneratedAt: at(5, 11, 0),
	}
}

// mustPdftotext returns the path of pdftotext. CI installs poppler-utils
// (scripts/deps.sh): a missing tool is a failure, not a skip.
func mustPdftotext(tb testing.TB) string {
	tb.Helper()
	path, err := exec.LookPath("pdftotext")
	if err != nil {
		tb.Fatal("pdftotext not found: install poppler-utils (apt-get install -y poppler-utils) to check the PDF documents")
	}
	return path
}

// writePDF writes data to a file of the test's temporary directory and
// returns its text, extracted by pdftotext in content order; pages are
// separated by form feeds.
func writePDF(tb testing.TB, name string, data []byte) (path, text string) {
	tb.Helper()
	tool := mustPdftotext(tb)
	if !bytes.HasPrefix(data, []byte("%PDF-")) {
		tb.Fatalf("%s is not a PDF: %q", name, data[:min(len(data), 20)])
	}
	path = filepath.Join(tb.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		tb.Fatal(err)
	}
	out, err := exec.Command(tool, "-raw", "-enc", "UTF-8", path, "-").CombinedOutput()
	if err != nil {
		tb.Fatalf("pdftotext %s: %v\n%s", name, err, out)
	}
	return path, string(out)
}

// flat joins the words of text with single spaces, so that a text wrapped
// over several lines of a cell is found whole; a compound name broken after
// its hyphen is joined again.
func flat(text string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(text, "-\n", "-")), " ")
}

// contains fails the test for each wanted text missing from got (spaces
// normalised).
func contains(tb testing.TB, doc, got string, want ...string) {
	tb.Helper()
	f := flat(got)
	for _, w := range want {
		if !strings.Contains(f, flat(w)) {
			tb.Errorf("%s: %q is missing from the text:\n%s", doc, w, got)
		}
	}
}

// box is a word's bounding box on a page, in points.
type box struct {
	x0, y0, x1, y1 float64
	word           string
}

var (
	bboxPage = regexp.MustCompile(`<page width="([\d.]+)" height="([\d.]+)">`)
	bboxWord = regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>`)
)

// checkLayout fails when two words of a page overlap (text drawn over
// text) or a word runs off the page or into its margins. Documents with a
// watermark cannot be checked: the watermark crosses the text on purpose.
func checkLayout(tb testing.TB, path string) {
	tb.Helper()
	out, err := exec.Command(mustPdftotext(tb), "-bbox", path, "-").CombinedOutput()
	if err != nil {
		tb.Fatalf("pdftotext -bbox: %v\n%s", err, out)
	}
	num := func(s string) float64 {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			tb.Fatal(err)
		}
		return f
	}
	const mm = 72 / 25.4
	pages := bboxPage.FindAllStringSubmatchIndex(string(out), -1)
	for p, loc := range pages {
		end := len(out)
		if p+1 < len(pages) {
			end = pages[p+1][0]
		}
		w, h := num(string(out[loc[2]:loc[3]])), num(string(out[loc[4]:loc[5]]))
		var words []box
		for _, m := range bboxWord.FindAllStringSubmatch(string(out[loc[1]:end]), -1) {
			b := box{num(m[1]), num(m[2]), num(m[3]), num(m[4]), m[5]}
			if b.x0 < 14*mm || b.x1 > w-14*mm || b.y0 < 8*mm || b.y1 > h-8*mm {
				tb.Errorf("page %d: %q lies outside the text area (%.0f,%.0f–%.0f,%.0f pt)", p+1, b.word, b.x0, b.y0, b.x1, b.y1)
			}
			words = append(words, b)
		}
		const eps = 0.6
		for i := range words {
			for j := i + 1; j < len(words); j++ {
				a, b := words[i], words[j]
				if a.x0 < b.x1-eps && b.x0 < a.x1-eps && a.y0 < b.y1-eps && b.y0 < a.y1-eps {
					tb.Errorf("page %d: %q and %q overlap", p+1, a.word, b.word)
				}
			}
		}
	}
}
