// Package tilestest writes small PMTiles v3 archives for tests, from the
// format's description: tiles by z/x/y, run lengths for consecutive tiles
// of the same bytes, tiles of the same bytes stored once, and optionally
// leaf directories under the root and gzip-compressed directories.
package tilestest

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"slices"
	"testing"

	"github.com/sitrep/sitrep/internal/tiles"
)

// Archive describes an archive to write.
type Archive struct {
	// Tiles are the tiles' bytes by {z, x, y}, written as they are:
	// compress them first when TileCompression says gzip.
	Tiles               map[[3]uint32][]byte
	Type                tiles.Type
	TileCompression     tiles.Compression
	InternalCompression tiles.Compression
	// LeafSize, when set, puts the entries in leaf directories of that
	// many entries each, the root pointing at them.
	LeafSize         int
	Metadata         string
	MinZoom, MaxZoom uint8
}

// Entry is one directory entry as written: RunLength 0 marks a leaf.
type Entry struct {
	TileID, Offset    uint64
	Length, RunLength uint32
}

// Bytes writes the archive: header, root directory, metadata, leaf
// directories, tile data.
func (w Archive) Bytes(t testing.TB) []byte {
	t.Helper()
	ids := map[uint64][]byte{}
	for k, b := range w.Tiles {
		ids[tiles.TileID(uint8(k[0]), k[1], k[2])] = b
	}
	order := make([]uint64, 0, len(ids))
	for id := range ids {
		order = append(order, id)
	}
	slices.Sort(order)
	var data bytes.Buffer
	offsets := map[string]uint64{}
	var entries []Entry
	for _, id := range order {
		b := ids[id]
		if n := len(entries); n > 0 {
			last := &entries[n-1]
			if last.TileID+uint64(last.RunLength) == id && bytes.Equal(ids[last.TileID], b) {
				last.RunLength++
				continue
			}
		}
		off, ok := offsets[string(b)]
		if !ok {
			off = uint64(data.Len())
			offsets[string(b)] = off
			data.Write(b)
		}
		entries = append(entries, Entry{TileID: id, Offset: off, Length: uint32(len(b)), RunLength: 1})
	}
	root := entries
	var leaves bytes.Buffer
	if w.LeafSize > 0 {
		root = nil
		for chunk := range slices.Chunk(entries, w.LeafSize) {
			enc := w.compress(t, EncodeDirectory(chunk))
			root = append(root, Entry{TileID: chunk[0].TileID, Offset: uint64(leaves.Len()), Length: uint32(len(enc))})
			leaves.Write(enc)
		}
	}
	rootBytes := w.compress(t, EncodeDirectory(root))
	meta := w.compress(t, []byte(w.Metadata))

	const headerLen = 127
	h := make([]byte, headerLen)
	copy(h, "PMTiles")
	h[7] = 3
	put := func(i int, v uint64) { binary.LittleEndian.PutUint64(h[i:], v) }
	off := uint64(headerLen)
	put(8, off)
	put(16, uint64(len(rootBytes)))
	off += uint64(len(rootBytes))
	put(24, off)
	put(32, uint64(len(meta)))
	off += uint64(len(meta))
	put(40, off)
	put(48, uint64(leaves.Len()))
	off += uint64(leaves.Len())
	put(56, off)
	put(64, uint64(data.Len()))
	put(72, uint64(len(ids)))
	put(80, uint64(len(entries)))
	put(88, uint64(len(offsets)))
	h[96] = 1
	h[97] = byte(w.InternalCompression)
	h[98] = byte(w.TileCompression)
	h[99] = byte(w.Type)
	h[100], h[101] = w.MinZoom, w.MaxZoom
	deg := func(i int, v float64) { binary.LittleEndian.PutUint32(h[i:], uint32(int32(v*1e7))) }
	deg(102, -180)
	deg(106, -85)
	deg(110, 180)
	deg(114, 85)
	h[118] = w.MinZoom
	deg(119, 44)
	deg(123, 33.3)
	return slices.Concat(h, rootBytes, meta, leaves.Bytes(), data.Bytes())
}

func (w Archive) compress(t testing.TB, b []byte) []byte {
	if w.InternalCompression != tiles.CompressionGzip {
		return b
	}
	return Gzip(t, b)
}

// Gzip compresses b.
func Gzip(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// EncodeDirectory writes entries as the format has them: their number,
// then the columns of ids (each a delta from the last), run lengths,
// lengths and offsets (0 for "just after the previous entry's bytes",
// otherwise the offset plus one), all varints.
func EncodeDirectory(dir []Entry) []byte {
	var b []byte
	b = binary.AppendUvarint(b, uint64(len(dir)))
	var last uint64
	for _, e := range dir {
		b = binary.AppendUvarint(b, e.TileID-last)
		last = e.TileID
	}
	for _, e := range dir {
		b = binary.AppendUvarint(b, uint64(e.RunLength))
	}
	for _, e := range dir {
		b = binary.AppendUvarint(b, uint64(e.Length))
	}
	for i, e := range dir {
		if i > 0 && e.Offset == dir[i-1].Offset+uint64(dir[i-1].Length) {
			b = binary.AppendUvarint(b, 0)
			continue
		}
		b = binary.AppendUvarint(b, e.Offset+1)
	}
	return b
}

// Open reads the archive written from w.
func Open(t testing.TB, w Archive) *tiles.Archive {
	t.Helper()
	b := w.Bytes(t)
	a, err := tiles.New(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("reading the test archive: %v", err)
	}
	return a
}
