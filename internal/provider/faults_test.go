package provider

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// The fault matrix: every mutating operation under every fault. After the faulted apply (which either
// converges or fails with a clear error) a second apply converges; no instance is duplicated, nothing the
// provider created is missing from state, data changes only where a restore or upload was meant, and the
// number of requests stays bounded.

type fault struct {
	name string
	spec map[string]any
}

var faultsUnderTest = []fault{
	{"503x3", map[string]any{"status": 503, "count": 3}},
	{"429", map[string]any{"status": 429, "retry_after": 1, "count": 1}},
	{"drop-before", map[string]any{"drop": true, "count": 1}},
	{"drop-after", map[string]any{"drop": true, "apply": true, "count": 1}},
	{"slow", map[string]any{"delay": "9s", "count": 1}},          // resources here time out after 8s
	{"token-expired", map[string]any{"status": 403, "count": 1}}, // what Aura answers to an expired token
}

type operation struct {
	name    string
	method  string
	path    string
	setup   func(n string) string // applied before the fault
	faulted func(n string) string // applied under the fault, then again without
	fails   []string              // faults after which the first apply must fail (a second converges)
	pending []string              // faults after which the first apply keeps the instance while Aura still creates it
	data    bool                  // a restore or upload: the target's dataset must end as X
	destroy bool                  // the operation is the destroy of setup
	names   int                   // instances the configuration owns
}

func faultInstance(label, name, memory string) string {
	return fmt.Sprintf(`
resource "aura_instance" %q {
  name           = %q
  type           = "professional-db"
  cloud_provider = "gcp"
  region         = "europe-west1"
  memory         = %q
  timeouts       = { create = "8s", update = "8s", delete = "8s" }
  deletion_protection = false
}
`, label, name, memory)
}

func faultSnapshot(n string) string {
	return faultInstance("t", n, "2GB") + `
resource "aura_snapshot" "s" {
  instance_id = aura_instance.t.id
  timeouts    = { create = "8s" }
}
`
}

var unclearPost = []string{"slow"} // the deadline ends the checked resending; a second apply converges

// tookEffectLate: a POST with a body that is answered after the client's deadline still takes effect in the
// emulator (Go's server only notices a closed connection once it reads past the body), and the look adopts
// it: an act is then kept in state, pending and untainted, and the second apply sends nothing.
var tookEffectLate []string

// uploadNotTaken: upload-complete answered unclearly and not taken. After each answer the import status is
// watched (api/README.md C.3): briefly after an answered 503 (three of them outlast the 8 s timeout), for the
// 90 s loading has to start after a dropped request. A look that saw no loading is proof that nothing was
// loaded: the apply fails (the resource is not created) and the second apply uploads. A 403 (what the API
// answers to an expired token; the console's is 401) ends the upload with nothing loaded. ("slow" is taken late,
// after the client's deadline; the look sees the load, and the first apply converges.)
var uploadNotTaken = []string{"503x3", "drop-before", "token-expired"}

func operations(dir string) []operation {
	return []operation{
		// slow: the late answer is adopted by the look, and the create's wait has no time left: the instance is
		// kept, untainted and "creating"; once Aura has it running, the plans after it have nothing to do.
		{name: "create", method: "POST", path: `^/v1/instances$`, names: 1, pending: unclearPost,
			faulted: func(n string) string { return faultInstance("t", n, "2GB") }},
		{name: "read", method: "GET", path: `^/v1/instances/[0-9a-f]{8}$`, names: 1,
			setup:   func(n string) string { return faultInstance("t", n, "2GB") },
			faulted: func(n string) string { return faultInstance("t", n, "2GB") }},
		{name: "update", method: "PATCH", path: `^/v1/instances/[0-9a-f]{8}$`, names: 1, fails: []string{"slow"},
			setup:   func(n string) string { return faultInstance("t", n, "2GB") },
			faulted: func(n string) string { return faultInstance("t", n, "4GB") }},
		{name: "delete", method: "DELETE", path: `^/v1/instances/[0-9a-f]{8}$`, names: 0, fails: []string{"slow"}, destroy: true,
			setup: func(n string) string { return faultInstance("t", n, "2GB") }},
		{name: "snapshot", method: "POST", path: `/snapshots$`, names: 1, fails: unclearPost,
			setup:   func(n string) string { return faultInstance("t", n, "2GB") },
			faulted: faultSnapshot},
		{name: "restore", method: "POST", path: `/restore$`, names: 1, fails: unclearPost, data: true,
			setup: faultSnapshot,
			faulted: func(n string) string {
				return faultSnapshot(n) + `
resource "aura_instance_restore" "r" {
  instance_id       = aura_instance.t.id
  snapshot_id       = aura_snapshot.s.snapshot_id
  confirm_overwrite = true
  timeouts          = { create = "8s" }
}
`
			}},
		{name: "overwrite", method: "POST", path: `/overwrite$`, names: 2, fails: tookEffectLate, data: true,
			setup: func(n string) string { return faultSnapshot(n) + faultInstance("target", n+"-tg", "2GB") },
			faulted: func(n string) string {
				return faultSnapshot(n) + faultInstance("target", n+"-tg", "2GB") + `
resource "aura_instance_restore" "r" {
  instance_id        = aura_instance.target.id
  source_instance_id = aura_instance.t.id
  snapshot_id        = aura_snapshot.s.snapshot_id
  confirm_overwrite  = true
  timeouts           = { create = "8s" }
}
`
			}},
		{name: "upload", method: "POST", path: `/upload-complete$`, names: 1, fails: uploadNotTaken, data: true,
			setup: func(n string) string { return faultSnapshot(n) + faultExport(dir, n) },
			faulted: func(n string) string {
				return faultSnapshot(n) + faultExport(dir, n) + `
resource "aura_database_upload" "u" {
  instance_id       = aura_instance.t.id
  source_path       = aura_snapshot_export.e.path
  confirm_overwrite = true
  password_wo       = aura_instance.t.password
  timeouts          = { create = "8s" }
}
`
			}},
	}
}

