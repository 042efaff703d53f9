package exam_test

import (
	"errors"
	"testing"

	"github.com/amisjury/amis/assets"
	"github.com/amisjury/amis/exam"
)

func jmRef(t testing.TB) *exam.Referentiel {
	t.Helper()
	ref, err := assets.Referentiel()
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

func jmCandidate(id int64, birthName, firstNames, centre string, acquired ...string) exam.Candidate {
	c := exam.Candidate{ID: id, BirthName: birthName, FirstNames: firstNames, TrainingCentre: centre}
	for _, code := range acquired {
		c.Acquired = append(c.Acquired, exam.AcquiredBlock{BlockCode: code, Date: exam.NewDate(2025, 6, 1)})
	}
	return c
}

// jmSession is a valid full-title certification session:
//   - 1 MARTIN Léa (AFPA Nîmes), trained by member 11;
//   - 2 DIALLO Awa (AFPA Nîmes), employed by the Mairie de Nîmes (member 10);
//   - 3 ROUX Paul (GRETA Gard, member 12's organisation), CCP1 already acquired.
//
// Each candidate has exactly two members able to deliberate.
func jmSession(t testing.TB) *exam.Session {
	ref := jmRef(t)
	a := exam.NewSessionCandidate(ref, jmCandidate(1, "MARTIN", "Léa", "AFPA Nîmes"))
	b := exam.NewSessionCandidate(ref, jmCandidate(2, "DIALLO", "Awa", "AFPA Nîmes"))
	b.Employer = "Mairie de Nîmes"
	c := exam.NewSessionCandidate(ref, jmCandidate(3, "ROUX", "Paul", "GRETA Gard", "RNCP37722BC01"))
	return &exam.Session{
		ID: 7, Kind: exam.KindCertification, Scope: exam.ScopeFullTitle,
		StartDate: exam.NewDate(2026, 6, 15), Place: "Nîmes, salle 3", TrainingCentre: "AFPA Nîmes",
		Referentiel: ref.Code, ReferentielVersion: ref.Version,
		DayStart: exam.NewTimeOfDay(8, 30), DayEnd: exam.NewTimeOfDay(18, 0),
		Candidates: []exam.SessionCandidate{a, b, c},
		Jury: []exam.Member{
			{ID: 10, Name: "Sophie Bernard", Organisation: "Mairie de Nîmes", Habilitation: "H-2024-001", Role: exam.JuryPresident, External: true},
			{ID: 11, Name: "Karim Haddad", Organisation: "Transdev", Habilitation: "H-2023-117", Role: exam.JuryMember, External: true, TrainerOf: []int64{1}},
			{ID: 12, Name: "Julie Petit", Organisation: "Greta  gard", Habilitation: "H-2022-042", Role: exam.JuryMember},
		},
	}
}

func TestDefaultBlocks(t *testing.T) {
	ref := jmRef(t)
	c := jmCandidate(3, "ROUX", "Paul", "", "RNCP37722BC01")
	got := exam.DefaultBlocks(ref, &c)
	if len(got) != 2 || got[0] != "RNCP37722BC02" || got[1] != "RNCP37722BC03" {
		t.Fatalf("DefaultBlocks = %v", got)
	}
}

func TestSession_Validate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(s *exam.Session)
		field  string
		key    string
	}{
		{"valid", func(s *exam.Session) {}, "", ""},
		{"no kind", func(s *exam.Session) { s.Kind = "" }, "kind", "err.session.kind"},
		{"no scope", func(s *exam.Session) { s.Scope = "titre" }, "scope", "err.session.scope"},
		{"no place", func(s *exam.Session) { s.Place = " " }, "place", "err.required"},
		{"no centre", func(s *exam.Session) { s.TrainingCentre = "" }, "training_centre", "err.required"},
		{"no version", func(s *exam.Session) { s.ReferentielVersion = "" }, "referentiel_version", "err.required"},
		{"no date", func(s *exam.Session) { s.StartDate = exam.Date{} }, "start_date", "err.required"},
		{"ends before it starts", func(s *exam.Session) { s.EndDate = exam.NewDate(2026, 6, 14) }, "end_date", "err.session.end_before_start"},
		{"day ends before it starts", func(s *exam.Session) { s.DayEnd = exam.NewTimeOfDay(8, 0) }, "day_hours", "err.session.day_hours"},
		{"candidate not stored", func(s *exam.Session) { s.Candidates[0].Candidate.ID = 0 }, "candidates[0].candidate", "err.session.candidate_id"},
		{"candidate twice", func(s *exam.Session) { s.Candidates[1].Candidate.ID = 1 }, "candidates[1].candidate", "err.session.candidate_duplicate"},
		{"block twice", func(s *exam.Session) { s.Candidates[0].Blocks = []string{"RNCP37722BC01", "rncp37722bc01"} }, "candidates[0].blocks", "err.session.block_duplicate"},
		{"CCP-only candidate without block", func(s *exam.Session) { s.Scope = exam.ScopeCCP; s.Candidates[2].Blocks = nil }, "candidates[2].blocks", "err.session.no_blocks"},
		{"bad allowance", func(s *exam.Session) { s.Candidates[1].Allowance.ExtraPercent = -1 }, "candidates[1].allowance.extra_percent", "err.allowance.percent"},
		{"member without name", func(s *exam.Session) { s.Jury[1].Name = "" }, "jury[1].name", "err.required"},
		{"member without role", func(s *exam.Session) { s.Jury[1].Role = "" }, "jury[1].role", "err.session.member_role"},
		{"member twice", func(s *exam.Session) { s.Jury[2].ID = 11 }, "jury[2].name", "err.session.member_duplicate"},
		{"two presidents", func(s *exam.Session) { s.Jury[2].Role = exam.JuryPresident }, "jury[2].role", "err.session.president_many"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := jmSession(t)
			tt.mutate(s)
			assertField(t, s.Validate(), tt.field, tt.key)
		})
	}
	var m exam.Member
	assertField(t, m.Validate(), "role", "err.session.member_role")
}

