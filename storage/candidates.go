package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"

	"github.com/amisjury/amis/exam"
)

// CandidateService stores candidates in the database; it implements
// exam.CandidateService.
type CandidateService struct {
	db  *DB
	ref *exam.Referentiel
}

var _ exam.CandidateService = (*CandidateService)(nil)

// NewCandidateService returns the candidate service of db; ref is the
// référentiel acquired blocks are checked against.
func NewCandidateService(db *DB, ref *exam.Referentiel) *CandidateService {
	return &CandidateService{db: db, ref: ref}
}

// lookupBatch is how many keys go into one "IN (…)" list.
const lookupBatch = 500

const candidateColumns = `id, number, birth_name, usage_name, first_names, sex, birth_date, birth_city,
	birth_country, email, phone, access_route, training_centre, sst_date, created_at, updated_at`

const summaryColumns = `id, number, birth_name, usage_name, first_names, birth_date, access_route, training_centre`

const insertCandidate = `INSERT INTO candidates (number, birth_name, usage_name, first_names, sex, birth_date,
	birth_city, birth_country, email, phone, access_route, training_centre, sst_date, dup_key, search, sort_key,
	created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

const insertBlock = `INSERT INTO acquired_blocks (candidate_id, block_code, acquired_on, session_ref) VALUES (?, ?, ?, ?)`

// FindCandidates returns the candidates whose search text contains every
// word of f.Query (folded with exam.Fold), ordered by birth name, first
// names, then ID.
func (s *CandidateService) FindCandidates(ctx context.Context, a exam.Actor, f exam.CandidateFilter) ([]exam.CandidateSummary, error) {
	if err := a.Require(exam.PermReadCandidates); err != nil {
		return nil, fmt.Errorf("find candidates: %w", err)
	}
	var where []string
	var args []any
	for _, w := range strings.Fields(exam.Fold(f.Query)) {
		where = append(where, `search LIKE ? ESCAPE '\'`)
		args = append(args, "%"+escapeLike(w)+"%")
	}
	q := "SELECT " + summaryColumns + " FROM candidates"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	// Walking the sort_key index costs a table lookup per row: right to
	// stop after the first Limit rows of an empty query, ten times slower
	// than scanning the table and sorting the matches otherwise ("+"
	// keeps SQLite off the index).
	if len(where) == 0 && f.Limit > 0 {
		q += " ORDER BY sort_key, id"
	} else {
		q += " ORDER BY +sort_key, id"
	}
	if f.Limit > 0 {
		q += " LIMIT " + strconv.Itoa(f.Limit)
	}
	rows, err := s.db.reader.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("find candidates: %w", err)
	}
	defer rows.Close()
	out := []exam.CandidateSummary{}
	for rows.Next() {
		cs, err := scanSummary(rows)
		if err != nil {
			return nil, fmt.Errorf("find candidates: %w", err)
		}
		out = append(out, cs)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find candidates: %w", err)
	}
	return out, nil
}

// escapeLike protects LIKE's wildcards; exam.Fold already drops them, this
// keeps the query right should Fold change.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// CountCandidates returns the number of stored candidates.
func (s *CandidateService) CountCandidates(ctx context.Context, a exam.Actor) (int, error) {
	if err := a.Require(exam.PermReadCandidates); err != nil {
		return 0, fmt.Errorf("count candidates: %w", err)
	}
	var n int
	if err := s.db.reader.QueryRowContext(ctx, "SELECT count(*) FROM candidates").Scan(&n); err != nil {
		return 0, fmt.Errorf("count candidates: %w", err)
	}
	return n, nil
}

// Candidate returns the candidate id with its acquired blocks. ENOTFOUND.
func (s *CandidateService) Candidate(ctx context.Context, a exam.Actor, id int64) (*exam.Candidate, error) {
	if err := a.Require(exam.PermReadCandidates); err != nil {
		return nil, fmt.Errorf("read candidate %d: %w", id, err)
	}
	tx, err := s.db.reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("read candidate %d: %w", id, err)
	}
	defer func() { _ = tx.Rollback() }()
	c, err := loadCandidate(ctx, tx, id)
	if err != nil {
		return nil, fmt.Errorf("read candidate %d: %w", id, err)
	}
	return c, nil
}

