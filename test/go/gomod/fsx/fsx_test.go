package fsx

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestCopyTree(t *testing.T) {
	src := t.TempDir()
	for _, p := range []string{"a/b/one.txt", "a/two.txt", "three.txt"} {
		full := filepath.Join(src, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(p), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dst := t.TempDir()
	n, err := CopyTree(dst, src)
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("copied %d files", n)
	}
	b, err := os.ReadFile(filepath.Join(dst, "a/b/one.txt"))
	if err != nil || string(b) != "a/b/one.txt" {
		t.Errorf("copy content %q, %v", b, err)
	}
}

func TestWorkingDirectory(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(filepath.ToSlash(wd), "/fsx") {
		t.Errorf("Getwd = %q, want the package directory", wd)
	}
	if _, err := os.Stat("fsx_test.go"); err != nil {
		t.Errorf("own source not visible from the working directory: %v", err)
	}
}

// The go_wasip1_wasm_exec wrapper passes $GOWASIRUNTIMEARGS on to
// `wasihost run`; the test harness sets it to grant this variable.
func TestWrapperArgs(t *testing.T) {
	if got := os.Getenv("WASIHOST_GO_WRAPPER"); got != "yes" {
		t.Errorf("WASIHOST_GO_WRAPPER = %q: not run through wasihost's wrapper with GOWASIRUNTIMEARGS", got)
	}
}

func TestParallelSleepers(t *testing.T) {
	var wg sync.WaitGroup
	start := time.Now()
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(20 * time.Millisecond)
		}()
	}
	wg.Wait()
	if d := time.Since(start); d < 20*time.Millisecond || d > 5*time.Second {
		t.Errorf("20 parallel 20ms sleeps took %v", d)
	}
}

func TestSubtests(t *testing.T) {
	for _, name := range []string{"alpha", "beta"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if len(name) < 4 {
				t.Error("short name")
			}
		})
	}
}
