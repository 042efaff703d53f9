package storage

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/amisjury/amis/exam"
)

func TestCandidateService_CreateCandidate(t *testing.T) {
	ctx := context.Background()
	_, svc := newService(t)

	c := valid()
	if err := svc.CreateCandidate(ctx, admin, c); err != nil {
		t.Fatal(err)
	}
	if c.ID == 0 || c.CreatedAt.IsZero() || !c.UpdatedAt.Equal(c.CreatedAt) {
		t.Fatalf("ID and timestamps not set: %+v", c)
	}
	// Normalised before storing: names in capitals, short CCP code resolved.
	if c.BirthName != "LEFÈVRE" || c.Acquired[0].BlockCode != "RNCP37722BC01" {
		t.Errorf("not normalised: %q %q", c.BirthName, c.Acquired[0].BlockCode)
	}
	got, err := svc.Candidate(ctx, admin, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, c) {
		t.Errorf("read back\n%+v\nwant\n%+v", got, c)
	}

	invalid := []struct {
		name   string
		edit   func(c *exam.Candidate)
		fields []string
	}{
		{"no birth name", func(c *exam.Candidate) { c.BirthName = "  " }, []string{exam.FieldBirthName}},
		{"no birth date, bad e-mail", func(c *exam.Candidate) { c.BirthDate = exam.Date{}; c.Email = "x@" }, []string{exam.FieldBirthDate, exam.FieldEmail}},
		{"unknown sex", func(c *exam.Candidate) { c.Sex = "X" }, []string{exam.FieldSex}},
		{"unknown CCP", func(c *exam.Candidate) { c.Acquired[0].BlockCode = "CCP9" }, []string{exam.FieldAcquired}},
		{"same CCP twice", func(c *exam.Candidate) {
			c.Acquired = append(c.Acquired, exam.AcquiredBlock{BlockCode: "RNCP37722BC01", Date: c.Acquired[0].Date})
		}, []string{exam.FieldAcquired}},
	}
	for _, tt := range invalid {
		t.Run(tt.name, func(t *testing.T) {
			c := valid()
			c.Number, c.FirstNames = "", "Autre"
			tt.edit(c)
			err := svc.CreateCandidate(ctx, admin, c)
			e := wantCode(t, err, exam.EINVALID, "")
			var fields []string
			for _, f := range e.Fields {
				fields = append(fields, f.Field)
			}
			if !reflect.DeepEqual(fields, tt.fields) {
				t.Errorf("fields = %v, want %v", fields, tt.fields)
			}
			if c.ID != 0 {
				t.Errorf("ID set on failure")
			}
		})
	}
	if n, err := svc.CountCandidates(ctx, admin); err != nil || n != 1 {
		t.Fatalf("CountCandidates = %d, %v", n, err)
	}
}

func TestCandidateService_CreateCandidate_Conflicts(t *testing.T) {
	ctx := context.Background()
	db, svc := newService(t)
	first := valid()
	if err := svc.CreateCandidate(ctx, admin, first); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		edit func(c *exam.Candidate)
		key  string
		msg  string
	}{
		{"same person, other spelling", func(c *exam.Candidate) {
			c.Number, c.BirthName, c.FirstNames, c.UsageName = "", "lefevre", "ELODIE-ANNE", ""
		}, "err.candidate.duplicate", fmt.Sprintf("LEFÈVRE (MARTIN) Élodie Anne, born 12/03/1990 (record %d)", first.ID)},
		{"number taken", func(c *exam.Candidate) {
			c.FirstNames = "Paul"
		}, "err.candidate.number_taken", fmt.Sprintf("number 2024-001 is already used by LEFÈVRE (MARTIN) Élodie Anne (record %d)", first.ID)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid()
			tt.edit(c)
			err := svc.CreateCandidate(ctx, admin, c)
			wantCode(t, err, exam.ECONFLICT, tt.key)
			if !errors.Is(err, exam.ErrConflict) || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("err = %v, want it to contain %q", err, tt.msg)
			}
		})
	}
	if n := count(t, db, "SELECT count(*) FROM candidates"); n != 1 {
		t.Errorf("%d candidates stored", n)
	}
	if n := count(t, db, "SELECT count(*) FROM audit_log"); n != 1 {
		t.Errorf("%d audit entries", n)
	}
}

