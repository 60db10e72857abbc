package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/aura-terraform/terraform-provider-aura/internal/aura"
)

func testAccInstanceConfig(name, memory, region string, extra string) string {
	if !strings.Contains(extra, "deletion_protection") {
		extra += "\n  deletion_protection = false" // the tests destroy what they create
	}
	return fmt.Sprintf(`
resource "aura_instance" "test" {
  name           = %q
  type           = "professional-db"
  cloud_provider = "gcp"
  region         = %q
  memory         = %q
  %s
}
`, name, region, memory, extra)
}

func testAccCheckInstanceDestroy(s *terraform.State) error {
	c := testAccClientNoT()
	for _, rs := range s.RootModule().Resources {
		if rs.Type != "aura_instance" && rs.Type != "aura_instance_from_snapshot" {
			continue
		}
		_, err := c.GetInstance(context.Background(), rs.Primary.ID)
		if err == nil {
			return fmt.Errorf("instance %s still exists", rs.Primary.ID)
		}
		if !errors.Is(err, aura.ErrNotFound) {
			return err
		}
	}
	return nil
}

func TestAccInstance_basic(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckInstanceDestroy,
		Steps: []resource.TestStep{
			{
				Config: testAccInstanceConfig("acc-basic", "2GB", "europe-west1", ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("aura_instance.test", tfjsonpath.New("status"), knownvalue.StringExact("running")),
					statecheck.ExpectKnownValue("aura_instance.test", tfjsonpath.New("id"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{8}$`))),
					statecheck.ExpectKnownValue("aura_instance.test", tfjsonpath.New("connection_url"), knownvalue.StringRegexp(regexp.MustCompile(`^neo4j\+s://[0-9a-f]{8}\.databases\.neo4j\.io$`))),
					statecheck.ExpectKnownValue("aura_instance.test", tfjsonpath.New("storage"), knownvalue.StringExact("4GB")),
					statecheck.ExpectKnownValue("aura_instance.test", tfjsonpath.New("version"), knownvalue.StringExact("5")),
					statecheck.ExpectKnownValue("aura_instance.test", tfjsonpath.New("username"), knownvalue.StringExact("neo4j")),
					statecheck.ExpectKnownValue("aura_instance.test", tfjsonpath.New("password"), knownvalue.StringRegexp(regexp.MustCompile(`^.{20,}$`))),
					statecheck.ExpectKnownValue("aura_instance.test", tfjsonpath.New("paused"), knownvalue.Bool(false)),
				},
			},
			{
				Config:           testAccInstanceConfig("acc-basic", "2GB", "europe-west1", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				ResourceName:      "aura_instance.test",
				ImportState:       true,
				ImportStateVerify: true,
				// Aura returns no version: an import by id alone records none (the next plan records the configured one).
				ImportStateVerifyIgnore: []string{"password", "username", "timeouts", "version", "deletion_protection"},
			},
		},
	})
}

func TestAccInstance_updateInPlaceAndPause(t *testing.T) {
	sameID := statecheck.CompareValue(compare.ValuesSame())
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckInstanceDestroy,
		Steps: []resource.TestStep{
			{
				Config:            testAccInstanceConfig("acc-update", "2GB", "europe-west1", ""),
				ConfigStateChecks: []statecheck.StateCheck{sameID.AddStateValue("aura_instance.test", tfjsonpath.New("id"))},
			},
			{
				Config: testAccInstanceConfig("acc-updated", "4GB", "europe-west1", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("aura_instance.test", plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue("aura_instance.test", tfjsonpath.New("id")),
					statecheck.ExpectKnownValue("aura_instance.test", tfjsonpath.New("memory"), knownvalue.StringExact("4GB")),
					statecheck.ExpectKnownValue("aura_instance.test", tfjsonpath.New("storage"), knownvalue.StringExact("8GB")),
					statecheck.ExpectKnownValue("aura_instance.test", tfjsonpath.New("name"), knownvalue.StringExact("acc-updated")),
					statecheck.ExpectKnownValue("aura_instance.test", tfjsonpath.New("password"), knownvalue.NotNull()),
				},
			},
			{
				Config: testAccInstanceConfig("acc-updated", "4GB", "europe-west1", "paused = true"),
				ConfigStateChecks: []statecheck.StateCheck{
					sameID.AddStateValue("aura_instance.test", tfjsonpath.New("id")),
					statecheck.ExpectKnownValue("aura_instance.test", tfjsonpath.New("status"), knownvalue.StringExact("paused")),
					statecheck.ExpectKnownValue("aura_instance.test", tfjsonpath.New("connection_url"), knownvalue.StringExact("")),
				},
			},
			{ // no perpetual diff while paused
				Config:           testAccInstanceConfig("acc-updated", "4GB", "europe-west1", "paused = true"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{ // a resize while paused resumes, resizes, and pauses again
				Config: testAccInstanceConfig("acc-updated", "8GB", "europe-west1", "paused = true"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("aura_instance.test", tfjsonpath.New("memory"), knownvalue.StringExact("8GB")),
					statecheck.ExpectKnownValue("aura_instance.test", tfjsonpath.New("status"), knownvalue.StringExact("paused")),
				},
			},
			{
				Config: testAccInstanceConfig("acc-updated", "8GB", "europe-west1", ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("aura_instance.test", tfjsonpath.New("status"), knownvalue.StringExact("running")),
					statecheck.ExpectKnownValue("aura_instance.test", tfjsonpath.New("connection_url"), knownvalue.StringRegexp(regexp.MustCompile(`^neo4j\+s://`))),
				},
			},
		},
	})
}

func TestAccInstance_replaceOnRegion(t *testing.T) {
	differ := statecheck.CompareValue(compare.ValuesDiffer())
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckInstanceDestroy,
		Steps: []resource.TestStep{
			{
				Config:            testAccInstanceConfig("acc-replace", "2GB", "europe-west1", ""),
				ConfigStateChecks: []statecheck.StateCheck{differ.AddStateValue("aura_instance.test", tfjsonpath.New("id"))},
			},
			{
				Config: testAccInstanceConfig("acc-replace", "2GB", "us-central1", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("aura_instance.test", plancheck.ResourceActionDestroyBeforeCreate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{differ.AddStateValue("aura_instance.test", tfjsonpath.New("id"))},
			},
		},
	})
}

// An instance deleted outside Terraform leaves state quietly and the next plan creates it again.
func TestAccInstance_disappears(t *testing.T) {
	needsEmulator(t)
	var id string
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckInstanceDestroy,
		Steps: []resource.TestStep{
			{
				Config: testAccInstanceConfig("acc-disappears", "2GB", "europe-west1", ""),
				Check: resource.ComposeTestCheckFunc(
					func(s *terraform.State) error {
						id = s.RootModule().Resources["aura_instance.test"].Primary.ID
						return nil
					},
					func(*terraform.State) error { control(t, "DELETE", "/_emulator/instances/"+id, nil, nil); return nil },
				),
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("aura_instance.test", plancheck.ResourceActionCreate),
				}},
			},
		},
	})
}

