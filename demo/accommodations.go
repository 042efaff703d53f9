package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/amisjury/amis/exam"
)

// Account is a demo account with its password (the README lists them).
type Account struct {
	Login, Password, Name string
	Role                  exam.Role
}

// Accounts are the demo accounts Fill creates (those whose login is not
// taken yet): the administrator first, created as the first account of an
// empty database.
var Accounts = []Account{
	{Login: "admin", Password: "admin-demo", Name: "Sophie Marchand", Role: exam.RoleAdmin},
	{Login: "jury", Password: "jury-demo", Name: "Nadia Chérif", Role: exam.RoleJury},
	{Login: "jury2", Password: "jury2-demo", Name: "Marc Lefort", Role: exam.RoleJury},
	{Login: "referent", Password: "referent-demo", Name: "Isabelle Roux", Role: exam.RoleReferent},
}

// accountStorer is a candidate service that can hand out the account and
// accommodation services of the same database (storage.CandidateService
// does).
type accountStorer interface {
	AccountStores() (exam.AccountService, exam.AccommodationService)
}

// actors are who acts in the demo: the administrator Fill was given, the
// jury member who runs and grades the sessions and the referent who records
// the accommodations.
type actors struct {
	admin, jury, referent exam.Actor
}

// fallbackActor acts for a demo account Fill could not create or find.
func fallbackActor(login string) exam.Actor {
	for _, d := range Accounts {
		if d.Login == login {
			return exam.Actor{Name: d.Name + " (démo)", Role: d.Role}
		}
	}
	return exam.Actor{Name: login}
}

// fillAccounts creates the demo accounts missing from svc (nil: none) and
// returns the actors of the demo; an account that exists with another role,
// or that a cannot list, is replaced by an actor without an account.
func fillAccounts(ctx context.Context, a exam.Actor, svc exam.AccountService) (actors, int, error) {
	act := actors{admin: a, jury: fallbackActor("jury"), referent: fallbackActor("referent")}
	if svc == nil {
		return act, 0, nil
	}
	created := 0
	exists, err := svc.HasAccounts(ctx)
	if err != nil {
		return act, 0, fmt.Errorf("demo accounts: %w", err)
	}
	manager := a
	if !exists {
		first := Accounts[0]
		acc := exam.Account{Login: first.Login, Name: first.Name, Role: first.Role}
		if err := svc.CreateFirstAdmin(ctx, &acc, first.Password); err != nil {
			return act, 0, fmt.Errorf("demo accounts: %w", err)
		}
		created++
		if !manager.Can(exam.PermManageUsers) {
			manager = acc.Actor()
		}
	}
	if !manager.Can(exam.PermManageUsers) {
		return act, created, nil
	}
	list, err := svc.Accounts(ctx, manager)
	if err != nil {
		return act, created, fmt.Errorf("demo accounts: %w", err)
	}
	byLogin := map[string]exam.Account{}
	for _, acc := range list {
		byLogin[exam.Fold(acc.Login)] = acc
	}
	for _, d := range Accounts {
		acc, ok := byLogin[exam.Fold(d.Login)]
		if !ok {
			acc = exam.Account{Login: d.Login, Name: d.Name, Role: d.Role}
			if err := svc.CreateAccount(ctx, manager, &acc, d.Password); err != nil {
				return act, created, fmt.Errorf("demo account %s: %w", d.Login, err)
			}
			created++
		}
		if acc.Role != d.Role || acc.Disabled {
			continue
		}
		switch d.Login {
		case "jury":
			act.jury = acc.Actor()
		case "referent":
			act.referent = acc.Actor()
		}
	}
	return act, created, nil
}

// demoProfile is the accommodation profile of one demo candidate, picked
// by its place among the candidates the demo sessions draw from (see
// FillSessions).
type demoProfile struct {
	fresh   int // index in the candidates without earlier CCPs
	profile func(today exam.Date) exam.AccommodationProfile
}

// rel is the date years, months and days from today (negative: before).
func rel(today exam.Date, years, months, days int) exam.Date {
	return exam.DateOf(today.Time().AddDate(years, months, days))
}

