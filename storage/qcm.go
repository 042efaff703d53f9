package storage

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/amisjury/amis/exam"
)

// QCMService stores the question bank, the questionnaires and the attempts;
// it implements exam.QCMService (see there and docs/qcm.md for the
// permissions: administrators manage the bank, a jury member runs the
// attempts on the candidate's behalf, a candidate has no account).
//
// Every answer, page turn, pause and end is committed with its audit entry
// before the method returns: after a crash or a power cut, StartAttempt
// resumes the same attempt at the same page with the same answers and the
// same remaining time.
type QCMService struct {
	db  *DB
	ref *exam.Referentiel
	// Profiles gives the accommodation profile applied when an attempt
	// starts (time allowance, breaks, screen needs); nil: none.
	Profiles ProfileSource
	// seed returns the seed of a new attempt whose request has none; tests
	// may replace it.
	seed func() int64
}

// ProfileSource returns a candidate's accommodation profile (an empty one
// when none is stored); exam.AccommodationService satisfies it.
type ProfileSource interface {
	Profile(ctx context.Context, a exam.Actor, candidateID int64) (*exam.AccommodationProfile, error)
}

// ProfileFunc adapts a function to ProfileSource.
type ProfileFunc func(ctx context.Context, a exam.Actor, candidateID int64) (*exam.AccommodationProfile, error)

// Profile calls f.
func (f ProfileFunc) Profile(ctx context.Context, a exam.Actor, candidateID int64) (*exam.AccommodationProfile, error) {
	return f(ctx, a, candidateID)
}

var _ exam.QCMService = (*QCMService)(nil)

// NewQCMService returns the QCM service of db; ref checks the blocks and
// competences of questions; profiles may be nil (no accommodations).
func NewQCMService(db *DB, ref *exam.Referentiel, profiles ProfileSource) *QCMService {
	return &QCMService{db: db, ref: ref, Profiles: profiles, seed: randomSeed}
}

// randomSeed returns a random non-zero seed that fits SQLite's INTEGER.
func randomSeed() int64 {
	var b [8]byte
	for {
		_, _ = rand.Read(b[:])
		if s := int64(binary.LittleEndian.Uint64(b[:]) >> 1); s != 0 {
			return s
		}
	}
}

// --- JSON forms stored in the database (stable names, independent of the
// Go field names).

type choiceJSON struct {
	Text     string `json:"text"`
	Correct  bool   `json:"correct,omitempty"`
	Feedback string `json:"feedback,omitempty"`
}

type questionJSON struct {
	ID         int64        `json:"id"`
	Code       string       `json:"code,omitempty"`
	Block      string       `json:"block"`
	Competence int          `json:"competence"`
	Kind       string       `json:"kind"`
	Text       string       `json:"text"`
	Choices    []choiceJSON `json:"choices"`
	Image      []byte       `json:"image,omitempty"`
	Feedback   string       `json:"feedback,omitempty"`
	Category   string       `json:"category,omitempty"`
	Source     string       `json:"source,omitempty"`
}

type itemJSON struct {
	Question questionJSON `json:"question"`
	Order    []int        `json:"order"`
}

type drawJSON struct {
	PerBlock    []blockDrawJSON `json:"per_block,omitempty"`
	QuestionIDs []int64         `json:"question_ids,omitempty"`
}

type blockDrawJSON struct {
	Block string `json:"block"`
	Count int    `json:"count"`
}

func choicesToJSON(cs []exam.Choice) []choiceJSON {
	out := make([]choiceJSON, len(cs))
	for i, c := range cs {
		out[i] = choiceJSON{Text: c.Text, Correct: c.Correct, Feedback: c.Feedback}
	}
	return out
}

func choicesFromJSON(cs []choiceJSON) []exam.Choice {
	out := make([]exam.Choice, len(cs))
	for i, c := range cs {
		out[i] = exam.Choice{Text: c.Text, Correct: c.Correct, Feedback: c.Feedback}
	}
	return out
}

func itemsToJSON(items []exam.AttemptItem) ([]byte, error) {
	out := make([]itemJSON, len(items))
	for i, it := range items {
		q := it.Question
		out[i] = itemJSON{Order: it.Order, Question: questionJSON{ID: q.ID, Code: q.Code, Block: q.Block,
			Competence: q.Competence, Kind: string(q.Kind), Text: q.Text, Choices: choicesToJSON(q.Choices),
			Image: q.Image, Feedback: q.Feedback, Category: q.Category, Source: q.Source}}
	}
	return json.Marshal(out)
}

func itemsFromJSON(b string) ([]exam.AttemptItem, error) {
	var in []itemJSON
	if err := json.Unmarshal([]byte(b), &in); err != nil {
		return nil, fmt.Errorf("stored attempt items: %w", err)
	}
	out := make([]exam.AttemptItem, len(in))
	for i, it := range in {
		q := it.Question
		out[i] = exam.AttemptItem{Order: it.Order, Question: exam.Question{ID: q.ID, Code: q.Code, Block: q.Block,
			Competence: q.Competence, Kind: exam.QuestionKind(q.Kind), Text: q.Text, Choices: choicesFromJSON(q.Choices),
			Image: q.Image, Feedback: q.Feedback, Category: q.Category, Source: q.Source}}
	}
	return out, nil
}

// questionAudit is what the audit log keeps of a question: everything but
// the image's bytes (their size instead).
func questionAudit(q *exam.Question) map[string]any {
	return map[string]any{"id": q.ID, "code": q.Code, "block": q.Block, "competence": q.Competence,
		"kind": string(q.Kind), "text": q.Text, "choices": choicesToJSON(q.Choices), "image_bytes": len(q.Image),
		"feedback": q.Feedback, "category": q.Category, "source": q.Source}
}

