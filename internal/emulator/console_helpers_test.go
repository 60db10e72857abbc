package emulator

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"hash/crc32"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// target is an instance to upload into, with the password create returned.
type target struct {
	id, password string
}

// createTarget makes a running professional-db instance in a cloud and keeps its password.
func (h *harness) createTarget(cloud string) target {
	h.t.Helper()
	region := map[string]string{"gcp": "europe-west1", "aws": "us-east-1", "azure": "uksouth"}[cloud]
	return h.createTargetOf("professional-db", "5", map[string]any{"cloud_provider": cloud, "region": region})
}

// createTargetOf makes a running instance of a type and version (extra as for instanceBody) and keeps its password.
func (h *harness) createTargetOf(typ, version string, extra map[string]any) target {
	h.t.Helper()
	r := h.must(202, h.do("POST", "/v1/instances", instanceBody(h.e.TenantID(), typ, version, extra)))
	id := r.data()["id"].(string)
	h.waitStatus(id, "running")
	return target{id, r.data()["password"].(string)}
}

// uploadLoads sends file into tg through the console protocol, for a GCP or Azure instance, and waits until the
// load settles; it fails the test unless the load went loading -> running.
func (h *harness) uploadLoads(tg target, file []byte) {
	h.t.Helper()
	h.must(200, h.uploadGCP(tg, file))
	c := h.console(tg.id)
	c.token = h.tokenFor(tg)
	if seen := c.statuses(); len(seen) != 2 || seen[0] != "loading" || seen[1] != "running" {
		h.t.Errorf("statuses %v, want loading -> running", seen)
	}
}

// exportBytes is an emulated export of a dataset for an instance type and version, followed by padding up to
// size bytes (0: none), as a benchmark's large file is.
func exportBytes(t *testing.T, typ, version string, data any, size int) []byte {
	t.Helper()
	raw, _ := json.Marshal(data)
	f, _ := json.Marshal(exportFile{Magic: 1, Type: typ, Version: version, Format: exportFormat(typ, version), Data: raw})
	if pad := size - len(f); pad > 0 {
		f = append(f, bytes.Repeat([]byte{'\n'}, pad)...)
	}
	return f
}

// console speaks the import protocol to the emulator as neo4j-admin would, one step per method.
type console struct {
	h     *harness
	db    string
	token string
}

func (h *harness) console(db string) *console { return &console{h: h, db: db} }

func (c *console) url(v, step string) string {
	u := c.h.e.ConsoleURL() + "/" + v + "/databases/" + c.db + "/import"
	if step != "" {
		u += "/" + step
	}
	return u
}

func (c *console) bearer() map[string]string {
	return map[string]string{"Authorization": "Bearer " + c.token, "Content-Type": "application/json"}
}

func (c *console) auth(user, password, confirmed string) reply {
	c.h.t.Helper()
	r := c.h.doWith("POST", c.url("v1", "auth"), nil, map[string]string{
		"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password)),
		"Confirmed":     confirmed, "Accept": "application/json",
	})
	if r.Status == 200 {
		c.token, _ = r.Body["Token"].(string)
	}
	return r
}

func (c *console) size(full int64) reply {
	c.h.t.Helper()
	return c.h.doWith("POST", c.url("v1", "size"), map[string]any{"FullSize": full}, c.bearer())
}

func (c *console) initiate(file []byte) reply {
	c.h.t.Helper()
	return c.h.doWith("POST", c.url("v2", ""), map[string]any{
		"Crc32": crc32.ChecksumIEEE(file), "DumpSize": len(file), "FullSize": len(file)}, c.bearer())
}

func (c *console) multipartStatus(file []byte, uploadID string) reply {
	c.h.t.Helper()
	return c.h.doWith("POST", c.url("v1", "multipart-upload-status"), map[string]any{"Crc32": crc32.ChecksumIEEE(file), "UploadID": uploadID}, c.bearer())
}

func (c *console) complete(body map[string]any) reply {
	c.h.t.Helper()
	return c.h.doWith("POST", c.url("v1", "upload-complete"), body, c.bearer())
}

