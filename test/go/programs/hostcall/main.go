// go:wasmimport: functions the embedding JS provides in module "env".  The
// host reads strings out of guest memory (log_message), writes into it
// (fill_greeting) and does arithmetic on scalars (add, mul64).
package main

import (
	"fmt"
	"unsafe"
)

//go:wasmimport env log_message
func logMessage(ptr unsafe.Pointer, n uint32)

//go:wasmimport env add
func add(a, b int32) int32

//go:wasmimport env mul64
func mul64(a, b uint64) uint64

//go:wasmimport env fill_greeting
func fillGreeting(buf unsafe.Pointer, cap uint32) uint32

func hostLog(s string) {
	b := []byte(s)
	logMessage(unsafe.Pointer(&b[0]), uint32(len(b)))
}

func main() {
	hostLog("hello from Go via wasmimport")
	fmt.Println("add(40, 2) =", add(40, 2))
	fmt.Println("add(-5, 3) =", add(-5, 3))
	fmt.Println("mul64 =", mul64(1<<40, 1000))
	buf := make([]byte, 64)
	n := fillGreeting(unsafe.Pointer(&buf[0]), uint32(len(buf)))
	fmt.Printf("greeting: %q\n", buf[:n])
	hostLog("ünïcödé ✓")
}
