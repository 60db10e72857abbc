// Command aura-bench (make bench) runs real terraform commands with the built provider against aura-emulator
// and compares API calls and wall time with their theoretical lower bounds. It prints one table and writes it
// to bench/results.md.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aura-terraform/terraform-provider-aura/internal/aura"
	"github.com/aura-terraform/terraform-provider-aura/internal/emulator"
)

type row struct {
	scenario, calls, wall, bound, ratio, target, met string
	why                                              string // for a missed target: what the run shows of the cause
}

type bench struct {
	work, plugins string
	loadStart     string
	rows          []row
}

func main() {
	began := time.Now()
	b := &bench{loadStart: loadAverage()}
	if err := b.run(); err != nil {
		fmt.Fprintln(os.Stderr, "aura-bench:", err)
		os.Exit(1)
	}
	table := b.table(time.Since(began))
	fmt.Print(table)
	if err := os.WriteFile("bench/results.md", []byte(table), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "aura-bench:", err)
		os.Exit(1)
	}
}

func (b *bench) run() error {
	var err error
	if b.work, err = os.MkdirTemp("", "aura-bench-"); err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(b.work) }()
	b.plugins = filepath.Join(b.work, "plugins")
	fmt.Fprintln(os.Stderr, "building the provider")
	if out, err := exec.CommandContext(context.Background(), "go", "build", "-o", filepath.Join(b.plugins, "terraform-provider-aura"), ".").CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, out)
	}
	rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"aura-terraform/aura\" = %q\n  }\n  direct {}\n}\n", b.plugins)
	if err := os.WriteFile(filepath.Join(b.work, "terraformrc"), []byte(rc), 0o600); err != nil {
		return err
	}
	scenarios := map[string]func() error{"5": b.overhead, "2": b.waiting, "4": b.listing,
		"1": func() error {
			for _, n := range []int{50, 120, 300} {
				// BENCH_REFRESH=50 runs some sizes, while working on them.
				if only := os.Getenv("BENCH_REFRESH"); only != "" && !slices.Contains(strings.Split(only, ","), strconv.Itoa(n)) {
					continue
				}
				if err := b.refresh(n); err != nil {
					return err
				}
			}
			return nil
		}, "3f": b.fleet, "3s": func() error { return b.processes(true) }, "3p": func() error { return b.processes(false) },
		"6a": b.applyThenPlan, "6p": b.plansBackToBack,
		"7g": func() error { return b.upload("gcp") }, "7a": func() error { return b.upload("aws") }}
	for _, name := range []string{"5", "2", "4", "1", "3f", "3s", "3p", "6a", "6p", "7g", "7a"} {
		// BENCH_ONLY=2,3p runs some scenarios (3 is all of its rows), while working on them; results.md comes
		// from a full run.
		if only := os.Getenv("BENCH_ONLY"); only != "" && !slices.ContainsFunc(strings.Split(only, ","), func(o string) bool {
			return o != "" && strings.HasPrefix(name, o)
		}) {
			continue
		}
		if err := scenarios[name](); err != nil {
			return err
		}
	}
	return nil
}

// emu starts an emulator for one scenario.
func emu(rate int, latency, transition time.Duration, onRequest func(string, string, int, time.Time)) (*emulator.Emulator, error) {
	cfg := emulator.DefaultConfig()
	cfg.Listen, cfg.RateLimit, cfg.Latency, cfg.Transition, cfg.OnRequest = "127.0.0.1:0", rate, latency, transition, onRequest
	e, err := emulator.New(cfg)
	if err == nil {
		err = e.Start()
	}
	return e, err
}

// sceneClient sets a row's scene through the API (instances to measure against), with a budget directory of its
// own so that the measured terraform runs do not share the scene's requests; it is never what is measured.
func (b *bench) sceneClient(e *emulator.Emulator) (*aura.Client, error) {
	return aura.New(aura.Config{BaseURL: e.BaseURL(), ClientID: e.ClientID(), ClientSecret: e.ClientSecret(), PollMin: 10 * time.Millisecond,
		BudgetDir: filepath.Join(b.work, "scene-cache")})
}

const header = `terraform {
  required_providers {
    aura = { source = "aura-terraform/aura" }
  }
}
provider "aura" {}
`

