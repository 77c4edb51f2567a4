// Map-heavy word count: split generated text into words, count them in a
// map[string]int, then a map[int]int histogram and a sorted top list.
package main

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
)

func main() {
	nwords := 2000000
	if len(os.Args) > 1 {
		nwords, _ = strconv.Atoi(os.Args[1])
	}
	// Vocabulary of 50k pseudo-words; Zipf-like choice via squaring.
	vocab := make([]string, 50000)
	for i := range vocab {
		vocab[i] = "w" + strconv.FormatInt(int64(i*2654435761%1000000007), 36)
	}
	var sb strings.Builder
	x := uint64(2463534242)
	for i := 0; i < nwords; i++ {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		r := float64(x>>11) / float64(1<<53)
		sb.WriteString(vocab[int(r*r*r*float64(len(vocab)))])
		if i%17 == 16 {
			sb.WriteString(".\n")
		} else {
			sb.WriteByte(' ')
		}
	}
	text := sb.String()
	counts := make(map[string]int)
	for _, w := range strings.Fields(text) {
		w = strings.TrimSuffix(w, ".")
		counts[w]++
	}
	hist := make(map[int]int)
	for _, c := range counts {
		hist[c]++
	}
	type kv struct {
		k string
		v int
	}
	all := make([]kv, 0, len(counts))
	for k, v := range counts {
		all = append(all, kv{k, v})
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].v != all[j].v {
			return all[i].v > all[j].v
		}
		return all[i].k < all[j].k
	})
	fmt.Printf("wordcount words=%d distinct=%d singletons=%d top=%s:%d,%s:%d,%s:%d\n",
		nwords, len(counts), hist[1], all[0].k, all[0].v, all[1].k, all[1].v, all[2].k, all[2].v)
}
