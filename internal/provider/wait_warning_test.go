package provider

import (
	"strings"
	"testing"
)

// A run whose requests waited more than 10 s for Aura's rate limit ends with one warning, however many resources
// waited, saying how long, why and what to do; a run that waited 2 s says nothing.
func TestAccProvider_aRunThatWaitedOver10sEndsWithOneWarning(t *testing.T) {
	needsEmulator(t)
	const config = `
data "aura_tenants" "a" {}
data "aura_tenants" "b" { depends_on = [data.aura_tenants.a] }
data "aura_tenants" "c" { depends_on = [data.aura_tenants.a] }
`
	for _, tc := range []struct {
		retryAfter, warnings int
	}{{12, 1}, {2, 0}} {
		w := newCLIWorkdir(t, config)
		// The first read is refused once; the other two answer after it, past the 10 s too.
		injectFault(t, map[string]any{"method": "GET", "path": "^/v1/tenants$", "status": 429, "retry_after": tc.retryAfter, "count": 1})
		out := w.must("plan")
		if n := strings.Count(out, "Warning: Requests waited"); n != tc.warnings || strings.Contains(out, "more similar warning") {
			t.Fatalf("after a Retry-After of %d s, %d warnings about waiting, want %d:\n%s", tc.retryAfter, n, tc.warnings, out)
		}
		if tc.warnings == 0 {
			continue
		}
		for _, want := range []string{"Requests waited 12 s for Aura's rate limit", "have waited at least 12 s in all", "12 s because Aura refused a request (429",
			"125 requests per minute per account", "this machine sent", "fewer terraform runs", "-refresh=false", "separate client id"} {
			if !strings.Contains(strings.Join(strings.Fields(out), " "), want) {
				t.Errorf("the warning does not say %q:\n%s", want, out)
			}
		}
	}
}
