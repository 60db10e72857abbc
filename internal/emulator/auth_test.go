package emulator

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestToken_grantAndCredentials(t *testing.T) {
	h := start(t)
	post := func(form, user, pass string) int {
		req, _ := http.NewRequest("POST", h.e.AuthURL(), strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if user != "" {
			req.SetBasicAuth(user, pass)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	cases := []struct {
		name, form, user, pass string
		want                   int
	}{
		{"valid", "grant_type=client_credentials", h.e.ClientID(), h.e.ClientSecret(), 200},
		{"wrong grant", "grant_type=password", h.e.ClientID(), h.e.ClientSecret(), 400},
		{"no grant", "", h.e.ClientID(), h.e.ClientSecret(), 400},
		{"wrong secret", "grant_type=client_credentials", h.e.ClientID(), "nope", 401},
		{"no credentials", "grant_type=client_credentials", "", "", 401},
	}
	for _, c := range cases {
		if got := post(c.form, c.user, c.pass); got != c.want {
			t.Errorf("%s: status %d, want %d", c.name, got, c.want)
		}
	}
}

func TestToken_badIs401AndExpiredIs403(t *testing.T) {
	h := start(t, func(c *Config) { c.TokenTTL = 200 * time.Millisecond })
	h.must(200, h.do("GET", "/v1/tenants", nil))
	if r := h.doWith("GET", "/v1/tenants", nil, nil); r.Status != 401 || r.reason() != "unauthorized" {
		t.Errorf("no token: %d %s", r.Status, r.Raw)
	}
	if r := h.doWith("GET", "/v1/tenants", nil, map[string]string{"Authorization": "Bearer forged"}); r.Status != 401 {
		t.Errorf("forged token: %d", r.Status)
	}
	time.Sleep(250 * time.Millisecond)
	if r := h.do("GET", "/v1/tenants", nil); r.Status != 403 || r.reason() != "token-expired" {
		t.Errorf("expired token: %d %s", r.Status, r.Raw)
	}
}

func TestToken_answerShape(t *testing.T) {
	h := start(t, func(c *Config) { c.TokenTTL = 90 * time.Second })
	req, _ := http.NewRequest("POST", h.e.AuthURL(), strings.NewReader("grant_type=client_credentials"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(h.e.ClientID(), h.e.ClientSecret())
	r := h.doWith("POST", h.e.AuthURL(), "grant_type=client_credentials", map[string]string{
		"Content-Type": "application/x-www-form-urlencoded", "Authorization": req.Header.Get("Authorization")})
	if r.Body["token_type"] != "Bearer" || r.Body["expires_in"] != float64(90) || r.Body["access_token"] == "" {
		t.Errorf("token answer %s", r.Raw)
	}
}
