package emulator

import (
	"encoding/json"
	"time"
)

// graphSize is what a dataset says of its graph: the counts Aura reports for free-db, whose limits are counted
// in nodes and relationships. A dataset that is a JSON object gives them as its members graph_nodes and
// graph_relationships; any other dataset is an empty graph. Because the counts live in the dataset, snapshots,
// restore, clone, overwrite, export and upload carry them without knowing about them.
type graphSize struct {
	Nodes         int `json:"nodes"`
	Relationships int `json:"relationships"`
}

// graphChange is a change of the dataset's counts that Aura has not reported yet.
type graphChange struct {
	At   time.Time `json:"at"`
	Size graphSize `json:"size"`
}

// graphMembers reads the counts a dataset gives; ok is false when a member is there but no count.
func graphMembers(data json.RawMessage) (size graphSize, field string, ok bool) {
	var obj map[string]json.RawMessage
	if json.Unmarshal(data, &obj) != nil {
		return graphSize{}, "", true
	}
	for _, m := range []struct {
		name string
		dst  *int
	}{{"graph_nodes", &size.Nodes}, {"graph_relationships", &size.Relationships}} {
		raw, present := obj[m.name]
		if !present {
			continue
		}
		var n int
		if json.Unmarshal(raw, &n) != nil || n < 0 {
			return graphSize{}, m.name, false
		}
		*m.dst = n
	}
	return size, "", true
}

// graphOf is the counts of a dataset; a dataset uploaded with a malformed count is an empty graph.
func graphOf(data json.RawMessage) graphSize {
	size, _, _ := graphMembers(data)
	return size
}

// dataChanged records that the instance's dataset changed at the given time: Aura reports the new counts only
// after the refresh delay (Config.GraphRefresh), so the change waits in GraphPending until then.
func (e *Emulator) dataChanged(in *instance, at time.Time) {
	latest := in.Graph
	if n := len(in.GraphPending); n > 0 {
		latest = in.GraphPending[n-1].Size
	}
	if size := graphOf(in.Data); size != latest {
		in.GraphPending = append(in.GraphPending, graphChange{at, size})
	}
}

// graphDue is when the oldest unreported change is reported; zero when there is none.
func (in *instance) graphDue(delay time.Duration) time.Time {
	if len(in.GraphPending) == 0 {
		return time.Time{}
	}
	return in.GraphPending[0].At.Add(delay)
}

func (in *instance) reportGraph() {
	in.Graph, in.GraphPending = in.GraphPending[0].Size, in.GraphPending[1:]
	if len(in.GraphPending) == 0 {
		in.GraphPending = nil
	}
}
