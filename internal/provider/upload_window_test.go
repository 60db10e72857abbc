package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/aura-terraform/terraform-provider-aura/internal/aura"
	"github.com/aura-terraform/terraform-provider-aura/internal/emulator"
	"github.com/aura-terraform/terraform-provider-aura/internal/fakeclock"
)

// windowScene is an emulator of its own (its network access configurations meet no other test's), with
// running professional-db instances in aws us-east-1 that hold dataset Y, and on disk an export of dataset X.
type windowScene struct {
	t         *testing.T
	e         *emulator.Emulator
	c         *aura.Client
	instances []string
	passwords []string // of the instances, as create returned them
	file      string   // a .backup of dataset X
	x         string   // sha256 of dataset X
}

const windowConfigRoute = "/v1/tenants/{tenantId}/network-access-configurations/{configId}"

// applied is a work directory in which the scene's network access configuration has been applied; it is
// destroyed when the test ends. The instances' passwords are in its environment (TF_VAR_pw<i>).
func (s *windowScene) applied() *cliWorkdir {
	s.t.Helper()
	w := newCLIWorkdir(s.t, s.network())
	for i, pw := range s.passwords {
		w.env = append(w.env, fmt.Sprintf("TF_VAR_pw%d=%s", i, pw))
	}
	s.t.Cleanup(func() { w.run("destroy") })
	w.must("apply")
	return w
}