// Changes made in the console (name, memory, paused) show as an in-place update in the next plan.
func TestAccInstance_driftShowsInPlan(t *testing.T) {
	needsEmulator(t)
	var id string
	config := testAccInstanceConfig("acc-drift", "2GB", "europe-west1", "")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckInstanceDestroy,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(s *terraform.State) error {
					id = s.RootModule().Resources["aura_instance.test"].Primary.ID
					return nil
				},
			},
			{
				PreConfig: func() {
					control(t, "PATCH", "/_emulator/instances/"+id, map[string]any{"name": "renamed-in-console", "memory": "4GB", "status": "paused"}, nil)
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("aura_instance.test", plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("aura_instance.test", tfjsonpath.New("name"), knownvalue.StringExact("acc-drift")),
					statecheck.ExpectKnownValue("aura_instance.test", tfjsonpath.New("memory"), knownvalue.StringExact("2GB")),
					statecheck.ExpectKnownValue("aura_instance.test", tfjsonpath.New("status"), knownvalue.StringExact("running")),
				},
			},
		},
	})
}

func TestAccInstance_deletionProtection(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckInstanceDestroy,
		Steps: []resource.TestStep{
			{Config: testAccInstanceConfig("acc-protected", "2GB", "europe-west1", "deletion_protection = true")},
			{
				Config:      testAccInstanceConfig("acc-protected", "2GB", "europe-west1", "deletion_protection = true"),
				Destroy:     true,
				ExpectError: regexp.MustCompile(`deletion_protection = true`),
			},
			{Config: testAccInstanceConfig("acc-protected", "2GB", "europe-west1", "deletion_protection = false")},
		},
	})
}

func TestAccInstance_planTimeValidation(t *testing.T) {
	t.Parallel()
	cases := []struct {
		config string
		err    string
	}{
		{testAccInstanceConfig("x", "3GB", "europe-west1", ""), `memory.*value must be one of`},
		{testAccInstanceConfig("", "2GB", "europe-west1", ""), `name.*length must be between 1 and 30`},
		{testAccInstanceConfig("x", "2GB", "europe-west1", `vector_optimized = true`), `vector_optimized needs memory of 4GB`},
		{testAccInstanceConfig("x", "2GB", "europe-west1", `cdc_enrichment_mode = "FULL"`), `cdc_enrichment_mode is only available`},
		{testAccInstanceConfig("x", "2GB", "europe-west1", `version = "3"`), `version.*value must be one of`},
		{`resource "aura_instance" "test" {
  name = "x"
  type = "free-db"
  cloud_provider = "aws"
  region = "us-east-1"
  memory = "1GB"
}`, `cloud_provider must be "gcp"`},
	}
	for i, c := range cases {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: c.config, PlanOnly: true, ExpectError: regexp.MustCompile(`(?s)` + c.err)}},
			})
		})
	}
}

func testAccClientNoT() *aura.Client {
	c, _ := aura.New(aura.Config{BaseURL: envOr("AURA_BASE_URL", aura.DefaultBaseURL), ClientID: envOr("AURA_CLIENT_ID", ""), ClientSecret: envOr("AURA_CLIENT_SECRET", "")})
	return c
}