func TestCandidateService_UpdateCandidate(t *testing.T) {
	ctx := context.Background()
	db, svc := newService(t)
	c, other := valid(), genCandidates(1, 0)[0]
	if err := svc.ImportCandidates(ctx, admin, []*exam.Candidate{c, other}); err != nil {
		t.Fatal(err)
	}
	t.Run("changes fields and blocks", func(t *testing.T) {
		u := *c
		u.Email, u.Number, u.BirthName = "", "", "Lefèvre-Durand"
		u.Acquired = []exam.AcquiredBlock{{BlockCode: "CCP2", Date: exam.MustParseDate("01/02/2023")}, {BlockCode: "CCP3", Date: exam.MustParseDate("01/02/2023")}}
		if err := svc.UpdateCandidate(ctx, admin, &u); err != nil {
			t.Fatal(err)
		}
		got, err := svc.Candidate(ctx, admin, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Email != "" || got.Number != "" || got.BirthName != "LEFÈVRE-DURAND" || len(got.Acquired) != 2 ||
			got.Acquired[0].BlockCode != "RNCP37722BC02" || !got.CreatedAt.Equal(c.CreatedAt) || got.UpdatedAt.Before(c.UpdatedAt) {
			t.Errorf("read back %+v", got)
		}
		if n := count(t, db, "SELECT count(*) FROM candidates WHERE number IS NULL"); n != 1 {
			t.Errorf("an empty number must be stored as NULL")
		}
		// Unchanged identity: no conflict with itself.
		if err := svc.UpdateCandidate(ctx, admin, got); err != nil {
			t.Errorf("update unchanged: %v", err)
		}
	})
	t.Run("conflicts", func(t *testing.T) {
		u, err := svc.Candidate(ctx, admin, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		u.Number = other.Number
		wantCode(t, svc.UpdateCandidate(ctx, admin, u), exam.ECONFLICT, "err.candidate.number_taken")
		u.Number, u.BirthName, u.FirstNames, u.BirthDate = "", other.BirthName, other.FirstNames, other.BirthDate
		wantCode(t, svc.UpdateCandidate(ctx, admin, u), exam.ECONFLICT, "err.candidate.duplicate")
	})
	t.Run("invalid", func(t *testing.T) {
		u := *c
		u.FirstNames = "J3an"
		e := wantCode(t, svc.UpdateCandidate(ctx, admin, &u), exam.EINVALID, "")
		if len(e.Fields) != 1 || e.Fields[0].Field != exam.FieldFirstNames {
			t.Errorf("fields = %+v", e.Fields)
		}
	})
	t.Run("missing", func(t *testing.T) {
		u := *c
		u.ID = 999
		err := svc.UpdateCandidate(ctx, admin, &u)
		wantCode(t, err, exam.ENOTFOUND, "err.candidate.not_found")
		if !strings.Contains(err.Error(), "update candidate 999") {
			t.Errorf("err = %v", err)
		}
	})
}

func TestCandidateService_DeleteCandidate(t *testing.T) {
	ctx := context.Background()
	db, svc := newService(t)
	c := valid()
	if err := svc.CreateCandidate(ctx, admin, c); err != nil {
		t.Fatal(err)
	}
	if err := svc.DeleteCandidate(ctx, admin, c.ID); err != nil {
		t.Fatal(err)
	}
	_, err := svc.Candidate(ctx, admin, c.ID)
	if !errors.Is(err, exam.ErrNotFound) {
		t.Fatalf("Candidate after delete: %v", err)
	}
	if n := count(t, db, "SELECT count(*) FROM acquired_blocks"); n != 0 {
		t.Errorf("%d acquired blocks left", n)
	}
	wantCode(t, svc.DeleteCandidate(ctx, admin, c.ID), exam.ENOTFOUND, "err.candidate.not_found")
	// IDs are never reused, so the audit log keeps pointing at one person.
	c2 := valid()
	if err := svc.CreateCandidate(ctx, admin, c2); err != nil {
		t.Fatal(err)
	}
	if c2.ID == c.ID {
		t.Errorf("ID %d reused", c.ID)
	}
}

func TestCandidateService_Candidate(t *testing.T) {
	_, svc := newService(t)
	_, err := svc.Candidate(context.Background(), admin, 42)
	if !errors.Is(err, exam.ErrNotFound) || exam.ErrorCode(err) != exam.ENOTFOUND {
		t.Fatalf("err = %v", err)
	}
}

func TestCandidateService_Permissions(t *testing.T) {
	ctx := context.Background()
	db, svc := newService(t)
	c := valid()
	if err := svc.CreateCandidate(ctx, admin, c); err != nil {
		t.Fatal(err)
	}
	writes := map[string]func(a exam.Actor) error{
		"create": func(a exam.Actor) error {
			n := valid()
			n.Number, n.FirstNames = "", "Autre"
			return svc.CreateCandidate(ctx, a, n)
		},
		"update": func(a exam.Actor) error { u := *c; u.Email = ""; return svc.UpdateCandidate(ctx, a, &u) },
		"delete": func(a exam.Actor) error { return svc.DeleteCandidate(ctx, a, c.ID) },
		"import": func(a exam.Actor) error { return svc.ImportCandidates(ctx, a, genCandidates(2, 0)) },
	}
	for name, write := range writes {
		t.Run(name, func(t *testing.T) {
			wantCode(t, write(jury), exam.EFORBIDDEN, "err.forbidden")
			if !errors.Is(write(exam.Actor{Name: "nobody"}), exam.ErrForbidden) {
				t.Error("an actor without a role may write")
			}
		})
	}
	if n := count(t, db, "SELECT count(*) FROM candidates"); n != 1 {
		t.Errorf("%d candidates after refused writes", n)
	}
	if n := count(t, db, "SELECT count(*) FROM audit_log"); n != 1 {
		t.Errorf("%d audit entries after refused writes", n)
	}
	// The jury reads.
	if _, err := svc.Candidate(ctx, jury, c.ID); err != nil {
		t.Errorf("jury Candidate: %v", err)
	}
	if _, err := svc.FindCandidates(ctx, jury, exam.CandidateFilter{}); err != nil {
		t.Errorf("jury FindCandidates: %v", err)
	}
	nobody := exam.Actor{Name: "nobody"}
	reads := map[string]error{
		"find":       func() error { _, err := svc.FindCandidates(ctx, nobody, exam.CandidateFilter{}); return err }(),
		"count":      func() error { _, err := svc.CountCandidates(ctx, nobody); return err }(),
		"candidate":  func() error { _, err := svc.Candidate(ctx, nobody, c.ID); return err }(),
		"duplicates": func() error { _, err := svc.ExistingDuplicates(ctx, nobody, []string{"x"}); return err }(),
	}
	for name, err := range reads {
		if exam.ErrorCode(err) != exam.EFORBIDDEN {
			t.Errorf("%s without a role: %v", name, err)
		}
	}
}

func TestCandidateService_FindCandidates(t *testing.T) {
	ctx := context.Background()
	_, svc := newService(t)
	people := []*exam.Candidate{
		valid(), // LEFÈVRE (MARTIN) Élodie Anne, 12/03/1990, 2024-001
		{Number: "2024-002", BirthName: "Dupont", FirstNames: "Marie", Sex: exam.Female, BirthDate: exam.MustParseDate("05/11/1990"),
			BirthCity: "Lyon", BirthCountry: "France", AccessRoute: exam.RouteVAE},
		{Number: "2024-003", BirthName: "De la Fontaine", FirstNames: "Jean", Sex: exam.Male, BirthDate: exam.MustParseDate("12/03/1985"),
			BirthCity: "Paris", BirthCountry: "France", AccessRoute: exam.RouteApprenticeship, TrainingCentre: "GRETA Île-de-France"},
		{Number: "X17", BirthName: "De", FirstNames: "Zoé", Sex: exam.Female, BirthDate: exam.MustParseDate("30/01/2001"),
			BirthCity: "Lille", BirthCountry: "France", AccessRoute: exam.RouteProContract},
		{BirthName: "Dupont", FirstNames: "Élise", Sex: exam.Female, BirthDate: exam.MustParseDate("01/01/1970"),
			BirthCity: "Lyon", BirthCountry: "France", AccessRoute: exam.RouteFree},
	}
	if err := svc.ImportCandidates(ctx, admin, people); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		query string
		limit int
		want  []string // birth name + first names, in order
	}{
		{"", 0, []string{"DE Zoé", "DE LA FONTAINE Jean", "DUPONT Élise", "DUPONT Marie", "LEFÈVRE Élodie Anne"}},
		{"", 2, []string{"DE Zoé", "DE LA FONTAINE Jean"}},
		{"lefevre", 0, []string{"LEFÈVRE Élodie Anne"}},
		{"LEFÈVRE", 0, []string{"LEFÈVRE Élodie Anne"}},
		{"lefèvre élodie", 0, []string{"LEFÈVRE Élodie Anne"}},
		{"martin", 0, []string{"LEFÈVRE Élodie Anne"}}, // usage name
		{"elodie lefevre", 0, []string{"LEFÈVRE Élodie Anne"}},
		{"dupont", 0, []string{"DUPONT Élise", "DUPONT Marie"}},
		{"dupont e", 0, []string{"DUPONT Élise", "DUPONT Marie"}}, // "e" is in "élise" and "marie"
		{"dupont el", 0, []string{"DUPONT Élise"}},
		{"12/03/1990", 0, []string{"LEFÈVRE Élodie Anne"}},
		{"12/03", 0, []string{"DE LA FONTAINE Jean", "LEFÈVRE Élodie Anne"}},
		{"1990", 0, []string{"DUPONT Marie", "LEFÈVRE Élodie Anne"}},
		{"1990-03-12", 0, []string{"LEFÈVRE Élodie Anne"}},
		{"2024-003", 0, []string{"DE LA FONTAINE Jean"}},
		{"x17", 0, []string{"DE Zoé"}},
		{"ile de france", 0, []string{"DE LA FONTAINE Jean"}}, // centre
		{"vae", 0, []string{"DUPONT Marie"}},                  // access route
		{"de la", 0, []string{"DE LA FONTAINE Jean"}},
		{"%", 1, []string{"DE Zoé"}},                            // wildcards are not wildcards
		{"_upont", 0, []string{"DUPONT Élise", "DUPONT Marie"}}, // punctuation separates words
		{"nobody", 0, nil},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q limit %d", tt.query, tt.limit), func(t *testing.T) {
			got, err := svc.FindCandidates(ctx, admin, exam.CandidateFilter{Query: tt.query, Limit: tt.limit})
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, s := range got {
				names = append(names, s.BirthName+" "+s.FirstNames)
			}
			if !reflect.DeepEqual(names, tt.want) {
				t.Errorf("got %q, want %q", names, tt.want)
			}
		})
	}
	got, err := svc.FindCandidates(ctx, admin, exam.CandidateFilter{Query: "lefevre"})
	if err != nil {
		t.Fatal(err)
	}
	want := exam.CandidateSummary{ID: people[0].ID, Number: "2024-001", BirthName: "LEFÈVRE", UsageName: "MARTIN",
		FirstNames: "Élodie Anne", BirthDate: exam.MustParseDate("12/03/1990"), AccessRoute: exam.RouteContinuing, TrainingCentre: "AFPA Lyon"}
	if len(got) != 1 || got[0] != want {
		t.Errorf("summary = %+v, want %+v", got, want)
	}
}

