package aura

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"
)

// NetworkAccess is a network access configuration (api/README.md C.1, the project's extension).
type NetworkAccess struct {
	ID                   string   `json:"id"`
	TenantID             string   `json:"tenant_id"`
	CloudProvider        string   `json:"cloud_provider"`
	Region               string   `json:"region"`
	Type                 string   `json:"type"`
	PrivateConnectivity  bool     `json:"private_connectivity"`
	PublicTrafficEnabled bool     `json:"public_traffic_enabled"`
	AllowedPrincipals    []string `json:"allowed_principals"`
	EndpointService      string   `json:"endpoint_service"`
	Status               string   `json:"status"`
}

type CreateNetworkAccessRequest struct {
	CloudProvider        string   `json:"cloud_provider"`
	Region               string   `json:"region"`
	Type                 string   `json:"type"`
	PrivateConnectivity  bool     `json:"private_connectivity"`
	PublicTrafficEnabled bool     `json:"public_traffic_enabled"`
	AllowedPrincipals    []string `json:"allowed_principals"`
}

type UpdateNetworkAccessRequest struct {
	PrivateConnectivity  *bool     `json:"private_connectivity,omitempty"`
	PublicTrafficEnabled *bool     `json:"public_traffic_enabled,omitempty"`
	AllowedPrincipals    *[]string `json:"allowed_principals,omitempty"`
}

func networkPath(tenantID string, id ...string) string {
	p := "/v1/tenants/" + url.PathEscape(tenantID) + "/network-access-configurations"
	for _, s := range id {
		p += "/" + url.PathEscape(s)
	}
	return p
}

func (c *Client) ListNetworkAccess(ctx context.Context, tenantID string) ([]NetworkAccess, error) {
	var out []NetworkAccess
	return out, c.do(ctx, "GET", networkPath(tenantID), nil, nil, &out)
}

func (c *Client) GetNetworkAccess(ctx context.Context, tenantID, id string) (*NetworkAccess, error) {
	var out NetworkAccess
	if err := c.do(ctx, "GET", networkPath(tenantID, id), nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CreateNetworkAccess is a POST; Aura allows one configuration per tenant, cloud, region and type, so an
// unclear outcome is settled by listing: a match is adopted.
func (c *Client) CreateNetworkAccess(ctx context.Context, tenantID string, req CreateNetworkAccessRequest) (*NetworkAccess, error) {
	var out NetworkAccess
	err := c.do(ctx, "POST", networkPath(tenantID), nil, req, &out)
	if err == nil {
		return &out, nil
	}
	if _, unclear := err.(*UnclearError); !unclear {
		return nil, err
	}
	list, lerr := c.ListNetworkAccess(ctx, tenantID)
	if lerr != nil {
		return nil, fmt.Errorf("%w; looking for it failed too: %v", err, lerr)
	}
	for _, n := range list {
		if n.CloudProvider == req.CloudProvider && n.Region == req.Region && n.Type == req.Type {
			return &n, nil
		}
	}
	return nil, fmt.Errorf("%w; no such configuration exists, so it is safe to apply again", err)
}

func (c *Client) UpdateNetworkAccess(ctx context.Context, tenantID, id string, req UpdateNetworkAccessRequest) (*NetworkAccess, error) {
	var out NetworkAccess
	if err := c.do(ctx, "PATCH", networkPath(tenantID, id), nil, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func (c *Client) DeleteNetworkAccess(ctx context.Context, tenantID, id string) error {
	return c.do(ctx, "DELETE", networkPath(tenantID, id), nil, nil, nil)
}

// WaitForNetworkAccess polls until the configuration is ready, checking at once.
func (c *Client) WaitForNetworkAccess(ctx context.Context, tenantID, id string) (*NetworkAccess, error) {
	return c.waitForNetworkAccess(ctx, tenantID, id, false)
}

// waitForNetworkAccess polls until the configuration is ready. Right after a PATCH (afterAction), whose answer
// already said "updating", the first poll comes one interval later.
func (c *Client) waitForNetworkAccess(ctx context.Context, tenantID, id string, afterAction bool) (*NetworkAccess, error) {
	return waitFor(ctx, c, afterAction, fmt.Sprintf("network access configuration %s did not become ready", id),
		func() (*NetworkAccess, string, error) {
			n, err := c.GetNetworkAccess(ctx, tenantID, id)
			if err != nil {
				return nil, "", err
			}
			return n, n.Status, nil
		},
		func(_ *NetworkAccess, status string) (bool, error) { return status == "ready", nil })
}

// SetPublicTraffic sets public_traffic_enabled of a configuration and waits until the setting holds, which is
// once the configuration is ready again (api/README.md C.1). A configuration already so is left alone. sending,
// if not nil, is called right before the change is sent: a caller that must be known to own the change from then
// on (other uploads of its process see it in the gap before the answer). sent tells whether a change was sent,
// whatever came of it: a caller that opened public traffic must close it again even when the answer was lost.
func (c *Client) SetPublicTraffic(ctx context.Context, tenantID, id string, enabled bool, sending func()) (sent bool, err error) {
	// Aura refuses a PATCH while an update runs (409); wait it out first.
	n, err := c.WaitForNetworkAccess(ctx, tenantID, id)
	if err != nil {
		return false, err
	}
	if n.PublicTrafficEnabled == enabled {
		return false, nil
	}
	if sending != nil {
		sending()
	}
	if _, err := c.UpdateNetworkAccess(ctx, tenantID, id, UpdateNetworkAccessRequest{PublicTrafficEnabled: &enabled}); err != nil {
		return true, err
	}
	_, err = c.waitForNetworkAccess(ctx, tenantID, id, true)
	return true, err
}

// PublicTrafficRestoreTimeout bounds the restore of a setting after an upload window: any wait for a turn, a wait
// for a running update, the PATCH and the wait for ready, all together.
const PublicTrafficRestoreTimeout = 10 * time.Minute

// RestoreContext is the context a restore runs on: the caller's values without its end (a resource timeout or an
// interrupt must not leave public traffic open), and a deadline PublicTrafficRestoreTimeout from now in the
// client's clock. A caller that waits before restoring takes it first, so that the wait spends the same budget
// and the restore ends at most PublicTrafficRestoreTimeout after the caller's own timeout.
func (c *Client) RestoreContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return c.clk.WithTimeout(context.WithoutCancel(ctx), PublicTrafficRestoreTimeout)
}

// RestorePublicTraffic is SetPublicTraffic for putting a setting back after an upload window, on ctx from
// RestoreContext; it adds no time of its own.
func (c *Client) RestorePublicTraffic(ctx context.Context, tenantID, id string, enabled bool) error {
	_, err := c.SetPublicTraffic(ctx, tenantID, id, enabled, nil)
	return err
}

// HasExtension tells whether the server has the project's extension (api/README.md part C): one GET of the
// tenant's network access configurations, which the public API v1 answers with a bare 404. Any other answer
// (a list, or an error in the API's envelope) is from a server that has the route.
func (c *Client) HasExtension(ctx context.Context, tenantID string) (bool, error) {
	_, err := c.ListNetworkAccess(ctx, tenantID)
	var apiErr *APIError
	switch {
	case err == nil, errors.As(err, &apiErr):
		return true, nil
	case errors.Is(err, ErrNotSupported):
		return false, nil
	}
	return false, err
}
