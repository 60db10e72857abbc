package provider

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/aura-terraform/terraform-provider-aura/internal/aura"
)

// listCalls counts GET /v1/instances/{id}/snapshots since the last stats reset.
func listCalls(t *testing.T) int {
	t.Helper()
	var st struct {
		Requests []struct {
			Method, Route string
			Count         int
		}
	}
	control(t, "GET", "/_emulator/stats", nil, &st)
	n := 0
	for _, r := range st.Requests {
		if r.Method == "GET" && r.Route == "/v1/instances/{id}/snapshots" {
			n += r.Count
		}
	}
	return n
}

// After more than the longest window, each type lists exactly what the table of api/README.md B keeps, the derived
// windows agree with what the API reports, and every day of the window is listed exactly once per run.
func TestSnapshotsListing_perTypeAfter100Days(t *testing.T) {
	if testEmulator == nil {
		t.Skip("needs the in-process emulator (TF_ACC=1 without real credentials)")
	}
	cases := []struct {
		typ, version       string
		listed, exportable int
	}{
		{"free-db", "5", 1, 1},
		{"professional-db", "5", 7 + 1, 7 + 1},
		{"business-critical", "5", 30*24 + 1, 30 + 1},
		{"enterprise-db", "4", 60 + 7*3 + 1, 14 + 7*3 + 1},
		{"enterprise-db", "5", 60*24 + 1, 60 + 1},
		{"professional-ds", "5", 7 + 1, 7 + 1},
		{"enterprise-ds", "5", 14 + 1, 7 + 1},
	}
	c := testAccClient(t)
	ctx := context.Background()
	for _, tc := range cases {
		t.Run(tc.typ+"-"+tc.version, func(t *testing.T) {
			memory := "8GB"
			if tc.typ == "free-db" {
				memory = "1GB"
			}
			created, err := c.CreateInstance(ctx, aura.CreateInstanceRequest{Name: "list-" + tc.typ, TenantID: testEmulator.TenantID(),
				Type: tc.typ, Version: tc.version, Region: "europe-west1", CloudProvider: "gcp", Memory: memory})
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = c.DeleteInstance(ctx, created.ID) }()
			if _, err := c.WaitForInstance(ctx, created.ID, "running"); err != nil {
				t.Fatal(err)
			}
			testEmulator.AdvanceClock(100 * 24 * time.Hour)
			sid, err := c.CreateSnapshot(ctx, created.ID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.WaitForSnapshot(ctx, created.ID, sid); err != nil {
				t.Fatal(err)
			}
			control(t, "DELETE", "/_emulator/stats", nil, nil)

			pd := &providerData{client: c}
			var diags diag.Diagnostics
			all := pd.findSnapshots(ctx, &snapshotQuery{InstanceID: types.StringValue(created.ID), InstanceVersion: types.StringValue(tc.version)}, false, &diags)
			exportable := pd.findSnapshots(ctx, &snapshotQuery{InstanceID: types.StringValue(created.ID), InstanceVersion: types.StringValue(tc.version), ExportableOnly: types.BoolValue(true)}, false, &diags)
			if diags.HasError() {
				t.Fatal(diags)
			}
			if len(all) != tc.listed || len(exportable) != tc.exportable {
				t.Errorf("listed %d (exportable %d), want %d (%d)", len(all), len(exportable), tc.listed, tc.exportable)
			}
			if days := aura.ListingDays(tc.typ, tc.version) + 1; listCalls(t) != days {
				t.Errorf("%d list calls for a window of %d days", listCalls(t), days)
			}
			if len(all) > 0 && all[0].SnapshotID.ValueString() != sid {
				t.Errorf("newest is %s, want the on-demand %s", all[0].SnapshotID, sid)
			}
			now := c.ServerNow()
			for _, s := range all {
				until, err := time.Parse(time.RFC3339, s.ExportableUntil.ValueString())
				derived := err == nil && now.Before(until) || tc.typ == "free-db" && s.ExportableUntil.IsNull()
				if derived != s.Exportable.ValueBool() {
					t.Errorf("%s %s: API exportable=%v, table says until %q", s.Profile, s.Timestamp, s.Exportable, s.ExportableUntil.ValueString())
				}
				if r := s.RestorableUntil.ValueString(); tc.typ != "free-db" && (r == "" || r < now.Format(time.RFC3339)) {
					t.Errorf("%s %s listed but restorable_until is %q", s.Profile, s.Timestamp, r)
				}
			}
		})
	}
}

