//go:build unix

package spill

import (
	"os"
	"syscall"
)

// fileMapping is a segment as a file mapped read-only: written through the
// file, read through the mapping, which sees every write at once.
type fileMapping struct {
	f    *os.File
	data []byte
}

func newMapping(dir string, size int) (mapping, error) {
	f, err := os.CreateTemp(dir, ".sitrep-spill-*")
	if err != nil {
		return nil, err
	}
	// The open file and its mapping keep the file's pages; without a name
	// it cannot outlive the process.
	if err := os.Remove(f.Name()); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Truncate(int64(size)); err != nil {
		f.Close()
		return nil, err
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, size, syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		f.Close()
		return nil, err
	}
	return &fileMapping{f: f, data: data}, nil
}

func (m *fileMapping) write(off int, b []byte) error {
	_, err := m.f.WriteAt(b, int64(off))
	return err
}

func (m *fileMapping) bytes() []byte { return m.data }

func (m *fileMapping) closed() bool { return m.data == nil }

func (m *fileMapping) close() {
	syscall.Munmap(m.data)
	m.f.Close()
	m.data = nil
}
