package exam_test

import (
	"testing"
	"time"

	"github.com/amisjury/amis/assets"
	"github.com/amisjury/amis/exam"
)

func TestSession_DaySchedule(t *testing.T) {
	ref, err := assets.Referentiel()
	if err != nil {
		t.Fatal(err)
	}
	cand := func(id int64, name string) exam.SessionCandidate {
		c := validCandidate()
		c.ID, c.BirthName = id, name
		return exam.NewSessionCandidate(ref, c)
	}
	s := &exam.Session{
		Kind: exam.KindCertification, Scope: exam.ScopeFullTitle,
		StartDate: exam.NewDate(2026, 12, 1), DayStart: exam.NewTimeOfDay(8, 0), DayEnd: exam.NewTimeOfDay(12, 0),
		Changeover: 10 * time.Minute,
		Candidates: []exam.SessionCandidate{cand(1, "A"), cand(2, "B"), cand(3, "C")},
	}
	s.Candidates[1].Absent = true
	s.Candidates[2].Allowance = exam.TimeAllowance{ExtraPercent: 50}
	sched, err := s.DaySchedule(ref, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	a, b, c := sched.For(1), sched.For(2), sched.For(3)
	if len(a) == 0 || len(b) != 0 || len(c) == 0 {
		t.Fatalf("slots: %d, %d (absent), %d", len(a), len(b), len(c))
	}
	if want := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC); !a[0].PrepStart.Equal(want) {
		t.Errorf("first candidate starts at %v, want %v", a[0].PrepStart, want)
	}
	if want := a[len(a)-1].End.Add(10 * time.Minute); !c[0].PrepStart.Equal(want) {
		t.Errorf("third candidate starts at %v, want the end of the first plus the changeover %v", c[0].PrepStart, want)
	}
	if c[0].Time.Extra == 0 {
		t.Error("the 50 % allowance is not applied")
	}
	late := false
	for _, is := range sched.Issues {
		late = late || is.Kind == exam.IssueLateDay
	}
	if !late {
		t.Error("a day running past 12:00 must be reported")
	}
}
