package emulator

import (
	"net/http"
	"sort"
	"time"
)

// handleListSnapshots answers one UTC day, today by default, as the real API does.
func (e *Emulator) handleListSnapshots(w http.ResponseWriter, r *http.Request) {
	in, err := e.findInstance(r.PathValue("id"))
	if err != nil {
		writeError(w, err)
		return
	}
	now := e.now()
	day := now.Truncate(24 * time.Hour)
	if q := r.URL.Query().Get("date"); q != "" {
		d, perr := time.Parse("2006-01-02", q)
		if perr != nil {
			writeError(w, errorf(400, "invalid-value", "date", "date must be a day in the form YYYY-MM-DD; got %q.", q))
			return
		}
		day = d
	}
	out := []snapshotView{}
	var list []*snapshot
	for _, s := range e.st.Snapshots {
		if s.InstanceID == in.ID && !s.Timestamp.Before(day) && s.Timestamp.Before(day.Add(24*time.Hour)) {
			list = append(list, s)
		}
	}
	sort.Slice(list, func(i, j int) bool {
		if !list[i].Timestamp.Equal(list[j].Timestamp) {
			return list[i].Timestamp.After(list[j].Timestamp)
		}
		return list[i].ID < list[j].ID
	})
	for _, s := range list {
		out = append(out, s.view(now))
	}
	writeData(w, 200, out)
}

func (e *Emulator) handleCreateSnapshot(w http.ResponseWriter, r *http.Request) {
	in, err := e.findInstance(r.PathValue("id"))
	if err != nil {
		writeError(w, err)
		return
	}
	if in.Status != "running" {
		writeError(w, busy(in, "be snapshotted"))
		return
	}
	s := e.newSnapshot(in, "AdHoc", kindFull, e.now())
	writeData(w, 202, map[string]string{"snapshot_id": s.ID})
}

func (e *Emulator) findSnapshot(r *http.Request) (*instance, *snapshot, *apiError) {
	in, err := e.findInstance(r.PathValue("id"))
	if err != nil {
		return nil, nil, err
	}
	s, ok := e.st.Snapshots[r.PathValue("snapshotId")]
	if !ok || s.InstanceID != in.ID {
		return nil, nil, errorf(404, "snapshot-not-found", "", "Snapshot %s of instance %s not found.", r.PathValue("snapshotId"), in.ID)
	}
	return in, s, nil
}

func (e *Emulator) handleGetSnapshot(w http.ResponseWriter, r *http.Request) {
	_, s, err := e.findSnapshot(r)
	if err != nil {
		writeError(w, err)
		return
	}
	writeData(w, 200, s.view(e.now()))
}

// handleRestore restores in place from any of the instance's own Completed snapshots still listed,
// differential ones included.
func (e *Emulator) handleRestore(w http.ResponseWriter, r *http.Request) {
	in, s, err := e.findSnapshot(r)
	if err != nil {
		writeError(w, err)
		return
	}
	if s.Status != "Completed" {
		writeError(w, errorf(400, "snapshot-not-completed", "", "Snapshot %s is %s; only Completed snapshots can be restored.", s.ID, s.Status))
		return
	}
	if in.Status != "running" {
		writeError(w, busy(in, "be restored"))
		return
	}
	e.begin(in, "restoring", "running", cloneRaw(s.Data))
	writeData(w, 202, in.view())
}
