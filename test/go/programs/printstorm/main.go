// Writes many lines with the runtime's built-in println (stderr through
// runtime.write1, which throws "fd_write failed" on any error, EAGAIN
// included) and then with fmt to stdout.  Go puts stdio in non-blocking
// mode at start-up; a host must still never hand EAGAIN to runtime.write1
// when the reader is merely slow.
package main

import (
	"fmt"
	"os"
	"strconv"
)

func main() {
	n := 20000
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	for i := 0; i < n; i++ {
		println("runtime line", i)
	}
	for i := 0; i < n; i++ {
		fmt.Println("fmt line", i)
	}
	fmt.Fprintln(os.Stderr, "done")
}
