package xlsx

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage/gift"
)

// The question bank workbook (see docs/qcm.md): a sheet "Questions", one
// question per row under a header row, and a sheet "Mode d'emploi". The
// template assets/modele-banque-qcm.xlsx is WriteQuestions with no question.

// Sheet names of the question bank workbook.
const (
	QuestionSheet             = "Questions"
	QuestionInstructionsSheet = "Mode d'emploi"
)

// maxBankFile is the largest bank workbook read (images included).
const maxBankFile = 50 << 20

// choiceLetters name the choices in the workbook: A, B, … J.
const choiceLetters = "ABCDEFGHIJ"

// qcmColumn is one column of the bank workbook.
type qcmColumn struct {
	Field    string // exam.FieldQuestion*, "choices[i].text", "choices[i].feedback", "right"
	Header   string
	Aliases  []string
	Required bool
	Width    float64
	Format   string // French, for the instructions
	Example  string
	Help     string
	choice   int // 1 for choice A's columns… 0 for the others
}

// fieldRight is the column of the right answers (letters, or Vrai/Faux).
const fieldRight = "right"

func choiceTextField(i int) string { return fmt.Sprintf("%s[%d].text", exam.FieldQuestionChoices, i) }
func choiceFeedbackField(i int) string {
	return fmt.Sprintf("%s[%d].feedback", exam.FieldQuestionChoices, i)
}

// QuestionColumns returns the headers of the bank workbook, in order.
func QuestionColumns() []string {
	cols := qcmColumns()
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Header
	}
	return out
}

func qcmColumns() []qcmColumn {
	cols := []qcmColumn{
		{Field: exam.FieldQuestionCode, Header: "Code", Aliases: []string{"Identifiant", "Réf", "Référence", "Titre"}, Width: 16,
			Format: "texte, unique", Example: "AMIS-C04-01",
			Help: "Facultatif. Une question dont le code existe déjà dans la banque est remplacée par celle du fichier ; sans code, la question est ajoutée."},
		{Field: exam.FieldQuestionBlock, Header: "CCP", Aliases: []string{"Bloc", "Bloc de compétences"}, Required: true, Width: 8,
			Format: "CCP1, CCP2, CCP3 (ou 1, 2, 3, ou le code RNCP du bloc)", Example: "CCP1"},
		{Field: exam.FieldQuestionCompetence, Header: "Compétence", Aliases: []string{"N° compétence", "Competence"}, Required: true, Width: 12,
			Format: "numéro 1 à 12 (ou C4)", Example: "4",
			Help: "Numéro de la compétence dans le référentiel, numérotée sur tout le titre ; elle doit appartenir au CCP de la ligne."},
		{Field: exam.FieldQuestionKind, Header: "Type", Aliases: []string{"Type de question"}, Required: true, Width: 14,
			Format: "unique, multiple ou vrai/faux", Example: "unique",
			Help: "unique : une seule bonne réponse ; multiple : une ou plusieurs bonnes réponses (notation tout ou rien) ; vrai/faux : les choix Vrai et Faux, inutile de les écrire."},
		{Field: exam.FieldQuestionText, Header: "Question", Aliases: []string{"Énoncé", "Texte"}, Required: true, Width: 60,
			Format: "texte", Example: "Une personne âgée demande où déposer un dossier. Que faites-vous ?"},
		{Field: fieldRight, Header: "Bonnes réponses", Aliases: []string{"Bonne réponse", "Réponse", "Réponses"}, Required: true, Width: 14,
			Format: "lettres (A ou A, C) ; Vrai ou Faux", Example: "A",
			Help: "Les lettres des bons choix, séparées par des virgules ; pour une question vrai/faux, Vrai ou Faux."},
	}
	for i := range exam.MaxQuestionChoice {
		l := string(choiceLetters[i])
		req := i < 2
		cols = append(cols,
			qcmColumn{Field: choiceTextField(i), Header: "Choix " + l, Aliases: []string{"Réponse " + l, "Proposition " + l}, Width: 30,
				Format: "texte", Example: map[bool]string{true: "Je l'oriente vers le service compétent", false: ""}[i == 0],
				Help: map[bool]string{true: "Au moins deux choix pour une question unique ou multiple ; laissez vides les choix d'une question vrai/faux.", false: ""}[req], choice: i + 1},
			qcmColumn{Field: choiceFeedbackField(i), Header: "Commentaire " + l, Aliases: []string{"Feedback " + l, "Rétroaction " + l}, Width: 24,
				Format: "texte", Help: map[bool]string{true: "Facultatif : montré après l'épreuve au candidat qui a coché ce choix (vrai/faux : A pour Vrai, B pour Faux).", false: ""}[i == 0], choice: i + 1},
		)
	}
	cols = append(cols,
		qcmColumn{Field: exam.FieldQuestionFeedback, Header: "Commentaire général", Aliases: []string{"Feedback", "Correction", "Explication"}, Width: 40,
			Format: "texte", Example: "Orienter, c'est donner le bon interlocuteur.", Help: "Facultatif : montré après l'épreuve."},
		qcmColumn{Field: exam.FieldQuestionCategory, Header: "Catégorie", Aliases: []string{"Category"}, Width: 24,
			Format: "texte", Example: "AMIS/CCP1/C4", Help: "Facultatif : classement libre, gardé avec la question."},
		qcmColumn{Field: exam.FieldQuestionImage, Header: "Image", Aliases: []string{"Illustration"}, Width: 14,
			Format: "image PNG ou JPEG insérée dans la cellule", Help: "Facultatif : insérez l'image dans la cellule de la ligne (Insertion > Image) ; 2 Mo au plus."},
	)
	return cols
}

