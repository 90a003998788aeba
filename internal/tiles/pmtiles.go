// Package tiles reads a deployer's own map tiles from a PMTiles archive
// (version 3), so that sitrep serves them itself, from one file beside its
// database, without a tile server or another host.
//
// The archive is read with ReadAt on the open file: its header and root
// directory once, at Open; leaf directories when a tile asks for them,
// kept decoded in a bounded cache; each tile's bytes when asked for.
// Nothing else of the file is held in memory.
package tiles

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
)

// Type is what a tile holds.
type Type uint8

// The tile types of the format.
const (
	TypeUnknown Type = iota
	TypeMVT
	TypePNG
	TypeJPEG
	TypeWebP
	TypeAVIF
)

// ContentType is the media type a tile of this type is served as.
func (t Type) ContentType() string {
	switch t {
	case TypeMVT:
		return "application/vnd.mapbox-vector-tile"
	case TypePNG:
		return "image/png"
	case TypeJPEG:
		return "image/jpeg"
	case TypeWebP:
		return "image/webp"
	case TypeAVIF:
		return "image/avif"
	}
	return "application/octet-stream"
}

// Vector reports whether the tiles are vector tiles rather than images.
func (t Type) Vector() bool { return t == TypeMVT }

func (t Type) String() string {
	switch t {
	case TypeMVT:
		return "mvt"
	case TypePNG:
		return "png"
	case TypeJPEG:
		return "jpeg"
	case TypeWebP:
		return "webp"
	case TypeAVIF:
		return "avif"
	}
	return "unknown"
}

// Compression is how the archive's directories, metadata or tiles are
// compressed.
type Compression uint8

// The compressions of the format.
const (
	CompressionUnknown Compression = iota
	CompressionNone
	CompressionGzip
	CompressionBrotli
	CompressionZstd
)

func (c Compression) String() string {
	switch c {
	case CompressionNone:
		return "none"
	case CompressionGzip:
		return "gzip"
	case CompressionBrotli:
		return "brotli"
	case CompressionZstd:
		return "zstd"
	}
	return "unknown"
}

// Header is the archive's fixed 127-byte header.
type Header struct {
	RootOffset, RootLength         uint64
	MetadataOffset, MetadataLength uint64
	LeafOffset, LeafLength         uint64
	DataOffset, DataLength         uint64
	AddressedTiles, TileEntries    uint64
	TileContents                   uint64
	Clustered                      bool
	InternalCompression            Compression
	TileCompression                Compression
	TileType                       Type
	MinZoom, MaxZoom               uint8
	// Bounds are west, south, east, north in degrees.
	MinLon, MinLat, MaxLon, MaxLat float64
	CenterZoom                     uint8
	CenterLon, CenterLat           float64
}

const (
	headerLen = 127
	magic     = "PMTiles"
	// rootMax is where the format promises the root directory ends.
	rootMax = 16384
	// maxDepth bounds the walk from the root through leaf directories:
	// the format needs at most three levels; a loop in a bad file must
	// not spin.
	maxDepth = 4
	// maxDirectory bounds a directory's decompressed size, against a
	// small file that inflates without end.
	maxDirectory = 64 << 20
	// maxTile bounds one tile's bytes: a bad length must not allocate
	// gigabytes.
	maxTile = 16 << 20
	// maxMetadata bounds the metadata's JSON.
	maxMetadata = 16 << 20
)

// ErrFormat is wrapped by every error about what the file holds (as
// against failing to read it).
var ErrFormat = errors.New("not a readable PMTiles archive")

func formatErr(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrFormat}, args...)...)
}

// entry is one directory entry: a run of tiles with the same bytes, or,
// when run is 0, a leaf directory covering the IDs from id on.
type entry struct {
	id     uint64
	offset uint64
	length uint32
	run    uint32
}

// Metadata is what the archive says of itself, as far as sitrep uses it.
type Metadata struct {
	Name         string        `json:"name"`
	Description  string        `json:"description"`
	Attribution  string        `json:"attribution"`
	VectorLayers []VectorLayer `json:"vector_layers"`
}

// VectorLayer names one layer of vector tiles.
type VectorLayer struct {
	ID string `json:"id"`
}

// Archive is an open PMTiles archive.
type Archive struct {
	r      io.ReaderAt
	closer io.Closer
	header Header
	root   []entry
	meta   Metadata
	tag    string
	leaves *dirCache
}

