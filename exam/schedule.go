package exam

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// TimeOfDay is a clock time in minutes after midnight (18:00 is 1080).
type TimeOfDay int

// NewTimeOfDay returns h:m.
func NewTimeOfDay(h, m int) TimeOfDay { return TimeOfDay(h*60 + m) }

// Valid reports whether t lies between 00:00 and 23:59.
func (t TimeOfDay) Valid() bool { return t >= 0 && t < 24*60 }

// String writes t as hh:mm.
func (t TimeOfDay) String() string { return fmt.Sprintf("%02d:%02d", int(t)/60, int(t)%60) }

// On returns the time t on the civil day of day, in day's location.
func (t TimeOfDay) On(day time.Time) time.Time {
	y, m, d := day.Date()
	return time.Date(y, m, d, int(t)/60, int(t)%60, 0, 0, day.Location())
}

// ParseTimeOfDay reads "18:00", "18h00", "18 h 30", "18h" or "8:30"; blank
// input gives 0 and no error.
func ParseTimeOfDay(s string) (TimeOfDay, error) {
	s = strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	if s == "" {
		return 0, nil
	}
	bad := Errorf(EINVALID, "err.time_of_day", "“{{.Value}}” is not a time of day (expected hh:mm)", map[string]any{"Value": s})
	h, m, found := strings.Cut(s, ":")
	if !found {
		h, m, _ = strings.Cut(s, "h")
	}
	hh, err := strconv.Atoi(h)
	if err != nil || len(h) > 2 {
		return 0, bad
	}
	mm := 0
	if m != "" {
		if mm, err = strconv.Atoi(m); err != nil || len(m) != 2 {
			return 0, bad
		}
	}
	if hh < 0 || hh > 23 || mm < 0 || mm > 59 {
		return 0, bad
	}
	return NewTimeOfDay(hh, mm), nil
}

// PlannedTrial is one épreuve in a candidate's plan.
type PlannedTrial struct {
	Trial string // épreuve code
	// At fixes the start (of the preparation, if any); zero: right after the
	// previous épreuve and the changeover. Use it to spread épreuves over
	// days or to place an épreuve by hand.
	At time.Time
	// Jury is the panel sitting for this épreuve, "" for the candidate's
	// panel; NoJury marks an épreuve the jury does not attend (a supervised
	// written questionnaire).
	Jury   string
	NoJury bool
}

// CandidatePlan is what the schedule needs to know of one candidate.
type CandidatePlan struct {
	CandidateID int64
	Name        string
	// Start is the planned start of the candidate's first épreuve, before
	// the allowance's start offset.
	Start     time.Time
	Allowance TimeAllowance
	// Jury is the panel examining the candidate, "" for the whole jury.
	Jury   string
	Trials []PlannedTrial
	// SpreadDays spreads the épreuves over that many consecutive days (the
	// accommodation profile's SpreadDays; 0 or 1: one day): see Day.
	SpreadDays int
}

// Day is the day (0 for the first) on which the plan's épreuve j of n takes
// place: the épreuves are shared out in order over SpreadDays days as evenly
// as they go, the later days never fuller than the earlier ones (4 épreuves
// over 2 days: 2 and 2; 3 over 2: 2 and 1).
func (p *CandidatePlan) Day(j, n int) int {
	days := min(p.SpreadDays, n)
	if days <= 1 || n <= 0 {
		return 0
	}
	return j * days / n
}

// TrialsFor returns the épreuves of ref that concern the given blocks (RNCP
// or short codes), in référentiel order: those evaluating at least one of
// them, and those evaluating every block (no block listed, such as the
// entretien final).
func TrialsFor(ref *Referentiel, blocks []string) []Trial {
	sat := map[string]bool{}
	for _, code := range blocks {
		if b := ref.Block(code); b != nil {
			sat[b.Code] = true
		}
	}
	var out []Trial
	for _, t := range ref.Trials {
		keep := len(t.Blocks) == 0
		for _, code := range t.Blocks {
			if b := ref.Block(code); b != nil && sat[b.Code] {
				keep = true
			}
		}
		if keep {
			out = append(out, t)
		}
	}
	return out
}

// PlanCandidate returns the default plan of a registered candidate starting
// at start: the épreuves of the blocks sat, one after the other.
func PlanCandidate(ref *Referentiel, sc *SessionCandidate, start time.Time) CandidatePlan {
	p := CandidatePlan{
		CandidateID: sc.Candidate.ID,
		Name:        sc.Candidate.DisplayName(),
		Start:       start,
		Allowance:   sc.Allowance,
		Jury:        sc.Jury,
	}
	if sc.Accommodations != nil {
		p.SpreadDays = sc.Accommodations.SpreadDays
	}
	for _, t := range TrialsFor(ref, sc.Blocks) {
		p.Trials = append(p.Trials, PlannedTrial{Trial: t.Code})
	}
	return p
}

