package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/aura-terraform/terraform-provider-aura/internal/aura"
)

const testAccCloneConfig = `
resource "aura_instance_from_snapshot" "clone" {
  name               = "acc-clone"
  type               = "professional-db"
  cloud_provider     = "gcp"
  region             = "europe-west1"
  memory             = "2GB"
  source_instance_id = aura_instance.test.id
  source_snapshot_id = aura_snapshot.test.snapshot_id
  deletion_protection = false
}
`

// The clone carries the snapshot's dataset, imports, and plans empty afterwards.
func TestAccInstanceFromSnapshot_carriesTheData(t *testing.T) {
	needsEmulator(t)
	var x string
	config := testAccSnapshotConfig("acc-clone-source", "x") + testAccCloneConfig
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckInstanceDestroy,
		Steps: []resource.TestStep{
			{
				Config: testAccInstanceConfig("acc-clone-source", "2GB", "europe-west1", ""),
				Check: func(s *terraform.State) error {
					x = putData(t, stateAttr(s, "aura_instance.test", "id"), map[string]any{"dataset": "X"})
					return nil
				},
			},
			{
				Config: config,
				Check: func(s *terraform.State) error {
					clone := stateAttr(s, "aura_instance_from_snapshot.clone", "id")
					if got := dataSHA(t, clone); got != x {
						return fmt.Errorf("clone dataset %s, want X %s", got, x)
					}
					if stateAttr(s, "aura_instance_from_snapshot.clone", "password") == "" {
						return fmt.Errorf("clone has no password")
					}
					return nil
				},
			},
			{Config: config, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
			{ // the import id names the source, so nothing is left unverified but what the API never returns
				ResourceName:            "aura_instance_from_snapshot.clone",
				ImportState:             true,
				ImportStateIdFunc:       cloneImportID,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"password", "username", "timeouts", "deletion_protection"},
			},
		},
	})
}

func cloneImportID(s *terraform.State) (string, error) {
	return fmt.Sprintf("%s:5:%s:%s", stateAttr(s, "aura_instance_from_snapshot.clone", "id"),
		stateAttr(s, "aura_instance_from_snapshot.clone", "source_instance_id"), stateAttr(s, "aura_instance_from_snapshot.clone", "source_snapshot_id")), nil
}

// An imported clone is never replaced: with the source in the import id the next plan is empty, and triggers
// first set after the import are recorded in place. From then on, a change of triggers replaces it on purpose.
// An id without the source is refused (TestAccInstanceFromSnapshot_importFormsGenerateValidConfiguration).
func TestAccInstanceFromSnapshot_importPlansNoReplacement(t *testing.T) {
	needsEmulator(t)
	config := testAccSnapshotConfig("acc-clone-import", "x") + testAccCloneConfig + `
output "clone" { value = aura_instance_from_snapshot.clone.id }
output "source" { value = aura_instance_from_snapshot.clone.source_instance_id }
output "snapshot" { value = aura_instance_from_snapshot.clone.source_snapshot_id }
`
	triggers := func(v string) string {
		return strings.Replace(config, "source_snapshot_id = aura_snapshot.test.snapshot_id",
			"source_snapshot_id = aura_snapshot.test.snapshot_id\n  triggers = { copy = \""+v+"\" }", 1)
	}
	w := newCLIWorkdir(t, config)
	t.Cleanup(func() { w.run("destroy") })
	w.must("apply")
	clone := w.output("clone")
	full := fmt.Sprintf("%s:5:%s:%s", clone, w.output("source"), w.output("snapshot"))

	w.must("state", "rm", "aura_instance_from_snapshot.clone")
	w.must("import", "aura_instance_from_snapshot.clone", full)
	// Aura does not hold deletion_protection: an import records the default, true, and the configuration's
	// false is the one change, in place.
	out := w.must("plan")
	contains(t, "plan after an import naming the source", out, []string{"deletion_protection = true -> false", "0 to add, 1 to change, 0 to destroy"}, "must be replaced")
	w.must("apply")
	if out, code := w.run("plan", "-detailed-exitcode"); code != 0 {
		t.Fatalf("plan after an import naming the source exited %d:\n%s", code, out)
	}
	// Triggers first set after the import: recorded, and the plan says that they copy nothing (acts guide).
	w.write(triggers("0"))
	contains(t, "plan after the import, triggers set for the first time", w.must("plan"),
		[]string{"aura_instance_from_snapshot.clone will be updated in-place", "This change by itself runs no data copy", "set for the first time since this clone was imported"},
		"must be replaced", "copies instance data")
	w.write(config)

	// The apply above recorded the import; a fresh one leaves triggers first set after it to be recorded.
	w.must("state", "rm", "aura_instance_from_snapshot.clone")
	w.must("import", "aura_instance_from_snapshot.clone", full)
	w.write(triggers("1"))
	out = w.must("plan")
	contains(t, "plan after the import, with triggers", out, []string{"aura_instance_from_snapshot.clone will be updated in-place"}, "must be replaced", "copies instance data")
	resetStats(t)
	w.must("apply")
	expectActs(t, "apply after the import", acts{})
	if out, code := w.run("plan", "-detailed-exitcode"); code != 0 {
		t.Fatalf("plan after recording exited %d:\n%s", code, out)
	}

	w.write(triggers("2"))
	out = w.must("plan")
	contains(t, "plan after the triggers changed", out, []string{"aura_instance_from_snapshot.clone must be replaced", "This apply copies instance data into a new instance"})
}

