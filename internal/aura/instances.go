package aura

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
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

// CreateInstance never re-sends a create blindly. When the outcome is unclear (a transport error, a 5xx or
// the caller's deadline after it was sent), the tenant's instances of that name created since the request
// began are listed: a single match is adopted, so a fault never yields two billed instances. Only when the
// list shows that nothing was created is the create sent again, at most unclearAttempts times in all.
func (c *Client) CreateInstance(ctx context.Context, req CreateInstanceRequest) (*CreatedInstance, error) {
	began := time.Now()
	var err error
	for attempt := 1; ; attempt++ {
		var out CreatedInstance
		err = c.do(ctx, "POST", "/v1/instances", nil, req, &out)
		var unclear *UnclearError
		if err == nil || !errors.As(err, &unclear) {
			if err != nil {
				return nil, err
			}
			return &out, nil
		}
		c.log(ctx, "Aura create outcome unclear; looking for the instance instead of sending it again", map[string]any{"name": req.Name})
		// The caller's deadline may be what cut the answer off: look with a context of our own.
		lookCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recoveryTimeout)
		found, findErr := c.findCreated(lookCtx, req, began, c.lookWindow(unclear))
		cancel()
		switch {
		case findErr != nil:
			return nil, fmt.Errorf("%w; looking for it failed too: %v", err, findErr)
		case found != nil:
			return found, nil
		case attempt >= unclearAttempts || ctx.Err() != nil:
			return nil, fmt.Errorf("%w; no instance named %q was created, so it is safe to apply again", err, req.Name)
		}
	}
}

// unclearAttempts bounds how often a mutation is sent after each unclear outcome was checked to have done
// nothing.
const unclearAttempts = 4

// recoveryTimeout bounds the look for what an unclear request did.
const recoveryTimeout = 60 * time.Second

// createSkew allows for the server's clock being behind the client's when matching created_at.
const createSkew = 2 * time.Minute

// lookWindow is how long to keep looking for what an unclear request did. A server that answered (a 5xx) is
// done with the request: a short look settles it. After a transport error or our own deadline the request may
// still be running on the server, which can take effect after we gave up: look for ten poll intervals.
func (c *Client) lookWindow(unclear *UnclearError) time.Duration {
	var apiErr *APIError
	if errors.As(unclear.Err, &apiErr) {
		return c.cfg.PollMin
	}
	return 10 * c.cfg.PollMax
}

func (c *Client) findCreated(ctx context.Context, req CreateInstanceRequest, began time.Time, window time.Duration) (*CreatedInstance, error) {
	var list []InstanceSummary
	var err error
	deadline := time.Now().Add(window)
	p := c.newPoller()
	for {
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
			if time.Now().After(deadline) {
				return nil, nil
			}
			if err := p.wait(ctx); err != nil {
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

// Act sends an instance action (restore, overwrite, upload, pause, resume) and settles an unclear outcome:
// taken if the instance is now in one of the started statuses; sent again, up to unclearAttempts times in all,
// only when it is visibly not taken.
func (c *Client) Act(ctx context.Context, id string, action func() error, started ...string) error {
	var err error
	for attempt := 1; attempt <= unclearAttempts; attempt++ {
		if err = c.settle(ctx, id, action(), started...); err == nil {
			return nil
		}
		var unclear *UnclearError
		if !errors.As(err, &unclear) || ctx.Err() != nil {
			return err
		}
	}
	return err
}

// settle decides what an unclear instance action (restore, overwrite, upload, pause, resume) did: if the
// instance is now in the status the action starts, the action was taken and err is cleared. Otherwise err
// stands, and the caller may apply again: the action did not happen.
func (c *Client) settle(ctx context.Context, id string, err error, started ...string) error {
	var unclear *UnclearError
	if !errors.As(err, &unclear) {
		return err
	}
	lookCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recoveryTimeout)
	defer cancel()
	in, gerr := c.GetInstance(lookCtx, id)
	if gerr == nil && slices.Contains(started, in.Status) {
		return nil
	}
	return fmt.Errorf("%w; instance %s is %q: the action did not start or has already finished, and applying again repeats it", err, id, statusOf(in))
}

func statusOf(in *Instance) string {
	if in == nil {
		return "unknown"
	}
	return in.Status
}
