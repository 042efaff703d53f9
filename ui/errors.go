package ui

import (
	"context"
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/amisjury/amis/exam"
)

// ErrorMessage returns one translated sentence for err, the only text of an
// error a user sees. An *exam.Error is shown with its translation key and
// data, and an EINVALID one lists its faulty fields; any other error is an
// internal error whose technical text only comes as a short detail after a
// translated sentence.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *exam.Error
	switch {
	case errors.As(err, &e) && e.Key == "":
		// No translation of its own: the sentence of its code.
		return lang.X("err."+e.Code, lang.L("err.internal", map[string]any{"Detail": shortDetail(e.Message)}),
			map[string]any{"Detail": shortDetail(e.Message)})
	case errors.As(err, &e):
		msg := sentence(lang.X(e.Key, e.Message, e.Data))
		if len(e.Fields) == 0 {
			return msg
		}
		return lang.L("err.with_fields", map[string]any{
			"Message": strings.TrimRight(msg, ". "),
			"Fields":  fieldList(e.Fields),
		})
	case errors.Is(err, context.Canceled):
		return lang.L("err.canceled")
	case errors.Is(err, context.DeadlineExceeded):
		return lang.L("err.timeout")
	case isBusy(err):
		return lang.L("err.busy")
	}
	return lang.L("err.internal", map[string]any{"Detail": shortDetail(err.Error())})
}

// FieldMessage is the translated message of one field error, without the
// field's name ("obligatoire").
func FieldMessage(fe exam.FieldError) string {
	return lang.X(fe.Key, fe.Message, fe.Data)
}

// fieldList is "Nom de naissance (obligatoire) ; Date de naissance (…)".
func fieldList(fields []exam.FieldError) string {
	parts := make([]string, 0, len(fields))
	for _, f := range fields {
		parts = append(parts, lang.L("err.field", map[string]any{
			"Field":   fieldLabel(f.Field),
			"Message": FieldMessage(f),
		}))
	}
	return strings.Join(parts, lang.L("list.separator"))
}

// ProblemMessage returns an import problem as one translated sentence that
// points at the row and column of the file: "Ligne 5, colonne C (Date de
// naissance) : « 31/02/1990 » n'existe pas dans le calendrier".
func ProblemMessage(p exam.ImportProblem) string {
	msg := lang.X(p.Key, p.Message, p.Data)
	column := p.Column
	if column != "" {
		column = fieldLabel(column) // a field id when the importer had no column for it
	}
	data := map[string]any{"Line": p.Line, "Column": column, "Message": msg}
	switch {
	case p.Line > 0 && column != "":
		return lang.L("import.problem.line_column", data)
	case p.Line > 0:
		return lang.L("import.problem.line", data)
	case column != "":
		return lang.L("import.problem.column", data)
	}
	return sentence(msg)
}

// sentence upper-cases the first letter of s.
func sentence(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError || unicode.IsUpper(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// isBusy reports whether err is SQLite saying another program holds the
// database (the driver's text is the only trace of it here).
func isBusy(err error) bool {
	s := strings.ToLower(err.Error())
	return strings.Contains(s, "database is locked") || strings.Contains(s, "sqlite_busy")
}

// shortDetail keeps the first line of a technical message, at most 160
// characters, for a bug report.
func shortDetail(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if utf8.RuneCountInString(s) > 160 {
		s = string([]rune(s)[:159]) + "…"
	}
	return s
}

// keyText is the translated text of an *exam.Error without its field list,
// as it reads inside a sentence ("« 25:00 » n'est pas une heure…").
func keyText(err error) string {
	var e *exam.Error
	if errors.As(err, &e) && e.Key != "" {
		return lang.X(e.Key, e.Message, e.Data)
	}
	return ErrorMessage(err)
}

// errorPlacement gathers the messages of a refused form: those shown under
// a label (a field, or a row of a list), in the order the labels first come,
// and those with no place of their own, for the status line.
type errorPlacement struct {
	msgs  map[*widget.Label][]string
	order []*widget.Label
	other []string
}

// put adds msg under l.
func (p *errorPlacement) put(l *widget.Label, msg string) {
	if p.msgs == nil {
		p.msgs = map[*widget.Label][]string{}
	}
	if _, ok := p.msgs[l]; !ok {
		p.order = append(p.order, l)
	}
	p.msgs[l] = append(p.msgs[l], msg)
}

// elsewhere adds msg, which has no label of its own, to the status line.
func (p *errorPlacement) elsewhere(msg string) { p.other = append(p.other, msg) }

// show writes the messages under their labels and returns the status line:
// how many errors, then those with no place of their own.
func (p *errorPlacement) show() string {
	for _, l := range p.order {
		setLabel(l, strings.Join(p.msgs[l], lang.L("list.separator")), widget.DangerImportance)
	}
	status := plural(len(p.order)+len(p.other), "candidate.errors.one", "candidate.errors.other", nil)
	if len(p.other) > 0 {
		status += " " + strings.Join(p.other, lang.L("list.separator"))
	}
	return status
}
