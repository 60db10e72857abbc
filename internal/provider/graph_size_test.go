package provider

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// graphRefresh is the emulator's default delay before a data change shows in graph_nodes and graph_relationships.
const graphRefresh = 2 * time.Minute

// graphData is a dataset whose graph has the given counts (api/emulator.md, Data).
func graphData(nodes, rels int) map[string]any {
	return map[string]any{"graph_nodes": nodes, "graph_relationships": rels}
}

const graphSizeSource = `
resource "aura_instance" "src" {
  name           = "acc-graph-src"
  type           = "free-db"
  cloud_provider = "gcp"
  region         = "europe-west1"
  memory         = "1GB"
  deletion_protection = false
}
`

const graphSizeClone = `
resource "aura_instance_from_snapshot" "clone" {
  name               = "acc-graph-clone"
  type               = "free-db"
  cloud_provider     = "gcp"
  region             = "europe-west1"
  memory             = "1GB"
  source_instance_id = aura_instance.src.id
  deletion_protection = false
}
`

// graphCounts reads "nodes/relationships" of each address from the state.
func (w *cliWorkdir) graphCounts() map[string]string {
	w.t.Helper()
	out := map[string]string{}
	for address, values := range w.stateValues() {
		out[address] = fmt.Sprintf("%v/%v", values["graph_nodes"], values["graph_relationships"])
	}
	return out
}

// quietPlan checks that a plan proposes nothing and mentions nothing changed outside Terraform.
func (w *cliWorkdir) quietPlan(when string) {
	w.t.Helper()
	out, code := w.run("plan", "-detailed-exitcode")
	if code != 0 || strings.Contains(out, "changed outside of Terraform") {
		w.t.Fatalf("%s: plan exited %d:\n%s", when, code, out)
	}
}

// The counts move without Terraform: plans stay empty and silent whether they moved or not, a refresh reads them,
// a clone carries them, and an update planned before they moved applies cleanly with the counts it planned.
func TestAccInstance_graphSizeNeverPlans(t *testing.T) {
	needsEmulator(t)
	base := graphSizeSource + instanceHCL("pro", "acc-graph-pro") + `output "src" { value = aura_instance.src.id }` + "\n"
	w := newCLIWorkdir(t, base)
	t.Cleanup(func() { w.run("destroy") })
	w.must("apply")
	if got := w.graphCounts(); got["aura_instance.src"] != "0/0" || got["aura_instance.pro"] != "<nil>/<nil>" {
		t.Fatalf("after create: %v, want 0/0 for free-db and null for professional-db", got)
	}
	src := w.output("src")
	putData(t, src, graphData(12, 34))
	w.quietPlan("counts written, not yet refreshed by Aura")
	testEmulator.AdvanceClock(graphRefresh)
	w.quietPlan("counts refreshed by Aura")
	w.must("apply", "-refresh-only")
	if got := w.graphCounts()["aura_instance.src"]; got != "12/34" {
		t.Fatalf("after a refresh: %s, want 12/34", got)
	}

	w.write(base + graphSizeClone)
	w.must("apply")
	if got := w.graphCounts()["aura_instance_from_snapshot.clone"]; got != "0/0" {
		t.Fatalf("a fresh clone reports %s before Aura's refresh, want 0/0", got)
	}
	testEmulator.AdvanceClock(graphRefresh)
	w.quietPlan("the clone's counts refreshed")
	w.must("apply", "-refresh-only")
	if got := w.graphCounts()["aura_instance_from_snapshot.clone"]; got != "12/34" {
		t.Fatalf("the clone reports %s, want the source's 12/34", got)
	}

	w.write(strings.Replace(base, `"acc-graph-src"`, `"acc-graph-renamed"`, 1) + graphSizeClone)
	if out := w.must("plan", "-out=rename.tfplan"); strings.Contains(out, "graph_") {
		t.Fatalf("the plan of an update shows the counts:\n%s", out)
	}
	putData(t, src, graphData(99, 1))
	testEmulator.AdvanceClock(graphRefresh)
	w.must("apply", "rename.tfplan")
	if got := w.graphCounts()["aura_instance.src"]; got != "12/34" {
		t.Fatalf("the update recorded %s, want the planned 12/34", got)
	}
	w.quietPlan("after the update")
	w.must("apply", "-refresh-only")
	if got := w.graphCounts()["aura_instance.src"]; got != "99/1" {
		t.Fatalf("the refresh after the update read %s, want 99/1", got)
	}
}

