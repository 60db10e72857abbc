package emulator

import (
	"testing"
	"time"
)

// A change of public_traffic_enabled holds once the configuration is ready again (api/README.md C.1): while it
// is updating, the setting it replaces holds too. So an upload is refused at the console's auth until an opening
// is ready, and from the moment a closing is sent. A configuration of another tier in the region refuses it as well.
func TestUpload_publicTrafficChangeHoldsWhenReady(t *testing.T) {
	h := start(t, func(c *Config) { c.Transition = time.Hour })
	r := h.must(202, h.do("POST", "/v1/instances", instanceBody(h.e.TenantID(), "enterprise-db", "5",
		map[string]any{"cloud_provider": "aws", "region": "us-east-1"}))).data()
	tg := target{r["id"].(string), r["password"].(string)}
	h.advance("1h")
	base := "/v1/tenants/" + h.e.TenantID() + "/network-access-configurations"
	n := h.must(202, h.do("POST", base, map[string]any{"cloud_provider": "aws", "region": "us-east-1", "type": "professional-db",
		"private_connectivity": true, "public_traffic_enabled": false})).data()["id"].(string)
	c := h.console(tg.id)
	refused := func(when string) {
		t.Helper()
		if r := c.auth("neo4j", tg.password, "true"); r.Status != 403 || r.Body["Reason"] != "PublicTrafficDisabled" {
			t.Fatalf("upload's auth %s: %d %s, want 403 PublicTrafficDisabled", when, r.Status, r.Raw)
		}
	}
	refused("while a configuration of another tier in the region is created with public traffic off")
	h.advance("1h")
	refused("with public traffic off")
	h.must(202, h.do("PATCH", base+"/"+n, map[string]any{"public_traffic_enabled": true}))
	refused("while the opening is updating")
	h.advance("1h")
	h.must(200, c.auth("neo4j", tg.password, "true"))
	h.advance("1h")
	h.must(202, h.do("PATCH", base+"/"+n, map[string]any{"public_traffic_enabled": false}))
	refused("while the closing is updating")
	h.advance("1h")
	refused("once the closing is ready")
}
