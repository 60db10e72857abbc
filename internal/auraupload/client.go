package auraupload

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/hashicorp/go-cleanhttp"

	"github.com/aura-terraform/terraform-provider-aura/internal/aura"
)

// Clock is the time the client waits by (backoffs, status polls, looks): the API client's, so one fake clock
// (internal/fakeclock) serves the tests of both.
type Clock = aura.Clock

// Logger receives the upload's progress (bytes sent, rate, every 10 %) and the loading status as it changes.
// Nothing passed to it holds the password, the token or a signed URL's signature.
type Logger interface {
	Info(ctx context.Context, msg string, fields map[string]any)
}

// Config configures a Client; the zero value is usable.
type Config struct {
	HTTPClient *http.Client // default: a pooled client without a timeout (the caller's context bounds each call)
	Clock      Clock        // default: real time
	Logger     Logger       // default: none
	UserAgent  string
	// Neo4jVersion is sent as Neo4j-Version on initiate and upload-complete, where the reference client sends its
	// own version; Aura answers 404 or 301 to one it no longer accepts. Default defaultNeo4jVersion.
	Neo4jVersion string
}

// defaultNeo4jVersion is the oldest neo4j-admin Aura documents as able to upload (the reference's 1.8).
const defaultNeo4jVersion = "5.26.0"

// Protocol constants from the reference (1.4 to 1.6).
const (
	maxRetries      = 50               // console calls and GCS resume attempts
	partAttempts    = 5                // attempts per S3 part
	backoffCap      = 64 * time.Second // truncated exponential backoff
	pollInterval    = 2 * time.Second  // the status poll
	loadStartLimit  = 90 * time.Second // loading must start within this
	completeAttempt = 4                // sends of upload-complete, each after a look showed it was not taken
)

// Client speaks the upload protocol.
type Client struct {
	cfg  Config
	http *http.Client
	clk  Clock
}

func New(cfg Config) *Client {
	c := &Client{cfg: cfg, http: cfg.HTTPClient, clk: cfg.Clock}
	if c.http == nil {
		c.http = cleanhttp.DefaultPooledClient()
	}
	// A 301 is Aura's word that this client is no longer accepted (the reference's 1.8): it is an answer, never
	// followed (Go would follow it as a GET, and a signed URL's redirect is not ours to follow either).
	hc := *c.http
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c.http = &hc
	if c.clk == nil {
		c.clk = aura.SystemClock
	}
	if c.cfg.Neo4jVersion == "" {
		c.cfg.Neo4jVersion = defaultNeo4jVersion
	}
	return c
}

func (c *Client) info(ctx context.Context, msg string, fields map[string]any) {
	if c.cfg.Logger != nil {
		c.cfg.Logger.Info(ctx, msg, fields)
	}
}

// backoff is the reference's truncated exponential backoff: 2^n s plus up to 999 ms, at most 64 s.
func backoff(n int) time.Duration {
	d := time.Duration(1<<min(n, 6))*time.Second + time.Duration(rand.IntN(1000))*time.Millisecond
	return min(d, backoffCap)
}

// answer is one HTTP answer, its body read.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// consoleCall is one request to a console route.
type consoleCall struct {
	step, method, url string
	header            http.Header
	body              any
	// retryOn says which statuses are sent again (after the backoff); nil sends once. Transport errors are sent
	// again when it is set, as a status the call would retry.
	retryOn func(status int) bool
}

func unavailable(status int) bool {
	return status == http.StatusBadGateway || status == http.StatusServiceUnavailable || status == http.StatusGatewayTimeout
}

func unavailableOr500(status int) bool {
	return status == http.StatusInternalServerError || unavailable(status)
}

