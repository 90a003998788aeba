package geo

import (
	"encoding/binary"
	"unsafe"
)

// gridHeader is an encoded grid's first bytes: its zoom level and the
// lengths of its two arrays, 8 bytes each.
const gridHeader = 24

// Encoded returns the grid as one byte string, which GridIn reads back in
// place: grids kept outside the heap (in a mapped file) are then used
// without being copied into it. The layout is the running program's own,
// not a format to store or send.
func (g *Grid) Encoded() []byte {
	cells := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(g.cells))), len(g.cells)*int(unsafe.Sizeof(cell{})))
	pins := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(g.pins))), len(g.pins)*4)
	b := make([]byte, gridHeader, gridHeader+len(cells)+len(pins))
	binary.NativeEndian.PutUint64(b, uint64(g.zoom))
	binary.NativeEndian.PutUint64(b[8:], uint64(len(g.cells)))
	binary.NativeEndian.PutUint64(b[16:], uint64(len(g.pins)))
	return append(append(b, cells...), pins...)
}

// GridIn returns the grid Encoded wrote into b, its arrays read where they
// are: b must start at a multiple of 8 bytes and stay unchanged while the
// grid, and the clusters it gives, are read. ok is false when b is not
// such a grid.
func GridIn(b []byte) (g *Grid, ok bool) {
	if len(b) < gridHeader || uintptr(unsafe.Pointer(unsafe.SliceData(b)))%8 != 0 {
		return nil, false
	}
	zoom := binary.NativeEndian.Uint64(b)
	nCells, nPins := binary.NativeEndian.Uint64(b[8:]), binary.NativeEndian.Uint64(b[16:])
	cellBytes := nCells * uint64(unsafe.Sizeof(cell{}))
	if zoom > MaxZoom || nCells > uint64(len(b)) || nPins > uint64(len(b)) || uint64(len(b)) != gridHeader+cellBytes+4*nPins {
		return nil, false
	}
	g = &Grid{zoom: int(zoom)}
	if nCells > 0 {
		g.cells = unsafe.Slice((*cell)(unsafe.Pointer(&b[gridHeader])), nCells)
	}
	if nPins > 0 {
		g.pins = unsafe.Slice((*int32)(unsafe.Pointer(&b[gridHeader+cellBytes])), nPins)
	}
	return g, true
}
