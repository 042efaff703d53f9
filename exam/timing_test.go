package exam_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/amisjury/amis/exam"
)

const minute = time.Minute

func TestExtraTime(t *testing.T) {
	tests := []struct {
		name          string
		base          time.Duration
		percent, mins int
		want          time.Duration
	}{
		{"percentage only", 60 * minute, 33, 0, 20 * minute}, // 19.8 → 20
		{"percentage exact", 60 * minute, 50, 0, 30 * minute},
		{"fixed only", 60 * minute, 0, 15, 15 * minute},
		{"both", 60 * minute, 33, 10, 30 * minute},
		{"rounding up 6.6", 20 * minute, 33, 0, 7 * minute},
		{"rounding up 4.5", 45 * minute, 10, 0, 5 * minute},
		{"rounding up a hair", 100 * minute, 1, 0, 1 * minute},
		{"rounding before adding fixed", 30 * minute, 33, 5, 15 * minute}, // 9.9 → 10, + 5
		{"tiers-temps of 5 h is one minute short of a third", 300 * minute, 33, 0, 99 * minute},
		{"zero", 60 * minute, 0, 0, 0},
		{"zero base", 0, 33, 5, 5 * minute},
		{"negative counts as zero", 60 * minute, -10, -5, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := exam.ExtraTime(tt.base, tt.percent, tt.mins); got != tt.want {
				t.Fatalf("ExtraTime(%v, %d%%, %d min) = %v, want %v", tt.base, tt.percent, tt.mins, got, tt.want)
			}
		})
	}
}

func TestTimeAllowance_Allot(t *testing.T) {
	msp := exam.Trial{Code: "MSP", Minutes: 60, PrepMinutes: 20}
	ef := exam.Trial{Code: "EF", Minutes: 20}
	tests := []struct {
		name      string
		a         exam.TimeAllowance
		trial     exam.Trial
		extra     time.Duration
		prepExtra time.Duration
		breaks    time.Duration
		span      time.Duration
		label     string
	}{
		{"nothing", exam.TimeAllowance{}, msp, 0, 0, 0, 80 * minute, "1 h (base 1 h)"},
		{"tiers-temps extends the preparation too", exam.TimeAllowance{ExtraPercent: 33}, msp, 20 * minute, 7 * minute, 0, 107 * minute, "1 h 20 (base 1 h)"},
		{"fixed minutes go to the épreuve only", exam.TimeAllowance{ExtraMinutes: 10}, msp, 10 * minute, 0, 0, 90 * minute, "1 h 10 (base 1 h)"},
		{"override: no extra time on the entretien final", exam.TimeAllowance{ExtraPercent: 33, ExtraMinutes: 5,
			Overrides: []exam.TrialOverride{{Trial: "EF", Reason: "entretien oral court"}}}, ef, 0, 0, 0, 20 * minute, "20 min (base 20 min)"},
		{"override of another épreuve does not apply", exam.TimeAllowance{ExtraPercent: 50,
			Overrides: []exam.TrialOverride{{Trial: "EF", Reason: "x"}}}, msp, 30 * minute, 10 * minute, 0, 120 * minute, "1 h 30 (base 1 h)"},
		{"one break stops the clock, extra time untouched", exam.TimeAllowance{ExtraPercent: 33,
			Breaks: []exam.Break{{At: 40 * minute, Length: 10 * minute}}}, msp, 20 * minute, 7 * minute, 10 * minute, 117 * minute, "1 h 20 (base 1 h)"},
		{"repeated breaks within the working time only", exam.TimeAllowance{ExtraPercent: 33,
			Breaks: []exam.Break{{At: 30 * minute, Every: 30 * minute, Length: 5 * minute}}}, msp, 20 * minute, 7 * minute, 10 * minute, 117 * minute, "1 h 20 (base 1 h)"}, // at 30 and 60, not at 90 ≥ 80
		{"break of another épreuve", exam.TimeAllowance{
			Breaks: []exam.Break{{Trial: "EF", At: 10 * minute, Length: 5 * minute}}}, msp, 0, 0, 0, 80 * minute, "1 h (base 1 h)"},
		{"break at the very end is not taken", exam.TimeAllowance{
			Breaks: []exam.Break{{At: 60 * minute, Length: 5 * minute}}}, msp, 0, 0, 0, 80 * minute, "1 h (base 1 h)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.a.Allot(tt.trial)
			if got.Extra != tt.extra || got.PrepExtra != tt.prepExtra || got.Breaks != tt.breaks || got.Span() != tt.span {
				t.Fatalf("Allot = %+v (span %v), want extra %v prep extra %v breaks %v span %v", got, got.Span(), tt.extra, tt.prepExtra, tt.breaks, tt.span)
			}
			if got.Label() != tt.label {
				t.Fatalf("Label() = %q, want %q", got.Label(), tt.label)
			}
		})
	}
	got := (&exam.TimeAllowance{Overrides: []exam.TrialOverride{{Trial: "EF", Reason: "oral"}}}).Allot(ef)
	if !got.Overridden || got.Reason != "oral" {
		t.Fatalf("override not reported: %+v", got)
	}
}

