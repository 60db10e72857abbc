package provider

import (
	"context"
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// The data source holds what the API answers for the tenant, every instance configuration included, whether
// the tenant is the provider's default or named.
func TestAccTenantDataSource_matchesTheAPI(t *testing.T) {
	needsAcc(t)
	tenantID := os.Getenv("AURA_TENANT_ID")
	want, err := testAccClient(t).GetTenant(context.Background(), tenantID)
	if err != nil {
		t.Fatal(err)
	}
	if len(want.InstanceConfigurations) == 0 {
		t.Fatalf("tenant %s offers no instance configurations: nothing to compare", tenantID)
	}
	configurations := make([]knownvalue.Check, len(want.InstanceConfigurations))
	for i, c := range want.InstanceConfigurations {
		configurations[i] = knownvalue.ObjectExact(map[string]knownvalue.Check{
			"cloud_provider": knownvalue.StringExact(c.CloudProvider), "region": knownvalue.StringExact(c.Region),
			"region_name": knownvalue.StringExact(c.RegionName), "type": knownvalue.StringExact(c.Type),
			"memory": knownvalue.StringExact(c.Memory), "storage": knownvalue.StringExact(c.Storage),
			"version": knownvalue.StringExact(c.Version),
		})
	}
	var checks []statecheck.StateCheck
	for _, ds := range []string{"data.aura_tenant.default", "data.aura_tenant.named"} {
		checks = append(checks,
			statecheck.ExpectKnownValue(ds, tfjsonpath.New("id"), knownvalue.StringExact(tenantID)),
			statecheck.ExpectKnownValue(ds, tfjsonpath.New("name"), knownvalue.StringExact(want.Name)),
			statecheck.ExpectKnownValue(ds, tfjsonpath.New("instance_configurations"), knownvalue.ListExact(configurations)),
		)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
data "aura_tenant" "default" {}

data "aura_tenant" "named" {
  id = "` + tenantID + `"
}
`,
			ConfigStateChecks: checks,
		}},
	})
}

func TestAccTenantDataSource_unknownTenantFails(t *testing.T) {
	failsToRead(t, `data "aura_tenant" "missing" { id = "00000000-0000-0000-0000-000000000000" }`, "Tenant not found", "cannot see tenant 00000000-0000-0000-0000-000000000000", "They see:", "Set id here")
}
