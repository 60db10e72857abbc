package emulator

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"time"
)

type createInstanceRequest struct {
	Name                 *string `json:"name"`
	TenantID             *string `json:"tenant_id"`
	Type                 *string `json:"type"`
	Version              *string `json:"version"`
	Region               *string `json:"region"`
	CloudProvider        *string `json:"cloud_provider"`
	Memory               *string `json:"memory"`
	Storage              *string `json:"storage"`
	VectorOptimized      *bool   `json:"vector_optimized"`
	GraphAnalyticsPlugin *bool   `json:"graph_analytics_plugin"`
	CustomerManagedKeyID *string `json:"customer_managed_key_id"`
	SourceInstanceID     *string `json:"source_instance_id"`
	SourceSnapshotID     *string `json:"source_snapshot_id"`
}

type createInstanceResponse struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	TenantID      string `json:"tenant_id"`
	CloudProvider string `json:"cloud_provider"`
	Region        string `json:"region"`
	Type          string `json:"type"`
	ConnectionURL string `json:"connection_url"`
	Username      string `json:"username"`
	Password      string `json:"password"`
}

func required(field string, v *string) *apiError {
	if v == nil || *v == "" {
		return errorf(400, "missing-field", field, "Field %s is required.", field)
	}
	return nil
}

func enumField(field, v string, allowed []string) *apiError {
	if !oneOf(v, allowed) {
		return errorf(400, "invalid-value", field, "%s must be one of %s; got %q.", field, strings.Join(allowed, ", "), v)
	}
	return nil
}

func validName(v string) *apiError {
	if n := len([]rune(v)); n < 1 || n > 30 {
		return errorf(400, "invalid-value", "name", "name must be 1 to 30 characters long.")
	}
	return nil
}

func firstError(errs ...func() *apiError) *apiError {
	for _, f := range errs {
		if err := f(); err != nil {
			return err
		}
	}
	return nil
}

// configured finds the tenant's configuration for the combination, telling which member is at fault.
func configured(t *tenant, typ, version, cloud, region, memory string) (*InstanceConfiguration, *apiError) {
	var byType, byVersion, byRegion bool
	for i, c := range t.Configurations {
		if c.Type != typ {
			continue
		}
		byType = true
		if c.Version != version {
			continue
		}
		byVersion = true
		if c.CloudProvider != cloud || c.Region != region {
			continue
		}
		byRegion = true
		if c.Memory == memory {
			return &t.Configurations[i], nil
		}
	}
	switch {
	case !byType:
		return nil, errorf(400, "invalid-configuration", "type", "Type %s is not available in tenant %s.", typ, t.ID)
	case !byVersion:
		return nil, errorf(400, "invalid-configuration", "version", "Version %s is not available for %s.", version, typ)
	case !byRegion:
		return nil, errorf(400, "invalid-configuration", "region", "Region %s of %s is not available for %s version %s.", region, cloud, typ, version)
	}
	return nil, errorf(400, "invalid-configuration", "memory", "Memory %s is not available for %s in %s.", memory, typ, region)
}

func (e *Emulator) handleCreateInstance(w http.ResponseWriter, r *http.Request) {
	var req createInstanceRequest
	if err := decodeStrict(r, &req); err != nil {
		writeError(w, err)
		return
	}
	in, data, err := e.validateCreate(&req)
	if err != nil {
		writeError(w, err)
		return
	}
	now := e.now()
	in.ID = e.newInstanceID()
	in.CreatedAt = now.Truncate(time.Second)
	e.begin(in, "creating", "running", data)
	if in.PendingData == nil {
		empty := json.RawMessage("null")
		in.PendingData = &empty
	}
	in.Data = json.RawMessage("null")
	if next, ok := nextScheduleAfter(in.Type, in.Version, now); ok {
		in.NextSchedule, in.FirstSnapshotDue = next, true
	}
	e.st.Instances[in.ID] = in
	password := e.record(randomPassword())
	in.Users = map[string]*dbUser{"neo4j": newDBUser(password, true)}
	writeData(w, 202, createInstanceResponse{
		ID: in.ID, Name: in.Name, TenantID: in.TenantID, CloudProvider: in.CloudProvider, Region: in.Region,
		Type: in.Type, ConnectionURL: connectionURL(in), Username: "neo4j", Password: password,
	})
}