func qcmQuestionNotFound(id int64) error {
	return exam.Errorf(exam.ENOTFOUND, "err.qcm.question_not_found", "question {{.ID}} does not exist", map[string]any{"ID": id})
}

func questionnaireNotFound(id int64) error {
	return exam.Errorf(exam.ENOTFOUND, "err.qcm.questionnaire_not_found", "questionnaire {{.ID}} does not exist", map[string]any{"ID": id})
}

func attemptNotFound(id int64) error {
	return exam.Errorf(exam.ENOTFOUND, "err.qcm.attempt_not_found", "attempt {{.ID}} does not exist", map[string]any{"ID": id})
}

func codeTaken(code string, id int64) error {
	return exam.Errorf(exam.ECONFLICT, "err.qcm.code_taken", "code {{.Code}} is already used by question {{.ID}}", map[string]any{"Code": code, "ID": id})
}

// nullString stores "" as NULL (the unique code index ignores NULLs).
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// --- The bank.

const questionColumns = `id, coalesce(code, ''), block, competence, kind, text, choices, image, feedback, category, source, created_at, updated_at`

func scanQuestion(sc interface{ Scan(...any) error }) (exam.Question, error) {
	var q exam.Question
	var kind, choices, created, updated string
	var image []byte
	if err := sc.Scan(&q.ID, &q.Code, &q.Block, &q.Competence, &kind, &q.Text, &choices, &image, &q.Feedback,
		&q.Category, &q.Source, &created, &updated); err != nil {
		return q, err
	}
	q.Kind = exam.QuestionKind(kind)
	var cs []choiceJSON
	if err := json.Unmarshal([]byte(choices), &cs); err != nil {
		return q, fmt.Errorf("stored choices of question %d: %w", q.ID, err)
	}
	q.Choices = choicesFromJSON(cs)
	if len(image) > 0 {
		q.Image = image
	}
	var err error
	if q.Created, err = parseTime(created); err != nil {
		return q, err
	}
	q.Updated, err = parseTime(updated)
	return q, err
}

func loadQuestions(ctx context.Context, q queryer, where string, args ...any) ([]exam.Question, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+questionColumns+" FROM qcm_questions "+where+" ORDER BY id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []exam.Question
	for rows.Next() {
		qq, err := scanQuestion(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, qq)
	}
	return out, rows.Err()
}