// DecodedQuestions is what DecodeQuestions read.
type DecodedQuestions struct {
	Rows     []exam.QuestionRow
	Problems []exam.ImportProblem
	// Columns maps a field to the column label of the file ("E (Question)"),
	// for exam.ImportQuestions.
	Columns map[string]string
	Ignored []string
}

var competenceCell = regexp.MustCompile(`(?i)^\s*(?:c|comp[ée]tence)?\s*0*([1-9][0-9]?)(?:[.,]0+)?\s*$`)

// DecodeQuestions reads a bank workbook: the sheet "Questions" (or else the
// first sheet), its first non-empty row being the headers (compared without
// case, accents or punctuation; unknown headers ignored). Problems point at
// a row and a column; name goes into each question's Source
// ("xlsx:name:row"). The error is for a file that is not a workbook.
func DecodeQuestions(r io.Reader, name string) (*DecodedQuestions, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxBankFile+1))
	if err != nil {
		return nil, fmt.Errorf("read question workbook: %w", err)
	}
	if len(data) > maxBankFile {
		return nil, exam.Errorf(exam.EINVALID, "err.qcm.file_too_large", "the file is larger than {{.Max}} MB", map[string]any{"Max": maxBankFile >> 20})
	}
	if _, err := sniff(data, FormatXLSX); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("open question workbook: %v: %w", err, errNotXLSX())
	}
	defer f.Close()
	sheet := QuestionSheet
	if idx, _ := f.GetSheetIndex(sheet); idx < 0 {
		sheet = f.GetSheetName(0)
	}
	rows, err := f.GetRows(sheet)
	if err != nil {
		return nil, fmt.Errorf("read sheet %s: %w", sheet, err)
	}
	pics := map[string]bool{}
	if cells, err := f.GetPictureCells(sheet); err == nil {
		for _, c := range cells {
			pics[c] = true
		}
	}
	d := &DecodedQuestions{Columns: map[string]string{}}
	cols := qcmColumns()
	idx := map[string]int{}
	for i, c := range cols {
		idx[exam.Fold(c.Header)] = i
	}
	for i, c := range cols {
		for _, a := range c.Aliases {
			if _, taken := idx[exam.Fold(a)]; !taken {
				idx[exam.Fold(a)] = i
			}
		}
	}
	head := -1
	for i, r := range rows {
		if !blank(r) {
			head = i
			break
		}
	}
	if head < 0 {
		d.Problems = append(d.Problems, exam.ImportProblem{Key: "err.qcm.empty_file", Message: "the file has no question"})
		return d, nil
	}
	at := map[string]int{} // field → 0-based column
	for j, h := range rows[head] {
		if strings.TrimSpace(h) == "" {
			continue
		}
		ci, ok := idx[exam.Fold(h)]
		if !ok {
			d.Ignored = append(d.Ignored, columnLabel(j, h))
			continue
		}
		field := cols[ci].Field
		if first, dup := at[field]; dup {
			d.Problems = append(d.Problems, problem(head+1, columnLabel(j, h), exam.Errorf(exam.EINVALID, "import.duplicate_column",
				"column “{{.Column}}” given twice: already in {{.First}}", map[string]any{"First": columnLabel(first, rows[head][first]), "Column": cols[ci].Header})))
			continue
		}
		at[field] = j
		d.Columns[field] = columnLabel(j, h)
	}
	for _, c := range cols {
		if _, ok := at[c.Field]; !ok && c.Required {
			// No column to point at: the message names it.
			d.Problems = append(d.Problems, problem(0, "", exam.Errorf(exam.EINVALID, "import.missing_column",
				"required column “{{.Column}}” is missing", map[string]any{"Column": c.Header})))
		}
	}
	if len(d.Problems) > 0 {
		return d, nil
	}
	for i := head + 1; i < len(rows); i++ {
		line := i + 1
		cells := rows[i]
		if blank(cells) {
			continue
		}
		q, probs := decodeQuestionRow(cells, at, d.Columns, line)
		q.Source = fmt.Sprintf("xlsx:%s:%d", name, line)
		if j, ok := at[exam.FieldQuestionImage]; ok {
			cell := columnLetter(j) + strconv.Itoa(line)
			if pics[cell] {
				ps, err := f.GetPictures(sheet, cell)
				if err == nil && len(ps) > 0 {
					q.Image = ps[0].File
				}
			}
		}
		d.Problems = append(d.Problems, probs...)
		if len(probs) == 0 {
			d.Rows = append(d.Rows, exam.QuestionRow{Line: line, Question: q})
		}
	}
	return d, nil
}

