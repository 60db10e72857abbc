package provider

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A protected instance stops every plan that would destroy or replace it, on deletion_protection, before anything
// runs: its sibling snapshot stays in state and no mutating request is sent. A new instance is protected by default.
func TestAccInstance_deletionProtectionRefusedAtPlan(t *testing.T) {
	needsEmulator(t)
	w := newCLIWorkdir(t, destroyWarningConfig("europe-west1", "deletion_protection = true"))
	t.Cleanup(func() {
		w.write(destroyWarningConfig("europe-west1", "deletion_protection = false") + instanceHCL("fresh", "acc-fresh"))
		w.run("apply")
		w.run("destroy")
	})
	w.must("apply")
	id := w.output("id")
	refused := []string{"Deletion protection is on", "instance " + id,
		"set deletion_protection = false and apply that first"}

	resetStats(t)
	for _, step := range []struct {
		when, config string
		args         []string
		extra        []string
	}{
		{"region change", destroyWarningConfig("us-central1", "deletion_protection = true"), []string{"plan"}, []string{`This plan would replace instance ` + id + ` ("acc-destroy-warning", professional-db) (region "europe-west1" -> "us-central1" forces a new instance)`, "with aura_instance.prod"}},
		{"terraform destroy", destroyWarningConfig("europe-west1", "deletion_protection = true"), []string{"destroy"}, []string{"This plan would destroy instance " + id, "with aura_instance.prod"}},
		// Removed from the configuration, the instance has no block for Terraform to point at.
		{"removed block", `output "gone" { value = true }`, []string{"apply"}, []string{"This plan would destroy instance " + id}},
		{"default", destroyWarningConfig("europe-west1", ""), []string{"destroy"}, []string{"This plan would destroy instance " + id, "with aura_instance.prod"}},
	} {
		w.write(step.config)
		out, code := w.run(step.args...)
		if code != 1 {
			t.Fatalf("%s: terraform %v exited %d, want 1:\n%s", step.when, step.args, code, out)
		}
		contains(t, step.when, out, append(refused, step.extra...), "Destruction complete", "Destroying...")
	}
	if n := mutatingRequests(t); n != 0 {
		t.Fatalf("the refused plans sent %d mutating requests, want 0", n)
	}
	contains(t, "state after the refused plans", w.must("state", "list"), []string{"aura_instance.prod", "aura_snapshot.sibling"})

	// Terraform re-plans a -replace as a create, and that plan still carries what the first plan of the instance
	// recorded: a protected instance is refused there too.
	w.write(destroyWarningConfig("europe-west1", "deletion_protection = true"))
	out, code := w.run("plan", "-replace=aura_instance.prod")
	if code != 1 {
		t.Fatalf("plan -replace of a protected instance exited %d, want 1:\n%s", code, out)
	}
	contains(t, "plan of -replace", out, []string{"Deletion protection is on", "This plan would replace instance " + id, "terraform apply -replace"})
	if n := mutatingRequests(t); n != 0 {
		t.Fatalf("the refused -replace sent %d mutating requests, want 0", n)
	}

	// A new instance whose configuration does not mention deletion_protection is protected.
	fresh := destroyWarningConfig("europe-west1", "deletion_protection = true") + instanceHCLWith("fresh", "acc-fresh", "")
	w.write(fresh)
	contains(t, "apply of a new instance", w.must("apply"), []string{"1 added"})
	out, code = w.run("plan", "-destroy")
	if code != 1 {
		t.Fatalf("plan -destroy of a new instance exited %d, want 1:\n%s", code, out)
	}
	contains(t, "plan -destroy of a new instance", out, []string{"Deletion protection is on", "with aura_instance.fresh", `("acc-fresh", professional-db)`})
}

// cloneHCL is a clone of aura_instance.prod from a fresh snapshot, with extra as its deletion_protection line.
func cloneHCL(extra string) string {
	return `
resource "aura_instance_from_snapshot" "staging" {
  name               = "acc-dp-staging"
  type               = "professional-db"
  cloud_provider     = "gcp"
  region             = "europe-west1"
  memory             = "2GB"
  source_instance_id = aura_instance.prod.id
  ` + extra + `
}
`
}