// call sends a console request, retried as the reference does, within ctx. A transport error after the last
// attempt is an *Error with Status 0.
func (c *Client) call(ctx context.Context, k consoleCall) (*answer, error) {
	var payload []byte
	if k.body != nil {
		var err error
		if payload, err = json.Marshal(k.body); err != nil {
			return nil, err
		}
	}
	for attempt := 0; ; attempt++ {
		a, err := c.once(ctx, k, payload)
		retry := k.retryOn != nil && attempt < maxRetries && ctx.Err() == nil &&
			((err != nil && !unknownHost(err)) || (err == nil && k.retryOn(a.status)))
		if !retry {
			if err != nil {
				return nil, &Error{Step: k.step, Err: err}
			}
			return a, nil
		}
		why := any(err)
		if err == nil {
			why = a.status
		}
		c.info(ctx, "Console request failed; retrying", map[string]any{"step": k.step, "attempt": attempt + 1, "error": fmt.Sprint(why)})
		if serr := c.clk.Sleep(ctx, backoff(attempt)); serr != nil {
			if err != nil {
				return nil, &Error{Step: k.step, Err: err}
			}
			return a, nil
		}
	}
}

func (c *Client) once(ctx context.Context, k consoleCall, payload []byte) (*answer, error) {
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, k.method, k.url, body)
	if err != nil {
		return nil, err
	}
	for name, v := range k.header {
		req.Header[name] = v
	}
	req.Header.Set("Accept", "application/json")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.cfg.UserAgent != "" {
		req.Header.Set("User-Agent", c.cfg.UserAgent)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return nil, scrubURLError(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	return &answer{status: res.StatusCode, header: res.Header, body: b}, nil
}

// unknownHost is a transport error no retry mends: the host name does not resolve.
func unknownHost(err error) bool {
	var dns *net.DNSError
	return errors.As(err, &dns) && dns.IsNotFound
}

// scrubURLError drops the query of the URL a transport error names: a signed URL's query is its signature.
func scrubURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil {
			u.RawQuery = ""
			return &url.Error{Op: ue.Op, URL: u.String(), Err: ue.Err}
		}
	}
	return err
}

// failure is the *Error for an answer a step does not accept, with Aura's error body when there is one.
func failure(step string, a *answer, kind Kind) *Error {
	e := &Error{Step: step, Status: a.status, Kind: kind}
	var body errorBody
	if json.Unmarshal(a.body, &body) == nil {
		e.Message, e.Reason, e.URL = body.Message, body.Reason, body.URL
	}
	return e
}

// tooOld maps 404 and 301, Aura's way of saying this client is no longer accepted (the reference's 1.8).
func tooOld(status int) bool {
	return status == http.StatusNotFound || status == http.StatusMovedPermanently
}

func (c *Client) route(t Target, version, suffix string) string {
	return t.BaseURL + "/" + version + "/databases/" + url.PathEscape(t.DBID) + "/import" + suffix
}

// authenticate trades the database user and password for a token, consenting to the overwrite.
func (c *Client) authenticate(ctx context.Context, t Target, user, password string) (string, error) {
	basic := base64.StdEncoding.EncodeToString([]byte(user + ":" + password))
	// The newest reference client sends auth once; its predecessor retried 502/503/504, which is harmless for a
	// call that changes nothing, so it is retried here.
	a, err := c.call(ctx, consoleCall{step: "auth", method: http.MethodPost, url: c.route(t, "v1", "/auth"),
		header: http.Header{"Authorization": {"Basic " + basic}, "Confirmed": {"true"}}, retryOn: unavailable})
	if err != nil {
		return "", err
	}
	switch a.status {
	case http.StatusOK:
		var out struct {
			Token string `json:"Token"`
		}
		if err := json.Unmarshal(a.body, &out); err != nil || out.Token == "" {
			return "", &Error{Step: "auth", Status: a.status, Message: "the answer carries no token"}
		}
		return out.Token, nil
	case http.StatusUnauthorized:
		return "", failure("auth", a, KindBadCredentials)
	case http.StatusForbidden:
		return "", failure("auth", a, KindNotAdmin)
	case http.StatusConflict:
		return "", failure("auth", a, KindNoConsent)
	}
	if tooOld(a.status) {
		return "", failure("auth", a, KindClientTooOld)
	}
	return "", failure("auth", a, KindUnexpected)
}

func bearer(token string) http.Header { return http.Header{"Authorization": {"Bearer " + token}} }

