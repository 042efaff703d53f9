package exam

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// The QCM (questionnaire à choix multiples) measures a candidate's level at
// the start (positioning) and at the end (final) of the training, and serves
// mock exams. See docs/qcm.md.
//
// A Question belongs to the bank; a Questionnaire says how to draw questions
// from the bank; an Attempt is one candidate's sitting of a questionnaire:
// the questions drawn (copied, so that later edits of the bank change
// nothing), the answers, the page shown and the clock.

// QuestionKind is the form of a question.
type QuestionKind string

// Question kinds.
const (
	QuestionSingle    QuestionKind = "single"    // one right choice
	QuestionMultiple  QuestionKind = "multiple"  // one or more right choices
	QuestionTrueFalse QuestionKind = "truefalse" // two choices, "Vrai" and "Faux"
)

// QuestionKinds lists the kinds in display order.
var QuestionKinds = []QuestionKind{QuestionSingle, QuestionMultiple, QuestionTrueFalse}

// Valid reports whether k is a known kind.
func (k QuestionKind) Valid() bool {
	return k == QuestionSingle || k == QuestionMultiple || k == QuestionTrueFalse
}

// The texts of the two choices of a true/false question, in this order.
const (
	TrueText  = "Vrai"
	FalseText = "Faux"
)

// Bounds of questions.
const (
	MinChoices        = 2
	MaxQuestionChoice = 10
	MaxQuestionText   = 4000
	MaxChoiceText     = 1000
	MaxFeedbackText   = 2000
	MaxImageBytes     = 2 << 20
)

// Choice is one proposed answer.
type Choice struct {
	Text    string
	Correct bool
	// Feedback is shown after the attempt to a candidate who chose it
	// ("" for none).
	Feedback string
}

// Question is one question of the bank, attached to a block (CCP) and a
// competence of the référentiel.
type Question struct {
	ID int64
	// Code is an optional identifier unique in the bank (GIFT ::title::,
	// xlsx column "Code"): importing a question with a known code replaces
	// that question instead of adding one.
	Code string
	// Block is the block's short code (CCP1); CheckReferentiel normalises
	// an RNCP code to it.
	Block string
	// Competence is the competence number across the title (1..12).
	Competence int
	Kind       QuestionKind
	Text       string
	Choices    []Choice
	// Image is an optional PNG or JPEG shown with the text.
	Image []byte
	// Feedback is the general feedback shown after the attempt.
	Feedback string
	// Category is the free classification the question came with (GIFT
	// $CATEGORY, xlsx column), kept for the author.
	Category string
	// Source says where the question came from ("gift:banque-amis.gift:12",
	// "xlsx:banque.xlsx:5", "manual").
	Source string
	// Created and Updated are set by storage.
	Created, Updated time.Time
}

// Field identifiers of Question errors; a choice's fields are
// "choices[i].text" and "choices[i].feedback".
const (
	FieldQuestionCode       = "code"
	FieldQuestionBlock      = "block"
	FieldQuestionCompetence = "competence"
	FieldQuestionKind       = "kind"
	FieldQuestionText       = "text"
	FieldQuestionChoices    = "choices"
	FieldQuestionImage      = "image"
	FieldQuestionFeedback   = "feedback"
	FieldQuestionCategory   = "category"
	FieldQuestionSource     = "source"
)

// NewTrueFalse returns a true/false question whose right answer is answer.
func NewTrueFalse(text string, answer bool) Question {
	return Question{Kind: QuestionTrueFalse, Text: text, Choices: []Choice{
		{Text: TrueText, Correct: answer}, {Text: FalseText, Correct: !answer},
	}}
}

// Normalize trims the texts.
func (q *Question) Normalize() {
	q.Code = strings.TrimSpace(q.Code)
	q.Block = strings.ToUpper(strings.TrimSpace(q.Block))
	q.Text = strings.TrimSpace(q.Text)
	q.Feedback = strings.TrimSpace(q.Feedback)
	q.Category = strings.TrimSpace(q.Category)
	q.Source = strings.TrimSpace(q.Source)
	for i := range q.Choices {
		q.Choices[i].Text = strings.TrimSpace(q.Choices[i].Text)
		q.Choices[i].Feedback = strings.TrimSpace(q.Choices[i].Feedback)
	}
}

