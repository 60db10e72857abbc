package aura

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNotFound is what every finder returns (wrapped) when the API answers 404 with its errors envelope.
var ErrNotFound = errors.New("not found")

// ErrCredentials is what every call returns (wrapped) when Aura refuses the client id and secret.
var ErrCredentials = errors.New("the Aura client id and secret were refused")

// ErrNotSupported means the server answered a bare 404 on an extension path: this Aura API does not have it.
var ErrNotSupported = errors.New("not exposed by this Aura API")

// APIError is an error answer of the API, after the last retry.
type APIError struct {
	Status    int
	Reason    string
	Message   string
	Field     string
	RequestID string
	Method    string
	Path      string
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %d", e.Method, e.Path, e.Status)
	if e.Reason != "" {
		fmt.Fprintf(&b, " %s", e.Reason)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, " (field %q)", e.Field)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " [request id %s]", e.RequestID)
	}
	return b.String()
}

// Is lets errors.Is(err, ErrNotFound) hold for a 404 that carries the errors envelope.
func (e *APIError) Is(target error) bool {
	return target == ErrNotFound && e.Status == 404 && e.Reason != ""
}

// HasReason tells whether err is an API error with this reason.
func HasReason(err error, reason string) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.Reason == reason
}

// StatusOf is the HTTP status of an API error, or 0.
func StatusOf(err error) int {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.Status
	}
	return 0
}

// UnclearError is a mutation whose outcome is unknown: the request may or may not have taken effect.
type UnclearError struct {
	Method, Path string
	Err          error
}

func (e *UnclearError) Error() string {
	return fmt.Sprintf("%s %s: the outcome is unclear (%v); it was not sent again, because it may have taken effect", e.Method, e.Path, e.Err)
}

func (e *UnclearError) Unwrap() error { return e.Err }
