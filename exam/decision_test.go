package exam_test

import (
	"reflect"
	"testing"

	"github.com/amisjury/amis/exam"
)

// grid builds a grid of candidate 1 on CCP1 (competences 1..5) from a
// string of verdicts: s satisfied, n not satisfied, - not evaluated.
func grid(member int64, verdicts string) exam.Grid {
	g := exam.Grid{CandidateID: 1, Block: "RNCP37722BC01", MemberID: member}
	for i, r := range verdicts {
		v := exam.NotEvaluated
		switch r {
		case 's':
			v = exam.Satisfied
		case 'n':
			v = exam.NotSatisfied
		}
		g.Assessments = append(g.Assessments, exam.Assessment{Competence: i + 1, Verdict: v})
	}
	return g
}

func TestDisagreements(t *testing.T) {
	grids := []exam.Grid{grid(10, "ssns-"), grid(11, "snss-"), grid(12, "s-s--"), grid(0, "-s---")}
	got := exam.Disagreements(grids)
	want := []exam.Disagreement{
		{CandidateID: 1, Block: "RNCP37722BC01", Competence: 2, Satisfied: []int64{10}, NotSatisfied: []int64{11}, Settled: exam.Satisfied},
		{CandidateID: 1, Block: "RNCP37722BC01", Competence: 3, Satisfied: []int64{11, 12}, NotSatisfied: []int64{10}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Disagreements =\n%+v\nwant\n%+v", got, want)
	}
	if d := exam.Disagreements([]exam.Grid{grid(10, "sssss"), grid(11, "s----")}); d != nil {
		t.Fatalf("not evaluated is no disagreement: %+v", d)
	}
}

func TestJuryView(t *testing.T) {
	b := jmRef(t).Block("CCP1")
	view := exam.JuryView(b, []exam.Grid{grid(10, "ssn-s"), grid(11, "sns--"), grid(0, "--s--")})
	want := []exam.CompetenceView{
		{Competence: 1, Verdict: exam.Satisfied},
		{Competence: 2, Disputed: true},
		{Competence: 3, Verdict: exam.Satisfied, Collegial: true},
		{Competence: 4},
		{Competence: 5, Verdict: exam.Satisfied},
	}
	if !reflect.DeepEqual(view, want) {
		t.Fatalf("JuryView =\n%+v\nwant\n%+v", view, want)
	}
}

func TestDecisionRule_Propose(t *testing.T) {
	b := jmRef(t).Block("CCP1")
	tests := []struct {
		name  string
		rule  exam.DecisionRule
		grids []exam.Grid
		want  exam.BlockOutcome
	}{
		{"every competence satisfied", exam.DefaultDecisionRule, []exam.Grid{grid(10, "sssss"), grid(11, "sssss")}, exam.OutcomeAcquired},
		{"a member's blanks do not count against the others", exam.DefaultDecisionRule, []exam.Grid{grid(10, "sssss"), grid(11, "ss---")}, exam.OutcomeAcquired},
		{"one not satisfied", exam.DefaultDecisionRule, []exam.Grid{grid(10, "ssssn"), grid(11, "ssssn")}, exam.OutcomeNotAcquired},
		{"one not satisfied decides even with blanks", exam.DefaultDecisionRule, []exam.Grid{grid(10, "n----")}, exam.OutcomeNotAcquired},
		{"some not evaluated: no proposal", exam.DefaultDecisionRule, []exam.Grid{grid(10, "ssss-")}, exam.OutcomePending},
		{"no grid: no proposal", exam.DefaultDecisionRule, nil, exam.OutcomePending},
		{"disputed: no proposal", exam.DefaultDecisionRule, []exam.Grid{grid(10, "sssss"), grid(11, "ssssn")}, exam.OutcomePending},
		{"dispute settled by the collegial grid", exam.DefaultDecisionRule, []exam.Grid{grid(10, "sssss"), grid(11, "ssssn"), grid(0, "----s")}, exam.OutcomeAcquired},
		{"collegial grid overrides unanimity", exam.DefaultDecisionRule, []exam.Grid{grid(10, "sssss"), grid(0, "n----")}, exam.OutcomeNotAcquired},
		{"grids of another block are ignored", exam.DefaultDecisionRule, []exam.Grid{grid(10, "sssss"), {CandidateID: 1, Block: "RNCP37722BC02", MemberID: 10, Assessments: []exam.Assessment{{Competence: 1, Verdict: exam.NotSatisfied}}}}, exam.OutcomeAcquired},
		{"tolerance of one", exam.DecisionRule{Tolerance: 1}, []exam.Grid{grid(10, "ssssn")}, exam.OutcomeAcquired},
		{"tolerance of one, two not satisfied", exam.DecisionRule{Tolerance: 1}, []exam.Grid{grid(10, "sssnn")}, exam.OutcomeNotAcquired},
		{"tolerance of one, not certain yet", exam.DecisionRule{Tolerance: 1}, []exam.Grid{grid(10, "sssn-")}, exam.OutcomePending},
		{"essential competence not satisfied", exam.DecisionRule{Tolerance: 1, Essential: []int{5}}, []exam.Grid{grid(10, "ssssn")}, exam.OutcomeNotAcquired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := exam.ProposeBlock(b, tt.grids, tt.rule)
			if p.Outcome != tt.want {
				t.Fatalf("Propose = %q (%+v), want %q", p.Outcome, p, tt.want)
			}
			if n := len(p.Satisfied) + len(p.NotSatisfied) + len(p.NotEvaluated); n != len(b.Competences) || p.Block != b.Code {
				t.Fatalf("proposal does not account for every competence: %+v", p)
			}
		})
	}
}