// Validate normalises and checks the question; field errors name the
// faulty field (FieldQuestion*, "choices[2].text"). Single: at least two
// choices, exactly one right. Multiple: at least two choices, at least one
// right. True/false: exactly the choices Vrai and Faux, one right. The
// block and competence are checked against a référentiel by
// CheckReferentiel.
func (q *Question) Validate() error {
	var v Validation
	q.Normalize()
	long := func(field, s string, maxLen int) {
		if utf8.RuneCountInString(s) > maxLen {
			v.Add(field, "err.too_long", "at most {{.Max}} characters", map[string]any{"Max": maxLen})
		}
	}
	long(FieldQuestionCode, q.Code, 100)
	if q.Block == "" {
		v.Add(FieldQuestionBlock, "err.required", "required", nil)
	}
	if q.Competence <= 0 {
		v.Add(FieldQuestionCompetence, "err.qcm.competence", "a competence number is required", nil)
	}
	if !q.Kind.Valid() {
		v.Add(FieldQuestionKind, "err.qcm.kind", "choose single, multiple or true/false", nil)
	}
	if q.Text == "" {
		v.Add(FieldQuestionText, "err.required", "required", nil)
	}
	long(FieldQuestionText, q.Text, MaxQuestionText)
	long(FieldQuestionFeedback, q.Feedback, MaxFeedbackText)
	long(FieldQuestionCategory, q.Category, 200)
	long(FieldQuestionSource, q.Source, 300)
	if len(q.Image) > 0 {
		switch {
		case len(q.Image) > MaxImageBytes:
			v.Add(FieldQuestionImage, "err.qcm.image_size", "an image is at most {{.Max}} MB", map[string]any{"Max": MaxImageBytes >> 20})
		case ImageType(q.Image) == "":
			v.Add(FieldQuestionImage, "err.qcm.image_type", "an image is a PNG or a JPEG", nil)
		}
	}
	right := 0
	seen := map[string]int{}
	for i, c := range q.Choices {
		f := fmt.Sprintf("%s[%d].", FieldQuestionChoices, i)
		if c.Correct {
			right++
		}
		switch {
		case c.Text == "":
			v.Add(f+"text", "err.required", "required", nil)
		case utf8.RuneCountInString(c.Text) > MaxChoiceText:
			v.Add(f+"text", "err.too_long", "at most {{.Max}} characters", map[string]any{"Max": MaxChoiceText})
		default:
			k := strings.ToLower(c.Text)
			if first, dup := seen[k]; dup {
				v.Add(f+"text", "err.qcm.choice_duplicate", "same text as choice {{.First}}", map[string]any{"First": first + 1})
			} else {
				seen[k] = i
			}
		}
		long(f+"feedback", c.Feedback, MaxFeedbackText)
	}
	n := len(q.Choices)
	switch q.Kind {
	case QuestionSingle, QuestionMultiple:
		if n < MinChoices || n > MaxQuestionChoice {
			v.Add(FieldQuestionChoices, "err.qcm.choice_count", "between {{.Min}} and {{.Max}} choices", map[string]any{"Min": MinChoices, "Max": MaxQuestionChoice})
		}
		if q.Kind == QuestionSingle && right != 1 {
			v.Add(FieldQuestionChoices, "err.qcm.single_right", "a single-answer question has exactly one right choice ({{.Count}} here)", map[string]any{"Count": right})
		}
		if q.Kind == QuestionMultiple && right == 0 {
			v.Add(FieldQuestionChoices, "err.qcm.no_right", "at least one choice must be right", nil)
		}
	case QuestionTrueFalse:
		if n != 2 || q.Choices[0].Text != TrueText || q.Choices[1].Text != FalseText || right != 1 {
			v.Add(FieldQuestionChoices, "err.qcm.truefalse", "a true/false question has the choices “Vrai” and “Faux”, one of them right", nil)
		}
	}
	return v.Err("question")
}

// CheckReferentiel checks that the block exists in ref and that the
// competence belongs to it, and sets Block to the block's short code.
func (q *Question) CheckReferentiel(ref *Referentiel) error {
	var v Validation
	b := ref.Block(q.Block)
	switch {
	case q.Block == "":
		// reported by Validate
	case b == nil:
		v.Add(FieldQuestionBlock, "err.qcm.block_unknown", "unknown block “{{.Block}}”", map[string]any{"Block": q.Block})
	default:
		q.Block = b.Short
		if q.Competence > 0 && !b.HasCompetence(q.Competence) {
			v.Add(FieldQuestionCompetence, "err.qcm.competence_block", "competence {{.Competence}} is not in {{.Block}}", map[string]any{"Competence": q.Competence, "Block": b.Short})
		}
	}
	return v.Err("question")
}

// HasCompetence reports whether competence number n belongs to the block.
func (b *Block) HasCompetence(n int) bool {
	for _, c := range b.Competences {
		if c.Number == n {
			return true
		}
	}
	return false
}

// CompetenceBlock returns the block holding competence number n, or nil.
func (ref *Referentiel) CompetenceBlock(n int) *Block {
	for i := range ref.Blocks {
		if ref.Blocks[i].HasCompetence(n) {
			return &ref.Blocks[i]
		}
	}
	return nil
}

// ImageType returns "png" or "jpeg" from the image's first bytes, "" for
// anything else.
func ImageType(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "png"
	case bytes.HasPrefix(b, []byte{0xff, 0xd8, 0xff}):
		return "jpeg"
	}
	return ""
}

// RightChoices returns the indices of the right choices, in order.
func (q *Question) RightChoices() []int {
	var out []int
	for i, c := range q.Choices {
		if c.Correct {
			out = append(out, i)
		}
	}
	return out
}

// Right reports whether chosen (indices into Choices, in any order) is the
// right answer. The rule is all or nothing for every kind: the chosen set
// must be exactly the set of right choices (for a multiple-answer question,
// one right choice missing or one wrong choice ticked scores 0).
func (q *Question) Right(chosen []int) bool {
	want := q.RightChoices()
	got := normalizeChoices(chosen, len(q.Choices))
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}

// normalizeChoices sorts the indices, dropping duplicates and those out of
// range.
func normalizeChoices(chosen []int, n int) []int {
	out := make([]int, 0, len(chosen))
	for _, c := range chosen {
		if c >= 0 && c < n {
			out = append(out, c)
		}
	}
	sort.Ints(out)
	k := 0
	for i, c := range out {
		if i == 0 || c != out[k-1] {
			out[k] = c
			k++
		}
	}
	return out[:k]
}