// Questions returns the questions matching f, by ID. EFORBIDDEN.
func (s *QCMService) Questions(ctx context.Context, a exam.Actor, f exam.QuestionFilter) ([]exam.Question, error) {
	if err := a.Require(exam.PermReadSessions); err != nil {
		return nil, fmt.Errorf("read questions: %w", err)
	}
	var conds []string
	var args []any
	if f.Block != "" {
		conds, args = append(conds, "block = ? COLLATE NOCASE"), append(args, f.Block)
	}
	if f.Competence > 0 {
		conds, args = append(conds, "competence = ?"), append(args, f.Competence)
	}
	if f.Kind != "" {
		conds, args = append(conds, "kind = ?"), append(args, string(f.Kind))
	}
	where := ""
	if len(conds) > 0 {
		where = "WHERE " + strings.Join(conds, " AND ")
	}
	var out []exam.Question
	err := s.db.read(ctx, func(q queryer) error {
		var err error
		out, err = loadQuestions(ctx, q, where, args...)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read questions: %w", err)
	}
	if t := exam.Fold(strings.TrimSpace(f.Text)); t != "" {
		out = slices.DeleteFunc(out, func(q exam.Question) bool {
			return !strings.Contains(exam.Fold(q.Text+" "+q.Code+" "+q.Category), t)
		})
	}
	return nonNil(out), nil
}

// Question returns one question. ENOTFOUND, EFORBIDDEN.
func (s *QCMService) Question(ctx context.Context, a exam.Actor, id int64) (*exam.Question, error) {
	if err := a.Require(exam.PermReadSessions); err != nil {
		return nil, fmt.Errorf("read question: %w", err)
	}
	var out exam.Question
	err := s.db.read(ctx, func(q queryer) error {
		var err error
		out, err = scanQuestion(q.QueryRowContext(ctx, "SELECT "+questionColumns+" FROM qcm_questions WHERE id = ?", id))
		if errors.Is(err, sql.ErrNoRows) {
			return qcmQuestionNotFound(id)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read question %d: %w", id, err)
	}
	return &out, nil
}

// checkQuestion validates q against the référentiel.
func (s *QCMService) checkQuestion(q *exam.Question) error {
	if err := q.Validate(); err != nil {
		return err
	}
	if s.ref != nil {
		return q.CheckReferentiel(s.ref)
	}
	return nil
}

// SaveQuestion checks q and adds it (ID 0) or replaces question q.ID.
// EINVALID, ENOTFOUND, ECONFLICT (code taken), EFORBIDDEN.
func (s *QCMService) SaveQuestion(ctx context.Context, a exam.Actor, q *exam.Question) error {
	if err := a.Require(exam.PermManageSessions); err != nil {
		return fmt.Errorf("save question: %w", err)
	}
	if err := s.checkQuestion(q); err != nil {
		return fmt.Errorf("save question: %w", err)
	}
	err := s.db.write(ctx, a, func(tx *Tx) error {
		_, err := s.upsertQuestion(tx, q, false)
		return err
	})
	if err != nil {
		return fmt.Errorf("save question %d: %w", q.ID, err)
	}
	return nil
}

// upsertQuestion inserts q (ID 0), or updates question q.ID, or, byCode,
// the question with q's code if there is one; it writes the audit entry
// and reports whether a question was replaced.
func (s *QCMService) upsertQuestion(tx *Tx, q *exam.Question, byCode bool) (replaced bool, err error) {
	ctx := tx.ctx
	if q.Code != "" {
		var other int64
		err := tx.QueryRowContext(ctx, "SELECT id FROM qcm_questions WHERE code = ? COLLATE NOCASE", q.Code).Scan(&other)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return false, err
		case byCode:
			q.ID = other
		case other != q.ID:
			return false, codeTaken(q.Code, other)
		}
	}
	choices, err := json.Marshal(choicesToJSON(q.Choices))
	if err != nil {
		return false, err
	}
	now := tx.now()
	if q.ID == 0 {
		res, err := tx.ExecContext(ctx, `INSERT INTO qcm_questions (code, block, competence, kind, text, choices, image, feedback, category, source, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, nullString(q.Code), q.Block, q.Competence, string(q.Kind), q.Text,
			string(choices), q.Image, q.Feedback, q.Category, q.Source, fmtTime(now), fmtTime(now))
		if err != nil {
			return false, err
		}
		if q.ID, err = res.LastInsertId(); err != nil {
			return false, err
		}
		q.Created, q.Updated = now.Local(), now.Local()
		return false, tx.audit("qcm.question.create", "qcm_question", q.ID, nil, questionAudit(q))
	}
	old, err := scanQuestion(tx.QueryRowContext(ctx, "SELECT "+questionColumns+" FROM qcm_questions WHERE id = ?", q.ID))
	if errors.Is(err, sql.ErrNoRows) {
		return false, qcmQuestionNotFound(q.ID)
	}
	if err != nil {
		return false, err
	}
	_, err = tx.ExecContext(ctx, `UPDATE qcm_questions SET code = ?, block = ?, competence = ?, kind = ?, text = ?, choices = ?,
		image = ?, feedback = ?, category = ?, source = ?, updated_at = ? WHERE id = ?`, nullString(q.Code), q.Block, q.Competence,
		string(q.Kind), q.Text, string(choices), q.Image, q.Feedback, q.Category, q.Source, fmtTime(now), q.ID)
	if err != nil {
		return false, err
	}
	q.Created, q.Updated = old.Created, now.Local()
	return true, tx.audit("qcm.question.update", "qcm_question", q.ID, questionAudit(&old), questionAudit(q))
}

// DeleteQuestion removes a question; attempts keep their copy. ENOTFOUND,
// ECONFLICT when a questionnaire lists it, EFORBIDDEN.
func (s *QCMService) DeleteQuestion(ctx context.Context, a exam.Actor, id int64) error {
	if err := a.Require(exam.PermManageSessions); err != nil {
		return fmt.Errorf("delete question: %w", err)
	}
	err := s.db.write(ctx, a, func(tx *Tx) error {
		old, err := scanQuestion(tx.QueryRowContext(ctx, "SELECT "+questionColumns+" FROM qcm_questions WHERE id = ?", id))
		if errors.Is(err, sql.ErrNoRows) {
			return qcmQuestionNotFound(id)
		}
		if err != nil {
			return err
		}
		qs, err := loadQuestionnaires(ctx, tx, "")
		if err != nil {
			return err
		}
		for _, qn := range qs {
			if slices.Contains(qn.QuestionIDs, id) {
				return exam.Errorf(exam.ECONFLICT, "err.qcm.question_used", "questionnaire “{{.Title}}” lists this question",
					map[string]any{"Title": qn.Title})
			}
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM qcm_questions WHERE id = ?", id); err != nil {
			return err
		}
		return tx.audit("qcm.question.delete", "qcm_question", id, questionAudit(&old), nil)
	})
	if err != nil {
		return fmt.Errorf("delete question %d: %w", id, err)
	}
	return nil
}

// ImportQuestions stores every question in one transaction, or none: a
// question whose code is in the bank replaces it, the others are added.
// Each question gets its audit entry, and the import one more with the
// counts. EINVALID, EFORBIDDEN.
func (s *QCMService) ImportQuestions(ctx context.Context, a exam.Actor, qs []exam.Question) (added, replaced int, err error) {
	if err := a.Require(exam.PermManageSessions); err != nil {
		return 0, 0, fmt.Errorf("import questions: %w", err)
	}
	for i := range qs {
		if err := s.checkQuestion(&qs[i]); err != nil {
			return 0, 0, fmt.Errorf("import questions: question %d: %w", i+1, err)
		}
	}
	err = s.db.write(ctx, a, func(tx *Tx) error {
		added, replaced = 0, 0
		var ids []int64
		for i := range qs {
			q := qs[i]
			q.ID = 0
			r, err := s.upsertQuestion(tx, &q, true)
			if err != nil {
				return err
			}
			qs[i].ID = q.ID
			ids = append(ids, q.ID)
			if r {
				replaced++
			} else {
				added++
			}
		}
		return tx.audit("qcm.import", "qcm_question", 0, nil, map[string]any{"added": added, "replaced": replaced, "ids": ids})
	})
	if err != nil {
		return 0, 0, fmt.Errorf("import questions: %w", err)
	}
	return added, replaced, nil
}

// --- Questionnaires.

func loadQuestionnaires(ctx context.Context, q queryer, where string, args ...any) ([]exam.Questionnaire, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, title, kind, draw, time_limit_min, created_at FROM qcm_questionnaires `+where+` ORDER BY created_at DESC, id DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []exam.Questionnaire
	for rows.Next() {
		var qn exam.Questionnaire
		var kind, draw, created string
		var mins int64
		if err := rows.Scan(&qn.ID, &qn.Title, &kind, &draw, &mins, &created); err != nil {
			return nil, err
		}
		qn.Kind = exam.QuestionnaireKind(kind)
		qn.TimeLimit = time.Duration(mins) * time.Minute
		var d drawJSON
		if err := json.Unmarshal([]byte(draw), &d); err != nil {
			return nil, fmt.Errorf("stored draw of questionnaire %d: %w", qn.ID, err)
		}
		for _, b := range d.PerBlock {
			qn.PerBlock = append(qn.PerBlock, exam.BlockDraw{Block: b.Block, Count: b.Count})
		}
		qn.QuestionIDs = d.QuestionIDs
		if qn.Created, err = parseTime(created); err != nil {
			return nil, err
		}
		out = append(out, qn)
	}
	return out, rows.Err()
}

func loadQuestionnaire(ctx context.Context, q queryer, id int64) (*exam.Questionnaire, error) {
	qs, err := loadQuestionnaires(ctx, q, "WHERE id = ?", id)
	if err != nil {
		return nil, err
	}
	if len(qs) == 0 {
		return nil, questionnaireNotFound(id)
	}
	return &qs[0], nil
}

func questionnaireAudit(q *exam.Questionnaire) map[string]any {
	return map[string]any{"id": q.ID, "title": q.Title, "kind": string(q.Kind), "draw": drawOf(q), "time_limit_min": int64(q.TimeLimit / time.Minute)}
}

func drawOf(q *exam.Questionnaire) drawJSON {
	d := drawJSON{QuestionIDs: q.QuestionIDs}
	for _, b := range q.PerBlock {
		d.PerBlock = append(d.PerBlock, blockDrawJSON{Block: b.Block, Count: b.Count})
	}
	return d
}

// Questionnaires returns every questionnaire, latest first. EFORBIDDEN.
func (s *QCMService) Questionnaires(ctx context.Context, a exam.Actor) ([]exam.Questionnaire, error) {
	if err := a.Require(exam.PermReadSessions); err != nil {
		return nil, fmt.Errorf("read questionnaires: %w", err)
	}
	var out []exam.Questionnaire
	err := s.db.read(ctx, func(q queryer) error {
		var err error
		out, err = loadQuestionnaires(ctx, q, "")
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read questionnaires: %w", err)
	}
	return nonNil(out), nil
}

// Questionnaire returns one questionnaire. ENOTFOUND, EFORBIDDEN.
func (s *QCMService) Questionnaire(ctx context.Context, a exam.Actor, id int64) (*exam.Questionnaire, error) {
	if err := a.Require(exam.PermReadSessions); err != nil {
		return nil, fmt.Errorf("read questionnaire: %w", err)
	}
	var out *exam.Questionnaire
	err := s.db.read(ctx, func(q queryer) error {
		var err error
		out, err = loadQuestionnaire(ctx, q, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read questionnaire %d: %w", id, err)
	}
	return out, nil
}

func hasAttempts(ctx context.Context, q queryer, questionnaireID int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, "SELECT count(*) FROM qcm_attempts WHERE questionnaire_id = ?", questionnaireID).Scan(&n)
	return n > 0, err
}

// SaveQuestionnaire checks q (Validate, CheckReferentiel, and a draw from
// the current bank) and adds it (ID 0) or replaces it. EINVALID (the field
// errors, or err.qcm.not_enough / err.qcm.question_missing from the draw),
// ENOTFOUND, ELOCKED once it has attempts, EFORBIDDEN.
func (s *QCMService) SaveQuestionnaire(ctx context.Context, a exam.Actor, q *exam.Questionnaire) error {
	if err := a.Require(exam.PermManageSessions); err != nil {
		return fmt.Errorf("save questionnaire: %w", err)
	}
	if err := q.Validate(); err != nil {
		return fmt.Errorf("save questionnaire: %w", err)
	}
	if s.ref != nil {
		if err := q.CheckReferentiel(s.ref); err != nil {
			return fmt.Errorf("save questionnaire: %w", err)
		}
	}
	draw, err := json.Marshal(drawOf(q))
	if err != nil {
		return err
	}
	err = s.db.write(ctx, a, func(tx *Tx) error {
		bank, err := loadQuestions(ctx, tx, "")
		if err != nil {
			return err
		}
		if _, err := exam.Draw(bank, q, 1, exam.ScreenNeeds{}); err != nil {
			return err
		}
		mins := int64(q.TimeLimit / time.Minute)
		if q.ID == 0 {
			now := tx.now()
			res, err := tx.ExecContext(ctx, `INSERT INTO qcm_questionnaires (title, kind, draw, time_limit_min, created_at) VALUES (?, ?, ?, ?, ?)`,
				q.Title, string(q.Kind), string(draw), mins, fmtTime(now))
			if err != nil {
				return err
			}
			if q.ID, err = res.LastInsertId(); err != nil {
				return err
			}
			q.Created = now.Local()
			return tx.audit("qcm.questionnaire.create", "qcm_questionnaire", q.ID, nil, questionnaireAudit(q))
		}
		old, err := loadQuestionnaire(ctx, tx, q.ID)
		if err != nil {
			return err
		}
		if used, err := hasAttempts(ctx, tx, q.ID); err != nil {
			return err
		} else if used {
			return exam.Errorf(exam.ELOCKED, "err.qcm.questionnaire_used", "this questionnaire has attempts: create a new one instead", nil)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE qcm_questionnaires SET title = ?, kind = ?, draw = ?, time_limit_min = ? WHERE id = ?`,
			q.Title, string(q.Kind), string(draw), mins, q.ID); err != nil {
			return err
		}
		q.Created = old.Created
		return tx.audit("qcm.questionnaire.update", "qcm_questionnaire", q.ID, questionnaireAudit(old), questionnaireAudit(q))
	})
	if err != nil {
		return fmt.Errorf("save questionnaire %q: %w", q.Title, err)
	}
	return nil
}

// DeleteQuestionnaire removes a questionnaire without attempts. ENOTFOUND,
// ELOCKED, EFORBIDDEN.
func (s *QCMService) DeleteQuestionnaire(ctx context.Context, a exam.Actor, id int64) error {
	if err := a.Require(exam.PermManageSessions); err != nil {
		return fmt.Errorf("delete questionnaire: %w", err)
	}
	err := s.db.write(ctx, a, func(tx *Tx) error {
		old, err := loadQuestionnaire(ctx, tx, id)
		if err != nil {
			return err
		}
		if used, err := hasAttempts(ctx, tx, id); err != nil {
			return err
		} else if used {
			return exam.Errorf(exam.ELOCKED, "err.qcm.questionnaire_used", "this questionnaire has attempts: create a new one instead", nil)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM qcm_questionnaires WHERE id = ?", id); err != nil {
			return err
		}
		return tx.audit("qcm.questionnaire.delete", "qcm_questionnaire", id, questionnaireAudit(old), nil)
	})
	if err != nil {
		return fmt.Errorf("delete questionnaire %d: %w", id, err)
	}
	return nil
}

// --- Attempts.

const attemptColumns = `id, questionnaire_id, candidate_id, kind, title, seed, items, screen, base_ns, extra_ns, breaks,
	current, started_at, ended_at, end_reason, last_seen`

// loadAttempt reads an attempt with its answers and clock.
func loadAttempt(ctx context.Context, q queryer, id int64) (*exam.Attempt, error) {
	var at exam.Attempt
	var kind, items, screen, breaks, started, ended, lastSeen string
	var base, extra int64
	err := q.QueryRowContext(ctx, "SELECT "+attemptColumns+" FROM qcm_attempts WHERE id = ?", id).Scan(&at.ID, &at.QuestionnaireID,
		&at.CandidateID, &kind, &at.Title, &at.Seed, &items, &screen, &base, &extra, &breaks, &at.Current, &started, &ended,
		&at.EndReason, &lastSeen)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, attemptNotFound(id)
	}
	if err != nil {
		return nil, err
	}
	at.Kind = exam.QuestionnaireKind(kind)
	if at.Items, err = itemsFromJSON(items); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(screen), &at.Screen); err != nil {
		return nil, fmt.Errorf("stored screen needs of attempt %d: %w", id, err)
	}
	if err := json.Unmarshal([]byte(breaks), &at.Breaks); err != nil {
		return nil, fmt.Errorf("stored breaks of attempt %d: %w", id, err)
	}
	// The stored extra time is whole minutes: as fixed minutes it gives the
	// same working time, over which the one rule counts the planned breaks.
	allowance := exam.TimeAllowance{ExtraMinutes: int(time.Duration(extra) / time.Minute), Breaks: at.Breaks}
	at.Time = exam.QCMTime(time.Duration(base), &allowance)
	at.Time.Extra = time.Duration(extra)
	for _, p := range []struct {
		s string
		t *time.Time
	}{{started, &at.Started}, {ended, &at.Ended}, {lastSeen, &at.LastSeen}} {
		if *p.t, err = parseTime(p.s); err != nil {
			return nil, err
		}
	}
	at.Answers = map[int][]int{}
	rows, err := q.QueryContext(ctx, "SELECT item, chosen FROM qcm_answers WHERE attempt_id = ? ORDER BY item", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var item int
		var chosen string
		if err := rows.Scan(&item, &chosen); err != nil {
			return nil, err
		}
		var c []int
		if err := json.Unmarshal([]byte(chosen), &c); err != nil {
			return nil, fmt.Errorf("stored answer %d of attempt %d: %w", item, id, err)
		}
		at.Answers[item] = c
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	at.Events, err = loadAttemptEvents(ctx, q, id)
	return &at, err
}