func TestGrid_Validate(t *testing.T) {
	b := jmRef(t).Block("CCP2")
	g := exam.NewGrid(1, 10, b)
	if len(g.Assessments) != 4 || g.Assessments[0].Competence != 6 || g.Verdict(6) != exam.NotEvaluated {
		t.Fatalf("NewGrid = %+v", g)
	}
	assertField(t, g.Validate(), "", "")
	tests := []struct {
		name   string
		mutate func(g *exam.Grid)
		field  string
		key    string
	}{
		{"no candidate", func(g *exam.Grid) { g.CandidateID = 0 }, "candidate", "err.required"},
		{"no block", func(g *exam.Grid) { g.Block = "" }, "block", "err.required"},
		{"bad verdict", func(g *exam.Grid) { g.Assessments[1].Verdict = "bof" }, "assessments[1].verdict", "err.grade.verdict"},
		{"competence twice", func(g *exam.Grid) { g.Assessments[1].Competence = 6 }, "assessments[1].competence", "err.grade.competence_duplicate"},
		{"no competence number", func(g *exam.Grid) { g.Assessments[0].Competence = 0 }, "assessments[0].competence", "err.grade.competence_number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := exam.NewGrid(1, 10, b)
			tt.mutate(&g)
			assertField(t, g.Validate(), tt.field, tt.key)
		})
	}
}

func TestBlockDecision_Validate(t *testing.T) {
	tests := []struct {
		name  string
		d     exam.BlockDecision
		field string
		key   string
	}{
		{"confirms acquis", exam.BlockDecision{CandidateID: 1, Block: "RNCP37722BC01", Proposed: exam.OutcomeAcquired, Outcome: exam.OutcomeAcquired}, "", ""},
		{"acquis without proposal", exam.BlockDecision{CandidateID: 1, Block: "RNCP37722BC01", Outcome: exam.OutcomeAcquired}, "", ""},
		{"non acquis with its reason", exam.BlockDecision{CandidateID: 1, Block: "RNCP37722BC01", Proposed: exam.OutcomeNotAcquired, Outcome: exam.OutcomeNotAcquired, Reason: "C4 : orientation non maîtrisée"}, "", ""},
		{"non acquis without reason", exam.BlockDecision{CandidateID: 1, Block: "RNCP37722BC01", Proposed: exam.OutcomeNotAcquired, Outcome: exam.OutcomeNotAcquired, Reason: "  "}, "reason", "err.decision.reason"},
		{"departs to acquis without reason", exam.BlockDecision{CandidateID: 1, Block: "RNCP37722BC01", Proposed: exam.OutcomeNotAcquired, Outcome: exam.OutcomeAcquired}, "reason", "err.decision.departure_reason"},
		{"departs to acquis with reason", exam.BlockDecision{CandidateID: 1, Block: "RNCP37722BC01", Proposed: exam.OutcomeNotAcquired, Outcome: exam.OutcomeAcquired, Reason: "C5 observée en entretien"}, "", ""},
		{"no outcome", exam.BlockDecision{CandidateID: 1, Block: "RNCP37722BC01"}, "outcome", "err.decision.outcome"},
		{"déjà acquis is not a decision", exam.BlockDecision{CandidateID: 1, Block: "RNCP37722BC01", Outcome: exam.OutcomeAlreadyAcquired}, "outcome", "err.decision.outcome"},
		{"bad proposal", exam.BlockDecision{CandidateID: 1, Block: "RNCP37722BC01", Proposed: "peut-être", Outcome: exam.OutcomeAcquired}, "proposed", "err.decision.proposed"},
		{"no block", exam.BlockDecision{CandidateID: 1, Outcome: exam.OutcomeAcquired}, "block", "err.required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertField(t, tt.d.Validate(), tt.field, tt.key)
		})
	}
	s := jmSession(t)
	ref := jmRef(t)
	d := exam.BlockDecision{CandidateID: 3, Block: "CCP1", Outcome: exam.OutcomeAcquired}
	if err := s.CheckDecision(ref, &d); exam.ErrorCode(err) != exam.EINVALID {
		t.Fatalf("a decision on a déjà acquis block was accepted: %v", err)
	}
	d = exam.BlockDecision{CandidateID: 3, Block: "CCP2", Outcome: exam.OutcomeNotAcquired}
	assertField(t, s.CheckDecision(ref, &d), "reason", "err.decision.reason")
}

