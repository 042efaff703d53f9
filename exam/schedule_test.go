package exam_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/amisjury/amis/exam"
)

// day returns h:m on 2026-06-15, Paris summer time.
func day(h, m int) time.Time {
	return time.Date(2026, 6, 15, h, m, 0, 0, time.FixedZone("CEST", 2*3600))
}

func TestParseTimeOfDay(t *testing.T) {
	tests := []struct {
		in   string
		want exam.TimeOfDay
		ok   bool
	}{
		{"18:00", exam.NewTimeOfDay(18, 0), true},
		{"18h00", exam.NewTimeOfDay(18, 0), true},
		{"18 h 30", exam.NewTimeOfDay(18, 30), true},
		{"18h", exam.NewTimeOfDay(18, 0), true},
		{"8:30", exam.NewTimeOfDay(8, 30), true},
		{"", 0, true},
		{"24:00", 0, false},
		{"18:5", 0, false},
		{"18:60", 0, false},
		{"midi", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := exam.ParseTimeOfDay(tt.in)
			if (err == nil) != tt.ok || got != tt.want {
				t.Fatalf("ParseTimeOfDay(%q) = %v, %v", tt.in, got, err)
			}
		})
	}
	if s := exam.NewTimeOfDay(8, 5).String(); s != "08:05" {
		t.Fatalf("String() = %q", s)
	}
}

