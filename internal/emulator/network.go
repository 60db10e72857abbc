package emulator

import (
	"net/http"
	"sort"
	"strings"
)

type networkRequest struct {
	CloudProvider        *string   `json:"cloud_provider"`
	Region               *string   `json:"region"`
	Type                 *string   `json:"type"`
	PrivateConnectivity  *bool     `json:"private_connectivity"`
	PublicTrafficEnabled *bool     `json:"public_traffic_enabled"`
	AllowedPrincipals    *[]string `json:"allowed_principals"`
}

type networkPatch struct {
	PrivateConnectivity  *bool     `json:"private_connectivity"`
	PublicTrafficEnabled *bool     `json:"public_traffic_enabled"`
	AllowedPrincipals    *[]string `json:"allowed_principals"`
}

func (e *Emulator) handleListNetworks(w http.ResponseWriter, r *http.Request) {
	t, err := e.findTenant(r.PathValue("tenantId"))
	if err != nil {
		writeError(w, err)
		return
	}
	out := []networkView{}
	for _, n := range e.st.Networks {
		if n.TenantID == t.ID {
			out = append(out, n.networkView)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	writeData(w, 200, out)
}

func (e *Emulator) handleCreateNetwork(w http.ResponseWriter, r *http.Request) {
	t, err := e.findTenant(r.PathValue("tenantId"))
	if err != nil {
		writeError(w, err)
		return
	}
	var req networkRequest
	if err := decodeStrict(r, &req); err != nil {
		writeError(w, err)
		return
	}
	err = firstError(
		func() *apiError { return required("cloud_provider", req.CloudProvider) },
		func() *apiError { return required("region", req.Region) },
		func() *apiError { return required("type", req.Type) },
		func() *apiError { return enumField("cloud_provider", *req.CloudProvider, cloudProviders) },
		func() *apiError { return enumField("type", *req.Type, instanceTypes) },
	)
	if err != nil {
		writeError(w, err)
		return
	}
	n := &networkAccess{networkView: networkView{
		ID: newUUID(), TenantID: t.ID, CloudProvider: *req.CloudProvider, Region: *req.Region, Type: *req.Type,
		PublicTrafficEnabled: true, AllowedPrincipals: []string{},
	}}
	if err := applyNetworkPatch(n, networkPatch{req.PrivateConnectivity, req.PublicTrafficEnabled, req.AllowedPrincipals}); err != nil {
		writeError(w, err)
		return
	}
	for _, other := range e.st.Networks {
		if other.TenantID == n.TenantID && other.CloudProvider == n.CloudProvider && other.Region == n.Region && other.Type == n.Type {
			writeError(w, errorf(409, "network-access-configuration-exists", "", "A network access configuration for %s %s %s already exists: %s.", n.CloudProvider, n.Region, n.Type, other.ID))
			return
		}
	}
	n.Status, n.Until = "pending", e.now().Add(e.cfg.Transition)
	e.st.Networks[n.ID] = n
	writeData(w, 202, n.networkView)
}

// applyNetworkPatch sets the members given and enforces C.1's rule on the result.
func applyNetworkPatch(n *networkAccess, p networkPatch) *apiError {
	next := *n
	if p.PrivateConnectivity != nil {
		next.PrivateConnectivity = *p.PrivateConnectivity
	}
	if p.PublicTrafficEnabled != nil {
		next.PublicTrafficEnabled = *p.PublicTrafficEnabled
	}
	if p.AllowedPrincipals != nil {
		for _, pr := range *p.AllowedPrincipals {
			if strings.TrimSpace(pr) == "" {
				return errorf(400, "invalid-value", "allowed_principals", "allowed_principals must not hold empty strings.")
			}
		}
		next.AllowedPrincipals = append([]string{}, *p.AllowedPrincipals...)
	}
	if !next.PublicTrafficEnabled && !next.PrivateConnectivity {
		return errorf(400, "invalid-value", "public_traffic_enabled", "public_traffic_enabled can only be false when private_connectivity is true.")
	}
	next.EndpointService = ""
	if next.PrivateConnectivity {
		next.EndpointService = endpointService(&next)
	}
	*n = next
	return nil
}

func endpointService(n *networkAccess) string {
	suffix := strings.ReplaceAll(n.ID, "-", "")[:17]
	switch n.CloudProvider {
	case "aws":
		return "com.amazonaws.vpce." + n.Region + ".vpce-svc-" + suffix
	case "azure":
		return "/subscriptions/aura/resourceGroups/aura-" + n.Region + "/providers/Microsoft.Network/privateLinkServices/pls-" + suffix
	}
	return "projects/aura-" + n.Region + "/regions/" + n.Region + "/serviceAttachments/sa-" + suffix
}

func (e *Emulator) findNetwork(r *http.Request) (*networkAccess, *apiError) {
	t, err := e.findTenant(r.PathValue("tenantId"))
	if err != nil {
		return nil, err
	}
	n, ok := e.st.Networks[r.PathValue("configId")]
	if !ok || n.TenantID != t.ID {
		return nil, errorf(404, "network-access-configuration-not-found", "", "Network access configuration %s not found.", r.PathValue("configId"))
	}
	return n, nil
}

func (e *Emulator) handleGetNetwork(w http.ResponseWriter, r *http.Request) {
	n, err := e.findNetwork(r)
	if err != nil {
		writeError(w, err)
		return
	}
	writeData(w, 200, n.networkView)
}

func (e *Emulator) handlePatchNetwork(w http.ResponseWriter, r *http.Request) {
	n, err := e.findNetwork(r)
	if err != nil {
		writeError(w, err)
		return
	}
	var p networkPatch
	if err := decodeStrict(r, &p); err != nil {
		writeError(w, err)
		return
	}
	if p.PrivateConnectivity == nil && p.PublicTrafficEnabled == nil && p.AllowedPrincipals == nil {
		writeError(w, errorf(400, "missing-field", "", "The request must change at least one of private_connectivity, public_traffic_enabled, allowed_principals."))
		return
	}
	if n.Status != "ready" {
		writeError(w, errorf(409, "ongoing-network-operation", "", "Network access configuration %s is %s.", n.ID, n.Status))
		return
	}
	before := n.PublicTrafficEnabled
	if err := applyNetworkPatch(n, p); err != nil {
		writeError(w, err)
		return
	}
	n.Status, n.Until, n.PublicBefore = "updating", e.now().Add(e.cfg.Transition), &before
	writeData(w, 202, n.networkView)
}

func (e *Emulator) handleDeleteNetwork(w http.ResponseWriter, r *http.Request) {
	n, err := e.findNetwork(r)
	if err != nil {
		writeError(w, err)
		return
	}
	delete(e.st.Networks, n.ID)
	writeData(w, 202, n.networkView)
}

// publicTrafficBlocked tells whether a configuration covering the instance forbids public traffic, whatever
// tier it is for (api/README.md C.1).
func (e *Emulator) publicTrafficBlocked(in *instance) *networkAccess {
	for _, n := range e.st.Networks {
		if n.TenantID == in.TenantID && n.CloudProvider == in.CloudProvider && n.Region == in.Region && n.blocksPublicTraffic() {
			return n
		}
	}
	return nil
}

// blocksPublicTraffic: a change of public_traffic_enabled takes effect when the configuration is ready again;
// while it is updating, the setting it replaces still holds too, so public traffic is off if either is off.
func (n *networkAccess) blocksPublicTraffic() bool {
	if !n.PublicTrafficEnabled {
		return true
	}
	return n.Status != "ready" && n.PublicBefore != nil && !*n.PublicBefore
}
