// Package demo generates realistic demo data for AMIS Jury: candidates with
// varied access routes, prior CCPs and SST certificates, the demo accounts
// (Accounts), accommodation profiles of several candidates, and sessions (a
// signed certification session, one ready to run, a mock exam; see
// FillSessions), written through the exam services like any other data.
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/amisjury/amis/exam"
)

// Options say how much to generate.
type Options struct {
	// Candidates is the number of candidates to generate; 0 means the default
	// demo cohort (40).
	Candidates int
	// Seed makes the data reproducible.
	Seed uint64
	// Today is the reference day for ages and dates; zero means today.
	Today exam.Date
	// Progress, if set, is told how many candidates are stored.
	Progress func(done, total int)
	// Sessions, Evaluations and Deliberation receive the demo sessions.
	// When they are nil, Fill takes them from the candidate service if it
	// offers them (storage.CandidateService does), and otherwise creates no
	// session.
	Sessions     exam.SessionService
	Evaluations  exam.EvaluationService
	Deliberation exam.DeliberationService
	// Accounts and Accommodations receive the demo accounts and the
	// accommodation profiles; when nil, Fill takes them from the candidate
	// service if it offers them (storage.CandidateService does), and
	// otherwise creates none (the sessions are then run by a jury actor
	// without an account).
	Accounts       exam.AccountService
	Accommodations exam.AccommodationService
}

// DefaultCandidates is the size of the demo cohort.
const DefaultCandidates = 40

// Result says what Fill did.
type Result struct {
	Created int
	Skipped int // already present (Fill is idempotent for a given seed)
	// Sessions is the number of demo sessions created; SessionsSkipped of
	// those already present.
	Sessions        int
	SessionsSkipped int
	// Accounts and Profiles count the demo accounts and accommodation
	// profiles created.
	Accounts int
	Profiles int
}

var (
	womenFirst = []string{"Amélie", "Fatoumata", "Chloé", "Hélène", "Inès", "Maëlle", "Nadia", "Océane", "Sandrine", "Yasmina", "Aïcha", "Léa", "Julie", "Samira", "Camille", "Zoé", "Élodie", "Manon", "Ophélie", "Rose-Marie"}
	menFirst   = []string{"Karim", "Lucas", "Mamadou", "Théo", "Jérôme", "Yanis", "Noël", "François", "Mehdi", "Kévin", "Loïc", "Moussa", "Rémi", "Hugo", "Jean-Baptiste", "Stéphane", "Bilal", "Anthony", "Cédric", "Florian"}
	secondName = []string{"Marie", "Louise", "Anne", "Claire", "Joseph", "Pierre", "Michel", "Ali", "Sophie", "Paul"}
	surnames   = []string{"MARTIN", "BERNARD", "DUBOIS", "LEFÈVRE", "D'ALMEIDA", "N'DIAYE", "LE GALL", "BENSAÏD", "GARCIA", "MOREAU", "TRAORÉ", "FONTAINE", "ROUSSEAU", "DA SILVA", "CHEVALIER", "NGUYEN", "BOUCHARD", "HAMIDI", "PÉREZ", "LAURENT", "MERCIER", "DIALLO", "FAURE", "BLANC", "GUÉRIN", "O'NEILL", "SAINT-JUST", "COULIBALY", "ROBIN", "HADDAD"}
	births     = []struct{ city, country string }{
		{"Marseille", "France"}, {"Lyon", "France"}, {"Saint-Étienne", "France"}, {"Lille", "France"},
		{"Bobigny", "France"}, {"Nîmes", "France"}, {"Besançon", "France"}, {"Pointe-à-Pitre", "France"},
		{"Saint-Denis", "France"}, {"Dakar", "Sénégal"}, {"Bamako", "Mali"}, {"Alger", "Algérie"},
		{"Casablanca", "Maroc"}, {"Porto", "Portugal"}, {"Tunis", "Tunisie"}, {"Abidjan", "Côte d'Ivoire"},
	}
	centres = []string{"AFPA Marseille Saint-Jérôme", "GRETA Lyon Métropole", "CFA Médiation Île-de-France", "AFPA Lille Roubaix", "Institut de formation Sud Médiation", "GRETA Nord Isère"}
	routes  = []exam.AccessRoute{exam.RouteContinuing, exam.RouteContinuing, exam.RouteContinuing, exam.RouteApprenticeship, exam.RouteApprenticeship, exam.RouteProContract, exam.RouteVAE, exam.RouteFree}
)

// Candidates returns n generated candidates, reproducible for a seed. Their
// duplicate keys are unique.
func Candidates(ref *exam.Referentiel, n int, seed uint64, today exam.Date) []*exam.Candidate {
	rng := rand.New(rand.NewPCG(seed, 0x414d4953))
	out := make([]*exam.Candidate, 0, n)
	keys := make(map[string]bool, n)
	for len(out) < n {
		c := candidate(rng, ref, today, len(out))
		c.Number = fmt.Sprintf("%02d%06d", seed%100, len(out)+1)
		if keys[c.DuplicateKey()] {
			continue
		}
		keys[c.DuplicateKey()] = true
		out = append(out, c)
	}
	return out
}