// QuestionnaireKind says what a questionnaire is for.
type QuestionnaireKind string

// Questionnaire kinds.
const (
	QuestionnairePositioning QuestionnaireKind = "positioning" // entry level (positionnement)
	QuestionnaireFinal       QuestionnaireKind = "final"       // exit level (évaluation finale)
	QuestionnaireMock        QuestionnaireKind = "mock"        // mock exam (examen blanc)
)

// French is the kind's name in the workbooks (the QCM results, the right of
// access), as the window names it: "Positionnement (entrée)",
// "Évaluation finale (sortie)", "Examen blanc"; the code itself for an
// unknown kind.
func (k QuestionnaireKind) French() string {
	switch k {
	case QuestionnairePositioning:
		return "Positionnement (entrée)"
	case QuestionnaireFinal:
		return "Évaluation finale (sortie)"
	case QuestionnaireMock:
		return "Examen blanc"
	}
	return string(k)
}

// QuestionnaireKinds lists the kinds in display order.
var QuestionnaireKinds = []QuestionnaireKind{QuestionnairePositioning, QuestionnaireFinal, QuestionnaireMock}

// Valid reports whether k is a known kind.
func (k QuestionnaireKind) Valid() bool {
	return k == QuestionnairePositioning || k == QuestionnaireFinal || k == QuestionnaireMock
}

// BlockDraw asks for Count questions of a block.
type BlockDraw struct {
	Block string // short code, CCP1
	Count int
}

// Bounds of questionnaires.
const (
	MaxDrawCount     = 200
	MaxFixedList     = 500
	MaxQCMTimeLimit  = 4 * time.Hour
	MaxQuestionnaire = 200 // characters of a title
)

// Questionnaire says how an attempt's questions are drawn from the bank:
// either Count questions per block (PerBlock), or a fixed list of questions
// (QuestionIDs). Either way questions and choices are shuffled per attempt.
type Questionnaire struct {
	ID          int64
	Title       string
	Kind        QuestionnaireKind
	PerBlock    []BlockDraw
	QuestionIDs []int64
	// TimeLimit is the base working time, in whole minutes; each
	// candidate's allowance is applied to it (TimeAllowance.Allot).
	TimeLimit time.Duration
	Created   time.Time
}

// Field identifiers of Questionnaire errors ("per_block[i].count"…).
const (
	FieldQuestionnaireTitle = "title"
	FieldQuestionnaireKind  = "kind"
	FieldPerBlock           = "per_block"
	FieldQuestionIDs        = "question_ids"
	FieldTimeLimit          = "time_limit"
)

// Size is the number of questions an attempt gets.
func (q *Questionnaire) Size() int {
	if len(q.QuestionIDs) > 0 {
		return len(q.QuestionIDs)
	}
	n := 0
	for _, d := range q.PerBlock {
		n += d.Count
	}
	return n
}

// Validate normalises and checks the questionnaire (not against the bank:
// Draw says when the bank lacks questions).
func (q *Questionnaire) Validate() error {
	var v Validation
	q.Title = strings.TrimSpace(q.Title)
	switch {
	case q.Title == "":
		v.Add(FieldQuestionnaireTitle, "err.required", "required", nil)
	case utf8.RuneCountInString(q.Title) > MaxQuestionnaire:
		v.Add(FieldQuestionnaireTitle, "err.too_long", "at most {{.Max}} characters", map[string]any{"Max": MaxQuestionnaire})
	}
	if !q.Kind.Valid() {
		v.Add(FieldQuestionnaireKind, "err.qcm.questionnaire_kind", "choose positioning, final or mock exam", nil)
	}
	switch {
	case len(q.PerBlock) == 0 && len(q.QuestionIDs) == 0:
		v.Add(FieldPerBlock, "err.qcm.no_questions", "draw questions per block or list them", nil)
	case len(q.PerBlock) > 0 && len(q.QuestionIDs) > 0:
		v.Add(FieldPerBlock, "err.qcm.both_draws", "either questions per block or a fixed list, not both", nil)
	}
	seen := map[string]bool{}
	for i := range q.PerBlock {
		d := &q.PerBlock[i]
		f := fmt.Sprintf("%s[%d].", FieldPerBlock, i)
		d.Block = strings.ToUpper(strings.TrimSpace(d.Block))
		switch {
		case d.Block == "":
			v.Add(f+"block", "err.required", "required", nil)
		case seen[d.Block]:
			v.Add(f+"block", "err.qcm.block_twice", "block {{.Block}} is listed twice", map[string]any{"Block": d.Block})
		}
		seen[d.Block] = true
		if d.Count < 1 || d.Count > MaxDrawCount {
			v.Add(f+"count", "err.qcm.draw_count", "between 1 and {{.Max}} questions", map[string]any{"Max": MaxDrawCount})
		}
	}
	if len(q.QuestionIDs) > MaxFixedList {
		v.Add(FieldQuestionIDs, "err.qcm.list_size", "at most {{.Max}} questions", map[string]any{"Max": MaxFixedList})
	}
	ids := map[int64]bool{}
	for _, id := range q.QuestionIDs {
		if id <= 0 || ids[id] {
			v.Add(FieldQuestionIDs, "err.qcm.list_duplicate", "question {{.ID}} is listed twice or unknown", map[string]any{"ID": id})
			break
		}
		ids[id] = true
	}
	if q.TimeLimit < time.Minute || q.TimeLimit > MaxQCMTimeLimit || q.TimeLimit%time.Minute != 0 {
		v.Add(FieldTimeLimit, "err.qcm.time_limit", "a time limit in whole minutes, at most {{.Max}}", map[string]any{"Max": FormatDuration(MaxQCMTimeLimit)})
	}
	return v.Err("questionnaire")
}

