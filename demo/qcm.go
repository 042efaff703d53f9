package demo

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/amisjury/amis/assets"
	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage/gift"
)

// Demo questionnaires, recognised by their title (FillQCM skips one that
// exists).
const (
	QCMPositioningTitle = "Positionnement d'entrée (démo)"
	QCMFinalTitle       = "Évaluation finale (démo)"
)

// qcmDemoCandidates is how many candidates (the first in name order) sit
// the demo questionnaires.
const qcmDemoCandidates = 12

// QCMOptions say how FillQCM works.
type QCMOptions struct {
	// Seed makes the answers reproducible (0: 2026).
	Seed uint64
	// Today is the day the final evaluation took place (zero: today); the
	// positioning took place six months before.
	Today exam.Date
	// Jury runs the attempts on the candidates' behalf (a candidate has no
	// account); zero: a jury actor without an account.
	Jury exam.Actor
}

// QCMResult says what FillQCM did.
type QCMResult struct {
	Imported       int // questions of the sample bank imported (0 when present)
	Questionnaires int // questionnaires created
	Attempts       int // finished attempts created
}

// FillQCM loads the sample question bank (assets/qcm/banque-amis.gift)
// unless its questions are already in the bank, creates a positioning and a
// final questionnaire (24 questions: 10 of CCP1, 8 of CCP2, 6 of CCP3, in
// 30 minutes) unless they exist, and has the first stored candidates (by
// name) sit both, the final one six months after the positioning, with
// answers that show progress for most of them; a candidate who already has
// an attempt at a demo questionnaire is skipped. Run it again: it adds
// nothing.
//
// admin (exam.System on the command line) manages the bank; o.Jury runs the
// attempts. The candidates' stored accommodation profiles apply (extra
// time, reduced choices), as for a real attempt.
func FillQCM(ctx context.Context, admin exam.Actor, svc exam.QCMService, cands exam.CandidateService, ref *exam.Referentiel, o QCMOptions) (QCMResult, error) {
	var res QCMResult
	if o.Seed == 0 {
		o.Seed = 2026
	}
	if o.Today.IsZero() {
		o.Today = exam.Today()
	}
	if o.Jury == (exam.Actor{}) {
		o.Jury = exam.Actor{Name: "Jury (démo)", Role: exam.RoleJury}
	}
	n, err := loadSampleBank(ctx, admin, svc, ref)
	if err != nil {
		return res, err
	}
	res.Imported = n
	existing, err := svc.Questionnaires(ctx, admin)
	if err != nil {
		return res, fmt.Errorf("demo QCM: %w", err)
	}
	draw := []exam.BlockDraw{{Block: "CCP1", Count: 10}, {Block: "CCP2", Count: 8}, {Block: "CCP3", Count: 6}}
	var qns []*exam.Questionnaire
	for _, want := range []exam.Questionnaire{
		{Title: QCMPositioningTitle, Kind: exam.QuestionnairePositioning, PerBlock: draw, TimeLimit: 30 * time.Minute},
		{Title: QCMFinalTitle, Kind: exam.QuestionnaireFinal, PerBlock: draw, TimeLimit: 30 * time.Minute},
	} {
		var found *exam.Questionnaire
		for i := range existing {
			if existing[i].Title == want.Title {
				found = &existing[i]
			}
		}
		if found == nil {
			q := want
			q.PerBlock = append([]exam.BlockDraw(nil), want.PerBlock...)
			if err := svc.SaveQuestionnaire(ctx, admin, &q); err != nil {
				return res, fmt.Errorf("demo QCM: questionnaire %q: %w", want.Title, err)
			}
			found = &q
			res.Questionnaires++
		}
		qns = append(qns, found)
	}
	people, err := cands.FindCandidates(ctx, admin, exam.CandidateFilter{Limit: qcmDemoCandidates})
	if err != nil {
		return res, fmt.Errorf("demo QCM: %w", err)
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0x51434d))
	entryDay := exam.DateOf(o.Today.Time().AddDate(0, -6, 0))
	for i, p := range people {
		// Entry level per block, and the progress made: most progress,
		// one in four stays about where they were.
		entry := [3]float64{0.30 + 0.25*rng.Float64(), 0.25 + 0.25*rng.Float64(), 0.20 + 0.30*rng.Float64()}
		gain := 0.25 + 0.20*rng.Float64()
		if i%4 == 3 {
			gain = 0.05 * rng.Float64()
		}
		exit := [3]float64{}
		for b := range exit {
			exit[b] = min(entry[b]+gain+0.1*(rng.Float64()-0.5), 0.95)
		}
		for k, lv := range []struct {
			qn    *exam.Questionnaire
			day   exam.Date
			level [3]float64
		}{{qns[0], entryDay, entry}, {qns[1], o.Today, exit}} {
			done, err := svc.Attempts(ctx, o.Jury, exam.AttemptFilter{QuestionnaireID: lv.qn.ID, CandidateID: p.ID})
			if err != nil {
				return res, fmt.Errorf("demo QCM: %w", err)
			}
			if len(done) > 0 {
				continue
			}
			start := time.Date(lv.day.Year, lv.day.Month, lv.day.Day, 9+i%3, 10*(i%6), 0, 0, time.Local)
			seed := int64(o.Seed)*1000 + int64(i)*10 + int64(k) + 1
			if err := sitQCM(ctx, o.Jury, svc, lv.qn.ID, p.ID, start, seed, lv.level, rng); err != nil {
				return res, fmt.Errorf("demo QCM: %s, %q: %w", p.BirthName, lv.qn.Title, err)
			}
			res.Attempts++
		}
	}
	return res, nil
}

