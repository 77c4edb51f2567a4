// Package fsx copies directory trees; its tests use t.TempDir, the working
// directory and goroutines.
package fsx

import (
	"io/fs"
	"os"
	"path/filepath"
)

// CopyTree copies the regular files and directories under src to dst.
func CopyTree(dst, src string) (int, error) {
	n := 0
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		n++
		return os.WriteFile(target, b, 0o644)
	})
	return n, err
}