// tf runs terraform in dir with the provider pointed at the emulator; extra env comes last.
func (b *bench) tf(dir string, e *emulator.Emulator, extra []string, args ...string) (time.Duration, string, error) {
	cmd := exec.CommandContext(context.Background(), "terraform", args...)
	cmd.Dir = dir
	// The provider shares each account's budget with the other processes on this machine through a file in the
	// user's cache directory: the bench keeps those files in its own work directory.
	cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+filepath.Join(b.work, "cache"),
		"TF_CLI_CONFIG_FILE="+filepath.Join(b.work, "terraformrc"), "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
		"AURA_BASE_URL="+e.BaseURL(), "AURA_CLIENT_ID="+e.ClientID(), "AURA_CLIENT_SECRET="+e.ClientSecret(), "AURA_TENANT_ID="+e.TenantID())
	cmd.Env = append(cmd.Env, extra...)
	began := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		err = fmt.Errorf("terraform %s: %v\n%s", strings.Join(args, " "), err, tail(string(out), 3000))
	}
	return time.Since(began), string(out), err
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

func (b *bench) dir(name, config string) (string, error) {
	d := filepath.Join(b.work, name)
	if err := os.MkdirAll(d, 0o755); err != nil {
		return "", err
	}
	return d, os.WriteFile(filepath.Join(d, "main.tf"), []byte(header+config), 0o644)
}

type stats struct {
	Requests []struct {
		Method, Route string
		Status, Count int
	}
	Total       int
	RateLimited int `json:"rate_limited"`
}

func statsOf(e *emulator.Emulator) stats {
	var s stats
	req, _ := http.NewRequestWithContext(context.Background(), "GET", e.BaseURL()+"/_emulator/stats", nil)
	res, err := http.DefaultClient.Do(req)
	if err == nil {
		defer res.Body.Close()
		_ = json.NewDecoder(res.Body).Decode(&s)
	}
	return s
}

func resetStats(e *emulator.Emulator) {
	req, _ := http.NewRequestWithContext(context.Background(), "DELETE", e.BaseURL()+"/_emulator/stats", nil)
	if res, err := http.DefaultClient.Do(req); err == nil {
		res.Body.Close()
	}
}

// byRoute summarises the statistics as "n METHOD route" joined, errors and 429s included.
func (s stats) byRoute() string {
	counts := map[string]int{}
	for _, r := range s.Requests {
		k := r.Method + " " + strings.TrimPrefix(r.Route, "/v1")
		if r.Status == 429 {
			k += " (429)"
		}
		counts[k] += r.Count
	}
	var parts []string
	for k, n := range counts {
		parts = append(parts, fmt.Sprintf("%d %s", n, k))
	}
	sort.Strings(parts)
	return strings.Join(parts, "<br>")
}

func (s stats) count(method, route string) int {
	n := 0
	for _, r := range s.Requests {
		if r.Method == method && r.Route == route {
			n += r.Count
		}
	}
	return n
}

func secs(d time.Duration) string { return fmt.Sprintf("%.1f s", d.Seconds()) }

func ratio(wall, bound time.Duration) string {
	if bound <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", wall.Seconds()/bound.Seconds())
}

func yes(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}

