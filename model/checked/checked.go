// Package checked does integer arithmetic on sizes read from files, flags
// and addresses, reporting overflow instead of wrapping around: a count
// that overflows must be refused before anything is allocated from it.
package checked

import "math"

// Add returns a+b and whether the sum is exact (no overflow).
func Add(a, b int) (int, bool) {
	s := a + b
	if (b > 0 && s < a) || (b < 0 && s > a) {
		return 0, false
	}
	return s, true
}

// Mul returns a·b and whether the product is exact (no overflow).
func Mul(a, b int) (int, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	if (a == -1 && b == math.MinInt) || (b == -1 && a == math.MinInt) {
		return 0, false
	}
	p := a * b
	if p/b != a {
		return 0, false
	}
	return p, true
}

// MulAdd returns a·b+c and whether it is exact.
func MulAdd(a, b, c int) (int, bool) {
	p, ok := Mul(a, b)
	if !ok {
		return 0, false
	}
	return Add(p, c)
}
