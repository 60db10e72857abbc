package aura

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"
)

// Instance is the API's instance object (README A.4). It has no version: callers keep the one they configured.
type Instance struct {
	ID                    string  `json:"id"`
	Name                  string  `json:"name"`
	Status                string  `json:"status"`
	TenantID              string  `json:"tenant_id"`
	CloudProvider         string  `json:"cloud_provider"`
	Region                string  `json:"region"`
	Type                  string  `json:"type"`
	Memory                string  `json:"memory"`
	Storage               *string `json:"storage"`
	ConnectionURL         string  `json:"connection_url"`
	CreatedAt             string  `json:"created_at"`
	CustomerManagedKeyID  *string `json:"customer_managed_key_id"`
	CDCEnrichmentMode     *string `json:"cdc_enrichment_mode"`
	SecondariesCount      *int64  `json:"secondaries_count"`
	VectorOptimized       *bool   `json:"vector_optimized"`
	GraphAnalyticsPlugin  *bool   `json:"graph_analytics_plugin"`
	MetricsIntegrationURL *string `json:"metrics_integration_url"`
}

// InstanceSummary is an item of the instance list.
type InstanceSummary struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	CreatedAt     string `json:"created_at"`
	TenantID      string `json:"tenant_id"`
	CloudProvider string `json:"cloud_provider"`
}

// CreateInstanceRequest is the create body; Source* make a clone.
type CreateInstanceRequest struct {
	Name                 string  `json:"name"`
	TenantID             string  `json:"tenant_id"`
	Type                 string  `json:"type"`
	Version              string  `json:"version"`
	Region               string  `json:"region"`
	CloudProvider        string  `json:"cloud_provider"`
	Memory               string  `json:"memory"`
	Storage              *string `json:"storage,omitempty"`
	VectorOptimized      *bool   `json:"vector_optimized,omitempty"`
	GraphAnalyticsPlugin *bool   `json:"graph_analytics_plugin,omitempty"`
	CustomerManagedKeyID *string `json:"customer_managed_key_id,omitempty"`
	SourceInstanceID     *string `json:"source_instance_id,omitempty"`
	SourceSnapshotID     *string `json:"source_snapshot_id,omitempty"`
}

// CreatedInstance is the create answer. Password is empty when the instance was adopted after an unclear
// create: only the lost answer had it.
type CreatedInstance struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	TenantID      string `json:"tenant_id"`
	CloudProvider string `json:"cloud_provider"`
	Region        string `json:"region"`
	Type          string `json:"type"`
	ConnectionURL string `json:"connection_url"`
	Username      string `json:"username"`
	Password      string `json:"password"`
	Adopted       bool   `json:"-"`
}

// UpdateInstanceRequest is the PATCH body; nil members are left as they are.
type UpdateInstanceRequest struct {
	Name              *string `json:"name,omitempty"`
	Memory            *string `json:"memory,omitempty"`
	Storage           *string `json:"storage,omitempty"`
	CDCEnrichmentMode *string `json:"cdc_enrichment_mode,omitempty"`
	SecondariesCount  *int64  `json:"secondaries_count,omitempty"`
}

func (c *Client) ListInstances(ctx context.Context, tenantID string) ([]InstanceSummary, error) {
	var out []InstanceSummary
	q := url.Values{}
	if tenantID != "" {
		q.Set("tenantId", tenantID)
	}
	return out, c.do(ctx, "GET", "/v1/instances", q, nil, &out)
}