func TestCandidateService_ImportCandidates(t *testing.T) {
	ctx := context.Background()
	db, svc := newService(t)
	cs := genCandidates(1200, 0)
	if err := svc.ImportCandidates(ctx, admin, cs); err != nil {
		t.Fatal(err)
	}
	for i, c := range cs {
		if c.ID != int64(i+1) || c.CreatedAt.IsZero() {
			t.Fatalf("candidate %d: ID %d", i, c.ID)
		}
	}
	if n := count(t, db, "SELECT count(*) FROM audit_log WHERE action = 'candidate.import'"); n != 1 {
		t.Fatalf("%d import audit entries, want 1", n)
	}
	if err := svc.ImportCandidates(ctx, admin, nil); err != nil {
		t.Fatalf("empty import: %v", err)
	}

	tests := []struct {
		name string
		cs   func() []*exam.Candidate
		code string
		key  string
	}{
		{"one row already stored", func() []*exam.Candidate {
			cs := genCandidates(50, 5000)
			dup := genCandidates(1, 700)[0]
			dup.Number, dup.BirthName = "", strings.ToLower(dup.BirthName)
			return append(cs, dup)
		}, exam.ECONFLICT, "err.candidate.duplicate"},
		{"number already stored", func() []*exam.Candidate {
			cs := genCandidates(50, 5000)
			cs[20].Number = "0000001"
			return cs
		}, exam.ECONFLICT, "err.candidate.number_taken"},
		{"same person twice in the import", func() []*exam.Candidate {
			cs := genCandidates(50, 5000)
			return append(cs, genCandidates(1, 5010)[0])
		}, exam.ECONFLICT, "err.candidate.import_same_person"},
		{"same number twice in the import", func() []*exam.Candidate {
			cs := genCandidates(50, 5000)
			cs[3].Number = cs[40].Number
			return cs
		}, exam.ECONFLICT, "err.candidate.import_same_number"},
		{"invalid row", func() []*exam.Candidate {
			cs := genCandidates(50, 5000)
			cs[49].BirthCity = ""
			return cs
		}, exam.EINVALID, "err.invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs := tt.cs()
			err := svc.ImportCandidates(ctx, admin, cs)
			wantCode(t, err, tt.code, tt.key)
			if n := count(t, db, "SELECT count(*) FROM candidates"); n != 1200 {
				t.Errorf("%d candidates stored, want 1200: the import must be all or nothing", n)
			}
			if n := count(t, db, "SELECT count(*) FROM audit_log"); n != 1 {
				t.Errorf("%d audit entries", n)
			}
			for _, c := range cs {
				if c.ID != 0 {
					t.Fatalf("ID %d set by a failed import", c.ID)
				}
			}
		})
	}
	// Through the domain's import: a conflict is reported as a problem.
	rows := []exam.ImportRow{{Line: 2, Candidate: *genCandidates(1, 3)[0]}}
	rep, err := exam.ImportCandidates(ctx, admin, svc, MustReferentiel(t), rows, nil, nil, nil)
	if err != nil || rep.OK() || len(rep.Problems) != 1 || rep.Problems[0].Key != "import.dup_in_db" {
		t.Fatalf("exam.ImportCandidates = %+v, %v", rep, err)
	}
}

