package export

import (
	"fmt"
	"sort"
)

// Shard says which runs of a sweep a document holds: `run --shard i/n`
// writes one, `fisherscope merge` joins them.
type Shard struct {
	Index int    `json:"index"` // this shard, 0-based
	Count int    `json:"count"` // shards in all
	Total int    `json:"total"` // runs of the whole sweep
	Runs  []int  `json:"runs"`  // the sweep index of each of Document.Runs
	Key   string `json:"key"`   // fingerprint of the preset and its parameters
}

// Merge joins shard documents into the document the unsplit run writes.
// The shards must come from the same preset and parameters (same key and
// count) and hold every run exactly once; each error is one line.
func Merge(docs []Document) (Document, error) {
	if len(docs) == 0 {
		return Document{}, fmt.Errorf("merge: no documents")
	}
	first := docs[0].Shard
	if first == nil {
		return Document{}, fmt.Errorf("merge: document 1 is not a shard (written without run --shard)")
	}
	byIndex := map[int]RunJSON{}
	seenShard := map[int]int{}
	for i, d := range docs {
		s := d.Shard
		switch {
		case s == nil:
			return Document{}, fmt.Errorf("merge: document %d is not a shard", i+1)
		case s.Count < 1 || s.Index < 0 || s.Index >= s.Count || s.Total < 0:
			return Document{}, fmt.Errorf("merge: document %d has an invalid shard %d/%d of %d runs", i+1, s.Index, s.Count, s.Total)
		case s.Key != first.Key || s.Count != first.Count || s.Total != first.Total || d.Preset != docs[0].Preset:
			return Document{}, fmt.Errorf("merge: document %d is from another preset or other parameters (preset %q, key %s; document 1: %q, %s)",
				i+1, d.Preset, s.Key, docs[0].Preset, first.Key)
		case len(s.Runs) != len(d.Runs):
			return Document{}, fmt.Errorf("merge: document %d lists %d run indices for %d runs", i+1, len(s.Runs), len(d.Runs))
		}
		if j, dup := seenShard[s.Index]; dup {
			return Document{}, fmt.Errorf("merge: documents %d and %d are both shard %d/%d", j+1, i+1, s.Index, s.Count)
		}
		seenShard[s.Index] = i
		for k, idx := range s.Runs {
			if _, dup := byIndex[idx]; dup || idx < 0 || idx >= s.Total {
				return Document{}, fmt.Errorf("merge: run %d appears twice or is out of range (document %d)", idx, i+1)
			}
			byIndex[idx] = d.Runs[k]
		}
	}
	var missing []int
	for s := 0; s < first.Count; s++ {
		if _, ok := seenShard[s]; !ok {
			missing = append(missing, s)
		}
	}
	if len(missing) > 0 || len(byIndex) != first.Total {
		return Document{}, fmt.Errorf("merge: shards %v of %d are missing (%d of %d runs present)", missing, first.Count, len(byIndex), first.Total)
	}
	out := Document{Preset: docs[0].Preset, Description: docs[0].Description, Sweep: docs[0].Sweep}
	idx := make([]int, 0, len(byIndex))
	for i := range byIndex {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	if first.Total == 1 {
		r := byIndex[0]
		r.Label, r.Values = "", nil
		out.RunJSON = &r
		return out, nil
	}
	for _, i := range idx {
		out.Runs = append(out.Runs, byIndex[i])
	}
	return out, nil
}