// A clone fed by data.aura_snapshots' most_recent keeps its data, password and connection URL when a new
// snapshot appears: the plan records the new id in place and says that nothing is copied.
func TestAccInstanceFromSnapshot_mostRecentMovingKeepsTheClone(t *testing.T) {
	needsEmulator(t)
	w := newCLIWorkdir(t, testAccSnapshotConfig("acc-clone-recent", "x")+`
data "aura_snapshots" "recent" {
  instance_id     = aura_instance.test.id
  exportable_only = true
  depends_on      = [aura_snapshot.test]
}
resource "aura_instance_from_snapshot" "clone" {
  name               = "acc-clone-recent-copy"
  type               = "professional-db"
  cloud_provider     = "gcp"
  region             = "europe-west1"
  memory             = "2GB"
  source_instance_id = aura_instance.test.id
  source_snapshot_id = data.aura_snapshots.recent.most_recent.snapshot_id
  deletion_protection = false
}
output "clone" { value = aura_instance_from_snapshot.clone.id }
output "url" { value = aura_instance_from_snapshot.clone.connection_url }
output "password" {
  value     = aura_instance_from_snapshot.clone.password
  sensitive = true
}
`)
	t.Cleanup(func() { w.run("destroy") })
	out := w.must("apply")
	contains(t, "apply of the clone", out, []string{"This apply copies instance data into a new instance", `creates instance "acc-clone-recent-copy"`})
	clone, url, password := w.output("clone"), w.output("url"), w.output("password")
	testEmulator.AdvanceClock(25 * time.Hour)
	resetStats(t)
	out, code := w.run("plan", "-detailed-exitcode")
	contains(t, "plan a day later", out, []string{"This change by itself runs no data copy", "source_snapshot_id changed", "aura_instance_from_snapshot.clone will be updated in-place"},
		"must be replaced")
	if code != 2 {
		t.Fatalf("plan a day later exited %d", code)
	}
	w.must("apply")
	expectActs(t, "apply a day later", acts{})
	if w.output("clone") != clone || w.output("url") != url || w.output("password") != password {
		t.Fatal("the clone changed id, connection URL or password")
	}
	if out, code := w.run("plan", "-detailed-exitcode"); code != 0 {
		t.Fatalf("plan after recording exited %d:\n%s", code, out)
	}
}

// A differential snapshot can not seed an instance: refused before anything is created.
func TestAccInstanceFromSnapshot_refusesANonExportableSnapshot(t *testing.T) {
	needsEmulator(t)
	c := testAccClient(t)
	created, err := c.CreateInstance(context.Background(), aura.CreateInstanceRequest{Name: "acc-bc-source", TenantID: testEmulator.TenantID(),
		Type: "business-critical", Version: "5", Region: "europe-west1", CloudProvider: "gcp", Memory: "2GB"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.DeleteInstance(context.Background(), created.ID) })
	if _, err := c.WaitForInstance(context.Background(), created.ID, "running"); err != nil {
		t.Fatal(err)
	}
	diff := differentialSnapshot(t, created.ID)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckInstanceDestroy,
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(`
resource "aura_instance_from_snapshot" "clone" {
  name               = "acc-bc-clone"
  type               = "business-critical"
  cloud_provider     = "gcp"
  region             = "europe-west1"
  memory             = "2GB"
  source_instance_id = %q
  source_snapshot_id = %q
  deletion_protection = false
}
`, created.ID, diff),
				ExpectError: wrapped("not exportable", "differential snapshots are never exportable"),
			},
		},
	})
	list, _ := c.ListInstances(context.Background(), testEmulator.TenantID())
	for _, s := range list {
		if s.Name == "acc-bc-clone" {
			t.Errorf("a refused clone was created: %s", s.ID)
		}
	}
}

