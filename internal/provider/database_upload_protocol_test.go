package provider

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/klauspost/compress/zstd"

	"github.com/aura-terraform/terraform-provider-aura/internal/aura"
	"github.com/aura-terraform/terraform-provider-aura/internal/emulator"
)

// The upload protocol of neo4j-admin database upload, through the Terraform CLI against emulators of their own:
// the console host, the database's credentials, the signed GCS or S3 storage, and the import status.

// uploadScene is an emulator of its own with running professional-db instances, and on disk an export of
// dataset X (made on the shared emulator: the file is the same to any Aura).
type uploadScene struct {
	t         *testing.T
	e         *emulator.Emulator
	c         *aura.Client
	file, x   string // the export and the sha256 of dataset X
	ids       []string
	passwords []string
}

func newUploadScene(t *testing.T, set func(*emulator.Config), clouds ...string) *uploadScene {
	t.Helper()
	e := otherEmulator(t, func(c *emulator.Config) {
		c.Transition = 300 * time.Millisecond
		if set != nil {
			set(c)
		}
	})
	c, err := aura.New(aura.Config{BaseURL: e.BaseURL(), ClientID: e.ClientID(), ClientSecret: e.ClientSecret(),
		PollMin: 50 * time.Millisecond, PollMax: 200 * time.Millisecond, RequestsPerMinute: 100000})
	if err != nil {
		t.Fatal(err)
	}
	s := &uploadScene{t: t, e: e, c: c}
	s.file, s.x = exportOfDatasetX(t)
	ctx := context.Background()
	for i, cloud := range clouds {
		region := map[string]string{"gcp": "europe-west1", "aws": "eu-west-1"}[cloud]
		in, err := c.CreateInstance(ctx, aura.CreateInstanceRequest{Name: fmt.Sprintf("upload-%d", i), TenantID: e.TenantID(),
			Type: "professional-db", Version: "5", CloudProvider: cloud, Region: region, Memory: "2GB"})
		if err == nil {
			_, err = c.WaitForInstance(ctx, in.ID, "running")
		}
		if err != nil {
			t.Fatal(err)
		}
		s.ids, s.passwords = append(s.ids, in.ID), append(s.passwords, in.Password)
		s.put(in.ID, map[string]any{"dataset": "Y"})
	}
	return s
}

// exportOfDatasetX exports, from an instance of the shared emulator holding dataset X, a .backup file.
func exportOfDatasetX(t *testing.T) (file, sha string) {
	t.Helper()
	id := createInstanceForTest(t, "upload-source", "professional-db")
	sha = putData(t, id, map[string]any{"dataset": "X", "test": t.Name()})
	c := testAccClient(t)
	snap := takeSnapshot(t, c, id)
	x, err := c.ExportSnapshot(context.Background(), id, snap.SnapshotID)
	file = filepath.Join(t.TempDir(), "x.backup")
	if err == nil {
		err = c.Download(context.Background(), x, file)
	}
	if err != nil {
		t.Fatal(err)
	}
	return file, sha
}

func (s *uploadScene) put(id string, v any) string { return putDataAt(s.t, s.e, id, v) }

func (s *uploadScene) data(id string) string { return dataAt(s.t, s.e, id) }

func (s *uploadScene) fault(spec map[string]any) {
	slowControl(s.t, s.e, "POST", "/_emulator/faults", spec, nil)
}

func (s *uploadScene) requests(method, route string) map[int]int {
	return requestsAt(s.t, s.e.BaseURL(), method, route)
}

// storageBytes is what the emulator's storage received since the last statistics reset.
func (s *uploadScene) storageBytes() int64 {
	var st struct {
		StorageBytes int64 `json:"storage_bytes_received"`
	}
	slowControl(s.t, s.e, "GET", "/_emulator/stats", nil, &st)
	return st.StorageBytes
}

// workdir is a CLI work directory for the scene's provider, with each instance's password in TF_VAR_pw<i>,
// declared as ephemeral variables: in no plan, no state and no configuration text.
func (s *uploadScene) workdir(config string) *cliWorkdir {
	s.t.Helper()
	w := newCLIWorkdir(s.t, s.config(config))
	for i, pw := range s.passwords {
		w.env = append(w.env, fmt.Sprintf("TF_VAR_pw%d=%s", i, pw))
	}
	return w
}

func (s *uploadScene) config(body string) string {
	vars := ""
	for i := range s.passwords {
		vars += passwordVariable(fmt.Sprintf("pw%d", i))
	}
	return providerBlock(s.e) + vars + body
}