// CheckReferentiel checks that every drawn block exists and normalises it
// to its short code.
func (q *Questionnaire) CheckReferentiel(ref *Referentiel) error {
	var v Validation
	for i := range q.PerBlock {
		d := &q.PerBlock[i]
		if b := ref.Block(d.Block); b != nil {
			d.Block = b.Short
		} else if d.Block != "" {
			v.Add(fmt.Sprintf("%s[%d].block", FieldPerBlock, i), "err.qcm.block_unknown", "unknown block “{{.Block}}”", map[string]any{"Block": d.Block})
		}
	}
	return v.Err("questionnaire")
}

// QCMTrial is the épreuve code under which a QCM takes the candidate's
// time allowance: breaks planned for every épreuve (Trial "") or for
// "QCM", and an override for "QCM" if the référentiel has such an épreuve.
const QCMTrial = "QCM"

// QCMTime applies the candidate's allowance to the questionnaire's limit by
// the one rule of the app (extra = ceil(base × %) + minutes, see
// TimeAllowance.Allot): a 30 min QCM with a tiers-temps is "40 min (base
// 30 min)". A nil allowance grants nothing.
func QCMTime(limit time.Duration, a *TimeAllowance) TrialTime {
	if a == nil {
		a = &TimeAllowance{}
	}
	tt := a.Allot(Trial{Code: QCMTrial, Minutes: int(limit / time.Minute)})
	tt.Trial = QCMTrial
	return tt
}

// QCMBreaks returns the planned breaks of the allowance that apply to a
// QCM.
func QCMBreaks(a *TimeAllowance) []Break {
	if a == nil {
		return nil
	}
	var out []Break
	for _, b := range a.Breaks {
		if b.Trial == "" || b.Trial == QCMTrial {
			out = append(out, b)
		}
	}
	return out
}

// AttemptItem is one drawn question of an attempt.
type AttemptItem struct {
	// Question is a copy of the bank's question when it was drawn, without
	// its Created and Updated times; its Choices keep the bank's order.
	Question Question
	// Order is the choices as shown: indices into Question.Choices in
	// display order, without the choices left out for a candidate with
	// reduced choices (ScreenNeeds.MaxChoices).
	Order []int
}

// Shown returns the choices in display order.
func (it *AttemptItem) Shown() []Choice {
	out := make([]Choice, len(it.Order))
	for i, c := range it.Order {
		out[i] = it.Question.Choices[c]
	}
	return out
}

// Draw picks and orders an attempt's questions. It is a pure function of its
// arguments: the same bank (as a set: its order does not matter), the same
// questionnaire, seed and screen needs always give the same items.
//
//   - PerBlock: Count questions of each block, spread over the block's
//     competences as evenly as the bank allows (round robin over the
//     competences in a shuffled order, each competence's questions
//     shuffled); then every drawn question is shuffled together.
//   - QuestionIDs: those questions, shuffled.
//   - Choices are shuffled per question (from the seed and the question's
//     ID, so a question's order does not depend on the others), except those
//     of a true/false question, always Vrai then Faux.
//   - Reduced choices (screen.MaxChoices ≥ 2): every right choice is kept,
//     and wrong choices, taken in the shuffled order, fill up to MaxChoices;
//     a multiple-answer question keeps at least one wrong choice when it has
//     one, so that "tick everything" is never the answer by construction.
//
// Errors: EINVALID err.qcm.not_enough (Data Block, Want, Have) when the
// bank lacks questions of a block, err.qcm.question_missing (Data ID) when
// a listed question is not in the bank.
func Draw(bank []Question, q *Questionnaire, seed int64, screen ScreenNeeds) ([]AttemptItem, error) {
	byID := make(map[int64]*Question, len(bank))
	sorted := make([]*Question, 0, len(bank))
	for i := range bank {
		b := &bank[i]
		if _, dup := byID[b.ID]; dup {
			continue
		}
		byID[b.ID] = b
		sorted = append(sorted, b)
	}
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].ID < sorted[j].ID })
	r := newRNG(uint64(seed))
	var picked []*Question
	if len(q.QuestionIDs) > 0 {
		for _, id := range q.QuestionIDs {
			b, ok := byID[id]
			if !ok {
				return nil, Errorf(EINVALID, "err.qcm.question_missing", "question {{.ID}} is not in the bank", map[string]any{"ID": id})
			}
			picked = append(picked, b)
		}
	} else {
		for _, d := range q.PerBlock {
			byComp := map[int][]*Question{}
			var comps []int
			have := 0
			for _, b := range sorted {
				if !strings.EqualFold(b.Block, d.Block) {
					continue
				}
				if byComp[b.Competence] == nil {
					comps = append(comps, b.Competence)
				}
				byComp[b.Competence] = append(byComp[b.Competence], b)
				have++
			}
			if have < d.Count {
				return nil, Errorf(EINVALID, "err.qcm.not_enough", "{{.Block}}: {{.Want}} questions asked, the bank has {{.Have}}", map[string]any{"Block": d.Block, "Want": d.Count, "Have": have})
			}
			sort.Ints(comps)
			r.shuffle(len(comps), func(i, j int) { comps[i], comps[j] = comps[j], comps[i] })
			for _, c := range comps {
				g := byComp[c]
				r.shuffle(len(g), func(i, j int) { g[i], g[j] = g[j], g[i] })
			}
			for n, round := 0, 0; n < d.Count; round++ {
				for _, c := range comps {
					if g := byComp[c]; round < len(g) && n < d.Count {
						picked = append(picked, g[round])
						n++
					}
				}
			}
		}
	}
	r.shuffle(len(picked), func(i, j int) { picked[i], picked[j] = picked[j], picked[i] })
	items := make([]AttemptItem, len(picked))
	for i, b := range picked {
		items[i] = AttemptItem{Question: b.clone(), Order: choiceOrder(b, seed, screen.MaxChoices)}
	}
	return items, nil
}

