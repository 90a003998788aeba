// Package conflict holds sitrep's domain: the records of an armed conflict
// (events, estimates, sources, actors, places, timelines), their rules and
// the error vocabulary every other layer speaks. It imports no storage,
// HTTP or rendering code.
package conflict

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Code classifies an error so that every layer can react to it without
// inspecting its text.
type Code string

// The error codes. Storage maps driver errors onto them; the HTTP layer maps
// them onto statuses.
const (
	NotFound     Code = "not_found"
	Invalid      Code = "invalid"
	Conflict     Code = "conflict"
	Unauthorized Code = "unauthorized"
	Forbidden    Code = "forbidden"
	// Busy refuses a request for now, not for good: too many like it are
	// running (an export, say); the same request later succeeds.
	Busy     Code = "busy"
	Internal Code = "internal"
)

// Error is a domain error: a code, a message fit to show a user and, for
// invalid input, a message per field.
type Error struct {
	Code    Code
	Message string
	Fields  FieldErrors
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return e.Message
	}
	return e.Message + ": " + e.Fields.String()
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, Internal
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// ErrorMessage returns the user-facing message of err. Internal errors get a
// generic message so that no internals ever reach a user.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != Internal {
		return e.Message
	}
	return "An internal error occurred."
}

// ErrorFields returns the per-field messages carried by err, if any.
func ErrorFields(err error) FieldErrors {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// FieldErrors maps a field name to what is wrong with it.
type FieldErrors map[string]string

// Add records msg for field unless the field already has a message: the
// first problem found is the one worth showing.
func (f FieldErrors) Add(field, msg string) {
	if _, ok := f[field]; !ok {
		f[field] = msg
	}
}

// Err returns nil when there are no field errors, and otherwise an Invalid
// *Error carrying them.
func (f FieldErrors) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: Invalid, Message: "Some fields need attention.", Fields: f}
}

func (f FieldErrors) String() string {
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + f[k]
	}
	return strings.Join(parts, "; ")
}
