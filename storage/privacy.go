package storage

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage/pdf"
)

// Retention period of the purge, in years (docs/privacy.md). DOMAIN.md sets
// no period: the default is a choice to confirm with the centre's data
// protection officer, and stays a setting.
const (
	DefaultRetentionYears = 5
	MinRetentionYears     = 1
	MaxRetentionYears     = 50
)

// retentionKey is the settings row of the retention period.
const retentionKey = "privacy.retention_years"

// PrivacyService runs the privacy duties on the database: the retention
// setting, the purge of candidates kept longer than it, and the right of
// access. Every method requires exam.PermExport.
type PrivacyService struct {
	db  *DB
	ref *exam.Referentiel
	// Accommodations, when set, gives the access report the candidate's
	// accommodation profile; only its functional part is kept (Redacted).
	Accommodations exam.AccommodationService
}

// NewPrivacyService returns the privacy service of db; ref renders the
// procès-verbaux a purge archives.
func NewPrivacyService(db *DB, ref *exam.Referentiel) *PrivacyService {
	return &PrivacyService{db: db, ref: ref}
}

// RetentionYears returns the stored retention period, DefaultRetentionYears
// when none was set. EFORBIDDEN.
func (s *PrivacyService) RetentionYears(ctx context.Context, a exam.Actor) (int, error) {
	if err := a.Require(exam.PermExport); err != nil {
		return 0, fmt.Errorf("read the retention period: %w", err)
	}
	years, err := retentionYears(ctx, s.db.reader)
	if err != nil {
		return 0, fmt.Errorf("read the retention period: %w", err)
	}
	return years, nil
}

func retentionYears(ctx context.Context, q queryer) (int, error) {
	return intSetting(ctx, q, retentionKey, DefaultRetentionYears, checkYears)
}

// intSetting reads the integer setting key: def when it is not stored, or
// is not a number check accepts (the settings are written only by
// setIntSetting, after check).
func intSetting(ctx context.Context, q queryer, key string, def int, check func(int) error) (int, error) {
	var v string
	err := q.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return def, nil
	}
	if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(v)
	if err != nil || check(n) != nil {
		return def, nil
	}
	return n, nil
}

// setIntSetting stores the integer setting key as a (who must hold the
// permission; value already checked), with an audit entry holding the old
// and new values; nothing is written when the value does not change.
func (db *DB) setIntSetting(ctx context.Context, a exam.Actor, key string, value, def int, check func(int) error) error {
	err := db.write(ctx, a, func(tx *Tx) error {
		old, err := intSetting(ctx, tx, key, def, check)
		if err != nil {
			return err
		}
		if old == value {
			return errNoChange
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, strconv.Itoa(value)); err != nil {
			return err
		}
		return tx.audit("settings.update", "settings", 0, map[string]any{key: old}, map[string]any{key: value})
	})
	if errors.Is(err, errNoChange) {
		return nil
	}
	return err
}

// SetRetentionYears stores the retention period. EINVALID (outside
// MinRetentionYears..MaxRetentionYears), EFORBIDDEN.
func (s *PrivacyService) SetRetentionYears(ctx context.Context, a exam.Actor, years int) error {
	if err := a.Require(exam.PermExport); err != nil {
		return fmt.Errorf("set the retention period: %w", err)
	}
	if err := checkYears(years); err != nil {
		return fmt.Errorf("set the retention period: %w", err)
	}
	if err := s.db.setIntSetting(ctx, a, retentionKey, years, DefaultRetentionYears, checkYears); err != nil {
		return fmt.Errorf("set the retention period: %w", err)
	}
	return nil
}

func checkYears(years int) error {
	if years < MinRetentionYears || years > MaxRetentionYears {
		return exam.Errorf(exam.EINVALID, "err.purge.years", "the retention period is between {{.Min}} and {{.Max}} years",
			map[string]any{"Min": MinRetentionYears, "Max": MaxRetentionYears})
	}
	return nil
}

// PurgeCounts says how much a purge deletes (or deleted).
type PurgeCounts struct {
	// Candidates are the people deleted: their identity and contacts, the
	// blocks they acquired, their accommodation profile and its
	// justification; NeverInSession of them were in no session;
	// WithAcquiredBlocks hold at least one acquired CCP (a partial
	// certification among them), whose record goes with them.
	Candidates, NeverInSession, WithAcquiredBlocks int
	// Rows deleted with them.
	Registrations, Grids, Decisions, Results, Incidents, TimerEvents, AcquiredBlocks int
	// Sessions the candidates were in; they stay, as records, Emptied of
	// them left without any candidate. SignedSessions of them are locked:
	// their PV is archived first when needed (Archived).
	Sessions, Emptied, SignedSessions, Archived int
}

