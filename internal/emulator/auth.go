package emulator

import (
	"crypto/subtle"
	"net/http"
	"strings"
	"time"
)

// handleToken is the OAuth client-credentials grant of api/README.md A.2.
func (e *Emulator) handleToken(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "client_credentials" {
		writeError(w, errorf(400, "invalid-request", "grant_type", "grant_type must be client_credentials."))
		return
	}
	if !ok || subtle.ConstantTimeCompare([]byte(id), []byte(e.cfg.ClientID)) != 1 ||
		subtle.ConstantTimeCompare([]byte(secret), []byte(e.cfg.ClientSecret)) != 1 {
		writeError(w, errorf(401, "invalid-client", "", "Invalid client credentials."))
		return
	}
	token := e.record(randomHex(32))
	now := time.Now()
	for t, exp := range e.st.Tokens { // forget tokens long expired
		if now.Sub(exp) > time.Hour {
			delete(e.st.Tokens, t)
		}
	}
	e.st.Tokens[token] = now.Add(e.cfg.TokenTTL)
	writeJSON(w, 200, map[string]any{
		"access_token": token, "expires_in": int(e.cfg.TokenTTL.Seconds()), "token_type": "Bearer",
	})
}

// authenticate: a missing or unknown token is 401; an expired one is 403, as Aura answers.
// Token lifetimes run on real time, not the emulator's clock, so a clock advance does not log clients out.
func (e *Emulator) authenticate(r *http.Request) *apiError {
	h := r.Header.Get("Authorization")
	scheme, token, found := strings.Cut(h, " ")
	if !found || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return errorf(401, "unauthorized", "", "A bearer token is required.")
	}
	exp, ok := e.st.Tokens[token]
	if !ok {
		return errorf(401, "unauthorized", "", "The bearer token is not valid.")
	}
	if !time.Now().Before(exp) {
		return errorf(403, "token-expired", "", "The bearer token has expired.")
	}
	return nil
}
