package emulator

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"hash/crc32"
	"slices"
	"strings"
	"testing"
	"time"
)

func sha256Of(v any) string {
	raw, _ := json.Marshal(v)
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}

func TestConsole_gcpUploadLoadsTheFile(t *testing.T) {
	h := start(t)
	tg := h.createTarget("gcp")
	data := map[string]any{"graph_nodes": 3, "people": []string{"ada", "alan"}}
	file := exportBytes(t, "professional-db", "5", data, 3<<20)
	h.must(200, h.uploadGCP(tg, file))
	c := h.console(tg.id)
	c.token = h.tokenFor(tg)
	if seen := c.statuses(); !slices.Equal(seen, []string{"loading", "running"}) {
		t.Errorf("statuses %v, want loading -> running", seen)
	}
	if got := h.dataSHA(tg.id); got != sha256Of(data) {
		t.Errorf("data sha256 %s, want %s", got, sha256Of(data))
	}
}

// tokenFor authenticates again, for tests that poll after a helper used its own console.
func (h *harness) tokenFor(tg target) string {
	h.t.Helper()
	c := h.console(tg.id)
	h.must(200, c.auth("neo4j", tg.password, "true"))
	return c.token
}

func TestConsole_awsUploadLoadsTheFileInParts(t *testing.T) {
	h := start(t, func(c *Config) { c.UploadPartSize = 1 << 20 })
	tg := h.createTarget("aws")
	data := map[string]any{"aws": true}
	file := exportBytes(t, "professional-db", "5", data, 5<<20+123)
	c := h.console(tg.id)
	h.must(200, c.auth("neo4j", tg.password, "true"))
	in := h.must(202, c.initiate(file))
	if in.Body["TotalParts"] != float64(6) || len(in.Body["SignedLinks"].([]any)) != 6 {
		t.Fatalf("TotalParts %v with %d links, want 6 parts of 1 MiB", in.Body["TotalParts"], len(in.Body["SignedLinks"].([]any)))
	}
	h.putParts(in, file)
	st := h.must(200, c.multipartStatus(file, in.Body["UploadID"].(string)))
	parts := st.Body["Parts"].([]any)
	if len(parts) != 6 || parts[0].(map[string]any)["PartNumber"] != float64(1) || parts[0].(map[string]any)["ETag"] == "" {
		t.Fatalf("Parts %v", parts)
	}
	body := map[string]any{"Crc32": crc32.ChecksumIEEE(file), "Parts": parts, "UploadID": st.Body["UploadID"], "Provider": "AWS"}
	h.must(200, c.complete(body))
	if got := h.status(tg.id); got != "loading" {
		t.Errorf("instance status %s during the load, want loading", got)
	}
	if seen := c.statuses(); !slices.Equal(seen, []string{"loading", "running"}) {
		t.Errorf("statuses %v", seen)
	}
	if got := h.dataSHA(tg.id); got != sha256Of(data) {
		t.Errorf("data sha256 %s, want %s", got, sha256Of(data))
	}
}

// The console protocol is real Aura's: a server without the project's extension serves it too.
func TestConsole_servedWithoutExtensions(t *testing.T) {
	h := start(t, func(c *Config) { c.NoExtensions = true })
	tg := h.createTarget("aws")
	h.must(200, h.uploadAWS(tg, exportBytes(t, "professional-db", "5", "x", 0)))
}

// Azure has no uploader in the public client: the emulator answers as for GCP.
func TestConsole_azureAnswersAsGCP(t *testing.T) {
	h := start(t)
	tg := h.createTarget("azure")
	file := exportBytes(t, "professional-db", "5", "azure", 0)
	h.must(200, h.uploadGCP(tg, file))
}

