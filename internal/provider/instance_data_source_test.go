package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

var rfc3339 = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$`)

func TestAccInstanceDataSource_readsWhatTheResourceManages(t *testing.T) {
	config := testAccInstanceConfig("acc-ds-instance", "2GB", "europe-west1", "") + `
data "aura_instance" "test" {
  id = aura_instance.test.id
}
`
	checks := append(sameAttrs("aura_instance.test", "data.aura_instance.test",
		"id", "name", "tenant_id", "type", "cloud_provider", "region", "memory", "storage", "status", "connection_url",
		"created_at", "vector_optimized", "graph_analytics_plugin", "customer_managed_key_id", "cdc_enrichment_mode", "secondaries_count", "graph_nodes", "graph_relationships"),
		statecheck.ExpectKnownValue("data.aura_instance.test", tfjsonpath.New("status"), knownvalue.StringExact("running")),
		statecheck.ExpectKnownValue("data.aura_instance.test", tfjsonpath.New("memory"), knownvalue.StringExact("2GB")),
		statecheck.ExpectKnownValue("data.aura_instance.test", tfjsonpath.New("storage"), knownvalue.StringExact("4GB")),
		statecheck.ExpectKnownValue("data.aura_instance.test", tfjsonpath.New("created_at"), knownvalue.StringRegexp(rfc3339)),
		statecheck.ExpectKnownValue("data.aura_instance.test", tfjsonpath.New("graph_nodes"), knownvalue.Null()),
	)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckInstanceDestroy,
		Steps:                    []resource.TestStep{{Config: config, ConfigStateChecks: checks}},
	})
}

func TestAccInstanceDataSource_unknownIDFails(t *testing.T) {
	failsToRead(t, `data "aura_instance" "missing" { id = "0000dead" }`, "Reading the Aura instance failed", "0000dead")
}
