package mathx

import (
	"math"
	"testing"
)

func TestGCD(t *testing.T) {
	cases := []struct{ a, b, want uint64 }{
		{12, 18, 6}, {17, 5, 1}, {0, 9, 9}, {1 << 62, 1 << 40, 1 << 40},
	}
	for _, c := range cases {
		if got := GCD(c.a, c.b); got != c.want {
			t.Errorf("GCD(%d, %d) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestMulHi(t *testing.T) {
	if got := MulHi(math.MaxUint64, math.MaxUint64); got != math.MaxUint64-1 {
		t.Errorf("MulHi(max, max) = %d", got)
	}
	if got := MulHi(1<<63, 4); got != 2 {
		t.Errorf("MulHi(2^63, 4) = %d", got)
	}
}

func TestCollatz(t *testing.T) {
	if got := Collatz(27); got != 111 {
		t.Errorf("Collatz(27) = %d, want 111", got)
	}
}

func TestPrimes(t *testing.T) {
	p := Primes(100000)
	if len(p) != 9592 {
		t.Fatalf("%d primes below 100000, want 9592", len(p))
	}
	if p[len(p)-1] != 99991 {
		t.Errorf("largest prime = %d", p[len(p)-1])
	}
}

func TestFloat(t *testing.T) {
	if got := math.Sqrt(2); got != 1.4142135623730951 {
		t.Errorf("Sqrt(2) = %v", got)
	}
	if !math.IsNaN(math.Log(-1)) {
		t.Error("Log(-1) is not NaN")
	}
	if got := math.Float64bits(math.Copysign(0, -1)); got != 1<<63 {
		t.Errorf("-0 bits = %x", got)
	}
	if got := int64(math.Trunc(-2.5)); got != -2 {
		t.Errorf("Trunc(-2.5) = %d", got)
	}
}

func BenchmarkCollatz(b *testing.B) {
	for i := 0; i < b.N; i++ {
		Collatz(uint64(i%1000 + 1))
	}
}
