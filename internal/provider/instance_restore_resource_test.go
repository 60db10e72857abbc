package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/aura-terraform/terraform-provider-aura/internal/aura"
)

// Write X, snapshot, write Y, restore: the data is X again.
func TestAccInstanceRestore_inPlaceBringsTheSnapshotBack(t *testing.T) {
	needsEmulator(t)
	var instanceID, x string
	base := testAccSnapshotConfig("acc-restore", "x")
	restore := base + `
resource "aura_instance_restore" "test" {
  instance_id       = aura_instance.test.id
  snapshot_id       = aura_snapshot.test.snapshot_id
  confirm_overwrite = true
}
`
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckInstanceDestroy,
		Steps: []resource.TestStep{
			{
				Config: testAccInstanceConfig("acc-restore", "2GB", "europe-west1", ""),
				Check: func(s *terraform.State) error {
					instanceID = stateAttr(s, "aura_instance.test", "id")
					x = putData(t, instanceID, map[string]any{"dataset": "X"})
					return nil
				},
			},
			{
				Config: base,
				Check: func(s *terraform.State) error {
					if y := putData(t, instanceID, map[string]any{"dataset": "Y"}); y == x {
						return fmt.Errorf("X and Y hash alike")
					}
					return nil
				},
			},
			{
				Config: restore,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("aura_instance_restore.test", tfjsonpath.New("method"), knownvalue.StringExact("restore")),
					statecheck.ExpectKnownValue("aura_instance_restore.test", tfjsonpath.New("completed_at"), knownvalue.NotNull()),
				},
				Check: func(*terraform.State) error {
					if got := dataSHA(t, instanceID); got != x {
						return fmt.Errorf("after the restore the dataset is %s, want X (%s)", got, x)
					}
					putData(t, instanceID, map[string]any{"dataset": "Z, written after the restore"})
					return nil
				},
			},
			{ // changing only the timeouts updates in place: no second restore, Z stays
				Config: strings.Replace(restore, "confirm_overwrite = true", "confirm_overwrite = true\n  timeouts = { create = \"20m\" }", 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("aura_instance_restore.test", plancheck.ResourceActionUpdate),
				}},
				Check: func(*terraform.State) error {
					if got := dataSHA(t, instanceID); got == x {
						return fmt.Errorf("a timeouts change restored again")
					}
					return nil
				},
			},
		},
	})
}