// Open opens the archive at path and reads its header, root directory
// and metadata. Errors wrapping ErrFormat say what is wrong with the file.
func Open(path string) (*Archive, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if st.IsDir() {
		f.Close()
		return nil, formatErr("%s is a directory", path)
	}
	a, err := New(f, st.Size())
	if err != nil {
		f.Close()
		return nil, err
	}
	a.closer = f
	return a, nil
}

// New reads an archive of the given size from r.
func New(r io.ReaderAt, size int64) (*Archive, error) {
	head := make([]byte, headerLen)
	if size < headerLen {
		return nil, formatErr("%d bytes, shorter than a PMTiles header", size)
	}
	if _, err := r.ReadAt(head, 0); err != nil {
		return nil, err
	}
	h, err := parseHeader(head)
	if err != nil {
		return nil, err
	}
	for _, s := range []struct {
		name        string
		off, length uint64
	}{
		{"root directory", h.RootOffset, h.RootLength},
		{"metadata", h.MetadataOffset, h.MetadataLength},
		{"leaf directories", h.LeafOffset, h.LeafLength},
		{"tile data", h.DataOffset, h.DataLength},
	} {
		if s.off > uint64(size) || s.length > uint64(size)-s.off {
			return nil, formatErr("its %s lie past the end of the file (truncated?)", s.name)
		}
	}
	if h.RootLength > rootMax || h.RootOffset+h.RootLength > rootMax {
		// The format keeps the header and the root within the first
		// 16 KB so a reader fetches them at once; past it is not v3.
		return nil, formatErr("its root directory ends past the first 16 KB")
	}
	a := &Archive{r: r, header: h, leaves: newDirCache(dirCacheEntries)}
	raw := make([]byte, h.RootLength)
	if _, err := r.ReadAt(raw, int64(h.RootOffset)); err != nil {
		return nil, err
	}
	if a.root, err = a.decodeDirectory(raw); err != nil {
		return nil, fmt.Errorf("root directory: %w", err)
	}
	if h.MetadataLength > 0 {
		if h.MetadataLength > maxMetadata {
			return nil, formatErr("metadata of %d bytes", h.MetadataLength)
		}
		raw := make([]byte, h.MetadataLength)
		if _, err := r.ReadAt(raw, int64(h.MetadataOffset)); err != nil {
			return nil, err
		}
		js, err := decompress(raw, h.InternalCompression, maxMetadata)
		if err != nil {
			return nil, fmt.Errorf("metadata: %w", err)
		}
		// Some writers leave the metadata empty rather than "{}".
		if len(bytes.TrimSpace(js)) == 0 {
			js = []byte("{}")
		}
		if err := json.Unmarshal(js, &a.meta); err != nil {
			return nil, formatErr("metadata is not JSON: %v", err)
		}
	}
	// The tag names this archive's contents in ETags: the header holds
	// every section's place and size, the root every tile's first step;
	// a file built again differs in one of them.
	sum := sha256.New()
	sum.Write(head)
	sum.Write(raw)
	a.tag = hex.EncodeToString(sum.Sum(nil)[:8])
	return a, nil
}

func parseHeader(b []byte) (Header, error) {
	if string(b[:7]) != magic {
		if string(b[:2]) == "PM" && b[2] < 3 {
			// Versions 1 and 2 began with "PM" and a 16-bit version.
			return Header{}, formatErr("PMTiles version %d; sitrep reads version 3 (pmtiles convert makes one)", b[2])
		}
		return Header{}, formatErr("it does not begin with %q", magic)
	}
	if v := b[7]; v != 3 {
		return Header{}, formatErr("PMTiles version %d; sitrep reads version 3 (pmtiles convert makes one)", v)
	}
	u := func(i int) uint64 { return binary.LittleEndian.Uint64(b[i:]) }
	deg := func(i int) float64 { return float64(int32(binary.LittleEndian.Uint32(b[i:]))) / 1e7 }
	h := Header{
		RootOffset: u(8), RootLength: u(16),
		MetadataOffset: u(24), MetadataLength: u(32),
		LeafOffset: u(40), LeafLength: u(48),
		DataOffset: u(56), DataLength: u(64),
		AddressedTiles: u(72), TileEntries: u(80), TileContents: u(88),
		Clustered:           b[96] == 1,
		InternalCompression: Compression(b[97]),
		TileCompression:     Compression(b[98]),
		TileType:            Type(b[99]),
		MinZoom:             b[100], MaxZoom: b[101],
		MinLon: deg(102), MinLat: deg(106), MaxLon: deg(110), MaxLat: deg(114),
		CenterZoom: b[118], CenterLon: deg(119), CenterLat: deg(123),
	}
	switch h.InternalCompression {
	case CompressionNone, CompressionGzip:
	default:
		return Header{}, formatErr("its directories are compressed with %s; sitrep reads gzip or none (pmtiles convert writes gzip)", h.InternalCompression)
	}
	switch h.TileCompression {
	case CompressionNone, CompressionGzip:
	default:
		// A browser could take brotli or zstd as Content-Encoding, but
		// not every one does, and sitrep would have no way to unpack a
		// tile for one that does not.
		return Header{}, formatErr("its tiles are compressed with %s; sitrep serves tiles compressed with gzip or not at all", h.TileCompression)
	}
	switch h.TileType {
	case TypeMVT, TypePNG, TypeJPEG, TypeWebP, TypeAVIF:
	default:
		return Header{}, formatErr("its tile type is unknown (%d)", b[99])
	}
	if h.MinZoom > h.MaxZoom || h.MaxZoom > MaxZoom {
		return Header{}, formatErr("zoom levels %d to %d", h.MinZoom, h.MaxZoom)
	}
	return h, nil
}

