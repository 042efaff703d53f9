package demo

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/amisjury/amis/exam"
)

// Demo sessions, recognised by their reference (FillSessions skips one
// whose reference is already stored):
//
//   - DEMO-SV-01, a full-title certification session about three weeks
//     before today, over two days, SIGNED: eight candidates (titre obtenu,
//     certification partielle, non obtenu, one absent), timers, grids of
//     each member, decisions with their reasons, confirmed results, a late
//     arrival, the signatures of its jury;
//   - DEMO-SV-02, a certification session today, READY TO RUN: candidates
//     registered (two of them back for the CCPs they missed in DEMO-SV-01),
//     jury complete with their PINs set, not started;
//   - DEMO-EB-01, a mock exam (examen blanc) ten days ago, started, with
//     the grids of two trainers and their decisions, not signed.
//
// Demo PINs, to sign the procès-verbal (the README lists them):
//
//	DEMO-SV-01  Nathalie Vasseur (présidente)  1234
//	            Olivier Ménard                 5678
//	            Sabrina Kaci                   2468
//	DEMO-SV-02  Jean-Marc Lopez (président)    1111
//	            Fatima Benali                  2222
//	            Thomas Girard                  3333
const (
	RefSigned = "DEMO-SV-01"
	RefReady  = "DEMO-SV-02"
	RefMock   = "DEMO-EB-01"
)

// PINs gives the signing PIN of each demo jury member, by name.
var PINs = map[string]string{
	"Nathalie Vasseur": "1234", "Olivier Ménard": "5678", "Sabrina Kaci": "2468",
	"Jean-Marc Lopez": "1111", "Fatima Benali": "2222", "Thomas Girard": "3333",
}

// Stores are the services the demo sessions are written through.
type Stores struct {
	Candidates   exam.CandidateService
	Sessions     exam.SessionService
	Evaluations  exam.EvaluationService
	Deliberation exam.DeliberationService
	// Jury is the jury member who runs the sessions, grades and has the
	// members sign (an administrator may not); zero: a jury actor without
	// an account.
	Jury exam.Actor
}

// sessionStorer is a candidate service that can hand out the session
// services of the same database (storage.CandidateService does).
type sessionStorer interface {
	SessionStores() (exam.SessionService, exam.EvaluationService, exam.DeliberationService)
}

// storesFor returns the services Fill writes sessions through: those of o
// if set, otherwise those the candidate service offers; nil if none.
func storesFor(svc exam.CandidateService, o Options) *Stores {
	if o.Sessions != nil && o.Evaluations != nil && o.Deliberation != nil {
		return &Stores{Candidates: svc, Sessions: o.Sessions, Evaluations: o.Evaluations, Deliberation: o.Deliberation}
	}
	if ss, ok := svc.(sessionStorer); ok {
		s, e, d := ss.SessionStores()
		return &Stores{Candidates: svc, Sessions: s, Evaluations: e, Deliberation: d}
	}
	return nil
}

// sessionPool is how many of the generated candidates the demo sessions
// draw from; the generator gives the same first candidates whatever the
// number asked, so these are among those Fill stored.
const sessionPool = 60

// minSessionCandidates is the fewest stored demo candidates the sessions
// need; with fewer, FillSessions creates none.
const minSessionCandidates = 25

// plan is what happens to one candidate in a demo session.
type plan struct {
	fail      map[string][]int // CCP (short code) → competences not satisfied
	dispute   int              // competence two members disagree on, settled "satisfied" by the collegial grid
	absent    bool
	employer  string
	allowance exam.TimeAllowance
	notes     string // entretien final
}

