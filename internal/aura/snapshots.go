package aura

import (
	"context"
	"fmt"
	"net/url"
	"time"
)

// Snapshot is the API's snapshot object (api/README.md A.5).
type Snapshot struct {
	SnapshotID string `json:"snapshot_id"`
	InstanceID string `json:"instance_id"`
	Profile    string `json:"profile"`
	Status     string `json:"status"`
	Timestamp  string `json:"timestamp"`
	Exportable bool   `json:"exportable"`
}

// ListSnapshots lists the snapshots taken on one UTC day; the zero day means today (the server's).
func (c *Client) ListSnapshots(ctx context.Context, instanceID string, day time.Time) ([]Snapshot, error) {
	q := url.Values{}
	if !day.IsZero() {
		q.Set("date", day.UTC().Format("2006-01-02"))
	}
	var out []Snapshot
	return out, c.do(ctx, "GET", "/v1/instances/"+url.PathEscape(instanceID)+"/snapshots", q, nil, &out)
}

func (c *Client) GetSnapshot(ctx context.Context, instanceID, snapshotID string) (*Snapshot, error) {
	var out Snapshot
	if err := c.do(ctx, "GET", "/v1/instances/"+url.PathEscape(instanceID)+"/snapshots/"+url.PathEscape(snapshotID), nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CreateSnapshot takes an on-demand snapshot; the instance must be running. When the outcome is unclear, the
// day's list is searched for an on-demand snapshot taken since the request began, which is adopted.
func (c *Client) CreateSnapshot(ctx context.Context, instanceID string) (string, error) {
	began := c.ServerNow().Add(-2 * time.Second) // the timestamp has whole seconds
	return resolveUnclear(ctx, c,
		func() (string, error) {
			var out struct {
				SnapshotID string `json:"snapshot_id"`
			}
			err := c.do(ctx, "POST", "/v1/instances/"+url.PathEscape(instanceID)+"/snapshots", nil, nil, &out)
			return out.SnapshotID, err
		},
		func(lookCtx context.Context) (string, bool, error) { return c.findSnapshot(lookCtx, instanceID, began) },
		func(err error) error {
			return fmt.Errorf("%w; no snapshot was taken, so it is safe to apply again", err)
		})
}

// RestoreSnapshot restores the instance in place from one of its own snapshots.
func (c *Client) RestoreSnapshot(ctx context.Context, instanceID, snapshotID string) error {
	return c.do(ctx, "POST", "/v1/instances/"+url.PathEscape(instanceID)+"/snapshots/"+url.PathEscape(snapshotID)+"/restore", nil, nil, nil)
}

// findSnapshot looks once for an on-demand snapshot taken since began.
func (c *Client) findSnapshot(ctx context.Context, instanceID string, began time.Time) (string, bool, error) {
	list, err := c.ListSnapshots(ctx, instanceID, time.Time{})
	if err != nil {
		return "", false, err
	}
	for _, s := range list { // newest first
		if ts, perr := time.Parse(time.RFC3339, s.Timestamp); perr == nil && s.Profile == "AdHoc" && !ts.Before(began) {
			return s.SnapshotID, true, nil
		}
	}
	return "", false, nil
}