func TestConsole_authRefusals(t *testing.T) {
	h := start(t)
	tg := h.createTarget("gcp")
	c := h.console(tg.id)
	if r := h.must(401, c.auth("neo4j", "wrong", "true")); r.Body["Reason"] != "InvalidCredentials" {
		t.Errorf("wrong password: %s", r.Raw)
	}
	h.must(401, c.auth("nobody", tg.password, "true"))
	h.must(200, h.do("PUT", "/_emulator/instances/"+tg.id+"/users/reader", map[string]any{"password": "s3cret"}))
	if r := h.must(403, c.auth("reader", "s3cret", "true")); r.Body["Reason"] != "NotAdmin" {
		t.Errorf("non-admin: %s", r.Raw)
	}
	h.must(401, c.auth("reader", "wrong", "true"))
	if r := h.must(409, c.auth("neo4j", tg.password, "false")); r.Body["Reason"] != "NoConsent" {
		t.Errorf("no consent: %s", r.Raw)
	}
	h.must(409, c.auth("neo4j", tg.password, ""))
	if r := h.must(404, h.console("0a0b0c0d").auth("neo4j", tg.password, "true")); r.Body["Reason"] != "DatabaseNotFound" {
		t.Errorf("unknown database: %s", r.Raw)
	}
	h.must(200, h.do("PUT", "/_emulator/instances/"+tg.id+"/users/admin2", map[string]any{"password": "p", "admin": true}))
	h.must(200, c.auth("admin2", "p", "true"))
	// A token is for its database only.
	other := h.createTarget("gcp")
	c2 := h.console(other.id)
	c2.token = c.token
	h.must(401, c2.size(1))
	h.must(401, (&console{h: h, db: tg.id, token: "made-up"}).size(1))
}

func TestConsole_sizeOverStorageIs422(t *testing.T) {
	h := start(t)
	tg := h.createTarget("gcp") // 8GB memory: 16GB storage
	c := h.console(tg.id)
	h.must(200, c.auth("neo4j", tg.password, "true"))
	h.must(200, c.size(16<<30))
	r := h.must(422, c.size(16<<30+1))
	if r.Body["Reason"] != "ImportExceedsMaxSize" || !strings.Contains(r.Body["Message"].(string), "Store is too big") {
		t.Errorf("422 body %s", r.Raw)
	}
	h.must(422, h.doWith("POST", c.url("v2", ""), map[string]any{"Crc32": 1, "DumpSize": 10, "FullSize": 17 << 30}, c.bearer()))
}

func TestConsole_tokenExpires(t *testing.T) {
	h := start(t, func(c *Config) { c.TokenTTL = 100 * time.Millisecond })
	tg := h.createTarget("gcp")
	c := h.console(tg.id)
	h.must(200, c.auth("neo4j", tg.password, "true"))
	h.must(200, c.size(1))
	time.Sleep(150 * time.Millisecond)
	if r := h.must(401, c.size(1)); r.Body["Reason"] != "TokenExpired" {
		t.Errorf("expired token: %s", r.Raw)
	}
}

func TestConsole_publicTrafficDisabledFailsAtAuth(t *testing.T) {
	h := start(t)
	tg := h.createTarget("gcp")
	nets := "/v1/tenants/" + h.e.TenantID() + "/network-access-configurations"
	n := h.must(202, h.do("POST", nets, map[string]any{"cloud_provider": "gcp", "region": "europe-west1", "type": "enterprise-db",
		"private_connectivity": true, "public_traffic_enabled": false})).data()["id"].(string)
	c := h.console(tg.id)
	r := h.must(403, c.auth("neo4j", tg.password, "true"))
	if r.Body["Reason"] != "PublicTrafficDisabled" || !strings.Contains(r.Body["Message"].(string), n) {
		t.Errorf("403 body %s", r.Raw)
	}
	h.must(202, h.do("DELETE", nets+"/"+n, nil))
	h.must(200, c.auth("neo4j", tg.password, "true"))
	// Turned off after auth, public traffic stops the upload at its next step too.
	h.must(202, h.do("POST", nets, map[string]any{"cloud_provider": "gcp", "region": "europe-west1", "type": "professional-db",
		"private_connectivity": true, "public_traffic_enabled": false}))
	if r := h.must(403, c.initiate([]byte("x"))); r.Body["Reason"] != "PublicTrafficDisabled" {
		t.Errorf("initiate: %s", r.Raw)
	}
}

