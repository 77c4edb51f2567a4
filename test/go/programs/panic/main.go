// An unrecovered panic: Go prints "panic: ..." and a goroutine stack trace on
// stderr and exits with status 2 (through proc_exit).
package main

import "fmt"

type thing struct{ name string }

func (t *thing) explode(depth int) {
	if depth == 0 {
		panic(fmt.Sprintf("boom from %s", t.name))
	}
	t.explode(depth - 1)
}

func main() {
	fmt.Println("before panic")
	(&thing{name: "wasihost"}).explode(3)
}