// CreateCandidate normalises, validates and stores c, setting its ID and
// timestamps. EINVALID, ECONFLICT, EFORBIDDEN.
func (s *CandidateService) CreateCandidate(ctx context.Context, a exam.Actor, c *exam.Candidate) error {
	if err := a.Require(exam.PermManageCandidates); err != nil {
		return fmt.Errorf("create candidate: %w", err)
	}
	if err := s.prepare(c); err != nil {
		return fmt.Errorf("create candidate: %w", err)
	}
	var id int64
	var now time.Time
	err := s.db.write(ctx, a, func(tx *Tx) error {
		k := keysOf(c)
		if err := checkConflicts(ctx, tx, c, k, 0); err != nil {
			return err
		}
		now = tx.now()
		res, err := tx.ExecContext(ctx, insertCandidate, candidateArgs(c, k, now, now)...)
		if err != nil {
			return conflictFromConstraint(c, err)
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		if err := insertBlocks(ctx, tx, id, c.Acquired); err != nil {
			return err
		}
		return tx.audit("candidate.create", "candidate", id, nil, recordOf(c, id))
	})
	if err != nil {
		return fmt.Errorf("create candidate: %w", err)
	}
	c.ID, c.CreatedAt, c.UpdatedAt = id, now, now
	return nil
}

// UpdateCandidate normalises, validates and replaces the stored candidate
// c.ID, acquired blocks included. ENOTFOUND, EINVALID, ECONFLICT, EFORBIDDEN.
func (s *CandidateService) UpdateCandidate(ctx context.Context, a exam.Actor, c *exam.Candidate) error {
	if c == nil {
		return fmt.Errorf("update candidate: %w", s.prepare(c))
	}
	if err := a.Require(exam.PermManageCandidates); err != nil {
		return fmt.Errorf("update candidate %d: %w", c.ID, err)
	}
	if err := s.prepare(c); err != nil {
		return fmt.Errorf("update candidate %d: %w", c.ID, err)
	}
	var created, now time.Time
	err := s.db.write(ctx, a, func(tx *Tx) error {
		old, err := loadCandidate(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		k := keysOf(c)
		if err := checkConflicts(ctx, tx, c, k, c.ID); err != nil {
			return err
		}
		created, now = old.CreatedAt, tx.now()
		args := append(candidateArgs(c, k, created, now)[:16], now.Format(time.RFC3339Nano), c.ID)
		_, err = tx.ExecContext(ctx, `UPDATE candidates SET number = ?, birth_name = ?, usage_name = ?,
			first_names = ?, sex = ?, birth_date = ?, birth_city = ?, birth_country = ?, email = ?, phone = ?,
			access_route = ?, training_centre = ?, sst_date = ?, dup_key = ?, search = ?, sort_key = ?,
			updated_at = ? WHERE id = ?`, args...)
		if err != nil {
			return conflictFromConstraint(c, err)
		}
		if err := keepCertifiedBlocks(ctx, tx, old, c); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM acquired_blocks WHERE candidate_id = ?", c.ID); err != nil {
			return err
		}
		if err := insertBlocks(ctx, tx, c.ID, c.Acquired); err != nil {
			return err
		}
		return tx.audit("candidate.update", "candidate", c.ID, recordOf(old, c.ID), recordOf(c, c.ID))
	})
	if err != nil {
		return fmt.Errorf("update candidate %d: %w", c.ID, err)
	}
	c.CreatedAt, c.UpdatedAt = created, now
	return nil
}

// DeleteCandidate removes the candidate id and its acquired blocks; the audit
// entry keeps what was removed. ENOTFOUND, EFORBIDDEN.
func (s *CandidateService) DeleteCandidate(ctx context.Context, a exam.Actor, id int64) error {
	if err := a.Require(exam.PermManageCandidates); err != nil {
		return fmt.Errorf("delete candidate %d: %w", id, err)
	}
	err := s.db.write(ctx, a, func(tx *Tx) error {
		old, err := loadCandidate(ctx, tx, id)
		if err != nil {
			return err
		}
		var sessions int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM session_candidates WHERE candidate_id = ?", id).Scan(&sessions); err != nil {
			return err
		}
		if sessions > 0 {
			return exam.Errorf(exam.ECONFLICT, "err.candidate.in_session",
				"{{.Name}} is registered in {{.Count}} session(s): remove them from the session first",
				map[string]any{"Name": old.DisplayName(), "Count": sessions})
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM candidates WHERE id = ?", id); err != nil {
			return err
		}
		return tx.audit("candidate.delete", "candidate", id, recordOf(old, id), nil)
	})
	if err != nil {
		return fmt.Errorf("delete candidate %d: %w", id, err)
	}
	return nil
}

