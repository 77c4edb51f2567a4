// sha256 over N MB generated in memory: a tight uint32 arithmetic loop
// (Go's generic block function; wasm has no assembly path).
package main

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"os"
	"strconv"
)

func main() {
	mb := 64
	if len(os.Args) > 1 {
		mb, _ = strconv.Atoi(os.Args[1])
	}
	buf := make([]byte, mb<<20)
	x := uint64(0x9E3779B97F4A7C15)
	for i := 0; i+8 <= len(buf); i += 8 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		binary.LittleEndian.PutUint64(buf[i:], x)
	}
	sum := sha256.Sum256(buf)
	fmt.Printf("sha256 %dMB %x\n", mb, sum)
}
