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

	"github.com/mattn/go-sqlite3"

	"github.com/amisjury/amis/exam"
)

// SessionService stores sessions, their candidates and their jury; it
// implements exam.SessionService. Candidates are registered by ID: the
// service reads them from the database, so a session always shows the
// candidates as stored, with the blocks they had acquired before the
// session's first day (see docs/storage.md).
type SessionService struct {
	db  *DB
	ref *exam.Referentiel
}

var _ exam.SessionService = (*SessionService)(nil)

// NewSessionService returns the session service of db; ref is the
// référentiel sessions are checked against.
func NewSessionService(db *DB, ref *exam.Referentiel) *SessionService {
	return &SessionService{db: db, ref: ref}
}

// SessionStores returns the three session services of the candidate
// service's database, so that code handed a candidate service (the demo
// generator) can also fill sessions.
func (s *CandidateService) SessionStores() (exam.SessionService, exam.EvaluationService, exam.DeliberationService) {
	return NewSessionService(s.db, s.ref), NewEvaluationService(s.db, s.ref), NewDeliberationService(s.db, s.ref)
}

const sessionColumns = `id, kind, scope, reference, start_date, end_date, place, training_centre, referentiel,
	referentiel_version, day_start, day_end, changeover_ns, started_at, signed_at, created_at, updated_at`

// FindSessions returns the sessions matching f, latest first.
func (s *SessionService) FindSessions(ctx context.Context, a exam.Actor, f exam.SessionFilter) ([]exam.SessionSummary, error) {
	if err := a.Require(exam.PermReadSessions); err != nil {
		return nil, fmt.Errorf("find sessions: %w", err)
	}
	q := `SELECT s.id, s.kind, s.scope, s.reference, s.start_date, s.end_date, s.place, s.training_centre,
		s.started_at <> '', s.signed_at <> '',
		(SELECT count(*) FROM session_candidates c WHERE c.session_id = s.id)
		FROM sessions s WHERE (? = '' OR s.kind = ?)
		AND (? = '' OR s.start_date <= ?)
		AND (? = '' OR (CASE WHEN s.end_date = '' THEN s.start_date ELSE s.end_date END) >= ?)
		ORDER BY s.start_date DESC, s.id DESC`
	to, from := f.To.ISO(), f.From.ISO()
	args := []any{string(f.Kind), string(f.Kind), to, to, from, from}
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	rows, err := s.db.reader.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("find sessions: %w", err)
	}
	defer rows.Close()
	out := []exam.SessionSummary{}
	for rows.Next() {
		var ss exam.SessionSummary
		var kind, scope, start, end string
		if err := rows.Scan(&ss.ID, &kind, &scope, &ss.Reference, &start, &end, &ss.Place, &ss.TrainingCentre,
			&ss.Started, &ss.Signed, &ss.Candidates); err != nil {
			return nil, fmt.Errorf("find sessions: %w", err)
		}
		ss.Kind, ss.Scope = exam.SessionKind(kind), exam.Scope(scope)
		if ss.StartDate, err = parseISO(start); err != nil {
			return nil, fmt.Errorf("find sessions: %w", err)
		}
		if ss.EndDate, err = parseISO(end); err != nil {
			return nil, fmt.Errorf("find sessions: %w", err)
		}
		out = append(out, ss)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find sessions: %w", err)
	}
	return out, nil
}

