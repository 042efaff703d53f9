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
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/amisjury/amis/exam"
)

// DeliberationService stores incidents, confirmed results, the signatures
// of the procès-verbal and the amendments made after it; it implements
// exam.DeliberationService. docs/lock.md describes the lock set by the last
// signature.
type DeliberationService struct {
	db  *DB
	ref *exam.Referentiel
	// Rule computes the proposal stored with an amended decision, as
	// EvaluationService.Rule does for Decide.
	Rule exam.DecisionRule
}

var _ exam.DeliberationService = (*DeliberationService)(nil)

// NewDeliberationService returns the deliberation service of db; ref gives
// the blocks results are computed over.
func NewDeliberationService(db *DB, ref *exam.Referentiel) *DeliberationService {
	return &DeliberationService{db: db, ref: ref, Rule: exam.DefaultDecisionRule}
}

// secretCost is the bcrypt cost of signing secrets; tests lower it.
var secretCost = bcrypt.DefaultCost

// MaxSecretBytes is the longest signing secret: bcrypt reads no further.
const MaxSecretBytes = 72

// Incidents returns a session's incidents in time order. ENOTFOUND,
// EFORBIDDEN.
func (s *DeliberationService) Incidents(ctx context.Context, a exam.Actor, sessionID int64) ([]exam.Incident, error) {
	if err := a.Require(exam.PermReadSessions); err != nil {
		return nil, fmt.Errorf("read incidents: %w", err)
	}
	var out []exam.Incident
	err := s.db.read(ctx, func(q queryer) error {
		if err := checkSession(ctx, q, sessionID); err != nil {
			return err
		}
		rows, err := q.QueryContext(ctx, `SELECT id, coalesce(candidate_id, 0), trial, kind, at, text, recorded_by
			FROM incidents WHERE session_id = ? ORDER BY at, id`, sessionID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			i := exam.Incident{SessionID: sessionID}
			var kind, at string
			if err := rows.Scan(&i.ID, &i.CandidateID, &i.Trial, &kind, &at, &i.Text, &i.RecordedBy); err != nil {
				return err
			}
			i.Kind = exam.IncidentKind(kind)
			if i.At, err = parseTime(at); err != nil {
				return err
			}
			out = append(out, i)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("read incidents of session %d: %w", sessionID, err)
	}
	return out, nil
}

// RecordIncident stores i, setting its ID and RecordedBy (the actor's
// name). An incident goes on the PV: signatures already given are
// withdrawn. EINVALID (Incident.Validate, an unknown épreuve), ENOTFOUND (the
// session, or a candidate not registered), ELOCKED, EFORBIDDEN.
func (s *DeliberationService) RecordIncident(ctx context.Context, a exam.Actor, i *exam.Incident) error {
	if err := a.Require(exam.PermRunSessions); err != nil {
		return fmt.Errorf("record incident: %w", err)
	}
	if i == nil {
		return fmt.Errorf("record incident: %w", exam.Errorf(exam.EINVALID, "err.invalid", "no incident", nil))
	}
	i.Text, i.Trial = strings.TrimSpace(i.Text), strings.TrimSpace(i.Trial)
	if err := i.Validate(); err != nil {
		return fmt.Errorf("record incident: %w", err)
	}
	var id int64
	err := s.db.writeSession(ctx, a, func(tx *Tx) error {
		sess, err := loadSession(ctx, tx, i.SessionID)
		if err != nil {
			return err
		}
		if sess.Locked() {
			return exam.ErrLocked
		}
		var candidate any // NULL: the session as a whole
		if i.CandidateID != 0 {
			if sess.Candidate(i.CandidateID) == nil {
				return candidateNotRegistered()
			}
			candidate = i.CandidateID
		}
		if i.Trial != "" && s.ref.Trial(i.Trial) == nil {
			return exam.Errorf(exam.EINVALID, "err.trial_unknown", "unknown épreuve “{{.Trial}}”", map[string]any{"Trial": i.Trial})
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO incidents (session_id, candidate_id, trial, kind, at, text, recorded_by)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, i.SessionID, candidate, i.Trial, string(i.Kind), fmtTime(i.At), i.Text, a.Name)
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		withdrawn, err := withdrawSignatures(ctx, tx, i.SessionID)
		if err != nil {
			return err
		}
		return tx.audit("incident.record", "session", i.SessionID, nil, map[string]any{
			"id": id, "candidate_id": i.CandidateID, "trial": i.Trial, "kind": string(i.Kind), "at": fmtTime(i.At),
			"text": i.Text, "signatures_withdrawn": withdrawn})
	})
	if err != nil {
		return fmt.Errorf("record incident in session %d: %w", i.SessionID, err)
	}
	i.ID, i.RecordedBy = id, a.Name
	return nil
}

// Results returns the confirmed results of a session's candidates, in
// registration order. ENOTFOUND, EFORBIDDEN.
func (s *DeliberationService) Results(ctx context.Context, a exam.Actor, sessionID int64) ([]exam.CandidateResult, error) {
	if err := a.Require(exam.PermReadSessions); err != nil {
		return nil, fmt.Errorf("read results: %w", err)
	}
	var out []exam.CandidateResult
	err := s.db.read(ctx, func(q queryer) error {
		if err := checkSession(ctx, q, sessionID); err != nil {
			return err
		}
		var err error
		out, err = loadResults(ctx, q, sessionID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read results of session %d: %w", sessionID, err)
	}
	return out, nil
}

// ConfirmResult stores the overall result the jury confirmed for r.SessionID
// and r.CandidateID, with the notes of the entretien final, replacing an
// earlier confirmation. The result must follow from the decisions on the
// blocks: it is the one exam.ProposeResult computes (Result left empty
// means "the proposal"); to change it, change a block decision, where a
// departure needs its reason. The service sets Proposed, Acquired,
// ConfirmedAt and ConfirmedBy. Signatures already given are withdrawn.
// EINVALID (a block sat without a decision: err.result.pending; another
// result: err.result.mismatch; a session not started), ENOTFOUND, ELOCKED,
// EFORBIDDEN.
func (s *DeliberationService) ConfirmResult(ctx context.Context, a exam.Actor, r *exam.CandidateResult) error {
	if err := a.Require(exam.PermGrade); err != nil {
		return fmt.Errorf("confirm result: %w", err)
	}
	if r == nil {
		return fmt.Errorf("confirm result: %w", exam.Errorf(exam.EINVALID, "err.invalid", "no result", nil))
	}
	var now time.Time
	var settled exam.CandidateResult
	err := s.db.writeSession(ctx, a, func(tx *Tx) error {
		sess, err := running(ctx, tx, r.SessionID)
		if err != nil {
			return err
		}
		settled = *r
		if err := s.settle(ctx, tx, sess, &settled); err != nil {
			return err
		}
		old, err := loadResult(ctx, tx, r.SessionID, r.CandidateID)
		if err != nil {
			return err
		}
		now = tx.now()
		settled.ConfirmedAt, settled.ConfirmedBy = now, a.Name
		if err := upsertResult(ctx, tx, &settled); err != nil {
			return err
		}
		withdrawn, err := withdrawSignatures(ctx, tx, r.SessionID)
		if err != nil {
			return err
		}
		var oldRec any
		if old != nil {
			oldRec = recordOfResult(old)
		}
		rec := recordOfResult(&settled)
		rec.SignaturesWithdrawn = withdrawn
		return tx.audit("result.confirm", "session", r.SessionID, oldRec, rec)
	})
	if err != nil {
		return fmt.Errorf("confirm result of candidate %d: %w", r.CandidateID, err)
	}
	*r = settled
	r.ConfirmedAt = now.Local()
	return nil
}

// settle completes r from the stored decisions: Proposed, Result (the
// proposal when empty, and it must be the proposal) and Acquired, then
// validates it.
func (s *DeliberationService) settle(ctx context.Context, q queryer, sess *exam.Session, r *exam.CandidateResult) error {
	sc := sess.Candidate(r.CandidateID)
	if sc == nil {
		return candidateNotRegistered()
	}
	decisions, err := loadDecisions(ctx, q, sess.ID, r.CandidateID)
	if err != nil {
		return err
	}
	prop := exam.ProposeResult(s.ref, sess.Kind, sess.Scope, sc, decisions)
	name := sc.Candidate.DisplayName()
	if prop.Result == exam.ResultPending {
		var shorts []string
		for _, code := range prop.Pending {
			shorts = append(shorts, s.ref.Block(code).Short)
		}
		return exam.Errorf(exam.EINVALID, "err.result.pending", "{{.Candidate}}: no decision yet on {{.Blocks}}",
			map[string]any{"Candidate": name, "Blocks": strings.Join(shorts, ", "), "Count": len(shorts)})
	}
	if r.Result == exam.ResultPending {
		r.Result = prop.Result
	}
	if r.Result != prop.Result {
		return exam.Errorf(exam.EINVALID, "err.result.mismatch",
			"{{.Candidate}}: the decisions on the CCPs give “{{.Proposed}}”, not “{{.Result}}”; change a CCP decision instead",
			map[string]any{"Candidate": name, "Proposed": string(prop.Result), "Result": string(r.Result)})
	}
	r.Proposed, r.Acquired = prop.Result, prop.Acquired
	r.FinalInterviewNotes = strings.TrimSpace(r.FinalInterviewNotes)
	// A mock exam acquires nothing, yet its indicative partial result is
	// valid: check it with the blocks it would have acquired.
	check := *r
	for _, b := range prop.Blocks {
		if prop.Indicative && b.Outcome == exam.OutcomeAcquired {
			check.Acquired = append(check.Acquired, b.Block)
		}
	}
	return check.Validate()
}

// SetMemberSecret sets the PIN or password a jury member signs the PV with,
// stored as a bcrypt hash (never in the audit log). EINVALID (shorter than
// exam.MinSecretLength characters or longer than MaxSecretBytes bytes),
// ENOTFOUND, ELOCKED, EFORBIDDEN.
func (s *DeliberationService) SetMemberSecret(ctx context.Context, a exam.Actor, sessionID, memberID int64, secret string) error {
	if err := a.Require(exam.PermGrade); err != nil {
		return fmt.Errorf("set signing secret: %w", err)
	}
	switch {
	case utf8.RuneCountInString(secret) < exam.MinSecretLength:
		return fmt.Errorf("set signing secret: %w", exam.Errorf(exam.EINVALID, "err.sign.secret_short",
			"the PIN or password needs at least {{.Min}} characters", map[string]any{"Min": exam.MinSecretLength}))
	case len(secret) > MaxSecretBytes:
		return fmt.Errorf("set signing secret: %w", exam.Errorf(exam.EINVALID, "err.sign.secret_long",
			"the PIN or password is too long (at most {{.Max}} bytes)", map[string]any{"Max": MaxSecretBytes}))
	}
	// Hashing takes tens of milliseconds: not while holding the write lock.
	hash, err := bcrypt.GenerateFromPassword([]byte(secret), secretCost)
	if err != nil {
		return fmt.Errorf("set signing secret: %w", err)
	}
	err = s.db.writeSession(ctx, a, func(tx *Tx) error {
		sess, err := loadSession(ctx, tx, sessionID)
		if err != nil {
			return err
		}
		if sess.Locked() {
			return exam.ErrLocked
		}
		m := sess.Member(memberID)
		if m == nil {
			return memberNotFound(memberID)
		}
		var had bool
		if err := tx.QueryRowContext(ctx, "SELECT secret_hash <> '' FROM members WHERE id = ?", memberID).Scan(&had); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE members SET secret_hash = ? WHERE id = ?", string(hash), memberID); err != nil {
			return err
		}
		who := map[string]any{"member_id": memberID, "name": m.Name}
		return tx.audit("member.secret", "session", sessionID, merge(who, map[string]any{"secret_set": had}),
			merge(who, map[string]any{"secret_set": true}))
	})
	if err != nil {
		return fmt.Errorf("set signing secret of member %d: %w", memberID, err)
	}
	return nil
}

// Minutes returns the PV's signatures (in signing order), amendments and
// signing time. ENOTFOUND, EFORBIDDEN.
func (s *DeliberationService) Minutes(ctx context.Context, a exam.Actor, sessionID int64) (*exam.Minutes, error) {
	if err := a.Require(exam.PermReadSessions); err != nil {
		return nil, fmt.Errorf("read minutes: %w", err)
	}
	m := &exam.Minutes{SessionID: sessionID}
	err := s.db.read(ctx, func(q queryer) error {
		var signed string
		err := q.QueryRowContext(ctx, "SELECT signed_at FROM sessions WHERE id = ?", sessionID).Scan(&signed)
		if errors.Is(err, sql.ErrNoRows) {
			return sessionNotFound(sessionID)
		}
		if err != nil {
			return err
		}
		if m.SignedAt, err = parseTime(signed); err != nil {
			return err
		}
		if m.Signatures, err = loadSignatures(ctx, q, sessionID); err != nil {
			return err
		}
		rows, err := q.QueryContext(ctx, "SELECT id, at, by, reason, what FROM amendments WHERE session_id = ? ORDER BY id", sessionID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var am exam.Amendment
			var at string
			if err := rows.Scan(&am.ID, &at, &am.By, &am.Reason, &am.What); err != nil {
				return err
			}
			if am.At, err = parseTime(at); err != nil {
				return err
			}
			m.Amendments = append(m.Amendments, am)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("read minutes of session %d: %w", sessionID, err)
	}
	return m, nil
}

// Sign records a member's signature of the PV after checking their secret.
// Every present candidate needs a confirmed result that still follows from
// the decisions. When the last member signs, the session is locked
// (SignedAt) and, in a certification session, the blocks each candidate
// acquired are added to their record of acquired blocks (dated the
// session's last day, with the session's reference); once that is
// committed, an automatic backup goes into the backups folder (DB.OnBackup
// hears of it). EINVALID (results missing: err.sign.results_missing; no
// secret set; a session not started), EFORBIDDEN (wrong secret:
// err.sign.secret), ECONFLICT (already signed), ENOTFOUND, ELOCKED.
func (s *DeliberationService) Sign(ctx context.Context, a exam.Actor, sessionID, memberID int64, secret string) error {
	if err := a.Require(exam.PermGrade); err != nil {
		return fmt.Errorf("sign minutes: %w", err)
	}
	// Compare outside the write lock: bcrypt takes tens of milliseconds.
	hash, name, err := s.memberSecret(ctx, sessionID, memberID)
	if err != nil {
		return fmt.Errorf("sign minutes of session %d: %w", sessionID, err)
	}
	if hash == "" {
		return fmt.Errorf("sign minutes of session %d: %w", sessionID, exam.Errorf(exam.EINVALID, "err.sign.no_secret",
			"{{.Name}} has no PIN or password yet: set one first", map[string]any{"Name": name}))
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(secret)) != nil {
		return fmt.Errorf("sign minutes of session %d: %w", sessionID, wrongSecret(name))
	}
	locked := false
	err = s.db.writeSession(ctx, a, func(tx *Tx) error {
		sess, err := running(ctx, tx, sessionID)
		if err != nil {
			return err
		}
		m := sess.Member(memberID)
		if m == nil {
			return memberNotFound(memberID)
		}
		var current string
		if err := tx.QueryRowContext(ctx, "SELECT secret_hash FROM members WHERE id = ?", memberID).Scan(&current); err != nil {
			return err
		}
		if current != hash { // changed since it was checked
			return wrongSecret(m.Name)
		}
		signatures, err := loadSignatures(ctx, tx, sessionID)
		if err != nil {
			return err
		}
		for _, sg := range signatures {
			if sg.MemberID == memberID {
				return exam.Errorf(exam.ECONFLICT, "err.sign.already", "{{.Name}} has already signed", map[string]any{"Name": m.Name})
			}
		}
		results, err := s.checkResults(ctx, tx, sess)
		if err != nil {
			return err
		}
		now := tx.now()
		if _, err := tx.ExecContext(ctx, "INSERT INTO signatures (session_id, member_id, name, signed_at) VALUES (?, ?, ?, ?)",
			sessionID, memberID, m.Name, fmtTime(now)); err != nil {
			return err
		}
		lock := len(signatures)+1 == len(sess.Jury)
		locked = lock
		rec := map[string]any{"member_id": memberID, "name": m.Name, "signed_at": fmtTime(now), "locked": lock}
		if lock {
			if _, err := tx.ExecContext(ctx, "UPDATE sessions SET signed_at = ? WHERE id = ?", fmtTime(now), sessionID); err != nil {
				return err
			}
		}
		if err := tx.audit("minutes.sign", "session", sessionID, nil, rec); err != nil {
			return err
		}
		if !lock || sess.Kind != exam.KindCertification {
			return nil
		}
		for _, r := range results {
			if err := recordAcquired(ctx, tx, sess, r.CandidateID, r.Acquired, nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sign minutes of session %d: %w", sessionID, err)
	}
	if locked {
		s.db.afterSigned(ctx) // the automatic "pv" backup (backup.go)
	}
	return nil
}

// memberSecret reads a member's secret hash and name. ENOTFOUND.
func (s *DeliberationService) memberSecret(ctx context.Context, sessionID, memberID int64) (hash, name string, err error) {
	err = s.db.read(ctx, func(q queryer) error {
		if err := checkSession(ctx, q, sessionID); err != nil {
			return err
		}
		err := q.QueryRowContext(ctx, "SELECT secret_hash, name FROM members WHERE id = ? AND session_id = ?", memberID, sessionID).Scan(&hash, &name)
		if errors.Is(err, sql.ErrNoRows) {
			return memberNotFound(memberID)
		}
		return err
	})
	return hash, name, err
}

func wrongSecret(name string) error {
	return exam.Errorf(exam.EFORBIDDEN, "err.sign.secret", "wrong PIN or password for {{.Name}}", map[string]any{"Name": name})
}

// checkResults returns the confirmed results of the session's present
// candidates, or an EINVALID error naming how many (and who) have none, or
// one that no longer follows from the decisions.
func (s *DeliberationService) checkResults(ctx context.Context, q queryer, sess *exam.Session) ([]exam.CandidateResult, error) {
	results, err := loadResults(ctx, q, sess.ID)
	if err != nil {
		return nil, err
	}
	byCandidate := map[int64]exam.CandidateResult{}
	for _, r := range results {
		byCandidate[r.CandidateID] = r
	}
	decisions, err := loadDecisions(ctx, q, sess.ID, 0)
	if err != nil {
		return nil, err
	}
	var missing []string
	var out []exam.CandidateResult
	for i := range sess.Candidates {
		sc := &sess.Candidates[i]
		r, ok := byCandidate[sc.Candidate.ID]
		if sc.Absent {
			if ok {
				out = append(out, r)
			}
			continue
		}
		prop := exam.ProposeResult(s.ref, sess.Kind, sess.Scope, sc, decisions)
		if !ok || prop.Result == exam.ResultPending || r.Result != prop.Result || !slices.Equal(r.Acquired, prop.Acquired) {
			missing = append(missing, sc.Candidate.DisplayName())
			continue
		}
		out = append(out, r)
	}
	if len(missing) > 0 {
		return nil, exam.Errorf(exam.EINVALID, "err.sign.results_missing",
			"{{.Count}} present candidate(s) have no confirmed result: {{.Names}}",
			map[string]any{"Count": len(missing), "Names": strings.Join(missing, ", ")})
	}
	return out, nil
}

// AmendDecision changes a block decision after the PV was signed: in one
// transaction it opens the lock (sessions.amending), stores the decision
// (Proposed and DecidedAt set as by Decide), brings the candidate's result
// and, in a certification session, their acquired blocks in line, records
// the amendment (reason, what changed, by whom), closes the lock and writes
// the audit entry. EINVALID (no reason, nothing changed, the checks of
// Decide), ECONFLICT if the PV is not signed (use Decide), ENOTFOUND,
// EFORBIDDEN.
func (s *DeliberationService) AmendDecision(ctx context.Context, a exam.Actor, sessionID int64, d *exam.BlockDecision, reason string) error {
	if err := a.Require(exam.PermAmend); err != nil {
		return fmt.Errorf("amend decision: %w", err)
	}
	if d == nil {
		return fmt.Errorf("amend decision: %w", exam.Errorf(exam.EINVALID, "err.invalid", "no decision", nil))
	}
	reason, err := amendReason(reason)
	if err != nil {
		return fmt.Errorf("amend decision: %w", err)
	}
	var now time.Time
	err = s.db.writeSession(ctx, a, func(tx *Tx) error {
		sess, err := signedSession(ctx, tx, sessionID)
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
		if old != nil && old.Outcome == d.Outcome && old.Reason == d.Reason {
			return noChange()
		}
		now = tx.now()
		if err := setAmending(ctx, tx, sessionID, true); err != nil {
			return err
		}
		if err := upsertDecision(ctx, tx, sessionID, d, now); err != nil {
			return err
		}
		sc := sess.Candidate(d.CandidateID)
		oldResult, err := loadResult(ctx, tx, sessionID, d.CandidateID)
		if err != nil {
			return err
		}
		var newResult *exam.CandidateResult
		if oldResult != nil {
			nr := *oldResult
			nr.Result = exam.ResultPending // follow the decisions
			if err := s.settle(ctx, tx, sess, &nr); err != nil {
				return err
			}
			nr.ConfirmedAt, nr.ConfirmedBy = now, a.Name
			if err := s.replaceResult(ctx, tx, sess, oldResult, &nr); err != nil {
				return err
			}
			newResult = &nr
		}
		what := fmt.Sprintf("%s — %s : %s → %s", s.ref.Block(d.Block).Short, sc.Candidate.DisplayName(),
			outcomeLabel(old), outcomeLabel(d))
		if old != nil && old.Outcome == d.Outcome {
			what += " (motif corrigé)"
		}
		if newResult != nil && newResult.Result != oldResult.Result {
			what += fmt.Sprintf(" ; résultat : %s → %s", resultLabel(oldResult.Result), resultLabel(newResult.Result))
		}
		am, err := insertAmendment(ctx, tx, sessionID, now, a.Name, reason, what)
		if err != nil {
			return err
		}
		if err := setAmending(ctx, tx, sessionID, false); err != nil {
			return err
		}
		oldRec := map[string]any{"decision": nil, "result": nil}
		if old != nil {
			oldRec["decision"] = recordOfDecision(old)
		}
		newRec := map[string]any{"decision": recordOfDecision(d, now), "result": nil, "amendment": am}
		if oldResult != nil {
			oldRec["result"], newRec["result"] = recordOfResult(oldResult), recordOfResult(newResult)
		}
		return tx.audit("minutes.amend_decision", "session", sessionID, oldRec, newRec)
	})
	if err != nil {
		return fmt.Errorf("amend decision on %s of candidate %d: %w", d.Block, d.CandidateID, err)
	}
	d.DecidedAt = now.Local()
	return nil
}

// AmendResult changes a confirmed result after the PV was signed, as
// AmendDecision does: in practice the notes of the entretien final, since
// the result itself must still follow from the decisions (amend a decision
// to change it). EINVALID (no reason, nothing changed, the checks of
// ConfirmResult), ECONFLICT if the PV is not signed (use ConfirmResult),
// ENOTFOUND (also when no result was confirmed), EFORBIDDEN.
func (s *DeliberationService) AmendResult(ctx context.Context, a exam.Actor, r *exam.CandidateResult, reason string) error {
	if err := a.Require(exam.PermAmend); err != nil {
		return fmt.Errorf("amend result: %w", err)
	}
	if r == nil {
		return fmt.Errorf("amend result: %w", exam.Errorf(exam.EINVALID, "err.invalid", "no result", nil))
	}
	reason, err := amendReason(reason)
	if err != nil {
		return fmt.Errorf("amend result: %w", err)
	}
	var settled exam.CandidateResult
	err = s.db.writeSession(ctx, a, func(tx *Tx) error {
		sess, err := signedSession(ctx, tx, r.SessionID)
		if err != nil {
			return err
		}
		sc := sess.Candidate(r.CandidateID)
		if sc == nil {
			return candidateNotRegistered()
		}
		old, err := loadResult(ctx, tx, r.SessionID, r.CandidateID)
		if err != nil {
			return err
		}
		if old == nil {
			return exam.Errorf(exam.ENOTFOUND, "err.result.not_found", "{{.Candidate}} has no confirmed result",
				map[string]any{"Candidate": sc.Candidate.DisplayName()})
		}
		settled = *r
		if err := s.settle(ctx, tx, sess, &settled); err != nil {
			return err
		}
		if settled.Result == old.Result && settled.FinalInterviewNotes == old.FinalInterviewNotes && slices.Equal(settled.Acquired, old.Acquired) {
			return noChange()
		}
		now := tx.now()
		settled.ConfirmedAt, settled.ConfirmedBy = now, a.Name
		if err := setAmending(ctx, tx, r.SessionID, true); err != nil {
			return err
		}
		if err := s.replaceResult(ctx, tx, sess, old, &settled); err != nil {
			return err
		}
		what := fmt.Sprintf("Résultat — %s : ", sc.Candidate.DisplayName())
		if settled.Result != old.Result {
			what += fmt.Sprintf("%s → %s", resultLabel(old.Result), resultLabel(settled.Result))
		} else {
			what += "notes de l'entretien final corrigées"
		}
		am, err := insertAmendment(ctx, tx, r.SessionID, now, a.Name, reason, what)
		if err != nil {
			return err
		}
		if err := setAmending(ctx, tx, r.SessionID, false); err != nil {
			return err
		}
		return tx.audit("minutes.amend_result", "session", r.SessionID, recordOfResult(old),
			map[string]any{"result": recordOfResult(&settled), "amendment": am})
	})
	if err != nil {
		return fmt.Errorf("amend result of candidate %d: %w", r.CandidateID, err)
	}
	*r = settled
	r.ConfirmedAt = settled.ConfirmedAt.Local()
	return nil
}

// replaceResult stores the amended result nr over old and, in a
// certification session, brings the candidate's acquired blocks in line.
func (s *DeliberationService) replaceResult(ctx context.Context, tx *Tx, sess *exam.Session, old, nr *exam.CandidateResult) error {
	if err := upsertResult(ctx, tx, nr); err != nil {
		return err
	}
	if sess.Kind != exam.KindCertification {
		return nil
	}
	var added, removed []string
	for _, b := range nr.Acquired {
		if !slices.Contains(old.Acquired, b) {
			added = append(added, b)
		}
	}
	for _, b := range old.Acquired {
		if !slices.Contains(nr.Acquired, b) {
			removed = append(removed, b)
		}
	}
	return recordAcquired(ctx, tx, sess, nr.CandidateID, added, removed)
}

// recordAcquired adds to and removes from a candidate's record of acquired
// blocks (livret de certification) the blocks of a certification session,
// with an audit entry on the candidate. A removed block goes only if this
// session recorded it.
func recordAcquired(ctx context.Context, tx *Tx, sess *exam.Session, candidateID int64, added, removed []string) error {
	if len(added) == 0 && len(removed) == 0 {
		return nil
	}
	before, err := loadCandidate(ctx, tx, candidateID)
	if err != nil {
		return err
	}
	on, ref := sessionLastDay(sess).ISO(), sessionRef(sess)
	for _, code := range added {
		if _, err := tx.ExecContext(ctx, `INSERT INTO acquired_blocks (candidate_id, block_code, acquired_on, session_ref)
			VALUES (?, ?, ?, ?) ON CONFLICT (candidate_id, block_code) DO NOTHING`, candidateID, code, on, ref); err != nil {
			return err
		}
	}
	for _, code := range removed {
		if _, err := tx.ExecContext(ctx, `DELETE FROM acquired_blocks WHERE candidate_id = ? AND block_code = ?
			AND acquired_on = ? AND session_ref = ?`, candidateID, code, on, ref); err != nil {
			return err
		}
	}
	after, err := loadCandidate(ctx, tx, candidateID)
	if err != nil {
		return err
	}
	return tx.audit("candidate.acquired", "candidate", candidateID,
		map[string]any{"session_id": sess.ID, "acquired": recordOf(before, candidateID).Acquired},
		map[string]any{"session_id": sess.ID, "acquired": recordOf(after, candidateID).Acquired})
}

// sessionLastDay is the date acquired blocks are recorded with: the day the
// jury deliberated, the session's last day.
func sessionLastDay(s *exam.Session) exam.Date {
	if !s.EndDate.IsZero() {
		return s.EndDate
	}
	return s.StartDate
}

// sessionRef names the session in a record of acquired blocks: its
// reference, or "session <id>" when it has none.
func sessionRef(s *exam.Session) string {
	if s.Reference != "" {
		return s.Reference
	}
	return fmt.Sprintf("session %d", s.ID)
}

// signedSession loads a session an amendment may change: signed. ECONFLICT
// otherwise.
func signedSession(ctx context.Context, q queryer, id int64) (*exam.Session, error) {
	sess, err := loadSession(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if !sess.Locked() {
		return nil, exam.Errorf(exam.ECONFLICT, "err.amend.not_signed", "the minutes are not signed yet: change the data directly", nil)
	}
	// Check against the session as it was before the lock; the lock itself
	// is what the amendment lifts.
	sess.SignedAt = time.Time{}
	return sess, nil
}

// setAmending opens (true) or closes the lock of a signed session for the
// rows an amendment changes; only this transaction can see it open.
func setAmending(ctx context.Context, tx *Tx, sessionID int64, on bool) error {
	_, err := tx.ExecContext(ctx, "UPDATE sessions SET amending = ? WHERE id = ?", on, sessionID)
	return err
}

type amendmentRecord struct {
	ID     int64  `json:"id"`
	At     string `json:"at"`
	By     string `json:"by"`
	Reason string `json:"reason"`
	What   string `json:"what"`
}

func insertAmendment(ctx context.Context, tx *Tx, sessionID int64, at time.Time, by, reason, what string) (amendmentRecord, error) {
	res, err := tx.ExecContext(ctx, "INSERT INTO amendments (session_id, at, by, reason, what) VALUES (?, ?, ?, ?, ?)",
		sessionID, fmtTime(at), by, reason, what)
	if err != nil {
		return amendmentRecord{}, err
	}
	id, err := res.LastInsertId()
	return amendmentRecord{ID: id, At: fmtTime(at), By: by, Reason: reason, What: what}, err
}

func amendReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return "", exam.Errorf(exam.EINVALID, "err.amend.reason", "a correction of signed minutes needs its written reason", nil)
	case utf8.RuneCountInString(reason) > exam.MaxObservation:
		return "", exam.Errorf(exam.EINVALID, "err.too_long", "at most {{.Max}} characters", map[string]any{"Max": exam.MaxObservation})
	}
	return reason, nil
}

func noChange() error {
	return exam.Errorf(exam.EINVALID, "err.amend.no_change", "the correction changes nothing", nil)
}

// outcomeLabel and resultLabel write the French words of the PV, where
// amendments are read.
func outcomeLabel(d *exam.BlockDecision) string {
	if d == nil {
		return "sans décision"
	}
	switch d.Outcome {
	case exam.OutcomeAcquired:
		return "acquis"
	case exam.OutcomeNotAcquired:
		return "non acquis"
	}
	return string(d.Outcome)
}

func resultLabel(r exam.Result) string {
	switch r {
	case exam.ResultTitle:
		return "titre obtenu"
	case exam.ResultPartial:
		return "certification partielle"
	case exam.ResultNotObtained:
		return "non obtenu"
	case exam.ResultAbsent:
		return "absent"
	}
	return "en attente"
}

// checkSession returns ENOTFOUND unless the session exists.
func checkSession(ctx context.Context, q queryer, id int64) error {
	var ok bool
	if err := q.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM sessions WHERE id = ?)", id).Scan(&ok); err != nil {
		return err
	}
	if !ok {
		return sessionNotFound(id)
	}
	return nil
}

func loadSignatures(ctx context.Context, q queryer, sessionID int64) ([]exam.Signature, error) {
	rows, err := q.QueryContext(ctx, "SELECT member_id, name, signed_at FROM signatures WHERE session_id = ? ORDER BY signed_at, member_id", sessionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []exam.Signature
	for rows.Next() {
		var sg exam.Signature
		var at string
		if err := rows.Scan(&sg.MemberID, &sg.Name, &at); err != nil {
			return nil, err
		}
		if sg.SignedAt, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, sg)
	}
	return out, rows.Err()
}

const resultColumns = `r.candidate_id, r.proposed, r.result, r.acquired, r.notes, r.confirmed_at, r.confirmed_by`

func loadResults(ctx context.Context, q queryer, sessionID int64) ([]exam.CandidateResult, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+resultColumns+` FROM results r JOIN session_candidates c
		ON c.session_id = r.session_id AND c.candidate_id = r.candidate_id
		WHERE r.session_id = ? ORDER BY c.position, r.candidate_id`, sessionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []exam.CandidateResult
	for rows.Next() {
		r, err := scanResult(rows, sessionID)
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	return out, rows.Err()
}

// loadResult reads one confirmed result; nil when there is none.
func loadResult(ctx context.Context, q queryer, sessionID, candidateID int64) (*exam.CandidateResult, error) {
	row := q.QueryRowContext(ctx, "SELECT "+resultColumns+" FROM results r WHERE r.session_id = ? AND r.candidate_id = ?", sessionID, candidateID)
	r, err := scanResult(row, sessionID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return r, err
}

func scanResult(row scanner, sessionID int64) (*exam.CandidateResult, error) {
	r := exam.CandidateResult{SessionID: sessionID}
	var proposed, result, acquired, at string
	if err := row.Scan(&r.CandidateID, &proposed, &result, &acquired, &r.FinalInterviewNotes, &at, &r.ConfirmedBy); err != nil {
		return nil, err
	}
	r.Proposed, r.Result = exam.Result(proposed), exam.Result(result)
	if err := json.Unmarshal([]byte(acquired), &r.Acquired); err != nil {
		return nil, fmt.Errorf("result of candidate %d: %w", r.CandidateID, err)
	}
	if len(r.Acquired) == 0 {
		r.Acquired = nil
	}
	var err error
	if r.ConfirmedAt, err = parseTime(at); err != nil {
		return nil, err
	}
	return &r, nil
}

func upsertResult(ctx context.Context, tx *Tx, r *exam.CandidateResult) error {
	acquired, err := json.Marshal(nonNil(r.Acquired))
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO results (session_id, candidate_id, proposed, result, acquired, notes,
		confirmed_at, confirmed_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (session_id, candidate_id) DO UPDATE SET
		proposed = excluded.proposed, result = excluded.result, acquired = excluded.acquired, notes = excluded.notes,
		confirmed_at = excluded.confirmed_at, confirmed_by = excluded.confirmed_by`,
		r.SessionID, r.CandidateID, string(r.Proposed), string(r.Result), string(acquired), r.FinalInterviewNotes,
		fmtTime(r.ConfirmedAt), r.ConfirmedBy)
	return err
}

// resultRecord is a confirmed result as the audit log keeps it.
type resultRecord struct {
	CandidateID         int64    `json:"candidate_id"`
	Proposed            string   `json:"proposed"`
	Result              string   `json:"result"`
	Acquired            []string `json:"acquired"`
	Notes               string   `json:"notes"`
	ConfirmedAt         string   `json:"confirmed_at"`
	ConfirmedBy         string   `json:"confirmed_by"`
	SignaturesWithdrawn []string `json:"signatures_withdrawn,omitempty"`
}

func recordOfResult(r *exam.CandidateResult) resultRecord {
	return resultRecord{CandidateID: r.CandidateID, Proposed: string(r.Proposed), Result: string(r.Result),
		Acquired: nonNil(r.Acquired), Notes: r.FinalInterviewNotes, ConfirmedAt: fmtTime(r.ConfirmedAt), ConfirmedBy: r.ConfirmedBy}
}
