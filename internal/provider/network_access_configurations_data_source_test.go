package provider

import (
	"os"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// Other tests add configurations to the same tenant at the same time, so the check picks this test's one out
// of the list by id, and compares it with the resource field by field.
func TestAccNetworkAccessConfigurationsDataSource_listsTheResource(t *testing.T) {
	needsEmulator(t)
	config := `
resource "aura_network_access_configuration" "test" {
  cloud_provider       = "azure"
  region               = "westeurope"
  type                 = "business-critical"
  private_connectivity = true
  allowed_principals   = ["00000000-0000-0000-0000-0000000000aa"]
}

data "aura_network_access_configurations" "all" {
  depends_on = [aura_network_access_configuration.test]
}

locals {
  resource = aura_network_access_configuration.test
  listed   = [for c in data.aura_network_access_configurations.all.configurations : c if c.id == local.resource.id]
}

output "listed" {
  value = local.listed
}

output "listed_as_managed" {
  value = [for c in local.listed : c == {
    id                     = local.resource.id
    cloud_provider         = local.resource.cloud_provider
    region                 = local.resource.region
    type                   = local.resource.type
    private_connectivity   = local.resource.private_connectivity
    public_traffic_enabled = local.resource.public_traffic_enabled
    allowed_principals     = local.resource.allowed_principals
    endpoint_service       = local.resource.endpoint_service
    status                 = local.resource.status
  }]
}
`
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.aura_network_access_configurations.all", tfjsonpath.New("tenant_id"), knownvalue.StringExact(os.Getenv("AURA_TENANT_ID"))),
				statecheck.ExpectKnownOutputValue("listed", knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectPartial(map[string]knownvalue.Check{
					"cloud_provider": knownvalue.StringExact("azure"), "region": knownvalue.StringExact("westeurope"),
					"type": knownvalue.StringExact("business-critical"), "private_connectivity": knownvalue.Bool(true),
					"public_traffic_enabled": knownvalue.Bool(true), "status": knownvalue.StringExact("ready"),
					"allowed_principals": knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("00000000-0000-0000-0000-0000000000aa")}),
					"endpoint_service":   knownvalue.StringRegexp(regexp.MustCompile(`.`)),
				})})),
				statecheck.ExpectKnownOutputValue("listed_as_managed", knownvalue.ListExact([]knownvalue.Check{knownvalue.Bool(true)})),
			},
		}},
	})
}

func TestAccNetworkAccessConfigurationsDataSource_unknownTenantFails(t *testing.T) {
	needsEmulator(t)
	failsToRead(t, `data "aura_network_access_configurations" "elsewhere" { tenant_id = "00000000-0000-0000-0000-000000000000" }`, "Tenant not found", "cannot see tenant 00000000-0000-0000-0000-000000000000", "They see:", "Set tenant_id here")
}
