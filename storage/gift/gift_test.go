package gift_test

import (
	"bytes"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/amisjury/amis/assets"
	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage/gift"
)

func mustRef(tb testing.TB) *exam.Referentiel {
	tb.Helper()
	ref, err := assets.Referentiel()
	if err != nil {
		tb.Fatal(err)
	}
	return ref
}

func parseFile(t *testing.T, path string) *gift.Result {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := gift.Parse(f, "test.gift", mustRef(t))
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestParse_Valid(t *testing.T) {
	res := parseFile(t, "testdata/valid.gift")
	if len(res.Problems) > 0 {
		t.Fatalf("problems in a valid file: %v", res.Problems)
	}
	if len(res.Questions) != 6 || res.Blocks != 6 {
		t.Fatalf("%d questions in %d blocks, want 6 and 6", len(res.Questions), res.Blocks)
	}
	q := res.Questions
	want := []struct {
		line       int
		code       string
		kind       exam.QuestionKind
		block      string
		competence int
		right      []int
	}{
		{6, "C04-01", exam.QuestionSingle, "CCP1", 4, []int{0}},
		{14, "C04-02", exam.QuestionTrueFalse, "CCP1", 4, []int{1}},
		{17, "", exam.QuestionTrueFalse, "CCP1", 4, []int{0}},
		{22, "C07-01", exam.QuestionMultiple, "CCP2", 7, []int{0, 1}},
		{30, "C07-02", exam.QuestionSingle, "CCP2", 7, []int{0}},
		{33, "", exam.QuestionSingle, "CCP2", 7, []int{0}},
	}
	for i, w := range want {
		got := q[i].Question
		if q[i].Line != w.line || got.Code != w.code || got.Kind != w.kind || got.Block != w.block || got.Competence != w.competence || !reflect.DeepEqual(got.RightChoices(), w.right) {
			t.Errorf("question %d: line %d code %q kind %s %s C%d right %v; want %+v", i, q[i].Line, got.Code, got.Kind, got.Block, got.Competence, got.RightChoices(), w)
		}
	}
	first := q[0].Question
	if first.Text != "Une personne âgée demande où déposer un dossier d'aide au logement. Que faites-vous ?" {
		t.Errorf("text %q", first.Text)
	}
	if first.Feedback != "Informer et orienter vers le bon service, sans faire à la place." {
		t.Errorf("general feedback %q", first.Feedback)
	}
	if first.Choices[0].Feedback != "Bien : orienter, c'est donner le bon interlocuteur." || first.Choices[2].Feedback != "" {
		t.Errorf("choice feedback %+v", first.Choices)
	}
	if first.Category != "$course$/AMIS/CCP1/C4 Informer et orienter" || first.Source != "gift:test.gift:6" {
		t.Errorf("category %q source %q", first.Category, first.Source)
	}
	// {F#wrong#right}: the first feedback goes with the wrong choice (Vrai).
	tf := q[1].Question
	if tf.Choices[0].Feedback != "Non : il oriente vers un point d'accès au droit." || tf.Choices[1].Feedback != "Exact." {
		t.Errorf("true/false feedback %+v", tf.Choices)
	}
	if got := q[3].Question.Text; got != "Parmi ces attitudes, lesquelles aident à apaiser un conflit ?" {
		t.Errorf("format marker kept: %q", got)
	}
	if got := q[4].Question.Text; got != "Les caractères spéciaux s'échappent : 50 % = moitié, {accolades}, ~ et #." {
		t.Errorf("escapes: %q", got)
	}
	if got := q[5].Question.Text; got != "Le mot manquant : on _____ un conflit par l'écoute." {
		t.Errorf("missing word: %q", got)
	}
	for _, r := range q {
		if err := r.Question.Validate(); err != nil {
			t.Errorf("line %d: %v", r.Line, err)
		}
	}
}

func TestParse_Broken(t *testing.T) {
	res := parseFile(t, "testdata/broken.gift")
	if len(res.Questions) != 1 || res.Questions[0].Question.Code != "ok" {
		t.Fatalf("accepted %+v, want only “ok”", res.Questions)
	}
	got := map[int]string{}
	for _, p := range res.Problems {
		if got[p.Line] != "" {
			got[p.Line] += ","
		}
		got[p.Line] += p.Key
	}
	want := map[int]string{
		5:  "err.gift.no_answers",
		7:  "err.gift.unclosed",
		9:  "err.gift.essay",
		11: "err.gift.short_answer",
		13: "err.gift.several_eq",
		15: "err.gift.partial",
		17: "err.gift.weights",
		19: "err.gift.numeric",
		21: "err.qcm.choice_duplicate",
		25: "err.gift.no_competence",
		29: "err.qcm.competence_block",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("problems\n got %v\nwant %v", got, want)
	}
	if res.Blocks != 12 {
		t.Errorf("%d blocks, want 12", res.Blocks)
	}
	for _, p := range res.Problems {
		if p.Message == "" || strings.Contains(p.Message, "{{") {
			t.Errorf("line %d: message %q", p.Line, p.Message)
		}
	}
}

func TestParse_Encodings(t *testing.T) {
	src := "$CATEGORY: CCP1/C1\r\n\r\nUne question accentuée : é ?\r\n{=oui ~non}\r\n"
	cases := map[string][]byte{
		"utf8 crlf": []byte(src),
		"utf8 bom":  append([]byte{0xEF, 0xBB, 0xBF}, src...),
		"cp1252":    bytes.ReplaceAll([]byte(strings.ReplaceAll(src, "é", "\xe9")), []byte("\xc3"), nil),
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			res, err := gift.Parse(bytes.NewReader(b), "x", nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Questions) != 1 || res.Questions[0].Question.Text != "Une question accentuée : é ?" || res.Questions[0].Line != 3 {
				t.Fatalf("got %+v problems %v", res.Questions, res.Problems)
			}
		})
	}
	if _, err := gift.Parse(bytes.NewReader([]byte("PK\x03\x04\x00\x00")), "x", nil); exam.ErrorCode(err) != exam.EREFUSED {
		t.Fatalf("binary file: %v", err)
	}
}

