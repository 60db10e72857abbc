package auraupload

import (
	"fmt"
	"strings"
)

// Kind is what went wrong, as the caller words it to the user.
type Kind int

const (
	KindUnexpected     Kind = iota // an answer the protocol does not name
	KindBadCredentials             // 401 at auth: the database user or password is wrong
	KindNotAdmin                   // 403 at auth: the user is not an admin of the database (or Aura refuses it)
	KindNoConsent                  // 409: no consent to overwrite
	KindTooLarge                   // 422 ImportExceedsMaxSize: the store does not fit the instance
	KindRejected                   // another 422, with Aura's error body
	KindClientTooOld               // 404 or 301: Aura no longer accepts this client (or the host is wrong)
	KindTokenExpired               // 401 after auth
	KindLoadFailed                 // the status reported "loading failed"
	KindLoadNotStarted             // loading did not start within loadStartLimit
	KindUnclear                    // upload-complete may or may not have been taken, and the status did not tell
	KindNotTaken                   // upload-complete was unclear each time, and the status showed it was not taken
)

// Error is a failed step. Message, Reason and URL are Aura's error body when it sent one. It never holds the
// password or a signed URL's query (the signature).
type Error struct {
	Step    string // auth, size, initiate, upload, multipart-upload-status, upload-complete, status
	Status  int    // the HTTP status; 0 for a transport error
	Kind    Kind
	Message string
	Reason  string
	URL     string
	Err     error // a transport error, or the context's
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "upload step %s", e.Step)
	if e.Status != 0 {
		fmt.Fprintf(&b, ": HTTP %d", e.Status)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", strings.TrimSuffix(e.Message, "."))
	}
	if e.Reason != "" {
		fmt.Fprintf(&b, " (%s)", e.Reason)
	}
	if e.URL != "" {
		fmt.Fprintf(&b, ". See: %s", e.URL)
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// errorBody is Aura's error body (the reference's 1.3).
type errorBody struct {
	Message string `json:"Message"`
	Reason  string `json:"Reason"`
	URL     string `json:"Url"`
}
