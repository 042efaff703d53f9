package exam

import (
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// Verdict is the judgement on one competence against the référentiel's
// criteria. There are no marks.
type Verdict string

// Verdicts. The zero value is NotEvaluated.
const (
	NotEvaluated Verdict = ""
	Satisfied    Verdict = "satisfied"
	NotSatisfied Verdict = "not_satisfied"
)

// Valid reports whether v is a known verdict.
func (v Verdict) Valid() bool { return v == NotEvaluated || v == Satisfied || v == NotSatisfied }

// Assessment is the verdict on one competence, with observations.
type Assessment struct {
	Competence  int // competence number, across the title (1..12)
	Verdict     Verdict
	Observation string
}

// Grid is an evaluation grid: the verdicts on the competences of one block
// for one candidate, as one jury member sees them, or as the jury agreed
// them collegially (MemberID 0).
type Grid struct {
	CandidateID int64
	Block       string // RNCP block code
	MemberID    int64  // 0: the jury's collegial grid
	Assessments []Assessment
	UpdatedAt   time.Time
}

// MaxObservation is the longest observation or reason, in characters.
const MaxObservation = 2000

// NewGrid returns an empty grid with one not-evaluated line per competence
// of b.
func NewGrid(candidateID, memberID int64, b *Block) Grid {
	g := Grid{CandidateID: candidateID, Block: b.Code, MemberID: memberID}
	for _, c := range b.Competences {
		g.Assessments = append(g.Assessments, Assessment{Competence: c.Number})
	}
	return g
}

// Collegial reports whether g is the jury's collegial grid.
func (g *Grid) Collegial() bool { return g.MemberID == 0 }

// Verdict returns the verdict on competence n (NotEvaluated if absent).
func (g *Grid) Verdict(n int) Verdict {
	for _, a := range g.Assessments {
		if a.Competence == n {
			return a.Verdict
		}
	}
	return NotEvaluated
}

// Validate checks the grid's own fields; Session.CheckGrid checks it against
// the session and the référentiel.
func (g *Grid) Validate() error {
	var v Validation
	if g.CandidateID == 0 {
		v.Add("candidate", "err.required", "required", nil)
	}
	if strings.TrimSpace(g.Block) == "" {
		v.Add("block", "err.required", "required", nil)
	}
	seen := map[int]bool{}
	for i, a := range g.Assessments {
		f := fmt.Sprintf("assessments[%d].", i)
		switch {
		case a.Competence <= 0:
			v.Add(f+"competence", "err.grade.competence_number", "a competence number is required", nil)
		case seen[a.Competence]:
			v.Add(f+"competence", "err.grade.competence_duplicate", "competence {{.Competence}} is listed twice", map[string]any{"Competence": a.Competence})
		}
		seen[a.Competence] = true
		if !a.Verdict.Valid() {
			v.Add(f+"verdict", "err.grade.verdict", "unknown verdict “{{.Value}}”", map[string]any{"Value": string(a.Verdict)})
		}
		if utf8.RuneCountInString(a.Observation) > MaxObservation {
			v.Add(f+"observation", "err.too_long", "at most {{.Max}} characters", map[string]any{"Max": MaxObservation})
		}
	}
	return v.Err("evaluation grid")
}

func blockHasCompetence(b *Block, n int) bool {
	for _, c := range b.Competences {
		if c.Number == n {
			return true
		}
	}
	return false
}

// CompetenceView is the jury's consolidated view of one competence.
type CompetenceView struct {
	Competence int
	// Verdict is the collegial verdict if the jury recorded one, otherwise
	// the verdict every member who evaluated the competence agrees on;
	// NotEvaluated when nobody evaluated it or the members disagree.
	Verdict Verdict
	// Collegial is set when Verdict comes from the collegial grid.
	Collegial bool
	// Disputed is set when members disagree and no collegial verdict
	// settles it.
	Disputed bool
}

// JuryView consolidates the grids of one candidate for block b, competence
// by competence in référentiel order. Grids of other blocks are ignored.
// A member who did not evaluate a competence does not count against the
// others.
func JuryView(b *Block, grids []Grid) []CompetenceView {
	return AppendJuryView(make([]CompetenceView, 0, len(b.Competences)), b, grids)
}

// AppendJuryView is JuryView appending to out: what a loop over many
// candidates uses to reuse one slice.
func AppendJuryView(out []CompetenceView, b *Block, grids []Grid) []CompetenceView {
	for _, c := range b.Competences {
		cv := CompetenceView{Competence: c.Number}
		var sat, notSat bool
		for i := range grids {
			g := &grids[i]
			if !strings.EqualFold(g.Block, b.Code) {
				continue
			}
			v := g.Verdict(c.Number)
			if g.Collegial() {
				if v != NotEvaluated {
					cv.Verdict, cv.Collegial = v, true
				}
				continue
			}
			sat = sat || v == Satisfied
			notSat = notSat || v == NotSatisfied
		}
		if !cv.Collegial {
			switch {
			case sat && notSat:
				cv.Disputed = true
			case sat:
				cv.Verdict = Satisfied
			case notSat:
				cv.Verdict = NotSatisfied
			}
		}
		out = append(out, cv)
	}
	return out
}

// Disagreement is a competence on which jury members gave opposite verdicts.
type Disagreement struct {
	CandidateID  int64
	Block        string
	Competence   int
	Satisfied    []int64 // members (IDs) who found it satisfied
	NotSatisfied []int64 // members (IDs) who did not
	// Settled is the collegial verdict that settles it, NotEvaluated if
	// none yet.
	Settled Verdict
}

// Disagreements reports, per candidate, block and competence (in that
// order), where members' own grids disagree: one member found the
// competence satisfied and another not. Not evaluated is no disagreement.
func Disagreements(grids []Grid) []Disagreement {
	type key struct {
		cand  int64
		block string
		comp  int
	}
	found := map[key]*Disagreement{}
	settled := map[key]Verdict{}
	for i := range grids {
		g := &grids[i]
		for _, a := range g.Assessments {
			k := key{g.CandidateID, strings.ToUpper(g.Block), a.Competence}
			if g.Collegial() {
				settled[k] = a.Verdict
				continue
			}
			d := found[k]
			if d == nil {
				d = &Disagreement{CandidateID: g.CandidateID, Block: k.block, Competence: a.Competence}
				found[k] = d
			}
			switch a.Verdict {
			case Satisfied:
				d.Satisfied = append(d.Satisfied, g.MemberID)
			case NotSatisfied:
				d.NotSatisfied = append(d.NotSatisfied, g.MemberID)
			}
		}
	}
	var out []Disagreement
	for k, d := range found {
		if len(d.Satisfied) == 0 || len(d.NotSatisfied) == 0 {
			continue
		}
		d.Settled = settled[k]
		sortIDs(d.Satisfied)
		sortIDs(d.NotSatisfied)
		out = append(out, *d)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.CandidateID != b.CandidateID {
			return a.CandidateID < b.CandidateID
		}
		if a.Block != b.Block {
			return a.Block < b.Block
		}
		return a.Competence < b.Competence
	})
	return out
}

