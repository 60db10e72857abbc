package emulator

import (
	"encoding/json"
	"time"
)

// state is everything the emulator knows; it is what --state-file persists. One mutex (Emulator.mu) guards it.
type state struct {
	ClockOffset time.Duration             `json:"clock_offset"`
	Tenants     map[string]*tenant        `json:"tenants"`
	Keys        map[string]*customerKey   `json:"customer_managed_keys"`
	Instances   map[string]*instance      `json:"instances"`
	Snapshots   map[string]*snapshot      `json:"snapshots"`
	Networks    map[string]*networkAccess `json:"network_access_configurations"`
	Tokens      map[string]time.Time      `json:"tokens"` // token -> real-time expiry
	Exports     map[string]*export        `json:"exports"`
	// The console's import protocol (console.go, storage.go): tokens and uploads, metadata only.
	ConsoleTokens map[string]*consoleToken `json:"console_tokens"`
	Uploads       map[string]*upload       `json:"uploads"`
}

type tenant struct {
	ID             string                  `json:"id"`
	Name           string                  `json:"name"`
	Configurations []InstanceConfiguration `json:"instance_configurations"`
	// NoBillingDetails makes creates fail as on an account without billing details.
	NoBillingDetails bool `json:"no_billing_details,omitempty"`
}

type customerKey struct {
	ID            string    `json:"id"`
	Name          string    `json:"name"`
	TenantID      string    `json:"tenant_id"`
	Status        string    `json:"status"`
	CloudProvider string    `json:"cloud_provider"`
	KeyID         string    `json:"key_id"`
	Region        string    `json:"region"`
	Type          string    `json:"type"`
	Created       time.Time `json:"created"`
}

// instance holds the API's instance object plus what the API hides: the version, the dataset, and the
// transition in progress.
type instance struct {
	ID            string    `json:"id"`
	Name          string    `json:"name"`
	TenantID      string    `json:"tenant_id"`
	CloudProvider string    `json:"cloud_provider"`
	Region        string    `json:"region"`
	Type          string    `json:"type"`
	Version       string    `json:"version"`
	Memory        string    `json:"memory"`
	Storage       string    `json:"storage,omitempty"`
	Status        string    `json:"status"`
	CreatedAt     time.Time `json:"created_at"`
	CMK           *string   `json:"customer_managed_key_id,omitempty"`
	CDC           *string   `json:"cdc_enrichment_mode,omitempty"`
	Secondaries   *int      `json:"secondaries_count,omitempty"`
	Vector        *bool     `json:"vector_optimized,omitempty"`
	GDS           *bool     `json:"graph_analytics_plugin,omitempty"`

	Data json.RawMessage `json:"data"`

	// Users are the database's users, for the console's import routes; LoadError is why the last load failed.
	Users     map[string]*dbUser `json:"users,omitempty"`
	LoadError *loadError         `json:"load_error,omitempty"`
	// LoadUnseen is a load no console status read has shown yet: the first shows "loading" even if a short
	// --transition has ended it, as a real load, minutes long, always is seen (api/README.md C.3).
	LoadUnseen bool `json:"load_unseen,omitempty"`

	// The transition in progress: Status lasts until Until, then becomes Next, and PendingData (when set)
	// replaces Data. A plain RawMessage, not a pointer: a pending `null` dataset (a restore to a snapshot of an
	// empty instance) is stored as the bytes `null` and reads back as such from the state file, where a
	// pointer would read back as nil, "nothing pending". Only nil (omitted) means nothing pending.
	Until       time.Time       `json:"until,omitempty"`
	Next        string          `json:"next,omitempty"`
	PendingData json.RawMessage `json:"pending_data,omitempty"`

	NextSchedule time.Time `json:"next_schedule,omitempty"`

	// Graph is the dataset's counts as Aura last reported them; GraphPending holds the changes still within
	// the refresh delay, oldest first.
	Graph        graphSize     `json:"graph"`
	GraphPending []graphChange `json:"graph_pending,omitempty"`
	// FirstSnapshotDue: the instance has scheduled snapshots and has not yet been running, so its first
	// transition to running takes one at once.
	FirstSnapshotDue bool `json:"first_snapshot_due,omitempty"`
}

