package demo_test

import (
	"context"
	"testing"

	"github.com/amisjury/amis/demo"
	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage"
)

func TestCandidates_Valid(t *testing.T) {
	ref := storage.MustReferentiel(t)
	today := exam.NewDate(2026, 11, 26)
	cs := demo.Candidates(ref, 500, 7, today)
	routes := map[exam.AccessRoute]int{}
	var acquired, sst, usage int
	for _, c := range cs {
		c.Normalize()
		if err := c.ValidateAt(today); err != nil {
			t.Fatalf("%s: %v", c.DisplayName(), err)
		}
		if err := c.CheckBlocks(ref); err != nil {
			t.Fatalf("%s: %v", c.DisplayName(), err)
		}
		routes[c.AccessRoute]++
		if len(c.Acquired) > 0 {
			acquired++
		}
		if !c.SSTDate.IsZero() {
			sst++
		}
		if c.UsageName != "" {
			usage++
		}
	}
	if len(routes) != len(exam.AccessRoutes) {
		t.Errorf("routes = %v, want all %d", routes, len(exam.AccessRoutes))
	}
	if acquired == 0 || sst == 0 || usage == 0 {
		t.Errorf("acquired=%d sst=%d usage=%d: the demo must show prior CCPs, SST dates and usage names", acquired, sst, usage)
	}
	again := demo.Candidates(ref, 500, 7, today)
	for i := range cs {
		if cs[i].DuplicateKey() != again[i].DuplicateKey() {
			t.Fatalf("candidate %d differs between two runs with the same seed", i)
		}
	}
}

func TestFill_Idempotent(t *testing.T) {
	storage.FastSecrets(t)
	ctx := context.Background()
	db := storage.MustOpen(t)
	ref := storage.MustReferentiel(t)
	svc := storage.NewCandidateService(db, ref)
	res, err := demo.Fill(ctx, exam.System, svc, ref, demo.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != demo.DefaultCandidates || res.Skipped != 0 {
		t.Fatalf("first fill = %+v", res)
	}
	res, err = demo.Fill(ctx, exam.System, svc, ref, demo.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 0 || res.Skipped != demo.DefaultCandidates {
		t.Fatalf("second fill = %+v, want everything skipped", res)
	}
	n, err := svc.CountCandidates(ctx, exam.System)
	if err != nil || n != demo.DefaultCandidates {
		t.Fatalf("count = %d, %v", n, err)
	}
}