// State written by the previous version (aura_instance schema 0, aura_instance_from_snapshot schema 1, whose
// deletion_protection defaulted to false) upgrades to protected: a configuration that does not set it plans
// nothing, and one that says false plans an in-place change whose apply sends no request at all.
func TestAccDeletionProtection_upgradeFromPreviousVersion(t *testing.T) {
	needsEmulator(t)
	w := newCLIWorkdir(t, instanceHCL("prod", "acc-dp-prod")+cloneHCL("deletion_protection = false"))
	t.Cleanup(func() { w.run("destroy") })
	w.must("apply")
	// The previous version wrote the same attributes under the older schema versions, with false by default.
	file := filepath.Join(w.dir, "terraform.tfstate")
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var st map[string]any
	if err := json.Unmarshal(raw, &st); err != nil {
		t.Fatal(err)
	}
	for _, r := range st["resources"].([]any) {
		r := r.(map[string]any)
		inst := r["instances"].([]any)[0].(map[string]any)
		inst["schema_version"] = map[string]int{"aura_instance": 0, "aura_instance_from_snapshot": 1}[r["type"].(string)]
		if inst["attributes"].(map[string]any)["deletion_protection"] != false {
			t.Fatalf("%s: deletion_protection is not false before the upgrade", r["type"])
		}
	}
	raw, _ = json.Marshal(st)
	if err := os.WriteFile(file, raw, 0o600); err != nil {
		t.Fatal(err)
	}

	w.write(instanceHCLWith("prod", "acc-dp-prod", "") + cloneHCL(""))
	resetStats(t)
	if out, code := w.run("plan", "-detailed-exitcode"); code != 0 {
		t.Fatalf("plan after the upgrade, deletion_protection not set, exited %d:\n%s", code, out)
	}
	if n := mutatingRequests(t); n != 0 {
		t.Fatalf("the plan sent %d mutating requests, want 0", n)
	}

	w.write(instanceHCL("prod", "acc-dp-prod") + cloneHCL("deletion_protection = false"))
	out := w.must("plan", "-out=tfplan")
	contains(t, "plan after the upgrade, deletion_protection = false", out, []string{"deletion_protection = true -> false", "0 to add, 2 to change, 0 to destroy"}, "must be replaced", "Warning")
	resetStats(t)
	w.must("apply", "tfplan")
	if n := requestsServed(t); n != 0 {
		t.Fatalf("the apply of deletion_protection = false sent %d requests, want 0", n)
	}
	if out, code := w.run("plan", "-detailed-exitcode"); code != 0 {
		t.Fatalf("plan after the apply exited %d:\n%s", code, out)
	}
}

// requestsServed counts the API requests the shared emulator served since its last stats reset, tokens aside.
func requestsServed(t *testing.T) int {
	t.Helper()
	n := 0
	for _, r := range served(t, testEmulator) {
		if r.Route != "/oauth/token" {
			n += r.Count
		}
	}
	return n
}

// The way out that keeps the data works on a protected instance: a removed block with destroy = false lets go of
// it without a refusal, a warning of destruction, or a request; the instance lives on in Aura.
func TestAccDeletionProtection_removedBlockForgetsAProtectedInstance(t *testing.T) {
	needsEmulator(t)
	w := newCLIWorkdir(t, instanceHCLWith("prod", "acc-dp-forget", ""))
	w.must("apply")
	var id string
	for _, l := range strings.Split(w.must("state", "show", "aura_instance.prod"), "\n") {
		if f := strings.Fields(l); len(f) == 3 && f[0] == "id" {
			id = strings.Trim(f[2], `"`)
		}
	}
	if id == "" {
		t.Fatal("no id in state")
	}
	t.Cleanup(func() { _ = testAccClient(t).DeleteInstance(context.Background(), id) })
	w.write(`
removed {
  from = aura_instance.prod
  lifecycle {
    destroy = false
  }
}
`)
	resetStats(t)
	contains(t, "apply of the removed block", w.must("apply"), []string{"aura_instance.prod will no longer be managed by Terraform"},
		"Deletion protection is on", "This apply destroys")
	if n := mutatingRequests(t); n != 0 {
		t.Fatalf("forgetting the instance sent %d mutating requests, want 0", n)
	}
	if _, err := testAccClient(t).GetInstance(context.Background(), id); err != nil {
		t.Fatalf("the forgotten instance %s is not in Aura: %v", id, err)
	}
}

// A record of the instance outlives it when the instance is deleted outside Terraform: it refuses nothing then,
// and the next plan announces the deletion and creates a new instance.
func TestAccDeletionProtection_recordOfAGoneInstanceRefusesNothing(t *testing.T) {
	needsEmulator(t)
	w := newCLIWorkdir(t, destroyWarningConfig("europe-west1", "deletion_protection = true"))
	t.Cleanup(func() {
		w.write(destroyWarningConfig("europe-west1", "deletion_protection = false"))
		w.run("apply")
		w.run("destroy")
	})
	w.must("apply")
	id := w.output("id")
	// An in-place update saves the plan's record (protected, as the prior state was) in private state.
	w.write(destroyWarningConfig("europe-west1", "deletion_protection = false"))
	w.must("apply")
	control(t, "DELETE", "/_emulator/instances/"+id, nil, nil)
	out, code := w.run("plan", "-detailed-exitcode")
	if code != 2 {
		t.Fatalf("plan after the instance was deleted outside Terraform exited %d, want 2:\n%s", code, out)
	}
	contains(t, "plan after an outside delete", out, []string{"deleted outside Terraform", "aura_instance.prod will be created"}, "Deletion protection is on")
}
