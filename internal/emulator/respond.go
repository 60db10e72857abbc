package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// apiError is one entry of the errors envelope of api/README.md A.1.
type apiError struct {
	Status  int    `json:"-"`
	Message string `json:"message"`
	Reason  string `json:"reason"`
	Field   string `json:"field,omitempty"`
}

func (e *apiError) Error() string { return e.Message }

func errorf(status int, reason, field, format string, args ...any) *apiError {
	return &apiError{Status: status, Reason: reason, Field: field, Message: fmt.Sprintf(format, args...)}
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func writeData(w http.ResponseWriter, status int, data any) {
	writeJSON(w, status, map[string]any{"data": data})
}

func writeError(w http.ResponseWriter, err *apiError) {
	writeJSON(w, err.Status, map[string]any{"errors": []*apiError{err}})
}

const maxJSONBody = 1 << 20

// decodeStrict reads one JSON object into v. Malformed JSON, unknown members, wrong types and trailing data
// are 400s with the errors envelope, never a Go error string.
func decodeStrict(r *http.Request, v any) *apiError {
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxJSONBody+1))
	if err != nil {
		return errorf(400, "invalid-request", "", "The request body could not be read.")
	}
	if len(raw) > maxJSONBody {
		return errorf(413, "request-too-large", "", "The request body is larger than %d bytes.", maxJSONBody)
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return errorf(400, "invalid-json", "", "The request body must be a JSON object.")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return errorf(400, "invalid-json", "", "The request body must hold a single JSON value.")
	}
	if _, err := dec.Token(); err != io.EOF {
		return errorf(400, "invalid-json", "", "The request body must hold a single JSON value.")
	}
	return nil
}

func jsonError(err error) *apiError {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		if typeErr.Field == "" {
			return errorf(400, "invalid-json", "", "The request body must be a JSON object.")
		}
		return errorf(400, "invalid-field-type", typeErr.Field, "Field %q must be of type %s.", typeErr.Field, typeErr.Type.String())
	case errors.As(err, &syntaxErr), errors.Is(err, io.ErrUnexpectedEOF):
		return errorf(400, "invalid-json", "", "The request body is not valid JSON.")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return errorf(400, "unknown-field", name, "Field %q is not accepted here.", name)
	}
	return errorf(400, "invalid-json", "", "The request body is not valid JSON.")
}