func (e *Emulator) validateCreate(req *createInstanceRequest) (*instance, *json.RawMessage, *apiError) {
	err := firstError(
		func() *apiError { return required("name", req.Name) },
		func() *apiError { return required("tenant_id", req.TenantID) },
		func() *apiError { return required("type", req.Type) },
		func() *apiError { return required("version", req.Version) },
		func() *apiError { return required("region", req.Region) },
		func() *apiError { return required("cloud_provider", req.CloudProvider) },
		func() *apiError { return required("memory", req.Memory) },
		func() *apiError { return validName(*req.Name) },
		func() *apiError { return enumField("type", *req.Type, instanceTypes) },
		func() *apiError { return enumField("version", *req.Version, []string{"4", "5"}) },
		func() *apiError { return enumField("cloud_provider", *req.CloudProvider, cloudProviders) },
		func() *apiError { return enumField("memory", *req.Memory, memorySizes) },
		func() *apiError {
			if req.Storage != nil {
				return enumField("storage", *req.Storage, storageSizes)
			}
			return nil
		},
	)
	if err != nil {
		return nil, nil, err
	}
	t, ok := e.st.Tenants[*req.TenantID]
	if !ok {
		return nil, nil, tenantNotFound("tenant_id")
	}
	if t.NoBillingDetails {
		return nil, nil, missingBillingDetails()
	}
	typ := *req.Type
	if typ == "free-db" {
		switch {
		case req.Storage != nil:
			return nil, nil, errorf(400, "invalid-value", "storage", "free-db instances take no storage.")
		case *req.CloudProvider != "gcp":
			return nil, nil, errorf(400, "invalid-value", "cloud_provider", "free-db instances are on gcp only.")
		case *req.Region != "europe-west1":
			return nil, nil, errorf(400, "invalid-value", "region", "free-db instances are in europe-west1 only.")
		case *req.Memory != "1GB":
			return nil, nil, errorf(400, "invalid-value", "memory", "free-db instances have 1GB of memory only.")
		}
	}
	conf, err := configured(t, typ, *req.Version, *req.CloudProvider, *req.Region, *req.Memory)
	if err != nil {
		return nil, nil, err
	}
	storage := conf.Storage
	if typ == "free-db" {
		storage = ""
	}
	if req.Storage != nil && *req.Storage != conf.Storage {
		return nil, nil, errorf(400, "invalid-configuration", "storage", "Storage %s is not available with %s of memory; use %s.", *req.Storage, *req.Memory, conf.Storage)
	}
	if req.VectorOptimized != nil && *req.VectorOptimized && gigabytes(*req.Memory) < 4 {
		return nil, nil, errorf(400, "invalid-value", "vector_optimized", "vector_optimized needs at least 4GB of memory.")
	}
	if req.GraphAnalyticsPlugin != nil && *req.GraphAnalyticsPlugin && typ != "professional-db" {
		return nil, nil, errorf(400, "invalid-value", "graph_analytics_plugin", "graph_analytics_plugin is only available with professional-db.")
	}
	if req.CustomerManagedKeyID != nil {
		k, ok := e.st.Keys[*req.CustomerManagedKeyID]
		if !ok || k.TenantID != t.ID {
			return nil, nil, errorf(400, "encryption-key-not-found", "customer_managed_key_id", "Customer managed key %s not found.", *req.CustomerManagedKeyID)
		}
		if k.Status != "ready" || k.CloudProvider != *req.CloudProvider || k.Region != *req.Region {
			return nil, nil, errorf(400, "invalid-value", "customer_managed_key_id", "Customer managed key %s is not ready for %s %s.", k.ID, *req.CloudProvider, *req.Region)
		}
	}
	in := &instance{
		Name: *req.Name, TenantID: t.ID, CloudProvider: *req.CloudProvider, Region: *req.Region, Type: typ,
		Version: *req.Version, Memory: *req.Memory, Storage: storage, CMK: req.CustomerManagedKeyID,
		Vector: req.VectorOptimized, GDS: req.GraphAnalyticsPlugin,
	}
	if req.SourceSnapshotID != nil && req.SourceInstanceID == nil {
		return nil, nil, errorf(400, "missing-field", "source_instance_id", "source_snapshot_id needs source_instance_id.")
	}
	if req.SourceInstanceID == nil {
		return in, nil, nil
	}
	source, snap, err := e.sourceData(*req.SourceInstanceID, req.SourceSnapshotID)
	if err != nil {
		return nil, nil, err
	}
	if err := compatible(source, in); err != nil {
		return nil, nil, err
	}
	data := cloneRaw(snap.Data)
	return in, &data, nil
}

