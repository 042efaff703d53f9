package pdf

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/amisjury/amis/exam"
)

// FeedbackDoc is what the feedback sheet of a mock exam shows for one
// candidate: the grids of every jury member (and the collegial ones) and
// the jury's indicative decisions on the blocks. Grids and decisions of
// other candidates are ignored.
type FeedbackDoc struct {
	Session     *exam.Session
	Referentiel *exam.Referentiel
	Candidate   exam.SessionCandidate
	Grids       []exam.Grid
	Decisions   []exam.BlockDecision
	// GeneratedAt is printed in the footer; zero: now.
	GeneratedAt time.Time
}

const feedbackTitle = "Examen blanc — fiche de retour"

// feedbackNote is printed on every feedback sheet.
const feedbackNote = "Examen blanc : résultat indicatif, aucun CCP n'est acquis."

// WriteFeedback writes the feedback sheet of a mock exam for one candidate
// as an A4 PDF: for each CCP sat, each competence with the jury's
// consolidated verdict (exam.JuryView) and the members' observations, then
// the indicative decision on the CCP and its reason; finally the indicative
// overall result.
//
// It returns an EINVALID *exam.Error for a certification session: its
// results are not indicative and go on the PV and the fiche individuelle
// de résultats.
func WriteFeedback(w io.Writer, d *FeedbackDoc) error {
	if d == nil || d.Session == nil || d.Referentiel == nil {
		return fmt.Errorf("write feedback sheet: the session and its référentiel are required")
	}
	if d.Session.Kind != exam.KindMock {
		return exam.Errorf(exam.EINVALID, "err.feedback.not_mock",
			"a feedback sheet is written for a mock exam (examen blanc) only", nil)
	}
	fb := buildFeedback(d)
	doc := newDoc(docInfo{
		Title:       feedbackTitle,
		Subject:     feedbackTitle + " — " + fb.name,
		HeaderLeft:  fmt.Sprintf("%s — %s (%s)", feedbackTitle, acronym(d.Referentiel), d.Referentiel.Code),
		HeaderRight: fb.name,
		Generated:   d.GeneratedAt,
	})
	writeFeedback(doc, d, fb)
	if err := doc.output(w); err != nil {
		return fmt.Errorf("write feedback sheet of candidate %d: %w", d.Candidate.Candidate.ID, err)
	}
	return nil
}

// feedback is the content of the sheet, computed from the domain.
type feedback struct {
	name   string
	blocks []feedbackBlock
	result string
}

type feedbackBlock struct {
	block *exam.Block
	// status is "" for a block sat; otherwise why it was not evaluated.
	status   string
	rows     []feedbackRow
	decision string // indicative decision
	reason   string
}

type feedbackRow struct {
	number      int
	title       string
	verdict     string
	observation string
}

func buildFeedback(d *FeedbackDoc) feedback {
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
	fb := feedback{name: sc.Candidate.BirthName + " " + sc.Candidate.FirstNames}
	for i := range ref.Blocks {
		b := &ref.Blocks[i]
		fbb := feedbackBlock{block: b}
		switch {
		case sc.Candidate.HasAcquired(b.Code):
			fbb.status = "Déjà acquis lors d'une session de validation : non évalué."
		case !sc.Sits(b.Code):
			fbb.status = "Non présenté à cet examen blanc."
		case sc.Absent:
			fbb.status = "Candidat absent : non évalué."
		}
		if fbb.status != "" {
			fb.blocks = append(fb.blocks, fbb)
			continue
		}
		view := exam.JuryView(b, grids)
		for k, c := range b.Competences {
			fbb.rows = append(fbb.rows, feedbackRow{
				number:      c.Number,
				title:       c.Title,
				verdict:     verdictLabel(view[k]),
				observation: observations(b, grids, c.Number),
			})
		}
		fbb.decision, fbb.reason = indicativeDecision(b, grids, decisions)
		fb.blocks = append(fb.blocks, fbb)
	}
	o := exam.ProposeResult(ref, exam.KindMock, d.Session.Scope, sc, decisions)
	var acq []string
	for _, br := range o.Blocks {
		if br.Outcome == exam.OutcomeAcquired {
			acq = append(acq, br.Block)
		}
	}
	fb.result = resultLabel(ref, o.Result, acq)
	return fb
}

