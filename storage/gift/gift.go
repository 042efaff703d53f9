// Package gift reads question banks in Moodle's GIFT format: the subset of
// multiple-choice (one or several right answers) and true/false questions,
// with comments, categories, titles, feedback and escapes. See docs/qcm.md.
//
// A question is attached to a block and a competence of the référentiel by
// the category it sits in: the last "$CATEGORY:" line above it names the
// competence as a path segment "C4" (or "Compétence 4") and, optionally,
// the block as "CCP1" (or the RNCP block code):
//
//	$CATEGORY: AMIS/CCP1/C4 Informer et orienter
//
// Parse never stops at a bad question: it returns the good ones and a
// problem (line, reason) for every question it rejects. The importer refuses
// the whole file when there is any problem.
package gift

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/amisjury/amis/exam"
)

// MaxFileSize is the largest GIFT file read.
const MaxFileSize = 10 << 20

// Result is what Parse read: the accepted questions, each with the line
// where it starts, and a problem for every rejected question or line.
type Result struct {
	Questions []exam.QuestionRow
	Problems  []exam.ImportProblem
	// Blocks counts the question blocks met (accepted or not): the rows of
	// the import report.
	Blocks int
}

// Parse reads a GIFT file. name is the file's name, recorded in each
// question's Source ("gift:name:line"). With ref, each accepted question
// also passed Question.CheckReferentiel (its block is derived from its
// competence when the category names none); every accepted question passed
// Question.Validate. The error is for a file that cannot be read at all
// (I/O, too large, binary); question-level problems are in the result.
func Parse(r io.Reader, name string, ref *exam.Referentiel) (*Result, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read GIFT file: %w", err)
	}
	if len(data) > MaxFileSize {
		return nil, exam.Errorf(exam.EREFUSED, "err.gift.too_large", "the file is larger than {{.Max}} MB", map[string]any{"Max": MaxFileSize >> 20})
	}
	text, err := decode(data)
	if err != nil {
		return nil, err
	}
	p := &parser{name: name, ref: ref, res: &Result{}}
	p.run(text)
	return p.res, nil
}

// decode returns the file as UTF-8 text without BOM and with \n line ends:
// UTF-8, or else Windows-1252 (Notepad on a French Windows). A file with NUL
// bytes is refused as binary.
func decode(b []byte) (string, error) {
	b = bytes.TrimPrefix(b, []byte{0xEF, 0xBB, 0xBF})
	if bytes.IndexByte(b, 0) >= 0 {
		return "", exam.Errorf(exam.EREFUSED, "err.gift.binary", "this is not a GIFT text file", nil)
	}
	s := string(b)
	if !utf8.Valid(b) {
		out, err := charmap.Windows1252.NewDecoder().Bytes(b)
		if err != nil {
			return "", fmt.Errorf("decode Windows-1252: %w", err)
		}
		s = string(out)
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n"), nil
}

type parser struct {
	name     string
	ref      *exam.Referentiel
	res      *Result
	category string
}

// line is one line of the file with its number.
type line struct {
	n    int
	text string
}

// run splits the text into blocks separated by blank lines, comment lines
// left out, and parses each.
func (p *parser) run(text string) {
	var block []line
	flush := func() {
		if len(block) > 0 {
			p.block(block)
			block = nil
		}
	}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 0, 64<<10), MaxFileSize+1)
	n := 0
	for sc.Scan() {
		n++
		t := sc.Text()
		trimmed := strings.TrimSpace(t)
		switch {
		case trimmed == "":
			flush()
		case strings.HasPrefix(trimmed, "//"):
			// a comment: ignored, does not end the block
		default:
			block = append(block, line{n, t})
		}
	}
	flush()
}

// problem records a rejection at line n.
func (p *parser) problem(n int, key, message string, data map[string]any) {
	e := exam.Errorf(exam.EINVALID, key, message, data)
	p.res.Problems = append(p.res.Problems, exam.ImportProblem{Line: n, Key: e.Key, Message: e.Message, Data: e.Data})
}

