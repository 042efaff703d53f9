package storage

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/amisjury/amis/exam"
)

// The crash test: a child process (this test binary, re-executed) grades
// sessions through the services on a real database file and acknowledges
// on its standard output each call that returned nil; the test kills it with
// SIGKILL at a random moment, reopens the database and checks that nothing
// acknowledged is lost and nothing half-written shows; then it starts the
// next child on the same, growing, file.

const (
	crashChildEnv = "AMIS_TEST_CRASH_CHILD" // the database path: be the child
	crashRunEnv   = "AMIS_TEST_CRASH_RUN"   // the child's run number
	crashSeedEnv  = "AMIS_TEST_CRASH_SEED"  // the random seed (set it to replay a run)
)

// crashAck is one acknowledged call: the audit entry it wrote has this
// action and entity ID and its new_json contains fragment.
type crashAck struct {
	run              int
	action, fragment string
	entityID         int64
}

func TestCrashSafety(t *testing.T) {
	if path := os.Getenv(crashChildEnv); path != "" {
		crashChild(t, path)
		return
	}
	kills := 110
	if testing.Short() {
		kills = 30
	}
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv(crashSeedEnv); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	rng := rand.New(rand.NewPCG(seed, 0x4b494c4c))
	path := filepath.Join(t.TempDir(), "amis.db")
	v := newCrashVerifier(t)
	start := time.Now()
	acked, early := 0, 0
	for run := range kills {
		lines, wasEarly := crashRun(t, path, run, seed, rng)
		if wasEarly {
			early++
		}
		var acks []crashAck
		for _, l := range lines {
			if a, ok := parseAck(run, l); ok {
				acks = append(acks, a)
			}
		}
		acked += len(acks)
		if !v.verify(path, acks) {
			t.Fatalf("run %d (seed %d, %s=%d to replay): the database after the kill is not right", run, seed, crashSeedEnv, seed)
		}
	}
	t.Logf("%d kills survived (%d during start-up), %d acknowledged writes all present, %d signed PVs, %d audit entries, %d backups checked; seed %d; %v",
		kills, early, acked, v.signed, v.entries, len(v.backups), seed, time.Since(start).Round(time.Millisecond))
}

// crashRun starts a child on path and kills it: early (before it is ready,
// while it opens or recovers the database) or at a random time while it
// writes. It returns the complete lines the child printed.
func crashRun(t *testing.T, path string, run int, seed uint64, rng *rand.Rand) (lines []string, early bool) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashSafety$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+path, crashRunEnv+"="+strconv.Itoa(run),
		crashSeedEnv+"="+strconv.FormatUint(seed, 10))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ch := make(chan string, 4096)
	go func() {
		defer close(ch)
		r := bufio.NewReader(out)
		for {
			l, err := r.ReadString('\n')
			if err != nil { // a line cut by the kill is no acknowledgement
				return
			}
			ch <- strings.TrimSuffix(l, "\n")
		}
	}()
	early = rng.IntN(100) < 12
	var timer <-chan time.Time
	if early {
		timer = time.After(time.Duration(rng.IntN(120)) * time.Millisecond)
	}
	ready := false
	finished := false
wait:
	for {
		select {
		case l, ok := <-ch:
			if !ok {
				finished = true
				break wait
			}
			lines = append(lines, l)
			if l == "READY" && !early && !ready {
				ready = true
				timer = time.After(time.Duration(rng.IntN(350)) * time.Millisecond)
			}
		case <-timer:
			break wait
		case <-time.After(30 * time.Second):
			break wait
		}
	}
	if !finished {
		_ = cmd.Process.Kill() // SIGKILL
		for l := range ch {
			lines = append(lines, l)
		}
	}
	err = cmd.Wait()
	if finished || cmd.ProcessState.ExitCode() != -1 {
		t.Fatalf("run %d: the child ended by itself (%v) instead of being killed:\n%s", run, err, stderr.String())
	}
	return lines, early
}

func parseAck(run int, line string) (crashAck, bool) {
	f := strings.Split(line, "\t")
	if len(f) != 4 || f[0] != "ACK" {
		return crashAck{}, false
	}
	id, err := strconv.ParseInt(f[2], 10, 64)
	if err != nil {
		return crashAck{}, false
	}
	return crashAck{run: run, action: f[1], entityID: id, fragment: f[3]}, true
}

