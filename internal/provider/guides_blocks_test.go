package provider

import (
	"os"
	"regexp"
	"testing"
)

// A guide's HCL block: its text, and whether a `<!-- fragment -->` comment right before it says that it is part
// of a configuration (a nested block, or one that refers to objects the guide declares elsewhere).
type guideBlock struct {
	hcl      string
	fragment bool
}

var guideBlockRE = regexp.MustCompile("(?s)(<!-- fragment -->\\s*)?```(?:terraform|hcl)\\n(.*?)```")

// guideBlocks are the HCL blocks of a generated guide, in order.
func guideBlocks(t *testing.T, path string) []guideBlock {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []guideBlock
	for _, m := range guideBlockRE.FindAllStringSubmatch(string(raw), -1) {
		out = append(out, guideBlock{hcl: m[2], fragment: m[1] != ""})
	}
	return out
}
