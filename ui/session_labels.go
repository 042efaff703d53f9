package ui

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/amisjury/amis/exam"
)

// Labels of the session domain: kinds, states, verdicts, outcomes, results,
// times. Every word goes through lang.L; durations are built from their
// parts (exam.HoursMinutes) so that English gets its own words.

// sessionKinds and sessionScopes are the choices of the editor, in order.
var (
	sessionKinds  = []exam.SessionKind{exam.KindCertification, exam.KindMock}
	sessionScopes = []exam.Scope{exam.ScopeFullTitle, exam.ScopeCCP}
)

func kindLabel(k exam.SessionKind) string {
	switch k {
	case exam.KindCertification:
		return lang.L("session.kind.certification")
	case exam.KindMock:
		return lang.L("session.kind.mock")
	}
	return string(k)
}

func scopeLabel(s exam.Scope) string {
	switch s {
	case exam.ScopeFullTitle:
		return lang.L("session.scope.full_title")
	case exam.ScopeCCP:
		return lang.L("session.scope.ccp")
	}
	return string(s)
}

// sessionState is the state word of a session and the importance it is
// shown with: brouillon, en cours, signé, modifié.
func sessionState(started, signed, amended bool) (string, widget.Importance) {
	switch {
	case signed && amended:
		return lang.L("session.state.amended"), widget.WarningImportance
	case signed:
		return lang.L("session.state.signed"), widget.SuccessImportance
	case started:
		return lang.L("session.state.running"), widget.HighImportance
	}
	return lang.L("session.state.draft"), widget.MediumImportance
}

// dateRange is "12/06/2026" or "12/06/2026 – 13/06/2026".
func dateRange(start, end exam.Date) string {
	if end.IsZero() || end == start {
		return start.String()
	}
	return lang.L("session.dates", map[string]any{"Start": start.String(), "End": end.String()})
}

// sessionTitle is "Session de validation · 12/06/2026 · Lyon".
func sessionTitle(s *exam.Session) string {
	parts := []string{sentence(kindLabel(s.Kind)), dateRange(s.StartDate, s.EndDate)}
	if s.Place != "" {
		parts = append(parts, s.Place)
	}
	if s.Reference != "" {
		parts = append(parts, s.Reference)
	}
	return strings.Join(parts, " · ")
}

// durationText writes d truncated to the minute: "45 min", "1 h", "1 h 20".
func durationText(d time.Duration) string {
	if d < 0 {
		return "-" + durationText(-d)
	}
	h, m := exam.HoursMinutes(d)
	data := map[string]any{"H": h, "M": m, "MM": twoDigits(m)}
	switch {
	case h == 0:
		return lang.L("duration.minutes", data)
	case m == 0:
		return lang.L("duration.hours", data)
	}
	return lang.L("duration.hours_minutes", data)
}

func twoDigits(n int) string {
	if n < 10 && n >= 0 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// allowanceText is the time of an épreuve as jury and candidate see it:
// "1 h 20 (base 1 h)" (exam.TrialTime.Label, translated).
func allowanceText(working, base time.Duration) string {
	return lang.L("time.allowance", map[string]any{"Working": durationText(working), "Base": durationText(base)})
}

// trialTimeText is allowanceText of a TrialTime.
func trialTimeText(tt exam.TrialTime) string { return allowanceText(tt.Working(), tt.Base) }

// clockText is "10:45" in local time.
func clockText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("15:04")
}

// dateTimeText is "12/06/2026 à 10:45".
func dateTimeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.Local()
	return lang.L("datetime", map[string]any{"Date": exam.DateOf(t).String(), "Time": t.Format("15:04")})
}

// shortClock is an elapsed time as "3:12" under an hour, "1:03:12" above.
func shortClock(d time.Duration) string {
	if d < 0 {
		return "-" + shortClock(-d)
	}
	s := int64((d + time.Second - 1) / time.Second)
	if s < 3600 {
		return fmt.Sprintf("%d:%02d", s/60, s%60)
	}
	return exam.FormatClock(d)
}

func verdictLabel(v exam.Verdict) string {
	switch v {
	case exam.Satisfied:
		return lang.L("verdict.satisfied")
	case exam.NotSatisfied:
		return lang.L("verdict.not_satisfied")
	}
	return lang.L("verdict.not_evaluated")
}

// verdictWord is the verdict inside a sentence: "satisfait".
func verdictWord(v exam.Verdict) string {
	switch v {
	case exam.Satisfied:
		return lang.L("verdict.word.satisfied")
	case exam.NotSatisfied:
		return lang.L("verdict.word.not_satisfied")
	}
	return lang.L("verdict.word.not_evaluated")
}

// verdicts are the options of a competence's radio group, in order.
var verdicts = []exam.Verdict{exam.Satisfied, exam.NotSatisfied, exam.NotEvaluated}

func outcomeLabel(o exam.BlockOutcome) string {
	switch o {
	case exam.OutcomeAcquired:
		return lang.L("outcome.acquired")
	case exam.OutcomeNotAcquired:
		return lang.L("outcome.not_acquired")
	case exam.OutcomeAlreadyAcquired:
		return lang.L("outcome.already_acquired")
	case exam.OutcomeNotSat:
		return lang.L("outcome.not_sat")
	}
	return lang.L("outcome.pending")
}

// outcomes are the decisions the jury may take, in order.
var outcomes = []exam.BlockOutcome{exam.OutcomeAcquired, exam.OutcomeNotAcquired}