// ExistingDuplicates returns, for each of keys already stored, the stored
// candidate with that key (the oldest if several).
func (s *CandidateService) ExistingDuplicates(ctx context.Context, a exam.Actor, keys []string) (map[string]exam.CandidateSummary, error) {
	if err := a.Require(exam.PermReadCandidates); err != nil {
		return nil, fmt.Errorf("look for duplicates: %w", err)
	}
	found, err := lookupSummaries(ctx, s.db.reader, "dup_key", keys)
	if err != nil {
		return nil, fmt.Errorf("look for duplicates: %w", err)
	}
	return found, nil
}

// ImportCandidates normalises and validates every candidate, then stores
// them all in one transaction with one audit entry, or none: ECONFLICT when
// one is already stored (same person or number) or two of them clash,
// EINVALID when one is invalid. It sets each candidate's ID.
func (s *CandidateService) ImportCandidates(ctx context.Context, a exam.Actor, cs []*exam.Candidate) error {
	if err := a.Require(exam.PermManageCandidates); err != nil {
		return fmt.Errorf("import candidates: %w", err)
	}
	if len(cs) == 0 {
		return nil
	}
	ks := make([]keys, len(cs))
	dupKeys := make([]string, len(cs))
	numbers := make([]string, 0, len(cs))
	byKey := make(map[string]int, len(cs))
	byNumber := make(map[string]int, len(cs))
	for i, c := range cs {
		if err := s.prepare(c); err != nil {
			return fmt.Errorf("import candidates: candidate %d of %d: %w", i+1, len(cs), err)
		}
		ks[i] = keysOf(c)
		dupKeys[i] = ks[i].dup
		if j, dup := byKey[dupKeys[i]]; dup {
			return fmt.Errorf("import candidates: %w", exam.Errorf(exam.ECONFLICT, "err.candidate.import_same_person",
				"candidates {{.First}} and {{.Second}} of the import are the same person", map[string]any{"First": j + 1, "Second": i + 1}))
		}
		byKey[dupKeys[i]] = i
		if c.Number != "" {
			if j, dup := byNumber[c.Number]; dup {
				return fmt.Errorf("import candidates: %w", exam.Errorf(exam.ECONFLICT, "err.candidate.import_same_number",
					"candidates {{.First}} and {{.Second}} of the import have the same number {{.Number}}",
					map[string]any{"First": j + 1, "Second": i + 1, "Number": c.Number}))
			}
			byNumber[c.Number] = i
			numbers = append(numbers, c.Number)
		}
	}
	ids := make([]int64, len(cs))
	var now time.Time
	err := s.db.write(ctx, a, func(tx *Tx) error {
		dups, err := lookupSummaries(ctx, tx, "dup_key", dupKeys)
		if err != nil {
			return err
		}
		for _, k := range dupKeys { // in import order, so the first clash is reported
			if got, ok := dups[k]; ok {
				return duplicateError(got)
			}
		}
		taken, err := lookupSummaries(ctx, tx, "number", numbers)
		if err != nil {
			return err
		}
		for _, n := range numbers {
			if got, ok := taken[n]; ok {
				return numberTakenError(got)
			}
		}
		now = tx.now()
		ins, err := tx.PrepareContext(ctx, insertCandidate)
		if err != nil {
			return err
		}
		defer ins.Close()
		blk, err := tx.PrepareContext(ctx, insertBlock)
		if err != nil {
			return err
		}
		defer blk.Close()
		for i, c := range cs {
			res, err := ins.ExecContext(ctx, candidateArgs(c, ks[i], now, now)...)
			if err != nil {
				return fmt.Errorf("candidate %d of %d: %w", i+1, len(cs), conflictFromConstraint(c, err))
			}
			if ids[i], err = res.LastInsertId(); err != nil {
				return err
			}
			for _, b := range c.Acquired {
				if _, err := blk.ExecContext(ctx, ids[i], b.BlockCode, b.Date.ISO(), b.SessionRef); err != nil {
					return fmt.Errorf("candidate %d of %d: %w", i+1, len(cs), err)
				}
			}
		}
		first, last := ids[0], ids[len(ids)-1]
		return tx.audit("candidate.import", "candidate", 0, nil, map[string]any{
			"count": len(cs), "first_id": first, "last_id": last,
		})
	})
	if err != nil {
		return fmt.Errorf("import candidates: %w", err)
	}
	for i, c := range cs {
		c.ID, c.CreatedAt, c.UpdatedAt = ids[i], now, now
	}
	return nil
}

