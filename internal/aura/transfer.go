package aura

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
)

// Export is where to download a snapshot (api/README.md C.2).
type Export struct {
	DownloadURL string `json:"download_url"`
	ExpiresAt   string `json:"expires_at"`
	Format      string `json:"format"`
	SizeBytes   int64  `json:"size_bytes"`
	SHA256      string `json:"sha256"`
}

func (c *Client) ExportSnapshot(ctx context.Context, instanceID, snapshotID string) (*Export, error) {
	var out Export
	if err := c.do(ctx, "POST", "/v1/instances/"+url.PathEscape(instanceID)+"/snapshots/"+url.PathEscape(snapshotID)+"/export", nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Download streams the export to a temporary file beside dest and renames it to dest only when its size and
// SHA-256 match what the API announced: an interrupted or corrupt download never leaves a file at dest.
// A failed attempt is retried (a GET on a signed URL is idempotent), up to the client's retry count.
func (c *Client) Download(ctx context.Context, x *Export, dest string) error {
	var err error
	for attempt := 0; attempt <= c.cfg.MaxRetries; attempt++ {
		if err = c.downloadOnce(ctx, x, dest); err == nil || ctx.Err() != nil {
			return err
		}
		c.log(ctx, LogDebug, "Aura export download failed; retrying", map[string]any{"attempt": attempt + 1, "error": err.Error()})
		if serr := c.clk.Sleep(ctx, c.backoff(c.cfg.RetryWaitMin, c.cfg.RetryWaitMax, attempt, nil)); serr != nil {
			return err
		}
	}
	return err
}

func (c *Client) downloadOnce(ctx context.Context, x *Export, dest string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, x.DownloadURL, nil)
	if err != nil {
		return err
	}
	res, err := c.plain.Do(req)
	if err != nil {
		return fmt.Errorf("downloading the export: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("downloading the export: %w", readAPIError(res, "GET", "(signed download URL)"))
	}
	tmp, err := os.CreateTemp(filepath.Dir(dest), "."+filepath.Base(dest)+".partial-*")
	if err != nil {
		return err
	}
	defer func() { _ = os.Remove(tmp.Name()) }() // gone after the rename; removes a failed attempt
	sum := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, sum), res.Body)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("downloading the export: %w", err)
	}
	if got := hex.EncodeToString(sum.Sum(nil)); n != x.SizeBytes || got != x.SHA256 {
		return fmt.Errorf("the download has %d bytes with SHA-256 %s; the API announced %d bytes with %s", n, got, x.SizeBytes, x.SHA256)
	}
	return os.Rename(tmp.Name(), dest)
}

// FileSHA256 is the hex SHA-256 of a file, or "" when it cannot be read.
func FileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