// block handles one block of lines: a category line, a question, or both.
func (p *parser) block(ls []line) {
	for len(ls) > 0 {
		t := strings.TrimSpace(ls[0].text)
		if !hasPrefixFold(t, "$CATEGORY:") {
			break
		}
		p.category = strings.TrimSpace(t[len("$CATEGORY:"):])
		ls = ls[1:]
	}
	if len(ls) == 0 {
		return
	}
	p.res.Blocks++
	texts := make([]string, len(ls))
	for i, l := range ls {
		texts[i] = l.text
	}
	src := strings.Join(texts, "\n")
	q, err := p.question(src)
	if err != nil {
		p.problem(ls[0].n, err.Key, err.Message, err.Data)
		return
	}
	q.Category = p.category
	q.Source = fmt.Sprintf("gift:%s:%d", p.name, ls[0].n)
	if err := p.attach(&q); err != nil {
		p.problem(ls[0].n, err.Key, err.Message, err.Data)
		return
	}
	bad := false
	for _, e := range []error{q.Validate(), p.checkRef(&q)} {
		for _, fe := range exam.FieldErrors(e) {
			bad = true
			data := map[string]any{"Field": fe.Field, "Reason": fe.Message}
			for k, v := range fe.Data {
				data[k] = v
			}
			p.problem(ls[0].n, fe.Key, fe.Field+": "+fe.Message, data)
		}
	}
	if !bad {
		p.res.Questions = append(p.res.Questions, exam.QuestionRow{Line: ls[0].n, Question: q})
	}
}

