package provider

import (
	"fmt"
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// project_id is tenant_id under the name Aura's console now uses: set in the provider or on a resource it puts
// the instance in that tenant, state holds the id under both names, and switching names plans nothing.
func TestAccProjectID_isTenantIDUnderAnotherName(t *testing.T) {
	tenant := os.Getenv("AURA_TENANT_ID")
	instance := func(attr string) string {
		return fmt.Sprintf(`
provider "aura" {
  project_id = %q
}
`, tenant) + testAccInstanceConfig("acc-project-id", "2GB", "europe-west1", fmt.Sprintf("deletion_protection = false\n  %s = %q", attr, tenant))
	}
	const res = "aura_instance.test"
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckInstanceDestroy,
		Steps: []resource.TestStep{
			{
				Config: instance("project_id"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(res, tfjsonpath.New("tenant_id"), knownvalue.StringExact(tenant)),
					statecheck.ExpectKnownValue(res, tfjsonpath.New("project_id"), knownvalue.StringExact(tenant)),
				},
			},
			{
				Config:            instance("tenant_id"),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(res, tfjsonpath.New("project_id"), knownvalue.StringExact(tenant))},
			},
			{
				Config: instance("tenant_id") + fmt.Sprintf(`
data "aura_instances" "by_project" {
  project_id = %q
  name       = aura_instance.test.name
}
`, tenant),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.aura_instances.by_project", tfjsonpath.New("tenant_id"), knownvalue.StringExact(tenant)),
					statecheck.ExpectKnownValue("data.aura_instances.by_project", tfjsonpath.New("instances"), knownvalue.ListSizeExact(1)),
				},
			},
		},
	})
}

// Two names for one setting may not disagree: on a resource, in the provider block, or in the environment.
func TestAccProjectID_differentFromTenantIDFails(t *testing.T) {
	const other = "00000000-0000-0000-0000-000000000001"
	tenant := os.Getenv("AURA_TENANT_ID")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      testAccInstanceConfig("acc-project-id-both", "2GB", "europe-west1", fmt.Sprintf("tenant_id = %q\n  project_id = %q", tenant, other)),
				PlanOnly:    true,
				ExpectError: wrapped("tenant_id and project_id differ", fmt.Sprintf("(%q and %q). Set only one of them.", tenant, other)),
			},
			{
				Config: fmt.Sprintf(`
provider "aura" {
  tenant_id  = %q
  project_id = %q
}
data "aura_instances" "all" {}
`, tenant, other),
				PlanOnly:    true,
				ExpectError: wrapped("tenant_id and project_id differ"),
			},
		},
	})
}

func TestProviderTenant_environmentNamesAgreeOrFail(t *testing.T) {
	for _, c := range []struct{ tenant, project, want, err string }{
		{"t1", "", "t1", ""}, {"", "p1", "p1", ""}, {"same", "same", "same", ""},
		{"t1", "p1", "", "AURA_TENANT_ID and AURA_PROJECT_ID differ"},
	} {
		t.Setenv("AURA_TENANT_ID", c.tenant)
		t.Setenv("AURA_PROJECT_ID", c.project)
		var diags diag.Diagnostics
		got := providerTenant(providerModel{TenantID: types.StringNull(), ProjectID: types.StringNull()}, &diags)
		if got != c.want || (c.err == "") != !diags.HasError() || (c.err != "" && diags.Errors()[0].Summary() != c.err) {
			t.Errorf("AURA_TENANT_ID=%q AURA_PROJECT_ID=%q: got %q, %v; want %q, %q", c.tenant, c.project, got, diags, c.want, c.err)
		}
	}
	// the provider block wins over the environment, under either name
	var diags diag.Diagnostics
	if got := providerTenant(providerModel{TenantID: types.StringNull(), ProjectID: types.StringValue("block")}, &diags); got != "block" || diags.HasError() {
		t.Errorf("project_id in the block: got %q, %v", got, diags)
	}
}
