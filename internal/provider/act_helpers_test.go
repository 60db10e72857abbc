package provider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// acts counts, since the last statistics reset, the requests that copy or overwrite data, and the snapshot
// and instance creates around them, as the emulator received them (whatever it answered).
type acts struct{ Restores, Overwrites, Uploads, Creates, Snapshots int }

func countActs(t *testing.T) acts { t.Helper(); return countActsAt(t, testEmulator.BaseURL()) }

// countActsAt counts the acts an emulator at base received.
func countActsAt(t *testing.T, base string) acts {
	t.Helper()
	var st struct {
		Requests []struct {
			Method, Route string
			Count         int
		}
	}
	res, err := http.Get(base + "/_emulator/stats")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if err := json.NewDecoder(res.Body).Decode(&st); err != nil {
		t.Fatal(err)
	}
	var a acts
	for _, r := range st.Requests {
		if r.Method != "POST" {
			continue
		}
		switch r.Route {
		case "/v1/instances/{id}/snapshots/{snapshotId}/restore":
			a.Restores += r.Count
		case "/v1/instances/{id}/overwrite":
			a.Overwrites += r.Count
		case uploadCompleteRoute: // an upload is sent to be loaded
			a.Uploads += r.Count
		case "/v1/instances":
			a.Creates += r.Count
		case "/v1/instances/{id}/snapshots":
			a.Snapshots += r.Count
		}
	}
	return a
}

func resetStats(t *testing.T) { t.Helper(); control(t, "DELETE", "/_emulator/stats", nil, nil) }

// expectActs fails the test unless the counts since the last reset are want.
func expectActs(t *testing.T, when string, want acts) {
	t.Helper()
	if got := countActs(t); got != want {
		t.Fatalf("%s: requests %+v, want %+v", when, got, want)
	}
}

// contains fails the test unless out has every phrase (wherever Terraform wrapped its lines), and
// lacks every phrase of absent.
func contains(t *testing.T, when, out string, phrases []string, absent ...string) {
	t.Helper()
	flat := strings.Join(strings.Fields(out), " ")
	for _, p := range phrases {
		if !strings.Contains(flat, strings.Join(strings.Fields(p), " ")) {
			t.Fatalf("%s: output lacks %q:\n%s", when, p, out)
		}
	}
	for _, p := range absent {
		if strings.Contains(flat, strings.Join(strings.Fields(p), " ")) {
			t.Fatalf("%s: output has %q:\n%s", when, p, out)
		}
	}
}

// instanceHCL is a professional-db instance named name, as resource aura_instance.<label>, that the test may
// destroy (deletion_protection = false).
func instanceHCL(label, name string) string {
	return instanceHCLWith(label, name, "deletion_protection = false")
}

// instanceHCLWith is instanceHCL with extra instead of deletion_protection = false.
func instanceHCLWith(label, name, extra string) string {
	return fmt.Sprintf(`
resource "aura_instance" %q {
  name           = %q
  type           = "professional-db"
  cloud_provider = "gcp"
  region         = "europe-west1"
  memory         = "2GB"
  %s
}
`, label, name, extra)
}