// sessionPoolOf returns the stored demo candidates the sessions draw from,
// with their IDs: those without and those with earlier CCPs, in generation
// order.
func sessionPoolOf(ctx context.Context, a exam.Actor, svc exam.CandidateService, ref *exam.Referentiel, o Options) (fresh, prior []*exam.Candidate, err error) {
	today := o.Today
	if today.IsZero() {
		today = exam.Today()
	}
	if o.Seed == 0 {
		o.Seed = 2026
	}
	n := o.Candidates
	if n <= 0 {
		n = DefaultCandidates
	}
	gen := Candidates(ref, min(n, sessionPool), o.Seed, today)
	keys := make([]string, len(gen))
	for i, c := range gen {
		keys[i] = c.DuplicateKey()
	}
	stored, err := svc.ExistingDuplicates(ctx, a, keys)
	if err != nil {
		return nil, nil, fmt.Errorf("demo sessions: %w", err)
	}
	for _, c := range gen {
		sum, ok := stored[c.DuplicateKey()]
		if !ok {
			continue
		}
		c.ID = sum.ID
		if len(c.Acquired) == 0 {
			fresh = append(fresh, c)
		} else {
			prior = append(prior, c)
		}
	}
	return fresh, prior, nil
}

// FillSessions creates the demo sessions that are not stored yet (see
// RefSigned, RefReady, RefMock), through the services, from the demo
// candidates Fill stored with the same options: a (an administrator)
// creates them, st.Jury runs, grades and has them signed. It returns how
// many it created and skipped.
func FillSessions(ctx context.Context, a exam.Actor, st Stores, ref *exam.Referentiel, o Options) (created, skipped int, err error) {
	today := o.Today
	if today.IsZero() {
		today = exam.Today()
		o.Today = today
	}
	existing, err := st.Sessions.FindSessions(ctx, a, exam.SessionFilter{})
	if err != nil {
		return 0, 0, fmt.Errorf("demo sessions: %w", err)
	}
	have := map[string]bool{}
	for _, s := range existing {
		have[s.Reference] = true
	}
	fresh, prior, err := sessionPoolOf(ctx, a, st.Candidates, ref, o)
	if err != nil {
		return 0, 0, err
	}
	if len(fresh)+len(prior) < minSessionCandidates || len(fresh) < 18 || len(prior) < 1 {
		return 0, 0, nil
	}
	jury := st.Jury
	if jury.Role == "" {
		jury = fallbackActor("jury")
	}
	r := &sessionRun{ctx: ctx, a: a, jury: jury, st: st, ref: ref}
	steps := []struct {
		ref string
		run func() error
	}{
		{RefSigned, func() error { return r.signed(weekday(today.Time().AddDate(0, 0, -21)), fresh[:7], prior[0]) }},
		{RefReady, func() error { return r.ready(today, fresh[7:13], fresh[1], fresh[3]) }},
		{RefMock, func() error { return r.mock(weekday(today.Time().AddDate(0, 0, -10)), fresh[13:]) }},
	}
	for _, s := range steps {
		if have[s.ref] {
			skipped++
			continue
		}
		if err := s.run(); err != nil {
			return created, skipped, fmt.Errorf("demo session %s: %w", s.ref, err)
		}
		created++
	}
	return created, skipped, nil
}

// weekday returns the date of t, moved back to the Friday when it falls on
// a week-end.
func weekday(t time.Time) exam.Date {
	switch t.Weekday() {
	case time.Saturday:
		t = t.AddDate(0, 0, -1)
	case time.Sunday:
		t = t.AddDate(0, 0, -2)
	}
	return exam.DateOf(t)
}

// sessionRun writes the demo sessions: a creates them, jury does the rest.
type sessionRun struct {
	ctx  context.Context
	a    exam.Actor
	jury exam.Actor
	st   Stores
	ref  *exam.Referentiel
}

var employers = []string{"RTM – Régie des transports métropolitains", "13 Habitat", "Ville d'Aubagne", "Logirem", "SNCF Gares & Connexions"}

// employerOf gives apprentices and professionalisation contracts an employer.
func employerOf(c *exam.Candidate, i int) string {
	if c.AccessRoute == exam.RouteApprenticeship || c.AccessRoute == exam.RouteProContract {
		return employers[i%len(employers)]
	}
	return ""
}

func at(day exam.Date, h, m int) time.Time {
	return time.Date(day.Year, day.Month, day.Day, h, m, 0, 0, time.Local)
}