func (p *parser) checkRef(q *exam.Question) error {
	if p.ref == nil || q.Block == "" {
		return nil
	}
	return q.CheckReferentiel(p.ref)
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

var (
	blockSegment      = regexp.MustCompile(`(?i)^(?:CCP|bloc|BC)\s*0*([1-9][0-9]?)(?:[^0-9]|$)`)
	rncpBlockSegment  = regexp.MustCompile(`(?i)^RNCP[0-9]+BC0*([1-9][0-9]?)(?:[^0-9]|$)`)
	competenceSegment = regexp.MustCompile(`(?i)^(?:C|comp[ée]tence)\s*0*([1-9][0-9]?)(?:[^0-9]|$)`)
)

// Category maps a category path to a block short code ("CCP1", "" when
// the path names none) and a competence number (0 when none): the last
// segment naming each wins. Exported for the documentation's examples and
// the xlsx importer.
func Category(path string) (block string, competence int) {
	for _, seg := range strings.Split(path, "/") {
		seg = strings.TrimSpace(seg)
		if m := blockSegment.FindStringSubmatch(seg); m != nil {
			block = "CCP" + m[1]
		} else if m := rncpBlockSegment.FindStringSubmatch(seg); m != nil {
			block = "CCP" + m[1]
		} else if m := competenceSegment.FindStringSubmatch(seg); m != nil {
			competence, _ = strconv.Atoi(m[1])
		}
	}
	return block, competence
}

// attach sets the question's block and competence from the category.
func (p *parser) attach(q *exam.Question) *exam.Error {
	block, comp := Category(p.category)
	if comp == 0 {
		return exam.Errorf(exam.EINVALID, "err.gift.no_competence",
			"no competence: put the question under a category naming it, e.g. “$CATEGORY: AMIS/CCP1/C4” (current category: “{{.Category}}”)",
			map[string]any{"Category": p.category})
	}
	if block == "" && p.ref != nil {
		if b := p.ref.CompetenceBlock(comp); b != nil {
			block = b.Short
		}
	}
	if block == "" {
		return exam.Errorf(exam.EINVALID, "err.gift.no_block", "no block: the category names competence {{.Competence}} but no CCP", map[string]any{"Competence": comp})
	}
	q.Block, q.Competence = block, comp
	return nil
}

// errorf builds a question-level problem.
func errorf(key, message string, data map[string]any) *exam.Error {
	return exam.Errorf(exam.EINVALID, key, message, data)
}

// question parses one question's text.
func (p *parser) question(src string) (exam.Question, *exam.Error) {
	var q exam.Question
	s := strings.TrimSpace(src)
	if strings.HasPrefix(s, "::") {
		end := indexUnescaped(s[2:], "::")
		if end < 0 {
			return q, errorf("err.gift.title", "the title “::…” is not closed by “::”", nil)
		}
		q.Code = strings.TrimSpace(unescape(s[2 : 2+end]))
		s = strings.TrimSpace(s[2+end+2:])
	}
	open := indexUnescaped(s, "{")
	if open < 0 {
		return q, errorf("err.gift.no_answers", "no answers: a question needs its choices between { and }", nil)
	}
	closing := indexUnescaped(s[open+1:], "}")
	if closing < 0 {
		return q, errorf("err.gift.unclosed", "the answers' “{” is not closed by “}”", nil)
	}
	closing += open + 1
	before, body, after := s[:open], s[open+1:closing], s[closing+1:]
	if indexUnescaped(body, "{") >= 0 || indexUnescaped(after, "{") >= 0 || indexUnescaped(after, "}") >= 0 || indexUnescaped(before, "}") >= 0 {
		return q, errorf("err.gift.braces", "one answer block { } per question; write \\{ and \\} for braces in the text", nil)
	}
	before = stripFormat(strings.TrimSpace(before))
	text := unescape(before)
	if a := strings.TrimSpace(unescape(after)); a != "" {
		text = strings.TrimSpace(text + " _____ " + a)
	}
	q.Text = text
	if err := parseAnswers(&q, body); err != nil {
		return q, err
	}
	return q, nil
}

// stripFormat removes a leading [html], [moodle], [plain] or [markdown]
// format marker; an HTML text keeps its tags as text.
func stripFormat(s string) string {
	for _, f := range []string{"[html]", "[moodle]", "[plain]", "[markdown]"} {
		if hasPrefixFold(s, f) {
			return strings.TrimSpace(s[len(f):])
		}
	}
	return s
}

var weightRE = regexp.MustCompile(`^%(-?[0-9]+(?:[.,][0-9]*)?)%`)

// answer is one parsed answer of the block.
type answer struct {
	right    bool // marked with =
	weighted bool
	weight   float64
	text     string
	feedback string
}

// parseAnswers reads the answer block into q's kind, choices and feedback.
func parseAnswers(q *exam.Question, body string) *exam.Error {
	general := ""
	if i := indexUnescaped(body, "####"); i >= 0 {
		general = strings.TrimSpace(unescape(body[i+4:]))
		body = body[:i]
	}
	q.Feedback = general
	trimmed := strings.TrimSpace(body)
	if trimmed == "" {
		return errorf("err.gift.essay", "an empty answer block is an essay question: not supported", nil)
	}
	if trimmed[0] == '#' {
		return errorf("err.gift.numeric", "numerical questions are not supported", nil)
	}
	// True/false: T, F, TRUE or FALSE, then up to two feedbacks (shown for
	// a wrong answer, then for a right one).
	head := trimmed
	var fbs []string
	if i := indexUnescaped(trimmed, "#"); i >= 0 {
		head = strings.TrimSpace(trimmed[:i])
		fbs = splitUnescaped(trimmed[i+1:], '#')
	}
	switch strings.ToUpper(head) {
	case "T", "TRUE", "F", "FALSE":
		truth := head[0] == 'T' || head[0] == 't'
		if len(fbs) > 2 {
			return errorf("err.gift.tf_feedback", "a true/false question has at most two feedbacks", nil)
		}
		*q = func() exam.Question {
			n := exam.NewTrueFalse(q.Text, truth)
			n.Code, n.Feedback = q.Code, q.Feedback
			return n
		}()
		rightIdx, wrongIdx := 0, 1
		if !truth {
			rightIdx, wrongIdx = 1, 0
		}
		if len(fbs) > 0 {
			q.Choices[wrongIdx].Feedback = strings.TrimSpace(unescape(fbs[0]))
		}
		if len(fbs) > 1 {
			q.Choices[rightIdx].Feedback = strings.TrimSpace(unescape(fbs[1]))
		}
		return nil
	}
	answers, err := splitAnswers(body)
	if err != nil {
		return err
	}
	eq, tilde, positive := 0, 0, 0.0
	for _, a := range answers {
		if a.right {
			eq++
			if a.weighted && a.weight != 100 {
				return errorf("err.gift.eq_weight", "“=” marks the right answer; give weights with “~%50%”", nil)
			}
		} else {
			tilde++
			if a.weight > 0 {
				positive += a.weight
			}
		}
		if strings.Contains(a.text, "->") && a.right {
			return errorf("err.gift.matching", "matching questions are not supported", nil)
		}
	}
	switch {
	case tilde == 0:
		return errorf("err.gift.short_answer", "short-answer questions are not supported: mark the wrong choices with “~”", nil)
	case eq > 1:
		return errorf("err.gift.several_eq", "{{.Count}} answers marked “=”: for several right answers, give each a weight “~%50%” (the weights adding up to 100 %)", map[string]any{"Count": eq})
	case eq == 1:
		if positive > 0 {
			return errorf("err.gift.partial", "partial credit (~%x%) is not supported in a single-answer question: use only “=” and “~”", nil)
		}
		q.Kind = exam.QuestionSingle
	default:
		if positive < 99 || positive > 101 {
			return errorf("err.gift.weights", "the positive weights of a multiple-answer question add up to {{.Sum}} %, not 100 %", map[string]any{"Sum": strconv.FormatFloat(positive, 'f', -1, 64)})
		}
		q.Kind = exam.QuestionMultiple
	}
	q.Choices = make([]exam.Choice, len(answers))
	for i, a := range answers {
		q.Choices[i] = exam.Choice{Text: a.text, Correct: a.right || a.weight > 0, Feedback: a.feedback}
	}
	return nil
}

// splitAnswers splits the block into answers, each starting with an
// unescaped = or ~.
func splitAnswers(body string) ([]answer, *exam.Error) {
	var starts []int
	for i := 0; i < len(body); i++ {
		switch body[i] {
		case '\\':
			i++
		case '=', '~':
			starts = append(starts, i)
		}
	}
	if len(starts) == 0 {
		return nil, errorf("err.gift.no_marker", "no answer starts with “=” (right) or “~” (wrong)", nil)
	}
	if strings.TrimSpace(body[:starts[0]]) != "" {
		return nil, errorf("err.gift.stray", "text before the first answer: “{{.Text}}”", map[string]any{"Text": clip(strings.TrimSpace(body[:starts[0]]))})
	}
	var out []answer
	for k, st := range starts {
		end := len(body)
		if k+1 < len(starts) {
			end = starts[k+1]
		}
		a := answer{right: body[st] == '='}
		s := body[st+1 : end]
		if m := weightRE.FindStringSubmatch(s); m != nil {
			w, err := strconv.ParseFloat(strings.Replace(m[1], ",", ".", 1), 64)
			if err != nil || w < -100 || w > 100 {
				return nil, errorf("err.gift.weight", "weight “{{.Weight}}” is not between -100 and 100", map[string]any{"Weight": m[0]})
			}
			a.weighted, a.weight = true, w
			s = s[len(m[0]):]
		} else if strings.HasPrefix(s, "%") {
			return nil, errorf("err.gift.weight", "weight “{{.Weight}}” is not between -100 and 100", map[string]any{"Weight": clip(s)})
		}
		parts := splitUnescaped(s, '#')
		if len(parts) > 2 {
			return nil, errorf("err.gift.hash", "one “#” per answer (its feedback); write \\# for the character", nil)
		}
		a.text = strings.TrimSpace(unescape(parts[0]))
		if len(parts) == 2 {
			a.feedback = strings.TrimSpace(unescape(parts[1]))
		}
		out = append(out, a)
	}
	return out, nil
}

// clip shortens s for a message.
func clip(s string) string {
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	r := []rune(s)
	return string(r[:40]) + "…"
}

// indexUnescaped returns the index of the first sep in s not preceded by
// an escaping backslash, or -1.
func indexUnescaped(s, sep string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' {
			i++
			continue
		}
		if strings.HasPrefix(s[i:], sep) {
			return i
		}
	}
	return -1
}

// splitUnescaped splits s at every unescaped sep.
func splitUnescaped(s string, sep byte) []string {
	var out []string
	last := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case sep:
			out = append(out, s[last:i])
			last = i + 1
		}
	}
	return append(out, s[last:])
}

// unescape resolves \~ \= \# \{ \} \: \\ and \n (a new line); another
// backslash is kept as it is.
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			switch n := s[i+1]; n {
			case '~', '=', '#', '{', '}', ':', '\\':
				b.WriteByte(n)
				i++
				continue
			case 'n':
				b.WriteByte('\n')
				i++
				continue
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

// Escape returns s with GIFT's special characters escaped, for writing a
// GIFT file.
func Escape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '~', '=', '#', '{', '}', ':', '\\':
			b.WriteByte('\\')
		case '\n':
			b.WriteString(`\n`)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