// crashWorkload is the child's work: sessions of three candidates and a
// jury of three, run from start to signature, with noise (grids saved
// again, decisions changed, incidents, extra time).
type crashWorkload struct {
	ctx   context.Context
	f     *sessionFixture
	rng   *rand.Rand
	run   int
	op    int
	cands []int64
}

func crashChild(t *testing.T, path string) {
	fail := func(format string, args ...any) {
		fmt.Fprintf(os.Stderr, "crash child: "+format+"\n", args...)
		os.Exit(3)
	}
	secretCost = bcrypt.MinCost // no t.Cleanup: the child never returns
	run, _ := strconv.Atoi(os.Getenv(crashRunEnv))
	seed, _ := strconv.ParseUint(os.Getenv(crashSeedEnv), 10, 64)
	db, err := Open(path)
	if err != nil {
		fail("open: %v", err)
	}
	w := &crashWorkload{ctx: context.Background(), f: fixtureOn(t, db, false), run: run,
		rng: rand.New(rand.NewPCG(seed, uint64(run)))}
	if err := w.candidates(); err != nil {
		fail("candidates: %v", err)
	}
	fmt.Println("READY")
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); {
		if err := w.step(); err != nil {
			fail("run %d, op %d: %v", w.run, w.op, err)
		}
	}
	fail("not killed after 20 s")
}

// ack tells the parent that a call returned nil.
func (w *crashWorkload) ack(action string, entityID int64, fragment string) {
	fmt.Printf("ACK\t%s\t%d\t%s\n", action, entityID, fragment)
}

// nonce is unique to one call of one run; it goes into the data written.
func (w *crashWorkload) nonce() string { return fmt.Sprintf("r%03d-o%04d", w.run, w.op) }

// at is a distinct time for each call.
func (w *crashWorkload) at() time.Time {
	return time.Date(2026, 6, 15, 9, 0, 0, 0, time.UTC).Add(time.Duration(w.run)*time.Hour + time.Duration(w.op)*time.Second)
}

func (w *crashWorkload) candidates() error {
	n, err := w.f.cands.CountCandidates(w.ctx, admin)
	if err != nil {
		return err
	}
	if n == 0 {
		if err := w.f.cands.ImportCandidates(w.ctx, admin, genCandidates(6, 0)); err != nil {
			return err
		}
		w.ack("candidate.import", 0, `"count":6`)
	}
	rows, err := w.f.db.reader.QueryContext(w.ctx, "SELECT id FROM candidates ORDER BY id")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		w.cands = append(w.cands, id)
	}
	return rows.Err()
}

// step makes one call through the services, chosen from the state the
// database is in, and acknowledges it.
func (w *crashWorkload) step() error {
	w.op++
	ctx, f := w.ctx, w.f
	var id int64
	err := f.db.reader.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM sessions WHERE signed_at = ''").Scan(&id)
	if err != nil {
		return err
	}
	if id == 0 {
		return w.createSession()
	}
	s, err := f.sessions.Session(ctx, admin, id)
	if err != nil {
		return err
	}
	if s.StartedAt.IsZero() {
		if err := f.sessions.StartSession(ctx, jury, id, w.at()); err != nil {
			return err
		}
		w.ack("session.start", id, `"started_at":"`+fmtTime(w.at())+`"`)
		return nil
	}
	results, err := f.delib.Results(ctx, jury, id)
	if err != nil {
		return err
	}
	if len(results) == len(s.Candidates) {
		return w.sign(s)
	}
	sc := &s.Candidates[w.rng.IntN(len(s.Candidates))]
	switch r := w.rng.IntN(100); {
	case r < 25:
		return w.timer(s, sc)
	case r < 50:
		return w.grid(s, sc)
	case r < 60:
		return w.incident(s, sc)
	}
	return w.deliberate(s, sc, results)
}

