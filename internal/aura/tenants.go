package aura

import (
	"context"
	"net/url"
)

type TenantSummary struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type InstanceConfiguration struct {
	CloudProvider string `json:"cloud_provider"`
	Region        string `json:"region"`
	RegionName    string `json:"region_name"`
	Type          string `json:"type"`
	Memory        string `json:"memory"`
	Storage       string `json:"storage"`
	Version       string `json:"version"`
}

type Tenant struct {
	ID                     string                  `json:"id"`
	Name                   string                  `json:"name"`
	InstanceConfigurations []InstanceConfiguration `json:"instance_configurations"`
}

func (c *Client) ListTenants(ctx context.Context) ([]TenantSummary, error) {
	var out []TenantSummary
	return out, c.do(ctx, "GET", "/v1/tenants", nil, nil, &out)
}

func (c *Client) GetTenant(ctx context.Context, id string) (*Tenant, error) {
	var out Tenant
	if err := c.do(ctx, "GET", "/v1/tenants/"+url.PathEscape(id), nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