func TestSession_CheckReferentiel(t *testing.T) {
	ref := jmRef(t)
	tests := []struct {
		name   string
		mutate func(s *exam.Session)
		field  string
		key    string
	}{
		{"valid", func(s *exam.Session) {}, "", ""},
		{"other référentiel", func(s *exam.Session) { s.Referentiel = "RNCP1" }, "referentiel", "err.session.referentiel_mismatch"},
		{"unknown block", func(s *exam.Session) { s.Candidates[0].Blocks[0] = "CCP9" }, "candidates[0].blocks", "err.session.block_unknown"},
		{"block already acquired", func(s *exam.Session) { s.Candidates[2].Blocks = append(s.Candidates[2].Blocks, "CCP1") }, "candidates[2].blocks", "err.session.block_acquired"},
		{"full title with a block missing", func(s *exam.Session) { s.Candidates[0].Blocks = s.Candidates[0].Blocks[:2] }, "candidates[0].blocks", "err.session.block_missing"},
		{"CCP-only may sit one block", func(s *exam.Session) { s.Scope = exam.ScopeCCP; s.Candidates[0].Blocks = []string{"CCP2"} }, "", ""},
		{"override of an unknown épreuve", func(s *exam.Session) {
			s.Candidates[0].Allowance.Overrides = []exam.TrialOverride{{Trial: "ORAL", Reason: "x"}}
		}, "candidates[0].allowance.overrides[0].trial", "err.allowance.trial_unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := jmSession(t)
			tt.mutate(s)
			assertField(t, s.CheckReferentiel(ref), tt.field, tt.key)
		})
	}
	s := jmSession(t)
	s.Scope = exam.ScopeCCP
	s.Candidates[0].Blocks = []string{"ccp2"}
	if err := s.CheckReferentiel(ref); err != nil || s.Candidates[0].Blocks[0] != "RNCP37722BC02" {
		t.Fatalf("short code not resolved: %v %v", err, s.Candidates[0].Blocks)
	}
}