// clone copies q, without its timestamps, so that the attempt does not
// share its slices with the bank.
func (q *Question) clone() Question {
	c := *q
	c.Created, c.Updated = time.Time{}, time.Time{}
	c.Choices = append([]Choice(nil), q.Choices...)
	c.Image = append([]byte(nil), q.Image...)
	if len(c.Image) == 0 {
		c.Image = nil
	}
	return c
}

// choiceOrder shuffles (and reduces) the choices of q for the attempt with
// the given seed.
func choiceOrder(q *Question, seed int64, maxChoices int) []int {
	n := len(q.Choices)
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	if q.Kind == QuestionTrueFalse {
		return order
	}
	r := newRNG(uint64(seed) ^ mix64(uint64(q.ID)+0x51ed27))
	r.shuffle(n, func(i, j int) { order[i], order[j] = order[j], order[i] })
	if maxChoices < MinChoices || n <= maxChoices {
		return order
	}
	right := 0
	for _, c := range q.Choices {
		if c.Correct {
			right++
		}
	}
	keepWrong := maxChoices - right
	if keepWrong < 1 && right < n {
		keepWrong = 1
	}
	out := order[:0]
	for _, i := range order {
		switch {
		case q.Choices[i].Correct:
			out = append(out, i)
		case keepWrong > 0:
			out = append(out, i)
			keepWrong--
		}
	}
	return out
}

// rng is splitmix64: tiny, and its sequence is ours, so that a stored seed
// reproduces an attempt whatever the Go version.
type rng struct{ s uint64 }

func newRNG(seed uint64) *rng { return &rng{s: seed} }

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	return mix64(r.s)
}

func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// intn returns a number in [0, n) (n > 0) without modulo bias.
func (r *rng) intn(n int) int {
	bound := uint64(n)
	limit := -bound % bound // 2^64 mod bound
	for {
		if v := r.next(); v >= limit {
			return int(v % bound)
		}
	}
}

// shuffle is Fisher–Yates.
func (r *rng) shuffle(n int, swap func(i, j int)) {
	for i := n - 1; i > 0; i-- {
		swap(i, r.intn(i+1))
	}
}

// Why an attempt ended.
const (
	AttemptDone    = "done"    // the candidate finished
	AttemptTimeUp  = "time_up" // the working time ran out
	AttemptStopped = "stopped" // the jury stopped it (incident)
)

// Attempt is one candidate's sitting of a questionnaire.
type Attempt struct {
	ID              int64
	QuestionnaireID int64
	CandidateID     int64
	// Kind and Title are the questionnaire's when the attempt started.
	Kind  QuestionnaireKind
	Title string
	// Seed reproduces Items with Draw.
	Seed  int64
	Items []AttemptItem
	// Answers maps an item's index (its page) to the chosen choices:
	// indices into Items[i].Question.Choices (not display positions),
	// sorted. An item absent from the map is unanswered.
	Answers map[int][]int
	// Current is the page shown: an item's index, or len(Items) for the
	// review page.
	Current int
	// Screen is the candidate's on-screen needs when the attempt started.
	Screen ScreenNeeds
	// Time is the questionnaire's limit with the candidate's allowance;
	// Breaks the planned breaks that apply (QCMBreaks).
	Time   TrialTime
	Breaks []Break
	// Events is the clock, as for an épreuve: start, pauses (breaks and
	// interruptions), resumes, end.
	Events []TimerEvent
	// Started and Ended bound the attempt (Ended zero while it runs);
	// EndReason is AttemptDone, AttemptTimeUp or AttemptStopped.
	Started, Ended time.Time
	EndReason      string
	// LastSeen is the last recorded activity. When an unfinished attempt is
	// resumed after a crash, the clock is paused from LastSeen to the
	// resume, so the candidate gets back the time the machine was down.
	LastSeen time.Time
}

// Timer returns the attempt's clock.
func (a *Attempt) Timer() Timer {
	return Timer{Base: a.Time.Base, Extra: a.Time.Extra, Events: a.Events}
}

// Status returns the clock at now.
func (a *Attempt) Status(now time.Time) TimerStatus {
	t := a.Timer()
	return t.Status(now)
}

// Finished reports whether the attempt has ended.
func (a *Attempt) Finished() bool { return !a.Ended.IsZero() }

// Answered reports whether item i has an answer.
func (a *Attempt) Answered(i int) bool { return len(a.Answers[i]) > 0 }