// sourceData resolves the data a clone or overwrite copies (api/README.md A.6): a given snapshot must belong to the
// source, be Completed and exportable; without one, a fresh snapshot of the running source is taken.
func (e *Emulator) sourceData(sourceID string, snapshotID *string) (*instance, *snapshot, *apiError) {
	source, ok := e.st.Instances[sourceID]
	if !ok {
		return nil, nil, dbNotFound("source_instance_id", sourceID)
	}
	if snapshotID == nil {
		if source.Status != "running" {
			err := busy(source, "be snapshotted")
			err.Field = "source_instance_id"
			return nil, nil, err
		}
		s := e.newSnapshot(source, "AdHoc", kindFull, e.now())
		e.completeSnapshot(s)
		return source, s, nil
	}
	s, ok := e.st.Snapshots[*snapshotID]
	if !ok || s.InstanceID != sourceID {
		return nil, nil, errorf(400, "snapshot-not-found", "source_snapshot_id", "Source snapshot %s does not belong to instance %s.", *snapshotID, sourceID)
	}
	if s.Status != "Completed" || !s.exportable(e.now()) {
		return nil, nil, errorf(400, "snapshot-not-exportable", "source_snapshot_id", "Source snapshot %s is not exportable", *snapshotID)
	}
	return source, s, nil
}

// compatible enforces A.6: enough storage on the target, and no version 5 data into version 4.
func compatible(source, target *instance) *apiError {
	if target.Storage != "" && gigabytes(target.Storage) < gigabytes(source.Storage) {
		return errorf(400, "insufficient-storage", "storage", "The target needs at least %s of storage, as the source has.", source.Storage)
	}
	if source.Version == "5" && target.Version == "4" {
		return errorf(400, "incompatible-version", "version", "Version 5 data can not be loaded into a version 4 instance.")
	}
	if strings.HasSuffix(source.Type, "-ds") != strings.HasSuffix(target.Type, "-ds") {
		return errorf(400, "incompatible-type", "type", "AuraDS and AuraDB data are not interchangeable.")
	}
	return nil
}

func (e *Emulator) newInstanceID() string {
	for {
		id := randomHex(4)
		if _, taken := e.st.Instances[id]; !taken {
			return id
		}
	}
}

func randomPassword() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	raw := randomHex(43)
	out := make([]byte, 43)
	for i := range out {
		out[i] = alphabet[int(raw[i*2])%len(alphabet)^int(raw[i*2+1])%len(alphabet)]
	}
	return string(out)
}

type instanceSummary struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	CreatedAt     string `json:"created_at"`
	TenantID      string `json:"tenant_id"`
	CloudProvider string `json:"cloud_provider"`
}

func (e *Emulator) handleListInstances(w http.ResponseWriter, r *http.Request) {
	tenantID := r.URL.Query().Get("tenantId")
	out := []instanceSummary{}
	for _, in := range e.st.Instances {
		if tenantID == "" || in.TenantID == tenantID {
			out = append(out, instanceSummary{in.ID, in.Name, in.CreatedAt.UTC().Format(time.RFC3339), in.TenantID, in.CloudProvider})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].CreatedAt != out[j].CreatedAt {
			return out[i].CreatedAt < out[j].CreatedAt
		}
		return out[i].ID < out[j].ID
	})
	writeData(w, 200, out)
}

func (e *Emulator) findInstance(id string) (*instance, *apiError) {
	in, ok := e.st.Instances[id]
	if !ok {
		return nil, dbNotFound("", id)
	}
	return in, nil
}

func (e *Emulator) handleGetInstance(w http.ResponseWriter, r *http.Request) {
	in, err := e.findInstance(r.PathValue("id"))
	if err != nil {
		writeError(w, err)
		return
	}
	writeData(w, 200, in.view())
}

type patchInstanceRequest struct {
	Name        *string `json:"name"`
	Memory      *string `json:"memory"`
	Storage     *string `json:"storage"`
	CDC         *string `json:"cdc_enrichment_mode"`
	Secondaries *int    `json:"secondaries_count"`
}

func (e *Emulator) handlePatchInstance(w http.ResponseWriter, r *http.Request) {
	in, err := e.findInstance(r.PathValue("id"))
	if err != nil {
		writeError(w, err)
		return
	}
	var req patchInstanceRequest
	if err := decodeStrict(r, &req); err != nil {
		writeError(w, err)
		return
	}
	if req.Name == nil && req.Memory == nil && req.Storage == nil && req.CDC == nil && req.Secondaries == nil {
		writeError(w, errorf(400, "missing-field", "", "The request must change at least one of name, memory, storage, cdc_enrichment_mode, secondaries_count."))
		return
	}
	resize := req.Memory != nil || req.Storage != nil || req.CDC != nil || req.Secondaries != nil
	if err := e.validatePatch(in, &req, resize); err != nil {
		writeError(w, err)
		return
	}
	if req.Name != nil {
		in.Name = *req.Name
	}
	if req.Memory != nil {
		in.Memory, in.Storage = *req.Memory, storageFor(*req.Memory)
	}
	if req.Storage != nil {
		in.Storage = *req.Storage
	}
	if req.CDC != nil {
		in.CDC = req.CDC
	}
	if req.Secondaries != nil {
		in.Secondaries = req.Secondaries
	}
	if resize {
		e.begin(in, "updating", "running", nil)
	}
	writeData(w, 202, in.view())
}

