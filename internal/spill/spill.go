// Package spill keeps byte strings a process reads often in files it maps
// rather than in its own memory. Pages of a mapped file are the kernel's
// page cache: they stay in memory while there is room and are read again
// from disk when there is not, and they count neither against Go's memory
// limit nor in the process's anonymous memory. Large aggregates kept for
// speed (a common word's set of matches, a key's series of days) can live
// there, leaving the heap to what must be there.
//
// A Store hands out space from segments, files of a fixed size, one after
// another, and never reuses space within one: what is written stays as
// written until its segment is closed. A segment is closed once every
// string in it has been freed and every view of it released, so a reader
// holding a View never sees its bytes change or vanish.
package spill

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// Store keeps byte strings in mapped segments. Its methods are safe for
// concurrent use.
type Store struct {
	dir      string
	segBytes int
	maxSegs  int

	mu   sync.Mutex
	cur  *segment
	segs map[*segment]bool // segments not yet closed
	live int               // bytes written and not freed, all segments
	shut bool
}

// A segment is one mapped file. Only the Store's current segment is
// written to; the others wait for their strings to be freed.
type segment struct {
	m    mapping
	used int // bytes handed out
	live int // bytes handed out and not freed
	refs int // views not released
	done bool
	// empty marks a segment no longer written to whose strings the
	// owner's next moves take out (plan).
	empty bool
}

// Ref names a string kept in a Store. The zero Ref names nothing.
type Ref struct {
	seg    *segment
	off, n int
}

// Len is the string's length in bytes.
func (r Ref) Len() int { return r.n }

// Open makes a store whose segments are files of segBytes in dir, at most
// maxSegs of them at once (one more while strings are moved, see Copy),
// made as they are needed. The files are removed as soon as they are
// made: nothing is left behind, whatever way the process ends.
func Open(dir string, segBytes, maxSegs int) (*Store, error) {
	if segBytes <= 0 || maxSegs <= 0 {
		return nil, errors.New("spill: segment size and count must be positive")
	}
	// A folder that cannot hold a file is found now, not on the first
	// write, so that the caller can keep its strings elsewhere.
	probe, err := os.CreateTemp(dir, ".sitrep-spill-*")
	if err != nil {
		return nil, fmt.Errorf("spill: %w", err)
	}
	probe.Close()
	if err := os.Remove(probe.Name()); err != nil {
		return nil, fmt.Errorf("spill: %w", err)
	}
	return &Store{dir: dir, segBytes: segBytes, maxSegs: maxSegs, segs: map[*segment]bool{}}, nil
}

func (s *Store) newSegment() (*segment, error) {
	m, err := newMapping(s.dir, s.segBytes)
	if err != nil {
		return nil, fmt.Errorf("spill: %w", err)
	}
	return &segment{m: m}, nil
}

// align keeps every string at an offset a multiple of 8, so that one read
// as a slice of words (or a roaring bitmap's containers) is aligned.
const align = 8

// Put copies b into the store and returns its Ref. ok is false when b is
// larger than a segment, the store holds its most segments and has no
// room, or the file could not be written: the caller keeps b itself.
func (s *Store) Put(b []byte) (Ref, bool) {
	if s == nil {
		return Ref{}, false
	}
	return s.put(b, s.maxSegs)
}

// put is Put within most segments.
func (s *Store) put(b []byte, most int) (Ref, bool) {
	r, ok := s.reserve(len(b), most)
	if !ok {
		return Ref{}, false
	}
	// Written outside the lock: no view of r can be taken before Put
	// returns it, and views of other strings need not wait.
	if err := r.seg.m.write(r.off, b); err != nil {
		s.Free(r)
		return Ref{}, false
	}
	return r, true
}

