// Allocates and touches the number of MiB given as its argument, to test
// --max-memory: under a cap that is too small the Go runtime's sbrk fails
// (memory.grow returns -1) and it dies with "fatal error: out of memory".
package main

import (
	"fmt"
	"os"
	"strconv"
)

var keep [][]byte

func main() {
	n, err := strconv.Atoi(os.Args[1])
	if err != nil {
		fmt.Println("usage: memhog MiB")
		os.Exit(100)
	}
	for i := 0; i < n; i++ {
		b := make([]byte, 1<<20)
		for j := 0; j < len(b); j += 4096 {
			b[j] = byte(i)
		}
		keep = append(keep, b)
	}
	fmt.Printf("allocated %d MiB\n", n)
}
