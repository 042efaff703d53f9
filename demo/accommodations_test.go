package demo_test

import (
	"context"
	"strings"
	"testing"

	"github.com/amisjury/amis/demo"
	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage"
)

// The demo creates its accounts, the profiles of several candidates as the
// referent, and sessions that apply them; a second fill adds nothing.
func TestFill_AccountsAndAccommodations(t *testing.T) {
	storage.FastSecrets(t)
	ctx := context.Background()
	db := storage.MustOpen(t)
	ref := storage.MustReferentiel(t)
	cands := storage.NewCandidateService(db, ref)
	accounts := storage.NewAccountService(db)
	accs := storage.NewAccommodationService(db, ref)
	sessions := storage.NewSessionService(db, ref)
	today := exam.Today()

	res, err := demo.Fill(ctx, exam.System, cands, ref, demo.Options{Today: today})
	if err != nil {
		t.Fatal(err)
	}
	if res.Accounts != len(demo.Accounts) || res.Profiles < 6 || res.Sessions != 3 {
		t.Fatalf("first fill = %+v", res)
	}

	// Every demo account logs in with its documented password, in its role.
	var juryAccount *exam.Account
	for _, d := range demo.Accounts {
		acc, err := accounts.Login(ctx, d.Login, d.Password)
		if err != nil {
			t.Fatalf("login %s: %v", d.Login, err)
		}
		if acc.Role != d.Role || acc.Name != d.Name {
			t.Errorf("account %s = %+v", d.Login, acc)
		}
		if d.Login == "jury" {
			juryAccount = acc
		}
	}

	// The referent reads the justifications; the jury reads the functional
	// profiles only.
	referent := exam.Actor{Name: "référente", Role: exam.RoleReferent}
	profiles, err := accs.Profiles(ctx, referent, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(profiles) != res.Profiles {
		t.Fatalf("%d profiles stored, %d created", len(profiles), res.Profiles)
	}
	items := map[string]bool{}
	for _, p := range profiles {
		if p.Justification == "" || p.Decision.Reference == "" || p.Decision.Authority == "" || !p.Granted() {
			t.Errorf("profile of %d is incomplete: %+v", p.CandidateID, p)
		}
		if strings.Contains(p.Decision.Reference, "{") {
			t.Errorf("reference %q", p.Decision.Reference)
		}
		if err := p.Validate(); err != nil {
			t.Errorf("profile of %d: %v", p.CandidateID, err)
		}
		for _, it := range p.Items() {
			items[it.Code] = true
		}
	}
	for _, code := range []string{"extra_percent", "extra_minutes", "extra_both", "breaks", "overrides", "scribe",
		"separate_room", "lsf", "text_scale", "high_contrast", "hide_countdown"} {
		if !items[code] {
			t.Errorf("no demo profile shows %s (have %v)", code, items)
		}
	}
	seen, err := accs.Profiles(ctx, juryAccount.Actor(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for id, p := range seen {
		if p.Justification != "" {
			t.Errorf("the jury reads the justification of %d", id)
		}
	}

	// DEMO-SV-02 applies the profiles and flags the expired decision.
	sums, err := sessions.FindSessions(ctx, exam.System, exam.SessionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	byRef := map[string]int64{}
	for _, s := range sums {
		byRef[s.Reference] = s.ID
	}
	ready, err := sessions.Session(ctx, juryAccount.Actor(), byRef[demo.RefReady])
	if err != nil {
		t.Fatal(err)
	}
	applied := 0
	for _, sc := range ready.Candidates {
		if p := profiles[sc.Candidate.ID]; p != nil {
			applied++
			if sc.Accommodations == nil || sc.Accommodations.Justification != "" ||
				sc.Accommodations.FrenchList() != p.FrenchList() || sc.Allowance.ExtraPercent != p.Time.ExtraPercent {
				t.Errorf("%s: applied %+v, profile %+v", sc.Candidate.DisplayName(), sc.Accommodations, p)
			}
		}
	}
	if applied < 6 {
		t.Errorf("%d profiles applied in %s", applied, demo.RefReady)
	}
	warnings := ready.AccommodationWarnings()
	if len(warnings) != 1 || warnings[0].Validity != exam.ValidityExpired {
		t.Errorf("warnings = %+v, want one expired decision", warnings)
	}

	// The signed session keeps what applied there, tiers-temps included.
	signed, err := sessions.Session(ctx, exam.System, byRef[demo.RefSigned])
	if err != nil {
		t.Fatal(err)
	}
	granted := 0
	for _, sc := range signed.Candidates {
		if sc.Accommodations != nil && sc.Accommodations.Granted() {
			granted++
		}
	}
	if granted == 0 || len(signed.AccommodationWarnings()) != 0 {
		t.Errorf("signed session: %d with accommodations, warnings %+v", granted, signed.AccommodationWarnings())
	}

	res, err = demo.Fill(ctx, exam.System, cands, ref, demo.Options{Today: today})
	if err != nil {
		t.Fatal(err)
	}
	if res.Accounts != 0 || res.Profiles != 0 || res.Sessions != 0 || res.Created != 0 {
		t.Errorf("second fill = %+v, want nothing new", res)
	}
	if n, err := db.VerifyAudit(ctx); err != nil || n != 0 {
		t.Errorf("audit chain breaks at %d (%v)", n, err)
	}
}

// On a database whose administrator the user created, the demo adds its
// other accounts through that administrator.
func TestFill_ExistingAdministrator(t *testing.T) {
	storage.FastSecrets(t)
	ctx := context.Background()
	db := storage.MustOpen(t)
	ref := storage.MustReferentiel(t)
	accounts := storage.NewAccountService(db)
	own := exam.Account{Login: "directrice", Name: "Hélène Garnier"}
	if err := accounts.CreateFirstAdmin(ctx, &own, "un mot de passe sûr"); err != nil {
		t.Fatal(err)
	}
	res, err := demo.Fill(ctx, own.Actor(), storage.NewCandidateService(db, ref), ref, demo.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Accounts != len(demo.Accounts) {
		t.Errorf("accounts created = %d", res.Accounts)
	}
	list, err := accounts.Accounts(ctx, own.Actor())
	if err != nil || len(list) != len(demo.Accounts)+1 {
		t.Errorf("accounts = %+v, %v", list, err)
	}
}