// afterAuth maps the answers every step after auth shares.
func afterAuth(step string, a *answer) *Error {
	switch {
	case a.status == http.StatusUnauthorized:
		return failure(step, a, KindTokenExpired)
	case tooOld(a.status):
		return failure(step, a, KindClientTooOld)
	case a.status == http.StatusConflict:
		return failure(step, a, KindNoConsent)
	case a.status == http.StatusUnprocessableEntity:
		e := failure(step, a, KindRejected)
		if e.Reason == "ImportExceedsMaxSize" {
			e.Kind = KindTooLarge
		}
		return e
	}
	return failure(step, a, KindUnexpected)
}

// checkSize asks whether the uncompressed store fits the instance.
func (c *Client) checkSize(ctx context.Context, t Target, token string, fullSize int64) error {
	a, err := c.call(ctx, consoleCall{step: "size", method: http.MethodPost, url: c.route(t, "v1", "/size"),
		header: bearer(token), body: map[string]int64{"FullSize": fullSize}, retryOn: unavailable})
	if err != nil {
		return err
	}
	if a.status == http.StatusOK {
		return nil
	}
	return afterAuth("size", a)
}

// signedUpload is initiate's answer: where and how to send the file.
type signedUpload struct {
	SignedURI   string   `json:"SignedURI"`
	SignedLinks []string `json:"SignedLinks"`
	UploadID    string   `json:"UploadID"`
	TotalParts  int      `json:"TotalParts"`
	Provider    string   `json:"Provider"`
}

func (c *Client) initiate(ctx context.Context, t Target, token string, f *File) (*signedUpload, error) {
	h := bearer(token)
	h.Set("Neo4j-Version", c.cfg.Neo4jVersion)
	a, err := c.call(ctx, consoleCall{step: "initiate", method: http.MethodPost, url: c.route(t, "v2", ""), header: h,
		body: map[string]any{"Crc32": f.CRC32, "DumpSize": f.Size, "FullSize": f.FullSize}, retryOn: unavailable})
	if err != nil {
		return nil, err
	}
	if a.status != http.StatusAccepted {
		return nil, afterAuth("initiate", a)
	}
	var out signedUpload
	if err := json.Unmarshal(a.body, &out); err != nil {
		return nil, &Error{Step: "initiate", Status: a.status, Message: "the answer is not a signed upload description", Err: err}
	}
	return &out, nil
}

type part struct {
	PartNumber int    `json:"PartNumber"`
	ETag       string `json:"ETag"`
}

type partsStatus struct {
	Parts    []part `json:"Parts"`
	UploadID string `json:"UploadID"`
	Provider string `json:"Provider"`
}

// multipartStatus asks which S3 parts Aura sees, with their ETags, for upload-complete. It changes nothing, so,
// unlike the reference client, it is retried on 502/503/504.
func (c *Client) multipartStatus(ctx context.Context, t Target, token string, crc uint32, uploadID string) (*partsStatus, error) {
	a, err := c.call(ctx, consoleCall{step: "multipart-upload-status", method: http.MethodPost, url: c.route(t, "v1", "/multipart-upload-status"),
		header: bearer(token), body: map[string]any{"Crc32": crc, "UploadID": uploadID}, retryOn: unavailable})
	if err != nil {
		return nil, err
	}
	if a.status < 200 || a.status > 299 {
		return nil, afterAuth("multipart-upload-status", a)
	}
	var out partsStatus
	if err := json.Unmarshal(a.body, &out); err != nil {
		return nil, &Error{Step: "multipart-upload-status", Status: a.status, Message: "the answer lists no parts", Err: err}
	}
	return &out, nil
}

// importStatus is the status route's answer.
type importStatus struct {
	Status string     `json:"Status"`
	Error  *errorBody `json:"Error"`
}

func (c *Client) status(ctx context.Context, t Target, token string) (*importStatus, error) {
	a, err := c.call(ctx, consoleCall{step: "status", method: http.MethodGet, url: c.route(t, "v1", "/status"),
		header: bearer(token), retryOn: unavailableOr500})
	if err != nil {
		return nil, err
	}
	if a.status != http.StatusOK {
		return nil, afterAuth("status", a)
	}
	var out importStatus
	if err := json.Unmarshal(a.body, &out); err != nil {
		return nil, &Error{Step: "status", Status: a.status, Message: "the answer carries no status", Err: err}
	}
	return &out, nil
}