// reserve hands out n bytes of the current segment, or of a new one when
// it is full and fewer than most are open.
func (s *Store) reserve(n, most int) (Ref, bool) {
	if s == nil || n == 0 || n > s.segBytes {
		return Ref{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shut {
		return Ref{}, false
	}
	if s.cur == nil || s.cur.used+n > s.segBytes {
		if len(s.segs) >= most {
			return Ref{}, false
		}
		seg, err := s.newSegment()
		if err != nil {
			return Ref{}, false
		}
		if old := s.cur; old != nil {
			old.done = true
			s.closeIfIdle(old)
		}
		s.cur, s.segs[seg] = seg, true
	}
	seg := s.cur
	off := seg.used
	seg.used = min(off+(n+align-1)/align*align, s.segBytes)
	seg.live += n
	s.live += n
	return Ref{seg: seg, off: off, n: n}, true
}

// Free gives r's space up. Its bytes stay readable through views already
// taken; once every string of its segment is freed and every view
// released, the segment is closed. Freeing the zero Ref does nothing;
// freeing a Ref twice is a mistake the Store does not detect.
func (s *Store) Free(r Ref) {
	if s == nil || r.seg == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r.seg.live -= r.n
	s.live -= r.n
	s.closeIfIdle(r.seg)
}

// View is a string's bytes, readable until Release.
type View struct {
	Bytes []byte
	seg   *segment
	s     *Store
}

// View returns r's bytes. ok is false for the zero Ref, or when r's
// segment has been closed (r was freed and its segment emptied).
func (s *Store) View(r Ref) (View, bool) {
	if s == nil || r.seg == nil {
		return View{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.seg.m.closed() {
		return View{}, false
	}
	r.seg.refs++
	return View{Bytes: r.seg.m.bytes()[r.off : r.off+r.n : r.off+r.n], seg: r.seg, s: s}, true
}

// Release ends the view: its bytes must not be read after. Releasing the
// zero View does nothing.
func (v View) Release() {
	if v.seg == nil {
		return
	}
	v.s.mu.Lock()
	defer v.s.mu.Unlock()
	v.seg.refs--
	v.s.closeIfIdle(v.seg)
}

// closeIfIdle closes seg when nothing more will be read from or written
// to it. s.mu is held.
func (s *Store) closeIfIdle(seg *segment) {
	if !seg.done || seg.live > 0 && !s.shut || seg.refs > 0 || seg.m.closed() {
		return
	}
	seg.m.close()
	delete(s.segs, seg)
}

// Emptying reports whether r is in a segment no longer written to that
// the last plan chose to empty: its owner moves r (Move), and once all it
// kept has moved the segment closes.
func (s *Store) Emptying(r Ref) bool {
	if s == nil || r.seg == nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return r.seg.done && r.seg.empty && !r.seg.m.closed()
}

// plan chooses the segments the owner's next moves empty: those keeping
// least first, under emptyShare of each kept, as many as what they keep
// fits in the room left to move it to (the segment being written and
// those that may still be opened, one more than Put may: see Copy).
// Whole segments, the least kept first: moves spread over every segment
// somewhat freed filled the room they had and emptied none, and a cache
// pushing values out at random leaves every segment about as kept as the
// rest.
func (s *Store) plan() {
	s.mu.Lock()
	defer s.mu.Unlock()
	var done []*segment
	for seg := range s.segs {
		seg.empty = false
		if seg.done && !seg.m.closed() {
			done = append(done, seg)
		}
	}
	slices.SortFunc(done, func(a, b *segment) int { return cmp.Compare(a.live, b.live) })
	room := (s.maxSegs + 1 - len(s.segs)) * s.segBytes
	if s.cur != nil {
		room += s.segBytes - s.cur.used
	}
	for _, seg := range done {
		// Each string is rounded up to align as it moves.
		need := seg.live + seg.live/4
		if float64(seg.live) >= emptyShare*float64(s.segBytes) || need > room {
			break
		}
		seg.empty = true
		room -= need
	}
}

// emptyShare is the most of a segment still kept for it to be emptied:
// moving more costs as much copying as it frees.
const emptyShare = 0.75

// Copy puts r's bytes in the store again, in the segment being written:
// how Move takes a string out of a segment being emptied. r stays kept until
// it is freed. ok is false when r can no longer be read or there is no
// room. A copy may open one segment more than Put may: a store Put has
// filled must still be able to move what is left in the segments it empties,
// or, with no room for new values, its owner would push none of the old
// out, and it would stay full.
func (s *Store) Copy(r Ref) (Ref, bool) {
	v, ok := s.View(r)
	if !ok {
		return Ref{}, false
	}
	defer v.Release()
	return s.put(v.Bytes, s.maxSegs+1)
}

// Move moves r out of a segment being emptied (see Emptying): it copies
// r's bytes and offers the copy to install, which puts it in the owner's
// place of r unless that place changed meanwhile (r replaced or let go),
// and reports whether it did. The old string is the owner's to free, as
// it frees any it replaces; a copy not installed is freed here. r outside
// such a segment, or a copy with no room, leaves everything as it was.
func (s *Store) Move(r Ref, install func(copied Ref) bool) {
	if !s.Emptying(r) {
		return
	}
	copied, ok := s.Copy(r)
	if !ok {
		return
	}
	if !install(copied) {
		s.Free(copied)
	}
}

// crowded reports whether the store holds more than half its most
// segments: time its owners emptied some.
func (s *Store) crowded() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.segs)*2 > s.maxSegs
}

// Tidier plans which segments to empty and runs an owner's moves out of
// them when its store is crowded (at most once every tidyEvery) or has
// just refused a string (refusedEvery): on a goroutine of its own, one
// at a time. Strings replaced as they are written leave a few old ones
// kept in each segment; without moving them, every segment would stay
// open and the store would soon refuse more.
type Tidier struct {
	running atomic.Bool
	last    atomic.Int64
}

// tidyEvery is how often an owner moves its strings at most.
const tidyEvery = 10 * time.Second

// Maybe runs move, on a goroutine of its own, if s is crowded, no move
// runs and none ran in the last tidyEvery.
func (t *Tidier) Maybe(s *Store, move func()) {
	if s == nil || !s.crowded() || time.Now().UnixNano()-t.last.Load() < int64(tidyEvery) {
		return
	}
	t.run(s, move)
}

// Refused runs move, on a goroutine of its own, unless one runs or ran
// in the last refusedEvery: for an owner whose string s has just refused.
// A full store takes nothing new, so its owner pushes nothing old out, and
// only moves free its segments; waiting tidyEvery between them, a cache
// of values asked for by the hundred a second kept almost none of them.
func (t *Tidier) Refused(s *Store, move func()) {
	if s == nil || time.Now().UnixNano()-t.last.Load() < int64(refusedEvery) {
		return
	}
	t.run(s, move)
}

// refusedEvery spaces the moves of a store that stays full, its segments
// all kept more than a tidying empties.
const refusedEvery = time.Second

func (t *Tidier) run(s *Store, move func()) {
	if !t.running.CompareAndSwap(false, true) {
		return
	}
	t.last.Store(time.Now().UnixNano())
	go func() {
		defer t.running.Store(false)
		s.plan()
		move()
	}()
}

// Stats says what the store holds: bytes kept and not freed, and segments
// open (each segBytes of file, of which the kernel keeps in memory only
// what is read).
func (s *Store) Stats() (live, segments int) {
	if s == nil {
		return 0, 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.live, len(s.segs)
}

// Close closes every segment not viewed and stops the store taking more;
// a segment still viewed closes as its last view is released.
func (s *Store) Close() error {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.shut = true
	for seg := range s.segs {
		seg.done = true
		s.closeIfIdle(seg)
	}
	return nil
}

// mapping is a segment's storage.
type mapping interface {
	write(off int, b []byte) error
	bytes() []byte
	closed() bool
	close()
}

// Raw returns s's memory as bytes, to Put a slice without encoding it. T
// must hold no pointers (numbers, bools, and arrays and structs of them):
// the collector does not look into a store, so a pointer kept there would
// not keep what it points to alive.
func Raw[T any](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*int(unsafe.Sizeof(s[0])))
}

// As reads b as the elements Raw wrote, in place: b must be aligned for T
// (a View of a string Put is aligned to 8 bytes) and stay readable while
// they are read.
func As[T any](b []byte) []T {
	var zero T
	size := int(unsafe.Sizeof(zero))
	if len(b) < size || size == 0 {
		return nil
	}
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/size)
}