// loadSampleBank imports the sample bank unless every one of its codes is
// already in the bank; it returns how many questions it imported.
func loadSampleBank(ctx context.Context, admin exam.Actor, svc exam.QCMService, ref *exam.Referentiel) (int, error) {
	parsed, err := gift.Parse(bytes.NewReader(assets.SampleQuestionBank()), assets.SampleQuestionBankName, ref)
	if err != nil {
		return 0, fmt.Errorf("demo QCM: sample bank: %w", err)
	}
	have, err := svc.Questions(ctx, admin, exam.QuestionFilter{})
	if err != nil {
		return 0, fmt.Errorf("demo QCM: %w", err)
	}
	codes := map[string]bool{}
	for _, q := range have {
		codes[strings.ToLower(q.Code)] = true
	}
	missing := false
	for _, r := range parsed.Questions {
		if !codes[strings.ToLower(r.Question.Code)] {
			missing = true
			break
		}
	}
	if !missing {
		return 0, nil
	}
	rep, err := exam.ImportQuestions(ctx, admin, svc, ref, parsed.Questions, nil, parsed.Problems)
	if err != nil {
		return 0, fmt.Errorf("demo QCM: import the sample bank: %w", err)
	}
	if !rep.OK() {
		return 0, fmt.Errorf("demo QCM: the sample bank was refused: %v", rep.Problems)
	}
	return rep.Imported, nil
}

// sitQCM runs one attempt: each question answered right with the
// candidate's level on its block, one every 50 seconds, then finished.
func sitQCM(ctx context.Context, jury exam.Actor, svc exam.QCMService, qnID, candID int64, start time.Time, seed int64, level [3]float64, rng *rand.Rand) error {
	at, err := svc.StartAttempt(ctx, jury, exam.AttemptRequest{QuestionnaireID: qnID, CandidateID: candID, At: start, Seed: seed})
	if err != nil {
		return err
	}
	now := start
	for i, it := range at.Items {
		now = now.Add(50 * time.Second)
		b := 0
		switch it.Question.Block {
		case "CCP2":
			b = 1
		case "CCP3":
			b = 2
		}
		chosen := it.Question.RightChoices()
		if rng.Float64() >= level[b] {
			chosen = wrongAnswer(it, rng)
		}
		if err := svc.Answer(ctx, jury, at.ID, i, chosen, now); err != nil {
			return err
		}
	}
	_, err = svc.Finish(ctx, jury, at.ID, exam.AttemptDone, now.Add(time.Minute))
	return err
}

// wrongAnswer picks a wrong answer among the choices shown: a wrong choice,
// or for a multiple-answer question with no wrong choice shown, one right
// choice too few.
func wrongAnswer(it exam.AttemptItem, rng *rand.Rand) []int {
	var wrong []int
	for _, c := range it.Order {
		if !it.Question.Choices[c].Correct {
			wrong = append(wrong, c)
		}
	}
	if len(wrong) > 0 {
		return []int{wrong[rng.IntN(len(wrong))]}
	}
	right := it.Question.RightChoices()
	return right[:len(right)-1]
}