// peakRSS samples the provider processes' peak resident memory (VmHWM) until stop is closed.
func peakRSS(stop <-chan struct{}) func() int64 {
	var mu sync.Mutex
	var peak int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			entries, _ := os.ReadDir("/proc")
			for _, ent := range entries {
				comm, err := os.ReadFile("/proc/" + ent.Name() + "/comm")
				if err != nil || !strings.HasPrefix(string(comm), "terraform-provi") {
					continue
				}
				status, _ := os.ReadFile("/proc/" + ent.Name() + "/status")
				for _, line := range strings.Split(string(status), "\n") {
					var kb int64
					if _, err := fmt.Sscanf(line, "VmHWM: %d kB", &kb); err == nil {
						mu.Lock()
						peak = max(peak, kb)
						mu.Unlock()
					}
				}
			}
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	return func() int64 {
		<-done
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}

// fast only sets the scene of the refresh rows (an apply with the emulator's limit off, whose requests are then
// forgotten by the emulator and, through a budget directory of their own, by the provider); every measured
// command runs on the provider's defaults.
func (b *bench) fast() []string {
	return []string{"AURA_REQUESTS_PER_MINUTE=100000", "AURA_POLL_INTERVAL=5ms", "XDG_CACHE_HOME=" + filepath.Join(b.work, "scene-cache")}
}

// budget is the client's default budget B: requests in any 60 s.
const budget = 120

// 5. Provider overhead: zero resources, then the plan-time requests of configs with 1, 10 and 100 new objects.
func (b *bench) overhead() error {
	fmt.Fprintln(os.Stderr, "scenario 5: overhead")
	e, err := emu(125, 50*time.Millisecond, 0, nil)
	if err != nil {
		return err
	}
	defer e.Close()
	d, err := b.dir("overhead", "")
	if err != nil {
		return err
	}
	validate, _, err := b.tf(d, e, nil, "validate", "-no-color")
	if err != nil {
		return err
	}
	plan, _, err := b.tf(d, e, nil, "plan", "-no-color", "-input=false")
	if err != nil {
		return err
	}
	s := statsOf(e)
	b.rows = append(b.rows, row{"5. Overhead: `terraform validate`, then `plan`, zero resources", fmt.Sprintf("%d", s.Total),
		secs(validate) + ", " + secs(plan), "0 calls", "-", "report", "-", ""})
	for _, n := range []int{1, 10, 100} {
		var config strings.Builder
		for i := 0; i < n; i++ {
			config.WriteString(instanceConfig("o", i))
		}
		d, err := b.dir(fmt.Sprintf("overhead-%d", n), config.String())
		if err != nil {
			return err
		}
		resetStats(e)
		wall, _, err := b.tf(d, e, nil, "plan", "-no-color", "-input=false", "-parallelism=10")
		if err != nil {
			return err
		}
		s := statsOf(e)
		calls := s.byRoute()
		if calls == "" {
			calls = "0"
		}
		// Proof at plan: the tenant's instance_configurations are read once for all the new instances, after one token.
		b.rows = append(b.rows, row{fmt.Sprintf("5. Overhead: `plan` of %d new `aura_instance` (nothing in state), 50 ms latency", n), calls,
			secs(wall), "2 calls (1 token, 1 tenant read)", fmt.Sprintf("%d calls", s.Total), "≤ 2 calls", yes(s.Total <= 2),
			"the plan made more than one token request and one tenant read"})
	}
	return nil
}

// 2. Waiting: one create with a 60 s transition; polls and detection lag.
func (b *bench) waiting() error {
	fmt.Fprintln(os.Stderr, "scenario 2: one create with a 57.3 s transition")
	var mu sync.Mutex
	var posted, lastPoll time.Time
	polls := 0
	const transition = 57300 * time.Millisecond
	e, err := emu(125, 50*time.Millisecond, transition, func(method, route string, status int, at time.Time) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case method == "POST" && route == "/v1/instances" && status == 202:
			posted = at
		case method == "GET" && route == "/v1/instances/{id}" && status == 200:
			polls++
			lastPoll = at
		}
	})
	if err != nil {
		return err
	}
	defer e.Close()
	d, err := b.dir("waiting", instanceConfig("wait", 0))
	if err != nil {
		return err
	}
	wall, _, err := b.tf(d, e, nil, "apply", "-auto-approve", "-no-color", "-input=false")
	if err != nil {
		return err
	}
	mu.Lock()
	lag := lastPoll.Sub(posted.Add(transition))
	mu.Unlock()
	const allowed = 6 * time.Second
	b.rows = append(b.rows, row{"2. Waiting: one create, 57.3 s transition (off the poll grid), defaults", statsOf(e).byRoute(), secs(wall),
		"1 poll, lag 0", fmt.Sprintf("%d polls, lag %.1f s", polls, lag.Seconds()), "≤ 10 polls, lag ≤ 6.0 s",
		yes(polls <= 10 && lag <= allowed), ""})
	return nil
}

func instanceConfig(name string, i int) string {
	return fmt.Sprintf(`
resource "aura_instance" "i%d" {
  name           = "%s-%d"
  type           = "professional-db"
  cloud_provider = "gcp"
  region         = "europe-west1"
  memory         = "2GB"
  deletion_protection = false
}
`, i, name, i)
}

func snapshotConfig(i int) string {
	return fmt.Sprintf(`
resource "aura_snapshot" "s%d" {
  instance_id = aura_instance.i%d.id
}
`, i, i)
}

