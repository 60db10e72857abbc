// Package aura is a typed client of the Aura management API: authentication, retries, rate limiting,
// errors and waiters. It knows nothing of Terraform.
package aura

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
)

// DefaultBaseURL is the real Aura API.
const DefaultBaseURL = "https://api.neo4j.io"

// Config says how to reach the API. Zero values take the defaults noted.
type Config struct {
	BaseURL           string // DefaultBaseURL
	AuthURL           string // BaseURL + "/oauth/token"
	ClientID          string
	ClientSecret      string
	RequestsPerMinute int           // 120: the budget in any 60 s, under Aura's 125 per account
	MaxRetries        int           // 5
	MaxRetryAfter     time.Duration // 60 s: a longer Retry-After is clamped
	RetryWaitMin      time.Duration // 500 ms
	RetryWaitMax      time.Duration // 10 s
	PollMin           time.Duration // 6 s: the shortest wait between polls
	PollMax           time.Duration // 60 s: the longest wait between polls
	HTTPClient        *http.Client  // for a custom TLS trust; cleanhttp's pooled client otherwise
	Clock             Clock         // the real clock
	UserAgent         string
	// BudgetDir is where the processes on this machine that use one account share its budget
	// (DefaultBudgetDir). When it cannot be used, the budget holds for this process alone.
	BudgetDir string
	// Logger receives one line per request attempt (LogDebug), with secrets already masked, and one per wait
	// for the rate limit longer than 2 s (LogInfo), with its length and cause.
	Logger func(ctx context.Context, level LogLevel, msg string, fields map[string]any)
}

// maxIdleConns is how many connections to the API are kept for reuse: terraform's default parallelism of 10,
// and room for the provider's own concurrent reads.
const maxIdleConns = 16

// Client is safe for concurrent use; one is shared by all resources of a provider instance.
type Client struct {
	cfg     Config
	base    *url.URL
	http    *retryablehttp.Client
	plain   *http.Client // downloads from signed URLs: no token, no API retries
	tokens  *tokenSource
	limiter *windowLimiter
	clock   serverClock
	clk     Clock
}

// New checks the configuration and builds a client. It makes no request.
func New(cfg Config) (*Client, error) {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.AuthURL == "" {
		cfg.AuthURL = cfg.BaseURL + "/oauth/token"
	}
	for _, u := range []string{cfg.BaseURL, cfg.AuthURL} {
		if err := CheckURL(u); err != nil {
			return nil, err
		}
	}
	if cfg.ClientID == "" || cfg.ClientSecret == "" {
		return nil, errors.New("a client id and a client secret are required")
	}
	defaults := map[*time.Duration]time.Duration{
		&cfg.MaxRetryAfter: 60 * time.Second, &cfg.RetryWaitMin: 500 * time.Millisecond,
		&cfg.RetryWaitMax: 10 * time.Second, &cfg.PollMin: 6 * time.Second, &cfg.PollMax: 60 * time.Second,
	}
	for p, d := range defaults {
		if *p <= 0 {
			*p = d
		}
	}
	if cfg.RequestsPerMinute <= 0 {
		cfg.RequestsPerMinute = 120
	}
	if cfg.MaxRetries < 0 {
		cfg.MaxRetries = 0
	} else if cfg.MaxRetries == 0 {
		cfg.MaxRetries = 5
	}
	base, _ := url.Parse(cfg.BaseURL)
	hc := cfg.HTTPClient
	if hc == nil {
		hc = cleanhttp.DefaultPooledClient()
		// cleanhttp keeps GOMAXPROCS+1 idle connections a host: with terraform's 10 requests at once, most
		// connections would be closed after each answer and set up again (a TLS handshake each) for the next.
		hc.Transport.(*http.Transport).MaxIdleConnsPerHost = maxIdleConns
	}
	if cfg.Clock == nil {
		cfg.Clock = realClock{}
	}
	if cfg.BudgetDir == "" {
		cfg.BudgetDir = DefaultBudgetDir()
	}
	// A budget above Aura's own limit paces nothing an account shares (an emulator with its limit off, say): the
	// count stays in this process, and no file is locked, read and written for each request.
	var shared *sharedWindow
	if cfg.RequestsPerMinute <= auraLimit {
		var err error
		if shared, err = openSharedWindow(cfg.BudgetDir, cfg.BaseURL, cfg.ClientID); err != nil {
			shared = nil // the budget holds for this process alone
		}
	}
	c := &Client{cfg: cfg, clk: cfg.Clock, base: base, limiter: newWindowLimiter(cfg.Clock, cfg.RequestsPerMinute, shared)}
	c.limiter.log = c.log
	limited := *hc
	limited.Transport = &limitedTransport{base: transportOf(hc), limiter: c.limiter, maxWait: cfg.MaxRetryAfter}
	c.plain = hc

	rc := retryablehttp.NewClient()
	rc.HTTPClient = &limited
	rc.Logger = nil // its default logger writes to stderr; requests are logged through cfg.Logger
	rc.RetryMax = cfg.MaxRetries
	rc.RetryWaitMin, rc.RetryWaitMax = cfg.RetryWaitMin, cfg.RetryWaitMax
	rc.CheckRetry = checkRetry
	rc.Backoff = c.backoff
	rc.ErrorHandler = retryablehttp.PassthroughErrorHandler
	rc.RequestLogHook = c.logRequest
	rc.ResponseLogHook = c.logResponse
	c.http = rc
	c.tokens = &tokenSource{http: rc, authURL: cfg.AuthURL, id: cfg.ClientID, secret: cfg.ClientSecret, now: time.Now}
	return c, nil
}