func TestSession_Conflicts(t *testing.T) {
	s := jmSession(t)
	s.Jury[0].ConflictWith = []int64{3}
	type pair struct {
		member, candidate int64
		kind              exam.ConflictKind
	}
	want := []pair{
		{11, 1, exam.ConflictTrainer},
		{10, 2, exam.ConflictEmployer},
		{10, 3, exam.ConflictDeclared},
		{12, 3, exam.ConflictCentre},
	}
	got := s.Conflicts()
	if len(got) != len(want) {
		t.Fatalf("Conflicts = %+v", got)
	}
	for i, w := range want {
		if got[i].MemberID != w.member || got[i].CandidateID != w.candidate || got[i].Kind != w.kind {
			t.Errorf("conflict %d = %+v, want %+v", i, got[i], w)
		}
	}
	if got[0].Member != "Karim Haddad" || got[0].Candidate != "MARTIN Léa" || got[0].Kind.Key() != "session.conflict.trainer" {
		t.Errorf("conflict labels: %+v", got[0])
	}

	tests := []struct {
		name              string
		kind              exam.SessionKind
		member, candidate int64
		want              bool
	}{
		{"trainer may not grade", exam.KindCertification, 11, 1, false},
		{"employer may not deliberate", exam.KindCertification, 10, 2, false},
		{"training centre may not deliberate", exam.KindCertification, 12, 3, false},
		{"no conflict", exam.KindCertification, 12, 1, true},
		{"not in the jury", exam.KindCertification, 99, 1, false},
		{"candidate not registered", exam.KindCertification, 12, 99, false},
		{"mock exam: trainers are the jury", exam.KindMock, 11, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.Kind = tt.kind
			if got := s.CanGrade(tt.member, tt.candidate); got != tt.want {
				t.Fatalf("CanGrade(%d, %d) = %v", tt.member, tt.candidate, got)
			}
			if got := s.CanDeliberate(tt.member, tt.candidate); got != tt.want {
				t.Fatalf("CanDeliberate(%d, %d) = %v", tt.member, tt.candidate, got)
			}
		})
	}
}

func TestSession_CheckStart(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(s *exam.Session)
		field  string
		key    string
		data   map[string]any
	}{
		{"ready", func(s *exam.Session) {}, "", "", nil},
		{"fewer than two able members", func(s *exam.Session) { s.Jury[1].TrainerOf = append(s.Jury[1].TrainerOf, 3) },
			"candidates[2]", "err.session.jury_short", map[string]any{"Candidate": "ROUX Paul", "Able": 1, "Missing": 1}},
		{"none able", func(s *exam.Session) {
			s.Jury[0].ConflictWith = []int64{3}
			s.Jury[1].TrainerOf = append(s.Jury[1].TrainerOf, 3)
		}, "candidates[2]", "err.session.jury_short", map[string]any{"Candidate": "ROUX Paul", "Able": 0, "Missing": 2}},
		{"absent candidate needs nobody", func(s *exam.Session) {
			s.Jury[1].TrainerOf = append(s.Jury[1].TrainerOf, 3)
			s.Candidates[2].Absent = true
		}, "", "", nil},
		{"one member", func(s *exam.Session) { s.Jury = s.Jury[:1] }, "jury", "err.session.jury_size", map[string]any{"Min": 2}},
		{"no president", func(s *exam.Session) { s.Jury[0].Role = exam.JuryMember }, "jury", "err.session.president_missing", nil},
		{"no habilitation", func(s *exam.Session) { s.Jury[2].Habilitation = "" }, "jury[2].habilitation", "err.session.habilitation", nil},
		{"no candidate", func(s *exam.Session) { s.Candidates = nil }, "candidates", "err.session.no_candidates", nil},
		{"mock exam: conflicts and habilitation do not block", func(s *exam.Session) {
			s.Kind = exam.KindMock
			s.Jury = s.Jury[1:2]
			s.Jury[0].Habilitation = ""
		}, "", "", nil},
		{"mock exam needs one member", func(s *exam.Session) { s.Kind = exam.KindMock; s.Jury = nil }, "jury", "err.session.jury_size", map[string]any{"Min": 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := jmSession(t)
			tt.mutate(s)
			err := s.CheckStart()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			var e *exam.Error
			if !errors.As(err, &e) || e.Key != "err.session.not_ready" || e.Code != exam.EINVALID {
				t.Fatalf("error %v, want err.session.not_ready", err)
			}
			for _, fe := range e.Fields {
				if fe.Field != tt.field || fe.Key != tt.key {
					continue
				}
				for k, v := range tt.data {
					if fe.Data[k] != v {
						t.Fatalf("%s: Data[%s] = %v, want %v (%s)", fe.Key, k, fe.Data[k], v, fe.Message)
					}
				}
				return
			}
			t.Fatalf("errors %+v, want %s on %s", e.Fields, tt.key, tt.field)
		})
	}

	s := jmSession(t)
	s.Jury[1].TrainerOf = append(s.Jury[1].TrainerOf, 3)
	short := s.JuryShortages()
	if len(short) != 1 || short[0].CandidateID != 3 || short[0].Missing != 1 || len(short[0].Able) != 1 || short[0].Able[0] != "Sophie Bernard" {
		t.Fatalf("JuryShortages = %+v", short)
	}
	if ex := short[0].Excluded; len(ex) != 2 || ex[0].Kind != exam.ConflictTrainer || ex[1].Kind != exam.ConflictCentre {
		t.Fatalf("excluded = %+v", ex)
	}
	if msg := exam.FieldErrors(s.CheckStart())[0].Message; msg != "ROUX Paul: 1 jury member(s) may deliberate, 1 more needed" {
		t.Fatalf("message %q", msg)
	}
}

