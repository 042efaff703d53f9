package exam_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/amisjury/amis/exam"
)

func TestLoginDelay(t *testing.T) {
	tests := map[int]time.Duration{0: 0, 1: 0, 2: 0, 3: 2 * time.Second, 4: 4 * time.Second, 5: 8 * time.Second,
		9: 128 * time.Second, 10: 256 * time.Second, 11: exam.MaxLoginDelay, 1000: exam.MaxLoginDelay}
	for n, want := range tests {
		if got := exam.LoginDelay(n); got != want {
			t.Errorf("LoginDelay(%d) = %v, want %v", n, got, want)
		}
	}
}

func TestAccount_Validate(t *testing.T) {
	acc := exam.Account{Login: " jury ", Name: " Nadia Chérif ", Role: exam.RoleJury}
	if err := acc.Validate(); err != nil || acc.Login != "jury" || acc.Name != "Nadia Chérif" {
		t.Fatalf("%+v: %v", acc, err)
	}
	bad := exam.Account{Login: "nadia chérif", Name: strings.Repeat("n", 121), Role: "president"}
	var got []string
	for _, f := range exam.FieldErrors(bad.Validate()) {
		got = append(got, f.Field+" "+f.Key)
	}
	want := []string{"login err.account.login_space", "name err.too_long", "role err.account.role"}
	if !slices.Equal(got, want) {
		t.Errorf("errors = %v, want %v", got, want)
	}
	for pw, key := range map[string]string{"court": "err.account.password_short", strings.Repeat("é", 37): "err.account.password_long",
		"huit car": "", strings.Repeat("é", 36): ""} {
		fs := exam.FieldErrors(exam.CheckPassword(pw))
		switch {
		case key == "" && len(fs) != 0:
			t.Errorf("%q refused: %+v", pw, fs)
		case key != "" && (len(fs) != 1 || fs[0].Key != key):
			t.Errorf("%q: %+v, want %s", pw, fs, key)
		}
	}
	a := exam.Account{ID: 7, Name: "Nadia", Role: exam.RoleJury}
	if a.Actor() != (exam.Actor{UserID: 7, Name: "Nadia", Role: exam.RoleJury}) {
		t.Errorf("actor = %+v", a.Actor())
	}
}

// The role table: administrators run the centre's data but never grade;
// jury members run and grade; referents edit accommodations only and alone
// read the justification.
func TestRolePermissions(t *testing.T) {
	all := []exam.Permission{exam.PermReadCandidates, exam.PermManageCandidates, exam.PermReadSessions, exam.PermManageSessions,
		exam.PermExport, exam.PermRunSessions, exam.PermGrade, exam.PermAmend, exam.PermReadAccommodations,
		exam.PermManageAccommodations, exam.PermReadJustification, exam.PermManageUsers, exam.PermBackup}
	want := map[exam.Role][]exam.Permission{
		exam.RoleAdmin: {exam.PermReadCandidates, exam.PermManageCandidates, exam.PermReadSessions, exam.PermManageSessions,
			exam.PermExport, exam.PermReadAccommodations, exam.PermManageUsers, exam.PermBackup},
		exam.RoleJury: {exam.PermReadCandidates, exam.PermReadSessions, exam.PermRunSessions, exam.PermGrade, exam.PermAmend,
			exam.PermReadAccommodations},
		exam.RoleReferent: {exam.PermReadCandidates, exam.PermReadSessions, exam.PermReadAccommodations,
			exam.PermManageAccommodations, exam.PermReadJustification},
		"": nil,
	}
	for role, perms := range want {
		a := exam.Actor{Name: "x", Role: role}
		for _, p := range all {
			if a.Can(p) != slices.Contains(perms, p) {
				t.Errorf("%q can %s: %v", role, p, a.Can(p))
			}
			if err := a.Require(p); (err == nil) != slices.Contains(perms, p) || (err != nil && exam.ErrorCode(err) != exam.EFORBIDDEN) {
				t.Errorf("%q requires %s: %v", role, p, err)
			}
		}
	}
	if !exam.System.Can(exam.PermExport) || exam.System.Can(exam.PermGrade) {
		t.Error("the command line runs as an administrator")
	}
	for _, r := range exam.Roles {
		if !r.Valid() {
			t.Errorf("%q invalid", r)
		}
	}
	if exam.Role("root").Valid() {
		t.Error("root is a role")
	}
}