// Overwrite from another instance's exportable snapshot copies that snapshot's data.
func TestAccInstanceRestore_overwriteFromAnotherInstance(t *testing.T) {
	needsEmulator(t)
	var x, targetID string
	two := `
resource "aura_instance" "source" {
  name = "acc-ow-source"
  type = "professional-db"
  cloud_provider = "gcp"
  region = "europe-west1"
  memory = "2GB"
  deletion_protection = false
}
resource "aura_instance" "target" {
  name = "acc-ow-target"
  type = "professional-db"
  cloud_provider = "gcp"
  region = "europe-west1"
  memory = "2GB"
  deletion_protection = false
}
`
	withSnap := two + `
resource "aura_snapshot" "source" {
  instance_id = aura_instance.source.id
}
`
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckInstanceDestroy,
		Steps: []resource.TestStep{
			{
				Config: two,
				Check: func(s *terraform.State) error {
					x = putData(t, stateAttr(s, "aura_instance.source", "id"), map[string]any{"dataset": "source X"})
					targetID = stateAttr(s, "aura_instance.target", "id")
					putData(t, targetID, map[string]any{"dataset": "target"})
					return nil
				},
			},
			{Config: withSnap},
			{
				Config: withSnap + `
resource "aura_instance_restore" "test" {
  instance_id        = aura_instance.target.id
  source_instance_id = aura_instance.source.id
  snapshot_id        = aura_snapshot.source.snapshot_id
  confirm_overwrite  = true
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("aura_instance_restore.test", tfjsonpath.New("method"), knownvalue.StringExact("overwrite")),
				},
				Check: func(*terraform.State) error {
					if got := dataSHA(t, targetID); got != x {
						return fmt.Errorf("target dataset %s, want the source's X %s", got, x)
					}
					return nil
				},
			},
		},
	})
}

// Without confirm_overwrite = true the plan fails and nothing is sent.
func TestAccInstanceRestore_needsConfirmation(t *testing.T) {
	needsEmulator(t)
	var instanceID, x string
	base := testAccSnapshotConfig("acc-unconfirmed", "x")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckInstanceDestroy,
		Steps: []resource.TestStep{
			{
				Config: base,
				Check: func(s *terraform.State) error {
					instanceID = stateAttr(s, "aura_instance.test", "id")
					x = putData(t, instanceID, map[string]any{"dataset": "keep me"})
					control(t, "DELETE", "/_emulator/stats", nil, nil)
					return nil
				},
			},
			{
				Config: base + `
resource "aura_instance_restore" "test" {
  instance_id       = aura_instance.test.id
  snapshot_id       = aura_snapshot.test.snapshot_id
  confirm_overwrite = false
}
`,
				ExpectError: regexp.MustCompile(`(?s)confirm_overwrite must be true.*Allowed value: true`),
				Check: func(*terraform.State) error {
					return nil
				},
			},
			{
				Config: base,
				Check: func(*terraform.State) error {
					if got := dataSHA(t, instanceID); got != x {
						return fmt.Errorf("data changed without confirmation")
					}
					if n := mutatingRequests(t); n != 0 {
						return fmt.Errorf("%d mutating requests were sent for an unconfirmed restore", n)
					}
					return nil
				},
			},
		},
	})
}

// The event model, as a user meets it with the terraform CLI: a restore runs on create, on a change of its
// own triggers and on -replace, each announced by the plan and preceded by an undo snapshot; a retaken or
// expired upstream snapshot runs nothing and the drift plan stays clean.
func TestAccInstanceRestore_runsOnlyByIntent(t *testing.T) {
	needsEmulator(t)
	ctx := context.Background()
	base := instanceHCL("prod", "acc-intent-prod")
	snapshot := func(m string) string {
		return fmt.Sprintf(`
resource "aura_snapshot" "known_good" {
  instance_id = aura_instance.prod.id
  triggers    = { migration = %q }
}
output "snapshot" { value = aura_snapshot.known_good.snapshot_id }
`, m)
	}
	restore := func(ticket string) string {
		return fmt.Sprintf(`
resource "aura_instance_restore" "rollback" {
  instance_id       = aura_instance.prod.id
  snapshot_id       = aura_snapshot.known_good.snapshot_id
  confirm_overwrite = true
  triggers          = { ticket = %q }
}
output "backup" { value = aura_instance_restore.rollback.backup_snapshot_id }
output "status" { value = aura_instance_restore.rollback.status }
`, ticket)
	}
	base += `output "id" { value = aura_instance.prod.id }`
	w := newCLIWorkdir(t, base)
	t.Cleanup(func() { w.run("destroy") })
	w.must("apply")
	prod := w.output("id")
	x := putData(t, prod, map[string]any{"dataset": "X"})
	w.write(base + snapshot("m1"))
	w.must("apply")
	y := putData(t, prod, map[string]any{"dataset": "Y"})

	// Create: announced with the target, the source snapshot and its time, what is lost and the undo.
	w.write(base + snapshot("m1") + restore("INC-1"))
	resetStats(t)
	out, code := w.run("plan", "-detailed-exitcode")
	s, err := testAccClient(t).GetSnapshot(ctx, prod, w.output("snapshot"))
	if err != nil {
		t.Fatal(err)
	}
	contains(t, "plan of the create", out, []string{"This apply overwrites instance data", "restores instance " + prod + ` ("acc-intent-prod", professional-db)`,
		"from snapshot " + s.SnapshotID, "taken " + s.Timestamp, "It returns to its data as of " + s.Timestamp + ", ", "m ago: writes since are lost", "backup_snapshot_id, the undo"})
	if code != 2 {
		t.Fatalf("plan of the create exited %d", code)
	}
	w.must("apply")
	expectActs(t, "first apply", acts{Restores: 1, Snapshots: 1})
	if got := dataSHA(t, prod); got != x {
		t.Fatalf("after the restore the data is %s, want X %s", got, x)
	}
	if w.output("status") != actCompleted {
		t.Fatalf("status %q after the apply", w.output("status"))
	}
	undo := w.output("backup")

	// The undo: the snapshot taken before the act holds Y, the data the restore replaced.
	c := testAccClient(t)
	if err := c.RestoreSnapshot(ctx, prod, undo); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AwaitInstance(ctx, prod, "running"); err != nil {
		t.Fatal(err)
	}
	if got := dataSHA(t, prod); got != y {
		t.Fatalf("restoring backup_snapshot_id gave %s, want the pre-act data Y %s", got, y)
	}

	// Nothing changed: the drift plan is clean and silent.
	resetStats(t)
	out, code = w.run("plan", "-detailed-exitcode")
	contains(t, "plan after the act", out, nil, "overwrites instance data", "runs no restore")
	if code != 0 {
		t.Fatalf("plan after the act exited %d:\n%s", code, out)
	}

	// The upstream snapshot is retaken: the new id is recorded in place, the plan says no restore runs.
	z := putData(t, prod, map[string]any{"dataset": "Z"})
	w.write(base + snapshot("m2") + restore("INC-1"))
	out = w.must("plan")
	contains(t, "plan after the snapshot's triggers changed", out,
		[]string{"This change by itself runs no restore", "snapshot_id changed", "change triggers", "aura_instance_restore.rollback will be updated in-place"},
		"overwrites instance data", "aura_instance_restore.rollback must be replaced")
	w.must("apply")
	expectActs(t, "snapshot retaken", acts{Snapshots: 1})
	if got := dataSHA(t, prod); got != z {
		t.Fatalf("a retaken snapshot changed the data: %s, want Z %s", got, z)
	}

	// Its own triggers change: announced, one restore (from the retaken snapshot, which holds Z), one undo.
	putData(t, prod, map[string]any{"dataset": "W"})
	w.write(base + snapshot("m2") + restore("INC-2"))
	out = w.must("plan")
	contains(t, "plan after the restore's triggers changed", out, []string{"This apply overwrites instance data", "aura_instance_restore.rollback must be replaced"})
	w.must("apply")
	expectActs(t, "own triggers changed", acts{Restores: 1, Snapshots: 2})
	if got := dataSHA(t, prod); got != z {
		t.Fatalf("after the triggered restore the data is %s, want Z %s", got, z)
	}
	if w.output("backup") == undo {
		t.Fatal("the second restore took no new undo snapshot")
	}

	// -replace runs it once more. Terraform announces it itself: it drops the warnings of a re-plan.
	resetStats(t)
	out = w.must("apply", "-replace=aura_instance_restore.rollback")
	contains(t, "apply -replace", out, []string{"aura_instance_restore.rollback will be replaced, as requested"})
	expectActs(t, "-replace", acts{Restores: 1, Snapshots: 1})

	// Eight days on, the professional-db snapshot has expired: kept as a record, nothing to do.
	testEmulator.AdvanceClock(8 * 24 * time.Hour)
	resetStats(t)
	out, code = w.run("plan", "-detailed-exitcode")
	if code != 0 {
		t.Fatalf("plan after expiry exited %d:\n%s", code, out)
	}
	w.must("apply")
	expectActs(t, "snapshot expired", acts{})
}

// A restore whose wait times out after Aura accepted it stays in state untainted with status "pending": the
// apply says it is still running, the next refresh sees it finished, and nothing is sent again. Its
// emulator's transitions last 3 s, longer than the 2 s create timeout; the backup snapshot alone takes longer
// than that, and then nothing is overwritten.
func TestAccInstanceRestore_timeoutAfterAcceptanceIsNotResent(t *testing.T) {
	needsEmulator(t)
	slow, c := slowEmulator(t, 3*time.Second)
	ctx := context.Background()
	created, err := c.CreateInstance(ctx, aura.CreateInstanceRequest{Name: "acc-slow", TenantID: slow.TenantID(), Type: "professional-db",
		Version: "5", Region: "europe-west1", CloudProvider: "gcp", Memory: "2GB"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitForInstance(ctx, created.ID, "running"); err != nil {
		t.Fatal(err)
	}
	snap := takeSnapshot(t, c, created.ID).SnapshotID
	config := func(backup bool) string {
		return providerBlock(slow) + fmt.Sprintf(`
resource "aura_instance_restore" "slow" {
  instance_id       = %q
  snapshot_id       = %q
  confirm_overwrite = true
  backup_before     = %t
  timeouts          = { create = "2s" }
}
output "status" { value = aura_instance_restore.slow.status }
`, created.ID, snap, backup)
	}
	w := newCLIWorkdir(t, config(true))
	out, code := w.run("apply")
	contains(t, "apply whose backup cannot complete in time", out, []string{"No backup, no restore", "so nothing was overwritten"})
	if code == 0 {
		t.Fatal("an apply whose backup snapshot did not complete succeeded")
	}
	if a := countActsAt(t, slow.BaseURL()); a.Restores != 0 {
		t.Fatalf("a restore was sent without its backup: %+v", a)
	}

	w.write(config(false))
	out = w.must("apply")
	contains(t, "apply whose wait times out", out, []string{"The restore is still running in Aura", "will not be sent again"})
	if got := w.output("status"); got != actPending {
		t.Fatalf("status %q after the timeout, want pending", got)
	}
	if out := w.must("state", "list"); !strings.Contains(out, "aura_instance_restore.slow") {
		t.Fatalf("the accepted restore is not in state:\n%s", out)
	}
	out, code = w.run("plan", "-detailed-exitcode")
	if code != 0 || strings.Contains(out, "tainted") {
		t.Fatalf("plan while the restore runs exited %d:\n%s", code, out)
	}
	if _, err := c.WaitForInstance(ctx, created.ID, "running"); err != nil {
		t.Fatal(err)
	}
	w.must("apply")
	if got := w.output("status"); got != actCompleted {
		t.Fatalf("status %q once the restore finished, want completed", got)
	}
	if a := countActsAt(t, slow.BaseURL()); a.Restores != 1 {
		t.Fatalf("restores sent: %d, want exactly 1", a.Restores)
	}
}

// A restore fed by data.aura_snapshots' most_recent sees a new snapshot at once (its own undo snapshot) and a
// new scheduled one every day: each new id is recorded in place and nothing is restored.
func TestAccInstanceRestore_mostRecentMovingRestoresNothing(t *testing.T) {
	needsEmulator(t)
	w := newCLIWorkdir(t, testAccSnapshotConfig("acc-restore-recent", "x"))
	t.Cleanup(func() { w.run("destroy") })
	resetStats(t)
	w.must("apply")
	// Snapshot timestamps have whole seconds: the undo snapshot must be later than this one to be the newest.
	testEmulator.AdvanceClock(2 * time.Second)
	w.write(testAccSnapshotConfig("acc-restore-recent", "x") + `
data "aura_snapshots" "recent" {
  instance_id     = aura_instance.test.id
  exportable_only = true
  depends_on      = [aura_snapshot.test]
}
resource "aura_instance_restore" "test" {
  instance_id       = aura_instance.test.id
  snapshot_id       = data.aura_snapshots.recent.most_recent.snapshot_id
  confirm_overwrite = true
}
output "id" { value = aura_instance.test.id }
`)
	w.must("apply")
	expectActs(t, "first apply", acts{Creates: 1, Restores: 1, Snapshots: 2})
	z := putData(t, w.output("id"), map[string]any{"dataset": "Z, written after the restore"})
	for _, advance := range []time.Duration{0, 25 * time.Hour} {
		testEmulator.AdvanceClock(advance)
		resetStats(t)
		out, code := w.run("plan", "-detailed-exitcode")
		contains(t, fmt.Sprintf("plan %s later", advance), out, []string{"This change by itself runs no restore", "aura_instance_restore.test will be updated in-place"},
			"must be replaced", "overwrites instance data")
		if code != 2 {
			t.Fatalf("plan %s later exited %d", advance, code)
		}
		w.must("apply")
		expectActs(t, fmt.Sprintf("apply %s later", advance), acts{})
		if got := dataSHA(t, w.output("id")); got != z {
			t.Fatalf("data %s, want Z %s", got, z)
		}
	}
	if out, code := w.run("plan", "-detailed-exitcode"); code != 0 {
		t.Fatalf("plan after recording exited %d:\n%s", code, out)
	}
}

// A free-db instance keeps only its latest on-demand snapshot: the undo snapshot of an in-place restore would
// replace the snapshot to restore, so the plan refuses it before anything is sent; without the undo it restores.
func TestAccInstanceRestore_freeDBUndoWouldEvictTheSource(t *testing.T) {
	needsEmulator(t)
	ctx := context.Background()
	c := testAccClient(t)
	created, err := c.CreateInstance(ctx, aura.CreateInstanceRequest{Name: "acc-free-restore", TenantID: testEmulator.TenantID(),
		Type: "free-db", Version: "5", Region: "europe-west1", CloudProvider: "gcp", Memory: "1GB"})
	if err == nil {
		_, err = c.WaitForInstance(ctx, created.ID, "running")
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.DeleteInstance(ctx, created.ID) })
	x := putData(t, created.ID, map[string]any{"dataset": "X"})
	snap := takeSnapshot(t, c, created.ID).SnapshotID
	putData(t, created.ID, map[string]any{"dataset": "Y"})
	config := func(backup string) string {
		return fmt.Sprintf(`
resource "aura_instance_restore" "free" {
  instance_id       = %q
  snapshot_id       = %q
  confirm_overwrite = true
  %s
}
`, created.ID, snap, backup)
	}
	resetStats(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      config(""),
				ExpectError: wrapped("The undo snapshot would replace the snapshot to restore", "Set backup_before = false"),
				Check:       func(*terraform.State) error { return nil },
			},
			{
				PreConfig: func() {
					if n := mutatingRequests(t); n != 0 {
						t.Errorf("%d mutating requests for a refused restore", n)
					}
				},
				Config: config("backup_before = false"),
				Check: func(*terraform.State) error {
					if got := dataSHA(t, created.ID); got != x {
						return fmt.Errorf("free-db data %s after the restore, want X %s", got, x)
					}
					return nil
				},
			},
		},
	})
}

// The warning's sentence about what is lost reads as a sentence whatever is known of the snapshot at plan.
func TestWhatIsLost_readsWellWithUnknownValues(t *testing.T) {
	_, unknown := describeSnapshot(types.StringUnknown(), nil)
	_, unread := describeSnapshot(types.StringValue("5e7cb4ef"), errors.New("503"))
	_, fresh := describeSnapshot(types.StringNull(), nil)
	for _, c := range []struct{ method, since, want string }{
		{"restore", unknown, "It returns to its data as of the time that snapshot was taken: writes since are lost."},
		{"restore", unread, "It returns to its data as of the time that snapshot was taken: writes since are lost."},
		{"overwrite", unknown, "All data of the target now is lost: it becomes the source's data as of the time that snapshot was taken."},
		{"overwrite", fresh, "All data of the target now is lost: it becomes the source's data as of the apply."},
		{"restore", "2026-12-01T10:00:00Z, 2h ago", "It returns to its data as of 2026-12-01T10:00:00Z, 2h ago: writes since are lost."},
	} {
		if got := whatIsLost(c.method, c.since); got != c.want {
			t.Errorf("%s since %q:\n got %q\nwant %q", c.method, c.since, got, c.want)
		}
	}
}

// The acts guide's rows on what Terraform itself sees as a new act: triggers set where there were none run the
// restore again, and so does a new address (state rm, or a rename without a moved block); an undo snapshot that
// Aura refuses stops the act before it is sent, and the apply fails.
func TestAccInstanceRestore_newTriggersAndAddressesRunItAFailedUndoStopsIt(t *testing.T) {
	needsAcc(t)
	t.Parallel()
	e, _ := slowEmulator(t, 300*time.Millisecond)
	base := providerBlock(e) + `
resource "aura_instance" "prod" {
  name                = "acts-rows"
  type                = "professional-db"
  cloud_provider      = "gcp"
  region              = "europe-west1"
  memory              = "2GB"
  deletion_protection = false
}
resource "aura_snapshot" "known_good" {
  instance_id = aura_instance.prod.id
}
`
	restore := func(name, triggers string) string {
		return fmt.Sprintf(`
resource "aura_instance_restore" %q {
  instance_id       = aura_instance.prod.id
  snapshot_id       = aura_snapshot.known_good.snapshot_id
  confirm_overwrite = true
  %s
}
`, name, triggers)
	}
	expect := func(when string, want acts) {
		t.Helper()
		if got := countActsAt(t, e.BaseURL()); got != want {
			t.Errorf("%s: %+v sent, want %+v", when, got, want)
		}
		slowControl(t, e, "DELETE", "/_emulator/stats", nil, nil)
	}
	w := newCLIWorkdir(t, base+restore("rollback", ""))
	t.Cleanup(func() { w.run("destroy") })
	w.must("apply")
	expect("create", acts{Restores: 1, Snapshots: 2, Creates: 1})

	w.write(base + restore("rollback", `triggers = { ticket = "INC-1" }`))
	contains(t, "plan with triggers where there were none", w.must("plan"), []string{"aura_instance_restore.rollback must be replaced", "This apply overwrites instance data"})
	w.must("apply")
	expect("triggers set where there were none", acts{Restores: 1, Snapshots: 1})

	w.must("state", "rm", "aura_instance_restore.rollback")
	w.must("apply")
	expect("after terraform state rm", acts{Restores: 1, Snapshots: 1})

	w.write(base + restore("rollback_renamed", `triggers = { ticket = "INC-1" }`))
	w.must("apply")
	expect("renamed without a moved block", acts{Restores: 1, Snapshots: 1})

	slowControl(t, e, "POST", "/_emulator/faults", map[string]any{"method": "POST", "path": `/snapshots$`, "status": 400, "count": 1}, nil)
	out, code := w.run("apply", "-replace=aura_instance_restore.rollback_renamed")
	if code == 0 {
		t.Errorf("the apply whose undo snapshot failed exited 0:\n%s", out)
	}
	if got := countActsAt(t, e.BaseURL()); got != (acts{Snapshots: 1}) {
		t.Errorf("undo snapshot refused: %+v sent, want the one snapshot request and no restore", got)
	}
	slowControl(t, e, "DELETE", "/_emulator/faults", nil, nil)
}