// CheckURL refuses plain http except to a loopback host.
func CheckURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("%q is not an http(s) URL", raw)
	}
	if u.Scheme == "http" {
		host := u.Hostname()
		ip := net.ParseIP(host)
		if host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return fmt.Errorf("%q uses plain http, which is only allowed for a loopback host (such as aura-emulator); use https", raw)
		}
	}
	return nil
}

func transportOf(hc *http.Client) http.RoundTripper {
	if hc.Transport != nil {
		return hc.Transport
	}
	return http.DefaultTransport
}

// idempotent requests may be sent again after a 5xx or a transport error. POST is retried only on 429,
// which Aura answers before doing anything; the token endpoint has no side effect.
func idempotent(r *http.Request) bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodPatch, http.MethodDelete:
		return true
	}
	return strings.HasSuffix(r.URL.Path, "/oauth/token")
}

func checkRetry(ctx context.Context, res *http.Response, err error) (bool, error) {
	if _, ok := errors.AsType[*notSentError](err); ok {
		return false, err // and not ctx's error: send must know that the request never left
	}
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	if err != nil {
		var req *http.Request
		if res != nil {
			req = res.Request
		}
		// retryablehttp hands no request with a transport error; the caller marks non-idempotent ones.
		if req == nil {
			return transportRetryable(ctx), nil
		}
		return idempotent(req), nil
	}
	switch {
	case res.StatusCode == http.StatusTooManyRequests:
		return true, nil
	case res.StatusCode >= 500 && res.StatusCode != http.StatusNotImplemented:
		return idempotent(res.Request), nil
	}
	return false, nil
}

type noRetryKey struct{}

// transportRetryable reads the mark that do() leaves on the context of non-idempotent requests.
func transportRetryable(ctx context.Context) bool {
	return ctx.Value(noRetryKey{}) == nil
}

// backoff honours Retry-After on 503, clamped; otherwise exponential with full jitter. A 429's Retry-After is
// the limiter's pause, which holds the retry with every other request of the account (limitedTransport).
func (c *Client) backoff(minWait, maxWait time.Duration, attempt int, res *http.Response) time.Duration {
	if res != nil && res.StatusCode == http.StatusTooManyRequests {
		return 0
	}
	if res != nil && res.StatusCode == http.StatusServiceUnavailable {
		if wait := retryAfter(res, -1); wait >= 0 {
			wait = min(wait, c.cfg.MaxRetryAfter)
			c.noteServerWait(res.Request.Context(), wait)
			return wait
		}
	}
	ceiling := min(maxWait, minWait<<min(attempt, 16))
	return minWait/2 + rand.N(ceiling-minWait/2+1)
}

func (c *Client) log(ctx context.Context, level LogLevel, msg string, fields map[string]any) {
	if c.cfg.Logger != nil {
		c.cfg.Logger(ctx, level, msg, fields)
	}
}

func (c *Client) logRequest(_ retryablehttp.Logger, r *http.Request, attempt int) {
	c.log(r.Context(), LogDebug, "Aura API request", map[string]any{
		"method": r.Method, "url": r.URL.Redacted(), "attempt": attempt + 1, "authorization": maskHeader(r.Header.Get("Authorization")),
	})
}

