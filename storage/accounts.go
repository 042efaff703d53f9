package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/mattn/go-sqlite3"
	"golang.org/x/crypto/bcrypt"

	"github.com/amisjury/amis/exam"
)

// passwordCost is the bcrypt cost of account passwords (about a quarter of
// a second per check on a laptop); FastSecrets lowers it in tests.
var passwordCost = 12

// AccountService stores the local accounts and logs users in; it implements
// exam.AccountService. Passwords are kept as bcrypt hashes; neither a
// password nor a hash ever goes into the audit log.
type AccountService struct {
	db *DB
	// unknown counts the failed logins on logins that do not exist, so
	// that they slow down as known ones do (kept in memory: there is no
	// row to store them in).
	mu      sync.Mutex
	unknown map[string]loginFailures
}

var _ exam.AccountService = (*AccountService)(nil)

// loginFailures is the slowdown state of one login.
type loginFailures struct {
	count int
	last  time.Time
}

// maxUnknownLogins bounds the memory of failures on unknown logins.
const maxUnknownLogins = 1024

// NewAccountService returns the account service of db.
func NewAccountService(db *DB) *AccountService {
	return &AccountService{db: db, unknown: map[string]loginFailures{}}
}

const accountColumns = `id, login, name, role, disabled, created, last_login`

// HasAccounts reports whether any account exists.
func (s *AccountService) HasAccounts(ctx context.Context) (bool, error) {
	var n int
	if err := s.db.reader.QueryRowContext(ctx, "SELECT count(*) FROM accounts").Scan(&n); err != nil {
		return false, fmt.Errorf("count accounts: %w", err)
	}
	return n > 0, nil
}

// CreateFirstAdmin creates the administrator on first start, acting as that
// new account. ECONFLICT (err.account.exists) once any account exists,
// EINVALID.
func (s *AccountService) CreateFirstAdmin(ctx context.Context, acc *exam.Account, password string) error {
	if acc == nil {
		return fmt.Errorf("create first administrator: %w", exam.Errorf(exam.EINVALID, "err.invalid", "no account", nil))
	}
	acc.Role = exam.RoleAdmin
	acc.Disabled = false
	hash, err := prepareAccount(acc, password)
	if err != nil {
		return fmt.Errorf("create first administrator: %w", err)
	}
	var id int64
	var now time.Time
	err = s.db.write(ctx, exam.Actor{Name: acc.Name, Role: exam.RoleAdmin}, func(tx *Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM accounts").Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return exam.Errorf(exam.ECONFLICT, "err.account.exists", "an administrator already exists: log in", nil)
		}
		now = tx.now()
		if id, err = insertAccount(ctx, tx, acc, hash, now); err != nil {
			return err
		}
		tx.actor.UserID = id
		return tx.audit("account.create", "account", id, nil, recordOfAccount(acc, id))
	})
	if err != nil {
		return fmt.Errorf("create first administrator: %w", err)
	}
	acc.ID, acc.Created, acc.LastLogin = id, now.Local(), time.Time{}
	return nil
}

// Login checks the password of login and returns its account. A wrong
// login, a wrong password and a disabled account give the same EAUTH error
// (err.auth) after the same work; after failures in a row the login is
// refused with ETHROTTLED (err.auth.throttled, Data["Wait"] a time.Duration)
// until exam.LoginDelay has passed since the last failure.
func (s *AccountService) Login(ctx context.Context, login, password string) (*exam.Account, error) {
	login = strings.TrimSpace(login)
	now := s.db.now()
	acc, hash, fails, err := s.lookup(ctx, login)
	if err != nil {
		return nil, fmt.Errorf("log in: %w", err)
	}
	known := acc != nil
	if !known {
		fails = s.unknownFailures(login)
	}
	if wait := throttled(fails, now); wait > 0 {
		secs := int((wait + time.Second - 1) / time.Second)
		return nil, fmt.Errorf("log in: %w", exam.Errorf(exam.ETHROTTLED, "err.auth.throttled",
			"too many failed attempts: wait {{.Seconds}} s", map[string]any{"Wait": wait, "Seconds": secs}))
	}
	if !known {
		hash = dummyHash()
	}
	match := bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil
	if known && match && !acc.Disabled {
		if err := s.loggedIn(ctx, acc, now); err != nil {
			return nil, fmt.Errorf("log in: %w", err)
		}
		return acc, nil
	}
	if err := s.failed(ctx, login, acc, fails, now); err != nil {
		return nil, fmt.Errorf("log in: %w", err)
	}
	return nil, fmt.Errorf("log in: %w", authError())
}

