package exam

import (
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// Bounds checked by TimeAllowance.Validate. A tiers-temps is 33 %; more is
// possible on a reasoned decision, up to double time.
const (
	MaxExtraPercent = 100
	MaxExtraMinutes = 240
	MaxStartOffset  = 4 * time.Hour
	MaxBreakLength  = 2 * time.Hour
	MinBreakEvery   = 10 * time.Minute
)

// TimeAllowance is the time part of a candidate's accommodations, as the
// accessibility referent records it: extra time as a percentage and as fixed
// minutes (kept separately), a start offset, planned breaks and per-épreuve
// overrides. The zero value grants nothing.
//
// The combination rule is the only one of the app (see docs/time-rules.md):
//
//	extra = ceil_to_minute(base × ExtraPercent / 100) + ExtraMinutes
//
// Breaks stop the clock: they lengthen the wall-clock span of an épreuve but
// never use up extra time.
type TimeAllowance struct {
	// ExtraPercent is extra time as a percentage of the base duration of
	// each épreuve (33 for a tiers-temps).
	ExtraPercent int
	// ExtraMinutes is fixed extra time added to each épreuve, after the
	// percentage.
	ExtraMinutes int
	// StartOffset moves the candidate's first épreuve later (or earlier when
	// negative) than the planned start.
	StartOffset time.Duration
	// Breaks are planned pauses of the clock.
	Breaks []Break
	// Overrides replace the extra time of given épreuves (for example no
	// extra time on the entretien final), each with its reason.
	Overrides []TrialOverride
}

// Break is a planned pause during an épreuve. It starts once the candidate has
// worked At (working time, pauses excluded) and repeats every Every of working
// time when Every is set. A break falling at or after the end of the working
// time is not taken.
type Break struct {
	Trial  string        // épreuve code; "" for every épreuve
	At     time.Duration // working time before the (first) break
	Every  time.Duration // 0: once; otherwise repeat at At+Every, At+2×Every…
	Length time.Duration // length of each pause
}

// TrialOverride replaces the allowance's extra time for one épreuve. Zero
// percent and zero minutes means "no extra time on this épreuve".
type TrialOverride struct {
	Trial        string // épreuve code
	ExtraPercent int
	ExtraMinutes int
	Reason       string // required: why this épreuve differs
}

// Field identifiers of TimeAllowance errors.
const (
	FieldExtraPercent = "extra_percent"
	FieldExtraMinutes = "extra_minutes"
	FieldStartOffset  = "start_offset"
	FieldBreaks       = "breaks"
	FieldOverrides    = "overrides"
)

// IsZero reports whether the allowance grants nothing.
func (a *TimeAllowance) IsZero() bool {
	return a.ExtraPercent == 0 && a.ExtraMinutes == 0 && a.StartOffset == 0 && len(a.Breaks) == 0 && len(a.Overrides) == 0
}

// Validate checks the bounds of the allowance and that every override has a
// reason. Épreuve codes are checked against a référentiel by CheckTrials.
func (a *TimeAllowance) Validate() error {
	var v Validation
	a.validateInto(&v, "")
	return v.Err("time allowance")
}

// validateInto adds the allowance's field errors to v, prefixing fields.
func (a *TimeAllowance) validateInto(v *Validation, prefix string) {
	extra := func(field string, pct, mins int) {
		if pct < 0 || pct > MaxExtraPercent {
			v.Add(prefix+field+FieldExtraPercent, "err.allowance.percent", "extra time: a percentage between 0 and {{.Max}} is required", map[string]any{"Max": MaxExtraPercent})
		}
		if mins < 0 || mins > MaxExtraMinutes {
			v.Add(prefix+field+FieldExtraMinutes, "err.allowance.minutes", "extra time: between 0 and {{.Max}} minutes", map[string]any{"Max": MaxExtraMinutes})
		}
	}
	extra("", a.ExtraPercent, a.ExtraMinutes)
	if a.StartOffset < -MaxStartOffset || a.StartOffset > MaxStartOffset {
		v.Add(prefix+FieldStartOffset, "err.allowance.offset", "start offset: at most {{.Max}} either way", map[string]any{"Max": FormatDuration(MaxStartOffset)})
	}
	for i, b := range a.Breaks {
		f := fmt.Sprintf("%s%s[%d].", prefix, FieldBreaks, i)
		if b.At <= 0 {
			v.Add(f+"at", "err.allowance.break_at", "a break needs the working time after which it starts", nil)
		}
		if b.Length <= 0 || b.Length > MaxBreakLength {
			v.Add(f+"length", "err.allowance.break_length", "a break lasts between 1 minute and {{.Max}}", map[string]any{"Max": FormatDuration(MaxBreakLength)})
		}
		if b.Every != 0 && b.Every < MinBreakEvery {
			v.Add(f+"every", "err.allowance.break_every", "repeated breaks are at least {{.Min}} apart", map[string]any{"Min": FormatDuration(MinBreakEvery)})
		}
	}
	seen := map[string]bool{}
	for i, o := range a.Overrides {
		f := fmt.Sprintf("%s%s[%d].", prefix, FieldOverrides, i)
		code := strings.TrimSpace(o.Trial)
		switch {
		case code == "":
			v.Add(f+"trial", "err.allowance.override_trial", "an override names its épreuve", nil)
		case seen[code]:
			v.Add(f+"trial", "err.allowance.override_duplicate", "épreuve {{.Trial}} has two overrides", map[string]any{"Trial": code})
		}
		seen[code] = true
		extra(f, o.ExtraPercent, o.ExtraMinutes)
		switch r := strings.TrimSpace(o.Reason); {
		case r == "":
			v.Add(f+"reason", "err.allowance.override_reason", "an override needs its reason", nil)
		case utf8.RuneCountInString(r) > 500:
			v.Add(f+"reason", "err.too_long", "at most {{.Max}} characters", map[string]any{"Max": 500})
		}
	}
}

// CheckTrials returns field errors for breaks and overrides naming an
// épreuve unknown to ref.
func (a *TimeAllowance) CheckTrials(ref *Referentiel) error {
	var v Validation
	a.checkTrialsInto(&v, "", ref)
	return v.Err("time allowance")
}

func (a *TimeAllowance) checkTrialsInto(v *Validation, prefix string, ref *Referentiel) {
	for i, b := range a.Breaks {
		if b.Trial != "" && ref.Trial(b.Trial) == nil {
			v.Add(fmt.Sprintf("%s%s[%d].trial", prefix, FieldBreaks, i), "err.allowance.trial_unknown", "unknown épreuve “{{.Trial}}”", map[string]any{"Trial": b.Trial})
		}
	}
	for i, o := range a.Overrides {
		if o.Trial != "" && ref.Trial(o.Trial) == nil {
			v.Add(fmt.Sprintf("%s%s[%d].trial", prefix, FieldOverrides, i), "err.allowance.trial_unknown", "unknown épreuve “{{.Trial}}”", map[string]any{"Trial": o.Trial})
		}
	}
}

// Override returns the override of the épreuve code, or nil.
func (a *TimeAllowance) Override(code string) *TrialOverride {
	for i := range a.Overrides {
		if a.Overrides[i].Trial == code {
			return &a.Overrides[i]
		}
	}
	return nil
}

// ExtraTime is the combination rule: the percentage of base, rounded up to
// the whole minute, plus the fixed minutes. Negative inputs count as zero, so
// extra time is never negative.
func ExtraTime(base time.Duration, percent, minutes int) time.Duration {
	if base < 0 {
		base = 0
	}
	percent, minutes = max(percent, 0), max(minutes, 0)
	num := base * time.Duration(percent)
	unit := 100 * time.Minute
	whole := num / unit
	if num%unit != 0 {
		whole++
	}
	return whole*time.Minute + time.Duration(minutes)*time.Minute
}

// TrialTime is the time one candidate has for one épreuve once the allowance
// is applied. Base and Prep come from the référentiel.
type TrialTime struct {
	Trial string
	// Base is the référentiel duration of the épreuve; Extra what the
	// allowance adds to it.
	Base, Extra time.Duration
	// Prep is the référentiel preparation time; PrepExtra what the
	// percentage adds to it (the fixed minutes go to the épreuve only).
	Prep, PrepExtra time.Duration
	// Breaks is the total of the planned breaks falling within the working
	// time: it lengthens the span, not the working time.
	Breaks time.Duration
	// Overridden is set when an override of the allowance applied; Reason
	// is its reason.
	Overridden bool
	Reason     string
}

// Allot applies the allowance to an épreuve: the override of that épreuve if
// there is one, otherwise the allowance's percentage and minutes. The
// percentage also lengthens the preparation time (rounded up separately);
// the fixed minutes lengthen the épreuve only.
func (a *TimeAllowance) Allot(t Trial) TrialTime {
	tt := TrialTime{
		Trial: t.Code,
		Base:  time.Duration(t.Minutes) * time.Minute,
		Prep:  time.Duration(t.PrepMinutes) * time.Minute,
	}
	pct, mins := a.ExtraPercent, a.ExtraMinutes
	if o := a.Override(t.Code); o != nil {
		pct, mins = o.ExtraPercent, o.ExtraMinutes
		tt.Overridden, tt.Reason = true, o.Reason
	}
	tt.Extra = ExtraTime(tt.Base, pct, mins)
	tt.PrepExtra = ExtraTime(tt.Prep, pct, 0)
	tt.Breaks = a.plannedBreaks(t.Code, tt.Working())
	return tt
}

// plannedBreaks totals the breaks that start before the end of working.
func (a *TimeAllowance) plannedBreaks(code string, working time.Duration) time.Duration {
	var total time.Duration
	for _, b := range a.Breaks {
		if (b.Trial != "" && b.Trial != code) || b.At <= 0 || b.Length <= 0 {
			continue
		}
		for at := b.At; at < working; at += b.Every {
			total += b.Length
			if b.Every < time.Minute { // once (also guards against a tiny step)
				break
			}
		}
	}
	return total
}

// Working is the working time: base plus extra.
func (tt TrialTime) Working() time.Duration { return tt.Base + tt.Extra }

// PrepTotal is the preparation time with its extra.
func (tt TrialTime) PrepTotal() time.Duration { return tt.Prep + tt.PrepExtra }

// Span is the planned wall-clock length: preparation, working time and
// planned breaks.
func (tt TrialTime) Span() time.Duration { return tt.PrepTotal() + tt.Working() + tt.Breaks }

// HasExtra reports whether the candidate has extra time on this épreuve.
func (tt TrialTime) HasExtra() bool { return tt.Extra > 0 }

// Label is the French display of the épreuve's time, the same for jury and
// candidate: "1 h 20 (base 1 h)", "45 min (base 30 min)", "1 h (base 1 h)".
// The UI translates the words from the parts (Working, Base, HoursMinutes).
func (tt TrialTime) Label() string {
	return FormatDuration(tt.Working()) + " (base " + FormatDuration(tt.Base) + ")"
}

// PrepLabel is Label for the preparation time; "" when there is none.
func (tt TrialTime) PrepLabel() string {
	if tt.Prep == 0 {
		return ""
	}
	return FormatDuration(tt.PrepTotal()) + " (base " + FormatDuration(tt.Prep) + ")"
}

// HoursMinutes splits d, truncated to the minute, into whole hours and
// minutes; both are negative for a negative d.
func HoursMinutes(d time.Duration) (hours, minutes int) {
	m := int(d / time.Minute)
	return m / 60, m % 60
}

// FormatDuration writes d the French way, truncated to the minute:
// "45 min", "1 h", "1 h 20", "2 h 05"; a negative d gets a leading "-".
func FormatDuration(d time.Duration) string {
	if d < 0 {
		return "-" + FormatDuration(-d)
	}
	h, m := HoursMinutes(d)
	switch {
	case h == 0:
		return fmt.Sprintf("%d min", m)
	case m == 0:
		return fmt.Sprintf("%d h", h)
	default:
		return fmt.Sprintf("%d h %02d", h, m)
	}
}

// FormatClock writes d as a countdown clock, "h:mm:ss", rounding a fraction
// of a second up so that 0:00:00 shows only when the time is up. A negative
// d gets a leading "-".
func FormatClock(d time.Duration) string {
	if d < 0 {
		return "-" + FormatClock(-d)
	}
	s := int64((d + time.Second - 1) / time.Second)
	return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
}

// TimerEventKind is what happened to the clock of a running épreuve.
type TimerEventKind string

// Timer events. A timer is the list of its events: the state is recomputed
// from them, so a restart of the app shows the same remaining time.
const (
	TimerStart  TimerEventKind = "start"
	TimerPause  TimerEventKind = "pause"  // a break: the clock stops
	TimerResume TimerEventKind = "resume" // the clock runs again
	TimerEnd    TimerEventKind = "end"
	TimerExtra  TimerEventKind = "extra" // the extra time changed mid-épreuve
)

// TimerEvent is one stored event. At is a wall time as storage returns it;
// only differences (Sub) between such times are used.
type TimerEvent struct {
	Kind TimerEventKind
	At   time.Time
	// Extra is, for TimerExtra, the extra time from then on, replacing the
	// previous one (the base never changes).
	Extra time.Duration
	// Reason is why the extra time changed (required for TimerExtra).
	Reason string
}

// TimerState is the state of a timer.
type TimerState string

// Timer states.
const (
	TimerNotStarted TimerState = "not_started"
	TimerRunning    TimerState = "running"
	TimerPaused     TimerState = "paused"
	TimerEnded      TimerState = "ended"
)

// DefaultWarnings are the remaining times at which the timer warns.
var DefaultWarnings = []time.Duration{10 * time.Minute, 5 * time.Minute}

// Timer is the clock of one candidate's épreuve: its base and initial extra
// time and its events in recording order.
type Timer struct {
	Base   time.Duration
	Extra  time.Duration
	Events []TimerEvent
	// Warnings overrides DefaultWarnings when not nil.
	Warnings []time.Duration
}

// NewTimer returns the timer of an épreuve with the allotted time tt and the
// events stored so far.
func NewTimer(tt TrialTime, events []TimerEvent) Timer {
	return Timer{Base: tt.Base, Extra: tt.Extra, Events: events}
}

// timerNext is the transition table: the state after event k in state s,
// and an error key when k is not allowed in s.
func timerNext(s TimerState, k TimerEventKind) (TimerState, string) {
	if s == TimerEnded {
		return s, "err.timer.ended"
	}
	switch k {
	case TimerStart:
		if s != TimerNotStarted {
			return s, "err.timer.started"
		}
		return TimerRunning, ""
	case TimerPause:
		switch s {
		case TimerRunning:
			return TimerPaused, ""
		case TimerPaused:
			return s, "err.timer.not_running"
		}
		return s, "err.timer.not_started"
	case TimerResume:
		switch s {
		case TimerPaused:
			return TimerRunning, ""
		case TimerRunning:
			return s, "err.timer.not_paused"
		}
		return s, "err.timer.not_started"
	case TimerEnd:
		if s == TimerNotStarted {
			return s, "err.timer.not_started"
		}
		return TimerEnded, ""
	case TimerExtra:
		return s, ""
	}
	return s, "err.timer.kind"
}

var timerMessages = map[string]string{
	"err.timer.ended":       "the épreuve has ended",
	"err.timer.started":     "the épreuve has already started",
	"err.timer.not_running": "the clock is already paused",
	"err.timer.not_paused":  "the clock is not paused",
	"err.timer.not_started": "the épreuve has not started",
	"err.timer.kind":        "unknown timer event “{{.Kind}}”",
}

// state replays the events, skipping those not allowed.
func (t *Timer) state() TimerState {
	s := TimerNotStarted
	for _, e := range t.Events {
		if next, bad := timerNext(s, e.Kind); bad == "" {
			s = next
		}
	}
	return s
}

// check returns the error recording e in state s would give, or nil.
func checkTimerEvent(s TimerState, e TimerEvent) (TimerState, error) {
	if e.At.IsZero() {
		return s, Errorf(EINVALID, "err.timer.at", "a timer event needs its time", nil)
	}
	next, bad := timerNext(s, e.Kind)
	if bad != "" {
		return s, Errorf(EINVALID, bad, timerMessages[bad], map[string]any{"Kind": string(e.Kind)})
	}
	if e.Kind == TimerExtra {
		if e.Extra < 0 {
			return s, Errorf(EINVALID, "err.timer.extra", "extra time cannot be negative", nil)
		}
		if strings.TrimSpace(e.Reason) == "" {
			return s, Errorf(EINVALID, "err.timer.reason", "a change of extra time needs its reason", nil)
		}
	}
	return next, nil
}

// Record appends e if it is allowed in the timer's current state: start
// once, pause only while running, resume only while paused, end after the
// start, a change of extra time (with its reason) any time before the end.
// It returns an EINVALID error otherwise. Events whose time is earlier than
// the previous one (a clock set back) are accepted: Status counts them at the
// previous event's time.
func (t *Timer) Record(e TimerEvent) error {
	if _, err := checkTimerEvent(t.state(), e); err != nil {
		return err
	}
	t.Events = append(t.Events, e)
	return nil
}

// Validate checks the base and extra time and replays the events, returning
// the first one not allowed (its index in Data["Index"]).
func (t *Timer) Validate() error {
	if t.Base <= 0 {
		return Errorf(EINVALID, "err.timer.base", "the épreuve needs a duration", nil)
	}
	if t.Extra < 0 {
		return Errorf(EINVALID, "err.timer.extra", "extra time cannot be negative", nil)
	}
	s := TimerNotStarted
	for i, e := range t.Events {
		next, err := checkTimerEvent(s, e)
		if err != nil {
			te := err.(*Error)
			te.Data = map[string]any{"Index": i, "Kind": string(e.Kind)}
			return te
		}
		s = next
	}
	return nil
}

// TimerStatus is what a timer shows at a given time.
type TimerStatus struct {
	State TimerState
	// Base and Extra are the times in force (Extra after any change).
	Base, Extra time.Duration
	// Elapsed is the working time used: the clock runs from the start to
	// the end, except during pauses.
	Elapsed time.Duration
	// Remaining is the working time left, never negative; Overtime is the
	// working time beyond the allowance, never clipped.
	Remaining, Overtime time.Duration
	// Paused is the total time the clock was stopped.
	Paused time.Duration
	// Started and Ended are the effective start and end; zero if not yet.
	Started, Ended time.Time
	// Deadline is the wall-clock end of the working time: Started +
	// Base + Extra + Paused. It moves while the clock is paused and when the
	// extra time changes; zero before the start.
	Deadline time.Time
	// TimeUp reports that the working time is used up.
	TimeUp bool
	// Warning is the smallest warning threshold reached (Remaining at or
	// under it) while the épreuve runs or is paused; 0 when none is.
	Warning time.Duration
}

// Allowed is the working time in force: base plus extra.
func (s TimerStatus) Allowed() time.Duration { return s.Base + s.Extra }

// Label is TrialTime.Label for the times in force.
func (s TimerStatus) Label() string {
	return TrialTime{Base: s.Base, Extra: s.Extra}.Label()
}

// Status computes the timer at now from its events alone, so the same events
// and now give the same result after a restart. Times are compared as
// instants (monotonic readings are dropped), so crossing midnight or a change
// of UTC offset makes no difference. Events not allowed by the transition
// rules are skipped; an event earlier than the one before counts at the
// earlier event's time, and a now earlier than the last event counts as that
// event's time.
func (t *Timer) Status(now time.Time) TimerStatus {
	st := TimerStatus{State: TimerNotStarted, Base: t.Base, Extra: max(t.Extra, 0)}
	var last, runSince, pauseSince time.Time
	for _, e := range t.Events {
		next, bad := timerNext(st.State, e.Kind)
		if bad != "" || e.At.IsZero() || (e.Kind == TimerExtra && e.Extra < 0) {
			continue
		}
		at := e.At.Round(0)
		if !last.IsZero() && at.Before(last) {
			at = last
		}
		last = at
		switch e.Kind {
		case TimerStart:
			st.Started, runSince = at, at
		case TimerPause:
			st.Elapsed += at.Sub(runSince)
			pauseSince = at
		case TimerResume:
			st.Paused += at.Sub(pauseSince)
			runSince = at
		case TimerEnd:
			if st.State == TimerRunning {
				st.Elapsed += at.Sub(runSince)
			} else {
				st.Paused += at.Sub(pauseSince)
			}
			st.Ended = at
		case TimerExtra:
			st.Extra = e.Extra
		}
		st.State = next
	}
	now = now.Round(0)
	if now.Before(last) {
		now = last
	}
	switch st.State {
	case TimerRunning:
		st.Elapsed += now.Sub(runSince)
	case TimerPaused:
		st.Paused += now.Sub(pauseSince)
	}
	allowed := st.Allowed()
	if st.Elapsed < allowed {
		st.Remaining = allowed - st.Elapsed
	} else {
		st.Overtime = st.Elapsed - allowed
	}
	if st.State == TimerNotStarted {
		return st
	}
	st.TimeUp = st.Elapsed >= allowed
	st.Deadline = st.Started.Add(allowed + st.Paused)
	if (st.State == TimerRunning || st.State == TimerPaused) && !st.TimeUp {
		ws := t.Warnings
		if ws == nil {
			ws = DefaultWarnings
		}
		ws = append([]time.Duration(nil), ws...)
		sort.Slice(ws, func(i, j int) bool { return ws[i] < ws[j] })
		for _, w := range ws {
			if w > 0 && st.Remaining <= w {
				st.Warning = w
				break
			}
		}
	}
	return st
}
