package provider

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func testAccSnapshotConfig(name, trigger string) string {
	return testAccInstanceConfig(name, "2GB", "europe-west1", "") + fmt.Sprintf(`
resource "aura_snapshot" "test" {
  instance_id = aura_instance.test.id
  triggers    = { run = %q }
}
`, trigger)
}

func TestAccSnapshot_createImportAndTriggers(t *testing.T) {
	differ := statecheck.CompareValue(compare.ValuesDiffer())
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckInstanceDestroy,
		Steps: []resource.TestStep{
			{
				Config: testAccSnapshotConfig("acc-snap", "one"),
				ConfigStateChecks: []statecheck.StateCheck{
					differ.AddStateValue("aura_snapshot.test", tfjsonpath.New("snapshot_id")),
					statecheck.ExpectKnownValue("aura_snapshot.test", tfjsonpath.New("status"), knownvalue.StringExact("Completed")),
					statecheck.ExpectKnownValue("aura_snapshot.test", tfjsonpath.New("profile"), knownvalue.StringExact("AdHoc")),
					statecheck.ExpectKnownValue("aura_snapshot.test", tfjsonpath.New("exportable"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("aura_snapshot.test", tfjsonpath.New("restorable_until"), knownvalue.NotNull()),
				},
				Check: resource.ComposeTestCheckFunc(func(s *terraform.State) error {
					a := s.RootModule().Resources["aura_snapshot.test"].Primary.Attributes
					ts, err1 := time.Parse(time.RFC3339, a["timestamp"])
					until, err2 := time.Parse(time.RFC3339, a["restorable_until"])
					if err1 != nil || err2 != nil || until.Sub(ts) != 7*24*time.Hour || a["exportable_until"] != a["restorable_until"] {
						return fmt.Errorf("professional-db on-demand windows: taken %s, restorable until %s, exportable until %s", a["timestamp"], a["restorable_until"], a["exportable_until"])
					}
					return nil
				}),
			},
			{
				Config:           testAccSnapshotConfig("acc-snap", "one"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				ResourceName:            "aura_snapshot.test",
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"triggers", "timeouts"},
			},
			{ // a snapshot that does not exist is not imported as an expired record
				ResourceName:  "aura_snapshot.test",
				ImportState:   true,
				ImportStateId: "00000000/5e7cb4ef-9490-4965-9a15-ef454a4677f1",
				ExpectError:   regexp.MustCompile(`Cannot import non-existent remote object`),
			},
			{
				Config: testAccSnapshotConfig("acc-snap", "two"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("aura_snapshot.test", plancheck.ResourceActionReplace),
					plancheck.ExpectResourceAction("aura_instance.test", plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{differ.AddStateValue("aura_snapshot.test", tfjsonpath.New("snapshot_id"))},
			},
		},
	})
}

// An expired snapshot is kept as a record by default: no diff, nothing retaken, and Read asks Aura nothing more.
func TestAccSnapshot_expiredIsKeptByDefault(t *testing.T) {
	needsEmulator(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckInstanceDestroy,
		Steps: []resource.TestStep{
			{Config: testAccSnapshotConfig("acc-expiry-keep", "x")},
			{
				PreConfig:        func() { testEmulator.AdvanceClock(8 * 24 * time.Hour); resetStats(t) },
				Config:           testAccSnapshotConfig("acc-expiry-keep", "x"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("aura_snapshot.test", tfjsonpath.New("status"), knownvalue.StringExact("Expired")),
					statecheck.ExpectKnownValue("aura_snapshot.test", tfjsonpath.New("exportable"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("aura_snapshot.test", tfjsonpath.New("on_expiry"), knownvalue.StringExact("keep")),
				},
				Check: func(*terraform.State) error {
					if a := countActs(t); a.Snapshots != 0 {
						return fmt.Errorf("%d snapshots taken after expiry, want 0", a.Snapshots)
					}
					return nil
				},
			},
		},
	})
}

// With on_expiry = "retake", an expired snapshot leaves state and the next apply takes a new one.
func TestAccSnapshot_expiredIsRetakenOnRequest(t *testing.T) {
	needsEmulator(t)
	config := testAccSnapshotConfig("acc-expiry-retake", "x") + `
resource "aura_snapshot" "rolling" {
  instance_id = aura_instance.test.id
  on_expiry   = "retake"
}
`
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckInstanceDestroy,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() { testEmulator.AdvanceClock(8 * 24 * time.Hour) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("aura_snapshot.rolling", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("aura_snapshot.test", plancheck.ResourceActionNoop),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("aura_snapshot.rolling", tfjsonpath.New("status"), knownvalue.StringExact("Completed")),
				},
			},
		},
	})
}

func TestAccSnapshot_instanceMustBeRunning(t *testing.T) {
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckInstanceDestroy,
		Steps: []resource.TestStep{
			{
				Config: testAccInstanceConfig("acc-snap-paused", "2GB", "europe-west1", "paused = true") + `
resource "aura_snapshot" "test" {
  instance_id = aura_instance.test.id
}
`,
				ExpectError: wrapped("Instance paused", "runs a snapshot only on a running instance", "resume it first (paused = false"),
			},
		},
	})
}

// A snapshot planned with the resume of its paused instance is not refused: the plan knows the instance runs by
// then, and the apply resumes it before the snapshot is taken.
func TestAccSnapshot_plannedWithTheResumeOfItsInstance(t *testing.T) {
	snapshot := `
resource "aura_snapshot" "test" {
  instance_id = aura_instance.test.id
}
`
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckInstanceDestroy,
		Steps: []resource.TestStep{
			{Config: testAccInstanceConfig("acc-snap-resumed", "2GB", "europe-west1", "paused = true")},
			{
				Config: testAccInstanceConfig("acc-snap-resumed", "2GB", "europe-west1", "paused = false") + snapshot,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("aura_instance.test", "status", "running"),
					resource.TestCheckResourceAttr("aura_snapshot.test", "status", "Completed"),
				),
			},
		},
	})
}
