package storage

import (
	"context"
	"testing"

	"github.com/amisjury/amis/exam"
)

func BenchmarkCandidateService_ImportCandidates(b *testing.B) {
	ctx := context.Background()
	ref := MustReferentiel(b)
	for b.Loop() {
		b.StopTimer()
		svc := NewCandidateService(MustOpen(b), ref)
		cs := genCandidates(10_000, 0)
		b.StartTimer()
		if err := svc.ImportCandidates(ctx, admin, cs); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCandidateService_FindCandidates(b *testing.B) {
	ctx := context.Background()
	_, svc := newService(b)
	if err := svc.ImportCandidates(ctx, admin, genCandidates(100_000, 0)); err != nil {
		b.Fatal(err)
	}
	for _, bb := range []struct {
		name string
		f    exam.CandidateFilter
	}{
		{"empty/all", exam.CandidateFilter{}},
		{"empty/limit200", exam.CandidateFilter{Limit: 200}},
		{"mar/all", exam.CandidateFilter{Query: "mar"}},
		{"mar/limit200", exam.CandidateFilter{Query: "mar", Limit: 200}},
		{"zzz/all", exam.CandidateFilter{Query: "zzz"}},
		{"dupont_marie/all", exam.CandidateFilter{Query: "dupont marie"}},
	} {
		b.Run(bb.name, func(b *testing.B) {
			var n int
			for b.Loop() {
				got, err := svc.FindCandidates(ctx, admin, bb.f)
				if err != nil {
					b.Fatal(err)
				}
				n = len(got)
			}
			b.ReportMetric(float64(n), "rows")
		})
	}
}
