package checked

import (
	"math"
	"math/big"
	"testing"
)

func TestAddMulReportOverflow(t *testing.T) {
	tests := []struct {
		a, b int
	}{
		{0, 0}, {1, 2}, {-3, 7}, {math.MaxInt, 1}, {math.MaxInt, 0}, {math.MinInt, -1}, {math.MinInt, 1},
		{1 << 62, 2}, {1 << 62, 1}, {4611686018427387904, 2}, {-1, math.MinInt}, {3037000500, 3037000500},
		{3037000499, 3037000499}, {-(1 << 32), 1 << 31}, {-(1 << 32), 1 << 32},
	}
	inRange := func(z *big.Int) bool { return z.IsInt64() }
	for _, tt := range tests {
		a, b := big.NewInt(int64(tt.a)), big.NewInt(int64(tt.b))
		sum := new(big.Int).Add(a, b)
		if got, ok := Add(tt.a, tt.b); ok != inRange(sum) || (ok && int64(got) != sum.Int64()) {
			t.Errorf("Add(%d, %d) = %d, %v; exact sum %s", tt.a, tt.b, got, ok, sum)
		}
		prod := new(big.Int).Mul(a, b)
		if got, ok := Mul(tt.a, tt.b); ok != inRange(prod) || (ok && int64(got) != prod.Int64()) {
			t.Errorf("Mul(%d, %d) = %d, %v; exact product %s", tt.a, tt.b, got, ok, prod)
		}
	}
}

func TestMulAdd(t *testing.T) {
	if got, ok := MulAdd(784, 256, 256); !ok || got != 200960 {
		t.Errorf("MulAdd(784, 256, 256) = %d, %v", got, ok)
	}
	if _, ok := MulAdd(4611686018427387904, 784, 1); ok {
		t.Error("MulAdd(2^62, 784, 1) did not report the overflow")
	}
	if _, ok := MulAdd(1<<31, 1<<31, math.MaxInt); ok {
		t.Error("MulAdd(2^31, 2^31, MaxInt) did not report the overflow")
	}
}