func TestSession_CheckGrid(t *testing.T) {
	ref := jmRef(t)
	tests := []struct {
		name   string
		mutate func(s *exam.Session)
		grid   exam.Grid
		code   string
		key    string
	}{
		{"member grid", nil, exam.Grid{CandidateID: 1, Block: "RNCP37722BC01", MemberID: 10, Assessments: []exam.Assessment{{Competence: 1, Verdict: exam.Satisfied}}}, "", ""},
		{"collegial grid", nil, exam.Grid{CandidateID: 1, Block: "CCP2"}, "", ""},
		{"trainer", nil, exam.Grid{CandidateID: 1, Block: "RNCP37722BC01", MemberID: 11}, exam.EFORBIDDEN, "err.grade.conflict"},
		{"same centre", nil, exam.Grid{CandidateID: 3, Block: "RNCP37722BC02", MemberID: 12}, exam.EFORBIDDEN, "err.grade.conflict"},
		{"trainer in a mock exam", func(s *exam.Session) { s.Kind = exam.KindMock }, exam.Grid{CandidateID: 1, Block: "RNCP37722BC01", MemberID: 11}, "", ""},
		{"not in the jury", nil, exam.Grid{CandidateID: 1, Block: "RNCP37722BC01", MemberID: 99}, exam.EINVALID, "err.grade.member_unknown"},
		{"déjà acquis is not graded", nil, exam.Grid{CandidateID: 3, Block: "RNCP37722BC01", MemberID: 10}, exam.EINVALID, "err.session.already_acquired"},
		{"block not sat", func(s *exam.Session) { s.Candidates[0].Blocks = []string{"RNCP37722BC02"} }, exam.Grid{CandidateID: 1, Block: "RNCP37722BC01", MemberID: 10}, exam.EINVALID, "err.session.not_sat"},
		{"unknown block", nil, exam.Grid{CandidateID: 1, Block: "CCP9", MemberID: 10}, exam.EINVALID, "err.session.block_unknown"},
		{"absent", func(s *exam.Session) { s.Candidates[0].Absent = true }, exam.Grid{CandidateID: 1, Block: "RNCP37722BC01", MemberID: 10}, exam.EINVALID, "err.session.absent"},
		{"unknown candidate", nil, exam.Grid{CandidateID: 99, Block: "RNCP37722BC01", MemberID: 10}, exam.ENOTFOUND, "err.session.candidate_unknown"},
		{"competence of another block", nil, exam.Grid{CandidateID: 1, Block: "RNCP37722BC01", MemberID: 10, Assessments: []exam.Assessment{{Competence: 6}}}, exam.EINVALID, "err.grade.competence"},
		{"signed PV", func(s *exam.Session) { s.SignedAt = at(0) }, exam.Grid{CandidateID: 1, Block: "RNCP37722BC01", MemberID: 10}, exam.ELOCKED, "err.locked"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := jmSession(t)
			if tt.mutate != nil {
				tt.mutate(s)
			}
			err := s.CheckGrid(ref, &tt.grid)
			var e *exam.Error
			switch {
			case tt.code == "" && err != nil:
				t.Fatalf("unexpected error %v", err)
			case tt.code == "":
			case !errors.As(err, &e) || e.Code != tt.code || e.Key != tt.key:
				t.Fatalf("error %v, want %s %s", err, tt.code, tt.key)
			}
		})
	}
	if err := jmSession(t).CheckGrid(ref, &exam.Grid{CandidateID: 1, Block: "RNCP37722BC01", MemberID: 11}); !errors.Is(err, exam.ErrForbidden) {
		t.Fatalf("a conflict is not EFORBIDDEN: %v", err)
	}
}