func candidate(rng *rand.Rand, ref *exam.Referentiel, today exam.Date, i int) *exam.Candidate {
	c := &exam.Candidate{}
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	if rng.IntN(2) == 0 {
		c.Sex, c.FirstNames = exam.Female, pick(womenFirst)
	} else {
		c.Sex, c.FirstNames = exam.Male, pick(menFirst)
	}
	if rng.IntN(3) == 0 {
		c.FirstNames += " " + pick(secondName)
	}
	c.BirthName = pick(surnames)
	if rng.IntN(5) == 0 {
		c.BirthName += "-" + pick(surnames)
	}
	if c.Sex == exam.Female && rng.IntN(4) == 0 {
		c.UsageName = pick(surnames)
	}
	age := 18 + rng.IntN(40)
	c.BirthDate = exam.DateOf(today.Time().AddDate(-age, 0, -rng.IntN(365)))
	b := births[rng.IntN(len(births))]
	c.BirthCity, c.BirthCountry = b.city, b.country
	c.AccessRoute = routes[rng.IntN(len(routes))]
	if c.AccessRoute != exam.RouteVAE && c.AccessRoute != exam.RouteFree {
		c.TrainingCentre = pick(centres)
	}
	local := strings.ToLower(exam.Fold(c.FirstNames))
	local = strings.ReplaceAll(strings.Fields(local)[0], " ", "") + "." + strings.ReplaceAll(exam.Fold(c.BirthName), " ", "")
	if rng.IntN(6) != 0 {
		c.Email = fmt.Sprintf("%s%d@exemple.fr", local, i%97)
	}
	if rng.IntN(5) != 0 {
		c.Phone = fmt.Sprintf("06 %02d %02d %02d %02d", rng.IntN(100), rng.IntN(100), rng.IntN(100), rng.IntN(100))
	}
	if rng.IntN(3) != 0 { // most trainees hold a recent SST certificate
		c.SSTDate = exam.DateOf(today.Time().AddDate(0, -rng.IntN(30), -rng.IntN(28)))
	}
	if rng.IntN(4) == 0 && len(ref.Blocks) > 1 { // parcours progressif: earlier CCPs
		n := 1 + rng.IntN(len(ref.Blocks)-1)
		when := exam.DateOf(today.Time().AddDate(0, -6-rng.IntN(24), 0))
		for k := 0; k < n; k++ {
			c.Acquired = append(c.Acquired, exam.AcquiredBlock{
				BlockCode:  ref.Blocks[k].Code,
				Date:       when,
				SessionRef: fmt.Sprintf("TP-AMIS-%d-%02d", when.Year, when.Month),
			})
		}
	}
	if c.SSTDate.Before(c.BirthDate.AddYears(16)) {
		c.SSTDate = exam.Date{}
	}
	return c
}

// Fill stores the demo candidates that are not there yet, in batches of
// 10,000 (one transaction each), the demo accounts that are not there yet
// (Accounts; on an empty account table the administrator is created as the
// first account), the accommodation profiles of the demo candidates who
// have none (as the referent), then the demo sessions that are not there
// yet (FillSessions), run and graded by the demo jury member.
//
// a must be an administrator (exam.System on the command line): it stores
// the candidates and sessions and creates the accounts.
func Fill(ctx context.Context, a exam.Actor, svc exam.CandidateService, ref *exam.Referentiel, o Options) (Result, error) {
	n := o.Candidates
	if n <= 0 {
		n = DefaultCandidates
	}
	today := o.Today
	if today.IsZero() {
		today = exam.Today()
	}
	if o.Seed == 0 {
		o.Seed = 2026
	}
	all := Candidates(ref, n, o.Seed, today)
	var res Result
	const batch = 10000
	for start := 0; start < len(all); start += batch {
		end := min(start+batch, len(all))
		chunk := all[start:end]
		keys := make([]string, len(chunk))
		for i, c := range chunk {
			keys[i] = c.DuplicateKey()
		}
		existing, err := svc.ExistingDuplicates(ctx, a, keys)
		if err != nil {
			return res, fmt.Errorf("demo: %w", err)
		}
		fresh := chunk[:0:0]
		for _, c := range chunk {
			if _, ok := existing[c.DuplicateKey()]; ok {
				res.Skipped++
				continue
			}
			fresh = append(fresh, c)
		}
		if len(fresh) > 0 {
			if err := svc.ImportCandidates(ctx, a, fresh); err != nil {
				return res, fmt.Errorf("demo: store candidates: %w", err)
			}
		}
		res.Created += len(fresh)
		if o.Progress != nil {
			o.Progress(end, len(all))
		}
	}
	accounts, accommodations := o.Accounts, o.Accommodations
	if as, ok := svc.(accountStorer); ok && (accounts == nil || accommodations == nil) {
		x, y := as.AccountStores()
		if accounts == nil {
			accounts = x
		}
		if accommodations == nil {
			accommodations = y
		}
	}
	act, n, err := fillAccounts(ctx, a, accounts)
	res.Accounts = n
	if err != nil {
		return res, err
	}
	o.Today = today
	if accommodations != nil {
		fresh, _, err := sessionPoolOf(ctx, a, svc, ref, o)
		if err != nil {
			return res, err
		}
		if res.Profiles, err = fillProfiles(ctx, act.referent, accommodations, fresh, today); err != nil {
			return res, err
		}
	}
	if st := storesFor(svc, o); st != nil {
		st.Jury = act.jury
		res.Sessions, res.SessionsSkipped, err = FillSessions(ctx, a, *st, ref, o)
		if err != nil {
			return res, err
		}
	}
	return res, nil
}