// demoProfiles are varied, realistic profiles (made up: the decisions,
// their references — "{année}" becomes the decision's year — and the
// justifications are fictitious). Most candidates
// sit DEMO-SV-02 today; fresh[3] also sat the signed DEMO-SV-01, and
// fresh[1]'s decision expired last week, which DEMO-SV-02 flags.
var demoProfiles = []demoProfile{
	{3, func(today exam.Date) exam.AccommodationProfile {
		return exam.AccommodationProfile{
			Decision: exam.AccommodationDecision{Authority: "DDETS des Bouches-du-Rhône", Date: rel(today, 0, -4, 0),
				Reference: "DDETS13-AMEN-{année}-0147", ValidFrom: rel(today, 0, -4, 0), ValidTo: rel(today, 1, 0, 0)},
			Justification: "Dyslexie-dysorthographie sévère diagnostiquée en 2009, bilan orthophonique de 2025 joint : lenteur importante de lecture et d'écriture. Avis du médecin désigné par la CDAPH du 3 février.",
			Time:          exam.TimeAllowance{ExtraPercent: 33},
			Room:          exam.RoomAids{EnlargedDocuments: true},
			JuryInstructions: "Tiers-temps sur toutes les épreuves. Lire les consignes à voix haute si le candidat le demande ; " +
				"ne pas tenir compte de l'orthographe dans les écrits.",
		}
	}},
	{7, func(today exam.Date) exam.AccommodationProfile {
		return exam.AccommodationProfile{
			Decision: exam.AccommodationDecision{Authority: "MDPH des Bouches-du-Rhône", Date: rel(today, -1, -2, 0),
				Reference: "MDPH 13 — décision n° {année}-014587", ValidFrom: rel(today, -1, -2, 0), ValidTo: rel(today, 2, 0, 0)},
			Justification: "Sclérose en plaques (forme rémittente) : fatigabilité importante après 30 minutes d'effort soutenu, troubles de la motricité fine de la main droite. Certificat du Dr Lemaire, neurologue, CHU de la Timone.",
			Time: exam.TimeAllowance{ExtraPercent: 33, ExtraMinutes: 10,
				Breaks: []exam.Break{{At: 30 * time.Minute, Length: 5 * time.Minute}}},
			Room:             exam.RoomAids{AdaptedFurniture: true},
			JuryInstructions: "Tiers-temps et 10 minutes ; une pause de 5 minutes après 30 minutes de travail (l'horloge s'arrête). Fauteuil avec accoudoirs.",
		}
	}},
	{8, func(today exam.Date) exam.AccommodationProfile {
		return exam.AccommodationProfile{
			Decision: exam.AccommodationDecision{Authority: "Médecin désigné par la CDAPH", Date: rel(today, 0, -2, 0),
				Reference: "CDAPH 13 — avis n° {année}-AM-0392", ValidFrom: rel(today, 0, -2, 0), ValidTo: rel(today, 0, 10, 0)},
			Justification: "Diabète de type 1 sous pompe à insuline : contrôles glycémiques et resucrage possibles pendant les épreuves.",
			Time:          exam.TimeAllowance{ExtraMinutes: 30},
			Room:          exam.RoomAids{OwnEquipment: true, Other: "Collation et lecteur de glycémie autorisés sur la table"},
			JuryInstructions: "30 minutes de plus par épreuve, pour les contrôles de glycémie. Le candidat peut s'interrompre pour se resucrer : " +
				"arrêter l'horloge le temps nécessaire.",
		}
	}},
	{9, func(today exam.Date) exam.AccommodationProfile {
		return exam.AccommodationProfile{
			Decision: exam.AccommodationDecision{Authority: "DREETS Provence-Alpes-Côte d'Azur", Date: rel(today, 0, -1, -12),
				Reference: "DREETS-PACA/TP/{année}-0088", ValidFrom: rel(today, 0, -1, -12), ValidTo: rel(today, 1, 0, 0)},
			Justification: "Fracture du poignet droit (membre dominant) le 2 du mois, plâtre pour six semaines : écriture impossible. Certificat du service d'orthopédie de l'hôpital Nord.",
			Time: exam.TimeAllowance{ExtraMinutes: 15, Overrides: []exam.TrialOverride{{Trial: "EF",
				Reason: "Entretien final oral : pas de temps majoré (décision de la DREETS)."}}},
			Aids:             exam.HumanAids{Scribe: true},
			Room:             exam.RoomAids{SeparateRoom: true},
			JuryInstructions: "Un secrétaire écrit sous la dictée du candidat, en salle 15. Pas de temps majoré sur l'entretien final.",
		}
	}},
	{10, func(today exam.Date) exam.AccommodationProfile {
		return exam.AccommodationProfile{
			Decision: exam.AccommodationDecision{Authority: "MDPH des Bouches-du-Rhône", Date: rel(today, -2, 0, 0),
				Reference: "MDPH 13 — décision n° {année}-008231", ValidFrom: rel(today, -2, 0, 0), ValidTo: rel(today, 3, 0, 0)},
			Justification: "Trouble du déficit de l'attention avec hyperactivité (TDAH) de l'adulte, traitement en cours ; difficulté à maintenir l'attention au-delà de 45 minutes. Compte rendu du Dr Nguyen, psychiatre.",
			Time: exam.TimeAllowance{ExtraPercent: 20,
				Breaks: []exam.Break{{At: 45 * time.Minute, Every: 45 * time.Minute, Length: 10 * time.Minute}}},
			Room:             exam.RoomAids{SeparateRoom: true},
			JuryInstructions: "Une pause de 10 minutes toutes les 45 minutes de travail, horloge arrêtée. Salle calme, sans autre candidat.",
		}
	}},
	{11, func(today exam.Date) exam.AccommodationProfile {
		return exam.AccommodationProfile{
			Decision: exam.AccommodationDecision{Authority: "MDPH des Bouches-du-Rhône", Date: rel(today, -3, 0, 0),
				Reference: "MDPH 13 — décision n° {année}-021944", ValidFrom: rel(today, -3, 0, 0), ValidTo: rel(today, 7, 0, 0)},
			Justification: "Surdité bilatérale profonde depuis la naissance ; le candidat communique en langue des signes française et lit sur les lèvres.",
			Time:          exam.TimeAllowance{ExtraPercent: 33},
			Aids:          exam.HumanAids{LSFInterpreter: true},
			JuryInstructions: "Interprète LSF présent à toutes les épreuves (réservé auprès de l'association Sourds 13). " +
				"S'adresser au candidat, pas à l'interprète ; parler face à lui.",
		}
	}},
	{12, func(today exam.Date) exam.AccommodationProfile {
		return exam.AccommodationProfile{
			Decision: exam.AccommodationDecision{Authority: "Médecin désigné par la CDAPH", Date: rel(today, 0, -6, 0),
				Reference: "CDAPH 13 — avis n° {année}-AM-1207", ValidFrom: rel(today, 0, -6, 0), ValidTo: rel(today, 1, -6, 0)},
			Justification: "Basse vision (DMLA précoce, acuité 2/10 à l'œil gauche) ; éblouissement sur fond blanc. Certificat de l'ophtalmologiste du 12 septembre.",
			Time:          exam.TimeAllowance{ExtraPercent: 33},
			Aids:          exam.HumanAids{Reader: true},
			Room:          exam.RoomAids{EnlargedDocuments: true},
			Screen:        exam.ScreenNeeds{TextScale: 200, HighContrast: true, LineSpacing: 150, HideCountdown: true, KeyboardOnly: true},
			JuryInstructions: "Documents en A3, police 18. Pour le QCM : texte à 200 %, contraste élevé, compte à rebours masqué " +
				"(annoncer oralement le temps restant à mi-parcours).",
		}
	}},
	{1, func(today exam.Date) exam.AccommodationProfile {
		return exam.AccommodationProfile{
			Decision: exam.AccommodationDecision{Authority: "DDETS des Bouches-du-Rhône", Date: rel(today, -1, -1, 0),
				Reference: "DDETS13-AMEN-{année}-0311", ValidFrom: rel(today, -1, -1, 0), ValidTo: rel(today, 0, 0, -7)},
			Justification:    "Trouble anxieux généralisé avec attaques de panique en situation d'examen ; suivi en CMP. Avis du médecin désigné du 14 octobre.",
			Time:             exam.TimeAllowance{ExtraPercent: 25, StartOffset: 30 * time.Minute},
			Room:             exam.RoomAids{SeparateRoom: true},
			JuryInstructions: "Commencer 30 minutes après l'horaire prévu ; rester joignable par la référente handicap en cas de malaise.",
		}
	}},
}

