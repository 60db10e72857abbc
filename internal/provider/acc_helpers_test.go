package provider

import (
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// sameAttrs checks that two addresses in state hold equal values for each attribute, named alike on both.
func sameAttrs(a, b string, attrs ...string) []statecheck.StateCheck {
	checks := make([]statecheck.StateCheck, len(attrs))
	for i, attr := range attrs {
		checks[i] = statecheck.CompareValuePairs(a, tfjsonpath.New(attr), b, tfjsonpath.New(attr), compare.ValuesSame())
	}
	return checks
}

// needsAcc skips, as resource.Test would, a test that calls the API before resource.Test.
func needsAcc(t *testing.T) {
	t.Helper()
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance tests skipped unless env '%s' set", resource.EnvTfAcc)
	}
}

// failsToRead checks, in parallel with other tests, that reading config fails with the phrases in order.
func failsToRead(t *testing.T, config string, phrases ...string) {
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    []resource.TestStep{{Config: config, ExpectError: wrapped(phrases...)}},
	})
}

// stateAttr reads one attribute of a resource from the state terraform-plugin-testing hands a check.
func stateAttr(s *terraform.State, name, key string) string {
	return s.RootModule().Resources[name].Primary.Attributes[key]
}