func TestAccSnapshotsDataSource_filtersAndMostRecent(t *testing.T) {
	needsEmulator(t)
	var instanceID string
	config := testAccSnapshotConfig("acc-snaps-ds", "x") + `
data "aura_snapshots" "all" {
  instance_id = aura_instance.test.id
  depends_on  = [aura_snapshot.test]
}
data "aura_snapshots" "exportable" {
  instance_id     = aura_instance.test.id
  exportable_only = true
  profile         = "Scheduled"
  depends_on      = [aura_snapshot.test]
}
data "aura_snapshot" "latest" {
  instance_id = aura_instance.test.id
  most_recent = true
  depends_on  = [aura_snapshot.test]
}
`
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckInstanceDestroy,
		Steps: []resource.TestStep{
			{
				Config: testAccInstanceConfig("acc-snaps-ds", "2GB", "europe-west1", ""),
				Check: func(s *terraform.State) error {
					instanceID = stateAttr(s, "aura_instance.test", "id")
					// The first scheduled snapshot, taken when the instance first ran, and three daily ones.
					testEmulator.AdvanceClock(3 * 24 * time.Hour)
					return nil
				},
			},
			{
				Config: config,
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr("data.aura_snapshots.all", "snapshots.#", "5"),
					resource.TestCheckResourceAttr("data.aura_snapshots.exportable", "snapshots.#", "4"),
					resource.TestCheckResourceAttrPair("data.aura_snapshots.all", "most_recent.snapshot_id", "aura_snapshot.test", "snapshot_id"),
					resource.TestCheckResourceAttrPair("data.aura_snapshot.latest", "snapshot_id", "aura_snapshot.test", "snapshot_id"),
					resource.TestCheckResourceAttr("data.aura_snapshots.all", "snapshots.0.profile", "AdHoc"),
					func(s *terraform.State) error {
						a := s.RootModule().Resources["data.aura_snapshots.all"].Primary.Attributes
						for i := 1; i < 5; i++ {
							if a["snapshots."+strconv.Itoa(i)+".profile"] != "Scheduled" {
								return fmt.Errorf("snapshot %d of instance %s is %s", i, instanceID, a["snapshots."+strconv.Itoa(i)+".profile"])
							}
						}
						return nil
					},
				),
			},
		},
	})
}

// Listings are lean: a young instance's window starts the day it was created (not 90 days back), the newest
// match is found by walking back from today and stopping at the first day with one, and two data sources on one
// instance list no day twice.
func TestAccSnapshotsListing_clippedToTheInstanceAndStoppingAtTheNewest(t *testing.T) {
	needsEmulator(t)
	config := testAccInstanceConfig("acc-lean", "4GB", "europe-west1", "") + `
resource "aura_snapshot" "now" {
  instance_id = aura_instance.test.id
}
`
	withData := config + `
data "aura_snapshots" "all" {
  instance_id = aura_instance.test.id
  depends_on  = [aura_snapshot.now]
}
data "aura_snapshots" "exportable" {
  instance_id     = aura_instance.test.id
  exportable_only = true
  depends_on      = [aura_snapshot.now]
}
data "aura_snapshot" "newest" {
  instance_id = aura_instance.test.id
  most_recent = true
  depends_on  = [aura_snapshot.now]
}
`
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckInstanceDestroy,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() { resetStats(t) },
				Config:    withData,
				Check: func(s *terraform.State) error {
					// Created today, so only today is listed (and yesterday across midnight), once, shared by the
					// three data sources; the full window of professional-db is 8 days.
					if n := listCalls(t); n < 1 || n > 2 {
						return fmt.Errorf("%d list calls for three data sources on an instance created today, want 1 (2 across midnight)", n)
					}
					if stateAttr(s, "data.aura_snapshot.newest", "snapshot_id") != stateAttr(s, "aura_snapshot.now", "snapshot_id") {
						return fmt.Errorf("most_recent is not the snapshot just taken")
					}
					return nil
				},
			},
		},
	})
}
