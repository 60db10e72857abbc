package aura

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Instance is the API's instance object (api/README.md A.4). It has no version: callers keep the one they configured.
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
	// GraphNodes and GraphRelationships are set for free-db only, and trail writes by minutes.
	GraphNodes         *int64 `json:"graph_nodes"`
	GraphRelationships *int64 `json:"graph_relationships"`
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

// CreateInstance never re-sends a create blindly. When the outcome is unclear (a transport error, a 5xx or
// the caller's deadline after it was sent), the tenant's instances of that name created since the request
// began are looked for: a single match is adopted, so a fault never yields two billed instances. Only when the
// look shows that nothing was created is the create sent again.
func (c *Client) CreateInstance(ctx context.Context, req CreateInstanceRequest) (*CreatedInstance, error) {
	began := c.clk.Now()
	return resolveUnclear(ctx, c,
		func() (*CreatedInstance, error) {
			var out CreatedInstance
			if err := c.do(ctx, "POST", "/v1/instances", nil, req, &out); err != nil {
				return nil, err
			}
			return &out, nil
		},
		func(lookCtx context.Context) (*CreatedInstance, bool, error) {
			return c.findCreated(lookCtx, req, began)
		},
		func(err error) error {
			return fmt.Errorf("%w; no instance named %q was created, so it is safe to apply again", err, req.Name)
		})
}

// createSkew allows for the server's clock being behind the client's when matching created_at.
const createSkew = 2 * time.Minute

// findCreated looks once for the instance an unclear create made.
func (c *Client) findCreated(ctx context.Context, req CreateInstanceRequest, began time.Time) (*CreatedInstance, bool, error) {
	list, err := c.ListInstances(ctx, req.TenantID)
	if err != nil {
		return nil, false, err
	}
	var ids []string
	for _, s := range list {
		created, perr := time.Parse(time.RFC3339, s.CreatedAt)
		if s.Name == req.Name && (perr != nil || !created.Before(began.Add(-createSkew))) {
			ids = append(ids, s.ID)
		}
	}
	switch len(ids) {
	case 0:
		return nil, false, nil
	case 1:
		in, err := c.GetInstance(ctx, ids[0])
		if err != nil {
			return nil, false, err
		}
		return &CreatedInstance{ID: in.ID, Name: in.Name, TenantID: in.TenantID, CloudProvider: in.CloudProvider,
			Region: in.Region, Type: in.Type, ConnectionURL: in.ConnectionURL, Adopted: true}, true, nil
	}
	return nil, false, fmt.Errorf("several instances named %q were created since the request began (%s); import the right one", req.Name, strings.Join(ids, ", "))
}

// UpdateInstance PATCHes the instance. A retried PATCH whose first attempt took effect meets a 409 (the
// instance is updating): when the instance already shows every requested value, that is success.
func (c *Client) UpdateInstance(ctx context.Context, id string, req UpdateInstanceRequest) (*Instance, error) {
	var out Instance
	err := c.do(ctx, "PATCH", "/v1/instances/"+url.PathEscape(id), nil, req, &out)
	if err != nil && HasReason(err, "ongoing-database-operation") {
		if in, gerr := c.GetInstance(ctx, id); gerr == nil && in.Status == "updating" && shows(in, req) {
			return in, nil
		}
	}
	if err != nil {
		return nil, err
	}
	return &out, nil
}

func shows(in *Instance, req UpdateInstanceRequest) bool {
	eq := func(want *string, got string) bool { return want == nil || *want == got }
	storage, cdc := "", ""
	if in.Storage != nil {
		storage = *in.Storage
	}
	if in.CDCEnrichmentMode != nil {
		cdc = *in.CDCEnrichmentMode
	}
	secondaries := req.SecondariesCount == nil || in.SecondariesCount != nil && *in.SecondariesCount == *req.SecondariesCount
	return eq(req.Name, in.Name) && eq(req.Memory, in.Memory) && eq(req.Storage, storage) && eq(req.CDCEnrichmentMode, cdc) && secondaries
}

// DeleteInstance treats an instance already gone as deleted. Aura refuses a delete while an operation runs
// (409 ongoing-database-operation, for example right after a resize or a resume): the delete then waits, within
// ctx, until the instance is settled and is sent again.
func (c *Client) DeleteInstance(ctx context.Context, id string) error {
	for {
		err := c.do(ctx, "DELETE", "/v1/instances/"+url.PathEscape(id), nil, nil, nil)
		switch {
		case err == nil, errors.Is(err, ErrNotFound):
			return nil
		case !HasReason(err, "ongoing-database-operation"):
			return err
		}
		c.log(ctx, LogDebug, "Aura refused the delete during an operation; waiting for it to end", map[string]any{"instance_id": id})
		if werr := c.awaitSettled(ctx, id); werr != nil {
			return fmt.Errorf("%w; waiting for the operation to end before deleting: %v", err, werr)
		}
	}
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

// Act sends an instance action (restore, overwrite, upload, pause, resume) and settles an unclear outcome:
// taken once the instance shows one of the started statuses; sent again only when the look saw it not taken.
func (c *Client) Act(ctx context.Context, id string, action func() error, started ...string) error {
	last := "unknown"
	_, err := resolveUnclear(ctx, c,
		func() (struct{}, error) { return struct{}{}, action() },
		func(lookCtx context.Context) (struct{}, bool, error) {
			in, err := c.GetInstance(lookCtx, id)
			if err != nil {
				return struct{}{}, false, err
			}
			last = in.Status
			return struct{}{}, slices.Contains(started, in.Status), nil
		},
		func(err error) error {
			return fmt.Errorf("%w; instance %s is %q: the action did not start or has already finished, and applying again repeats it", err, id, last)
		})
	return err
}
