package exam_test

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/amisjury/amis/assets"
	"github.com/amisjury/amis/exam"
)

func mustRef(t *testing.T) *exam.Referentiel {
	t.Helper()
	ref, err := assets.Referentiel()
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

// qcmBank returns n questions per competence 1..12 (blocks CCP1: 1-5,
// CCP2: 6-9, CCP3: 10-12), mixing the kinds.
func qcmBank(n int) []exam.Question {
	var bank []exam.Question
	id := int64(1)
	for c := 1; c <= 12; c++ {
		block := "CCP1"
		switch {
		case c >= 10:
			block = "CCP3"
		case c >= 6:
			block = "CCP2"
		}
		for k := 0; k < n; k++ {
			var q exam.Question
			switch k % 3 {
			case 0:
				q = exam.Question{Kind: exam.QuestionSingle, Choices: []exam.Choice{
					{Text: "A", Correct: true}, {Text: "B"}, {Text: "C"}, {Text: "D"}, {Text: "E"}}}
			case 1:
				q = exam.Question{Kind: exam.QuestionMultiple, Choices: []exam.Choice{
					{Text: "A", Correct: true}, {Text: "B", Correct: true}, {Text: "C"}, {Text: "D"}, {Text: "E"}, {Text: "F"}}}
			case 2:
				q = exam.NewTrueFalse("", k%2 == 0)
			}
			q.ID, q.Block, q.Competence = id, block, c
			q.Text = fmt.Sprintf("Question %d (C%d)", id, c)
			bank = append(bank, q)
			id++
		}
	}
	return bank
}

func perBlock(n1, n2, n3 int) *exam.Questionnaire {
	return &exam.Questionnaire{Title: "Positionnement", Kind: exam.QuestionnairePositioning, TimeLimit: 30 * time.Minute,
		PerBlock: []exam.BlockDraw{{Block: "CCP1", Count: n1}, {Block: "CCP2", Count: n2}, {Block: "CCP3", Count: n3}}}
}

func ids(items []exam.AttemptItem) []int64 {
	out := make([]int64, len(items))
	for i, it := range items {
		out[i] = it.Question.ID
	}
	return out
}

func TestQuestion_Validate(t *testing.T) {
	good := func() exam.Question {
		return exam.Question{Block: "CCP1", Competence: 1, Kind: exam.QuestionSingle, Text: "Q ?",
			Choices: []exam.Choice{{Text: "oui", Correct: true}, {Text: "non"}}}
	}
	tests := []struct {
		name   string
		edit   func(q *exam.Question)
		fields []string
	}{
		{"valid", func(q *exam.Question) {}, nil},
		{"no text", func(q *exam.Question) { q.Text = "  " }, []string{"text"}},
		{"no block", func(q *exam.Question) { q.Block = "" }, []string{"block"}},
		{"no competence", func(q *exam.Question) { q.Competence = 0 }, []string{"competence"}},
		{"bad kind", func(q *exam.Question) { q.Kind = "essay" }, []string{"kind"}},
		{"single with two right", func(q *exam.Question) { q.Choices[1].Correct = true }, []string{"choices"}},
		{"single with none right", func(q *exam.Question) { q.Choices[0].Correct = false }, []string{"choices"}},
		{"multiple with two right", func(q *exam.Question) { q.Kind = exam.QuestionMultiple; q.Choices[1].Correct = true }, nil},
		{"multiple with none right", func(q *exam.Question) { q.Kind = exam.QuestionMultiple; q.Choices[0].Correct = false }, []string{"choices"}},
		{"one choice", func(q *exam.Question) { q.Choices = q.Choices[:1] }, []string{"choices"}},
		{"empty choice", func(q *exam.Question) { q.Choices[1].Text = "" }, []string{"choices[1].text"}},
		{"duplicate choice", func(q *exam.Question) { q.Choices[1].Text = "OUI" }, []string{"choices[1].text"}},
		{"true/false with other texts", func(q *exam.Question) { q.Kind = exam.QuestionTrueFalse }, []string{"choices"}},
		{"true/false", func(q *exam.Question) { *q = exam.NewTrueFalse("Q ?", false); q.Block, q.Competence = "CCP1", 2 }, nil},
		{"image not an image", func(q *exam.Question) { q.Image = []byte("GIF89a") }, []string{"image"}},
		{"png image", func(q *exam.Question) { q.Image = []byte("\x89PNG\r\n\x1a\n....") }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := good()
			tt.edit(&q)
			var got []string
			for _, f := range exam.FieldErrors(q.Validate()) {
				got = append(got, f.Field)
			}
			if !reflect.DeepEqual(got, tt.fields) {
				t.Fatalf("fields = %v, want %v", got, tt.fields)
			}
		})
	}
}