func TestFormatDuration(t *testing.T) {
	tests := map[time.Duration]string{
		0:                          "0 min",
		45 * minute:                "45 min",
		60 * minute:                "1 h",
		80 * minute:                "1 h 20",
		125 * minute:               "2 h 05",
		80*minute + 59*time.Second: "1 h 20",
		-20 * minute:               "-20 min",
	}
	for d, want := range tests {
		if got := exam.FormatDuration(d); got != want {
			t.Errorf("FormatDuration(%v) = %q, want %q", d, got, want)
		}
	}
	if h, m := exam.HoursMinutes(80 * minute); h != 1 || m != 20 {
		t.Errorf("HoursMinutes(80 min) = %d, %d", h, m)
	}
	labels := []struct {
		tt   exam.TrialTime
		want string
	}{
		{exam.TrialTime{Base: 60 * minute, Extra: 20 * minute}, "1 h 20 (base 1 h)"},
		{exam.TrialTime{Base: 30 * minute, Extra: 15 * minute}, "45 min (base 30 min)"},
		{exam.TrialTime{Base: 60 * minute}, "1 h (base 1 h)"},
	}
	for _, l := range labels {
		if got := l.tt.Label(); got != l.want {
			t.Errorf("Label() = %q, want %q", got, l.want)
		}
	}
}

