package storage

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/amisjury/amis/exam"
)

func TestDeliberationService_RecordIncident(t *testing.T) {
	f := newSessionFixture(t)
	s := f.created(t, exam.KindCertification) // incidents may come before the start
	nine := time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC)
	late := exam.Incident{SessionID: s.ID, CandidateID: f.a.ID, Trial: "MSP", Kind: exam.IncidentLate, At: nine.Add(25 * time.Minute),
		Text: " Arrivée à 9 h 25, retard du tramway ; épreuve décalée. "}
	power := exam.Incident{SessionID: s.ID, Kind: exam.IncidentTechnical, At: nine, Text: "Coupure de courant de 5 minutes."}
	for _, i := range []*exam.Incident{&late, &power} {
		if err := f.delib.RecordIncident(f.ctx, jury, i); err != nil {
			t.Fatal(err)
		}
		if i.ID == 0 || i.RecordedBy != jury.Name {
			t.Errorf("incident not completed: %+v", i)
		}
	}
	got, err := f.delib.Incidents(f.ctx, referent, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != power.ID || got[1].CandidateID != f.a.ID || got[1].Text != "Arrivée à 9 h 25, retard du tramway ; épreuve décalée." ||
		!got[1].At.Equal(late.At) || got[0].CandidateID != 0 {
		t.Errorf("incidents = %+v", got)
	}
	refusals := []struct {
		name string
		i    exam.Incident
		code string
		key  string
	}{
		{"no text", exam.Incident{SessionID: s.ID, Kind: exam.IncidentOther, At: nine}, exam.EINVALID, "err.invalid"},
		{"unknown kind", exam.Incident{SessionID: s.ID, Kind: "panne", At: nine, Text: "x"}, exam.EINVALID, "err.invalid"},
		{"unknown épreuve", exam.Incident{SessionID: s.ID, Kind: exam.IncidentOther, At: nine, Text: "x", Trial: "XYZ"}, exam.EINVALID, "err.trial_unknown"},
		{"candidate not registered", exam.Incident{SessionID: s.ID, CandidateID: 999, Kind: exam.IncidentOther, At: nine, Text: "x"}, exam.ENOTFOUND, "err.session.candidate_unknown"},
		{"unknown session", exam.Incident{SessionID: 999, Kind: exam.IncidentOther, At: nine, Text: "x"}, exam.ENOTFOUND, "err.session.not_found"},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			wantCode(t, f.delib.RecordIncident(f.ctx, jury, &tt.i), tt.code, tt.key)
		})
	}
	wantCode(t, f.delib.RecordIncident(f.ctx, referent, &power), exam.EFORBIDDEN, "")
}

