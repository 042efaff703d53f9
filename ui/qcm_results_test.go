package ui

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"github.com/xuri/excelize/v2"

	"github.com/amisjury/amis/exam"
)

// sit has the candidate take the questionnaire through the service: item i
// is answered right when right(i), wrong otherwise; the attempt ends at.
func (f *qcmFixture) sit(candidateID, qnID int64, at time.Time, right func(i int) bool) *exam.AttemptResult {
	f.t.Helper()
	att, err := f.svc.StartAttempt(f.ctx, qcmJury, exam.AttemptRequest{QuestionnaireID: qnID, CandidateID: candidateID, At: at, Seed: candidateID*100 + qnID})
	if err != nil {
		f.t.Fatal(err)
	}
	for i, it := range att.Items {
		chosen := it.Question.RightChoices()
		if !right(i) {
			for _, c := range it.Order {
				if !it.Question.Choices[c].Correct {
					chosen = []int{c}
					break
				}
			}
		}
		if err := f.svc.Answer(f.ctx, qcmJury, att.ID, i, chosen, at.Add(time.Minute)); err != nil {
			f.t.Fatal(err)
		}
	}
	res, err := f.svc.Finish(f.ctx, qcmJury, att.ID, exam.AttemptDone, at.Add(10*time.Minute))
	if err != nil {
		f.t.Fatal(err)
	}
	return res
}

// chartValues returns the bars of a chart drawn by setBarChart, per item.
func chartValues(box *fyne.Container) (labels []string, values [][]float64) {
	for _, o := range box.Objects {
		c, ok := o.(*fyne.Container)
		if !ok || len(c.Objects) != 2 {
			continue
		}
		b, ok := c.Objects[1].(*bars)
		if !ok {
			continue
		}
		labels = append(labels, textOf(c.Objects[0]))
		var vs []float64
		for _, v := range b.Values() {
			vs = append(vs, math.Round(v.Percent))
		}
		values = append(values, vs)
	}
	return labels, values
}

func TestQCMResults_Charts(t *testing.T) {
	f := newQCMFixture(t)
	martin := candidate("Martin", "Paul", "01/02/1995")
	durand := candidate("Durand", "Inès", "05/06/1998")
	for _, c := range []*exam.Candidate{martin, durand} {
		if err := f.cands.CreateCandidate(f.ctx, admin, c); err != nil {
			t.Fatal(err)
		}
	}
	final := &exam.Questionnaire{Title: "Évaluation finale", Kind: exam.QuestionnaireFinal, TimeLimit: 30 * time.Minute,
		PerBlock: []exam.BlockDraw{{Block: "CCP1", Count: 3}, {Block: "CCP2", Count: 3}, {Block: "CCP3", Count: 3}}}
	if err := f.svc.SaveQuestionnaire(f.ctx, admin, final); err != nil {
		t.Fatal(err)
	}
	entry := f.sit(f.cand.ID, f.qn.ID, qcmT0, func(i int) bool { return i%3 == 0 })                 // 3 / 9
	exit := f.sit(f.cand.ID, final.ID, qcmT0.Add(24*time.Hour), func(i int) bool { return i != 4 }) // 8 / 9
	f.sit(martin.ID, f.qn.ID, qcmT0.Add(time.Hour), func(int) bool { return false })                // 0 / 9
	f.sit(durand.ID, f.qn.ID, qcmT0.Add(2*time.Hour), func(int) bool { return true })               // 9 / 9

	s := f.openScreen(qcmJury)
	s.tabs.Select(s.resultTab)
	f.waitLoaded(s)
	r := s.results
	if len(r.shown) != 4 {
		t.Fatalf("%d results listed, want 4", len(r.shown))
	}
	if !strings.Contains(r.empty.Text, "Choisissez") || r.detail.Visible() {
		t.Errorf("nothing chosen: %q", r.empty.Text)
	}
	// The cohort: one result in the 0–10 bucket, one in 30–40, two in 90–100.
	counts := make([]int, 10)
	for i, b := range r.histogram.Buckets() {
		counts[i] = b.Count
	}
	if want := []int{1, 0, 0, 1, 0, 0, 0, 0, 1, 1}; !slices.Equal(counts, want) {
		t.Errorf("distribution %v, want %v", counts, want)
	}
	if r.cohort.Text != "4 résultats, par tranche de score (%) :" {
		t.Errorf("cohort %q", r.cohort.Text)
	}
	r.block.SetSelectedIndex(1) // CCP1
	n := 0
	for _, b := range r.histogram.Buckets() {
		n += b.Count
	}
	if n != 4 {
		t.Errorf("CCP1 distribution counts %d results", n)
	}

	// Lefèvre's exit: per CCP, per competence, and entry vs exit.
	i := slices.IndexFunc(r.shown, func(x exam.AttemptResult) bool { return x.AttemptID == exit.AttemptID })
	r.list.Select(i)
	if !r.detail.Visible() || r.title.Text != "LEFÈVRE Élodie — Évaluation finale" {
		t.Fatalf("title %q", r.title.Text)
	}
	if !strings.HasPrefix(r.score.Text, "Score total : 8 / 9 (89 %)") {
		t.Errorf("score %q", r.score.Text)
	}
	labels, values := chartValues(r.byBlock)
	if len(labels) != 3 || !strings.HasPrefix(labels[0], "CCP1 — ") {
		t.Fatalf("CCP chart labels %q", labels)
	}
	for k, b := range exit.Blocks {
		if values[k][0] != math.Round(b.Percent()) {
			t.Errorf("%s: bar %v, score %v", b.Block, values[k], b.Percent())
		}
	}
	labels, _ = chartValues(r.byComp)
	if len(labels) != len(exit.Competences) || !strings.HasPrefix(labels[0], fmt.Sprintf("C%d — ", exit.Competences[0].Competence)) {
		t.Errorf("competence chart %q", labels)
	}
	labels, values = chartValues(r.progress)
	if len(labels) != 4 || labels[0] != "Total" || !slices.Equal(values[0], []float64{33, 89}) {
		t.Errorf("progress chart %q %v", labels, values)
	}
	if r.progressOf.Text != "Progression totale : +56 points." {
		t.Errorf("progress %q", r.progressOf.Text)
	}
	for k, code := range []string{"CCP1", "CCP2", "CCP3"} {
		want := []float64{math.Round(entry.Block(code).Percent()), math.Round(exit.Block(code).Percent())}
		if !slices.Equal(values[k+1], want) {
			t.Errorf("%s: bars %v, want %v", code, values[k+1], want)
		}
	}

	// Only the final questionnaire: one result, which stays chosen.
	r.filter.SetSelectedIndex(slices.Index(r.filterIDs, final.ID))
	if len(r.shown) != 1 || r.result() == nil {
		t.Fatalf("filtered: %d results", len(r.shown))
	}

	// The export writes what is shown.
	path := filepath.Join(t.TempDir(), "resultats.xlsx")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	s.writeFile(out, path, r.exportWriter(), r.status)
	f.tasks.drain()
	if !strings.Contains(r.status.Text, "resultats.xlsx") {
		t.Fatalf("status %q", r.status.Text)
	}
	x, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows("Résultats")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, row := range rows {
		if strings.Contains(strings.Join(row, "|"), "LEFÈVRE Élodie") {
			found = true
		}
		if strings.Contains(strings.Join(row, "|"), "MARTIN") {
			t.Error("the export holds a result not shown")
		}
	}
	if !found {
		t.Errorf("export rows: %q", rows)
	}
}
