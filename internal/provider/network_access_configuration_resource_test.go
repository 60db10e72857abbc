package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

func testAccNetworkConfig(private, public bool, principals string) string {
	return fmt.Sprintf(`
resource "aura_network_access_configuration" "test" {
  cloud_provider         = "aws"
  region                 = "us-east-1"
  type                   = "enterprise-db"
  private_connectivity   = %t
  public_traffic_enabled = %t
  allowed_principals     = [%s]
}
`, private, public, principals)
}

// Not parallel: the aura_network_access_configuration example claims the same cloud, region and type, and a
// tenant holds one configuration for each.
func TestAccNetworkAccess_crudImportAndDrift(t *testing.T) {
	needsEmulator(t)
	var id string
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: testAccNetworkConfig(false, true, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("aura_network_access_configuration.test", tfjsonpath.New("status"), knownvalue.StringExact("ready")),
					statecheck.ExpectKnownValue("aura_network_access_configuration.test", tfjsonpath.New("endpoint_service"), knownvalue.StringExact("")),
				},
				Check: func(s *terraform.State) error {
					id = stateAttr(s, "aura_network_access_configuration.test", "id")
					return nil
				},
			},
			{
				Config: testAccNetworkConfig(true, false, `"123456789012"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("aura_network_access_configuration.test", plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("aura_network_access_configuration.test", tfjsonpath.New("endpoint_service"), knownvalue.StringRegexp(regexp.MustCompile(`^com\.amazonaws\.vpce\.us-east-1\.`))),
					statecheck.ExpectKnownValue("aura_network_access_configuration.test", tfjsonpath.New("allowed_principals"), knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("123456789012")})),
				},
			},
			{
				Config:           testAccNetworkConfig(true, false, `"123456789012"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				ResourceName:      "aura_network_access_configuration.test",
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					return testEmulator.TenantID() + "/" + stateAttr(s, "aura_network_access_configuration.test", "id"), nil
				},
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
			{ // someone turns public traffic back on in the console: the plan shows it
				PreConfig: func() {
					control(t, "PATCH", "/_emulator/network-access-configurations/"+id, map[string]any{"public_traffic_enabled": true}, nil)
				},
				Config: testAccNetworkConfig(true, false, `"123456789012"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("aura_network_access_configuration.test", plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("aura_network_access_configuration.test", tfjsonpath.New("public_traffic_enabled"), knownvalue.Bool(false)),
				},
			},
		},
	})
}

func TestAccNetworkAccess_publicOffNeedsPrivate(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: testAccNetworkConfig(false, false, ""), PlanOnly: true,
			ExpectError: regexp.MustCompile(`(?s)public_traffic_enabled = false is only allowed with.*private_connectivity = true`),
		}},
	})
}