func (c *Client) GetInstance(ctx context.Context, id string) (*Instance, error) {
	var out Instance
	if err := c.do(ctx, "GET", "/v1/instances/"+url.PathEscape(id), nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CreateInstance sends the create once. When its outcome is unclear (a transport error or a 5xx after it
// was sent) it is not re-sent: the tenant's instances of that name created since the request began are
// listed, and a single match is adopted, so a fault never yields two billed instances.
func (c *Client) CreateInstance(ctx context.Context, req CreateInstanceRequest) (*CreatedInstance, error) {
	began := time.Now()
	var out CreatedInstance
	err := c.do(ctx, "POST", "/v1/instances", nil, req, &out)
	var unclear *UnclearError
	if err == nil || !errors.As(err, &unclear) {
		if err != nil {
			return nil, err
		}
		return &out, nil
	}
	c.log(ctx, "Aura create outcome unclear; looking for the instance instead of sending it again", map[string]any{"name": req.Name})
	found, findErr := c.findCreated(ctx, req, began)
	if findErr != nil {
		return nil, fmt.Errorf("%w; looking for it failed too: %v", err, findErr)
	}
	if found == nil {
		return nil, fmt.Errorf("%w; no instance named %q was created, so it is safe to apply again", err, req.Name)
	}
	return found, nil
}

// createSkew allows for the server's clock being behind the client's when matching created_at.
const createSkew = 2 * time.Minute

func (c *Client) findCreated(ctx context.Context, req CreateInstanceRequest, began time.Time) (*CreatedInstance, error) {
	var list []InstanceSummary
	var err error
	// The unclear request may still be in flight on the server; look a few times before concluding.
	for attempt := 0; attempt < 3; attempt++ {
		if list, err = c.ListInstances(ctx, req.TenantID); err != nil {
			return nil, err
		}
		var matches []InstanceSummary
		for _, s := range list {
			created, perr := time.Parse(time.RFC3339, s.CreatedAt)
			if s.Name == req.Name && (perr != nil || !created.Before(began.Add(-createSkew))) {
				matches = append(matches, s)
			}
		}
		switch len(matches) {
		case 1:
			in, err := c.GetInstance(ctx, matches[0].ID)
			if err != nil {
				return nil, err
			}
			return &CreatedInstance{ID: in.ID, Name: in.Name, TenantID: in.TenantID, CloudProvider: in.CloudProvider,
				Region: in.Region, Type: in.Type, ConnectionURL: in.ConnectionURL, Adopted: true}, nil
		case 0:
			if err := sleep(ctx, time.Duration(attempt+1)*c.cfg.PollMin); err != nil {
				return nil, err
			}
		default:
			ids := make([]string, len(matches))
			for i, m := range matches {
				ids[i] = m.ID
			}
			return nil, fmt.Errorf("several instances named %q were created since the request began (%v); import the right one", req.Name, ids)
		}
	}
	return nil, nil
}

func (c *Client) UpdateInstance(ctx context.Context, id string, req UpdateInstanceRequest) (*Instance, error) {
	var out Instance
	if err := c.do(ctx, "PATCH", "/v1/instances/"+url.PathEscape(id), nil, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteInstance treats an instance already gone as deleted.
func (c *Client) DeleteInstance(ctx context.Context, id string) error {
	err := c.do(ctx, "DELETE", "/v1/instances/"+url.PathEscape(id), nil, nil, nil)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

func (c *Client) PauseInstance(ctx context.Context, id string) error {
	return c.do(ctx, "POST", "/v1/instances/"+url.PathEscape(id)+"/pause", nil, nil, nil)
}

func (c *Client) ResumeInstance(ctx context.Context, id string) error {
	return c.do(ctx, "POST", "/v1/instances/"+url.PathEscape(id)+"/resume", nil, nil, nil)
}

// OverwriteInstance replaces the instance's data from another instance (or itself), from a given exportable
// snapshot or a fresh one.
func (c *Client) OverwriteInstance(ctx context.Context, id, sourceInstanceID, sourceSnapshotID string) error {
	body := map[string]string{"source_instance_id": sourceInstanceID}
	if sourceSnapshotID != "" {
		body["source_snapshot_id"] = sourceSnapshotID
	}
	return c.do(ctx, "POST", "/v1/instances/"+url.PathEscape(id)+"/overwrite", nil, body, nil)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
