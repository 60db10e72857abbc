package provider

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
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
			sid := takeSnapshot(t, c, created.ID).SnapshotID
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

// before answers "the last good snapshot before the incident": snapshots taken after it are left out (the
// boundary itself is in), most_recent is the one taken at it, and only the days up to it are listed, shared by
// both data sources; a before earlier than from, or than anything still listed, says so. Run by the terraform
// CLI against an emulator with a clock of its own, so one plan's list calls can be counted.
func TestAccSnapshotsDataSource_beforeTheIncident(t *testing.T) {
	needsAcc(t)
	t.Parallel()
	e, c := slowEmulator(t, 300*time.Millisecond)
	ctx := context.Background()
	id, first := postureInstance(t, e, c, "professional-db")
	onDemand := func() aura.Snapshot {
		e.AdvanceClock(time.Hour)
		return *takeSnapshot(t, c, id)
	}
	lastGood, afterIncident := onDemand(), onDemand()
	e.AdvanceClock(48 * time.Hour) // two daily scheduled snapshots, after the incident too
	in, err := c.GetInstance(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	lastGoodAt, _ := time.Parse(time.RFC3339, lastGood.Timestamp)
	query := func(before string) string {
		return providerBlock(e) + fmt.Sprintf(`
data "aura_snapshots" "before" {
  instance_id = %[1]q
  before      = %[2]q
}
data "aura_snapshot" "last_good" {
  instance_id = %[1]q
  most_recent = true
  before      = %[2]q
}
output "ids" { value = join(",", [for s in data.aura_snapshots.before.snapshots : s.snapshot_id]) }
output "stamps" { value = join(",", [for s in data.aura_snapshots.before.snapshots : s.timestamp]) }
output "most_recent" { value = data.aura_snapshots.before.most_recent.snapshot_id }
output "last_good" { value = data.aura_snapshot.last_good.snapshot_id }
`, id, before)
	}

	w := newCLIWorkdir(t, query(lastGood.Timestamp))
	slowControl(t, e, "DELETE", "/_emulator/stats", nil, nil)
	w.must("plan")
	want := daysBack(t, lastGoodAt, in.CreatedAt)
	if n := snapshotListCalls(t, e); n != want {
		t.Errorf("%d list calls for two data sources up to %s on an instance created %s, want %d (today is 2 days later)", n, lastGood.Timestamp, in.CreatedAt, want)
	}
	t.Logf("before = the last good snapshot: %d list call(s); without before the range would reach %d days", snapshotListCalls(t, e), daysBack(t, emulatorNow(t, e), in.CreatedAt))
	w.must("apply")
	if got := w.output("most_recent"); got != lastGood.SnapshotID || w.output("last_good") != lastGood.SnapshotID {
		t.Errorf("most_recent %s, aura_snapshot %s; want the snapshot taken at before, %s", got, w.output("last_good"), lastGood.SnapshotID)
	}
	ids := strings.Split(w.output("ids"), ",")
	if slices.Contains(ids, afterIncident.SnapshotID) || !slices.Contains(ids, first.SnapshotID) {
		t.Errorf("listed %v: want the first snapshot %s in and the later %s out", ids, first.SnapshotID, afterIncident.SnapshotID)
	}
	for _, ts := range strings.Split(w.output("stamps"), ",") {
		if ts > lastGood.Timestamp {
			t.Errorf("a snapshot of %s is listed before %s", ts, lastGood.Timestamp)
		}
	}

	// The same moment written with an offset, as an incident report in local time would, is the same answer.
	w.write(query(lastGoodAt.In(time.FixedZone("CET", 3600)).Format(time.RFC3339)))
	w.must("apply")
	if w.output("last_good") != lastGood.SnapshotID || w.output("most_recent") != lastGood.SnapshotID {
		t.Errorf("before %s: most_recent %s / %s, want %s", lastGoodAt.In(time.FixedZone("CET", 3600)).Format(time.RFC3339), w.output("most_recent"), w.output("last_good"), lastGood.SnapshotID)
	}

	// A second earlier, the last good one is the newest taken before it (the first, unless a midnight fell between).
	earlier := lastGoodAt.Add(-time.Second).Format(time.RFC3339)
	var newest string
	all, err := c.ListSnapshots(ctx, id, lastGoodAt)
	if err != nil {
		t.Fatal(err)
	}
	previous, err := c.ListSnapshots(ctx, id, lastGoodAt.AddDate(0, 0, -1))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range append(all, previous...) {
		if s.Timestamp <= earlier && s.Timestamp > newest {
			newest = s.Timestamp
			first = s
		}
	}
	w.write(query(earlier))
	w.must("apply")
	if w.output("last_good") != first.SnapshotID || w.output("most_recent") != first.SnapshotID {
		t.Errorf("before %s: most_recent %s / %s, want %s of %s", earlier, w.output("most_recent"), w.output("last_good"), first.SnapshotID, newest)
	}

	w.write(providerBlock(e) + fmt.Sprintf(`
data "aura_snapshots" "empty" {
  instance_id = %q
  from        = %q
  before      = %q
}
`, id, lastGoodAt.AddDate(0, 0, 1).Format("2006-01-02"), lastGood.Timestamp))
	if out, code := w.run("plan"); code != 1 || !wrapped("Empty date range", "before ("+lastGood.Timestamp+") is earlier than from").MatchString(out) {
		t.Errorf("before earlier than from: exit %d, want 1 naming before:\n%s", code, out)
	}

	w.write(providerBlock(e) + fmt.Sprintf(`
data "aura_snapshot" "gone" {
  instance_id = %q
  most_recent = true
  before      = "2020-01-01T10:42:00Z"
}
`, id))
	slowControl(t, e, "DELETE", "/_emulator/stats", nil, nil)
	if out, code := w.run("plan"); code != 1 || !wrapped("No snapshot matches", "taken at or before 2020-01-01T10:42:00Z and still listed").MatchString(out) {
		t.Errorf("before the instance existed: exit %d, want 1 saying nothing is listed before it:\n%s", code, out)
	}
	if n := snapshotListCalls(t, e); n != 0 {
		t.Errorf("%d list calls for a time before the instance was created, want 0", n)
	}
}

// A before that is not an RFC 3339 time fails at plan, on both data sources, naming the attribute and the form.
func TestAccSnapshotsDataSource_beforeMustBeRFC3339(t *testing.T) {
	for _, source := range []string{"aura_snapshots", "aura_snapshot"} {
		extra := ""
		if source == "aura_snapshot" {
			extra = "most_recent = true"
		}
		t.Run(source, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: fmt.Sprintf(`
data %q "bad" {
  instance_id = "0000dead"
  before      = "2026-11-26 10:42"
  %s
}
`, source, extra),
					PlanOnly:    true,
					ExpectError: wrapped("Invalid before", `before must be a time in RFC 3339 form, such as "2026-11-26T10:42:00Z"`, `got "2026-11-26 10:42"`),
				}},
			})
		})
	}
}
