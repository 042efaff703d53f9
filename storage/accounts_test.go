package storage

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/amisjury/amis/exam"
)

// accountFixture is a database with its account service, the first
// administrator created, and a settable clock.
type accountFixture struct {
	ctx   context.Context
	db    *DB
	svc   *AccountService
	admin *exam.Account
	clock time.Time
}

func newAccountFixture(t *testing.T) *accountFixture {
	t.Helper()
	FastSecrets(t)
	f := &accountFixture{ctx: context.Background(), db: MustOpen(t), clock: time.Date(2026, 3, 2, 23, 59, 0, 0, time.UTC)}
	f.db.now = func() time.Time { return f.clock }
	f.svc = NewAccountService(f.db)
	f.admin = &exam.Account{Login: "admin", Name: "Sophie Marchand"}
	if err := f.svc.CreateFirstAdmin(f.ctx, f.admin, "mot de passe admin"); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *accountFixture) create(t *testing.T, login, name string, role exam.Role, pw string) *exam.Account {
	t.Helper()
	acc := &exam.Account{Login: login, Name: name, Role: role}
	if err := f.svc.CreateAccount(f.ctx, f.admin.Actor(), acc, pw); err != nil {
		t.Fatal(err)
	}
	return acc
}

func TestAccountService_FirstAdmin(t *testing.T) {
	FastSecrets(t)
	ctx := context.Background()
	db := MustOpen(t)
	svc := NewAccountService(db)
	if has, err := svc.HasAccounts(ctx); err != nil || has {
		t.Fatalf("HasAccounts on a new database = %v, %v", has, err)
	}
	e := wantCode(t, svc.CreateFirstAdmin(ctx, &exam.Account{Login: "a b", Name: ""}, "court"), exam.EINVALID, "")
	fields := map[string]bool{}
	for _, fe := range e.Fields {
		fields[fe.Field] = true
	}
	if !fields[exam.FieldLogin] || !fields[exam.FieldName] || !fields[exam.FieldPassword] {
		t.Errorf("field errors = %+v", e.Fields)
	}
	// The role asked for is ignored: the first account is an administrator.
	acc := &exam.Account{Login: "Admin", Name: "Sophie Marchand", Role: exam.RoleJury}
	if err := svc.CreateFirstAdmin(ctx, acc, "mot de passe admin"); err != nil {
		t.Fatal(err)
	}
	if acc.ID == 0 || acc.Role != exam.RoleAdmin || acc.Created.IsZero() {
		t.Errorf("first admin = %+v", acc)
	}
	if has, err := svc.HasAccounts(ctx); err != nil || !has {
		t.Fatalf("HasAccounts = %v, %v", has, err)
	}
	wantCode(t, svc.CreateFirstAdmin(ctx, &exam.Account{Login: "other", Name: "Other"}, "mot de passe admin"), exam.ECONFLICT, "err.account.exists")
	// Logins compare without case.
	got, err := svc.Login(ctx, "admin", "mot de passe admin")
	if err != nil || got.ID != acc.ID || got.LastLogin.IsZero() {
		t.Fatalf("login = %+v, %v", got, err)
	}
}

func TestAccountService_Login(t *testing.T) {
	f := newAccountFixture(t)
	jury := f.create(t, "jury", "Nadia Chérif", exam.RoleJury, "jury-demo!")

	got, err := f.svc.Login(f.ctx, "  JURY ", "jury-demo!")
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != jury.ID || got.Role != exam.RoleJury || got.Actor() != jury.Actor() {
		t.Errorf("login = %+v", got)
	}

	// A wrong password, an unknown login and a disabled account give the
	// same error.
	same := func(err error) {
		t.Helper()
		e := wantCode(t, err, exam.EAUTH, "err.auth")
		if e.Message != "wrong login or password" || len(e.Data) != 0 {
			t.Errorf("error = %+v", e)
		}
	}
	same(f.svcLogin("jury", "wrong"))
	same(f.svcLogin("nobody", "jury-demo!"))
	disabled := f.create(t, "ancien", "Ancien Membre", exam.RoleJury, "ancien-mdp")
	disabled.Disabled = true
	if err := f.svc.UpdateAccount(f.ctx, f.admin.Actor(), disabled); err != nil {
		t.Fatal(err)
	}
	same(f.svcLogin("ancien", "ancien-mdp"))
}

