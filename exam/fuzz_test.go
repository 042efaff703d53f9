package exam_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/amisjury/amis/exam"
)

// FuzzLoadReferentiel feeds the référentiel loader arbitrary bytes, from
// seeds made of the shipped référentiel (read from the assets folder: package
// assets imports exam). Whatever the input: no panic; a refusal is an
// EINVALID *exam.Error with its translation key; an accepted référentiel
// validates, survives a round trip through JSON unchanged, and the code that
// walks it (épreuves of the blocks, time allotted, grids, proposals) runs.
func FuzzLoadReferentiel(f *testing.F) {
	shipped, err := os.ReadFile("../assets/referentiel/amis-rncp37722.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(shipped)
	f.Add(shipped[:len(shipped)/2])
	f.Add([]byte(strings.Replace(string(shipped), `"number": 2`, `"number": 7`, 1)))
	f.Add([]byte(strings.Replace(string(shipped), `"minutes": `, `"minutes": -`, 1)))
	f.Add([]byte(strings.Replace(string(shipped), `"CCP2"`, `"CCP1"`, 1)))
	f.Add([]byte(`{"code":"X","title":"T","version":"1","blocks":[{"number":1,"code":"B1","short":"S1","title":"t","competences":[{"number":1,"title":"c"}]}],"trials":[{"code":"E","title":"e","minutes":30,"blocks":["S1"]}]}`))
	f.Add([]byte(`{"code":"X","unknown":1}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(``))
	f.Add([]byte("{\"code\":\"\xff\xfe\"}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ref, err := exam.LoadReferentiel(bytes.NewReader(data))
		if err != nil {
			var e *exam.Error
			if code := exam.ErrorCode(err); code != exam.EINVALID {
				t.Fatalf("error %v has code %q, want %q", err, code, exam.EINVALID)
			}
			if !errors.As(err, &e) || (e.Key != "err.referentiel.json" && e.Key != "err.referentiel.invalid") || err.Error() == "" {
				t.Fatalf("error %#v", err)
			}
			return
		}
		if err := ref.Validate(); err != nil {
			t.Fatalf("loaded référentiel does not validate: %v", err)
		}
		again, err := json.Marshal(ref)
		if err != nil {
			t.Fatal(err)
		}
		ref2, err := exam.LoadReferentiel(bytes.NewReader(again))
		if err != nil {
			t.Fatalf("round trip refused: %v\n%s", err, again)
		}
		if !reflect.DeepEqual(ref, ref2) {
			t.Fatalf("round trip changed the référentiel:\n%+v\n%+v", ref, ref2)
		}
		var codes []string
		n := 0
		for i := range ref.Blocks {
			b := &ref.Blocks[i]
			if ref.Block(b.Code) == nil || ref.Block(b.Short) == nil {
				t.Fatalf("block %s not found by its codes", b.Code)
			}
			for _, c := range b.Competences {
				n++
				if c.Number != n {
					t.Fatalf("competence numbers not 1..n: %d at %d", c.Number, n)
				}
			}
			codes = append(codes, b.Code)
			g := exam.NewGrid(1, 1, b)
			for j := range g.Assessments {
				g.Assessments[j].Verdict = exam.Satisfied
			}
			if err := g.Validate(); err != nil {
				t.Fatalf("grid of %s: %v", b.Code, err)
			}
			if p := exam.ProposeBlock(b, []exam.Grid{g}, exam.DefaultDecisionRule); p.Outcome != exam.OutcomeAcquired {
				t.Fatalf("a grid all satisfied on %s proposes %q", b.Code, p.Outcome)
			}
		}
		allowance := exam.TimeAllowance{ExtraPercent: 33}
		for _, tr := range exam.TrialsFor(ref, codes) {
			if tt := allowance.Allot(tr); tt.Working() <= 0 {
				t.Fatalf("épreuve %s: no working time", tr.Code)
			}
		}
	})
}
