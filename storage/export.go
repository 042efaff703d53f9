package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/amisjury/amis/exam"
)

// ExportSelection says which sessions an export for the certifier covers:
// the sessions listed by ID, and the certification sessions overlapping
// [From, To] (a zero bound leaves that side open; both zero: no range).
type ExportSelection struct {
	SessionIDs []int64
	From, To   exam.Date
	// Draft lets in sessions whose procès-verbal is not signed yet; the
	// export is then provisional (ExportHead.Provisional): a working
	// document marked PROVISOIRE, never to be sent to the certifier.
	Draft bool
}

// Empty reports whether the selection names no session and no range.
func (sel ExportSelection) Empty() bool {
	return len(sel.SessionIDs) == 0 && sel.From.IsZero() && sel.To.IsZero()
}

// ExportSession is one session of an export: its own fields and jury
// (Session.Candidates is left empty, the candidates come as rows), the state
// of its procès-verbal and how many candidates are registered.
type ExportSession struct {
	exam.Session
	Minutes    exam.Minutes
	Candidates int
}

// Name is the session's reference, or "session <id>" when it has none: how
// the export names the session on every row (as the record of acquired
// blocks does).
func (s *ExportSession) Name() string {
	if s.Reference != "" {
		return s.Reference
	}
	return fmt.Sprintf("session %d", s.ID)
}

// LastDay is the session's last day (its start for a one-day session).
func (s *ExportSession) LastDay() exam.Date {
	if !s.EndDate.IsZero() {
		return s.EndDate
	}
	return s.StartDate
}

// DecisionDate is the date of the jury's decisions as the certifier knows
// it: the day the procès-verbal was signed (local time); zero while it is
// not signed.
func (s *ExportSession) DecisionDate() exam.Date {
	if s.SignedAt.IsZero() {
		return exam.Date{}
	}
	return exam.DateOf(s.SignedAt.In(time.Local))
}

// ExportHead is what an export covers, known before its rows.
type ExportHead struct {
	Referentiel *exam.Referentiel
	// Sessions in export order: first day, then ID.
	Sessions []*ExportSession
	// Candidates is the number of rows to come.
	Candidates int
	// Provisional is set when some session's procès-verbal is not signed
	// (possible only with ExportSelection.Draft): every sheet must then say
	// PROVISOIRE.
	Provisional bool
	// At is when the data was read.
	At time.Time
}

// ExportRow is one candidate registered in one session of an export. The
// service reuses the row and its slices: a sink keeps none of them after Row
// returns. The strings it holds are ordinary immutable Go strings, which a
// sink may keep (the xlsx encoder does, until its writers are done).
type ExportRow struct {
	Session *ExportSession
	// Candidate is the identity as the civil status has it (number, names,
	// sex, birth date and place), the access route and training centre, and
	// the blocks acquired before the session's first day. E-mail, phone and
	// SST date are not read: they do not go to the certifier.
	Candidate exam.Candidate
	Absent    bool
	// Accommodations reports whether accommodations were granted (see
	// AccommodationsGranted); never which, never why.
	Accommodations bool
	// AccommodationList is the French list of the functional
	// accommodations applied (exam.AccommodationProfile.FrenchList of the
	// session's snapshot), "" when none: never anything medical.
	AccommodationList string
	// Blocks gives every block of the référentiel in order with its
	// outcome: OutcomeAcquired or OutcomeNotAcquired (decided here),
	// OutcomeAlreadyAcquired (déjà acquis), OutcomeNotSat (not sat here, or
	// the candidate was absent), OutcomePending (sat, not decided yet: only in
	// a provisional export).
	Blocks []exam.BlockResult
	// Result is the overall result the jury confirmed; ResultAbsent for an
	// absent candidate without a confirmed result; ResultPending while none
	// is confirmed (only in a provisional export).
	Result exam.Result
	// Competences gives, for each block examined here (sat by a present
	// candidate, not already acquired), the jury's consolidated verdict on
	// each of its competences (exam.JuryView over the grids, leaving out the
	// grids of members barred by a conflict of interest, as Decide does).
	Competences []ExportCompetence
}

