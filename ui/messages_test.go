package ui

import (
	"errors"
	"fmt"
	"testing"

	"github.com/amisjury/amis/exam"
)

func TestErrorMessage(t *testing.T) {
	invalid := candidate("", "Marie", "01/02/1990")
	invalid.BirthDate = exam.NewDate(1990, 2, 31)
	invalidErr := invalid.Validate()
	if invalidErr == nil {
		t.Fatal("the candidate is valid")
	}
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"nil", nil, ""},
		{"validation", fmt.Errorf("create candidate: %w", invalidErr),
			"Données invalides : Nom de naissance (obligatoire) ; Date de naissance (« 31/02/1990 » n'existe pas dans le calendrier)."},
		{"not found", fmt.Errorf("load: %w", exam.Errorf(exam.ENOTFOUND, "err.candidate.not_found", "candidate {{.ID}} does not exist", map[string]any{"ID": 12})),
			"Le candidat 12 n'existe pas (il a peut-être été supprimé)."},
		{"forbidden", exam.Actor{Name: "x", Role: exam.RoleJury}.Require(exam.PermManageCandidates),
			"Votre rôle (jury) ne permet pas cette action."},
		{"number taken, no name", exam.Errorf(exam.ECONFLICT, "err.candidate.number_taken", "candidate number {{.Number}} is already used", map[string]any{"Number": "42"}),
			"Le numéro de candidat 42 est déjà utilisé."},
		{"no key", &exam.Error{Code: exam.ECONFLICT, Message: "duplicate row"}, "Conflit avec les données enregistrées."},
		{"internal", fmt.Errorf("find candidates: %w", errors.New("sql: database is closed")),
			"Une erreur inattendue s'est produite : find candidates: sql: database is closed"},
		{"busy", errors.New("save: database is locked (5) (SQLITE_BUSY)"),
			"La base de données est occupée par un autre programme ; réessayez dans un instant."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ErrorMessage(tc.err); got != tc.want {
				t.Errorf("ErrorMessage = %q\nwant           %q", got, tc.want)
			}
		})
	}
}

func TestProblemMessage(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    exam.ImportProblem
		want string
	}{
		{"row and column", exam.ImportProblem{Line: 5, Column: "C (Date de naissance)", Key: "err.date.calendar",
			Message: "“31/02/1990” does not exist in the calendar", Data: map[string]any{"Value": "31/02/1990"}},
			"Ligne 5, colonne C (Date de naissance) : « 31/02/1990 » n'existe pas dans le calendrier"},
		{"row only", exam.ImportProblem{Line: 7, Key: "import.dup_in_file", Message: "same person as row 3", Data: map[string]any{"First": 3}},
			"Ligne 7 : même personne qu'à la ligne 3 (nom de naissance, prénoms, date de naissance)"},
		{"column given as a field id", exam.ImportProblem{Line: 2, Column: exam.FieldBirthName, Key: "err.required", Message: "required"},
			"Ligne 2, colonne Nom de naissance : obligatoire"},
		{"whole file", exam.ImportProblem{Key: "import.empty", Message: "the file has no data row"},
			"Le fichier ne contient aucune ligne de données"},
		{"unknown key falls back to the English text", exam.ImportProblem{Line: 3, Column: "B (Nom)", Key: "import.no_such_key", Message: "something odd"},
			"Ligne 3, colonne B (Nom) : something odd"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ProblemMessage(tc.p); got != tc.want {
				t.Errorf("ProblemMessage = %q\nwant             %q", got, tc.want)
			}
		})
	}
}

func TestFormatInt(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1234: "1\u00a0234", 100000: "100\u00a0000", -1234567: "-1\u00a0234\u00a0567"} {
		if got := formatInt(n); got != want {
			t.Errorf("formatInt(%d) = %q, want %q", n, got, want)
		}
	}
	if got := plural(1234, "candidates.count.one", "candidates.count.other", nil); got != "1\u00a0234 candidats" {
		t.Errorf("plural = %q", got)
	}
}