func TestQuestion_CheckReferentiel(t *testing.T) {
	ref := mustRef(t)
	q := exam.Question{Block: "RNCP37722BC02", Competence: 7}
	if err := q.CheckReferentiel(ref); err != nil || q.Block != "CCP2" {
		t.Fatalf("RNCP code: err %v, block %q, want nil and CCP2", err, q.Block)
	}
	q = exam.Question{Block: "CCP1", Competence: 7}
	if fe := exam.FieldErrors(q.CheckReferentiel(ref)); len(fe) != 1 || fe[0].Field != "competence" {
		t.Fatalf("competence of another block: %v", fe)
	}
	q = exam.Question{Block: "CCP9", Competence: 1}
	if fe := exam.FieldErrors(q.CheckReferentiel(ref)); len(fe) != 1 || fe[0].Field != "block" {
		t.Fatalf("unknown block: %v", fe)
	}
}

func TestQuestion_Right(t *testing.T) {
	multi := exam.Question{Kind: exam.QuestionMultiple, Choices: []exam.Choice{{Correct: true}, {}, {Correct: true}, {}}}
	single := exam.Question{Kind: exam.QuestionSingle, Choices: []exam.Choice{{}, {Correct: true}, {}}}
	tests := []struct {
		name   string
		q      exam.Question
		chosen []int
		want   bool
	}{
		{"multiple exact", multi, []int{2, 0}, true},
		{"multiple with a duplicate", multi, []int{0, 2, 2}, true},
		{"multiple one missing", multi, []int{0}, false},
		{"multiple one wrong added", multi, []int{0, 1, 2}, false},
		{"multiple everything", multi, []int{0, 1, 2, 3}, false},
		{"multiple nothing", multi, nil, false},
		{"single right", single, []int{1}, true},
		{"single wrong", single, []int{0}, false},
		{"out of range ignored", single, []int{1, 7}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.q.Right(tt.chosen); got != tt.want {
				t.Fatalf("Right(%v) = %v, want %v", tt.chosen, got, tt.want)
			}
		})
	}
}

func TestQuestionnaire_Validate(t *testing.T) {
	tests := []struct {
		name   string
		q      exam.Questionnaire
		fields []string
	}{
		{"per block", *perBlock(5, 4, 3), nil},
		{"fixed list", exam.Questionnaire{Title: "Blanc", Kind: exam.QuestionnaireMock, QuestionIDs: []int64{3, 1}, TimeLimit: time.Hour}, nil},
		{"nothing to draw", exam.Questionnaire{Title: "x", Kind: exam.QuestionnaireFinal, TimeLimit: time.Hour}, []string{"per_block"}},
		{"both", exam.Questionnaire{Title: "x", Kind: exam.QuestionnaireFinal, TimeLimit: time.Hour, QuestionIDs: []int64{1}, PerBlock: []exam.BlockDraw{{Block: "CCP1", Count: 1}}}, []string{"per_block"}},
		{"block twice and zero count", exam.Questionnaire{Title: "x", Kind: exam.QuestionnaireFinal, TimeLimit: time.Hour, PerBlock: []exam.BlockDraw{{Block: "CCP1", Count: 1}, {Block: "ccp1", Count: 0}}}, []string{"per_block[1].block", "per_block[1].count"}},
		{"duplicate id", exam.Questionnaire{Title: "x", Kind: exam.QuestionnaireFinal, TimeLimit: time.Hour, QuestionIDs: []int64{1, 1}}, []string{"question_ids"}},
		{"no title, kind, limit", exam.Questionnaire{QuestionIDs: []int64{1}, TimeLimit: 90 * time.Second}, []string{"title", "kind", "time_limit"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, f := range exam.FieldErrors(tt.q.Validate()) {
				got = append(got, f.Field)
			}
			if !reflect.DeepEqual(got, tt.fields) {
				t.Fatalf("fields = %v, want %v", got, tt.fields)
			}
		})
	}
}