// decodeQuestionRow reads one row; the problems point at its cells.
func decodeQuestionRow(cells []string, at map[string]int, labels map[string]string, line int) (exam.Question, []exam.ImportProblem) {
	var q exam.Question
	var probs []exam.ImportProblem
	get := func(field string) string {
		j, ok := at[field]
		if !ok || j >= len(cells) {
			return ""
		}
		return strings.TrimSpace(cells[j])
	}
	bad := func(field, key, message string, data map[string]any) {
		e := exam.Errorf(exam.EINVALID, key, message, data)
		probs = append(probs, problem(line, labels[field], e))
	}
	q.Code = get(exam.FieldQuestionCode)
	q.Block = get(exam.FieldQuestionBlock)
	if n, err := strconv.Atoi(q.Block); err == nil && n > 0 {
		q.Block = "CCP" + strconv.Itoa(n)
	}
	if c := get(exam.FieldQuestionCompetence); c != "" {
		m := competenceCell.FindStringSubmatch(c)
		if m == nil {
			bad(exam.FieldQuestionCompetence, "err.qcm.competence_cell", "“{{.Value}}” is not a competence number", map[string]any{"Value": c})
		} else {
			q.Competence, _ = strconv.Atoi(m[1])
		}
	}
	kind := get(exam.FieldQuestionKind)
	if kind != "" {
		k, ok := parseKind(kind)
		if !ok {
			bad(exam.FieldQuestionKind, "err.qcm.kind_cell", "“{{.Value}}”: write unique, multiple or vrai/faux", map[string]any{"Value": kind})
		}
		q.Kind = k
	}
	q.Text = get(exam.FieldQuestionText)
	q.Feedback = get(exam.FieldQuestionFeedback)
	q.Category = get(exam.FieldQuestionCategory)
	right := get(fieldRight)
	if q.Kind == exam.QuestionTrueFalse {
		switch exam.Fold(right) {
		case "vrai", "v", "true", "t", "oui":
			q = withTrueFalse(q, true)
		case "faux", "f", "false", "non":
			q = withTrueFalse(q, false)
		default:
			bad(fieldRight, "err.qcm.truefalse_cell", "“{{.Value}}”: write Vrai or Faux", map[string]any{"Value": right})
			q = withTrueFalse(q, true)
		}
		for i := range 2 {
			q.Choices[i].Feedback = get(choiceFeedbackField(i))
		}
		return q, probs
	}
	last := -1
	for i := range exam.MaxQuestionChoice {
		if get(choiceTextField(i)) != "" || get(choiceFeedbackField(i)) != "" {
			last = i
		}
	}
	for i := 0; i <= last; i++ {
		text := get(choiceTextField(i))
		if text == "" {
			bad(choiceTextField(i), "err.qcm.choice_gap", "choice {{.Letter}} is empty but a later choice is filled", map[string]any{"Letter": string(choiceLetters[i])})
		}
		q.Choices = append(q.Choices, exam.Choice{Text: text, Feedback: get(choiceFeedbackField(i))})
	}
	if right == "" {
		bad(fieldRight, "err.required", "required", nil)
		return q, probs
	}
	for _, tok := range strings.FieldsFunc(strings.ToUpper(right), func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '/' || r == '+' }) {
		if tok == "ET" {
			continue
		}
		n := strings.Index(choiceLetters, tok)
		if len(tok) != 1 || n < 0 {
			bad(fieldRight, "err.qcm.right_cell", "“{{.Value}}”: write the letters of the right choices, e.g. A or A, C", map[string]any{"Value": right})
			break
		}
		if n >= len(q.Choices) || q.Choices[n].Text == "" {
			bad(fieldRight, "err.qcm.right_empty", "choice {{.Letter}} is marked right but is empty", map[string]any{"Letter": tok})
			break
		}
		q.Choices[n].Correct = true
	}
	return q, probs
}

