package tiles

// Internals the tests in tiles_test look at, to know that what they mean
// to test (leaf directories, runs, the cache's bound) is in the archive.

// RootShape reports the root directory's entries, whether the first
// points to a leaf, and how many are runs of more than one tile.
func RootShape(a *Archive) (entries int, leaf bool, runs int) {
	for _, e := range a.root {
		if e.run > 1 {
			runs++
		}
	}
	return len(a.root), len(a.root) > 0 && a.root[0].run == 0, runs
}

// BoundLeafCache replaces the archive's cache of leaf directories with
// one of max entries.
func BoundLeafCache(a *Archive, max int) { a.leaves = newDirCache(max) }

// LeafDirsKept is how many leaf directories the cache holds.
func LeafDirsKept(a *Archive) int { return a.leaves.len() }

// Outside is outside, the archive's check that a range lies in a section.
var Outside = outside
