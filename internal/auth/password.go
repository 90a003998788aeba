// Package auth holds what signing in needs besides storage and HTTP:
// argon2id password hashes, the password rules (length and a strength
// estimate), and a throttle that counts failed attempts.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"unicode/utf8"

	"github.com/trustelem/zxcvbn"
	"github.com/trustelem/zxcvbn/match"
	"golang.org/x/crypto/argon2"

	"github.com/sitrep/sitrep/internal/conflict"
)

// The password rules. The upper bound keeps a request from making the
// server hash megabytes; it is far above any passphrase a person types.
const (
	MinPasswordLen = 12
	MaxPasswordLen = 256
	// MinPasswordScore is the strength a password needs on zxcvbn's scale
	// of 0 to 4: 3 is "safely unguessable", about 10^8 guesses or more,
	// enough against an attacker who must go through the sign-in throttle
	// and, with a stolen database, through argon2id.
	MinPasswordScore = 3
)

// strengthRunes is how much of a password the estimator reads. Its cost
// grows with the length, and a password whose first 100 characters are
// easy to guess is, in practice, easy to guess.
const strengthRunes = 100

// CheckPassword reports, as an Invalid error on the field "password",
// whether pw breaks the rules: too short or too long (counted in
// characters, not bytes), or easy to guess. userInputs are words an
// attacker would try first for this account, its name and email address;
// a password built on them is refused.
func CheckPassword(pw string, userInputs ...string) error {
	n := utf8.RuneCountInString(pw)
	errs := conflict.FieldErrors{}
	switch {
	case pw == "":
		errs.Add("password", "Enter a password.")
	case n < MinPasswordLen:
		errs.Add("password", fmt.Sprintf("Use at least %d characters; a few unrelated words make a good password.", MinPasswordLen))
	case n > MaxPasswordLen:
		errs.Add("password", fmt.Sprintf("Use at most %d characters.", MaxPasswordLen))
	default:
		if why := weakness(pw, userInputs); why != "" {
			errs.Add("password", "This password is easy to guess: "+why+" A few unrelated words, or a longer phrase of your own, make a good password.")
		}
	}
	return errs.Err()
}

// weakness says why zxcvbn finds pw easy to guess, "" when it does not.
// The reason names the pattern that gave the guess away, never the part of
// the password that matched it.
func weakness(pw string, userInputs []string) string {
	if n := utf8.RuneCountInString(pw); n > strengthRunes {
		pw = string([]rune(pw)[:strengthRunes])
	}
	var inputs []string
	for _, in := range userInputs {
		in = strings.ToLower(strings.TrimSpace(in))
		if in == "" {
			continue
		}
		inputs = append(inputs, in)
		// The parts of an address and of a name are tried on their own.
		inputs = append(inputs, strings.FieldsFunc(in, func(r rune) bool {
			return r == '@' || r == '.' || r == ' ' || r == '-' || r == '_' || r == '+'
		})...)
	}
	r := zxcvbn.PasswordStrength(pw, inputs)
	if r.Score >= MinPasswordScore {
		return ""
	}
	// The longest recognised part explains the most guesses saved.
	var worst *match.Match
	for _, m := range r.Sequence {
		if m.Pattern == "bruteforce" {
			continue
		}
		if worst == nil || m.J-m.I > worst.J-worst.I {
			worst = m
		}
	}
	if worst == nil {
		return "it is too short for its mix of characters."
	}
	switch worst.Pattern {
	case "dictionary":
		switch worst.DictionaryName {
		case "user_inputs":
			return "it contains the account's name or email address."
		case "passwords":
			if worst.J-worst.I+1 == utf8.RuneCountInString(pw) {
				return "it is one of the most common passwords."
			}
			return "it is built on one of the most common passwords."
		case "male_names", "female_names", "surnames":
			return "it is built on a common name."
		}
		if worst.L33t || worst.Reversed {
			return "it is a common word with letters swapped or reversed, which guessers try first."
		}
		return "it is built on a common word."
	case "repeat":
		return "it repeats the same characters."
	case "sequence":
		return "it contains a sequence such as abcd or 1234."
	case "spatial":
		return "it follows a row or pattern of keys on the keyboard."
	case "date":
		return "it contains a date."
	case "regex":
		return "it contains a recent year."
	}
	return "it follows a pattern guessers try first."
}

// Params are argon2id's cost parameters. They are written into every hash,
// so a hash made with other parameters still verifies.
type Params struct {
	// Memory is in KiB.
	Memory  uint32
	Time    uint32
	Threads uint8
	SaltLen uint32
	KeyLen  uint32
}