func (w *crashWorkload) createSession() error {
	ids := slices.Clone(w.cands)
	w.rng.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	ref := "CRASH-" + w.nonce()
	s := &exam.Session{
		Kind: exam.KindCertification, Scope: exam.ScopeFullTitle, Reference: ref,
		StartDate: exam.NewDate(2026, 6, 15), Place: "Lyon, salle 3", TrainingCentre: "Centre de formation de Lyon",
		DayStart: exam.NewTimeOfDay(8, 30), DayEnd: exam.NewTimeOfDay(18, 0), Changeover: 10 * time.Minute,
		Jury: []exam.Member{
			{Name: "Sophie Bernard", Organisation: "Mairie de Lyon", Habilitation: "HAB-2024-001", Role: exam.JuryPresident, External: true},
			{Name: "Karim Haddad", Organisation: "Transdev", Habilitation: "HAB-2023-117", Role: exam.JuryMember, TrainerOf: []int64{ids[0]}},
			{Name: "Julie Petit", Organisation: "Keolis Lyon", Habilitation: "HAB-2022-042", Role: exam.JuryMember},
		},
	}
	for _, c := range ids[:3] {
		s.Candidates = append(s.Candidates, exam.SessionCandidate{Candidate: exam.Candidate{ID: c}})
	}
	if err := w.f.sessions.CreateSession(w.ctx, admin, s); err != nil {
		return err
	}
	w.ack("session.create", s.ID, `"reference":"`+ref+`"`)
	return nil
}

func (w *crashWorkload) timer(s *exam.Session, sc *exam.SessionCandidate) error {
	events, err := w.f.evals.TimerEvents(w.ctx, jury, s.ID, sc.Candidate.ID, "MSP")
	if err != nil {
		return err
	}
	state := exam.TimerNotStarted
	for _, e := range events {
		switch e.Kind {
		case exam.TimerStart, exam.TimerResume:
			state = exam.TimerRunning
		case exam.TimerPause:
			state = exam.TimerPaused
		case exam.TimerEnd:
			state = exam.TimerEnded
		}
	}
	e := exam.TimerEvent{At: w.at()}
	r := w.rng.IntN(100)
	switch {
	case state == exam.TimerEnded:
		return w.grid(s, sc)
	case state == exam.TimerNotStarted:
		e.Kind = exam.TimerStart
	case state == exam.TimerPaused && r < 70:
		e.Kind = exam.TimerResume
	case state == exam.TimerRunning && r < 35:
		e.Kind = exam.TimerPause
	case state == exam.TimerRunning && r < 55 && len(events) >= 4:
		e.Kind = exam.TimerEnd
	default:
		e.Kind, e.Extra, e.Reason = exam.TimerExtra, 5*time.Minute, "Temps supplémentaire "+w.nonce()
	}
	if err := w.f.evals.RecordTimerEvent(w.ctx, jury, s.ID, sc.Candidate.ID, "MSP", e); err != nil {
		return err
	}
	w.ack("timer.record", s.ID, `"at":"`+fmtTime(e.At)+`"`)
	return nil
}

func (w *crashWorkload) grid(s *exam.Session, sc *exam.SessionCandidate) error {
	b := w.f.ref.Block(sc.Blocks[w.rng.IntN(len(sc.Blocks))])
	var graders []int64
	for _, m := range s.Jury {
		if s.CanGrade(m.ID, sc.Candidate.ID) {
			graders = append(graders, m.ID)
		}
	}
	member := int64(0) // the collegial grid, now and then
	if w.rng.IntN(10) > 0 {
		member = graders[w.rng.IntN(len(graders))]
	}
	g := exam.NewGrid(sc.Candidate.ID, member, b)
	for i := range g.Assessments {
		g.Assessments[i].Verdict, g.Assessments[i].Observation = exam.Satisfied, "Démontré en situation."
		if w.rng.IntN(6) == 0 {
			g.Assessments[i].Verdict, g.Assessments[i].Observation = exam.NotSatisfied, "Pas démontré."
		}
	}
	g.Assessments[0].Observation += " " + w.nonce()
	if err := w.f.evals.SaveGrid(w.ctx, jury, s.ID, &g); err != nil {
		return err
	}
	w.ack("grid.save", s.ID, w.nonce())
	return nil
}

func (w *crashWorkload) incident(s *exam.Session, sc *exam.SessionCandidate) error {
	i := &exam.Incident{SessionID: s.ID, Kind: exam.IncidentOther, At: w.at(), Text: "Incident " + w.nonce()}
	if w.rng.IntN(2) == 0 {
		i.CandidateID, i.Trial = sc.Candidate.ID, "MSP"
	}
	if err := w.f.delib.RecordIncident(w.ctx, jury, i); err != nil {
		return err
	}
	w.ack("incident.record", s.ID, w.nonce())
	return nil
}