// MaxZoom is the deepest zoom level a tile ID can name in 64 bits.
const MaxZoom = 31

// Header returns the archive's header.
func (a *Archive) Header() Header { return a.header }

// Metadata returns what the archive says of itself.
func (a *Archive) Metadata() Metadata { return a.meta }

// Tag is a short name of the archive's contents, for ETags.
func (a *Archive) Tag() string { return a.tag }

// Close closes the file the archive was opened from.
func (a *Archive) Close() error {
	if a.closer != nil {
		return a.closer.Close()
	}
	return nil
}

// Tile is one tile's bytes, as stored: compressed as the header's
// TileCompression says.
type Tile struct {
	Data []byte
	// Offset is where the bytes lie in the tile data: tiles with the same
	// bytes share it, so it names their contents within the archive.
	Offset uint64
}

// Tile returns the tile at z/x/y, and false when the archive has none
// there. Coordinates outside the zoom level's grid are the caller's to
// refuse; here they simply have no tile.
func (a *Archive) Tile(z uint8, x, y uint32) (Tile, bool, error) {
	if z < a.header.MinZoom || z > a.header.MaxZoom || uint64(x) >= 1<<z || uint64(y) >= 1<<z {
		return Tile{}, false, nil
	}
	id := TileID(z, x, y)
	dir := a.root
	for depth := 0; depth < maxDepth; depth++ {
		e, ok := find(dir, id)
		if !ok {
			return Tile{}, false, nil
		}
		if e.run > 0 {
			if e.length > maxTile || outside(e.offset, e.length, a.header.DataLength) {
				return Tile{}, false, formatErr("tile %d/%d/%d lies outside the tile data", z, x, y)
			}
			b := make([]byte, e.length)
			if _, err := a.r.ReadAt(b, int64(a.header.DataOffset+e.offset)); err != nil {
				return Tile{}, false, err
			}
			return Tile{Data: b, Offset: e.offset}, true, nil
		}
		var err error
		if dir, err = a.leaf(e.offset, e.length); err != nil {
			return Tile{}, false, err
		}
	}
	return Tile{}, false, formatErr("directories nested deeper than %d", maxDepth)
}

// find returns the entry that holds id: the last one starting at or
// before it, if its run reaches it (a leaf's entry reaches every ID up
// to the next entry's).
func find(dir []entry, id uint64) (entry, bool) {
	i := sort.Search(len(dir), func(i int) bool { return dir[i].id > id }) - 1
	if i < 0 {
		return entry{}, false
	}
	e := dir[i]
	if e.run == 0 || id-e.id < uint64(e.run) {
		return e, true
	}
	return entry{}, false
}

// leaf returns the leaf directory at offset within the leaf section,
// from the cache or read and decoded.
func (a *Archive) leaf(offset uint64, length uint32) ([]entry, error) {
	if dir, ok := a.leaves.get(offset); ok {
		return dir, nil
	}
	if outside(offset, length, a.header.LeafLength) {
		return nil, formatErr("a leaf directory lies outside its section")
	}
	raw := make([]byte, length)
	if _, err := a.r.ReadAt(raw, int64(a.header.LeafOffset+offset)); err != nil {
		return nil, err
	}
	dir, err := a.decodeDirectory(raw)
	if err != nil {
		return nil, fmt.Errorf("leaf directory at %d: %w", offset, err)
	}
	a.leaves.put(offset, dir)
	return dir, nil
}

