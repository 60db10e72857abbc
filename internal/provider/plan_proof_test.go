package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/aura-terraform/terraform-provider-aura/internal/aura"
	"github.com/aura-terraform/terraform-provider-aura/internal/emulator"
)

// A configuration that Aura would refuse at apply fails at `terraform plan`, naming the attribute and the remedy,
// before anything is created: the emulator receives no mutating request, and the plan reads no more than one
// token, the tenant once, each pinned snapshot once and each instance an act names once.
func TestAccPlanProof_whatApplyWouldRefuseFailsAtPlan(t *testing.T) {
	needsEmulator(t)
	ctx := context.Background()
	e, c := slowEmulator(t, 50*time.Millisecond)
	clock := func(d string) {
		slowControl(t, e, "POST", "/_emulator/clock/advance", map[string]string{"duration": d}, nil)
	}
	create := func(name, typ, memory string) string {
		t.Helper()
		in, err := c.CreateInstance(ctx, aura.CreateInstanceRequest{Name: name, TenantID: e.TenantID(), Type: typ, Version: "5",
			Region: "europe-west1", CloudProvider: "gcp", Memory: memory})
		if err == nil {
			_, err = c.WaitForInstance(ctx, in.ID, "running")
		}
		if err != nil {
			t.Fatal(err)
		}
		return in.ID
	}
	snapshot := func(id string) string { return takeSnapshot(t, c, id).SnapshotID }

	// A snapshot that expires, and one left with 15 minutes of its 7-day exportable window (professional-db).
	old := create("old", "professional-db", "4GB")
	gone := snapshot(old)
	clock("1h")
	near := snapshot(old)
	clock("165h45m") // with the 2h below: 15 minutes left
	prod := create("prod", "professional-db", "4GB")
	prodSnap := snapshot(prod)
	other := create("other", "professional-db", "4GB")
	otherSnap := snapshot(other)
	bc := create("bc", "business-critical", "4GB")
	clock("2h") // hourly scheduled snapshots of business-critical; those not at midnight are differential
	var differential string
	for _, s := range mustList(t, c, bc) {
		if s.Profile == "Scheduled" && !s.Exportable && s.Status == "Completed" {
			differential = s.SnapshotID
		}
	}
	if differential == "" {
		t.Fatal("no differential snapshot to test with")
	}
	ds := create("ds", "professional-ds", "4GB")
	paused := create("paused", "professional-db", "4GB")
	pausedSnap := snapshot(paused)
	slowControl(t, e, "PATCH", "/_emulator/instances/"+paused, map[string]string{"status": "paused"}, nil)

	// A Pending snapshot lasts only on an emulator whose operations last long.
	slow, sc := slowEmulator(t, time.Hour)
	busy, err := sc.CreateInstance(ctx, aura.CreateInstanceRequest{Name: "busy", TenantID: slow.TenantID(), Type: "professional-db", Version: "5",
		Region: "europe-west1", CloudProvider: "gcp", Memory: "4GB"})
	if err != nil {
		t.Fatal(err)
	}
	slowControl(t, slow, "PATCH", "/_emulator/instances/"+busy.ID, map[string]string{"status": "running"}, nil)
	pending, err := sc.CreateSnapshot(ctx, busy.ID)
	if err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	backup := writeFile(t, "neo4j.backup", "not a real backup")
	instance := func(extra string) string {
		return `
resource "aura_instance" "bad" {
  name = "bad"
  ` + extra + `
}`
	}
	settings := func(typ, cloud, region, memory string) string {
		return fmt.Sprintf("type = %q\n  cloud_provider = %q\n  region = %q\n  memory = %q", typ, cloud, region, memory)
	}
	clone := func(source, snap, extra string) string {
		s := ""
		if snap != "" {
			s = fmt.Sprintf("source_snapshot_id = %q", snap)
		}
		return fmt.Sprintf(`
resource "aura_instance_from_snapshot" "bad" {
  name = "bad"
  %s
  source_instance_id = %q
  %s
  %s
}`, settings("professional-db", "gcp", "europe-west1", "4GB"), source, s, extra)
	}
	restore := func(target, snap, extra string) string {
		s := ""
		if snap != "" {
			s = fmt.Sprintf("snapshot_id = %q", snap)
		}
		return fmt.Sprintf(`
resource "aura_instance_restore" "bad" {
  instance_id       = %q
  %s
  %s
  confirm_overwrite = true
}`, target, s, extra)
	}
	export := func(instanceID, snap string) string {
		return fmt.Sprintf(`
resource "aura_snapshot_export" "bad" {
  instance_id = %q
  snapshot_id = %q
  path        = %q
}`, instanceID, snap, dir+"/export.backup")
	}
	upload := func(target, file string) string {
		return fmt.Sprintf(`
resource "aura_database_upload" "bad" {
  instance_id       = %q
  source_path       = %q
  confirm_overwrite = true
}`, target, file)
	}
	const unknownTenant = "00000000-0000-4000-8000-000000000000"
	cases := []struct {
		name, provider, config string
		want                   []string // phrases that must appear in the error
		reads                  int      // the GETs the budget allows: tenant 1, each pinned snapshot 1, each instance named 1
	}{
		{"region typo", "", instance(settings("professional-db", "gcp", "europe-west-1", "4GB")),
			[]string{`Not offered by the tenant: region`, `offers no region "europe-west-1"`, `"us-central1"`, `Did you mean "europe-west1"?`}, 1},
		{"region of another cloud", "", instance(settings("professional-db", "gcp", "eu-west-1", "4GB")),
			[]string{`offers no region "eu-west-1" with type "professional-db", cloud_provider "gcp"`, `"europe-west1"`}, 1},
		{"region not offered for the type", "", instance(settings("professional-db", "aws", "us-east-2", "4GB")),
			[]string{`offers no region "us-east-2" with type "professional-db", cloud_provider "aws"`, `"us-east-1"`}, 1},
		{"memory not offered with the region", "", instance(settings("professional-db", "gcp", "europe-west1", "256GB")),
			[]string{`Not offered by the tenant: memory`, `offers no memory "256GB"`, `region "europe-west1"`, `"128GB"`}, 1},
		{"memory in the wrong case", "", instance(settings("professional-db", "gcp", "europe-west1", "4gb")),
			[]string{"memory", "value must be one of", `Did you mean "4GB"?`}, 0},
		{"storage not offered with the memory", "", instance(settings("professional-db", "gcp", "europe-west1", "4GB") + "\n  storage = \"16GB\""),
			[]string{`Not offered by the tenant: storage`, `offers no storage "16GB"`, `memory "4GB"`, `It offers storage: "8GB"`}, 1},
		{"storage in the wrong case", "", instance(settings("professional-db", "gcp", "europe-west1", "4GB") + "\n  storage = \"8gb\""),
			[]string{"storage", "value must be one of", `Did you mean "8GB"?`}, 0},
		{"unknown tenant in the provider", strings.Replace(providerBlock(e), e.TenantID(), unknownTenant, 1), instance(settings("professional-db", "gcp", "europe-west1", "4GB")),
			[]string{"Tenant not found", "cannot see tenant " + unknownTenant, "They see: " + e.TenantID(), "AURA_TENANT_ID"}, 2},
		{"unknown tenant on the resource", "", instance(settings("professional-db", "gcp", "europe-west1", "4GB") + fmt.Sprintf("\n  tenant_id = %q", unknownTenant)),
			[]string{"Tenant not found", "They see: " + e.TenantID(), "tenant_id here"}, 2},
		{"unknown tenant of a network access configuration", "", strings.Replace(testAccNetworkConfig(false, true, ""), "{", fmt.Sprintf("{\n  tenant_id = %q", unknownTenant), 1),
			[]string{"Tenant not found", "They see: " + e.TenantID(), "tenant_id here"}, 3}, // + the extension probe
		{"data source of a tenant the credentials cannot see", "", fmt.Sprintf(`data "aura_tenant" "bad" { id = %q }`, unknownTenant),
			[]string{"Tenant not found", "cannot see tenant " + unknownTenant, "They see: " + e.TenantID(), "id here"}, 2},
		{"network access configurations of a tenant the credentials cannot see", "", fmt.Sprintf(`data "aura_network_access_configurations" "bad" { tenant_id = %q }`, unknownTenant),
			[]string{"Tenant not found", "They see: " + e.TenantID(), "tenant_id here"}, 2},
		{"wrong client secret on an empty state", strings.Replace(providerBlock(e), e.ClientSecret(), "not-the-secret", 1), instance(settings("professional-db", "gcp", "europe-west1", "4GB")),
			[]string{"Aura refused the provider's credentials", "client_secret", "AURA_CLIENT_SECRET"}, 0},
		{"restore from a snapshot that does not exist", "", restore(prod, "6c0a8e2a-4b8f-4f4e-9a61-0f3d2c1b5e77", ""),
			[]string{"snapshot_id", "Snapshot not found", "has expired, or it belongs to another instance"}, 2},
		{"in-place restore from another instance's snapshot", "", restore(prod, otherSnap, ""),
			[]string{"Snapshot not found", "set source_instance_id to that instance"}, 2},
		{"restore of a paused instance", "", restore(paused, pausedSnap, ""),
			[]string{"instance_id", "Instance paused", "resume it first (paused = false"}, 1},
		{"restore of an instance that does not exist", "", restore("0badf00d", prodSnap, ""),
			[]string{"instance_id", "Instance not found", "no restore can run"}, 1},
		{"overwrite from a paused source without a snapshot", "", restore(prod, "", fmt.Sprintf("source_instance_id = %q", paused)),
			[]string{"source_instance_id", "Instance paused", "resume it first"}, 2},
		{"overwrite of an AuraDS instance from AuraDB", "", restore(ds, prodSnap, fmt.Sprintf("source_instance_id = %q", prod)),
			[]string{"AuraDS and AuraDB data do not mix", "professional-ds"}, 2},
		{"clone from a differential snapshot", "", clone(bc, differential, ""),
			[]string{"source_snapshot_id", "Snapshot not exportable", "differential snapshots are never exportable", "Scheduled, taken"}, 3},
		{"clone from a snapshot still being taken", providerBlock(slow), clone(busy.ID, pending, ""),
			[]string{"source_snapshot_id", "Snapshot not completed", "(AdHoc, taken", "only Completed snapshots can"}, 3},
		{"clone from a snapshot whose window ends during the apply", "", clone(old, near, ""),
			[]string{"source_snapshot_id", "Snapshot expires before the apply could end", "stays exportable only until", "shorten timeouts.create"}, 3},
		{"clone with less storage than the source", "", strings.Replace(clone(prod, prodSnap, `storage = "4GB"`), `"4GB"`, `"2GB"`, 1),
			[]string{"Not enough storage", `has 8GB of storage`, `storage = "8GB" or more`}, 2},
		{"clone of AuraDB data into AuraDS", "", strings.Replace(clone(prod, prodSnap, ""), `"professional-db"`, `"professional-ds"`, 1),
			[]string{"type", "AuraDS and AuraDB data do not mix"}, 2},
		{"clone from an instance that does not exist", "", clone("0badf00d", "", ""),
			[]string{"source_instance_id", "Instance not found"}, 2},
		{"clone with a fresh snapshot of a paused source", "", clone(paused, "", ""),
			[]string{"source_instance_id", "Instance paused"}, 2},
		{"export of an expired snapshot", "", export(old, gone),
			[]string{"snapshot_id", "Snapshot not found", "it has expired"}, 2}, // + the extension probe
		{"export of a differential snapshot", "", export(bc, differential),
			[]string{"snapshot_id", "Snapshot not exportable", "differential"}, 3}, // + the extension probe
		{"upload to a paused instance", "", upload(paused, backup),
			[]string{"instance_id", "Instance paused", "resume it first (paused = false"}, 1},
		{"upload of an AuraDB backup into AuraDS", "", upload(ds, backup),
			[]string{"source_path", "Wrong kind of backup file", ".tar"}, 1},
		{"snapshot of a paused instance", "", fmt.Sprintf(`resource "aura_snapshot" "bad" { instance_id = %q }`, paused),
			[]string{"instance_id", "Instance paused", "resume it first (paused = false"}, 1},
	}
	w := newCLIWorkdir(t, providerBlock(e)+`data "aura_tenants" "all" {}`)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			target, provider := e, tc.provider
			if provider == "" {
				provider = providerBlock(e)
			}
			if strings.Contains(provider, slow.BaseURL()) {
				target = slow
			}
			slowControl(t, target, "DELETE", "/_emulator/stats", nil, nil)
			w.write(provider + tc.config)
			out, code := w.run("plan", "-detailed-exitcode")
			if code != 1 {
				t.Fatalf("plan exited %d, want 1 (an error):\n%s", code, out)
			}
			contains(t, "plan", out, append([]string{"Error:"}, tc.want...), "Warning: This apply")
			mutating, gets, tokens := requestsSince(t, target)
			if mutating != 0 || tokens > 1 || gets > tc.reads {
				t.Errorf("the plan sent %d mutating requests, %d token requests and %d reads; the budget is 0, 1 and %d", mutating, tokens, gets, tc.reads)
			}
		})
	}
	if len(cases) < 20 {
		t.Errorf("only %d configurations judged with the API", len(cases))
	}

	// The budget is shared by the whole plan: three new instances and two clones of one pinned snapshot read one
	// token, the tenant once, the snapshot once and its instance once; a config with no Aura objects reads nothing.
	shared := ""
	for i := range 3 {
		shared += strings.Replace(instance(settings("professional-db", "gcp", "europe-west1", "4GB")), `"bad"`, fmt.Sprintf(`"new%d"`, i), 2)
	}
	for i := range 2 {
		shared += strings.Replace(clone(prod, prodSnap, ""), `"bad"`, fmt.Sprintf(`"clone%d"`, i), 2)
	}
	for _, c := range []struct {
		name, config      string
		code, gets, token int
	}{
		{"three instances and two clones", shared, 2, 3, 1},
		{"no Aura objects", "", 0, 0, 0},
	} {
		w.write(providerBlock(e) + c.config)
		slowControl(t, e, "DELETE", "/_emulator/stats", nil, nil)
		if out, code := w.run("plan", "-detailed-exitcode"); code != c.code {
			t.Fatalf("%s: plan exited %d, want %d:\n%s", c.name, code, c.code, out)
		}
		if mutating, gets, tokens := requestsSince(t, e); mutating != 0 || gets != c.gets || tokens != c.token {
			t.Errorf("%s: %d mutating requests, %d reads, %d token requests; want 0, %d, %d", c.name, mutating, gets, tokens, c.gets, c.token)
		}
	}

	// What cannot be judged at plan is left to the apply, not refused: a tenant_id known only after apply, and a
	// snapshot that cannot be read now.
	w.write(providerBlock(e) + `
resource "terraform_data" "tenant" {
  input = "` + e.TenantID() + `"
}
` + instance(settings("professional-db", "gcp", "europe-west1", "4GB")+"\n  tenant_id = terraform_data.tenant.output"))
	slowControl(t, e, "DELETE", "/_emulator/stats", nil, nil)
	if out, code := w.run("plan", "-detailed-exitcode"); code != 2 {
		t.Fatalf("unknown tenant_id: plan exited %d:\n%s", code, out)
	}
	if _, gets, _ := requestsSince(t, e); gets != 0 {
		t.Errorf("unknown tenant_id: %d reads, want 0", gets)
	}
	slowControl(t, e, "POST", "/_emulator/faults", map[string]any{"method": "GET", "path": "/snapshots/" + prodSnap, "status": 503, "count": 20}, nil)
	w.write(providerBlock(e) + export(prod, prodSnap))
	out, code := w.run("plan", "-detailed-exitcode")
	slowControl(t, e, "DELETE", "/_emulator/faults", nil, nil)
	if code != 2 {
		t.Fatalf("unreadable snapshot: plan exited %d:\n%s", code, out)
	}
	contains(t, "unreadable snapshot", out, []string{"The snapshot could not be checked at plan", "The apply checks it before anything is sent"})

	// A tenant that offers version 5 only (a newer Aura account) refuses version 4 at plan.
	offered := []emulator.InstanceConfiguration{}
	var tenant aura.Tenant
	if got, err := c.GetTenant(ctx, e.TenantID()); err != nil {
		t.Fatal(err)
	} else {
		tenant = *got
	}
	for _, oc := range tenant.InstanceConfigurations {
		if oc.Version == "5" {
			offered = append(offered, emulator.InstanceConfiguration(oc))
		}
	}
	slowControl(t, e, "PATCH", "/_emulator/tenants/"+e.TenantID(), map[string]any{"instance_configurations": offered}, nil)
	slowControl(t, e, "DELETE", "/_emulator/stats", nil, nil)
	w.write(providerBlock(e) + instance(settings("professional-db", "gcp", "europe-west1", "4GB")+"\n  version = \"4\""))
	out, code = w.run("plan")
	if code != 1 {
		t.Fatalf("version 4: plan exited %d:\n%s", code, out)
	}
	contains(t, "version 4", out, []string{"Not offered by the tenant: version", `offers no version "4"`, `It offers version: "5"`})
	if mutating, gets, tokens := requestsSince(t, e); mutating != 0 || tokens > 1 || gets > 1 {
		t.Errorf("version 4: %d mutating requests, %d token requests, %d reads", mutating, tokens, gets)
	}
}

