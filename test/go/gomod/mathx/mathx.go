// Package mathx is plain computation: integer and float math that a wasm
// engine must get bit-exact.
package mathx

import "math/bits"

// GCD is Euclid's algorithm.
func GCD(a, b uint64) uint64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// MulHi returns the high 64 bits of a*b.
func MulHi(a, b uint64) uint64 {
	hi, _ := bits.Mul64(a, b)
	return hi
}

// Collatz counts the steps to reach 1.
func Collatz(n uint64) int {
	steps := 0
	for n != 1 {
		if n%2 == 0 {
			n /= 2
		} else {
			n = 3*n + 1
		}
		steps++
	}
	return steps
}

// Primes returns the primes below n (sieve of Eratosthenes).
func Primes(n int) []int {
	composite := make([]bool, n)
	var out []int
	for i := 2; i < n; i++ {
		if composite[i] {
			continue
		}
		out = append(out, i)
		for j := i * i; j < n; j += i {
			composite[j] = true
		}
	}
	return out
}
