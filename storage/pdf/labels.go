package pdf

import (
	"strings"
	"time"

	"github.com/amisjury/amis/exam"
)

// The documents are official French documents: their words are French
// only and live here, not in the UI translations.

// Per-CCP result labels of the PV.
const (
	labelAcquired        = "Acquis"
	labelNotAcquired     = "Non acquis"
	labelAlreadyAcquired = "Déjà acquis"
	labelNotSat          = "Non présenté"
	labelPending         = "En attente"
)

// outcomeLabel is the PV label of a block's outcome; absent candidates
// present none of their blocks.
func outcomeLabel(o exam.BlockOutcome, absent bool) string {
	switch o {
	case exam.OutcomeAcquired:
		return labelAcquired
	case exam.OutcomeNotAcquired:
		return labelNotAcquired
	case exam.OutcomeAlreadyAcquired:
		return labelAlreadyAcquired
	case exam.OutcomeNotSat:
		return labelNotSat
	}
	if absent {
		return labelNotSat
	}
	return labelPending
}

// resultLabel is the overall decision: "Titre obtenu", "Certification
// partielle (CCP1, CCP3)"… acquired lists the RNCP codes acquired in the
// session.
func resultLabel(ref *exam.Referentiel, r exam.Result, acquired []string) string {
	switch r {
	case exam.ResultTitle:
		return "Titre obtenu"
	case exam.ResultPartial:
		if len(acquired) == 0 {
			return "Certification partielle"
		}
		return "Certification partielle (" + strings.Join(shortCodes(ref, acquired), ", ") + ")"
	case exam.ResultNotObtained:
		return "Non obtenu"
	case exam.ResultAbsent:
		return "Absent"
	}
	return "En attente de décision"
}

// shortCodes turns RNCP block codes into CCP numbers, in référentiel order.
func shortCodes(ref *exam.Referentiel, codes []string) []string {
	var out []string
	for _, b := range ref.Blocks {
		for _, c := range codes {
			if strings.EqualFold(c, b.Code) || strings.EqualFold(c, b.Short) {
				out = append(out, b.Short)
				break
			}
		}
	}
	return out
}

// verdictLabel is how a competence stands in the jury's view.
func verdictLabel(cv exam.CompetenceView) string {
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

func roleLabel(r exam.JuryRole) string {
	if r == exam.JuryPresident {
		return "Président du jury"
	}
	return "Membre du jury"
}

func scopeLabel(s exam.Scope) string {
	if s == exam.ScopeCCP {
		return "par CCP (parcours progressif)"
	}
	return "titre complet"
}

// sessionDates is "le 02/03/2026" or "du 02/03/2026 au 03/03/2026".
func sessionDates(s *exam.Session) string {
	if s.EndDate.IsZero() || s.EndDate == s.StartDate {
		return "le " + s.StartDate.String()
	}
	return "du " + s.StartDate.String() + " au " + s.EndDate.String()
}

// local is t on the computer's clock: times are stored as instants and
// shown where the documents are printed.
func local(t time.Time) time.Time { return t.In(time.Local) }

// stamp is "03/03/2026 à 17:42".
func stamp(t time.Time) string { return local(t).Format("02/01/2006 à 15:04") }

// dateTime is "03/03/2026 17:42", for table cells.
func dateTime(t time.Time) string { return local(t).Format("02/01/2006 15:04") }

// candidateName is the name as the civil status has it: birth name and
// first names, then the usage name on its own line when there is one.
func candidateName(c *exam.Candidate) string {
	n := c.BirthName + " " + c.FirstNames
	if c.UsageName != "" && !strings.EqualFold(c.UsageName, c.BirthName) {
		n += "\nnom d'usage : " + c.UsageName
	}
	return n
}

// orDash is s, or a dash for an empty value.
func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}
