package provider

import (
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// Other tests create instances in the same tenant at the same time, so the lists are filtered by names only
// this test uses.
func TestAccInstancesDataSource_listsByName(t *testing.T) {
	// depends_on defers the reads to after the create; with a known name they would run at plan time.
	config := testAccInstanceConfig("acc-ds-instances", "2GB", "europe-west1", "") + `
data "aura_instances" "named" {
  name       = aura_instance.test.name
  depends_on = [aura_instance.test]
}

data "aura_instances" "none" {
  name       = "acc-ds-instances-none"
  depends_on = [aura_instance.test]
}
`
	first := tfjsonpath.New("instances").AtSliceIndex(0)
	pair := func(attr string) statecheck.StateCheck {
		return statecheck.CompareValuePairs("aura_instance.test", tfjsonpath.New(attr), "data.aura_instances.named", first.AtMapKey(attr), compare.ValuesSame())
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckInstanceDestroy,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.aura_instances.named", tfjsonpath.New("instances"), knownvalue.ListSizeExact(1)),
				pair("id"), pair("name"), pair("tenant_id"), pair("cloud_provider"), pair("created_at"),
				statecheck.ExpectKnownValue("data.aura_instances.named", tfjsonpath.New("tenant_id"), knownvalue.StringExact(os.Getenv("AURA_TENANT_ID"))),
				statecheck.ExpectKnownValue("data.aura_instances.none", tfjsonpath.New("instances"), knownvalue.ListExact([]knownvalue.Check{})),
			},
		}},
	})
}
