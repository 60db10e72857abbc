package emulator

import (
	"net/http"
	"sort"
)

type tenantSummary struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

func (e *Emulator) handleListTenants(w http.ResponseWriter, _ *http.Request) {
	out := []tenantSummary{}
	for _, t := range e.st.Tenants {
		out = append(out, tenantSummary{t.ID, t.Name})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	writeData(w, 200, out)
}

func (e *Emulator) findTenant(id string) (*tenant, *apiError) {
	t, ok := e.st.Tenants[id]
	if !ok {
		return nil, tenantNotFound("")
	}
	return t, nil
}

func (e *Emulator) handleGetTenant(w http.ResponseWriter, r *http.Request) {
	t, err := e.findTenant(r.PathValue("tenantId"))
	if err != nil {
		writeError(w, err)
		return
	}
	writeData(w, 200, tenantView{t.ID, t.Name, t.Configurations})
}

// tenantView is the API's tenant object: the billing state is the emulator's, set through the control API.
type tenantView struct {
	ID             string                  `json:"id"`
	Name           string                  `json:"name"`
	Configurations []InstanceConfiguration `json:"instance_configurations"`
}

func (e *Emulator) handleMetricsIntegration(w http.ResponseWriter, r *http.Request) {
	t, err := e.findTenant(r.PathValue("tenantId"))
	if err != nil {
		writeError(w, err)
		return
	}
	for _, in := range e.st.Instances {
		if in.TenantID == t.ID && hasMetrics(in.Type) {
			writeData(w, 200, map[string]string{"endpoint": "https://customer-metrics-api.neo4j.io/api/v1/" + t.ID + "/metrics"})
			return
		}
	}
	writeError(w, noMetricsInstance())
}

func (e *Emulator) handleListKeys(w http.ResponseWriter, r *http.Request) {
	tenantID := r.URL.Query().Get("tenantId")
	out := []*customerKey{}
	for _, k := range e.st.Keys {
		if tenantID == "" || k.TenantID == tenantID {
			out = append(out, k)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	writeData(w, 200, out)
}

func (e *Emulator) handleGetKey(w http.ResponseWriter, r *http.Request) {
	k, ok := e.st.Keys[r.PathValue("id")]
	if !ok {
		writeError(w, errorf(404, "encryption-key-not-found", "", "Customer managed key %s not found.", r.PathValue("id")))
		return
	}
	writeData(w, 200, k)
}
