package xlsx

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage"
)

// Sheets of the right-of-access workbook, in order.
const (
	AccessSheetIdentity       = "Identité"
	AccessSheetSessions       = "Sessions"
	AccessSheetEvaluations    = "Évaluations"
	AccessSheetDecisions      = "Décisions"
	AccessSheetEvents         = "Déroulement"
	AccessSheetQCM            = "QCM"
	AccessSheetAccommodations = "Aménagements"
	AccessSheetAudit          = "Journal"
)

// AccessJustificationNote is the line of the Aménagements sheet that stands
// for the medical justification, which the workbook never holds.
const AccessJustificationNote = "Justificatif médical : il n'est pas reproduit ici. Il est détenu par le référent handicap, " +
	"qui le communique à la personne concernée sur sa demande."

const accessTitle = "Droit d'accès — données enregistrées"

// WriteAccess writes everything AMIS Jury stores about one candidate (a
// storage.AccessReport) as an .xlsx workbook, for their right of access:
// identity and contacts with the blocks acquired; the sessions with the
// result; the competence evaluations with their observations; the block
// decisions and reasons; incidents and clock events; the QCMs taken; the functional
// accommodations and the decision's reference (never the medical
// justification: a line says who holds it); and the audit entries about
// them. Texts are written as strings, never formulas.
func WriteAccess(w io.Writer, r *storage.AccessReport, ref *exam.Referentiel) error {
	if r == nil || ref == nil {
		return fmt.Errorf("write right-of-access workbook: the report and the référentiel are required")
	}
	f := excelize.NewFile()
	defer f.Close()
	a := &accessWriter{f: f, r: r, ref: ref}
	if err := a.write(); err != nil {
		return fmt.Errorf("write right-of-access workbook of candidate %d: %w", r.Candidate.ID, err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write right-of-access workbook of candidate %d: %w", r.Candidate.ID, err)
	}
	return nil
}

type accessWriter struct {
	f        *excelize.File
	r        *storage.AccessReport
	ref      *exam.Referentiel
	st       outStyles
	datetime int
}

func (a *accessWriter) write() error {
	c := &a.r.Candidate
	name := c.BirthName + " " + c.FirstNames
	if err := outDocProps(a.f, accessTitle+" — "+name, a.r.GeneratedAt); err != nil {
		return err
	}
	var err error
	if a.st, err = newOutStyles(a.f); err != nil {
		return err
	}
	format := "dd/mm/yyyy hh:mm"
	if a.datetime, err = a.f.NewStyle(&excelize.Style{CustomNumFmt: &format,
		Alignment: &excelize.Alignment{Vertical: "top", Horizontal: "left"}}); err != nil {
		return err
	}
	if err := a.f.SetSheetName(a.f.GetSheetName(0), AccessSheetIdentity); err != nil {
		return err
	}
	for _, step := range []func() error{a.identity, a.sessions, a.evaluations, a.decisions, a.events, a.qcm, a.accommodations, a.audit} {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// put writes v (nil or "" leaves the cell empty) with a style. A time.Time
// is written as a date and time of the computer's clock.
func (a *accessWriter) put(sheet string, col, row int, v any, style int) error {
	cell, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		return err
	}
	if t, ok := v.(time.Time); ok {
		v, style = outClock(t), a.datetime
	}
	if d, ok := v.(exam.Date); ok {
		v, style = outDate(d), a.st.date
	}
	if v != nil && v != "" {
		if s, ok := v.(string); ok {
			err = a.f.SetCellStr(sheet, cell, s)
		} else {
			err = a.f.SetCellValue(sheet, cell, v)
		}
		if err != nil {
			return err
		}
	}
	return a.f.SetCellStyle(sheet, cell, cell, style)
}

// table writes a sheet's title, its header row and its rows; an empty table
// gets the line empty instead.
func (a *accessWriter) table(sheet, title string, headers []string, widths []float64, rows [][]any, empty string) error {
	if sheet != AccessSheetIdentity {
		if _, err := a.f.NewSheet(sheet); err != nil {
			return err
		}
	}
	if err := a.put(sheet, 1, 1, title, a.st.title); err != nil {
		return err
	}
	const header = 3
	if err := outHeaderRow(a.f, sheet, header, headers, widths, a.st.header); err != nil {
		return err
	}
	if len(rows) == 0 {
		return a.put(sheet, 1, header+1, empty, a.st.text)
	}
	for i, row := range rows {
		for j, v := range row {
			if err := a.put(sheet, j+1, header+1+i, v, a.st.wrap); err != nil {
				return err
			}
		}
	}
	last, err := excelize.CoordinatesToCellName(len(headers), header+len(rows))
	if err != nil {
		return err
	}
	if err := a.f.AutoFilter(sheet, fmt.Sprintf("A%d:%s", header, last), nil); err != nil {
		return err
	}
	if err := outFreezeHeader(a.f, sheet, header); err != nil {
		return err
	}
	return outPrintSetup(a.f, sheet, title, fmt.Sprintf("$%d:$%d", header, header))
}

func (a *accessWriter) identity() error {
	c, sh := &a.r.Candidate, AccessSheetIdentity
	if err := a.put(sh, 1, 1, accessTitle, a.st.title); err != nil {
		return err
	}
	note := fmt.Sprintf("Extraction du %s par %s, AMIS Jury (règlement général sur la protection des données, article 15). "+
		"Chaque feuille reprend une partie des données.", a.r.GeneratedAt.In(time.Local).Format("02/01/2006 à 15:04"), a.r.GeneratedBy)
	if err := a.f.MergeCell(sh, "A2", "D2"); err != nil {
		return err
	}
	if err := a.put(sh, 1, 2, note, a.st.wrap); err != nil {
		return err
	}
	if err := a.f.SetRowHeight(sh, 2, 32); err != nil {
		return err
	}
	for col, width := range []float64{28, 40, 14, 24} {
		name, _ := excelize.ColumnNumberToName(col + 1)
		if err := a.f.SetColWidth(sh, name, name, width); err != nil {
			return err
		}
	}
	sst := any(c.SSTDate)
	if c.SSTDate.IsZero() {
		sst = "aucun"
	}
	row := 4
	for _, fl := range []struct {
		label string
		value any
	}{
		{"N° candidat", c.Number},
		{"Nom de naissance", c.BirthName},
		{"Nom d'usage", c.UsageName},
		{"Prénoms", c.FirstNames},
		{"Sexe", sexLabel(c.Sex)},
		{"Date de naissance", c.BirthDate},
		{"Commune de naissance", c.BirthCity},
		{"Pays de naissance", c.BirthCountry},
		{"Courriel", c.Email},
		{"Téléphone", c.Phone},
		{"Modalité d'accès", routeLabel(c.AccessRoute)},
		{"Centre de formation", c.TrainingCentre},
		{"Certificat SST", sst},
		{"Fiche créée le", c.CreatedAt},
		{"Fiche modifiée le", c.UpdatedAt},
	} {
		if err := a.put(sh, 1, row, fl.label, a.st.bold); err != nil {
			return err
		}
		if err := a.put(sh, 2, row, fl.value, a.st.text); err != nil {
			return err
		}
		row++
	}
	row++
	if err := a.put(sh, 1, row, "CCP acquis (livret de certification)", a.st.bold); err != nil {
		return err
	}
	row++
	if err := outHeaderRow(a.f, sh, row, []string{"CCP", "Intitulé", "Acquis le", "Session"}, nil, a.st.header); err != nil {
		return err
	}
	if len(c.Acquired) == 0 {
		return a.put(sh, 1, row+1, "Aucun", a.st.text)
	}
	for _, b := range c.Acquired {
		row++
		title := ""
		if blk := a.ref.Block(b.BlockCode); blk != nil {
			title = blk.Short + " — " + blk.Title
		}
		for i, v := range []any{b.BlockCode, title, b.Date, b.SessionRef} {
			if err := a.put(sh, i+1, row, v, a.st.wrap); err != nil {
				return err
			}
		}
	}
	return nil
}

func (a *accessWriter) sessions() error {
	id := a.r.Candidate.ID
	var rows [][]any
	for _, as := range a.r.Sessions {
		s := as.Session
		sc := s.Candidate(id)
		if sc == nil {
			continue
		}
		var jury []string
		for _, m := range s.Jury {
			jury = append(jury, m.Name+" ("+juryRoleLabel(m.Role)+")")
		}
		pv := "Non signé"
		if s.Locked() {
			pv = "Signé le " + s.SignedAt.In(time.Local).Format("02/01/2006")
		}
		presence := "Présent"
		if sc.Absent {
			presence = "Absent"
		}
		accommodations := ""
		if sc.Accommodations != nil {
			accommodations = sc.Accommodations.FrenchList()
		}
		row := []any{sessionLabel(s), kindLabel(s.Kind), scopeLabel(s.Scope), s.StartDate, s.EndDate, s.Place, s.TrainingCentre,
			sc.Employer, a.blocks(sc.Blocks), presence, sc.Jury, allowanceLabel(&sc.Allowance), accommodations,
			strings.Join(jury, ", "), pv}
		if r := as.Result; r != nil {
			row = append(row, resultLabel(r.Result), a.blocks(r.Acquired), r.FinalInterviewNotes, r.ConfirmedAt, r.ConfirmedBy)
		} else {
			row = append(row, "Pas de résultat confirmé")
		}
		rows = append(rows, row)
	}
	return a.table(AccessSheetSessions, "Sessions de validation et examens blancs",
		[]string{"Session", "Type", "Périmètre", "Du", "Au", "Lieu", "Centre", "Employeur", "CCP présentés", "Présence",
			"Sous-jury", "Temps accordé", "Aménagements appliqués", "Jury", "Procès-verbal", "Résultat",
			"CCP acquis dans la session", "Notes de l'entretien final", "Résultat confirmé le", "par"},
		[]float64{22, 14, 14, 12, 12, 20, 22, 18, 18, 10, 10, 22, 30, 40, 18, 20, 18, 40, 18, 18},
		rows, "Aucune session.")
}

func (a *accessWriter) evaluations() error {
	var rows [][]any
	for _, as := range a.r.Sessions {
		for _, g := range as.Grids {
			who := "Jury (grille collégiale)"
			if g.MemberID != 0 {
				who = fmt.Sprintf("membre %d", g.MemberID)
				if m := as.Session.Member(g.MemberID); m != nil {
					who = m.Name
				}
			}
			blk := a.ref.Block(g.Block)
			for _, as2 := range g.Assessments {
				title := ""
				short := g.Block
				if blk != nil {
					short = blk.Short
					for _, c := range blk.Competences {
						if c.Number == as2.Competence {
							title = c.Title
						}
					}
				}
				rows = append(rows, []any{sessionLabel(as.Session), short, who, as2.Competence, title,
					verdictLabel(as2.Verdict), as2.Observation, g.UpdatedAt})
			}
		}
	}
	return a.table(AccessSheetEvaluations, "Évaluation des compétences (grilles du jury)",
		[]string{"Session", "CCP", "Évaluateur", "N°", "Compétence", "Appréciation", "Observation", "Enregistrée le"},
		[]float64{22, 8, 24, 5, 60, 16, 60, 18}, rows, "Aucune évaluation.")
}

func (a *accessWriter) decisions() error {
	var rows [][]any
	for _, as := range a.r.Sessions {
		for _, d := range as.Decisions {
			short := d.Block
			if blk := a.ref.Block(d.Block); blk != nil {
				short = blk.Short + " — " + blk.Title
			}
			proposed := outcomeLabel(d.Proposed)
			if d.Proposed == exam.OutcomePending {
				proposed = "Aucune"
			}
			rows = append(rows, []any{sessionLabel(as.Session), short, proposed, outcomeLabel(d.Outcome), d.Reason, d.DecidedAt})
		}
	}
	return a.table(AccessSheetDecisions, "Décisions du jury par CCP",
		[]string{"Session", "CCP", "Proposition", "Décision", "Motif", "Décidée le"},
		[]float64{22, 50, 16, 16, 60, 18}, rows, "Aucune décision.")
}

func (a *accessWriter) events() error {
	var rows [][]any
	for _, as := range a.r.Sessions {
		for _, i := range as.Incidents {
			rows = append(rows, []any{sessionLabel(as.Session), "Incident", i.Trial, i.At, i.Kind.French(), i.Text, i.RecordedBy})
		}
		for _, e := range as.Timer {
			text := e.Reason
			if e.Kind == exam.TimerExtra {
				text = strings.TrimSpace("Temps supplémentaire : " + exam.FormatDuration(e.Extra) + ". " + e.Reason)
			}
			rows = append(rows, []any{sessionLabel(as.Session), "Chronomètre", e.Trial, e.At, timerLabel(e.Kind), text, ""})
		}
	}
	return a.table(AccessSheetEvents, "Déroulement des épreuves : incidents et chronomètre",
		[]string{"Session", "Type", "Épreuve", "Date et heure", "Nature", "Texte ou motif", "Noté par"},
		[]float64{22, 14, 10, 18, 26, 60, 18}, rows, "Aucun incident ni événement de chronomètre.")
}

func (a *accessWriter) qcm() error {
	var rows [][]any
	for _, t := range a.r.QCM {
		var ended, score any
		if !t.EndedAt.IsZero() {
			ended = t.EndedAt
		}
		if t.Right != nil && t.Total != nil {
			score = fmt.Sprintf("%d / %d", *t.Right, *t.Total)
		}
		rows = append(rows, []any{t.Title, exam.QuestionnaireKind(t.Kind).French(), t.StartedAt, ended, qcmEndLabel(t.EndReason), t.Items, t.Answered, score})
	}
	return a.table(AccessSheetQCM, "Questionnaires à choix multiples (QCM)",
		[]string{"Questionnaire", "Type", "Commencé le", "Terminé le", "Fin", "Questions", "Réponses données", "Score"},
		[]float64{40, 22, 18, 18, 16, 10, 16, 10}, rows, "Aucun QCM.")
}

func (a *accessWriter) accommodations() error {
	sh := AccessSheetAccommodations
	var rows [][]any
	p := a.r.Profile
	if p != nil {
		d := p.Decision
		for _, fl := range []struct {
			label string
			value any
		}{
			{"Décision : autorité", d.Authority},
			{"Décision : date", d.Date},
			{"Décision : référence", d.Reference},
			{"Valable à partir du", d.ValidFrom},
			{"Valable jusqu'au", d.ValidTo},
		} {
			if v, ok := fl.value.(exam.Date); ok && v.IsZero() {
				continue
			}
			if v, ok := fl.value.(string); ok && v == "" {
				continue
			}
			rows = append(rows, []any{fl.label, fl.value})
		}
		for _, it := range p.Items() {
			rows = append(rows, []any{"Aménagement", it.French})
		}
		if p.JuryInstructions != "" {
			rows = append(rows, []any{"Consignes au jury", p.JuryInstructions})
		}
		if !p.Updated.IsZero() {
			rows = append(rows, []any{"Modifié le", p.Updated})
		}
		if p.UpdatedBy != "" {
			rows = append(rows, []any{"Modifié par", p.UpdatedBy})
		}
	}
	if len(rows) == 0 {
		rows = append(rows, []any{"Aménagement", "Aucun aménagement enregistré."})
	}
	rows = append(rows, []any{"Justificatif médical", AccessJustificationNote})
	return a.table(sh, "Aménagements des épreuves (situation de handicap)", []string{"Rubrique", "Contenu"},
		[]float64{28, 90}, rows, "")
}

func (a *accessWriter) audit() error {
	var rows [][]any
	for _, e := range a.r.Audit {
		rows = append(rows, []any{e.ID, e.At, e.Actor.Name, string(e.Actor.Role), e.Action, e.Old, e.New})
	}
	return a.table(AccessSheetAudit, "Journal des opérations sur ces données (valeurs avant et après, JSON)",
		[]string{"N°", "Date et heure", "Auteur", "Rôle", "Opération", "Avant", "Après"},
		[]float64{8, 18, 20, 10, 24, 60, 60}, rows, "Aucune opération.")
}

// blocks lists RNCP codes as their short names (CCP1, CCP2).
func (a *accessWriter) blocks(codes []string) string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = c
		if b := a.ref.Block(c); b != nil {
			out[i] = b.Short
		}
	}
	return strings.Join(out, ", ")
}

