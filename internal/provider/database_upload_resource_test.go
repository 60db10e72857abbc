package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/aura-terraform/terraform-provider-aura/internal/aura"
)

// Public traffic off refuses an upload into an instance of that region, before the undo snapshot, with an error
// naming the configuration and open_public_traffic; turned back on, the same upload succeeds.
func TestAccDatabaseUpload_gatedByPublicTraffic(t *testing.T) {
	needsEmulator(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "gate.backup")
	instance := `
resource "aura_instance" "test" {
  name           = "acc-upload-gate"
  type           = "enterprise-db"
  cloud_provider = "aws"
  region         = "us-east-1"
  memory         = "4GB"
  deletion_protection = false
}
resource "aura_snapshot" "test" {
  instance_id = aura_instance.test.id
}
resource "aura_snapshot_export" "test" {
  instance_id = aura_instance.test.id
  snapshot_id = aura_snapshot.test.snapshot_id
  path        = %q
}
`
	network := func(public bool) string {
		return fmt.Sprintf(`
resource "aura_network_access_configuration" "test" {
  cloud_provider         = "aws"
  region                 = "us-east-1"
  type                   = "enterprise-db"
  private_connectivity   = true
  public_traffic_enabled = %t
}
`, public)
	}
	upload := `
resource "aura_database_upload" "test" {
  instance_id       = aura_instance.test.id
  source_path       = aura_snapshot_export.test.path
  confirm_overwrite = true
  password_wo       = aura_instance.test.password
  depends_on        = [aura_network_access_configuration.test]
}
`
	base := fmt.Sprintf(instance, file)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckInstanceDestroy,
		Steps: []resource.TestStep{
			{Config: base + network(false)},
			{
				PreConfig:   func() { resetStats(t) },
				Config:      base + network(false) + upload,
				ExpectError: wrapped("public traffic is disabled", "(aws us-east-1 enterprise-db) has public_traffic_enabled = false", "Set open_public_traffic = true", "Nothing was uploaded"),
			},
			{
				PreConfig: func() { expectActs(t, "the refused upload", acts{}) },
				Config:    base + network(true) + upload,
				Check: func(s *terraform.State) error {
					if stateAttr(s, "aura_database_upload.test", "uploaded_at") == "" {
						return fmt.Errorf("upload not recorded")
					}
					return nil
				},
			},
		},
	})
}

// uploadFails uploads a file with the given name and content into a new professional-db instance and expects
// the apply to fail with want.
func uploadFails(t *testing.T, name, content string, want *regexp.Regexp) {
	t.Helper()
	file := writeFile(t, name, content)
	id := createInstanceForTest(t, "acc-upload-"+strings.TrimSuffix(name, filepath.Ext(name)), "professional-db")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: passwordVariable("db_password") + fmt.Sprintf(`
resource "aura_database_upload" "test" {
  instance_id       = %q
  source_path       = %q
  confirm_overwrite = true
  password_wo       = var.db_password
}
`, id, file),
			ConfigVariables: passwordOf(t, id),
			ExpectError:     want,
		}},
	})
}

// The file kind is checked against the instance before anything is sent.
func TestAccDatabaseUpload_wrongKindRefusedUpFront(t *testing.T) {
	needsEmulator(t)
	uploadFails(t, "analytics.tar", "an AuraDS export", wrapped("loads .backup (version 5) or .dump (version 4) files; analytics.tar is a .tar file"))
}

// A file that Aura fails to load is reported and kept with status "failed", untainted: the upload is not
// sent again by the next apply, whose plan recalls the failure.
func TestAccDatabaseUpload_loadingFailedIsNotSentAgain(t *testing.T) {
	needsEmulator(t)
	file := writeFile(t, "corrupt.backup", "not a backup")
	id := createInstanceForTest(t, "acc-upload-corrupt", "professional-db")
	config := passwordVariable("db_password") + fmt.Sprintf(`
resource "aura_database_upload" "test" {
  instance_id       = %q
  source_path       = %q
  confirm_overwrite = true
  password_wo       = var.db_password
}
`, id, file)
	resetStats(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:          config,
				ConfigVariables: passwordOf(t, id),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("aura_database_upload.test", tfjsonpath.New("status"), knownvalue.StringExact("failed")),
					statecheck.ExpectKnownValue("aura_database_upload.test", tfjsonpath.New("uploaded_at"), knownvalue.Null()),
				},
			},
			{Config: config, ConfigVariables: passwordOf(t, id), ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
		},
	})
	expectActs(t, "two applies of a failed upload", acts{Uploads: 1, Snapshots: 1})
}