func withTrueFalse(q exam.Question, answer bool) exam.Question {
	tf := exam.NewTrueFalse(q.Text, answer)
	q.Choices = tf.Choices
	return q
}

// parseKind reads the Type cell.
func parseKind(s string) (exam.QuestionKind, bool) {
	switch exam.Fold(strings.ReplaceAll(s, "/", " ")) {
	case "unique", "choix unique", "reponse unique", "single", "qcu":
		return exam.QuestionSingle, true
	case "multiple", "multiples", "choix multiple", "choix multiples", "reponses multiples", "qcm":
		return exam.QuestionMultiple, true
	case "vrai faux", "vrai ou faux", "vf", "truefalse", "true false":
		return exam.QuestionTrueFalse, true
	}
	return "", false
}

// questionKindLabel is the Type cell written for a kind.
func questionKindLabel(k exam.QuestionKind) string {
	switch k {
	case exam.QuestionSingle:
		return "unique"
	case exam.QuestionMultiple:
		return "multiple"
	case exam.QuestionTrueFalse:
		return "vrai/faux"
	}
	return string(k)
}

// questionInstructions are the paragraphs of the instructions sheet.
var questionInstructions = []string{
	"Saisissez une question par ligne dans la feuille « " + QuestionSheet + " », à partir de la ligne 2, sous la ligne d'en-têtes.",
	"Les colonnes dont l'en-tête est orange sont obligatoires, ainsi que les choix A et B d'une question unique ou multiple. L'ordre des colonnes est libre ; les en-têtes sont reconnus sans tenir compte des majuscules, des accents ni de la ponctuation, et les colonnes inconnues sont ignorées.",
	"Chaque question est rattachée à un CCP et à une compétence du référentiel (numérotées de 1 à 12 sur tout le titre). Les questions et l'ordre des choix sont mélangés pour chaque candidat.",
	"L'import est tout ou rien : si une ligne pose problème, aucune question n'est importée et la liste des problèmes indique pour chacun la ligne, la colonne et la raison. Une question dont le Code existe déjà dans la banque est remplacée.",
	"La banque peut aussi être importée au format GIFT de Moodle (questions à choix unique, multiple et vrai/faux) : voir la documentation (docs/qcm.md).",
}