// prepare normalises c and returns every field error of its validation,
// acquired blocks checked against the référentiel (which also turns short
// codes such as CCP1 into RNCP codes, before the duplicate check sees them).
func (s *CandidateService) prepare(c *exam.Candidate) error {
	if c == nil {
		return exam.Errorf(exam.EINVALID, "err.invalid", "no candidate", nil)
	}
	c.Normalize()
	var v exam.Validation
	if s.ref != nil {
		v.Fields = append(v.Fields, exam.FieldErrors(c.CheckBlocks(s.ref))...)
	}
	v.Fields = append(v.Fields, exam.FieldErrors(c.Validate())...)
	return v.Err("candidate")
}

// checkConflicts refuses a candidate who is already stored under another ID
// (same person, or same candidate number).
func checkConflicts(ctx context.Context, tx *Tx, c *exam.Candidate, k keys, self int64) error {
	row := tx.QueryRowContext(ctx, "SELECT "+summaryColumns+" FROM candidates WHERE dup_key = ? AND id <> ? ORDER BY id LIMIT 1",
		k.dup, self)
	got, err := scanSummary(row)
	switch {
	case err == nil:
		return duplicateError(got)
	case !errors.Is(err, sql.ErrNoRows):
		return err
	}
	if c.Number == "" {
		return nil
	}
	row = tx.QueryRowContext(ctx, "SELECT "+summaryColumns+" FROM candidates WHERE number = ? AND id <> ?", c.Number, self)
	got, err = scanSummary(row)
	switch {
	case err == nil:
		return numberTakenError(got)
	case !errors.Is(err, sql.ErrNoRows):
		return err
	}
	return nil
}

// conflictFromConstraint turns a UNIQUE violation that slipped past
// checkConflicts into an ECONFLICT error; other errors pass unchanged.
func conflictFromConstraint(c *exam.Candidate, err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintUnique && strings.Contains(se.Error(), "candidates.number") {
		return exam.Errorf(exam.ECONFLICT, "err.candidate.number_taken", "candidate number {{.Number}} is already used",
			map[string]any{"Number": c.Number})
	}
	return err
}

func summaryName(s exam.CandidateSummary) string {
	c := exam.Candidate{BirthName: s.BirthName, UsageName: s.UsageName, FirstNames: s.FirstNames}
	return c.DisplayName()
}

func duplicateError(got exam.CandidateSummary) error {
	return exam.Errorf(exam.ECONFLICT, "err.candidate.duplicate",
		"already in the database: {{.Name}}, born {{.Date}} (record {{.ID}})",
		map[string]any{"Name": summaryName(got), "Date": got.BirthDate.String(), "ID": got.ID})
}

func numberTakenError(got exam.CandidateSummary) error {
	return exam.Errorf(exam.ECONFLICT, "err.candidate.number_taken",
		"candidate number {{.Number}} is already used by {{.Name}} (record {{.ID}})",
		map[string]any{"Number": got.Number, "Name": summaryName(got), "ID": got.ID})
}

func notFound(id int64) error {
	return exam.Errorf(exam.ENOTFOUND, "err.candidate.not_found", "candidate {{.ID}} does not exist", map[string]any{"ID": id})
}

