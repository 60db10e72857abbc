package provider

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// A guide's HCL block and what the comment right before it says about validating it. The rule, for whoever
// edits a guide: a block is validated alone (with the provider's required_providers), unless the HTML comment
// right before it says otherwise:
//
//	<!-- with previous -->           validated together with the block before it (and what that one was with)
//	<!-- with: HCL -->               validated together with the HCL in the comment (what the block refers to)
//	<!-- validated as PATH -->       the block is the file PATH under examples/, validated with its directory
//	<!-- not validated: REASON -->   not validated, for the reason given (a provider the tests cannot download)
type guideBlock struct {
	hcl, marker, arg string
}

var guideBlockRE = regexp.MustCompile("(?s)(?:<!-- (with previous|with:|validated as|not validated:)(.*?)-->\\s*)?```(?:terraform|hcl)\\n(.*?)```")

// guideBlocks are the HCL blocks of a generated guide, in order.
func guideBlocks(t *testing.T, path string) []guideBlock {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []guideBlock
	for _, m := range guideBlockRE.FindAllStringSubmatch(string(raw), -1) {
		out = append(out, guideBlock{hcl: m[3], marker: m[1], arg: strings.TrimSpace(m[2])})
	}
	return out
}

// testFuncs are the names of the test functions of this package.
func testFuncs(t *testing.T) map[string]bool {
	t.Helper()
	files, _ := filepath.Glob("*_test.go")
	names := map[string]bool{}
	re := regexp.MustCompile(`(?m)^func (Test\w+)\(t \*testing\.T\)`)
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(raw), -1) {
			names[m[1]] = true
		}
	}
	return names
}

// The behaviour tables of these guides say what the provider does; each row names the test that shows it.
var behaviourGuides = []string{"acts-run-only-by-intent.md", "drift-detection-in-ci.md", "recovery-posture-checks.md"}

// Every test a guide names exists in this package, and every row of a behaviour table names one.
func TestGuides_behaviourRowsNameTestsThatExist(t *testing.T) {
	exists := testFuncs(t)
	guides, _ := filepath.Glob("../../docs/guides/*.md")
	named := regexp.MustCompile("`(Test\\w+)`")
	for _, g := range guides {
		raw, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range named.FindAllStringSubmatch(string(raw), -1) {
			if !exists[m[1]] {
				t.Errorf("%s names %s, which is no test of internal/provider", filepath.Base(g), m[1])
			}
		}
	}
	rows := 0
	for _, name := range behaviourGuides {
		raw, err := os.ReadFile("../../docs/guides/" + name)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(raw), "\n")
		for i, line := range lines {
			// a table's body: rows after its |---| line
			if !strings.HasPrefix(line, "|") || strings.HasPrefix(line, "|---") || i == 0 || !isTableBody(lines, i) {
				continue
			}
			rows++
			if !named.MatchString(line) {
				t.Errorf("%s: a behaviour row names no test: %s", name, line)
			}
		}
	}
	if rows < 20 {
		t.Errorf("found %d behaviour rows in %v; the tables moved?", rows, behaviourGuides)
	}
}

// isTableBody tells a table row below its |---| separator.
func isTableBody(lines []string, i int) bool {
	for j := i - 1; j >= 0 && strings.HasPrefix(lines[j], "|"); j-- {
		if strings.HasPrefix(lines[j], "|---") {
			return true
		}
	}
	return false
}

// Every HCL block of the guides passes terraform validate with this provider, as its marker says (see
// guideBlock), so an edit that breaks a snippet fails the tests.
func TestGuides_everyHCLBlockValidates(t *testing.T) {
	needsAcc(t)
	t.Parallel()
	guides, _ := filepath.Glob("../../docs/guides/*.md")
	total, validated := 0, 0
	for _, g := range guides {
		blocks := guideBlocks(t, g)
		if len(blocks) == 0 {
			continue
		}
		w := newCLIWorkdir(t, "")
		prev := ""
		for i, b := range blocks {
			total++
			where := fmt.Sprintf("%s block %d", filepath.Base(g), i+1)
			config := b.hcl
			switch b.marker {
			case "not validated:":
				if b.arg == "" {
					t.Errorf("%s: not validated, with no reason given", where)
				}
				prev = config
				continue
			case "validated as":
				raw, err := os.ReadFile("../../" + b.arg)
				if err != nil || strings.TrimSpace(string(raw)) != strings.TrimSpace(b.hcl) {
					t.Errorf("%s: says it is %s, but differs from it (%v)", where, b.arg, err)
				}
				prev = config
				continue
			case "with previous":
				config = prev + "\n" + config
			case "with:":
				config = b.arg + "\n" + config
			}
			w.write(config)
			if out, code := w.run("validate"); code != 0 {
				t.Errorf("%s does not validate:\n%s\n%s", where, config, out)
			}
			validated++
			prev = config
		}
	}
	t.Logf("%d HCL blocks in the guides, %d validated by terraform validate", total, validated)
}

