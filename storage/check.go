package storage

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// checkMinutes verifies the signed PVs, session by session in ID order, and
// returns how many sessions are signed and the first inconsistency found:
// the session's ID and what is wrong, in English (0 and "" when all hold).
// A signed session must have been started and not be left open by an
// amendment; carry one signature per jury member, each of a member of its
// jury and recorded as such in the audit log (minutes.sign), the last one at the
// time the session was locked, itself in the audit log; and, for each
// present candidate, a confirmed result and a decision on every block sat.
// The triggers keep these rows as they were signed: a break means the file
// was changed outside the app.
func checkMinutes(ctx context.Context, q queryer) (signed int, brokenAt int64, problem string, err error) {
	rows, err := q.QueryContext(ctx, "SELECT id, reference, signed_at, started_at, amending FROM sessions WHERE signed_at <> '' ORDER BY id")
	if err != nil {
		return 0, 0, "", fmt.Errorf("check signed minutes: %w", err)
	}
	type session struct {
		id                   int64
		ref, signed, started string
		amending             int
	}
	var sessions []session
	for rows.Next() {
		var s session
		if err := rows.Scan(&s.id, &s.ref, &s.signed, &s.started, &s.amending); err != nil {
			rows.Close()
			return 0, 0, "", fmt.Errorf("check signed minutes: %w", err)
		}
		sessions = append(sessions, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, "", fmt.Errorf("check signed minutes: %w", err)
	}
	for _, s := range sessions {
		p, err := minutesProblem(ctx, q, s.id, s.signed, s.started, s.amending)
		if err != nil {
			return 0, 0, "", fmt.Errorf("check signed minutes of session %d: %w", s.id, err)
		}
		if p != "" && brokenAt == 0 {
			brokenAt, problem = s.id, p
		}
	}
	return len(sessions), brokenAt, problem, nil
}

// minutesProblem returns what is wrong with one signed session, "" if
// nothing.
func minutesProblem(ctx context.Context, q queryer, id int64, signedAt, startedAt string, amending int) (string, error) {
	if startedAt == "" {
		return "signed but never started", nil
	}
	if amending != 0 {
		return "left open by an amendment", nil
	}
	// Candidates a purge removed: the PV is in minutes_archive (privacy.go).
	if p, err := privacyProblem(ctx, q, id); p != "" || err != nil {
		return p, err
	}
	var members, signatures, strangers int
	var last string
	err := q.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM members WHERE session_id = ?1),
		(SELECT count(*) FROM signatures WHERE session_id = ?1),
		(SELECT count(*) FROM signatures g WHERE g.session_id = ?1
			AND NOT EXISTS (SELECT 1 FROM members m WHERE m.id = g.member_id AND m.session_id = g.session_id)),
		(SELECT coalesce(max(signed_at), '') FROM signatures WHERE session_id = ?1)`, id).Scan(&members, &signatures, &strangers, &last)
	if err != nil {
		return "", err
	}
	switch {
	case signatures != members:
		return fmt.Sprintf("%d signature(s) for %d jury member(s)", signatures, members), nil
	case strangers > 0:
		return "a signature of someone not on the jury", nil
	case last != signedAt:
		return fmt.Sprintf("locked at %s but the last signature is dated %s", signedAt, last), nil
	}
	var unaudited, lockAudited, noResult, undecided int
	err = q.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM signatures g WHERE g.session_id = ?1 AND NOT EXISTS (SELECT 1 FROM audit_log a
			WHERE a.action = 'minutes.sign' AND a.entity = 'session' AND a.entity_id = ?1
			AND json_extract(a.new_json, '$.member_id') = g.member_id AND json_extract(a.new_json, '$.signed_at') = g.signed_at)),
		(SELECT count(*) FROM audit_log a WHERE a.action = 'minutes.sign' AND a.entity = 'session' AND a.entity_id = ?1
			AND json_extract(a.new_json, '$.locked') = 1 AND json_extract(a.new_json, '$.signed_at') = ?2),
		(SELECT count(*) FROM session_candidates c WHERE c.session_id = ?1 AND c.absent = 0
			AND NOT EXISTS (SELECT 1 FROM results r WHERE r.session_id = c.session_id AND r.candidate_id = c.candidate_id)),
		(SELECT count(*) FROM session_candidates c, json_each(c.blocks) b WHERE c.session_id = ?1 AND c.absent = 0
			AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.session_id = c.session_id AND d.candidate_id = c.candidate_id
			AND d.block = b.value))`, id, signedAt).Scan(&unaudited, &lockAudited, &noResult, &undecided)
	if err != nil {
		return "", err
	}
	switch {
	case unaudited > 0:
		return fmt.Sprintf("%d signature(s) not in the audit log as signed", unaudited), nil
	case lockAudited == 0:
		return "locked without the audit entry of its last signature", nil
	case noResult > 0:
		return fmt.Sprintf("%d present candidate(s) without a confirmed result", noResult), nil
	case undecided > 0:
		return fmt.Sprintf("%d block(s) sat without a decision", undecided), nil
	}
	return "", nil
}

