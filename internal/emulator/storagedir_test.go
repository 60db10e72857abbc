package emulator

import (
	"os"
	"testing"
)

// Without a state file or a storage directory, uploads go to a temporary directory that Close removes.
func TestStorage_temporaryDirectoryRemovedAtClose(t *testing.T) {
	h := start(t)
	tg := h.createTarget("gcp")
	h.must(200, h.uploadGCP(tg, exportBytes(t, "professional-db", "5", "x", 0)))
	dir := h.e.storageDir
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("storage directory %s: %v", dir, err)
	}
	h.e.Close()
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("storage directory %s left after Close: %v", dir, err)
	}
}
