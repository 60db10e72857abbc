// Package emulator is a self-contained emulator of the Aura management API (api/README.md parts A and C) with a
// control API for tests (part D). It runs in-process (acceptance tests) or as cmd/aura-emulator.
package emulator

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
)

// Config is the emulator's settings; the binary's flags map onto it one to one.
type Config struct {
	Listen       string        // host:port; port 0 picks a free one
	StateFile    string        // persist all state here; reload on start
	TLS          bool          // serve HTTPS with a generated self-signed certificate
	TLSCAOut     string        // where to write that certificate (PEM)
	RateLimit    int           // requests per minute over all API endpoints; 0 = off
	Latency      time.Duration // added to each API answer
	Transition   time.Duration // how long each transitional status lasts
	TokenTTL     time.Duration
	ClientID     string
	ClientSecret string
	NoExtensions bool // serve part A only: part C paths answer a bare 404
	// GraphRefresh is how long, in emulated time, a dataset's change takes to show in graph_nodes and
	// graph_relationships: Aura refreshes them periodically, minutes behind writes.
	GraphRefresh time.Duration
	// SmallCatalogue seeds two regions per cloud instead of every region Aura offers, for a short tenant listing.
	SmallCatalogue bool
	// OnRequest, when set, is told of every API request served (for benchmarks that time polls).
	OnRequest func(method, route string, status int, at time.Time)
	// RecordSecrets keeps every token and password issued, for tests that prove none leaks (IssuedSecrets).
	RecordSecrets bool
	// StorageDir holds uploaded objects (the console's signed storage); empty: beside StateFile, or a
	// temporary directory removed at Close.
	StorageDir string
	// UploadPartSize is the S3 part size initiate aims at (TotalParts = ceil(DumpSize / UploadPartSize)); 0: 32 MiB.
	UploadPartSize int64
}

// DefaultConfig is what the binary uses when no flag is given.
func DefaultConfig() Config {
	return Config{Listen: "127.0.0.1:8787", RateLimit: 125, Transition: 2 * time.Second, TokenTTL: time.Hour,
		GraphRefresh: 2 * time.Minute}
}

// Emulator serves the API. Its state is guarded by mu, held for the whole of each request's work on it.
type Emulator struct {
	cfg     Config
	mu      sync.Mutex
	st      *state
	tenant  string
	signKey []byte

	limiter *rateLimiter
	faults  *faultTable
	stats   *statistics

	mux       *http.ServeMux
	control   *http.ServeMux
	routeInfo map[string]route
	server    *http.Server
	ln        net.Listener
	baseURL   string
	caPEM     []byte
	saved     []byte   // the state file's content as last written
	issued    []string // tokens and passwords, with Config.RecordSecrets

	storageOnce sync.Once
	storageDir  string // uploaded objects (storagePath)
	tempStorage bool   // storageDir is ours to remove at Close
	objects     objectLocks
}

// New builds an emulator, loading cfg.StateFile when it exists. It does not listen yet.
func New(cfg Config) (*Emulator, error) {
	if cfg.Transition < 0 || cfg.Latency < 0 || cfg.RateLimit < 0 || cfg.GraphRefresh < 0 {
		return nil, errors.New("transition, latency, rate limit and graph refresh must not be negative")
	}
	if cfg.TokenTTL <= 0 {
		cfg.TokenTTL = time.Hour
	}
	if cfg.UploadPartSize < 0 {
		return nil, errors.New("upload part size must not be negative")
	}
	if cfg.ClientID == "" {
		cfg.ClientID = randomHex(16)
	}
	if cfg.ClientSecret == "" {
		cfg.ClientSecret = randomHex(32)
	}
	e := &Emulator{cfg: cfg, limiter: newRateLimiter(cfg.RateLimit), faults: &faultTable{}, stats: newStatistics()}
	if err := e.loadOrSeed(); err != nil {
		return nil, err
	}
	e.signKey = []byte(e.tenant + cfg.ClientSecret)
	e.routes()
	return e, nil
}

// Start listens on cfg.Listen and serves in the background.
func (e *Emulator) Start() error {
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", e.cfg.Listen)
	if err != nil {
		return err
	}
	scheme := "http"
	if e.cfg.TLS {
		tlsConf, pem, err := selfSignedTLS()
		if err != nil {
			ln.Close()
			return err
		}
		e.caPEM = pem
		if e.cfg.TLSCAOut != "" {
			if err := writeFileAtomic(e.cfg.TLSCAOut, pem); err != nil {
				ln.Close()
				return err
			}
		}
		ln = tlsListener(ln, tlsConf)
		scheme = "https"
	}
	e.ln = ln
	e.baseURL = fmt.Sprintf("%s://%s", scheme, ln.Addr().String())
	e.server = &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = e.server.Serve(ln) }()
	return nil
}

// Close stops serving at once.
func (e *Emulator) Close() error {
	defer e.removeTempStorage()
	if e.server == nil {
		return nil
	}
	return e.server.Close()
}

// Shutdown stops serving after in-flight requests end.
func (e *Emulator) Shutdown(ctx context.Context) error {
	defer e.removeTempStorage()
	if e.server == nil {
		return nil
	}
	return e.server.Shutdown(ctx)
}

func (e *Emulator) removeTempStorage() {
	e.storageOnce.Do(func() {}) // none made after Close
	if e.tempStorage {
		_ = os.RemoveAll(e.storageDir)
	}
}

// BaseURL is where the API is served, e.g. http://127.0.0.1:41234.
func (e *Emulator) BaseURL() string { return e.baseURL }

// AuthURL is the token endpoint.
func (e *Emulator) AuthURL() string { return e.baseURL + "/oauth/token" }

// ClientID and ClientSecret are the seeded credentials.
func (e *Emulator) ClientID() string     { return e.cfg.ClientID }
func (e *Emulator) ClientSecret() string { return e.cfg.ClientSecret }

// TenantID is the seeded tenant.
func (e *Emulator) TenantID() string { return e.tenant }

// CACertificate is the PEM of the self-signed certificate when serving TLS.
func (e *Emulator) CACertificate() []byte { return e.caPEM }

// ReadyLine is what the binary prints once listening.
func (e *Emulator) ReadyLine() map[string]string {
	return map[string]string{
		"base_url": e.BaseURL(), "auth_url": e.AuthURL(), "client_id": e.cfg.ClientID,
		"client_secret": e.cfg.ClientSecret, "tenant_id": e.tenant, "console_url": e.ConsoleURL(),
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

func newUUID() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return strings.Join([]string{h[0:8], h[8:12], h[12:16], h[16:20], h[20:32]}, "-")
}

// IssuedSecrets is every access token and instance password issued so far, plus the client secret; it is
// recorded only with Config.RecordSecrets.
func (e *Emulator) IssuedSecrets() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string{e.cfg.ClientSecret}, e.issued...)
}

func (e *Emulator) record(secret string) string {
	if e.cfg.RecordSecrets {
		e.issued = append(e.issued, secret)
	}
	return secret
}

// SetLatency changes the latency added to each API answer, for benchmarks that build state fast and then
// measure with latency.
func (e *Emulator) SetLatency(d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.cfg.Latency = d
}

// SetRateLimit changes the requests allowed in any 60 s (0: no limit) and starts a fresh window, for benchmarks
// that build state with the limit off and then measure with it on.
func (e *Emulator) SetRateLimit(perMinute int) {
	e.limiter.mu.Lock()
	defer e.limiter.mu.Unlock()
	e.limiter.limit, e.limiter.served = perMinute, nil
}

func (e *Emulator) latency() time.Duration {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.cfg.Latency
}
