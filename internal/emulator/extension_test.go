package emulator

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"testing"
)

func TestNetworkAccess_crudAndRules(t *testing.T) {
	h := start(t)
	base := "/v1/tenants/" + h.e.TenantID() + "/network-access-configurations"
	bad := []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"no cloud", map[string]any{"region": "us-east-1", "type": "enterprise-db"}, "cloud_provider"},
		{"bad type", map[string]any{"cloud_provider": "aws", "region": "us-east-1", "type": "x"}, "type"},
		{"public off without private", map[string]any{"cloud_provider": "aws", "region": "us-east-1", "type": "enterprise-db", "public_traffic_enabled": false}, "public_traffic_enabled"},
		{"empty principal", map[string]any{"cloud_provider": "aws", "region": "us-east-1", "type": "enterprise-db", "allowed_principals": []string{""}}, "allowed_principals"},
	}
	for _, c := range bad {
		if r := h.do("POST", base, c.body); r.Status != 400 || r.field() != c.field {
			t.Errorf("%s: %d %s", c.name, r.Status, r.Raw)
		}
	}
	r := h.must(202, h.do("POST", base, map[string]any{"cloud_provider": "aws", "region": "us-east-1", "type": "enterprise-db"}))
	n := r.data()
	if n["status"] != "pending" || n["public_traffic_enabled"] != true || n["private_connectivity"] != false || n["endpoint_service"] != "" {
		t.Errorf("created %v", n)
	}
	id := n["id"].(string)
	if r := h.do("POST", base, map[string]any{"cloud_provider": "aws", "region": "us-east-1", "type": "enterprise-db"}); r.Status != 409 || r.reason() != "network-access-configuration-exists" {
		t.Errorf("duplicate: %d %s", r.Status, r.Raw)
	}
	h.must(409, h.do("PATCH", base+"/"+id, map[string]any{"private_connectivity": true}))
	h.advance("1s")
	if s := h.must(200, h.do("GET", base+"/"+id, nil)).data()["status"]; s != "ready" {
		t.Errorf("after the transition: %v", s)
	}
	r = h.must(202, h.do("PATCH", base+"/"+id, map[string]any{"private_connectivity": true, "public_traffic_enabled": false, "allowed_principals": []string{"123456789012"}}))
	if d := r.data(); d["status"] != "updating" || d["endpoint_service"] == "" {
		t.Errorf("patched %v", d)
	}
	h.advance("1s")
	if r := h.do("PATCH", base+"/"+id, map[string]any{"private_connectivity": false}); r.Status != 400 {
		t.Errorf("private off while public is off: %d", r.Status)
	}
	if l := h.must(200, h.do("GET", base, nil)).list(); len(l) != 1 {
		t.Errorf("list %v", l)
	}
	h.must(202, h.do("DELETE", base+"/"+id, nil))
	if r := h.do("GET", base+"/"+id, nil); r.Status != 404 || r.reason() != "network-access-configuration-not-found" {
		t.Errorf("after delete %d %s", r.Status, r.Raw)
	}
}

func (h *harness) exportOf(id, sid string) (map[string]any, []byte) {
	h.t.Helper()
	x := h.must(200, h.do("POST", "/v1/instances/"+id+"/snapshots/"+sid+"/export", nil)).data()
	res, err := http.Get(x["download_url"].(string)) // no bearer token: the URL is signed
	if err != nil {
		h.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		h.t.Fatalf("download: %d %s", res.StatusCode, body)
	}
	return x, body
}

func (h *harness) upload(id, name string, body []byte) reply {
	return h.doWith("POST", "/v1/instances/"+id+"/upload", body, map[string]string{
		"Authorization": "Bearer " + h.token, "Content-Type": "application/octet-stream", "X-Aura-File-Name": name})
}

func TestExportAndUpload_roundTrip(t *testing.T) {
	h := start(t)
	id := h.create("professional-db", "5", nil)
	x := h.putData(id, map[string]any{"dataset": "X"})
	sid := h.snapshot(id)
	h.putData(id, map[string]any{"dataset": "Y"})

	meta, file := h.exportOf(id, sid)
	sum := sha256.Sum256(file)
	if meta["format"] != "backup" || meta["sha256"] != hex.EncodeToString(sum[:]) || meta["size_bytes"] != float64(len(file)) {
		t.Errorf("export %v does not describe the %d bytes downloaded", meta, len(file))
	}
	r := h.upload(id, "neo4j.backup", file)
	if r.Status != 202 || r.data()["status"] != "loading" {
		t.Fatalf("upload %d %s", r.Status, r.Raw)
	}
	h.waitStatus(id, "running")
	if h.dataSHA(id) != x {
		t.Error("upload did not bring dataset X back")
	}

	if r := h.upload(id, "neo4j.dump", file); r.Status != 400 || r.reason() != "file-kind-mismatch" {
		t.Errorf("wrong kind %d %s", r.Status, r.Raw)
	}
	if r := h.upload(id, "", file); r.Status != 400 || r.field() != "X-Aura-File-Name" {
		t.Errorf("no file name %d %s", r.Status, r.Raw)
	}
	h.must(202, h.upload(id, "garbage.backup", []byte("not an export")))
	h.waitStatus(id, "loading failed")

	v4 := h.create("professional-db", "4", nil)
	h.must(202, h.upload(v4, "neo4j.dump", []byte(`{"aura_emulator_export":1,"type":"professional-db","version":"5","data":1}`)))
	h.waitStatus(v4, "loading failed")
	ds := h.create("professional-ds", "5", nil)
	dsSnap := h.snapshot(ds)
	if meta, _ := h.exportOf(ds, dsSnap); meta["format"] != "tar" {
		t.Errorf("AuraDS exports as %v", meta["format"])
	}
	v4b := h.create("professional-db", "4", nil)
	if meta, _ := h.exportOf(v4b, h.snapshot(v4b)); meta["format"] != "dump" {
		t.Errorf("AuraDB 4 exports as %v", meta["format"])
	}
}

