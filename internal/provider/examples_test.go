package provider

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
)

// Every resource and data source example in the docs is applied, planned again (no diff) and destroyed, so
// no example in the docs is broken. The provider block comes from the environment (the emulator's URL).
func TestAccExamples(t *testing.T) {
	needsEmulator(t)
	t.Parallel()
	files, _ := filepath.Glob("../../examples/resources/*/resource.tf")
	sources, _ := filepath.Glob("../../examples/data-sources/*/data-source.tf")
	files = append(files, sources...)
	if len(files) < 10 {
		t.Fatalf("found only %d examples", len(files))
	}
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(filepath.Base(filepath.Dir(file)), func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				CheckDestroy:             testAccCheckInstanceDestroy,
				Steps: []resource.TestStep{
					{Config: string(raw)},
					{Config: string(raw), ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
				},
			})
		})
	}
}
