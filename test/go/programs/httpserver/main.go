// An HTTP server on the listener the host hands in as fd 3 (wasihost
// --listen / new WASI({ sockets })): net.FileListener, as Go's own wasip1
// docs show.  GET /hello answers a counter, GET /big streams BIG bytes in
// 64 KiB writes (for clients that hang up mid-response), GET /quit makes
// the server shut down and print how many requests it answered.
package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync/atomic"
	"syscall"
)

func main() {
	// wasihost hands listeners over non-blocking already; wazero does not,
	// and Go only polls an fd that says so (a blocking accept would stall
	// every goroutine), so say it for the comparison runs.
	if err := syscall.SetNonblock(3, true); err != nil {
		fmt.Fprintln(os.Stderr, "SetNonblock:", err)
		os.Exit(1)
	}
	l, err := net.FileListener(os.NewFile(3, "listener"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "FileListener:", err)
		os.Exit(1)
	}
	var served atomic.Int64
	var bigErrors atomic.Int64
	quit := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) {
		n := served.Add(1)
		fmt.Fprintf(w, "hello %d\n", n)
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		size, _ := strconv.Atoi(r.URL.Query().Get("size"))
		w.Header().Set("Content-Length", strconv.Itoa(size))
		chunk := make([]byte, 64<<10)
		for i := range chunk {
			chunk[i] = byte('a' + i%26)
		}
		for sent := 0; sent < size; {
			n := min(len(chunk), size-sent)
			if _, err := w.Write(chunk[:n]); err != nil {
				bigErrors.Add(1)
				return
			}
			sent += n
		}
	})
	mux.HandleFunc("/quit", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "bye")
		close(quit)
	})
	srv := &http.Server{Handler: mux}
	go func() {
		<-quit
		srv.Shutdown(context.Background())
	}()
	fmt.Fprintln(os.Stderr, "serving")
	if err := srv.Serve(l); err != http.ErrServerClosed {
		fmt.Fprintln(os.Stderr, "Serve:", err)
		os.Exit(1)
	}
	fmt.Printf("served %d, aborted big responses %d\n", served.Load(), bigErrors.Load())
}
