package provider

import (
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/aura-terraform/terraform-provider-aura/internal/emulator"
)

// Against a server without the project's extension (the public API v1), every extension resource fails with
// the one clear diagnostic, nothing crashes, and no state is written. (aura_database_upload is no extension: it
// speaks the console's upload protocol, which such a server serves; TestAccDatabaseUpload_loadsIntoGCPAndAWSWithoutThePasswordInStateOrPlan.)
func TestAccExtensions_unsupportedServer(t *testing.T) {
	needsEmulator(t)
	t.Parallel()
	e := otherEmulator(t, func(c *emulator.Config) { c.Transition, c.NoExtensions = 100*time.Millisecond, true })
	provider := providerBlock(e)
	configs := map[string]string{
		"network access": `
resource "aura_network_access_configuration" "test" {
  cloud_provider = "aws"
  region         = "us-east-1"
  type           = "enterprise-db"
}`,
		"network access list": `
data "aura_network_access_configurations" "all" {}`,
		"export": `
resource "aura_instance" "test" {
  name = "noext"
  type = "professional-db"
  cloud_provider = "gcp"
  region = "europe-west1"
  memory = "2GB"
}
resource "aura_snapshot" "test" {
  instance_id = aura_instance.test.id
}
resource "aura_snapshot_export" "test" {
  instance_id = aura_instance.test.id
  snapshot_id = aura_snapshot.test.snapshot_id
  path        = "` + filepath.Join(t.TempDir(), "out.backup") + `"
}`,
	}
	for name, config := range configs {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      provider + config,
					ExpectError: regexp.MustCompile(`(?s)This\s+Aura\s+API\s+does\s+not\s+expose.*configured\s+in\s+the\s+Aura\s+console`),
				}},
			})
		})
	}
}