// ScheduleOptions are the session-wide settings of a schedule.
type ScheduleOptions struct {
	// DayEnd is the configured end of the day; 0: not checked.
	DayEnd TimeOfDay
	// Changeover is the time between two épreuves of one candidate.
	Changeover time.Duration
}

// ScheduleOptions returns the session's schedule settings.
func (s *Session) ScheduleOptions() ScheduleOptions {
	return ScheduleOptions{DayEnd: s.DayEnd, Changeover: s.Changeover}
}

// Slot is one épreuve of one candidate in the schedule.
type Slot struct {
	CandidateID int64
	Candidate   string
	Trial       string // épreuve code
	Title       string
	// Jury is the panel sitting for the épreuve; JuryBusy is false when the
	// jury does not attend.
	Jury     string
	JuryBusy bool
	Time     TrialTime
	// PrepStart is the start of the preparation (equal to Start when there
	// is none); End is Start plus working time plus planned breaks.
	PrepStart, Start, End time.Time
}

// IssueKind is a kind of schedule problem.
type IssueKind string

// Schedule problems. They are reported, never fixed silently.
const (
	IssueCandidateOverlap IssueKind = "candidate_overlap" // a candidate in two épreuves at once
	IssueJuryOverlap      IssueKind = "jury_overlap"      // a jury needed by two candidates at once
	IssueLateDay          IssueKind = "late_day"          // an épreuve ends after the end of the day
)

// ScheduleIssue is one problem of a schedule. Slot and Other index
// Schedule.Slots (Other is -1 for a late day); Key, Message and Data give the
// translated warning, as for Error.
type ScheduleIssue struct {
	Kind    IssueKind
	Slot    int
	Other   int
	Key     string
	Message string
	Data    map[string]any
}

// Schedule is the timetable of a session: the slots, candidate by candidate
// in plan order, each candidate's épreuves in order, and its problems.
type Schedule struct {
	Slots  []Slot
	Issues []ScheduleIssue
}

// For returns the slots of one candidate, in order.
func (s Schedule) For(candidateID int64) []Slot {
	var out []Slot
	for _, sl := range s.Slots {
		if sl.CandidateID == candidateID {
			out = append(out, sl)
		}
	}
	return out
}

// BuildSchedule computes the slots of every plan: each épreuve starts at its
// fixed time or after the previous one and the changeover, the first at the
// plan's Start moved by the allowance's StartOffset (and the first of each
// later day of a spread plan at the same time of day, see CandidatePlan.Day); its preparation, working
// time and planned breaks come from the référentiel durations and the
// allowance (TimeAllowance.Allot). The problems found by CheckSchedule are in
// Issues. It returns an EINVALID error for an unknown épreuve or a plan with
// no start.
func BuildSchedule(ref *Referentiel, plans []CandidatePlan, opt ScheduleOptions) (Schedule, error) {
	var v Validation
	var slots []Slot
	for i := range plans {
		p := &plans[i]
		var first, next time.Time
		if !p.Start.IsZero() {
			first = p.Start.Round(0).Add(p.Allowance.StartOffset)
			next = first
		}
		for j, pt := range p.Trials {
			if d := p.Day(j, len(p.Trials)); j > 0 && d != p.Day(j-1, len(p.Trials)) && !first.IsZero() {
				// A later day of a spread plan starts at the same time of
				// day as the first (AddDate keeps the wall clock across a
				// change of UTC offset).
				next = first.AddDate(0, 0, d)
			}
			f := fmt.Sprintf("plans[%d].trials[%d]", i, j)
			tr := ref.Trial(pt.Trial)
			if tr == nil {
				v.Add(f, "err.schedule.trial_unknown", "{{.Candidate}}: unknown épreuve “{{.Trial}}”", map[string]any{"Candidate": p.Name, "Trial": pt.Trial})
				continue
			}
			start := next
			if !pt.At.IsZero() {
				start = pt.At.Round(0)
			}
			if start.IsZero() {
				v.Add(f, "err.schedule.start", "{{.Candidate}}: {{.Trial}} has no start time", map[string]any{"Candidate": p.Name, "Trial": pt.Trial})
				continue
			}
			tt := p.Allowance.Allot(*tr)
			sl := Slot{
				CandidateID: p.CandidateID, Candidate: p.Name,
				Trial: tr.Code, Title: tr.Title,
				Jury: p.Jury, JuryBusy: !pt.NoJury,
				Time:      tt,
				PrepStart: start,
				Start:     start.Add(tt.PrepTotal()),
			}
			if pt.Jury != "" {
				sl.Jury = pt.Jury
			}
			sl.End = sl.Start.Add(tt.Working() + tt.Breaks)
			slots = append(slots, sl)
			next = sl.End.Add(opt.Changeover)
		}
	}
	if len(v.Fields) > 0 {
		return Schedule{}, &Error{Code: EINVALID, Key: "err.schedule.invalid", Message: "the schedule cannot be computed", Fields: v.Fields}
	}
	return Schedule{Slots: slots, Issues: CheckSchedule(slots, opt)}, nil
}

