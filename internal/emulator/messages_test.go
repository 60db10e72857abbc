package emulator

import "testing"

func (h *harness) wantError(r reply, status int, reason, message string) {
	h.t.Helper()
	if r.Status != status || r.reason() != reason || errorMessage(r) != message {
		h.t.Errorf("got %d %s, want %d %s %q", r.Status, r.Raw, status, reason, message)
	}
}

func TestMessages_notFoundAsAuraWordsThem(t *testing.T) {
	h := start(t)
	h.wantError(h.do("GET", "/v1/instances/0a0b0c0d", nil), 404, "db-not-found", "DB not found: 0a0b0c0d")
	h.wantError(h.do("DELETE", "/v1/instances/0a0b0c0d", nil), 404, "db-not-found", "DB not found: 0a0b0c0d")
	const unknown = "00000000-0000-4000-8000-000000000000"
	const noTenant = "The tenant you specified could not be found"
	h.wantError(h.do("GET", "/v1/tenants/"+unknown, nil), 404, "tenant-not-found", noTenant)
	h.wantError(h.do("GET", "/v1/tenants/"+unknown+"/metrics-integration", nil), 404, "tenant-not-found", noTenant)
	h.wantError(h.do("POST", "/v1/instances", instanceBody(unknown, "professional-db", "5", nil)), 404, "tenant-not-found", noTenant)
}

// Upload is not among these: it goes through the console's import protocol, which answers a busy instance in its
// own words (400 DatabaseNotRunning at initiate, api/README.md C.3), not with this API's 409; see
// TestConsole_busyInstanceRefusedAtInitiate.
func TestMessages_operationInProgress(t *testing.T) {
	h := start(t)
	id := h.create("professional-db", "5", nil)
	snap := h.snapshot(id)
	h.setStatus(id, "updating", "running")
	base := "/v1/instances/" + id
	const ongoing = "The database is current undergoing an operation: updating"
	for name, r := range map[string]reply{
		"pause":     h.do("POST", base+"/pause", nil),
		"resume":    h.do("POST", base+"/resume", nil),
		"update":    h.do("PATCH", base, map[string]any{"memory": "16GB"}),
		"overwrite": h.do("POST", base+"/overwrite", map[string]any{"source_instance_id": id}),
		"restore":   h.do("POST", base+"/snapshots/"+snap+"/restore", nil),
		"snapshot":  h.do("POST", base+"/snapshots", nil),
		"clone":     h.do("POST", "/v1/instances", instanceBody(h.e.TenantID(), "professional-db", "5", map[string]any{"source_instance_id": id})),
	} {
		t.Run(name, func(t *testing.T) {
			if r.Status != 409 || r.reason() != "ongoing-database-operation" || errorMessage(r) != ongoing {
				t.Errorf("%d %s", r.Status, r.Raw)
			}
		})
	}
}

func TestMessages_missingBillingDetails(t *testing.T) {
	h := start(t)
	tenant := "/_emulator/tenants/" + h.e.TenantID()
	if r := h.must(200, h.do("PATCH", tenant, map[string]any{"billing_details": false})); r.Body["billing_details"] != false {
		t.Errorf("control answered %s", r.Raw)
	}
	body := instanceBody(h.e.TenantID(), "professional-db", "5", nil)
	h.wantError(h.do("POST", "/v1/instances", body), 400, "missing-billing-details",
		"You must provide billing details in the Aura Console before creating an instance")
	if got := h.must(200, h.do("GET", "/v1/instances", nil)).list(); len(got) != 0 {
		t.Errorf("a refused create left %v", got)
	}
	if d := h.must(200, h.do("GET", "/v1/tenants/"+h.e.TenantID(), nil)).data(); len(d) != 3 {
		t.Errorf("the billing state leaks into the tenant object: %v", d)
	}
	h.must(200, h.do("PATCH", tenant, map[string]any{"billing_details": true}))
	h.must(202, h.do("POST", "/v1/instances", body))
	h.must(400, h.do("PATCH", tenant, map[string]any{}))
	h.must(404, h.do("PATCH", "/_emulator/tenants/00000000-0000-4000-8000-000000000000", map[string]any{"billing_details": false}))
}

func TestMessages_noInstanceForMetrics(t *testing.T) {
	h := start(t)
	h.create("professional-db", "5", nil) // professional-db exports no metrics
	h.wantError(h.do("GET", "/v1/tenants/"+h.e.TenantID()+"/metrics-integration", nil), 400, "tenant-incapable-of-action",
		"This tenant has no instances eligible for metrics integration")
}