func TestConsole_badCRCRefusedAtUploadComplete(t *testing.T) {
	h := start(t)
	tg := h.createTarget("gcp")
	file := exportBytes(t, "professional-db", "5", "x", 0)
	c := h.console(tg.id)
	h.must(200, c.auth("neo4j", tg.password, "true"))
	in := h.must(202, h.doWith("POST", c.url("v2", ""), map[string]any{"Crc32": crc32.ChecksumIEEE(file) + 1, "DumpSize": len(file), "FullSize": len(file)}, c.bearer()))
	session := h.gcsStart(in.Body["SignedURI"].(string))
	if st, _ := h.put(session, file, nil); st != 200 {
		t.Fatalf("PUT %d", st)
	}
	r := h.must(422, c.complete(map[string]any{"Crc32": crc32.ChecksumIEEE(file) + 1}))
	if r.Body["Reason"] != "ChecksumMismatch" {
		t.Errorf("bad CRC: %s", r.Raw)
	}
	// A Crc32 other than the one declared at initiate is refused too.
	h.must(422, c.complete(map[string]any{"Crc32": crc32.ChecksumIEEE(file)}))
	if got := h.status(tg.id); got != "running" {
		t.Errorf("status %s after a refused complete: nothing should load", got)
	}
}

func TestConsole_invalidFileLoadingFails(t *testing.T) {
	h := start(t)
	for name, tc := range map[string]struct {
		file   []byte
		reason string
	}{
		"not an export":      {[]byte("PK\x03\x04 certainly not a dump"), "InvalidDumpFile"},
		"AuraDS into AuraDB": {exportBytes(t, "professional-ds", "5", "x", 0), "IncompatibleType"},
	} {
		t.Run(name, func(t *testing.T) {
			tg := h.createTarget("gcp")
			before := h.dataSHA(tg.id)
			h.must(200, h.uploadGCP(tg, tc.file))
			c := h.console(tg.id)
			c.token = h.tokenFor(tg)
			if seen := c.statuses(); !slices.Equal(seen, []string{"loading", "loading failed"}) {
				t.Errorf("statuses %v", seen)
			}
			r := h.must(200, c.status())
			e, _ := r.Body["Error"].(map[string]any)
			if e["Reason"] != tc.reason || e["Message"] == "" || e["Url"] == "" {
				t.Errorf("Error %v, want Reason %s with Message and Url", e, tc.reason)
			}
			if h.status(tg.id) != "loading failed" || h.dataSHA(tg.id) != before {
				t.Errorf("instance %s, data changed: %v", h.status(tg.id), h.dataSHA(tg.id) != before)
			}
			// Another upload is the way out of a failed load.
			good := exportBytes(t, "professional-db", "5", "good", 0)
			h.must(200, h.uploadGCP(tg, good))
			c.token = h.tokenFor(tg)
			if seen := c.statuses(); !slices.Equal(seen, []string{"loading", "running"}) {
				t.Errorf("statuses after a good upload %v", seen)
			}
		})
	}
}

func TestConsole_version5IntoVersion4FailsLoading(t *testing.T) {
	h := start(t)
	r := h.must(202, h.do("POST", "/v1/instances", instanceBody(h.e.TenantID(), "professional-db", "4", nil)))
	tg := target{r.data()["id"].(string), r.data()["password"].(string)}
	h.waitStatus(tg.id, "running")
	h.must(200, h.uploadGCP(tg, exportBytes(t, "professional-db", "5", "x", 0)))
	c := h.console(tg.id)
	c.token = h.tokenFor(tg)
	c.statuses()
	if e := h.must(200, c.status()).Body["Error"].(map[string]any); e["Reason"] != "IncompatibleVersion" {
		t.Errorf("Error %v", e)
	}
}

