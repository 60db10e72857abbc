package emulator

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// exportFile is what an emulated export holds: a header naming type and version, and the dataset.
type exportFile struct {
	Magic      int             `json:"aura_emulator_export"`
	Type       string          `json:"type"`
	Version    string          `json:"version"`
	Format     string          `json:"format"`
	InstanceID string          `json:"instance_id"`
	SnapshotID string          `json:"snapshot_id"`
	Timestamp  string          `json:"timestamp"`
	Data       json.RawMessage `json:"data"`
}

type exportResponse struct {
	DownloadURL string `json:"download_url"`
	ExpiresAt   string `json:"expires_at"`
	Format      string `json:"format"`
	SizeBytes   int64  `json:"size_bytes"`
	SHA256      string `json:"sha256"`
}

func (e *Emulator) handleExport(w http.ResponseWriter, r *http.Request) {
	in, s, err := e.findSnapshot(r)
	if err != nil {
		writeError(w, err)
		return
	}
	now := e.now()
	if !s.exportable(now) {
		writeError(w, errorf(400, "snapshot-not-exportable", "", "Snapshot %s is not exportable: %s.", s.ID, notExportableReason(s, now)))
		return
	}
	format := exportFormat(in.Type, in.Version)
	body, _ := json.Marshal(exportFile{1, in.Type, in.Version, format, in.ID, s.ID, s.Timestamp.Format(time.RFC3339), cloneRaw(s.Data)})
	x := &export{ID: newUUID(), ExpiresAt: now.Add(time.Hour), Format: format, Body: body}
	e.st.Exports[x.ID] = x
	sum := sha256.Sum256(body)
	writeData(w, 200, exportResponse{
		DownloadURL: fmt.Sprintf("%s/exports/%s?expires=%d&signature=%s", requestBase(r), x.ID, x.ExpiresAt.Unix(), e.sign(x.ID, x.ExpiresAt.Unix())),
		ExpiresAt:   x.ExpiresAt.Format(time.RFC3339), Format: format, SizeBytes: int64(len(body)), SHA256: hex.EncodeToString(sum[:]),
	})
}

func notExportableReason(s *snapshot, now time.Time) string {
	switch {
	case s.Kind == kindDiff:
		return "differential snapshots are never exportable"
	case s.Status != "Completed":
		return "it is " + s.Status + ", not Completed"
	case !now.Before(s.ExportableUntil):
		return "its exportable window ended at " + s.ExportableUntil.Format(time.RFC3339)
	}
	return "unknown"
}

func requestBase(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (e *Emulator) sign(id string, expires int64) string {
	m := hmac.New(sha256.New, e.signKey)
	_, _ = fmt.Fprintf(m, "%s|%d", id, expires)
	return hex.EncodeToString(m.Sum(nil))
}

// handleDownload streams an export to whoever holds the signed URL; no bearer token is needed.
func (e *Emulator) handleDownload(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("exportId")
	expires, _ := strconv.ParseInt(r.URL.Query().Get("expires"), 10, 64)
	if !hmac.Equal([]byte(r.URL.Query().Get("signature")), []byte(e.sign(id, expires))) {
		writeError(w, errorf(403, "invalid-signature", "", "The download URL is not valid."))
		return
	}
	x, ok := e.st.Exports[id]
	if !ok || !e.now().Before(time.Unix(expires, 0)) {
		writeError(w, errorf(403, "download-url-expired", "", "The download URL has expired; export the snapshot again."))
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(len(x.Body)))
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", "neo4j."+x.Format))
	w.WriteHeader(200)
	_, _ = w.Write(x.Body)
}

// uploadUnsupported is Aura's one documented exception to upload (api/README.md C.3). It is about the instance,
// not the file, so the console refuses it at auth, before any byte is sent: no file could be loaded.
func uploadUnsupported(in *instance) bool {
	return in.Version == "4" && in.CloudProvider == "azure" && in.CMK != nil
}