func authError() error {
	return exam.Errorf(exam.EAUTH, "err.auth", "wrong login or password", nil)
}

// throttled returns how long a login with these failures must still wait.
func throttled(f loginFailures, now time.Time) time.Duration {
	d := exam.LoginDelay(f.count)
	if d == 0 || f.last.IsZero() {
		return 0
	}
	if wait := f.last.Add(d).Sub(now); wait > 0 {
		return wait
	}
	return 0
}

// lookup reads the account of login with its hash and failures; a nil
// account when there is none.
func (s *AccountService) lookup(ctx context.Context, login string) (*exam.Account, string, loginFailures, error) {
	var f loginFailures
	var hash, last string
	var fails int
	row := s.db.reader.QueryRowContext(ctx, "SELECT "+accountColumns+", password_hash, failed_logins, last_failure FROM accounts WHERE login = ?", login)
	acc, err := scanAccount(row, &hash, &fails, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", f, nil
	}
	if err != nil {
		return nil, "", f, err
	}
	f.count = fails
	if f.last, err = parseTime(last); err != nil {
		return nil, "", f, err
	}
	return acc, hash, f, nil
}

func (s *AccountService) unknownFailures(login string) loginFailures {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.unknown[strings.ToLower(login)]
}

// loggedIn records a successful login: the failures are cleared.
func (s *AccountService) loggedIn(ctx context.Context, acc *exam.Account, now time.Time) error {
	acc.LastLogin = now.Local()
	if s.db.ReadOnly() {
		return nil // nothing can be recorded; reading is still allowed
	}
	return s.db.write(ctx, acc.Actor(), func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE accounts SET last_login = ?, failed_logins = 0, last_failure = '' WHERE id = ?",
			fmtTime(now), acc.ID); err != nil {
			return err
		}
		return tx.audit("account.login", "account", acc.ID, nil, map[string]any{"login": acc.Login})
	})
}

// failed records a failed login: on the account's row when it exists, in
// memory otherwise (and on a read-only database). Both write an audit entry,
// so that a wrong login costs what a wrong password does; the login typed is
// not logged for an unknown login (it may be a password typed in the wrong
// field).
func (s *AccountService) failed(ctx context.Context, login string, acc *exam.Account, f loginFailures, now time.Time) error {
	f.count++
	f.last = now
	if acc == nil || s.db.ReadOnly() {
		s.mu.Lock()
		if len(s.unknown) >= maxUnknownLogins {
			clear(s.unknown)
		}
		s.unknown[strings.ToLower(login)] = f
		s.mu.Unlock()
	}
	if s.db.ReadOnly() {
		return nil
	}
	if acc == nil {
		return s.db.write(ctx, exam.Actor{Name: "anonymous"}, func(tx *Tx) error {
			return tx.audit("account.login_failed", "account", 0, nil, map[string]any{"known": false})
		})
	}
	return s.db.write(ctx, acc.Actor(), func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE accounts SET failed_logins = ?, last_failure = ? WHERE id = ?",
			f.count, fmtTime(now), acc.ID); err != nil {
			return err
		}
		return tx.audit("account.login_failed", "account", acc.ID, nil, map[string]any{"known": true, "failed_logins": f.count,
			"disabled": acc.Disabled})
	})
}

var dummyHashes sync.Map // bcrypt cost → hash of a random password

// dummyHash is a hash at the current cost that no password matches in
// practice: an unknown login is checked against it, so that it takes as
// long as a known one.
func dummyHash() string {
	if h, ok := dummyHashes.Load(passwordCost); ok {
		return h.(string)
	}
	h, err := bcrypt.GenerateFromPassword([]byte(fmt.Sprintf("no such account %d", time.Now().UnixNano())), passwordCost)
	if err != nil {
		panic(err) // only for a cost out of range
	}
	dummyHashes.Store(passwordCost, string(h))
	return string(h)
}

