package pdf_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage/pdf"
)

// keep copies a written document to $AMIS_DOC_OUT, if set, to look at it
// (pdftoppm -png -r 60 file.pdf page).
func keep(tb testing.TB, path string) {
	dir := os.Getenv("AMIS_DOC_OUT")
	if dir == "" {
		return
	}
	data, err := os.ReadFile(path)
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, filepath.Base(path)), data, 0o644)
	}
	if err != nil {
		tb.Log(err)
	}
}

func writeMinutes(tb testing.TB, name string, d *pdf.MinutesDoc) string {
	tb.Helper()
	var b bytes.Buffer
	if err := pdf.WriteMinutes(&b, d); err != nil {
		tb.Fatal(err)
	}
	path, text := writePDF(tb, name, b.Bytes())
	keep(tb, path)
	if !strings.Contains(text, "PROVISOIRE") {
		checkLayout(tb, path)
	}
	return text
}

var pageNumber = regexp.MustCompile(`Page (\d+)/(\d+)`)

// checkPages checks that every page says "Page i/n" and returns n.
func checkPages(tb testing.TB, text string) int {
	tb.Helper()
	pages := strings.Split(strings.TrimRight(text, "\f"), "\f")
	for i, p := range pages {
		m := pageNumber.FindStringSubmatch(p)
		if m == nil {
			tb.Fatalf("page %d has no page number:\n%s", i+1, p)
		}
		if want := fmt.Sprintf("Page %d/%d", i+1, len(pages)); m[0] != want {
			tb.Errorf("page %d says %q, want %q", i+1, m[0], want)
		}
	}
	return len(pages)
}

func TestWriteMinutes(t *testing.T) {
	d := fixture(t)
	text := writeMinutes(t, "pv.pdf", d)
	contains(t, "PV", text,
		"Procès-verbal de la session de validation",
		"Titre professionnel Agent de médiation, information, services (AMIS)",
		"Code RNCP : RNCP37722", "niveau 3",
		"2026-AMIS-014", "du 02/03/2026 au 03/03/2026", "Lyon 7e — salle Gerland", "Centre de formation Les Pentes",
		"RNCP37722, version "+d.Referentiel.Version, "Session de validation — titre complet",
		"4 candidats inscrits, 3 présents, 1 absent — titre obtenu : 1 ; certification partielle : 1 ; non obtenu : 1",
		// the jury, president first
		"Claire DUBOIS-LEFÈVRE Président du jury Association Médiation Rhône HAB-2024-0117 Externe",
		"Thomas GARNIER Membre du jury Ville de Villeurbanne HAB-2023-0042 Externe",
		// one row per candidate, alphabetical (Ç sorts as C)
		"2026-002 ÇELIK Jérôme 09/01/1978 Acquis Non acquis Acquis Certification partielle (CCP1, CCP3)",
		"2026-004 FONTAINE Noël 25/12/2001 Non présenté Non présenté Non présenté Absent",
		"2026-003 LEROY Anaïs Marie 02/11/1985 Non acquis Déjà acquis (14/06/2024) Non acquis Non obtenu",
		"2026-001 N'DIAYE Hélène-Léa Œ nom d'usage : MARTIN 23/04/1990 Acquis Acquis Acquis Titre obtenu",
		"CCP2 (RNCP37722BC02) : Réguler par la médiation des situations de tension et de conflit.",
		// reasons
		"Motifs des décisions",
		"ÇELIK Jérôme CCP2 Non acquis Compétence 7 non démontrée : la situation de conflit n'a pas été apaisée.",
		"LEROY Anaïs Marie CCP3 Non acquis Projet partenarial non présenté.",
		// incidents
		"02/03/2026 09:12 ÇELIK Jérôme Retard Mise en situation professionnelle Arrivé avec 12 minutes de retard (train supprimé) ; épreuve décalée d'autant.",
		// signatures, president first
		"Claire DUBOIS-LEFÈVRE Président du jury — Association Médiation Rhône signé électroniquement le 03/03/2026 à 17:42",
		"Thomas GARNIER Membre du jury — Ville de Villeurbanne signé électroniquement le 03/03/2026 à 17:45",
		"Procès-verbal signé par l'ensemble du jury le 03/03/2026 à 17:45 : les résultats sont verrouillés.",
		// amendment; "→" has no Windows-1252 glyph
		"Ce procès-verbal a été rectifié après sa signature",
		"Rectifications après signature",
		"05/03/2026 10:30 Anne MOREAU (administratrice) Motif incomplet constaté à la relecture des grilles CCP3 de LEROY Anaïs Marie : motif « Projet non présenté » -> « Projet partenarial non présenté. »",
		"Document établi par AMIS Jury le 05/03/2026 à 11:00",
	)
	if strings.Contains(text, "PROVISOIRE") {
		t.Error("a PV signed by the whole jury is marked PROVISOIRE")
	}
	if strings.Contains(text, "à confirmer") || strings.Contains(text, "En attente") {
		t.Error("a signed PV shows a result still to confirm")
	}
	checkPages(t, text)
}

