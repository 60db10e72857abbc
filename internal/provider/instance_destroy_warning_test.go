package provider

import (
	"strings"
	"testing"
)

// destroyWarningConfig is a populated instance and a sibling snapshot of it; extra replaces the instance's
// deletion_protection line, region its region.
func destroyWarningConfig(region, extra string) string {
	return strings.Replace(instanceHCLWith("prod", "acc-destroy-warning", extra), `"europe-west1"`, `"`+region+`"`, 1) + `
resource "aura_snapshot" "sibling" {
  instance_id = aura_instance.prod.id
}
output "id" { value = aura_instance.prod.id }
`
}

// Every plan that destroys or replaces an instance says so at plan, naming it, saying that its data and all its
// snapshots go with it, naming its newest completed and exportable snapshots with their ages, and the ways to keep
// the data; none of these plans sends a mutating request.
func TestAccInstance_destroyAndReplaceWarnWithSnapshots(t *testing.T) {
	needsEmulator(t)
	c := testAccClient(t)
	w := newCLIWorkdir(t, destroyWarningConfig("europe-west1", "deletion_protection = false"))
	t.Cleanup(func() { w.run("destroy") })
	w.must("apply")
	id := w.output("id")
	takeSnapshot(t, c, id)
	newest := takeSnapshot(t, c, id)
	what := []string{"instance " + id + ` ("acc-destroy-warning", professional-db)`, "ALL its snapshots",
		"Newest completed snapshot, deleted with it: " + newest.SnapshotID + " (AdHoc, taken " + newest.Timestamp,
		"Newest exportable snapshot, deleted with it: " + newest.SnapshotID + " (AdHoc, taken " + newest.Timestamp, "m ago)",
		"aura_instance_from_snapshot", `source_instance_id = "` + id + `"`, "removed { lifecycle { destroy = false } }", "deletion_protection = true"}

	resetStats(t)
	w.write(destroyWarningConfig("us-central1", "deletion_protection = false"))
	out := w.must("plan")
	contains(t, "plan of a region change", out, append([]string{"This apply replaces instance " + id + ` ("acc-destroy-warning") and all its snapshots`,
		`region "europe-west1" -> "us-central1" forces a new instance`, "the new instance starts empty"}, what...))
	// The walk back of aura_backup_status: today's list holds both answers, so it is the one list call.
	if n := snapshotListCalls(t, testEmulator); n != 1 {
		t.Fatalf("the plan listed snapshots %d times, want 1", n)
	}

	w.write(destroyWarningConfig("europe-west1", "deletion_protection = false"))
	out = w.must("plan", "-destroy")
	contains(t, "plan of terraform destroy", out, append([]string{"This apply destroys instance " + id + ` ("acc-destroy-warning") and all its snapshots`}, what...), "new instance")

	w.write(`output "gone" { value = true }`)
	out = w.must("plan")
	contains(t, "plan without the instance's block", out, append([]string{"This apply destroys instance " + id}, what...))

	w.write(destroyWarningConfig("europe-west1", "deletion_protection = false"))
	out = w.must("plan", "-replace=aura_instance.prod")
	// Terraform plans -replace without telling the instance's provider: the plan shows the replacement, and only
	// the snapshot that refers to the instance can speak.
	contains(t, "plan of -replace", out, []string{"aura_instance.prod will be replaced, as requested",
		"is re-created", "instance " + id + ", which this snapshot is of"}, "This apply replaces")
	if n := mutatingRequests(t); n != 0 {
		t.Fatalf("the plans sent %d mutating requests, want 0", n)
	}
}

// An instance deleted outside Terraform is announced at the next plan, with its snapshots, and the snapshot that
// referred to it says that its new snapshot will be of the new, empty instance; the plan sends nothing.
func TestAccInstance_deletedOutsideTerraformIsAnnounced(t *testing.T) {
	needsEmulator(t)
	w := newCLIWorkdir(t, destroyWarningConfig("europe-west1", "deletion_protection = false"))
	t.Cleanup(func() { w.run("destroy") })
	w.must("apply")
	id := w.output("id")
	control(t, "DELETE", "/_emulator/instances/"+id, nil, nil)
	resetStats(t)
	out := w.must("plan")
	contains(t, "plan after the instance was deleted", out, []string{"Warning: Instance deleted outside Terraform",
		"Aura no longer has instance " + id + ` ("acc-destroy-warning", professional-db)`, "deleted all its snapshots with it",
		"this plan creates a new, empty instance", "aura_instance.prod will be created",
		"is re-created", "instance " + id + ", which this snapshot is of",
		"takes a new snapshot of the new instance"})
	if n := mutatingRequests(t); n != 0 {
		t.Fatalf("the plan sent %d mutating requests, want 0", n)
	}
}

// A clone's changed triggers replace it with a fresh copy: that plan too names what dies, and a protected clone
// refuses it.
func TestAccInstanceFromSnapshot_retriggerWarnsAndProtectionRefuses(t *testing.T) {
	needsEmulator(t)
	config := func(run, protection string) string {
		return instanceHCL("prod", "acc-retrigger-src") + cloneHCL(protection+"\n  triggers = { run = \""+run+"\" }") +
			`output "clone" { value = aura_instance_from_snapshot.staging.id }`
	}
	w := newCLIWorkdir(t, config("1", "deletion_protection = false"))
	t.Cleanup(func() { w.write(config("1", "deletion_protection = false")); w.run("apply"); w.run("destroy") })
	w.must("apply")
	clone := w.output("clone")
	w.write(config("2", "deletion_protection = false"))
	contains(t, "plan of new triggers", w.must("plan"), []string{"This apply replaces instance " + clone + ` ("acc-dp-staging") and all its snapshots`,
		"replaces instance " + clone + ` ("acc-dp-staging", professional-db) (changed triggers forces a new instance)`,
		"This apply copies instance data into a new instance"})

	w.write(config("1", "deletion_protection = true"))
	w.must("apply")
	w.write(config("2", "deletion_protection = true"))
	out, code := w.run("plan")
	if code != 1 {
		t.Fatalf("plan of new triggers of a protected clone exited %d, want 1:\n%s", code, out)
	}
	contains(t, "plan of new triggers, protected", out, []string{"Deletion protection is on", "with aura_instance_from_snapshot.staging",
		"This plan would replace instance " + clone + ` ("acc-dp-staging", professional-db) (changed triggers forces a new instance)`})
}
