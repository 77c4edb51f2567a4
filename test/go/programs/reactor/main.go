// go:wasmexport in a reactor (-buildmode=c-shared): the host calls
// _initialize once, then the exported functions any number of times.  A
// goroutine started by init keeps serving requests across calls.
package main

import (
	"fmt"
	"time"
	"unsafe"
)

var (
	requests = make(chan int32)
	replies  = make(chan int32)
	served   int32
	buffers  = map[uintptr][]byte{}
)

func init() {
	go func() {
		for r := range requests {
			served++
			replies <- r * 2
		}
	}()
	fmt.Println("reactor initialised")
}

func main() {}

//go:wasmexport add
func add(a, b int32) int32 { return a + b }

//go:wasmexport double
func double(x int32) int32 {
	requests <- x
	return <-replies
}

//go:wasmexport served
func servedCount() int32 { return served }

//go:wasmexport sum64
func sum64(a, b int64) int64 { return a + b }

//go:wasmexport scale
func scale(x float64, k float32) float64 { return x * float64(k) }

//go:wasmexport sleep_ms
func sleepMs(ms int32) int32 {
	start := time.Now()
	time.Sleep(time.Duration(ms) * time.Millisecond)
	return int32(time.Since(start) / time.Millisecond)
}

// alloc returns guest memory the host may write into; it stays reachable
// until release.
//
//go:wasmexport alloc
func alloc(n uint32) unsafe.Pointer {
	b := make([]byte, n)
	p := unsafe.Pointer(&b[0])
	buffers[uintptr(p)] = b
	return p
}

//go:wasmexport release
func release(p unsafe.Pointer) { delete(buffers, uintptr(p)) }

// shout upper-cases n bytes at p in place and prints them.
//
//go:wasmexport shout
func shout(p unsafe.Pointer, n uint32) uint32 {
	b := unsafe.Slice((*byte)(p), n)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 32
		}
	}
	fmt.Printf("shout: %s\n", b)
	return n
}