func (c *Client) logResponse(_ retryablehttp.Logger, res *http.Response) {
	c.clock.observe(res.Header.Get("Date"))
	c.log(res.Request.Context(), LogDebug, "Aura API response", map[string]any{
		"method": res.Request.Method, "url": res.Request.URL.Redacted(), "status": res.StatusCode,
		"request_id": res.Header.Get("X-Request-Id"), "retry_after": res.Header.Get("Retry-After"),
	})
}

func maskHeader(v string) string {
	if v == "" {
		return ""
	}
	scheme, _, _ := strings.Cut(v, " ")
	return scheme + " ***"
}

// do sends one API call: a token, the shared limiter and the retry policy; a 403 renews the token once and
// replays the call. A 2xx answer's data goes into out.
func (c *Client) do(ctx context.Context, method, path string, query url.Values, body, out any) error {
	var raw []byte
	if body != nil {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			return err
		}
	}
	res, err := c.send(ctx, method, path, query, func() (io.Reader, string) {
		if raw == nil {
			return nil, ""
		}
		return bytes.NewReader(raw), "application/json"
	}, nil)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if out == nil {
		_, _ = io.Copy(io.Discard, res.Body)
		return nil
	}
	envelope := struct {
		Data any `json:"data"`
	}{Data: out}
	if err := json.NewDecoder(res.Body).Decode(&envelope); err != nil {
		return fmt.Errorf("%s %s: the answer is not the JSON the API documents: %w", method, path, err)
	}
	return nil
}

// send returns a 2xx response (the caller closes its body) or an error.
func (c *Client) send(ctx context.Context, method, path string, query url.Values, body func() (io.Reader, string), headers http.Header) (*http.Response, error) {
	u := c.base.JoinPath(path)
	u.RawQuery = query.Encode()
	if !idempotent(&http.Request{Method: method, URL: u}) {
		ctx = context.WithValue(ctx, noRetryKey{}, true)
	}
	renewed := false
	for {
		token, err := c.tokens.get(ctx)
		if err != nil {
			return nil, err
		}
		rd, contentType := body()
		req, err := retryablehttp.NewRequestWithContext(ctx, method, u.String(), rd)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Accept", "application/json")
		if c.cfg.UserAgent != "" {
			req.Header.Set("User-Agent", c.cfg.UserAgent)
		}
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		for k, v := range headers {
			req.Header[k] = v
		}
		res, err := c.http.Do(req)
		if err != nil {
			if _, ok := errors.AsType[*notSentError](err); ok {
				return nil, fmt.Errorf("%s %s: %w", method, path, err)
			}
			if !idempotent(req.Request) { // sent, maybe taken: also when our own deadline cut the answer off
				return nil, &UnclearError{Method: method, Path: path, Err: err}
			}
			if ctx.Err() != nil {
				return nil, fmt.Errorf("%s %s: %w", method, path, ctx.Err())
			}
			return nil, fmt.Errorf("%s %s: %w", method, path, err)
		}
		if res.StatusCode == http.StatusForbidden && !renewed {
			// Aura answers 403 to an expired token: renew once and replay (the request was refused, so a replay
			// is safe). A second 403 is a real refusal.
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			c.tokens.invalidate(token)
			renewed = true
			continue
		}
		if res.StatusCode >= 200 && res.StatusCode < 300 {
			return res, nil
		}
		defer res.Body.Close()
		apiErr := readAPIError(res, method, path)
		if res.StatusCode >= 500 && !idempotent(req.Request) {
			return nil, &UnclearError{Method: method, Path: path, Err: apiErr}
		}
		if res.StatusCode == http.StatusNotFound && apiErr.Reason == "" {
			return nil, fmt.Errorf("%s %s: %w", method, path, ErrNotSupported)
		}
		return nil, apiErr
	}
}

func readAPIError(res *http.Response, method, path string) *APIError {
	raw, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	e := &APIError{Status: res.StatusCode, RequestID: res.Header.Get("X-Request-Id"), Method: method, Path: path}
	var body struct {
		Errors []struct {
			Message string `json:"message"`
			Reason  string `json:"reason"`
			Field   string `json:"field"`
		} `json:"errors"`
	}
	if json.Unmarshal(raw, &body) == nil && len(body.Errors) > 0 {
		e.Message, e.Reason, e.Field = body.Errors[0].Message, body.Errors[0].Reason, body.Errors[0].Field
		for _, extra := range body.Errors[1:] {
			e.Message += "; " + extra.Message
		}
	} else if len(raw) > 0 && len(raw) < 300 && !bytes.ContainsAny(raw, "{<") {
		e.Message = strings.TrimSpace(string(raw))
	} else {
		e.Message = http.StatusText(res.StatusCode)
	}
	return e
}
