// Prints what differs between two ordinary runs: the time, random numbers
// (math/rand's global source is seeded from the runtime's random_get) and
// map iteration order; and a sleep, which must move the clock by exactly
// as much under wasihost --deterministic.  With the argument "hour" it
// also waits for an hour-long timer (only sensible with fake clocks).
package main

import (
	"crypto/rand"
	"fmt"
	mrand "math/rand"
	"os"
	"time"
)

func main() {
	t0 := time.Now()
	fmt.Println("now", t0.UTC().Format(time.RFC3339Nano))
	fmt.Println("rand", mrand.Int(), mrand.Int63())
	var b [8]byte
	rand.Read(b[:])
	fmt.Printf("crypto %x\n", b)
	m := map[string]int{}
	for i := 0; i < 20; i++ {
		m[fmt.Sprint("k", i)] = i
	}
	order := ""
	for k := range m {
		order += k + " "
	}
	fmt.Println("map", order)
	time.Sleep(1500 * time.Millisecond)
	fmt.Println("slept", time.Since(t0).Round(time.Second))
	if len(os.Args) > 1 && os.Args[1] == "hour" {
		// An hour of fake time costs no real time.
		<-time.NewTimer(time.Hour).C
		fmt.Println("timer fired at", time.Now().UTC().Format(time.RFC3339))
	}
}