// Unanswered lists the items without an answer, for the review page.
func (a *Attempt) Unanswered() []int {
	var out []int
	for i := range a.Items {
		if !a.Answered(i) {
			out = append(out, i)
		}
	}
	return out
}

// CheckAnswer returns an EINVALID error unless chosen is a possible answer
// of item i: indices of choices shown to the candidate, exactly one for a
// single-answer or true/false question (none clears the answer).
func (a *Attempt) CheckAnswer(i int, chosen []int) error {
	if i < 0 || i >= len(a.Items) {
		return Errorf(EINVALID, "err.qcm.item", "no question {{.Item}} in this attempt", map[string]any{"Item": i + 1})
	}
	it := &a.Items[i]
	shown := map[int]bool{}
	for _, c := range it.Order {
		shown[c] = true
	}
	seen := map[int]bool{}
	for _, c := range chosen {
		if !shown[c] || seen[c] {
			return Errorf(EINVALID, "err.qcm.choice", "choice {{.Choice}} is not offered", map[string]any{"Choice": c})
		}
		seen[c] = true
	}
	if it.Question.Kind != QuestionMultiple && len(chosen) > 1 {
		return Errorf(EINVALID, "err.qcm.one_choice", "this question takes one answer", nil)
	}
	return nil
}

// Score counts right answers out of questions.
type Score struct {
	Right, Total int
}

// Percent is the share of right answers, 0..100 (0 when there is no
// question).
func (s Score) Percent() float64 {
	if s.Total == 0 {
		return 0
	}
	return 100 * float64(s.Right) / float64(s.Total)
}

func (s *Score) add(right bool) {
	s.Total++
	if right {
		s.Right++
	}
}

// BlockScore is the score on the questions of one block.
type BlockScore struct {
	Block string
	Score
}

// CompetenceScore is the score on the questions of one competence.
type CompetenceScore struct {
	Competence int
	Block      string
	Score
}

// AttemptResult is the score of an attempt: total, per block and per
// competence (each question counts 1, see Question.Right).
type AttemptResult struct {
	AttemptID       int64
	QuestionnaireID int64
	CandidateID     int64
	Kind            QuestionnaireKind
	Title           string
	Started, Ended  time.Time
	Total           Score
	// Blocks and Competences are sorted by block and by number; only
	// those with questions appear.
	Blocks      []BlockScore
	Competences []CompetenceScore
	// Right says per item whether its answer was right.
	Right []bool
}

// Block returns the score on block code (zero if it had no question); ""
// gives the total.
func (r *AttemptResult) Block(code string) Score {
	if code == "" {
		return r.Total
	}
	for _, b := range r.Blocks {
		if strings.EqualFold(b.Block, code) {
			return b.Score
		}
	}
	return Score{}
}

// Competence returns the score on competence n (zero if it had no
// question).
func (r *AttemptResult) Competence(n int) Score {
	for _, c := range r.Competences {
		if c.Competence == n {
			return c.Score
		}
	}
	return Score{}
}

// Result scores the attempt (finished or not: unanswered questions score 0).
func (a *Attempt) Result() AttemptResult {
	r := AttemptResult{AttemptID: a.ID, QuestionnaireID: a.QuestionnaireID, CandidateID: a.CandidateID,
		Kind: a.Kind, Title: a.Title, Started: a.Started, Ended: a.Ended, Right: make([]bool, len(a.Items))}
	blocks := map[string]*Score{}
	comps := map[int]*CompetenceScore{}
	for i := range a.Items {
		q := &a.Items[i].Question
		right := q.Right(a.Answers[i])
		r.Right[i] = right
		r.Total.add(right)
		if blocks[q.Block] == nil {
			blocks[q.Block] = &Score{}
		}
		blocks[q.Block].add(right)
		if comps[q.Competence] == nil {
			comps[q.Competence] = &CompetenceScore{Competence: q.Competence, Block: q.Block}
		}
		comps[q.Competence].add(right)
	}
	for b, s := range blocks {
		r.Blocks = append(r.Blocks, BlockScore{Block: b, Score: *s})
	}
	sort.Slice(r.Blocks, func(i, j int) bool { return r.Blocks[i].Block < r.Blocks[j].Block })
	for _, c := range comps {
		r.Competences = append(r.Competences, *c)
	}
	sort.Slice(r.Competences, func(i, j int) bool { return r.Competences[i].Competence < r.Competences[j].Competence })
	return r
}

// Progress puts side by side a candidate's entry (positioning) and exit
// (final) results; either may be nil.
type Progress struct {
	CandidateID int64
	Entry, Exit *AttemptResult
}

// Delta returns exit minus entry, in percentage points, for block code (""
// for the total); ok is false unless both exist.
func (p *Progress) Delta(code string) (delta float64, ok bool) {
	if p.Entry == nil || p.Exit == nil {
		return 0, false
	}
	e, x := p.Entry.Block(code), p.Exit.Block(code)
	return x.Percent() - e.Percent(), true
}