func TestDraw_Reproducible(t *testing.T) {
	bank := qcmBank(6)
	q := perBlock(10, 8, 6)
	a, err := exam.Draw(bank, q, 42, exam.ScreenNeeds{})
	if err != nil {
		t.Fatal(err)
	}
	// The bank's order does not matter, only its content.
	rev := slices.Clone(bank)
	slices.Reverse(rev)
	b, err := exam.Draw(rev, q, 42, exam.ScreenNeeds{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed, same bank in another order: different draws")
	}
	c, _ := exam.Draw(bank, q, 43, exam.ScreenNeeds{})
	if reflect.DeepEqual(ids(a), ids(c)) {
		t.Fatal("seeds 42 and 43 drew the same questions in the same order")
	}
	if len(a) != 24 {
		t.Fatalf("drew %d questions, want 24", len(a))
	}
	// Count per block and spread over competences.
	perBlk := map[string]int{}
	perComp := map[int]int{}
	seen := map[int64]bool{}
	for _, it := range a {
		if seen[it.Question.ID] {
			t.Fatalf("question %d drawn twice", it.Question.ID)
		}
		seen[it.Question.ID] = true
		perBlk[it.Question.Block]++
		perComp[it.Question.Competence]++
	}
	if perBlk["CCP1"] != 10 || perBlk["CCP2"] != 8 || perBlk["CCP3"] != 6 {
		t.Fatalf("per block %v", perBlk)
	}
	for c := 1; c <= 12; c++ {
		if perComp[c] != 2 {
			t.Fatalf("competence %d has %d questions, want 2 (even spread): %v", c, perComp[c], perComp)
		}
	}
	// Editing the drawn copy never touches the bank.
	a[0].Question.Choices[0].Text = "changed"
	for _, q := range bank {
		if q.Choices[0].Text == "changed" {
			t.Fatal("the attempt shares the bank's choices")
		}
	}
}

// TestDraw_Golden pins the draw of a seed: a change of the algorithm would
// make stored attempts irreproducible.
func TestDraw_Golden(t *testing.T) {
	bank := qcmBank(2)
	items, err := exam.Draw(bank, perBlock(2, 2, 1), 7, exam.ScreenNeeds{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range items {
		got = append(got, fmt.Sprint(it.Question.ID, it.Order))
	}
	want := goldenDraw
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("draw of seed 7 = %#v, want %#v", got, want)
	}
}

var goldenDraw = []string{"16 [5 4 0 3 1 2]", "10 [1 4 2 5 3 0]", "12 [0 5 4 2 1 3]", "3 [2 1 4 0 3]", "19 [0 3 4 2 1]"}

func TestDraw_ShufflesChoices(t *testing.T) {
	bank := qcmBank(3)
	q := &exam.Questionnaire{Title: "x", Kind: exam.QuestionnaireMock, TimeLimit: time.Hour, QuestionIDs: []int64{1, 2, 3}}
	orders := map[string]bool{}
	for seed := int64(1); seed <= 20; seed++ {
		items, err := exam.Draw(bank, q, seed, exam.ScreenNeeds{})
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			switch it.Question.Kind {
			case exam.QuestionTrueFalse:
				if !reflect.DeepEqual(it.Order, []int{0, 1}) {
					t.Fatalf("true/false order %v, want Vrai then Faux", it.Order)
				}
			case exam.QuestionSingle:
				orders[fmt.Sprint(it.Order)] = true
				if len(it.Order) != 5 {
					t.Fatalf("order %v: a choice lost", it.Order)
				}
			}
		}
	}
	if len(orders) < 10 {
		t.Fatalf("20 seeds gave %d orders of 5 choices: not shuffled", len(orders))
	}
}

func TestDraw_ReducedChoices(t *testing.T) {
	bank := qcmBank(3)
	q := perBlock(15, 12, 9)
	for seed := int64(1); seed <= 30; seed++ {
		full, err := exam.Draw(bank, q, seed, exam.ScreenNeeds{})
		if err != nil {
			t.Fatal(err)
		}
		for _, maxc := range []int{2, 3} {
			items, err := exam.Draw(bank, q, seed, exam.ScreenNeeds{MaxChoices: maxc})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(ids(items), ids(full)) {
				t.Fatal("reduced choices changed the questions drawn")
			}
			for i, it := range items {
				qq := it.Question
				right, wrong := 0, 0
				for _, c := range it.Order {
					if qq.Choices[c].Correct {
						right++
					} else {
						wrong++
					}
				}
				if right != len(qq.RightChoices()) {
					t.Fatalf("question %d: a right choice was dropped: order %v", qq.ID, it.Order)
				}
				switch qq.Kind {
				case exam.QuestionTrueFalse:
					if len(it.Order) != 2 {
						t.Fatal("true/false reduced")
					}
				case exam.QuestionSingle:
					if len(it.Order) != maxc {
						t.Fatalf("single: %d choices shown, want %d", len(it.Order), maxc)
					}
				case exam.QuestionMultiple: // two right ones
					if wantWrong := max(maxc-2, 1); wrong != wantWrong {
						t.Fatalf("multiple, max %d: %d wrong choices shown, want %d", maxc, wrong, wantWrong)
					}
				}
				// The kept choices keep the relative order of the full draw.
				var sub []int
				for _, c := range full[i].Order {
					if slices.Contains(it.Order, c) {
						sub = append(sub, c)
					}
				}
				if !reflect.DeepEqual(sub, it.Order) {
					t.Fatalf("reduced order %v is not a subsequence of %v", it.Order, full[i].Order)
				}
			}
			again, _ := exam.Draw(bank, q, seed, exam.ScreenNeeds{MaxChoices: maxc})
			if !reflect.DeepEqual(again, items) {
				t.Fatal("reduced draw not reproducible")
			}
		}
	}
}

func TestDraw_Errors(t *testing.T) {
	bank := qcmBank(1)
	_, err := exam.Draw(bank, perBlock(6, 1, 1), 1, exam.ScreenNeeds{})
	var e *exam.Error
	if !errors.As(err, &e) || e.Key != "err.qcm.not_enough" || e.Data["Have"] != 5 {
		t.Fatalf("not enough: %v", err)
	}
	_, err = exam.Draw(bank, &exam.Questionnaire{QuestionIDs: []int64{1, 99}}, 1, exam.ScreenNeeds{})
	if !errors.As(err, &e) || e.Key != "err.qcm.question_missing" {
		t.Fatalf("missing: %v", err)
	}
}

func TestQCMTime(t *testing.T) {
	tt := exam.QCMTime(30*time.Minute, &exam.TimeAllowance{ExtraPercent: 33})
	if tt.Working() != 40*time.Minute || tt.Label() != "40 min (base 30 min)" {
		t.Fatalf("tiers-temps on 30 min: %v, %q", tt.Working(), tt.Label())
	}
	tt = exam.QCMTime(45*time.Minute, &exam.TimeAllowance{ExtraPercent: 10, ExtraMinutes: 5,
		Breaks: []exam.Break{{At: 20 * time.Minute, Length: 5 * time.Minute}, {Trial: "MSP", At: time.Minute, Length: time.Minute}}})
	if tt.Extra != 10*time.Minute || tt.Breaks != 5*time.Minute {
		t.Fatalf("45 min, 10 %% + 5: extra %v breaks %v, want 10 min and 5 min", tt.Extra, tt.Breaks)
	}
	if got := exam.QCMTime(20*time.Minute, nil); got.Working() != 20*time.Minute {
		t.Fatalf("no allowance: %v", got.Working())
	}
}

func TestAttempt_Result(t *testing.T) {
	bank := qcmBank(2)
	items, err := exam.Draw(bank, perBlock(5, 4, 3), 3, exam.ScreenNeeds{})
	if err != nil {
		t.Fatal(err)
	}
	a := &exam.Attempt{ID: 1, CandidateID: 9, Kind: exam.QuestionnairePositioning, Items: items, Answers: map[int][]int{}}
	// Answer right every CCP1 question and wrong every other one, except
	// one CCP2 question left blank.
	blank := -1
	for i, it := range items {
		q := it.Question
		switch {
		case q.Block == "CCP1":
			a.Answers[i] = q.RightChoices()
		case q.Block == "CCP2" && blank < 0:
			blank = i
		default:
			for _, c := range it.Order {
				if !q.Choices[c].Correct {
					a.Answers[i] = []int{c}
					break
				}
			}
		}
	}
	r := a.Result()
	if r.Total != (exam.Score{Right: 5, Total: 12}) {
		t.Fatalf("total %+v", r.Total)
	}
	if got := r.Block("CCP1"); got != (exam.Score{Right: 5, Total: 5}) {
		t.Fatalf("CCP1 %+v", got)
	}
	if got := r.Block("CCP2"); got != (exam.Score{Right: 0, Total: 4}) {
		t.Fatalf("CCP2 %+v", got)
	}
	if len(r.Competences) != 12 {
		t.Fatalf("%d competences scored, want 12", len(r.Competences))
	}
	for _, c := range r.Competences {
		want := 0
		if c.Competence <= 5 {
			want = 1
		}
		if c.Right != want || c.Total != 1 {
			t.Fatalf("competence %d: %+v", c.Competence, c.Score)
		}
	}
	if got := len(a.Unanswered()); got != 1 {
		t.Fatalf("%d unanswered, want 1", got)
	}
	if p := r.Block("CCP1").Percent(); p != 100 {
		t.Fatalf("percent %v", p)
	}
}

func TestCompareEntryExit(t *testing.T) {
	day := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	res := func(id, cand int64, kind exam.QuestionnaireKind, ended time.Time, right int) exam.AttemptResult {
		return exam.AttemptResult{AttemptID: id, CandidateID: cand, Kind: kind, Ended: ended,
			Total: exam.Score{Right: right, Total: 10}, Blocks: []exam.BlockScore{{Block: "CCP1", Score: exam.Score{Right: right / 2, Total: 5}}}}
	}
	rs := []exam.AttemptResult{
		res(1, 2, exam.QuestionnairePositioning, day, 4),
		res(2, 2, exam.QuestionnairePositioning, day.Add(time.Hour), 5), // later entry wins
		res(3, 2, exam.QuestionnaireFinal, day.AddDate(0, 6, 0), 8),
		res(4, 2, exam.QuestionnaireMock, day.AddDate(0, 7, 0), 10), // ignored
		res(5, 1, exam.QuestionnaireFinal, day, 7),
		res(6, 1, exam.QuestionnairePositioning, time.Time{}, 9), // unfinished: ignored
	}
	ps := exam.CompareEntryExit(rs)
	if len(ps) != 2 || ps[0].CandidateID != 1 || ps[1].CandidateID != 2 {
		t.Fatalf("progress %+v", ps)
	}
	if ps[0].Entry != nil || ps[0].Exit.AttemptID != 5 {
		t.Fatalf("candidate 1: %+v", ps[0])
	}
	if _, ok := ps[0].Delta(""); ok {
		t.Fatal("delta without an entry")
	}
	if ps[1].Entry.AttemptID != 2 || ps[1].Exit.AttemptID != 3 {
		t.Fatalf("candidate 2: entry %d exit %d", ps[1].Entry.AttemptID, ps[1].Exit.AttemptID)
	}
	if d, ok := ps[1].Delta(""); !ok || d != 30 {
		t.Fatalf("delta %v %v, want 30", d, ok)
	}
	if d, _ := ps[1].Delta("CCP1"); d != 40 { // 2/5 → 4/5
		t.Fatalf("CCP1 delta %v, want 40", d)
	}
}

func TestDistribution(t *testing.T) {
	var rs []exam.AttemptResult
	for _, right := range []int{0, 1, 5, 5, 9, 10, 10} {
		rs = append(rs, exam.AttemptResult{Total: exam.Score{Right: right, Total: 10}})
	}
	rs = append(rs, exam.AttemptResult{}) // no question: left out
	got := exam.Distribution(rs, "", 5)
	want := []exam.Bucket{{0, 20, 2}, {20, 40, 0}, {40, 60, 2}, {60, 80, 0}, {80, 100, 3}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("distribution %v, want %v", got, want)
	}
	if got := exam.Distribution(rs, "", 0); len(got) != 10 || got[9].Count != 3 || got[9].To != 100 {
		t.Fatalf("default buckets %v", got)
	}
}

func TestAttempt_CheckAnswer(t *testing.T) {
	bank := qcmBank(3)
	items, _ := exam.Draw(bank, &exam.Questionnaire{QuestionIDs: []int64{1, 2}}, 5, exam.ScreenNeeds{MaxChoices: 3})
	a := &exam.Attempt{Items: items}
	single := 0
	if items[0].Question.Kind != exam.QuestionSingle {
		single = 1
	}
	hidden := -1
	for c := range items[single].Question.Choices {
		if !slices.Contains(items[single].Order, c) {
			hidden = c
		}
	}
	for _, tt := range []struct {
		item   int
		chosen []int
		ok     bool
	}{
		{single, items[single].Order[:1], true},
		{single, nil, true},
		{single, items[single].Order[:2], false},
		{single, []int{hidden}, false},
		{1 - single, items[1-single].Order[:2], true},
		{5, nil, false},
	} {
		if err := a.CheckAnswer(tt.item, tt.chosen); (err == nil) != tt.ok {
			t.Errorf("CheckAnswer(%d, %v) = %v, want ok %v", tt.item, tt.chosen, err, tt.ok)
		}
	}
}
