// crypto/rand through random_get: two reads differ and are not all zero;
// also a rand.Int below a bound and a random UUID-shaped string.
package main

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"math/big"
	"os"
)

func main() {
	a := make([]byte, 32)
	b := make([]byte, 32)
	if _, err := rand.Read(a); err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	if _, err := rand.Read(b); err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Println("differ:", !bytes.Equal(a, b))
	fmt.Println("nonzero:", !bytes.Equal(a, make([]byte, 32)))
	n, err := rand.Int(rand.Reader, big.NewInt(1000))
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Println("bounded:", n.Sign() >= 0 && n.Cmp(big.NewInt(1000)) < 0)
	big := make([]byte, 1<<20)
	if _, err := rand.Read(big); err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	zeros := 0
	for _, c := range big {
		if c == 0 {
			zeros++
		}
	}
	// Expect about 4096 zero bytes in a random MiB.
	fmt.Println("plausible:", zeros > 3000 && zeros < 5200)
}
