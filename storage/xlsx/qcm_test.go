package xlsx_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/amisjury/amis/assets"
	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage"
	"github.com/amisjury/amis/storage/gift"
	"github.com/amisjury/amis/storage/xlsx"
)

const shippedQuestionTemplate = "../../assets/modele-banque-qcm.xlsx"

// sampleBank returns the questions of the sample GIFT bank.
func sampleBank(tb testing.TB) []exam.Question {
	tb.Helper()
	res, err := gift.Parse(bytes.NewReader(assets.SampleQuestionBank()), assets.SampleQuestionBankName, mustRef(tb))
	if err != nil || len(res.Problems) > 0 {
		tb.Fatalf("sample bank: %v %v", err, res.Problems)
	}
	qs := make([]exam.Question, len(res.Questions))
	for i, r := range res.Questions {
		qs[i] = r.Question
	}
	return qs
}

func writeQuestions(tb testing.TB, qs []exam.Question) []byte {
	tb.Helper()
	var b bytes.Buffer
	if err := xlsx.WriteQuestions(&b, qs); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// comparable drops what a file does not carry: ID, source, times.
func comparable(q exam.Question) exam.Question {
	q.ID, q.Source, q.Created, q.Updated = 0, "", exam.Question{}.Created, exam.Question{}.Updated
	return q
}

// A tiny PNG (1×1), for the image round trip.
var pngPixel = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

func TestWriteQuestions_RoundTrip(t *testing.T) {
	qs := sampleBank(t)
	qs[0].Image = pngPixel
	data := writeQuestions(t, qs)
	d, err := xlsx.DecodeQuestions(bytes.NewReader(data), "banque.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Problems) > 0 || len(d.Ignored) > 0 {
		t.Fatalf("problems %v, ignored %v", d.Problems, d.Ignored)
	}
	if len(d.Rows) != len(qs) {
		t.Fatalf("%d rows read back, want %d", len(d.Rows), len(qs))
	}
	for i, r := range d.Rows {
		if r.Line != i+2 || r.Question.Source != "xlsx:banque.xlsx:"+strconv.Itoa(i+2) {
			t.Fatalf("row %d: line %d source %q", i, r.Line, r.Question.Source)
		}
		got, want := comparable(r.Question), comparable(qs[i])
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("question %s read back\n got %+v\nwant %+v", qs[i].Code, got, want)
		}
	}
}