// decodeDirectory unpacks a directory: its number of entries, then each
// column in turn as varints (ids as deltas from the previous id, run
// lengths, lengths, offsets, an offset of 0 meaning "just after the
// previous entry's bytes" and any other value the offset plus one).
func (a *Archive) decodeDirectory(raw []byte) ([]entry, error) {
	b, err := decompress(raw, a.header.InternalCompression, maxDirectory)
	if err != nil {
		return nil, err
	}
	r := bytes.NewReader(b)
	n, err := binary.ReadUvarint(r)
	if err != nil {
		return nil, formatErr("directory without a count")
	}
	// Each entry takes at least four bytes, one a column.
	if n > uint64(len(b))/4 {
		return nil, formatErr("directory claims %d entries in %d bytes", n, len(b))
	}
	dir := make([]entry, n)
	var id uint64
	for i := range dir {
		d, err := binary.ReadUvarint(r)
		if err != nil {
			return nil, formatErr("directory cut short in its ids")
		}
		id += d
		dir[i].id = id
	}
	for i := range dir {
		v, err := binary.ReadUvarint(r)
		if err != nil || v > 1<<32-1 {
			return nil, formatErr("directory cut short in its run lengths")
		}
		dir[i].run = uint32(v)
	}
	for i := range dir {
		v, err := binary.ReadUvarint(r)
		if err != nil || v > 1<<32-1 {
			return nil, formatErr("directory cut short in its lengths")
		}
		dir[i].length = uint32(v)
	}
	for i := range dir {
		v, err := binary.ReadUvarint(r)
		if err != nil {
			return nil, formatErr("directory cut short in its offsets")
		}
		switch {
		case v == 0 && i > 0:
			dir[i].offset = dir[i-1].offset + uint64(dir[i-1].length)
		case v == 0:
			return nil, formatErr("a directory's first offset refers to no previous entry")
		default:
			dir[i].offset = v - 1
		}
	}
	for i := 1; i < len(dir); i++ {
		if dir[i].id <= dir[i-1].id {
			// Only a delta of 0 could do this: ids must ascend for
			// the binary search.
			return nil, formatErr("directory ids do not ascend")
		}
	}
	return dir, nil
}

// outside reports whether length bytes at offset reach past a section
// of size bytes, written so that no sum can wrap: a corrupt archive may
// give any offset.
func outside(offset uint64, length uint32, size uint64) bool {
	return offset > size || uint64(length) > size-offset
}

// Inflated returns the tile's bytes unpacked from the archive's tile
// compression, at most maxInflatedTile of them: for a client that takes
// no gzip, from a file that may be corrupt.
func (a *Archive) Inflated(t Tile) ([]byte, error) {
	return decompress(t.Data, a.header.TileCompression, maxInflatedTile)
}

// maxInflatedTile bounds an unpacked tile: real ones are well under a
// megabyte.
const maxInflatedTile = 64 << 20

// decompress undoes the archive's internal compression, reading at most
// limit bytes.
func decompress(b []byte, c Compression, limit int64) ([]byte, error) {
	switch c {
	case CompressionNone:
		return b, nil
	case CompressionGzip:
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, formatErr("gzip: %v", err)
		}
		out, err := io.ReadAll(io.LimitReader(zr, limit+1))
		if err != nil {
			return nil, formatErr("gzip: %v", err)
		}
		if int64(len(out)) > limit {
			return nil, formatErr("a directory, metadata or tile unpacks past %d bytes", limit)
		}
		return out, nil
	}
	return nil, formatErr("compression %s", c)
}

// TileID is a tile's place in the archive's order: the tiles of every
// lower zoom level first, then the tile's position along the Hilbert
// curve through its zoom level's grid.
func TileID(z uint8, x, y uint32) uint64 {
	base := (uint64(1)<<(2*uint(z)) - 1) / 3
	n := uint64(1) << z
	tx, ty := uint64(x), uint64(y)
	var d uint64
	for s := n / 2; s > 0; s /= 2 {
		var rx, ry uint64
		if tx&s != 0 {
			rx = 1
		}
		if ty&s != 0 {
			ry = 1
		}
		d += s * s * ((3 * rx) ^ ry)
		// Turn the quadrant so the curve inside it starts where the
		// one around it entered.
		if ry == 0 {
			if rx == 1 {
				tx, ty = n-1-tx, n-1-ty
			}
			tx, ty = ty, tx
		}
	}
	return base + d
}