// 4. Snapshot listing on defaults: a 2-hour-old enterprise-db instance, most_recent over 30 days when the newest
// match is today, and two data sources on one instance in one plan.
func (b *bench) listing() error {
	fmt.Fprintln(os.Stderr, "scenario 4: snapshot listing")
	const latency = 50 * time.Millisecond
	e, err := emu(125, latency, 0, nil)
	if err != nil {
		return err
	}
	defer e.Close()
	c, err := b.sceneClient(e)
	if err != nil {
		return err
	}
	ctx := context.Background()
	create := func(name, typ, memory string) (string, error) {
		in, err := c.CreateInstance(ctx, aura.CreateInstanceRequest{Name: name, TenantID: e.TenantID(), Type: typ,
			Version: "5", Region: "europe-west1", CloudProvider: "gcp", Memory: memory})
		if err != nil {
			return "", err
		}
		_, err = c.WaitForInstance(ctx, in.ID, "running")
		return in.ID, err
	}
	old, err := create("listing-old", "business-critical", "4GB")
	if err != nil {
		return err
	}
	e.AdvanceClock(31*24*time.Hour - 2*time.Hour)
	young, err := create("listing-young", "enterprise-db", "4GB")
	if err != nil {
		return err
	}
	e.AdvanceClock(2 * time.Hour)
	if _, err := c.CreateSnapshot(ctx, old); err != nil { // the newest match is today
		return err
	}
	if _, err := c.ListTenants(ctx); err != nil { // learn the emulator's date
		return err
	}
	today := c.ServerNow()
	from, to := today.AddDate(0, 0, -29).Format("2006-01-02"), today.Format("2006-01-02")
	month := fmt.Sprintf(`
data "aura_snapshots" "month" {
  instance_id = %q
  from        = %q
  to          = %q
}
`, old, from, to)
	newest := fmt.Sprintf(`
data "aura_snapshot" "newest" {
  instance_id = %q
  most_recent = true
  from        = %q
  to          = %q
}
`, old, from, to)
	plan := func(name, config string) (stats, time.Duration, error) {
		d, err := b.dir(name, config)
		if err != nil {
			return stats{}, 0, err
		}
		resetStats(e)
		wall, _, err := b.tf(d, e, nil, "plan", "-no-color", "-input=false")
		return statsOf(e), wall, err
	}
	const list = "/v1/instances/{id}/snapshots"

	s, wall, err := plan("listing-young", fmt.Sprintf("\ndata \"aura_snapshots\" \"recent\" {\n  instance_id = %q\n}\n", young))
	if err != nil {
		return err
	}
	n := s.count("GET", list)
	b.rows = append(b.rows, row{"4. Listing: `aura_snapshots`, default window, on a 2-hour-old enterprise-db instance", s.byRoute(), secs(wall),
		"1-2 list calls (the days since created_at)", fmt.Sprintf("%d list calls", n), "≤ 2 list calls", yes(n <= 2), ""})

	s, wall, err = plan("listing-newest", newest)
	if err != nil {
		return err
	}
	n = s.count("GET", list)
	b.rows = append(b.rows, row{"4. Listing: `aura_snapshot` most_recent over 30 days, newest match today (business-critical)", s.byRoute(), secs(wall),
		"1 list call", fmt.Sprintf("%d list calls", n), "1 list call", yes(n == 1), ""})

	s, _, err = plan("listing-month", month)
	if err != nil {
		return err
	}
	alone := s.count("GET", list)
	s, wall, err = plan("listing-both", month+newest)
	if err != nil {
		return err
	}
	n = s.count("GET", list)
	b.rows = append(b.rows, row{"4. Listing: `aura_snapshots` over 30 days and `aura_snapshot` most_recent on the same instance, one plan", s.byRoute(), secs(wall),
		fmt.Sprintf("%d list calls (the days `aura_snapshots` alone lists; most_recent's day is among them)", alone),
		fmt.Sprintf("%d list calls", n), "no day listed twice", yes(n == alone), ""})
	return nil
}