func (f *accountFixture) svcLogin(login, pw string) error {
	_, err := f.svc.Login(f.ctx, login, pw)
	return err
}

// Failed logins slow down from the third in a row, by a delay that doubles,
// stored so that a restart of the service (or the app) does not reset it;
// a success clears it. Unknown logins slow down the same way.
func TestAccountService_Login_Throttled(t *testing.T) {
	f := newAccountFixture(t)
	f.create(t, "jury", "Nadia Chérif", exam.RoleJury, "jury-demo!")
	for _, login := range []string{"jury", "inconnu"} {
		t.Run(login, func(t *testing.T) {
			for i := 1; i <= 3; i++ {
				wantCode(t, f.svcLogin(login, "wrong"), exam.EAUTH, "err.auth")
			}
			// Third failure: 2 s to wait, even with the right password.
			e := wantCode(t, f.svcLogin(login, "jury-demo!"), exam.ETHROTTLED, "err.auth.throttled")
			if w, _ := e.Data["Wait"].(time.Duration); w != 2*time.Second {
				t.Errorf("wait = %v, want 2s", e.Data["Wait"])
			}
			f.clock = f.clock.Add(1500 * time.Millisecond)
			e = wantCode(t, f.svcLogin(login, "jury-demo!"), exam.ETHROTTLED, "")
			if w, _ := e.Data["Wait"].(time.Duration); w != 500*time.Millisecond {
				t.Errorf("wait = %v, want 0.5s", e.Data["Wait"])
			}
			f.clock = f.clock.Add(time.Second)
			wantCode(t, f.svcLogin(login, "wrong"), exam.EAUTH, "err.auth")
			// Fourth failure: 4 s.
			e = wantCode(t, f.svcLogin(login, "wrong"), exam.ETHROTTLED, "")
			if w, _ := e.Data["Wait"].(time.Duration); w != 4*time.Second {
				t.Errorf("wait = %v, want 4s", e.Data["Wait"])
			}
			f.clock = f.clock.Add(4 * time.Second)
		})
	}
	// The count survives a new service (a restart).
	f.svc = NewAccountService(f.db)
	wantCode(t, f.svcLogin("jury", "wrong"), exam.EAUTH, "")
	e := wantCode(t, f.svcLogin("jury", "jury-demo!"), exam.ETHROTTLED, "")
	if w, _ := e.Data["Wait"].(time.Duration); w != 8*time.Second {
		t.Errorf("wait after 5 failures = %v, want 8s", e.Data["Wait"])
	}
	f.clock = f.clock.Add(8 * time.Second)
	if _, err := f.svc.Login(f.ctx, "jury", "jury-demo!"); err != nil {
		t.Fatal(err)
	}
	// A success clears the count.
	wantCode(t, f.svcLogin("jury", "wrong"), exam.EAUTH, "")
	if _, err := f.svc.Login(f.ctx, "jury", "jury-demo!"); err != nil {
		t.Fatalf("one failure after a success: %v", err)
	}
}

