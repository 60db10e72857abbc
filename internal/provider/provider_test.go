package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/aura-terraform/terraform-provider-aura/internal/aura"
	"github.com/aura-terraform/terraform-provider-aura/internal/emulator"
)

var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"aura": func() (tfprotov6.ProviderServer, error) { return NewServer("test")(), nil },
}

// testEmulator is the in-process emulator the acceptance tests run against, unless real credentials are
// given (AURA_CLIENT_ID and AURA_CLIENT_SECRET without AURA_BASE_URL pointing at an emulator): then it is nil
// and tests that need the emulator's control API skip.
var testEmulator *emulator.Emulator

func TestMain(m *testing.M) {
	if os.Getenv("TF_ACC") != "" && os.Getenv("AURA_CLIENT_ID") == "" {
		cfg := emulator.DefaultConfig()
		cfg.Listen, cfg.RateLimit, cfg.Transition = "127.0.0.1:0", 0, 300*time.Millisecond
		cfg.RecordSecrets = os.Getenv("AURA_AUDIT_SECRETS") != ""
		e, err := emulator.New(cfg)
		if err == nil {
			err = e.Start()
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "starting the emulator:", err)
			os.Exit(1)
		}
		testEmulator = e
		for k, v := range map[string]string{
			"AURA_BASE_URL": e.BaseURL(), "AURA_CLIENT_ID": e.ClientID(), "AURA_CLIENT_SECRET": e.ClientSecret(),
			"AURA_TENANT_ID": e.TenantID(), "AURA_POLL_INTERVAL": "50ms", "AURA_REQUESTS_PER_MINUTE": "100000",
			"AURA_CONSOLE_URL": e.ConsoleURL(),
		} {
			_ = os.Setenv(k, v)
		}
	}
	if v := os.Getenv("TF_CLI_CONFIG_FILE"); v != "" {
		if _, err := os.Stat(v); err != nil {
			_ = os.Unsetenv("TF_CLI_CONFIG_FILE")
		}
	}
	code := m.Run()
	if testEmulator != nil {
		if path := os.Getenv("AURA_AUDIT_SECRETS"); path != "" {
			// scripts/secrets-audit.sh searches the captured logs and output for every one of these.
			if err := os.WriteFile(path, []byte(strings.Join(append(testEmulator.IssuedSecrets(), otherEmulatorsSecrets()...), "\n")+"\n"), 0o600); err != nil {
				fmt.Fprintln(os.Stderr, err)
				code = 1
			}
		}
		testEmulator.Close()
	}
	os.Exit(code)
}