func TestDeliberationService_ConfirmResult(t *testing.T) {
	f := newSessionFixture(t)
	s := f.started(t, exam.KindCertification)
	f.grade(t, s, f.b.ID, "CCP1", "sssss")
	f.decide(t, s.ID, f.b.ID, "CCP1", exam.OutcomeAcquired, "")
	f.decide(t, s.ID, f.b.ID, "CCP2", exam.OutcomeNotAcquired, "Gestes d'urgence non maîtrisés.")
	e := wantCode(t, f.delib.ConfirmResult(f.ctx, jury, &exam.CandidateResult{SessionID: s.ID, CandidateID: f.b.ID}), exam.EINVALID, "err.result.pending")
	if e.Data["Blocks"] != "CCP3" {
		t.Errorf("pending data = %v", e.Data)
	}
	f.decide(t, s.ID, f.b.ID, "CCP3", exam.OutcomeAcquired, "")

	wantCode(t, f.delib.ConfirmResult(f.ctx, jury, &exam.CandidateResult{SessionID: s.ID, CandidateID: f.b.ID, Result: exam.ResultTitle}),
		exam.EINVALID, "err.result.mismatch")
	r := exam.CandidateResult{SessionID: s.ID, CandidateID: f.b.ID, FinalInterviewNotes: "Bon recul sur sa pratique."}
	if err := f.delib.ConfirmResult(f.ctx, jury, &r); err != nil {
		t.Fatal(err)
	}
	if r.Result != exam.ResultPartial || r.Proposed != exam.ResultPartial || !slices.Equal(r.Acquired, []string{"RNCP37722BC01", "RNCP37722BC03"}) ||
		r.ConfirmedBy != jury.Name || r.ConfirmedAt.IsZero() {
		t.Errorf("result = %+v", r)
	}
	// The same result again, with other notes, replaces it.
	r2 := exam.CandidateResult{SessionID: s.ID, CandidateID: f.b.ID, Result: exam.ResultPartial, FinalInterviewNotes: "Notes revues."}
	if err := f.delib.ConfirmResult(f.ctx, jury, &r2); err != nil {
		t.Fatal(err)
	}
	if err := f.sessions.SetAbsent(f.ctx, jury, s.ID, f.c.ID, true); err != nil {
		t.Fatal(err)
	}
	if err := f.delib.ConfirmResult(f.ctx, jury, &exam.CandidateResult{SessionID: s.ID, CandidateID: f.c.ID}); err != nil {
		t.Fatalf("absent: %v", err)
	}
	results, err := f.delib.Results(f.ctx, referent, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 2 || results[0].CandidateID != f.b.ID || results[0].FinalInterviewNotes != "Notes revues." ||
		results[1].Result != exam.ResultAbsent || results[1].Acquired != nil {
		t.Errorf("results = %+v", results)
	}
	// A new decision withdraws the result that no longer follows.
	f.decide(t, s.ID, f.b.ID, "CCP2", exam.OutcomeAcquired, "Revu avec le jury.")
	if results, _ := f.delib.Results(f.ctx, referent, s.ID); len(results) != 1 {
		t.Errorf("results after a new decision = %+v", results)
	}
	wantCode(t, f.delib.ConfirmResult(f.ctx, jury, &exam.CandidateResult{SessionID: s.ID, CandidateID: 999}), exam.ENOTFOUND, "err.session.candidate_unknown")
	wantCode(t, f.delib.ConfirmResult(f.ctx, referent, &r), exam.EFORBIDDEN, "")

	// A mock exam's partial result is indicative: nothing acquired.
	mock := f.started(t, exam.KindMock)
	f.decide(t, mock.ID, f.c.ID, "CCP1", exam.OutcomeAcquired, "")
	f.decide(t, mock.ID, f.c.ID, "CCP3", exam.OutcomeNotAcquired, "Projet partenarial non présenté.")
	r = exam.CandidateResult{SessionID: mock.ID, CandidateID: f.c.ID}
	if err := f.delib.ConfirmResult(f.ctx, jury, &r); err != nil {
		t.Fatal(err)
	}
	if r.Result != exam.ResultPartial || r.Acquired != nil {
		t.Errorf("mock result = %+v", r)
	}
}

func TestDeliberationService_Sign(t *testing.T) {
	f := newSessionFixture(t)
	s := f.deliberated(t, exam.KindCertification)
	m0, m1, m2 := s.Jury[0].ID, s.Jury[1].ID, s.Jury[2].ID

	wantCode(t, f.delib.SetMemberSecret(f.ctx, jury, s.ID, m0, "123"), exam.EINVALID, "err.sign.secret_short")
	wantCode(t, f.delib.SetMemberSecret(f.ctx, jury, s.ID, m0, strings.Repeat("x", 73)), exam.EINVALID, "err.sign.secret_long")
	wantCode(t, f.delib.SetMemberSecret(f.ctx, jury, s.ID, 999, "12345"), exam.ENOTFOUND, "err.session.member_unknown")
	recs, err := f.db.auditRecords(f.ctx, "session", s.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if strings.Contains(string(r.New), "$2a$") || strings.Contains(string(r.New), `"`+pin(0)+`"`) {
			t.Fatalf("the audit log holds a secret: %s", r.New)
		}
	}

	e := wantCode(t, f.delib.Sign(f.ctx, jury, s.ID, m0, "0000"), exam.EFORBIDDEN, "err.sign.secret")
	if e.Data["Name"] != "Sophie Bernard" {
		t.Errorf("data = %v", e.Data)
	}
	wantCode(t, f.delib.Sign(f.ctx, jury, s.ID, 999, pin(0)), exam.ENOTFOUND, "err.session.member_unknown")
	wantCode(t, f.delib.Sign(f.ctx, referent, s.ID, m0, pin(0)), exam.EFORBIDDEN, "err.forbidden")

	// A decision taken again withdraws b's result: signing waits for it.
	f.decide(t, s.ID, f.b.ID, "CCP1", exam.OutcomeAcquired, "")
	e = wantCode(t, f.delib.Sign(f.ctx, jury, s.ID, m0, pin(0)), exam.EINVALID, "err.sign.results_missing")
	if e.Data["Count"] != 1 || e.Data["Names"] != f.b.DisplayName() {
		t.Errorf("data = %v", e.Data)
	}
	if err := f.delib.ConfirmResult(f.ctx, jury, &exam.CandidateResult{SessionID: s.ID, CandidateID: f.b.ID}); err != nil {
		t.Fatal(err)
	}

	if err := f.delib.Sign(f.ctx, jury, s.ID, m0, pin(0)); err != nil {
		t.Fatal(err)
	}
	wantCode(t, f.delib.Sign(f.ctx, jury, s.ID, m0, pin(0)), exam.ECONFLICT, "err.sign.already")
	if err := f.delib.Sign(f.ctx, jury, s.ID, m1, pin(1)); err != nil {
		t.Fatal(err)
	}
	m, err := f.delib.Minutes(f.ctx, referent, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Signatures) != 2 || !m.SignedAt.IsZero() || f.reload(t, s.ID).Locked() {
		t.Fatalf("two of three signatures: %+v", m)
	}
	if err := f.delib.Sign(f.ctx, jury, s.ID, m2, pin(2)); err != nil {
		t.Fatal(err)
	}
	m, err = f.delib.Minutes(f.ctx, referent, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Signatures) != 3 || m.SignedAt.IsZero() || !m.SignedBy(m2) || m.Amended() || m.Signatures[2].Name != "Julie Petit" {
		t.Errorf("minutes = %+v", m)
	}
	if got := f.reload(t, s.ID); !got.Locked() || !got.SignedAt.Equal(m.SignedAt) {
		t.Errorf("session not locked: %v", got.SignedAt)
	}
	sums, err := f.sessions.FindSessions(f.ctx, referent, exam.SessionFilter{})
	if err != nil || len(sums) != 1 || !sums[0].Signed || !sums[0].Started {
		t.Errorf("summaries = %+v, %v", sums, err)
	}
	if n, err := f.db.VerifyAudit(f.ctx); err != nil || n != 0 {
		t.Errorf("audit chain breaks at %d (%v)", n, err)
	}

	other := f.started(t, exam.KindCertification)
	wantCode(t, f.delib.Sign(f.ctx, jury, other.ID, other.Jury[0].ID, "1234"), exam.EINVALID, "err.sign.no_secret")
}

func TestDeliberationService_Sign_AcquiredBlocks(t *testing.T) {
	for _, tt := range []struct {
		kind exam.SessionKind
		want map[string][]string // candidate → acquired blocks after signing
	}{
		{exam.KindCertification, map[string][]string{
			"a": {"RNCP37722BC01 2026-06-15 2026-LYON-07", "RNCP37722BC02 2026-06-15 2026-LYON-07", "RNCP37722BC03 2026-06-15 2026-LYON-07"},
			"b": {"RNCP37722BC01 2026-06-15 2026-LYON-07", "RNCP37722BC02 2026-06-15 2026-LYON-07"},
			"c": {"RNCP37722BC02 2024-06-01 S-2024-06"},
		}},
		{exam.KindMock, map[string][]string{"a": nil, "b": nil, "c": {"RNCP37722BC02 2024-06-01 S-2024-06"}}},
	} {
		t.Run(string(tt.kind), func(t *testing.T) {
			f := newSessionFixture(t)
			s := f.signed(t, tt.kind)
			for name, c := range map[string]*exam.Candidate{"a": f.a, "b": f.b, "c": f.c} {
				got, err := f.cands.Candidate(f.ctx, referent, c.ID)
				if err != nil {
					t.Fatal(err)
				}
				var blocks []string
				for _, b := range got.Acquired {
					blocks = append(blocks, b.BlockCode+" "+b.Date.ISO()+" "+b.SessionRef)
				}
				if !slices.Equal(blocks, tt.want[name]) {
					t.Errorf("%s: acquired = %q, want %q", name, blocks, tt.want[name])
				}
			}
			// The session still shows what the candidates held before it,
			// so its own results read the same.
			s = f.reload(t, s.ID)
			if got := s.Candidate(f.a.ID).Candidate.Acquired; len(got) != 0 {
				t.Errorf("a's blocks from this session show as déjà acquis: %+v", got)
			}
			ds, err := f.evals.Decisions(f.ctx, referent, s.ID, f.a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if r, _ := s.ProposeResult(f.ref, f.a.ID, ds); r.Result != exam.ResultTitle {
				t.Errorf("a's result read back = %q", r.Result)
			}
		})
	}
}

// TestLock checks that once every member has signed, the services refuse
// every change with ELOCKED, and so do the database triggers for a write
// that bypasses the services.
func TestLock(t *testing.T) {
	f := newSessionFixture(t)
	s := f.signed(t, exam.KindCertification)
	extra := genCandidates(1, 20)[0]
	if err := f.cands.CreateCandidate(f.ctx, admin, extra); err != nil {
		t.Fatal(err)
	}
	ctx, id, a, m := f.ctx, s.ID, f.a.ID, s.Jury[0].ID
	audits := count(t, f.db, "SELECT count(*) FROM audit_log")

	calls := []struct {
		name string
		call func() error
	}{
		{"UpdateSession", func() error {
			s := f.reload(t, id)
			s.Place = "ailleurs"
			return f.sessions.UpdateSession(ctx, admin, s)
		}},
		{"DeleteSession", func() error { return f.sessions.DeleteSession(ctx, admin, id) }},
		{"StartSession", func() error { return f.sessions.StartSession(ctx, jury, id, time.Now()) }},
		{"SetAbsent", func() error { return f.sessions.SetAbsent(ctx, jury, id, a, true) }},
		{"RecordTimerEvent", func() error {
			return f.evals.RecordTimerEvent(ctx, jury, id, a, "EF", exam.TimerEvent{Kind: exam.TimerStart, At: time.Now()})
		}},
		{"SaveGrid", func() error { g := f.grid(a, m, "CCP1", "nnnnn"); return f.evals.SaveGrid(ctx, jury, id, &g) }},
		{"Decide", func() error {
			return f.evals.Decide(ctx, jury, id, &exam.BlockDecision{CandidateID: a, Block: "CCP1", Outcome: exam.OutcomeNotAcquired, Reason: "x"})
		}},
		{"RecordIncident", func() error {
			return f.delib.RecordIncident(ctx, jury, &exam.Incident{SessionID: id, Kind: exam.IncidentOther, At: time.Now(), Text: "x"})
		}},
		{"ConfirmResult", func() error {
			return f.delib.ConfirmResult(ctx, jury, &exam.CandidateResult{SessionID: id, CandidateID: a, FinalInterviewNotes: "x"})
		}},
		{"SetMemberSecret", func() error { return f.delib.SetMemberSecret(ctx, jury, id, m, "9999") }},
		{"Sign", func() error { return f.delib.Sign(ctx, jury, id, m, pin(0)) }},
	}
	for _, tt := range calls {
		t.Run("service "+tt.name, func(t *testing.T) {
			wantCode(t, tt.call(), exam.ELOCKED, "err.locked")
		})
	}
	if n := count(t, f.db, "SELECT count(*) FROM audit_log"); n != audits {
		t.Errorf("%d audit entries written by refused calls", n-audits)
	}

	now := "'2026-06-15T12:00:00Z'"
	stmts := []string{
		"UPDATE sessions SET place = 'ailleurs' WHERE id = %[1]d",
		"UPDATE sessions SET signed_at = '' WHERE id = %[1]d",
		"UPDATE sessions SET amending = 1, reference = 'x' WHERE id = %[1]d",
		"DELETE FROM sessions WHERE id = %[1]d",
		"UPDATE session_candidates SET absent = 1 WHERE session_id = %[1]d",
		"DELETE FROM session_candidates WHERE session_id = %[1]d",
		"INSERT INTO session_candidates (session_id, candidate_id, position) VALUES (%[1]d, %[2]d, 9)",
		"UPDATE members SET secret_hash = '' WHERE session_id = %[1]d",
		"INSERT INTO members (session_id, position, name, role) VALUES (%[1]d, 9, 'X', 'member')",
		"DELETE FROM members WHERE session_id = %[1]d",
		"DELETE FROM member_conflicts WHERE member_id IN (SELECT id FROM members WHERE session_id = %[1]d)",
		"INSERT INTO member_conflicts (member_id, candidate_id, kind) VALUES (%[3]d, %[4]d, 'declared')",
		"INSERT INTO timer_events (session_id, candidate_id, trial, seq, kind, at) VALUES (%[1]d, %[4]d, 'EF', 1, 'start', " + now + ")",
		"UPDATE grids SET assessments = '[]' WHERE session_id = %[1]d",
		"DELETE FROM grids WHERE session_id = %[1]d",
		"INSERT INTO grids (session_id, candidate_id, block, member_id, assessments, updated_at) VALUES (%[1]d, %[4]d, 'X', 0, '[]', " + now + ")",
		"UPDATE decisions SET outcome = 'not_acquired', reason = 'x' WHERE session_id = %[1]d",
		"DELETE FROM decisions WHERE session_id = %[1]d",
		"INSERT INTO decisions (session_id, candidate_id, block, proposed, outcome, decided_at) VALUES (%[1]d, %[4]d, 'X', '', 'acquired', " + now + ")",
		"UPDATE results SET result = 'not_obtained' WHERE session_id = %[1]d",
		"DELETE FROM results WHERE session_id = %[1]d",
		"INSERT INTO incidents (session_id, kind, at, text, recorded_by) VALUES (%[1]d, 'other', " + now + ", 'x', 'x')",
		"DELETE FROM signatures WHERE session_id = %[1]d",
		"INSERT INTO signatures (session_id, member_id, name, signed_at) VALUES (%[1]d, %[3]d, 'x', " + now + ")",
		"INSERT INTO amendments (session_id, at, by, reason, what) VALUES (%[1]d, " + now + ", 'x', 'x', 'x')",
	}
	for _, q := range stmts {
		q = fmt.Sprintf(q, id, extra.ID, m, a)
		t.Run("trigger "+q, func(t *testing.T) {
			_, err := f.db.writer.ExecContext(ctx, q)
			if err == nil {
				t.Fatal("accepted")
			}
			wantCode(t, lockedFromTrigger(err), exam.ELOCKED, "err.locked")
		})
	}
	if got := f.reload(t, id); got.Place != "Lyon, salle 3" || len(got.Candidates) != 3 || got.SignedAt.IsZero() {
		t.Errorf("the locked session changed: %+v", got)
	}

	// Only the amendment machinery opens the lock: amending = 1 for the
	// decisions and results, inside its transaction.
	tx, err := f.db.writer.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	for _, q := range []string{
		"UPDATE sessions SET amending = 1 WHERE id = ?1",
		"UPDATE decisions SET reason = 'x' WHERE session_id = ?1",
		"UPDATE results SET notes = 'x' WHERE session_id = ?1",
	} {
		if _, err := tx.ExecContext(ctx, q, id); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if _, err := tx.ExecContext(ctx, "UPDATE grids SET assessments = '[]' WHERE session_id = ?", id); lockedFromTrigger(err) == nil || exam.ErrorCode(lockedFromTrigger(err)) != exam.ELOCKED {
		t.Errorf("grids writable while amending: %v", err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if n, err := f.db.VerifyAudit(ctx); err != nil || n != 0 {
		t.Errorf("audit chain breaks at %d (%v)", n, err)
	}
}

func TestDeliberationService_AmendDecision(t *testing.T) {
	f := newSessionFixture(t)
	ctx := context.Background()
	s := f.deliberated(t, exam.KindCertification)
	ccp3 := exam.BlockDecision{CandidateID: f.b.ID, Block: "CCP3", Outcome: exam.OutcomeAcquired, Reason: "Dossier professionnel probant."}
	wantCode(t, f.delib.AmendDecision(ctx, jury, s.ID, &ccp3, "Erreur de report"), exam.ECONFLICT, "err.amend.not_signed")
	s = f.signed(t, exam.KindCertification)
	wantCode(t, f.delib.AmendDecision(ctx, jury, s.ID, &ccp3, "  "), exam.EINVALID, "err.amend.reason")
	wantCode(t, f.delib.AmendDecision(ctx, referent, s.ID, &ccp3, "Erreur"), exam.EFORBIDDEN, "")
	noReason := exam.BlockDecision{CandidateID: f.b.ID, Block: "CCP3", Outcome: exam.OutcomeAcquired}
	wantCode(t, f.delib.AmendDecision(ctx, jury, s.ID, &noReason, "Erreur"), exam.EINVALID, "err.invalid") // departs from the proposal

	// CCP3 of b: non acquis → acquis; b's result becomes the title and the
	// livret gains CCP3.
	if err := f.delib.AmendDecision(ctx, jury, s.ID, &ccp3, "Erreur de report de la grille collégiale."); err != nil {
		t.Fatal(err)
	}
	if ccp3.Proposed != exam.OutcomeNotAcquired || ccp3.DecidedAt.IsZero() || ccp3.Block != "RNCP37722BC03" {
		t.Errorf("amended decision = %+v", ccp3)
	}
	m, err := f.delib.Minutes(ctx, referent, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !m.Amended() || len(m.Amendments) != 1 || m.SignedAt.IsZero() {
		t.Fatalf("minutes = %+v", m)
	}
	am := m.Amendments[0]
	wantWhat := "CCP3 — " + f.b.DisplayName() + " : non acquis → acquis ; résultat : certification partielle → titre obtenu"
	if am.What != wantWhat || am.Reason != "Erreur de report de la grille collégiale." || am.By != jury.Name || am.At.IsZero() {
		t.Errorf("amendment = %+v\nwant what %q", am, wantWhat)
	}
	results, err := f.delib.Results(ctx, referent, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if results[1].CandidateID != f.b.ID || results[1].Result != exam.ResultTitle || len(results[1].Acquired) != 3 {
		t.Errorf("b's result = %+v", results[1])
	}
	acquired := func() int {
		c, err := f.cands.Candidate(ctx, referent, f.b.ID)
		if err != nil {
			t.Fatal(err)
		}
		return len(c.Acquired)
	}
	if n := acquired(); n != 3 {
		t.Errorf("b holds %d blocks, want 3", n)
	}
	if n := count(t, f.db, "SELECT count(*) FROM sessions WHERE amending <> 0"); n != 0 {
		t.Errorf("the lock was left open")
	}
	wantCode(t, f.delib.AmendDecision(ctx, jury, s.ID, &ccp3, "encore"), exam.EINVALID, "err.amend.no_change")

	// And back: the block leaves the livret.
	back := exam.BlockDecision{CandidateID: f.b.ID, Block: "CCP3", Outcome: exam.OutcomeNotAcquired, Reason: "Compétences 11 et 12 non démontrées."}
	if err := f.delib.AmendDecision(ctx, jury, s.ID, &back, "Retour à la décision du jury."); err != nil {
		t.Fatal(err)
	}
	if n := acquired(); n != 2 {
		t.Errorf("b holds %d blocks, want 2", n)
	}
	var actions []string
	recs, err := f.db.auditRecords(ctx, "session", s.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		actions = append(actions, r.Action)
	}
	if got := actions[len(actions)-2:]; !slices.Equal(got, []string{"minutes.amend_decision", "minutes.amend_decision"}) {
		t.Errorf("last actions = %q", got)
	}
	if !strings.Contains(string(recs[len(recs)-1].New), "Retour à la décision du jury.") {
		t.Errorf("amendment not audited: %s", recs[len(recs)-1].New)
	}
	if recs, _ := f.db.auditRecords(ctx, "candidate", f.b.ID); recs[len(recs)-1].Action != "candidate.acquired" {
		t.Errorf("livret change not audited on the candidate: %+v", recs[len(recs)-1])
	}
	// Still locked for everything else.
	wantCode(t, f.evals.Decide(ctx, jury, s.ID, &back), exam.ELOCKED, "err.locked")
	if n, err := f.db.VerifyAudit(ctx); err != nil || n != 0 {
		t.Errorf("audit chain breaks at %d (%v)", n, err)
	}
	// Amendments are append-only.
	_, err = f.db.writer.ExecContext(ctx, "DELETE FROM amendments")
	if err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Errorf("amendments deleted: %v", err)
	}
}

func TestDeliberationService_AmendResult(t *testing.T) {
	f := newSessionFixture(t)
	ctx := context.Background()
	s := f.signed(t, exam.KindCertification)
	r := exam.CandidateResult{SessionID: s.ID, CandidateID: f.a.ID, FinalInterviewNotes: "Notes complétées après relecture."}
	if err := f.delib.AmendResult(ctx, jury, &r, "Notes incomplètes sur le PV."); err != nil {
		t.Fatal(err)
	}
	if r.Result != exam.ResultTitle || len(r.Acquired) != 3 {
		t.Errorf("result = %+v", r)
	}
	m, err := f.delib.Minutes(ctx, referent, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Amendments) != 1 || m.Amendments[0].What != "Résultat — "+f.a.DisplayName()+" : notes de l'entretien final corrigées" {
		t.Errorf("amendments = %+v", m.Amendments)
	}
	for _, tt := range []struct {
		name string
		r    exam.CandidateResult
		code string
		key  string
	}{
		{"nothing changed", r, exam.EINVALID, "err.amend.no_change"},
		{"a result the decisions do not give", exam.CandidateResult{SessionID: s.ID, CandidateID: f.a.ID, Result: exam.ResultNotObtained}, exam.EINVALID, "err.result.mismatch"},
		{"absent candidate without result", exam.CandidateResult{SessionID: s.ID, CandidateID: f.c.ID, FinalInterviewNotes: "x"}, exam.ENOTFOUND, "err.result.not_found"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.r
			wantCode(t, f.delib.AmendResult(ctx, jury, &r, "motif"), tt.code, tt.key)
		})
	}
	if n, err := f.db.VerifyAudit(ctx); err != nil || n != 0 {
		t.Errorf("audit chain breaks at %d (%v)", n, err)
	}
}
