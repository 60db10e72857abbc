package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func stateAttr(s *terraform.State, name, key string) string {
	return s.RootModule().Resources[name].Primary.Attributes[key]
}

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
}
resource "aura_instance" "target" {
  name = "acc-ow-target"
  type = "professional-db"
  cloud_provider = "gcp"
  region = "europe-west1"
  memory = "2GB"
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
