package exam_test

import (
	"testing"
	"time"
	_ "time/tzdata"

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

func TestSession_DayScheduleSpreadDays(t *testing.T) {
	ref, err := assets.Referentiel()
	if err != nil {
		t.Fatal(err)
	}
	cand := func(id int64, name string) exam.SessionCandidate {
		c := validCandidate()
		c.ID, c.BirthName = id, name
		return exam.NewSessionCandidate(ref, c)
	}
	paris, err := time.LoadLocation("Europe/Paris") // time/tzdata is linked in
	if err != nil {
		t.Fatal(err)
	}
	// 24/10/2026 to 25/10/2026 crosses the end of summer time in Paris.
	s := &exam.Session{
		Kind: exam.KindCertification, Scope: exam.ScopeFullTitle,
		StartDate: exam.NewDate(2026, 10, 24), DayStart: exam.NewTimeOfDay(8, 30), Changeover: 10 * time.Minute,
		Candidates: []exam.SessionCandidate{cand(1, "A"), cand(2, "B")},
	}
	// As storage applies a profile: its time to Allowance, the rest to
	// Accommodations.
	s.Candidates[0].Accommodations = &exam.AccommodationProfile{SpreadDays: 2, Time: exam.TimeAllowance{StartOffset: 30 * time.Minute}}
	s.Candidates[0].Allowance = s.Candidates[0].Accommodations.Time
	sched, err := s.DaySchedule(ref, paris)
	if err != nil {
		t.Fatal(err)
	}
	a, b := sched.For(1), sched.For(2)
	n := len(a)
	if n < 2 {
		t.Fatalf("%d épreuves for the spread candidate", n)
	}
	first := time.Date(2026, 10, 24, 9, 0, 0, 0, paris) // 08:30 + 30 min offset
	if !a[0].PrepStart.Equal(first) {
		t.Errorf("day 1 starts at %v, want %v", a[0].PrepStart, first)
	}
	perDay := map[exam.Date]int{}
	for _, sl := range a {
		perDay[exam.DateOf(sl.PrepStart)]++
	}
	day2 := exam.NewDate(2026, 10, 25)
	if len(perDay) != 2 || perDay[day2] != n/2 || perDay[exam.DateOf(first)] != n-n/2 {
		t.Errorf("épreuves per day = %v, want %d then %d", perDay, n-n/2, n/2)
	}
	// The first épreuve of day 2 starts at the same wall-clock time, though
	// the UTC offset changed overnight.
	k := n - n/2
	if want := time.Date(2026, 10, 25, 9, 0, 0, 0, paris); !a[k].PrepStart.Equal(want) {
		t.Errorf("day 2 starts at %v, want %v", a[k].PrepStart, want)
	}
	// The next candidate follows the spread one's last épreuve of day 1,
	// not of day 2.
	if want := a[k-1].End.Add(10 * time.Minute); !b[0].PrepStart.Equal(want) {
		t.Errorf("next candidate starts at %v, want %v", b[0].PrepStart, want)
	}
	for _, is := range sched.Issues {
		if is.Kind == exam.IssueCandidateOverlap || is.Kind == exam.IssueJuryOverlap {
			t.Errorf("unexpected issue %s: %s", is.Kind, is.Message)
		}
	}
}

func TestCandidatePlan_Day(t *testing.T) {
	for _, tc := range []struct {
		spread, n int
		want      []int
	}{
		{0, 3, []int{0, 0, 0}},
		{1, 3, []int{0, 0, 0}},
		{2, 4, []int{0, 0, 1, 1}},
		{2, 3, []int{0, 0, 1}},
		{3, 4, []int{0, 0, 1, 2}},
		{5, 2, []int{0, 1}},
	} {
		p := exam.CandidatePlan{SpreadDays: tc.spread}
		for j, w := range tc.want {
			if got := p.Day(j, tc.n); got != w {
				t.Errorf("spread %d, %d épreuves: épreuve %d on day %d, want %d", tc.spread, tc.n, j, got, w)
			}
		}
	}
}
