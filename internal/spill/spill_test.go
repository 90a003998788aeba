package spill_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/spill"
)

func open(t *testing.T, segBytes, maxSegs int) *spill.Store {
	t.Helper()
	s, err := spill.Open(t.TempDir(), segBytes, maxSegs)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func read(t *testing.T, s *spill.Store, r spill.Ref) []byte {
	t.Helper()
	v, ok := s.View(r)
	if !ok {
		t.Fatalf("no view of a string kept")
	}
	defer v.Release()
	return bytes.Clone(v.Bytes)
}

func TestPutKeepsWhatWasWritten(t *testing.T) {
	s := open(t, 1<<16, 4)
	var refs []spill.Ref
	var want [][]byte
	for i := range 100 {
		b := bytes.Repeat([]byte{byte(i)}, 1+i*37)
		r, ok := s.Put(b)
		if !ok {
			t.Fatalf("string %d of %d bytes not kept", i, len(b))
		}
		refs, want = append(refs, r), append(want, b)
	}
	for i, r := range refs {
		if got := read(t, s, r); !bytes.Equal(got, want[i]) {
			t.Fatalf("string %d: read %d bytes, not the %d written", i, len(got), len(want[i]))
		}
	}
	live, segs := s.Stats()
	if total := 100 + 37*99*100/2; live != total || segs < 2 {
		t.Errorf("stats: %d bytes in %d segments, want %d bytes in several", live, segs, total)
	}
}

func TestNothingLeftInTheFolder(t *testing.T) {
	dir := t.TempDir()
	s, err := spill.Open(dir, 4096, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, ok := s.Put([]byte("kept in a file with no name")); !ok {
		t.Fatal("not kept")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Errorf("the store's folder holds %d files; its segments should have no names", len(entries))
	}
}

func TestRefusesWhatDoesNotFit(t *testing.T) {
	s := open(t, 1024, 2)
	if _, ok := s.Put(make([]byte, 1025)); ok {
		t.Error("a string larger than a segment was kept")
	}
	if _, ok := s.Put(nil); ok {
		t.Error("an empty string was kept")
	}
	for i := range 2 {
		if _, ok := s.Put(make([]byte, 1000)); !ok {
			t.Fatalf("string %d refused with room for it", i)
		}
	}
	if _, ok := s.Put(make([]byte, 1000)); ok {
		t.Error("a third segment was opened past the store's bound of two")
	}
}

func TestFreedSegmentsCloseAndMakeRoom(t *testing.T) {
	s := open(t, 1024, 2)
	a, _ := s.Put(make([]byte, 1000))
	b, ok := s.Put(make([]byte, 1000))
	if !ok {
		t.Fatal("second string refused")
	}
	if _, ok := s.Put(make([]byte, 1000)); ok {
		t.Fatal("a third segment was opened past the bound")
	}
	s.Free(a)
	if _, ok := s.View(a); ok {
		t.Error("a freed string's emptied segment can still be viewed")
	}
	if _, segs := s.Stats(); segs != 1 {
		t.Errorf("%d segments open after the first was emptied, want 1", segs)
	}
	c, ok := s.Put(make([]byte, 1000))
	if !ok {
		t.Fatal("no room made by freeing a segment's only string")
	}
	if len(read(t, s, b)) != 1000 || len(read(t, s, c)) != 1000 {
		t.Error("the strings kept were not read whole")
	}
}

func TestViewOutlivesFree(t *testing.T) {
	s := open(t, 1024, 2)
	want := bytes.Repeat([]byte("ab"), 400)
	a, _ := s.Put(want)
	v, ok := s.View(a)
	if !ok {
		t.Fatal("no view")
	}
	// The segment fills, is left behind and its only string freed: it
	// must stay mapped while the view is held.
	s.Put(make([]byte, 1000))
	s.Free(a)
	if !bytes.Equal(v.Bytes, want) {
		t.Fatal("a view held changed when its string was freed")
	}
	if _, segs := s.Stats(); segs != 2 {
		t.Errorf("%d segments open while one is viewed, want 2", segs)
	}
	v.Release()
	if _, segs := s.Stats(); segs != 1 {
		t.Errorf("%d segments open after the last view was released, want 1", segs)
	}
}

func TestClosedStoreKeepsNothing(t *testing.T) {
	s := open(t, 1024, 2)
	a, _ := s.Put([]byte("x"))
	s.Close()
	if _, ok := s.View(a); ok {
		t.Error("a string of a closed store can be viewed")
	}
	if _, ok := s.Put([]byte("y")); ok {
		t.Error("a closed store took a string")
	}
}

func TestConcurrentUse(t *testing.T) {
	s := open(t, 1<<14, 8)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var kept []spill.Ref
			for i := range 2000 {
				b := []byte(fmt.Sprintf("goroutine %d string %d", g, i))
				r, ok := s.Put(b)
				if !ok {
					// Full: free the oldest half and go on.
					for _, r := range kept[:len(kept)/2] {
						s.Free(r)
					}
					kept = kept[len(kept)/2:]
					continue
				}
				kept = append(kept, r)
				v, ok := s.View(r)
				if !ok || !bytes.Equal(v.Bytes, b) {
					t.Errorf("goroutine %d read back %q, not %q", g, v.Bytes, b)
					return
				}
				v.Release()
			}
			for _, r := range kept {
				s.Free(r)
			}
		}()
	}
	wg.Wait()
	if live, _ := s.Stats(); live != 0 {
		t.Errorf("%d bytes live after every string was freed", live)
	}
}