func newWindowScene(t *testing.T, instances int, transition time.Duration) *windowScene {
	t.Helper()
	e, c := slowEmulator(t, transition)
	s := &windowScene{t: t, e: e, c: c}
	ctx := context.Background()
	for i := 0; i < instances; i++ {
		in, err := c.CreateInstance(ctx, aura.CreateInstanceRequest{Name: fmt.Sprintf("window-%d", i), TenantID: e.TenantID(),
			Type: "professional-db", Version: "5", CloudProvider: "aws", Region: "us-east-1", Memory: "2GB"})
		if err == nil {
			_, err = c.WaitForInstance(ctx, in.ID, "running")
		}
		if err != nil {
			t.Fatal(err)
		}
		s.instances = append(s.instances, in.ID)
		s.passwords = append(s.passwords, in.Password)
	}
	s.x = s.putData(s.instances[0], map[string]any{"dataset": "X"})
	snap, err := c.CreateSnapshot(ctx, s.instances[0])
	if err == nil {
		_, err = c.WaitForSnapshot(ctx, s.instances[0], snap)
	}
	var x *aura.Export
	if err == nil {
		x, err = c.ExportSnapshot(ctx, s.instances[0], snap)
	}
	s.file = filepath.Join(t.TempDir(), "x.backup")
	if err == nil {
		err = c.Download(ctx, x, s.file)
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range s.instances {
		s.putData(id, map[string]any{"dataset": "Y"})
	}
	return s
}

func (s *windowScene) putData(id string, v any) string { return putDataAt(s.t, s.e, id, v) }

func (s *windowScene) dataSHA(id string) string { return dataAt(s.t, s.e, id) }

// network is the provider block and a configuration that turns public traffic off in the instances' region,
// for another tier than theirs: any tier's configuration closes the region to uploads. It declares the
// instances' passwords as ephemeral variables.
func (s *windowScene) network() string {
	vars := ""
	for i := range s.passwords {
		vars += passwordVariable(fmt.Sprintf("pw%d", i))
	}
	return providerBlock(s.e) + vars + `
resource "aura_network_access_configuration" "private" {
  cloud_provider         = "aws"
  region                 = "us-east-1"
  type                   = "enterprise-db"
  private_connectivity   = true
  public_traffic_enabled = false
}
`
}

// upload is an aura_database_upload of file into instance number i, with the given extra lines.
func (s *windowScene) upload(i int, file, extra string) string {
	return fmt.Sprintf(`
resource "aura_database_upload" "u%d" {
  instance_id       = %q
  source_path       = %q
  confirm_overwrite = true
  password_wo       = var.pw%d
  depends_on        = [aura_network_access_configuration.private]
  %s
}
`, i, s.instances[i], file, i, extra)
}

// configuration is the one network access configuration of the scene, as the API reports it.
func (s *windowScene) configuration() aura.NetworkAccess {
	s.t.Helper()
	list, err := s.c.ListNetworkAccess(context.Background(), s.e.TenantID())
	if err != nil || len(list) != 1 {
		s.t.Fatalf("network access configurations: %v, %v", list, err)
	}
	return list[0]
}

// expectClosed fails unless the configuration is back as configured: public traffic off, ready.
func (s *windowScene) expectClosed(when string) {
	s.t.Helper()
	if n := s.configuration(); n.PublicTrafficEnabled || n.Status != "ready" {
		s.t.Fatalf("%s: configuration %s has public_traffic_enabled = %t, status %s; want false, ready", when, n.ID, n.PublicTrafficEnabled, n.Status)
	}
}

func (s *windowScene) resetStats() { slowControl(s.t, s.e, "DELETE", "/_emulator/stats", nil, nil) }

func (s *windowScene) requests(method, route string) map[int]int {
	s.t.Helper()
	return requestsAt(s.t, s.e.BaseURL(), method, route)
}

// requestsAt counts the requests of one method and route an emulator received since its last statistics
// reset, by the status answered.
func requestsAt(t *testing.T, base, method, route string) map[int]int {
	t.Helper()
	res, err := http.Get(base + "/_emulator/stats")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var st struct {
		Requests []struct {
			Method, Route string
			Status, Count int
		}
	}
	if err := json.NewDecoder(res.Body).Decode(&st); err != nil {
		t.Fatal(err)
	}
	out := map[int]int{}
	for _, r := range st.Requests {
		if r.Method == method && r.Route == route {
			out[r.Status] += r.Count
		}
	}
	return out
}

// expectRequests fails unless the PATCHes of the configuration (each answered 202) and the uploads completed
// (upload-complete answered 200) since the last reset are as many as wanted.
func (s *windowScene) expectRequests(when string, patches, uploads int) {
	s.t.Helper()
	p, u := s.requests("PATCH", windowConfigRoute), s.requests("POST", uploadCompleteRoute)
	s.t.Logf("%s: configuration PATCHes by status %v, upload-completes by status %v", when, p, u)
	if p[202] != patches || len(p) > min(patches, 1) || u[200] != uploads || len(u) > min(uploads, 1) {
		s.t.Fatalf("%s: configuration PATCHes by status %v, upload-completes by status %v; want %d (202) and %d (200)", when, p, u, patches, uploads)
	}
}

// planEmpty fails unless a plan shows no change at all, the network access configuration's included.
func planEmpty(t *testing.T, w *cliWorkdir, when string) {
	t.Helper()
	if out, code := w.run("plan", "-detailed-exitcode"); code != 0 {
		t.Fatalf("%s: plan exited %d:\n%s", when, code, out)
	}
}

// open_public_traffic: the plan says public traffic will be turned on and names the configuration; the apply
// turns it on (one PATCH), uploads once, turns it off (one PATCH); the data is the file's; the configuration is
// as configured, and the next plan, the configuration's included, is empty.
func TestAccDatabaseUpload_openPublicTrafficOpensUploadsAndCloses(t *testing.T) {
	needsEmulator(t)
	s := newWindowScene(t, 1, 300*time.Millisecond)
	w := s.applied()
	n := s.configuration()
	w.write(s.network() + s.upload(0, s.file, "open_public_traffic = true"))
	contains(t, "plan of the upload", w.must("plan"), []string{"This apply overwrites instance data",
		"Public traffic will be turned on for the upload (open_public_traffic): network access configuration " + n.ID +
			" (aws us-east-1 enterprise-db) has public_traffic_enabled = false; the apply turns it on, waits until the configuration is ready, uploads, and turns it off again"})
	s.resetStats()
	w.must("apply")
	s.expectRequests("apply with open_public_traffic", 2, 1)
	s.expectClosed("after the upload")
	if got := s.dataSHA(s.instances[0]); got != s.x {
		t.Fatalf("data %s after the upload, want X %s", got, s.x)
	}
	planEmpty(t, w, "after the upload")
}

// Two uploads into one region in one apply share one opening: one PATCH turns public traffic on, one turns it
// off after the last upload. The emulator staggers them so that the first upload is done while the second
// is still being sent: u0 skips the undo snapshot and its upload-complete takes 1 s; u1's snapshot request takes
// 0.5 s and its upload-complete 2 s. Had each upload opened for itself, u1 would find public traffic on, send its file, and
// have it refused once u0 turned public traffic off again.
func TestAccDatabaseUpload_openPublicTrafficTwoUploadsShareOneWindow(t *testing.T) {
	needsEmulator(t)
	s := newWindowScene(t, 2, 300*time.Millisecond)
	w := s.applied()
	w.write(s.network() + s.upload(0, s.file, "open_public_traffic = true\n  backup_before = false") + s.upload(1, s.file, "open_public_traffic = true"))
	for _, f := range []map[string]any{
		{"method": "POST", "path": "/snapshots$", "delay": "500ms", "count": 1},
		{"method": "POST", "path": "/upload-complete$", "delay": "1s", "count": 1},
		{"method": "POST", "path": "/upload-complete$", "delay": "2s", "count": 1},
	} {
		slowControl(t, s.e, "POST", "/_emulator/faults", f, nil)
	}
	s.resetStats()
	w.must("apply")
	s.expectRequests("two uploads in one apply", 2, 2)
	s.expectClosed("after both uploads")
	for _, id := range s.instances {
		if got := s.dataSHA(id); got != s.x {
			t.Fatalf("instance %s holds %s after the upload, want X %s", id, got, s.x)
		}
	}
	planEmpty(t, w, "after both uploads")
}

// An upload that fails is followed by turning public traffic off again: one refused in the middle of the
// transfer (storage answers a part 403, which is not retried) fails the apply, and a corrupt file that Aura
// accepts and fails to load leaves status "failed"; after each the configuration is as configured.
func TestAccDatabaseUpload_openPublicTrafficClosedWhenTheUploadFails(t *testing.T) {
	needsEmulator(t)
	s := newWindowScene(t, 1, 300*time.Millisecond)
	w := s.applied()
	slowControl(t, s.e, "POST", "/_emulator/faults", map[string]any{"method": "PUT", "path": "^/storage/s3/", "status": 403, "count": 1}, nil)
	w.write(s.network() + s.upload(0, s.file, "open_public_traffic = true"))
	s.resetStats()
	out, code := w.run("apply")
	contains(t, "apply of an upload refused midway", out, []string{"Uploading the backup file failed", "403", "Nothing was loaded"}, "Public traffic left enabled")
	if code == 0 {
		t.Fatal("an upload refused midway applied")
	}
	if p, u, parts := s.requests("PATCH", windowConfigRoute), s.requests("POST", uploadCompleteRoute), s.requests("PUT", s3PartRoute); p[202] != 2 || len(p) != 1 || len(u) != 0 || parts[403] != 1 {
		t.Fatalf("configuration PATCHes by status %v, upload-completes %v, parts %v; want 2 PATCHes (202), no upload-complete, one part refused (403)", p, u, parts)
	}
	s.expectClosed("after the refused upload")
	if got := s.dataSHA(s.instances[0]); got == s.x {
		t.Fatal("the refused upload loaded data")
	}
	out, code = w.run("plan", "-detailed-exitcode")
	contains(t, "plan after the refused upload", out, []string{"aura_database_upload.u0 will be created"}, "aura_network_access_configuration.private will be updated")
	if code != 2 {
		t.Fatalf("plan after the refused upload exited %d", code)
	}

	corrupt := writeFile(t, "corrupt.backup", "not a backup")
	w.write(s.network() + s.upload(0, corrupt, "open_public_traffic = true"))
	s.resetStats()
	out = w.must("apply")
	contains(t, "apply of a corrupt file", out, []string{"Aura failed to load the uploaded file", "loading failed", "InvalidDumpFile",
		"See: https://neo4j.com/docs/aura/managing-instances/backup-restore-export/", "change triggers to upload again"})
	s.expectRequests("apply of a corrupt file", 2, 1)
	s.expectClosed("after the corrupt file")
	planEmpty(t, w, "after the corrupt file")
}

// The resource's timeout ending while public traffic is being turned on fails the apply, sends no upload, and
// still turns public traffic off again, on a context the timeout does not end.
func TestAccDatabaseUpload_openPublicTrafficClosedWhenTheTimeoutEnds(t *testing.T) {
	needsEmulator(t)
	s := newWindowScene(t, 1, 3*time.Second) // each update of the configuration takes 3 s
	w := s.applied()
	w.write(s.network() + s.upload(0, s.file, `open_public_traffic = true
  backup_before       = false
  timeouts            = { create = "1s" }`))
	s.resetStats()
	out, code := w.run("apply")
	contains(t, "apply whose timeout ends while opening", out, []string{"Turning on public traffic for the upload failed", "did not become ready in time", "Nothing was uploaded"}, "Public traffic left enabled")
	if code == 0 {
		t.Fatal("the apply succeeded")
	}
	s.expectRequests("apply whose timeout ends while opening", 2, 0)
	s.expectClosed("after the timeout")
}

// A failed restore is never silent. Here Aura refuses the PATCH that turns public traffic off: the upload was
// accepted, so it stays in state (an error would taint it and the next apply would upload again), and a warning
// says what is left open and how to close it. The configuration's next plan shows it, and an apply closes it.
func TestAccDatabaseUpload_openPublicTrafficFailedRestoreIsReported(t *testing.T) {
	needsEmulator(t)
	s := newWindowScene(t, 1, 300*time.Millisecond)
	w := s.applied()
	n := s.configuration()
	slowControl(t, s.e, "POST", "/_emulator/faults", map[string]any{"method": "PATCH", "path": "/network-access-configurations/", "status": 409, "after": 1, "count": 1}, nil)
	w.write(s.network() + s.upload(0, s.file, "open_public_traffic = true"))
	out := w.must("apply")
	contains(t, "apply whose restore fails", out, []string{"Public traffic left enabled after the upload", "The upload was accepted and is recorded; it is not sent again",
		"public traffic is still enabled in network access configuration " + n.ID + " (aws us-east-1 enterprise-db) of tenant " + s.e.TenantID(),
		"run terraform apply", "\"Disable public traffic\"", `{"public_traffic_enabled": false}`})
	if got := s.configuration(); !got.PublicTrafficEnabled {
		t.Fatal("the emulator's fault did not leave public traffic on; the test proves nothing")
	}
	leftOpen := []string{"Public traffic still enabled after an upload", "aura_database_upload.u0",
		"network access configuration " + n.ID + " (aws us-east-1 enterprise-db) of tenant " + s.e.TenantID(),
		"public traffic reaches the tenant's instances in region us-east-1", "run terraform apply", "\"Disable public traffic\""}
	for i := 0; i < 2; i++ { // on every plan until it is closed
		out, code := w.run("plan", "-detailed-exitcode")
		contains(t, "plan after the failed restore", out, append([]string{"aura_network_access_configuration.private will be updated in-place",
			"public_traffic_enabled = true -> false"}, leftOpen...), "aura_database_upload.u0 must be replaced")
		if code != 2 {
			t.Fatalf("plan after the failed restore exited %d", code)
		}
	}
	s.resetStats()
	w.must("apply")
	s.expectRequests("the apply that closes it", 1, 0)
	s.expectClosed("after the apply that closes it")
	out, code := w.run("plan", "-detailed-exitcode")
	contains(t, "plan after the apply that closes it", out, nil, "Public traffic still enabled")
	if code != 0 {
		t.Fatalf("plan after the apply that closes it exited %d:\n%s", code, out)
	}
}

// Without open_public_traffic the plan warns, and the apply refuses before anything is sent (no undo snapshot,
// no upload), naming the configuration and open_public_traffic as the remedy.
func TestAccDatabaseUpload_publicTrafficOffRefusedWithoutTheFlag(t *testing.T) {
	needsEmulator(t)
	s := newWindowScene(t, 1, 300*time.Millisecond)
	w := s.applied()
	n := s.configuration()
	w.write(s.network() + s.upload(0, s.file, ""))
	refusal := "Uploads into instance " + s.instances[0] + " are refused because network access configuration " + n.ID +
		" (aws us-east-1 enterprise-db) has public_traffic_enabled = false. Set open_public_traffic = true on this aura_database_upload"
	contains(t, "plan", w.must("plan"), []string{"This upload will be refused unless public traffic is enabled first", refusal})
	s.resetStats()
	out, code := w.run("apply")
	contains(t, "apply", out, []string{"Upload refused: public traffic is disabled", refusal, "Nothing was uploaded."})
	if code == 0 {
		t.Fatal("the apply succeeded")
	}
	if a := countActsAt(t, s.e.BaseURL()); a != (acts{}) || len(s.requests("PATCH", windowConfigRoute)) != 0 {
		t.Fatalf("a refused upload sent %+v and PATCHes %v", a, s.requests("PATCH", windowConfigRoute))
	}
}

// State written before open_public_traffic (schema version 1) reads back as false with no diff, refreshed or
// not, and is written as the current version (3).
func TestAccDatabaseUpload_stateFromVersion1PlansNothing(t *testing.T) {
	needsEmulator(t)
	s := newWindowScene(t, 1, 300*time.Millisecond)
	w := newCLIWorkdir(t, providerBlock(s.e)+passwordVariable("pw")+fmt.Sprintf(`
resource "aura_database_upload" "u" {
  instance_id       = %q
  source_path       = %q
  confirm_overwrite = true
  password_wo       = var.pw
}
`, s.instances[0], s.file))
	w.env = append(w.env, "TF_VAR_pw="+s.passwords[0])
	t.Cleanup(func() { w.run("destroy") })
	w.must("apply")
	file := filepath.Join(w.dir, "terraform.tfstate")
	rewriteUploadState(t, file, func(inst map[string]any) {
		inst["schema_version"] = 1
		attrs := inst["attributes"].(map[string]any)
		for _, added := range []string{"open_public_traffic", "username", "password_wo", "password_wo_version"} {
			delete(attrs, added)
		}
	})
	s.resetStats()
	for _, args := range [][]string{{"plan", "-refresh=false", "-detailed-exitcode"}, {"plan", "-detailed-exitcode"}} {
		if out, code := w.run(args...); code != 0 {
			t.Fatalf("terraform %v on version 1 state exited %d:\n%s", args, code, out)
		}
	}
	w.must("apply", "-refresh-only")
	rewriteUploadState(t, file, func(inst map[string]any) {
		attrs := inst["attributes"].(map[string]any)
		if v, open, user := inst["schema_version"], attrs["open_public_traffic"], attrs["username"]; v != float64(3) || open != false || user != "neo4j" {
			t.Errorf("after a refresh: schema_version %v, open_public_traffic %v, username %v; want 3, false, neo4j", v, open, user)
		}
	})
	if a := countActsAt(t, s.e.BaseURL()); a != (acts{}) {
		t.Fatalf("plans and a refresh of upgraded state sent %+v", a)
	}
}

// rewriteUploadState hands edit the state of the one aura_database_upload in a state file, and writes it back.
func rewriteUploadState(t *testing.T, file string, edit func(instance map[string]any)) {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var st map[string]any
	if err := json.Unmarshal(raw, &st); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range st["resources"].([]any) {
		if r := r.(map[string]any); r["type"] == "aura_database_upload" {
			edit(r["instances"].([]any)[0].(map[string]any))
			found = true
		}
	}
	if !found {
		t.Fatal("no aura_database_upload in state")
	}
	if raw, err = json.MarshalIndent(st, "", "  "); err == nil {
		err = os.WriteFile(file, raw, 0o600)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// windowConfig creates a network access configuration of its own in azure uksouth, with public traffic as
// given, and waits until it is ready; in is an instance of that region, as publicTrafficBlockers reads one.
func windowConfig(t *testing.T, e *emulator.Emulator, c *aura.Client, public bool) (n *aura.NetworkAccess, in *aura.Instance) {
	t.Helper()
	ctx := context.Background()
	n, err := c.CreateNetworkAccess(ctx, e.TenantID(), aura.CreateNetworkAccessRequest{CloudProvider: "azure", Region: "uksouth",
		Type: "professional-db", PrivateConnectivity: true, PublicTrafficEnabled: public, AllowedPrincipals: []string{}})
	if err == nil {
		n, err = c.WaitForNetworkAccess(ctx, e.TenantID(), n.ID)
	}
	if err != nil {
		t.Fatal(err)
	}
	return n, &aura.Instance{ID: "in-uksouth", TenantID: e.TenantID(), CloudProvider: "azure", Region: "uksouth"}
}

// publicOf tells whether the configuration has public traffic enabled, as the API reports it.
func publicOf(t *testing.T, c *aura.Client, n *aura.NetworkAccess) bool {
	t.Helper()
	got, err := c.GetNetworkAccess(context.Background(), n.TenantID, n.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got.PublicTrafficEnabled
}

// patchesAt counts the PATCHes of network access configurations an emulator received, whatever their answer.
func patchesAt(t *testing.T, e *emulator.Emulator) int {
	t.Helper()
	total := 0
	for _, count := range requestsAt(t, e.BaseURL(), "PATCH", windowConfigRoute) {
		total += count
	}
	return total
}

// usersOf is how many uploads hold the configuration's window in the registry, -1 for none.
func usersOf(n *aura.NetworkAccess) int {
	trafficWindows.mu.Lock()
	defer trafficWindows.mu.Unlock()
	if w := trafficWindows.windows[windowKeyOf(*n)]; w != nil {
		return w.users
	}
	return -1
}

// awaitUsers returns once the configuration's window has the given number of users.
func awaitUsers(n *aura.NetworkAccess, users int) {
	for usersOf(n) != users {
		time.Sleep(time.Millisecond)
	}
}

// The registry, each upload going through publicTrafficBlockers as Create does: a second upload that joins
// while the window is open uses it, and the last one out closes it. A close that fails stays this process's
// to close: the configuration, left on and ready, still counts as closed to uploads, so the next upload with
// open_public_traffic joins it and closes it, and one without is refused.
func TestTrafficWindows_lastOutClosesAndAFailedCloseIsRetried(t *testing.T) {
	e, c := slowEmulator(t, 100*time.Millisecond)
	ctx := context.Background()
	n, in := windowConfig(t, e, c, false)
	pd := &providerData{client: c, tenantID: e.TenantID()}
	blockers := func(open bool) []aura.NetworkAccess {
		t.Helper()
		list, err := pd.publicTrafficBlockers(ctx, in, open)
		if err != nil || len(list) != 1 || list[0].ID != n.ID {
			t.Fatalf("blockers with open_public_traffic = %t: %v, %v; want %s", open, list, err, n.ID)
		}
		return list
	}
	join := func() *uploadWindow { t.Helper(); return pd.joinWindows(blockers(true)) }
	first, second := join(), join()
	if err := first.open(ctx); err != nil || !publicOf(t, c, n) {
		t.Fatalf("opening: %v, public %t", err, publicOf(t, c, n))
	}
	if err := second.open(ctx); err != nil || patchesAt(t, e) != 1 {
		t.Fatalf("second opening: %v after %d PATCHes, want one", err, patchesAt(t, e))
	}
	if err := first.leave(ctx); err != nil || !publicOf(t, c, n) {
		t.Fatalf("the first out closed the window the second holds: %v, public %t", err, publicOf(t, c, n))
	}
	if err := second.leave(ctx); err != nil || publicOf(t, c, n) || patchesAt(t, e) != 2 {
		t.Fatalf("the last out: %v, public %t after %d PATCHes; want closed after 2", err, publicOf(t, c, n), patchesAt(t, e))
	}

	third := join()
	if err := third.open(ctx); err != nil {
		t.Fatal(err)
	}
	slowControl(t, e, "POST", "/_emulator/faults", map[string]any{"method": "PATCH", "path": "/network-access-configurations/", "status": 409, "count": 1}, nil)
	if err := third.leave(ctx); err == nil || !publicOf(t, c, n) || !strings.Contains(err.Error(), "public traffic is still enabled in network access configuration "+n.ID) {
		t.Fatalf("a refused close: %v, public %t", err, publicOf(t, c, n))
	}
	blockers(false) // an upload without open_public_traffic is refused: public traffic is on only until this process closes it
	fourth := join()
	if err := fourth.open(ctx); err != nil {
		t.Fatal(err)
	}
	if err := fourth.leave(ctx); err != nil || publicOf(t, c, n) {
		t.Fatalf("the next upload's close: %v, public %t", err, publicOf(t, c, n))
	}
}

// An upload that starts while the last one out is closing the window (its PATCH on the way: the emulator holds
// it 3 s before it takes effect, so the listing sees public traffic still on and ready) counts the configuration
// as closed, joins the window, and its opening waits for the close and opens again: it uploads with public
// traffic on, and its own close leaves the configuration as configured.
func TestTrafficWindows_aLateJoinerReopensAfterTheClose(t *testing.T) {
	e, c := slowEmulator(t, 100*time.Millisecond)
	ctx := context.Background()
	n, in := windowConfig(t, e, c, false)
	pd := &providerData{client: c, tenantID: e.TenantID()}
	blockers, err := pd.publicTrafficBlockers(ctx, in, true)
	if err != nil || len(blockers) != 1 {
		t.Fatalf("blockers: %v, %v", blockers, err)
	}
	first := pd.joinWindows(blockers)
	if err := first.open(ctx); err != nil {
		t.Fatal(err)
	}
	slowControl(t, e, "POST", "/_emulator/faults", map[string]any{"method": "PATCH", "path": "/network-access-configurations/", "delay": "3s", "count": 1}, nil)
	closed := make(chan error, 1)
	go func() { closed <- first.leave(ctx) }()
	awaitUsers(n, 0)

	late, err := pd.publicTrafficBlockers(ctx, in, true)
	if err != nil || len(late) != 1 || late[0].ID != n.ID {
		t.Fatalf("an upload starting during the close: blockers %v, %v; want %s (public traffic is about to be off)", late, err, n.ID)
	}
	second := pd.joinWindows(late)
	if err := second.open(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-closed; err != nil {
		t.Fatalf("the first close: %v", err)
	}
	if got, err := c.GetNetworkAccess(ctx, n.TenantID, n.ID); err != nil || !got.PublicTrafficEnabled || got.Status != "ready" {
		t.Fatalf("when the late upload is sent: %+v, %v; want public traffic on and ready", got, err)
	}
	if err := second.leave(ctx); err != nil || publicOf(t, c, n) {
		t.Fatalf("the late upload's close: %v, public %t", err, publicOf(t, c, n))
	}
	t.Logf("configuration PATCHes: %d", patchesAt(t, e))
}

// A window that an upload joined only because its configuration was updating, with public traffic already on,
// is not this process's: an upload without open_public_traffic is not refused because of it, and the window's
// end leaves public traffic on.
func TestTrafficWindows_aJoinedWindowIsNotHeld(t *testing.T) {
	e, c := slowEmulator(t, time.Second)
	ctx := context.Background()
	n, in := windowConfig(t, e, c, true)
	if _, err := c.UpdateNetworkAccess(ctx, n.TenantID, n.ID, aura.UpdateNetworkAccessRequest{AllowedPrincipals: &[]string{"arn:aws:iam::111122223333:root"}}); err != nil {
		t.Fatal(err)
	}
	pd := &providerData{client: c, tenantID: e.TenantID()}
	blockers, err := pd.publicTrafficBlockers(ctx, in, true)
	if err != nil || len(blockers) != 1 {
		t.Fatalf("an opening upload while the configuration updates: blockers %v, %v; want it", blockers, err)
	}
	opener := pd.joinWindows(blockers)
	if err := opener.open(ctx); err != nil {
		t.Fatal(err)
	}
	if other, err := pd.publicTrafficBlockers(ctx, in, false); err != nil || len(other) != 0 {
		t.Fatalf("an upload without open_public_traffic while the window is joined: blockers %v, %v; want none", other, err)
	}
	if err := opener.leave(ctx); err != nil || !publicOf(t, c, n) || patchesAt(t, e) != 1 {
		t.Fatalf("the end of a joined window: %v, public %t after %d PATCHes; want on after the one of the test", err, publicOf(t, c, n), patchesAt(t, e))
	}
}

// The close has 10 minutes in all, however they are spent: here the last upload out waits 9 minutes for another
// to hand over the turn, and the configuration then never becomes ready again. On the default poll settings
// and a fake clock, the close gives up, reporting public traffic left on, 10 minutes after the upload left
// (so at most 10 minutes after the resource's timeout), not 10 minutes after the turn came.
func TestTrafficWindows_theCloseEndsTenMinutesAfterTheUploadLeaves(t *testing.T) {
	e := otherEmulator(t, func(c *emulator.Config) { c.Transition = time.Minute })
	clk := fakeclock.New()
	c, err := aura.New(aura.Config{BaseURL: e.BaseURL(), ClientID: e.ClientID(), ClientSecret: e.ClientSecret(), Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	// The emulator's transitions pass with the fake clock for the first 10 minutes, while the window opens.
	for d := time.Second; d <= 10*time.Minute; d += time.Second {
		clk.At(clk.Now().Add(d), func() { e.AdvanceClock(time.Second) })
	}
	n, in := windowConfig(t, e, c, false)
	pd := &providerData{client: c, tenantID: e.TenantID()}
	ctx := context.Background()
	blockers, err := pd.publicTrafficBlockers(ctx, in, true)
	if err != nil || len(blockers) != 1 {
		t.Fatalf("blockers: %v, %v", blockers, err)
	}
	u := pd.joinWindows(blockers)
	if err := u.open(ctx); err != nil {
		t.Fatal(err)
	}
	_ = clk.Sleep(ctx, 10*time.Minute) // past the scheduled transitions: from now on the configuration's updates never end
	w := u.windows[0]
	if err := w.take(ctx); err != nil {
		t.Fatal(err)
	}
	left := clk.Now()
	closed := make(chan error, 1)
	go func() { closed <- u.leave(ctx) }()
	awaitUsers(n, 0)
	_ = clk.Sleep(ctx, 9*time.Minute)
	w.give()
	err = <-closed
	took := clk.Now().Sub(left)
	t.Logf("the close gave up %v after the upload left: %v", took, err)
	if err == nil || !strings.Contains(err.Error(), "public traffic is still enabled in network access configuration "+n.ID) {
		t.Fatalf("a close that cannot end: %v; want public traffic reported left on", err)
	}
	if took > aura.PublicTrafficRestoreTimeout {
		t.Fatalf("the close gave up %v after the upload left; want at most %v", took, aura.PublicTrafficRestoreTimeout)
	}
}

// The docs' example of the window (examples/resources/aura_database_upload/public-traffic-window.tf) applies,
// on an emulator of its own since it closes a region to uploads: the upload completes, the configuration is as
// configured, and the next plan is empty.
func TestAccDatabaseUpload_publicTrafficWindowExample(t *testing.T) {
	needsEmulator(t)
	raw, err := os.ReadFile("../../examples/resources/aura_database_upload/public-traffic-window.tf")
	if err != nil {
		t.Fatal(err)
	}
	e, _ := slowEmulator(t, 300*time.Millisecond)
	config := providerBlock(e) + string(raw)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config, ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("aura_database_upload.private", tfjsonpath.New("status"), knownvalue.StringExact(actCompleted)),
				statecheck.ExpectKnownValue("aura_network_access_configuration.private_only", tfjsonpath.New("public_traffic_enabled"), knownvalue.Bool(false)),
			}},
			{Config: config, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
		},
	})
	if p := requestsAt(t, e.BaseURL(), "PATCH", windowConfigRoute); p[202] != 2 || len(p) != 1 {
		t.Fatalf("configuration PATCHes by status %v; want 2 (on, off), all 202", p)
	}
}