// signed creates RefSigned: eight candidates over two days from day, the
// jury's work, and the signatures that lock it.
func (r *sessionRun) signed(day exam.Date, fresh []*exam.Candidate, prior *exam.Candidate) error {
	second := exam.DateOf(day.Time().AddDate(0, 0, 1))
	if second.Time().Weekday() == time.Saturday {
		second = exam.DateOf(day.Time().AddDate(0, 0, 3))
	}
	cands := []*exam.Candidate{fresh[0], fresh[1], prior, fresh[2], fresh[3], fresh[4], fresh[5], fresh[6]}
	plans := []plan{
		{notes: "Projet professionnel clair (médiation dans les transports) ; bonne analyse de sa pratique en structure."},
		{fail: map[string][]int{"CCP3": {11, 12}}, notes: "À l'aise en médiation ; peu d'expérience des projets partenariaux, à retravailler pour le CCP3."},
		{notes: "CCP déjà acquis lors d'une session précédente ; entretien centré sur les CCP restants, très convaincant."},
		{fail: map[string][]int{"CCP1": {4, 5}, "CCP2": {7, 8}, "CCP3": {11}}, notes: "Dossier professionnel incomplet ; difficultés à expliciter ses interventions. Un parcours de formation complémentaire est conseillé."},
		{fail: map[string][]int{"CCP2": {8}}, allowance: exam.TimeAllowance{ExtraPercent: 33},
			notes: "Tiers-temps appliqué à toutes les épreuves. Gestes de premiers secours à consolider (SST à renouveler)."},
		{absent: true},
		{dispute: 3, notes: "Aller-vers à approfondir selon un membre du jury ; le jury retient la compétence après délibération."},
		{fail: map[string][]int{"CCP1": {2}, "CCP3": {10, 12}}, employer: "Transdev Marseille",
			notes: "Très bonne régulation des conflits ; connaissance du territoire et des partenaires insuffisante."},
	}
	for i, c := range cands {
		if plans[i].employer == "" {
			plans[i].employer = employerOf(c, i)
		}
	}
	s := &exam.Session{
		Kind: exam.KindCertification, Scope: exam.ScopeFullTitle, Reference: RefSigned,
		StartDate: day, EndDate: second, Place: "AFPA Marseille Saint-Jérôme, bâtiment B, salle 12",
		TrainingCentre: "AFPA Marseille Saint-Jérôme",
		DayStart:       exam.NewTimeOfDay(8, 30), DayEnd: exam.NewTimeOfDay(17, 30), Changeover: 15 * time.Minute,
		Jury: []exam.Member{
			{Name: "Nathalie Vasseur", Organisation: "Ville de Marseille, direction de la tranquillité publique", Habilitation: "HAB-2024-013", Role: exam.JuryPresident, External: true},
			{Name: "Olivier Ménard", Organisation: "Transdev Marseille", Habilitation: "HAB-2023-087", Role: exam.JuryMember, External: true},
			{Name: "Sabrina Kaci", Organisation: "ADDAP 13", Habilitation: "HAB-2022-142", Role: exam.JuryMember, External: true},
		},
	}
	for i, c := range cands {
		s.Candidates = append(s.Candidates, exam.SessionCandidate{Candidate: exam.Candidate{ID: c.ID},
			Employer: plans[i].employer, Allowance: plans[i].allowance})
	}
	if err := r.st.Sessions.CreateSession(r.ctx, r.a, s); err != nil {
		return err
	}
	if err := r.st.Sessions.StartSession(r.ctx, r.jury, s.ID, at(day, 8, 30)); err != nil {
		return err
	}
	for i, c := range cands {
		if plans[i].absent {
			if err := r.st.Sessions.SetAbsent(r.ctx, r.jury, s.ID, c.ID, true); err != nil {
				return err
			}
		}
	}
	s, err := r.st.Sessions.Session(r.ctx, r.jury, s.ID)
	if err != nil {
		return err
	}
	// Mise en situation: four candidates a day, one after the other.
	slots := [][2]int{{9, 0}, {10, 45}, {13, 30}, {15, 15}}
	for i, c := range cands {
		if plans[i].absent {
			continue
		}
		d := day
		if i >= 4 {
			d = second
		}
		start := at(d, slots[i%4][0], slots[i%4][1])
		if i == 3 { // the late arrival
			start = start.Add(25 * time.Minute)
			if err := r.st.Deliberation.RecordIncident(r.ctx, r.jury, &exam.Incident{SessionID: s.ID, CandidateID: c.ID,
				Trial: "MSP", Kind: exam.IncidentLate, At: start.Add(-time.Minute),
				Text: "Arrivée à " + start.Add(-time.Minute).Format("15 h 04") + " au lieu de 15 h 15 (retard du TER). Épreuve décalée de 25 minutes ; durée intégralement accordée."}); err != nil {
				return err
			}
		}
		if err := r.runTrial(s, c.ID, "MSP", start, i == 4); err != nil {
			return err
		}
	}
	for i, c := range cands {
		if plans[i].absent {
			continue
		}
		if err := r.deliberate(s, c.ID, plans[i]); err != nil {
			return err
		}
	}
	for i, c := range cands {
		res := exam.CandidateResult{SessionID: s.ID, CandidateID: c.ID, FinalInterviewNotes: plans[i].notes}
		if err := r.st.Deliberation.ConfirmResult(r.ctx, r.jury, &res); err != nil {
			return err
		}
	}
	for _, m := range s.Jury {
		if err := r.st.Deliberation.SetMemberSecret(r.ctx, r.jury, s.ID, m.ID, PINs[m.Name]); err != nil {
			return err
		}
	}
	for _, m := range s.Jury {
		if err := r.st.Deliberation.Sign(r.ctx, r.jury, s.ID, m.ID, PINs[m.Name]); err != nil {
			return err
		}
	}
	return nil
}