// lookupSummaries returns the candidates whose column (dup_key or number)
// holds one of values, keyed by that value, the oldest first when several.
func lookupSummaries(ctx context.Context, q queryer, column string, values []string) (map[string]exam.CandidateSummary, error) {
	out := map[string]exam.CandidateSummary{}
	for start := 0; start < len(values); start += lookupBatch {
		batch := values[start:min(start+lookupBatch, len(values))]
		args := make([]any, len(batch))
		for i, v := range batch {
			args[i] = v
		}
		marks := strings.Repeat("?, ", len(batch)-1) + "?"
		rows, err := q.QueryContext(ctx, "SELECT "+column+", "+summaryColumns+" FROM candidates WHERE "+column+
			" IN ("+marks+") ORDER BY id", args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var key string
			s, err := scanSummaryWith(rows, &key)
			if err != nil {
				rows.Close()
				return nil, err
			}
			if _, seen := out[key]; !seen {
				out[key] = s
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

type scanner interface{ Scan(dest ...any) error }

func scanSummary(r scanner) (exam.CandidateSummary, error) { return scanSummaryWith(r) }

// scanSummaryWith reads summaryColumns, after the extra leading columns.
func scanSummaryWith(r scanner, extra ...any) (exam.CandidateSummary, error) {
	var s exam.CandidateSummary
	var number sql.NullString
	var birth, route string
	dest := append(extra, &s.ID, &number, &s.BirthName, &s.UsageName, &s.FirstNames, &birth, &route, &s.TrainingCentre)
	if err := r.Scan(dest...); err != nil {
		return s, err
	}
	s.Number, s.AccessRoute = number.String, exam.AccessRoute(route)
	var err error
	if s.BirthDate, err = parseISO(birth); err != nil {
		return s, fmt.Errorf("candidate %d: %w", s.ID, err)
	}
	return s, nil
}

// loadCandidate reads one candidate and its acquired blocks. ENOTFOUND.
func loadCandidate(ctx context.Context, q queryer, id int64) (*exam.Candidate, error) {
	var c exam.Candidate
	var number sql.NullString
	var sex, birth, route, sst, created, updated string
	err := q.QueryRowContext(ctx, "SELECT "+candidateColumns+" FROM candidates WHERE id = ?", id).Scan(
		&c.ID, &number, &c.BirthName, &c.UsageName, &c.FirstNames, &sex, &birth, &c.BirthCity,
		&c.BirthCountry, &c.Email, &c.Phone, &route, &c.TrainingCentre, &sst, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(id)
	}
	if err != nil {
		return nil, err
	}
	c.Number, c.Sex, c.AccessRoute = number.String, exam.Sex(sex), exam.AccessRoute(route)
	if c.BirthDate, err = parseISO(birth); err != nil {
		return nil, err
	}
	if c.SSTDate, err = parseISO(sst); err != nil {
		return nil, err
	}
	if c.CreatedAt, err = time.Parse(time.RFC3339Nano, created); err != nil {
		return nil, err
	}
	if c.UpdatedAt, err = time.Parse(time.RFC3339Nano, updated); err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, "SELECT block_code, acquired_on, session_ref FROM acquired_blocks WHERE candidate_id = ? ORDER BY block_code", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var b exam.AcquiredBlock
		var on string
		if err := rows.Scan(&b.BlockCode, &on, &b.SessionRef); err != nil {
			return nil, err
		}
		if b.Date, err = parseISO(on); err != nil {
			return nil, err
		}
		c.Acquired = append(c.Acquired, b)
	}
	return &c, rows.Err()
}

func insertBlocks(ctx context.Context, tx *Tx, id int64, bs []exam.AcquiredBlock) error {
	for _, b := range bs {
		if _, err := tx.ExecContext(ctx, insertBlock, id, b.BlockCode, b.Date.ISO(), b.SessionRef); err != nil {
			return err
		}
	}
	return nil
}

// keys are the derived columns of a candidate, computed once: exam.Fold
// allocates, and an import of 10,000 rows would otherwise fold each name
// several times.
type keys struct {
	dup, search, sort string
}

func keysOf(c *exam.Candidate) keys {
	dup := c.DuplicateKey()
	return keys{dup: dup, search: searchText(c), sort: sortKey(c, dup)}
}

// candidateArgs returns the values of insertCandidate's columns.
func candidateArgs(c *exam.Candidate, k keys, created, updated time.Time) []any {
	var number any
	if c.Number != "" {
		number = c.Number
	}
	return []any{number, c.BirthName, c.UsageName, c.FirstNames, string(c.Sex), c.BirthDate.ISO(),
		c.BirthCity, c.BirthCountry, c.Email, c.Phone, string(c.AccessRoute), c.TrainingCentre, c.SSTDate.ISO(),
		k.dup, k.search, k.sort, created.Format(time.RFC3339Nano), updated.Format(time.RFC3339Nano)}
}

// searchText is what the search box matches: number, names, birth date as
// jj/mm/aaaa and as ISO, access route and training centre, folded.
func searchText(c *exam.Candidate) string {
	return exam.Fold(strings.Join([]string{c.Number, c.BirthName, c.UsageName, c.FirstNames,
		c.BirthDate.String(), c.BirthDate.ISO(), string(c.AccessRoute), c.TrainingCentre}, " "))
}

// sortKey orders lists by birth name then first names, without case or
// accents: exam.Fold(birth name) U+001F exam.Fold(first names), U+001F
// sorting "DE" before "DE LA FONTAINE". The ID breaks ties in the ORDER BY.
// The folded names are taken from the duplicate key (Fold(birth name) "|"
// Fold(first names) "|" date; Fold never yields "|") rather than folded again.
func sortKey(c *exam.Candidate, dup string) string {
	if parts := strings.Split(dup, "|"); len(parts) == 3 {
		return parts[0] + "\x1f" + parts[1]
	}
	return exam.Fold(c.BirthName) + "\x1f" + exam.Fold(c.FirstNames)
}

// parseISO reads aaaa-mm-jj as stored; "" is the zero Date. Faster than
// exam.ParseDate, which matters when listing 100,000 rows.
func parseISO(s string) (exam.Date, error) {
	if s == "" {
		return exam.Date{}, nil
	}
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return exam.Date{}, fmt.Errorf("stored date %q is not aaaa-mm-jj", s)
	}
	y, err1 := strconv.Atoi(s[:4])
	m, err2 := strconv.Atoi(s[5:7])
	d, err3 := strconv.Atoi(s[8:])
	if err := errors.Join(err1, err2, err3); err != nil {
		return exam.Date{}, fmt.Errorf("stored date %q is not aaaa-mm-jj", s)
	}
	return exam.NewDate(y, time.Month(m), d), nil
}

// candidateRecord is a candidate as the audit log keeps it: stable field
// names and ISO dates.
type candidateRecord struct {
	ID             int64            `json:"id"`
	Number         string           `json:"number"`
	BirthName      string           `json:"birth_name"`
	UsageName      string           `json:"usage_name"`
	FirstNames     string           `json:"first_names"`
	Sex            string           `json:"sex"`
	BirthDate      string           `json:"birth_date"`
	BirthCity      string           `json:"birth_city"`
	BirthCountry   string           `json:"birth_country"`
	Email          string           `json:"email"`
	Phone          string           `json:"phone"`
	AccessRoute    string           `json:"access_route"`
	TrainingCentre string           `json:"training_centre"`
	SSTDate        string           `json:"sst_date"`
	Acquired       []acquiredRecord `json:"acquired,omitempty"`
}

type acquiredRecord struct {
	BlockCode  string `json:"block_code"`
	Date       string `json:"date"`
	SessionRef string `json:"session_ref"`
}

func recordOf(c *exam.Candidate, id int64) candidateRecord {
	r := candidateRecord{ID: id, Number: c.Number, BirthName: c.BirthName, UsageName: c.UsageName,
		FirstNames: c.FirstNames, Sex: string(c.Sex), BirthDate: c.BirthDate.ISO(), BirthCity: c.BirthCity,
		BirthCountry: c.BirthCountry, Email: c.Email, Phone: c.Phone, AccessRoute: string(c.AccessRoute),
		TrainingCentre: c.TrainingCentre, SSTDate: c.SSTDate.ISO()}
	for _, b := range c.Acquired {
		r.Acquired = append(r.Acquired, acquiredRecord{BlockCode: b.BlockCode, Date: b.Date.ISO(), SessionRef: b.SessionRef})
	}
	return r
}

// keepCertifiedBlocks refuses an update that removes or redates a block the
// candidate acquired in a signed certification session: the livret de
// certification changes only through an amendment of that session's PV.
func keepCertifiedBlocks(ctx context.Context, tx *Tx, old, c *exam.Candidate) error {
	rows, err := tx.QueryContext(ctx, `SELECT s.reference, r.acquired FROM results r
		JOIN sessions s ON s.id = r.session_id
		WHERE r.candidate_id = ? AND s.kind = 'certification' AND s.signed_at IS NOT NULL`, c.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var ref, acquiredJSON string
		if err := rows.Scan(&ref, &acquiredJSON); err != nil {
			return err
		}
		var codes []string
		if err := json.Unmarshal([]byte(acquiredJSON), &codes); err != nil {
			return fmt.Errorf("results of session %s: %w", ref, err)
		}
		for _, code := range codes {
			var was, is *exam.AcquiredBlock
			for i := range old.Acquired {
				if old.Acquired[i].BlockCode == code {
					was = &old.Acquired[i]
				}
			}
			for i := range c.Acquired {
				if c.Acquired[i].BlockCode == code {
					is = &c.Acquired[i]
				}
			}
			if was != nil && (is == nil || is.Date != was.Date) {
				return exam.Errorf(exam.ELOCKED, "err.candidate.certified_block",
					"{{.Block}} was acquired in the signed session {{.Session}}: it can only change through a correction of that PV",
					map[string]any{"Block": code, "Session": ref})
			}
		}
	}
	return rows.Err()
}
