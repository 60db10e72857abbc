package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func TestAccSnapshotDataSource_byIDMatchesTheResource(t *testing.T) {
	config := testAccSnapshotConfig("acc-ds-snapshot", "x") + `
data "aura_snapshot" "test" {
  instance_id = aura_instance.test.id
  snapshot_id = aura_snapshot.test.snapshot_id
}
`
	const res, ds = "aura_snapshot.test", "data.aura_snapshot.test"
	checks := append(sameAttrs(res, ds, "instance_id", "snapshot_id", "timestamp", "exportable", "restorable_until", "exportable_until"),
		statecheck.CompareValuePairs(res, tfjsonpath.New("profile"), ds, tfjsonpath.New("profile"), compare.ValuesSame()),
		statecheck.CompareValuePairs(res, tfjsonpath.New("status"), ds, tfjsonpath.New("status"), compare.ValuesSame()),
		statecheck.ExpectKnownValue(ds, tfjsonpath.New("profile"), knownvalue.StringExact("AdHoc")),
		statecheck.ExpectKnownValue(ds, tfjsonpath.New("status"), knownvalue.StringExact("Completed")),
		// the deprecated names say the same until they go
		statecheck.ExpectKnownValue(ds, tfjsonpath.New("snapshot_profile"), knownvalue.StringExact("AdHoc")),
		statecheck.ExpectKnownValue(ds, tfjsonpath.New("snapshot_status"), knownvalue.StringExact("Completed")),
		statecheck.ExpectKnownValue(ds, tfjsonpath.New("exportable"), knownvalue.Bool(true)),
		statecheck.ExpectKnownValue(ds, tfjsonpath.New("timestamp"), knownvalue.StringRegexp(rfc3339)),
		statecheck.ExpectKnownValue(ds, tfjsonpath.New("restorable_until"), knownvalue.StringRegexp(rfc3339)),
	)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckInstanceDestroy,
		Steps: []resource.TestStep{
			{Config: config, ConfigStateChecks: checks},
			{ // with an id, a status or profile set is a check of the snapshot read, never silently another value
				Config:      strings.Replace(config, "snapshot_id = aura_snapshot.test.snapshot_id", "snapshot_id = aura_snapshot.test.snapshot_id\n  status = \"Failed\"", 1),
				ExpectError: wrapped("Snapshot does not match the filters", "is Completed (profile AdHoc), not status Failed, profile any"),
			},
			{Config: config},
		},
	})
}

// A snapshot id the instance does not have, or filters nothing matches, fail with what was looked for; asking
// for both an id and the most recent fails before any request.
func TestAccSnapshotDataSource_nothingFoundFails(t *testing.T) {
	instance := testAccInstanceConfig("acc-ds-snapshot-none", "2GB", "europe-west1", "")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckInstanceDestroy,
		Steps: []resource.TestStep{
			{
				Config: `
data "aura_snapshot" "both" {
  instance_id = "0000dead"
  snapshot_id = "00000000-0000-0000-0000-000000000000"
  most_recent = true
}
`,
				PlanOnly:    true,
				ExpectError: wrapped("Invalid Attribute Combination", "snapshot_id", "most_recent"),
			},
			{Config: instance},
			{
				Config: instance + `
data "aura_snapshot" "missing" {
  instance_id = aura_instance.test.id
  snapshot_id = "00000000-0000-0000-0000-000000000000"
}
`,
				ExpectError: wrapped("Snapshot not found", "has no snapshot 00000000-0000-0000-0000-000000000000; it may have expired."),
			},
			{
				Config: instance + `
data "aura_snapshot" "none" {
  instance_id = aura_instance.test.id
  most_recent = true
  profile     = "AdHoc"
}
`,
				ExpectError: wrapped("No snapshot matches", "has no snapshot matching the filters"),
			},
			{Config: instance}, // the destroy at the end runs with the last configuration, which must be valid
		},
	})
}
