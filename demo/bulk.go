package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/amisjury/amis/exam"
)

// BulkStore stores a whole signed certification session in one go, without
// going through the services one write at a time (storage.DB does, see
// its WriteSignedSession).
type BulkStore interface {
	WriteSignedSession(ctx context.Context, a exam.Actor, s *exam.Session,
		records func(i int) (grids []exam.Grid, decisions []exam.BlockDecision, result *exam.CandidateResult)) error
}

// BulkOptions say what FillBulkSession generates.
type BulkOptions struct {
	// Candidates is the number of candidates of the session.
	Candidates int
	// Seed makes the data reproducible; it also gives the candidate
	// numbers their first two digits (seed mod 100), so use a seed of its
	// own, not the demo's.
	Seed uint64
	// Today is the reference day; zero means today. The session takes place
	// two weeks before.
	Today exam.Date
	// Progress, if set, is told how many candidates are stored.
	Progress func(done, total int)
}

// FillBulkSession creates a signed certification session of o.Candidates
// generated candidates, for benchmarks (bench/export.sh): it stores the
// candidates not stored yet through svc, in batches of 10,000, then the
// session through bulk in one transaction: each present candidate sits
// every block not already acquired and has a collegial grid and a decision
// per block (about four blocks in five acquired), and a confirmed result
// that follows from them; about 3 % are absent and 5 % have extra time.
// It returns the session (its ID set).
func FillBulkSession(ctx context.Context, a exam.Actor, svc exam.CandidateService, bulk BulkStore, ref *exam.Referentiel, o BulkOptions) (*exam.Session, error) {
	n := o.Candidates
	if n <= 0 {
		return nil, fmt.Errorf("bulk session: %d candidates", n)
	}
	today := o.Today
	if today.IsZero() {
		today = exam.Today()
	}
	if o.Seed == 0 {
		o.Seed = 7
	}
	all := Candidates(ref, n, o.Seed, today)
	const batch = 10000
	for start := 0; start < len(all); start += batch {
		chunk := all[start:min(start+batch, len(all))]
		keys := make([]string, len(chunk))
		for i, c := range chunk {
			keys[i] = c.DuplicateKey()
		}
		existing, err := svc.ExistingDuplicates(ctx, a, keys)
		if err != nil {
			return nil, fmt.Errorf("bulk session: %w", err)
		}
		var fresh []*exam.Candidate
		for _, c := range chunk {
			if got, ok := existing[c.DuplicateKey()]; ok {
				c.ID = got.ID
				continue
			}
			fresh = append(fresh, c)
		}
		if len(fresh) > 0 {
			if err := svc.ImportCandidates(ctx, a, fresh); err != nil {
				return nil, fmt.Errorf("bulk session: store candidates: %w", err)
			}
		}
		if o.Progress != nil {
			o.Progress(start+len(chunk), len(all))
		}
	}

	day := weekday(today.Time().AddDate(0, 0, -14))
	s := &exam.Session{
		Kind: exam.KindCertification, Scope: exam.ScopeFullTitle, Reference: fmt.Sprintf("BENCH-%d", n),
		StartDate: day, Place: "Centre d'examen de Lyon-Gerland, salle 1", TrainingCentre: "GRETA Lyon Métropole",
		Referentiel: ref.Code, ReferentielVersion: ref.Version,
		DayStart: exam.NewTimeOfDay(8, 30), DayEnd: exam.NewTimeOfDay(17, 30), Changeover: 15 * time.Minute,
		Jury: []exam.Member{
			{Name: "Hélène Roux", Organisation: "Métropole de Lyon", Habilitation: "HAB-2024-301", Role: exam.JuryPresident, External: true},
			{Name: "Patrick N'Diaye", Organisation: "Keolis Lyon", Habilitation: "HAB-2023-077", Role: exam.JuryMember, External: true},
			{Name: "Sonia Lefèvre", Organisation: "ALTM Médiation", Habilitation: "HAB-2022-158", Role: exam.JuryMember, External: true},
		},
		Candidates: make([]exam.SessionCandidate, n),
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0xB01C))
	plans := make([]bulkPlan, n)
	for i, c := range all {
		sc := exam.SessionCandidate{Candidate: *c, Blocks: exam.DefaultBlocks(ref, c), Employer: employerOf(c, i)}
		sc.Absent = rng.IntN(100) < 3
		if rng.IntN(100) < 5 {
			sc.Allowance = exam.TimeAllowance{ExtraPercent: 33}
		}
		s.Candidates[i] = sc
		plans[i] = bulkPlan{fail: rng.Uint32(), pick: rng.Uint32()}
	}
	records := func(i int) ([]exam.Grid, []exam.BlockDecision, *exam.CandidateResult) {
		sc := &s.Candidates[i]
		if sc.Absent {
			return nil, nil, &exam.CandidateResult{SessionID: s.ID, CandidateID: sc.Candidate.ID, Proposed: exam.ResultAbsent, Result: exam.ResultAbsent}
		}
		var grids []exam.Grid
		var decisions []exam.BlockDecision
		for k, code := range sc.Blocks {
			b := ref.Block(code)
			g := exam.NewGrid(sc.Candidate.ID, 0, b)
			failed := plans[i].fails(k)
			for j := range g.Assessments {
				g.Assessments[j].Verdict = exam.Satisfied
			}
			d := exam.BlockDecision{CandidateID: sc.Candidate.ID, Block: b.Code, Outcome: exam.OutcomeAcquired, Proposed: exam.OutcomeAcquired}
			if failed {
				j := int(plans[i].pick>>(8*(k%4))&0xFF) % len(g.Assessments)
				g.Assessments[j].Verdict = exam.NotSatisfied
				g.Assessments[j].Observation = observations[g.Assessments[j].Competence-1][1]
				d.Outcome, d.Proposed = exam.OutcomeNotAcquired, exam.OutcomeNotAcquired
				d.Reason = fmt.Sprintf("Compétence %d non démontrée. %s", g.Assessments[j].Competence, observations[g.Assessments[j].Competence-1][1])
			}
			grids = append(grids, g)
			decisions = append(decisions, d)
		}
		prop := exam.ProposeResult(ref, s.Kind, s.Scope, sc, decisions)
		return grids, decisions, &exam.CandidateResult{SessionID: s.ID, CandidateID: sc.Candidate.ID,
			Proposed: prop.Result, Result: prop.Result, Acquired: prop.Acquired}
	}
	if err := bulk.WriteSignedSession(ctx, a, s, records); err != nil {
		return nil, fmt.Errorf("bulk session: %w", err)
	}
	return s, nil
}

// bulkPlan draws which blocks a candidate fails: block k fails when the
// k-th byte of fail is below 52 (about one in five), on the competence the
// k-th byte of pick chooses.
type bulkPlan struct{ fail, pick uint32 }

func (p bulkPlan) fails(k int) bool { return (p.fail>>(8*(k%4)))&0xFF < 52 }