// runTrial records the clock of one épreuve from start to its end; with a
// break, the clock stops ten minutes after forty minutes of work.
func (r *sessionRun) runTrial(s *exam.Session, candidateID int64, trial string, start time.Time, withBreak bool) error {
	sc := s.Candidate(candidateID)
	tt := sc.Allowance.Allot(*r.ref.Trial(trial))
	events := []exam.TimerEvent{{Kind: exam.TimerStart, At: start}}
	end := start.Add(tt.Working())
	if withBreak {
		events = append(events, exam.TimerEvent{Kind: exam.TimerPause, At: start.Add(40 * time.Minute)},
			exam.TimerEvent{Kind: exam.TimerResume, At: start.Add(50 * time.Minute)})
		end = end.Add(10 * time.Minute)
	}
	events = append(events, exam.TimerEvent{Kind: exam.TimerEnd, At: end.Add(-2 * time.Minute)})
	for _, e := range events {
		if err := r.st.Evaluations.RecordTimerEvent(r.ctx, r.jury, s.ID, candidateID, trial, e); err != nil {
			return err
		}
	}
	return nil
}

// deliberate fills the grids of every member who may grade the candidate,
// the collegial grid settling a dispute, and the decision on each block sat,
// following p.
func (r *sessionRun) deliberate(s *exam.Session, candidateID int64, p plan) error {
	sc := s.Candidate(candidateID)
	var able []int64
	for _, m := range s.Jury {
		if s.CanGrade(m.ID, candidateID) {
			able = append(able, m.ID)
		}
	}
	for _, code := range sc.Blocks {
		b := r.ref.Block(code)
		fails := p.fail[b.Short]
		disputed := false
		for k, mid := range able {
			g := exam.NewGrid(candidateID, mid, b)
			for i := range g.Assessments {
				n := g.Assessments[i].Competence
				ok := !slices.Contains(fails, n)
				if n == p.dispute && k == 1 {
					ok, disputed = false, true
				}
				g.Assessments[i].Verdict, g.Assessments[i].Observation = verdict(n, ok)
			}
			if err := r.st.Evaluations.SaveGrid(r.ctx, r.jury, s.ID, &g); err != nil {
				return err
			}
		}
		if disputed {
			g := exam.Grid{CandidateID: candidateID, Block: b.Code, Assessments: []exam.Assessment{{Competence: p.dispute,
				Verdict: exam.Satisfied, Observation: "Après délibération, le jury retient la compétence : " + observations[p.dispute-1][0]}}}
			if err := r.st.Evaluations.SaveGrid(r.ctx, r.jury, s.ID, &g); err != nil {
				return err
			}
		}
		d := exam.BlockDecision{CandidateID: candidateID, Block: b.Code, Outcome: exam.OutcomeAcquired,
			Reason: "Compétences du " + b.Short + " démontrées en mise en situation et en entretien."}
		if len(fails) > 0 {
			var nums, why []string
			for _, n := range fails {
				nums = append(nums, fmt.Sprint(n))
				why = append(why, observations[n-1][1])
			}
			d.Outcome = exam.OutcomeNotAcquired
			d.Reason = "Compétence(s) " + strings.Join(nums, ", ") + " non démontrée(s). " + strings.Join(why, " ")
		}
		if err := r.st.Evaluations.Decide(r.ctx, r.jury, s.ID, &d); err != nil {
			return err
		}
	}
	return nil
}

