package provider

import (
	"fmt"
	"maps"
	"testing"
	"time"

	"github.com/aura-terraform/terraform-provider-aura/internal/emulator"
)

// instancesHCL is count professional-db instances, aura_instance.many[*], with extra settings.
func instancesHCL(count int, extra string) string {
	return fmt.Sprintf(`
resource "aura_instance" "many" {
  count               = %d
  name                = "acc-slow-create-${count.index}"
  type                = "professional-db"
  cloud_provider      = "gcp"
  region              = "europe-west1"
  memory              = "2GB"
  deletion_protection = false
  %s
}
`, count, extra)
}

// awaitCreates waits until the emulator has received n instance creates.
func awaitCreates(t *testing.T, e *emulator.Emulator, n int) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for countActsAt(t, e.BaseURL()).Creates < n {
		if time.Now().After(deadline) {
			t.Fatalf("the emulator never received %d creates", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// An apply interrupted (SIGINT) while Aura creates 3 instances keeps the 3 in state, untainted, with the status
// they had; the next apply waits for them and replaces nothing: 3 creates in all.
func TestAccInstance_interruptedCreateKeepsTheInstances(t *testing.T) {
	needsEmulator(t)
	slow, _ := slowEmulator(t, 8*time.Second)
	w := newCLIWorkdir(t, providerBlock(slow)+instancesHCL(3, ""))
	t.Cleanup(func() { w.run("destroy") })

	run := w.start("apply")
	awaitCreates(t, slow, 3)
	run.interrupt()
	out, code := run.wait()
	if code == 0 {
		t.Fatalf("the interrupted apply exited 0:\n%s", out)
	}
	contains(t, "interrupted apply", out, []string{"was interrupted", `was interrupted while it was "creating"`, "kept in state, untainted"},
		"did not become [", "tainted and will be replaced")
	ids := w.stateAttr("id")
	if len(ids) != 3 {
		t.Fatalf("state after the interrupt holds %d instances, want 3: %v", len(ids), ids)
	}

	began := time.Now()
	out = w.must("apply")
	t.Logf("the apply after the interrupt took %s", time.Since(began).Round(time.Second))
	contains(t, "apply after the interrupt", out, []string{"0 to add", "0 to destroy"}, "must be replaced", "tainted")
	if after := w.stateAttr("id"); !maps.Equal(after, ids) {
		t.Fatalf("instances replaced: %v, then %v", ids, after)
	}
	for addr, status := range w.stateAttr("status") {
		if status != "running" {
			t.Errorf("%s is %v after the apply, not running", addr, status)
		}
	}
	if a := countActsAt(t, slow.BaseURL()); a.Creates != 3 {
		t.Fatalf("instance creates %d, want 3", a.Creates)
	}
	w.quietPlan("plan after the instances are running")
}

// A create that outlasts its create timeout keeps the instance in state, untainted, and says so; the next plan
// updates it in place (waiting for it), never replaces it.
func TestAccInstance_createTimeoutKeepsTheInstance(t *testing.T) {
	needsEmulator(t)
	slow, _ := slowEmulator(t, 5*time.Second)
	w := newCLIWorkdir(t, providerBlock(slow)+instancesHCL(1, `timeouts = { create = "1s" }`))
	t.Cleanup(func() { w.run("destroy") })

	out := w.must("apply")
	contains(t, "apply whose wait times out", out, []string{
		"did not become running within the create timeout",
		`did not become running within the create timeout (1s); its last status was "creating"`,
		"kept in state, untainted",
	}, "did not become [", "tainted and will be replaced")
	ids := w.stateAttr("id")

	out, code := w.run("plan", "-detailed-exitcode")
	if code != 2 {
		t.Fatalf("plan after the timeout exited %d, want 2 (an update that waits):\n%s", code, out)
	}
	contains(t, "plan after the timeout", out, []string{"will be updated in-place", "0 to add, 1 to change, 0 to destroy"}, "must be replaced", "tainted")
	w.must("apply")
	if after := w.stateAttr("id"); !maps.Equal(after, ids) {
		t.Fatalf("instance replaced: %v, then %v", ids, after)
	}
	if s := w.stateAttr("status")["aura_instance.many[0]"]; s != "running" {
		t.Fatalf("status %v after the second apply, not running", s)
	}
	if a := countActsAt(t, slow.BaseURL()); a.Creates != 1 {
		t.Fatalf("instance creates %d, want 1", a.Creates)
	}
}
