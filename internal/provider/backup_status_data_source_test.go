package provider

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aura-terraform/terraform-provider-aura/internal/aura"
	"github.com/aura-terraform/terraform-provider-aura/internal/emulator"
)

// The cadence follows the schedule column of api/README.md B.
func TestScheduledCadence_followsTheReference(t *testing.T) {
	t.Parallel()
	cases := []struct {
		typ, version, cadence string
		every                 time.Duration
	}{
		{"free-db", "5", "none", 0},
		{"professional-db", "4", "daily", 24 * time.Hour},
		{"professional-db", "5", "daily", 24 * time.Hour},
		{"business-critical", "5", "hourly", time.Hour},
		{"enterprise-db", "4", "every 6 hours", 6 * time.Hour},
		{"enterprise-db", "5", "hourly", time.Hour},
		{"professional-ds", "5", "daily", 24 * time.Hour},
		{"enterprise-ds", "5", "daily", 24 * time.Hour},
	}
	for _, tc := range cases {
		if cadence, every := scheduledCadence(tc.typ, tc.version); cadence != tc.cadence || every != tc.every {
			t.Errorf("%s %s: %q every %s, want %q every %s", tc.typ, tc.version, cadence, every, tc.cadence, tc.every)
		}
	}
}

// statsOf counts the requests an emulator other than the shared one served since its last stats reset, by
// method and route.
func statsOf(t *testing.T, e *emulator.Emulator, method, route string) int {
	t.Helper()
	n := 0
	for _, r := range served(t, e) {
		if r.Method == method && r.Route == route {
			n += r.Count
		}
	}
	return n
}

// snapshotListCalls counts GET /v1/instances/{id}/snapshots on e since its last stats reset.
func snapshotListCalls(t *testing.T, e *emulator.Emulator) int {
	t.Helper()
	return statsOf(t, e, "GET", "/v1/instances/{id}/snapshots")
}