// Session returns one session with its candidates and jury. ENOTFOUND.
func (s *SessionService) Session(ctx context.Context, a exam.Actor, id int64) (*exam.Session, error) {
	if err := a.Require(exam.PermReadSessions); err != nil {
		return nil, fmt.Errorf("read session %d: %w", id, err)
	}
	var sess *exam.Session
	err := s.db.read(ctx, func(q queryer) error {
		var err error
		sess, err = loadSession(ctx, q, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read session %d: %w", id, err)
	}
	return sess, nil
}

// CreateSession checks and stores sess, setting its ID, its members' IDs and
// its timestamps. The registered candidates are read from the database by
// ID; a candidate of a full-title session registered without blocks sits
// every block not already acquired (exam.DefaultBlocks). StartedAt and
// SignedAt are ignored. EINVALID (Session.Validate, Session.CheckReferentiel,
// a conflict naming an unregistered candidate), EFORBIDDEN.
func (s *SessionService) CreateSession(ctx context.Context, a exam.Actor, sess *exam.Session) error {
	if err := a.Require(exam.PermManageSessions); err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	if sess == nil {
		return fmt.Errorf("create session: %w", exam.Errorf(exam.EINVALID, "err.invalid", "no session", nil))
	}
	var id int64
	var now time.Time
	memberIDs := make([]int64, len(sess.Jury))
	err := s.db.writeSession(ctx, a, func(tx *Tx) error {
		if err := s.prepare(ctx, tx, sess); err != nil {
			return err
		}
		now = tx.now()
		res, err := tx.ExecContext(ctx, `INSERT INTO sessions (kind, scope, reference, start_date, end_date, place,
			training_centre, referentiel, referentiel_version, day_start, day_end, changeover_ns, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, append(sessionArgs(sess), fmtTime(now), fmtTime(now))...)
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		for i := range sess.Candidates {
			if err := insertSessionCandidate(ctx, tx, id, i, &sess.Candidates[i]); err != nil {
				return err
			}
		}
		for i := range sess.Jury {
			if memberIDs[i], err = insertMember(ctx, tx, id, i, &sess.Jury[i]); err != nil {
				return err
			}
		}
		if err := insertConflicts(ctx, tx, sess.Jury, memberIDs); err != nil {
			return err
		}
		rec := recordOfSession(sess)
		rec.ID = id
		for i := range rec.Jury {
			rec.Jury[i].ID = memberIDs[i]
		}
		return tx.audit("session.create", "session", id, nil, rec)
	})
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	sess.ID, sess.CreatedAt, sess.UpdatedAt = id, now.Local(), now.Local()
	sess.StartedAt, sess.SignedAt = time.Time{}, time.Time{}
	for i := range sess.Jury {
		sess.Jury[i].ID = memberIDs[i]
	}
	return nil
}

// UpdateSession replaces the stored session sess.ID, its candidates and jury.
// Members keep their ID (and signing secret); a member with ID 0 is added. A
// candidate or member may not be removed once something was recorded about
// them (timer, grid, decision, result, incident, signature): ECONFLICT. A
// candidate whose blocks or presence changed loses their confirmed result,
// and any signature already given is withdrawn. ENOTFOUND, EINVALID,
// ELOCKED once the PV is signed, EFORBIDDEN.
func (s *SessionService) UpdateSession(ctx context.Context, a exam.Actor, sess *exam.Session) error {
	if sess == nil {
		return fmt.Errorf("update session: %w", exam.Errorf(exam.EINVALID, "err.invalid", "no session", nil))
	}
	if err := a.Require(exam.PermManageSessions); err != nil {
		return fmt.Errorf("update session %d: %w", sess.ID, err)
	}
	var old *exam.Session
	var now time.Time
	memberIDs := make([]int64, len(sess.Jury))
	err := s.db.writeSession(ctx, a, func(tx *Tx) error {
		var err error
		if old, err = loadSession(ctx, tx, sess.ID); err != nil {
			return err
		}
		if old.Locked() {
			return exam.ErrLocked
		}
		if err := s.prepare(ctx, tx, sess); err != nil {
			return err
		}
		now = tx.now()
		_, err = tx.ExecContext(ctx, `UPDATE sessions SET kind = ?, scope = ?, reference = ?, start_date = ?,
			end_date = ?, place = ?, training_centre = ?, referentiel = ?, referentiel_version = ?, day_start = ?,
			day_end = ?, changeover_ns = ?, updated_at = ? WHERE id = ?`, append(sessionArgs(sess), fmtTime(now), sess.ID)...)
		if err != nil {
			return err
		}
		if err := s.replaceCandidates(ctx, tx, old, sess); err != nil {
			return err
		}
		if err := s.replaceJury(ctx, tx, old, sess, memberIDs); err != nil {
			return err
		}
		withdrawn, err := withdrawSignatures(ctx, tx, sess.ID)
		if err != nil {
			return err
		}
		rec := recordOfSession(sess)
		for i := range rec.Jury {
			rec.Jury[i].ID = memberIDs[i]
		}
		rec.SignaturesWithdrawn = withdrawn
		return tx.audit("session.update", "session", sess.ID, recordOfSession(old), rec)
	})
	if err != nil {
		return fmt.Errorf("update session %d: %w", sess.ID, err)
	}
	sess.CreatedAt, sess.UpdatedAt = old.CreatedAt, now.Local()
	sess.StartedAt, sess.SignedAt = old.StartedAt, old.SignedAt
	for i := range sess.Jury {
		sess.Jury[i].ID = memberIDs[i]
	}
	return nil
}

// replaceCandidates brings the registrations of old to those of sess,
// keeping the rows (and what hangs on them) of candidates still registered.
func (s *SessionService) replaceCandidates(ctx context.Context, tx *Tx, old, sess *exam.Session) error {
	for _, oc := range old.Candidates {
		id := oc.Candidate.ID
		if sess.Candidate(id) != nil {
			continue
		}
		used, err := candidateInUse(ctx, tx, sess.ID, id)
		if err != nil {
			return err
		}
		if used {
			return exam.Errorf(exam.ECONFLICT, "err.session.candidate_in_use",
				"{{.Candidate}} cannot be removed from the session: timers, grids, decisions, results or incidents are recorded for them",
				map[string]any{"Candidate": oc.Candidate.DisplayName()})
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM session_candidates WHERE session_id = ? AND candidate_id = ?", sess.ID, id); err != nil {
			return err
		}
	}
	for i := range sess.Candidates {
		sc := &sess.Candidates[i]
		oc := old.Candidate(sc.Candidate.ID)
		if oc == nil {
			if err := insertSessionCandidate(ctx, tx, sess.ID, i, sc); err != nil {
				return err
			}
			continue
		}
		blocks, allowance, err := candidateJSON(sc)
		if err != nil {
			return err
		}
		snap, err := snapshotOf(sc.Accommodations)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE session_candidates SET position = ?, employer = ?, blocks = ?, absent = ?,
			allowance = ?, jury = ?, accommodations = ? WHERE session_id = ? AND candidate_id = ?`,
			i, sc.Employer, blocks, sc.Absent, allowance, sc.Jury, snap, sess.ID, sc.Candidate.ID)
		if err != nil {
			return err
		}
		if oc.Absent != sc.Absent || !slices.Equal(oc.Blocks, sc.Blocks) {
			if _, err := deleteResult(ctx, tx, sess.ID, sc.Candidate.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// replaceJury brings the jury of old to that of sess, setting memberIDs.
func (s *SessionService) replaceJury(ctx context.Context, tx *Tx, old, sess *exam.Session, memberIDs []int64) error {
	keep := map[int64]bool{}
	for _, m := range sess.Jury {
		if m.ID != 0 {
			if old.Member(m.ID) == nil {
				return memberNotFound(m.ID)
			}
			keep[m.ID] = true
		}
	}
	for _, om := range old.Jury {
		if keep[om.ID] {
			continue
		}
		var used int
		err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM grids WHERE session_id = ? AND member_id = ?)
			+ (SELECT count(*) FROM signatures WHERE member_id = ?)`, sess.ID, om.ID, om.ID).Scan(&used)
		if err != nil {
			return err
		}
		if used > 0 {
			return exam.Errorf(exam.ECONFLICT, "err.session.member_in_use",
				"{{.Name}} cannot be removed from the jury: their grids or signature are recorded", map[string]any{"Name": om.Name})
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM members WHERE id = ?", om.ID); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM member_conflicts WHERE member_id IN (SELECT id FROM members WHERE session_id = ?)", sess.ID); err != nil {
		return err
	}
	for i := range sess.Jury {
		m := &sess.Jury[i]
		if m.ID == 0 {
			id, err := insertMember(ctx, tx, sess.ID, i, m)
			if err != nil {
				return err
			}
			memberIDs[i] = id
			continue
		}
		memberIDs[i] = m.ID
		_, err := tx.ExecContext(ctx, `UPDATE members SET position = ?, name = ?, organisation = ?, habilitation = ?,
			role = ?, external = ? WHERE id = ?`, i, m.Name, m.Organisation, m.Habilitation, string(m.Role), m.External, m.ID)
		if err != nil {
			return err
		}
	}
	return insertConflicts(ctx, tx, sess.Jury, memberIDs)
}

// DeleteSession removes a session that has not started, with its
// registrations, jury and incidents. ENOTFOUND, ELOCKED once it has started
// (key err.session.started) or its PV is signed, EFORBIDDEN.
func (s *SessionService) DeleteSession(ctx context.Context, a exam.Actor, id int64) error {
	if err := a.Require(exam.PermManageSessions); err != nil {
		return fmt.Errorf("delete session %d: %w", id, err)
	}
	err := s.db.writeSession(ctx, a, func(tx *Tx) error {
		old, err := loadSession(ctx, tx, id)
		if err != nil {
			return err
		}
		if old.Locked() {
			return exam.ErrLocked
		}
		if !old.StartedAt.IsZero() {
			return exam.Errorf(exam.ELOCKED, "err.session.started", "the session has started: it can no longer be deleted", nil)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE id = ?", id); err != nil {
			return err
		}
		return tx.audit("session.delete", "session", id, recordOfSession(old), nil)
	})
	if err != nil {
		return fmt.Errorf("delete session %d: %w", id, err)
	}
	return nil
}

// StartSession records the start at the given time after Session.CheckStart.
// ENOTFOUND, EINVALID (the field errors of CheckStart: who is missing; a zero
// time), ECONFLICT if already started, ELOCKED once the PV is signed,
// EFORBIDDEN.
func (s *SessionService) StartSession(ctx context.Context, a exam.Actor, id int64, at time.Time) error {
	if err := a.Require(exam.PermRunSessions); err != nil {
		return fmt.Errorf("start session %d: %w", id, err)
	}
	if at.IsZero() {
		v := exam.Validation{}
		v.Add("started_at", "err.required", "required", nil)
		return fmt.Errorf("start session %d: %w", id, v.Err("session start"))
	}
	err := s.db.writeSession(ctx, a, func(tx *Tx) error {
		sess, err := loadSession(ctx, tx, id)
		if err != nil {
			return err
		}
		if sess.Locked() {
			return exam.ErrLocked
		}
		if !sess.StartedAt.IsZero() {
			return exam.Errorf(exam.ECONFLICT, "err.session.already_started", "the session started at {{.At}}",
				map[string]any{"At": sess.StartedAt.Format("02/01/2006 15:04")})
		}
		if err := sess.CheckStart(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE sessions SET started_at = ?, updated_at = ? WHERE id = ?",
			fmtTime(at), fmtTime(tx.now()), id); err != nil {
			return err
		}
		return tx.audit("session.start", "session", id, map[string]any{"started_at": ""}, map[string]any{"started_at": fmtTime(at)})
	})
	if err != nil {
		return fmt.Errorf("start session %d: %w", id, err)
	}
	return nil
}

// SetAbsent marks a registered candidate absent or present; the candidate's
// confirmed result is withdrawn and so are signatures already given.
// Nothing is written when the mark does not change. ENOTFOUND, ELOCKED once
// the PV is signed, EFORBIDDEN.
func (s *SessionService) SetAbsent(ctx context.Context, a exam.Actor, sessionID, candidateID int64, absent bool) error {
	if err := a.Require(exam.PermRunSessions); err != nil {
		return fmt.Errorf("mark candidate %d absent: %w", candidateID, err)
	}
	err := s.db.writeSession(ctx, a, func(tx *Tx) error {
		sess, err := loadSession(ctx, tx, sessionID)
		if err != nil {
			return err
		}
		if sess.Locked() {
			return exam.ErrLocked
		}
		sc := sess.Candidate(candidateID)
		if sc == nil {
			return candidateNotRegistered()
		}
		if sc.Absent == absent {
			return errNoChange
		}
		if _, err := tx.ExecContext(ctx, "UPDATE session_candidates SET absent = ? WHERE session_id = ? AND candidate_id = ?",
			absent, sessionID, candidateID); err != nil {
			return err
		}
		result, err := deleteResult(ctx, tx, sessionID, candidateID)
		if err != nil {
			return err
		}
		withdrawn, err := withdrawSignatures(ctx, tx, sessionID)
		if err != nil {
			return err
		}
		who := map[string]any{"candidate_id": candidateID, "name": sc.Candidate.DisplayName()}
		return tx.audit("session.absent", "session", sessionID,
			merge(who, map[string]any{"absent": sc.Absent, "result": result}),
			merge(who, map[string]any{"absent": absent, "signatures_withdrawn": withdrawn}))
	})
	if err != nil {
		return fmt.Errorf("mark candidate %d absent: %w", candidateID, err)
	}
	return nil
}

// prepare trims sess, fills the référentiel code and version when empty,
// reads its candidates from the database, gives full-title candidates
// without blocks their default blocks, and returns every field error of its
// checks.
func (s *SessionService) prepare(ctx context.Context, q queryer, sess *exam.Session) error {
	sess.Reference = strings.TrimSpace(sess.Reference)
	sess.Place = strings.TrimSpace(sess.Place)
	sess.TrainingCentre = strings.TrimSpace(sess.TrainingCentre)
	sess.Referentiel = strings.TrimSpace(sess.Referentiel)
	sess.ReferentielVersion = strings.TrimSpace(sess.ReferentielVersion)
	if s.ref != nil && sess.Referentiel == "" {
		sess.Referentiel = s.ref.Code
	}
	if s.ref != nil && sess.ReferentielVersion == "" {
		sess.ReferentielVersion = s.ref.Version
	}
	var v exam.Validation
	registered := map[int64]bool{}
	for i := range sess.Candidates {
		sc := &sess.Candidates[i]
		sc.Employer = strings.Join(strings.Fields(sc.Employer), " ")
		sc.Jury = strings.TrimSpace(sc.Jury)
		for j := range sc.Blocks {
			sc.Blocks[j] = strings.ToUpper(strings.TrimSpace(sc.Blocks[j]))
		}
		id := sc.Candidate.ID
		if id == 0 {
			continue // Validate reports it
		}
		registered[id] = true
		c, err := loadCandidate(ctx, q, id)
		switch {
		case exam.ErrorCode(err) == exam.ENOTFOUND:
			v.Add(fmt.Sprintf("%s[%d].candidate", exam.FieldSessionCandidates, i), "err.candidate.not_found",
				"candidate {{.ID}} does not exist", map[string]any{"ID": id})
		case err != nil:
			return err
		default:
			sc.Candidate = *asOf(c, sess.StartDate)
		}
		// The profile, when there is one, wins over the caller's allowance.
		prof, err := loadProfile(ctx, q, id)
		if err != nil {
			return err
		}
		sc.Accommodations = prof
		if prof != nil {
			sc.Allowance = prof.Time
		}
		if len(sc.Blocks) == 0 && sess.Scope == exam.ScopeFullTitle && s.ref != nil {
			sc.Blocks = exam.DefaultBlocks(s.ref, &sc.Candidate)
		}
	}
	for i := range sess.Jury {
		m := &sess.Jury[i]
		m.Name = strings.Join(strings.Fields(m.Name), " ")
		m.Organisation = strings.Join(strings.Fields(m.Organisation), " ")
		m.Habilitation = strings.TrimSpace(m.Habilitation)
		m.TrainerOf, m.ConflictWith = sortedIDs(m.TrainerOf), sortedIDs(m.ConflictWith)
		for _, l := range []struct {
			field string
			ids   []int64
		}{{"trainer_of", m.TrainerOf}, {"conflict_with", m.ConflictWith}} {
			for _, id := range l.ids {
				if !registered[id] {
					v.Add(fmt.Sprintf("%s[%d].%s", exam.FieldSessionJury, i, l.field), "err.session.conflict_candidate",
						"{{.Name}}: candidate {{.ID}} is not registered in this session", map[string]any{"Name": m.Name, "ID": id})
				}
			}
		}
	}
	v.Fields = append(v.Fields, exam.FieldErrors(sess.Validate())...)
	if s.ref != nil {
		v.Fields = append(v.Fields, exam.FieldErrors(sess.CheckReferentiel(s.ref))...)
	}
	return v.Err("session")
}

// asOf returns c with only the blocks acquired before day: what the
// candidate held when a session starting that day began. Blocks acquired in
// the session itself (recorded when its PV is signed) or later are not
// "déjà acquis" there.
func asOf(c *exam.Candidate, day exam.Date) *exam.Candidate {
	var kept []exam.AcquiredBlock
	for _, b := range c.Acquired {
		if day.IsZero() || b.Date.Before(day) {
			kept = append(kept, b)
		}
	}
	c.Acquired = kept
	return c
}

func sortedIDs(ids []int64) []int64 {
	if len(ids) == 0 {
		return nil
	}
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

// sessionArgs returns the values of the session's own columns, from kind to
// changeover_ns.
func sessionArgs(s *exam.Session) []any {
	return []any{string(s.Kind), string(s.Scope), s.Reference, s.StartDate.ISO(), s.EndDate.ISO(), s.Place,
		s.TrainingCentre, s.Referentiel, s.ReferentielVersion, int(s.DayStart), int(s.DayEnd), int64(s.Changeover)}
}

func candidateJSON(sc *exam.SessionCandidate) (blocks, allowance string, err error) {
	b, err := json.Marshal(nonNil(sc.Blocks))
	if err != nil {
		return "", "", err
	}
	al, err := json.Marshal(recordOfAllowance(&sc.Allowance))
	if err != nil {
		return "", "", err
	}
	return string(b), string(al), nil
}

func insertSessionCandidate(ctx context.Context, tx *Tx, sessionID int64, pos int, sc *exam.SessionCandidate) error {
	blocks, allowance, err := candidateJSON(sc)
	if err != nil {
		return err
	}
	snap, err := snapshotOf(sc.Accommodations)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO session_candidates (session_id, candidate_id, position, employer, blocks,
		absent, allowance, jury, accommodations) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		sessionID, sc.Candidate.ID, pos, sc.Employer, blocks, sc.Absent, allowance, sc.Jury, snap)
	return err
}

func insertMember(ctx context.Context, tx *Tx, sessionID int64, pos int, m *exam.Member) (int64, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO members (session_id, position, name, organisation, habilitation, role,
		external) VALUES (?, ?, ?, ?, ?, ?, ?)`, sessionID, pos, m.Name, m.Organisation, m.Habilitation, string(m.Role), m.External)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

func insertConflicts(ctx context.Context, tx *Tx, jury []exam.Member, ids []int64) error {
	for i, m := range jury {
		for _, l := range []struct {
			kind string
			ids  []int64
		}{{"trainer", m.TrainerOf}, {"declared", m.ConflictWith}} {
			for _, c := range l.ids {
				if _, err := tx.ExecContext(ctx, "INSERT INTO member_conflicts (member_id, candidate_id, kind) VALUES (?, ?, ?)",
					ids[i], c, l.kind); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// candidateInUse reports whether anything is recorded about the candidate in
// the session.
func candidateInUse(ctx context.Context, q queryer, sessionID, candidateID int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM timer_events WHERE session_id = ?1 AND candidate_id = ?2)
		+ (SELECT count(*) FROM grids WHERE session_id = ?1 AND candidate_id = ?2)
		+ (SELECT count(*) FROM decisions WHERE session_id = ?1 AND candidate_id = ?2)
		+ (SELECT count(*) FROM results WHERE session_id = ?1 AND candidate_id = ?2)
		+ (SELECT count(*) FROM incidents WHERE session_id = ?1 AND candidate_id = ?2)`, sessionID, candidateID).Scan(&n)
	return n > 0, err
}

// deleteResult removes the candidate's confirmed result, which no longer
// follows from what changed, and returns it (nil if there was none).
func deleteResult(ctx context.Context, tx *Tx, sessionID, candidateID int64) (*resultRecord, error) {
	r, err := loadResult(ctx, tx, sessionID, candidateID)
	if err != nil || r == nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM results WHERE session_id = ? AND candidate_id = ?", sessionID, candidateID); err != nil {
		return nil, err
	}
	rec := recordOfResult(r)
	return &rec, nil
}

// withdrawSignatures removes the signatures given so far: the PV they
// signed has changed. It returns the names of the members who must sign
// again.
func withdrawSignatures(ctx context.Context, tx *Tx, sessionID int64) ([]string, error) {
	rows, err := tx.QueryContext(ctx, "SELECT name FROM signatures WHERE session_id = ? ORDER BY signed_at, member_id", sessionID)
	if err != nil {
		return nil, err
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		names = append(names, n)
	}
	err = rows.Err()
	rows.Close()
	if err != nil || len(names) == 0 {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM signatures WHERE session_id = ?", sessionID); err != nil {
		return nil, err
	}
	return names, nil
}

// loadSession reads one session with its candidates (as of the session's
// first day, see asOf) and jury. ENOTFOUND.
func loadSession(ctx context.Context, q queryer, id int64) (*exam.Session, error) {
	var s exam.Session
	var kind, scope, start, end, started, signed, created, updated string
	var dayStart, dayEnd int
	var changeover int64
	err := q.QueryRowContext(ctx, "SELECT "+sessionColumns+" FROM sessions WHERE id = ?", id).Scan(
		&s.ID, &kind, &scope, &s.Reference, &start, &end, &s.Place, &s.TrainingCentre, &s.Referentiel,
		&s.ReferentielVersion, &dayStart, &dayEnd, &changeover, &started, &signed, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, sessionNotFound(id)
	}
	if err != nil {
		return nil, err
	}
	s.Kind, s.Scope = exam.SessionKind(kind), exam.Scope(scope)
	s.DayStart, s.DayEnd, s.Changeover = exam.TimeOfDay(dayStart), exam.TimeOfDay(dayEnd), time.Duration(changeover)
	if s.StartDate, err = parseISO(start); err != nil {
		return nil, err
	}
	if s.EndDate, err = parseISO(end); err != nil {
		return nil, err
	}
	for _, t := range []struct {
		dst *time.Time
		src string
	}{{&s.StartedAt, started}, {&s.SignedAt, signed}, {&s.CreatedAt, created}, {&s.UpdatedAt, updated}} {
		if *t.dst, err = parseTime(t.src); err != nil {
			return nil, err
		}
	}
	if err := loadSessionCandidates(ctx, q, &s); err != nil {
		return nil, err
	}
	if err := loadJury(ctx, q, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

func loadSessionCandidates(ctx context.Context, q queryer, s *exam.Session) error {
	rows, err := q.QueryContext(ctx, `SELECT candidate_id, employer, blocks, absent, allowance, jury, coalesce(accommodations, '')
		FROM session_candidates WHERE session_id = ? ORDER BY position, candidate_id`, s.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var sc exam.SessionCandidate
		var blocks, allowance, snap string
		if err := rows.Scan(&sc.Candidate.ID, &sc.Employer, &blocks, &sc.Absent, &allowance, &sc.Jury, &snap); err != nil {
			rows.Close()
			return err
		}
		if sc.Accommodations, err = parseSnapshot(sc.Candidate.ID, snap); err != nil {
			rows.Close()
			return fmt.Errorf("session %d, candidate %d: %w", s.ID, sc.Candidate.ID, err)
		}
		if err := json.Unmarshal([]byte(blocks), &sc.Blocks); err != nil {
			rows.Close()
			return fmt.Errorf("session %d, candidate %d: blocks: %w", s.ID, sc.Candidate.ID, err)
		}
		if len(sc.Blocks) == 0 {
			sc.Blocks = nil
		}
		var al allowanceRecord
		if err := json.Unmarshal([]byte(allowance), &al); err != nil {
			rows.Close()
			return fmt.Errorf("session %d, candidate %d: allowance: %w", s.ID, sc.Candidate.ID, err)
		}
		sc.Allowance = al.allowance()
		s.Candidates = append(s.Candidates, sc)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return err
	}
	// Read after closing the rows: one statement at a time on the connection.
	for i := range s.Candidates {
		c, err := loadCandidate(ctx, q, s.Candidates[i].Candidate.ID)
		if err != nil {
			return err
		}
		s.Candidates[i].Candidate = *asOf(c, s.StartDate)
	}
	return nil
}

func loadJury(ctx context.Context, q queryer, s *exam.Session) error {
	rows, err := q.QueryContext(ctx, `SELECT id, name, organisation, habilitation, role, external
		FROM members WHERE session_id = ? ORDER BY position, id`, s.ID)
	if err != nil {
		return err
	}
	byID := map[int64]int{}
	for rows.Next() {
		var m exam.Member
		var role string
		if err := rows.Scan(&m.ID, &m.Name, &m.Organisation, &m.Habilitation, &role, &m.External); err != nil {
			rows.Close()
			return err
		}
		m.Role = exam.JuryRole(role)
		byID[m.ID] = len(s.Jury)
		s.Jury = append(s.Jury, m)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return err
	}
	rows, err = q.QueryContext(ctx, `SELECT c.member_id, c.candidate_id, c.kind FROM member_conflicts c
		JOIN members m ON m.id = c.member_id WHERE m.session_id = ? ORDER BY c.member_id, c.candidate_id`, s.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var mid, cid int64
		var kind string
		if err := rows.Scan(&mid, &cid, &kind); err != nil {
			return err
		}
		m := &s.Jury[byID[mid]]
		if kind == "trainer" {
			m.TrainerOf = append(m.TrainerOf, cid)
		} else {
			m.ConflictWith = append(m.ConflictWith, cid)
		}
	}
	return rows.Err()
}

// read runs fn in one read-only transaction on the reader pool, so that
// what it reads in several queries is one consistent snapshot.
func (db *DB) read(ctx context.Context, fn func(q queryer) error) error {
	tx, err := db.reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	return fn(tx)
}

// errNoChange, returned by a write function, ends the write without
// changing anything: the transaction is rolled back and the call succeeds.
var errNoChange = errors.New("no change")

// writeSession is DB.write for the session services: a refusal by the lock
// triggers becomes an ELOCKED error, and errNoChange a success.
func (db *DB) writeSession(ctx context.Context, a exam.Actor, fn func(tx *Tx) error) error {
	err := db.write(ctx, a, fn)
	if errors.Is(err, errNoChange) {
		return nil
	}
	return lockedFromTrigger(err)
}

// lockedFromTrigger turns the abort of a lock trigger (RAISE(ABORT,
// 'locked'), see migrations/0002_sessions.sql) into exam.ErrLocked; other
// errors pass unchanged.
func lockedFromTrigger(err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintTrigger && strings.Contains(se.Error(), "locked") {
		return fmt.Errorf("%w (refused by the database: %v)", exam.ErrLocked, se)
	}
	return err
}

func sessionNotFound(id int64) error {
	return exam.Errorf(exam.ENOTFOUND, "err.session.not_found", "session {{.ID}} does not exist", map[string]any{"ID": id})
}

func memberNotFound(id int64) error {
	return exam.Errorf(exam.ENOTFOUND, "err.session.member_unknown", "jury member {{.ID}} is not in this session", map[string]any{"ID": id})
}

func candidateNotRegistered() error {
	return exam.Errorf(exam.ENOTFOUND, "err.session.candidate_unknown", "the candidate is not registered in this session", nil)
}

func notStarted() error {
	return exam.Errorf(exam.EINVALID, "err.session.not_started", "the session has not started", nil)
}

// present returns the registered candidate, who must not be marked absent.
func present(s *exam.Session, candidateID int64) (*exam.SessionCandidate, error) {
	sc := s.Candidate(candidateID)
	if sc == nil {
		return nil, candidateNotRegistered()
	}
	if sc.Absent {
		return nil, exam.Errorf(exam.EINVALID, "err.session.absent", "{{.Candidate}} is marked absent",
			map[string]any{"Candidate": sc.Candidate.DisplayName()})
	}
	return sc, nil
}

// running returns the session if it may record what happens during it:
// not signed, started.
func running(ctx context.Context, q queryer, id int64) (*exam.Session, error) {
	sess, err := loadSession(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if sess.Locked() {
		return nil, exam.ErrLocked
	}
	if sess.StartedAt.IsZero() {
		return nil, notStarted()
	}
	return sess, nil
}

// fmtTime writes t as stored: RFC 3339 in UTC with nanoseconds; "" for the
// zero time.
func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// parseTime reads a stored time into local time; "" is the zero time.
func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored time %q: %w", s, err)
	}
	return t.Local(), nil
}

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

func merge(a, b map[string]any) map[string]any {
	out := make(map[string]any, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// sessionRecord is a session as the audit log keeps it.
type sessionRecord struct {
	ID                  int64                    `json:"id"`
	Kind                string                   `json:"kind"`
	Scope               string                   `json:"scope"`
	Reference           string                   `json:"reference"`
	StartDate           string                   `json:"start_date"`
	EndDate             string                   `json:"end_date"`
	Place               string                   `json:"place"`
	TrainingCentre      string                   `json:"training_centre"`
	Referentiel         string                   `json:"referentiel"`
	ReferentielVersion  string                   `json:"referentiel_version"`
	DayStart            string                   `json:"day_start"`
	DayEnd              string                   `json:"day_end"`
	ChangeoverNS        int64                    `json:"changeover_ns"`
	StartedAt           string                   `json:"started_at"`
	SignedAt            string                   `json:"signed_at"`
	Candidates          []sessionCandidateRecord `json:"candidates"`
	Jury                []memberRecord           `json:"jury"`
	SignaturesWithdrawn []string                 `json:"signatures_withdrawn,omitempty"`
}

type sessionCandidateRecord struct {
	CandidateID int64           `json:"candidate_id"`
	Name        string          `json:"name"`
	Employer    string          `json:"employer"`
	Blocks      []string        `json:"blocks"`
	Absent      bool            `json:"absent"`
	Allowance   allowanceRecord `json:"allowance"`
	// Accommodations is the French list of the functional accommodations
	// applied (exam.SessionCandidate.AccommodationList).
	Accommodations string `json:"accommodations,omitempty"`
	Jury           string `json:"jury"`
}

type memberRecord struct {
	ID           int64   `json:"id"`
	Name         string  `json:"name"`
	Organisation string  `json:"organisation"`
	Habilitation string  `json:"habilitation"`
	Role         string  `json:"role"`
	External     bool    `json:"external"`
	TrainerOf    []int64 `json:"trainer_of,omitempty"`
	ConflictWith []int64 `json:"conflict_with,omitempty"`
}

func recordOfSession(s *exam.Session) sessionRecord {
	r := sessionRecord{ID: s.ID, Kind: string(s.Kind), Scope: string(s.Scope), Reference: s.Reference,
		StartDate: s.StartDate.ISO(), EndDate: s.EndDate.ISO(), Place: s.Place, TrainingCentre: s.TrainingCentre,
		Referentiel: s.Referentiel, ReferentielVersion: s.ReferentielVersion, DayStart: s.DayStart.String(),
		DayEnd: s.DayEnd.String(), ChangeoverNS: int64(s.Changeover), StartedAt: fmtTime(s.StartedAt),
		SignedAt: fmtTime(s.SignedAt), Candidates: []sessionCandidateRecord{}, Jury: []memberRecord{}}
	for _, sc := range s.Candidates {
		r.Candidates = append(r.Candidates, sessionCandidateRecord{CandidateID: sc.Candidate.ID,
			Name: sc.Candidate.DisplayName(), Employer: sc.Employer, Blocks: nonNil(sc.Blocks), Absent: sc.Absent,
			Allowance: recordOfAllowance(&sc.Allowance), Accommodations: sc.AccommodationList(), Jury: sc.Jury})
	}
	for _, m := range s.Jury {
		r.Jury = append(r.Jury, memberRecord{ID: m.ID, Name: m.Name, Organisation: m.Organisation,
			Habilitation: m.Habilitation, Role: string(m.Role), External: m.External, TrainerOf: m.TrainerOf,
			ConflictWith: m.ConflictWith})
	}
	return r
}

// allowanceRecord is a time allowance as stored (session_candidates.allowance)
// and audited: stable names, durations in nanoseconds.
type allowanceRecord struct {
	ExtraPercent  int              `json:"extra_percent,omitempty"`
	ExtraMinutes  int              `json:"extra_minutes,omitempty"`
	StartOffsetNS int64            `json:"start_offset_ns,omitempty"`
	Breaks        []breakRecord    `json:"breaks,omitempty"`
	Overrides     []overrideRecord `json:"overrides,omitempty"`
}

type breakRecord struct {
	Trial    string `json:"trial,omitempty"`
	AtNS     int64  `json:"at_ns"`
	EveryNS  int64  `json:"every_ns,omitempty"`
	LengthNS int64  `json:"length_ns"`
}

type overrideRecord struct {
	Trial        string `json:"trial"`
	ExtraPercent int    `json:"extra_percent"`
	ExtraMinutes int    `json:"extra_minutes"`
	Reason       string `json:"reason"`
}

func recordOfAllowance(a *exam.TimeAllowance) allowanceRecord {
	r := allowanceRecord{ExtraPercent: a.ExtraPercent, ExtraMinutes: a.ExtraMinutes, StartOffsetNS: int64(a.StartOffset)}
	for _, b := range a.Breaks {
		r.Breaks = append(r.Breaks, breakRecord{Trial: b.Trial, AtNS: int64(b.At), EveryNS: int64(b.Every), LengthNS: int64(b.Length)})
	}
	for _, o := range a.Overrides {
		r.Overrides = append(r.Overrides, overrideRecord{Trial: o.Trial, ExtraPercent: o.ExtraPercent, ExtraMinutes: o.ExtraMinutes, Reason: o.Reason})
	}
	return r
}

func (r allowanceRecord) allowance() exam.TimeAllowance {
	a := exam.TimeAllowance{ExtraPercent: r.ExtraPercent, ExtraMinutes: r.ExtraMinutes, StartOffset: time.Duration(r.StartOffsetNS)}
	for _, b := range r.Breaks {
		a.Breaks = append(a.Breaks, exam.Break{Trial: b.Trial, At: time.Duration(b.AtNS), Every: time.Duration(b.EveryNS), Length: time.Duration(b.LengthNS)})
	}
	for _, o := range r.Overrides {
		a.Overrides = append(a.Overrides, exam.TrialOverride{Trial: o.Trial, ExtraPercent: o.ExtraPercent, ExtraMinutes: o.ExtraMinutes, Reason: o.Reason})
	}
	return a
}
