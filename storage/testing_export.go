package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/amisjury/amis/exam"
)

// WriteSignedSession stores, in one write transaction, a certification
// session whose procès-verbal every member has signed: s with its jury and
// candidates (s.Candidates: Candidate.ID, Blocks, Absent, Allowance), then
// for candidate i what records(i) returns — the grids (member IDs from
// s.Jury, whose IDs are set before the first call), block decisions and
// confirmed result (nil: none) — then the signatures, the lock (signed_at = the
// session's last day at 18:00, local time) and the blocks acquired. It sets
// s.ID and s.SignedAt. One audit entry, "session.bulk", records the counts.
//
// It is the generator of benchmark data (demo.FillBulkSession, `amis
// bench-data`): 100,000 candidates take seconds here, hours through the
// services, which reload the whole session for every write. It checks only
// what the schema checks: the caller gives consistent data (decisions on
// blocks sat, results that follow from them).
func (db *DB) WriteSignedSession(ctx context.Context, a exam.Actor, s *exam.Session,
	records func(i int) (grids []exam.Grid, decisions []exam.BlockDecision, result *exam.CandidateResult)) error {
	if err := a.Require(exam.PermManageSessions); err != nil {
		return fmt.Errorf("write signed session: %w", err)
	}
	if s.Kind != exam.KindCertification {
		return fmt.Errorf("write signed session: %w", exam.Errorf(exam.EINVALID, "err.session.kind", "certification or mock exam is required", nil))
	}
	var id int64
	var signedAt time.Time
	startedAt := time.Date(s.StartDate.Year, s.StartDate.Month, s.StartDate.Day, 8, 0, 0, 0, time.Local)
	counts := map[string]int{}
	err := db.write(ctx, a, func(tx *Tx) error {
		now := tx.now()
		res, err := tx.ExecContext(ctx, `INSERT INTO sessions (kind, scope, reference, start_date, end_date, place,
			training_centre, referentiel, referentiel_version, day_start, day_end, changeover_ns, started_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			append(sessionArgs(s), fmtTime(startedAt), fmtTime(now), fmtTime(now))...)
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		memberIDs := make([]int64, len(s.Jury))
		for i := range s.Jury {
			if memberIDs[i], err = insertMember(ctx, tx, id, i, &s.Jury[i]); err != nil {
				return err
			}
		}
		if err := insertConflicts(ctx, tx, s.Jury, memberIDs); err != nil {
			return err
		}
		for i := range s.Jury {
			s.Jury[i].ID = memberIDs[i]
		}
		stmts := map[string]string{
			"candidate": `INSERT INTO session_candidates (session_id, candidate_id, position, employer, blocks, absent, allowance, jury)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			"grid": `INSERT INTO grids (session_id, candidate_id, block, member_id, assessments, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
			"decision": `INSERT INTO decisions (session_id, candidate_id, block, proposed, outcome, reason, decided_at)
				VALUES (?, ?, ?, ?, ?, ?, ?)`,
			"result": `INSERT INTO results (session_id, candidate_id, proposed, result, acquired, notes, confirmed_at, confirmed_by)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			"acquired": `INSERT INTO acquired_blocks (candidate_id, block_code, acquired_on, session_ref) VALUES (?, ?, ?, ?)
				ON CONFLICT (candidate_id, block_code) DO NOTHING`,
		}
		st := map[string]bulkStmt{}
		for k, q := range stmts {
			p, err := tx.PrepareContext(ctx, q)
			if err != nil {
				return err
			}
			defer p.Close()
			st[k] = bulkStmt{p}
		}
		stamp := fmtTime(now)
		last := s.StartDate
		if !s.EndDate.IsZero() {
			last = s.EndDate
		}
		signedAt = time.Date(last.Year, last.Month, last.Day, 18, 0, 0, 0, time.Local)
		ref := s.Reference
		if ref == "" {
			ref = fmt.Sprintf("session %d", id)
		}
		for i := range s.Candidates {
			sc := &s.Candidates[i]
			blocks, allowance, err := candidateJSON(sc)
			if err != nil {
				return err
			}
			if err := st["candidate"].exec(ctx, id, sc.Candidate.ID, i, sc.Employer, blocks, sc.Absent, allowance, sc.Jury); err != nil {
				return fmt.Errorf("candidate %d: %w", sc.Candidate.ID, err)
			}
			grids, decisions, result := records(i)
			for _, g := range grids {
				as, err := json.Marshal(recordOfAssessments(g.Assessments))
				if err != nil {
					return err
				}
				if err := st["grid"].exec(ctx, id, sc.Candidate.ID, g.Block, g.MemberID, string(as), stamp); err != nil {
					return err
				}
				counts["grids"]++
			}
			for _, d := range decisions {
				if err := st["decision"].exec(ctx, id, sc.Candidate.ID, d.Block, string(d.Proposed), string(d.Outcome), d.Reason, stamp); err != nil {
					return err
				}
				counts["decisions"]++
			}
			if result == nil {
				continue
			}
			acquired, err := json.Marshal(nonNil(result.Acquired))
			if err != nil {
				return err
			}
			if err := st["result"].exec(ctx, id, sc.Candidate.ID, string(result.Proposed), string(result.Result), string(acquired),
				result.FinalInterviewNotes, stamp, a.Name); err != nil {
				return err
			}
			counts["results"]++
			for _, code := range result.Acquired {
				if err := st["acquired"].exec(ctx, sc.Candidate.ID, code, last.ISO(), ref); err != nil {
					return err
				}
				counts["acquired"]++
			}
		}
		for i, m := range s.Jury {
			if _, err := tx.ExecContext(ctx, "INSERT INTO signatures (session_id, member_id, name, signed_at) VALUES (?, ?, ?, ?)",
				id, memberIDs[i], m.Name, fmtTime(signedAt.Add(time.Duration(i)*time.Minute))); err != nil {
				return err
			}
		}
		signedAt = signedAt.Add(time.Duration(max(len(s.Jury)-1, 0)) * time.Minute)
		if _, err := tx.ExecContext(ctx, "UPDATE sessions SET signed_at = ? WHERE id = ?", fmtTime(signedAt), id); err != nil {
			return err
		}
		counts["candidates"] = len(s.Candidates)
		return tx.audit("session.bulk", "session", id, nil, map[string]any{"reference": s.Reference, "counts": counts})
	})
	if err != nil {
		return fmt.Errorf("write signed session: %w", err)
	}
	s.ID, s.SignedAt, s.StartedAt = id, signedAt, startedAt
	return nil
}

// bulkStmt is a prepared statement of WriteSignedSession.
type bulkStmt struct{ *sql.Stmt }

func (s bulkStmt) exec(ctx context.Context, args ...any) error {
	_, err := s.ExecContext(ctx, args...)
	return err
}