func sortIDs(ids []int64) { sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] }) }

// DecisionRule is how the app proposes a decision on a block from the jury's
// consolidated view. It is data: the default must be checked against the
// official référentiel and may be changed without touching the code.
type DecisionRule struct {
	// Tolerance is how many competences of the block may be not satisfied
	// while the block is still proposed acquis.
	Tolerance int
	// Essential lists competences (numbers) that must be satisfied whatever
	// the tolerance.
	Essential []int
}

// DefaultDecisionRule proposes acquis only when every competence of the
// block is satisfied (a default to be checked).
var DefaultDecisionRule = DecisionRule{}

// BlockOutcome is the outcome for one block: proposed by the app, decided
// by the jury, or recorded from an earlier session.
type BlockOutcome string

// Block outcomes.
const (
	OutcomePending         BlockOutcome = ""                 // no proposal, or no decision yet
	OutcomeAcquired        BlockOutcome = "acquired"         // acquis
	OutcomeNotAcquired     BlockOutcome = "not_acquired"     // non acquis
	OutcomeAlreadyAcquired BlockOutcome = "already_acquired" // déjà acquis, not examined
	OutcomeNotSat          BlockOutcome = "not_sat"          // not part of this candidate's session
)

// Proposal is the decision the app proposes for a block, and the
// competences behind it.
type Proposal struct {
	Block string
	// Outcome is OutcomeAcquired, OutcomeNotAcquired or OutcomePending
	// (no proposal: the grid is not complete enough to decide).
	Outcome      BlockOutcome
	Satisfied    []int
	NotSatisfied []int
	NotEvaluated []int // includes the disputed ones
	Disputed     []int
}

