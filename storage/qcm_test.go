package storage

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/amisjury/amis/assets"
	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage/gift"
)

var (
	qcmJury     = exam.Actor{UserID: 7, Name: "Jeanne Jury", Role: exam.RoleJury}
	qcmReferent = exam.Actor{UserID: 8, Name: "Rémi Référent", Role: exam.RoleReferent}
	qcmT0       = time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
)

// qcmFixture is a database with the sample bank, two candidates (the second
// with a tiers-temps and three choices at most) and a positioning
// questionnaire of 5 + 4 + 3 questions in 30 minutes.
type qcmFixture struct {
	db    *DB
	svc   *QCMService
	cands []int64
	qn    *exam.Questionnaire
}

func qcmProfiles(cands *[]int64) ProfileSource {
	return ProfileFunc(func(ctx context.Context, a exam.Actor, id int64) (*exam.AccommodationProfile, error) {
		p := &exam.AccommodationProfile{CandidateID: id}
		if len(*cands) > 1 && id == (*cands)[1] {
			p.Time.ExtraPercent = 33
			p.Screen = exam.ScreenNeeds{MaxChoices: 3, TextScale: 200, HighContrast: true}
		}
		return p, nil
	})
}

func newQCMFixture(t testing.TB, db *DB) *qcmFixture {
	t.Helper()
	ctx := context.Background()
	ref := MustReferentiel(t)
	f := &qcmFixture{db: db}
	f.svc = NewQCMService(db, ref, qcmProfiles(&f.cands))
	cs := NewCandidateService(db, ref)
	for _, c := range genCandidates(2, 0) {
		if err := cs.CreateCandidate(ctx, exam.System, c); err != nil {
			t.Fatal(err)
		}
		f.cands = append(f.cands, c.ID)
	}
	res, err := gift.Parse(bytes.NewReader(assets.SampleQuestionBank()), assets.SampleQuestionBankName, ref)
	if err != nil || len(res.Problems) > 0 {
		t.Fatalf("sample bank: %v %v", err, res.Problems)
	}
	rep, err := exam.ImportQuestions(ctx, exam.System, f.svc, ref, res.Questions, nil, nil)
	if err != nil || !rep.OK() {
		t.Fatalf("import sample bank: %v %+v", err, rep)
	}
	f.qn = &exam.Questionnaire{Title: "Positionnement d'entrée", Kind: exam.QuestionnairePositioning, TimeLimit: 30 * time.Minute,
		PerBlock: []exam.BlockDraw{{Block: "CCP1", Count: 5}, {Block: "CCP2", Count: 4}, {Block: "CCP3", Count: 3}}}
	if err := f.svc.SaveQuestionnaire(ctx, exam.System, f.qn); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestQCMService_Bank(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	svc := NewQCMService(db, MustReferentiel(t), nil)
	q := exam.Question{Code: "T-1", Block: "RNCP37722BC02", Competence: 7, Kind: exam.QuestionSingle, Text: " Que faire ? ",
		Choices: []exam.Choice{{Text: "Écouter", Correct: true, Feedback: "Oui"}, {Text: "Crier"}},
		Image:   []byte("\x89PNG\r\n\x1a\nfake"), Feedback: "Écouter d'abord."}
	if err := svc.SaveQuestion(ctx, qcmJury, &q); exam.ErrorCode(err) != exam.EFORBIDDEN {
		t.Fatalf("a jury member manages the bank: %v", err)
	}
	if err := svc.SaveQuestion(ctx, exam.System, &q); err != nil {
		t.Fatal(err)
	}
	if q.ID == 0 || q.Block != "CCP2" || q.Text != "Que faire ?" {
		t.Fatalf("saved %+v", q)
	}
	got, err := svc.Question(ctx, qcmReferent, q.ID)
	if err != nil {
		t.Fatal(err)
	}
	q.Created, q.Updated = got.Created, got.Updated
	if !reflect.DeepEqual(*got, q) {
		t.Fatalf("read back\n got %+v\nwant %+v", *got, q)
	}
	// Same code on another question: conflict; invalid: field errors.
	other := exam.NewTrueFalse("Vrai ?", true)
	other.Code, other.Block, other.Competence = "t-1", "CCP1", 1
	wantCode(t, svc.SaveQuestion(ctx, exam.System, &other), exam.ECONFLICT, "err.qcm.code_taken")
	other.Code, other.Competence = "T-2", 9
	if fe := exam.FieldErrors(svc.SaveQuestion(ctx, exam.System, &other)); len(fe) != 1 || fe[0].Field != "competence" {
		t.Fatalf("competence 9 in CCP1: %v", fe)
	}
	other.Competence = 1
	if err := svc.SaveQuestion(ctx, exam.System, &other); err != nil {
		t.Fatal(err)
	}
	// Update.
	q.Choices[1].Text = "Hausser le ton"
	if err := svc.SaveQuestion(ctx, exam.System, &q); err != nil {
		t.Fatal(err)
	}
	list, err := svc.Questions(ctx, qcmJury, exam.QuestionFilter{Block: "ccp2"})
	if err != nil || len(list) != 1 || list[0].Choices[1].Text != "Hausser le ton" {
		t.Fatalf("filter by block: %v %+v", err, list)
	}
	if list, _ := svc.Questions(ctx, qcmJury, exam.QuestionFilter{Text: "QUE  faire"}); len(list) != 1 {
		t.Fatalf("search without case: %d", len(list))
	}
	if list, _ := svc.Questions(ctx, qcmJury, exam.QuestionFilter{Kind: exam.QuestionTrueFalse}); len(list) != 1 || list[0].ID != other.ID {
		t.Fatalf("filter by kind: %+v", list)
	}
	// A questionnaire listing a question protects it from deletion.
	qn := &exam.Questionnaire{Title: "Fixe", Kind: exam.QuestionnaireMock, TimeLimit: 10 * time.Minute, QuestionIDs: []int64{q.ID}}
	if err := svc.SaveQuestionnaire(ctx, exam.System, qn); err != nil {
		t.Fatal(err)
	}
	wantCode(t, svc.DeleteQuestion(ctx, exam.System, q.ID), exam.ECONFLICT, "err.qcm.question_used")
	if err := svc.DeleteQuestion(ctx, exam.System, other.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, svc.DeleteQuestion(ctx, exam.System, other.ID), exam.ENOTFOUND, "err.qcm.question_not_found")
	if n := count(t, db, "SELECT count(*) FROM audit_log WHERE action LIKE 'qcm.question.%'"); n != 4 {
		t.Fatalf("%d audit entries for the questions, want 4", n)
	}
}

func TestQCMService_ImportQuestions(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	ref := MustReferentiel(t)
	svc := NewQCMService(db, ref, nil)
	res, err := gift.Parse(bytes.NewReader(assets.SampleQuestionBank()), "banque", ref)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := exam.ImportQuestions(ctx, exam.System, svc, ref, res.Questions, nil, nil)
	if err != nil || !rep.OK() || rep.Imported != len(res.Questions) {
		t.Fatalf("import: %v %+v", err, rep)
	}
	// Again: the codes are known, the questions replaced, none added.
	res.Questions[0].Question.Text = "Texte corrigé"
	qs := make([]exam.Question, len(res.Questions))
	for i, r := range res.Questions {
		qs[i] = r.Question
	}
	added, replaced, err := svc.ImportQuestions(ctx, exam.System, qs)
	if err != nil || added != 0 || replaced != len(qs) {
		t.Fatalf("re-import: %d added, %d replaced, %v", added, replaced, err)
	}
	if n := count(t, db, "SELECT count(*) FROM qcm_questions"); n != len(qs) {
		t.Fatalf("%d questions after re-import, want %d", n, len(qs))
	}
	if n := count(t, db, "SELECT count(*) FROM qcm_questions WHERE text = 'Texte corrigé'"); n != 1 {
		t.Fatal("the re-imported text did not replace the old one")
	}
	// One bad question: nothing imported, the report says where.
	bad := []exam.QuestionRow{
		{Line: 3, Question: exam.Question{Code: "N-1", Block: "CCP1", Competence: 1, Kind: exam.QuestionSingle, Text: "ok", Choices: []exam.Choice{{Text: "a", Correct: true}, {Text: "b"}}}},
		{Line: 9, Question: exam.Question{Code: "N-2", Block: "CCP1", Competence: 1, Kind: exam.QuestionSingle, Text: "pas de bonne réponse", Choices: []exam.Choice{{Text: "a"}, {Text: "b"}}}},
		{Line: 12, Question: exam.Question{Code: "n-1", Block: "CCP3", Competence: 12, Kind: exam.QuestionSingle, Text: "doublon", Choices: []exam.Choice{{Text: "a", Correct: true}, {Text: "b"}}}},
	}
	rep, err = exam.ImportQuestions(ctx, exam.System, svc, ref, bad, map[string]string{"choices": "F (Choix)"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || rep.Imported != 0 || len(rep.Problems) != 2 || rep.Problems[0].Line != 9 || rep.Problems[0].Column != "F (Choix)" ||
		rep.Problems[1].Line != 12 || rep.Problems[1].Key != "err.qcm.code_twice" {
		t.Fatalf("report %+v", rep)
	}
	if n := count(t, db, "SELECT count(*) FROM qcm_questions WHERE code LIKE 'N-%'"); n != 0 {
		t.Fatalf("%d questions of a refused file imported", n)
	}
	if _, err := exam.ImportQuestions(ctx, qcmJury, svc, ref, bad[:1], nil, nil); exam.ErrorCode(err) != exam.EFORBIDDEN {
		t.Fatalf("jury imports: %v", err)
	}
}

func TestQCMService_Questionnaires(t *testing.T) {
	ctx := context.Background()
	f := newQCMFixture(t, MustOpen(t))
	too := &exam.Questionnaire{Title: "Trop", Kind: exam.QuestionnaireFinal, TimeLimit: time.Hour,
		PerBlock: []exam.BlockDraw{{Block: "CCP3", Count: 19}}}
	wantCode(t, f.svc.SaveQuestionnaire(ctx, exam.System, too), exam.EINVALID, "err.qcm.not_enough")
	too.PerBlock[0].Count = 18
	if err := f.svc.SaveQuestionnaire(ctx, exam.System, too); err != nil {
		t.Fatal(err)
	}
	too.Title = "Évaluation finale"
	if err := f.svc.SaveQuestionnaire(ctx, exam.System, too); err != nil {
		t.Fatal(err)
	}
	list, err := f.svc.Questionnaires(ctx, qcmJury)
	if err != nil || len(list) != 2 {
		t.Fatalf("list: %v %d", err, len(list))
	}
	got, err := f.svc.Questionnaire(ctx, qcmJury, f.qn.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, f.qn) {
		t.Fatalf("read back\n got %+v\nwant %+v", got, f.qn)
	}
	if _, err := f.svc.StartAttempt(ctx, qcmJury, exam.AttemptRequest{QuestionnaireID: f.qn.ID, CandidateID: f.cands[0], At: qcmT0}); err != nil {
		t.Fatal(err)
	}
	f.qn.TimeLimit = time.Hour
	wantCode(t, f.svc.SaveQuestionnaire(ctx, exam.System, f.qn), exam.ELOCKED, "err.qcm.questionnaire_used")
	wantCode(t, f.svc.DeleteQuestionnaire(ctx, exam.System, f.qn.ID), exam.ELOCKED, "err.qcm.questionnaire_used")
	if err := f.svc.DeleteQuestionnaire(ctx, exam.System, too.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, f.svc.DeleteQuestionnaire(ctx, qcmJury, f.qn.ID), exam.EFORBIDDEN, "")
}

func TestQCMService_Attempt(t *testing.T) {
	ctx := context.Background()
	f := newQCMFixture(t, MustOpen(t))
	svc := f.svc
	req := exam.AttemptRequest{QuestionnaireID: f.qn.ID, CandidateID: f.cands[1], At: qcmT0, Seed: 2024}
	if _, err := svc.StartAttempt(ctx, exam.System, req); exam.ErrorCode(err) != exam.EFORBIDDEN {
		t.Fatalf("an administrator runs an attempt: %v", err)
	}
	at, err := svc.StartAttempt(ctx, qcmJury, req)
	if err != nil {
		t.Fatal(err)
	}
	// The candidate's accommodations: a tiers-temps on 30 min, three
	// choices at most; the draw is the pure function of the seed.
	if at.Time.Label() != "40 min (base 30 min)" || at.Screen.MaxChoices != 3 || !at.Screen.HighContrast {
		t.Fatalf("time %q screen %+v", at.Time.Label(), at.Screen)
	}
	bank, err := svc.Questions(ctx, qcmJury, exam.QuestionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	want, err := exam.Draw(bank, f.qn, 2024, at.Screen)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(at.Items, want) || len(at.Items) != 12 {
		t.Fatal("stored items differ from the draw of the seed")
	}
	for _, it := range at.Items {
		if len(it.Order) > max(3, len(it.Question.RightChoices())+1) {
			t.Fatalf("question %d shows %d choices", it.Question.ID, len(it.Order))
		}
	}
	// Answers, pages, a break.
	m := func(n int) time.Time { return qcmT0.Add(time.Duration(n) * time.Minute) }
	for i := range 4 {
		if err := svc.Answer(ctx, qcmJury, at.ID, i, at.Items[i].Order[:1], m(i+1)); err != nil {
			t.Fatal(err)
		}
	}
	if err := svc.Answer(ctx, qcmJury, at.ID, 3, nil, m(5)); err != nil { // cleared
		t.Fatal(err)
	}
	wantCode(t, svc.Answer(ctx, qcmJury, at.ID, 99, nil, m(5)), exam.EINVALID, "err.qcm.item")
	if err := svc.Pause(ctx, qcmJury, at.ID, m(6)); err != nil {
		t.Fatal(err)
	}
	wantCode(t, svc.Pause(ctx, qcmJury, at.ID, m(7)), exam.EINVALID, "err.timer.not_running")
	if err := svc.Resume(ctx, qcmJury, at.ID, m(16)); err != nil {
		t.Fatal(err)
	}
	if err := svc.SetCurrent(ctx, qcmJury, at.ID, 12, m(17)); err != nil { // the review page
		t.Fatal(err)
	}
	wantCode(t, svc.SetCurrent(ctx, qcmJury, at.ID, 13, m(17)), exam.EINVALID, "err.qcm.item")
	got, err := svc.Attempt(ctx, qcmReferent, at.ID)
	if err != nil {
		t.Fatal(err)
	}
	st := got.Status(m(20))
	if got.Current != 12 || len(got.Answers) != 3 || st.Elapsed != 10*time.Minute || st.Remaining != 30*time.Minute || st.Paused != 10*time.Minute {
		t.Fatalf("current %d, %d answers, elapsed %v remaining %v paused %v", got.Current, len(got.Answers), st.Elapsed, st.Remaining, st.Paused)
	}
	// Starting again returns the same, unfinished attempt.
	again, err := svc.StartAttempt(ctx, qcmJury, exam.AttemptRequest{QuestionnaireID: f.qn.ID, CandidateID: f.cands[1], At: m(17)})
	if err != nil || again.ID != at.ID || again.Seed != 2024 {
		t.Fatalf("start again: %v, attempt %d seed %d", err, again.ID, again.Seed)
	}
	// The time is up after 40 working minutes: 6 before the break, 34
	// after it (16 + 34 = 50).
	wantCode(t, svc.Answer(ctx, qcmJury, at.ID, 5, at.Items[5].Order[:1], m(50)), exam.ELOCKED, "err.qcm.time_up")
	if err := svc.Answer(ctx, qcmJury, at.ID, 5, at.Items[5].Order[:1], m(49)); err != nil {
		t.Fatalf("one minute before the end: %v", err)
	}
	res, err := svc.Finish(ctx, qcmJury, at.ID, exam.AttemptTimeUp, m(50))
	if err != nil {
		t.Fatal(err)
	}
	final, _ := svc.Attempt(ctx, qcmJury, at.ID)
	if want := final.Result(); !reflect.DeepEqual(*res, want) || res.Total.Total != 12 || final.EndReason != exam.AttemptTimeUp {
		t.Fatalf("result %+v", res)
	}
	wantCode(t, svc.Answer(ctx, qcmJury, at.ID, 5, at.Items[5].Order[:1], m(51)), exam.ELOCKED, "err.qcm.ended")
	if res2, err := svc.Finish(ctx, qcmJury, at.ID, exam.AttemptDone, m(60)); err != nil || !reflect.DeepEqual(res2, res) {
		t.Fatalf("finish twice: %v", err)
	}
	// A new start after the end is a new attempt with a new draw.
	next, err := svc.StartAttempt(ctx, qcmJury, exam.AttemptRequest{QuestionnaireID: f.qn.ID, CandidateID: f.cands[1], At: m(90)})
	if err != nil || next.ID == at.ID || next.Seed == 0 {
		t.Fatalf("new attempt: %v %d", err, next.ID)
	}
	sums, err := svc.Attempts(ctx, qcmJury, exam.AttemptFilter{CandidateID: f.cands[1]})
	if err != nil || len(sums) != 2 || sums[0].ID != next.ID || sums[1].Answered != 4 || sums[1].Total != 12 || sums[1].CandidateName == "" {
		t.Fatalf("summaries %v %+v", err, sums)
	}
	rs, err := svc.Results(ctx, qcmJury, exam.AttemptFilter{Finished: true})
	if err != nil || len(rs) != 1 || rs[0].AttemptID != at.ID {
		t.Fatalf("results %v %+v", err, rs)
	}
	// The candidate's deletion takes their attempts with them.
	if err := NewCandidateService(f.db, MustReferentiel(t)).DeleteCandidate(ctx, exam.System, f.cands[1]); err != nil {
		t.Fatal(err)
	}
	if n := count(t, f.db, "SELECT count(*) FROM qcm_attempts"); n != 0 {
		t.Fatalf("%d attempts left after deleting their candidate", n)
	}
	if n := count(t, f.db, "SELECT count(*) FROM qcm_answers"); n != 0 {
		t.Fatalf("%d answers left", n)
	}
}

// TestQCMService_EntryExit scores entry and exit attempts of the same
// candidate and puts them side by side.
func TestQCMService_EntryExit(t *testing.T) {
	ctx := context.Background()
	f := newQCMFixture(t, MustOpen(t))
	final := &exam.Questionnaire{Title: "Finale", Kind: exam.QuestionnaireFinal, TimeLimit: 30 * time.Minute, PerBlock: f.qn.PerBlock}
	if err := f.svc.SaveQuestionnaire(ctx, exam.System, final); err != nil {
		t.Fatal(err)
	}
	sit := func(qn *exam.Questionnaire, at time.Time, right int) {
		a, err := f.svc.StartAttempt(ctx, qcmJury, exam.AttemptRequest{QuestionnaireID: qn.ID, CandidateID: f.cands[0], At: at})
		if err != nil {
			t.Fatal(err)
		}
		for i, it := range a.Items[:right] {
			if err := f.svc.Answer(ctx, qcmJury, a.ID, i, it.Question.RightChoices(), at.Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.svc.Finish(ctx, qcmJury, a.ID, exam.AttemptDone, at.Add(2*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	sit(f.qn, qcmT0, 3)
	sit(final, qcmT0.AddDate(0, 6, 0), 9)
	rs, err := f.svc.Results(ctx, qcmJury, exam.AttemptFilter{CandidateID: f.cands[0]})
	if err != nil {
		t.Fatal(err)
	}
	ps := exam.CompareEntryExit(rs)
	if len(ps) != 1 || ps[0].Entry.Total.Right != 3 || ps[0].Exit.Total.Right != 9 {
		t.Fatalf("progress %+v", ps)
	}
	if d, ok := ps[0].Delta(""); !ok || d != 50 {
		t.Fatalf("delta %v", d)
	}
}

// The resume test: a child process (this test binary, re-executed) starts
// or resumes the attempt and answers as fast as it can, acknowledging on
// its standard output each answer that returned nil; the test kills it
// with SIGKILL, reopens the database, resumes the attempt and compares it
// with what the child was told was saved: same questions, same answers,
// same page, same remaining time. Three kills in a row on the same attempt.

const (
	qcmChildEnv = "AMIS_TEST_QCM_CHILD" // the database path: be the child
	qcmRunEnv   = "AMIS_TEST_QCM_RUN"
)

// qcmChildStep is the working time between two answers of a child.
const qcmChildStep = 100 * time.Millisecond

// qcmRunStart is when run r resumes the attempt (the first starts it).
func qcmRunStart(r int) time.Time { return qcmT0.Add(time.Duration(r) * time.Hour) }

// qcmChildAnswer is the k-th answer of a child: the item and the choice
// (its display position) it picks.
func qcmChildAnswer(at *exam.Attempt, k int) (item int, chosen []int) {
	item = (k * 7) % len(at.Items)
	it := at.Items[item]
	return item, []int{it.Order[k%len(it.Order)]}
}

func TestQCMService_ResumeAfterKill(t *testing.T) {
	if path := os.Getenv(qcmChildEnv); path != "" {
		qcmChild(path)
		return
	}
	path := filepath.Join(t.TempDir(), "amis.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	f := newQCMFixture(t, db)
	cand, qnID := f.cands[1], f.qn.ID
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	type state struct {
		answers map[int][]int
		current int
		elapsed time.Duration
	}
	want := state{answers: map[int][]int{}}
	var attemptID int64
	for run := range 3 {
		acks, ready := qcmKillChild(t, path, run)
		if !ready {
			t.Fatalf("run %d: the child was not ready", run)
		}
		db, err := Open(path)
		if err != nil {
			t.Fatalf("run %d: reopen: %v", run, err)
		}
		svc := NewQCMService(db, MustReferentiel(t), qcmProfiles(&f.cands))
		resumeAt := qcmRunStart(run + 1)
		at, err := svc.StartAttempt(context.Background(), qcmJury, exam.AttemptRequest{QuestionnaireID: qnID, CandidateID: cand, At: resumeAt})
		if err != nil {
			t.Fatalf("run %d: resume: %v", run, err)
		}
		if attemptID == 0 {
			attemptID = at.ID
		}
		if at.ID != attemptID || at.Seed != 77 {
			t.Fatalf("run %d: resumed attempt %d (seed %d), want %d (seed 77)", run, at.ID, at.Seed, attemptID)
		}
		bank, err := svc.Questions(context.Background(), qcmJury, exam.QuestionFilter{})
		if err != nil {
			t.Fatal(err)
		}
		items, err := exam.Draw(bank, f.qn, 77, exam.ScreenNeeds{MaxChoices: 3, TextScale: 200, HighContrast: true})
		if err != nil || !reflect.DeepEqual(items, at.Items) {
			t.Fatalf("run %d: the resumed questions are not the seed's draw (%v)", run, err)
		}
		// What the database holds is the state after the last acknowledged
		// answer, or after the one in flight when the child died.
		last := len(acks)
		after := func(n int) state {
			s := state{answers: map[int][]int{}, current: want.current, elapsed: want.elapsed + time.Duration(n)*qcmChildStep}
			for k, v := range want.answers {
				s.answers[k] = v
			}
			for k := range n {
				item, chosen := qcmChildAnswer(at, k)
				s.answers[item], s.current = chosen, item
			}
			return s
		}
		got := state{answers: at.Answers, current: at.Current}
		var match *state
		for _, n := range []int{last, last + 1} {
			s := after(n)
			if reflect.DeepEqual(s.answers, got.answers) && s.current == got.current {
				match = &s
				break
			}
		}
		if match == nil {
			t.Fatalf("run %d: %d answers acknowledged; the database holds answers %v, page %d; want %v, page %d",
				run, last, got.answers, got.current, after(last).answers, after(last).current)
		}
		want = *match
		st := at.Status(resumeAt)
		if st.Elapsed != want.elapsed || st.Remaining != 40*time.Minute-want.elapsed {
			t.Fatalf("run %d: elapsed %v remaining %v, want elapsed %v", run, st.Elapsed, st.Remaining, want.elapsed)
		}
		t.Logf("run %d: killed after %d acknowledged answers; resumed at page %d with %d answers, %s left",
			run, last, at.Current+1, len(at.Answers), exam.FormatClock(st.Remaining))
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// qcmKillChild runs a child on path for run, kills it a little after it is
// ready and returns the answers it acknowledged.
func qcmKillChild(t *testing.T, path string, run int) (acks []string, ready bool) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestQCMService_ResumeAfterKill$", "-test.count=1")
	cmd.Env = append(os.Environ(), qcmChildEnv+"="+path, qcmRunEnv+"="+strconv.Itoa(run))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1<<16)
	go func() {
		defer close(lines)
		r := bufio.NewReader(out)
		for {
			l, err := r.ReadString('\n')
			if err != nil { // a line cut by the kill is no acknowledgement
				return
			}
			lines <- strings.TrimSuffix(l, "\n")
		}
	}()
	var kill <-chan time.Time
	timeout := time.After(60 * time.Second)
wait:
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				break wait
			}
			switch {
			case l == "READY":
				ready = true
				kill = time.After(time.Duration(40+run*60) * time.Millisecond)
			case strings.HasPrefix(l, "ACK "):
				acks = append(acks, l)
			}
		case <-kill:
			break wait
		case <-timeout:
			break wait
		}
	}
	_ = cmd.Process.Kill() // SIGKILL
	for l := range lines {
		if strings.HasPrefix(l, "ACK ") {
			acks = append(acks, l)
		}
	}
	_ = cmd.Wait()
	if cmd.ProcessState.ExitCode() != -1 {
		t.Fatalf("run %d: the child ended by itself instead of being killed:\n%s", run, stderr.String())
	}
	return acks, ready
}

// qcmChild resumes (or starts, run 0) the attempt and answers until killed,
// the k-th answer (k+1) steps of working time after the run's start.
func qcmChild(path string) {
	fail := func(format string, args ...any) {
		fmt.Fprintf(os.Stderr, "qcm child: "+format+"\n", args...)
		os.Exit(3)
	}
	run, _ := strconv.Atoi(os.Getenv(qcmRunEnv))
	db, err := Open(path)
	if err != nil {
		fail("open: %v", err)
	}
	ctx := context.Background()
	cands := []int64{1, 2}
	svc := NewQCMService(db, nil, qcmProfiles(&cands))
	qs, err := svc.Questionnaires(ctx, qcmJury)
	if err != nil || len(qs) != 1 {
		fail("questionnaires: %v", err)
	}
	start := qcmRunStart(run)
	at, err := svc.StartAttempt(ctx, qcmJury, exam.AttemptRequest{QuestionnaireID: qs[0].ID, CandidateID: 2, At: start, Seed: 77})
	if err != nil {
		fail("start: %v", err)
	}
	fmt.Println("READY")
	for k := 0; k < 1500; k++ {
		item, chosen := qcmChildAnswer(at, k)
		if err := svc.Answer(ctx, qcmJury, at.ID, item, chosen, start.Add(time.Duration(k+1)*qcmChildStep)); err != nil {
			fail("answer %d: %v", k, err)
		}
		fmt.Printf("ACK %d\n", k)
	}
	time.Sleep(time.Minute)
	fail("not killed")
}