func sessionLabel(s *exam.Session) string {
	if s.Reference != "" {
		return s.Reference
	}
	return "Session " + strconv.FormatInt(s.ID, 10) + " du " + s.StartDate.String()
}

func sexLabel(s exam.Sex) string {
	switch s {
	case exam.Female:
		return "Féminin"
	case exam.Male:
		return "Masculin"
	}
	return string(s)
}

func allowanceLabel(t *exam.TimeAllowance) string {
	var parts []string
	if t.ExtraPercent > 0 {
		parts = append(parts, fmt.Sprintf("+%d %%", t.ExtraPercent))
	}
	if t.ExtraMinutes > 0 {
		parts = append(parts, fmt.Sprintf("+%d min", t.ExtraMinutes))
	}
	if n := len(t.Breaks); n > 0 {
		parts = append(parts, fmt.Sprintf("%d pause(s)", n))
	}
	if t.StartOffset != 0 {
		parts = append(parts, "début décalé de "+exam.FormatDuration(t.StartOffset))
	}
	for _, o := range t.Overrides {
		parts = append(parts, fmt.Sprintf("%s : +%d %% +%d min (%s)", o.Trial, o.ExtraPercent, o.ExtraMinutes, o.Reason))
	}
	return strings.Join(parts, " ; ")
}

func timerLabel(k exam.TimerEventKind) string {
	switch k {
	case exam.TimerStart:
		return "Début"
	case exam.TimerPause:
		return "Pause"
	case exam.TimerResume:
		return "Reprise"
	case exam.TimerEnd:
		return "Fin"
	case exam.TimerExtra:
		return "Temps supplémentaire modifié"
	}
	return string(k)
}

func qcmEndLabel(r string) string {
	switch r {
	case "done":
		return "Terminé"
	case "time_up":
		return "Temps écoulé"
	case "stopped":
		return "Arrêté"
	case "":
		return "En cours"
	}
	return r
}
