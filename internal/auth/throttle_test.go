package auth_test

import (
	"testing"
	"time"

	"github.com/sitrep/sitrep/internal/auth"
)

func TestThrottle(t *testing.T) {
	now := time.Date(2016, 9, 29, 12, 0, 0, 0, time.UTC)
	th := auth.NewThrottle(3, 15*time.Minute)
	th.SetClock(func() time.Time { return now })

	for i := range 3 {
		if ok, _ := th.Allow("a"); !ok {
			t.Fatalf("Allow after %d failures = false, want true", i)
		}
		th.Fail("a")
		now = now.Add(time.Minute)
	}
	ok, wait := th.Allow("a")
	if ok {
		t.Fatalf("Allow after 3 failures = true, want false")
	}
	// The first failure was 3 minutes ago; it leaves the window in 12.
	if wait != 12*time.Minute {
		t.Errorf("Allow wait = %v, want 12m", wait)
	}
	if ok, _ := th.Allow("b"); !ok {
		t.Errorf("another key is refused")
	}

	now = now.Add(12 * time.Minute)
	if ok, _ := th.Allow("a"); !ok {
		t.Errorf("Allow once the oldest failure left the window = false, want true")
	}
	th.Fail("a")
	if ok, _ := th.Allow("a"); ok {
		t.Errorf("Allow after a new failure within the window = true, want false")
	}

	th.Reset("a")
	if ok, _ := th.Allow("a"); !ok {
		t.Errorf("Allow after Reset = false, want true")
	}
}

func TestThrottleWaitAndPrefix(t *testing.T) {
	now := time.Date(2016, 9, 29, 12, 0, 0, 0, time.UTC)
	th := auth.NewThrottle(5, 15*time.Minute)
	th.SetClock(func() time.Time { return now })
	if w := th.Wait("a", 1); w != 0 {
		t.Errorf("Wait(a, 1) with no failures = %v, want 0", w)
	}
	th.Fail("a")
	now = now.Add(time.Minute)
	th.Fail("a")
	now = now.Add(time.Minute)
	// Until a has none: the newest failure, a minute old, leaves in 14.
	if w := th.Wait("a", 1); w != 14*time.Minute {
		t.Errorf("Wait(a, 1) = %v, want 14m", w)
	}
	// Until a has fewer than 2: the oldest, two minutes old, leaves in 13.
	if w := th.Wait("a", 2); w != 13*time.Minute {
		t.Errorf("Wait(a, 2) = %v, want 13m", w)
	}
	if w := th.Wait("a", 3); w != 0 {
		t.Errorf("Wait(a, 3) with 2 failures = %v, want 0", w)
	}
	if n := th.Failures("a"); n != 2 {
		t.Errorf("Failures(a) = %d, want 2", n)
	}

	th.Fail("account:x\x00192.0.2.1")
	th.Fail("account:x\x00192.0.2.2")
	th.Fail("account:xy\x00192.0.2.1")
	th.ResetPrefix("account:x\x00")
	for key, want := range map[string]int{"account:x\x00192.0.2.1": 0, "account:x\x00192.0.2.2": 0, "account:xy\x00192.0.2.1": 1, "a": 2} {
		if n := th.Failures(key); n != want {
			t.Errorf("after ResetPrefix, Failures(%q) = %d, want %d", key, n, want)
		}
	}
}