// 1. Refresh: plan of N existing instances, latency 50 ms, parallelism 10, the limit on at 125/min, defaults.
func (b *bench) refresh(n int) error {
	fmt.Fprintf(os.Stderr, "scenario 1: refresh of %d instances\n", n)
	e, err := emu(0, 0, 0, nil)
	if err != nil {
		return err
	}
	defer e.Close()
	var config strings.Builder
	for i := 0; i < n; i++ {
		config.WriteString(instanceConfig("r", i))
	}
	d, err := b.dir(fmt.Sprintf("refresh-%d", n), config.String())
	if err != nil {
		return err
	}
	// The scene: an apply with the emulator's limit off (only this apply uses overrides).
	if _, _, err := b.tf(d, e, b.fast(), "apply", "-auto-approve", "-no-color", "-input=false", "-parallelism=10"); err != nil {
		return err
	}
	const latency = 50 * time.Millisecond
	e.SetLatency(latency)
	e.SetRateLimit(125) // a fresh window
	// The empty plan is the same plan of the same N objects without the refresh: terraform's own work for N objects
	// and the provider's start, with no API call. It runs just before and just after the measured plan.
	noRefresh := func() (time.Duration, int, error) {
		resetStats(e)
		wall, _, err := b.tf(d, e, nil, "plan", "-no-color", "-input=false", "-parallelism=10", "-refresh=false")
		return wall, statsOf(e).Total, err
	}
	emptyBefore, callsBefore, err := noRefresh()
	if err != nil {
		return err
	}
	resetStats(e)
	stop := make(chan struct{})
	peak := peakRSS(stop)
	wall, out, planErr := b.tf(d, e, nil, "plan", "-no-color", "-input=false", "-parallelism=10", "-detailed-exitcode")
	close(stop)
	rss := peak()
	s := statsOf(e)
	emptyAfter, callsAfter, err := noRefresh()
	if err != nil {
		return err
	}
	emptyWall := (emptyBefore + emptyAfter) / 2
	errs := strings.Count(out, "Error:")
	if planErr != nil && errs == 0 {
		errs = 1
	}
	bound := time.Duration(n) * latency / 10
	if n > budget {
		bound += time.Duration((n+budget-1)/budget-1) * time.Minute
	}
	scenario := fmt.Sprintf("1. Refresh: `terraform plan` of %d instances, 50 ms latency, parallelism 10, 125/min, defaults", n)
	if n == 300 {
		scenario += fmt.Sprintf(" (provider peak RSS %d MiB)", rss/1024)
	}
	limit := 1.5*bound.Seconds() + emptyWall.Seconds()
	r := row{scenario, s.byRoute() + fmt.Sprintf("<br>%d refused by the limit", s.RateLimited), secs(wall),
		fmt.Sprintf("%d GETs; %s", n, secs(bound)),
		fmt.Sprintf("%s; wall − empty plan = %s; %d errors", ratio(wall, bound), secs(wall-emptyWall), errs),
		fmt.Sprintf("wall ≤ 1.5 × bound + empty plan (`-refresh=false`, %s before and %s after, %d and %d calls) = %.1f s, 0 errors",
			secs(emptyBefore), secs(emptyAfter), callsBefore, callsAfter, limit),
		yes(errs == 0 && wall.Seconds() <= limit && callsBefore == 0 && callsAfter == 0), ""}
	switch {
	case errs > 0:
		r.why = fmt.Sprintf("%d errors in the plan", errs)
	case callsBefore+callsAfter > 0:
		r.why = fmt.Sprintf("the plan without refresh made %d and %d API calls, so it does not measure terraform's work alone", callsBefore, callsAfter)
	case wall.Seconds() <= limit:
	default:
		r.why = fmt.Sprintf("wall %s against %.1f s allowed: the refresh added %s to the plan without it, for a bound of %s (%d requests, %d refused by the limit)",
			secs(wall), limit, secs(wall-emptyWall), secs(bound), s.Total, s.RateLimited)
	}
	b.rows = append(b.rows, r)
	return nil
}