// Accounts lists the accounts by name (PermManageUsers).
func (s *AccountService) Accounts(ctx context.Context, a exam.Actor) ([]exam.Account, error) {
	if err := a.Require(exam.PermManageUsers); err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	rows, err := s.db.reader.QueryContext(ctx, "SELECT "+accountColumns+" FROM accounts ORDER BY name COLLATE NOCASE, id")
	if err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	defer rows.Close()
	out := []exam.Account{}
	for rows.Next() {
		acc, err := scanAccount(rows)
		if err != nil {
			return nil, fmt.Errorf("list accounts: %w", err)
		}
		out = append(out, *acc)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	return out, nil
}

// CreateAccount stores acc with its password (PermManageUsers), setting its
// ID. EINVALID, ECONFLICT (err.account.login_taken), EFORBIDDEN.
func (s *AccountService) CreateAccount(ctx context.Context, a exam.Actor, acc *exam.Account, password string) error {
	if err := a.Require(exam.PermManageUsers); err != nil {
		return fmt.Errorf("create account: %w", err)
	}
	if acc == nil {
		return fmt.Errorf("create account: %w", exam.Errorf(exam.EINVALID, "err.invalid", "no account", nil))
	}
	hash, err := prepareAccount(acc, password)
	if err != nil {
		return fmt.Errorf("create account: %w", err)
	}
	var id int64
	var now time.Time
	err = s.db.write(ctx, a, func(tx *Tx) error {
		now = tx.now()
		if id, err = insertAccount(ctx, tx, acc, hash, now); err != nil {
			return err
		}
		return tx.audit("account.create", "account", id, nil, recordOfAccount(acc, id))
	})
	if err != nil {
		return fmt.Errorf("create account: %w", err)
	}
	acc.ID, acc.Created, acc.LastLogin = id, now.Local(), time.Time{}
	return nil
}

// UpdateAccount changes the name, role and disabled flag of acc.ID
// (PermManageUsers); the login stays. ENOTFOUND, EINVALID, EFORBIDDEN,
// ECONFLICT (err.account.last_admin) when it would leave no active
// administrator.
func (s *AccountService) UpdateAccount(ctx context.Context, a exam.Actor, acc *exam.Account) error {
	if err := a.Require(exam.PermManageUsers); err != nil {
		return fmt.Errorf("update account: %w", err)
	}
	if acc == nil {
		return fmt.Errorf("update account: %w", exam.Errorf(exam.EINVALID, "err.invalid", "no account", nil))
	}
	err := s.db.write(ctx, a, func(tx *Tx) error {
		old, err := loadAccount(ctx, tx, acc.ID)
		if err != nil {
			return err
		}
		acc.Login = old.Login
		if err := acc.Validate(); err != nil {
			return err
		}
		if old.Role == exam.RoleAdmin && !old.Disabled && (acc.Role != exam.RoleAdmin || acc.Disabled) {
			var others int
			if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM accounts WHERE role = 'admin' AND disabled = 0 AND id <> ?",
				acc.ID).Scan(&others); err != nil {
				return err
			}
			if others == 0 {
				return exam.Errorf(exam.ECONFLICT, "err.account.last_admin",
					"{{.Name}} is the last active administrator: create another one first", map[string]any{"Name": old.Name})
			}
		}
		if _, err := tx.ExecContext(ctx, "UPDATE accounts SET name = ?, role = ?, disabled = ? WHERE id = ?",
			acc.Name, string(acc.Role), acc.Disabled, acc.ID); err != nil {
			return err
		}
		acc.Created, acc.LastLogin = old.Created, old.LastLogin
		return tx.audit("account.update", "account", acc.ID, recordOfAccount(old, old.ID), recordOfAccount(acc, acc.ID))
	})
	if err != nil {
		return fmt.Errorf("update account %d: %w", acc.ID, err)
	}
	return nil
}

// SetPassword sets the password of account id: an administrator for anyone
// (which also lifts the slowdown of failed logins), or the account's own
// user with the old password (EAUTH when it is wrong). EINVALID,
// ENOTFOUND, EFORBIDDEN.
func (s *AccountService) SetPassword(ctx context.Context, a exam.Actor, id int64, old, password string) error {
	byAdmin := a.Can(exam.PermManageUsers)
	if !byAdmin && (a.UserID == 0 || a.UserID != id) {
		return fmt.Errorf("set password: %w", a.Require(exam.PermManageUsers))
	}
	if err := exam.CheckPassword(password); err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	if !byAdmin {
		var hash string
		err := s.db.reader.QueryRowContext(ctx, "SELECT password_hash FROM accounts WHERE id = ?", id).Scan(&hash)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("set password: %w", accountNotFound(id))
		}
		if err != nil {
			return fmt.Errorf("set password: %w", err)
		}
		if bcrypt.CompareHashAndPassword([]byte(hash), []byte(old)) != nil {
			return fmt.Errorf("set password: %w", exam.Errorf(exam.EAUTH, "err.account.old_password", "the current password is wrong", nil))
		}
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), passwordCost)
	if err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	err = s.db.write(ctx, a, func(tx *Tx) error {
		acc, err := loadAccount(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE accounts SET password_hash = ?, failed_logins = 0, last_failure = '' WHERE id = ?",
			string(hash), id); err != nil {
			return err
		}
		return tx.audit("account.password", "account", id, nil, map[string]any{"login": acc.Login, "by_admin": byAdmin && a.UserID != id})
	})
	if err != nil {
		return fmt.Errorf("set password of account %d: %w", id, err)
	}
	return nil
}