// fill writes rows under the template's headers and returns the workbook.
func fill(t *testing.T, rows ...map[string]string) []byte {
	t.Helper()
	f := openWorkbook(t, writeQuestions(t, nil))
	headers := xlsx.QuestionColumns()
	for i, r := range rows {
		for h, v := range r {
			j := -1
			for k, hh := range headers {
				if hh == h {
					j = k
				}
			}
			if j < 0 {
				t.Fatalf("no column %q", h)
			}
			cell, _ := excelize.CoordinatesToCellName(j+1, i+2)
			if err := f.SetCellStr(xlsx.QuestionSheet, cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestDecodeQuestions(t *testing.T) {
	data := fill(t,
		map[string]string{"Code": "X-1", "CCP": "2", "Compétence": "C7", "Type": "Choix multiple", "Question": "Quelles attitudes ?",
			"Bonnes réponses": "a et c", "Choix A": "Écouter", "Choix B": "Crier", "Choix C": "Reformuler", "Commentaire B": "Non."},
		map[string]string{"CCP": "CCP1", "Compétence": "4", "Type": "vrai/faux", "Question": "Le médiateur oriente.", "Bonnes réponses": "Vrai",
			"Commentaire B": "Si."},
		map[string]string{"CCP": "CCP1", "Compétence": "quatre", "Type": "essai", "Question": "?", "Bonnes réponses": "E",
			"Choix A": "a", "Choix C": "c"},
		map[string]string{"CCP": "CCP1", "Compétence": "1", "Type": "vrai/faux", "Question": "?", "Bonnes réponses": "peut-être"},
	)
	d, err := xlsx.DecodeQuestions(bytes.NewReader(data), "x.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Rows) != 2 {
		t.Fatalf("%d rows accepted, want 2 (problems %v)", len(d.Rows), d.Problems)
	}
	q := d.Rows[0].Question
	if q.Block != "CCP2" || q.Competence != 7 || q.Kind != exam.QuestionMultiple || !reflect.DeepEqual(q.RightChoices(), []int{0, 2}) ||
		q.Choices[1].Feedback != "Non." || len(q.Choices) != 3 {
		t.Fatalf("row 2: %+v", q)
	}
	tf := d.Rows[1].Question
	if tf.Kind != exam.QuestionTrueFalse || !tf.Choices[0].Correct || tf.Choices[1].Feedback != "Si." || tf.Validate() != nil {
		t.Fatalf("row 3: %+v", tf)
	}
	var got []string
	for _, p := range d.Problems {
		got = append(got, strconv.Itoa(p.Line)+" "+p.Column+" "+p.Key)
	}
	want := []string{
		"4 C (Compétence) err.qcm.competence_cell",
		"4 D (Type) err.qcm.kind_cell",
		"4 I (Choix B) err.qcm.choice_gap",
		"4 F (Bonnes réponses) err.qcm.right_empty",
		"5 F (Bonnes réponses) err.qcm.truefalse_cell",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("problems\n got %q\nwant %q", got, want)
	}
}

func TestDecodeQuestions_MissingColumns(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	_ = f.SetSheetRow("Sheet1", "A1", &[]string{"Question", "Type", "Couleur"})
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	d, err := xlsx.DecodeQuestions(&b, "x.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	for _, p := range d.Problems {
		missing = append(missing, p.Data["Column"].(string))
	}
	if !reflect.DeepEqual(missing, []string{"CCP", "Compétence", "Bonnes réponses"}) || !reflect.DeepEqual(d.Ignored, []string{"C (Couleur)"}) {
		t.Fatalf("missing %q, ignored %q", missing, d.Ignored)
	}
	if _, err := xlsx.DecodeQuestions(strings.NewReader("Code;CCP\n"), "x.csv"); exam.ErrorCode(err) != exam.EINVALID {
		t.Fatalf("a CSV file: %v", err)
	}
}

// TestImportQuestionFile imports through the real service: a good workbook
// and the sample GIFT file are stored; a workbook with one bad row imports
// nothing and the report points at the row and column.
func TestImportQuestionFile(t *testing.T) {
	ctx := context.Background()
	db := storage.MustOpen(t)
	ref := mustRef(t)
	svc := storage.NewQCMService(db, ref, nil)
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	rep, err := xlsx.ImportQuestionFile(ctx, exam.System, svc, ref, write("banque.gift", assets.SampleQuestionBank()))
	if err != nil || !rep.OK() || rep.Imported < 60 {
		t.Fatalf("GIFT: %v %+v", err, rep)
	}
	bad := fill(t,
		map[string]string{"CCP": "CCP1", "Compétence": "4", "Type": "unique", "Question": "Bonne ?", "Bonnes réponses": "A", "Choix A": "oui", "Choix B": "non"},
		map[string]string{"CCP": "CCP1", "Compétence": "7", "Type": "unique", "Question": "Hors bloc ?", "Bonnes réponses": "A", "Choix A": "oui", "Choix B": "non"},
	)
	rep, err = xlsx.ImportQuestionFile(ctx, exam.System, svc, ref, write("bad.xlsx", bad))
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || len(rep.Problems) != 1 || rep.Problems[0].Line != 3 || rep.Problems[0].Column != "C (Compétence)" {
		t.Fatalf("report %+v", rep)
	}
	all, err := svc.Questions(ctx, exam.System, exam.QuestionFilter{})
	if err != nil || len(all) != 72 {
		t.Fatalf("bank after a refused file: %d questions (%v)", len(all), err)
	}
	// Export the bank and import it again: every question is replaced by
	// its code, none added.
	var out bytes.Buffer
	if err := xlsx.WriteQuestions(&out, all); err != nil {
		t.Fatal(err)
	}
	rep, err = xlsx.ImportQuestionFile(ctx, exam.System, svc, ref, write("export.xlsx", out.Bytes()))
	if err != nil || !rep.OK() || rep.Imported != len(all) {
		t.Fatalf("re-import of the export: %v %+v", err, rep)
	}
	again, _ := svc.Questions(ctx, exam.System, exam.QuestionFilter{})
	if len(again) != len(all) {
		t.Fatalf("%d questions after re-import, want %d", len(again), len(all))
	}
	for i := range all {
		if !reflect.DeepEqual(comparable(again[i]), comparable(all[i])) {
			t.Fatalf("question %d changed by the round trip", all[i].ID)
		}
	}
	if _, err := xlsx.ImportQuestionFile(ctx, exam.System, svc, ref, write("banque.pdf", []byte("%PDF"))); exam.ErrorCode(err) != exam.EINVALID {
		t.Fatalf("a PDF: %v", err)
	}
}

func TestQuestionTemplate(t *testing.T) {
	data := writeQuestions(t, nil)
	f := openWorkbook(t, data)
	if got, want := f.GetSheetList(), []string{xlsx.QuestionSheet, xlsx.QuestionInstructionsSheet}; !reflect.DeepEqual(got, want) {
		t.Fatalf("sheets %q, want %q", got, want)
	}
	rows, err := f.GetRows(xlsx.QuestionSheet)
	if err != nil || len(rows) != 1 || !reflect.DeepEqual(rows[0], xlsx.QuestionColumns()) {
		t.Fatalf("rows %q (%v), want the headers only", rows, err)
	}
	help, err := f.GetRows(xlsx.QuestionInstructionsSheet)
	if err != nil {
		t.Fatal(err)
	}
	described := map[string]bool{}
	for _, r := range help {
		if len(r) >= 5 {
			described[r[0]] = true
		}
	}
	for _, h := range []string{"Code", "CCP", "Compétence", "Type", "Question", "Bonnes réponses", "Choix A", "Commentaire A", "Choix B", "Commentaire général", "Catégorie", "Image"} {
		if !described[h] {
			t.Errorf("the instructions do not describe %q", h)
		}
	}
	d, err := xlsx.DecodeQuestions(bytes.NewReader(data), "modele.xlsx")
	if err != nil || len(d.Problems) > 0 || len(d.Rows) > 0 || len(d.Ignored) > 0 {
		t.Fatalf("the empty template: %v %+v", err, d)
	}
}

// TestQuestionTemplate_Shipped keeps assets/modele-banque-qcm.xlsx in step
// with WriteQuestions. After a change of columns or instructions, run
//
//	go test ./storage/xlsx -run TestQuestionTemplate_Shipped -update
func TestQuestionTemplate_Shipped(t *testing.T) {
	generated := writeQuestions(t, nil)
	if *update {
		if err := os.WriteFile(shippedQuestionTemplate, generated, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d bytes)", shippedQuestionTemplate, len(generated))
		return
	}
	shipped := openWorkbook(t, assets.QuestionTemplate)
	for _, sheet := range []string{xlsx.QuestionSheet, xlsx.QuestionInstructionsSheet} {
		got, err := shipped.GetRows(sheet)
		if err != nil {
			t.Fatalf("shipped template: %v (regenerate it with -update)", err)
		}
		want, _ := openWorkbook(t, generated).GetRows(sheet)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("shipped template, sheet %s, differs from WriteQuestions; run go test ./storage/xlsx -run TestQuestionTemplate_Shipped -update", sheet)
		}
	}
}

func TestWriteQCMResults(t *testing.T) {
	ref := mustRef(t)
	day := time.Date(2026, 1, 12, 9, 0, 0, 0, time.UTC)
	res := func(id, cand int64, kind exam.QuestionnaireKind, ended time.Time, c1, c2 int) exam.AttemptResult {
		return exam.AttemptResult{AttemptID: id, CandidateID: cand, Kind: kind, Title: "Q " + string(kind), Ended: ended,
			Total:       exam.Score{Right: c1 + c2, Total: 20},
			Blocks:      []exam.BlockScore{{Block: "CCP1", Score: exam.Score{Right: c1, Total: 10}}, {Block: "CCP2", Score: exam.Score{Right: c2, Total: 10}}},
			Competences: []exam.CompetenceScore{{Competence: 1, Block: "CCP1", Score: exam.Score{Right: c1, Total: 10}}}}
	}
	results := []exam.AttemptResult{
		res(1, 10, exam.QuestionnairePositioning, day, 3, 4),
		res(2, 10, exam.QuestionnaireFinal, day.AddDate(0, 6, 0), 8, 9),
		res(3, 11, exam.QuestionnairePositioning, day, 10, 0),
		res(4, 11, exam.QuestionnaireFinal, time.Time{}, 0, 0), // unfinished
	}
	var b bytes.Buffer
	if err := xlsx.WriteQCMResults(&b, results, map[int64]string{10: "MARTIN Léa"}, ref); err != nil {
		t.Fatal(err)
	}
	f := openWorkbook(t, b.Bytes())
	if got := f.GetSheetList(); !reflect.DeepEqual(got, []string{xlsx.QCMResultsSheet, xlsx.QCMProgressSheet, xlsx.QCMDistributionSheet}) {
		t.Fatalf("sheets %q", got)
	}
	rows, _ := f.GetRows(xlsx.QCMResultsSheet)
	if len(rows) != 5 || rows[0][7] != "CCP1 %" || rows[0][10] != "C1 %" {
		t.Fatalf("results header %q", rows[0])
	}
	if r := rows[1]; r[0] != "MARTIN Léa" || r[2] != "Positionnement (entrée)" || r[4] != "7" || r[6] != "35" || r[7] != "30" || r[8] != "40" || r[9] != "" {
		t.Fatalf("first row %q", r)
	}
	if rows[3][0] != "#11" {
		t.Fatalf("unnamed candidate %q", rows[3][0])
	}
	prog, _ := f.GetRows(xlsx.QCMProgressSheet)
	// MARTIN: total 35 → 85 (+50); CCP1 30 → 80; candidate 11 has no finished exit.
	if len(prog) != 3 || prog[1][1] != "35" || prog[1][2] != "85" || prog[1][3] != "50" || prog[1][6] != "50" {
		t.Fatalf("progress %q", prog)
	}
	if len(prog[2]) > 3 && prog[2][3] != "" {
		t.Fatalf("candidate without exit has a difference: %q", prog[2])
	}
	dist, _ := f.GetRows(xlsx.QCMDistributionSheet)
	// Finished totals: 35, 85, 50 → buckets 30–40, 80–90, 50–60.
	if len(dist) != 11 || dist[4][1] != "1" || dist[9][1] != "1" || dist[6][1] != "1" || dist[1][1] != "0" {
		t.Fatalf("distribution %q", dist)
	}
	if !bytes.Contains(b.Bytes(), []byte("xl/charts/chart1.xml")) {
		t.Fatal("no chart in the workbook")
	}
}
