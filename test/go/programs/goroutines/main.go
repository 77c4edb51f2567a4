// Goroutines, channels, sync, time.Sleep, timers and tickers: the scheduler
// needs poll_oneoff clock subscriptions to sleep.  Prints results in a fixed
// order; timing checks are loose lower bounds (sleeps never return early).
package main

import (
	"context"
	"fmt"
	"os"
	"sync"
	"time"
)

func main() {
	// Fan out / fan in over channels.
	jobs := make(chan int)
	results := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				results <- j * j
			}
		}()
	}
	go func() {
		for i := 1; i <= 100; i++ {
			jobs <- i
		}
		close(jobs)
	}()
	go func() { wg.Wait(); close(results) }()
	sum := 0
	for r := range results {
		sum += r
	}
	fmt.Println("sum of squares:", sum)

	// time.Sleep really waits.
	start := time.Now()
	time.Sleep(50 * time.Millisecond)
	if d := time.Since(start); d < 50*time.Millisecond {
		fmt.Println("sleep returned early:", d)
		os.Exit(1)
	}
	fmt.Println("slept")

	// Timers fire in deadline order, whichever goroutine set them.
	order := make(chan string, 3)
	time.AfterFunc(60*time.Millisecond, func() { order <- "c" })
	time.AfterFunc(20*time.Millisecond, func() { order <- "a" })
	go func() { time.Sleep(40 * time.Millisecond); order <- "b" }()
	fmt.Println("timer order:", <-order, <-order, <-order)

	// A ticker and a stopped timer.
	stopped := time.NewTimer(time.Hour)
	fmt.Println("stopped timer:", stopped.Stop())
	tk := time.NewTicker(10 * time.Millisecond)
	ticks := 0
	for range tk.C {
		ticks++
		if ticks == 5 {
			break
		}
	}
	tk.Stop()
	fmt.Println("ticks:", ticks)

	// Context with timeout and select.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	never := make(chan int)
	select {
	case <-never:
		fmt.Println("impossible")
	case <-ctx.Done():
		fmt.Println("context:", ctx.Err())
	}

	// Mutex-protected counter across many goroutines.
	var mu sync.Mutex
	n := 0
	var wg2 sync.WaitGroup
	for i := 0; i < 1000; i++ {
		wg2.Add(1)
		go func() {
			defer wg2.Done()
			mu.Lock()
			n++
			mu.Unlock()
		}()
	}
	wg2.Wait()
	fmt.Println("counter:", n)
	fmt.Println("elapsed ok:", time.Since(start) >= 150*time.Millisecond)
}
