package aura

import (
	"context"
	"net/url"
	"time"
)

// Snapshot is the API's snapshot object (README A.5).
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

// CreateSnapshot takes an on-demand snapshot; the instance must be running.
func (c *Client) CreateSnapshot(ctx context.Context, instanceID string) (string, error) {
	var out struct {
		SnapshotID string `json:"snapshot_id"`
	}
	err := c.do(ctx, "POST", "/v1/instances/"+url.PathEscape(instanceID)+"/snapshots", nil, nil, &out)
	return out.SnapshotID, err
}

// RestoreSnapshot restores the instance in place from one of its own snapshots.
func (c *Client) RestoreSnapshot(ctx context.Context, instanceID, snapshotID string) error {
	return c.do(ctx, "POST", "/v1/instances/"+url.PathEscape(instanceID)+"/snapshots/"+url.PathEscape(snapshotID)+"/restore", nil, nil, nil)
}