func loadAttemptEvents(ctx context.Context, q queryer, id int64) ([]exam.TimerEvent, error) {
	rows, err := q.QueryContext(ctx, "SELECT kind, at, reason FROM qcm_timer_events WHERE attempt_id = ? ORDER BY seq", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []exam.TimerEvent
	for rows.Next() {
		var e exam.TimerEvent
		var kind, at string
		if err := rows.Scan(&kind, &at, &e.Reason); err != nil {
			return nil, err
		}
		e.Kind = exam.TimerEventKind(kind)
		if e.At, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// recordEvent checks e against the attempt's clock and appends it.
func recordEvent(tx *Tx, at *exam.Attempt, e exam.TimerEvent) error {
	t := at.Timer()
	if err := t.Record(e); err != nil {
		return err
	}
	_, err := tx.ExecContext(tx.ctx, `INSERT INTO qcm_timer_events (attempt_id, seq, kind, at, reason) VALUES (?, ?, ?, ?, ?)`,
		at.ID, len(at.Events)+1, string(e.Kind), fmtTime(e.At), e.Reason)
	if err != nil {
		return err
	}
	at.Events = t.Events
	return nil
}

// ResumeReason is the reason of the pause StartAttempt records when it
// resumes an attempt interrupted by a crash.
const ResumeReason = "interrupted"

// StartAttempt resumes the candidate's unfinished attempt of the
// questionnaire or draws a new one (see exam.QCMService). ENOTFOUND,
// EINVALID, EFORBIDDEN.
func (s *QCMService) StartAttempt(ctx context.Context, a exam.Actor, r exam.AttemptRequest) (*exam.Attempt, error) {
	if err := a.Require(exam.PermRunSessions); err != nil {
		return nil, fmt.Errorf("start attempt: %w", err)
	}
	if r.At.IsZero() {
		return nil, exam.Errorf(exam.EINVALID, "err.timer.at", "a timer event needs its time", nil)
	}
	var profile *exam.AccommodationProfile
	if s.Profiles != nil {
		p, err := s.Profiles.Profile(ctx, a, r.CandidateID)
		if err != nil {
			return nil, fmt.Errorf("start attempt: accommodations of candidate %d: %w", r.CandidateID, err)
		}
		profile = p
	}
	var out *exam.Attempt
	err := s.db.write(ctx, a, func(tx *Tx) error {
		qn, err := loadQuestionnaire(ctx, tx, r.QuestionnaireID)
		if err != nil {
			return err
		}
		var exists int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM candidates WHERE id = ?", r.CandidateID).Scan(&exists); err != nil {
			return err
		}
		if exists == 0 {
			return notFound(r.CandidateID)
		}
		var openID int64
		err = tx.QueryRowContext(ctx, "SELECT id FROM qcm_attempts WHERE questionnaire_id = ? AND candidate_id = ? AND ended_at = ''",
			r.QuestionnaireID, r.CandidateID).Scan(&openID)
		switch {
		case err == nil:
			out, err = s.resume(tx, openID, r.At)
			return err
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		out, err = s.start(tx, qn, r, profile)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("start attempt of candidate %d at questionnaire %d: %w", r.CandidateID, r.QuestionnaireID, err)
	}
	return out, nil
}

// resume reloads an unfinished attempt; if its clock was running, the time
// between its last recorded activity and now is a pause: the candidate does
// not lose the time the computer was down.
func (s *QCMService) resume(tx *Tx, id int64, now time.Time) (*exam.Attempt, error) {
	at, err := loadAttempt(tx.ctx, tx, id)
	if err != nil {
		return nil, err
	}
	st := at.Status(now)
	gap := now.Sub(at.LastSeen)
	audit := map[string]any{"at": fmtTime(now), "last_seen": fmtTime(at.LastSeen)}
	if st.State == exam.TimerRunning && gap > 0 {
		if err := recordEvent(tx, at, exam.TimerEvent{Kind: exam.TimerPause, At: at.LastSeen, Reason: ResumeReason}); err != nil {
			return nil, err
		}
		if err := recordEvent(tx, at, exam.TimerEvent{Kind: exam.TimerResume, At: now, Reason: ResumeReason}); err != nil {
			return nil, err
		}
		audit["refunded_ns"] = int64(gap)
	}
	if _, err := tx.ExecContext(tx.ctx, "UPDATE qcm_attempts SET last_seen = ? WHERE id = ?", fmtTime(now), id); err != nil {
		return nil, err
	}
	at.LastSeen = now
	return at, tx.audit("qcm.attempt.resume", "qcm_attempt", id, nil, audit)
}

// start draws and stores a new attempt and starts its clock.
func (s *QCMService) start(tx *Tx, qn *exam.Questionnaire, r exam.AttemptRequest, profile *exam.AccommodationProfile) (*exam.Attempt, error) {
	ctx := tx.ctx
	bank, err := loadQuestions(ctx, tx, "")
	if err != nil {
		return nil, err
	}
	seed := r.Seed
	if seed == 0 {
		seed = s.seed()
	}
	var allowance *exam.TimeAllowance
	var screen exam.ScreenNeeds
	if profile != nil {
		allowance, screen = &profile.Time, profile.Screen
	}
	items, err := exam.Draw(bank, qn, seed, screen)
	if err != nil {
		return nil, err
	}
	at := &exam.Attempt{QuestionnaireID: qn.ID, CandidateID: r.CandidateID, Kind: qn.Kind, Title: qn.Title, Seed: seed,
		Items: items, Answers: map[int][]int{}, Screen: screen, Time: exam.QCMTime(qn.TimeLimit, allowance),
		Breaks: exam.QCMBreaks(allowance), Started: r.At, LastSeen: r.At}
	itemsJSON, err := itemsToJSON(items)
	if err != nil {
		return nil, err
	}
	screenJSON, err := json.Marshal(screen)
	if err != nil {
		return nil, err
	}
	breaksJSON, err := json.Marshal(nonNil(at.Breaks))
	if err != nil {
		return nil, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO qcm_attempts (questionnaire_id, candidate_id, kind, title, seed, items, item_count, screen,
		base_ns, extra_ns, breaks, current, started_at, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
		qn.ID, r.CandidateID, string(qn.Kind), qn.Title, seed, string(itemsJSON), len(items), string(screenJSON),
		int64(at.Time.Base), int64(at.Time.Extra), string(breaksJSON), fmtTime(r.At), fmtTime(r.At))
	if err != nil {
		return nil, err
	}
	if at.ID, err = res.LastInsertId(); err != nil {
		return nil, err
	}
	if err := recordEvent(tx, at, exam.TimerEvent{Kind: exam.TimerStart, At: r.At}); err != nil {
		return nil, err
	}
	qids := make([]int64, len(items))
	for i, it := range items {
		qids[i] = it.Question.ID
	}
	return at, tx.audit("qcm.attempt.start", "qcm_attempt", at.ID, nil, map[string]any{
		"questionnaire_id": qn.ID, "candidate_id": r.CandidateID, "seed": seed, "questions": qids,
		"base_ns": int64(at.Time.Base), "extra_ns": int64(at.Time.Extra), "max_choices": screen.MaxChoices, "at": fmtTime(r.At)})
}

// Attempt returns one attempt. ENOTFOUND, EFORBIDDEN.
func (s *QCMService) Attempt(ctx context.Context, a exam.Actor, id int64) (*exam.Attempt, error) {
	if err := a.Require(exam.PermReadSessions); err != nil {
		return nil, fmt.Errorf("read attempt: %w", err)
	}
	var out *exam.Attempt
	err := s.db.read(ctx, func(q queryer) error {
		var err error
		out, err = loadAttempt(ctx, q, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read attempt %d: %w", id, err)
	}
	return out, nil
}

func attemptWhere(f exam.AttemptFilter) (string, []any) {
	var conds []string
	var args []any
	if f.QuestionnaireID != 0 {
		conds, args = append(conds, "t.questionnaire_id = ?"), append(args, f.QuestionnaireID)
	}
	if f.CandidateID != 0 {
		conds, args = append(conds, "t.candidate_id = ?"), append(args, f.CandidateID)
	}
	if f.Kind != "" {
		conds, args = append(conds, "t.kind = ?"), append(args, string(f.Kind))
	}
	if f.Finished {
		conds = append(conds, "t.ended_at <> ''")
	}
	if len(conds) == 0 {
		return "", nil
	}
	return "WHERE " + strings.Join(conds, " AND "), args
}

// Attempts lists the attempts matching f, latest first. EFORBIDDEN.
func (s *QCMService) Attempts(ctx context.Context, a exam.Actor, f exam.AttemptFilter) ([]exam.AttemptSummary, error) {
	if err := a.Require(exam.PermReadSessions); err != nil {
		return nil, fmt.Errorf("list attempts: %w", err)
	}
	where, args := attemptWhere(f)
	var out []exam.AttemptSummary
	err := s.db.read(ctx, func(q queryer) error {
		rows, err := q.QueryContext(ctx, `SELECT t.id, t.questionnaire_id, t.candidate_id, c.birth_name, c.usage_name, c.first_names,
			t.kind, t.title, t.started_at, t.ended_at, t.item_count,
			(SELECT count(*) FROM qcm_answers WHERE attempt_id = t.id)
			FROM qcm_attempts t JOIN candidates c ON c.id = t.candidate_id `+where+` ORDER BY t.started_at DESC, t.id DESC`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var sm exam.AttemptSummary
			var c exam.Candidate
			var kind, started, ended string
			if err := rows.Scan(&sm.ID, &sm.QuestionnaireID, &sm.CandidateID, &c.BirthName, &c.UsageName, &c.FirstNames,
				&kind, &sm.Title, &started, &ended, &sm.Total, &sm.Answered); err != nil {
				return err
			}
			sm.Kind, sm.CandidateName = exam.QuestionnaireKind(kind), c.DisplayName()
			if sm.Started, err = parseTime(started); err != nil {
				return err
			}
			if sm.Ended, err = parseTime(ended); err != nil {
				return err
			}
			out = append(out, sm)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("list attempts: %w", err)
	}
	return nonNil(out), nil
}

// runningAttempt loads an attempt that may still change: ELOCKED once it
// has ended.
func runningAttempt(tx *Tx, id int64) (*exam.Attempt, error) {
	at, err := loadAttempt(tx.ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if at.Finished() {
		return nil, exam.Errorf(exam.ELOCKED, "err.qcm.ended", "this attempt has ended", nil)
	}
	return at, nil
}

func timeUp() error {
	return exam.Errorf(exam.ELOCKED, "err.qcm.time_up", "the time is up", nil)
}

// Answer records the choices of an item and makes it the current page.
// EINVALID, ELOCKED (ended, time up), ENOTFOUND, EFORBIDDEN.
func (s *QCMService) Answer(ctx context.Context, a exam.Actor, attemptID int64, item int, chosen []int, at time.Time) error {
	if err := a.Require(exam.PermRunSessions); err != nil {
		return fmt.Errorf("record answer: %w", err)
	}
	chosen = slices.Clone(chosen)
	slices.Sort(chosen)
	err := s.db.write(ctx, a, func(tx *Tx) error {
		att, err := runningAttempt(tx, attemptID)
		if err != nil {
			return err
		}
		if err := att.CheckAnswer(item, chosen); err != nil {
			return err
		}
		if att.Status(at).TimeUp {
			return timeUp()
		}
		old := att.Answers[item]
		if len(chosen) == 0 {
			_, err = tx.ExecContext(ctx, "DELETE FROM qcm_answers WHERE attempt_id = ? AND item = ?", attemptID, item)
		} else {
			b, _ := json.Marshal(chosen)
			_, err = tx.ExecContext(ctx, `INSERT INTO qcm_answers (attempt_id, item, chosen, at) VALUES (?, ?, ?, ?)
				ON CONFLICT (attempt_id, item) DO UPDATE SET chosen = excluded.chosen, at = excluded.at`, attemptID, item, string(b), fmtTime(at))
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE qcm_attempts SET current = ?, last_seen = ? WHERE id = ?", item, fmtTime(at), attemptID); err != nil {
			return err
		}
		return tx.audit("qcm.answer", "qcm_attempt", attemptID, map[string]any{"item": item, "chosen": nonNil(old)},
			map[string]any{"item": item, "question_id": att.Items[item].Question.ID, "chosen": nonNil(chosen), "at": fmtTime(at)})
	})
	if err != nil {
		return fmt.Errorf("record answer to question %d of attempt %d: %w", item+1, attemptID, err)
	}
	return nil
}

// SetCurrent records the page shown. EINVALID, ELOCKED, ENOTFOUND,
// EFORBIDDEN.
func (s *QCMService) SetCurrent(ctx context.Context, a exam.Actor, attemptID int64, page int, at time.Time) error {
	if err := a.Require(exam.PermRunSessions); err != nil {
		return fmt.Errorf("record page: %w", err)
	}
	err := s.db.write(ctx, a, func(tx *Tx) error {
		att, err := runningAttempt(tx, attemptID)
		if err != nil {
			return err
		}
		if page < 0 || page > len(att.Items) {
			return exam.Errorf(exam.EINVALID, "err.qcm.item", "no question {{.Item}} in this attempt", map[string]any{"Item": page + 1})
		}
		if _, err := tx.ExecContext(ctx, "UPDATE qcm_attempts SET current = ?, last_seen = ? WHERE id = ?", page, fmtTime(at), attemptID); err != nil {
			return err
		}
		return tx.audit("qcm.page", "qcm_attempt", attemptID, map[string]any{"current": att.Current}, map[string]any{"current": page, "at": fmtTime(at)})
	})
	if err != nil {
		return fmt.Errorf("record page %d of attempt %d: %w", page+1, attemptID, err)
	}
	return nil
}

// clock records a pause or a resume.
func (s *QCMService) clock(ctx context.Context, a exam.Actor, attemptID int64, kind exam.TimerEventKind, at time.Time) error {
	if err := a.Require(exam.PermRunSessions); err != nil {
		return fmt.Errorf("record %s: %w", kind, err)
	}
	err := s.db.write(ctx, a, func(tx *Tx) error {
		att, err := runningAttempt(tx, attemptID)
		if err != nil {
			return err
		}
		if err := recordEvent(tx, att, exam.TimerEvent{Kind: kind, At: at}); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE qcm_attempts SET last_seen = ? WHERE id = ?", fmtTime(at), attemptID); err != nil {
			return err
		}
		return tx.audit("qcm.timer", "qcm_attempt", attemptID, nil, map[string]any{"kind": string(kind), "at": fmtTime(at)})
	})
	if err != nil {
		return fmt.Errorf("record %s of attempt %d: %w", kind, attemptID, err)
	}
	return nil
}

// Pause stops the attempt's clock (a break). EINVALID, ELOCKED, ENOTFOUND,
// EFORBIDDEN.
func (s *QCMService) Pause(ctx context.Context, a exam.Actor, attemptID int64, at time.Time) error {
	return s.clock(ctx, a, attemptID, exam.TimerPause, at)
}

// Resume starts the attempt's clock again after a break. EINVALID,
// ELOCKED, ENOTFOUND, EFORBIDDEN.
func (s *QCMService) Resume(ctx context.Context, a exam.Actor, attemptID int64, at time.Time) error {
	return s.clock(ctx, a, attemptID, exam.TimerResume, at)
}

// Finish ends the attempt and returns its result; an ended attempt's result
// is returned unchanged. EINVALID (unknown reason), ENOTFOUND, EFORBIDDEN.
func (s *QCMService) Finish(ctx context.Context, a exam.Actor, attemptID int64, reason string, at time.Time) (*exam.AttemptResult, error) {
	if err := a.Require(exam.PermRunSessions); err != nil {
		return nil, fmt.Errorf("finish attempt: %w", err)
	}
	switch reason {
	case exam.AttemptDone, exam.AttemptTimeUp, exam.AttemptStopped:
	default:
		return nil, exam.Errorf(exam.EINVALID, "err.qcm.end_reason", "unknown end “{{.Reason}}”", map[string]any{"Reason": reason})
	}
	var res exam.AttemptResult
	err := s.db.writeSession(ctx, a, func(tx *Tx) error {
		att, err := loadAttempt(ctx, tx, attemptID)
		if err != nil {
			return err
		}
		if att.Finished() {
			res = att.Result()
			return errNoChange
		}
		end := at.Round(0).Local() // as storage returns times
		if !att.LastSeen.IsZero() && end.Before(att.LastSeen) {
			end = att.LastSeen
		}
		if err := recordEvent(tx, att, exam.TimerEvent{Kind: exam.TimerEnd, At: end}); err != nil {
			return err
		}
		att.Ended, att.EndReason = end, reason
		res = att.Result()
		if _, err := tx.ExecContext(ctx, `UPDATE qcm_attempts SET ended_at = ?, end_reason = ?, last_seen = ?, score_right = ?, score_total = ? WHERE id = ?`,
			fmtTime(end), reason, fmtTime(end), res.Total.Right, res.Total.Total, attemptID); err != nil {
			return err
		}
		return tx.audit("qcm.attempt.finish", "qcm_attempt", attemptID, nil, map[string]any{"reason": reason, "at": fmtTime(end),
			"right": res.Total.Right, "total": res.Total.Total, "answered": len(att.Answers)})
	})
	if err != nil {
		return nil, fmt.Errorf("finish attempt %d: %w", attemptID, err)
	}
	return &res, nil
}

// Results returns the results of the attempts matching f, oldest first.
// EFORBIDDEN.
func (s *QCMService) Results(ctx context.Context, a exam.Actor, f exam.AttemptFilter) ([]exam.AttemptResult, error) {
	if err := a.Require(exam.PermReadSessions); err != nil {
		return nil, fmt.Errorf("read results: %w", err)
	}
	where, args := attemptWhere(f)
	var out []exam.AttemptResult
	err := s.db.read(ctx, func(q queryer) error {
		rows, err := q.QueryContext(ctx, "SELECT t.id FROM qcm_attempts t "+where+" ORDER BY t.started_at, t.id", args...)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range ids {
			at, err := loadAttempt(ctx, q, id)
			if err != nil {
				return err
			}
			out = append(out, at.Result())
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read results: %w", err)
	}
	return nonNil(out), nil
}
