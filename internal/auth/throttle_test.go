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
