package emulator

import "testing"

// combinations counts the tenant's distinct (cloud, region, type) offers.
func combinations(configs []any) map[string]bool {
	seen := map[string]bool{}
	for _, c := range configs {
		m := c.(map[string]any)
		seen[m["cloud_provider"].(string)+" "+m["region"].(string)+" "+m["type"].(string)] = true
	}
	return seen
}

func (h *harness) tenantConfigurations() []any {
	h.t.Helper()
	return h.must(200, h.do("GET", "/v1/tenants/"+h.e.TenantID(), nil)).data()["instance_configurations"].([]any)
}

// The seeded tenant offers Aura's published regions per tier (regions.go): 24 for Professional, 25 for Business
// Critical, 44 for Virtual Dedicated Cloud, the AuraDS tiers alike, and free-db in one.
func TestCatalogue_auraRegions(t *testing.T) {
	h := start(t)
	configs := h.tenantConfigurations()
	seen := combinations(configs)
	if len(seen) != 24+25+44+24+44+1 || len(configs) != 1923 {
		t.Errorf("%d (cloud, region, type) combinations in %d configurations, want 162 in 1923", len(seen), len(configs))
	}
	for _, want := range []string{
		"gcp europe-west2 professional-db", "gcp europe-west1 professional-db", "gcp europe-west1 free-db",
		"aws us-east-2 business-critical", "aws il-central-1 enterprise-db", "azure norwayeast enterprise-ds",
		"azure westus3 professional-ds",
	} {
		if !seen[want] {
			t.Errorf("%s is not offered", want)
		}
	}
	for _, absent := range []string{"aws eu-west-2 professional-db", "aws us-east-2 professional-db", "azure westeurope enterprise-db", "aws us-east-1 free-db"} {
		if seen[absent] {
			t.Errorf("%s is offered; Aura does not list it", absent)
		}
	}
	for _, c := range configs {
		if m := c.(map[string]any); m["region_name"] == " ("+m["region"].(string)+")" {
			t.Errorf("region %s has no name", m["region"])
		}
	}
	// The Labs provider's snapshot data source test creates exactly this.
	id := h.create("professional-db", "5", map[string]any{"region": "europe-west2", "memory": "2GB"})
	if r := h.must(200, h.do("GET", "/v1/instances/"+id, nil)).data(); r["region"] != "europe-west2" {
		t.Errorf("created in %v", r["region"])
	}
}

// The small catalogue offers every tier in two regions per cloud and refuses the others.
func TestCatalogue_small(t *testing.T) {
	h := start(t, func(cf *Config) { cf.SmallCatalogue = true })
	configs := h.tenantConfigurations()
	if seen := combinations(configs); len(seen) != 5*6+1 || len(configs) != 350 {
		t.Errorf("%d combinations in %d configurations, want 31 in 350", len(seen), len(configs))
	}
	h.create("professional-db", "5", nil)
	r := h.do("POST", "/v1/instances", instanceBody(h.e.TenantID(), "professional-db", "5", map[string]any{"region": "europe-west2"}))
	if r.Status != 400 || r.field() != "region" {
		t.Errorf("europe-west2 in the small catalogue: %d %s", r.Status, r.Raw)
	}
}