func TestCategory(t *testing.T) {
	tests := []struct {
		path  string
		block string
		comp  int
	}{
		{"AMIS/CCP1/C4", "CCP1", 4},
		{"$course$/AMIS/CCP2/C07 Apaiser", "CCP2", 7},
		{"AMIS/Bloc 3/Compétence 12 Faciliter", "CCP3", 12},
		{"RNCP37722BC02/C8", "CCP2", 8},
		{"AMIS/C11", "", 11},
		{"AMIS/Communication", "", 0},
		{"CCP1", "CCP1", 0},
		{"", "", 0},
	}
	for _, tt := range tests {
		b, c := gift.Category(tt.path)
		if b != tt.block || c != tt.comp {
			t.Errorf("Category(%q) = %q, %d; want %q, %d", tt.path, b, c, tt.block, tt.comp)
		}
	}
}

// TestParse_BlockFromCompetence: with a référentiel, a category naming only
// the competence attaches the question to its block.
func TestParse_BlockFromCompetence(t *testing.T) {
	res, err := gift.Parse(strings.NewReader("$CATEGORY: AMIS/C11\n\nQ ?{T}\n"), "x", mustRef(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Questions) != 1 || res.Questions[0].Question.Block != "CCP3" {
		t.Fatalf("got %+v %v", res.Questions, res.Problems)
	}
	res, _ = gift.Parse(strings.NewReader("$CATEGORY: AMIS/C11\n\nQ ?{T}\n"), "x", nil)
	if len(res.Problems) != 1 || res.Problems[0].Key != "err.gift.no_block" {
		t.Fatalf("without référentiel: %v", res.Problems)
	}
}

func TestEscape(t *testing.T) {
	for _, s := range []string{"a = b ~ c # d { e } f : g \\ h", "deux\nlignes", "simple"} {
		src := "$CATEGORY: CCP1/C1\n\n" + gift.Escape(s) + " {=" + gift.Escape(s) + " ~autre}\n"
		res, err := gift.Parse(strings.NewReader(src), "x", nil)
		if err != nil || len(res.Questions) != 1 {
			t.Fatalf("%q: %v %v", s, err, res.Problems)
		}
		q := res.Questions[0].Question
		if q.Text != s || q.Choices[0].Text != s {
			t.Fatalf("round trip of %q gave %q / %q", s, q.Text, q.Choices[0].Text)
		}
	}
}

// TestSampleBank loads the bank shipped in assets: at least 60 valid
// questions, every competence of the référentiel covered by at least 4,
// the three kinds present, each question with feedback and a unique code.
func TestSampleBank(t *testing.T) {
	ref := mustRef(t)
	res, err := gift.Parse(bytes.NewReader(assets.SampleQuestionBank()), assets.SampleQuestionBankName, ref)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Problems {
		t.Errorf("line %d: %s", p.Line, p.Message)
	}
	if len(res.Questions) < 60 {
		t.Fatalf("%d questions, want at least 60", len(res.Questions))
	}
	perComp := map[int]int{}
	kinds := map[exam.QuestionKind]int{}
	codes := map[string]bool{}
	for _, r := range res.Questions {
		q := r.Question
		perComp[q.Competence]++
		kinds[q.Kind]++
		if q.Code == "" || codes[q.Code] {
			t.Errorf("line %d: code %q missing or repeated", r.Line, q.Code)
		}
		codes[q.Code] = true
		if q.Feedback == "" {
			t.Errorf("line %d (%s): no general feedback", r.Line, q.Code)
		}
		if want := fmt.Sprintf("AMIS-C%02d-", q.Competence); !strings.HasPrefix(q.Code, want) {
			t.Errorf("line %d: code %s in the category of competence %d", r.Line, q.Code, q.Competence)
		}
	}
	for _, blk := range ref.Blocks {
		for _, c := range blk.Competences {
			if perComp[c.Number] < 4 {
				t.Errorf("competence %d (%s) has %d questions, want at least 4", c.Number, blk.Short, perComp[c.Number])
			}
		}
	}
	for _, k := range exam.QuestionKinds {
		if kinds[k] < 10 {
			t.Errorf("%d questions of kind %s, want at least 10", kinds[k], k)
		}
	}
	t.Logf("%d questions: %v", len(res.Questions), kinds)
}