// resultText is "titre obtenu", "certification partielle (CCP1, CCP3)",
// "non obtenu", "absent", "en attente (CCP2)"; shorts are the short codes
// of the blocks acquired (partial) or pending.
func resultText(r exam.Result, shorts []string) string {
	data := map[string]any{"Blocks": strings.Join(shorts, ", ")}
	switch r {
	case exam.ResultTitle:
		return lang.L("result.title")
	case exam.ResultPartial:
		if len(shorts) == 0 {
			return lang.L("result.partial")
		}
		return lang.L("result.partial_blocks", data)
	case exam.ResultNotObtained:
		return lang.L("result.not_obtained")
	case exam.ResultAbsent:
		return lang.L("result.absent")
	}
	if len(shorts) == 0 {
		return lang.L("result.pending")
	}
	return lang.L("result.pending_blocks", data)
}

// shortCodes returns the short codes (CCP1) of RNCP block codes.
func shortCodes(ref *exam.Referentiel, codes []string) []string {
	var out []string
	for _, c := range codes {
		if b := ref.Block(c); b != nil {
			out = append(out, b.Short)
		} else {
			out = append(out, c)
		}
	}
	return out
}

// overallText is resultText of a proposed result: the blocks acquired in
// this session for a partial one (those it would give in a mock exam), the
// pending ones while some decision is missing.
func overallText(ref *exam.Referentiel, r exam.OverallResult) string {
	var shorts []string
	switch r.Result {
	case exam.ResultPartial:
		for _, b := range r.Blocks {
			if b.Outcome == exam.OutcomeAcquired {
				shorts = append(shorts, b.Short)
			}
		}
	case exam.ResultPending:
		shorts = shortCodes(ref, r.Pending)
	}
	text := resultText(r.Result, shorts)
	if r.Indicative {
		text = lang.L("result.indicative", map[string]any{"Result": text})
	}
	return text
}

// blocksText is "CCP1 : acquis · CCP2 : non acquis · CCP3 : déjà acquis".
func blocksText(r exam.OverallResult) string {
	var parts []string
	for _, b := range r.Blocks {
		if b.Outcome == exam.OutcomeNotSat {
			continue
		}
		parts = append(parts, lang.L("block.outcome", map[string]any{"Block": b.Short, "Outcome": outcomeLabel(b.Outcome)}))
	}
	return strings.Join(parts, " · ")
}

func incidentKindLabel(k exam.IncidentKind) string {
	return lang.X("incident.kind."+string(k), string(k))
}

func juryRoleLabel(r exam.JuryRole) string {
	switch r {
	case exam.JuryPresident:
		return lang.L("jury.role.president")
	case exam.JuryMember:
		return lang.L("jury.role.member")
	}
	return string(r)
}

// juryRoles are the options of a member's role, in order.
var juryRoles = []exam.JuryRole{exam.JuryPresident, exam.JuryMember}

// conflictText is "Jean MARTIN (a formé ou accompagné le candidat)".
func conflictText(c exam.Conflict) string {
	return lang.L("session.conflict.line", map[string]any{
		"Member": c.Member, "Reason": lang.X(c.Kind.Key(), c.Kind.Label()),
	})
}

// trialName is "Mise en situation professionnelle (MSP)".
func trialName(ref *exam.Referentiel, code string) string {
	if t := ref.Trial(code); t != nil {
		return lang.L("trial.name", map[string]any{"Title": t.Title, "Code": t.Code})
	}
	return code
}

// issueText is the translated warning of a schedule problem.
func issueText(is exam.ScheduleIssue) string {
	return sentence(lang.X(is.Key, is.Message, is.Data))
}

// sessionFieldRe splits "jury[1].habilitation" into its list, index and
// field.
var sessionFieldRe = regexp.MustCompile(`^(candidates|jury)\[(\d+)\](?:\.(.+))?$`)

// sessionFieldKeys are the labels of session fields in error messages.
var sessionFieldKeys = map[string]string{
	exam.FieldSessionKind:        "session.field.kind",
	exam.FieldSessionScope:       "session.field.scope",
	exam.FieldSessionReference:   "session.field.reference",
	exam.FieldSessionStart:       "session.field.start_date",
	exam.FieldSessionEnd:         "session.field.end_date",
	exam.FieldSessionPlace:       "session.field.place",
	exam.FieldSessionReferentiel: "session.field.referentiel",
	exam.FieldSessionVersion:     "session.field.referentiel_version",
	exam.FieldSessionDayHours:    "session.field.day_hours",
	exam.FieldSessionChangeover:  "session.field.changeover",
	exam.FieldSessionCandidates:  "session.field.candidates",
	exam.FieldSessionJury:        "session.field.jury",
	"started_at":                 "session.field.started_at",
}

// sessionFieldLabel names a session field of an error: "Lieu",
// "Jury, membre 2", "Candidat 1".
func sessionFieldLabel(field string) (string, bool) {
	if k, ok := sessionFieldKeys[field]; ok {
		return lang.L(k), true
	}
	if m := sessionFieldRe.FindStringSubmatch(field); m != nil {
		n, _ := strconv.Atoi(m[2])
		key := "session.field.candidate_n"
		if m[1] == "jury" {
			key = "session.field.member_n"
		}
		return lang.L(key, map[string]any{"N": n + 1}), true
	}
	return "", false
}
