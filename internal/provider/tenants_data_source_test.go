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

// The list is exactly the API's, in its order, and holds the provider's tenant.
func TestAccTenantsDataSource_matchesTheAPI(t *testing.T) {
	needsAcc(t)
	list, err := testAccClient(t).ListTenants(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := make([]knownvalue.Check, len(list))
	found := false
	for i, tn := range list {
		want[i] = knownvalue.ObjectExact(map[string]knownvalue.Check{"id": knownvalue.StringExact(tn.ID), "name": knownvalue.StringExact(tn.Name)})
		found = found || tn.ID == os.Getenv("AURA_TENANT_ID")
	}
	if !found {
		t.Fatalf("the API does not list the tenant %s", os.Getenv("AURA_TENANT_ID"))
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `data "aura_tenants" "all" {}`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.aura_tenants.all", tfjsonpath.New("tenants"), knownvalue.ListExact(want)),
			},
		}},
	})
}