func TestFormatClock(t *testing.T) {
	tests := map[time.Duration]string{
		0:                                "0:00:00",
		500 * time.Millisecond:           "0:00:01",
		4*minute + 30*time.Second:        "0:04:30",
		80 * minute:                      "1:20:00",
		-(3*minute + 12*time.Second):     "-0:03:12",
		25*time.Hour + 1*time.Second:     "25:00:01",
		59*time.Second + time.Nanosecond: "0:01:00",
	}
	for d, want := range tests {
		if got := exam.FormatClock(d); got != want {
			t.Errorf("FormatClock(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestTimeAllowance_Validate(t *testing.T) {
	tests := []struct {
		name  string
		a     exam.TimeAllowance
		field string
		key   string
	}{
		{"valid", exam.TimeAllowance{ExtraPercent: 33, ExtraMinutes: 10, StartOffset: 15 * minute,
			Breaks:    []exam.Break{{At: 30 * minute, Every: 30 * minute, Length: 5 * minute}},
			Overrides: []exam.TrialOverride{{Trial: "EF", Reason: "oral court"}}}, "", ""},
		{"percent too high", exam.TimeAllowance{ExtraPercent: 150}, "extra_percent", "err.allowance.percent"},
		{"negative minutes", exam.TimeAllowance{ExtraMinutes: -5}, "extra_minutes", "err.allowance.minutes"},
		{"offset too far", exam.TimeAllowance{StartOffset: 5 * time.Hour}, "start_offset", "err.allowance.offset"},
		{"break without start", exam.TimeAllowance{Breaks: []exam.Break{{Length: 5 * minute}}}, "breaks[0].at", "err.allowance.break_at"},
		{"break without length", exam.TimeAllowance{Breaks: []exam.Break{{At: 5 * minute}}}, "breaks[0].length", "err.allowance.break_length"},
		{"breaks too close", exam.TimeAllowance{Breaks: []exam.Break{{At: 5 * minute, Every: 2 * minute, Length: minute}}}, "breaks[0].every", "err.allowance.break_every"},
		{"override without reason", exam.TimeAllowance{Overrides: []exam.TrialOverride{{Trial: "EF"}}}, "overrides[0].reason", "err.allowance.override_reason"},
		{"override without épreuve", exam.TimeAllowance{Overrides: []exam.TrialOverride{{Reason: "x"}}}, "overrides[0].trial", "err.allowance.override_trial"},
		{"override twice", exam.TimeAllowance{Overrides: []exam.TrialOverride{{Trial: "EF", Reason: "x"}, {Trial: "EF", Reason: "y"}}}, "overrides[1].trial", "err.allowance.override_duplicate"},
		{"override percent", exam.TimeAllowance{Overrides: []exam.TrialOverride{{Trial: "EF", Reason: "x", ExtraPercent: 101}}}, "overrides[0].extra_percent", "err.allowance.percent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertField(t, tt.a.Validate(), tt.field, tt.key)
		})
	}
	ref := jmRef(t)
	a := exam.TimeAllowance{Overrides: []exam.TrialOverride{{Trial: "ORAL", Reason: "x"}}}
	assertField(t, a.CheckTrials(ref), "overrides[0].trial", "err.allowance.trial_unknown")
}

// assertField fails unless err is nil (field "") or an EINVALID error with
// the key on the field.
func assertField(t *testing.T, err error, field, key string) {
	t.Helper()
	if field == "" {
		if err != nil {
			t.Fatalf("unexpected error %v", err)
		}
		return
	}
	if !errors.Is(err, exam.ErrInvalid) {
		t.Fatalf("error %v, want EINVALID", err)
	}
	for _, fe := range exam.FieldErrors(err) {
		if fe.Field == field && fe.Key == key {
			return
		}
	}
	t.Fatalf("errors %+v, want %s on %s", exam.FieldErrors(err), key, field)
}

// at is 10:00 on 2026-06-15 in Paris summer time, plus d.
func at(d time.Duration) time.Time {
	return time.Date(2026, 6, 15, 10, 0, 0, 0, time.FixedZone("CEST", 2*3600)).Add(d)
}

func ev(k exam.TimerEventKind, d time.Duration) exam.TimerEvent {
	return exam.TimerEvent{Kind: k, At: at(d)}
}

func TestTimer_Status(t *testing.T) {
	tiers := exam.TrialTime{Base: 60 * minute, Extra: 20 * minute} // 1 h 20 (base 1 h)
	midnight := time.Date(2026, 6, 15, 23, 30, 0, 0, time.FixedZone("CEST", 2*3600))
	tests := []struct {
		name      string
		events    []exam.TimerEvent
		now       time.Time
		state     exam.TimerState
		elapsed   time.Duration
		remaining time.Duration
		overtime  time.Duration
		deadline  time.Time
		warning   time.Duration
	}{
		{"not started", nil, at(0), exam.TimerNotStarted, 0, 80 * minute, 0, time.Time{}, 0},
		{"running", []exam.TimerEvent{ev(exam.TimerStart, 0)}, at(30 * minute),
			exam.TimerRunning, 30 * minute, 50 * minute, 0, at(80 * minute), 0},
		{"one pause moves the deadline and keeps the extra time", []exam.TimerEvent{
			ev(exam.TimerStart, 0), ev(exam.TimerPause, 20*minute), ev(exam.TimerResume, 30*minute)}, at(40 * minute),
			exam.TimerRunning, 30 * minute, 50 * minute, 0, at(90 * minute), 0},
		{"while paused the deadline moves with now", []exam.TimerEvent{
			ev(exam.TimerStart, 0), ev(exam.TimerPause, 20*minute)}, at(45 * minute),
			exam.TimerPaused, 20 * minute, 60 * minute, 0, at(105 * minute), 0},
		{"several pauses", []exam.TimerEvent{
			ev(exam.TimerStart, 0), ev(exam.TimerPause, 20*minute), ev(exam.TimerResume, 30*minute),
			ev(exam.TimerPause, 50*minute), ev(exam.TimerResume, 55*minute)}, at(60 * minute),
			exam.TimerRunning, 45 * minute, 35 * minute, 0, at(95 * minute), 0},
		{"warning at 10 min", []exam.TimerEvent{ev(exam.TimerStart, 0)}, at(71 * minute),
			exam.TimerRunning, 71 * minute, 9 * minute, 0, at(80 * minute), 10 * minute},
		{"warning at 5 min", []exam.TimerEvent{ev(exam.TimerStart, 0)}, at(75 * minute),
			exam.TimerRunning, 75 * minute, 5 * minute, 0, at(80 * minute), 5 * minute},
		{"over-time shown, not clipped", []exam.TimerEvent{ev(exam.TimerStart, 0)}, at(93 * minute),
			exam.TimerRunning, 93 * minute, 0, 13 * minute, at(80 * minute), 0},
		{"ended early, frozen", []exam.TimerEvent{ev(exam.TimerStart, 0), ev(exam.TimerEnd, 70*minute)}, at(3 * time.Hour),
			exam.TimerEnded, 70 * minute, 10 * minute, 0, at(80 * minute), 0},
		{"ended late", []exam.TimerEvent{ev(exam.TimerStart, 0), ev(exam.TimerEnd, 85*minute)}, at(3 * time.Hour),
			exam.TimerEnded, 85 * minute, 0, 5 * minute, at(80 * minute), 0},
		{"ended while paused", []exam.TimerEvent{ev(exam.TimerStart, 0), ev(exam.TimerPause, 30*minute), ev(exam.TimerEnd, 40*minute)}, at(3 * time.Hour),
			exam.TimerEnded, 30 * minute, 50 * minute, 0, at(90 * minute), 0},
		{"extra time raised mid-épreuve", []exam.TimerEvent{
			ev(exam.TimerStart, 0), {Kind: exam.TimerExtra, At: at(30 * minute), Extra: 30 * minute, Reason: "panne"}}, at(40 * minute),
			exam.TimerRunning, 40 * minute, 50 * minute, 0, at(90 * minute), 0},
		{"extra time lowered below the elapsed time gives over-time", []exam.TimerEvent{
			ev(exam.TimerStart, 0), {Kind: exam.TimerExtra, At: at(65 * minute), Reason: "erreur de saisie"}}, at(70 * minute),
			exam.TimerRunning, 70 * minute, 0, 10 * minute, at(60 * minute), 0},
		{"extra time changed while paused", []exam.TimerEvent{
			ev(exam.TimerStart, 0), ev(exam.TimerPause, 10*minute), {Kind: exam.TimerExtra, At: at(12 * minute), Extra: 0, Reason: "r"}}, at(15 * minute),
			exam.TimerPaused, 10 * minute, 50 * minute, 0, at(65 * minute), 0},
		{"crossing midnight", []exam.TimerEvent{{Kind: exam.TimerStart, At: midnight}, {Kind: exam.TimerPause, At: midnight.Add(20 * minute)},
			{Kind: exam.TimerResume, At: midnight.Add(25 * minute)}}, midnight.Add(50 * time.Minute).UTC(),
			exam.TimerRunning, 45 * minute, 35 * minute, 0, midnight.Add(85 * minute), 0},
		{"clock set back: the event counts at the previous time", []exam.TimerEvent{
			ev(exam.TimerStart, 0), ev(exam.TimerPause, 20*minute), ev(exam.TimerResume, 15*minute)}, at(40 * minute),
			exam.TimerRunning, 40 * minute, 40 * minute, 0, at(80 * minute), 0},
		{"events out of order are skipped", []exam.TimerEvent{
			ev(exam.TimerPause, 0), ev(exam.TimerStart, 5*minute), ev(exam.TimerResume, 6*minute), ev(exam.TimerStart, 7*minute)}, at(15 * minute),
			exam.TimerRunning, 10 * minute, 70 * minute, 0, at(85 * minute), 0},
		{"now before the last event", []exam.TimerEvent{ev(exam.TimerStart, 0), ev(exam.TimerPause, 20*minute)}, at(10 * minute),
			exam.TimerPaused, 20 * minute, 60 * minute, 0, at(80 * minute), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tm := exam.NewTimer(tiers, tt.events)
			st := tm.Status(tt.now)
			if st.State != tt.state || st.Elapsed != tt.elapsed || st.Remaining != tt.remaining || st.Overtime != tt.overtime || !st.Deadline.Equal(tt.deadline) || st.Warning != tt.warning {
				t.Fatalf("Status = %s elapsed %v remaining %v overtime %v deadline %v warning %v\nwant %s elapsed %v remaining %v overtime %v deadline %v warning %v",
					st.State, st.Elapsed, st.Remaining, st.Overtime, st.Deadline, st.Warning,
					tt.state, tt.elapsed, tt.remaining, tt.overtime, tt.deadline, tt.warning)
			}
			if st.TimeUp != (st.State != exam.TimerNotStarted && st.Elapsed >= st.Allowed()) {
				t.Fatalf("TimeUp = %v with elapsed %v of %v", st.TimeUp, st.Elapsed, st.Allowed())
			}
		})
	}
}

func TestTimer_Status_DST(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	// 2026-10-25 03:00 CEST becomes 02:00 CET: a 1 h 20 épreuve started at
	// 02:00 CEST works 80 real minutes and ends at 02:20 CET.
	start := time.Date(2026, 10, 25, 1, 0, 0, 0, paris).Add(time.Hour) // 02:00 CEST
	tm := exam.NewTimer(exam.TrialTime{Base: 60 * minute, Extra: 20 * minute}, []exam.TimerEvent{{Kind: exam.TimerStart, At: start}})
	st := tm.Status(start.Add(90 * minute))
	if st.Overtime != 10*minute || st.Deadline.Sub(start) != 80*minute || st.Deadline.In(paris).Format("15:04 MST") != "02:20 CET" {
		t.Fatalf("over DST: overtime %v deadline %v", st.Overtime, st.Deadline.In(paris))
	}
}

func TestTimer_Restart(t *testing.T) {
	tt := exam.TrialTime{Base: 60 * minute, Extra: 20 * minute}
	wall := time.Now()
	events := []exam.TimerEvent{
		{Kind: exam.TimerStart, At: wall.Add(-50 * minute)},
		{Kind: exam.TimerPause, At: wall.Add(-30 * minute)},
		{Kind: exam.TimerResume, At: wall.Add(-20 * minute)},
		{Kind: exam.TimerExtra, At: wall.Add(-10 * minute), Extra: 25 * minute, Reason: "incident technique"},
	}
	before := exam.NewTimer(tt, events)
	running := before.Status(wall) // wall carries a monotonic reading

	// The app restarts: the events come back from storage as wall times,
	// in UTC and without monotonic reading; now is read again.
	data, err := json.Marshal(events)
	if err != nil {
		t.Fatal(err)
	}
	var stored []exam.TimerEvent
	if err := json.Unmarshal(data, &stored); err != nil {
		t.Fatal(err)
	}
	for i := range stored {
		stored[i].At = stored[i].At.UTC()
	}
	after := exam.NewTimer(tt, stored)
	restarted := after.Status(wall.Round(0).UTC())
	if restarted.Remaining != running.Remaining || !restarted.Deadline.Equal(running.Deadline) || restarted.Elapsed != running.Elapsed || restarted.State != running.State {
		t.Fatalf("after restart %+v\nbefore %+v", restarted, running)
	}
	if running.Elapsed != 40*minute || running.Remaining != 45*minute || !running.Deadline.Equal(wall.Add(45*minute)) {
		t.Fatalf("elapsed %v remaining %v deadline %v", running.Elapsed, running.Remaining, running.Deadline.Sub(wall))
	}
	if running.Label() != "1 h 25 (base 1 h)" {
		t.Fatalf("label after a change of extra time: %q", running.Label())
	}
}

func TestTimer_Record(t *testing.T) {
	start, pause, resume, end := ev(exam.TimerStart, 0), ev(exam.TimerPause, minute), ev(exam.TimerResume, 2*minute), ev(exam.TimerEnd, 3*minute)
	extra := exam.TimerEvent{Kind: exam.TimerExtra, At: at(minute), Extra: 30 * minute, Reason: "incident"}
	tests := []struct {
		name   string
		before []exam.TimerEvent
		e      exam.TimerEvent
		key    string
	}{
		{"start", nil, start, ""},
		{"start twice", []exam.TimerEvent{start}, start, "err.timer.started"},
		{"pause before start", nil, pause, "err.timer.not_started"},
		{"end before start", nil, end, "err.timer.not_started"},
		{"pause", []exam.TimerEvent{start}, pause, ""},
		{"pause twice", []exam.TimerEvent{start, pause}, pause, "err.timer.not_running"},
		{"resume while running", []exam.TimerEvent{start}, resume, "err.timer.not_paused"},
		{"resume", []exam.TimerEvent{start, pause}, resume, ""},
		{"end while paused", []exam.TimerEvent{start, pause}, end, ""},
		{"anything after the end", []exam.TimerEvent{start, end}, resume, "err.timer.ended"},
		{"extra before the start", nil, extra, ""},
		{"extra while paused", []exam.TimerEvent{start, pause}, extra, ""},
		{"extra after the end", []exam.TimerEvent{start, end}, extra, "err.timer.ended"},
		{"extra without reason", []exam.TimerEvent{start}, exam.TimerEvent{Kind: exam.TimerExtra, At: at(minute)}, "err.timer.reason"},
		{"negative extra", []exam.TimerEvent{start}, exam.TimerEvent{Kind: exam.TimerExtra, At: at(minute), Extra: -minute, Reason: "x"}, "err.timer.extra"},
		{"no time", nil, exam.TimerEvent{Kind: exam.TimerStart}, "err.timer.at"},
		{"unknown kind", nil, exam.TimerEvent{Kind: "lap", At: at(0)}, "err.timer.kind"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tm := exam.Timer{Base: 60 * minute, Events: append([]exam.TimerEvent(nil), tt.before...)}
			err := tm.Record(tt.e)
			if tt.key == "" {
				if err != nil || len(tm.Events) != len(tt.before)+1 {
					t.Fatalf("Record: %v", err)
				}
				if err := tm.Validate(); err != nil {
					t.Fatalf("Validate after Record: %v", err)
				}
				return
			}
			var e *exam.Error
			if !errors.As(err, &e) || e.Key != tt.key || e.Code != exam.EINVALID || len(tm.Events) != len(tt.before) {
				t.Fatalf("Record error %v, want %s and nothing appended", err, tt.key)
			}
			bad := exam.Timer{Base: 60 * minute, Events: append(append([]exam.TimerEvent(nil), tt.before...), tt.e)}
			if err := bad.Validate(); !errors.As(err, &e) || e.Key != tt.key || e.Data["Index"] != len(tt.before) {
				t.Fatalf("Validate error %v, want %s at %d", err, tt.key, len(tt.before))
			}
		})
	}
}
