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

// An export is a file the console's import protocol loads: uploaded back, it brings the snapshot's data back.
func TestExport_uploadedBackBringsTheSnapshotBack(t *testing.T) {
	h := start(t)
	tg := h.createTarget("gcp")
	x := h.putData(tg.id, map[string]any{"dataset": "X"})
	sid := h.snapshot(tg.id)
	h.putData(tg.id, map[string]any{"dataset": "Y"})

	meta, file := h.exportOf(tg.id, sid)
	sum := sha256.Sum256(file)
	if meta["format"] != "backup" || meta["sha256"] != hex.EncodeToString(sum[:]) || meta["size_bytes"] != float64(len(file)) {
		t.Errorf("export %v does not describe the %d bytes downloaded", meta, len(file))
	}
	h.uploadLoads(tg, file)
	if h.dataSHA(tg.id) != x {
		t.Error("upload did not bring dataset X back")
	}

	ds := h.create("professional-ds", "5", nil)
	if meta, _ := h.exportOf(ds, h.snapshot(ds)); meta["format"] != "tar" {
		t.Errorf("AuraDS exports as %v", meta["format"])
	}
	v4 := h.createTargetOf("professional-db", "4", nil)
	want := h.putData(v4.id, map[string]any{"dataset": "four"})
	meta, file = h.exportOf(v4.id, h.snapshot(v4.id))
	if meta["format"] != "dump" {
		t.Errorf("AuraDB 4 exports as %v", meta["format"])
	}
	h.putData(v4.id, map[string]any{"dataset": "later"})
	h.uploadLoads(v4, file)
	if h.dataSHA(v4.id) != want {
		t.Error("a version 4 dump uploaded back did not bring its data back")
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

func TestNoExtensions_bare404(t *testing.T) {
	h := start(t, func(c *Config) { c.NoExtensions = true })
	id := h.create("professional-db", "5", nil)
	for _, p := range []struct{ method, path string }{
		{"GET", "/v1/tenants/" + h.e.TenantID() + "/network-access-configurations"},
		{"POST", "/v1/tenants/" + h.e.TenantID() + "/network-access-configurations"},
		{"PATCH", "/v1/tenants/" + h.e.TenantID() + "/network-access-configurations/x"},
		{"POST", "/v1/instances/" + id + "/snapshots/x/export"},
	} {
		r := h.do(p.method, p.path, nil)
		if r.Status != 404 || len(r.Raw) != 0 {
			t.Errorf("%s %s: %d %q", p.method, p.path, r.Status, r.Raw)
		}
	}
	h.must(200, h.do("GET", "/v1/instances/"+id, nil))
}

// One way to upload, the real one (issue 23): the project's former extension route is gone even where extensions
// are served.
func TestUpload_noExtensionRoute(t *testing.T) {
	h := start(t)
	id := h.create("professional-db", "5", nil)
	r := h.doWith("POST", "/v1/instances/"+id+"/upload", []byte("x"), map[string]string{
		"Authorization": "Bearer " + h.token, "Content-Type": "application/octet-stream", "X-Aura-File-Name": "neo4j.backup"})
	if r.Status != 404 {
		t.Errorf("POST /v1/instances/{id}/upload: %d %s, want 404", r.Status, r.Raw)
	}
}