// deliberate decides a block of the candidate not decided yet (now and then
// one already decided, which withdraws the result), or confirms the result
// once every block is decided.
func (w *crashWorkload) deliberate(s *exam.Session, sc *exam.SessionCandidate, results []exam.CandidateResult) error {
	decisions, err := w.f.evals.Decisions(w.ctx, jury, s.ID, sc.Candidate.ID)
	if err != nil {
		return err
	}
	var open []string
	for _, b := range sc.Blocks {
		if !slices.ContainsFunc(decisions, func(d exam.BlockDecision) bool { return d.Block == b }) {
			open = append(open, b)
		}
	}
	confirmed := slices.ContainsFunc(results, func(r exam.CandidateResult) bool { return r.CandidateID == sc.Candidate.ID })
	if len(open) == 0 && !confirmed {
		r := exam.CandidateResult{SessionID: s.ID, CandidateID: sc.Candidate.ID, FinalInterviewNotes: "Entretien final " + w.nonce()}
		if err := w.f.delib.ConfirmResult(w.ctx, jury, &r); err != nil {
			return err
		}
		w.ack("result.confirm", s.ID, w.nonce())
		return nil
	}
	block := sc.Blocks[w.rng.IntN(len(sc.Blocks))]
	if len(open) > 0 && w.rng.IntN(10) > 0 {
		block = open[w.rng.IntN(len(open))]
	}
	d := exam.BlockDecision{CandidateID: sc.Candidate.ID, Block: block, Outcome: exam.OutcomeAcquired,
		Reason: "Motif " + w.nonce()}
	if w.rng.IntN(4) == 0 {
		d.Outcome = exam.OutcomeNotAcquired
	}
	if err := w.f.evals.Decide(w.ctx, jury, s.ID, &d); err != nil {
		return err
	}
	w.ack("decision.save", s.ID, w.nonce())
	return nil
}

// sign sets the next member's PIN or has them sign.
func (w *crashWorkload) sign(s *exam.Session) error {
	signatures, err := loadSignatures(w.ctx, w.f.db.reader, s.ID)
	if err != nil {
		return err
	}
	for _, m := range s.Jury {
		if slices.ContainsFunc(signatures, func(sg exam.Signature) bool { return sg.MemberID == m.ID }) {
			continue
		}
		var set bool
		if err := w.f.db.reader.QueryRowContext(w.ctx, "SELECT secret_hash <> '' FROM members WHERE id = ?", m.ID).Scan(&set); err != nil {
			return err
		}
		who := fmt.Sprintf(`"member_id":%d,`, m.ID)
		if !set {
			if err := w.f.delib.SetMemberSecret(w.ctx, jury, s.ID, m.ID, "2468"); err != nil {
				return err
			}
			w.ack("member.secret", s.ID, who)
			return nil
		}
		if err := w.f.delib.Sign(w.ctx, jury, s.ID, m.ID, "2468"); err != nil {
			return err
		}
		w.ack("minutes.sign", s.ID, who)
		return nil
	}
	return fmt.Errorf("session %d: everyone signed but it is not locked", s.ID)
}

// crashVerifier checks the database after each kill.
type crashVerifier struct {
	t   *testing.T
	ref *exam.Referentiel
	// headID and headHash are the last audit entry seen by the previous
	// check: the chain proves everything up to it unchanged since.
	headID   int64
	headHash string
	entries  int
	signed   int
	backups  map[string]bool // checked already
}

func newCrashVerifier(t *testing.T) *crashVerifier {
	return &crashVerifier{t: t, ref: MustReferentiel(t), backups: map[string]bool{}}
}

// crashEntry is an audit entry as the verifier reads it.
type crashEntry struct {
	id       int64
	action   string
	entityID int64
	newJSON  string
	hash     string
}

// verify reopens the database and checks it; false after reporting errors.
func (v *crashVerifier) verify(path string, acks []crashAck) bool {
	t := v.t
	t.Helper()
	ctx := context.Background()
	db, err := Open(path)
	if err != nil {
		t.Errorf("reopen after the kill: %v", err)
		return false
	}
	defer db.Close()
	rep, err := db.Check(ctx) // integrity_check, audit chain, signed PVs
	if err != nil || !rep.OK() {
		t.Errorf("Check after the kill: %v\n%s", err, rep)
		return false
	}
	var entries []crashEntry
	rows, err := db.reader.QueryContext(ctx, "SELECT id, action, entity_id, new_json, hash FROM audit_log ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var e crashEntry
		if err := rows.Scan(&e.id, &e.action, &e.entityID, &e.newJSON, &e.hash); err != nil {
			t.Fatal(err)
		}
		entries = append(entries, e)
	}
	rows.Close()

	ok := true
	// What the previous check saw is still there, unchanged.
	if v.headID > 0 && (int64(len(entries)) < v.headID || entries[v.headID-1].hash != v.headHash) {
		t.Errorf("the audit log lost or changed entries up to %d, seen before the kill", v.headID)
		ok = false
	}
	// Every acknowledged call of this run is in the log, after that point.
	for _, a := range acks {
		found := slices.ContainsFunc(entries[min(int(v.headID), len(entries)):], func(e crashEntry) bool {
			return e.action == a.action && e.entityID == a.entityID && strings.Contains(e.newJSON, a.fragment)
		})
		if !found {
			t.Errorf("acknowledged %s on %d (%s) is lost", a.action, a.entityID, a.fragment)
			ok = false
		}
	}
	if len(entries) > 0 {
		v.headID, v.headHash = entries[len(entries)-1].id, entries[len(entries)-1].hash
	}
	v.entries, v.signed = len(entries), rep.SignedSessions
	return v.consistent(ctx, db, entries) && v.checkBackups(ctx, db) && ok
}

