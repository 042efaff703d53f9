package exam_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/amisjury/amis/assets"
	"github.com/amisjury/amis/exam"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in      string
		want    exam.Date
		wantErr string
	}{
		{"12/03/1990", exam.NewDate(1990, time.March, 12), ""},
		{" 1/3/1990 ", exam.NewDate(1990, time.March, 1), ""},
		{"12-03-1990", exam.NewDate(1990, time.March, 12), ""},
		{"12.03.1990", exam.NewDate(1990, time.March, 12), ""},
		{"1990-03-12", exam.NewDate(1990, time.March, 12), ""},
		{"29/02/2000", exam.NewDate(2000, time.February, 29), ""},
		{"", exam.Date{}, ""},
		{"29/02/2001", exam.Date{}, "err.date.calendar"},
		{"31/04/1990", exam.Date{}, "err.date.calendar"},
		{"12/03/90", exam.Date{}, "err.date.format"},
		{"12/13/1990", exam.Date{}, "err.date.calendar"},
		{"demain", exam.Date{}, "err.date.format"},
		{"12/03/1990/1", exam.Date{}, "err.date.format"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := exam.ParseDate(tt.in)
			if tt.wantErr != "" {
				var e *exam.Error
				if !errors.As(err, &e) || e.Key != tt.wantErr || e.Code != exam.EINVALID {
					t.Fatalf("ParseDate(%q) error = %v, want key %s", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseDate(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
			if got.String() != "" && exam.MustParseDate(got.String()) != got {
				t.Fatalf("String() %q does not parse back", got.String())
			}
		})
	}
}

func TestFold(t *testing.T) {
	tests := map[string]string{
		"  D'Arc-Lefèvre ":     "d arc lefevre",
		"HÉLÈNE":               "helene",
		"Nom d’usage":          "nom d usage",
		"Date  de naissance":   "date de naissance",
		"N° candidat":          "n candidat",
		"Œuvre Cœur":           "oeuvre coeur",
		"12/03/1990":           "12/03/1990",
		"E-mail":               "e mail",
		"Modalité d'accès (*)": "modalite d acces",
	}
	for in, want := range tests {
		if got := exam.Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func validCandidate() exam.Candidate {
	return exam.Candidate{
		BirthName: "lefèvre", FirstNames: " Hélène  Marie", Sex: exam.Female,
		BirthDate: exam.NewDate(1990, 3, 12), BirthCity: "Nîmes", BirthCountry: "France",
		Email: "helene.lefevre@exemple.fr", Phone: "06 12 34 56 78",
		AccessRoute: exam.RouteContinuing, TrainingCentre: "AFPA Nîmes",
		SSTDate: exam.NewDate(2025, 6, 1),
	}
}

func TestCandidate_Validate(t *testing.T) {
	today := exam.NewDate(2026, 11, 26)
	tests := []struct {
		name   string
		mutate func(c *exam.Candidate)
		field  string
		key    string
	}{
		{"valid", func(c *exam.Candidate) {}, "", ""},
		{"apostrophe and hyphen", func(c *exam.Candidate) { c.BirthName = "D'ALMEIDA-N'DIAYE" }, "", ""},
		{"no birth name", func(c *exam.Candidate) { c.BirthName = "" }, exam.FieldBirthName, "err.required"},
		{"digits in name", func(c *exam.Candidate) { c.BirthName = "DUPONT2" }, exam.FieldBirthName, "err.name.chars"},
		{"formula in name", func(c *exam.Candidate) { c.FirstNames = "=1+1" }, exam.FieldFirstNames, "err.name.chars"},
		{"no first names", func(c *exam.Candidate) { c.FirstNames = "" }, exam.FieldFirstNames, "err.required"},
		{"no sex", func(c *exam.Candidate) { c.Sex = "" }, exam.FieldSex, "err.sex"},
		{"no birth date", func(c *exam.Candidate) { c.BirthDate = exam.Date{} }, exam.FieldBirthDate, "err.required"},
		{"too young", func(c *exam.Candidate) { c.BirthDate = exam.NewDate(2015, 1, 1) }, exam.FieldBirthDate, "err.birth_date.young"},
		{"impossible date", func(c *exam.Candidate) { c.BirthDate = exam.NewDate(1990, 2, 30) }, exam.FieldBirthDate, "err.date.calendar"},
		{"no birth city", func(c *exam.Candidate) { c.BirthCity = "" }, exam.FieldBirthCity, "err.required"},
		{"no country", func(c *exam.Candidate) { c.BirthCountry = "" }, exam.FieldBirthCountry, "err.required"},
		{"bad email", func(c *exam.Candidate) { c.Email = "helene@" }, exam.FieldEmail, "err.email"},
		{"email without domain dot", func(c *exam.Candidate) { c.Email = "helene@exemple" }, exam.FieldEmail, "err.email"},
		{"bad phone", func(c *exam.Candidate) { c.Phone = "06-AB" }, exam.FieldPhone, "err.phone"},
		{"international phone", func(c *exam.Candidate) { c.Phone = "+33 6 12 34 56 78" }, "", ""},
		{"no route", func(c *exam.Candidate) { c.AccessRoute = "" }, exam.FieldAccessRoute, "err.required"},
		{"unknown route", func(c *exam.Candidate) { c.AccessRoute = "stage" }, exam.FieldAccessRoute, "err.access_route"},
		{"SST in future", func(c *exam.Candidate) { c.SSTDate = exam.NewDate(2027, 1, 1) }, exam.FieldSSTDate, "err.date.future"},
		{"acquired without date", func(c *exam.Candidate) {
			c.Acquired = []exam.AcquiredBlock{{BlockCode: "RNCP37722BC01"}}
		}, exam.FieldAcquired, "err.acquired.date"},
		{"acquired twice", func(c *exam.Candidate) {
			d := exam.NewDate(2025, 1, 1)
			c.Acquired = []exam.AcquiredBlock{{BlockCode: "RNCP37722BC01", Date: d}, {BlockCode: "RNCP37722BC01", Date: d}}
		}, exam.FieldAcquired, "err.acquired.duplicate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validCandidate()
			tt.mutate(&c)
			c.Normalize()
			err := c.ValidateAt(today)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if exam.ErrorCode(err) != exam.EINVALID || !errors.Is(err, exam.ErrInvalid) {
				t.Fatalf("error %v, want EINVALID", err)
			}
			for _, fe := range exam.FieldErrors(err) {
				if fe.Field == tt.field && fe.Key == tt.key {
					return
				}
			}
			t.Fatalf("errors %v, want %s on %s", exam.FieldErrors(err), tt.key, tt.field)
		})
	}
}

func TestCandidate_Normalize(t *testing.T) {
	c := validCandidate()
	c.Normalize()
	if c.BirthName != "LEFÈVRE" || c.FirstNames != "Hélène Marie" {
		t.Fatalf("normalised to %q %q", c.BirthName, c.FirstNames)
	}
	d := validCandidate()
	d.BirthName, d.FirstNames = "Lefevre", "helene marie"
	if c.DuplicateKey() != d.DuplicateKey() {
		t.Fatalf("duplicate keys differ: %q vs %q", c.DuplicateKey(), d.DuplicateKey())
	}
}

func TestCandidate_CheckBlocks(t *testing.T) {
	ref, err := assets.Referentiel()
	if err != nil {
		t.Fatal(err)
	}
	c := validCandidate()
	c.Acquired = []exam.AcquiredBlock{{BlockCode: "ccp2", Date: exam.NewDate(2025, 1, 1)}}
	c.Normalize()
	if err := c.CheckBlocks(ref); err != nil {
		t.Fatal(err)
	}
	if c.Acquired[0].BlockCode != "RNCP37722BC02" {
		t.Fatalf("short code not resolved: %q", c.Acquired[0].BlockCode)
	}
	c.Acquired[0].BlockCode = "CCP9"
	if err := c.CheckBlocks(ref); exam.ErrorCode(err) != exam.EINVALID {
		t.Fatalf("unknown block accepted: %v", err)
	}
}

func TestParseAccessRoute(t *testing.T) {
	tests := map[string]exam.AccessRoute{
		"Formation continue":              exam.RouteContinuing,
		"APPRENTISSAGE":                   exam.RouteApprenticeship,
		"Alternance / apprentissage":      exam.RouteApprenticeship,
		"Contrat de professionnalisation": exam.RouteProContract,
		"vae":                             exam.RouteVAE,
		"Candidat libre":                  exam.RouteFree,
	}
	for in, want := range tests {
		if got, ok := exam.ParseAccessRoute(in); !ok || got != want {
			t.Errorf("ParseAccessRoute(%q) = %q, %v", in, got, ok)
		}
	}
	if _, ok := exam.ParseAccessRoute("stage"); ok {
		t.Error("unknown route accepted")
	}
}

func TestLoadReferentiel_Embedded(t *testing.T) {
	ref, err := assets.Referentiel()
	if err != nil {
		t.Fatal(err)
	}
	if ref.Code != "RNCP37722" || len(ref.Blocks) != 3 {
		t.Fatalf("ref = %s with %d blocks", ref.Code, len(ref.Blocks))
	}
	counts := []int{5, 4, 3}
	for i, b := range ref.Blocks {
		if len(b.Competences) != counts[i] {
			t.Errorf("%s has %d competences, want %d", b.Short, len(b.Competences), counts[i])
		}
	}
	if got := ref.Blocks[1].Competences[2].Title; !strings.HasPrefix(got, "Veiller à la sécurité des personnes") {
		t.Errorf("competence 8 = %q", got)
	}
	last := ref.Trials[len(ref.Trials)-1]
	if last.Code != "EF" {
		t.Errorf("the entretien final must come last, got %s", last.Code)
	}
	for _, tr := range ref.Trials {
		if !tr.ToCheck {
			t.Errorf("trial %s: default durations must be marked to_check until checked against the official RC", tr.Code)
		}
	}
}

func TestLoadReferentiel_Broken(t *testing.T) {
	good := string(assets.ReferentielJSON())
	tests := []struct {
		name, old, new, want string
	}{
		{"syntax", `"blocks": [`, `"blocks": [,`, "line"},
		{"wrong type", `"level": 3`, `"level": "trois"`, `"level"`},
		{"unknown field", `"level": 3`, `"levle": 3`, "levle"},
		{"missing title", `"title": "Sensibiliser au respect des règles"`, `"title": ""`, "blocks[1].competences[0].title"},
		{"bad numbering", `{"number": 7,`, `{"number": 70,`, "blocks[1].competences[1].number"},
		{"zero duration", `"minutes": 30, "prep_minutes": 0, "blocks": ["CCP2"]`, `"minutes": 0, "prep_minutes": 0, "blocks": ["CCP2"]`, "trials[2].minutes"},
		{"unknown block", `"blocks": ["CCP2"]`, `"blocks": ["CCP7"]`, "trials[2].blocks[0]"},
		{"duplicate block code", `"code": "RNCP37722BC02"`, `"code": "RNCP37722BC01"`, "blocks[1].code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(good, tt.old) {
				t.Fatalf("fixture %q not found in the référentiel", tt.old)
			}
			broken := strings.Replace(good, tt.old, tt.new, 1)
			_, err := exam.LoadReferentiel(strings.NewReader(broken))
			if err == nil {
				t.Fatal("broken référentiel accepted")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q does not name %q", err, tt.want)
			}
		})
	}
}

func TestActor_Require(t *testing.T) {
	if err := exam.System.Require(exam.PermManageCandidates); err != nil {
		t.Fatal(err)
	}
	jury := exam.Actor{Name: "juré", Role: exam.RoleJury}
	if err := jury.Require(exam.PermManageCandidates); !errors.Is(err, exam.ErrForbidden) {
		t.Fatalf("jury may manage candidates: %v", err)
	}
}

func BenchmarkFold(b *testing.B) {
	for b.Loop() {
		exam.Fold("LEFÈVRE-D'ALMEIDA Hélène Marie 12/03/1990")
	}
}