// Both data sources read the counts; the list only when asked, as Aura's list does not carry them.
func TestAccInstanceDataSources_graphSize(t *testing.T) {
	needsEmulator(t)
	read := func(list bool) string {
		return graphSizeSource + fmt.Sprintf(`
data "aura_instance" "src" {
  id = aura_instance.src.id
}
data "aura_instances" "src" {
  name            = aura_instance.src.name
  read_graph_size = %t
}
`, list)
	}
	count := func(n int64) knownvalue.Check { return knownvalue.Int64Exact(n) }
	item := func(attr string) tfjsonpath.Path { return tfjsonpath.New("instances").AtSliceIndex(0).AtMapKey(attr) }
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             testAccCheckInstanceDestroy,
		Steps: []resource.TestStep{
			{
				Config: graphSizeSource,
				Check: func(s *terraform.State) error {
					putData(t, stateAttr(s, "aura_instance.src", "id"), graphData(5, 7))
					testEmulator.AdvanceClock(graphRefresh)
					return nil
				},
			},
			{
				Config: read(true),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.aura_instance.src", tfjsonpath.New("graph_nodes"), count(5)),
					statecheck.ExpectKnownValue("data.aura_instance.src", tfjsonpath.New("graph_relationships"), count(7)),
					statecheck.ExpectKnownValue("data.aura_instances.src", item("graph_nodes"), count(5)),
					statecheck.ExpectKnownValue("data.aura_instances.src", item("graph_relationships"), count(7)),
				},
			},
			{
				Config: read(false),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.aura_instances.src", item("id"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue("data.aura_instances.src", item("graph_nodes"), knownvalue.Null()),
					statecheck.ExpectKnownValue("data.aura_instances.src", item("graph_relationships"), knownvalue.Null()),
				},
			},
		},
	})
}

// The restore guide's check of a free clone works as the guide says: it fails while Aura has not counted the copy
// yet and passes once the refresh has passed. The guide waits with hashicorp/time; here the emulator's clock moves.
func TestAccGuide_freeCloneGraphCheck(t *testing.T) {
	needsEmulator(t)
	guide, err := os.ReadFile("../../templates/guides/backup-and-restore.md.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile("(?s)```terraform\n(resource \"aura_instance_from_snapshot\" \"sandbox\".*?)```").FindSubmatch(guide)
	if block == nil {
		t.Fatal("the guide has no free clone check")
	}
	check := regexp.MustCompile(`(?s)# The counts lag.*?\n}\n`).ReplaceAllString(string(block[1]), "")
	check = strings.ReplaceAll(check, `time_sleep.graph_refresh.triggers["clone"]`, "aura_instance_from_snapshot.sandbox.id")
	if strings.Contains(check, "time_sleep") || !strings.Contains(check, "self.graph_nodes > 0") {
		t.Fatalf("the guide's check did not come out as expected:\n%s", check)
	}
	source := strings.ReplaceAll(graphSizeSource, `"src"`, `"catalog"`) + `output "catalog" { value = aura_instance.catalog.id }` + "\n"
	w := newCLIWorkdir(t, source)
	t.Cleanup(func() { w.run("destroy") })
	w.must("apply")
	putData(t, w.output("catalog"), graphData(3, 2))

	w.write(source + check)
	out, code := w.run("apply")
	contains(t, "apply before Aura's refresh", out, []string{"holds no nodes"})
	if code == 0 {
		t.Fatal("the check passed before Aura counted the copy")
	}
	testEmulator.AdvanceClock(graphRefresh)
	w.quietPlan("once the refresh has passed")
}
