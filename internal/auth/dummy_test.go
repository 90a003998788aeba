package auth

import (
	"runtime"
	"testing"
)

// The stand-in verified for an account that does not exist costs what a
// real account's check does: it is read with the hasher's own parameters,
// salt and key length, and no password matches it. It is written out, not
// computed, so a hasher is made in no time even at 64 MiB a hash.
func TestDummyHashCostsWhatARealOneDoes(t *testing.T) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	h := NewHasher(DefaultParams)
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
		t.Errorf("making a hasher allocated %d bytes: the stand-in hash was computed, not written out", grew)
	}
	p, salt, key, err := decode(h.dummy)
	if err != nil {
		t.Fatalf("the stand-in hash cannot be read: %v", err)
	}
	if p.Memory != DefaultParams.Memory || p.Time != DefaultParams.Time || p.Threads != DefaultParams.Threads {
		t.Errorf("the stand-in hash has parameters %+v; want the hasher's %+v", p, DefaultParams)
	}
	if uint32(len(salt)) != DefaultParams.SaltLen || uint32(len(key)) != DefaultParams.KeyLen {
		t.Errorf("the stand-in hash has a %d-byte salt and a %d-byte key; want %d and %d", len(salt), len(key), DefaultParams.SaltLen, DefaultParams.KeyLen)
	}
	cheap := NewHasher(TestParams)
	for _, pw := range []string{"", "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", "password"} {
		if ok, err := cheap.Verify(pw, cheap.dummy); ok || err != nil {
			t.Errorf("Verify(%q, stand-in) = %v, %v; want no match", pw, ok, err)
		}
	}
}