// mustList lists an instance's snapshots of today and yesterday.
func mustList(t *testing.T, c *aura.Client, id string) []aura.Snapshot {
	t.Helper()
	var all []aura.Snapshot
	for _, day := range []time.Time{c.ServerNow(), c.ServerNow().Add(-24 * time.Hour)} {
		s, err := c.ListSnapshots(context.Background(), id, day)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, s...)
	}
	return all
}

// requestsSince counts the API requests an emulator received since its statistics were reset: those that change
// something (anything but a GET and the token request), the GETs, and the token requests.
func requestsSince(t *testing.T, e *emulator.Emulator) (mutating, gets, tokens int) {
	t.Helper()
	for _, r := range served(t, e) {
		switch {
		case r.Route == "/oauth/token":
			tokens += r.Count
		case r.Method == "GET":
			gets += r.Count
		default:
			mutating += r.Count
		}
	}
	return mutating, gets, tokens
}

// A resize is judged on memory and storage alone: the instance's own type, region and version may no longer be
// offered to new instances, and advice to change them would replace it.
func TestOffered_resizeIsJudgedOnMemoryAndStorageAlone(t *testing.T) {
	only5 := &aura.Tenant{ID: "t", Name: "newer", InstanceConfigurations: []aura.InstanceConfiguration{
		{CloudProvider: "gcp", Region: "europe-west1", Type: "professional-db", Memory: "4GB", Storage: "8GB", Version: "5"},
		{CloudProvider: "gcp", Region: "europe-west1", Type: "professional-db", Memory: "8GB", Storage: "16GB", Version: "5"},
	}}
	m := func(version, memory string) *instanceModel {
		return &instanceModel{Type: types.StringValue("professional-db"), CloudProvider: types.StringValue("gcp"), Region: types.StringValue("europe-west1"),
			Memory: types.StringValue(memory), Storage: types.StringUnknown(), Version: types.StringValue(version)}
	}
	if attr, detail := offered(only5, m("4", "8GB"), true); attr != "" {
		t.Errorf("resize of a version 4 instance: refused on %s: %s", attr, detail)
	}
	if attr, _ := offered(only5, m("4", "8GB"), false); attr != "version" {
		t.Errorf("create of a version 4 instance: refused on %q, want version", attr)
	}
	if attr, _ := offered(only5, m("5", "32GB"), true); attr != "memory" {
		t.Errorf("resize to a memory not offered: refused on %q, want memory", attr)
	}
}

func TestNearest_foldsCaseAndSeparatorsAndSuggestsNoOtherSize(t *testing.T) {
	for _, c := range []struct {
		v      string
		values []string
		want   string
	}{
		{"europe-west-1", []string{"europe-west1", "europe-west2"}, "europe-west1"},
		{"europe-wst1", []string{"europe-west1", "us-central1"}, "europe-west1"},
		{"4gb", []string{"2GB", "4GB"}, "4GB"},
		{"3GB", []string{"2GB", "4GB"}, ""},
		{"antarctica-1", []string{"europe-west1"}, ""},
	} {
		if got := nearest(c.v, c.values); got != c.want {
			t.Errorf("nearest(%q) = %q, want %q", c.v, got, c.want)
		}
	}
}
