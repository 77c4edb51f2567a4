// Takes the listener it is given (fd 3) and never accepts on it: the host
// must still be able to stop it (--timeout, an AbortSignal).
package main

import (
	"fmt"
	"net"
	"os"
	"time"
)

func main() {
	l, err := net.FileListener(os.NewFile(3, "listener"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "FileListener:", err)
		os.Exit(1)
	}
	fmt.Fprintln(os.Stderr, "holding", l.Addr().Network())
	time.Sleep(time.Hour)
}