func TestWriteMinutes_Provisional(t *testing.T) {
	for name, edit := range map[string]func(d *pdf.MinutesDoc){
		"one signature missing": func(d *pdf.MinutesDoc) {
			d.Minutes.Signatures = d.Minutes.Signatures[:1]
			d.Minutes.SignedAt, d.Session.SignedAt = time.Time{}, time.Time{}
			d.Minutes.Amendments = nil
		},
		"no minutes yet": func(d *pdf.MinutesDoc) {
			d.Minutes, d.Session.SignedAt = nil, time.Time{}
			delete(d.Results, idPartial) // not confirmed yet
		},
	} {
		t.Run(name, func(t *testing.T) {
			d := fixture(t)
			edit(d)
			text := writeMinutes(t, "pv-provisoire.pdf", d)
			n := checkPages(t, text)
			if got := strings.Count(text, "PROVISOIRE — non signé"); got < n+2 {
				t.Errorf("PROVISOIRE — non signé appears %d times on %d pages; want it in every header, at the top and under the signatures", got, n)
			}
			contains(t, "provisional PV", text,
				"PROVISOIRE — non signé : ce procès-verbal n'a pas été signé par tous les membres du jury ; il ne vaut pas décision.",
				"Thomas GARNIER Membre du jury — Ville de Villeurbanne Signature :")
			if strings.Contains(text, "Rectifications") {
				t.Error("an unsigned PV has rectifications")
			}
			if d.Minutes == nil {
				contains(t, "provisional PV", text, "0 signature sur 2 membres du jury",
					"2026-002 ÇELIK Jérôme 09/01/1978 Acquis Non acquis Acquis Certification partielle (CCP1, CCP3) — à confirmer")
			} else {
				contains(t, "provisional PV", text, "1 signature sur 2 membres du jury",
					"signé électroniquement le 03/03/2026 à 17:42")
			}
		})
	}
}

func TestWriteMinutes_Mock(t *testing.T) {
	d := fixture(t)
	d.Session.Kind = exam.KindMock
	var b bytes.Buffer
	err := pdf.WriteMinutes(&b, d)
	var e *exam.Error
	if !errors.As(err, &e) || e.Code != exam.EINVALID {
		t.Fatalf("WriteMinutes(mock exam) = %v, want an EINVALID *exam.Error", err)
	}
	if b.Len() != 0 {
		t.Errorf("WriteMinutes(mock exam) wrote %d bytes", b.Len())
	}
	if err := pdf.WriteMinutes(&b, &pdf.MinutesDoc{}); err == nil {
		t.Error("WriteMinutes without a session: no error")
	}
}

// TestWriteMinutes_Long checks the page layout of a long PV: the table
// header is repeated on every page of the results, no candidate's row is
// split across two pages, long names wrap, and a text longer than a page is
// printed whole.
func TestWriteMinutes_Long(t *testing.T) {
	d := fixture(t)
	ref := d.Referentiel
	s := d.Session
	first := []string{"Amélie", "Bérénice", "Cédric", "Zoé", "Gaëlle", "Loïc", "Maëlys", "Anaïs", "Raphaël", "Joël"}
	for i := 0; i < 60; i++ {
		c := candidate(int64(100+i), fmt.Sprintf("L-%03d", i), "LÉGER"+strings.Repeat("É", i%4)+string(rune('A'+i%26)), "", first[i%len(first)],
			exam.NewDate(1960+i%40, time.Month(1+i%12), 1+i%28))
		s.Candidates = append(s.Candidates, exam.NewSessionCandidate(ref, c))
	}
	long := candidate(200, "L-200", "DE LA TOUR D'AUVERGNE-LAURAGAIS", "VAN DEN BERGHE-CASTELNAU", "Marie-Françoise Éléonore Joséphine Ségolène", exam.NewDate(1970, 7, 14))
	s.Candidates = append(s.Candidates, exam.NewSessionCandidate(ref, long))
	huge := strings.Repeat("Le candidat a signalé un problème de connexion au poste d'examen ; l'épreuve a été reprise sur un autre poste. ", 60) + "FIN DU RAPPORT."
	d.Incidents = append(d.Incidents, exam.Incident{ID: 2, CandidateID: 200, Kind: exam.IncidentTechnical, At: at(2, 14, 0), Text: huge})

	s.Jury = append(s.Jury, exam.Member{ID: 3, Name: "Marie-Christine DE LA ROCHEFOUCAULD-MONTMORENCY-LAVAL DE SAINT-AIGNAN",
		Organisation: "Fédération régionale des associations de médiation sociale et de prévention des conflits d'Auvergne-Rhône-Alpes",
		Habilitation: "HAB-2022-1234", Role: exam.JuryMember})
	d.Minutes.Signatures = append(d.Minutes.Signatures, exam.Signature{MemberID: 3, SignedAt: at(3, 17, 50)})
	text := writeMinutes(t, "pv-long.pdf", d)
	n := checkPages(t, text)
	if n < 4 {
		t.Fatalf("the long PV has %d pages, want at least 4", n)
	}
	pages := strings.Split(text, "\f")
	pageOf := func(s string) []int {
		var out []int
		for i, p := range pages {
			if strings.Contains(flat(p), flat(s)) {
				out = append(out, i+1)
			}
		}
		return out
	}
	header := "N° candidat Candidat (nom de naissance, prénoms) Né(e) le CCP1 CCP2 CCP3 Décision du jury"
	headers := pageOf(header)
	for i := range s.Candidates {
		sc := &s.Candidates[i]
		// number, name and birth date start the row, the decision ends it:
		// all on one page, under a table header.
		row := sc.Candidate.Number + " " + sc.Candidate.BirthName + " " + sc.Candidate.FirstNames
		p := pageOf(row)
		if len(p) != 1 {
			t.Errorf("row %q found on pages %v, want one page", row, p)
			continue
		}
		if !strings.Contains(flat(pages[p[0]-1]), flat(row)) || !contains1(headers, p[0]) {
			t.Errorf("page %d holds row %q without the table header (header on pages %v)", p[0], row, headers)
		}
	}
	if len(headers) < 2 {
		t.Errorf("the results table header is on pages %v, want it repeated", headers)
	}
	contains(t, "long PV", text,
		"L-200 DE LA TOUR D'AUVERGNE-LAURAGAIS Marie-Françoise Éléonore Joséphine Ségolène nom d'usage : VAN DEN BERGHE-CASTELNAU 14/07/1970")
	if got := strings.Count(text, "connexion"); got != 60 {
		t.Errorf("the text longer than a page shows %d of its 60 sentences", got)
	}
	if p := pageOf("FIN DU RAPPORT."); len(p) != 1 || p[0] == pageOf("Arrivé avec 12 minutes")[0] {
		t.Errorf("the text longer than a page should end on a later page than the incident before it: %v", p)
	}
}

