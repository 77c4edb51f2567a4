package textx

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTopFromTestdata(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "words.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	top, err := Top(f, 3)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, c := range top {
		fmt.Fprintf(&b, "%s %d\n", c.Word, c.N)
	}
	want, err := os.ReadFile("testdata/golden.txt")
	if err != nil {
		t.Fatal(err)
	}
	if b.String() != string(want) {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestTestdataListing(t *testing.T) {
	ents, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if got := strings.Join(names, ","); got != "golden.txt,words.txt" {
		t.Errorf("testdata holds %s", got)
	}
}

func TestMissingTestdata(t *testing.T) {
	_, err := os.ReadFile("testdata/absent.txt")
	if !os.IsNotExist(err) {
		t.Errorf("reading a missing file: %v", err)
	}
}

func ExampleTop() {
	top, _ := Top(strings.NewReader("b a b c b a"), 2)
	fmt.Println(top)
	// Output: [{b 3} {a 2}]
}