func (c *console) status() reply {
	c.h.t.Helper()
	return c.h.doWith("GET", c.url("v1", "status"), nil, c.bearer())
}

// gcsStart opens a resumable session on the signed URI and returns the session URI.
func (h *harness) gcsStart(signedURI string) string {
	h.t.Helper()
	r := h.must(201, h.doWith("POST", signedURI, nil, map[string]string{"x-goog-resumable": "start", "Content-Type": ""}))
	loc := r.Header.Get("Location")
	if loc == "" {
		h.t.Fatal("no Location in the session start's answer")
	}
	return loc
}

// put sends body to url with headers and returns the status and headers; a broken connection is status 0.
func (h *harness) put(url string, body []byte, headers map[string]string) (int, http.Header) {
	h.t.Helper()
	req, _ := http.NewRequest("PUT", url, bytes.NewReader(body))
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	return res.StatusCode, res.Header
}

// uploadGCP runs the protocol from auth to upload-complete for a GCP instance and returns complete's answer.
func (h *harness) uploadGCP(tg target, file []byte) reply {
	h.t.Helper()
	c := h.console(tg.id)
	h.must(200, c.auth("neo4j", tg.password, "true"))
	h.must(200, c.size(int64(len(file))))
	in := h.must(202, c.initiate(file))
	if in.Body["Provider"] != "GCP" {
		h.t.Fatalf("Provider %v, want GCP", in.Body["Provider"])
	}
	session := h.gcsStart(in.Body["SignedURI"].(string))
	if st, _ := h.put(session, file, nil); st != 200 {
		h.t.Fatalf("PUT of the whole file: %d", st)
	}
	return c.complete(map[string]any{"Crc32": crc32.ChecksumIEEE(file)})
}

// putParts sends the file's parts to the signed links as the public client does: part size ceil(size/TotalParts),
// starting at part TotalParts-len(links)+1.
func (h *harness) putParts(in reply, file []byte) {
	h.t.Helper()
	total := int(in.Body["TotalParts"].(float64))
	links := in.Body["SignedLinks"].([]any)
	partSize := (len(file) + total - 1) / total
	first := total - len(links)
	for i, l := range links {
		from := (first + i) * partSize
		to := min(from+partSize, len(file))
		st, hd := h.put(l.(string), file[from:to], nil)
		if st != 200 || hd.Get("ETag") == "" {
			h.t.Fatalf("PUT part %d: %d, ETag %q", first+i+1, st, hd.Get("ETag"))
		}
	}
}

// uploadAWS runs the protocol from auth to upload-complete for an AWS instance and returns complete's answer.
func (h *harness) uploadAWS(tg target, file []byte) reply {
	h.t.Helper()
	c := h.console(tg.id)
	h.must(200, c.auth("neo4j", tg.password, "true"))
	in := h.must(202, c.initiate(file))
	if in.Body["Provider"] != "AWS" {
		h.t.Fatalf("Provider %v, want AWS", in.Body["Provider"])
	}
	h.putParts(in, file)
	st := h.must(200, c.multipartStatus(file, in.Body["UploadID"].(string)))
	body := map[string]any{"Crc32": crc32.ChecksumIEEE(file)}
	for k, v := range st.Body {
		body[k] = v
	}
	return c.complete(body)
}

// statuses polls the import status until it settles (running after loading, or loading failed) and returns every
// status seen, repeats dropped.
func (c *console) statuses() []string {
	c.h.t.Helper()
	var seen []string
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		s := c.h.must(200, c.status()).Body["Status"].(string)
		if len(seen) == 0 || seen[len(seen)-1] != s {
			seen = append(seen, s)
		}
		if len(seen) > 1 && (s == "running" || s == "loading failed") {
			return seen
		}
		time.Sleep(5 * time.Millisecond)
	}
	c.h.t.Fatalf("the load never settled: %s", strings.Join(seen, " -> "))
	return nil
}
