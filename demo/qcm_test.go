package demo_test

import (
	"context"
	"testing"

	"github.com/amisjury/amis/demo"
	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage"
)

func TestFillQCM(t *testing.T) {
	ctx := context.Background()
	db := storage.MustOpen(t)
	ref := storage.MustReferentiel(t)
	cands := storage.NewCandidateService(db, ref)
	today := exam.NewDate(2026, 6, 15)
	if err := cands.ImportCandidates(ctx, exam.System, demo.Candidates(ref, 15, 3, today)); err != nil {
		t.Fatal(err)
	}
	svc := storage.NewQCMService(db, ref, nil)
	o := demo.QCMOptions{Today: today}
	res, err := demo.FillQCM(ctx, exam.System, svc, cands, ref, o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Imported < 60 || res.Questionnaires != 2 || res.Attempts != 24 {
		t.Fatalf("result %+v", res)
	}
	rs, err := svc.Results(ctx, exam.System, exam.AttemptFilter{Finished: true})
	if err != nil || len(rs) != 24 {
		t.Fatalf("%d finished attempts (%v), want 24", len(rs), err)
	}
	ps := exam.CompareEntryExit(rs)
	progressed := 0
	for _, p := range ps {
		if p.Entry == nil || p.Exit == nil || p.Entry.Total.Total != 24 {
			t.Fatalf("candidate %d: %+v", p.CandidateID, p)
		}
		if d, _ := p.Delta(""); d > 10 {
			progressed++
		}
		if p.Exit.Ended.Sub(p.Entry.Ended) < 150*24*3600e9 {
			t.Fatalf("candidate %d: exit only %v after entry", p.CandidateID, p.Exit.Ended.Sub(p.Entry.Ended))
		}
	}
	if len(ps) != 12 || progressed < 6 {
		t.Fatalf("%d candidates, %d progressed", len(ps), progressed)
	}
	again, err := demo.FillQCM(ctx, exam.System, svc, cands, ref, o)
	if err != nil || again != (demo.QCMResult{}) {
		t.Fatalf("second run: %+v %v", again, err)
	}
}