// 3. Fleet under the real limit: 50 instances and 50 snapshots, parallelism 10, 125/min, 20 s transitions.
func (b *bench) fleet() error {
	fmt.Fprintln(os.Stderr, "scenario 3: fleet of 50 instances and 50 snapshots under 125 requests/min")
	const transition = 20 * time.Second
	e, err := emu(125, 50*time.Millisecond, transition, nil)
	if err != nil {
		return err
	}
	defer e.Close()
	var config strings.Builder
	for i := 0; i < 50; i++ {
		config.WriteString(instanceConfig("fleet", i))
		config.WriteString(snapshotConfig(i))
	}
	d, err := b.dir("fleet", config.String())
	if err != nil {
		return err
	}
	wall, out, applyErr := b.tf(d, e, nil, "apply", "-auto-approve", "-no-color", "-input=false", "-parallelism=10")
	s := statsOf(e)
	failed := strings.Count(out, "Error:")
	surfaced := strings.Count(out, "rate-limit-exceeded") + strings.Count(out, "Too many requests")
	_, list, _ := b.tf(d, e, nil, "state", "list")
	inState := len(strings.Fields(list))
	chain := 2 * transition
	rateBound := time.Duration(float64(s.Total-s.RateLimited) / 125 * float64(time.Minute))
	bound := max(chain, rateBound)
	ok := applyErr == nil && failed == 0 && surfaced == 0 && inState == 100 && wall.Seconds() <= 1.2*bound.Seconds()
	b.rows = append(b.rows, row{"3. Fleet: apply 50 instances + 50 snapshots, parallelism 10, 125/min, 20 s transitions",
		s.byRoute() + fmt.Sprintf("<br>%d refused by the limit", s.RateLimited), secs(wall),
		fmt.Sprintf("max(chain %s, %d calls at 125/min = %s)", secs(chain), s.Total-s.RateLimited, secs(rateBound)),
		ratio(wall, bound) + fmt.Sprintf("; %d in state, %d failed, %d 429s surfaced", inState, failed, surfaced),
		"ratio ≤ 1.20, 0 failed, 0 429s surfaced", yes(ok), ""})
	return nil
}

// crowd is a fourth client of the account that takes part of the window at the start of a scenario, so that the
// run meets Aura's limit (a 429) even when the processes alone would not: the rows show what a 429 costs.
func crowd(e *emulator.Emulator, requests int) error {
	c, err := aura.New(aura.Config{BaseURL: e.BaseURL(), ClientID: e.ClientID(), ClientSecret: e.ClientSecret(), RequestsPerMinute: 100000})
	if err != nil {
		return err
	}
	ctx := context.Background()
	for range requests - 1 { // and its token request
		if _, err := c.ListTenants(ctx); err != nil {
			return err
		}
	}
	return nil
}

// 3. Three terraform processes at once on one account: 5 creates each, 125/min, 60 s transitions, defaults; with
// a cache directory each (as on three runners: nothing shared but the server's answers) or one for all three.
func (b *bench) processes(separate bool) error {
	how := "sharing one cache directory (one machine)"
	if separate {
		how = "each with its own cache directory (as on three runners)"
	}
	fmt.Fprintln(os.Stderr, "scenario 3: three terraform processes at once, 5 creates each, 60 s transitions,", how)
	const transition = 60 * time.Second
	e, err := emu(125, 50*time.Millisecond, transition, nil)
	if err != nil {
		return err
	}
	defer e.Close()
	dirs := make([]string, 3)
	for p := range dirs {
		var config strings.Builder
		for i := 0; i < 5; i++ {
			config.WriteString(instanceConfig(fmt.Sprintf("p%d", p), i))
		}
		name := fmt.Sprintf("processes-%d", p)
		if separate {
			name = fmt.Sprintf("separate-%d", p)
		}
		if dirs[p], err = b.dir(name, config.String()); err != nil {
			return err
		}
	}
	const crowded = 40
	var wg sync.WaitGroup
	outs := make([]string, 3)
	errs := make([]error, 3)
	walls := make([]string, 3)
	began := time.Now()
	if err := crowd(e, crowded); err != nil {
		return err
	}
	for p := range dirs {
		var env []string
		if separate {
			env = []string{"XDG_CACHE_HOME=" + filepath.Join(b.work, fmt.Sprintf("runner-%d-cache", p))}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			var wall time.Duration
			wall, outs[p], errs[p] = b.tf(dirs[p], e, env, "apply", "-auto-approve", "-no-color", "-input=false")
			walls[p] = secs(wall)
		}()
	}
	wg.Wait()
	wall := time.Since(began)
	s := statsOf(e)
	failed, surfaced, inState, warned := 0, 0, 0, 0
	for p := range dirs {
		failed += strings.Count(outs[p], "Error:")
		if errs[p] != nil && strings.Count(outs[p], "Error:") == 0 {
			failed++
		}
		surfaced += strings.Count(outs[p], "rate-limit-exceeded") + strings.Count(outs[p], "Too many requests")
		warned += strings.Count(outs[p], "Warning: Requests waited")
		_, list, _ := b.tf(dirs[p], e, nil, "state", "list")
		inState += len(strings.Fields(list))
	}
	calls := s.Total - s.RateLimited
	rateBound := time.Duration(float64(calls) / 125 * float64(time.Minute))
	bound := max(transition, rateBound)
	ok := failed == 0 && surfaced == 0 && inState == 15 && s.RateLimited > 0 && wall.Seconds() <= 1.1*bound.Seconds()
	gets := s.count("GET", "/v1/instances/{id}")
	b.rows = append(b.rows, row{fmt.Sprintf("3. Three terraform processes at once, %s, 5 creates each, one account at 125/min, 60 s transitions, "+
		"a fourth client taking %d requests of the window at the start", how, crowded),
		s.byRoute() + fmt.Sprintf("<br>%d refused by the limit", s.RateLimited), secs(wall) + " (each: " + strings.Join(walls, ", ") + ")",
		fmt.Sprintf("max(transition %s, %d answered calls at 125/min = %s)", secs(transition), calls, secs(rateBound)),
		ratio(wall, bound) + fmt.Sprintf("; %d in state, %d failed, %d 429s surfaced, %d answered 429, %d wait warnings", inState, failed, surfaced, s.RateLimited, warned),
		"ratio ≤ 1.10, 0 failed, 0 429s surfaced, at least one 429 answered", yes(ok), ""})
	if !ok {
		b.rows[len(b.rows)-1].why = fmt.Sprintf("the wall, %s against %.1f s allowed: %d GETs of instances (%.1f a transition of 60 s), "+
			"%d requests refused by the server (retried, %d surfaced), %d failed", secs(wall), 1.1*bound.Seconds(), gets, float64(gets)/15, s.RateLimited, surfaced, failed)
	}
	return nil
}