func TestCandidateService_ExistingDuplicates(t *testing.T) {
	ctx := context.Background()
	_, svc := newService(t)
	cs := genCandidates(1100, 0)
	if err := svc.ImportCandidates(ctx, admin, cs); err != nil {
		t.Fatal(err)
	}
	keys := []string{"nobody|x|1990-01-01"}
	for _, c := range genCandidates(1300, 0) { // 1100 stored, 200 not, over three batches
		keys = append(keys, c.DuplicateKey())
	}
	got, err := svc.ExistingDuplicates(ctx, admin, keys)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1100 {
		t.Fatalf("%d duplicates found, want 1100", len(got))
	}
	for _, c := range cs {
		if s := got[c.DuplicateKey()]; s.ID != c.ID || s.BirthName != c.BirthName || s.BirthDate != c.BirthDate {
			t.Fatalf("duplicate of %d = %+v", c.ID, s)
		}
	}
	if got, err := svc.ExistingDuplicates(ctx, admin, nil); err != nil || len(got) != 0 {
		t.Fatalf("no keys: %v, %v", got, err)
	}
}

func TestEscapeLike(t *testing.T) {
	for in, want := range map[string]string{`abc`: `abc`, `50%`: `50\%`, `a_b`: `a\_b`, `c:\x`: `c:\\x`} {
		if got := escapeLike(in); got != want {
			t.Errorf("escapeLike(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSortKey(t *testing.T) {
	for _, c := range []*exam.Candidate{
		valid(),
		{BirthName: "D'ARC-LEFÈVRE", FirstNames: "Jeanne  Œdipe", BirthDate: exam.MustParseDate("01/01/1990")},
		{BirthName: "de la Fontaine", FirstNames: "Zoé|Anne"},
	} {
		want := exam.Fold(c.BirthName) + "\x1f" + exam.Fold(c.FirstNames)
		if got := sortKey(c, c.DuplicateKey()); got != want {
			t.Errorf("sortKey(%q, %q) = %q, want %q", c.BirthName, c.FirstNames, got, want)
		}
	}
}

func TestCandidateService_Concurrent(t *testing.T) {
	ctx := context.Background()
	db, svc := newService(t)
	const workers, each = 6, 10
	cs := genCandidates(workers*each, 0)
	errs := make(chan error, 2*workers)
	for w := range workers {
		go func() {
			for _, c := range cs[w*each : (w+1)*each] {
				if err := svc.CreateCandidate(ctx, admin, c); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
		go func() {
			for range each {
				if _, err := svc.FindCandidates(ctx, jury, exam.CandidateFilter{Query: "mar", Limit: 50}); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range 2 * workers {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if n, err := svc.CountCandidates(ctx, admin); err != nil || n != workers*each {
		t.Fatalf("CountCandidates = %d, %v", n, err)
	}
	if broken, err := db.VerifyAudit(ctx); err != nil || broken != 0 {
		t.Fatalf("audit chain after concurrent writes: broken at %d, %v", broken, err)
	}
}