// tidied runs one tidying of s (as an owner whose string s refused does)
// and waits for its move.
func tidied(s *spill.Store, move func()) {
	var tidy spill.Tidier
	done := make(chan struct{})
	tidy.Refused(s, func() { move(); close(done) })
	<-done
}

func TestSegmentsToEmpty(t *testing.T) {
	s := open(t, 1000, 8)
	var refs []spill.Ref
	for range 10 {
		r, _ := s.Put(make([]byte, 200))
		refs = append(refs, r)
	}
	// Five strings a segment: refs[0:5] in the first, refs[5:10] in the
	// second, which is still written to.
	sparse := func(i int) (got bool) {
		tidied(s, func() { got = s.Emptying(refs[i]) })
		return got
	}
	if sparse(0) {
		t.Error("a full segment is to be emptied")
	}
	for _, r := range refs[1:5] {
		s.Free(r)
	}
	if !sparse(0) {
		t.Error("a segment left behind with a fifth of it kept is not to be emptied")
	}
	for _, r := range refs[6:] {
		s.Free(r)
	}
	if sparse(5) {
		t.Error("the segment written to is to be emptied")
	}
}

// TestAStoreFreedAtRandomKeepsTakingStrings: an owner that lets strings
// go at random, as a full cache does, and moves what the tidying chooses
// when the store refuses a string, can put it again at once, as long as
// it holds under half the store's room: freed space is never rewritten,
// but whole segments empty.
func TestAStoreFreedAtRandomKeepsTakingStrings(t *testing.T) {
	const segBytes, maxSegs, size = 1000, 8, 100
	s := open(t, segBytes, maxSegs)
	rng := rand.New(rand.NewPCG(4, 2))
	var kept []spill.Ref
	move := func() {
		for j, r := range kept {
			s.Move(r, func(to spill.Ref) bool {
				s.Free(r)
				kept[j] = to
				return true
			})
		}
	}
	tidies := 0
	for i := range 5000 {
		b := bytes.Repeat([]byte{byte(i)}, size)
		r, ok := s.Put(b)
		if !ok {
			tidied(s, move)
			tidies++
			if r, ok = s.Put(b); !ok {
				live, segs := s.Stats()
				t.Fatalf("put %d refused after tidying, holding %d bytes in %d segments of %d bytes", i, live, segs, segBytes)
			}
		}
		kept = append(kept, r)
		// Held at about 40% of the room, each let go chosen at random.
		for len(kept)*size > maxSegs*segBytes*2/5 {
			j := rng.IntN(len(kept))
			s.Free(kept[j])
			kept[j] = kept[len(kept)-1]
			kept = kept[:len(kept)-1]
		}
	}
	if tidies == 0 {
		t.Fatal("the store never filled: the test proves nothing")
	}
	for _, r := range kept[len(kept)-5:] {
		if v, ok := s.View(r); !ok || len(v.Bytes) != size {
			t.Errorf("a string kept reads %d bytes, %v", len(v.Bytes), ok)
		} else {
			v.Release()
		}
	}
}

func TestTidierMovesOnlyWhenCrowded(t *testing.T) {
	s := open(t, 1000, 4)
	var tidy spill.Tidier
	moved := make(chan bool, 1)
	move := func() { moved <- true }
	s.Put(make([]byte, 800))
	s.Put(make([]byte, 800)) // two segments of four: not crowded
	tidy.Maybe(s, move)
	select {
	case <-moved:
		t.Fatal("moved with half the segments open")
	case <-time.After(50 * time.Millisecond):
	}
	s.Put(make([]byte, 800)) // three of four
	tidy.Maybe(s, move)
	select {
	case <-moved:
	case <-time.After(5 * time.Second):
		t.Fatal("not moved with three of four segments open")
	}
	tidy.Maybe(s, move)
	select {
	case <-moved:
		t.Fatal("moved again at once")
	case <-time.After(50 * time.Millisecond):
	}
}

func TestOpenRefusesAFolderItCannotWrite(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "sitrep.db")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := spill.Open(file, 4096, 2); err == nil {
		t.Error("a store was opened in a file, not a folder")
	}
	if _, err := spill.Open(filepath.Join(dir, "missing"), 4096, 2); err == nil {
		t.Error("a store was opened in a folder that does not exist")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("opening left %d files in the folder, want only the one there before", len(entries))
	}
}

