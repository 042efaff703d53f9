package gift_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage/gift"
)

// FuzzParseGIFT parses arbitrary bytes. Whatever the bytes: no panic; a
// refused file is an EREFUSED *exam.Error; otherwise every block of lines
// gives either an accepted question or problems (never both, never
// nothing), every accepted question passes Validate and CheckReferentiel,
// and every line number is within the file. Seeds: testdata/*.gift and
// testdata/fuzz/FuzzParseGIFT.
func FuzzParseGIFT(f *testing.F) {
	for _, name := range []string{"testdata/valid.gift", "testdata/broken.gift"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	ref := mustRef(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := gift.Parse(bytes.NewReader(data), "fuzz", ref)
		if err != nil {
			if exam.ErrorCode(err) != exam.EREFUSED {
				t.Fatalf("error %v is not a refusal", err)
			}
			return
		}
		lines := bytes.Count(data, []byte("\n")) + bytes.Count(data, []byte("\r")) + 1
		problemLines := map[int]bool{}
		for _, p := range res.Problems {
			if p.Line < 1 || p.Line > lines || p.Key == "" || p.Message == "" {
				t.Fatalf("problem %+v (file of %d lines)", p, lines)
			}
			problemLines[p.Line] = true
		}
		for _, r := range res.Questions {
			if r.Line < 1 || r.Line > lines {
				t.Fatalf("question at line %d of %d", r.Line, lines)
			}
			if problemLines[r.Line] {
				t.Fatalf("line %d both accepted and rejected", r.Line)
			}
			q := r.Question
			if err := q.Validate(); err != nil {
				t.Fatalf("accepted question at line %d is invalid: %v", r.Line, err)
			}
			if err := q.CheckReferentiel(ref); err != nil {
				t.Fatalf("accepted question at line %d: %v", r.Line, err)
			}
		}
		if got := len(res.Questions) + len(problemLines); got != res.Blocks {
			t.Fatalf("%d questions + %d rejected ≠ %d blocks", len(res.Questions), len(problemLines), res.Blocks)
		}
	})
}
