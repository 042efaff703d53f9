package xlsx

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/amisjury/amis/demo"
	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage"
)

// benchExportSession returns the export service and the signed session the
// export benchmarks write: a copy of the database AMIS_BENCH_DB (made by
// `amis bench-data`; its first certification session) when it is set,
// otherwise a session of AMIS_BENCH_CANDIDATES generated candidates
// (default 10,000) in a new database.
func benchExportSession(b *testing.B) (*storage.ExportService, int64, int) {
	b.Helper()
	ctx := context.Background()
	ref := storage.MustReferentiel(b)
	if src := os.Getenv("AMIS_BENCH_DB"); src != "" {
		// A copy: opening a database migrates it, and the benchmark must
		// not change the file it is given.
		path := filepath.Join(b.TempDir(), "bench.db")
		if err := copyFile(path, src); err != nil {
			b.Fatal(err)
		}
		db, err := storage.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		list, err := storage.NewSessionService(db, ref).FindSessions(ctx, expAdmin, exam.SessionFilter{})
		if err != nil || len(list) == 0 {
			b.Fatalf("%s: sessions %v, %v", src, list, err)
		}
		svc := storage.NewExportService(db, ref)
		head, err := svc.ExportHead(ctx, expAdmin, storage.ExportSelection{SessionIDs: []int64{list[0].ID}})
		if err != nil {
			b.Fatal(err)
		}
		return svc, list[0].ID, head.Candidates
	}
	n := benchCandidates(b)
	db := storage.MustOpen(b)
	s, err := demo.FillBulkSession(ctx, expAdmin, storage.NewCandidateService(db, ref), db, ref, demo.BulkOptions{Candidates: n})
	if err != nil {
		b.Fatal(err)
	}
	return storage.NewExportService(db, ref), s.ID, n
}

func copyFile(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// benchCandidates is AMIS_BENCH_CANDIDATES, 10,000 by default.
func benchCandidates(b *testing.B) int {
	n := 10000
	if v := os.Getenv("AMIS_BENCH_CANDIDATES"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 1 {
			b.Fatalf("AMIS_BENCH_CANDIDATES=%q", v)
		}
	}
	return n
}

// BenchmarkWriteExport writes the workbook (xlsx) and the CSV (csv) of a
// signed session to io.Discard, and reads it into a sink that keeps nothing
// (read: the database's share of the time); see benchExportSession for the
// data.
func BenchmarkWriteExport(b *testing.B) {
	svc, id, n := benchExportSession(b)
	ctx := context.Background()
	sel := storage.ExportSelection{SessionIDs: []int64{id}}
	for _, tc := range []struct {
		name  string
		write func() error
	}{
		{"xlsx", func() error { return WriteExport(ctx, io.Discard, svc, expAdmin, sel, nil) }},
		{"csv", func() error { return WriteExportCSV(ctx, io.Discard, svc, expAdmin, sel, nil) }},
		{"read", func() error { return svc.Export(ctx, expAdmin, sel, discardSink{}) }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			cpu := cpuTime()
			for b.Loop() {
				if err := tc.write(); err != nil {
					b.Fatal(err)
				}
			}
			reportExport(b, n, cpu)
		})
	}
}

// BenchmarkExportEncoder writes a workbook of AMIS_BENCH_CANDIDATES
// generated candidates (default 10,000) from rows made in memory: the
// writer alone, without the database.
func BenchmarkExportEncoder(b *testing.B) {
	n := benchCandidates(b)
	head, rows := syntheticExport(storage.MustReferentiel(b), n)
	cpu := cpuTime()
	for b.Loop() {
		var out countingWriter
		enc := NewExportEncoder(&out)
		if err := enc.Begin(head); err != nil {
			b.Fatal(err)
		}
		for i := range rows {
			if err := enc.Row(&rows[i]); err != nil {
				b.Fatal(err)
			}
		}
		if err := enc.Close(); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(out.n)/1e6, "MB/file")
	}
	reportExport(b, n, cpu)
}

// reportExport reports the candidates written per second and the CPU time
// (user and system, all goroutines) per export, since cpu0.
func reportExport(b *testing.B, n int, cpu0 time.Duration) {
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "candidates/s")
	if cpu := cpuTime(); cpu > 0 {
		b.ReportMetric((cpu-cpu0).Seconds()/float64(b.N), "cpu-s/op")
	}
}

// syntheticExport returns the head and rows of a signed session of n
// generated candidates (demo.Candidates), each sitting every block not
// acquired before, most competences satisfied.
func syntheticExport(ref *exam.Referentiel, n int) (*storage.ExportHead, []storage.ExportRow) {
	today := exam.NewDate(2026, 6, 15)
	sess := &storage.ExportSession{Session: exam.Session{ID: 1, Kind: exam.KindCertification, Reference: "BENCH-100000",
		StartDate: today, Place: "Centre d'examen de Lyon-Gerland, salle 1", TrainingCentre: "AFPA Lyon",
		Referentiel: ref.Code, ReferentielVersion: "1", SignedAt: time.Date(2026, 6, 15, 18, 0, 0, 0, time.Local)},
		Candidates: n}
	head := &storage.ExportHead{Referentiel: ref, Sessions: []*storage.ExportSession{sess}, Candidates: n}
	rows := make([]storage.ExportRow, 0, n)
	for i, c := range demo.Candidates(ref, n, 7, today) {
		r := storage.ExportRow{Session: sess, Candidate: *c, Result: exam.ResultTitle}
		for bi := range ref.Blocks {
			blk := &ref.Blocks[bi]
			out := exam.OutcomeAcquired
			if c.HasAcquired(blk.Code) {
				out = exam.OutcomeAlreadyAcquired
			} else if (i+bi)%5 == 0 {
				out, r.Result = exam.OutcomeNotAcquired, exam.ResultPartial
			}
			r.Blocks = append(r.Blocks, exam.BlockResult{Block: blk.Code, Short: blk.Short, Outcome: out})
			if out == exam.OutcomeAlreadyAcquired {
				continue
			}
			for _, comp := range blk.Competences {
				v := exam.Satisfied
				if out == exam.OutcomeNotAcquired && comp.Number%3 == 0 {
					v = exam.NotSatisfied
				}
				r.Competences = append(r.Competences, storage.ExportCompetence{Block: blk,
					CompetenceView: exam.CompetenceView{Competence: comp.Number, Verdict: v}})
			}
		}
		r.Accommodations = i%20 == 0
		if r.Accommodations {
			r.AccommodationList = "Temps majoré : + 20 min"
		}
		rows = append(rows, r)
	}
	return head, rows
}

type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

// discardSink reads everything, competences included, and keeps nothing.
type discardSink struct{}

func (discardSink) Begin(*storage.ExportHead) error { return nil }
func (discardSink) Row(*storage.ExportRow) error    { return nil }