// WriteQuestions writes the bank workbook: the sheet "Questions" with the
// header row (bold, frozen, required columns highlighted, a drop-down list
// for Type) and one row per question, its image in the Image cell, then the
// sheet "Mode d'emploi" describing every column. With no question it is the
// template shipped in assets.
func WriteQuestions(w io.Writer, qs []exam.Question) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := writeQuestions(f, qs); err != nil {
		return fmt.Errorf("write question workbook: %w", err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write question workbook: %w", err)
	}
	return nil
}

func writeQuestions(f *excelize.File, qs []exam.Question) error {
	s := QuestionSheet
	if err := f.SetSheetName(f.GetSheetName(0), s); err != nil {
		return err
	}
	if err := f.SetDocProps(&excelize.DocProperties{Creator: "AMIS Jury", Title: "Banque de questions QCM", Language: "fr-FR",
		Created: "2025-01-01T00:00:00Z", Modified: "2025-01-01T00:00:00Z"}); err != nil {
		return err
	}
	headerStyle := func(colour string) (int, error) {
		return f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{colour}},
			Border:    []excelize.Border{{Type: "bottom", Color: "808080", Style: 1}},
			Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}})
	}
	optional, err := headerStyle(colourHeader)
	if err != nil {
		return err
	}
	required, err := headerStyle(colourRequired)
	if err != nil {
		return err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	cols := qcmColumns()
	pos := map[string]int{}
	for i, c := range cols {
		pos[c.Field] = i
		col := columnLetter(i)
		if err := f.SetColWidth(s, col, col, c.Width); err != nil {
			return err
		}
		if err := f.SetCellStr(s, col+"1", c.Header); err != nil {
			return err
		}
		style := optional
		if c.Required || c.Field == choiceTextField(0) || c.Field == choiceTextField(1) {
			style = required
		}
		if err := f.SetCellStyle(s, col+"1", col+"1", style); err != nil {
			return err
		}
	}
	dv := excelize.NewDataValidation(true)
	kindCol := columnLetter(pos[exam.FieldQuestionKind])
	dv.SetSqref(fmt.Sprintf("%s2:%s%d", kindCol, kindCol, templateRows))
	if err := dv.SetDropList([]string{"unique", "multiple", "vrai/faux"}); err != nil {
		return err
	}
	if err := f.AddDataValidation(s, dv); err != nil {
		return err
	}
	if err := f.SetRowHeight(s, 1, 32); err != nil {
		return err
	}
	if err := f.SetPanes(s, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return err
	}
	for r, q := range qs {
		row := r + 2
		vals := make([]any, len(cols))
		set := func(field string, v any) { vals[pos[field]] = v }
		set(exam.FieldQuestionCode, q.Code)
		set(exam.FieldQuestionBlock, q.Block)
		set(exam.FieldQuestionCompetence, q.Competence)
		set(exam.FieldQuestionKind, questionKindLabel(q.Kind))
		set(exam.FieldQuestionText, q.Text)
		set(exam.FieldQuestionFeedback, q.Feedback)
		set(exam.FieldQuestionCategory, q.Category)
		var right []string
		for i, c := range q.Choices {
			if i >= exam.MaxQuestionChoice {
				break
			}
			if q.Kind != exam.QuestionTrueFalse {
				set(choiceTextField(i), c.Text)
			}
			set(choiceFeedbackField(i), c.Feedback)
			if c.Correct {
				right = append(right, string(choiceLetters[i]))
			}
		}
		if q.Kind == exam.QuestionTrueFalse {
			right = []string{exam.FalseText}
			if len(q.Choices) > 0 && q.Choices[0].Correct {
				right = []string{exam.TrueText}
			}
		}
		set(fieldRight, strings.Join(right, ", "))
		for i, v := range vals {
			if v == nil {
				vals[i] = ""
			}
		}
		if err := f.SetSheetRow(s, "A"+strconv.Itoa(row), &vals); err != nil {
			return err
		}
		if len(q.Image) > 0 {
			ext := "." + exam.ImageType(q.Image)
			if ext == ".jpeg" {
				ext = ".jpg"
			}
			if err := f.AddPictureFromBytes(s, columnLetter(pos[exam.FieldQuestionImage])+strconv.Itoa(row), &excelize.Picture{
				Extension: ext, File: q.Image, Format: &excelize.GraphicOptions{AutoFit: true, LockAspectRatio: true}}); err != nil {
				return fmt.Errorf("image of question %s: %w", q.Code, err)
			}
			if err := f.SetRowHeight(s, row, 60); err != nil {
				return err
			}
		}
	}
	if len(qs) > 0 {
		last := columnLetter(len(cols) - 1)
		if err := f.SetCellStyle(s, "A2", fmt.Sprintf("%s%d", last, len(qs)+1), wrap); err != nil {
			return err
		}
	}
	if err := writeQuestionInstructions(f, cols); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	return nil
}

