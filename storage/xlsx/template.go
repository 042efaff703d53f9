package xlsx

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/amisjury/amis/exam"
)

// Sheet names of the template workbook.
const (
	TemplateSheet     = "Candidats"
	InstructionsSheet = "Mode d'emploi"
)

// templateRows is how far down the template formats its columns and offers
// its drop-down lists.
const templateRows = 5000

// Template colours: required headers stand out from the optional ones.
const (
	colourHeader   = "DDEBF7"
	colourRequired = "F8CBAD"
)

// instructions are the paragraphs above the column table of the
// instructions sheet. The template is a French document, as its headers are.
var instructions = []string{
	"Saisissez un candidat par ligne dans la feuille « " + TemplateSheet + " », à partir de la ligne 2, sous la ligne d'en-têtes.",
	"Les colonnes dont l'en-tête est orange sont obligatoires. L'ordre des colonnes est libre ; les en-têtes sont reconnus sans tenir compte des majuscules, des accents, des espaces ni de la ponctuation, et les colonnes inconnues sont ignorées (l'import les signale).",
	"Dates : cellules date d'Excel ou texte jj/mm/aaaa. Le fichier peut aussi être enregistré en CSV (séparateur point-virgule ou virgule, UTF-8 ou Windows).",
	"L'import est tout ou rien : si une ligne pose problème, aucun candidat n'est importé et la liste des problèmes indique pour chacun la ligne, la colonne et la raison. Corrigez le fichier et importez-le de nouveau.",
	"Un candidat déjà enregistré (même nom de naissance, prénoms et date de naissance) ou présent deux fois dans le fichier est signalé, et le fichier refusé.",
}

// WriteTemplate writes the candidate import template: a sheet "Candidats"
// holding only the header row (bold, frozen, required columns highlighted;
// date columns formatted jj/mm/aaaa, N° candidat and Téléphone as text,
// drop-down lists for Sexe and Modalité d'accès) so that it can be filled and
// imported as is, and a sheet "Mode d'emploi" describing every column.
func WriteTemplate(w io.Writer, ref *exam.Referentiel) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := writeTemplate(f, CandidateColumns(ref)); err != nil {
		return fmt.Errorf("write import template: %w", err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write import template: %w", err)
	}
	return nil
}

func writeTemplate(f *excelize.File, cols []Column) error {
	if err := f.SetSheetName(f.GetSheetName(0), TemplateSheet); err != nil {
		return err
	}
	if err := f.SetDocProps(&excelize.DocProperties{
		Creator:  "AMIS Jury",
		Title:    "Modèle d'import des candidats",
		Language: "fr-FR",
		Created:  "2025-01-01T00:00:00Z",
		Modified: "2025-01-01T00:00:00Z",
	}); err != nil {
		return err
	}
	border := []excelize.Border{{Type: "bottom", Color: "808080", Style: 1}}
	headerStyle := func(colour string) (int, error) {
		return f.NewStyle(&excelize.Style{
			Font:      &excelize.Font{Bold: true},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{colour}},
			Border:    border,
			Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
		})
	}
	optional, err := headerStyle(colourHeader)
	if err != nil {
		return err
	}
	required, err := headerStyle(colourRequired)
	if err != nil {
		return err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@"
	if err != nil {
		return err
	}
	dateFormat := "dd/mm/yyyy"
	date, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFormat})
	if err != nil {
		return err
	}
	s := TemplateSheet
	for i, c := range cols {
		col := columnLetter(i)
		if err := f.SetColWidth(s, col, col, columnWidth(c)); err != nil {
			return err
		}
		switch c.kind {
		case kindNumber, kindPhone:
			err = f.SetColStyle(s, col, text)
		case kindDate, kindAcquired:
			err = f.SetColStyle(s, col, date)
		}
		if err != nil {
			return err
		}
		if err := f.SetCellStr(s, col+"1", c.Header); err != nil {
			return err
		}
		style := optional
		if c.Required {
			style = required
		}
		if err := f.SetCellStyle(s, col+"1", col+"1", style); err != nil {
			return err
		}
		var list []string
		switch c.kind {
		case kindSex:
			list = []string{"F", "M"}
		case kindRoute:
			list = routeLabels
		}
		if list != nil {
			// No error message: "Femme" or "formation continue" typed by
			// hand are read too, the list only helps.
			dv := excelize.NewDataValidation(true)
			dv.SetSqref(fmt.Sprintf("%s2:%s%d", col, col, templateRows))
			if err := dv.SetDropList(list); err != nil {
				return err
			}
			if err := f.AddDataValidation(s, dv); err != nil {
				return err
			}
		}
	}
	if err := f.SetRowHeight(s, 1, 32); err != nil {
		return err
	}
	if err := f.SetPanes(s, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return err
	}
	if err := writeInstructions(f, cols); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	return nil
}