// testAccClient is a client with the same settings as the provider, for checks and out-of-band changes.
func testAccClient(t *testing.T) *aura.Client {
	t.Helper()
	c, err := aura.New(aura.Config{
		BaseURL: os.Getenv("AURA_BASE_URL"), ClientID: os.Getenv("AURA_CLIENT_ID"), ClientSecret: os.Getenv("AURA_CLIENT_SECRET"),
		PollMin: 50 * time.Millisecond, PollMax: 200 * time.Millisecond, RequestsPerMinute: 100000,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func testAccPreCheck(t *testing.T) {
	t.Helper()
	for _, k := range []string{"AURA_CLIENT_ID", "AURA_CLIENT_SECRET", "AURA_TENANT_ID"} {
		if os.Getenv(k) == "" {
			t.Fatalf("%s must be set for acceptance tests (or leave AURA_CLIENT_ID unset to use the in-process emulator)", k)
		}
	}
}

// needsEmulator skips a test that uses the emulator's control API when running against the real Aura API.
func needsEmulator(t *testing.T) {
	t.Helper()
	if testEmulator == nil {
		t.Skip("needs aura-emulator's control API; running against the real Aura API")
	}
}

// control calls the emulator's control API and decodes its JSON answer into out (when not nil).
func control(t *testing.T, method, path string, body, out any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	req, _ := http.NewRequestWithContext(context.Background(), method, testEmulator.BaseURL()+path, rd)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 300 {
		t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatal(err)
		}
	}
}

func putData(t *testing.T, instanceID string, v any) string {
	t.Helper()
	var out struct{ SHA256 string }
	control(t, "PUT", "/_emulator/instances/"+instanceID+"/data", v, &out)
	return out.SHA256
}

func dataSHA(t *testing.T, instanceID string) string {
	t.Helper()
	var out struct{ SHA256 string }
	control(t, "GET", "/_emulator/instances/"+instanceID+"/data", nil, &out)
	return out.SHA256
}

// mutatingRequests counts the API requests other than GET since the last stats reset.
func mutatingRequests(t *testing.T) int {
	t.Helper()
	var st struct {
		Requests []struct {
			Method string
			Route  string
			Count  int
		}
	}
	control(t, "GET", "/_emulator/stats", nil, &st)
	n := 0
	for _, r := range st.Requests {
		if r.Method != "GET" && r.Route != "/oauth/token" {
			n += r.Count
		}
	}
	return n
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// differentialSnapshot advances the emulator's clock past the next whole hour that is not midnight, where a
// business-critical instance takes a differential snapshot, and returns that snapshot's id.
func differentialSnapshot(t *testing.T, instanceID string) string {
	t.Helper()
	for i := 0; i < 3; i++ {
		testEmulator.AdvanceClock(time.Hour)
		list, err := testAccClient(t).ListSnapshots(context.Background(), instanceID, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range list {
			if s.Profile == "Scheduled" && !s.Exportable {
				return s.SnapshotID
			}
		}
	}
	t.Fatal("no differential snapshot appeared")
	return ""
}

// createInstanceForTest makes a running instance outside Terraform and deletes it when the test ends.
func createInstanceForTest(t *testing.T, name, typ string) string {
	t.Helper()
	return createInstanceFrom(t, aura.CreateInstanceRequest{Name: name, Type: typ, Version: "5", Region: "europe-west1", CloudProvider: "gcp", Memory: "2GB"})
}

// createInstanceFrom creates the instance req describes in the test tenant, deleted after the test.
func createInstanceFrom(t *testing.T, req aura.CreateInstanceRequest) string {
	t.Helper()
	c := testAccClient(t)
	ctx := context.Background()
	req.TenantID = os.Getenv("AURA_TENANT_ID")
	created, err := c.CreateInstance(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.DeleteInstance(ctx, created.ID) })
	instancePasswords.Store(created.ID, created.Password)
	if _, err := c.WaitForInstance(ctx, created.ID, "running"); err != nil {
		t.Fatal(err)
	}
	return created.ID
}

// instancePasswords are the passwords of the instances createInstanceFrom made, by id, for uploads into them.
var instancePasswords sync.Map

// instancePassword is the password createInstanceFrom got for instance id.
func instancePassword(t *testing.T, id string) string {
	t.Helper()
	pw, ok := instancePasswords.Load(id)
	if !ok {
		t.Fatalf("no password recorded for instance %s", id)
	}
	return pw.(string)
}

// wrapped matches each phrase literally, in order, wherever Terraform wrapped the lines of a diagnostic.
func wrapped(phrases ...string) *regexp.Regexp {
	parts := make([]string, len(phrases))
	for i, p := range phrases {
		words := strings.Fields(p)
		for j, w := range words {
			words[j] = regexp.QuoteMeta(w)
		}
		parts[i] = strings.Join(words, `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, `.*`))
}

// testAccProviderConfig is a provider block with the given settings (credentials and URL from the environment)
// and a data source that makes the provider configure and call the API.
func testAccProviderConfig(settings string) string {
	return fmt.Sprintf(`
provider "aura" {
  %s
}

data "aura_tenants" "all" {}
`, settings)
}

// Every setting with an environment variable is validated wherever it comes from, and the message names the
// setting and what it allows, before any request.
func TestAccProvider_settingsRejectInvalidValues(t *testing.T) {
	cases := []struct {
		name, settings, env, value string
		want                       []string
	}{
		{"poll_interval not a duration", `poll_interval = "soon"`, "", "", []string{`poll_interval must be a duration from 1ms to 10m, such as "6s"`, `got "soon"`}},
		{"poll_interval zero", `poll_interval = "0s"`, "", "", []string{"poll_interval must be a duration from 1ms to 10m"}},
		{"poll_interval too long", `poll_interval = "1h"`, "", "", []string{"poll_interval must be a duration from 1ms to 10m"}},
		{"max_retry_after_seconds zero", `max_retry_after_seconds = 0`, "", "", []string{"max_retry_after_seconds", "between 1 and 3600"}},
		{"AURA_MAX_RETRIES", "", "AURA_MAX_RETRIES", "many", []string{"AURA_MAX_RETRIES environment variable (the fallback for max_retries) must be an integer from 0 to 20", `got "many"`}},
		{"AURA_MAX_RETRIES too many", "", "AURA_MAX_RETRIES", "21", []string{"AURA_MAX_RETRIES", "an integer from 0 to 20"}},
		{"AURA_MAX_RETRY_AFTER_SECONDS", "", "AURA_MAX_RETRY_AFTER_SECONDS", "0", []string{"AURA_MAX_RETRY_AFTER_SECONDS environment variable (the fallback for max_retry_after_seconds) must be an integer from 1 to 3600"}},
		{"AURA_POLL_INTERVAL", "", "AURA_POLL_INTERVAL", "6", []string{"AURA_POLL_INTERVAL environment variable (the fallback for poll_interval) must be a duration from 1ms to 10m", `got "6"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.env != "" {
				t.Setenv(c.env, c.value)
			}
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: testAccProviderConfig(c.settings), PlanOnly: true, ExpectError: wrapped(c.want...)}},
			})
		})
	}
}