// Replacing a clone through an instance setting (here its region) copies the data again: the plan announces
// it, and checks the source first, so that an expired source snapshot stops the plan before the old clone is
// destroyed.
func TestAccInstanceFromSnapshot_replacementIsAnnouncedAndCheckedAtPlan(t *testing.T) {
	needsEmulator(t)
	clone := func(region string) string {
		return testAccSnapshotConfig("acc-clone-region", "x") + fmt.Sprintf(`
resource "aura_instance_from_snapshot" "clone" {
  name               = "acc-clone-region-copy"
  type               = "professional-db"
  cloud_provider     = "gcp"
  region             = %q
  memory             = "2GB"
  source_instance_id = aura_instance.test.id
  source_snapshot_id = aura_snapshot.test.snapshot_id
  deletion_protection = false
}
`, region)
	}
	w := newCLIWorkdir(t, clone("europe-west1"))
	t.Cleanup(func() { w.run("destroy") })
	w.must("apply")
	w.write(clone("us-central1"))
	out := w.must("plan")
	contains(t, "plan of a new region", out, []string{"aura_instance_from_snapshot.clone must be replaced", "This apply copies instance data into a new instance",
		"with the data of snapshot", "(AdHoc, taken", "m ago)"}, "runs no data copy")

	testEmulator.AdvanceClock(8 * 24 * time.Hour) // the professional-db snapshot expires
	resetStats(t)
	out, code := w.run("apply")
	contains(t, "apply of a new region from an expired snapshot", out, []string{"Snapshot not found", "cannot seed a new instance"})
	if code == 0 {
		t.Fatal("a clone was replaced from an expired snapshot")
	}
	if n := mutatingRequests(t); n != 0 {
		t.Fatalf("%d mutating requests: the old clone was touched before the plan failed", n)
	}
}

// A clone whose wait times out stays in state untainted: the next apply neither destroys it nor copies again.
func TestAccInstanceFromSnapshot_timeoutKeepsTheClone(t *testing.T) {
	needsEmulator(t)
	slow, c := slowEmulator(t, 3*time.Second)
	ctx := context.Background()
	created, err := c.CreateInstance(ctx, aura.CreateInstanceRequest{Name: "acc-slow-source", TenantID: slow.TenantID(), Type: "professional-db",
		Version: "5", Region: "europe-west1", CloudProvider: "gcp", Memory: "2GB"})
	if err == nil {
		_, err = c.WaitForInstance(ctx, created.ID, "running")
	}
	if err != nil {
		t.Fatal(err)
	}
	w := newCLIWorkdir(t, providerBlock(slow)+fmt.Sprintf(`
resource "aura_instance_from_snapshot" "clone" {
  name               = "acc-slow-clone"
  type               = "professional-db"
  cloud_provider     = "gcp"
  region             = "europe-west1"
  memory             = "2GB"
  source_instance_id = %q
  timeouts           = { create = "1s" }
  deletion_protection = false
}
output "id" { value = aura_instance_from_snapshot.clone.id }
`, created.ID))
	t.Cleanup(func() { w.run("destroy") })
	out := w.must("apply")
	contains(t, "apply whose wait times out", out, []string{"did not become running within the create timeout", "kept in state, untainted"})
	id := w.output("id")
	if _, err := c.WaitForInstance(ctx, id, "running"); err != nil {
		t.Fatal(err)
	}
	out, code := w.run("plan", "-detailed-exitcode")
	if code != 0 || strings.Contains(out, "tainted") {
		t.Fatalf("plan after the clone finished exited %d:\n%s", code, out)
	}
	w.must("apply")
	if a := countActsAt(t, slow.BaseURL()); a.Creates != 2 { // the source and the clone, once each
		t.Fatalf("instance creates %d, want 2", a.Creates)
	}
	if w.output("id") != id {
		t.Fatal("the clone was replaced")
	}
}