// An upload runs on create and on a change of its triggers, each time after an undo snapshot; a different
// file at source_path uploads nothing by itself, and the plan says so.
func TestAccDatabaseUpload_runsOnlyByIntent(t *testing.T) {
	needsEmulator(t)
	source := instanceHCL("source", "acc-upload-intent-src") + `output "source" { value = aura_instance.source.id }
`
	rest := func(snap, file string) string {
		return instanceHCL("replica", "acc-upload-intent-dst") + fmt.Sprintf(`
resource "aura_snapshot" "source" {
  instance_id = aura_instance.source.id
  triggers    = { v = %q }
}
resource "aura_snapshot_export" "source" {
  instance_id = aura_instance.source.id
  snapshot_id = aura_snapshot.source.snapshot_id
  path        = "${abspath(path.module)}/source.backup"
}
resource "aura_database_upload" "replica" {
  instance_id       = aura_instance.replica.id
  source_path       = aura_snapshot_export.source.path
  confirm_overwrite = true
  password_wo       = aura_instance.replica.password
  triggers          = { file = %q }
}
output "replica" { value = aura_instance.replica.id }
output "backup" { value = aura_database_upload.replica.backup_snapshot_id }
`, snap, file)
	}
	w := newCLIWorkdir(t, source)
	t.Cleanup(func() { w.run("destroy") })
	w.must("apply")
	x := putData(t, w.output("source"), map[string]any{"dataset": "X"})

	w.write(source + rest("1", "1"))
	resetStats(t)
	out := w.must("apply")
	contains(t, "apply of the upload", out, []string{"This apply overwrites instance data", "source.backup (not readable yet", "backup_snapshot_id, the undo"})
	expectActs(t, "first apply", acts{Creates: 1, Uploads: 1, Snapshots: 2})
	replica := w.output("replica")
	if got := dataSHA(t, replica); got != x {
		t.Fatalf("replica data %s after the upload, want X %s", got, x)
	}
	if out, code := w.run("plan", "-detailed-exitcode"); code != 0 {
		t.Fatalf("plan after the upload exited %d:\n%s", code, out)
	}

	// A new export overwrites the file: nothing is uploaded, and the next plan says the file differs.
	y := putData(t, w.output("source"), map[string]any{"dataset": "Y"})
	w.write(source + rest("2", "1"))
	resetStats(t)
	w.must("apply")
	expectActs(t, "new file, same triggers", acts{Snapshots: 1})
	out, code := w.run("plan", "-detailed-exitcode")
	contains(t, "plan with a new file", out, []string{"The file differs from the one uploaded; no upload runs", "change triggers"}, "overwrites instance data")
	if code != 0 {
		t.Fatalf("plan with a new file exited %d:\n%s", code, out)
	}
	if got := dataSHA(t, replica); got != x {
		t.Fatalf("replica data changed without a trigger: %s, want X %s", got, x)
	}

	// The triggers change: announced with the file and its hash, one upload after one undo snapshot.
	sum, err := aura.FileSHA256(filepath.Join(w.dir, "source.backup"))
	if err != nil {
		t.Fatal(err)
	}
	w.write(source + rest("2", "2"))
	out = w.must("plan")
	contains(t, "plan with new triggers", out, []string{"This apply overwrites instance data", "aura_database_upload.replica must be replaced", "(sha256 " + sum + ")"})
	resetStats(t)
	w.must("apply")
	expectActs(t, "triggers changed", acts{Uploads: 1, Snapshots: 1})
	if got := dataSHA(t, replica); got != y {
		t.Fatalf("replica data %s after the triggered upload, want Y %s", got, y)
	}
}

