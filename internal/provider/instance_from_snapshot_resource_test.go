package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"

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
			{
				ResourceName:            "aura_instance_from_snapshot.clone",
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"password", "username", "timeouts", "source_instance_id", "source_snapshot_id"},
			},
		},
	})
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
}
`, created.ID, diff),
				ExpectError: regexp.MustCompile(`(?s)not exportable.*differential snapshots never are`),
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