func TestAccountService_Manage(t *testing.T) {
	f := newAccountFixture(t)
	adm := f.admin.Actor()
	ref := f.create(t, "referent", "Isabelle Roux", exam.RoleReferent, "referent-demo")
	wantCode(t, f.svc.CreateAccount(f.ctx, adm, &exam.Account{Login: "REFERENT", Name: "X", Role: exam.RoleJury}, "12345678"),
		exam.ECONFLICT, "err.account.login_taken")
	wantCode(t, f.svc.CreateAccount(f.ctx, adm, &exam.Account{Login: "x", Name: "X", Role: "boss"}, "12345678"), exam.EINVALID, "")
	wantCode(t, f.svc.CreateAccount(f.ctx, adm, &exam.Account{Login: "x", Name: "X", Role: exam.RoleJury}, strings.Repeat("é", 40)),
		exam.EINVALID, "")

	list, err := f.svc.Accounts(f.ctx, adm)
	if err != nil || len(list) != 2 || list[0].Login != "referent" || list[1].Login != "admin" {
		t.Fatalf("accounts = %+v, %v", list, err)
	}

	// The last active administrator can be neither demoted nor disabled.
	demoted := *f.admin
	demoted.Role = exam.RoleJury
	wantCode(t, f.svc.UpdateAccount(f.ctx, adm, &demoted), exam.ECONFLICT, "err.account.last_admin")
	off := *f.admin
	off.Disabled = true
	wantCode(t, f.svc.UpdateAccount(f.ctx, adm, &off), exam.ECONFLICT, "err.account.last_admin")
	// With a second administrator, it can.
	ref.Role, ref.Name = exam.RoleAdmin, "Isabelle Roux-Martin"
	ref.Login = "ignored: the login stays"
	if err := f.svc.UpdateAccount(f.ctx, adm, ref); err != nil {
		t.Fatal(err)
	}
	if ref.Login != "referent" {
		t.Errorf("login changed to %q", ref.Login)
	}
	if err := f.svc.UpdateAccount(f.ctx, adm, &demoted); err != nil {
		t.Fatal(err)
	}
	wantCode(t, f.svc.UpdateAccount(f.ctx, adm, &exam.Account{ID: 99, Name: "X", Role: exam.RoleJury}), exam.ENOTFOUND, "err.account.not_found")
	got, err := f.svc.Login(f.ctx, "referent", "referent-demo")
	if err != nil || got.Role != exam.RoleAdmin || got.Name != "Isabelle Roux-Martin" {
		t.Errorf("after update: %+v, %v", got, err)
	}
}

func TestAccountService_SetPassword(t *testing.T) {
	f := newAccountFixture(t)
	jury := f.create(t, "jury", "Nadia Chérif", exam.RoleJury, "premier-mdp")
	other := f.create(t, "jury2", "Marc Lefort", exam.RoleJury, "autre-mdp")

	// The user changes their own password with the old one.
	wantCode(t, f.svc.SetPassword(f.ctx, jury.Actor(), jury.ID, "faux", "second-mdp"), exam.EAUTH, "err.account.old_password")
	wantCode(t, f.svc.SetPassword(f.ctx, jury.Actor(), jury.ID, "premier-mdp", "court"), exam.EINVALID, "")
	if err := f.svc.SetPassword(f.ctx, jury.Actor(), jury.ID, "premier-mdp", "second-mdp"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, f.svcLogin("jury", "premier-mdp"), exam.EAUTH, "")
	if _, err := f.svc.Login(f.ctx, "jury", "second-mdp"); err != nil {
		t.Fatal(err)
	}
	// Not someone else's.
	wantCode(t, f.svc.SetPassword(f.ctx, jury.Actor(), other.ID, "autre-mdp", "pirate-mdp"), exam.EFORBIDDEN, "")
	// An administrator sets anyone's without the old one, which also lifts
	// the slowdown.
	for range 4 {
		_ = f.svcLogin("jury2", "wrong")
	}
	wantCode(t, f.svcLogin("jury2", "autre-mdp"), exam.ETHROTTLED, "")
	if err := f.svc.SetPassword(f.ctx, f.admin.Actor(), other.ID, "", "nouveau-mdp"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Login(f.ctx, "jury2", "nouveau-mdp"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, f.svc.SetPassword(f.ctx, f.admin.Actor(), 99, "", "nouveau-mdp"), exam.ENOTFOUND, "")
}

// Every account write is audited; no password and no hash is ever in the
// log.
func TestAccountService_Audit(t *testing.T) {
	f := newAccountFixture(t)
	jury := f.create(t, "jury", "Nadia Chérif", exam.RoleJury, "MOTDEPASSE-JURY-1")
	_ = f.svcLogin("jury", "MOTDEPASSE-FAUX-2")
	_ = f.svcLogin("MOTDEPASSE-DANS-LE-LOGIN-3", "x")
	if _, err := f.svc.Login(f.ctx, "jury", "MOTDEPASSE-JURY-1"); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.SetPassword(f.ctx, jury.Actor(), jury.ID, "MOTDEPASSE-JURY-1", "MOTDEPASSE-NOUVEAU-4"); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.SetPassword(f.ctx, f.admin.Actor(), jury.ID, "", "MOTDEPASSE-ADMIN-5"); err != nil {
		t.Fatal(err)
	}
	jury.Name = "Nadia Chérif-Benali"
	if err := f.svc.UpdateAccount(f.ctx, f.admin.Actor(), jury); err != nil {
		t.Fatal(err)
	}
	var hashes []string
	rows, err := f.db.reader.Query("SELECT password_hash FROM accounts")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			t.Fatal(err)
		}
		hashes = append(hashes, h)
	}
	rows.Close()
	recs, err := f.db.auditRecords(f.ctx, "account", 0)
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]int{}
	for _, r := range recs {
		actions[r.Action]++
		text := string(r.Old) + string(r.New)
		if strings.Contains(text, "MOTDEPASSE") || strings.Contains(text, "$2a$") {
			t.Errorf("audit entry %d %s holds a password or hash: %s", r.ID, r.Action, text)
		}
		for _, h := range hashes {
			if strings.Contains(text, h) {
				t.Errorf("audit entry %d holds a hash", r.ID)
			}
		}
	}
	want := map[string]int{"account.create": 2, "account.login_failed": 2, "account.login": 1, "account.password": 2, "account.update": 1}
	for k, n := range want {
		if actions[k] != n {
			t.Errorf("%s: %d entries, want %d (all: %v)", k, actions[k], n, actions)
		}
	}
	if n, err := f.db.VerifyAudit(f.ctx); err != nil || n != 0 {
		t.Errorf("audit chain breaks at %d (%v)", n, err)
	}
}