// DefaultParams follow the second recommendation of RFC 9106 for machines
// with less memory to spare: 64 MiB, one pass, here two lanes.
var DefaultParams = Params{Memory: 64 * 1024, Time: 1, Threads: 2, SaltLen: 16, KeyLen: 32}

// TestParams are cheap parameters for tests, where hashing at full cost
// would only slow the run down. Never use them to serve.
var TestParams = Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// ErrMalformedHash means a stored hash is not an argon2id hash in the PHC
// string format this package writes.
var ErrMalformedHash = errors.New("auth: malformed password hash")

// Hasher hashes and verifies passwords. It lets only a few hashes run at
// once: each takes Params.Memory, and a burst of sign-ins must not exhaust
// the machine's memory. Its methods are safe for concurrent use.
type Hasher struct {
	params Params
	slots  chan struct{}
	dummy  string
}

// NewHasher returns a Hasher making hashes with p; the zero Params mean
// DefaultParams.
func NewHasher(p Params) *Hasher {
	if p == (Params{}) {
		p = DefaultParams
	}
	h := &Hasher{params: p, slots: make(chan struct{}, max(2, runtime.NumCPU()))}
	// Verified when an account does not exist, so that the answer takes
	// as long as for one that does: a hash no password matches, made of a
	// random salt and a zero key. Written out rather than computed, since
	// computing it would take Params.Memory (64 MiB) at every start of a
	// server that may never see a sign-in.
	salt := make([]byte, p.SaltLen)
	_, _ = rand.Read(salt)
	h.dummy = encode(p, salt, make([]byte, p.KeyLen))
	return h
}

// Hash returns the PHC string of password with a fresh random salt:
// $argon2id$v=19$m=65536,t=1,p=2$<salt>$<hash>, in unpadded base64.
func (h *Hasher) Hash(password string) (string, error) {
	salt := make([]byte, h.params.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: salt: %w", err)
	}
	return encode(h.params, salt, h.key(password, salt, h.params)), nil
}

func encode(p Params, salt, key []byte) string {
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version,
		p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// Verify reports whether password matches encoded, comparing in constant
// time. It returns ErrMalformedHash when encoded cannot be read.
func (h *Hasher) Verify(password, encoded string) (bool, error) {
	p, salt, want, err := decode(encoded)
	if err != nil {
		return false, err
	}
	got := h.key(password, salt, p)
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// VerifyNone spends the time a Verify would, for a sign-in whose account
// does not exist: timing must not tell which addresses have accounts.
func (h *Hasher) VerifyNone(password string) {
	_, _ = h.Verify(password, h.dummy)
}

// NeedsRehash reports whether encoded was made with other parameters than
// the Hasher's, so that a successful sign-in can upgrade it.
func (h *Hasher) NeedsRehash(encoded string) bool {
	p, salt, key, err := decode(encoded)
	if err != nil {
		return true
	}
	return p.Memory != h.params.Memory || p.Time != h.params.Time || p.Threads != h.params.Threads ||
		uint32(len(salt)) != h.params.SaltLen || uint32(len(key)) != h.params.KeyLen
}

func (h *Hasher) key(password string, salt []byte, p Params) []byte {
	h.slots <- struct{}{}
	defer func() { <-h.slots }()
	return argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
}

// decode reads a PHC string written by Hash.
func decode(encoded string) (p Params, salt, key []byte, err error) {
	parts := strings.Split(encoded, "$")
	// "", "argon2id", "v=19", "m=…,t=…,p=…", salt, hash
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, ErrMalformedHash
	}
	if parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return p, nil, nil, ErrMalformedHash
	}
	var threads uint32
	_, err = fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &threads)
	// Writing the numbers back must give the same text: no signs, leading
	// zeros or trailing bytes slip through.
	if err != nil || fmt.Sprintf("m=%d,t=%d,p=%d", p.Memory, p.Time, threads) != parts[3] {
		return p, nil, nil, ErrMalformedHash
	}
	// Bounds keep a tampered row from making one verification take
	// gigabytes or forever.
	if p.Memory < 8 || p.Memory > 4*1024*1024 || p.Time < 1 || p.Time > 64 || threads < 1 || threads > 255 {
		return p, nil, nil, ErrMalformedHash
	}
	p.Threads = uint8(threads)
	b64 := base64.RawStdEncoding
	if salt, err = b64.Strict().DecodeString(parts[4]); err != nil || len(salt) < 8 {
		return p, nil, nil, ErrMalformedHash
	}
	if key, err = b64.Strict().DecodeString(parts[5]); err != nil || len(key) < 16 || len(key) > 1024 {
		return p, nil, nil, ErrMalformedHash
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	return p, salt, key, nil
}
