package provider

import (
	"strings"
	"testing"
	"time"
)

// snapshotOf is an instance and an on-demand snapshot of it, with outputs of what the messages name.
func snapshotOf(name string) string {
	return instanceHCL("i", name) + `
resource "aura_snapshot" "s" {
  instance_id = aura_instance.i.id
}
output "instance" { value = aura_instance.i.id }
output "snapshot" { value = aura_snapshot.s.snapshot_id }
output "until" { value = aura_snapshot.s.restorable_until }
`
}

const deletesSnapshots = "Deleting an instance deletes all its snapshots with it."

// Destroying an aura_snapshot says what is true at that moment, and always that an instance's deletion takes its
// snapshots: kept until a date to come while the instance lives; deleted with an instance that this same apply
// destroyed first; expired, with the date it expired, once its window has passed.
func TestAccSnapshot_destroyWordingIsTrueNow(t *testing.T) {
	needsEmulator(t)

	kept := newCLIWorkdir(t, snapshotOf("acc-snap-kept"))
	t.Cleanup(func() { kept.run("destroy") })
	kept.must("apply")
	snapshot, until := kept.output("snapshot"), kept.output("until")
	kept.write(instanceHCL("i", "acc-snap-kept"))
	out := kept.must("apply")
	contains(t, "snapshot destroyed, instance kept", out, []string{"Warning: Snapshot kept by Aura",
		"this removed snapshot " + snapshot, "Aura keeps it restorable until " + until + " (in ", deletesSnapshots}, "expired")
	if !strings.Contains(out, "(in 7d0h)") && !strings.Contains(out, "(in 6d23h)") {
		t.Fatalf("the snapshot taken just now is not said to be kept for 7 days:\n%s", out)
	}

	// The instance depends on the snapshot (depends_on, instance_id written out): the destroy deletes it first.
	same := newCLIWorkdir(t, snapshotOf("acc-snap-same"))
	t.Cleanup(func() { same.run("destroy") })
	same.must("apply")
	instance := same.output("instance")
	snapshot = same.output("snapshot")
	reversed := strings.Replace(snapshotOf("acc-snap-same"), "instance_id = aura_instance.i.id", `instance_id = "`+instance+`"`, 1)
	reversed = strings.Replace(reversed, "deletion_protection = false", "deletion_protection = false\n  depends_on = [aura_snapshot.s]", 1)
	same.write(reversed)
	if out, code := same.run("plan", "-detailed-exitcode"); code != 0 {
		t.Fatalf("plan of the reordered configuration exited %d:\n%s", code, out)
	}
	out = same.must("destroy")
	if strings.Index(out, "aura_instance.i: Destruction complete") > strings.Index(out, "aura_snapshot.s: Destroying") {
		t.Fatalf("the instance was not destroyed before the snapshot:\n%s", out)
	}
	contains(t, "snapshot destroyed after its instance", out, []string{"Warning: Snapshot deleted with its instance",
		"this removed snapshot " + snapshot, "It no longer exists: instance " + instance + " was deleted, and Aura deleted its snapshots with it.",
		deletesSnapshots}, "Snapshot kept by Aura", "restorable until")

	expired := newCLIWorkdir(t, snapshotOf("acc-snap-expired"))
	t.Cleanup(func() { expired.run("destroy") })
	expired.must("apply")
	snapshot, until = expired.output("snapshot"), expired.output("until")
	testEmulator.AdvanceClock(8 * 24 * time.Hour) // a professional-db on-demand snapshot lasts 7 days
	expired.write(instanceHCL("i", "acc-snap-expired"))
	contains(t, "expired snapshot destroyed", expired.must("apply"), []string{"Warning: Snapshot expired",
		"this removed snapshot " + snapshot, "It expired at " + until + " (1d0h ago) and can no longer be restored.", deletesSnapshots},
		"Snapshot kept by Aura", "restorable until")
}
