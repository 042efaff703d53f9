package exam

import (
	"context"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Account is a local user of the application. Passwords are never held
// here: storage keeps only their hash.
type Account struct {
	ID       int64
	Login    string // unique, compared without case
	Name     string // shown in the title bar and the audit log
	Role     Role
	Disabled bool
	// Created and LastLogin are informational; LastLogin is zero before
	// the first login.
	Created, LastLogin time.Time
}

// Actor is the actor acting as this account.
func (a *Account) Actor() Actor { return Actor{UserID: a.ID, Name: a.Name, Role: a.Role} }

// Password rules.
const (
	MinPasswordLength = 8
	MaxPasswordLength = 72 // bcrypt's limit, in bytes
)

// Field identifiers of Account errors.
const (
	FieldLogin    = "login"
	FieldName     = "name"
	FieldRole     = "role"
	FieldPassword = "password"
)

// Validate checks the account's fields (not its password).
func (a *Account) Validate() error {
	var v Validation
	a.Login = strings.TrimSpace(a.Login)
	a.Name = strings.TrimSpace(a.Name)
	switch {
	case a.Login == "":
		v.Add(FieldLogin, "err.required", "required", nil)
	case utf8.RuneCountInString(a.Login) > 64:
		v.Add(FieldLogin, "err.too_long", "at most {{.Max}} characters", map[string]any{"Max": 64})
	case strings.IndexFunc(a.Login, unicode.IsSpace) >= 0:
		v.Add(FieldLogin, "err.account.login_space", "a login has no spaces", nil)
	}
	switch {
	case a.Name == "":
		v.Add(FieldName, "err.required", "required", nil)
	case utf8.RuneCountInString(a.Name) > 120:
		v.Add(FieldName, "err.too_long", "at most {{.Max}} characters", map[string]any{"Max": 120})
	}
	if !a.Role.Valid() {
		v.Add(FieldRole, "err.account.role", "choose a role", nil)
	}
	return v.Err("account")
}

// CheckPassword returns a field error (FieldPassword) when pw is too short
// or too long.
func CheckPassword(pw string) error {
	var v Validation
	switch {
	case utf8.RuneCountInString(pw) < MinPasswordLength:
		v.Add(FieldPassword, "err.account.password_short", "at least {{.Min}} characters", map[string]any{"Min": MinPasswordLength})
	case len(pw) > MaxPasswordLength:
		v.Add(FieldPassword, "err.account.password_long", "at most {{.Max}} bytes", map[string]any{"Max": MaxPasswordLength})
	}
	return v.Err("password")
}

// AccountService manages the local accounts and logs users in.
//
// Failed logins slow down: after the third failure in a row on a login,
// each new attempt is refused (ETHROTTLED, Data["Wait"] a time.Duration)
// until a delay has passed that doubles with every failure, up to
// MaxLoginDelay; the count is stored, so restarting the app does not reset
// it. Unknown logins cost the same time as known ones and give the same
// message.
type AccountService interface {
	// HasAccounts reports whether any account exists (first start when not).
	HasAccounts(ctx context.Context) (bool, error)
	// CreateFirstAdmin creates the administrator on first start; ECONFLICT
	// once any account exists. EINVALID.
	CreateFirstAdmin(ctx context.Context, acc *Account, password string) error
	// Login checks the password and returns the account. EAUTH (wrong
	// login or password, or disabled account), ETHROTTLED.
	Login(ctx context.Context, login, password string) (*Account, error)
	// Accounts lists the accounts (PermManageUsers).
	Accounts(ctx context.Context, a Actor) ([]Account, error)
	// CreateAccount stores acc with its password (PermManageUsers). EINVALID,
	// ECONFLICT (login taken).
	CreateAccount(ctx context.Context, a Actor, acc *Account, password string) error
	// UpdateAccount changes name, role and disabled (PermManageUsers). An
	// administrator cannot disable or demote the last active administrator
	// (ECONFLICT).
	UpdateAccount(ctx context.Context, a Actor, acc *Account) error
	// SetPassword sets the password of account id: by an administrator for
	// anyone, or by the account's own user who gives the old password.
	SetPassword(ctx context.Context, a Actor, id int64, old, password string) error
	// AutoLockMinutes is how long the window waits without activity before
	// it locks itself (0: never); any signed-in user may read it.
	AutoLockMinutes(ctx context.Context, a Actor) (int, error)
	// SetAutoLockMinutes stores it (PermManageUsers). EINVALID outside
	// 0..MaxAutoLockMinutes.
	SetAutoLockMinutes(ctx context.Context, a Actor, minutes int) error
}

// The automatic lock (docs/accounts.md): after DefaultAutoLockMinutes
// without a key, a click or a mouse move, the window locks itself as
// Utilisateur → Verrouiller does, unless an épreuve's countdown is running.
const (
	DefaultAutoLockMinutes = 10
	MaxAutoLockMinutes     = 120
)

// CheckAutoLockMinutes refuses a delay outside 0..MaxAutoLockMinutes.
func CheckAutoLockMinutes(minutes int) error {
	if minutes < 0 || minutes > MaxAutoLockMinutes {
		return Errorf(EINVALID, "err.autolock.range", "the automatic lock delay must be between 0 and {{.Max}} minutes (0: never)",
			map[string]any{"Max": MaxAutoLockMinutes, "Minutes": minutes})
	}
	return nil
}

// MaxLoginDelay caps the slowdown after failed logins.
const MaxLoginDelay = 5 * time.Minute

// LoginDelay is the wait imposed after n failures in a row: none for the
// first three, then 2 s, 4 s, 8 s… up to MaxLoginDelay.
func LoginDelay(failures int) time.Duration {
	if failures < 3 {
		return 0
	}
	d := 2 * time.Second
	for i := 3; i < failures && d < MaxLoginDelay; i++ {
		d *= 2
	}
	return min(d, MaxLoginDelay)
}
