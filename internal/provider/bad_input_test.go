package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

func badInstance(typ, extra string) string {
	return fmt.Sprintf(`
resource "aura_instance" "bad" {
  name           = "bad"
  type           = %q
  cloud_provider = "gcp"
  region         = "europe-west1"
  memory         = "8GB"
  %s
}`, typ, extra)
}

func badFree(extra string) string {
	return `
resource "aura_instance" "bad" {
  name = "bad"
  type = "free-db"
  ` + extra + `
}`
}

// Every invalid configuration fails at plan time, with a message that names the attribute and what is
// allowed, and no request reaches the API.
func TestAccBadInput_failsAtPlanTimeWithoutAPICalls(t *testing.T) {
	needsEmulator(t)
	long := strings.Repeat("n", 31)
	cases := []struct {
		name, config string
		want         []string // phrases that must appear, in order
	}{
		{"type enum", badInstance("mega-db", ""), []string{"type", `value must be one of`, `"professional-db"`}},
		{"cloud enum", strings.Replace(badInstance("professional-db", ""), `"gcp"`, `"ibm"`, 1), []string{"cloud_provider", "value must be one of", `"azure"`}},
		{"memory value", strings.Replace(badInstance("professional-db", ""), `"8GB"`, `"3GB"`, 1), []string{"memory", "value must be one of", `"4GB"`}},
		{"storage enum", badInstance("professional-db", `storage = "3GB"`), []string{"storage", "value must be one of", `"2048GB"`}},
		{"version enum", badInstance("professional-db", `version = "3"`), []string{"version", "value must be one of", `"5"`}},
		{"empty name", strings.Replace(badInstance("professional-db", ""), `name           = "bad"`, `name = ""`, 1), []string{"name", "length must be between 1 and 30"}},
		{"long name", strings.Replace(badInstance("professional-db", ""), `name           = "bad"`, `name = "`+long+`"`, 1), []string{"name", "length must be between 1 and 30"}},
		{"empty region", strings.Replace(badInstance("professional-db", ""), `"europe-west1"`, `""`, 1), []string{"region", "length must be at least 1"}},
		{"free-db on aws", badFree(`cloud_provider = "aws"
  region = "europe-west1"
  memory = "1GB"`), []string{"cloud_provider", `must be "gcp"`}},
		{"free-db region", badFree(`cloud_provider = "gcp"
  region = "us-central1"
  memory = "1GB"`), []string{"region", `must be "europe-west1"`}},
		{"free-db memory", badFree(`cloud_provider = "gcp"
  region = "europe-west1"
  memory = "2GB"`), []string{"memory", `must be "1GB"`}},
		{"free-db storage", badFree(`cloud_provider = "gcp"
  region = "europe-west1"
  memory = "1GB"
  storage = "2GB"`), []string{"storage", "free-db instance has no storage"}},
		{"free-db paused", badFree(`cloud_provider = "gcp"
  region = "europe-west1"
  memory = "1GB"
  paused = true`), []string{"paused", "must be false"}},
		{"vector below 4GB", strings.Replace(badInstance("professional-db", "vector_optimized = true"), `"8GB"`, `"2GB"`, 1), []string{"vector_optimized", "4GB or more"}},
		{"gds outside professional-db", badInstance("business-critical", "graph_analytics_plugin = true"), []string{"graph_analytics_plugin", `type "professional-db"`}},
		{"cdc on professional-db", badInstance("professional-db", `cdc_enrichment_mode = "FULL"`), []string{"cdc_enrichment_mode", "business-critical or enterprise-db"}},
		{"secondaries on professional-db", badInstance("professional-db", `secondaries_count = 1`), []string{"secondaries_count", "business-critical or enterprise-db"}},
		{"cdc enum", badInstance("business-critical", `cdc_enrichment_mode = "ALL"`), []string{"cdc_enrichment_mode", "value must be one of", `"DIFF"`}},
		{"secondaries too many", badInstance("business-critical", `secondaries_count = 16`), []string{"secondaries_count", "between 0 and 15"}},
		{"secondaries negative", badInstance("business-critical", `secondaries_count = -1`), []string{"secondaries_count", "between 0 and 15"}},
		{"version 4 business-critical", badInstance("business-critical", `version = "4"`), []string{"version", `must be "5"`, "free-db, professional-db and enterprise-db"}},
		{"version 4 AuraDS", badInstance("professional-ds", `version = "4"`), []string{"version", `must be "5"`}},
		{"clone without source", `
resource "aura_instance_from_snapshot" "bad" {
  name = "bad"
  type = "professional-db"
  cloud_provider = "gcp"
  region = "europe-west1"
  memory = "8GB"
}`, []string{`"source_instance_id" is required`}},
		{"clone memory", `
resource "aura_instance_from_snapshot" "bad" {
  name = "bad"
  type = "professional-db"
  cloud_provider = "gcp"
  region = "europe-west1"
  memory = "9GB"
  source_instance_id = "2f49c2b3"
}`, []string{"memory", "value must be one of"}},
		{"snapshot without instance", `resource "aura_snapshot" "bad" {}`, []string{`"instance_id" is required`}},
		{"restore unconfirmed", `
resource "aura_instance_restore" "bad" {
  instance_id       = "2f49c2b3"
  snapshot_id       = "6c0a8e2a-4b8f-4f4e-9a61-0f3d2c1b5e77"
  confirm_overwrite = false
}`, []string{"confirm_overwrite must be true", "Allowed value: true"}},
		{"restore without confirmation", `
resource "aura_instance_restore" "bad" {
  instance_id = "2f49c2b3"
}`, []string{`"confirm_overwrite" is required`}},
		{"snapshots profile", `
data "aura_snapshots" "bad" {
  instance_id = "2f49c2b3"
  profile     = "Daily"
}`, []string{"profile", "value must be one of", `"AdHoc"`, `"Scheduled"`}},
		{"snapshots status", `
data "aura_snapshots" "bad" {
  instance_id = "2f49c2b3"
  status      = "Done"
}`, []string{"status", "value must be one of", `"Completed"`}},
		{"snapshots from", `
data "aura_snapshots" "bad" {
  instance_id = "2f49c2b3"
  from        = "2026/11/01"
}`, []string{"from", "YYYY-MM-DD"}},
		{"snapshots to", `
data "aura_snapshots" "bad" {
  instance_id = "2f49c2b3"
  to          = "yesterday"
}`, []string{"to", "YYYY-MM-DD"}},
		{"snapshots version", `
data "aura_snapshots" "bad" {
  instance_id      = "2f49c2b3"
  instance_version = "6"
}`, []string{"instance_version", "value must be one of", `"4"`}},
		{"snapshot both", `
data "aura_snapshot" "bad" {
  instance_id = "2f49c2b3"
  snapshot_id = "6c0a8e2a-4b8f-4f4e-9a61-0f3d2c1b5e77"
  most_recent = true
}`, []string{"snapshot_id", "most_recent"}},
		{"snapshot neither", `
data "aura_snapshot" "bad" {
  instance_id = "2f49c2b3"
}`, []string{"snapshot_id", "most_recent"}},
		{"network public off", testAccNetworkConfig(false, false, ""), []string{"public_traffic_enabled = false", "private_connectivity = true"}},
		{"network cloud", strings.Replace(testAccNetworkConfig(false, true, ""), `"aws"`, `"ibm"`, 1), []string{"cloud_provider", "value must be one of", `"gcp"`}},
		{"network type", strings.Replace(testAccNetworkConfig(false, true, ""), `"enterprise-db"`, `"x"`, 1), []string{"type", "value must be one of", `"enterprise-ds"`}},
		{"network region", strings.Replace(testAccNetworkConfig(false, true, ""), `"us-east-1"`, `""`, 1), []string{"region", "length must be at least 1"}},
		{"upload file kind", `
resource "aura_database_upload" "bad" {
  instance_id       = "2f49c2b3"
  source_path       = "dump.zip"
  confirm_overwrite = true
}`, []string{"source_path", ".backup, .dump or .tar"}},
		{"upload unconfirmed", `
resource "aura_database_upload" "bad" {
  instance_id       = "2f49c2b3"
  source_path       = "db.backup"
  confirm_overwrite = false
}`, []string{"confirm_overwrite must be true", "Allowed value: true"}},
		{"export without path", `
resource "aura_snapshot_export" "bad" {
  instance_id = "2f49c2b3"
  snapshot_id = "6c0a8e2a-4b8f-4f4e-9a61-0f3d2c1b5e77"
}`, []string{`"path" is required`}},
		{"provider rate", `
provider "aura" {
  requests_per_minute = 0
}
data "aura_tenants" "all" {}`, []string{"requests_per_minute", "between 1 and 10000"}},
		{"provider retries", `
provider "aura" {
  max_retries = 50
}
data "aura_tenants" "all" {}`, []string{"max_retries", "between 0 and 20"}},
		{"provider plain http", `
provider "aura" {
  base_url = "http://api.neo4j.io"
}
data "aura_tenants" "all" {}`, []string{"base_url", "only allowed for a loopback host", "https"}},
		{"no tenant anywhere", `
provider "aura" {
  tenant_id = ""
}
data "aura_network_access_configurations" "all" {}`, []string{"Missing tenant_id", "tenant_id in the provider block", "AURA_TENANT_ID"}},
		{"provider auth url", `
provider "aura" {
  auth_url = "ftp://login"
}
data "aura_tenants" "all" {}`, []string{"auth_url", "not an http(s) URL"}},
	}
	control(t, "DELETE", "/_emulator/stats", nil, nil)
	ran := 0
	for _, c := range cases {
		ran++
		t.Run(c.name, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: c.config, PlanOnly: true, ExpectError: wrapped(c.want...)}},
			})
		})
	}
	if ran < 40 {
		t.Errorf("only %d invalid configurations", ran)
	}
	var st struct{ Total int }
	control(t, "GET", "/_emulator/stats", nil, &st)
	if st.Total != 0 {
		t.Errorf("invalid configurations made %d API requests", st.Total)
	}
}