// injectFault makes the emulator answer the next matching API requests as spec says, until the test ends.
func injectFault(t *testing.T, spec map[string]any) {
	t.Helper()
	control(t, "POST", "/_emulator/faults", spec, nil)
	t.Cleanup(func() { control(t, "DELETE", "/_emulator/faults", nil, nil) })
}

// AURA_MAX_RETRIES=0 turns retries off, and max_retries in the provider block wins over it.
func TestAccProvider_maxRetries(t *testing.T) {
	needsEmulator(t)
	t.Setenv("AURA_MAX_RETRIES", "0")
	unavailableOnce := func() {
		injectFault(t, map[string]any{"method": "GET", "path": "^/v1/tenants$", "status": 503, "count": 1})
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{PreConfig: unavailableOnce, Config: testAccProviderConfig(""), ExpectError: wrapped("Listing Aura tenants failed")},
			{
				PreConfig: unavailableOnce,
				Config:    testAccProviderConfig("max_retries = 1"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.aura_tenants.all", tfjsonpath.New("tenants"), knownvalue.ListSizeExact(1)),
				},
			},
		},
	})
}

// A Retry-After longer than max_retry_after_seconds is cut to it, whether the setting comes from
// AURA_MAX_RETRY_AFTER_SECONDS or (winning over it) from the provider block.
func TestAccProvider_maxRetryAfterSeconds(t *testing.T) {
	needsEmulator(t)
	const retryAfter = 60 * time.Second // also the default ceiling: unclamped, the step would take a minute
	var began time.Time
	throttledOnce := func() {
		began = time.Now()
		injectFault(t, map[string]any{"method": "GET", "path": "^/v1/tenants$", "status": 429, "retry_after": int(retryAfter.Seconds()), "count": 1})
	}
	waitedAboutASecond := func(*terraform.State) error {
		if took := time.Since(began); took < time.Second || took > retryAfter/2 {
			return fmt.Errorf("the step took %s: the 429's wait was not cut to 1 s", took)
		}
		return nil
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() { t.Setenv("AURA_MAX_RETRY_AFTER_SECONDS", "1"); throttledOnce() },
				Config:    testAccProviderConfig(""),
				Check:     waitedAboutASecond,
			},
			{
				PreConfig: func() { t.Setenv("AURA_MAX_RETRY_AFTER_SECONDS", "3600"); throttledOnce() },
				Config:    testAccProviderConfig("max_retry_after_seconds = 1"),
				Check:     waitedAboutASecond,
			},
		},
	})
}

// The wait for a network access configuration needs a second poll (it starts pending): it fits a 5 s timeout
// with a 50 ms poll_interval, and not with the 6 s default nor the 10 min set in the environment.
func TestAccProvider_pollInterval(t *testing.T) {
	needsEmulator(t)
	config := func(settings, principals, timeout string) string {
		return fmt.Sprintf(`
provider "aura" {
  %s
}

resource "aura_network_access_configuration" "poll" {
  cloud_provider       = "gcp"
  region               = "europe-west1"
  type                 = "professional-ds"
  private_connectivity = true
  allowed_principals   = [%s]
  timeouts             = { create = %q, update = %q }
}
`, settings, principals, timeout, timeout)
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() { t.Setenv("AURA_POLL_INTERVAL", "50ms") },
				Config:    config("", "", "5s"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("aura_network_access_configuration.poll", tfjsonpath.New("status"), knownvalue.StringExact("ready")),
				},
			},
			{
				PreConfig: func() { t.Setenv("AURA_POLL_INTERVAL", "10m") },
				Config:    config(`poll_interval = "50ms"`, `"my-project"`, "5s"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("aura_network_access_configuration.poll", tfjsonpath.New("allowed_principals"), knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("my-project")})),
					statecheck.ExpectKnownValue("aura_network_access_configuration.poll", tfjsonpath.New("status"), knownvalue.StringExact("ready")),
				},
			},
		},
	})
}
