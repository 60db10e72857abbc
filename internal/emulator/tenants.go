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
		return nil, errorf(404, "tenant-not-found", "", "Tenant %s not found.", id)
	}
	return t, nil
}

func (e *Emulator) handleGetTenant(w http.ResponseWriter, r *http.Request) {
	t, err := e.findTenant(r.PathValue("tenantId"))
	if err != nil {
		writeError(w, err)
		return
	}
	writeData(w, 200, t)
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
	writeError(w, errorf(400, "tenant-incapable-of-action", "", "Tenant %s has no instance able to export metrics.", t.ID))
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