// writeQuestionInstructions writes the "Mode d'emploi" sheet.
func writeQuestionInstructions(f *excelize.File, cols []qcmColumn) error {
	var lines [][]string
	for _, c := range cols {
		if c.choice > 2 {
			continue // choices C… J: as A and B
		}
		req := "non"
		switch {
		case c.Required:
			req = "oui"
		case c.Field == choiceTextField(0) || c.Field == choiceTextField(1):
			req = "oui (sauf vrai/faux)"
		}
		help := c.Help
		if c.Field == choiceTextField(1) {
			help = "Jusqu'à 10 choix : colonnes Choix A à Choix J, chacune suivie de sa colonne Commentaire."
		}
		lines = append(lines, []string{c.Header, req, c.Format, c.Example, help, strings.Join(c.Aliases, ", ")})
	}
	return writeInstructionsSheet(f, QuestionInstructionsSheet, "Banque de questions QCM : mode d'emploi",
		[]float64{22, 12, 30, 30, 70, 36}, questionInstructions, lines)
}

// ImportQuestionFile imports the questions of a GIFT (.gift, .txt) or
// .xlsx file (a workbook is recognised by its content whatever its name):
// it decodes the file, then exam.ImportQuestions checks every question and
// stores them all in one transaction, or none. A refused file is a report
// with problems, not an error; the error is for a file that cannot be read
// at all (EINVALID: another format; ENOTFOUND), a forbidden actor
// (EFORBIDDEN) or a storage failure.
func ImportQuestionFile(ctx context.Context, a exam.Actor, svc exam.QCMService, ref *exam.Referentiel, path string) (*exam.ImportReport, error) {
	if err := a.Require(exam.PermManageSessions); err != nil {
		return nil, err
	}
	name := filepath.Base(path)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("import %s: %v: %w", name, err, exam.Errorf(exam.ENOTFOUND, "import.not_found",
			"“{{.Name}}” does not exist (any more)", map[string]any{"Name": name}))
	}
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", name, err)
	}
	var rows []exam.QuestionRow
	var problems []exam.ImportProblem
	var columns map[string]string
	var ignored []string
	switch ext := strings.ToLower(filepath.Ext(path)); {
	case bytes.HasPrefix(data, zipMagic) || ext == ".xlsx" || ext == ".xlsm":
		d, err := DecodeQuestions(bytes.NewReader(data), name)
		if err != nil {
			return nil, fmt.Errorf("import %s: %w", name, err)
		}
		rows, problems, columns, ignored = d.Rows, d.Problems, d.Columns, d.Ignored
	case ext == ".gift" || ext == ".txt":
		res, err := gift.Parse(bytes.NewReader(data), name, ref)
		if err != nil {
			return nil, fmt.Errorf("import %s: %w", name, err)
		}
		rows, problems = res.Questions, res.Problems
	default:
		return nil, exam.Errorf(exam.EINVALID, "err.qcm.format",
			"“{{.Name}}” cannot be imported: import a GIFT file (.gift, .txt) or an Excel workbook (.xlsx)", map[string]any{"Name": name})
	}
	rep, err := exam.ImportQuestions(ctx, a, svc, ref, rows, columns, problems)
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", name, err)
	}
	rep.File, rep.IgnoredColumns = name, ignored
	return rep, nil
}