// CompareEntryExit pairs, per candidate, the latest finished positioning
// attempt with the latest finished final attempt; mock exams and unfinished
// attempts are ignored. Sorted by candidate ID.
func CompareEntryExit(results []AttemptResult) []Progress {
	by := map[int64]*Progress{}
	later := func(cur *AttemptResult, r *AttemptResult) bool {
		return cur == nil || r.Ended.After(cur.Ended) || (r.Ended.Equal(cur.Ended) && r.AttemptID > cur.AttemptID)
	}
	for i := range results {
		r := &results[i]
		if r.Ended.IsZero() || (r.Kind != QuestionnairePositioning && r.Kind != QuestionnaireFinal) {
			continue
		}
		p := by[r.CandidateID]
		if p == nil {
			p = &Progress{CandidateID: r.CandidateID}
			by[r.CandidateID] = p
		}
		if r.Kind == QuestionnairePositioning && later(p.Entry, r) {
			p.Entry = r
		}
		if r.Kind == QuestionnaireFinal && later(p.Exit, r) {
			p.Exit = r
		}
	}
	out := make([]Progress, 0, len(by))
	for _, p := range by {
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].CandidateID < out[j].CandidateID })
	return out
}

// Bucket is one bar of a distribution: the number of results whose percent
// is in [From, To), the last bucket including 100.
type Bucket struct {
	From, To int
	Count    int
}

// Distribution is the histogram of the results' percents on block code (""
// for the total) in n buckets of equal width over 0..100 (n < 1 gives 10).
// Results without a question of that block are left out.
func Distribution(results []AttemptResult, code string, n int) []Bucket {
	if n < 1 {
		n = 10
	}
	out := make([]Bucket, n)
	for i := range out {
		out[i] = Bucket{From: 100 * i / n, To: 100 * (i + 1) / n}
	}
	for i := range results {
		s := results[i].Block(code)
		if s.Total == 0 {
			continue
		}
		k := s.Right * n / s.Total // integer: exact at the bucket edges
		if k >= n {
			k = n - 1
		}
		out[k].Count++
	}
	return out
}

// QuestionRow is one question of an import file, with where it is.
type QuestionRow struct {
	// Line is the GIFT line or the spreadsheet row where the question
	// starts.
	Line     int
	Question Question
}

// QuestionFilter selects questions of the bank; zero fields match all.
type QuestionFilter struct {
	Block      string
	Competence int
	Kind       QuestionKind
	// Text matches questions whose text, code or category contains it,
	// without case.
	Text string
}

// AttemptFilter selects attempts; zero fields match all.
type AttemptFilter struct {
	QuestionnaireID int64
	CandidateID     int64
	Kind            QuestionnaireKind
	// Finished keeps only the ended attempts.
	Finished bool
}

// AttemptSummary is a line of a list of attempts.
type AttemptSummary struct {
	ID              int64
	QuestionnaireID int64
	CandidateID     int64
	CandidateName   string
	Kind            QuestionnaireKind
	Title           string
	Started, Ended  time.Time
	Answered, Total int
}

// AttemptRequest asks to start (or resume) an attempt.
type AttemptRequest struct {
	QuestionnaireID int64
	CandidateID     int64
	At              time.Time
	// Seed is the draw's seed; 0 picks a random one.
	Seed int64
}

// QCMService stores the bank, the questionnaires and the attempts.
//
// Permissions: reading the bank and the questionnaires needs
// PermReadSessions; changing them (questions, imports, questionnaires)
// PermManageSessions (administrators). A candidate has no account: the QCM
// runs on a jury member's computer, opened by that jury member, so starting,
// answering, pausing and finishing an attempt need PermRunSessions; reading
// attempts and results PermReadSessions. Every method returns EFORBIDDEN
// when the role does not allow it.
//
// Every write is on disk (committed, with its audit entry) before the
// method returns.
type QCMService interface {
	// Questions returns the questions matching f, by ID.
	Questions(ctx context.Context, a Actor, f QuestionFilter) ([]Question, error)
	// Question returns one question. ENOTFOUND.
	Question(ctx context.Context, a Actor, id int64) (*Question, error)
	// SaveQuestion checks q (Validate, CheckReferentiel) and adds it (ID 0)
	// or replaces question q.ID. EINVALID, ENOTFOUND, ECONFLICT (code used
	// by another question).
	SaveQuestion(ctx context.Context, a Actor, q *Question) error
	// DeleteQuestion removes a question from the bank; attempts keep their
	// copy. ENOTFOUND.
	DeleteQuestion(ctx context.Context, a Actor, id int64) error
	// ImportQuestions stores every question in one transaction, or none:
	// a question whose Code is already in the bank replaces it, the others
	// are added. The questions must have passed Validate and
	// CheckReferentiel (see ImportQuestions, the function). EINVALID.
	ImportQuestions(ctx context.Context, a Actor, qs []Question) (added, replaced int, err error)

	// Questionnaires returns every questionnaire, latest first.
	Questionnaires(ctx context.Context, a Actor) ([]Questionnaire, error)
	// Questionnaire returns one. ENOTFOUND.
	Questionnaire(ctx context.Context, a Actor, id int64) (*Questionnaire, error)
	// SaveQuestionnaire checks q (Validate, CheckReferentiel) and adds it
	// (ID 0) or replaces it. EINVALID, ENOTFOUND, ELOCKED when changing one
	// that has attempts (create a new one instead).
	SaveQuestionnaire(ctx context.Context, a Actor, q *Questionnaire) error
	// DeleteQuestionnaire removes one without attempts. ENOTFOUND, ELOCKED.
	DeleteQuestionnaire(ctx context.Context, a Actor, id int64) error

	// StartAttempt returns the candidate's unfinished attempt of that
	// questionnaire if there is one (resumed: after a crash a running clock
	// is paused from its LastSeen to r.At; a clock paused for a break stays
	// paused until Resume), or draws a new one, applying the
	// candidate's stored accommodation profile (time allowance, breaks,
	// reduced choices), and starts its clock at r.At. ENOTFOUND (candidate,
	// questionnaire), EINVALID (Draw: the bank lacks questions).
	StartAttempt(ctx context.Context, a Actor, r AttemptRequest) (*Attempt, error)
	// Attempt returns one attempt. ENOTFOUND.
	Attempt(ctx context.Context, a Actor, id int64) (*Attempt, error)
	// Attempts lists the attempts matching f, latest first.
	Attempts(ctx context.Context, a Actor, f AttemptFilter) ([]AttemptSummary, error)
	// Answer records the choices of item (indices into its question's
	// Choices; empty clears the answer) and makes item the current page.
	// EINVALID (CheckAnswer), ELOCKED once the attempt has ended or when
	// its time is up at at (err.qcm.time_up: call Finish).
	Answer(ctx context.Context, a Actor, attemptID int64, item int, chosen []int, at time.Time) error
	// SetCurrent records the page shown (0..len(Items), the last being the
	// review page). EINVALID, ELOCKED once ended.
	SetCurrent(ctx context.Context, a Actor, attemptID int64, page int, at time.Time) error
	// Pause stops the clock (a break); Resume starts it again. EINVALID
	// (not running / not paused), ELOCKED once ended.
	Pause(ctx context.Context, a Actor, attemptID int64, at time.Time) error
	Resume(ctx context.Context, a Actor, attemptID int64, at time.Time) error
	// Finish ends the attempt for reason (AttemptDone, AttemptTimeUp,
	// AttemptStopped) and returns its result. Finishing an ended attempt
	// returns its result unchanged.
	Finish(ctx context.Context, a Actor, attemptID int64, reason string, at time.Time) (*AttemptResult, error)
	// Results returns the results of the attempts matching f.
	Results(ctx context.Context, a Actor, f AttemptFilter) ([]AttemptResult, error)
}