// consistent replays the audit log and compares what it says the data is
// with the tables: a change is visible iff its audit entry is, and whole.
func (v *crashVerifier) consistent(ctx context.Context, db *DB, entries []crashEntry) bool {
	t := v.t
	type key = string
	want := map[string]map[key]string{} // table → row key → row
	put := func(table string, k key, row string) {
		if want[table] == nil {
			want[table] = map[key]string{}
		}
		want[table][k] = row
	}
	del := func(table string, match func(k key) bool) {
		for k := range want[table] {
			if match(k) {
				delete(want[table], k)
			}
		}
	}
	candidates := 0
	for _, e := range entries {
		var n map[string]json.RawMessage
		if err := json.Unmarshal([]byte(e.newJSON), &n); err != nil {
			t.Errorf("audit entry %d: %v", e.id, err)
			return false
		}
		str := func(m map[string]json.RawMessage, f string) string { return strings.Trim(string(m[f]), `"`) }
		sid := strconv.FormatInt(e.entityID, 10)
		switch e.action {
		case "candidate.import":
			c, _ := strconv.Atoi(string(n["count"]))
			candidates += c
		case "session.create":
			put("sessions", sid, "")
		case "session.start":
			put("started", sid, str(n, "started_at"))
		case "timer.record":
			put("timer_events", sid+"/"+str(n, "candidate_id")+"/"+str(n, "trial")+"/"+str(n, "seq"),
				str(n, "kind")+"|"+str(n, "at")+"|"+str(n, "extra_ns")+"|"+str(n, "reason"))
		case "grid.save":
			var g gridRecord
			if err := json.Unmarshal([]byte(e.newJSON), &g); err != nil {
				t.Errorf("audit entry %d: %v", e.id, err)
				return false
			}
			a, _ := json.Marshal(g.Assessments)
			put("grids", fmt.Sprintf("%s/%d/%s/%d", sid, g.CandidateID, g.Block, g.MemberID), string(a))
		case "decision.save":
			var d struct {
				Decision        decisionRecord `json:"decision"`
				ResultWithdrawn bool           `json:"result_withdrawn"`
			}
			if err := json.Unmarshal([]byte(e.newJSON), &d); err != nil {
				t.Errorf("audit entry %d: %v", e.id, err)
				return false
			}
			put("decisions", fmt.Sprintf("%s/%d/%s", sid, d.Decision.CandidateID, d.Decision.Block),
				d.Decision.Outcome+"|"+d.Decision.Reason+"|"+d.Decision.DecidedAt)
			if d.ResultWithdrawn {
				del("results", func(k key) bool { return k == fmt.Sprintf("%s/%d", sid, d.Decision.CandidateID) })
			}
		case "result.confirm":
			put("results", sid+"/"+str(n, "candidate_id"), str(n, "result")+"|"+str(n, "notes"))
		case "incident.record":
			put("incidents", str(n, "id"), sid+"|"+str(n, "text"))
		case "member.secret":
			put("secrets", str(n, "member_id"), "")
		case "minutes.sign":
			put("signatures", sid+"/"+str(n, "member_id"), str(n, "signed_at"))
			if string(n["locked"]) == "true" {
				put("signed", sid, str(n, "signed_at"))
			}
		case "candidate.acquired":
			var acq struct {
				Acquired []acquiredRecord `json:"acquired"`
			}
			if err := json.Unmarshal([]byte(e.newJSON), &acq); err != nil {
				t.Errorf("audit entry %d: %v", e.id, err)
				return false
			}
			var codes []string
			for _, a := range acq.Acquired {
				codes = append(codes, a.BlockCode)
			}
			put("acquired", strconv.FormatInt(e.entityID, 10), strings.Join(codes, ","))
		default:
			t.Errorf("audit entry %d: unexpected action %s", e.id, e.action)
			return false
		}
		if w := n["signatures_withdrawn"]; len(w) > 0 && string(w) != "null" && string(w) != "[]" {
			del("signatures", func(k key) bool { return strings.HasPrefix(k, sid+"/") })
		}
	}

	got := map[string]map[key]string{}
	queries := map[string]string{
		"sessions":     "SELECT id, '' FROM sessions",
		"started":      "SELECT id, started_at FROM sessions WHERE started_at <> ''",
		"timer_events": "SELECT session_id || '/' || candidate_id || '/' || trial || '/' || seq, kind || '|' || at || '|' || extra_ns || '|' || reason FROM timer_events",
		"grids":        "SELECT session_id || '/' || candidate_id || '/' || block || '/' || member_id, assessments FROM grids",
		"decisions":    "SELECT session_id || '/' || candidate_id || '/' || block, outcome || '|' || reason || '|' || decided_at FROM decisions",
		"results":      "SELECT session_id || '/' || candidate_id, result || '|' || notes FROM results",
		"incidents":    "SELECT id, session_id || '|' || text FROM incidents",
		"secrets":      "SELECT id, '' FROM members WHERE secret_hash <> ''",
		"signatures":   "SELECT session_id || '/' || member_id, signed_at FROM signatures",
		"signed":       "SELECT id, signed_at FROM sessions WHERE signed_at <> ''",
		"acquired":     "SELECT candidate_id, group_concat(block_code, ',') FROM (SELECT * FROM acquired_blocks ORDER BY candidate_id, block_code) GROUP BY candidate_id",
	}
	ok := true
	for table, q := range queries {
		rows, err := db.reader.QueryContext(ctx, q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		got[table] = map[key]string{}
		for rows.Next() {
			var k, row string
			if err := rows.Scan(&k, &row); err != nil {
				t.Fatal(err)
			}
			got[table][k] = row
		}
		rows.Close()
		for k, row := range got[table] {
			if w, in := want[table][k]; !in || w != row {
				t.Errorf("%s %s = %q in the database, %q (present %v) by the audit log", table, k, row, w, in)
				ok = false
			}
		}
		for k, w := range want[table] {
			if _, in := got[table][k]; !in {
				t.Errorf("%s %s: in the audit log (%q), not in the database", table, k, w)
				ok = false
			}
		}
	}
	// Grids are whole: every competence of the block, each with a verdict.
	for k, a := range got["grids"] {
		var as []assessmentRecord
		block := strings.Split(k, "/")[2]
		if err := json.Unmarshal([]byte(a), &as); err != nil || v.ref.Block(block) == nil || len(as) != len(v.ref.Block(block).Competences) {
			t.Errorf("grid %s is not whole: %s (%v)", k, a, err)
			ok = false
			continue
		}
		for _, x := range as {
			if x.Verdict != string(exam.Satisfied) && x.Verdict != string(exam.NotSatisfied) {
				t.Errorf("grid %s: competence %d without a verdict", k, x.Competence)
				ok = false
			}
		}
	}
	if n := count(t, db, "SELECT count(*) FROM candidates"); n != candidates {
		t.Errorf("%d candidates, %d imported by the audit log", n, candidates)
		ok = false
	}
	return ok
}

// checkBackups checks the automatic backups written since the last check:
// a backup is whole or absent (an unfinished one keeps its .partial name).
func (v *crashVerifier) checkBackups(ctx context.Context, db *DB) bool {
	entries, err := os.ReadDir(db.BackupDir())
	if err != nil {
		return true // none yet
	}
	ok := true
	for _, e := range entries {
		name := e.Name()
		switch {
		case v.backups[name], strings.HasSuffix(name, partialSuffix), strings.HasSuffix(name, partialSuffix+"-journal"):
			continue
		case !backupName.MatchString(name):
			v.t.Errorf("unexpected file %s in the backups folder", name)
			ok = false
			continue
		}
		if _, err := VerifyBackup(ctx, filepath.Join(db.BackupDir(), name)); err != nil {
			v.t.Errorf("backup %s: %v", name, err)
			ok = false
		}
		v.backups[name] = true
	}
	return ok
}
