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
)

// Public traffic off refuses an upload into an instance of that region with an error naming the
// configuration and the setting; turned back on, the same upload succeeds.
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
				Config:      base + network(false) + upload,
				ExpectError: wrapped("public traffic is disabled", "(aws us-east-1 enterprise-db) has public_traffic_enabled = false", "Set public_traffic_enabled = true"),
			},
			{
				Config: base + network(true) + upload,
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
	file := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	id := createInstanceForTest(t, "acc-upload-"+strings.TrimSuffix(name, filepath.Ext(name)), "professional-db")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
resource "aura_database_upload" "test" {
  instance_id       = %q
  source_path       = %q
  confirm_overwrite = true
}
`, id, file),
			ExpectError: want,
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
	file := filepath.Join(t.TempDir(), "corrupt.backup")
	if err := os.WriteFile(file, []byte("not a backup"), 0o600); err != nil {
		t.Fatal(err)
	}
	id := createInstanceForTest(t, "acc-upload-corrupt", "professional-db")
	config := fmt.Sprintf(`
resource "aura_database_upload" "test" {
  instance_id       = %q
  source_path       = %q
  confirm_overwrite = true
}
`, id, file)
	resetStats(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("aura_database_upload.test", tfjsonpath.New("status"), knownvalue.StringExact("failed")),
					statecheck.ExpectKnownValue("aura_database_upload.test", tfjsonpath.New("uploaded_at"), knownvalue.Null()),
				},
			},
			{Config: config, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
		},
	})
	expectActs(t, "two applies of a failed upload", acts{Uploads: 1, Snapshots: 1})
}