func (i *instance) transitional() bool { return i.Next != "" }

type snapshot struct {
	ID         string `json:"snapshot_id"`
	InstanceID string `json:"instance_id"`
	Profile    string `json:"profile"`
	Status     string `json:"status"`
	// Timestamp keeps full precision, so that a listing puts the later of two snapshots taken within one second
	// first (a new instance's first one and an on-demand one right after it); the API shows whole seconds.
	Timestamp time.Time       `json:"timestamp"`
	Kind      snapshotKind    `json:"kind"`
	StartsAt  time.Time       `json:"starts_at,omitempty"` // a Pending snapshot becomes InProgress then
	ReadyAt   time.Time       `json:"ready_at"`
	Data      json.RawMessage `json:"data"`
	// Windows are fixed when the snapshot is taken, from the instance's type and version.
	RestorableUntil time.Time `json:"restorable_until"`
	ExportableUntil time.Time `json:"exportable_until"`
}

// networkAccess is the API's object (networkView) plus when its transition ends.
type networkAccess struct {
	networkView
	Until time.Time `json:"until,omitempty"`
	// PublicBefore is public_traffic_enabled before the last PATCH: it still holds while the change is updating.
	PublicBefore *bool `json:"public_traffic_before,omitempty"`
}

type networkView struct {
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

type export struct {
	ID        string    `json:"id"`
	ExpiresAt time.Time `json:"expires_at"`
	Format    string    `json:"format"`
	Body      []byte    `json:"body"`
}

// The API's views of the objects.

type instanceView struct {
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
	CMK                   *string `json:"customer_managed_key_id"`
	CDC                   *string `json:"cdc_enrichment_mode"`
	Secondaries           *int    `json:"secondaries_count"`
	Vector                *bool   `json:"vector_optimized"`
	GDS                   *bool   `json:"graph_analytics_plugin"`
	MetricsIntegrationURL *string `json:"metrics_integration_url"`
	GraphNodes            *int    `json:"graph_nodes"`
	GraphRelationships    *int    `json:"graph_relationships"`
}

func connectionURL(i *instance) string {
	if i.Status == "paused" {
		return ""
	}
	return "neo4j+s://" + i.ID + ".databases.neo4j.io"
}

func (i *instance) view() instanceView {
	v := instanceView{
		ID: i.ID, Name: i.Name, Status: i.Status, TenantID: i.TenantID, CloudProvider: i.CloudProvider,
		Region: i.Region, Type: i.Type, Memory: i.Memory, ConnectionURL: connectionURL(i),
		CreatedAt: i.CreatedAt.UTC().Format(time.RFC3339), CMK: i.CMK, CDC: i.CDC, Secondaries: i.Secondaries,
		Vector: i.Vector, GDS: i.GDS,
	}
	if i.Storage != "" {
		s := i.Storage
		v.Storage = &s
	}
	if i.Type == "free-db" {
		// Aura counts free-db's size limits in nodes and relationships, and reports them for free-db only.
		g := i.Graph
		v.GraphNodes, v.GraphRelationships = &g.Nodes, &g.Relationships
	}
	if hasMetrics(i.Type) {
		u := "https://customer-metrics-api.neo4j.io/api/v1/" + i.TenantID + "/" + i.ID + "/metrics"
		v.MetricsIntegrationURL = &u
	}
	return v
}

type snapshotView struct {
	SnapshotID string `json:"snapshot_id"`
	InstanceID string `json:"instance_id"`
	Profile    string `json:"profile"`
	Status     string `json:"status"`
	Timestamp  string `json:"timestamp"`
	Exportable bool   `json:"exportable"`
}

func (s *snapshot) exportable(now time.Time) bool {
	return s.Status == "Completed" && s.Kind != kindDiff && now.Before(s.ExportableUntil)
}

func (s *snapshot) view(now time.Time) snapshotView {
	return snapshotView{s.ID, s.InstanceID, s.Profile, s.Status, s.Timestamp.UTC().Format(time.RFC3339), s.exportable(now)}
}
