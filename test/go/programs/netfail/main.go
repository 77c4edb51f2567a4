// Networking on wasip1: Go uses an in-process fake network (net_fake.go), so
// listening and dialling loopback works inside the guest, while anything that
// needs the real network fails at once with a clear error.  A watchdog
// exits 3 if anything hangs.
package main

import (
	"fmt"
	"io"
	"net"
	"os"
	"time"
)

func main() {
	time.AfterFunc(10*time.Second, func() {
		fmt.Println("watchdog: hung")
		os.Exit(3)
	})
	start := time.Now()

	// A name that must be resolved: the fake resolver's UDP query to the
	// local DNS server is refused.
	_, err := net.Listen("tcp", "wasihost.invalid:8080")
	fmt.Println("listen by name fails:", err != nil)
	fmt.Println("listen error:", err)

	// No preopened socket: fd 3 is not a listener.
	f := os.NewFile(3, "socket")
	_, err = net.FileListener(f)
	fmt.Println("file listener fails:", err != nil)

	// Loopback in-process works: listen, dial, echo.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("loopback listen:", err)
		os.Exit(1)
	}
	_, err = net.Listen("tcp", ln.Addr().String())
	fmt.Println("second listen fails:", err != nil)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		io.Copy(c, c)
		c.Close()
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		fmt.Println("dial:", err)
		os.Exit(1)
	}
	c.Write([]byte("ping"))
	buf := make([]byte, 4)
	io.ReadFull(c, buf)
	fmt.Printf("echo: %s\n", buf)
	c.Close()
	ln.Close()

	_, err = net.Dial("tcp", "127.0.0.1:9")
	fmt.Println("dial closed port fails:", err != nil)
	fmt.Println("quick:", time.Since(start) < 5*time.Second)
}