// upload is an aura_database_upload u<i> of file into instance i, with its password and extra lines.
func (s *uploadScene) upload(i int, file, extra string) string {
	return fmt.Sprintf(`
resource "aura_database_upload" "u%d" {
  instance_id       = %q
  source_path       = %q
  confirm_overwrite = true
  password_wo       = var.pw%d
  %s
}
`, i, s.ids[i], file, i, extra)
}

// Into a GCP instance (GCS resumable upload) and an AWS instance (S3 multipart), on a server without the
// project's extensions: both load the file, once each. Neither password is in the state file, in a plan's JSON
// or in the state's JSON (the secrets audit searches the TRACE logs for them). A new password_wo_version
// uploads nothing.
func TestAccDatabaseUpload_loadsIntoGCPAndAWSWithoutThePasswordInStateOrPlan(t *testing.T) {
	needsEmulator(t)
	s := newUploadScene(t, func(c *emulator.Config) { c.NoExtensions = true }, "gcp", "aws")
	body := s.upload(0, s.file, "") + s.upload(1, s.file, "")
	w := s.workdir(body)
	t.Cleanup(func() { w.run("destroy") })
	slowControl(t, s.e, "DELETE", "/_emulator/stats", nil, nil)
	out := w.must("apply")
	for i, id := range s.ids {
		if got := s.data(id); got != s.x {
			t.Fatalf("instance %d (%s) holds %s after the upload, want X %s", i, id, got, s.x)
		}
	}
	complete, gcs, s3 := s.requests("POST", uploadCompleteRoute), s.requests("PUT", gcsObjectRoute), s.requests("PUT", s3PartRoute)
	t.Logf("upload-complete by status %v, GCS PUTs %v, S3 part PUTs %v", complete, gcs, s3)
	if complete[200] != 2 || len(complete) != 1 || gcs[200] != 1 || s3[200] < 1 || len(s3) != 1 {
		t.Fatalf("upload-complete by status %v, GCS PUTs %v, S3 part PUTs %v; want 2 completes, one GCS PUT, S3 parts, all answered 2xx", complete, gcs, s3)
	}
	// A new password_wo_version is recorded in place and uploads nothing, as every input of an act.
	w.write(s.config(s.upload(0, s.file, "password_wo_version = 2") + s.upload(1, s.file, "")))
	contains(t, "plan of a new password version", w.must("plan"), []string{"aura_database_upload.u0 will be updated in-place",
		"This change by itself runs no upload", "password_wo_version changed"}, "must be replaced")
	slowControl(t, s.e, "DELETE", "/_emulator/stats", nil, nil)
	w.must("apply")
	if c := s.requests("POST", uploadCompleteRoute); len(c) != 0 {
		t.Fatalf("a new password_wo_version uploaded: upload-complete %v", c)
	}
	// A plan that runs both again, and its JSON.
	w.write(s.config(s.upload(0, s.file, `triggers = { run = "2" }`) + s.upload(1, s.file, `triggers = { run = "2" }`)))
	w.must("plan", "-out=again.plan")
	planJSON := w.must("show", "-json", "again.plan")
	stateJSON := w.must("show", "-json")
	stateFile, err := os.ReadFile(filepath.Join(w.dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(planJSON, `"password_wo_version"`) || !strings.Contains(string(stateFile), s.ids[1]) {
		t.Fatal("the plan or the state read is not the upload's: the check below would prove nothing")
	}
	for i, pw := range s.passwords {
		for what, text := range map[string]string{"apply output": out, "plan JSON": planJSON, "state JSON": stateJSON, "state file": string(stateFile)} {
			if strings.Contains(text, pw) {
				t.Errorf("the %s holds the password of instance %d", what, i)
			}
		}
	}
}

// Each refusal names its cause and remedy, at the step that refuses, and loads nothing: the instance keeps its
// data, and upload-complete is never sent.
func TestAccDatabaseUpload_eachRefusalAtItsStepLoadsNothing(t *testing.T) {
	needsEmulator(t)
	s := newUploadScene(t, nil, "gcp")
	slowControl(t, s.e, "PUT", "/_emulator/instances/"+s.ids[0]+"/users/reader", map[string]any{"password": "reader-not-secret", "admin": false}, nil)
	before := s.data(s.ids[0])
	huge := zstdDumpClaiming(t, 1<<40)
	for _, tc := range []struct {
		name, extra, file, password string
		fault                       map[string]any
		step                        string // the route that refused
		status                      int
		want                        []string
	}{
		{name: "wrong password", password: "not-the-password", step: uploadAuthRoute, status: 401,
			want: []string{"Aura refused the database credentials", "password_wo", `user "neo4j"`, "Correct password_wo and apply again", "Nothing was loaded"}},
		{name: "not an admin", extra: `username = "reader"`, password: "reader-not-secret", step: uploadAuthRoute, status: 403,
			want: []string{"The database user may not upload", "username", `User "reader" does not have administrative access`, "such as neo4j", "Nothing was loaded"}},
		{name: "no consent", fault: map[string]any{"method": "POST", "path": "/import/auth$", "status": 409, "count": 1}, step: uploadAuthRoute, status: 409,
			want: []string{"Aura did not take the consent to overwrite", "confirm_overwrite = true", "Nothing was loaded"}},
		{name: "does not fit", file: huge, step: uploadSizeRoute, status: 422,
			want: []string{"The store does not fit the instance", "1024.0 GiB", "1099511627776 bytes uncompressed", "ImportExceedsMaxSize", "storage of", "Resize the instance", "Nothing was loaded"}},
		{name: "client too old", fault: map[string]any{"method": "POST", "path": "/v2/databases/[^/]+/import$", "status": 404, "count": 1}, step: uploadInitRoute, status: 404,
			want: []string{"Aura no longer accepts this upload client", "answered 404 at step initiate", "Upgrade the provider", "Nothing was loaded"}},
		{name: "moved", fault: map[string]any{"method": "POST", "path": "/import/auth$", "status": 301, "count": 1}, step: uploadAuthRoute, status: 301,
			want: []string{"Aura no longer accepts this upload client", "answered 301 at step auth"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file := s.file
			if tc.file != "" {
				file = tc.file
			}
			w := newCLIWorkdir(t, s.config(s.upload(0, file, "backup_before = false\n  "+tc.extra)))
			pw := s.passwords[0]
			if tc.password != "" {
				pw = tc.password
			}
			w.env = append(w.env, "TF_VAR_pw0="+pw)
			slowControl(t, s.e, "DELETE", "/_emulator/stats", nil, nil)
			if tc.fault != nil {
				s.fault(tc.fault)
			}
			out, code := w.run("apply")
			slowControl(t, s.e, "DELETE", "/_emulator/faults", nil, nil)
			if code == 0 {
				t.Fatal("the apply succeeded")
			}
			contains(t, tc.name, out, tc.want)
			if got := s.requests(stepMethod(tc.step), tc.step); got[tc.status] != 1 {
				t.Errorf("%s answered %v, want one %d", tc.step, got, tc.status)
			}
			if c := s.requests("POST", uploadCompleteRoute); len(c) != 0 {
				t.Errorf("upload-complete was sent: %v", c)
			}
			if got := s.data(s.ids[0]); got != before {
				t.Errorf("the data changed: %s, was %s", got, before)
			}
		})
	}
}

// The undo snapshot is taken only for an upload Aura's console accepts: a wrong password, checked first, costs
// no snapshot.
func TestAccDatabaseUpload_aRefusedPasswordTakesNoUndoSnapshot(t *testing.T) {
	needsEmulator(t)
	s := newUploadScene(t, nil, "gcp")
	w := newCLIWorkdir(t, s.config(s.upload(0, s.file, ""))) // backup_before at its default, true
	w.env = append(w.env, "TF_VAR_pw0=not-the-password")
	slowControl(t, s.e, "DELETE", "/_emulator/stats", nil, nil)
	out, code := w.run("apply")
	if code == 0 {
		t.Fatal("the apply succeeded")
	}
	contains(t, "wrong password", out, []string{"Aura refused the database credentials", "Nothing was loaded"})
	if got := s.requests("POST", "/v1/instances/{id}/snapshots"); len(got) != 0 {
		t.Errorf("snapshots requested: %v, want none", got)
	}
	if got := s.requests("POST", uploadAuthRoute); got[401] != 1 || len(got) != 1 {
		t.Errorf("auth answered %v, want one 401", got)
	}
}

func stepMethod(route string) string {
	if route == uploadStatusRoute {
		return "GET"
	}
	return "POST"
}

// zstdDumpClaiming writes a zstd dump (DZV1) whose archive header says the store holds total bytes.
func zstdDumpClaiming(t *testing.T, total int64) string {
	t.Helper()
	var plain bytes.Buffer
	plain.WriteString("zstd")
	_ = binary.Write(&plain, binary.BigEndian, int32(1))
	_ = binary.Write(&plain, binary.BigEndian, int64(1))
	_ = binary.Write(&plain, binary.BigEndian, total)
	plain.WriteString("a tar would follow")
	var out bytes.Buffer
	out.WriteString("DZV1")
	enc, _ := zstd.NewWriter(&out)
	_, _ = enc.Write(plain.Bytes())
	_ = enc.Close()
	file := filepath.Join(t.TempDir(), "huge.dump")
	if err := os.WriteFile(file, out.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

// padded is the export followed by padding up to size bytes (the emulator reads the export's JSON value at the
// start of the object and ignores what follows, as a real file is read by its own format).
func padded(t *testing.T, file string, size int) string {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	raw = append(raw, bytes.Repeat([]byte{' '}, size-len(raw))...)
	out := filepath.Join(t.TempDir(), "big.backup")
	if err := os.WriteFile(out, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	return out
}

// A 64 MiB upload into a GCP instance cut at half by a broken connection asks the session how much it holds and
// sends the rest: the file loads once, and storage received at most 1.1 times the file.
func TestAccDatabaseUpload_aCutAtHalfResumes(t *testing.T) {
	needsEmulator(t)
	s := newUploadScene(t, nil, "gcp")
	const size = 64 << 20
	file := padded(t, s.file, size)
	w := s.workdir(s.upload(0, file, "backup_before = false"))
	t.Cleanup(func() { w.run("destroy") })
	slowControl(t, s.e, "DELETE", "/_emulator/stats", nil, nil)
	s.fault(map[string]any{"method": "PUT", "path": "^/storage/gcs/", "cut_after": size / 2, "count": 1})
	w.must("apply")
	received, puts, complete := s.storageBytes(), s.requests("PUT", gcsObjectRoute), s.requests("POST", uploadCompleteRoute)
	t.Logf("storage received %d bytes for a file of %d (%.3f times); session PUTs by status %v", received, size, float64(received)/size, puts)
	if received > size*11/10 || received < size {
		t.Fatalf("storage received %d bytes for a file of %d; want between 1 and 1.1 times", received, size)
	}
	if puts[308] != 1 || puts[200]+puts[201] != 1 || complete[200] != 1 || len(complete) != 1 {
		t.Fatalf("session PUTs by status %v, upload-complete %v; want the offset query (308), one finishing PUT, one complete", puts, complete)
	}
	if got := s.data(s.ids[0]); got != s.x {
		t.Fatalf("data %s after the resumed upload, want X %s", got, s.x)
	}
}

// A part of an S3 multipart upload answered 503 twice is sent a third time, and the upload completes.
func TestAccDatabaseUpload_anS3PartFailingTwiceIsRetried(t *testing.T) {
	needsEmulator(t)
	s := newUploadScene(t, func(c *emulator.Config) { c.UploadPartSize = 1 << 20 }, "aws")
	file := padded(t, s.file, 3<<20+100) // four parts of 1 MiB at most
	w := s.workdir(s.upload(0, file, "backup_before = false"))
	t.Cleanup(func() { w.run("destroy") })
	slowControl(t, s.e, "DELETE", "/_emulator/stats", nil, nil)
	s.fault(map[string]any{"method": "PUT", "path": "^/storage/s3/[^/]+/2$", "status": 503, "count": 2})
	w.must("apply")
	parts, complete := s.requests("PUT", s3PartRoute), s.requests("POST", uploadCompleteRoute)
	t.Logf("part PUTs by status %v, upload-complete %v", parts, complete)
	if parts[503] != 2 || parts[200] != 4 || complete[200] != 1 || len(complete) != 1 {
		t.Fatalf("part PUTs by status %v, upload-complete %v; want two 503s, four parts stored, one complete", parts, complete)
	}
	if got := s.data(s.ids[0]); got != s.x {
		t.Fatalf("data %s after the upload, want X %s", got, s.x)
	}
}

// An unclear answer to upload-complete never loads the file twice. Taken and then cut off (the connection
// dropped after it took effect), it is not sent again: the import status shows the load. Answered 429 or 503
// without being taken (the emulator answers an injected status before the request takes effect), the status
// shows no load, and it is sent again: the file loads once.
func TestAccDatabaseUpload_anUnclearUploadCompleteLoadsOnce(t *testing.T) {
	needsEmulator(t)
	for _, tc := range []struct {
		name  string
		fault map[string]any
		want  map[int]int // upload-complete by status
	}{
		{"dropped after taking it", map[string]any{"drop": true, "apply": true}, map[int]int{}},
		{"429, not taken", map[string]any{"status": 429}, map[int]int{429: 1, 200: 1}},
		{"503, not taken", map[string]any{"status": 503}, map[int]int{503: 1, 200: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newUploadScene(t, nil, "gcp")
			w := s.workdir(s.upload(0, s.file, "backup_before = false"))
			t.Cleanup(func() { w.run("destroy") })
			slowControl(t, s.e, "DELETE", "/_emulator/stats", nil, nil)
			tc.fault["method"], tc.fault["path"], tc.fault["count"] = "POST", "/upload-complete$", 1
			s.fault(tc.fault)
			w.must("apply")
			if got := s.data(s.ids[0]); got != s.x {
				t.Fatalf("data %s after the upload, want X %s", got, s.x)
			}
			c := s.requests("POST", uploadCompleteRoute)
			t.Logf("upload-complete by status %v", c)
			sent := 0
			for _, n := range c {
				sent += n
			}
			if len(tc.want) == 0 && sent != 1 || len(tc.want) > 0 && fmt.Sprint(c) != fmt.Sprint(tc.want) {
				t.Fatalf("upload-complete by status %v; want %v (one send when the first was taken)", c, tc.want)
			}
			contains(t, "state after the upload", w.must("state", "show", "aura_database_upload.u0"), []string{`status = "completed"`})
		})
	}
}

// While a network access configuration disables public traffic in the region, Aura refuses the upload at
// authentication (when the provider could not read the configurations to refuse it first), and the error names
// open_public_traffic; with open_public_traffic = true the same upload loads.
func TestAccDatabaseUpload_publicTrafficOffFailsAtAuthentication(t *testing.T) {
	needsEmulator(t)
	s := newUploadScene(t, nil, "aws")
	n, err := s.c.CreateNetworkAccess(context.Background(), s.e.TenantID(), aura.CreateNetworkAccessRequest{CloudProvider: "aws", Region: "eu-west-1",
		Type: "enterprise-db", PrivateConnectivity: true, PublicTrafficEnabled: false})
	if err == nil {
		_, err = s.c.WaitForNetworkAccess(context.Background(), s.e.TenantID(), n.ID)
	}
	if err != nil {
		t.Fatal(err)
	}
	w := s.workdir(s.upload(0, s.file, "backup_before = false"))
	t.Cleanup(func() { w.run("destroy") })
	w.must("plan", "-out=upload.plan")
	slowControl(t, s.e, "DELETE", "/_emulator/stats", nil, nil)
	// The provider's own look at the configurations fails, so the upload goes ahead to Aura's refusal.
	s.fault(map[string]any{"method": "GET", "path": "/network-access-configurations$", "status": 500, "count": 100})
	out, code := w.run("apply", "upload.plan")
	slowControl(t, s.e, "DELETE", "/_emulator/faults", nil, nil)
	if code == 0 {
		t.Fatal("the upload applied with public traffic off")
	}
	contains(t, "apply with public traffic off", out, []string{"Upload refused: public traffic is disabled", "Set open_public_traffic = true",
		"Aura refused the upload at authentication", "PublicTrafficDisabled", "Nothing was loaded"})
	if auth, c := s.requests("POST", uploadAuthRoute), s.requests("POST", uploadCompleteRoute); auth[403] != 1 || len(c) != 0 {
		t.Fatalf("auth by status %v, upload-complete %v; want one 403 and no complete", auth, c)
	}
	w.write(s.config(s.upload(0, s.file, "backup_before = false\n  open_public_traffic = true")))
	w.must("apply")
	if got := s.data(s.ids[0]); got != s.x {
		t.Fatalf("data %s after the upload with open_public_traffic, want X %s", got, s.x)
	}
	if list, err := s.c.ListNetworkAccess(context.Background(), s.e.TenantID()); err != nil || len(list) != 1 || list[0].PublicTrafficEnabled {
		t.Fatalf("after the upload: %v, %v; want the configuration with public traffic off again", list, err)
	}
}

// An upload without password_wo fails at plan, naming the attribute and where the password comes from, before
// any request that changes something.
func TestAccDatabaseUpload_missingPasswordFailsAtPlan(t *testing.T) {
	needsEmulator(t)
	id := createInstanceForTest(t, "acc-upload-nopw", "professional-db")
	file := writeFile(t, "neo4j.backup", "data")
	resetStats(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{Config: fmt.Sprintf(`
resource "aura_database_upload" "test" {
  instance_id       = %q
  source_path       = %q
  confirm_overwrite = true
}
`, id, file), PlanOnly: true, ExpectError: wrapped("Missing password_wo", "password_wo = aura_instance.example.password", "write-only")}},
	})
	if n := mutatingRequests(t); n != 0 {
		t.Errorf("the plan made %d mutating requests", n)
	}
}
