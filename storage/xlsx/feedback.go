package xlsx

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/amisjury/amis/exam"
)

// FeedbackSheet is the sheet name of a mock exam's feedback workbook.
const FeedbackSheet = "Fiche de retour"

// FeedbackDoc is what the feedback sheet of a mock exam shows for one
// candidate (the same as pdf.FeedbackDoc): the grids of every jury member
// and the collegial ones, and the jury's indicative decisions. Grids and
// decisions of other candidates are ignored.
type FeedbackDoc struct {
	Session     *exam.Session
	Referentiel *exam.Referentiel
	Candidate   exam.SessionCandidate
	Grids       []exam.Grid
	Decisions   []exam.BlockDecision
	// GeneratedAt is the workbook's date; zero: a fixed date.
	GeneratedAt time.Time
}

const (
	feedbackTitle = "Examen blanc — fiche de retour"
	feedbackNote  = "Examen blanc : résultat indicatif, aucun CCP n'est acquis."
)

var feedbackHeaders = []string{"CCP", "N°", "Compétence", "Appréciation du jury", "Observations"}

var feedbackWidths = []float64{9, 5, 55, 24, 70}

// WriteFeedback writes the feedback sheet of a mock exam for one candidate
// as an .xlsx workbook, the same content as the PDF sheet: the candidate and
// the session; one row per competence of each CCP sat with the jury's
// consolidated verdict (exam.JuryView) and every member's observations;
// then per CCP the indicative decision and its reason, and the indicative
// overall result.
//
// It returns an EINVALID *exam.Error for a certification session.
func WriteFeedback(w io.Writer, d *FeedbackDoc) error {
	if d == nil || d.Session == nil || d.Referentiel == nil {
		return fmt.Errorf("write feedback sheet: the session and its référentiel are required")
	}
	if d.Session.Kind != exam.KindMock {
		return exam.Errorf(exam.EINVALID, "err.feedback.not_mock",
			"a feedback sheet is written for a mock exam (examen blanc) only", nil)
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := writeFeedback(f, d); err != nil {
		return fmt.Errorf("write feedback sheet of candidate %d: %w", d.Candidate.Candidate.ID, err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write feedback sheet of candidate %d: %w", d.Candidate.Candidate.ID, err)
	}
	return nil
}

// fbRow is one competence of the sheet.
type fbRow struct {
	number                      int
	title, verdict, observation string
}

// fbBlock is one CCP of the sheet.
type fbBlock struct {
	block    *exam.Block
	status   string // "" when sat; otherwise why it was not evaluated
	rows     []fbRow
	decision string
	reason   string
}

func writeFeedback(f *excelize.File, d *FeedbackDoc) error {
	sh := FeedbackSheet
	if err := f.SetSheetName(f.GetSheetName(0), sh); err != nil {
		return err
	}
	s, ref, sc := d.Session, d.Referentiel, &d.Candidate
	c := &sc.Candidate
	name := c.BirthName + " " + c.FirstNames
	if c.UsageName != "" && !strings.EqualFold(c.UsageName, c.BirthName) {
		name += " (nom d'usage : " + c.UsageName + ")"
	}
	if err := outDocProps(f, feedbackTitle+" — "+c.BirthName+" "+c.FirstNames, d.GeneratedAt); err != nil {
		return err
	}
	st, err := newOutStyles(f)
	if err != nil {
		return err
	}
	blocks, result := fbContent(d)

	put := func(cell string, v any, style int) error {
		if v != nil && v != "" {
			if err := f.SetCellValue(sh, cell, v); err != nil {
				return err
			}
		}
		return f.SetCellStyle(sh, cell, cell, style)
	}
	merged := func(row int, v string, style int, height float64) error {
		a, e := fmt.Sprintf("A%d", row), fmt.Sprintf("E%d", row)
		if err := f.MergeCell(sh, a, e); err != nil {
			return err
		}
		if err := put(a, v, style); err != nil {
			return err
		}
		if height > 0 {
			return f.SetRowHeight(sh, row, height)
		}
		return nil
	}
	if err := merged(1, feedbackTitle, st.title, 22); err != nil {
		return err
	}
	if err := merged(2, feedbackNote, st.note, 0); err != nil {
		return err
	}
	session := "Examen blanc"
	if s.Reference != "" {
		session += " n° " + s.Reference
	}
	for _, p := range []string{s.Place, s.TrainingCentre} {
		if p != "" {
			session += " — " + p
		}
	}
	dates := "le " + s.StartDate.String()
	if !s.EndDate.IsZero() && s.EndDate != s.StartDate {
		dates = "du " + s.StartDate.String() + " au " + s.EndDate.String()
	}
	row := 4
	for _, fl := range []struct {
		label string
		value any
		style int
	}{
		{"Candidat", name, st.bold},
		{"Né(e) le", outDate(c.BirthDate), st.date},
		{"N° candidat", c.Number, st.text},
		{"Session", session, st.text},
		{"Date", dates, st.text},
		{"Titre professionnel", fmt.Sprintf("%s (%s)", ref.Title, ref.Code), st.text},
	} {
		if err := put(fmt.Sprintf("A%d", row), fl.label, st.bold); err != nil {
			return err
		}
		if err := f.MergeCell(sh, fmt.Sprintf("B%d", row), fmt.Sprintf("C%d", row)); err != nil {
			return err
		}
		if err := put(fmt.Sprintf("B%d", row), fl.value, fl.style); err != nil {
			return err
		}
		row++
	}
	row++
	header := row
	if err := outHeaderRow(f, sh, header, feedbackHeaders, feedbackWidths, st.header); err != nil {
		return err
	}
	for _, b := range blocks {
		rows := b.rows
		if b.status != "" {
			rows = []fbRow{{title: b.status}}
		}
		for _, r := range rows {
			row++
			var number any
			if r.number > 0 {
				number = r.number
			}
			for i, v := range []any{b.block.Short, number, r.title, r.verdict, r.observation} {
				cell, err := excelize.CoordinatesToCellName(i+1, row)
				if err != nil {
					return err
				}
				style := st.wrap
				switch i {
				case 1:
					style = st.text
				case 3:
					style = st.bold
				}
				if err := put(cell, v, style); err != nil {
					return err
				}
			}
		}
	}
	if err := f.AutoFilter(sh, fmt.Sprintf("A%d:E%d", header, max(row, header+1)), nil); err != nil {
		return err
	}
	row += 2
	if err := outHeaderRow(f, sh, row, []string{"CCP", "", "Intitulé", "Décision indicative", "Motif"}, nil, st.header); err != nil {
		return err
	}
	for _, b := range blocks {
		row++
		decision, reason := b.decision, b.reason
		if b.status != "" {
			decision, reason = "—", b.status
		}
		for i, v := range []string{b.block.Short, "", b.block.Title, decision, reason} {
			cell, err := excelize.CoordinatesToCellName(i+1, row)
			if err != nil {
				return err
			}
			style := st.wrap
			if i == 3 {
				style = st.bold
			}
			if err := put(cell, v, style); err != nil {
				return err
			}
		}
	}
	row += 2
	if err := put(fmt.Sprintf("A%d", row), "Résultat global", st.bold); err != nil {
		return err
	}
	if err := f.MergeCell(sh, fmt.Sprintf("B%d", row), fmt.Sprintf("C%d", row)); err != nil {
		return err
	}
	if err := put(fmt.Sprintf("B%d", row), result+" (indicatif)", st.bold); err != nil {
		return err
	}
	row += 2
	if err := merged(row, feedbackNote+" Les CCP se valident uniquement lors d'une session de validation devant un jury habilité.", st.note, 30); err != nil {
		return err
	}
	if err := outFreezeHeader(f, sh, header); err != nil {
		return err
	}
	return outPrintSetup(f, sh, feedbackTitle+" — "+c.BirthName+" "+c.FirstNames, fmt.Sprintf("$%d:$%d", header, header))
}

// fbContent computes the sheet from the domain: per CCP, the jury's view of
// each competence, the observations, and the indicative decision; and the
// indicative overall result.
func fbContent(d *FeedbackDoc) ([]fbBlock, string) {
	ref, sc := d.Referentiel, &d.Candidate
	id := sc.Candidate.ID
	var grids []exam.Grid
	for _, g := range d.Grids {
		if g.CandidateID == id || g.CandidateID == 0 {
			grids = append(grids, g)
		}
	}
	var decisions []exam.BlockDecision
	for _, dec := range d.Decisions {
		if dec.CandidateID == id || dec.CandidateID == 0 {
			decisions = append(decisions, dec)
		}
	}
	var out []fbBlock
	for i := range ref.Blocks {
		b := &ref.Blocks[i]
		fb := fbBlock{block: b}
		switch {
		case sc.Candidate.HasAcquired(b.Code):
			fb.status = "Déjà acquis lors d'une session de validation : non évalué."
		case !sc.Sits(b.Code):
			fb.status = "Non présenté à cet examen blanc."
		case sc.Absent:
			fb.status = "Candidat absent : non évalué."
		}
		if fb.status == "" {
			view := exam.JuryView(b, grids)
			for k, c := range b.Competences {
				fb.rows = append(fb.rows, fbRow{c.Number, c.Title, fbVerdict(view[k]), fbObservations(b, grids, c.Number)})
			}
			fb.decision, fb.reason = fbDecision(b, grids, decisions)
		}
		out = append(out, fb)
	}
	o := exam.ProposeResult(ref, exam.KindMock, d.Session.Scope, sc, decisions)
	var acq []string
	for _, br := range o.Blocks {
		if br.Outcome == exam.OutcomeAcquired {
			acq = append(acq, br.Short)
		}
	}
	return out, fbResult(o.Result, acq)
}

func fbVerdict(cv exam.CompetenceView) string {
	switch {
	case cv.Verdict == exam.Satisfied:
		return "Satisfaite"
	case cv.Verdict == exam.NotSatisfied:
		return "Non satisfaite"
	case cv.Disputed:
		return "Non évaluée (avis partagés)"
	}
	return "Non évaluée"
}

func fbObservations(b *exam.Block, grids []exam.Grid, n int) string {
	return strings.Join(exam.Observations(b, grids, n), "\n")
}

func fbOutcome(o exam.BlockOutcome) string {
	if o == exam.OutcomeAcquired {
		return "Acquis"
	}
	return "Non acquis"
}

// fbDecision is the jury's decision on block b, or else the app's
// proposal, and its reason.
func fbDecision(b *exam.Block, grids []exam.Grid, decisions []exam.BlockDecision) (string, string) {
	var dec *exam.BlockDecision
	for i := range decisions {
		if strings.EqualFold(decisions[i].Block, b.Code) || strings.EqualFold(decisions[i].Block, b.Short) {
			dec = &decisions[i]
		}
	}
	if dec != nil && (dec.Outcome == exam.OutcomeAcquired || dec.Outcome == exam.OutcomeNotAcquired) {
		reason := strings.TrimSpace(dec.Reason)
		return fbOutcome(dec.Outcome) + " (décision du jury)", reason
	}
	p := exam.ProposeBlock(b, grids, exam.DefaultDecisionRule)
	var why []string
	if len(p.NotSatisfied) > 0 {
		why = append(why, "compétences non satisfaites : "+fbNumbers(p.NotSatisfied))
	}
	if len(p.NotEvaluated) > 0 {
		why = append(why, "compétences non évaluées : "+fbNumbers(p.NotEvaluated))
	}
	reason := "Toutes les compétences sont satisfaites."
	if len(why) > 0 {
		j := strings.Join(why, " ; ")
		reason = strings.ToUpper(j[:1]) + j[1:] + "."
	}
	switch p.Outcome {
	case exam.OutcomeAcquired, exam.OutcomeNotAcquired:
		return fbOutcome(p.Outcome) + " (proposition ; le jury n'a pas statué)", reason
	}
	return "Pas de décision : grille incomplète", reason
}

func fbNumbers(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ", ")
}

func fbResult(r exam.Result, acquired []string) string {
	switch r {
	case exam.ResultTitle:
		return "Titre obtenu"
	case exam.ResultPartial:
		if len(acquired) == 0 {
			return "Certification partielle"
		}
		return "Certification partielle (" + strings.Join(acquired, ", ") + ")"
	case exam.ResultNotObtained:
		return "Non obtenu"
	case exam.ResultAbsent:
		return "Absent"
	}
	return "En attente de décision"
}