// The plan announces a file by its sha256 (the planned source_sha256), and the apply uploads that file or
// nothing: Terraform itself refuses a saved plan whose file changed since, before the undo snapshot and the
// upload, because the hash no longer matches the plan.
func TestAccDatabaseUpload_fileChangedSinceThePlanIsRefused(t *testing.T) {
	needsEmulator(t)
	id := createInstanceForTest(t, "acc-upload-changed", "professional-db")
	c := testAccClient(t)
	snap := takeSnapshot(t, c, id).SnapshotID
	w := newCLIWorkdir(t, fmt.Sprintf(`
resource "aura_snapshot_export" "e" {
  instance_id = %q
  snapshot_id = %q
  path        = "${abspath(path.module)}/first.backup"
}
`, id, snap))
	t.Cleanup(func() { w.run("destroy") })
	w.must("apply")
	file := filepath.Join(w.dir, "upload.backup")
	exported, err := os.ReadFile(filepath.Join(w.dir, "first.backup"))
	if err == nil {
		err = os.WriteFile(file, exported, 0o600)
	}
	if err != nil {
		t.Fatal(err)
	}
	w.write(passwordVariable("db_password") + fmt.Sprintf(`
resource "aura_database_upload" "u" {
  instance_id       = %q
  source_path       = %q
  confirm_overwrite = true
  password_wo       = var.db_password
}
`, id, file))
	w.env = append(w.env, "TF_VAR_db_password="+instancePassword(t, id))
	w.must("plan", "-out=upload.plan")
	if err := os.WriteFile(file, append(exported, []byte("changed after the plan")...), 0o600); err != nil {
		t.Fatal(err)
	}
	resetStats(t)
	out, code := w.run("apply", "upload.plan")
	contains(t, "apply of a plan whose file changed", out, []string{"produced an invalid new value for .source_sha256"})
	if code == 0 {
		t.Fatal("the apply uploaded a file other than the one planned")
	}
	expectActs(t, "refused upload", acts{})
}

// seededAzureKey is the customer managed key the emulator seeds on Azure uksouth.
const seededAzureKey = "0b6c1f3e-7d2a-4c5b-9e8f-000000000003"

// azureInstance creates a running professional-db on Azure, encrypted with seededAzureKey when withKey.
func azureInstance(t *testing.T, version string, withKey bool) string {
	t.Helper()
	req := aura.CreateInstanceRequest{Name: "acc-upload-azure-" + version, Type: "professional-db", Version: version,
		Region: "uksouth", CloudProvider: "azure", Memory: "2GB"}
	if withKey {
		key := seededAzureKey
		req.CustomerManagedKeyID = &key
	}
	return createInstanceFrom(t, req)
}

// uploadConfig uploads file into an instance without an undo snapshot; its password is variable db_password
// (passwordOf).
func uploadConfig(instanceID, file string) string {
	return passwordVariable("db_password") + fmt.Sprintf(`
resource "aura_database_upload" "test" {
  instance_id       = %q
  source_path       = %q
  confirm_overwrite = true
  backup_before     = false
  password_wo       = var.db_password
}
`, instanceID, file)
}

// writeFile writes content to a new file called name and returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

// Aura's customer-managed-key rule: a .dump (Neo4j 4) file into an Azure instance with a key fails at plan,
// naming both attributes and the Import service, before any request that changes something. Its neighbours,
// Neo4j 5 with a key and Neo4j 4 without one, plan an upload.
func TestAccDatabaseUpload_customerManagedKeyRefusedAtPlan(t *testing.T) {
	needsEmulator(t)
	v4key, v5key, v4 := azureInstance(t, "4", true), azureInstance(t, "5", true), azureInstance(t, "4", false)
	dump, backup := writeFile(t, "neo4j.dump", "data"), writeFile(t, "neo4j.backup", "data")
	control(t, "DELETE", "/_emulator/stats", nil, nil)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: uploadConfig(v4key, dump), ConfigVariables: passwordOf(t, v4key), PlanOnly: true, ExpectError: wrapped("instance_id", v4key, "customer managed key", seededAzureKey,
				"source_path neo4j.dump is a .dump file", "Aura's Import service")},
			{Config: uploadConfig(v5key, backup), ConfigVariables: passwordOf(t, v5key), PlanOnly: true, ExpectNonEmptyPlan: true},
			{Config: uploadConfig(v4, dump), ConfigVariables: passwordOf(t, v4), PlanOnly: true, ExpectNonEmptyPlan: true},
		},
	})
	if n := mutatingRequests(t); n != 0 {
		t.Errorf("the plans made %d mutating requests", n)
	}
}

// What the plan cannot tell (the API does not return the version: here a .backup into a Neo4j 4 instance)
// Aura refuses at apply, and the error says the same.
func TestAccDatabaseUpload_customerManagedKeyRefusedByTheAPI(t *testing.T) {
	needsEmulator(t)
	id := azureInstance(t, "4", true)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{Config: uploadConfig(id, writeFile(t, "neo4j.backup", "data")), ConfigVariables: passwordOf(t, id),
			ExpectError: wrapped("Upload is not supported into this instance", "instance_id", id, "Neo4j 4 instance on Azure", "Aura's Import service", "UploadNotSupported")}},
	})
}
