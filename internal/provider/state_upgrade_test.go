package provider

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aura-terraform/terraform-provider-aura/internal/aura"
)

// State written by the provider before acts ran only by intent (testdata/state-v0.json, saved from a real
// apply of the previous version, with its ids made placeholders) upgrades with no diff and no act: an
// instance, an on-demand snapshot, an in-place restore, an overwrite, an upload and a clone.
func TestAccStateUpgrade_fromVersion0PlansNothing(t *testing.T) {
	needsEmulator(t)
	c := testAccClient(t)
	ids := map[string]string{"{{TENANT}}": testEmulator.TenantID()}
	for _, name := range []string{"prod", "replica", "staging"} {
		ids["{{"+strings.ToUpper(name)+"}}"] = createInstanceForTest(t, name, "professional-db")
	}
	ids["{{SNAPSHOT}}"] = takeSnapshot(t, c, ids["{{PROD}}"]).SnapshotID
	w := newCLIWorkdir(t, "")
	file := filepath.Join(w.dir, "prod.backup")
	if err := os.WriteFile(file, []byte("the file uploaded before the upgrade"), 0o600); err != nil {
		t.Fatal(err)
	}
	ids["{{FILE}}"] = file
	var err error
	if ids["{{SHA}}"], err = aura.FileSHA256(file); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("testdata/state-v0.json")
	if err != nil {
		t.Fatal(err)
	}
	state := string(raw)
	for k, v := range ids {
		state = strings.ReplaceAll(state, k, v)
	}
	if err := os.WriteFile(filepath.Join(w.dir, "terraform.tfstate"), []byte(state), 0o600); err != nil {
		t.Fatal(err)
	}
	// deletion_protection is left to its default, as in the configurations of the previous version.
	w.write(instanceHCLWith("prod", "prod", "") + instanceHCLWith("replica", "replica", "") + `
resource "aura_snapshot" "known_good" {
  instance_id = aura_instance.prod.id
  triggers    = { migration = "m1" }
}
resource "aura_instance_restore" "rollback" {
  instance_id       = aura_instance.prod.id
  snapshot_id       = aura_snapshot.known_good.snapshot_id
  confirm_overwrite = true
  triggers          = { ticket = "INC-1" }
}
resource "aura_instance_restore" "overwrite" {
  instance_id        = aura_instance.replica.id
  source_instance_id = aura_instance.prod.id
  snapshot_id        = aura_snapshot.known_good.snapshot_id
  confirm_overwrite  = true
}
resource "aura_database_upload" "replica" {
  instance_id       = aura_instance.replica.id
  source_path       = "` + file + `"
  confirm_overwrite = true
  depends_on        = [aura_instance_restore.overwrite]
}
resource "aura_instance_from_snapshot" "staging" {
  name               = "staging"
  type               = "professional-db"
  cloud_provider     = "gcp"
  region             = "europe-west1"
  memory             = "2GB"
  source_instance_id = aura_instance.prod.id
  source_snapshot_id = aura_snapshot.known_good.snapshot_id
}
`)
	resetStats(t)
	out, code := w.run("plan", "-detailed-exitcode")
	contains(t, "plan after the upgrade", out, []string{"No changes"}, "Warning", "must be replaced", "will be updated")
	if code != 0 {
		t.Fatalf("plan after the upgrade exited %d", code)
	}
	w.must("apply")
	expectActs(t, "plan and apply after the upgrade", acts{})

	// The refresh wrote the current version (3 for the upload, which added open_public_traffic, then username and
	// the write-only password; 2 for the clone, whose deletion_protection became true by default), with what it adds.
	var upgraded struct {
		Resources []struct {
			Type, Name string
			Instances  []struct {
				SchemaVersion int            `json:"schema_version"`
				Attributes    map[string]any `json:"attributes"`
			}
		}
	}
	raw, err = os.ReadFile(filepath.Join(w.dir, "terraform.tfstate"))
	if err == nil {
		err = json.Unmarshal(raw, &upgraded)
	}
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]any{
		"aura_instance_restore.rollback":      {"status": actCompleted, "backup_before": true},
		"aura_instance_restore.overwrite":     {"status": actCompleted, "backup_before": true},
		"aura_database_upload.replica":        {"status": actCompleted, "backup_before": true, "open_public_traffic": false, "username": "neo4j"},
		"aura_snapshot.known_good":            {"on_expiry": keepOnExpiry},
		"aura_instance_from_snapshot.staging": {"triggers": nil, "deletion_protection": true},
		"aura_instance.prod":                  {"deletion_protection": true},
	}
	seen := 0
	for _, r := range upgraded.Resources {
		attrs, ok := want[r.Type+"."+r.Name]
		if !ok {
			continue
		}
		seen++
		version := 1
		switch r.Type {
		case "aura_database_upload":
			version = 3
		case "aura_instance_from_snapshot":
			version = 2
		}
		if v := r.Instances[0].SchemaVersion; v != version {
			t.Errorf("%s.%s: schema version %d after the refresh, want %d", r.Type, r.Name, v, version)
		}
		for k, v := range attrs {
			if got := r.Instances[0].Attributes[k]; got != v {
				t.Errorf("%s.%s: %s = %v, want %v", r.Type, r.Name, k, got, v)
			}
		}
	}
	if seen != len(want) {
		t.Fatalf("found %d of the %d upgraded resources in state", seen, len(want))
	}
}