// postureInstance creates a running instance of typ on e, outside Terraform, and waits for the first scheduled
// snapshot Aura takes once it runs (api/README.md B), which it returns.
func postureInstance(t *testing.T, e *emulator.Emulator, c *aura.Client, typ string) (string, aura.Snapshot) {
	t.Helper()
	ctx := context.Background()
	memory := "2GB"
	if typ == "free-db" {
		memory = "1GB"
	}
	in, err := c.CreateInstance(ctx, aura.CreateInstanceRequest{Name: "posture", TenantID: e.TenantID(), Type: typ, Version: "5",
		Region: "europe-west1", CloudProvider: "gcp", Memory: memory})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitForInstance(ctx, in.ID, "running"); err != nil {
		t.Fatal(err)
	}
	list, err := c.ListSnapshots(ctx, in.ID, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if typ == "free-db" {
		return in.ID, aura.Snapshot{}
	}
	if len(list) != 1 {
		t.Fatalf("a new %s lists %d snapshots, want its first scheduled one", typ, len(list))
	}
	s, err := c.WaitForSnapshot(ctx, in.ID, list[0].SnapshotID)
	if err != nil {
		t.Fatal(err)
	}
	return in.ID, *s
}

// emulatorNow is e's clock.
func emulatorNow(t *testing.T, e *emulator.Emulator) time.Time {
	t.Helper()
	var clock struct{ Now time.Time }
	slowControl(t, e, "GET", "/_emulator/clock", nil, &clock)
	return clock.Now
}

// daysBack is the number of UTC days a walk back from now lists to reach ts: 1 when ts is today.
func daysBack(t *testing.T, now time.Time, ts string) int {
	t.Helper()
	at, err := time.Parse(time.RFC3339, ts)
	if err != nil {
		t.Fatal(err)
	}
	return int(now.UTC().Truncate(24*time.Hour).Sub(at.UTC().Truncate(24*time.Hour))/(24*time.Hour)) + 1
}

// The outputs every posture configuration exposes, for the test to read.
const postureOutputs = `
output "cadence" { value = data.aura_backup_status.ledger.scheduled_cadence }
output "interval" { value = tostring(data.aura_backup_status.ledger.scheduled_interval_seconds) }
output "completed_id" { value = data.aura_backup_status.ledger.newest_completed.snapshot_id }
output "completed_at" { value = data.aura_backup_status.ledger.newest_completed.timestamp }
output "exportable_id" { value = data.aura_backup_status.ledger.newest_exportable.snapshot_id }
output "exportable_at" { value = data.aura_backup_status.ledger.newest_exportable.timestamp }
output "recovery_age" { value = tostring(data.aura_backup_status.ledger.recovery_point_age_seconds) }
output "exportable_age" { value = tostring(data.aura_backup_status.ledger.exportable_age_seconds) }
output "restorable_since" { value = data.aura_backup_status.ledger.restorable_since }
output "checked_at" { value = data.aura_backup_status.ledger.checked_at }
`

// checkAge proves an age output is the distance from its snapshot's timestamp to checked_at, and returns it.
func checkAge(t *testing.T, w *cliWorkdir, age, at string) int {
	t.Helper()
	n, err := strconv.Atoi(w.output(age))
	if err != nil {
		t.Fatalf("%s: %v", age, err)
	}
	taken, err1 := time.Parse(time.RFC3339, w.output(at))
	checked, err2 := time.Parse(time.RFC3339, w.output("checked_at"))
	if err1 != nil || err2 != nil {
		t.Fatalf("timestamps: %v %v", err1, err2)
	}
	if want := int(checked.Sub(taken) / time.Second); n != want {
		t.Errorf("%s = %d, but %s is %s and checked_at %s (%d s)", age, n, at, taken, checked, want)
	}
	return n
}

// The freshness check of the docs, run by the terraform CLI against an emulator with a clock of its own: fresh
// backups pass it with one list call for two data sources; once the instance has been paused (so no scheduled
// snapshot is taken) and the clock has moved 27 hours on, the check block warns and the plan still succeeds, the
// postcondition fails the plan, and reading costs exactly the days back to the snapshot.
func TestAccBackupStatus_checkFailsWhenTheClockPassesTheThreshold(t *testing.T) {
	needsAcc(t)
	t.Parallel()
	e, c := slowEmulator(t, 300*time.Millisecond)
	id, first := postureInstance(t, e, c, "professional-db")
	status := fmt.Sprintf(`
data "aura_backup_status" "ledger" {
  instance_id = %q
}
`, id)
	check := fmt.Sprintf(`
check "ledger_backups_fresh" {
  data "aura_backup_status" "fresh" {
    instance_id = %q
  }
  assert {
    # null, when there is no exportable snapshot at all, fails too
    condition     = coalesce(data.aura_backup_status.fresh.exportable_age_seconds, 93600) < 26 * 3600
    error_message = "The newest exportable snapshot of the ledger is older than 26 hours."
  }
}
`, id)
	const topLevelCheck = `
check "ledger_backups_fresh" {
  assert {
    condition     = coalesce(data.aura_backup_status.ledger.exportable_age_seconds, 93600) < 26 * 3600
    error_message = "The newest exportable snapshot of the ledger is older than 26 hours."
  }
}
`
	postcondition := fmt.Sprintf(`
data "aura_backup_status" "gate" {
  instance_id = %q
  lifecycle {
    postcondition {
      condition     = coalesce(self.exportable_age_seconds, 93600) < 26 * 3600
      error_message = "The newest exportable snapshot of the ledger is older than 26 hours."
    }
  }
}
`, id)
	w := newCLIWorkdir(t, providerBlock(e)+status+postureOutputs+check)

	slowControl(t, e, "DELETE", "/_emulator/stats", nil, nil)
	out := w.must("plan")
	if strings.Contains(out, "Check block assertion failed") {
		t.Errorf("fresh backups fail the check:\n%s", out)
	}
	if n := snapshotListCalls(t, e); n != 1 {
		t.Errorf("%d list calls for two data sources when today holds the newest snapshot, want 1", n)
	}
	t.Logf("fresh: %d list call(s) for two data sources", snapshotListCalls(t, e))
	// With -detailed-exitcode, and no outputs (they change with every read): a check on a data source plans
	// nothing, while a check with a data source of its own always plans that read again at apply, a change.
	w.write(providerBlock(e) + status + topLevelCheck)
	w.must("apply")
	if out, code := w.run("plan", "-detailed-exitcode"); code != 0 {
		t.Errorf("fresh backups, check on a data source: plan -detailed-exitcode exited %d, want 0:\n%s", code, out)
	}
	w.write(providerBlock(e) + check)
	w.must("apply")
	if out, code := w.run("plan", "-detailed-exitcode"); code != 2 || !strings.Contains(out, "will be read during apply") {
		t.Errorf("fresh backups, check with its own data source: plan -detailed-exitcode exited %d, want 2 with a read planned:\n%s", code, out)
	}
	w.write(providerBlock(e) + status + postureOutputs + check)
	w.must("apply")
	if w.output("cadence") != "daily" || w.output("interval") != "86400" {
		t.Errorf("professional-db cadence %q every %s s, want daily every 86400", w.output("cadence"), w.output("interval"))
	}
	if w.output("completed_id") != first.SnapshotID || w.output("exportable_id") != first.SnapshotID {
		t.Errorf("newest completed %s, exportable %s; want the first scheduled snapshot %s", w.output("completed_id"), w.output("exportable_id"), first.SnapshotID)
	}
	checkAge(t, w, "recovery_age", "completed_at")
	if age := checkAge(t, w, "exportable_age", "exportable_at"); age >= 26*3600 {
		t.Errorf("a snapshot taken just now is %d s old", age)
	}
	created, _ := c.GetInstance(context.Background(), id)
	if w.output("restorable_since") != created.CreatedAt {
		t.Errorf("restorable_since %s, want the creation %s of an instance younger than its 7-day window", w.output("restorable_since"), created.CreatedAt)
	}

	// Backups stop: paused instances get no scheduled snapshots.
	slowControl(t, e, "PATCH", "/_emulator/instances/"+id, map[string]string{"status": "paused"}, nil)
	e.AdvanceClock(27 * time.Hour)
	want := daysBack(t, emulatorNow(t, e), first.Timestamp)
	slowControl(t, e, "DELETE", "/_emulator/stats", nil, nil)
	out, code := w.run("plan")
	if code != 0 || !strings.Contains(out, "Warning: Check block assertion failed") || !strings.Contains(out, "older than 26 hours") {
		t.Errorf("stale backups: plan exited %d, want 0 with the check's warning:\n%s", code, out)
	}
	if n := snapshotListCalls(t, e); n != want {
		t.Errorf("%d list calls with the newest snapshot %d days back (counting today), want %d", n, want, want)
	}
	t.Logf("27 h later: %d list call(s), the snapshot being %d day(s) back counting today", snapshotListCalls(t, e), want)
	// A failing check is a warning, whatever the exit code.
	w.write(providerBlock(e) + status + topLevelCheck)
	w.must("apply")
	if out, code := w.run("plan", "-detailed-exitcode"); code != 0 || !strings.Contains(out, "Warning: Check block assertion failed") {
		t.Errorf("stale backups, check on a data source: plan -detailed-exitcode exited %d, want 0 with the warning:\n%s", code, out)
	}
	w.write(providerBlock(e) + check)
	w.must("apply")
	if out, code := w.run("plan", "-detailed-exitcode"); code != 2 || !strings.Contains(out, "will be read during apply") || !strings.Contains(out, "Warning: Check block assertion failed") {
		t.Errorf("stale backups, check with its own data source: plan -detailed-exitcode exited %d, want 2 with a read planned and the warning:\n%s", code, out)
	}
	w.write(providerBlock(e) + status + postureOutputs + check)
	w.must("apply")
	if age := checkAge(t, w, "exportable_age", "exportable_at"); age < 27*3600 {
		t.Errorf("27 hours later the newest exportable snapshot is %d s old", age)
	}
	if w.output("exportable_id") != first.SnapshotID {
		t.Errorf("newest exportable %s, want still %s", w.output("exportable_id"), first.SnapshotID)
	}

	w.write(providerBlock(e) + postcondition)
	out, code = w.run("plan")
	if code != 1 || !strings.Contains(out, "Error: Resource postcondition failed") || !strings.Contains(out, "older than 26 hours") {
		t.Errorf("stale backups: plan with the postcondition exited %d, want 1 with its error:\n%s", code, out)
	}
}

// On business-critical the newest completed snapshot is an hourly differential, which is never exportable: the
// newest exportable one is an older full, and the walk lists exactly the days back to it (one when it is today's).
func TestAccBackupStatus_differentialIsNotTheNewestExportable(t *testing.T) {
	needsAcc(t)
	t.Parallel()
	e, c := slowEmulator(t, 300*time.Millisecond)
	id, first := postureInstance(t, e, c, "business-critical")
	var differential aura.Snapshot
	for i := 0; i < 3 && differential.SnapshotID == ""; i++ {
		e.AdvanceClock(time.Hour)
		list, err := c.ListSnapshots(context.Background(), id, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) > 0 && list[0].Profile == "Scheduled" && !list[0].Exportable && list[0].Status == "Completed" {
			differential = list[0]
		}
	}
	if differential.SnapshotID == "" {
		t.Fatal("no differential snapshot appeared")
	}
	var fullAt string
	for d := 0; d < 2 && fullAt == ""; d++ { // the newest full: today's 00:00 one, or the first one of yesterday
		list, err := c.ListSnapshots(context.Background(), id, emulatorNow(t, e).AddDate(0, 0, -d))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range list {
			if s.Exportable && s.Status == "Completed" && fullAt == "" {
				fullAt = s.Timestamp
			}
		}
	}
	if fullAt == "" || fullAt < first.Timestamp {
		t.Fatalf("no exportable full since the first snapshot %s", first.Timestamp)
	}
	w := newCLIWorkdir(t, providerBlock(e)+fmt.Sprintf(`
data "aura_backup_status" "ledger" {
  instance_id = %q
}
output "completed_exportable" { value = tostring(data.aura_backup_status.ledger.newest_completed.exportable) }
output "exportable_exportable" { value = tostring(data.aura_backup_status.ledger.newest_exportable.exportable) }
`, id)+postureOutputs)
	slowControl(t, e, "DELETE", "/_emulator/stats", nil, nil)
	w.must("plan")
	want := daysBack(t, emulatorNow(t, e), fullAt)
	if n := snapshotListCalls(t, e); n != want {
		t.Errorf("%d list calls to reach a full %d days back (counting today), want %d", n, want, want)
	}
	t.Logf("%d list call(s) to reach the full of %s", snapshotListCalls(t, e), fullAt)
	w.must("apply")
	if w.output("cadence") != "hourly" || w.output("interval") != "3600" {
		t.Errorf("business-critical cadence %q every %s s, want hourly every 3600", w.output("cadence"), w.output("interval"))
	}
	if w.output("completed_id") != differential.SnapshotID || w.output("completed_exportable") != "false" {
		t.Errorf("newest completed %s (exportable %s), want the differential %s", w.output("completed_id"), w.output("completed_exportable"), differential.SnapshotID)
	}
	if w.output("exportable_at") != fullAt || w.output("exportable_exportable") != "true" {
		t.Errorf("newest exportable taken %s, want the full of %s", w.output("exportable_at"), fullAt)
	}
	if recovery, exportable := checkAge(t, w, "recovery_age", "completed_at"), checkAge(t, w, "exportable_age", "exportable_at"); recovery >= exportable {
		t.Errorf("the differential (%d s old) is not newer than the full (%d s old)", recovery, exportable)
	}
}

// free-db has no schedule and keeps only its latest on-demand snapshot: that snapshot is as far back as a restore
// reaches.
func TestAccBackupStatus_freeHasNoScheduleAndReachesItsOneSnapshot(t *testing.T) {
	needsAcc(t)
	t.Parallel()
	e, c := slowEmulator(t, 300*time.Millisecond)
	id, _ := postureInstance(t, e, c, "free-db")
	s := takeSnapshot(t, c, id)
	sid := s.SnapshotID
	w := newCLIWorkdir(t, providerBlock(e)+fmt.Sprintf(`
data "aura_backup_status" "ledger" {
  instance_id = %q
}
output "interval_is_null" { value = tostring(data.aura_backup_status.ledger.scheduled_interval_seconds == null) }
`, id)+postureOutputs)
	w.must("apply")
	if w.output("cadence") != "none" || w.output("interval_is_null") != "true" {
		t.Errorf("free-db cadence %q (interval null: %s), want none (true)", w.output("cadence"), w.output("interval_is_null"))
	}
	if w.output("completed_id") != sid || w.output("exportable_id") != sid || w.output("restorable_since") != s.Timestamp {
		t.Errorf("newest %s / %s, restorable since %s; want the on-demand %s of %s", w.output("completed_id"), w.output("exportable_id"), w.output("restorable_since"), sid, s.Timestamp)
	}
}

// postureGuideConfig is the first pattern of the recovery posture guide, verbatim: the instance, and (gate) the
// gate that reads it by name.
func postureGuideConfig(t *testing.T, e *emulator.Emulator, gate bool) string {
	t.Helper()
	blocks := guideBlocks(t, "../../docs/guides/recovery-posture-checks.md")
	if len(blocks) < 2 || !strings.Contains(blocks[0].hcl, `resource "aura_instance" "ledger"`) || !strings.Contains(blocks[1].hcl, `instance_name = "ledger"`) {
		t.Fatalf("the guide's first blocks are no longer the instance and the gate by name")
	}
	config := providerBlock(e) + blocks[0].hcl
	if gate {
		config += blocks[1].hcl
	}
	return config
}

// ledgerReady applies the guide's instance and waits for its first scheduled snapshot to complete, as it does
// minutes after a creation on Aura; it returns the instance's id.
func ledgerReady(t *testing.T, e *emulator.Emulator, c *aura.Client, w *cliWorkdir) string {
	t.Helper()
	w.must("apply")
	id := regexp.MustCompile(`(?m)^\s+id\s+= "([^"]+)"`).FindStringSubmatch(w.must("state", "show", "aura_instance.ledger"))[1]
	list, err := c.ListSnapshots(context.Background(), id, time.Time{})
	if err != nil || len(list) != 1 {
		t.Fatalf("the new ledger lists %d snapshots (%v), want its first scheduled one", len(list), err)
	}
	if _, err := c.WaitForSnapshot(context.Background(), id, list[0].SnapshotID); err != nil {
		t.Fatal(err)
	}
	return id
}

// The guide's gate, through the CLI: fresh backups pass; an instance paused through the API with 48 hours of the
// emulator's clock gone by fails the plan, with the age in the message, although that plan resumes the instance
// (a gate that referred to aura_instance.ledger would be read at apply only, and pass).
func TestAccBackupStatus_gateByNameFailsForAPauseNobodyPlanned(t *testing.T) {
	needsAcc(t)
	t.Parallel()
	e, c := slowEmulator(t, 300*time.Millisecond)
	w := newCLIWorkdir(t, postureGuideConfig(t, e, false))
	id := ledgerReady(t, e, c, w)
	w.write(postureGuideConfig(t, e, true))
	if out, code := w.run("plan", "-detailed-exitcode"); code != 0 {
		t.Fatalf("fresh backups: plan -detailed-exitcode exited %d, want 0:\n%s", code, out)
	}
	slowControl(t, e, "PATCH", "/_emulator/instances/"+id, map[string]string{"status": "paused"}, nil)
	e.AdvanceClock(48 * time.Hour)
	out, code := w.run("plan")
	if code != 1 || !strings.Contains(out, "paused = true") || !regexp.MustCompile(`newest exportable snapshot 4[89] h old`).MatchString(out) {
		t.Fatalf("paused out of band, 48 h on: plan exited %d, want 1 with the age in the gate's message:\n%s", code, out)
	}
	t.Logf("the gate's message: %s", regexp.MustCompile(`ledger: paused.*`).FindString(out))
}

// The guide's pause on purpose: paused in the configuration with an excuse, 48 hours on, the apply that resumes
// the instance is not failed by the gate; once the excuse ends, the gate judges again (and passes: a scheduled
// snapshot has landed since the resume).
func TestAccBackupStatus_gateByNameAcceptsAPauseOnPurpose(t *testing.T) {
	needsAcc(t)
	t.Parallel()
	e, c := slowEmulator(t, 300*time.Millisecond)
	w := newCLIWorkdir(t, postureGuideConfig(t, e, false))
	ledgerReady(t, e, c, w)
	w.write(postureGuideConfig(t, e, true))
	excuse := emulatorNow(t, e).Add(74 * time.Hour).UTC().Format(time.RFC3339)
	w.must("apply", "-var", "ledger_paused=true", "-var", "ledger_pause_excused_until="+excuse)
	e.AdvanceClock(48 * time.Hour)
	if out, code := w.run("plan", "-var", "ledger_paused=false"); code != 1 {
		t.Errorf("the same resume without the excuse: plan exited %d, want 1 (the gate):\n%s", code, out)
	}
	out, code := w.run("apply", "-var", "ledger_paused=false", "-var", "ledger_pause_excused_until="+excuse)
	if code != 0 || !strings.Contains(out, "paused") {
		t.Fatalf("the apply resuming a pause on purpose exited %d, want 0:\n%s", code, out)
	}
	if out, code := w.run("plan", "-detailed-exitcode", "-var", "ledger_pause_excused_until="+excuse); code != 0 {
		t.Errorf("resumed, excuse running: plan -detailed-exitcode exited %d, want 0:\n%s", code, out)
	}
	e.AdvanceClock(27 * time.Hour) // past the excuse; the daily schedule has run since the resume
	if out, code := w.run("plan", "-detailed-exitcode"); code != 0 {
		t.Errorf("excuse over, a scheduled snapshot since the resume: plan -detailed-exitcode exited %d, want 0:\n%s", code, out)
	}
}
