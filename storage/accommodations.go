package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/amisjury/amis/exam"
)

// AccommodationService stores the candidates' accommodation profiles; it
// implements exam.AccommodationService.
//
// The functional profile (accommodation_profiles) and the medical
// justification (accommodation_justifications) are kept in two tables: the
// justification is read only for an actor with
// exam.PermReadJustification, and no other query of this package touches
// its table. It is never logged, never copied into a session and never
// exported.
type AccommodationService struct {
	db  *DB
	ref *exam.Referentiel
}

var _ exam.AccommodationService = (*AccommodationService)(nil)

// NewAccommodationService returns the accommodation service of db; ref gives
// the épreuves (breaks, overrides, running timers).
func NewAccommodationService(db *DB, ref *exam.Referentiel) *AccommodationService {
	return &AccommodationService{db: db, ref: ref}
}

// AccountStores returns the account and accommodation services of the
// candidate service's database, so that code handed a candidate service
// (the demo generator) can also create accounts and profiles.
func (s *CandidateService) AccountStores() (exam.AccountService, exam.AccommodationService) {
	return NewAccountService(s.db), NewAccommodationService(s.db, s.ref)
}

// TimerReasonProfile is the reason of the timer event that a change of
// accommodation profile records on a running épreuve.
const TimerReasonProfile = "Profil d'aménagement modifié"