// observations[n-1] are what a jury member writes for competence n when it
// is satisfied, and when it is not.
var observations = [][2]string{
	{"Repère rapidement les dégradations et les dysfonctionnements du site et les signale.", "Ne repère pas les dysfonctionnements du site (éclairage, accès dégradé)."},
	{"Identifie les signes de détresse de l'usager et adapte sa posture.", "Ne perçoit pas l'inquiétude de l'usager ; posture peu attentive."},
	{"Va au-devant du public et engage le dialogue avec aisance.", "Reste en retrait et n'engage pas le contact."},
	{"Informe et oriente vers le service compétent (CCAS, mairie annexe).", "Oriente l'usager vers un service non compétent."},
	{"Main courante claire, datée et exploitable.", "Main courante incomplète : ni heure ni lieu."},
	{"Rappelle la règle avec calme et pédagogie.", "Rappel à la règle autoritaire, sans explication."},
	{"Désamorce le conflit par l'écoute et la reformulation.", "Le conflit s'envenime ; prend parti pour l'une des personnes."},
	{"Sécurise la zone, alerte le 15 et réalise les gestes adaptés.", "Gestes d'urgence non maîtrisés ; les secours ne sont pas alertés."},
	{"Analyse réflexive pertinente de la situation vécue.", "Compte rendu descriptif, sans analyse de sa pratique."},
	{"Situe son action dans le projet de la structure et le partenariat.", "Ne connaît pas les partenaires du projet."},
	{"Prépare un support d'information adapté au public visé.", "Pas de support d'information ; public non ciblé."},
	{"Mobilise les habitants et anime la diffusion de l'information.", "Ne facilite pas la participation des habitants."},
}

func verdict(n int, ok bool) (exam.Verdict, string) {
	if n < 1 || n > len(observations) {
		if ok {
			return exam.Satisfied, ""
		}
		return exam.NotSatisfied, ""
	}
	if ok {
		return exam.Satisfied, observations[n-1][0]
	}
	return exam.NotSatisfied, observations[n-1][1]
}

