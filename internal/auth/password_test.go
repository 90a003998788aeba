package auth_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/sitrep/sitrep/internal/auth"
	"github.com/sitrep/sitrep/internal/conflict"
)

func TestHashAndVerify(t *testing.T) {
	h := auth.NewHasher(auth.TestParams)
	const pw = "correct horse battery staple"
	encoded, err := h.Hash(pw)
	if err != nil {
		t.Fatalf("Hash: %v", err)
	}
	if !strings.HasPrefix(encoded, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("Hash(%q) = %q, want the PHC string with its parameters", pw, encoded)
	}
	tests := []struct {
		name, password string
		want           bool
	}{
		{"right password", pw, true},
		{"wrong password", "correct horse battery stapler", false},
		{"empty password", "", false},
		{"other case", strings.ToUpper(pw), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, err := h.Verify(tt.password, encoded)
			if err != nil || ok != tt.want {
				t.Errorf("Verify(%q) = %v, %v; want %v, nil", tt.password, ok, err, tt.want)
			}
		})
	}
	again, _ := h.Hash(pw)
	if again == encoded {
		t.Errorf("two hashes of the same password are equal: the salt is not random")
	}
}

func TestVerifyUsesTheHashsParameters(t *testing.T) {
	cheap := auth.NewHasher(auth.TestParams)
	encoded, err := cheap.Hash("a password of some length")
	if err != nil {
		t.Fatal(err)
	}
	other := auth.NewHasher(auth.Params{Memory: 128, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32})
	if ok, err := other.Verify("a password of some length", encoded); !ok || err != nil {
		t.Errorf("Verify with other parameters = %v, %v; want true, nil", ok, err)
	}
	if !other.NeedsRehash(encoded) {
		t.Errorf("NeedsRehash(%q) = false for a hasher with other parameters", encoded)
	}
	if cheap.NeedsRehash(encoded) {
		t.Errorf("NeedsRehash(%q) = true for the hasher that made it", encoded)
	}
}

func TestVerifyMalformed(t *testing.T) {
	h := auth.NewHasher(auth.TestParams)
	good, _ := h.Hash("a password of some length")
	parts := strings.Split(good, "$")
	with := func(i int, v string) string {
		p := append([]string(nil), parts...)
		p[i] = v
		return strings.Join(p, "$")
	}
	for _, encoded := range []string{
		"",
		"plain text",
		"$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy", // bcrypt
		with(1, "argon2i"),
		with(2, "v=16"),
		with(3, "m=64,t=1"),
		with(3, "m=64,t=1,p=1,x=2"),
		with(3, "m=+64,t=1,p=1"),
		with(3, "m=99999999,t=1,p=1"), // would take 95 GiB
		with(3, "m=64,t=0,p=1"),
		with(4, "not*base64"),
		with(5, ""),
		good + "$extra",
	} {
		ok, err := h.Verify("a password of some length", encoded)
		if ok || !errors.Is(err, auth.ErrMalformedHash) {
			t.Errorf("Verify(_, %q) = %v, %v; want false, ErrMalformedHash", encoded, ok, err)
		}
		if !h.NeedsRehash(encoded) {
			t.Errorf("NeedsRehash(%q) = false for a malformed hash", encoded)
		}
	}
}

func TestDefaultParams(t *testing.T) {
	p := auth.DefaultParams
	if p.Memory < 19*1024 || p.Time < 1 || p.Threads < 1 || p.SaltLen < 16 || p.KeyLen < 32 {
		t.Errorf("DefaultParams = %+v, weaker than OWASP's argon2id minimum", p)
	}
}

func TestCheckPassword(t *testing.T) {
	tests := []struct {
		name, password string
		ok             bool
	}{
		{"empty", "", false},
		{"eleven characters", "tK9#qLm2vWz", false},
		{"twelve characters", "tK9#qLm2vWzp", true},
		{"twelve letters of another script count as twelve", "نخلة قمر جسر", true},
		{"a passphrase", "correct horse battery staple", true},
		{"256 characters", strings.Repeat("tK9#qLm2vWzp", 21) + "tK9#", true},
		{"257 characters", strings.Repeat("tK9#qLm2vWzp", 21) + "tK9#q", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := auth.CheckPassword(tt.password)
			if (err == nil) != tt.ok {
				t.Fatalf("CheckPassword(%d chars) = %v, want ok=%v", len([]rune(tt.password)), err, tt.ok)
			}
			if err != nil {
				if conflict.ErrorCode(err) != conflict.Invalid || conflict.ErrorFields(err)["password"] == "" {
					t.Errorf("CheckPassword error = %#v, want Invalid with a message on password", err)
				}
			}
		})
	}
}

// TestCheckPasswordGuessable: length is not enough; a password a guesser
// tries early is refused with a message that says what gave it away.
func TestCheckPasswordGuessable(t *testing.T) {
	tests := []struct {
		name, password, why string
	}{
		{"a common password", "password1234", "one of the most common passwords"},
		{"twelve spaces", strings.Repeat(" ", 12), "repeats the same characters"},
		{"repeated characters", strings.Repeat("ab", 128), "repeats the same characters"},
		{"a sequence", "abcdefghijklmn", "sequence"},
		{"a keyboard row", ";lkjhgfdsa'/.,", "keys on the keyboard"},
		{"the account's name", "dorrianhassan", "name or email address"},
		{"the account's address", "dorrian@example.org", "name or email address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := auth.CheckPassword(tt.password, "Dorrian Hassan", "dorrian@example.org")
			if err == nil {
				t.Fatalf("CheckPassword(%q) = nil, want refused", tt.password)
			}
			msg := conflict.ErrorFields(err)["password"]
			if conflict.ErrorCode(err) != conflict.Invalid || !strings.Contains(msg, "easy to guess") || !strings.Contains(msg, tt.why) {
				t.Errorf("CheckPassword(%q) message = %q, want it to say it is easy to guess: %s", tt.password, msg, tt.why)
			}
		})
	}
	// The account's own words are what make "dorrianhassan" guessable: for
	// another account it passes.
	if err := auth.CheckPassword("dorrianhassan", "Ahmed Ali", "ahmed@example.org"); err != nil {
		t.Errorf("CheckPassword(dorrianhassan) for another account = %v, want accepted", err)
	}
}