// Propose applies the rule to a consolidated view (see JuryView):
//   - not acquis as soon as the outcome is certain: an essential competence
//     not satisfied, or more competences not satisfied than the tolerance;
//   - otherwise no proposal while some competence is not evaluated or
//     disputed;
//   - otherwise acquis.
//
// With the default rule: any competence not satisfied gives non acquis;
// every competence satisfied gives acquis; anything else, no proposal.
func (r DecisionRule) Propose(b *Block, view []CompetenceView) Proposal {
	p := Proposal{Block: b.Code}
	byNumber := map[int]CompetenceView{}
	for _, cv := range view {
		byNumber[cv.Competence] = cv
	}
	essential := false
	for _, c := range b.Competences {
		cv := byNumber[c.Number]
		switch cv.Verdict {
		case Satisfied:
			p.Satisfied = append(p.Satisfied, c.Number)
		case NotSatisfied:
			p.NotSatisfied = append(p.NotSatisfied, c.Number)
			for _, e := range r.Essential {
				essential = essential || e == c.Number
			}
		default:
			p.NotEvaluated = append(p.NotEvaluated, c.Number)
			if cv.Disputed {
				p.Disputed = append(p.Disputed, c.Number)
			}
		}
	}
	switch {
	case essential || len(p.NotSatisfied) > max(r.Tolerance, 0):
		p.Outcome = OutcomeNotAcquired
	case len(p.NotEvaluated) > 0:
		p.Outcome = OutcomePending
	default:
		p.Outcome = OutcomeAcquired
	}
	return p
}

// ProposeBlock consolidates the grids of block b and applies the rule.
func ProposeBlock(b *Block, grids []Grid, r DecisionRule) Proposal {
	return r.Propose(b, JuryView(b, grids))
}

// BlockDecision is the jury's decision on one block for one candidate: it
// confirms or departs from the app's proposal.
type BlockDecision struct {
	CandidateID int64
	Block       string // RNCP block code
	// Proposed is the app's proposal when the jury decided
	// (OutcomePending if there was none).
	Proposed BlockOutcome
	// Outcome is OutcomeAcquired or OutcomeNotAcquired.
	Outcome BlockOutcome
	// Reason is required for a non acquis (it goes on the fiche
	// individuelle de résultats) and when the jury departs from the proposal.
	Reason    string
	DecidedAt time.Time
}

// Departs reports whether the jury decided otherwise than the app proposed.
func (d *BlockDecision) Departs() bool {
	return d.Proposed != OutcomePending && d.Outcome != d.Proposed
}

// Validate checks the decision: a candidate and block, acquis or non acquis,
// and a written reason for a non acquis or a departure from the proposal.
func (d *BlockDecision) Validate() error {
	var v Validation
	if d.CandidateID == 0 {
		v.Add("candidate", "err.required", "required", nil)
	}
	if strings.TrimSpace(d.Block) == "" {
		v.Add("block", "err.required", "required", nil)
	}
	if d.Outcome != OutcomeAcquired && d.Outcome != OutcomeNotAcquired {
		v.Add("outcome", "err.decision.outcome", "acquis or non acquis is required", nil)
	}
	if p := d.Proposed; p != OutcomePending && p != OutcomeAcquired && p != OutcomeNotAcquired {
		v.Add("proposed", "err.decision.proposed", "unknown proposal “{{.Value}}”", map[string]any{"Value": string(p)})
	}
	reason := strings.TrimSpace(d.Reason)
	switch {
	case reason == "" && d.Outcome == OutcomeNotAcquired:
		v.Add("reason", "err.decision.reason", "a non acquis needs its written reason", nil)
	case reason == "" && d.Departs():
		v.Add("reason", "err.decision.departure_reason", "departing from the proposed decision needs a written reason", nil)
	case utf8.RuneCountInString(reason) > MaxObservation:
		v.Add("reason", "err.too_long", "at most {{.Max}} characters", map[string]any{"Max": MaxObservation})
	}
	return v.Err("decision")
}

