// Package textx does word statistics; its tests read testdata/.
package textx

import (
	"bufio"
	"io"
	"sort"
	"strings"
)

// Count holds one word and how often it appears.
type Count struct {
	Word string
	N    int
}

// Top returns the n most frequent words (ties by word), lower-cased.
func Top(r io.Reader, n int) ([]Count, error) {
	counts := map[string]int{}
	sc := bufio.NewScanner(r)
	sc.Split(bufio.ScanWords)
	for sc.Scan() {
		w := strings.ToLower(strings.Trim(sc.Text(), ".,;:!?\"'()"))
		if w != "" {
			counts[w]++
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	out := make([]Count, 0, len(counts))
	for w, c := range counts {
		out = append(out, Count{w, c})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].N != out[j].N {
			return out[i].N > out[j].N
		}
		return out[i].Word < out[j].Word
	})
	if len(out) > n {
		out = out[:n]
	}
	return out, nil
}
