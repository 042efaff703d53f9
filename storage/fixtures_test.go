package storage

import (
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/amisjury/amis/exam"
)

var (
	admin = exam.Actor{UserID: 1, Name: "admin", Role: exam.RoleAdmin}
	jury  = exam.Actor{UserID: 2, Name: "juror", Role: exam.RoleJury}
)

var (
	surnames = []string{"MARTIN", "BERNARD", "THOMAS", "PETIT", "ROBERT", "RICHARD", "DURAND", "DUBOIS",
		"MOREAU", "LAURENT", "SIMON", "MICHEL", "LEFÈVRE", "LEROY", "ROUX", "DAVID", "BERTRAND", "MOREL",
		"FOURNIER", "GIRARD", "BONNET", "DUPONT", "LAMBERT", "FONTAINE", "ROUSSEAU", "VINCENT", "MULLER",
		"LEFEBVRE", "FAURE", "ANDRÉ", "MERCIER", "BLANC", "GUÉRIN", "BOYER", "GARNIER", "CHEVALIER",
		"FRANÇOIS", "LEGRAND", "GAUTHIER", "GARCIA"}
	firstNames = []string{"Marie", "Jean", "Élodie", "Léa", "Hugo", "Chloé", "Lucas", "Inès", "Louis",
		"Manon", "Gabriel", "Camille", "Raphaël", "Zoé", "Arthur", "Anaïs", "Noah", "Jade", "Jules", "Sarah",
		"Adam", "Emma", "Nathan", "Lina", "Théo", "Clara", "Mohamed", "Alice", "Paul", "Rose", "Tom",
		"Lou", "Victor", "Julie", "Ethan", "Océane", "Sacha", "Nina", "Noé", "Eva"}
)

// genCandidates returns n valid candidates, distinct people with distinct
// numbers, starting at the offset-th of a deterministic sequence.
func genCandidates(n, offset int) []*exam.Candidate {
	cs := make([]*exam.Candidate, n)
	base := exam.NewDate(1960, time.January, 1).Time()
	routes := exam.AccessRoutes
	for k := range cs {
		i := k + offset
		sex := exam.Female
		if i%2 == 1 {
			sex = exam.Male
		}
		cs[k] = &exam.Candidate{
			Number:         fmt.Sprintf("%07d", i+1),
			BirthName:      surnames[i%len(surnames)],
			FirstNames:     firstNames[(i/len(surnames))%len(firstNames)],
			Sex:            sex,
			BirthDate:      exam.DateOf(base.AddDate(0, 0, (i/(len(surnames)*len(firstNames)))*257)),
			BirthCity:      "Lyon",
			BirthCountry:   "France",
			AccessRoute:    routes[i%len(routes)],
			TrainingCentre: "Centre de formation de Lyon",
		}
	}
	return cs
}

// valid returns a valid candidate to adjust in a test.
func valid() *exam.Candidate {
	return &exam.Candidate{
		Number:         "2024-001",
		BirthName:      "Lefèvre",
		UsageName:      "Martin",
		FirstNames:     "Élodie Anne",
		Sex:            exam.Female,
		BirthDate:      exam.MustParseDate("12/03/1990"),
		BirthCity:      "Saint-Étienne",
		BirthCountry:   "France",
		Email:          "elodie@example.org",
		Phone:          "06 12 34 56 78",
		AccessRoute:    exam.RouteContinuing,
		TrainingCentre: "AFPA Lyon",
		SSTDate:        exam.MustParseDate("01/06/2023"),
		Acquired:       []exam.AcquiredBlock{{BlockCode: "CCP1", Date: exam.MustParseDate("15/01/2022"), SessionRef: "S-2022-01"}},
	}
}

func newService(t testing.TB) (*DB, *CandidateService) {
	db := MustOpen(t)
	return db, NewCandidateService(db, MustReferentiel(t))
}

func fileHash(t testing.TB, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// rawExec runs statements on path with a plain connection, outside the
// package's rules, as another program or an attacker would.
func rawExec(t testing.TB, path string, stmts ...string) {
	t.Helper()
	conn, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, s := range stmts {
		if _, err := conn.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// wantCode fails unless err carries the code (and key, when not "").
func wantCode(t testing.TB, err error, code, key string) *exam.Error {
	t.Helper()
	if got := exam.ErrorCode(err); got != code {
		t.Fatalf("error code = %q, want %q (err: %v)", got, code, err)
	}
	var e *exam.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is not an *exam.Error", err)
	}
	if key != "" && e.Key != key {
		t.Fatalf("error key = %q, want %q (err: %v)", e.Key, key, err)
	}
	return e
}

func count(t testing.TB, db *DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.reader.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}