// fillProfiles saves the demo profiles of the candidates that have none yet,
// acting as the referent; svc nil: none.
func fillProfiles(ctx context.Context, referent exam.Actor, svc exam.AccommodationService, fresh []*exam.Candidate, today exam.Date) (int, error) {
	if svc == nil || !referent.Can(exam.PermManageAccommodations) {
		return 0, nil
	}
	var ids []int64
	for _, d := range demoProfiles {
		if d.fresh < len(fresh) {
			ids = append(ids, fresh[d.fresh].ID)
		}
	}
	have, err := svc.Profiles(ctx, referent, ids)
	if err != nil {
		return 0, fmt.Errorf("demo accommodations: %w", err)
	}
	n := 0
	for _, d := range demoProfiles {
		if d.fresh >= len(fresh) {
			continue
		}
		c := fresh[d.fresh]
		if _, ok := have[c.ID]; ok {
			continue
		}
		p := d.profile(today)
		p.CandidateID = c.ID
		p.Decision.Reference = strings.ReplaceAll(p.Decision.Reference, "{année}", fmt.Sprint(p.Decision.Date.Year))
		if _, err := svc.SaveProfile(ctx, referent, &p); err != nil {
			return n, fmt.Errorf("demo accommodations of %s: %w", c.DisplayName(), err)
		}
		n++
	}
	return n, nil
}
