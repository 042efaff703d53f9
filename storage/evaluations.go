package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/amisjury/amis/exam"
)

// EvaluationService stores what happens during a session: the timers of the
// épreuves, the grids and the decisions on the blocks; it implements
// exam.EvaluationService. Recording needs a started session whose PV is not
// signed.
type EvaluationService struct {
	db  *DB
	ref *exam.Referentiel
	// Rule computes the proposal stored with each decision
	// (BlockDecision.Proposed); exam.DefaultDecisionRule unless changed
	// before use.
	Rule exam.DecisionRule
}

var _ exam.EvaluationService = (*EvaluationService)(nil)

// NewEvaluationService returns the evaluation service of db; ref gives the
// blocks, competences and épreuves.
func NewEvaluationService(db *DB, ref *exam.Referentiel) *EvaluationService {
	return &EvaluationService{db: db, ref: ref, Rule: exam.DefaultDecisionRule}
}

// TimerEvents returns the events of one candidate's épreuve in recording
// order, their times in local time. ENOTFOUND, EFORBIDDEN.
func (s *EvaluationService) TimerEvents(ctx context.Context, a exam.Actor, sessionID, candidateID int64, trial string) ([]exam.TimerEvent, error) {
	if err := a.Require(exam.PermReadSessions); err != nil {
		return nil, fmt.Errorf("read timer: %w", err)
	}
	var out []exam.TimerEvent
	err := s.db.read(ctx, func(q queryer) error {
		if err := checkRegistered(ctx, q, sessionID, candidateID); err != nil {
			return err
		}
		var err error
		out, err = loadTimerEvents(ctx, q, sessionID, candidateID, strings.TrimSpace(trial))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read timer of candidate %d, épreuve %s: %w", candidateID, trial, err)
	}
	return out, nil
}

// RecordTimerEvent appends e to the candidate's épreuve after
// exam.Timer.Record accepted it in the timer's state. EINVALID (not allowed
// in that state, an épreuve the candidate does not sit, an absent
// candidate, a session not started), ENOTFOUND, ELOCKED, EFORBIDDEN.
func (s *EvaluationService) RecordTimerEvent(ctx context.Context, a exam.Actor, sessionID, candidateID int64, trial string, e exam.TimerEvent) error {
	if err := a.Require(exam.PermRunSessions); err != nil {
		return fmt.Errorf("record timer event: %w", err)
	}
	trial = strings.TrimSpace(trial)
	err := s.db.writeSession(ctx, a, func(tx *Tx) error {
		sess, err := running(ctx, tx, sessionID)
		if err != nil {
			return err
		}
		sc, err := present(sess, candidateID)
		if err != nil {
			return err
		}
		if err := s.checkTrial(sc, trial); err != nil {
			return err
		}
		events, err := loadTimerEvents(ctx, tx, sessionID, candidateID, trial)
		if err != nil {
			return err
		}
		timer := exam.Timer{Events: events}
		if err := timer.Record(e); err != nil {
			return err
		}
		seq := len(events) + 1
		_, err = tx.ExecContext(ctx, `INSERT INTO timer_events (session_id, candidate_id, trial, seq, kind, at, extra_ns, reason)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, sessionID, candidateID, trial, seq, string(e.Kind), fmtTime(e.At), int64(e.Extra), e.Reason)
		if err != nil {
			return err
		}
		return tx.audit("timer.record", "session", sessionID, nil, map[string]any{
			"candidate_id": candidateID, "trial": trial, "seq": seq, "kind": string(e.Kind), "at": fmtTime(e.At),
			"extra_ns": int64(e.Extra), "reason": e.Reason})
	})
	if err != nil {
		return fmt.Errorf("record timer event %s of candidate %d, épreuve %s: %w", e.Kind, candidateID, trial, err)
	}
	return nil
}

// checkTrial refuses an épreuve unknown to the référentiel or not sat by the
// candidate (exam.TrialsFor their blocks).
func (s *EvaluationService) checkTrial(sc *exam.SessionCandidate, trial string) error {
	if s.ref == nil {
		return nil
	}
	if s.ref.Trial(trial) == nil {
		return exam.Errorf(exam.EINVALID, "err.trial_unknown", "unknown épreuve “{{.Trial}}”", map[string]any{"Trial": trial})
	}
	for _, t := range exam.TrialsFor(s.ref, sc.Blocks) {
		if t.Code == trial {
			return nil
		}
	}
	return exam.Errorf(exam.EINVALID, "err.timer.trial_not_sat", "{{.Candidate}} does not sit the épreuve {{.Trial}}",
		map[string]any{"Candidate": sc.Candidate.DisplayName(), "Trial": trial})
}

// Grids returns every grid of a candidate, by block, the collegial grid
// (member 0) first. A grid of a member who has since been found in conflict
// with the candidate is returned too: leave it out of a certification
// session's proposal (Session.CanGrade), as Decide does. ENOTFOUND,
// EFORBIDDEN.
func (s *EvaluationService) Grids(ctx context.Context, a exam.Actor, sessionID, candidateID int64) ([]exam.Grid, error) {
	if err := a.Require(exam.PermReadSessions); err != nil {
		return nil, fmt.Errorf("read grids: %w", err)
	}
	var out []exam.Grid
	err := s.db.read(ctx, func(q queryer) error {
		if err := checkRegistered(ctx, q, sessionID, candidateID); err != nil {
			return err
		}
		var err error
		out, err = loadGrids(ctx, q, sessionID, candidateID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read grids of candidate %d: %w", candidateID, err)
	}
	return out, nil
}

// SaveGrid stores g, replacing the same member's grid for that candidate and
// block, and sets g.UpdatedAt; a short block code (CCP1) is replaced by the
// RNCP code. EINVALID (Grid.Validate, Session.CheckGrid, a session not
// started), EFORBIDDEN (also a member with a conflict of interest on the
// candidate in a certification session), ENOTFOUND, ELOCKED.
func (s *EvaluationService) SaveGrid(ctx context.Context, a exam.Actor, sessionID int64, g *exam.Grid) error {
	if err := a.Require(exam.PermGrade); err != nil {
		return fmt.Errorf("save grid: %w", err)
	}
	if g == nil {
		return fmt.Errorf("save grid: %w", exam.Errorf(exam.EINVALID, "err.invalid", "no grid", nil))
	}
	if err := g.Validate(); err != nil {
		return fmt.Errorf("save grid: %w", err)
	}
	var now time.Time
	err := s.db.writeSession(ctx, a, func(tx *Tx) error {
		sess, err := running(ctx, tx, sessionID)
		if err != nil {
			return err
		}
		if b := s.ref.Block(strings.TrimSpace(g.Block)); b != nil {
			g.Block = b.Code
		}
		if err := sess.CheckGrid(s.ref, g); err != nil {
			return err
		}
		old, err := loadGrid(ctx, tx, sessionID, g.CandidateID, g.Block, g.MemberID)
		if err != nil {
			return err
		}
		assessments, err := json.Marshal(recordOfAssessments(g.Assessments))
		if err != nil {
			return err
		}
		now = tx.now()
		_, err = tx.ExecContext(ctx, `INSERT INTO grids (session_id, candidate_id, block, member_id, assessments, updated_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (session_id, candidate_id, block, member_id)
			DO UPDATE SET assessments = excluded.assessments, updated_at = excluded.updated_at`,
			sessionID, g.CandidateID, g.Block, g.MemberID, string(assessments), fmtTime(now))
		if err != nil {
			return err
		}
		var oldRec any
		if old != nil {
			oldRec = recordOfGrid(old)
		}
		return tx.audit("grid.save", "session", sessionID, oldRec, recordOfGrid(g))
	})
	if err != nil {
		return fmt.Errorf("save grid of candidate %d, %s, member %d: %w", g.CandidateID, g.Block, g.MemberID, err)
	}
	g.UpdatedAt = now.Local()
	return nil
}

// Decisions returns the jury's decisions on a candidate's blocks, in block
// code order. ENOTFOUND, EFORBIDDEN.
func (s *EvaluationService) Decisions(ctx context.Context, a exam.Actor, sessionID, candidateID int64) ([]exam.BlockDecision, error) {
	if err := a.Require(exam.PermReadSessions); err != nil {
		return nil, fmt.Errorf("read decisions: %w", err)
	}
	var out []exam.BlockDecision
	err := s.db.read(ctx, func(q queryer) error {
		if err := checkRegistered(ctx, q, sessionID, candidateID); err != nil {
			return err
		}
		var err error
		out, err = loadDecisions(ctx, q, sessionID, candidateID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read decisions of candidate %d: %w", candidateID, err)
	}
	return out, nil
}

// Decide records the jury's decision on one block, replacing an earlier one.
// The service sets d.Proposed, from the stored grids with s.Rule (grids of
// members barred by a conflict of interest left out), and d.DecidedAt; a
// short block code is replaced by the RNCP code. The candidate's confirmed
// result, which may no longer follow, is withdrawn, and so are signatures
// already given. EINVALID (Session.CheckDecision: a non acquis or a
// departure from the proposal without its reason, a block not sat…; a
// session not started), ENOTFOUND, ELOCKED, EFORBIDDEN.
func (s *EvaluationService) Decide(ctx context.Context, a exam.Actor, sessionID int64, d *exam.BlockDecision) error {
	if err := a.Require(exam.PermGrade); err != nil {
		return fmt.Errorf("record decision: %w", err)
	}
	if d == nil {
		return fmt.Errorf("record decision: %w", exam.Errorf(exam.EINVALID, "err.invalid", "no decision", nil))
	}
	var now time.Time
	err := s.db.writeSession(ctx, a, func(tx *Tx) error {
		sess, err := running(ctx, tx, sessionID)
		if err != nil {
			return err
		}
		if err := proposeDecision(ctx, tx, s.ref, s.Rule, sess, d); err != nil {
			return err
		}
		if err := sess.CheckDecision(s.ref, d); err != nil {
			return err
		}
		old, err := loadDecision(ctx, tx, sessionID, d.CandidateID, d.Block)
		if err != nil {
			return err
		}
		now = tx.now()
		if err := upsertDecision(ctx, tx, sessionID, d, now); err != nil {
			return err
		}
		result, err := deleteResult(ctx, tx, sessionID, d.CandidateID)
		if err != nil {
			return err
		}
		withdrawn, err := withdrawSignatures(ctx, tx, sessionID)
		if err != nil {
			return err
		}
		var oldRec any
		if old != nil {
			oldRec = map[string]any{"decision": recordOfDecision(old), "result": result}
		}
		return tx.audit("decision.save", "session", sessionID, oldRec, map[string]any{
			"decision": recordOfDecision(d, now), "result_withdrawn": result != nil, "signatures_withdrawn": withdrawn})
	})
	if err != nil {
		return fmt.Errorf("record decision on %s of candidate %d: %w", d.Block, d.CandidateID, err)
	}
	d.DecidedAt = now.Local()
	return nil
}

// proposeDecision normalises d's block code and sets d.Proposed from the
// grids stored for the candidate, leaving out in a certification session the
// grids of members who may not grade them.
func proposeDecision(ctx context.Context, q queryer, ref *exam.Referentiel, rule exam.DecisionRule, sess *exam.Session, d *exam.BlockDecision) error {
	d.Reason = strings.TrimSpace(d.Reason)
	b := ref.Block(strings.TrimSpace(d.Block))
	if b == nil {
		d.Proposed = exam.OutcomePending
		return nil // CheckDecision reports the unknown block
	}
	d.Block = b.Code
	grids, err := loadGrids(ctx, q, sess.ID, d.CandidateID)
	if err != nil {
		return err
	}
	grids = slices.DeleteFunc(grids, func(g exam.Grid) bool {
		return !g.Collegial() && !sess.CanGrade(g.MemberID, d.CandidateID)
	})
	d.Proposed = exam.ProposeBlock(b, grids, rule).Outcome
	return nil
}

func upsertDecision(ctx context.Context, tx *Tx, sessionID int64, d *exam.BlockDecision, at time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO decisions (session_id, candidate_id, block, proposed, outcome, reason, decided_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (session_id, candidate_id, block) DO UPDATE SET
		proposed = excluded.proposed, outcome = excluded.outcome, reason = excluded.reason, decided_at = excluded.decided_at`,
		sessionID, d.CandidateID, d.Block, string(d.Proposed), string(d.Outcome), d.Reason, fmtTime(at))
	return err
}

// checkRegistered returns ENOTFOUND unless the session exists and the
// candidate is registered in it.
func checkRegistered(ctx context.Context, q queryer, sessionID, candidateID int64) error {
	var exists, registered bool
	err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM sessions WHERE id = ?1),
		EXISTS (SELECT 1 FROM session_candidates WHERE session_id = ?1 AND candidate_id = ?2)`, sessionID, candidateID).Scan(&exists, &registered)
	switch {
	case err != nil:
		return err
	case !exists:
		return sessionNotFound(sessionID)
	case !registered:
		return candidateNotRegistered()
	}
	return nil
}

func loadTimerEvents(ctx context.Context, q queryer, sessionID, candidateID int64, trial string) ([]exam.TimerEvent, error) {
	rows, err := q.QueryContext(ctx, `SELECT kind, at, extra_ns, reason FROM timer_events
		WHERE session_id = ? AND candidate_id = ? AND trial = ? ORDER BY seq`, sessionID, candidateID, trial)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []exam.TimerEvent
	for rows.Next() {
		var e exam.TimerEvent
		var kind, at string
		var extra int64
		if err := rows.Scan(&kind, &at, &extra, &e.Reason); err != nil {
			return nil, err
		}
		e.Kind, e.Extra = exam.TimerEventKind(kind), time.Duration(extra)
		if e.At, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func loadGrids(ctx context.Context, q queryer, sessionID, candidateID int64) ([]exam.Grid, error) {
	rows, err := q.QueryContext(ctx, `SELECT block, member_id, assessments, updated_at FROM grids
		WHERE session_id = ? AND candidate_id = ? ORDER BY block, member_id`, sessionID, candidateID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []exam.Grid
	for rows.Next() {
		g, err := scanGrid(rows, candidateID)
		if err != nil {
			return nil, err
		}
		out = append(out, *g)
	}
	return out, rows.Err()
}

// loadGrid reads one grid; nil when there is none.
func loadGrid(ctx context.Context, q queryer, sessionID, candidateID int64, block string, memberID int64) (*exam.Grid, error) {
	row := q.QueryRowContext(ctx, `SELECT block, member_id, assessments, updated_at FROM grids
		WHERE session_id = ? AND candidate_id = ? AND block = ? AND member_id = ?`, sessionID, candidateID, block, memberID)
	g, err := scanGrid(row, candidateID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return g, err
}

func scanGrid(r scanner, candidateID int64) (*exam.Grid, error) {
	g := exam.Grid{CandidateID: candidateID}
	var assessments, updated string
	if err := r.Scan(&g.Block, &g.MemberID, &assessments, &updated); err != nil {
		return nil, err
	}
	var recs []assessmentRecord
	if err := json.Unmarshal([]byte(assessments), &recs); err != nil {
		return nil, fmt.Errorf("grid %s, member %d: %w", g.Block, g.MemberID, err)
	}
	for _, r := range recs {
		g.Assessments = append(g.Assessments, exam.Assessment{Competence: r.Competence, Verdict: exam.Verdict(r.Verdict), Observation: r.Observation})
	}
	var err error
	if g.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, err
	}
	return &g, nil
}

func loadDecisions(ctx context.Context, q queryer, sessionID, candidateID int64) ([]exam.BlockDecision, error) {
	rows, err := q.QueryContext(ctx, `SELECT candidate_id, block, proposed, outcome, reason, decided_at FROM decisions
		WHERE session_id = ? AND (? = 0 OR candidate_id = ?) ORDER BY candidate_id, block`, sessionID, candidateID, candidateID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []exam.BlockDecision
	for rows.Next() {
		d, err := scanDecision(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *d)
	}
	return out, rows.Err()
}

// loadDecision reads one decision; nil when there is none.
func loadDecision(ctx context.Context, q queryer, sessionID, candidateID int64, block string) (*exam.BlockDecision, error) {
	row := q.QueryRowContext(ctx, `SELECT candidate_id, block, proposed, outcome, reason, decided_at FROM decisions
		WHERE session_id = ? AND candidate_id = ? AND block = ?`, sessionID, candidateID, block)
	d, err := scanDecision(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return d, err
}

func scanDecision(r scanner) (*exam.BlockDecision, error) {
	var d exam.BlockDecision
	var proposed, outcome, at string
	if err := r.Scan(&d.CandidateID, &d.Block, &proposed, &outcome, &d.Reason, &at); err != nil {
		return nil, err
	}
	d.Proposed, d.Outcome = exam.BlockOutcome(proposed), exam.BlockOutcome(outcome)
	var err error
	if d.DecidedAt, err = parseTime(at); err != nil {
		return nil, err
	}
	return &d, nil
}

// assessmentRecord is one line of a grid as stored (grids.assessments) and
// audited.
type assessmentRecord struct {
	Competence  int    `json:"competence"`
	Verdict     string `json:"verdict"`
	Observation string `json:"observation,omitempty"`
}

func recordOfAssessments(as []exam.Assessment) []assessmentRecord {
	out := make([]assessmentRecord, 0, len(as))
	for _, a := range as {
		out = append(out, assessmentRecord{Competence: a.Competence, Verdict: string(a.Verdict), Observation: a.Observation})
	}
	return out
}

type gridRecord struct {
	CandidateID int64              `json:"candidate_id"`
	Block       string             `json:"block"`
	MemberID    int64              `json:"member_id"`
	Assessments []assessmentRecord `json:"assessments"`
}

func recordOfGrid(g *exam.Grid) gridRecord {
	return gridRecord{CandidateID: g.CandidateID, Block: g.Block, MemberID: g.MemberID, Assessments: recordOfAssessments(g.Assessments)}
}

type decisionRecord struct {
	CandidateID int64  `json:"candidate_id"`
	Block       string `json:"block"`
	Proposed    string `json:"proposed"`
	Outcome     string `json:"outcome"`
	Reason      string `json:"reason"`
	DecidedAt   string `json:"decided_at"`
}

// recordOfDecision records d, decided at the optional time given (d's own
// DecidedAt otherwise).
func recordOfDecision(d *exam.BlockDecision, at ...time.Time) decisionRecord {
	t := d.DecidedAt
	if len(at) > 0 {
		t = at[0]
	}
	return decisionRecord{CandidateID: d.CandidateID, Block: d.Block, Proposed: string(d.Proposed),
		Outcome: string(d.Outcome), Reason: d.Reason, DecidedAt: fmtTime(t)}
}