func TestTrialsFor(t *testing.T) {
	ref := jmRef(t)
	codes := func(ts []exam.Trial) []string {
		var out []string
		for _, tr := range ts {
			out = append(out, tr.Code)
		}
		return out
	}
	tests := []struct {
		name   string
		blocks []string
		want   []string
	}{
		{"full title", []string{"RNCP37722BC01", "RNCP37722BC02", "RNCP37722BC03"}, []string{"MSP", "ET", "QP", "EF"}},
		{"CCP1 only: no questionnaire (CCP2)", []string{"CCP1"}, []string{"MSP", "ET", "EF"}},
		{"every block acquired: entretien final only", nil, []string{"EF"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := codes(exam.TrialsFor(ref, tt.blocks)); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("TrialsFor = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestBuildSchedule_Order(t *testing.T) {
	ref := jmRef(t)
	s := jmSession(t)
	s.Changeover = 10 * time.Minute
	s.Candidates[1].Allowance = exam.TimeAllowance{
		ExtraPercent: 33, StartOffset: 15 * time.Minute,
		Breaks: []exam.Break{{Trial: "MSP", At: 40 * time.Minute, Length: 10 * time.Minute}},
	}
	s.Candidates[1].Jury = "B"
	plans := []exam.CandidatePlan{
		exam.PlanCandidate(ref, &s.Candidates[0], day(8, 30)),
		exam.PlanCandidate(ref, &s.Candidates[1], day(8, 30)),
	}
	sch, err := exam.BuildSchedule(ref, plans, s.ScheduleOptions())
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ trial, prep, start, end string }
	rows := func(id int64) []row {
		var out []row
		for _, sl := range sch.For(id) {
			out = append(out, row{sl.Trial, sl.PrepStart.Format("15:04"), sl.Start.Format("15:04"), sl.End.Format("15:04")})
		}
		return out
	}
	want := map[int64][]row{
		1: { // no allowance, 10 min changeover
			{"MSP", "08:30", "08:50", "09:50"},
			{"ET", "10:00", "10:00", "10:30"},
			{"QP", "10:40", "10:40", "11:10"},
			{"EF", "11:20", "11:20", "11:40"},
		},
		2: { // starts 15 min later; 33 %: prep 20+7, MSP 60+20 plus a 10 min break, ET and QP 30+10, EF 20+7
			{"MSP", "08:45", "09:12", "10:42"},
			{"ET", "10:52", "10:52", "11:32"},
			{"QP", "11:42", "11:42", "12:22"},
			{"EF", "12:32", "12:32", "12:59"},
		},
	}
	for id, w := range want {
		if got := rows(id); !reflect.DeepEqual(got, w) {
			t.Errorf("candidate %d:\n got %v\nwant %v", id, got, w)
		}
	}
	if len(sch.Issues) != 0 {
		t.Errorf("unexpected issues %+v", sch.Issues)
	}
	if got := sch.For(2)[0].Time.Label(); got != "1 h 20 (base 1 h)" {
		t.Errorf("label %q", got)
	}

	_, err = exam.BuildSchedule(ref, []exam.CandidatePlan{{Name: "X", Start: day(9, 0), Trials: []exam.PlannedTrial{{Trial: "ORAL"}}}}, exam.ScheduleOptions{})
	if !errors.Is(err, exam.ErrInvalid) || exam.FieldErrors(err)[0].Key != "err.schedule.trial_unknown" {
		t.Fatalf("unknown épreuve: %v", err)
	}
	_, err = exam.BuildSchedule(ref, []exam.CandidatePlan{{Name: "X", Trials: []exam.PlannedTrial{{Trial: "EF"}}}}, exam.ScheduleOptions{})
	if !errors.Is(err, exam.ErrInvalid) || exam.FieldErrors(err)[0].Key != "err.schedule.start" {
		t.Fatalf("no start: %v", err)
	}
}

func TestBuildSchedule_Issues(t *testing.T) {
	ref := jmRef(t)
	one := func(id int64, name string, start time.Time, jury string, trials ...exam.PlannedTrial) exam.CandidatePlan {
		return exam.CandidatePlan{CandidateID: id, Name: name, Start: start, Jury: jury, Trials: trials}
	}
	msp := exam.PlannedTrial{Trial: "MSP"} // 20 min prep, then 1 h with the jury
	type issue struct {
		kind        exam.IssueKind
		slot, other int
	}
	tests := []struct {
		name   string
		plans  []exam.CandidatePlan
		dayEnd exam.TimeOfDay
		want   []issue
		data   map[string]any // data of the first issue
	}{
		{"back to back, the next preparation during the jury's épreuve", []exam.CandidatePlan{
			one(1, "A", day(8, 30), "", msp), one(2, "B", day(9, 30), "", msp)}, 0, nil, nil},
		{"same jury at the same time", []exam.CandidatePlan{
			one(1, "A", day(8, 30), "", msp), one(2, "B", day(9, 0), "", msp)}, 0,
			[]issue{{exam.IssueJuryOverlap, 0, 1}},
			map[string]any{"Candidate": "A", "OtherCandidate": "B", "Start": "08:50", "End": "09:50", "OtherStart": "09:20", "OtherEnd": "10:20"}},
		{"different panels", []exam.CandidatePlan{
			one(1, "A", day(8, 30), "salle 1", msp), one(2, "B", day(9, 0), "salle 2", msp)}, 0, nil, nil},
		{"the jury does not attend a written questionnaire", []exam.CandidatePlan{
			one(1, "A", day(9, 0), "", exam.PlannedTrial{Trial: "QP", NoJury: true}), one(2, "B", day(9, 0), "", exam.PlannedTrial{Trial: "ET"})}, 0, nil, nil},
		{"same candidate twice at once", []exam.CandidatePlan{
			one(1, "A", day(8, 30), "", msp, exam.PlannedTrial{Trial: "ET", At: day(9, 30), NoJury: true})}, 0,
			[]issue{{exam.IssueCandidateOverlap, 0, 1}},
			map[string]any{"Candidate": "A", "Trial": "MSP", "Start": "08:30", "End": "09:50", "OtherTrial": "ET", "OtherStart": "09:30", "OtherEnd": "10:00"}},
		{"a day that runs late", []exam.CandidatePlan{
			one(1, "A", day(16, 0), "", msp, exam.PlannedTrial{Trial: "EF"})}, exam.NewTimeOfDay(17, 0),
			[]issue{{exam.IssueLateDay, 0, -1}, {exam.IssueLateDay, 1, -1}},
			map[string]any{"End": "17:20", "DayEnd": "17:00", "Late": "20 min"}},
		{"ends exactly at the end of the day", []exam.CandidatePlan{
			one(1, "A", day(16, 0), "", msp)}, exam.NewTimeOfDay(17, 20), nil, nil},
		{"crossing midnight", []exam.CandidatePlan{
			one(1, "A", day(23, 30), "", msp)}, exam.NewTimeOfDay(18, 0),
			[]issue{{exam.IssueLateDay, 0, -1}},
			map[string]any{"Start": "23:50", "End": "16/06 00:50", "Late": "6 h 50"}},
		{"no end of day configured", []exam.CandidatePlan{
			one(1, "A", day(23, 30), "", msp)}, 0, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sch, err := exam.BuildSchedule(ref, tt.plans, exam.ScheduleOptions{DayEnd: tt.dayEnd})
			if err != nil {
				t.Fatal(err)
			}
			var got []issue
			for _, is := range sch.Issues {
				got = append(got, issue{is.Kind, is.Slot, is.Other})
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("issues %v, want %v (%+v)", got, tt.want, sch.Issues)
			}
			for k, v := range tt.data {
				if sch.Issues[0].Data[k] != v {
					t.Errorf("Data[%s] = %v, want %v (%s)", k, sch.Issues[0].Data[k], v, sch.Issues[0].Message)
				}
			}
			for _, is := range sch.Issues {
				if is.Key == "" || is.Message == "" {
					t.Errorf("issue without key or message: %+v", is)
				}
			}
		})
	}
	sch, _ := exam.BuildSchedule(ref, []exam.CandidatePlan{one(1, "A", day(16, 0), "", msp)}, exam.ScheduleOptions{DayEnd: exam.NewTimeOfDay(17, 0)})
	if msg := sch.Issues[0].Message; msg != "A: MSP ends at 17:20, after the end of the day (17:00), 20 min late" {
		t.Fatalf("message %q", msg)
	}
}
