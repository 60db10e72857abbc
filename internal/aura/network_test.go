package aura

import (
	"context"
	"testing"
	"time"

	"github.com/aura-terraform/terraform-provider-aura/internal/emulator"
)

// followClock moves the emulator's clock with the fake one, a second at a time for span, so that transitions
// of emulated minutes pass while the client waits on its default poll settings.
func followClock(clk *fakeClock, e *emulator.Emulator, span time.Duration) {
	start := clk.Now()
	for d := time.Second; d <= span; d += time.Second {
		clk.At(start.Add(d), func() { e.AdvanceClock(time.Second) })
	}
}

// On the default poll settings: SetPublicTraffic waits out a running update before its PATCH (Aura refuses one
// then) and returns once the configuration is ready again, when the setting holds, having called sending right
// before its PATCH; a configuration already so gets no PATCH; RestorePublicTraffic restores on a RestoreContext even when the caller's context has ended.
func TestSetPublicTraffic_holdsOnceReady(t *testing.T) {
	clk := newFakeClock()
	f := setup(t, func(c *emulator.Config) { c.Transition = time.Minute }, func(c *Config) {
		c.Clock, c.PollMin, c.PollMax = clk, 0, 0 // the defaults: 6 s to 60 s
	})
	ctx := context.Background()
	tenant := f.e.TenantID()
	n, err := f.c.CreateNetworkAccess(ctx, tenant, CreateNetworkAccessRequest{CloudProvider: "aws", Region: "us-east-1",
		Type: "enterprise-db", PrivateConnectivity: true, PublicTrafficEnabled: false, AllowedPrincipals: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	followClock(clk, f.e, time.Hour)
	f.resetStats()
	began := clk.Now()
	sending := 0
	sent, err := f.c.SetPublicTraffic(ctx, tenant, n.ID, true, func() {
		if sending++; f.count("PATCH", "/v1/tenants/{tenantId}/network-access-configurations/{configId}") != 0 {
			t.Error("sending was called after the PATCH")
		}
	})
	if err != nil || !sent || sending != 1 {
		t.Fatalf("opening: sent %v, error %v, sending called %d times; want once", sent, err, sending)
	}
	// One minute for the create still pending, one for the update: the call ends when the second is over.
	if waited := clk.Now().Sub(began); waited < 2*time.Minute || waited > 2*time.Minute+6*time.Second {
		t.Errorf("opening returned after %v, want 2m (within one 6 s poll)", waited)
	}
	got, err := f.c.GetNetworkAccess(ctx, tenant, n.ID)
	if err != nil || !got.PublicTrafficEnabled || got.Status != "ready" {
		t.Fatalf("after opening: %+v, %v", got, err)
	}
	polls := f.count("GET", "/v1/tenants/{tenantId}/network-access-configurations/{configId}")
	t.Logf("opening: %v waited, %d polls", clk.Now().Sub(began), polls)
	if patches := f.count("PATCH", "/v1/tenants/{tenantId}/network-access-configurations/{configId}"); patches != 1 || polls > 24 {
		t.Errorf("opening took %d PATCH and %d polls; want 1 PATCH and at most 24 polls (11 a minute)", patches, polls)
	}

	f.resetStats()
	if sent, err := f.c.SetPublicTraffic(ctx, tenant, n.ID, true, func() { t.Error("sending was called with nothing to send") }); err != nil || sent {
		t.Errorf("opening an open configuration: sent %v, error %v", sent, err)
	}
	if patches := f.count("PATCH", "/v1/tenants/{tenantId}/network-access-configurations/{configId}"); patches != 0 {
		t.Errorf("opening an open configuration sent %d PATCH", patches)
	}

	ended, cancel := context.WithCancel(ctx)
	cancel()
	restore, cancelRestore := f.c.RestoreContext(ended)
	defer cancelRestore()
	if err := f.c.RestorePublicTraffic(restore, tenant, n.ID, false); err != nil {
		t.Fatalf("restoring on an ended context: %v", err)
	}
	if got, err = f.c.GetNetworkAccess(ctx, tenant, n.ID); err != nil || got.PublicTrafficEnabled || got.Status != "ready" {
		t.Fatalf("after restoring: %+v, %v", got, err)
	}
}