func TestProposeResult(t *testing.T) {
	ref := jmRef(t)
	const bc1, bc2, bc3 = "RNCP37722BC01", "RNCP37722BC02", "RNCP37722BC03"
	dec := func(block string, o exam.BlockOutcome) exam.BlockDecision {
		return exam.BlockDecision{CandidateID: 1, Block: block, Outcome: o, Reason: "r"}
	}
	acq, not := exam.OutcomeAcquired, exam.OutcomeNotAcquired
	tests := []struct {
		name      string
		kind      exam.SessionKind
		scope     exam.Scope
		acquired  []string // before the session
		sits      []string
		absent    bool
		decisions []exam.BlockDecision
		result    exam.Result
		now       []string
		pending   []string
		allHeld   bool
		outcomes  []exam.BlockOutcome
	}{
		{"titre obtenu", exam.KindCertification, exam.ScopeFullTitle, nil, []string{bc1, bc2, bc3}, false,
			[]exam.BlockDecision{dec(bc1, acq), dec(bc2, acq), dec(bc3, acq)},
			exam.ResultTitle, []string{bc1, bc2, bc3}, nil, true, []exam.BlockOutcome{acq, acq, acq}},
		{"titre obtenu with a CCP acquired before", exam.KindCertification, exam.ScopeFullTitle, []string{bc1}, []string{bc2, bc3}, false,
			[]exam.BlockDecision{dec(bc2, acq), dec(bc3, acq)},
			exam.ResultTitle, []string{bc2, bc3}, nil, true, []exam.BlockOutcome{exam.OutcomeAlreadyAcquired, acq, acq}},
		{"certification partielle", exam.KindCertification, exam.ScopeFullTitle, nil, []string{bc1, bc2, bc3}, false,
			[]exam.BlockDecision{dec(bc1, acq), dec(bc2, not), dec(bc3, acq)},
			exam.ResultPartial, []string{bc1, bc3}, nil, false, []exam.BlockOutcome{acq, not, acq}},
		{"non obtenu", exam.KindCertification, exam.ScopeFullTitle, []string{bc1}, []string{bc2, bc3}, false,
			[]exam.BlockDecision{dec(bc2, not), dec(bc3, not)},
			exam.ResultNotObtained, nil, nil, false, []exam.BlockOutcome{exam.OutcomeAlreadyAcquired, not, not}},
		{"absent", exam.KindCertification, exam.ScopeFullTitle, nil, []string{bc1, bc2, bc3}, true,
			[]exam.BlockDecision{dec(bc1, acq)},
			exam.ResultAbsent, nil, nil, false, []exam.BlockOutcome{exam.OutcomePending, exam.OutcomePending, exam.OutcomePending}},
		{"decision missing", exam.KindCertification, exam.ScopeFullTitle, nil, []string{bc1, bc2, bc3}, false,
			[]exam.BlockDecision{dec(bc1, acq), dec(bc3, not)},
			exam.ResultPending, []string{bc1}, []string{bc2}, false, []exam.BlockOutcome{acq, exam.OutcomePending, not}},
		{"decisions on blocks not sat or déjà acquis are ignored", exam.KindCertification, exam.ScopeFullTitle, []string{bc1}, []string{bc2, bc3}, false,
			[]exam.BlockDecision{dec(bc1, not), dec(bc2, acq), dec(bc3, acq), {CandidateID: 2, Block: bc2, Outcome: not}},
			exam.ResultTitle, []string{bc2, bc3}, nil, true, []exam.BlockOutcome{exam.OutcomeAlreadyAcquired, acq, acq}},
		{"CCP-only: CCP obtained", exam.KindCertification, exam.ScopeCCP, nil, []string{bc2}, false,
			[]exam.BlockDecision{dec(bc2, acq)},
			exam.ResultPartial, []string{bc2}, nil, false, []exam.BlockOutcome{exam.OutcomeNotSat, acq, exam.OutcomeNotSat}},
		{"CCP-only: last CCP obtained, the title is not awarded here", exam.KindCertification, exam.ScopeCCP, []string{bc1, bc2}, []string{bc3}, false,
			[]exam.BlockDecision{dec(bc3, acq)},
			exam.ResultPartial, []string{bc3}, nil, true, []exam.BlockOutcome{exam.OutcomeAlreadyAcquired, exam.OutcomeAlreadyAcquired, acq}},
		{"CCP-only: non obtenu", exam.KindCertification, exam.ScopeCCP, nil, []string{bc2}, false,
			[]exam.BlockDecision{dec(bc2, not)},
			exam.ResultNotObtained, nil, nil, false, []exam.BlockOutcome{exam.OutcomeNotSat, not, exam.OutcomeNotSat}},
		{"mock exam never acquires", exam.KindMock, exam.ScopeFullTitle, nil, []string{bc1, bc2, bc3}, false,
			[]exam.BlockDecision{dec(bc1, acq), dec(bc2, acq), dec(bc3, acq)},
			exam.ResultTitle, nil, nil, true, []exam.BlockOutcome{acq, acq, acq}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := exam.SessionCandidate{Candidate: jmCandidate(1, "MARTIN", "Léa", "", tt.acquired...), Blocks: tt.sits, Absent: tt.absent}
			r := exam.ProposeResult(ref, tt.kind, tt.scope, &sc, tt.decisions)
			var outcomes []exam.BlockOutcome
			for _, b := range r.Blocks {
				outcomes = append(outcomes, b.Outcome)
			}
			if r.Result != tt.result || !reflect.DeepEqual(r.Acquired, tt.now) || !reflect.DeepEqual(r.Pending, tt.pending) ||
				r.AllBlocksHeld != tt.allHeld || !reflect.DeepEqual(outcomes, tt.outcomes) || r.Indicative != (tt.kind == exam.KindMock) {
				t.Fatalf("ProposeResult = %+v\nwant result %q acquired %v pending %v all held %v outcomes %v", r, tt.result, tt.now, tt.pending, tt.allHeld, tt.outcomes)
			}
			rec := r.NewAcquired(exam.NewDate(2026, 6, 15), "S-7")
			if len(rec) != len(tt.now) {
				t.Fatalf("NewAcquired = %+v", rec)
			}
			for i, a := range rec {
				if a.BlockCode != tt.now[i] || a.SessionRef != "S-7" {
					t.Fatalf("NewAcquired = %+v", rec)
				}
			}
		})
	}
	s := jmSession(t)
	if _, err := s.ProposeResult(ref, 99, nil); exam.ErrorCode(err) != exam.ENOTFOUND {
		t.Fatalf("unknown candidate: %v", err)
	}
	s.Kind = exam.KindMock
	r, err := s.ProposeResult(ref, 3, []exam.BlockDecision{{CandidateID: 3, Block: bc2, Outcome: acq}, {CandidateID: 3, Block: bc3, Outcome: acq}})
	if err != nil || r.Result != exam.ResultTitle || !r.Indicative || r.NewAcquired(exam.NewDate(2026, 6, 15), "") != nil {
		t.Fatalf("mock exam result %+v, %v", r, err)
	}
}
