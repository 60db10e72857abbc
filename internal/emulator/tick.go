package emulator

import (
	"encoding/json"
	"time"
)

// tick brings the world up to the clock: transitions end, snapshots complete, schedules fire, snapshots and
// download links expire. Events are processed in time order, so a schedule point sees the instance as it
// was then. Every request calls it first, so a clock advance takes effect at once.
func (e *Emulator) tick() {
	now := e.now()
	// Unfinished snapshots are on-demand ones and first scheduled ones (the periodic ones are born Completed).
	// Collect them once instead of scanning every snapshot at every event; the only one added while ticking
	// is a first snapshot, which its transition's event appends.
	var pending []*snapshot
	for _, s := range e.st.Snapshots {
		if s.Status == "InProgress" || s.Status == "Pending" {
			pending = append(pending, s)
		}
	}
	for {
		var at time.Time
		var fire func()
		consider := func(t time.Time, f func()) {
			if !t.IsZero() && !t.After(now) && (fire == nil || t.Before(at)) {
				at, fire = t, f
			}
		}
		for _, in := range e.st.Instances {
			if in.transitional() {
				consider(in.Until, func() {
					if s := e.endTransition(in); s != nil {
						pending = append(pending, s)
					}
				})
			}
			consider(in.NextSchedule, func() { e.runSchedule(in) })
			consider(in.graphDue(e.cfg.GraphRefresh), in.reportGraph)
		}
		for _, s := range pending {
			if s.Status == "Pending" {
				consider(s.StartsAt, func() { s.Status = "InProgress" })
			}
			if s.Status == "InProgress" || s.Status == "Pending" {
				consider(s.ReadyAt, func() { e.completeSnapshot(s) })
			}
		}
		for _, n := range e.st.Networks {
			if n.Status != "ready" {
				consider(n.Until, func() { n.Status, n.Until = "ready", time.Time{} })
			}
		}
		if fire == nil {
			break
		}
		fire()
	}
	for id, s := range e.st.Snapshots {
		if !now.Before(s.RestorableUntil) && s.Status == "Completed" {
			delete(e.st.Snapshots, id)
		}
	}
	for id, x := range e.st.Exports {
		if !now.Before(x.ExpiresAt) {
			delete(e.st.Exports, id)
		}
	}
}

// begin starts a transitional status that lasts the configured transition.
func (e *Emulator) begin(in *instance, status, next string, data *json.RawMessage) {
	in.Status, in.Next, in.Until, in.PendingData = status, next, e.now().Add(e.cfg.Transition), data
}

// endTransition returns the first scheduled snapshot when the transition made a new instance running.
func (e *Emulator) endTransition(in *instance) *snapshot {
	if in.Status == "destroying" {
		e.removeInstance(in.ID)
		return nil
	}
	at := in.Until
	in.Status, in.Next, in.Until = in.Next, "", time.Time{}
	if in.PendingData != nil {
		if in.Status == "running" {
			in.Data = *in.PendingData
			e.dataChanged(in, at)
		}
		in.PendingData = nil
	}
	if in.Status != "running" || !in.FirstSnapshotDue {
		return nil
	}
	in.FirstSnapshotDue = false
	return e.firstSnapshot(in, at)
}

// firstSnapshot is the scheduled full snapshot Aura takes as soon as a new instance runs (api/README.md B), so
// that it has a restorable and exportable copy before its first schedule point. It goes through Pending and
// InProgress, each half of the transition time.
func (e *Emulator) firstSnapshot(in *instance, at time.Time) *snapshot {
	s := e.newSnapshot(in, "Scheduled", kindFull, at)
	s.Status, s.StartsAt = "Pending", at.Add(e.cfg.Transition/2)
	return s
}

func (e *Emulator) removeInstance(id string) {
	delete(e.st.Instances, id)
	e.dropUploads(id)
	for sid, s := range e.st.Snapshots {
		if s.InstanceID == id {
			delete(e.st.Snapshots, sid)
		}
	}
}

// runSchedule takes the scheduled snapshot due at the instance's next schedule point if it is running then.
func (e *Emulator) runSchedule(in *instance) {
	t := in.NextSchedule
	kind, ok := scheduleAt(in.Type, in.Version, t)
	if restorable, _ := windows(in.Type, in.Version, "Scheduled", kind); ok && !t.Add(restorable).After(e.now()) {
		ok = false // it would have expired already: after a long clock advance, skip it rather than keep it
	}
	if ok && in.Status == "running" {
		s := e.newSnapshot(in, "Scheduled", kind, t)
		s.Status, s.Data = "Completed", cloneRaw(in.Data)
	}
	next, ok := nextScheduleAfter(in.Type, in.Version, t)
	if !ok {
		next = time.Time{}
	}
	in.NextSchedule = next
}

func (e *Emulator) newSnapshot(in *instance, profile string, kind snapshotKind, at time.Time) *snapshot {
	restorable, exportable := windows(in.Type, in.Version, profile, kind)
	s := &snapshot{
		ID: newUUID(), InstanceID: in.ID, Profile: profile, Status: "InProgress", Timestamp: at, Kind: kind,
		ReadyAt: at.Add(e.cfg.Transition), RestorableUntil: at.Add(restorable), ExportableUntil: at.Add(exportable),
	}
	if in.Type == "free-db" { // Free keeps only its latest snapshot.
		for id, old := range e.st.Snapshots {
			if old.InstanceID == in.ID {
				delete(e.st.Snapshots, id)
			}
		}
	}
	e.st.Snapshots[s.ID] = s
	return s
}

// completeSnapshot captures the dataset as it is when the snapshot completes.
func (e *Emulator) completeSnapshot(s *snapshot) {
	in, ok := e.st.Instances[s.InstanceID]
	if !ok {
		delete(e.st.Snapshots, s.ID)
		return
	}
	s.Status, s.Data = "Completed", cloneRaw(in.Data)
}

func cloneRaw(r json.RawMessage) json.RawMessage {
	if r == nil {
		return json.RawMessage("null")
	}
	return append(json.RawMessage(nil), r...)
}