// PurgePlan is what a purge would delete on a given day: the candidates
// whose last activity (creation, change, session, acquired block, audit
// entry) is before Cutoff, Years before Today.
type PurgePlan struct {
	Years         int
	Today, Cutoff exam.Date
	// CandidateIDs are the candidates to delete, in ID order.
	CandidateIDs []int64
	PurgeCounts
}

// PurgePlan lists what a purge with a retention of years would delete on
// the day today (zero: today): nothing is changed. EINVALID (years),
// EFORBIDDEN.
func (s *PrivacyService) PurgePlan(ctx context.Context, a exam.Actor, years int, today exam.Date) (*PurgePlan, error) {
	if err := a.Require(exam.PermExport); err != nil {
		return nil, fmt.Errorf("plan a purge: %w", err)
	}
	if err := checkYears(years); err != nil {
		return nil, fmt.Errorf("plan a purge: %w", err)
	}
	if today.IsZero() {
		today = exam.DateOf(s.db.now())
	}
	p := &PurgePlan{Years: years, Today: today, Cutoff: today.AddYears(-years)}
	err := s.db.read(ctx, func(q queryer) error {
		ids, never, err := eligible(ctx, q, p.Cutoff, nil)
		if err != nil {
			return err
		}
		p.CandidateIDs = ids
		if p.PurgeCounts, err = purgeCounts(ctx, q, ids); err != nil {
			return err
		}
		p.NeverInSession = never
		touched, err := touchedSessions(ctx, q, ids)
		if err != nil {
			return err
		}
		countSessions(&p.PurgeCounts, touched)
		for _, t := range touched {
			if t.needsArchive() {
				p.Archived++
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("plan a purge: %w", err)
	}
	return p, nil
}

// Purge deletes, in one transaction, the candidates of plan that are still
// to be purged at plan.Cutoff (a candidate changed or registered since the
// plan stays) with everything stored about them. Before that, each signed
// certification session they were in has its procès-verbal archived
// (minutes_archive: the PDF and its SHA-256), unless archived already and
// not amended since; the lock of signed sessions is opened for the
// deletion only (sessions.purging, docs/privacy.md). The sessions stay,
// with their jury, signatures and amendments. One audit entry,
// privacy.purge, records the counts, never a name. It returns what was
// deleted. EINVALID (no plan), EFORBIDDEN.
func (s *PrivacyService) Purge(ctx context.Context, a exam.Actor, plan *PurgePlan) (*PurgeCounts, error) {
	if err := a.Require(exam.PermExport); err != nil {
		return nil, fmt.Errorf("purge: %w", err)
	}
	if plan == nil || plan.Cutoff.IsZero() {
		return nil, fmt.Errorf("purge: %w", exam.Errorf(exam.EINVALID, "err.purge.plan", "no purge plan: list what would be deleted first", nil))
	}
	var done PurgeCounts
	err := s.db.writeSession(ctx, a, func(tx *Tx) error {
		ids, never, err := eligible(ctx, tx, plan.Cutoff, nonNil(plan.CandidateIDs))
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			return errNoChange
		}
		if done, err = purgeCounts(ctx, tx, ids); err != nil {
			return err
		}
		done.NeverInSession = never
		touched, err := touchedSessions(ctx, tx, ids)
		if err != nil {
			return err
		}
		countSessions(&done, touched)
		now := tx.now()
		archived := []map[string]any{}
		var signed []int64
		for _, t := range touched {
			if !t.signed {
				continue
			}
			signed = append(signed, t.id)
			if !t.needsArchive() {
				continue
			}
			rec, err := s.archiveMinutes(ctx, tx, t.id, now)
			if err != nil {
				return fmt.Errorf("archive the minutes of session %d: %w", t.id, err)
			}
			archived = append(archived, rec)
			done.Archived++
		}
		if err := setPurging(ctx, tx, signed, true); err != nil {
			return err
		}
		idList, err := json.Marshal(ids)
		if err != nil {
			return err
		}
		for _, q := range []string{
			"DELETE FROM incidents WHERE candidate_id IN (SELECT value FROM json_each(?))",
			"DELETE FROM member_conflicts WHERE candidate_id IN (SELECT value FROM json_each(?))",
			// Timer events, grids, decisions and results go with the
			// registration (ON DELETE CASCADE), the acquired blocks and
			// the accommodation profile with the candidate.
			"DELETE FROM session_candidates WHERE candidate_id IN (SELECT value FROM json_each(?))",
			"DELETE FROM candidates WHERE id IN (SELECT value FROM json_each(?))",
		} {
			if _, err := tx.ExecContext(ctx, q, string(idList)); err != nil {
				return err
			}
		}
		if err := setPurging(ctx, tx, signed, false); err != nil {
			return err
		}
		sessions := make([]int64, len(touched))
		for i, t := range touched {
			sessions[i] = t.id
		}
		return tx.audit("privacy.purge", "candidate", 0, nil, map[string]any{
			"years": plan.Years, "today": plan.Today.ISO(), "cutoff": plan.Cutoff.ISO(),
			"candidates": done.Candidates, "never_in_session": done.NeverInSession,
			"with_acquired_blocks": done.WithAcquiredBlocks, "registrations": done.Registrations,
			"grids": done.Grids, "decisions": done.Decisions, "results": done.Results,
			"incidents": done.Incidents, "timer_events": done.TimerEvents, "acquired_blocks": done.AcquiredBlocks,
			"sessions": nonNil(sessions), "signed_sessions": nonNil(signed), "archived": archived,
		})
	})
	if err != nil {
		return nil, fmt.Errorf("purge: %w", err)
	}
	return &done, nil
}

// lastActivity gives, per candidate, the last day of a session they were
// in (registered, named in a conflict of its jury, or in one of its
// incidents): its last day, or the day it was started or signed if later.
const lastActivity = `
WITH involved (candidate_id, session_id) AS (
	SELECT candidate_id, session_id FROM session_candidates
	UNION SELECT c.candidate_id, m.session_id FROM member_conflicts c JOIN members m ON m.id = c.member_id
	UNION SELECT candidate_id, session_id FROM incidents WHERE candidate_id IS NOT NULL),
last_session (id, day) AS (
	SELECT i.candidate_id, max(max(CASE s.end_date WHEN '' THEN s.start_date ELSE s.end_date END,
		substr(s.started_at, 1, 10), substr(s.signed_at, 1, 10)))
	FROM involved i JOIN sessions s ON s.id = i.session_id GROUP BY i.candidate_id)`

// eligible returns, in ID order, the candidates whose last activity is
// before cutoff — created and changed before it, in no session since, no
// block acquired since, no audit entry about them since (reading their data
// for the right of access does not count), no QCM taken since — among only
// when not nil; and
// how many of them were in no session.
func eligible(ctx context.Context, q queryer, cutoff exam.Date, only []int64) (ids []int64, never int, err error) {
	filter, args := "", []any{cutoff.ISO()}
	qcm, err := hasTable(ctx, q, "qcm_attempts")
	if err != nil {
		return nil, 0, err
	}
	if qcm { // a QCM taken is activity too (schema 5)
		filter = ` AND NOT EXISTS (SELECT 1 FROM qcm_attempts t WHERE t.candidate_id = c.id
			AND (t.started_at >= ?1 OR t.last_seen >= ?1))`
	}
	if only != nil {
		list, err := json.Marshal(only)
		if err != nil {
			return nil, 0, err
		}
		filter, args = filter+" AND c.id IN (SELECT value FROM json_each(?2))", append(args, string(list))
	}
	rows, err := q.QueryContext(ctx, lastActivity+`
	SELECT c.id, ls.id IS NULL FROM candidates c LEFT JOIN last_session ls ON ls.id = c.id
	WHERE c.created_at < ?1 AND c.updated_at < ?1 AND (ls.day IS NULL OR ls.day < ?1)
		AND NOT EXISTS (SELECT 1 FROM acquired_blocks b WHERE b.candidate_id = c.id AND b.acquired_on >= ?1)
		AND NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.entity = 'candidate' AND a.entity_id = c.id
			AND a.action <> 'privacy.access' AND a.at >= ?1)`+filter+`
	ORDER BY c.id`, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	ids = []int64{}
	for rows.Next() {
		var id int64
		var none bool
		if err := rows.Scan(&id, &none); err != nil {
			return nil, 0, err
		}
		ids = append(ids, id)
		if none {
			never++
		}
	}
	return ids, never, rows.Err()
}

// purgeCounts counts the rows stored about the candidates ids.
func purgeCounts(ctx context.Context, q queryer, ids []int64) (PurgeCounts, error) {
	c := PurgeCounts{Candidates: len(ids)}
	list, err := json.Marshal(nonNil(ids))
	if err != nil {
		return c, err
	}
	const in = " IN (SELECT value FROM json_each(?1))"
	err = q.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM session_candidates WHERE candidate_id`+in+`),
		(SELECT count(*) FROM grids WHERE candidate_id`+in+`),
		(SELECT count(*) FROM decisions WHERE candidate_id`+in+`),
		(SELECT count(*) FROM results WHERE candidate_id`+in+`),
		(SELECT count(*) FROM incidents WHERE candidate_id`+in+`),
		(SELECT count(*) FROM timer_events WHERE candidate_id`+in+`),
		(SELECT count(*) FROM acquired_blocks WHERE candidate_id`+in+`),
		(SELECT count(DISTINCT candidate_id) FROM acquired_blocks WHERE candidate_id`+in+`)`, string(list)).Scan(
		&c.Registrations, &c.Grids, &c.Decisions, &c.Results, &c.Incidents, &c.TimerEvents, &c.AcquiredBlocks,
		&c.WithAcquiredBlocks)
	return c, err
}

// touchedSession is a session a purge removes candidates from.
type touchedSession struct {
	id            int64
	certification bool
	signed        bool
	// archived: its PV is archived with every amendment made so far.
	archived bool
	// remaining is how many candidates stay registered.
	remaining int
}

// needsArchive says whether the purge archives the session's PV first.
func (t touchedSession) needsArchive() bool { return t.signed && t.certification && !t.archived }

func touchedSessions(ctx context.Context, q queryer, ids []int64) ([]touchedSession, error) {
	list, err := json.Marshal(nonNil(ids))
	if err != nil {
		return nil, err
	}
	const in = " IN (SELECT value FROM json_each(?1))"
	rows, err := q.QueryContext(ctx, `SELECT s.id, s.kind = 'certification', s.signed_at <> '',
		EXISTS (SELECT 1 FROM minutes_archive a WHERE a.session_id = s.id
			AND a.amendments = (SELECT count(*) FROM amendments m WHERE m.session_id = s.id)),
		(SELECT count(*) FROM session_candidates x WHERE x.session_id = s.id AND x.candidate_id NOT`+in+`)
		FROM sessions s WHERE s.id IN (
			SELECT session_id FROM session_candidates WHERE candidate_id`+in+`
			UNION SELECT m.session_id FROM member_conflicts c JOIN members m ON m.id = c.member_id WHERE c.candidate_id`+in+`
			UNION SELECT session_id FROM incidents WHERE candidate_id`+in+`)
		ORDER BY s.id`, string(list))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []touchedSession
	for rows.Next() {
		var t touchedSession
		if err := rows.Scan(&t.id, &t.certification, &t.signed, &t.archived, &t.remaining); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

func countSessions(c *PurgeCounts, touched []touchedSession) {
	c.Sessions = len(touched)
	for _, t := range touched {
		if t.remaining == 0 {
			c.Emptied++
		}
		if t.signed {
			c.SignedSessions++
		}
	}
}

// setPurging opens (on) or closes the lock of the signed sessions ids for
// the purge's deletions; only its transaction can see it open.
func setPurging(ctx context.Context, tx *Tx, ids []int64, on bool) error {
	if len(ids) == 0 {
		return nil
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, "UPDATE sessions SET purging = ? WHERE id IN (SELECT value FROM json_each(?))", on, string(list))
	return lockedFromTrigger(err)
}

// archiveMinutes stores the PV of the signed session id as it stands, as
// PDF, and returns what the purge's audit entry records of it.
func (s *PrivacyService) archiveMinutes(ctx context.Context, tx *Tx, id int64, at time.Time) (map[string]any, error) {
	doc, err := minutesDoc(ctx, tx, s.ref, id)
	if err != nil {
		return nil, err
	}
	doc.GeneratedAt = at.Local()
	var buf bytes.Buffer
	if err := pdf.WriteMinutes(&buf, doc); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(buf.Bytes())
	hash := hex.EncodeToString(sum[:])
	res, err := tx.ExecContext(ctx, `INSERT INTO minutes_archive (session_id, archived_at, amendments, registrations, sha256, pdf)
		VALUES (?, ?, ?, ?, ?, ?)`, id, fmtTime(at), len(doc.Minutes.Amendments), len(doc.Session.Candidates), hash, buf.Bytes())
	if err != nil {
		return nil, err
	}
	archiveID, err := res.LastInsertId()
	if err != nil {
		return nil, err
	}
	return map[string]any{"archive_id": archiveID, "session_id": id, "sha256": hash, "bytes": buf.Len(),
		"amendments": len(doc.Minutes.Amendments), "registrations": len(doc.Session.Candidates)}, nil
}

// minutesDoc reads what the PV of session id shows, through q (the purge's
// transaction: the PV it archives is the one it then changes).
func minutesDoc(ctx context.Context, q queryer, ref *exam.Referentiel, id int64) (*pdf.MinutesDoc, error) {
	sess, err := loadSession(ctx, q, id)
	if err != nil {
		return nil, err
	}
	doc := &pdf.MinutesDoc{Session: sess, Referentiel: ref, Decisions: map[int64][]exam.BlockDecision{},
		Results: map[int64]exam.CandidateResult{}, Minutes: &exam.Minutes{SessionID: id, SignedAt: sess.SignedAt}}
	decisions, err := loadDecisions(ctx, q, id, 0)
	if err != nil {
		return nil, err
	}
	for _, d := range decisions {
		doc.Decisions[d.CandidateID] = append(doc.Decisions[d.CandidateID], d)
	}
	results, err := loadResults(ctx, q, id)
	if err != nil {
		return nil, err
	}
	for _, r := range results {
		doc.Results[r.CandidateID] = r
	}
	if doc.Incidents, err = loadIncidents(ctx, q, id, 0); err != nil {
		return nil, err
	}
	if doc.Minutes.Signatures, err = loadSignatures(ctx, q, id); err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, "SELECT id, at, by, reason, what FROM amendments WHERE session_id = ? ORDER BY id", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var am exam.Amendment
		var at string
		if err := rows.Scan(&am.ID, &at, &am.By, &am.Reason, &am.What); err != nil {
			return nil, err
		}
		if am.At, err = parseTime(at); err != nil {
			return nil, err
		}
		doc.Minutes.Amendments = append(doc.Minutes.Amendments, am)
	}
	return doc, rows.Err()
}

// loadIncidents reads a session's incidents in time order: all of them
// (candidateID 0) or one candidate's.
func loadIncidents(ctx context.Context, q queryer, sessionID, candidateID int64) ([]exam.Incident, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, coalesce(candidate_id, 0), trial, kind, at, text, recorded_by
		FROM incidents WHERE session_id = ? AND (? = 0 OR candidate_id = ?) ORDER BY at, id`, sessionID, candidateID, candidateID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []exam.Incident
	for rows.Next() {
		i := exam.Incident{SessionID: sessionID}
		var kind, at string
		if err := rows.Scan(&i.ID, &i.CandidateID, &i.Trial, &kind, &at, &i.Text, &i.RecordedBy); err != nil {
			return nil, err
		}
		i.Kind = exam.IncidentKind(kind)
		if i.At, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, i)
	}
	return out, rows.Err()
}

// ArchivedMinutes returns the PVs archived for session id, oldest first.
// EFORBIDDEN (exam.PermReadSessions).
func (s *PrivacyService) ArchivedMinutes(ctx context.Context, a exam.Actor, sessionID int64) ([]exam.ArchivedMinutes, error) {
	if err := a.Require(exam.PermReadSessions); err != nil {
		return nil, fmt.Errorf("read archived minutes: %w", err)
	}
	rows, err := s.db.reader.QueryContext(ctx, `SELECT id, session_id, archived_at, amendments, registrations, sha256, pdf
		FROM minutes_archive WHERE session_id = ? ORDER BY id`, sessionID)
	if err != nil {
		return nil, fmt.Errorf("read archived minutes of session %d: %w", sessionID, err)
	}
	defer rows.Close()
	var out []exam.ArchivedMinutes
	for rows.Next() {
		var m exam.ArchivedMinutes
		var at string
		if err := rows.Scan(&m.ID, &m.SessionID, &at, &m.Amendments, &m.Registrations, &m.SHA256, &m.PDF); err != nil {
			return nil, fmt.Errorf("read archived minutes of session %d: %w", sessionID, err)
		}
		if m.ArchivedAt, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("read archived minutes of session %d: %w", sessionID, err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read archived minutes of session %d: %w", sessionID, err)
	}
	return out, nil
}

// privacyProblem returns what is wrong, for `amis check`, with what a purge
// did to the signed session id ("" if nothing): left open by a purge, or a
// signed certification session a purge took candidates from without its
// PV archived, or an archived PV whose PDF no longer matches its SHA-256
// or the SHA-256 the purge's audit entry recorded. A database older than
// schema 4 has none of it.
func privacyProblem(ctx context.Context, q queryer, id int64) (string, error) {
	if schema4, err := hasTable(ctx, q, "minutes_archive"); err != nil || !schema4 {
		return "", err
	}
	var purging, certification, purged, archives int
	err := q.QueryRowContext(ctx, `SELECT purging, kind = 'certification',
		EXISTS (SELECT 1 FROM audit_log a, json_each(a.new_json, '$.signed_sessions') j
			WHERE a.action = 'privacy.purge' AND a.entity = 'candidate' AND j.value = s.id),
		(SELECT count(*) FROM minutes_archive WHERE session_id = s.id)
		FROM sessions s WHERE s.id = ?`, id).Scan(&purging, &certification, &purged, &archives)
	if err != nil {
		return "", err
	}
	switch {
	case purging != 0:
		return "left open by a purge", nil
	case certification == 1 && purged == 1 && archives == 0:
		return "candidates purged without the minutes archived", nil
	}
	rows, err := q.QueryContext(ctx, `SELECT m.id, m.sha256, m.pdf, EXISTS (SELECT 1 FROM audit_log a, json_each(a.new_json, '$.archived') j
			WHERE a.action = 'privacy.purge' AND a.entity = 'candidate'
			AND json_extract(j.value, '$.archive_id') = m.id AND json_extract(j.value, '$.session_id') = m.session_id
			AND json_extract(j.value, '$.sha256') = m.sha256)
		FROM minutes_archive m WHERE m.session_id = ? ORDER BY m.id`, id)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	for rows.Next() {
		var archiveID int64
		var hash string
		var data []byte
		var audited bool
		if err := rows.Scan(&archiveID, &hash, &data, &audited); err != nil {
			return "", err
		}
		sum := sha256.Sum256(data)
		switch {
		case hex.EncodeToString(sum[:]) != hash:
			return fmt.Sprintf("archived minutes %d do not match their SHA-256", archiveID), nil
		case !audited:
			return fmt.Sprintf("archived minutes %d are not in the audit log of a purge", archiveID), nil
		}
	}
	return "", rows.Err()
}

// hasTable reports whether the database has the table: a check may read an
// older schema (a backup), and the purge and the right of access follow
// what later schemas add.
func hasTable(ctx context.Context, q queryer, name string) (bool, error) {
	var ok bool
	err := q.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?)", name).Scan(&ok)
	return ok, err
}

// AccessReport is everything stored about one candidate, for their right of
// access (GDPR art. 15; storage/xlsx.WriteAccess), except the medical
// justification of their accommodations, which the accessibility referent
// holds and communicates.
type AccessReport struct {
	Candidate exam.Candidate // with the blocks acquired
	// Profile is the accommodation profile, justification removed; nil
	// when none is recorded or the service has no AccommodationService.
	Profile  *exam.AccommodationProfile
	Sessions []AccessSession
	// QCM lists the multiple choice questionnaires taken, oldest first.
	QCM []AccessQCMAttempt
	// Audit lists the audit entries about the candidate, oldest first.
	Audit       []AccessAuditEntry
	GeneratedAt time.Time
	GeneratedBy string
}

// AccessSession is one session the candidate was registered in.
type AccessSession struct {
	// Session is the session with its jury; Candidates holds this
	// candidate alone.
	Session   *exam.Session
	Grids     []exam.Grid
	Decisions []exam.BlockDecision
	Result    *exam.CandidateResult // nil: none confirmed
	Incidents []exam.Incident
	Timer     []AccessTimerEvent
}

// AccessTimerEvent is one event of the clock of an épreuve.
type AccessTimerEvent struct {
	Trial string
	exam.TimerEvent
}

// AccessQCMAttempt is one QCM the candidate took.
type AccessQCMAttempt struct {
	Title, Kind        string
	StartedAt, EndedAt time.Time // EndedAt zero: not finished
	EndReason          string
	Items, Answered    int
	// Right and Total are the score, when the attempt has ended.
	Right, Total *int
}

// AccessAuditEntry is one audit entry about the candidate. Old and New are
// the values before and after as JSON, cut down to what concerns the
// candidate (an entry about a session keeps its fields, but only this
// candidate among its candidates).
type AccessAuditEntry struct {
	ID       int64
	At       time.Time
	Actor    exam.Actor
	Action   string
	Old, New string
}

// Access gathers everything stored about the candidate id and records that
// it was read (privacy.access, unless the database is read-only).
// ENOTFOUND, EFORBIDDEN.
func (s *PrivacyService) Access(ctx context.Context, a exam.Actor, id int64) (*AccessReport, error) {
	if err := a.Require(exam.PermExport); err != nil {
		return nil, fmt.Errorf("right of access: %w", err)
	}
	r := &AccessReport{GeneratedBy: a.Name}
	gather := func(q queryer) error {
		r.GeneratedAt = s.db.now()
		c, err := loadCandidate(ctx, q, id)
		if err != nil {
			return err
		}
		r.Candidate = *c
		if r.Sessions, err = accessSessions(ctx, q, id); err != nil {
			return err
		}
		if r.QCM, err = accessQCM(ctx, q, id); err != nil {
			return err
		}
		r.Audit, err = accessAudit(ctx, q, id)
		return err
	}
	var err error
	if s.db.ReadOnly() {
		err = s.db.read(ctx, gather)
	} else {
		err = s.db.write(ctx, a, func(tx *Tx) error {
			if err := loadCandidateExists(ctx, tx, id); err != nil {
				return err
			}
			// Recorded first, so that the report shows it too.
			if err := tx.audit("privacy.access", "candidate", id, nil, map[string]any{"by": a.Name}); err != nil {
				return err
			}
			return gather(tx)
		})
	}
	if err != nil {
		return nil, fmt.Errorf("right of access of candidate %d: %w", id, err)
	}
	if s.Accommodations != nil {
		p, err := s.Accommodations.Profile(ctx, a, id)
		if err != nil {
			return nil, fmt.Errorf("right of access of candidate %d: %w", id, err)
		}
		if p != nil {
			r.Profile = p.Redacted()
		}
	}
	for i := range r.Sessions {
		for j := range r.Sessions[i].Session.Candidates {
			if sc := &r.Sessions[i].Session.Candidates[j]; sc.Accommodations != nil {
				sc.Accommodations = sc.Accommodations.Redacted()
			}
		}
	}
	return r, nil
}

func loadCandidateExists(ctx context.Context, q queryer, id int64) error {
	var ok bool
	if err := q.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM candidates WHERE id = ?)", id).Scan(&ok); err != nil {
		return err
	}
	if !ok {
		return notFound(id)
	}
	return nil
}

