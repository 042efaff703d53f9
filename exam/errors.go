// Package exam is the domain of AMIS Jury: the référentiel, candidates,
// sessions, evaluations, decisions, accommodations and the time rules.
//
// It imports no UI toolkit, no database driver and no spreadsheet library:
// storage and ui depend on it, never the other way round.
package exam

import (
	"errors"
	"fmt"
	"strings"
)

// Error codes, in the manner of an HTTP status: the caller decides what to
// show from the code, the message says what happened.
const (
	ECONFLICT  = "conflict"  // the action clashes with stored data (duplicate…)
	EINVALID   = "invalid"   // the input is wrong; see the field errors
	ENOTFOUND  = "not_found" // the entity does not exist
	EFORBIDDEN = "forbidden" // the acting user's role does not allow it
	ELOCKED    = "locked"    // the data is locked (signed PV…)
	EREFUSED   = "refused"   // a file or database was refused (wrong kind, newer version…)
	EINTERNAL  = "internal"  // a bug or an I/O failure
	EAUTH      = "auth"      // wrong login or password
	ETHROTTLED = "throttled" // too many failed attempts: wait Data["Wait"]
)

// Sentinel errors, usable with errors.Is against any *Error of the same code.
var (
	ErrNotFound  = &Error{Code: ENOTFOUND, Key: "err.not_found", Message: "not found"}
	ErrConflict  = &Error{Code: ECONFLICT, Key: "err.conflict", Message: "conflict"}
	ErrInvalid   = &Error{Code: EINVALID, Key: "err.invalid", Message: "invalid data"}
	ErrForbidden = &Error{Code: EFORBIDDEN, Key: "err.forbidden", Message: "not allowed for this role"}
	ErrLocked    = &Error{Code: ELOCKED, Key: "err.locked", Message: "locked"}
	ErrRefused   = &Error{Code: EREFUSED, Key: "err.refused", Message: "refused"}
)

// Error is a domain error meant to be shown to a user. Key names its
// translation (see assets/translations); Message is the English text used
// when no translation exists; Data fills the {{.X}} placeholders of both.
type Error struct {
	Code    string
	Key     string
	Message string
	Data    map[string]any
	// Fields lists field-level problems of an EINVALID error.
	Fields []FieldError
}

// Error implements the error interface.
func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return e.Message
	}
	parts := make([]string, 0, len(e.Fields))
	for _, f := range e.Fields {
		parts = append(parts, f.Field+": "+f.Message)
	}
	return e.Message + ": " + strings.Join(parts, "; ")
}

// Is makes errors.Is(err, ErrNotFound) true for every error of that code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && (t.Key == "err."+t.Code || t.Key == e.Key)
}

// Errorf returns an *Error with the given code, translation key and English
// message; data fills the placeholders.
func Errorf(code, key, message string, data map[string]any) *Error {
	return &Error{Code: code, Key: key, Message: render(message, data), Data: data}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EINTERNAL
	}
}

// FieldError is one problem with one field of an entity. Field is the
// stable field identifier (for example "birth_date"), used by forms and
// importers to point at the right widget or column.
type FieldError struct {
	Field   string
	Key     string
	Message string
	Data    map[string]any
}

// Validation collects field errors; Err returns nil when there are none.
type Validation struct {
	Fields []FieldError
}

// Add records a problem on a field.
func (v *Validation) Add(field, key, message string, data map[string]any) {
	v.Fields = append(v.Fields, FieldError{Field: field, Key: key, Message: render(message, data), Data: data})
}

// Err returns an EINVALID *Error listing the problems, or nil.
func (v *Validation) Err(what string) error {
	if len(v.Fields) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Key: "err.invalid", Message: "invalid " + what, Fields: v.Fields}
}

// FieldErrors returns the field errors carried by err, if any.
func FieldErrors(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// render fills {{.Name}} placeholders for the English fallback text; the
// translated text is rendered by the UI with the same data.
func render(message string, data map[string]any) string {
	if len(data) == 0 || !strings.Contains(message, "{{") {
		return message
	}
	out := message
	for k, v := range data {
		out = strings.ReplaceAll(out, "{{."+k+"}}", fmt.Sprint(v))
	}
	return out
}
