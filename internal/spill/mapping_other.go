//go:build !unix

package spill

// memMapping is a segment kept in the heap where files cannot be mapped:
// the store still bounds it and frees it as a mapped one.
type memMapping struct{ data []byte }

func newMapping(_ string, size int) (mapping, error) {
	return &memMapping{data: make([]byte, size)}, nil
}

func (m *memMapping) write(off int, b []byte) error {
	copy(m.data[off:], b)
	return nil
}

func (m *memMapping) bytes() []byte { return m.data }

func (m *memMapping) closed() bool { return m.data == nil }

func (m *memMapping) close() { m.data = nil }
