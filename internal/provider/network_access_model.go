package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/aura-terraform/terraform-provider-aura/internal/aura"
)

const networkFeature = "network access configurations"

// networkAccessConfigurationFields are what Aura reports of a configuration: the resource's attributes less
// the tenant and timeouts, and exactly one item of the aura_network_access_configurations list.
type networkAccessConfigurationFields struct {
	ID                   types.String `tfsdk:"id"`
	CloudProvider        types.String `tfsdk:"cloud_provider"`
	Region               types.String `tfsdk:"region"`
	Type                 types.String `tfsdk:"type"`
	PrivateConnectivity  types.Bool   `tfsdk:"private_connectivity"`
	PublicTrafficEnabled types.Bool   `tfsdk:"public_traffic_enabled"`
	AllowedPrincipals    types.Set    `tfsdk:"allowed_principals"`
	EndpointService      types.String `tfsdk:"endpoint_service"`
	Status               types.String `tfsdk:"status"`
}

func (m *networkAccessConfigurationFields) fromAPI(n *aura.NetworkAccess) {
	m.ID = types.StringValue(n.ID)
	m.CloudProvider, m.Region, m.Type = types.StringValue(n.CloudProvider), types.StringValue(n.Region), types.StringValue(n.Type)
	m.PrivateConnectivity, m.PublicTrafficEnabled = types.BoolValue(n.PrivateConnectivity), types.BoolValue(n.PublicTrafficEnabled)
	m.AllowedPrincipals = stringSet(n.AllowedPrincipals)
	m.EndpointService, m.Status = types.StringValue(n.EndpointService), types.StringValue(n.Status)
}

func stringSet(v []string) types.Set {
	elems := make([]attr.Value, 0, len(v))
	for _, s := range v {
		elems = append(elems, types.StringValue(s))
	}
	return types.SetValueMust(types.StringType, elems)
}
