package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/aura-terraform/terraform-provider-aura/internal/aura"
	"github.com/aura-terraform/terraform-provider-aura/internal/auraupload"
	"github.com/aura-terraform/terraform-provider-aura/internal/emulator"
)

// uploadSize is the file of the upload rows: 1 GiB.
const uploadSize = 1 << 30

// uploadFile writes a valid emulated export (one JSON value) padded to 1 GiB: the emulator ignores the bytes
// after the export. The padding is written out, not left as a sparse hole, so the file is read as a real one.
func uploadFile(path string) error {
	export, err := json.Marshal(map[string]any{"aura_emulator_export": 1, "type": "professional-db", "version": "5",
		"format": "backup", "instance_id": "bench", "snapshot_id": "bench", "timestamp": "2026-01-01T00:00:00Z",
		"data": map[string]any{"nodes": 3, "relationships": 2, "label": "upload bench"}})
	if err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	pad := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
	_, err = f.Write(append(export, '\n'))
	left := int64(uploadSize - len(export) - 1)
	for err == nil && left > 0 {
		n := min(left, int64(len(pad)))
		_, err = f.Write(pad[:n])
		left -= n
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// settle readies the machine for a timed transfer: the gigabyte written before is synced, so no transfer pays for
// another's writeback, and 2 GiB of page cache is written and freed, so the transfer's own writes (the emulator
// storing the file) land on memory the guest holds. On this VM, memory freed for longer than some seconds is handed
// back to the host (virtio-balloon free page reporting), and writing 1 GiB into such memory ran at 0.35-1 GB/s
// against 3-4 GB/s into memory just freed: enough to double a transfer, at random, curl's or the provider's alike.
func settle(dir string) error {
	syscall.Sync()
	scratch := filepath.Join(dir, "settle.tmp")
	f, err := os.Create(scratch)
	if err != nil {
		return err
	}
	defer func() { _ = os.Remove(scratch) }()
	zeros := make([]byte, 1<<20)
	for i := 0; i < 2<<10 && err == nil; i++ {
		_, err = f.Write(zeros)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// consoleSession is what the provider gets from the console before it sends the file: a token and initiate's
// signed URLs.
type consoleSession struct {
	Token       string
	SignedURI   string
	SignedLinks []string
	TotalParts  int
	Provider    string
}

// initiateAsTheProvider authenticates with the database user and password and initiates an upload of f, as the
// provider does (auth, then v2 import), so that curl sends the same file to the same kind of storage route.
func initiateAsTheProvider(e *emulator.Emulator, dbid, password string, f *auraupload.File) (*consoleSession, error) {
	console := e.ReadyLine()["console_url"]
	call := func(method, url string, body any, auth func(*http.Request), out any) error {
		raw, _ := json.Marshal(body)
		req, err := http.NewRequestWithContext(context.Background(), method, url, bytes.NewReader(raw))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		auth(req)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		answer, _ := io.ReadAll(res.Body)
		if res.StatusCode/100 != 2 {
			return fmt.Errorf("%s %s: %d %s", method, url, res.StatusCode, answer)
		}
		return json.Unmarshal(answer, out)
	}
	var s consoleSession
	err := call("POST", console+"/v1/databases/"+dbid+"/import/auth", map[string]any{}, func(r *http.Request) {
		r.SetBasicAuth("neo4j", password)
		r.Header.Set("Confirmed", "true")
	}, &s)
	if err != nil {
		return nil, err
	}
	bearer := func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+s.Token) }
	if err := call("POST", console+"/v2/databases/"+dbid+"/import", map[string]any{"Crc32": f.CRC32, "DumpSize": f.Size, "FullSize": f.FullSize},
		bearer, &s); err != nil {
		return nil, err
	}
	if s.Provider != "GCP" {
		return &s, nil
	}
	// GCS: open the resumable session; curl then PUTs the whole file to it, as the provider does.
	req, _ := http.NewRequestWithContext(context.Background(), "POST", s.SignedURI, nil)
	req.Header.Set("x-goog-resumable", "start")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusCreated || res.Header.Get("Location") == "" {
		return nil, fmt.Errorf("GCS session start: %d", res.StatusCode)
	}
	s.SignedURI = res.Header.Get("Location")
	return &s, nil
}

// curlUpload sends the file with plain curl: one `curl --upload-file` of the whole file to the GCS session, or
// one curl process with a `--upload-file part URL` pair per S3 part (parts cut beforehand, untimed), as the
// provider sends them one after the other on one connection. It returns curl's wall and the statuses answered.
func curlUpload(s *consoleSession, path, dir string) (time.Duration, string, error) {
	args := []string{"-sS", "-o", "/dev/null", "-w", "%{http_code} "}
	if s.Provider == "GCP" {
		args = append(args, "--upload-file", path, s.SignedURI)
	} else {
		partSize := (int64(uploadSize) + int64(s.TotalParts) - 1) / int64(s.TotalParts)
		src, err := os.Open(path)
		if err != nil {
			return 0, "", err
		}
		defer src.Close()
		for i, link := range s.SignedLinks {
			part := filepath.Join(dir, fmt.Sprintf("part-%03d", i+1))
			out, err := os.Create(part)
			if err == nil {
				_, err = io.Copy(out, io.NewSectionReader(src, int64(i)*partSize, partSize))
				if cerr := out.Close(); err == nil {
					err = cerr
				}
			}
			if err != nil {
				return 0, "", err
			}
			defer func() { _ = os.Remove(part) }()
			args = append(args, "--upload-file", part, link)
		}
	}
	if err := settle(dir); err != nil {
		return 0, "", err
	}
	cmd := exec.CommandContext(context.Background(), "curl", args...)
	began := time.Now()
	out, err := cmd.CombinedOutput()
	wall := time.Since(began)
	codes := strings.Fields(string(out))
	for _, c := range codes {
		if c != "200" {
			return wall, string(out), fmt.Errorf("curl answered %s", out)
		}
	}
	if err != nil {
		return wall, string(out), fmt.Errorf("curl: %v: %s", err, out)
	}
	return wall, string(out), nil
}

// transferClock keeps the times the emulator answered the upload's requests: the provider's transfer runs
// from initiate's answer (for GCS, the session start's) to the last storage PUT's, so neither the undo snapshot
// before it nor the loading after it is counted.
type transferClock struct {
	mu              sync.Mutex
	initiated, sent time.Time
	puts            int
	// settleIn, when set, has each start of a transfer settle the machine in that directory before its answer
	// leaves, and starts the clock after: the provider's transfer begins seconds into its apply, too late for a
	// settle before the apply to hold.
	settleIn  string
	settleErr error
}

func (c *transferClock) observe(method, route string, status int, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case method == "POST" && strings.HasSuffix(route, "/v2/databases/{dbid}/import") && status == 202,
		method == "POST" && route == "/storage/gcs/{object}" && status == 201:
		if c.settleIn != "" {
			c.settleErr = errors.Join(c.settleErr, settle(c.settleIn))
			at = time.Now()
		}
		c.initiated = at
	case method == "PUT" && strings.HasPrefix(route, "/storage/") && status == 200:
		c.sent = at
		c.puts++
	}
}

// 7. Upload of a 1 GiB file into a running instance through aura_database_upload (a real `terraform apply`,
// defaults), against plain curl sending the same file to the same kind of signed storage route in the same run.
func (b *bench) upload(cloud string) error {
	storage, region := "GCS-like resumable", "europe-west1"
	if cloud == "aws" {
		storage, region = "S3-like multipart", "eu-west-1"
	}
	fmt.Fprintf(os.Stderr, "scenario 7: upload of 1 GiB into a %s instance (%s), against curl\n", cloud, storage)
	clock := &transferClock{}
	// The emulator's default transition, as for every row run on defaults.
	e, err := emu(125, 0, emulator.DefaultConfig().Transition, clock.observe)
	if err != nil {
		return err
	}
	defer e.Close()
	c, err := b.sceneClient(e)
	if err != nil {
		return err
	}
	ctx := context.Background()
	create := func(name string) (id, password string, err error) {
		in, err := c.CreateInstance(ctx, aura.CreateInstanceRequest{Name: name, TenantID: e.TenantID(), Type: "professional-db",
			Version: "5", Region: region, CloudProvider: cloud, Memory: "2GB"})
		if err != nil {
			return "", "", err
		}
		_, err = c.WaitForInstance(ctx, in.ID, "running")
		return in.ID, in.Password, err
	}
	// Each curl upload goes to an instance of its own, so that the provider's initiate finds no upload of the same
	// file to resume; curl runs just before and just after the apply, and the transfer is compared with their mean.
	target, password, err := create("upload-" + cloud)
	if err != nil {
		return err
	}
	var curlTargets, curlPasswords [2]string
	for i := range curlTargets {
		if curlTargets[i], curlPasswords[i], err = create(fmt.Sprintf("upload-curl-%s-%d", cloud, i)); err != nil {
			return err
		}
	}
	d, err := b.dir("upload-"+cloud, fmt.Sprintf(`
variable "password" {
  type      = string
  sensitive = true
}

resource "aura_database_upload" "u" {
  instance_id       = %q
  source_path       = "${path.module}/data.backup"
  confirm_overwrite = true
  password_wo       = var.password
}
`, target))
	if err != nil {
		return err
	}
	path := filepath.Join(d, "data.backup")
	if err := uploadFile(path); err != nil {
		return err
	}
	defer func() { _ = os.Remove(path) }()
	f, err := auraupload.Inspect(path)
	if err != nil {
		return err
	}
	curl := func(i int) (time.Duration, error) {
		s, err := initiateAsTheProvider(e, curlTargets[i], curlPasswords[i], f)
		if err != nil {
			return 0, err
		}
		wall, _, err := curlUpload(s, path, d)
		return wall, err
	}
	curlBefore, err := curl(0)
	if err != nil {
		return err
	}
	env := []string{"AURA_CONSOLE_URL=" + e.ReadyLine()["console_url"], "TF_VAR_password=" + password}

	// The provider's idle RSS: its peak through `terraform validate` of the same configuration (started, schema
	// served, no file read, no request).
	stop := make(chan struct{})
	peak := peakRSS(stop)
	if _, _, err := b.tf(d, e, env, "validate", "-no-color"); err != nil {
		close(stop)
		return err
	}
	close(stop)
	idle := peak()

	clock.mu.Lock()
	clock.initiated, clock.sent, clock.puts = time.Time{}, time.Time{}, 0
	clock.settleIn = d
	clock.mu.Unlock()
	resetStats(e)
	syscall.Sync()
	stop = make(chan struct{})
	peak = peakRSS(stop)
	wall, out, applyErr := b.tf(d, e, env, "apply", "-auto-approve", "-no-color", "-input=false")
	close(stop)
	rss := peak()
	st := statsOf(e)
	clock.mu.Lock()
	transfer := clock.sent.Sub(clock.initiated)
	puts := clock.puts
	clock.settleIn = ""
	settleErr := clock.settleErr
	clock.mu.Unlock()
	if settleErr != nil {
		return settleErr
	}
	curlAfter, err := curl(1)
	if err != nil {
		return err
	}
	curlWall := (curlBefore + curlAfter) / 2
	failed := strings.Count(out, "Error:")
	if applyErr != nil && failed == 0 {
		failed = 1
	}
	completes := st.count("POST", "/console/v1/databases/{dbid}/import/upload-complete")
	if applyErr != nil || puts == 0 {
		transfer = 0
	}
	grown := (rss - idle) / 1024
	r := float64(0)
	if curlWall > 0 {
		r = transfer.Seconds() / curlWall.Seconds()
	}
	ok := failed == 0 && completes == 1 && transfer > 0 && r <= 1.3 && grown <= 64
	rw := row{fmt.Sprintf("7. Upload: `aura_database_upload` of a 1 GiB file into a running %s instance (%s storage), `terraform apply`, defaults", cloud, storage),
		st.byRoute(), fmt.Sprintf("%s (apply); transfer %s", secs(wall), fmt.Sprintf("%.2f s", transfer.Seconds())),
		fmt.Sprintf("plain `curl --upload-file` of the same file to the same storage route, just before and after: %.2f s and %.2f s, mean %.2f s",
			curlBefore.Seconds(), curlAfter.Seconds(), curlWall.Seconds()),
		fmt.Sprintf("%.2f; provider peak RSS %d MiB, idle %d MiB (+%d MiB); %d storage PUTs, %d upload-complete, %d failed",
			r, rss/1024, idle/1024, grown, puts, completes, failed),
		"transfer ≤ 1.3 × curl's mean, peak RSS ≤ idle + 64 MiB, 0 failed, 1 load", yes(ok), ""}
	if !ok {
		rw.why = fmt.Sprintf("transfer %.2f s against curl %.2f s (%.2f), peak RSS +%d MiB over idle, %d failed, %d upload-complete",
			transfer.Seconds(), curlWall.Seconds(), r, grown, failed, completes)
		if failed > 0 {
			rw.why += ": " + tail(out, 600)
		}
	}
	b.rows = append(b.rows, rw)
	return nil
}
