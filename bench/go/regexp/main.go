// regexp: several patterns (literal prefix, alternation, classes, captures)
// over generated text; Go's RE2-style NFA/onepass/backtrack matchers.
package main

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
)

var words = []string{"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "theta", "kappa",
	"lambda", "sigma", "omega", "error", "warning", "info", "debug", "request", "response"}

func main() {
	lines := 40000
	if len(os.Args) > 1 {
		lines, _ = strconv.Atoi(os.Args[1])
	}
	var sb strings.Builder
	x := uint32(12345)
	next := func() uint32 { x ^= x << 13; x ^= x >> 17; x ^= x << 5; return x }
	for i := 0; i < lines; i++ {
		fmt.Fprintf(&sb, "2024-%02d-%02d %02d:%02d:%02d ", 1+next()%12, 1+next()%28, next()%24, next()%60, next()%60)
		for k := 0; k < 6+int(next()%6); k++ {
			sb.WriteString(words[next()%uint32(len(words))])
			sb.WriteByte(' ')
		}
		if next()%4 == 0 {
			fmt.Fprintf(&sb, "user%d@host%d.example.com ", next()%1000, next()%50)
		}
		fmt.Fprintf(&sb, "id=%d ip=%d.%d.%d.%d\n", next()%100000, next()%256, next()%256, next()%256, next()%256)
	}
	text := sb.String()
	patterns := []string{
		`\b\d{4}-\d{2}-\d{2}\b`,
		`[a-z0-9]+@[a-z0-9]+\.example\.com`,
		`(error|warning) (\w+) (\w+)`,
		`ip=(\d+)\.(\d+)\.(\d+)\.(\d+)`,
		`(?i)LAMBDA\s+SIGMA`,
		`id=[1-9][0-9]{4}\b`,
	}
	sum := 0
	for _, p := range patterns {
		re := regexp.MustCompile(p)
		m := re.FindAllStringSubmatchIndex(text, -1)
		c := 0
		for _, idx := range m {
			c += idx[1] - idx[0]
		}
		fmt.Printf("%-40s %d matches %d bytes\n", p, len(m), c)
		sum = sum*31 + len(m) + c
	}
	out := regexp.MustCompile(`\d+`).ReplaceAllString(text[:len(text)/4], "#")
	fmt.Printf("regexp lines=%d text=%d replaced=%d check=%d\n", lines, len(text), len(out), sum&0xffffffff)
}