func accessSessions(ctx context.Context, q queryer, id int64) ([]AccessSession, error) {
	rows, err := q.QueryContext(ctx, `SELECT c.session_id FROM session_candidates c JOIN sessions s ON s.id = c.session_id
		WHERE c.candidate_id = ? ORDER BY s.start_date, s.id`, id)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var sid int64
		if err := rows.Scan(&sid); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, sid)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := []AccessSession{}
	for _, sid := range ids {
		sess, err := loadSession(ctx, q, sid)
		if err != nil {
			return nil, err
		}
		sc := sess.Candidate(id)
		if sc == nil {
			continue
		}
		sess.Candidates = []exam.SessionCandidate{*sc}
		for i := range sess.Jury { // other candidates' conflicts are theirs
			m := &sess.Jury[i]
			m.TrainerOf = onlyID(m.TrainerOf, id)
			m.ConflictWith = onlyID(m.ConflictWith, id)
		}
		as := AccessSession{Session: sess}
		if as.Grids, err = loadGrids(ctx, q, sid, id); err != nil {
			return nil, err
		}
		if as.Decisions, err = loadDecisions(ctx, q, sid, id); err != nil {
			return nil, err
		}
		if as.Result, err = loadResult(ctx, q, sid, id); err != nil {
			return nil, err
		}
		if as.Incidents, err = loadIncidents(ctx, q, sid, id); err != nil {
			return nil, err
		}
		if as.Timer, err = accessTimer(ctx, q, sid, id); err != nil {
			return nil, err
		}
		out = append(out, as)
	}
	return out, nil
}