func columnWidth(c Column) float64 {
	switch c.kind {
	case kindSex:
		return 8
	case kindDate, kindAcquired, kindNumber:
		return 15
	case kindEmail, kindRoute, kindSession:
		return 30
	case kindPhone:
		return 16
	}
	if c.Field == exam.FieldTrainingCentre {
		return 30
	}
	return 22
}

// writeInstructions writes the "Mode d'emploi" sheet: the paragraphs, then
// one line per column with whether it is required, its format, an example,
// explanations and the other headers accepted.
func writeInstructions(f *excelize.File, cols []Column) error {
	lines := make([][]string, 0, len(cols))
	for _, c := range cols {
		req := "non"
		if c.Required {
			req = "oui"
		}
		lines = append(lines, []string{c.Header, req, c.format, c.example, c.help, strings.Join(c.Aliases, ", ")})
	}
	return writeInstructionsSheet(f, InstructionsSheet, "Import des candidats : mode d'emploi",
		[]float64{24, 12, 24, 26, 70, 40}, instructions, lines)
}

// writeInstructionsSheet writes a "Mode d'emploi" sheet of an import
// template: the title, the paragraphs (merged over six columns), then the
// table of the columns, one line each: header, required, format, example,
// explanations, other headers accepted.
func writeInstructionsSheet(f *excelize.File, s, heading string, widths []float64, paragraphs []string, lines [][]string) error {
	if _, err := f.NewSheet(s); err != nil {
		return err
	}
	title, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	if err != nil {
		return err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Border: []excelize.Border{{Type: "bottom", Color: "808080", Style: 1}},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{colourHeader}}})
	if err != nil {
		return err
	}
	for i, width := range widths {
		col := columnLetter(i)
		if err := f.SetColWidth(s, col, col, width); err != nil {
			return err
		}
	}
	if err := f.SetCellStr(s, "A1", heading); err != nil {
		return err
	}
	if err := f.SetCellStyle(s, "A1", "A1", title); err != nil {
		return err
	}
	row := 3
	for _, p := range paragraphs {
		cell := fmt.Sprintf("A%d", row)
		if err := f.SetCellStr(s, cell, p); err != nil {
			return err
		}
		if err := f.MergeCell(s, cell, fmt.Sprintf("F%d", row)); err != nil {
			return err
		}
		if err := f.SetCellStyle(s, cell, cell, wrap); err != nil {
			return err
		}
		if err := f.SetRowHeight(s, row, 15*float64(1+len(p)/170)); err != nil {
			return err
		}
		row++
	}
	row++
	if err := f.SetSheetRow(s, fmt.Sprintf("A%d", row), &[]string{"Colonne", "Obligatoire", "Format", "Exemple", "Explications", "Autres en-têtes acceptés"}); err != nil {
		return err
	}
	if err := f.SetCellStyle(s, fmt.Sprintf("A%d", row), fmt.Sprintf("F%d", row), head); err != nil {
		return err
	}
	for _, line := range lines {
		row++
		if err := f.SetSheetRow(s, fmt.Sprintf("A%d", row), &line); err != nil {
			return err
		}
		if err := f.SetCellStyle(s, fmt.Sprintf("A%d", row), fmt.Sprintf("F%d", row), wrap); err != nil {
			return err
		}
	}
	return nil
}