// 6. An apply of 50 instances, and at once a plan of them: the plan finds the window spent by the apply, waits
// for it, and says so.
func (b *bench) applyThenPlan() error {
	fmt.Fprintln(os.Stderr, "scenario 6: apply 50 instances, then at once a plan of them")
	const transition = 20 * time.Second
	e, err := emu(125, 50*time.Millisecond, transition, nil)
	if err != nil {
		return err
	}
	defer e.Close()
	var config strings.Builder
	for i := 0; i < 50; i++ {
		config.WriteString(instanceConfig("ap", i))
	}
	d, err := b.dir("apply-plan", config.String())
	if err != nil {
		return err
	}
	apply, applyOut, applyErr := b.tf(d, e, nil, "apply", "-auto-approve", "-no-color", "-input=false", "-parallelism=10")
	plan, planOut, planErr := b.tf(d, e, nil, "plan", "-no-color", "-input=false", "-parallelism=10", "-detailed-exitcode")
	s := statsOf(e)
	failed := strings.Count(applyOut, "Error:") + strings.Count(planOut, "Error:")
	if applyErr != nil && failed == 0 || planErr != nil && failed == 0 {
		failed++
	}
	warned := strings.Count(planOut, "Warning: Requests waited")
	calls := s.Total - s.RateLimited
	chain := 5 * transition // parallelism 10: five rounds of creates
	rateBound := time.Duration(float64(calls-1) / 125 * float64(time.Minute))
	bound := max(chain, rateBound)
	wall := apply + plan
	ok := failed == 0 && wall.Seconds() <= 1.2*bound.Seconds() && (plan <= warnAfterBench+5*time.Second || warned == 1)
	b.rows = append(b.rows, row{"6. `apply` of 50 instances (parallelism 10, 20 s transitions, 125/min), then at once a `plan` of them",
		s.byRoute() + fmt.Sprintf("<br>%d refused by the limit", s.RateLimited), fmt.Sprintf("%s (apply %s, plan %s)", secs(wall), secs(apply), secs(plan)),
		fmt.Sprintf("max(chain %s, %d answered calls at 125/min = %s)", secs(chain), calls, secs(rateBound)),
		ratio(wall, bound) + fmt.Sprintf("; %d failed; the plan warned of its wait %d times", failed, warned),
		"ratio ≤ 1.20, 0 failed, a plan over 10 s warns once", yes(ok), ""})
	return nil
}

// warnAfterBench is the wait after which a run warns (the provider's warnAfter); a plan shorter than it cannot
// have waited that long.
const warnAfterBench = 10 * time.Second

