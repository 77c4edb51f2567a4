// Goroutine ping-pong over unbuffered channels, plus a small fan-in through
// a buffered channel: scheduler and channel operations (goroutine switches
// are stack switches in Go's wasm runtime).
package main

import (
	"fmt"
	"os"
	"strconv"
	"sync"
)

func main() {
	n := 1000000
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v + 1
		}
		close(pong)
	}()
	sum := 0
	for i := 0; i < n/2; i++ {
		ping <- i
		sum += <-pong
	}
	close(ping)
	// Fan-in: 8 producers, one consumer, through a buffered channel.
	ch := make(chan int, 64)
	var wg sync.WaitGroup
	for p := 0; p < 8; p++ {
		wg.Add(1)
		go func(p int) {
			defer wg.Done()
			for i := p; i < n/2; i += 8 {
				ch <- i
			}
		}(p)
	}
	go func() { wg.Wait(); close(ch) }()
	fan := 0
	for v := range ch {
		fan += v
	}
	fmt.Printf("pingpong n=%d sum=%d fan=%d\n", n, sum, fan)
}