func observations(b *exam.Block, grids []exam.Grid, n int) string {
	return strings.Join(exam.Observations(b, grids, n), "\n")
}

// indicativeDecision is the jury's decision on block b, or else the app's
// proposal, and its reason.
func indicativeDecision(b *exam.Block, grids []exam.Grid, decisions []exam.BlockDecision) (string, string) {
	var dec *exam.BlockDecision
	for i := range decisions {
		if strings.EqualFold(decisions[i].Block, b.Code) || strings.EqualFold(decisions[i].Block, b.Short) {
			dec = &decisions[i]
		}
	}
	if dec != nil && (dec.Outcome == exam.OutcomeAcquired || dec.Outcome == exam.OutcomeNotAcquired) {
		reason := strings.TrimSpace(dec.Reason)
		return outcomeLabel(dec.Outcome, false) + " (décision du jury)", reason
	}
	p := exam.ProposeBlock(b, grids, exam.DefaultDecisionRule)
	var why []string
	if len(p.NotSatisfied) > 0 {
		why = append(why, "compétences non satisfaites : "+numbers(p.NotSatisfied))
	}
	if len(p.NotEvaluated) > 0 {
		why = append(why, "compétences non évaluées : "+numbers(p.NotEvaluated))
	}
	reason := "Toutes les compétences sont satisfaites."
	if len(why) > 0 {
		reason = strings.ToUpper(why[0][:1]) + strings.Join(why, " ; ")[1:] + "."
	}
	switch p.Outcome {
	case exam.OutcomeAcquired, exam.OutcomeNotAcquired:
		return outcomeLabel(p.Outcome, false) + " (proposition ; le jury n'a pas statué)", reason
	}
	return "Pas de décision : grille incomplète", reason
}

func numbers(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ", ")
}

func writeFeedback(doc *doc, d *FeedbackDoc, fb feedback) {
	s, c := d.Session, &d.Candidate.Candidate
	doc.title(feedbackTitle, 15)
	doc.space(1)
	doc.para(fmt.Sprintf("Titre professionnel %s%s — %s", d.Referentiel.Title, acronymSuffix(d.Referentiel), d.Referentiel.Code), "", 9.5, 4.8)
	doc.space(3)
	doc.box(feedbackNote, "B", 10, [3]int{0, 0, 0})
	doc.space(3)
	session := "Examen blanc"
	if s.Reference != "" {
		session += " n° " + s.Reference
	}
	if s.Place != "" {
		session += " — " + s.Place
	}
	if s.TrainingCentre != "" {
		session += " — " + s.TrainingCentre
	}
	name := c.BirthName + " " + c.FirstNames
	if c.UsageName != "" && !strings.EqualFold(c.UsageName, c.BirthName) {
		name += " (nom d'usage : " + c.UsageName + ")"
	}
	doc.fields([]field{
		{"Candidat", name},
		{"Né(e) le", orDash(c.BirthDate.String())},
		{"N° candidat", orDash(c.Number)},
		{"Session", session},
		{"Date", sessionDates(s)},
	}, 32)
	for _, b := range fb.blocks {
		doc.heading(b.block.Short+" — "+b.block.Title, 22)
		if b.status != "" {
			doc.para(b.status, "I", 9.5, 5)
			continue
		}
		rows := make([][]string, len(b.rows))
		for i, r := range b.rows {
			rows[i] = []string{fmt.Sprint(r.number), r.title, r.verdict, orDash(r.observation)}
		}
		doc.table(fit([]column{
			{"N°", 9, "C", ""},
			{"Compétence", 66, "L", ""},
			{"Appréciation du jury", 30, "L", "B"},
			{"Observations", 75, "L", ""},
		}), rows)
		doc.space(2)
		fs := []field{{"Décision indicative", b.decision}}
		if b.reason != "" {
			fs = append(fs, field{"Motif", b.reason})
		}
		doc.fields(fs, 38)
	}
	doc.heading("Résultat indicatif", 15)
	doc.fields([]field{{"Résultat global", fb.result + " (indicatif)"}}, 38)
	doc.space(3)
	doc.box(feedbackNote+" Les CCP se valident uniquement lors d'une session de validation devant un jury habilité.", "", 9, colourMuted)
}
