package exam

import "time"

// DayPlan returns the default plans of a session's present candidates, in
// registration order, for the session's first day in loc: one jury examines
// one candidate at a time, so each candidate starts when the previous one
// has ended plus the changeover, the first at DayStart (08:30 when unset).
// Candidates examined by different panels (SessionCandidate.Jury) are
// planned in parallel, one sequence per panel. A day that runs late is not
// cut: BuildSchedule reports it.
func (s *Session) DayPlan(ref *Referentiel, loc *time.Location) []CandidatePlan {
	dayStart := s.DayStart
	if dayStart == 0 {
		dayStart = NewTimeOfDay(8, 30)
	}
	first := dayStart.On(time.Date(s.StartDate.Year, s.StartDate.Month, s.StartDate.Day, 0, 0, 0, 0, loc))
	next := map[string]time.Time{}
	var plans []CandidatePlan
	for i := range s.Candidates {
		sc := &s.Candidates[i]
		if sc.Absent {
			continue
		}
		start, ok := next[sc.Jury]
		if !ok {
			start = first
		}
		p := PlanCandidate(ref, sc, start)
		plans = append(plans, p)
		end := start
		if sched, err := BuildSchedule(ref, []CandidatePlan{p}, s.ScheduleOptions()); err == nil {
			for j, sl := range sched.Slots {
				// The épreuves a spread plan puts on later days do not
				// hold up the next candidates of this day.
				if p.Day(j, len(sched.Slots)) == 0 && sl.End.After(end) {
					end = sl.End
				}
			}
		}
		next[sc.Jury] = end.Add(s.Changeover)
	}
	return plans
}

// DaySchedule is BuildSchedule over DayPlan.
func (s *Session) DaySchedule(ref *Referentiel, loc *time.Location) (Schedule, error) {
	return BuildSchedule(ref, s.DayPlan(ref, loc), s.ScheduleOptions())
}
