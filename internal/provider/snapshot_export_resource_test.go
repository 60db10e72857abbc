package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/aura-terraform/terraform-provider-aura/internal/aura"
)

func testAccExportConfig(file string) string {
	return testAccSnapshotConfig("acc-export", "x") + fmt.Sprintf(`
resource "aura_snapshot_export" "test" {
  instance_id = aura_instance.test.id
  snapshot_id = aura_snapshot.test.snapshot_id
  path        = %q
}
`, file)
}

const testAccUploadConfig = `
resource "aura_database_upload" "test" {
  instance_id       = aura_instance.test.id
  source_path       = aura_snapshot_export.test.path
  confirm_overwrite = true
  password_wo       = aura_instance.test.password
}
`

// files lists what is in dir, so that tests can prove no partial download was left behind.
func files(t *testing.T, dir string) []string {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// Write X, snapshot, export, write Y, upload the file: the data is X again. A modified file is downloaded
// again, and destroy deletes it.
func TestAccSnapshotExport_roundTripThroughUpload(t *testing.T) {
	needsEmulator(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "acc.backup")
	var instanceID, x string
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			if _, err := os.Stat(file); !os.IsNotExist(err) {
				return fmt.Errorf("destroy left %s", file)
			}
			return testAccCheckInstanceDestroy(s)
		},
		Steps: []resource.TestStep{
			{
				Config: testAccInstanceConfig("acc-export", "2GB", "europe-west1", ""),
				Check: func(s *terraform.State) error {
					instanceID = stateAttr(s, "aura_instance.test", "id")
					x = putData(t, instanceID, map[string]any{"dataset": "X"})
					return nil
				},
			},
			{
				Config: testAccExportConfig(file),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("aura_snapshot_export.test", tfjsonpath.New("format"), knownvalue.StringExact("backup")),
				},
				Check: func(s *terraform.State) error {
					sum, err := aura.FileSHA256(file)
					if err != nil || sum != stateAttr(s, "aura_snapshot_export.test", "sha256") {
						return fmt.Errorf("file %s: sha %s, state %s (%v)", file, sum, stateAttr(s, "aura_snapshot_export.test", "sha256"), err)
					}
					putData(t, instanceID, map[string]any{"dataset": "Y"})
					return nil
				},
			},
			{
				Config: testAccExportConfig(file) + testAccUploadConfig,
				Check: func(*terraform.State) error {
					if got := dataSHA(t, instanceID); got != x {
						return fmt.Errorf("after the upload the dataset is %s, want X %s", got, x)
					}
					return nil
				},
			},
			{ // a modified local file is downloaded again
				PreConfig: func() {
					if err := os.WriteFile(file, []byte("tampered"), 0o600); err != nil {
						t.Fatal(err)
					}
				},
				Config: testAccExportConfig(file) + testAccUploadConfig,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("aura_snapshot_export.test", plancheck.ResourceActionCreate),
				}},
				// The upload saw a different file at plan time and replaces too; the file is back as exported.
				Check: func(s *terraform.State) error {
					if sum, _ := aura.FileSHA256(file); sum != stateAttr(s, "aura_snapshot_export.test", "sha256") {
						return fmt.Errorf("the file was not downloaded again")
					}
					if got := dataSHA(t, instanceID); got != x {
						return fmt.Errorf("the second upload did not load X")
					}
					return nil
				},
			},
		},
	})
}

// An interrupted download leaves nothing at path; the provider's retry, or a second apply, succeeds.
func TestAccSnapshotExport_interruptedDownloadLeavesNoFile(t *testing.T) {
	needsEmulator(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "interrupted.backup")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckInstanceDestroy,
		Steps: []resource.TestStep{
			{Config: testAccSnapshotConfig("acc-export", "x")},
			{
				PreConfig: func() {
					control(t, "POST", "/_emulator/faults", map[string]any{"path": "^/exports/", "drop": true, "apply": true, "count": 50}, nil)
				},
				Config:      testAccExportConfig(file),
				ExpectError: regexp.MustCompile(`(?s)Downloading the export failed.*Nothing was written`),
				Check:       func(*terraform.State) error { return nil },
			},
			{
				PreConfig: func() {
					if got := files(t, dir); len(got) != 0 {
						t.Errorf("an interrupted download left %v", got)
					}
					control(t, "DELETE", "/_emulator/faults", nil, nil)
					// One more interruption: the provider retries the download by itself.
					control(t, "POST", "/_emulator/faults", map[string]any{"path": "^/exports/", "drop": true, "apply": true, "count": 1}, nil)
				},
				Config: testAccExportConfig(file),
				Check: func(s *terraform.State) error {
					if got := files(t, dir); len(got) != 1 || got[0] != "interrupted.backup" {
						return fmt.Errorf("directory holds %v", got)
					}
					return nil
				},
			},
		},
	})
}

func TestAccSnapshotExport_differentialIsRefusedWithTheReason(t *testing.T) {
	needsEmulator(t)
	c := testAccClient(t)
	created := createInstanceForTest(t, "acc-export-bc", "business-critical")
	diff := differentialSnapshot(t, created)
	_ = c
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
resource "aura_snapshot_export" "test" {
  instance_id = %q
  snapshot_id = %q
  path        = %q
}
`, created, diff, filepath.Join(t.TempDir(), "x.backup")),
			ExpectError: regexp.MustCompile(`(?s)differential snapshot.*never\s+exportable`),
		}},
	})
}