// accessQCM reads the candidate's QCM attempts (schema 5; none before).
func accessQCM(ctx context.Context, q queryer, id int64) ([]AccessQCMAttempt, error) {
	if ok, err := hasTable(ctx, q, "qcm_attempts"); err != nil || !ok {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT t.title, t.kind, t.started_at, t.ended_at, t.end_reason, t.item_count,
		(SELECT count(*) FROM qcm_answers a WHERE a.attempt_id = t.id), t.score_right, t.score_total
		FROM qcm_attempts t WHERE t.candidate_id = ? ORDER BY t.started_at, t.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AccessQCMAttempt
	for rows.Next() {
		var t AccessQCMAttempt
		var started, ended string
		var right, total sql.NullInt64
		if err := rows.Scan(&t.Title, &t.Kind, &started, &ended, &t.EndReason, &t.Items, &t.Answered, &right, &total); err != nil {
			return nil, err
		}
		if t.StartedAt, err = parseTime(started); err != nil {
			return nil, err
		}
		if t.EndedAt, err = parseTime(ended); err != nil {
			return nil, err
		}
		if right.Valid && total.Valid {
			r, n := int(right.Int64), int(total.Int64)
			t.Right, t.Total = &r, &n
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

func onlyID(ids []int64, id int64) []int64 {
	if slices.Contains(ids, id) {
		return []int64{id}
	}
	return nil
}

func accessTimer(ctx context.Context, q queryer, sessionID, candidateID int64) ([]AccessTimerEvent, error) {
	rows, err := q.QueryContext(ctx, `SELECT trial, kind, at, extra_ns, reason FROM timer_events
		WHERE session_id = ? AND candidate_id = ? ORDER BY trial, seq`, sessionID, candidateID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AccessTimerEvent
	for rows.Next() {
		var e AccessTimerEvent
		var kind, at string
		var extra int64
		if err := rows.Scan(&e.Trial, &kind, &at, &extra, &e.Reason); err != nil {
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

// accessAudit returns the audit entries about the candidate id: those on the
// candidate, the imports that created them, and the session entries naming
// them (candidate_id anywhere in the values), cut down to them.
func accessAudit(ctx context.Context, q queryer, id int64) ([]AccessAuditEntry, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, at, actor_id, actor_name, actor_role, action, old_json, new_json
		FROM audit_log a WHERE (a.entity = 'candidate' AND a.entity_id = ?1)
		OR (a.action = 'candidate.import' AND ?1 BETWEEN json_extract(a.new_json, '$.first_id') AND json_extract(a.new_json, '$.last_id'))
		OR (a.entity = 'session' AND (
			EXISTS (SELECT 1 FROM json_tree(a.old_json) t WHERE t.key = 'candidate_id' AND t.atom = ?1)
			OR EXISTS (SELECT 1 FROM json_tree(a.new_json) t WHERE t.key = 'candidate_id' AND t.atom = ?1)))
		ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []AccessAuditEntry{}
	for rows.Next() {
		var e AccessAuditEntry
		var at, role, old, new string
		if err := rows.Scan(&e.ID, &at, &e.Actor.UserID, &e.Actor.Name, &role, &e.Action, &old, &new); err != nil {
			return nil, err
		}
		e.Actor.Role = exam.Role(role)
		if e.At, err = time.Parse(time.RFC3339Nano, at); err != nil {
			return nil, fmt.Errorf("audit entry %d: %w", e.ID, err)
		}
		if e.Old, err = onlyCandidate(old, id); err != nil {
			return nil, fmt.Errorf("audit entry %d: %w", e.ID, err)
		}
		if e.New, err = onlyCandidate(new, id); err != nil {
			return nil, fmt.Errorf("audit entry %d: %w", e.ID, err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// onlyCandidate cuts an audit value down to what concerns the candidate id:
// in every list of objects carrying a candidate_id (a session's
// candidates), only theirs; in a jury member's trainer_of and
// conflict_with, only their ID. "null" becomes "".
func onlyCandidate(value string, id int64) (string, error) {
	if value == "" || value == "null" {
		return "", nil
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader([]byte(value)))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return "", err
	}
	want := json.Number(strconv.FormatInt(id, 10))
	var walk func(v any) any
	walk = func(v any) any {
		switch t := v.(type) {
		case map[string]any:
			for k, x := range t {
				if k == "trainer_of" || k == "conflict_with" {
					if list, ok := x.([]any); ok {
						t[k] = slices.DeleteFunc(list, func(e any) bool { return e != want })
						continue
					}
				}
				t[k] = walk(x)
			}
			return t
		case []any:
			kept := t[:0]
			for _, e := range t {
				if m, ok := e.(map[string]any); ok {
					if cid, has := m["candidate_id"]; has && cid != want {
						continue
					}
				}
				kept = append(kept, walk(e))
			}
			return kept
		}
		return v
	}
	out, err := json.Marshal(walk(v))
	if err != nil {
		return "", err
	}
	return string(out), nil
}