// Every example passes terraform validate: a directory of examples/ with .tf files is one configuration (the
// provider, the demo, a data source, the drill module with its tests/), except a resource's folder, where
// resource.tf goes with its import block (import-by-string-id.tf) and any other file (an alternative example)
// stands alone, and the folder as a whole (all its .tf files) is also one configuration: a user who copies the
// folder, or runs terraform in it, gets a valid one (no alternative example declares what resource.tf does).
// TestAccExamples also applies the resource and data source examples.
func TestExamples_everyExampleValidates(t *testing.T) {
	needsAcc(t)
	t.Parallel()
	var units [][]string
	names := map[int]string{} // a unit's subtest name, where its last file does not name it
	seen := map[string]bool{}
	_ = filepath.WalkDir("../../examples", func(path string, d os.DirEntry, err error) error {
		dir := filepath.Dir(path)
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".tf") || seen[dir] || filepath.Base(dir) == "tests" {
			return nil
		}
		seen[dir] = true
		files, _ := filepath.Glob(filepath.Join(dir, "*.tf"))
		if _, err := os.Stat(filepath.Join(dir, "resource.tf")); err != nil {
			tests, _ := filepath.Glob(filepath.Join(dir, "tests", "*.tftest.hcl"))
			units = append(units, append(files, tests...))
			return nil
		}
		main := []string{filepath.Join(dir, "resource.tf")}
		for _, f := range files {
			switch filepath.Base(f) {
			case "resource.tf":
			case "import-by-string-id.tf":
				main = append(main, f)
			default:
				units = append(units, []string{f})
			}
		}
		units = append(units, main)
		if len(main) < len(files) { // alternative examples: the folder as a whole, too
			names[len(units)] = filepath.Join(strings.TrimPrefix(dir, "../../examples/"), "*.tf")
			units = append(units, files)
		}
		return nil
	})
	if len(units) < 16 {
		t.Fatalf("found only %d examples", len(units))
	}
	for i, files := range units {
		name, ok := names[i]
		if !ok {
			name = strings.TrimPrefix(files[len(files)-1], "../../examples/")
		}
		t.Run(name, func(t *testing.T) {
			w := newCLIWorkdir(t, "")
			if err := os.Remove(filepath.Join(w.dir, "main.tf")); err != nil { // the examples' own files only
				t.Fatal(err)
			}
			own := false
			dir := filepath.Dir(files[0])
			for _, f := range files {
				raw, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				own = own || strings.Contains(string(raw), "required_providers")
				rel, _ := filepath.Rel(dir, f)
				if err := os.MkdirAll(filepath.Join(w.dir, filepath.Dir(rel)), 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(w.dir, rel), raw, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if !own { // examples that do not say where the provider comes from get the registry address
				if err := os.WriteFile(filepath.Join(w.dir, "required_providers.tf"), []byte(cliProviderBlock), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			w.must("init")
			if out, code := w.run("validate"); code != 0 {
				t.Errorf("%v does not validate:\n%s", files, out)
			}
		})
	}
}

// The drift guide's script, as a CI runner runs it (bash -e, the default of GitHub Actions), with a terraform
// that exits as plan -detailed-exitcode would: each exit code prints its message and the script's own exit code
// follows (0 only for no drift).
func TestDriftGuideScript_printsItsMessageUnderBashE(t *testing.T) {
	raw, err := os.ReadFile("../../docs/guides/drift-detection-in-ci.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)```shell\\n(.*?)```").FindStringSubmatch(string(raw))
	if m == nil || !strings.Contains(m[1], "terraform plan -detailed-exitcode") {
		t.Fatal("the drift guide's first shell block is no longer the plan script")
	}
	bin := t.TempDir()
	if err := os.WriteFile(filepath.Join(bin, "terraform"), []byte("#!/bin/sh\nexit $PLAN_EXIT\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		plan, want int
		message    string
	}{{0, 0, "no drift"}, {2, 1, "drift or pending changes"}, {1, 1, "plan failed"}} {
		cmd := exec.Command("bash", "-e", "-c", m[1])
		cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), fmt.Sprintf("PLAN_EXIT=%d", c.plan))
		out, err := cmd.CombinedOutput()
		code := 0
		if exit, ok := err.(*exec.ExitError); ok {
			code = exit.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != c.want || strings.TrimSpace(string(out)) != c.message {
			t.Errorf("plan exiting %d under bash -e: the script exited %d printing %q, want %d printing %q", c.plan, code, out, c.want, c.message)
		}
	}
}