func TestDownloadURL_signedAndExpiring(t *testing.T) {
	h := start(t)
	id := h.create("professional-db", "5", nil)
	x := h.must(200, h.do("POST", "/v1/instances/"+id+"/snapshots/"+h.snapshot(id)+"/export", nil)).data()
	u := x["download_url"].(string)
	if r := h.doWith("GET", u+"x", nil, nil); r.Status != 403 {
		t.Errorf("tampered URL: %d", r.Status)
	}
	h.advance("61m")
	if r := h.doWith("GET", u, nil, nil); r.Status != 403 || r.reason() != "download-url-expired" {
		t.Errorf("expired URL: %d %s", r.Status, r.Raw)
	}
}

func TestUpload_refusedWhilePublicTrafficDisabled(t *testing.T) {
	h := start(t, func(c *Config) { c.Transition = 0 })
	id := h.create("enterprise-db", "5", map[string]any{"cloud_provider": "aws", "region": "us-east-1"})
	_, file := h.exportOf(id, h.snapshot(id))
	base := "/v1/tenants/" + h.e.TenantID() + "/network-access-configurations"
	n := h.must(202, h.do("POST", base, map[string]any{"cloud_provider": "aws", "region": "us-east-1", "type": "enterprise-db",
		"private_connectivity": true, "public_traffic_enabled": false})).data()
	if r := h.upload(id, "neo4j.backup", file); r.Status != 403 || r.reason() != "public-traffic-disabled" {
		t.Errorf("upload with public traffic off: %d %s", r.Status, r.Raw)
	}
	h.must(202, h.do("PATCH", base+"/"+n["id"].(string), map[string]any{"public_traffic_enabled": true}))
	h.must(202, h.upload(id, "neo4j.backup", file))
}

func TestNoExtensions_bare404(t *testing.T) {
	h := start(t, func(c *Config) { c.NoExtensions = true })
	id := h.create("professional-db", "5", nil)
	for _, p := range []struct{ method, path string }{
		{"GET", "/v1/tenants/" + h.e.TenantID() + "/network-access-configurations"},
		{"POST", "/v1/tenants/" + h.e.TenantID() + "/network-access-configurations"},
		{"PATCH", "/v1/tenants/" + h.e.TenantID() + "/network-access-configurations/x"},
		{"POST", "/v1/instances/" + id + "/snapshots/x/export"},
		{"POST", "/v1/instances/" + id + "/upload"},
	} {
		r := h.do(p.method, p.path, nil)
		if r.Status != 404 || len(r.Raw) != 0 {
			t.Errorf("%s %s: %d %q", p.method, p.path, r.Status, r.Raw)
		}
	}
	h.must(200, h.do("GET", "/v1/instances/"+id, nil))
}

// azureKey is the seeded tenant's customer managed key on Azure.
func (h *harness) azureKey() string {
	h.t.Helper()
	for _, k := range h.must(200, h.do("GET", "/v1/customer-managed-keys?tenantId="+h.e.TenantID(), nil)).list() {
		if k := k.(map[string]any); k["cloud_provider"] == "azure" {
			return k["id"].(string)
		}
	}
	h.t.Fatal("the seeded tenant has no Azure key")
	return ""
}

func TestUpload_customerManagedKeyRule(t *testing.T) {
	h := start(t, func(c *Config) { c.Transition = 0 })
	key := h.azureKey()
	azure := func(version string, withKey bool) string {
		extra := map[string]any{"cloud_provider": "azure", "region": "uksouth"}
		if withKey {
			extra["customer_managed_key_id"] = key
		}
		return h.create("professional-db", version, extra)
	}
	// own export, then other data: a load brings the export back, a refusal leaves the other data.
	prepare := func(id string) (exported, current string, file []byte) {
		exported = h.putData(id, map[string]any{"dataset": "exported"})
		_, file = h.exportOf(id, h.snapshot(id))
		return exported, h.putData(id, map[string]any{"dataset": "current"}), file
	}

	v4key := azure("4", true)
	_, current, file := prepare(v4key)
	for _, name := range []string{"neo4j.dump", "neo4j.backup"} {
		r := h.upload(v4key, name, file)
		if r.Status != 400 || r.reason() != "upload-not-supported" {
			t.Errorf("%s into 4 + Azure + key: %d %s", name, r.Status, r.Raw)
			continue
		}
		if msg := r.Body["errors"].([]any)[0].(map[string]any)["message"]; msg != "Upload is not supported for Neo4j 4 instances on Azure encrypted with a customer managed key; use the Import service" {
			t.Errorf("message %q", msg)
		}
	}
	if s := h.status(v4key); s != "running" || h.dataSHA(v4key) != current {
		t.Errorf("the refused upload changed the instance: %s", s)
	}

	for _, c := range []struct {
		what, version string
		withKey       bool
		name          string
	}{{"5 + Azure + key", "5", true, "neo4j.backup"}, {"4 + Azure, no key", "4", false, "neo4j.dump"}} {
		id := azure(c.version, c.withKey)
		exported, _, file := prepare(id)
		h.must(202, h.upload(id, c.name, file))
		h.waitStatus(id, "running")
		if h.dataSHA(id) != exported {
			t.Errorf("%s: the upload did not load the file", c.what)
		}
	}
}
