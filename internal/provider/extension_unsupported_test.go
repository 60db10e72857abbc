package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/aura-terraform/terraform-provider-aura/internal/emulator"
)

// Against a server without the project's extension (the public API v1), every extension resource fails with
// the one clear diagnostic, nothing crashes, and no state is written. (aura_database_upload is no extension: it
// speaks the console's upload protocol, which such a server serves; TestAccDatabaseUpload_loadsIntoGCPAndAWSWithoutThePasswordInStateOrPlan.
// Export and network access fail at plan: TestAccExtensions_refusedAtPlan.)
func TestAccExtensions_unsupportedServer(t *testing.T) {
	needsEmulator(t)
	t.Parallel()
	e := otherEmulator(t, func(c *emulator.Config) { c.Transition, c.NoExtensions = 100*time.Millisecond, true })
	provider := providerBlock(e)
	configs := map[string]string{
		"network access": `
resource "aura_network_access_configuration" "test" {
  cloud_provider = "aws"
  region         = "us-east-1"
  type           = "enterprise-db"
}`,
		"network access list": `
data "aura_network_access_configurations" "all" {}`,
		"export": noExtensionInstance("noext") + `
resource "aura_snapshot" "test" {
  instance_id = aura_instance.test.id
}
resource "aura_snapshot_export" "test" {
  instance_id = aura_instance.test.id
  snapshot_id = aura_snapshot.test.snapshot_id
  path        = "` + filepath.Join(t.TempDir(), "out.backup") + `"
}`,
	}
	for name, config := range configs {
		expect := `(?s)This\s+Aura\s+API\s+does\s+not\s+expose.*configured\s+in\s+the\s+Aura\s+console`
		if name == "export" {
			expect = `(?s)This\s+Aura\s+API\s+does\s+not\s+expose\s+snapshot\s+export.*only\s+in\s+the\s+Aura\s+console`
		}
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      provider + config,
					ExpectError: regexp.MustCompile(expect),
				}},
			})
		})
	}
}

// A plan that creates exports and network access configurations against a server without the project's
// extension fails at plan, with one error per feature however many resources use it, after at most one probe;
// nothing is created, neither by the plan nor by an apply, and the instance and snapshot beside them neither.
func TestAccExtensions_refusedAtPlan(t *testing.T) {
	needsEmulator(t)
	e := otherEmulator(t, func(c *emulator.Config) { c.Transition, c.NoExtensions = 100*time.Millisecond, true })
	out := filepath.Join(t.TempDir(), "out")
	w := newCLIWorkdir(t, providerBlock(e)+noExtensionInstance("noext")+`
resource "aura_snapshot" "test" {
  instance_id = aura_instance.test.id
}
resource "aura_snapshot_export" "test" {
  count       = 2
  instance_id = aura_instance.test.id
  snapshot_id = aura_snapshot.test.snapshot_id
  path        = "`+out+`${count.index}.backup"
}
resource "aura_network_access_configuration" "test" {
  for_each       = toset(["us-east-1", "eu-west-1"])
  cloud_provider = "aws"
  region         = each.key
  type           = "enterprise-db"
}
`)
	probes := func() int {
		n := 0
		for _, r := range served(t, e) {
			if r.Method == "GET" && r.Route == "/v1/tenants/{tenantId}/network-access-configurations" {
				n += r.Count
			}
		}
		return n
	}
	exportRefused := "Not available in this Aura API: snapshot export"
	networkRefused := "Not available in this Aura API: network access configurations"
	for _, command := range []string{"plan", "apply"} {
		slowControl(t, e, "DELETE", "/_emulator/stats", nil, nil)
		text, code := w.run(command)
		if code == 0 {
			t.Fatalf("%s exited 0:\n%s", command, text)
		}
		contains(t, command, text, []string{
			exportRefused, "Aura offers snapshot export only in the Aura console",
			networkRefused, "They are configured in the Aura console (the Network Access page)",
		}, "Creating...", "Creation complete")
		flat := strings.Join(strings.Fields(text), " ")
		if n, m := strings.Count(flat, exportRefused), strings.Count(flat, networkRefused); n != 1 || m != 1 {
			t.Fatalf("%s: %d export errors and %d network access errors, want one of each:\n%s", command, n, m, text)
		}
		if n := mutatingRequestsAt(t, e); n != 0 {
			t.Fatalf("%s: %d mutating requests", command, n)
		}
		n := probes()
		if n > 1 {
			t.Fatalf("%s probed the extension %d times, want at most 1", command, n)
		}
		t.Logf("%s: %d probe, 0 mutating requests", command, n)
	}
	if _, err := os.Stat(filepath.Join(w.dir, "terraform.tfstate")); !os.IsNotExist(err) {
		t.Fatalf("the refused apply wrote state: %v", w.must("state", "list"))
	}
}

// open_public_traffic changes a network access configuration, the extension's: against a server without it, an
// upload that asks for it fails at plan like the resource itself, and nothing is created.
func TestAccExtensions_openPublicTrafficRefusedAtPlan(t *testing.T) {
	needsEmulator(t)
	e := otherEmulator(t, func(c *emulator.Config) { c.Transition, c.NoExtensions = 100*time.Millisecond, true })
	file := filepath.Join(t.TempDir(), "data.backup")
	if err := os.WriteFile(file, []byte("not loaded"), 0o600); err != nil {
		t.Fatal(err)
	}
	w := newCLIWorkdir(t, providerBlock(e)+noExtensionInstance("noext-upload")+`
resource "aura_database_upload" "test" {
  instance_id         = aura_instance.test.id
  source_path         = "`+file+`"
  confirm_overwrite   = true
  password_wo         = aura_instance.test.password
  open_public_traffic = true
}
`)
	for _, command := range []string{"plan", "apply"} {
		slowControl(t, e, "DELETE", "/_emulator/stats", nil, nil)
		text, code := w.run(command)
		if code == 0 {
			t.Fatalf("%s exited 0:\n%s", command, text)
		}
		contains(t, command, text, []string{"Not available in this Aura API: network access configurations", "open_public_traffic"},
			"Creating...", "Creation complete")
		if n := mutatingRequestsAt(t, e); n != 0 {
			t.Fatalf("%s: %d mutating requests", command, n)
		}
	}
}

// noExtensionInstance is aura_instance.test, a plain instance the public API serves, beside the refused features.
func noExtensionInstance(name string) string {
	return fmt.Sprintf(`
resource "aura_instance" "test" {
  name                = %q
  type                = "professional-db"
  cloud_provider      = "gcp"
  region              = "europe-west1"
  memory              = "2GB"
  deletion_protection = false
}
`, name)
}