// The ready line names where the console's import routes are served: the same listener, under /console.
func TestReadyLine_namesTheConsoleURL(t *testing.T) {
	h := start(t)
	got := h.e.ReadyLine()["console_url"]
	if got != h.e.BaseURL()+"/console" || got != h.e.ConsoleURL() {
		t.Fatalf("console_url %q, want %s/console", got, h.e.BaseURL())
	}
	tg := h.createTarget("gcp")
	h.must(200, h.doWith("POST", got+"/v1/databases/"+tg.id+"/import/auth", nil, map[string]string{
		"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte("neo4j:"+tg.password)), "Confirmed": "true"}))
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

// Aura's one documented exception (api/README.md C.3): Neo4j 4 on Azure with a customer managed key takes no
// upload; it is refused at auth, before any byte is sent. Version 5 with a key, and version 4 without one, load.
func TestConsole_customerManagedKeyRule(t *testing.T) {
	h := start(t)
	key := h.azureKey()
	azure := func(version string, withKey bool) target {
		extra := map[string]any{"cloud_provider": "azure", "region": "uksouth"}
		if withKey {
			extra["customer_managed_key_id"] = key
		}
		return h.createTargetOf("professional-db", version, extra)
	}
	// own export, then other data: a load brings the export back, a refusal leaves the other data.
	prepare := func(tg target) (exported, current string, file []byte) {
		exported = h.putData(tg.id, map[string]any{"dataset": "exported"})
		_, file = h.exportOf(tg.id, h.snapshot(tg.id))
		return exported, h.putData(tg.id, map[string]any{"dataset": "current"}), file
	}

	v4key := azure("4", true)
	_, current, _ := prepare(v4key)
	r := h.must(400, h.console(v4key.id).auth("neo4j", v4key.password, "true"))
	if r.Body["Reason"] != "UploadNotSupported" || r.Body["Message"] != "Upload is not supported for Neo4j 4 instances on Azure encrypted with a customer managed key; use the Import service" {
		t.Errorf("4 + Azure + key: %s", r.Raw)
	}
	if r.Body["Token"] != nil {
		t.Errorf("the refusal carries a token: %s", r.Raw)
	}
	if s := h.status(v4key.id); s != "running" || h.dataSHA(v4key.id) != current {
		t.Errorf("the refused upload changed the instance: %s", s)
	}

	for _, c := range []struct {
		what, version string
		withKey       bool
	}{{"5 + Azure + key", "5", true}, {"4 + Azure, no key", "4", false}} {
		tg := azure(c.version, c.withKey)
		exported, _, file := prepare(tg)
		h.uploadLoads(tg, file)
		if h.dataSHA(tg.id) != exported {
			t.Errorf("%s: the upload did not load the file", c.what)
		}
	}
}

// A load starts only from running or loading failed: an instance busy with another operation is refused at
// initiate, in the console's words, and nothing loads.
func TestConsole_busyInstanceRefusedAtInitiate(t *testing.T) {
	h := start(t)
	tg := h.createTarget("gcp")
	c := h.console(tg.id)
	h.must(200, c.auth("neo4j", tg.password, "true"))
	h.setStatus(tg.id, "updating", "running")
	if r := h.must(400, c.initiate([]byte("x"))); r.Body["Reason"] != "DatabaseNotRunning" || !strings.Contains(r.Body["Message"].(string), "updating") {
		t.Errorf("initiate while updating: %s", r.Raw)
	}
	if got := h.status(tg.id); got != "updating" {
		t.Errorf("status %s after a refused initiate", got)
	}
}

// A real load takes minutes, so the client's first status read always sees it: with a --transition of 0 the
// emulator's load is over before that read, which still shows "loading" once, then the outcome.
func TestConsole_aLoadOverAtOnceIsStillSeenLoadingOnce(t *testing.T) {
	h := start(t, func(c *Config) { c.Transition = 0 })
	for _, tc := range []struct {
		file []byte
		want []string
	}{
		{exportBytes(t, "professional-db", "5", map[string]any{"instant": true}, 1<<10), []string{"loading", "running"}},
		{[]byte("not an export"), []string{"loading", "loading failed"}},
	} {
		tg := h.createTarget("gcp")
		h.must(200, h.uploadGCP(tg, tc.file))
		if got := h.status(tg.id); got == "loading" {
			t.Fatalf("the instance is %s: the load should be over at once with a transition of 0", got)
		}
		c := h.console(tg.id)
		c.token = h.tokenFor(tg)
		if seen := c.statuses(); !slices.Equal(seen, tc.want) {
			t.Errorf("statuses %v, want %v", seen, tc.want)
		}
	}
}
