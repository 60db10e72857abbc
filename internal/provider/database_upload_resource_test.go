package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
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

// A file that is not a valid export fails the apply with "loading failed".
func TestAccDatabaseUpload_loadingFailedFailsTheApply(t *testing.T) {
	needsEmulator(t)
	uploadFails(t, "corrupt.backup", "not a backup", regexp.MustCompile(`(?s)loading failed`))
}