// prepareAccount validates acc and password and returns the password's
// hash (computed outside any transaction: bcrypt is slow on purpose).
func prepareAccount(acc *exam.Account, password string) (string, error) {
	var v exam.Validation
	v.Fields = append(v.Fields, exam.FieldErrors(acc.Validate())...)
	v.Fields = append(v.Fields, exam.FieldErrors(exam.CheckPassword(password))...)
	if err := v.Err("account"); err != nil {
		return "", err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), passwordCost)
	if err != nil {
		return "", err
	}
	return string(hash), nil
}

func insertAccount(ctx context.Context, tx *Tx, acc *exam.Account, hash string, now time.Time) (int64, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO accounts (login, name, role, password_hash, disabled, created)
		VALUES (?, ?, ?, ?, ?, ?)`, acc.Login, acc.Name, string(acc.Role), hash, acc.Disabled, fmtTime(now))
	var se sqlite3.Error
	if errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintUnique {
		return 0, exam.Errorf(exam.ECONFLICT, "err.account.login_taken", "the login {{.Login}} is already used",
			map[string]any{"Login": acc.Login})
	}
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

func loadAccount(ctx context.Context, q queryer, id int64) (*exam.Account, error) {
	acc, err := scanAccount(q.QueryRowContext(ctx, "SELECT "+accountColumns+" FROM accounts WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, accountNotFound(id)
	}
	return acc, err
}

// scanAccount reads accountColumns, then the extra columns.
func scanAccount(r scanner, extra ...any) (*exam.Account, error) {
	var acc exam.Account
	var role, created, last string
	if err := r.Scan(append([]any{&acc.ID, &acc.Login, &acc.Name, &role, &acc.Disabled, &created, &last}, extra...)...); err != nil {
		return nil, err
	}
	acc.Role = exam.Role(role)
	var err error
	if acc.Created, err = parseTime(created); err != nil {
		return nil, err
	}
	if acc.LastLogin, err = parseTime(last); err != nil {
		return nil, err
	}
	return &acc, nil
}

func accountNotFound(id int64) error {
	return exam.Errorf(exam.ENOTFOUND, "err.account.not_found", "account {{.ID}} does not exist", map[string]any{"ID": id})
}

// accountRecord is an account as the audit log keeps it: never a password
// or its hash.
type accountRecord struct {
	ID       int64  `json:"id"`
	Login    string `json:"login"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	Disabled bool   `json:"disabled"`
}

func recordOfAccount(acc *exam.Account, id int64) accountRecord {
	return accountRecord{ID: id, Login: acc.Login, Name: acc.Name, Role: string(acc.Role), Disabled: acc.Disabled}
}

const autoLockKey = "accounts.autolock_minutes"

// AutoLockMinutes implements exam.AccountService: the stored delay, or
// exam.DefaultAutoLockMinutes when none is. Any signed-in user may read it.
func (s *AccountService) AutoLockMinutes(ctx context.Context, a exam.Actor) (int, error) {
	if a.Role == "" {
		return 0, fmt.Errorf("read the automatic lock: %w", exam.ErrForbidden)
	}
	n, err := autoLockMinutes(ctx, s.db.reader)
	if err != nil {
		return 0, fmt.Errorf("read the automatic lock: %w", err)
	}
	return n, nil
}

func autoLockMinutes(ctx context.Context, q queryer) (int, error) {
	return intSetting(ctx, q, autoLockKey, exam.DefaultAutoLockMinutes, exam.CheckAutoLockMinutes)
}

// SetAutoLockMinutes implements exam.AccountService.
func (s *AccountService) SetAutoLockMinutes(ctx context.Context, a exam.Actor, minutes int) error {
	if err := a.Require(exam.PermManageUsers); err != nil {
		return fmt.Errorf("set the automatic lock: %w", err)
	}
	if err := exam.CheckAutoLockMinutes(minutes); err != nil {
		return fmt.Errorf("set the automatic lock: %w", err)
	}
	if err := s.db.setIntSetting(ctx, a, autoLockKey, minutes, exam.DefaultAutoLockMinutes, exam.CheckAutoLockMinutes); err != nil {
		return fmt.Errorf("set the automatic lock: %w", err)
	}
	return nil
}