func faultExport(dir, n string) string {
	return fmt.Sprintf(`
resource "aura_snapshot_export" "e" {
  instance_id = aura_instance.t.id
  snapshot_id = aura_snapshot.s.snapshot_id
  path        = %q
}
`, filepath.Join(dir, n+".backup"))
}

func instancesNamed(t *testing.T, prefix string) int {
	t.Helper()
	list, err := testAccClient(t).ListInstances(context.Background(), testEmulator.TenantID())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range list {
		if s.Name == prefix || s.Name == prefix+"-tg" {
			n++
		}
	}
	return n
}

func totalRequests(t *testing.T) int {
	t.Helper()
	var st struct{ Total int }
	control(t, "GET", "/_emulator/stats", nil, &st)
	return st.Total
}

// maxRequests bounds one cell's faulted and second apply together: a retry storm would blow through it.
const maxRequests = 150

func TestAccFaultMatrix(t *testing.T) {
	needsEmulator(t)
	dir := t.TempDir()
	for _, op := range operations(dir) {
		for _, f := range faultsUnderTest {
			t.Run(op.name+"/"+f.name, func(t *testing.T) {
				name := strings.ReplaceAll("f-"+op.name+"-"+f.name, "_", "-")
				runFaultCell(t, op, f, name)
			})
		}
	}
}

func runFaultCell(t *testing.T, op operation, f fault, name string) {
	var x, target string
	spec := map[string]any{"method": op.method, "path": op.path}
	for k, v := range f.spec {
		spec[k] = v
	}
	t.Cleanup(func() { control(t, "DELETE", "/_emulator/faults", nil, nil) })
	inject := func() {
		control(t, "DELETE", "/_emulator/stats", nil, nil)
		control(t, "POST", "/_emulator/faults", spec, nil)
	}
	var steps []resource.TestStep
	if op.data {
		// First the instances alone, with dataset X written into the source; then the setup, whose snapshot
		// captures X; the faulted apply starts after Y overwrote the target.
		instances := faultInstance("t", name, "2GB")
		if op.name == "overwrite" {
			instances += faultInstance("target", name+"-tg", "2GB")
		}
		steps = append(steps, resource.TestStep{
			Config: instances,
			Check: func(s *terraform.State) error {
				x = putData(t, stateAttr(s, "aura_instance.t", "id"), map[string]any{"dataset": "X", "cell": name})
				target = stateAttr(s, "aura_instance.t", "id")
				if op.name == "overwrite" {
					target = stateAttr(s, "aura_instance.target", "id")
				}
				return nil
			},
		})
	}
	if op.setup != nil {
		steps = append(steps, resource.TestStep{Config: op.setup(name)})
	}
	faulted := op.faulted
	if op.destroy {
		faulted = op.setup
	}
	first := resource.TestStep{PreConfig: inject, Config: faulted(name), Destroy: op.destroy}
	for _, fails := range op.fails {
		if fails == f.name {
			first.ExpectError = regexp.MustCompile(`(?s)Error`)
		}
	}
	for _, p := range op.pending {
		if p == f.name {
			first.Check = func(s *terraform.State) error { // the plans that follow the apply come after Aura's create
				_, err := testAccClient(t).AwaitInstance(context.Background(), stateAttr(s, "aura_instance.t", "id"), "running")
				return err
			}
		}
	}
	if op.data {
		first.PreConfig = func() {
			putData(t, target, map[string]any{"dataset": "Y", "cell": name})
			inject()
		}
	}
	steps = append(steps, first)
	if !op.destroy {
		steps = append(steps, resource.TestStep{
			Config: faulted(name),
			Check: func(*terraform.State) error {
				if n := instancesNamed(t, name); n != op.names {
					return fmt.Errorf("%d instances named %s*, want %d", n, name, op.names)
				}
				if op.data {
					if got := dataSHA(t, target); got != x {
						return fmt.Errorf("target dataset %s, want X %s", got, x)
					}
					if n := acceptedRequests(t, op.method, op.path); n != 1 {
						return fmt.Errorf("the act was accepted %d times over the faulted and the second apply, want once", n)
					}
				}
				if n := totalRequests(t); n > maxRequests {
					return fmt.Errorf("%d requests for one fault: a retry storm", n)
				}
				t.Logf("cell %s: %d requests for the faulted and the second apply", name, totalRequests(t))
				return nil
			},
		})
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			control(t, "DELETE", "/_emulator/faults", nil, nil)
			if n := instancesNamed(t, name); n != 0 {
				return fmt.Errorf("%d instances named %s* left after destroy", n, name)
			}
			return nil
		},
		Steps: steps,
	})
}

// acceptedRequests counts, since the last statistics reset, the 2xx answers to method on routes matching path.
func acceptedRequests(t *testing.T, method, path string) int {
	t.Helper()
	var st struct {
		Requests []struct {
			Method, Route string
			Status, Count int
		}
	}
	control(t, "GET", "/_emulator/stats", nil, &st)
	n := 0
	for _, r := range st.Requests {
		if r.Method == method && r.Status >= 200 && r.Status < 300 && regexp.MustCompile(path).MatchString(r.Route) {
			n += r.Count
		}
	}
	return n
}