// ExportCompetence is the jury's view of one competence of one block.
type ExportCompetence struct {
	Block *exam.Block
	exam.CompetenceView
}

// ExportSink receives an export: Begin once, then Row for every
// registered candidate, session by session in head order and in
// registration order within a session. An error stops the export.
type ExportSink interface {
	Begin(h *ExportHead) error
	Row(r *ExportRow) error
}

// AccommodationsGranted reports whether a candidate was granted
// accommodations, as the certifier is told (never why): the accommodations
// applied in the session grant something (the registration's copy of the
// profile), or, without a profile, a time allowance is set
// (exam.SessionCandidate.AccommodationsGranted).
func AccommodationsGranted(sc *exam.SessionCandidate) bool {
	return sc.AccommodationsGranted()
}

// ExportService reads the sessions that go to the certifier.
type ExportService struct {
	db  *DB
	ref *exam.Referentiel
}

// NewExportService returns the export service of db; ref gives the blocks
// and competences the rows are laid out by.
func NewExportService(db *DB, ref *exam.Referentiel) *ExportService {
	return &ExportService{db: db, ref: ref}
}

// Export reads the sessions of sel from one consistent snapshot (two read
// transactions on two connections, DB.readSnapshot) and hands them to sink:
// the head, then one row per registered candidate, streamed from two
// queries run at the same time (exportMain, exportJudged) so that memory
// does not grow with the number of candidates.
//
// Refusals, before sink sees anything: EFORBIDDEN unless the actor may
// export (exam.PermExport: the export holds every candidate's identity);
// ENOTFOUND for an unknown session; EINVALID with key err.export.none (no
// session selected or none in the range), err.export.mock (a mock exam:
// never sent to the certifier; a range leaves them out by itself) or
// err.export.unsigned (a session whose procès-verbal is not signed, without
// sel.Draft).
func (s *ExportService) Export(ctx context.Context, a exam.Actor, sel ExportSelection, sink ExportSink) error {
	if err := a.Require(exam.PermExport); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	err := s.db.readSnapshot(ctx, 2, func(qs []queryer) error {
		head, err := s.head(ctx, qs[0], sel)
		if err != nil {
			return err
		}
		if err := sink.Begin(head); err != nil {
			return err
		}
		r := &exportReader{ref: s.ref}
		for _, sess := range head.Sessions {
			if err := r.session(ctx, qs, sess, sink); err != nil {
				return fmt.Errorf("session %s: %w", sess.Name(), err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// ExportHead checks sel as Export does and returns what it would export,
// without the rows: what a dialog shows before the export starts.
func (s *ExportService) ExportHead(ctx context.Context, a exam.Actor, sel ExportSelection) (*ExportHead, error) {
	if err := a.Require(exam.PermExport); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	var head *ExportHead
	err := s.db.read(ctx, func(q queryer) error {
		var err error
		head, err = s.head(ctx, q, sel)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	return head, nil
}

// head resolves the selection and applies the rules.
func (s *ExportService) head(ctx context.Context, q queryer, sel ExportSelection) (*ExportHead, error) {
	ids := slices.Clone(sel.SessionIDs)
	if !sel.From.IsZero() || !sel.To.IsZero() {
		inRange, err := certificationSessionsIn(ctx, q, sel.From, sel.To)
		if err != nil {
			return nil, err
		}
		if len(inRange) == 0 && len(sel.SessionIDs) == 0 {
			return nil, exam.Errorf(exam.EINVALID, "err.export.none_in_range",
				"no certification session between {{.From}} and {{.To}}",
				map[string]any{"From": orDots(sel.From), "To": orDots(sel.To)})
		}
		ids = append(ids, inRange...)
	}
	if len(ids) == 0 {
		return nil, exam.Errorf(exam.EINVALID, "err.export.none", "choose at least one session to export", nil)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	head := &ExportHead{Referentiel: s.ref, At: s.db.now()}
	var mock, unsigned []string
	for _, id := range ids {
		sess, err := loadExportSession(ctx, q, id)
		if err != nil {
			return nil, err
		}
		switch {
		case sess.Kind != exam.KindCertification:
			mock = append(mock, sess.Name())
		case !sess.Locked():
			unsigned = append(unsigned, sess.Name())
		}
		head.Sessions = append(head.Sessions, sess)
		head.Candidates += sess.Candidates
	}
	if len(mock) > 0 {
		return nil, exam.Errorf(exam.EINVALID, "err.export.mock",
			"{{.Sessions}}: a mock exam (examen blanc) is never sent to the certifier",
			map[string]any{"Sessions": strings.Join(mock, ", "), "Count": len(mock)})
	}
	if len(unsigned) > 0 && !sel.Draft {
		return nil, exam.Errorf(exam.EINVALID, "err.export.unsigned",
			"{{.Sessions}}: the procès-verbal is not signed; only a draft marked PROVISOIRE can be exported",
			map[string]any{"Sessions": strings.Join(unsigned, ", "), "Count": len(unsigned)})
	}
	head.Provisional = len(unsigned) > 0
	slices.SortStableFunc(head.Sessions, func(a, b *ExportSession) int {
		if c := strings.Compare(a.StartDate.ISO(), b.StartDate.ISO()); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
	return head, nil
}

func orDots(d exam.Date) string {
	if d.IsZero() {
		return "…"
	}
	return d.String()
}

// certificationSessionsIn returns the certification sessions overlapping
// [from, to], as FindSessions selects them.
func certificationSessionsIn(ctx context.Context, q queryer, from, to exam.Date) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT id FROM sessions WHERE kind = 'certification'
		AND (?1 = '' OR start_date <= ?1)
		AND (?2 = '' OR (CASE WHEN end_date = '' THEN start_date ELSE end_date END) >= ?2)
		ORDER BY start_date, id`, to.ISO(), from.ISO())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// loadExportSession reads a session's own fields, jury, minutes and number
// of candidates, but not the candidates themselves. ENOTFOUND.
func loadExportSession(ctx context.Context, q queryer, id int64) (*ExportSession, error) {
	es := &ExportSession{}
	s := &es.Session
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
	if err := loadJury(ctx, q, s); err != nil {
		return nil, err
	}
	es.Minutes = exam.Minutes{SessionID: id, SignedAt: s.SignedAt}
	if es.Minutes.Signatures, err = loadSignatures(ctx, q, id); err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, "SELECT id, at, by, reason, what FROM amendments WHERE session_id = ? ORDER BY id", id)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var am exam.Amendment
		var at string
		if err := rows.Scan(&am.ID, &at, &am.By, &am.Reason, &am.What); err != nil {
			rows.Close()
			return nil, err
		}
		if am.At, err = parseTime(at); err != nil {
			rows.Close()
			return nil, err
		}
		es.Minutes.Amendments = append(es.Minutes.Amendments, am)
	}
	err = rows.Err()
	rows.Close()
	if err != nil {
		return nil, err
	}
	if err := q.QueryRowContext(ctx, "SELECT count(*) FROM session_candidates WHERE session_id = ?", id).Scan(&es.Candidates); err != nil {
		return nil, err
	}
	return es, nil
}

// The rows of one session come from two queries, run at the same time on
// two connections that see the same snapshot (DB.readSnapshot), each
// stepped by a goroutine of its own, both in registration order:
// exportMain gives the candidate, exportJudged what the jury decided.
// Their outer loop is the ordered registrations (a small sort of two
// integers, in a subquery kept apart by its LIMIT); everything else is
// looked up per row by primary key, so SQLite never sorts the wide rows.
//
// exportMain packs the candidate's text columns in one, each as
// "<bytes>:<text>" (one column instead of fifteen: the driver's cost is per
// column, and it is most of the cost of a row), then gives the blocks
// acquired before the session as "code date" pairs.
//
// exportJudged gives the decisions as "code outcome" pairs and, for a sink
// that wants the competences, the grids: block, member and assessments
// separated by U+001F, one grid after the other separated by U+001E (the
// JSON of the assessments, written by encoding/json, never holds those raw
// control characters).
const (
	exportRegistrations = `FROM (SELECT candidate_id, position FROM session_candidates WHERE session_id = ?1
	ORDER BY position, candidate_id LIMIT -1) o`
	exportMainFormat = `SELECT sc.candidate_id, sc.absent,
	%s,
	coalesce((SELECT group_concat(a.block_code || ' ' || a.acquired_on, ' ') FROM acquired_blocks a
		WHERE a.candidate_id = sc.candidate_id AND a.acquired_on < ?2), '')
` + exportRegistrations + `
JOIN session_candidates sc ON sc.session_id = ?1 AND sc.candidate_id = o.candidate_id
JOIN candidates c ON c.id = sc.candidate_id
LEFT JOIN results r ON r.session_id = ?1 AND r.candidate_id = sc.candidate_id
ORDER BY o.position, o.candidate_id`
	exportJudgedFormat = `SELECT o.candidate_id,
	coalesce((SELECT group_concat(d.block || ' ' || d.outcome, ' ') FROM decisions d
		WHERE d.session_id = ?1 AND d.candidate_id = o.candidate_id), ''),
	%s
` + exportRegistrations + `
ORDER BY o.position, o.candidate_id`
)

// packedColumns are the text columns exportMain packs, in order.
var packedColumns = []string{"sc.blocks", "sc.allowance", "sc.employer", "coalesce(c.number, '')", "c.birth_name",
	"c.usage_name", "c.first_names", "c.sex", "c.birth_date", "c.birth_city", "c.birth_country", "c.access_route",
	"c.training_centre", "coalesce(r.result, '')", "coalesce(sc.accommodations, '')"}

var packed = func() string {
	parts := make([]string, len(packedColumns))
	for i, c := range packedColumns {
		parts[i] = "octet_length(" + c + "), ':', " + c
	}
	// concat (SQLite 3.44) builds the string once; a chain of || copies
	// the growing string at every step (0.4 s of 1.4 s on 100,000 rows).
	return "concat(" + strings.Join(parts, ", ") + ")"
}()

// The queries; exportJudged with and without the grids.
var (
	exportMain        = fmt.Sprintf(exportMainFormat, packed)
	exportJudgedGrids = fmt.Sprintf(exportJudgedFormat, `coalesce((SELECT group_concat(concat(g.block, char(31), g.member_id, char(31), g.assessments), char(30))
		FROM grids g WHERE g.session_id = ?1 AND g.candidate_id = o.candidate_id), '')`)
	exportJudgedNoGrids = fmt.Sprintf(exportJudgedFormat, "''")
)

// unpack splits the packed column into its len(dst) texts.
func unpack(s string, dst []string) error {
	for i := range dst {
		colon := strings.IndexByte(s, ':')
		if colon < 0 {
			return fmt.Errorf("packed row: field %d missing", i)
		}
		n, err := strconv.Atoi(s[:colon])
		if err != nil || n < 0 || colon+1+n > len(s) {
			return fmt.Errorf("packed row: field %d: bad length %q", i, s[:colon])
		}
		dst[i] = s[colon+1 : colon+1+n]
		s = s[colon+1+n:]
	}
	if s != "" {
		return errors.New("packed row: trailing data")
	}
	return nil
}

// ExportCompetencesSink is implemented by a sink that tells whether it
// writes the competences: the service does not read the grids for one that
// does not (the CSV encoder). A sink without the method gets them.
type ExportCompetencesSink interface {
	ExportSink
	WantsCompetences() bool
}

// exportReader turns the rows of exportRows into ExportRows, reusing its
// buffers from one row to the next.
type exportReader struct {
	ref       *exam.Referentiel
	row       ExportRow
	sc        exam.SessionCandidate
	decisions []exam.BlockDecision
	grids     []exam.Grid
	// assessments holds the assessments of grids, one after the other.
	assessments []exam.Assessment
	views       []exam.CompetenceView
	conflicts   *conflictCache
}

// rawRow is one candidate as the two queries give it, before parsing:
// exportMain fills id, absent, pack and acquired, exportJudged judgedID,
// decisions and grids.
type rawRow struct {
	id, judgedID                     int64
	absent                           bool
	pack, acquired, decisions, grids string
}

// rawBatch is a batch of rows handed from a goroutine that steps a query to
// the one that parses them.
type rawBatch struct {
	rows []rawRow
	err  error // the query's error, in the last batch
}

// rawBatchRows is how many rows a batch holds: enough to make the hand-over
// cheap, few enough that the batches in flight weigh nothing.
const rawBatchRows = 256

// rawStream is one of the two queries of a session, stepped by a goroutine
// of its own: full receives its batches, the last one shorter than
// rawBatchRows or carrying an error; the parser gives them back on free.
type rawStream struct {
	full chan *rawBatch
	free chan *rawBatch
}

// stepRows runs query on q in a new goroutine and streams its rows, scanned
// by scan, until the end, an error or stop; done is closed once the
// goroutine has closed the rows.
func stepRows(ctx context.Context, q queryer, query string, args []any, scan func(*sql.Rows, *rawRow) error,
	stop <-chan struct{}, done chan<- struct{}) *rawStream {
	st := &rawStream{full: make(chan *rawBatch, 2), free: make(chan *rawBatch, 3)}
	for range 3 {
		st.free <- &rawBatch{rows: make([]rawRow, 0, rawBatchRows)}
	}
	go func() {
		defer close(done)
		defer close(st.full)
		send := func(b *rawBatch) bool {
			select {
			case st.full <- b:
				return true
			case <-stop:
				return false
			}
		}
		rows, err := q.QueryContext(ctx, query, args...)
		if err != nil {
			send(&rawBatch{err: err})
			return
		}
		defer rows.Close()
		for {
			var b *rawBatch
			select {
			case b = <-st.free:
			case <-stop:
				return
			}
			b.rows = b.rows[:0]
			for len(b.rows) < rawBatchRows && rows.Next() {
				b.rows = append(b.rows, rawRow{})
				if b.err = scan(rows, &b.rows[len(b.rows)-1]); b.err != nil {
					b.rows = b.rows[:len(b.rows)-1]
					break
				}
			}
			last := b.err != nil || len(b.rows) < rawBatchRows
			if last && b.err == nil {
				b.err = rows.Err()
			}
			if !send(b) || last {
				return
			}
		}
	}()
	return st
}

// session hands the candidates of one session to sink. Three goroutines
// share the work: two step exportMain and exportJudged on qs[0] and qs[1]
// (SQLite's time, about two thirds of the reading), this one parses their
// rows, proposes the results, consolidates the grids and calls sink.Row.
func (r *exportReader) session(ctx context.Context, qs []queryer, sess *ExportSession, sink ExportSink) error {
	judged, comps := exportJudgedGrids, true
	if cs, ok := sink.(ExportCompetencesSink); ok && !cs.WantsCompetences() {
		judged, comps = exportJudgedNoGrids, false
	}
	stop := make(chan struct{})
	mainDone, judgedDone := make(chan struct{}), make(chan struct{})
	main := stepRows(ctx, qs[0], exportMain, []any{sess.ID, sess.StartDate.ISO()}, func(rows *sql.Rows, x *rawRow) error {
		return rows.Scan(&x.id, &x.absent, &x.pack, &x.acquired)
	}, stop, mainDone)
	jud := stepRows(ctx, qs[1], judged, []any{sess.ID}, func(rows *sql.Rows, x *rawRow) error {
		return rows.Scan(&x.judgedID, &x.decisions, &x.grids)
	}, stop, judgedDone)
	err := r.consume(ctx, sess, sink, comps, main, jud)
	close(stop)
	<-mainDone
	<-judgedDone
	return err
}

// consume parses the batches of the two streams, in step, gives each batch
// back once parsed, and hands the rows to sink.
func (r *exportReader) consume(ctx context.Context, sess *ExportSession, sink ExportSink, comps bool, main, jud *rawStream) error {
	r.conflicts = newConflictCache(&sess.Session)
	f := make([]string, len(packedColumns))
	for {
		bm, ok1 := <-main.full
		bj, ok2 := <-jud.full
		if !ok1 || !ok2 {
			return errors.New("export rows: a query stopped early")
		}
		if bm.err == nil && bj.err == nil && len(bm.rows) != len(bj.rows) {
			return fmt.Errorf("export rows: %d candidates and %d results in step", len(bm.rows), len(bj.rows))
		}
		for i := range min(len(bm.rows), len(bj.rows)) {
			x, y := &bm.rows[i], &bj.rows[i]
			if x.id != y.judgedID {
				return fmt.Errorf("export rows: candidate %d and results of candidate %d in step", x.id, y.judgedID)
			}
			x.decisions, x.grids = y.decisions, y.grids
			if err := r.one(sess, sink, comps, x, f); err != nil {
				return err
			}
		}
		if bm.err != nil {
			return bm.err
		}
		if bj.err != nil {
			return bj.err
		}
		if len(bm.rows) < rawBatchRows {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		main.free <- bm
		jud.free <- bj
	}
}

// one parses one raw row and hands it to sink.
func (r *exportReader) one(sess *ExportSession, sink ExportSink, comps bool, x *rawRow, f []string) error {
	id, absent := x.id, x.absent
	if err := unpack(x.pack, f); err != nil {
		return fmt.Errorf("candidate %d: %w", id, err)
	}
	blocks, allowance, employer, result, snap := f[0], f[1], f[2], f[13], f[14]
	row := &r.row
	*row = ExportRow{Session: sess, Absent: absent, Blocks: row.Blocks[:0], Competences: row.Competences[:0]}
	c := &row.Candidate
	c.ID, c.Number, c.BirthName, c.UsageName, c.FirstNames = id, f[3], f[4], f[5], f[6]
	c.Sex, c.BirthCity, c.BirthCountry = exam.Sex(f[7]), f[9], f[10]
	c.AccessRoute, c.TrainingCentre = exam.AccessRoute(f[11]), f[12]
	var err error
	if c.BirthDate, err = parseISO(f[8]); err != nil {
		return fmt.Errorf("candidate %d: %w", id, err)
	}
	if c.Acquired, err = parseAcquired(x.acquired); err != nil {
		return fmt.Errorf("candidate %d: %w", id, err)
	}
	r.sc = exam.SessionCandidate{Candidate: *c, Employer: employer, Absent: absent}
	if r.sc.Blocks, err = parseCodes(blocks); err != nil {
		return fmt.Errorf("candidate %d: blocks: %w", id, err)
	}
	if allowance != "{}" && allowance != "" {
		var al allowanceRecord
		if err := json.Unmarshal([]byte(allowance), &al); err != nil {
			return fmt.Errorf("candidate %d: allowance: %w", id, err)
		}
		r.sc.Allowance = al.allowance()
	}
	if r.sc.Accommodations, err = parseSnapshot(id, snap); err != nil {
		return fmt.Errorf("candidate %d: %w", id, err)
	}
	row.Accommodations = AccommodationsGranted(&r.sc)
	row.AccommodationList = r.sc.AccommodationList()
	if r.decisions, err = parseDecisions(r.decisions[:0], id, x.decisions); err != nil {
		return fmt.Errorf("candidate %d: %w", id, err)
	}
	prop := exam.ProposeResult(r.ref, sess.Kind, sess.Scope, &r.sc, r.decisions)
	for _, b := range prop.Blocks {
		if absent && b.Outcome == exam.OutcomePending {
			b.Outcome = exam.OutcomeNotSat
		}
		row.Blocks = append(row.Blocks, b)
	}
	row.Result = exam.Result(result)
	if row.Result == exam.ResultPending && absent {
		row.Result = exam.ResultAbsent
	}
	if !absent && comps {
		if err := r.competences(row, x.grids); err != nil {
			return fmt.Errorf("candidate %d: %w", id, err)
		}
	}
	return sink.Row(row)
}

// competences fills row.Competences from the candidate's grids.
func (r *exportReader) competences(row *ExportRow, grids string) error {
	var err error
	if r.grids, r.assessments, err = parseGrids(r.grids[:0], r.assessments[:0], row.Candidate.ID, grids); err != nil {
		return err
	}
	kept := r.grids[:0]
	for _, g := range r.grids {
		if g.Collegial() || !r.conflicts.barred(g.MemberID, &r.sc) {
			kept = append(kept, g)
		}
	}
	for i, br := range row.Blocks {
		switch br.Outcome {
		case exam.OutcomeAcquired, exam.OutcomeNotAcquired, exam.OutcomePending:
		default:
			continue
		}
		b := &r.ref.Blocks[i]
		r.views = exam.AppendJuryView(r.views[:0], b, kept)
		for _, cv := range r.views {
			row.Competences = append(row.Competences, ExportCompetence{Block: b, CompetenceView: cv})
		}
	}
	return nil
}

// conflictCache answers exam.Session.CanGrade for the rows of one session
// without folding the same organisations again for every candidate.
type conflictCache struct {
	members map[int64]*exam.Member
	byID    map[int64]map[int64]bool // member → candidates trained or declared
	orgs    map[orgKey]bool
}

type orgKey struct {
	member           int64
	employer, centre string
}

func newConflictCache(s *exam.Session) *conflictCache {
	cc := &conflictCache{members: map[int64]*exam.Member{}, byID: map[int64]map[int64]bool{}, orgs: map[orgKey]bool{}}
	for i := range s.Jury {
		m := &s.Jury[i]
		cc.members[m.ID] = m
		ids := map[int64]bool{}
		for _, id := range m.TrainerOf {
			ids[id] = true
		}
		for _, id := range m.ConflictWith {
			ids[id] = true
		}
		cc.byID[m.ID] = ids
	}
	return cc
}

// barred reports whether the member may not grade the candidate: not in
// the jury, or in conflict of interest (exam.ConflictsBetween).
func (cc *conflictCache) barred(memberID int64, sc *exam.SessionCandidate) bool {
	m := cc.members[memberID]
	if m == nil {
		return true
	}
	if cc.byID[memberID][sc.Candidate.ID] {
		return true
	}
	k := orgKey{memberID, sc.Employer, sc.Candidate.TrainingCentre}
	b, ok := cc.orgs[k]
	if !ok {
		probe := exam.SessionCandidate{Candidate: exam.Candidate{TrainingCentre: k.centre}, Employer: k.employer}
		b = len(exam.ConflictsBetween(m, &probe)) > 0
		cc.orgs[k] = b
	}
	return b
}

// parseCodes reads the JSON array of block codes of session_candidates
// (["RNCP37722BC01","RNCP37722BC02"]) without encoding/json when it holds
// plain codes, as it always does.
func parseCodes(s string) ([]string, error) {
	if s == "[]" || s == "" {
		return nil, nil
	}
	if len(s) >= 4 && s[0] == '[' && s[len(s)-1] == ']' && !strings.ContainsAny(s, `\ `) {
		parts := strings.Split(s[1:len(s)-1], ",")
		out := make([]string, 0, len(parts))
		ok := true
		for _, p := range parts {
			if len(p) < 2 || p[0] != '"' || p[len(p)-1] != '"' || strings.Contains(p[1:len(p)-1], `"`) {
				ok = false
				break
			}
			out = append(out, p[1:len(p)-1])
		}
		if ok {
			return out, nil
		}
	}
	var out []string
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil, err
	}
	return out, nil
}

// parseAcquired reads "code date code date…".
func parseAcquired(s string) ([]exam.AcquiredBlock, error) {
	if s == "" {
		return nil, nil
	}
	f := strings.Fields(s)
	if len(f)%2 != 0 {
		return nil, fmt.Errorf("acquired blocks %q", s)
	}
	out := make([]exam.AcquiredBlock, 0, len(f)/2)
	for i := 0; i < len(f); i += 2 {
		d, err := parseISO(f[i+1])
		if err != nil {
			return nil, err
		}
		out = append(out, exam.AcquiredBlock{BlockCode: f[i], Date: d})
	}
	return out, nil
}

// parseDecisions reads "code outcome code outcome…".
func parseDecisions(dst []exam.BlockDecision, candidateID int64, s string) ([]exam.BlockDecision, error) {
	if s == "" {
		return dst, nil
	}
	f := strings.Fields(s)
	if len(f)%2 != 0 {
		return nil, fmt.Errorf("decisions %q", s)
	}
	for i := 0; i < len(f); i += 2 {
		dst = append(dst, exam.BlockDecision{CandidateID: candidateID, Block: f[i], Outcome: exam.BlockOutcome(f[i+1])})
	}
	return dst, nil
}

// parseGrids reads the grids of exportJudged's last column, appending them
// to dst and their assessments to arena.
func parseGrids(dst []exam.Grid, arena []exam.Assessment, candidateID int64, s string) ([]exam.Grid, []exam.Assessment, error) {
	for s != "" {
		var one string
		one, s, _ = strings.Cut(s, "\x1e")
		block, rest, ok1 := strings.Cut(one, "\x1f")
		member, assessments, ok2 := strings.Cut(rest, "\x1f")
		if !ok1 || !ok2 {
			return nil, nil, fmt.Errorf("grid %q", one)
		}
		mid, err := strconv.ParseInt(member, 10, 64)
		if err != nil {
			return nil, nil, fmt.Errorf("grid %s: member %q", block, member)
		}
		g := exam.Grid{CandidateID: candidateID, Block: block, MemberID: mid}
		from := len(arena)
		if arena, err = appendVerdicts(arena, assessments); err != nil {
			return nil, nil, fmt.Errorf("grid %s, member %d: %w", block, mid, err)
		}
		g.Assessments = arena[from:len(arena):len(arena)]
		dst = append(dst, g)
	}
	return dst, arena, nil
}

// parseVerdicts reads the competences and verdicts of a grid's assessments
// (the JSON of []assessmentRecord).
func parseVerdicts(s string) ([]exam.Assessment, error) {
	return appendVerdicts(make([]exam.Assessment, 0, 5), s)
}

// appendVerdicts is parseVerdicts appending to dst. It scans the JSON
// encoding/json writes — objects of a number "competence", a string
// "verdict" and an optional string "observation" — and leaves anything else
// to encoding/json: a thousand grids are read per millisecond this way,
// twenty times as many as with json.Unmarshal, which matters for 100,000
// candidates.
func appendVerdicts(dst []exam.Assessment, s string) ([]exam.Assessment, error) {
	if out, ok := appendScanned(dst, s); ok {
		return out, nil
	}
	var recs []assessmentRecord
	if err := json.Unmarshal([]byte(s), &recs); err != nil {
		return nil, err
	}
	for _, r := range recs {
		dst = append(dst, exam.Assessment{Competence: r.Competence, Verdict: exam.Verdict(r.Verdict)})
	}
	return dst, nil
}

// scanVerdicts is parseVerdicts' fast path; ok is false when s is not in
// the expected shape.
func scanVerdicts(s string) (out []exam.Assessment, ok bool) {
	return appendScanned(make([]exam.Assessment, 0, 5), s)
}

// appendScanned is appendVerdicts' fast path; ok is false when s is not in
// the expected shape (dst may then hold part of it).
func appendScanned(out []exam.Assessment, s string) (_ []exam.Assessment, ok bool) {
	const comp, verd, obs = `{"competence":`, `"verdict":"`, `"observation":"`
	if len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' {
		return nil, false
	}
	i := 1
	for i < len(s)-1 {
		if !strings.HasPrefix(s[i:], comp) {
			return nil, false
		}
		i += len(comp)
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		n, err := strconv.Atoi(s[i:j])
		if err != nil || j >= len(s) || s[j] != ',' {
			return nil, false
		}
		i = j + 1
		if !strings.HasPrefix(s[i:], verd) {
			return nil, false
		}
		i += len(verd)
		j = strings.IndexByte(s[i:], '"')
		if j < 0 {
			return nil, false
		}
		v := exam.Verdict(s[i : i+j])
		i += j + 1
		if strings.HasPrefix(s[i:], ","+obs) {
			i += 1 + len(obs)
			// Skip the string: up to the first quote not escaped.
			for {
				if i >= len(s) {
					return nil, false
				}
				if s[i] == '\\' {
					i += 2
					continue
				}
				if s[i] == '"' {
					i++
					break
				}
				i++
			}
		}
		if i >= len(s) || s[i] != '}' {
			return nil, false
		}
		i++
		out = append(out, exam.Assessment{Competence: n, Verdict: v})
		if i < len(s)-1 {
			if s[i] != ',' {
				return nil, false
			}
			i++
		}
	}
	return out, true
}
