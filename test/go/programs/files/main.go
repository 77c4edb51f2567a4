// File-system operations through WASI preopens, one subcommand per case:
//
//	files rw DIR         write, append, read back, stat, rename, remove in DIR
//	files cat FILE       print FILE (exit 1 with the error when it fails)
//	files ls DIR         list DIR sorted, one "name kind size" line each
//	files mkdirs DIR     create DIR/a/b/c with MkdirAll, walk it, RemoveAll
//	files write FILE TXT create FILE holding TXT (exit 1 on error)
//
// Errors are printed as "error: <err>" so tests can match Go's own text.
package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

func fail(err error) {
	fmt.Println("error:", err)
	if errors.Is(err, fs.ErrNotExist) {
		fmt.Println("kind: not-exist")
	} else if errors.Is(err, fs.ErrPermission) {
		fmt.Println("kind: permission")
	}
	os.Exit(1)
}

func rw(dir string) {
	p := filepath.Join(dir, "note.txt")
	if err := os.WriteFile(p, []byte("first line\n"), 0o644); err != nil {
		fail(err)
	}
	f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		fail(err)
	}
	if _, err := f.WriteString("second line\n"); err != nil {
		fail(err)
	}
	if err := f.Close(); err != nil {
		fail(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		fail(err)
	}
	fmt.Printf("read %q\n", b)
	st, err := os.Stat(p)
	if err != nil {
		fail(err)
	}
	fmt.Printf("size %d regular %v\n", st.Size(), st.Mode().IsRegular())
	q := filepath.Join(dir, "renamed.txt")
	if err := os.Rename(p, q); err != nil {
		fail(err)
	}
	if _, err := os.Stat(p); !errors.Is(err, fs.ErrNotExist) {
		fmt.Println("old name still exists:", err)
		os.Exit(1)
	}
	// Seek and partial read.
	g, err := os.Open(q)
	if err != nil {
		fail(err)
	}
	if _, err := g.Seek(6, 0); err != nil {
		fail(err)
	}
	buf := make([]byte, 4)
	if _, err := g.Read(buf); err != nil {
		fail(err)
	}
	g.Close()
	fmt.Printf("seek read %q\n", buf)
	if err := os.Remove(q); err != nil {
		fail(err)
	}
	fmt.Println("rw ok")
}

func ls(dir string) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		fail(err)
	}
	sort.Slice(ents, func(i, j int) bool { return ents[i].Name() < ents[j].Name() })
	for _, e := range ents {
		kind := "file"
		if e.IsDir() {
			kind = "dir"
		}
		info, err := e.Info()
		if err != nil {
			fail(err)
		}
		size := info.Size()
		if e.IsDir() {
			size = 0
		}
		fmt.Printf("%s %s %d\n", e.Name(), kind, size)
	}
	fmt.Printf("%d entries\n", len(ents))
}

func mkdirs(dir string) {
	deep := filepath.Join(dir, "a", "b", "c")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		fail(err)
	}
	if err := os.WriteFile(filepath.Join(deep, "leaf.txt"), []byte("leaf"), 0o644); err != nil {
		fail(err)
	}
	var seen []string
	err := filepath.WalkDir(filepath.Join(dir, "a"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		seen = append(seen, rel)
		return nil
	})
	if err != nil {
		fail(err)
	}
	fmt.Println("walk", strings.Join(seen, ","))
	if err := os.RemoveAll(filepath.Join(dir, "a")); err != nil {
		fail(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "a")); !errors.Is(err, fs.ErrNotExist) {
		fmt.Println("RemoveAll left a:", err)
		os.Exit(1)
	}
	fmt.Println("mkdirs ok")
}

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: files rw|cat|ls|mkdirs|write PATH [TEXT]")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "rw":
		rw(os.Args[2])
	case "cat":
		b, err := os.ReadFile(os.Args[2])
		if err != nil {
			fail(err)
		}
		os.Stdout.Write(b)
	case "ls":
		ls(os.Args[2])
	case "mkdirs":
		mkdirs(os.Args[2])
	case "write":
		if err := os.WriteFile(os.Args[2], []byte(os.Args[3]), 0o644); err != nil {
			fail(err)
		}
		fmt.Println("written")
	default:
		fmt.Fprintln(os.Stderr, "unknown subcommand", os.Args[1])
		os.Exit(2)
	}
}
