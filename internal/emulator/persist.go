package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

const seedTenantID = "6c0a8e2a-4b8f-4f4e-9a61-0f3d2c1b5e77"

func (e *Emulator) loadOrSeed() error {
	if e.cfg.StateFile != "" {
		raw, err := os.ReadFile(e.cfg.StateFile)
		switch {
		case err == nil:
			st := &state{}
			if err := json.Unmarshal(raw, st); err != nil {
				return fmt.Errorf("state file %s is not valid: %w", e.cfg.StateFile, err)
			}
			st.fill()
			e.st = st
			for id := range st.Tenants {
				if e.tenant == "" || id == seedTenantID {
					e.tenant = id
				}
			}
			e.saved = raw
			return nil
		case !errors.Is(err, fs.ErrNotExist):
			return err
		}
	}
	e.st = &state{}
	e.st.fill()
	e.tenant = seedTenantID
	e.st.Tenants[seedTenantID] = &tenant{ID: seedTenantID, Name: "Emulated tenant", Configurations: seedConfigurations(e.cfg.SmallCatalogue)}
	created := time.Now().UTC().Truncate(time.Second)
	for i, r := range []struct{ cloud, region string }{{"gcp", "europe-west1"}, {"aws", "us-east-1"}, {"azure", "uksouth"}} {
		id := fmt.Sprintf("0b6c1f3e-7d2a-4c5b-9e8f-00000000000%d", i+1)
		e.st.Keys[id] = &customerKey{
			ID: id, Name: "key-" + r.cloud, TenantID: seedTenantID, Status: "ready", CloudProvider: r.cloud,
			KeyID: "emulated-key-" + r.cloud, Region: r.region, Type: "enterprise-db", Created: created,
		}
	}
	e.persist()
	return nil
}

func (s *state) fill() {
	if s.Tenants == nil {
		s.Tenants = map[string]*tenant{}
	}
	if s.Keys == nil {
		s.Keys = map[string]*customerKey{}
	}
	if s.Instances == nil {
		s.Instances = map[string]*instance{}
	}
	if s.Snapshots == nil {
		s.Snapshots = map[string]*snapshot{}
	}
	if s.Networks == nil {
		s.Networks = map[string]*networkAccess{}
	}
	if s.Tokens == nil {
		s.Tokens = map[string]time.Time{}
	}
	if s.Exports == nil {
		s.Exports = map[string]*export{}
	}
	if s.ConsoleTokens == nil {
		s.ConsoleTokens = map[string]*consoleToken{}
	}
	if s.Uploads == nil {
		s.Uploads = map[string]*upload{}
	}
}

// persist writes the state file when the state changed since the last write. Callers hold e.mu.
func (e *Emulator) persist() {
	if e.cfg.StateFile == "" {
		return
	}
	raw, err := json.Marshal(e.st)
	if err != nil || bytes.Equal(raw, e.saved) {
		return
	}
	if err := writeFileAtomic(e.cfg.StateFile, raw); err != nil {
		fmt.Fprintf(os.Stderr, "aura-emulator: writing state file: %v\n", err)
		return
	}
	e.saved = raw
}

// writeFileAtomic leaves either the old or the new content at path, whatever moment the process dies:
// the bytes go to a synced temporary file in the same directory, which then replaces path by rename.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() { _ = os.Remove(tmp.Name()) }() // gone after the rename; removes a failed attempt
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}
