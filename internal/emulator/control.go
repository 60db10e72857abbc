package emulator

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"time"
)

func (e *Emulator) handleGetClock(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, 200, map[string]string{"now": e.now().Format(time.RFC3339Nano)})
}

func (e *Emulator) handleAdvanceClock(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Duration *duration `json:"duration"`
	}
	if err := decodeStrict(r, &req); err != nil {
		writeError(w, err)
		return
	}
	if req.Duration == nil || req.Duration.Duration <= 0 || req.Duration.Duration > maxAdvance {
		writeError(w, errorf(400, "invalid-value", "duration", "duration must be a positive Go duration such as 36h, at most %s.", maxAdvance))
		return
	}
	e.st.ClockOffset += req.Duration.Duration
	e.tick()
	writeJSON(w, 200, map[string]string{"now": e.now().Format(time.RFC3339Nano)})
}

// maxAdvance bounds one clock advance (ten years), so that one request cannot make the emulator replay
// centuries of schedules.
const maxAdvance = 10 * 365 * 24 * time.Hour

// AdvanceClock moves the emulator's clock forward, as POST /_emulator/clock/advance does.
func (e *Emulator) AdvanceClock(d time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.st.ClockOffset += d
	e.tick()
	e.persist()
}

func datasetView(data json.RawMessage) map[string]any {
	data = cloneRaw(data)
	sum := sha256.Sum256(data)
	return map[string]any{"data": data, "sha256": hex.EncodeToString(sum[:])}
}

func (e *Emulator) handleGetData(w http.ResponseWriter, r *http.Request) {
	in, err := e.findInstance(r.PathValue("id"))
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, 200, datasetView(in.Data))
}

func (e *Emulator) handlePutData(w http.ResponseWriter, r *http.Request) {
	in, err := e.findInstance(r.PathValue("id"))
	if err != nil {
		writeError(w, err)
		return
	}
	if in.Status != "running" {
		writeError(w, busy(in, "take writes"))
		return
	}
	raw, rerr := io.ReadAll(io.LimitReader(r.Body, maxJSONBody+1))
	if rerr != nil || len(raw) > maxJSONBody || !json.Valid(raw) {
		writeError(w, errorf(400, "invalid-json", "", "The dataset must be one JSON value of at most %d bytes.", maxJSONBody))
		return
	}
	if _, field, ok := graphMembers(raw); !ok {
		writeError(w, errorf(400, "invalid-value", field, "%s must be a count: an integer of at least 0.", field))
		return
	}
	var compact bytes.Buffer
	_ = json.Compact(&compact, raw)
	in.Data = compact.Bytes()
	e.dataChanged(in, e.now())
	writeJSON(w, 200, datasetView(in.Data))
}

type driftPatch struct {
	Name    *string `json:"name"`
	Memory  *string `json:"memory"`
	Storage *string `json:"storage"`
	Status  *string `json:"status"`
}

// handleDriftInstance changes an instance as someone in the console would, at once and without rules
// beyond the enums.
func (e *Emulator) handleDriftInstance(w http.ResponseWriter, r *http.Request) {
	in, err := e.findInstance(r.PathValue("id"))
	if err != nil {
		writeError(w, err)
		return
	}
	var p driftPatch
	if err := decodeStrict(r, &p); err != nil {
		writeError(w, err)
		return
	}
	err = firstError(
		func() *apiError {
			if p.Memory != nil {
				return enumField("memory", *p.Memory, memorySizes)
			}
			return nil
		},
		func() *apiError {
			if p.Storage != nil {
				return enumField("storage", *p.Storage, storageSizes)
			}
			return nil
		},
		func() *apiError {
			if p.Status != nil {
				return enumField("status", *p.Status, []string{"paused", "running"})
			}
			return nil
		},
		func() *apiError {
			if p.Name != nil {
				return validName(*p.Name)
			}
			return nil
		},
	)
	if err != nil {
		writeError(w, err)
		return
	}
	if p.Name != nil {
		in.Name = *p.Name
	}
	if p.Memory != nil {
		in.Memory = *p.Memory
	}
	if p.Storage != nil {
		in.Storage = *p.Storage
	}
	if p.Status != nil {
		in.Status, in.Next, in.Until, in.PendingData = *p.Status, "", time.Time{}, nil
	}
	writeJSON(w, 200, in.view())
}

func (e *Emulator) handleDriftDelete(w http.ResponseWriter, r *http.Request) {
	if _, err := e.findInstance(r.PathValue("id")); err != nil {
		writeError(w, err)
		return
	}
	e.removeInstance(r.PathValue("id"))
	w.WriteHeader(http.StatusNoContent)
}

type networkDrift struct {
	CloudProvider        *string   `json:"cloud_provider"`
	Region               *string   `json:"region"`
	Type                 *string   `json:"type"`
	PrivateConnectivity  *bool     `json:"private_connectivity"`
	PublicTrafficEnabled *bool     `json:"public_traffic_enabled"`
	AllowedPrincipals    *[]string `json:"allowed_principals"`
	EndpointService      *string   `json:"endpoint_service"`
	Status               *string   `json:"status"`
}

func (e *Emulator) handleDriftNetwork(w http.ResponseWriter, r *http.Request) {
	n, ok := e.st.Networks[r.PathValue("id")]
	if !ok {
		writeError(w, errorf(404, "network-access-configuration-not-found", "", "Network access configuration %s not found.", r.PathValue("id")))
		return
	}
	var p networkDrift
	if err := decodeStrict(r, &p); err != nil {
		writeError(w, err)
		return
	}
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&n.CloudProvider, p.CloudProvider)
	set(&n.Region, p.Region)
	set(&n.Type, p.Type)
	set(&n.EndpointService, p.EndpointService)
	set(&n.Status, p.Status)
	if p.PrivateConnectivity != nil {
		n.PrivateConnectivity = *p.PrivateConnectivity
	}
	if p.PublicTrafficEnabled != nil {
		n.PublicTrafficEnabled = *p.PublicTrafficEnabled
	}
	if p.AllowedPrincipals != nil {
		n.AllowedPrincipals = append([]string{}, *p.AllowedPrincipals...)
	}
	writeJSON(w, 200, n.networkView)
}

// handleDriftTenant sets the account state Aura keeps outside the API: without billing details, creates fail;
// and what the tenant offers, which differs between Aura accounts (a newer one offers no version 4, for example).
func (e *Emulator) handleDriftTenant(w http.ResponseWriter, r *http.Request) {
	t, err := e.findTenant(r.PathValue("id"))
	if err != nil {
		writeError(w, err)
		return
	}
	var p struct {
		BillingDetails *bool                    `json:"billing_details"`
		Configurations *[]InstanceConfiguration `json:"instance_configurations"`
	}
	if err := decodeStrict(r, &p); err != nil {
		writeError(w, err)
		return
	}
	if p.BillingDetails == nil && p.Configurations == nil {
		writeError(w, errorf(400, "missing-field", "billing_details", "Field billing_details or instance_configurations is required."))
		return
	}
	if p.BillingDetails != nil {
		t.NoBillingDetails = !*p.BillingDetails
	}
	if p.Configurations != nil {
		t.Configurations = append([]InstanceConfiguration{}, *p.Configurations...)
	}
	writeJSON(w, 200, map[string]any{"id": t.ID, "name": t.Name, "billing_details": !t.NoBillingDetails})
}