func contains1(ps []int, p int) bool {
	for _, x := range ps {
		if x == p {
			return true
		}
	}
	return false
}

func TestWriteMinutes_Deterministic(t *testing.T) {
	var a, b bytes.Buffer
	if err := pdf.WriteMinutes(&a, fixture(t)); err != nil {
		t.Fatal(err)
	}
	if err := pdf.WriteMinutes(&b, fixture(t)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("the same PV written twice differs")
	}
}

// TestWriteMinutes_Concurrent writes documents from several goroutines, as
// the UI does off its own goroutine: no state may be shared (run with -race).
func TestWriteMinutes_Concurrent(t *testing.T) {
	var first bytes.Buffer
	if err := pdf.WriteMinutes(&first, fixture(t)); err != nil {
		t.Fatal(err)
	}
	const n = 8
	minutes := make([]*pdf.MinutesDoc, n)
	feedback := make([]*pdf.FeedbackDoc, n)
	for i := range n {
		minutes[i], feedback[i] = fixture(t), mockFixture(t)
	}
	errs := make(chan error, n)
	for i := range n {
		go func() {
			var b bytes.Buffer
			if i%2 == 1 {
				errs <- pdf.WriteFeedback(&b, feedback[i])
				return
			}
			err := pdf.WriteMinutes(&b, minutes[i])
			if err == nil && !bytes.Equal(b.Bytes(), first.Bytes()) {
				err = errors.New("a PV written concurrently differs")
			}
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// The PV lists the functional accommodations applied to each candidate who
// had some ("Aménagements : …"), from the session's copy of the profile or,
// without one, from the time allowance; nothing for the others, and no
// section at all when nobody had any.
func TestWriteMinutes_Accommodations(t *testing.T) {
	d := fixture(t)
	without := writeMinutes(t, "pv-sans-amenagement.pdf", d)
	if strings.Contains(without, "Aménagements") {
		t.Errorf("a PV without accommodations mentions them:\n%s", without)
	}
	s := d.Session
	s.Candidates[0].Allowance = exam.TimeAllowance{ExtraPercent: 33}
	s.Candidates[0].Accommodations = &exam.AccommodationProfile{CandidateID: s.Candidates[0].Candidate.ID,
		Decision: exam.AccommodationDecision{Authority: "MDPH du Rhône", Reference: "MDPH 69 — décision n° 2026-014587"},
		Time:     exam.TimeAllowance{ExtraPercent: 33},
		Aids:     exam.HumanAids{LSFInterpreter: true},
		Room:     exam.RoomAids{SeparateRoom: true}}
	s.Candidates[1].Allowance = exam.TimeAllowance{ExtraMinutes: 15}
	text := writeMinutes(t, "pv-amenagements.pdf", d)
	contains(t, "PV", text,
		"Aménagements accordés",
		"N'DIAYE Hélène-Léa Œ nom d'usage : MARTIN Aménagements : Temps majoré de 33 % ; Interprète LSF ; Salle séparée",
		"ÇELIK Jérôme Aménagements : Temps majoré de 15 min")
	if n := strings.Count(text, "Aménagements :"); n != 2 {
		t.Errorf("%d candidates with accommodations on the PV, want 2:\n%s", n, text)
	}
	if strings.Contains(text, "MDPH") {
		t.Error("the PV shows the decision")
	}
}