// 6. Five plans of 30 instances back to back, at 125/min: four fit the window, the fifth waits for it and says so.
func (b *bench) plansBackToBack() error {
	fmt.Fprintln(os.Stderr, "scenario 6: five back-to-back plans of 30 instances")
	e, err := emu(0, 0, 0, nil)
	if err != nil {
		return err
	}
	defer e.Close()
	var config strings.Builder
	for i := 0; i < 30; i++ {
		config.WriteString(instanceConfig("bb", i))
	}
	d, err := b.dir("back-to-back", config.String())
	if err != nil {
		return err
	}
	if _, _, err := b.tf(d, e, b.fast(), "apply", "-auto-approve", "-no-color", "-input=false", "-parallelism=10"); err != nil {
		return err
	}
	e.SetLatency(50 * time.Millisecond)
	e.SetRateLimit(125)
	resetStats(e)
	var walls, warnings []string
	failed, ok := 0, true
	began := time.Now()
	for range 5 {
		wall, out, err := b.tf(d, e, nil, "plan", "-no-color", "-input=false", "-parallelism=10", "-detailed-exitcode")
		if err != nil {
			failed++
		}
		warned := strings.Count(out, "Warning: Requests waited")
		ok = ok && (wall < warnAfterBench && warned == 0 || wall > warnAfterBench+5*time.Second && warned == 1 || wall >= warnAfterBench && wall <= warnAfterBench+5*time.Second)
		walls, warnings = append(walls, secs(wall)), append(warnings, strconv.Itoa(warned))
	}
	wall := time.Since(began)
	s := statsOf(e)
	calls := s.Total - s.RateLimited
	// Aura lets 125 requests in at once; each further 125 one window later.
	bound := time.Duration((calls-1)/125) * time.Minute
	ok = ok && failed == 0 && wall.Seconds() <= 1.1*bound.Seconds()+5
	b.rows = append(b.rows, row{"6. Five `plan`s of 30 instances back to back, 50 ms latency, 125/min, defaults",
		s.byRoute() + fmt.Sprintf("<br>%d refused by the limit", s.RateLimited), fmt.Sprintf("%s (each: %s)", secs(wall), strings.Join(walls, ", ")),
		fmt.Sprintf("%d answered calls: the 126th one window after the first = %s", calls, secs(bound)),
		ratio(wall, bound) + fmt.Sprintf("; %d failed; wait warnings per plan: %s", failed, strings.Join(warnings, ", ")),
		"wall ≤ 1.10 × bound + 5 s (five plans' own work), 0 failed, a plan that waited over 10 s warns once", yes(ok), ""})
	return nil
}

func (b *bench) table(total time.Duration) string {
	var t strings.Builder
	fmt.Fprintf(&t, "# make bench\n\nMeasured %s on this machine (2 cores), terraform %s, one run; total %s.\n",
		time.Now().UTC().Format("2006-01-02 15:04 UTC"), terraformVersion(), secs(total))
	fmt.Fprintf(&t, "Load average %s at the start, %s at the end: the machine may be shared with other builds and tests, and "+
		"terraform's own CPU work, and with it every wall, varies with that load.\n\n", b.loadStart, loadAverage())
	t.WriteString("Each refresh row's empty plan is the same plan of the same N objects with `-refresh=false` (terraform's own " +
		"work for N objects and the provider's start, no API call), run just before and just after the measured plan; the " +
		"target adds their mean.\n\n")
	t.WriteString("| scenario | API calls by route | wall | theoretical bound | measured vs bound | target | met |\n|---|---|---|---|---|---|---|\n")
	var missed []string
	for _, r := range b.rows {
		fmt.Fprintf(&t, "| %s | %s | %s | %s | %s | %s | %s |\n", r.scenario, r.calls, r.wall, r.bound, r.ratio, r.target, r.met)
		if r.met == yes(false) {
			why := r.why
			if why == "" {
				why = "measured " + r.ratio + " against " + r.target
			}
			missed = append(missed, fmt.Sprintf("- %s: %s.\n", r.scenario, why))
		}
	}
	if len(missed) == 0 {
		t.WriteString("\nEvery target was met in this run.\n")
	} else {
		fmt.Fprintf(&t, "\n## Missed in this run (%d)\n\n%s", len(missed), strings.Join(missed, ""))
	}
	return t.String()
}

// loadAverage is the 1-minute load average, or "?" where /proc has none.
func loadAverage() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(raw))[0]
}

func terraformVersion() string {
	out, err := exec.CommandContext(context.Background(), "terraform", "version").Output()
	if err != nil {
		return "?"
	}
	return strings.TrimPrefix(strings.SplitN(string(out), "\n", 2)[0], "Terraform ")
}
