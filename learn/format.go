package learn

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
)

// File format of a saved network (all integers little-endian):
//
//	magic    8 bytes "FSCOPENN"
//	version  uint32 (formatVersion)
//	hlen     uint32, then hlen bytes of JSON: the network's Info
//	nw       uint64, then nw float32 weights
//	checksum 32 bytes: SHA-256 of everything before it
//
// Load verifies the checksum before it parses anything, then the magic,
// version, the header against the weights, and the expected key.
const (
	fileMagic     = "FSCOPENN"
	formatVersion = 1
	maxHeader     = 1 << 20
	maxFileSize   = 1 << 30
)

// Save writes the score network to w in the format above.
func (n *ScoreNet) Save(w io.Writer) error { return n.save(w) }

// Save writes the DF-TM network to w in the format above (without its score
// network, which is saved on its own).
func (n *TraceNet) Save(w io.Writer) error { return n.save(w) }

func (n *network) save(w io.Writer) error {
	hdr, err := json.Marshal(n.info)
	if err != nil {
		return fmt.Errorf("learn: save: %w", err)
	}
	var buf bytes.Buffer
	buf.WriteString(fileMagic)
	le := binary.LittleEndian
	buf.Write(le.AppendUint32(nil, formatVersion))
	buf.Write(le.AppendUint32(nil, uint32(len(hdr))))
	buf.Write(hdr)
	buf.Write(le.AppendUint64(nil, uint64(len(n.w32))))
	b := make([]byte, 4*len(n.w32))
	for i, v := range n.w32 {
		le.PutUint32(b[4*i:], math.Float32bits(v))
	}
	buf.Write(b)
	sum := sha256.Sum256(buf.Bytes())
	buf.Write(sum[:])
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("learn: save: %w", err)
	}
	return nil
}

// LoadScore reads a score network saved by Save. With wantKey non-empty it
// also refuses a network whose key differs (trained for something else).
// Errors are one line and name the problem: not a network file, unsupported
// version, corrupted (checksum), inconsistent header, wrong kind or key.
func LoadScore(r io.Reader, wantKey string) (*ScoreNet, error) {
	info, w, err := load(r, kindScore, wantKey)
	if err != nil {
		return nil, err
	}
	n := &ScoreNet{}
	if err := n.init(info, w); err != nil {
		return nil, fmt.Errorf("learn: load: inconsistent file: %w", err)
	}
	return n, nil
}

// LoadTrace reads a DF-TM network saved by Save, for the score network it
// was trained with (refused if score's key is not the one recorded), and
// with wantKey non-empty refuses another key.
func LoadTrace(r io.Reader, score *ScoreNet, wantKey string) (*TraceNet, error) {
	info, w, err := load(r, kindTrace, wantKey)
	if err != nil {
		return nil, err
	}
	if info.ScoreKey != score.info.Key {
		return nil, fmt.Errorf("learn: load: DF-TM network belongs to score network %s, not %s", info.ScoreKey, score.info.Key)
	}
	n := &TraceNet{score: score}
	if err := n.init(info, w); err != nil {
		return nil, fmt.Errorf("learn: load: inconsistent file: %w", err)
	}
	return n, nil
}

// load reads and verifies a network file of the given kind.
func load(r io.Reader, kind, wantKey string) (Info, []float32, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxFileSize+1))
	if err != nil {
		return Info{}, nil, fmt.Errorf("learn: load: %w", err)
	}
	info, w, err := decode(data)
	if err != nil {
		return Info{}, nil, fmt.Errorf("learn: load: %w", err)
	}
	if info.Kind != kind {
		return Info{}, nil, fmt.Errorf("learn: load: file holds a %s network, want %s", info.Kind, kind)
	}
	if wantKey != "" && info.Key != wantKey {
		return Info{}, nil, fmt.Errorf("learn: load: network key %s does not match %s (trained for other data, schedule or config)", info.Key, wantKey)
	}
	return info, w, nil
}

// decode parses a whole file.
func decode(data []byte) (Info, []float32, error) {
	var info Info
	le := binary.LittleEndian
	if len(data) > maxFileSize {
		return info, nil, errors.New("file too large")
	}
	switch {
	case len(data) == 0:
		return info, nil, errors.New("empty file")
	case !bytes.HasPrefix(data, []byte(fileMagic)) && !bytes.HasPrefix([]byte(fileMagic), data):
		return info, nil, errors.New("not a fisherscope network file (bad magic)")
	case len(data) < 16+8+sha256.Size:
		return info, nil, errors.New("file truncated")
	}
	if v := le.Uint32(data[8:]); v != formatVersion {
		return info, nil, fmt.Errorf("unsupported format version %d (want %d)", v, formatVersion)
	}
	body, sum := data[:len(data)-sha256.Size], data[len(data)-sha256.Size:]
	if got := sha256.Sum256(body); !bytes.Equal(got[:], sum) {
		return info, nil, errors.New("checksum mismatch (file corrupted or truncated)")
	}
	hlen := int(le.Uint32(data[12:]))
	if hlen > maxHeader || 16+hlen+8 > len(body) {
		return info, nil, fmt.Errorf("header length %d out of range", hlen)
	}
	dec := json.NewDecoder(bytes.NewReader(body[16 : 16+hlen]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&info); err != nil {
		return info, nil, fmt.Errorf("bad header: %w", err)
	}
	rest := body[16+hlen:]
	nw := le.Uint64(rest)
	rest = rest[8:]
	if nw != uint64(len(rest)/4) || len(rest)%4 != 0 || nw != uint64(info.Params) {
		return info, nil, fmt.Errorf("%d weight bytes for %d weights (header says %d)", len(rest), nw, info.Params)
	}
	w := make([]float32, nw)
	for i := range w {
		w[i] = math.Float32frombits(le.Uint32(rest[4*i:]))
		if !isFinite(float64(w[i])) {
			return info, nil, fmt.Errorf("weight %d is %g", i, w[i])
		}
	}
	return info, w, nil
}
