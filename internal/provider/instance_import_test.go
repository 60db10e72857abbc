package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aura-terraform/terraform-provider-aura/internal/aura"
	"github.com/aura-terraform/terraform-provider-aura/internal/emulator"
)

// importEmulator is an emulator of the test's own (its request counts are the test's alone) with an instance
// of the given version, running; it returns the emulator, a client and the instance.
func importEmulator(t *testing.T, version string) (*emulator.Emulator, *aura.Client, *aura.Instance) {
	t.Helper()
	e, c := slowEmulator(t, 50*time.Millisecond)
	in := createRunning(t, c, e, "acc-import", version, nil, "")
	return e, c, in
}

// createRunning creates an instance through c (a clone when sourceID is set) and waits until it runs.
func createRunning(t *testing.T, c *aura.Client, e *emulator.Emulator, name, version string, sourceID *string, snapshotID string) *aura.Instance {
	t.Helper()
	ctx := context.Background()
	req := aura.CreateInstanceRequest{Name: name, TenantID: e.TenantID(), Type: "professional-db", Version: version,
		Region: "europe-west1", CloudProvider: "gcp", Memory: "2GB", SourceInstanceID: sourceID}
	if snapshotID != "" {
		req.SourceSnapshotID = &snapshotID
	}
	created, err := c.CreateInstance(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	in, err := c.WaitForInstance(ctx, created.ID, "running")
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// mutatingRequestsAt counts what an emulator other than the shared one served that was not a read.
func mutatingRequestsAt(t *testing.T, e *emulator.Emulator) int {
	t.Helper()
	n := 0
	for _, r := range served(t, e) {
		if r.Method != "GET" && r.Route != "/oauth/token" {
			n += r.Count
		}
	}
	return n
}

// A version 4 instance imported by its id alone is never replaced because Aura does not return its version: the
// first plan records the configured version = "4" in place, with a warning; the apply sends nothing; from then
// on a change of version replaces, as it always does.
func TestAccInstance_importByIDRecordsTheConfiguredVersion(t *testing.T) {
	needsEmulator(t)
	e, _, in := importEmulator(t, "4")
	config := func(version string) string {
		return providerBlock(e) + fmt.Sprintf(`
resource "aura_instance" "legacy" {
  name                = %q
  type                = "professional-db"
  version             = %q
  cloud_provider      = "gcp"
  region              = "europe-west1"
  memory              = "2GB"
  deletion_protection = false
}
`, in.Name, version)
	}
	w := newCLIWorkdir(t, config("4"))
	w.must("import", "aura_instance.legacy", in.ID)
	if v := w.stateAttr("version")["aura_instance.legacy"]; v != nil {
		t.Fatalf("an import by id alone recorded version %v, which Aura does not return", v)
	}
	out, code := w.run("plan", "-detailed-exitcode")
	if code != 2 {
		t.Fatalf("plan after the import exited %d, want 2 (the version recorded in place):\n%s", code, out)
	}
	contains(t, "plan after the import", out, []string{
		"Version recorded from the configuration",
		"Aura does not return an instance's Neo4j version",
		`records version = "4"`,
		"aura_instance.legacy will be updated in-place",
		"0 to add, 1 to change, 0 to destroy",
	}, "must be replaced")

	slowControl(t, e, "DELETE", "/_emulator/stats", nil, nil)
	w.must("apply")
	if n := mutatingRequestsAt(t, e); n != 0 {
		t.Fatalf("recording the version sent %d mutating requests", n)
	}
	if v := w.stateAttr("version")["aura_instance.legacy"]; v != "4" {
		t.Fatalf("version %v in state after the apply, want 4", v)
	}
	w.quietPlan("plan after the version was recorded")

	w.write(config("5"))
	contains(t, "plan of a version change after it was recorded", w.must("plan"), []string{"aura_instance.legacy must be replaced"}, "Version recorded from the configuration")
}

// -generate-config-out after an import by id alone writes no version it could not read; the configuration it
// writes validates, and its plan records the default version in place with the warning, replacing nothing.
func TestAccInstance_importByIDGeneratesNoVersion(t *testing.T) {
	needsEmulator(t)
	e, _, in := importEmulator(t, "4")
	w := newCLIWorkdir(t, providerBlock(e)+fmt.Sprintf(`
import {
  to = aura_instance.legacy
  id = %q
}
`, in.ID))
	out := w.must("plan", "-generate-config-out=generated.tf")
	generated := readGenerated(t, w)
	if strings.Contains(generated, `"5"`) || strings.Contains(generated, `"4"`) {
		t.Fatalf("the generated configuration holds a version Aura did not return:\n%s", generated)
	}
	contains(t, "plan with generated configuration", out, []string{"Version recorded from the configuration", "1 to import, 0 to add, 1 to change, 0 to destroy"}, "must be replaced")
	w.must("validate")
}

func readGenerated(t *testing.T, w *cliWorkdir) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(w.dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// Every documented import form of aura_instance_from_snapshot, through an import block and
// -generate-config-out: the forms that name the source generate configuration that validates and plans clean
// (the import alone); the forms that cannot name it are refused at import, naming the form that works.
func TestAccInstanceFromSnapshot_importFormsGenerateValidConfiguration(t *testing.T) {
	needsEmulator(t)
	e, c, source := importEmulator(t, "5")
	snap := takeSnapshot(t, c, source.ID)
	clone := createRunning(t, c, e, "acc-import-clone", "5", &source.ID, snap.SnapshotID)
	for _, f := range []struct {
		name, id string
		refused  bool
	}{
		{"instance id", clone.ID, true},
		{"instance id and version", clone.ID + ":5", true},
		{"with the source instance", clone.ID + ":5:" + source.ID, false},
		{"with the source instance and snapshot", clone.ID + ":5:" + source.ID + ":" + snap.SnapshotID, false},
	} {
		t.Run(f.name, func(t *testing.T) {
			w := newCLIWorkdir(t, providerBlock(e)+fmt.Sprintf(`
import {
  to = aura_instance_from_snapshot.copy
  id = %q
}
`, f.id))
			out, code := w.run("plan", "-generate-config-out=generated.tf")
			if f.refused {
				if code == 0 {
					t.Fatalf("import id %q was accepted:\n%s", f.id, out)
				}
				contains(t, "refused import", out, []string{"Invalid import id for aura_instance_from_snapshot",
					`Use "<instance_id>:<version>:<source_instance_id>[:<source_snapshot_id>]"`, "source_instance_id is required"})
				return
			}
			if code != 0 {
				t.Fatalf("plan generating the configuration exited %d:\n%s", code, out)
			}
			contains(t, "plan generating the configuration", out, []string{"1 to import, 0 to add, 0 to change, 0 to destroy"}, "This change by itself", "copies instance data", "Version recorded")
			w.must("validate")
			slowControl(t, e, "DELETE", "/_emulator/stats", nil, nil)
			w.must("apply")
			if n := mutatingRequestsAt(t, e); n != 0 {
				t.Fatalf("the import sent %d mutating requests", n)
			}
			w.quietPlan("plan after the import")
		})
	}
}
