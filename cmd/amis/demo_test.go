package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/amisjury/amis/demo"
	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage"
)

// amis demo creates the demo accounts, prints them, and they log in with
// their role; a second run creates none.
func TestDemo_Accounts(t *testing.T) {
	storage.FastSecrets(t)
	path := filepath.Join(t.TempDir(), "amis.db")
	out, _, err := amis(t, "demo", "--db", path, "--candidates", "30")
	if err != nil {
		t.Fatal(err)
	}
	for _, acc := range demo.Accounts {
		if !strings.Contains(out, acc.Login+" / "+acc.Password) {
			t.Errorf("the demo does not print %s's password:\n%s", acc.Login, out)
		}
	}
	if !strings.Contains(out, "4 accounts and 8 accommodation profiles created") {
		t.Errorf("output:\n%s", out)
	}
	out, _, err = amis(t, "demo", "--db", path, "--candidates", "30")
	if err != nil || !strings.Contains(out, "0 accounts and 0 accommodation profiles created") {
		t.Fatalf("second run: %v\n%s", err, out)
	}
	db, err := storage.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := storage.NewAccountService(db)
	for _, d := range demo.Accounts {
		acc, err := svc.Login(context.Background(), d.Login, d.Password)
		if err != nil || acc.Role != d.Role {
			t.Errorf("login %s: %+v, %v", d.Login, acc, err)
		}
	}
	// The referent alone reads the justifications.
	accs := storage.NewAccommodationService(db, storage.MustReferentiel(t))
	for _, role := range exam.Roles {
		all, err := accs.Profiles(context.Background(), exam.Actor{Name: "x", Role: role}, nil)
		if err != nil || len(all) != 8 {
			t.Fatalf("%s: %d profiles, %v", role, len(all), err)
		}
		for _, p := range all {
			if (p.Justification != "") != (role == exam.RoleReferent) {
				t.Errorf("%s reads justification %q", role, p.Justification)
			}
		}
	}
}
