// Reads stdin to EOF, then reports the byte count, the line count and a
// SHA-256 of what it read, and echoes the first line upper-cased.
package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"strings"
)

func main() {
	b, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Printf("bytes=%d lines=%d sha256=%x\n", len(b), bytes.Count(b, []byte("\n")), sha256.Sum256(b))
	sc := bufio.NewScanner(bytes.NewReader(b))
	if sc.Scan() {
		fmt.Println("first:", strings.ToUpper(sc.Text()))
	} else {
		fmt.Println("empty")
	}
}
