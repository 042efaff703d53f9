package xlsx

import (
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/amisjury/amis/exam"
)

// Sheet names of the QCM results workbook.
const (
	QCMResultsSheet      = "Résultats"
	QCMProgressSheet     = "Progression"
	QCMDistributionSheet = "Distribution"
)

// percent rounds a score's percentage to one decimal, as a cell value; ""
// when the score has no question.
func percent(s exam.Score) any {
	if s.Total == 0 {
		return ""
	}
	return math.Round(s.Percent()*10) / 10
}

// WriteQCMResults writes the results of QCM attempts: a sheet "Résultats"
// (one row per attempt: candidate, questionnaire, date, right answers and
// percentages in total, per CCP and per competence), a sheet "Progression"
// (per candidate, entry and exit side by side per CCP, with the difference
// in points; exam.CompareEntryExit) and a sheet "Distribution" (the
// cohort's histogram of the total and of each CCP, exam.Distribution in 10
// buckets, with a bar chart). names gives the candidates' display names.
func WriteQCMResults(w io.Writer, results []exam.AttemptResult, names map[int64]string, ref *exam.Referentiel) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := writeQCMResults(f, results, names, ref); err != nil {
		return fmt.Errorf("write QCM results: %w", err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write QCM results: %w", err)
	}
	return nil
}

func writeQCMResults(f *excelize.File, results []exam.AttemptResult, names map[int64]string, ref *exam.Referentiel) error {
	if err := f.SetDocProps(&excelize.DocProperties{Creator: "AMIS Jury", Title: "Résultats QCM", Language: "fr-FR"}); err != nil {
		return err
	}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{colourHeader}},
		Border:    []excelize.Border{{Type: "bottom", Color: "808080", Style: 1}},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}})
	if err != nil {
		return err
	}
	dateFmt := "dd/mm/yyyy hh:mm"
	date, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	if err != nil {
		return err
	}
	var blocks []string
	var comps []int
	for _, b := range ref.Blocks {
		blocks = append(blocks, b.Short)
		for _, c := range b.Competences {
			comps = append(comps, c.Number)
		}
	}
	name := func(id int64) string {
		if n, ok := names[id]; ok {
			return n
		}
		return "#" + strconv.FormatInt(id, 10)
	}
	header := func(sheet string, cols []string, widths func(i int) float64) error {
		if err := f.SetSheetRow(sheet, "A1", &cols); err != nil {
			return err
		}
		last := columnLetter(len(cols) - 1)
		if err := f.SetCellStyle(sheet, "A1", last+"1", head); err != nil {
			return err
		}
		for i := range cols {
			c := columnLetter(i)
			if err := f.SetColWidth(sheet, c, c, widths(i)); err != nil {
				return err
			}
		}
		return f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	}

	// Résultats.
	s := QCMResultsSheet
	if err := f.SetSheetName(f.GetSheetName(0), s); err != nil {
		return err
	}
	cols := []string{"Candidat", "Questionnaire", "Type", "Fin", "Bonnes réponses", "Questions", "Total %"}
	for _, b := range blocks {
		cols = append(cols, b+" %")
	}
	for _, c := range comps {
		cols = append(cols, "C"+strconv.Itoa(c)+" %")
	}
	if err := header(s, cols, func(i int) float64 {
		switch {
		case i == 0 || i == 1:
			return 30
		case i == 2 || i == 3:
			return 18
		}
		return 10
	}); err != nil {
		return err
	}
	for i, r := range results {
		row := []any{name(r.CandidateID), r.Title, r.Kind.French(), "", r.Total.Right, r.Total.Total, percent(r.Total)}
		if !r.Ended.IsZero() {
			row[3] = r.Ended
		}
		for _, b := range blocks {
			row = append(row, percent(r.Block(b)))
		}
		for _, c := range comps {
			row = append(row, percent(r.Competence(c)))
		}
		cell := "A" + strconv.Itoa(i+2)
		if err := f.SetSheetRow(s, cell, &row); err != nil {
			return err
		}
		if err := f.SetCellStyle(s, "D"+strconv.Itoa(i+2), "D"+strconv.Itoa(i+2), date); err != nil {
			return err
		}
	}

	// Progression.
	s = QCMProgressSheet
	if _, err := f.NewSheet(s); err != nil {
		return err
	}
	cols = []string{"Candidat"}
	for _, b := range append([]string{"Total"}, blocks...) {
		cols = append(cols, b+" entrée %", b+" sortie %", b+" écart (points)")
	}
	if err := header(s, cols, func(i int) float64 {
		if i == 0 {
			return 30
		}
		return 12
	}); err != nil {
		return err
	}
	for i, p := range exam.CompareEntryExit(results) {
		row := []any{name(p.CandidateID)}
		for _, b := range append([]string{""}, blocks...) {
			var in, out any = "", ""
			if p.Entry != nil {
				in = percent(p.Entry.Block(b))
			}
			if p.Exit != nil {
				out = percent(p.Exit.Block(b))
			}
			var delta any = ""
			if d, ok := p.Delta(b); ok {
				delta = math.Round(d*10) / 10
			}
			row = append(row, in, out, delta)
		}
		if err := f.SetSheetRow(s, "A"+strconv.Itoa(i+2), &row); err != nil {
			return err
		}
	}

	// Distribution.
	s = QCMDistributionSheet
	if _, err := f.NewSheet(s); err != nil {
		return err
	}
	cols = append([]string{"Score", "Total"}, blocks...)
	if err := header(s, cols, func(int) float64 { return 14 }); err != nil {
		return err
	}
	finished := make([]exam.AttemptResult, 0, len(results))
	for _, r := range results {
		if !r.Ended.IsZero() {
			finished = append(finished, r)
		}
	}
	const buckets = 10
	dist := [][]exam.Bucket{exam.Distribution(finished, "", buckets)}
	for _, b := range blocks {
		dist = append(dist, exam.Distribution(finished, b, buckets))
	}
	for k := range buckets {
		b := dist[0][k]
		label := fmt.Sprintf("%d–%d %%", b.From, b.To)
		row := []any{label}
		for _, d := range dist {
			row = append(row, d[k].Count)
		}
		if err := f.SetSheetRow(s, "A"+strconv.Itoa(k+2), &row); err != nil {
			return err
		}
	}
	var series []excelize.ChartSeries
	for i := range dist {
		col := columnLetter(i + 1)
		series = append(series, excelize.ChartSeries{
			Name:       fmt.Sprintf("'%s'!$%s$1", s, col),
			Categories: fmt.Sprintf("'%s'!$A$2:$A$%d", s, buckets+1),
			Values:     fmt.Sprintf("'%s'!$%s$2:$%s$%d", s, col, col, buckets+1),
		})
	}
	if err := f.AddChart(s, "G2", &excelize.Chart{Type: excelize.Col, Series: series,
		Title:  excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "Répartition des scores (passations terminées)"}}},
		Legend: excelize.ChartLegend{Position: "bottom"}, Dimension: excelize.ChartDimension{Width: 640, Height: 360}}); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	return nil
}