var (
	expectedMu sync.Mutex
	expected   = map[int]map[string]string{}
)

// expectedSchema returns the schema objects the first version migrations
// create, by applying them to an in-memory database once.
func expectedSchema(ctx context.Context, version int) (map[string]string, error) {
	expectedMu.Lock()
	defer expectedMu.Unlock()
	if s, ok := expected[version]; ok {
		return s, nil
	}
	if version < 0 || version > len(migrations) {
		return nil, fmt.Errorf("unknown schema version %d", version)
	}
	mem, err := sql.Open("sqlite3", ":memory:")
	if err != nil {
		return nil, err
	}
	defer mem.Close()
	mem.SetMaxOpenConns(1) // one connection: one in-memory database
	for _, m := range migrations[:version] {
		if _, err := mem.ExecContext(ctx, m.SQL); err != nil {
			return nil, fmt.Errorf("%s: %w", m.Name, err)
		}
	}
	s, err := schemaOf(ctx, mem)
	if err != nil {
		return nil, err
	}
	expected[version] = s
	return s, nil
}

// schemaOf reads the schema objects of a database.
func schemaOf(ctx context.Context, q queryer) (map[string]string, error) {
	rows, err := q.QueryContext(ctx, "SELECT type, name, coalesce(sql, '') FROM sqlite_master")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var typ, name, text string
		if err := rows.Scan(&typ, &name, &text); err != nil {
			return nil, err
		}
		out[typ+" "+name] = text
	}
	return out, rows.Err()
}

// missingTables returns the first table of the given schema version the
// database lacks ("" when it has them all): a file stamped AMIS Jury without
// them is damaged, and refused before anything writes to it.
func missingTables(ctx context.Context, q queryer, version int) (string, error) {
	want, err := expectedSchema(ctx, version)
	if err != nil {
		return "", err
	}
	have, err := schemaOf(ctx, q)
	if err != nil {
		return "", err
	}
	var missing []string
	for k := range want {
		if name, ok := strings.CutPrefix(k, "table "); ok {
			if _, found := have[k]; !found {
				missing = append(missing, name)
			}
		}
	}
	if len(missing) == 0 {
		return "", nil
	}
	slices.Sort(missing)
	return missing[0], nil
}

// schemaProblems compares the database's schema with what its version's
// migrations create and lists the differences, in English: a trigger
// dropped (the lock of signed PVs, the append-only audit log), a table or
// index changed or added outside the app.
func schemaProblems(ctx context.Context, q queryer, version int) ([]string, error) {
	if version < 1 || version > len(migrations) {
		return nil, nil // reported as a schema version problem
	}
	want, err := expectedSchema(ctx, version)
	if err != nil {
		return nil, err
	}
	have, err := schemaOf(ctx, q)
	if err != nil {
		return nil, err
	}
	var out []string
	for k, text := range want {
		switch got, ok := have[k]; {
		case !ok:
			out = append(out, fmt.Sprintf("schema: %s is missing", k))
		case got != text:
			out = append(out, fmt.Sprintf("schema: %s was changed", k))
		}
	}
	for k := range have {
		if _, ok := want[k]; !ok {
			out = append(out, fmt.Sprintf("schema: %s was added", k))
		}
	}
	slices.Sort(out)
	return out, nil
}