// ImportQuestions checks questions decoded from a file and, if nothing is
// wrong, stores them all with svc.ImportQuestions. Any problem (a decoding
// problem passed in, an invalid field, a code twice in the file) imports
// nothing; the report lists every problem, sorted by line. columns maps a
// field to the file's column label (xlsx), nil for GIFT.
func ImportQuestions(ctx context.Context, a Actor, svc QCMService, ref *Referentiel, rows []QuestionRow, columns map[string]string, decodeProblems []ImportProblem) (*ImportReport, error) {
	if err := a.Require(PermManageSessions); err != nil {
		return nil, err
	}
	rep := &ImportReport{Rows: len(rows) + countLines(decodeProblems), Problems: append([]ImportProblem(nil), decodeProblems...)}
	col := func(field string) string {
		if columns == nil {
			return field
		}
		if c, ok := columns[field]; ok {
			return c
		}
		if i := strings.IndexByte(field, '['); i > 0 {
			if c, ok := columns[field[:i]]; ok {
				return c
			}
		}
		return field
	}
	codes := map[string]int{}
	for i := range rows {
		r := &rows[i]
		q := &r.Question
		for _, errs := range [][]FieldError{FieldErrors(q.Validate()), FieldErrors(q.CheckReferentiel(ref))} {
			for _, fe := range errs {
				rep.Problems = append(rep.Problems, ImportProblem{Line: r.Line, Column: col(fe.Field), Key: fe.Key, Message: fe.Message, Data: fe.Data})
			}
		}
		if q.Code != "" {
			k := strings.ToLower(q.Code)
			if first, dup := codes[k]; dup {
				p := ImportProblem{Line: r.Line, Column: col(FieldQuestionCode), Key: "err.qcm.code_twice", Data: map[string]any{"Code": q.Code, "First": first}}
				p.Message = render("code {{.Code}} already used on line {{.First}}", p.Data)
				rep.Problems = append(rep.Problems, p)
			} else {
				codes[k] = r.Line
			}
		}
	}
	if len(rows) == 0 && len(rep.Problems) == 0 {
		rep.Problems = append(rep.Problems, ImportProblem{Key: "err.qcm.empty_file", Message: "the file has no question"})
	}
	if len(rep.Problems) > 0 {
		sort.SliceStable(rep.Problems, func(i, j int) bool { return rep.Problems[i].Line < rep.Problems[j].Line })
		return rep, nil
	}
	qs := make([]Question, len(rows))
	for i := range rows {
		qs[i] = rows[i].Question
	}
	if _, _, err := svc.ImportQuestions(ctx, a, qs); err != nil {
		if c := ErrorCode(err); c == ECONFLICT || c == EINVALID {
			rep.Problems = append(rep.Problems, ImportProblem{Key: "import.conflict", Message: err.Error(), Data: map[string]any{"Detail": err.Error()}})
			return rep, nil
		}
		return nil, fmt.Errorf("import questions: %w", err)
	}
	rep.Imported = len(rows)
	return rep, nil
}

// countLines counts the distinct lines of problems about a question (line >
// 0): rejected questions count as rows of the file.
func countLines(ps []ImportProblem) int {
	seen := map[int]bool{}
	for _, p := range ps {
		if p.Line > 0 {
			seen[p.Line] = true
		}
	}
	return len(seen)
}