func (e *Emulator) validatePatch(in *instance, req *patchInstanceRequest, resize bool) *apiError {
	if in.Status == "destroying" || (resize && in.Status != "running") {
		return busy(in, "be updated")
	}
	if req.Name != nil {
		if err := validName(*req.Name); err != nil {
			return err
		}
	}
	if in.Type == "free-db" && (req.Memory != nil || req.Storage != nil) {
		field := "memory"
		if req.Memory == nil {
			field = "storage"
		}
		return errorf(400, "invalid-value", field, "free-db instances can not be resized.")
	}
	memory := in.Memory
	if req.Memory != nil {
		if err := enumField("memory", *req.Memory, memorySizes); err != nil {
			return err
		}
		conf, err := configured(e.st.Tenants[in.TenantID], in.Type, in.Version, in.CloudProvider, in.Region, *req.Memory)
		if err != nil {
			return err
		}
		memory = conf.Memory
	}
	if req.Storage != nil {
		if err := enumField("storage", *req.Storage, storageSizes); err != nil {
			return err
		}
		if *req.Storage != storageFor(memory) {
			return errorf(400, "invalid-configuration", "storage", "Storage %s is not available with %s of memory; use %s.", *req.Storage, memory, storageFor(memory))
		}
	}
	cdcTypes := in.Type == "business-critical" || in.Type == "enterprise-db"
	if req.CDC != nil {
		if err := enumField("cdc_enrichment_mode", *req.CDC, cdcModes); err != nil {
			return err
		}
		if !cdcTypes {
			return errorf(400, "invalid-value", "cdc_enrichment_mode", "cdc_enrichment_mode is only available on business-critical and enterprise-db instances.")
		}
	}
	if req.Secondaries != nil {
		if *req.Secondaries < 0 || *req.Secondaries > 15 {
			return errorf(400, "invalid-value", "secondaries_count", "secondaries_count must be between 0 and 15.")
		}
		if !cdcTypes {
			return errorf(400, "invalid-value", "secondaries_count", "secondaries_count is only available on business-critical and enterprise-db instances.")
		}
	}
	return nil
}

func (e *Emulator) handleDeleteInstance(w http.ResponseWriter, r *http.Request) {
	in, err := e.findInstance(r.PathValue("id"))
	if err != nil {
		writeError(w, err)
		return
	}
	switch {
	case in.Status == "destroying": // a repeated delete is accepted again, so clients may retry it
	case in.transitional():
		// Aura refuses to delete during an operation; settled statuses (paused, loading failed, suspended)
		// may be deleted, as a paused instance may on Aura and as the way out of a failed load.
		writeError(w, busy(in, "be deleted"))
		return
	default:
		e.begin(in, "destroying", "deleted", nil)
	}
	writeData(w, 202, in.view())
}

func (e *Emulator) handlePause(w http.ResponseWriter, r *http.Request) {
	e.simpleTransition(w, r, "be paused", "running", "pausing", "paused")
}

func (e *Emulator) handleResume(w http.ResponseWriter, r *http.Request) {
	e.simpleTransition(w, r, "be resumed", "paused", "resuming", "running")
}

func (e *Emulator) simpleTransition(w http.ResponseWriter, r *http.Request, action, from, during, to string) {
	in, err := e.findInstance(r.PathValue("id"))
	if err != nil {
		writeError(w, err)
		return
	}
	if in.Type == "free-db" {
		writeError(w, errorf(400, "invalid-value", "", "free-db instances can not be paused or resumed."))
		return
	}
	if in.Status != from {
		writeError(w, busy(in, action))
		return
	}
	e.begin(in, during, to, nil)
	writeData(w, 202, in.view())
}

type overwriteRequest struct {
	SourceInstanceID *string `json:"source_instance_id"`
	SourceSnapshotID *string `json:"source_snapshot_id"`
}

func (e *Emulator) handleOverwrite(w http.ResponseWriter, r *http.Request) {
	in, err := e.findInstance(r.PathValue("id"))
	if err != nil {
		writeError(w, err)
		return
	}
	var req overwriteRequest
	if err := decodeStrict(r, &req); err != nil {
		writeError(w, err)
		return
	}
	if err := required("source_instance_id", req.SourceInstanceID); err != nil {
		writeError(w, err)
		return
	}
	if in.Status != "running" {
		writeError(w, busy(in, "be overwritten"))
		return
	}
	source, snap, err := e.sourceData(*req.SourceInstanceID, req.SourceSnapshotID)
	if err != nil {
		writeError(w, err)
		return
	}
	if err := compatible(source, in); err != nil {
		writeError(w, err)
		return
	}
	data := cloneRaw(snap.Data)
	e.begin(in, "overwriting", "running", &data)
	writeData(w, 202, in.view())
}