func TestAutoLockMinutes(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	svc := NewAccountService(db)
	if n, err := svc.AutoLockMinutes(ctx, jury); err != nil || n != exam.DefaultAutoLockMinutes {
		t.Fatalf("default: %d, %v", n, err)
	}
	if err := svc.SetAutoLockMinutes(ctx, admin, 25); err != nil {
		t.Fatal(err)
	}
	for _, a := range []exam.Actor{admin, jury, {Name: "r", Role: exam.RoleReferent}} {
		if n, err := svc.AutoLockMinutes(ctx, a); err != nil || n != 25 {
			t.Errorf("%s reads %d, %v; want 25", a.Role, n, err)
		}
	}
	if _, err := svc.AutoLockMinutes(ctx, exam.Actor{}); exam.ErrorCode(err) != exam.EFORBIDDEN {
		t.Errorf("read without a user: %v", err)
	}
	if err := svc.SetAutoLockMinutes(ctx, jury, 60); exam.ErrorCode(err) != exam.EFORBIDDEN {
		t.Errorf("a jury member sets it: %v", err)
	}
	for _, bad := range []int{-1, exam.MaxAutoLockMinutes + 1} {
		wantCode(t, svc.SetAutoLockMinutes(ctx, admin, bad), exam.EINVALID, "err.autolock.range")
	}
	if err := svc.SetAutoLockMinutes(ctx, admin, 0); err != nil {
		t.Fatal(err)
	}
	if n, _ := svc.AutoLockMinutes(ctx, jury); n != 0 {
		t.Errorf("after 0: %d", n)
	}
	var entries int
	if err := db.reader.QueryRowContext(ctx, `SELECT count(*) FROM audit_log WHERE action = 'settings.update'
		AND new_json LIKE '%autolock%'`).Scan(&entries); err != nil || entries != 2 {
		t.Errorf("audit entries of the setting: %d, %v; want 2", entries, err)
	}
}
