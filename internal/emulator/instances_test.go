package emulator

import (
	"strings"
	"testing"
)

func TestCreateInstance_validation(t *testing.T) {
	h := start(t)
	tenant := h.e.TenantID()
	cases := []struct {
		name        string
		extra       map[string]any
		typ         string
		status      int
		reason      string
		field       string
		rawOverride string
	}{
		{"missing name", map[string]any{"name": nil}, "professional-db", 400, "missing-field", "name", ""},
		{"name too long", map[string]any{"name": strings.Repeat("x", 31)}, "professional-db", 400, "invalid-value", "name", ""},
		{"missing memory", map[string]any{"memory": nil}, "professional-db", 400, "missing-field", "memory", ""},
		{"bad type", nil, "mega-db", 400, "invalid-value", "type", ""},
		{"bad version", map[string]any{"version": "3"}, "professional-db", 400, "invalid-value", "version", ""},
		{"bad cloud", map[string]any{"cloud_provider": "ibm"}, "professional-db", 400, "invalid-value", "cloud_provider", ""},
		{"bad memory", map[string]any{"memory": "3GB"}, "professional-db", 400, "invalid-value", "memory", ""},
		{"bad storage", map[string]any{"storage": "3GB"}, "professional-db", 400, "invalid-value", "storage", ""},
		{"unknown tenant", map[string]any{"tenant_id": "00000000-0000-4000-8000-000000000000"}, "professional-db", 404, "tenant-not-found", "tenant_id", ""},
		{"region not offered", map[string]any{"region": "mars-north1"}, "professional-db", 400, "invalid-configuration", "region", ""},
		{"memory not offered for type", map[string]any{"memory": "1GB"}, "enterprise-ds", 400, "invalid-configuration", "memory", ""},
		{"version not offered for type", map[string]any{"version": "4"}, "business-critical", 400, "invalid-configuration", "version", ""},
		{"storage not matching memory", map[string]any{"storage": "64GB"}, "professional-db", 400, "invalid-configuration", "storage", ""},
		{"free-db with storage", map[string]any{"storage": "2GB"}, "free-db", 400, "invalid-value", "storage", ""},
		{"free-db on aws", map[string]any{"cloud_provider": "aws", "region": "us-east-1"}, "free-db", 400, "invalid-value", "cloud_provider", ""},
		{"free-db with 2GB", map[string]any{"memory": "2GB"}, "free-db", 400, "invalid-value", "memory", ""},
		{"vector below 4GB", map[string]any{"memory": "2GB", "vector_optimized": true}, "professional-db", 400, "invalid-value", "vector_optimized", ""},
		{"gds outside professional-db", map[string]any{"graph_analytics_plugin": true}, "business-critical", 400, "invalid-value", "graph_analytics_plugin", ""},
		{"unknown key", map[string]any{"customer_managed_key_id": "00000000-0000-4000-8000-000000000000"}, "enterprise-db", 400, "encryption-key-not-found", "customer_managed_key_id", ""},
		{"cdc at create", map[string]any{"cdc_enrichment_mode": "FULL"}, "business-critical", 400, "unknown-field", "cdc_enrichment_mode", ""},
		{"secondaries at create", map[string]any{"secondaries_count": 1}, "business-critical", 400, "unknown-field", "secondaries_count", ""},
		{"snapshot without source", map[string]any{"source_snapshot_id": "00000000-0000-4000-8000-000000000000"}, "professional-db", 400, "missing-field", "source_instance_id", ""},
		{"unknown source", map[string]any{"source_instance_id": "deadbeef"}, "professional-db", 404, "db-not-found", "source_instance_id", ""},
		{"wrong member type", map[string]any{"memory": 8}, "professional-db", 400, "invalid-field-type", "memory", ""},
		{"malformed json", nil, "professional-db", 400, "invalid-json", "", `{"name": `},
		{"not an object", nil, "professional-db", 400, "invalid-json", "", `[1,2]`},
		{"empty body", nil, "professional-db", 400, "invalid-json", "", ``},
		{"trailing data", nil, "professional-db", 400, "invalid-json", "", `{} {}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var body any = instanceBody(tenant, c.typ, "5", c.extra)
			if c.rawOverride != "" || c.name == "empty body" {
				body = c.rawOverride
			}
			r := h.do("POST", "/v1/instances", body)
			if r.Status != c.status || r.reason() != c.reason || r.field() != c.field {
				t.Errorf("got %d %s %q, want %d %s %q: %s", r.Status, r.reason(), r.field(), c.status, c.reason, c.field, r.Raw)
			}
		})
	}
	if n := len(h.must(200, h.do("GET", "/v1/instances", nil)).list()); n != 0 {
		t.Errorf("refused creates made %d instances", n)
	}
}

func TestCreateInstance_answerAndSummary(t *testing.T) {
	h := start(t)
	r := h.must(202, h.do("POST", "/v1/instances", instanceBody(h.e.TenantID(), "professional-db", "5", nil)))
	d := r.data()
	for _, k := range []string{"id", "name", "tenant_id", "cloud_provider", "region", "type", "connection_url", "username", "password"} {
		if d[k] == nil || d[k] == "" {
			t.Errorf("create answer lacks %s: %s", k, r.Raw)
		}
	}
	if _, has := d["status"]; has {
		t.Errorf("create answer has a status: %s", r.Raw)
	}
	id := d["id"].(string)
	if len(id) != 8 || strings.Trim(id, "0123456789abcdef") != "" {
		t.Errorf("id %q is not 8 lowercase hex", id)
	}
	got := h.must(200, h.do("GET", "/v1/instances/"+id, nil)).data()
	if got["status"] != "creating" || got["connection_url"] != "neo4j+s://"+id+".databases.neo4j.io" {
		t.Errorf("fresh instance: %v", got)
	}
	if _, has := got["password"]; has {
		t.Error("GET returns the password")
	}
	if _, has := got["version"]; has {
		t.Error("the instance object has a version field")
	}
	list := h.must(200, h.do("GET", "/v1/instances?tenantId="+h.e.TenantID(), nil)).list()
	if len(list) != 1 || len(list[0].(map[string]any)) != 5 {
		t.Errorf("summary list: %v", list)
	}
	if l := h.must(200, h.do("GET", "/v1/instances?tenantId=00000000-0000-4000-8000-000000000000", nil)).list(); len(l) != 0 {
		t.Errorf("other tenant lists %v", l)
	}
}

func TestInstance_lifecycle(t *testing.T) {
	h := start(t, func(c *Config) { c.Transition = 150 * 1e6 })
	id := h.create("professional-db", "5", nil)
	base := "/v1/instances/" + id

	h.must(409, h.do("POST", base+"/resume", nil))
	r := h.must(202, h.do("POST", base+"/pause", nil))
	if r.data()["status"] != "pausing" {
		t.Errorf("pause answered %v", r.data()["status"])
	}
	if r := h.do("POST", base+"/pause", nil); r.Status != 409 || r.reason() != "ongoing-database-operation" {
		t.Errorf("second pause: %d %s", r.Status, r.Raw)
	}
	h.waitStatus(id, "paused")
	if u := h.do("GET", base, nil).data()["connection_url"]; u != "" {
		t.Errorf("paused connection_url %q", u)
	}
	h.must(409, h.do("POST", base+"/snapshots", nil))
	h.must(409, h.do("PATCH", base, map[string]any{"memory": "16GB"}))
	h.must(202, h.do("PATCH", base, map[string]any{"name": "renamed-while-paused"}))
	h.must(202, h.do("POST", base+"/resume", nil))
	if r := h.do("POST", base+"/pause", nil); r.Status != 409 {
		t.Errorf("pause while resuming: %d", r.Status)
	}
	h.waitStatus(id, "running")

	r = h.must(202, h.do("PATCH", base, map[string]any{"memory": "16GB"}))
	if r.data()["status"] != "updating" || r.data()["memory"] != "16GB" || r.data()["storage"] != "32GB" {
		t.Errorf("resize answered %v", r.data())
	}
	h.waitStatus(id, "running")
	h.must(202, h.do("PATCH", base, map[string]any{"name": "renamed"}))
	if d := h.do("GET", base, nil).data(); d["name"] != "renamed" || d["status"] != "running" {
		t.Errorf("rename: %v", d)
	}

	r = h.must(202, h.do("DELETE", base, nil))
	if r.data()["status"] != "destroying" {
		t.Errorf("delete answered %v", r.data()["status"])
	}
	h.must(202, h.do("DELETE", base, nil)) // a repeated delete is safe
	h.waitStatus(id, "gone")
	if r := h.do("GET", base, nil); r.reason() != "db-not-found" {
		t.Errorf("deleted instance: %s", r.Raw)
	}
}

func TestPatchInstance_rules(t *testing.T) {
	h := start(t)
	pro := h.create("professional-db", "5", nil)
	bc := h.create("business-critical", "5", nil)
	free := h.create("free-db", "5", nil)
	cases := []struct {
		name, id string
		body     any
		status   int
		field    string
	}{
		{"empty", pro, map[string]any{}, 400, ""},
		{"unknown member", pro, map[string]any{"region": "x"}, 400, "region"},
		{"bad memory", pro, map[string]any{"memory": "7GB"}, 400, "memory"},
		{"memory not offered", pro, map[string]any{"memory": "512GB"}, 400, "memory"},
		{"storage not matching", pro, map[string]any{"storage": "2048GB"}, 400, "storage"},
		{"cdc on professional", pro, map[string]any{"cdc_enrichment_mode": "FULL"}, 400, "cdc_enrichment_mode"},
		{"bad cdc", bc, map[string]any{"cdc_enrichment_mode": "ALL"}, 400, "cdc_enrichment_mode"},
		{"negative secondaries", bc, map[string]any{"secondaries_count": -1}, 400, "secondaries_count"},
		{"secondaries on professional", pro, map[string]any{"secondaries_count": 1}, 400, "secondaries_count"},
		{"resize free", free, map[string]any{"memory": "2GB"}, 400, "memory"},
		{"name too long", pro, map[string]any{"name": strings.Repeat("n", 31)}, 400, "name"},
		{"cdc on business-critical", bc, map[string]any{"cdc_enrichment_mode": "DIFF", "secondaries_count": 2}, 202, ""},
	}
	for _, c := range cases {
		r := h.do("PATCH", "/v1/instances/"+c.id, c.body)
		if r.Status != c.status || r.field() != c.field {
			t.Errorf("%s: %d %q, want %d %q: %s", c.name, r.Status, r.field(), c.status, c.field, r.Raw)
		}
	}
	h.waitStatus(bc, "running")
	if d := h.do("GET", "/v1/instances/"+bc, nil).data(); d["cdc_enrichment_mode"] != "DIFF" || d["secondaries_count"] != float64(2) {
		t.Errorf("business-critical after patch: %v", d)
	}
	if r := h.do("POST", "/v1/instances/"+free+"/pause", nil); r.Status != 400 {
		t.Errorf("pausing free-db: %d", r.Status)
	}
}

func TestTenantsAndKeys(t *testing.T) {
	h := start(t)
	tenants := h.must(200, h.do("GET", "/v1/tenants", nil)).list()
	if len(tenants) != 1 || tenants[0].(map[string]any)["id"] != h.e.TenantID() {
		t.Fatalf("tenants %v", tenants)
	}
	tn := h.must(200, h.do("GET", "/v1/tenants/"+h.e.TenantID(), nil)).data()
	types := map[string]bool{}
	for _, c := range tn["instance_configurations"].([]any) {
		types[c.(map[string]any)["type"].(string)] = true
	}
	for _, typ := range instanceTypes {
		if !types[typ] {
			t.Errorf("no configuration for %s", typ)
		}
	}
	if r := h.do("GET", "/v1/tenants/00000000-0000-4000-8000-000000000000", nil); r.Status != 404 || r.reason() != "tenant-not-found" {
		t.Errorf("unknown tenant %d %s", r.Status, r.Raw)
	}
	if r := h.do("GET", "/v1/tenants/"+h.e.TenantID()+"/metrics-integration", nil); r.Status != 400 || r.reason() != "tenant-incapable-of-action" {
		t.Errorf("metrics without capable instance %d %s", r.Status, r.Raw)
	}
	h.create("business-critical", "5", nil)
	if r := h.must(200, h.do("GET", "/v1/tenants/"+h.e.TenantID()+"/metrics-integration", nil)); r.data()["endpoint"] == "" {
		t.Errorf("metrics %s", r.Raw)
	}
	keys := h.must(200, h.do("GET", "/v1/customer-managed-keys?tenantId="+h.e.TenantID(), nil)).list()
	if len(keys) == 0 {
		t.Fatal("no seeded keys")
	}
	key := keys[0].(map[string]any)
	h.must(200, h.do("GET", "/v1/customer-managed-keys/"+key["id"].(string), nil))
	if r := h.do("GET", "/v1/customer-managed-keys/nope", nil); r.reason() != "encryption-key-not-found" {
		t.Errorf("unknown key %s", r.Raw)
	}
	withKey := h.create("enterprise-db", "5", map[string]any{"customer_managed_key_id": key["id"], "cloud_provider": key["cloud_provider"], "region": key["region"]})
	if d := h.do("GET", "/v1/instances/"+withKey, nil).data(); d["customer_managed_key_id"] != key["id"] {
		t.Errorf("instance with key %v", d)
	}
}
