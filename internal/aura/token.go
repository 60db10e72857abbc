package aura

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// renewEarly is how long before expiry a token is renewed, as Neo4j's clients do.
const renewEarly = 60 * time.Second

// tokenSource caches the OAuth token. The mutex is held during a renewal, so concurrent callers wait for
// that one renewal and share its token.
type tokenSource struct {
	mu      sync.Mutex
	http    *retryablehttp.Client
	authURL string
	id      string
	secret  string
	token   string
	expiry  time.Time
	early   time.Duration // renewEarly, or a quarter of a shorter lifetime
	now     func() time.Time
}

func (t *tokenSource) get(ctx context.Context) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.token != "" && t.now().Before(t.expiry.Add(-t.early)) {
		return t.token, nil
	}
	return t.renew(ctx)
}

// invalidate drops the token when it is still the one that was refused, so that one caller renews it.
func (t *tokenSource) invalidate(refused string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.token == refused {
		t.token = ""
	}
}

func (t *tokenSource) renew(ctx context.Context) (string, error) {
	// The token request is outside the client's budget: one an hour fits in the room Aura's 125 leaves above the
	// default 120, and counting it would make the 120th request of a burst wait for the window.
	ctx = context.WithValue(ctx, unbudgetedKey{}, true)
	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodPost, t.authURL, strings.NewReader(url.Values{"grant_type": {"client_credentials"}}.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.SetBasicAuth(t.id, t.secret)
	res, err := t.http.Do(req)
	if err != nil {
		return "", fmt.Errorf("getting an Aura access token: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		apiErr := readAPIError(res, http.MethodPost, req.URL.Path)
		if res.StatusCode == http.StatusUnauthorized {
			return "", fmt.Errorf("%w; check client_id and client_secret (or AURA_CLIENT_ID and AURA_CLIENT_SECRET): %w", ErrCredentials, apiErr)
		}
		return "", fmt.Errorf("getting an Aura access token: %w", apiErr)
	}
	var body struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
		TokenType   string `json:"token_type"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil || body.AccessToken == "" {
		return "", fmt.Errorf("the token endpoint %s answered something that is not a token", t.authURL)
	}
	if !strings.EqualFold(body.TokenType, "bearer") {
		return "", fmt.Errorf("the token endpoint answered token type %q, not Bearer", body.TokenType)
	}
	ttl := time.Duration(body.ExpiresIn) * time.Second
	t.token, t.expiry, t.early = body.AccessToken, t.now().Add(ttl), min(renewEarly, ttl/4)
	return t.token, nil
}