// ready creates RefReady today: fresh candidates and two back from
// RefSigned for the CCPs they missed, a complete jury with PINs, not
// started.
func (r *sessionRun) ready(day exam.Date, fresh []*exam.Candidate, back ...*exam.Candidate) error {
	s := &exam.Session{
		Kind: exam.KindCertification, Scope: exam.ScopeFullTitle, Reference: RefReady,
		StartDate: day, Place: "AFPA Marseille Saint-Jérôme, bâtiment B, salle 14",
		TrainingCentre: "AFPA Marseille Saint-Jérôme",
		DayStart:       exam.NewTimeOfDay(8, 30), DayEnd: exam.NewTimeOfDay(17, 30), Changeover: 15 * time.Minute,
		Jury: []exam.Member{
			{Name: "Jean-Marc Lopez", Organisation: "Métropole Aix-Marseille-Provence", Habilitation: "HAB-2021-056", Role: exam.JuryPresident, External: true},
			{Name: "Fatima Benali", Organisation: "Association Médiance 13", Habilitation: "HAB-2024-131", Role: exam.JuryMember, External: true,
				ConflictWith: []int64{fresh[3].ID}},
			{Name: "Thomas Girard", Organisation: "Régie de quartier Belsunce", Habilitation: "HAB-2023-202", Role: exam.JuryMember, External: true},
		},
	}
	for i, c := range append(slices.Clone(fresh), back...) {
		sc := exam.SessionCandidate{Candidate: exam.Candidate{ID: c.ID}, Employer: employerOf(c, i+2)}
		switch i {
		case 0:
			sc.Allowance = exam.TimeAllowance{ExtraPercent: 33, Breaks: []exam.Break{{At: 30 * time.Minute, Length: 5 * time.Minute}}}
		case 2:
			sc.Allowance = exam.TimeAllowance{ExtraMinutes: 15, Overrides: []exam.TrialOverride{{Trial: "EF",
				Reason: "Entretien final : pas de temps supplémentaire (décision de la DDETS du 12 mars)."}}}
		}
		s.Candidates = append(s.Candidates, sc)
	}
	if err := r.st.Sessions.CreateSession(r.ctx, r.a, s); err != nil {
		return err
	}
	for _, m := range s.Jury {
		if err := r.st.Deliberation.SetMemberSecret(r.ctx, r.jury, s.ID, m.ID, PINs[m.Name]); err != nil {
			return err
		}
	}
	return nil
}

// mock creates RefMock: a mock exam of the trainees of one centre, graded
// by two of its trainers, with their decisions.
func (r *sessionRun) mock(day exam.Date, pool []*exam.Candidate) error {
	centre := ""
	for _, c := range pool {
		if c.TrainingCentre != "" {
			centre = c.TrainingCentre
			break
		}
	}
	if centre == "" {
		centre = "AFPA Marseille Saint-Jérôme"
	}
	var cands []*exam.Candidate
	for _, c := range pool {
		if c.TrainingCentre == centre && len(cands) < 5 {
			cands = append(cands, c)
		}
	}
	for _, c := range pool {
		if c.TrainingCentre != centre && len(cands) < 5 {
			cands = append(cands, c)
		}
	}
	plans := []plan{
		{},
		{fail: map[string][]int{"CCP2": {8}}},
		{fail: map[string][]int{"CCP1": {1}, "CCP3": {11}}},
		{dispute: 7},
		{fail: map[string][]int{"CCP3": {12}}},
	}
	var ids []int64
	for _, c := range cands {
		ids = append(ids, c.ID)
	}
	s := &exam.Session{
		Kind: exam.KindMock, Scope: exam.ScopeFullTitle, Reference: RefMock,
		StartDate: day, Place: centre + ", salle de formation 3", TrainingCentre: centre,
		DayStart: exam.NewTimeOfDay(9, 0), DayEnd: exam.NewTimeOfDay(17, 0), Changeover: 10 * time.Minute,
		Jury: []exam.Member{
			{Name: "Claire Dumont", Organisation: centre, Role: exam.JuryPresident, TrainerOf: ids},
			{Name: "Yacine Bouzid", Organisation: centre, Role: exam.JuryMember, TrainerOf: ids},
		},
	}
	for i, c := range cands {
		s.Candidates = append(s.Candidates, exam.SessionCandidate{Candidate: exam.Candidate{ID: c.ID}, Employer: employerOf(c, i+1)})
	}
	if err := r.st.Sessions.CreateSession(r.ctx, r.a, s); err != nil {
		return err
	}
	if err := r.st.Sessions.StartSession(r.ctx, r.jury, s.ID, at(day, 9, 0)); err != nil {
		return err
	}
	s, err := r.st.Sessions.Session(r.ctx, r.jury, s.ID)
	if err != nil {
		return err
	}
	for i, c := range cands {
		if err := r.runTrial(s, c.ID, "MSP", at(day, 9, 0).Add(time.Duration(i)*95*time.Minute), false); err != nil {
			return err
		}
		if err := r.deliberate(s, c.ID, plans[i%len(plans)]); err != nil {
			return err
		}
	}
	return nil
}