// TestSlicesReadInPlace: a slice of plain values kept as its bytes (Raw)
// reads back, where the store keeps it, as the values written (As).
func TestSlicesReadInPlace(t *testing.T) {
	type point struct {
		X, Y float64
		N    int32
		Flag bool
	}
	s := open(t, 1<<16, 2)
	// An odd string first, so the slice's place must be aligned.
	if _, ok := s.Put([]byte("abc")); !ok {
		t.Fatal("Put refused a short string")
	}
	want := make([]point, 300)
	for i := range want {
		want[i] = point{X: float64(i) / 3, Y: -float64(i), N: int32(i * 7), Flag: i%3 == 0}
	}
	ref, ok := s.Put(spill.Raw(want))
	if !ok {
		t.Fatal("Put refused the slice")
	}
	v, ok := s.View(ref)
	if !ok {
		t.Fatal("no view of the slice")
	}
	defer v.Release()
	got := spill.As[point](v.Bytes)
	if len(got) != len(want) {
		t.Fatalf("read %d values, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("value %d reads %+v, want %+v", i, got[i], want[i])
		}
	}
	if spill.Raw([]point(nil)) != nil || spill.As[point](nil) != nil {
		t.Error("an empty slice is not empty bytes, or back")
	}
}

// TestCopyMovesToTheCurrentSegment: a string copied is kept again, whole,
// in the segment being written, the old one until freed; a string whose
// segment has closed cannot be copied.
func TestCopyMovesToTheCurrentSegment(t *testing.T) {
	s := open(t, 1<<12, 4)
	old, _ := s.Put(bytes.Repeat([]byte("a"), 1000))
	filler, _ := s.Put(bytes.Repeat([]byte("b"), 3000))
	moved, ok := s.Copy(old)
	if !ok {
		t.Fatal("Copy refused a string kept")
	}
	if got := read(t, s, moved); !bytes.Equal(got, bytes.Repeat([]byte("a"), 1000)) {
		t.Fatalf("the copy reads %d bytes, not the string", len(got))
	}
	if live, segs := s.Stats(); live != 5000 || segs != 2 {
		t.Errorf("after the copy the store holds %d bytes in %d segments, want 5000 in 2", live, segs)
	}
	s.Free(old)
	s.Free(filler)
	if _, segs := s.Stats(); segs != 1 {
		t.Errorf("the first segment did not close once its strings were freed: %d open", segs)
	}
	if _, ok := s.Copy(old); ok {
		t.Error("a string whose segment closed was copied")
	}
}

// TestMove: a string in a segment being emptied is copied and offered to
// its owner; a copy the owner declines (its entry changed meanwhile) is
// freed, and a string anywhere else is left alone.
func TestMove(t *testing.T) {
	s := open(t, 1000, 8)
	var refs []spill.Ref
	for i := range 10 {
		r, _ := s.Put(bytes.Repeat([]byte{byte('a' + i)}, 200))
		refs = append(refs, r)
	}
	for _, r := range refs[2:5] {
		s.Free(r)
	}
	offered := 0
	tidied(s, func() {
		s.Move(refs[5], func(spill.Ref) bool { offered++; return true })
	})
	if offered != 0 {
		t.Error("a string in the segment being written was moved")
	}
	// The first segment keeps refs[0] and refs[1]: it is emptied.
	var installed spill.Ref
	tidied(s, func() {
		s.Move(refs[0], func(to spill.Ref) bool { installed = to; return true })
		s.Move(refs[1], func(spill.Ref) bool { return false })
	})
	if got := read(t, s, installed); !bytes.Equal(got, bytes.Repeat([]byte("a"), 200)) {
		t.Fatalf("the string moved reads %q…, not what was kept", got[:min(len(got), 8)])
	}
	// Kept: refs[0] and [1] until freed by their owner, the copy of [0],
	// refs[5:10]; the declined copy of refs[1] is not.
	if live, _ := s.Stats(); live != 8*200 {
		t.Errorf("the store holds %d bytes after the moves, want %d: a declined copy was kept", live, 8*200)
	}
	s.Free(refs[0])
	s.Free(refs[1])
	if _, segs := s.Stats(); segs != 2 {
		t.Errorf("%d segments open once the emptied one's strings were freed, want 2", segs)
	}
}

// TestNoStore: owners without a store (no folder files can be made in)
// call it all the same; it keeps nothing and refuses every string.
func TestNoStore(t *testing.T) {
	var s *spill.Store
	r, ok := s.Put([]byte("Mosul"))
	if ok || r.Len() != 0 {
		t.Error("a nil store took a string")
	}
	if _, ok := s.Copy(r); ok {
		t.Error("a nil store copied a string")
	}
	if _, ok := s.View(r); ok || s.Emptying(r) {
		t.Error("a nil store reads or moves a string")
	}
	s.Free(r)
	if err := s.Close(); err != nil {
		t.Errorf("closing a nil store: %v", err)
	}
}
