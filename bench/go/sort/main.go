// Sorting N ints (pdqsort via slices.Sort) and N strings (sort.Strings).
package main

import (
	"fmt"
	"os"
	"slices"
	"sort"
	"strconv"
)

func main() {
	n := 1000000
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	a := make([]int, n)
	x := uint64(88172645463325252)
	for i := range a {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		a[i] = int(x >> 1)
	}
	slices.Sort(a)
	var sum uint64
	for i, v := range a {
		if i > 0 && a[i-1] > v {
			panic("not sorted")
		}
		sum = sum*1099511628211 + uint64(v)
	}
	s := make([]string, n/4)
	for i := range s {
		s[i] = strconv.FormatUint(uint64(a[(i*7919)%n])%1000003, 36)
	}
	sort.Strings(s)
	fmt.Printf("sort n=%d check=%x first=%d last=%d s0=%s s1=%s\n", n, sum, a[0], a[n-1], s[0], s[len(s)-1])
}