// CheckSchedule reports the problems of a set of slots, for instance after a
// slot was moved by hand: a candidate in two épreuves at once (preparation
// included), one panel attending two candidates at once (preparation
// excluded: the jury does not attend it), and, when opt.DayEnd is set, an
// épreuve ending after the end of the day it starts on. Nothing is cut.
func CheckSchedule(slots []Slot, opt ScheduleOptions) []ScheduleIssue {
	var out []ScheduleIssue
	for i := range slots {
		a := &slots[i]
		for j := i + 1; j < len(slots); j++ {
			b := &slots[j]
			switch {
			case a.CandidateID == b.CandidateID:
				if a.PrepStart.Before(b.End) && b.PrepStart.Before(a.End) {
					out = append(out, ScheduleIssue{
						Kind: IssueCandidateOverlap, Slot: i, Other: j,
						Key:     "warn.schedule.candidate_overlap",
						Message: "{{.Candidate}}: {{.Trial}} ({{.Start}}–{{.End}}) overlaps {{.OtherTrial}} ({{.OtherStart}}–{{.OtherEnd}})",
					})
				}
			case a.JuryBusy && b.JuryBusy && a.Jury == b.Jury:
				if a.Start.Before(b.End) && b.Start.Before(a.End) {
					out = append(out, ScheduleIssue{
						Kind: IssueJuryOverlap, Slot: i, Other: j,
						Key:     "warn.schedule.jury_overlap",
						Message: "the same jury is needed at the same time by {{.Candidate}} ({{.Trial}}, {{.Start}}–{{.End}}) and {{.OtherCandidate}} ({{.OtherTrial}}, {{.OtherStart}}–{{.OtherEnd}})",
					})
				}
			}
		}
		if opt.DayEnd > 0 {
			if end := opt.DayEnd.On(a.PrepStart); a.End.After(end) {
				out = append(out, ScheduleIssue{
					Kind: IssueLateDay, Slot: i, Other: -1,
					Key:     "warn.schedule.late_day",
					Message: "{{.Candidate}}: {{.Trial}} ends at {{.End}}, after the end of the day ({{.DayEnd}}), {{.Late}} late",
					Data:    map[string]any{"DayEnd": opt.DayEnd.String(), "Late": FormatDuration(a.End.Sub(end))},
				})
			}
		}
	}
	for k := range out {
		is := &out[k]
		a := &slots[is.Slot]
		if is.Data == nil {
			is.Data = map[string]any{}
		}
		is.Data["Candidate"], is.Data["Trial"], is.Data["Jury"] = a.Candidate, a.Trial, a.Jury
		is.Data["Start"], is.Data["End"] = clockOf(a.Start, a.PrepStart), clockOf(a.End, a.PrepStart)
		if is.Other >= 0 {
			b := &slots[is.Other]
			is.Data["OtherCandidate"], is.Data["OtherTrial"] = b.Candidate, b.Trial
			is.Data["OtherStart"], is.Data["OtherEnd"] = clockOf(b.Start, a.PrepStart), clockOf(b.End, a.PrepStart)
		}
		if is.Kind == IssueCandidateOverlap {
			is.Data["Start"] = clockOf(a.PrepStart, a.PrepStart)
			is.Data["OtherStart"] = clockOf(slots[is.Other].PrepStart, a.PrepStart)
		}
		is.Message = render(is.Message, is.Data)
	}
	return out
}

// clockOf writes t as hh:mm, with the date (jj/mm hh:mm) when t falls on
// another day than ref.
func clockOf(t, ref time.Time) string {
	if DateOf(t) == DateOf(ref.In(t.Location())) {
		return t.Format("15:04")
	}
	return t.Format("02/01 15:04")
}