// Profile returns the candidate's profile, the justification empty unless
// the actor may read it; an empty profile when none is stored. ENOTFOUND,
// EFORBIDDEN.
func (s *AccommodationService) Profile(ctx context.Context, a exam.Actor, candidateID int64) (*exam.AccommodationProfile, error) {
	if err := a.Require(exam.PermReadAccommodations); err != nil {
		return nil, fmt.Errorf("read accommodations of candidate %d: %w", candidateID, err)
	}
	var p *exam.AccommodationProfile
	err := s.db.read(ctx, func(q queryer) error {
		if err := candidateExists(ctx, q, candidateID); err != nil {
			return err
		}
		var err error
		if p, err = loadProfile(ctx, q, candidateID); err != nil {
			return err
		}
		if p == nil {
			p = &exam.AccommodationProfile{CandidateID: candidateID}
			return nil
		}
		if a.Can(exam.PermReadJustification) {
			p.Justification, err = loadJustification(ctx, q, candidateID)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read accommodations of candidate %d: %w", candidateID, err)
	}
	return p, nil
}

// Profiles returns the stored profiles of the candidates ids (every stored
// profile when ids is nil), keyed by candidate ID, the justification empty
// unless the actor may read it. EFORBIDDEN.
func (s *AccommodationService) Profiles(ctx context.Context, a exam.Actor, ids []int64) (map[int64]*exam.AccommodationProfile, error) {
	if err := a.Require(exam.PermReadAccommodations); err != nil {
		return nil, fmt.Errorf("read accommodations: %w", err)
	}
	out := map[int64]*exam.AccommodationProfile{}
	err := s.db.read(ctx, func(q queryer) error {
		var batches [][]int64
		if ids == nil {
			batches = [][]int64{nil}
		}
		for start := 0; start < len(ids); start += lookupBatch {
			batches = append(batches, ids[start:min(start+lookupBatch, len(ids))])
		}
		for _, batch := range batches {
			if err := loadProfiles(ctx, q, batch, ids == nil, out); err != nil {
				return err
			}
			if a.Can(exam.PermReadJustification) {
				if err := loadJustifications(ctx, q, batch, ids == nil, out); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read accommodations: %w", err)
	}
	return out, nil
}

// SaveProfile validates and stores p, then, in the same transaction, applies
// it to every session of the candidate whose PV is not signed: the
// registration's time allowance and accommodations (without the
// justification) are replaced, signatures already given are withdrawn, and
// each running épreuve whose extra time changes gets a TimerExtra event
// (reason TimerReasonProfile) so that its deadline moves at once. It
// returns how many épreuves that was. EINVALID, ENOTFOUND, EFORBIDDEN.
//
// The audit entry (accommodation.save, on the candidate) keeps the
// functional profile before and after and names the fields changed;
// "justification" may be among them, its text never.
func (s *AccommodationService) SaveProfile(ctx context.Context, a exam.Actor, p *exam.AccommodationProfile) (int, error) {
	if err := a.Require(exam.PermManageAccommodations); err != nil {
		return 0, fmt.Errorf("save accommodations: %w", err)
	}
	if p == nil {
		return 0, fmt.Errorf("save accommodations: %w", exam.Errorf(exam.EINVALID, "err.invalid", "no accommodation profile", nil))
	}
	var v exam.Validation
	v.Fields = append(v.Fields, exam.FieldErrors(p.Validate())...)
	if s.ref != nil {
		v.Fields = append(v.Fields, exam.FieldErrors(p.CheckTrials(s.ref))...)
	}
	if err := v.Err("accommodation profile"); err != nil {
		return 0, fmt.Errorf("save accommodations of candidate %d: %w", p.CandidateID, err)
	}
	var timers int
	var now time.Time
	err := s.db.writeSession(ctx, a, func(tx *Tx) error {
		if err := candidateExists(ctx, tx, p.CandidateID); err != nil {
			return err
		}
		old, err := loadProfile(ctx, tx, p.CandidateID)
		if err != nil {
			return err
		}
		oldJust, err := loadJustification(ctx, tx, p.CandidateID)
		if err != nil {
			return err
		}
		now = tx.now()
		saved := p.Redacted()
		saved.Updated, saved.UpdatedBy = now.Local(), a.Name
		rec := recordOfProfile(saved)
		js, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO accommodation_profiles (candidate_id, profile, updated, updated_by)
			VALUES (?, ?, ?, ?) ON CONFLICT (candidate_id) DO UPDATE SET profile = excluded.profile,
			updated = excluded.updated, updated_by = excluded.updated_by`, p.CandidateID, string(js), fmtTime(now), a.Name); err != nil {
			return err
		}
		if p.Justification == "" {
			_, err = tx.ExecContext(ctx, "DELETE FROM accommodation_justifications WHERE candidate_id = ?", p.CandidateID)
		} else {
			_, err = tx.ExecContext(ctx, `INSERT INTO accommodation_justifications (candidate_id, text) VALUES (?, ?)
				ON CONFLICT (candidate_id) DO UPDATE SET text = excluded.text`, p.CandidateID, p.Justification)
		}
		if err != nil {
			return err
		}
		var oldRec *profileRecord
		if old != nil {
			r := recordOfProfile(old)
			oldRec = &r
		}
		changed := changedFields(oldRec, &rec)
		if oldJust != p.Justification {
			changed = append(changed, exam.FieldJustification)
			sort.Strings(changed)
		}
		applied, n, err := s.apply(ctx, tx, p.CandidateID, saved, now)
		if err != nil {
			return err
		}
		timers = n
		var before any
		if oldRec != nil {
			before = map[string]any{"profile": oldRec}
		}
		return tx.audit("accommodation.save", "candidate", p.CandidateID, before, map[string]any{
			"profile": rec, "changed": nonNil(changed), "sessions": nonNil(applied), "timers_changed": n})
	})
	if err != nil {
		return 0, fmt.Errorf("save accommodations of candidate %d: %w", p.CandidateID, err)
	}
	p.Updated, p.UpdatedBy = now.Local(), a.Name
	return timers, nil
}

// DeleteProfile removes the candidate's profile and justification and
// applies "no accommodation" to the candidate's sessions whose PV is not
// signed, as SaveProfile applies a profile. Nothing is written when there
// is no profile. ENOTFOUND, EFORBIDDEN.
func (s *AccommodationService) DeleteProfile(ctx context.Context, a exam.Actor, candidateID int64) error {
	if err := a.Require(exam.PermManageAccommodations); err != nil {
		return fmt.Errorf("delete accommodations: %w", err)
	}
	err := s.db.writeSession(ctx, a, func(tx *Tx) error {
		if err := candidateExists(ctx, tx, candidateID); err != nil {
			return err
		}
		old, err := loadProfile(ctx, tx, candidateID)
		if err != nil {
			return err
		}
		var hadJust int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM accommodation_justifications WHERE candidate_id = ?",
			candidateID).Scan(&hadJust); err != nil {
			return err
		}
		if old == nil && hadJust == 0 {
			return errNoChange
		}
		for _, q := range []string{"DELETE FROM accommodation_profiles WHERE candidate_id = ?",
			"DELETE FROM accommodation_justifications WHERE candidate_id = ?"} {
			if _, err := tx.ExecContext(ctx, q, candidateID); err != nil {
				return err
			}
		}
		applied, n, err := s.apply(ctx, tx, candidateID, nil, tx.now())
		if err != nil {
			return err
		}
		var before any
		if old != nil {
			before = map[string]any{"profile": recordOfProfile(old)}
		}
		return tx.audit("accommodation.delete", "candidate", candidateID, before,
			map[string]any{"sessions": nonNil(applied), "timers_changed": n})
	})
	if err != nil {
		return fmt.Errorf("delete accommodations of candidate %d: %w", candidateID, err)
	}
	return nil
}

// apply puts p (redacted; nil: no profile) on the candidate's registrations
// in sessions whose PV is not signed, and returns the sessions changed and
// the number of running épreuves whose extra time changed.
func (s *AccommodationService) apply(ctx context.Context, tx *Tx, candidateID int64, p *exam.AccommodationProfile, now time.Time) ([]int64, int, error) {
	type reg struct {
		session            int64
		started            bool
		allowance, snap    string
		hasSnap            bool
		oldAllowanceRecord allowanceRecord
	}
	rows, err := tx.QueryContext(ctx, `SELECT sc.session_id, s.started_at <> '', sc.allowance, sc.accommodations
		FROM session_candidates sc JOIN sessions s ON s.id = sc.session_id
		WHERE sc.candidate_id = ? AND s.signed_at = '' ORDER BY sc.session_id`, candidateID)
	if err != nil {
		return nil, 0, err
	}
	var regs []reg
	for rows.Next() {
		var r reg
		var snap sql.NullString
		if err := rows.Scan(&r.session, &r.started, &r.allowance, &snap); err != nil {
			rows.Close()
			return nil, 0, err
		}
		r.snap, r.hasSnap = snap.String, snap.Valid
		if err := json.Unmarshal([]byte(r.allowance), &r.oldAllowanceRecord); err != nil {
			rows.Close()
			return nil, 0, fmt.Errorf("session %d, candidate %d: allowance: %w", r.session, candidateID, err)
		}
		regs = append(regs, r)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, 0, err
	}
	var allowance exam.TimeAllowance
	if p != nil {
		allowance = p.Time
	}
	al, err := json.Marshal(recordOfAllowance(&allowance))
	if err != nil {
		return nil, 0, err
	}
	snap, err := snapshotOf(p)
	if err != nil {
		return nil, 0, err
	}
	var applied []int64
	timers := 0
	for _, r := range regs {
		if string(al) == r.allowance && snap == (sql.NullString{String: r.snap, Valid: r.hasSnap}) {
			continue
		}
		if _, err := tx.ExecContext(ctx, "UPDATE session_candidates SET allowance = ?, accommodations = ? WHERE session_id = ? AND candidate_id = ?",
			string(al), snap, r.session, candidateID); err != nil {
			return nil, 0, err
		}
		applied = append(applied, r.session)
		withdrawn, err := withdrawSignatures(ctx, tx, r.session)
		if err != nil {
			return nil, 0, err
		}
		var changed []map[string]any
		if r.started {
			old := r.oldAllowanceRecord.allowance()
			if changed, err = s.moveTimers(ctx, tx, r.session, candidateID, &old, &allowance, now); err != nil {
				return nil, 0, err
			}
			timers += len(changed)
		}
		if err := tx.audit("accommodation.apply", "session", r.session,
			map[string]any{"candidate_id": candidateID, "allowance": r.oldAllowanceRecord, "accommodations": r.hasSnap},
			map[string]any{"candidate_id": candidateID, "allowance": recordOfAllowance(&allowance), "accommodations": snap.Valid,
				"timers": nonNil(changed), "signatures_withdrawn": withdrawn}); err != nil {
			return nil, 0, err
		}
	}
	return applied, timers, nil
}

// moveTimers records, on each running (or paused) épreuve of the candidate
// in the session, a TimerExtra event with the extra time the new allowance
// gives, when it differs from the extra time in force.
func (s *AccommodationService) moveTimers(ctx context.Context, tx *Tx, sessionID, candidateID int64,
	old, allowance *exam.TimeAllowance, now time.Time) ([]map[string]any, error) {
	rows, err := tx.QueryContext(ctx, "SELECT DISTINCT trial FROM timer_events WHERE session_id = ? AND candidate_id = ? ORDER BY trial",
		sessionID, candidateID)
	if err != nil {
		return nil, err
	}
	var trials []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return nil, err
		}
		trials = append(trials, t)
	}
	err = rows.Err()
	rows.Close()
	if err != nil || s.ref == nil {
		return nil, err
	}
	var changed []map[string]any
	for _, code := range trials {
		trial := s.ref.Trial(code)
		if trial == nil {
			continue
		}
		events, err := loadTimerEvents(ctx, tx, sessionID, candidateID, code)
		if err != nil {
			return nil, err
		}
		timer := exam.NewTimer(old.Allot(*trial), events)
		st := timer.Status(now)
		if st.State != exam.TimerRunning && st.State != exam.TimerPaused {
			continue
		}
		extra := allowance.Allot(*trial).Extra
		if extra == st.Extra {
			continue
		}
		e := exam.TimerEvent{Kind: exam.TimerExtra, At: now, Extra: extra, Reason: TimerReasonProfile}
		if err := timer.Record(e); err != nil {
			return nil, err
		}
		seq := len(events) + 1
		if _, err := tx.ExecContext(ctx, `INSERT INTO timer_events (session_id, candidate_id, trial, seq, kind, at, extra_ns, reason)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, sessionID, candidateID, code, seq, string(e.Kind), fmtTime(e.At), int64(e.Extra), e.Reason); err != nil {
			return nil, err
		}
		rec := map[string]any{"candidate_id": candidateID, "trial": code, "seq": seq, "kind": string(e.Kind), "at": fmtTime(e.At),
			"extra_ns": int64(e.Extra), "reason": e.Reason}
		if err := tx.audit("timer.record", "session", sessionID, nil, rec); err != nil {
			return nil, err
		}
		changed = append(changed, map[string]any{"trial": code, "extra_ns": int64(e.Extra), "previous_ns": int64(st.Extra)})
	}
	return changed, nil
}

func candidateExists(ctx context.Context, q queryer, id int64) error {
	var n int
	if err := q.QueryRowContext(ctx, "SELECT count(*) FROM candidates WHERE id = ?", id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return notFound(id)
	}
	return nil
}

// loadProfile reads the functional profile of a candidate (never the
// justification); nil when none is stored.
func loadProfile(ctx context.Context, q queryer, candidateID int64) (*exam.AccommodationProfile, error) {
	var js, updated, by string
	err := q.QueryRowContext(ctx, "SELECT profile, updated, updated_by FROM accommodation_profiles WHERE candidate_id = ?",
		candidateID).Scan(&js, &updated, &by)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return decodeProfile(candidateID, js, updated, by)
}

func decodeProfile(candidateID int64, js, updated, by string) (*exam.AccommodationProfile, error) {
	var rec profileRecord
	if err := json.Unmarshal([]byte(js), &rec); err != nil {
		return nil, fmt.Errorf("accommodations of candidate %d: %w", candidateID, err)
	}
	p, err := rec.profile(candidateID)
	if err != nil {
		return nil, fmt.Errorf("accommodations of candidate %d: %w", candidateID, err)
	}
	if p.Updated, err = parseTime(updated); err != nil {
		return nil, err
	}
	p.UpdatedBy = by
	return p, nil
}

// loadProfiles adds to out the profiles of ids (all when all is set).
func loadProfiles(ctx context.Context, q queryer, ids []int64, all bool, out map[int64]*exam.AccommodationProfile) error {
	query, args := inIDs("SELECT candidate_id, profile, updated, updated_by FROM accommodation_profiles", ids, all)
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var js, updated, by string
		if err := rows.Scan(&id, &js, &updated, &by); err != nil {
			return err
		}
		p, err := decodeProfile(id, js, updated, by)
		if err != nil {
			return err
		}
		out[id] = p
	}
	return rows.Err()
}

// loadJustification reads the justification of a candidate ("" if none).
// Only for an actor with exam.PermReadJustification, or to compare inside
// SaveProfile (never returned nor logged there).
func loadJustification(ctx context.Context, q queryer, candidateID int64) (string, error) {
	var text string
	err := q.QueryRowContext(ctx, "SELECT text FROM accommodation_justifications WHERE candidate_id = ?", candidateID).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return text, err
}

// loadJustifications sets the justification of the profiles of out read
// for ids. Only for an actor with exam.PermReadJustification.
func loadJustifications(ctx context.Context, q queryer, ids []int64, all bool, out map[int64]*exam.AccommodationProfile) error {
	query, args := inIDs("SELECT candidate_id, text FROM accommodation_justifications", ids, all)
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var text string
		if err := rows.Scan(&id, &text); err != nil {
			return err
		}
		if p := out[id]; p != nil {
			p.Justification = text
		}
	}
	return rows.Err()
}

// inIDs completes a query with "WHERE candidate_id IN (…)" unless all.
func inIDs(query string, ids []int64, all bool) (string, []any) {
	if all {
		return query, nil
	}
	if len(ids) == 0 {
		return query + " WHERE 0", nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return query + " WHERE candidate_id IN (" + strings.Repeat("?, ", len(ids)-1) + "?)", args
}

// snapshotOf is the accommodations column of a registration for p: the
// profile without its justification as JSON, NULL for no profile.
func snapshotOf(p *exam.AccommodationProfile) (sql.NullString, error) {
	if p == nil {
		return sql.NullString{}, nil
	}
	rec := recordOfProfile(p.Redacted())
	rec.Updated, rec.UpdatedBy = fmtTime(p.Updated), p.UpdatedBy
	js, err := json.Marshal(rec)
	if err != nil {
		return sql.NullString{}, err
	}
	return sql.NullString{String: string(js), Valid: true}, nil
}

// parseSnapshot reads the accommodations column of a registration; nil for
// NULL or "".
func parseSnapshot(candidateID int64, s string) (*exam.AccommodationProfile, error) {
	if s == "" {
		return nil, nil
	}
	var rec profileRecord
	if err := json.Unmarshal([]byte(s), &rec); err != nil {
		return nil, fmt.Errorf("accommodations: %w", err)
	}
	p, err := rec.profile(candidateID)
	if err != nil {
		return nil, fmt.Errorf("accommodations: %w", err)
	}
	if p.Updated, err = parseTime(rec.Updated); err != nil {
		return nil, err
	}
	p.UpdatedBy = rec.UpdatedBy
	return p, nil
}

// profileRecord is a profile as stored (accommodation_profiles.profile,
// session_candidates.accommodations) and audited: stable names, ISO dates,
// durations in nanoseconds, no justification by construction.
type profileRecord struct {
	Decision         accDecisionRecord `json:"decision"`
	Time             allowanceRecord   `json:"time"`
	SpreadDays       int               `json:"spread_days,omitempty"`
	Aids             aidsRecord        `json:"aids"`
	Room             roomRecord        `json:"room"`
	Screen           screenRecord      `json:"screen"`
	JuryInstructions string            `json:"jury_instructions,omitempty"`
	// Updated and UpdatedBy are kept in a registration's copy only.
	Updated   string `json:"updated,omitempty"`
	UpdatedBy string `json:"updated_by,omitempty"`
}

type accDecisionRecord struct {
	Authority string `json:"authority,omitempty"`
	Date      string `json:"date,omitempty"`
	Reference string `json:"reference,omitempty"`
	ValidFrom string `json:"valid_from,omitempty"`
	ValidTo   string `json:"valid_to,omitempty"`
}

type aidsRecord struct {
	Scribe         bool   `json:"scribe,omitempty"`
	Reader         bool   `json:"reader,omitempty"`
	LSFInterpreter bool   `json:"lsf_interpreter,omitempty"`
	OtherAssistant string `json:"other_assistant,omitempty"`
}

type roomRecord struct {
	SeparateRoom      bool   `json:"separate_room,omitempty"`
	EnlargedDocuments bool   `json:"enlarged_documents,omitempty"`
	AdaptedFurniture  bool   `json:"adapted_furniture,omitempty"`
	OwnEquipment      bool   `json:"own_equipment,omitempty"`
	Other             string `json:"other,omitempty"`
}

type screenRecord struct {
	TextScale     int  `json:"text_scale,omitempty"`
	HighContrast  bool `json:"high_contrast,omitempty"`
	LineSpacing   int  `json:"line_spacing,omitempty"`
	HideCountdown bool `json:"hide_countdown,omitempty"`
	MaxChoices    int  `json:"max_choices,omitempty"`
	KeyboardOnly  bool `json:"keyboard_only,omitempty"`
}

// recordOfProfile is p's record; p.Justification is not read.
func recordOfProfile(p *exam.AccommodationProfile) profileRecord {
	d := p.Decision
	return profileRecord{
		Decision: accDecisionRecord{Authority: d.Authority, Date: d.Date.ISO(), Reference: d.Reference,
			ValidFrom: d.ValidFrom.ISO(), ValidTo: d.ValidTo.ISO()},
		Time:       recordOfAllowance(&p.Time),
		SpreadDays: p.SpreadDays,
		Aids: aidsRecord{Scribe: p.Aids.Scribe, Reader: p.Aids.Reader, LSFInterpreter: p.Aids.LSFInterpreter,
			OtherAssistant: p.Aids.OtherAssistant},
		Room: roomRecord{SeparateRoom: p.Room.SeparateRoom, EnlargedDocuments: p.Room.EnlargedDocuments,
			AdaptedFurniture: p.Room.AdaptedFurniture, OwnEquipment: p.Room.OwnEquipment, Other: p.Room.Other},
		Screen:           screenRecord(p.Screen),
		JuryInstructions: p.JuryInstructions,
	}
}

func (r *profileRecord) profile(candidateID int64) (*exam.AccommodationProfile, error) {
	p := &exam.AccommodationProfile{CandidateID: candidateID, Time: r.Time.allowance(), SpreadDays: r.SpreadDays,
		Aids: exam.HumanAids{Scribe: r.Aids.Scribe, Reader: r.Aids.Reader, LSFInterpreter: r.Aids.LSFInterpreter,
			OtherAssistant: r.Aids.OtherAssistant},
		Room: exam.RoomAids{SeparateRoom: r.Room.SeparateRoom, EnlargedDocuments: r.Room.EnlargedDocuments,
			AdaptedFurniture: r.Room.AdaptedFurniture, OwnEquipment: r.Room.OwnEquipment, Other: r.Room.Other},
		Screen:           exam.ScreenNeeds(r.Screen),
		JuryInstructions: r.JuryInstructions,
	}
	d := &p.Decision
	d.Authority, d.Reference = r.Decision.Authority, r.Decision.Reference
	var err error
	for _, x := range []struct {
		dst *exam.Date
		src string
	}{{&d.Date, r.Decision.Date}, {&d.ValidFrom, r.Decision.ValidFrom}, {&d.ValidTo, r.Decision.ValidTo}} {
		if *x.dst, err = parseISO(x.src); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// changedFields names the fields that differ between two records (old nil:
// every field set in new), as dotted JSON paths ("decision.reference",
// "time.extra_percent", "aids.scribe"…), sorted.
func changedFields(old, new *profileRecord) []string {
	flat := func(r *profileRecord) map[string]any {
		out := map[string]any{}
		if r == nil {
			return out
		}
		c := *r
		c.Updated, c.UpdatedBy = "", ""
		js, _ := json.Marshal(c)
		var m map[string]any
		_ = json.Unmarshal(js, &m)
		var walk func(prefix string, v any)
		walk = func(prefix string, v any) {
			if obj, ok := v.(map[string]any); ok {
				for k, x := range obj {
					walk(strings.TrimPrefix(prefix+"."+k, "."), x)
				}
				return
			}
			out[prefix] = v
		}
		walk("", m)
		return out
	}
	a, b := flat(old), flat(new)
	var out []string
	for k, v := range a {
		if w, ok := b[k]; !ok || !reflect.DeepEqual(v, w) {
			out = append(out, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
