package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aura-terraform/terraform-provider-aura/internal/aura"
	"github.com/aura-terraform/terraform-provider-aura/internal/emulator"
)

// otherEmulator starts an emulator besides the shared one, stopped when the test ends (after its parallel
// subtests), whose secrets the audit searches for too.
func otherEmulator(t *testing.T, set func(*emulator.Config)) *emulator.Emulator {
	t.Helper()
	cfg := emulator.DefaultConfig()
	cfg.Listen, cfg.RateLimit = "127.0.0.1:0", 0
	cfg.RecordSecrets = os.Getenv("AURA_AUDIT_SECRETS") != ""
	set(&cfg)
	e, err := emulator.New(cfg)
	if err == nil {
		err = e.Start()
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = e.Close()
		// Its client secret is written into the test's own configuration (providerBlock), which the testing
		// harness logs at TRACE; what the provider must never log are the tokens and passwords it is handed.
		keepSecrets(slices.DeleteFunc(e.IssuedSecrets(), func(s string) bool { return s == e.ClientSecret() }))
	})
	return e
}

// slowEmulator is an emulator of its own whose operations last transition, as they can last minutes on Aura:
// long enough for a destroy to meet an operation still running, or for a wait to time out. It comes with a
// client for setting the scene.
func slowEmulator(t *testing.T, transition time.Duration) (*emulator.Emulator, *aura.Client) {
	t.Helper()
	e := otherEmulator(t, func(c *emulator.Config) { c.Transition = transition })
	c, err := aura.New(aura.Config{BaseURL: e.BaseURL(), ClientID: e.ClientID(), ClientSecret: e.ClientSecret(),
		PollMin: 50 * time.Millisecond, PollMax: 200 * time.Millisecond, RequestsPerMinute: 100000})
	if err != nil {
		t.Fatal(err)
	}
	return e, c
}

// providerBlock points the provider at an emulator other than the shared one.
func providerBlock(e *emulator.Emulator) string {
	return fmt.Sprintf(`
provider "aura" {
  base_url      = %q
  client_id     = %q
  client_secret = %q
  tenant_id     = %q
  console_url   = %q
}
`, e.BaseURL(), e.ClientID(), e.ClientSecret(), e.TenantID(), e.ConsoleURL())
}

// putDataAt writes an instance's data through e's control API and returns its SHA-256.
func putDataAt(t *testing.T, e *emulator.Emulator, id string, v any) string {
	t.Helper()
	var out struct{ SHA256 string }
	slowControl(t, e, "PUT", "/_emulator/instances/"+id+"/data", v, &out)
	return out.SHA256
}

// dataAt is the SHA-256 of an instance's data, read through e's control API.
func dataAt(t *testing.T, e *emulator.Emulator, id string) string {
	t.Helper()
	var out struct{ SHA256 string }
	slowControl(t, e, "GET", "/_emulator/instances/"+id+"/data", nil, &out)
	return out.SHA256
}

// slowControl calls the control API of the slow emulator (control() serves the shared one).
func slowControl(t *testing.T, e *emulator.Emulator, method, path string, body, out any) {
	t.Helper()
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, e.BaseURL()+path, bytes.NewReader(raw))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode >= 300 {
		t.Fatalf("%s %s: %d", method, path, res.StatusCode)
	}
	if out != nil && json.NewDecoder(res.Body).Decode(out) != nil {
		t.Fatalf("%s %s: not JSON", method, path)
	}
}

// The secrets that emulators other than the shared one issued, for the secrets audit (scripts/test.sh).
var (
	otherSecretsMu sync.Mutex
	otherSecrets   []string
)

func keepSecrets(s []string) {
	otherSecretsMu.Lock()
	defer otherSecretsMu.Unlock()
	otherSecrets = append(otherSecrets, s...)
}

func otherEmulatorsSecrets() []string {
	otherSecretsMu.Lock()
	defer otherSecretsMu.Unlock()
	return otherSecrets
}

// takeSnapshot takes an on-demand snapshot of an instance through c and waits until it is Completed.
func takeSnapshot(t *testing.T, c *aura.Client, instanceID string) *aura.Snapshot {
	t.Helper()
	ctx := context.Background()
	id, err := c.CreateSnapshot(ctx, instanceID)
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.WaitForSnapshot(ctx, instanceID, id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// served is what an emulator's statistics say it served since their last reset, by method and route.
func served(t *testing.T, e *emulator.Emulator) []struct {
	Method, Route string
	Count         int
} {
	t.Helper()
	var st struct {
		Requests []struct {
			Method, Route string
			Count         int
		}
	}
	slowControl(t, e, "GET", "/_emulator/stats", nil, &st)
	return st.Requests
}