// Result is a candidate's overall result in a session.
type Result string

// Results.
const (
	ResultPending     Result = ""             // some block sat has no decision yet
	ResultTitle       Result = "title"        // titre obtenu
	ResultPartial     Result = "partial"      // certification partielle
	ResultNotObtained Result = "not_obtained" // non obtenu
	ResultAbsent      Result = "absent"
)

// BlockResult is the outcome of one block in an overall result.
type BlockResult struct {
	Block   string // RNCP code
	Short   string // CCP1
	Outcome BlockOutcome
}

// OverallResult is the proposed overall result of a candidate.
type OverallResult struct {
	Result Result
	// Blocks gives every block of the référentiel, in order.
	Blocks []BlockResult
	// Acquired lists the RNCP codes of the blocks acquired in this session
	// (those of a certification partielle); always empty for a mock exam.
	Acquired []string
	// Pending lists the blocks sat without a decision yet.
	Pending []string
	// AllBlocksHeld reports that every block is acquired, now or before.
	AllBlocksHeld bool
	// Indicative is set for a mock exam: the result is for practice only
	// and nothing is recorded.
	Indicative bool
}

// NewAcquired returns the blocks to add to the candidate's record of
// acquired blocks (livret de certification); none for a mock exam.
func (r OverallResult) NewAcquired(date Date, sessionRef string) []AcquiredBlock {
	if r.Indicative {
		return nil
	}
	var out []AcquiredBlock
	for _, code := range r.Acquired {
		out = append(out, AcquiredBlock{BlockCode: code, Date: date, SessionRef: sessionRef})
	}
	return out
}

// ProposeResult computes the overall result the app proposes for a
// candidate from the jury's decisions on the blocks (decisions on blocks not
// sat or already acquired are ignored):
//   - absent: the candidate is marked absent;
//   - pending: some block sat has no decision yet;
//   - full-title session: titre obtenu when every block is acquired, in this
//     session or before; otherwise certification partielle when at least one
//     block was acquired in this session; otherwise non obtenu;
//   - CCP-only session: certification partielle when at least one block was
//     acquired in this session, otherwise non obtenu; the title itself is
//     not awarded (AllBlocksHeld says the candidate now holds every block);
//   - mock exam: the same classification, marked Indicative, with no
//     acquired block.
func ProposeResult(ref *Referentiel, kind SessionKind, scope Scope, sc *SessionCandidate, decisions []BlockDecision) OverallResult {
	r := OverallResult{Indicative: kind != KindCertification}
	decided := map[string]BlockOutcome{}
	for _, d := range decisions {
		if d.CandidateID != 0 && d.CandidateID != sc.Candidate.ID {
			continue
		}
		if b := ref.Block(d.Block); b != nil && (d.Outcome == OutcomeAcquired || d.Outcome == OutcomeNotAcquired) {
			decided[b.Code] = d.Outcome
		}
	}
	held, now := 0, 0
	for _, b := range ref.Blocks {
		br := BlockResult{Block: b.Code, Short: b.Short}
		switch {
		case sc.Candidate.HasAcquired(b.Code):
			br.Outcome = OutcomeAlreadyAcquired
			held++
		case !sc.Sits(b.Code):
			br.Outcome = OutcomeNotSat
		case sc.Absent:
			br.Outcome = OutcomePending
		default:
			br.Outcome = decided[b.Code]
			switch br.Outcome {
			case OutcomeAcquired:
				held++
				now++
				if !r.Indicative {
					r.Acquired = append(r.Acquired, b.Code)
				}
			case OutcomePending:
				r.Pending = append(r.Pending, b.Code)
			}
		}
		r.Blocks = append(r.Blocks, br)
	}
	r.AllBlocksHeld = held == len(ref.Blocks)
	switch {
	case sc.Absent:
		r.Result = ResultAbsent
	case len(r.Pending) > 0:
		r.Result = ResultPending
	case scope == ScopeFullTitle && r.AllBlocksHeld:
		r.Result = ResultTitle
	case now > 0:
		r.Result = ResultPartial
	default:
		r.Result = ResultNotObtained
	}
	return r
}
