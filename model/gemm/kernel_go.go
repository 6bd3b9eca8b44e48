package gemm

// microGo4x4 is the portable 4×4 micro-kernel. It only runs on packed
// panels (rs = 1, ps = 4, bs = 4). It does microRef's operations in
// microRef's order (the float32 conversions in the epilogue say which
// product is rounded on its own where the compiler fuses).
func microGo4x4(k int, a []float32, rs, ps int, b []float32, bs int, c []float32, ldc int, alpha, beta float32, rows, cols int) {
	var c00, c01, c02, c03 float32
	var c10, c11, c12, c13 float32
	var c20, c21, c22, c23 float32
	var c30, c31, c32, c33 float32
	a = a[:4*k]
	b = b[:4*k]
	for len(a) >= 4 && len(b) >= 4 {
		b0, b1, b2, b3 := b[0], b[1], b[2], b[3]
		a0 := a[0]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		a1 := a[1]
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		a2 := a[2]
		c20 += a2 * b0
		c21 += a2 * b1
		c22 += a2 * b2
		c23 += a2 * b3
		a3 := a[3]
		c30 += a3 * b0
		c31 += a3 * b1
		c32 += a3 * b2
		c33 += a3 * b3
		a = a[4:]
		b = b[4:]
	}
	if rows == 4 && cols == 4 {
		r0 := c[0:4:4]
		r1 := c[ldc : ldc+4 : ldc+4]
		r2 := c[2*ldc : 2*ldc+4 : 2*ldc+4]
		r3 := c[3*ldc : 3*ldc+4 : 3*ldc+4]
		if beta == 0 {
			r0[0], r0[1], r0[2], r0[3] = alpha*c00, alpha*c01, alpha*c02, alpha*c03
			r1[0], r1[1], r1[2], r1[3] = alpha*c10, alpha*c11, alpha*c12, alpha*c13
			r2[0], r2[1], r2[2], r2[3] = alpha*c20, alpha*c21, alpha*c22, alpha*c23
			r3[0], r3[1], r3[2], r3[3] = alpha*c30, alpha*c31, alpha*c32, alpha*c33
			return
		}
		r0[0], r0[1], r0[2], r0[3] = float32(alpha*c00)+beta*r0[0], float32(alpha*c01)+beta*r0[1], float32(alpha*c02)+beta*r0[2], float32(alpha*c03)+beta*r0[3]
		r1[0], r1[1], r1[2], r1[3] = float32(alpha*c10)+beta*r1[0], float32(alpha*c11)+beta*r1[1], float32(alpha*c12)+beta*r1[2], float32(alpha*c13)+beta*r1[3]
		r2[0], r2[1], r2[2], r2[3] = float32(alpha*c20)+beta*r2[0], float32(alpha*c21)+beta*r2[1], float32(alpha*c22)+beta*r2[2], float32(alpha*c23)+beta*r2[3]
		r3[0], r3[1], r3[2], r3[3] = float32(alpha*c30)+beta*r3[0], float32(alpha*c31)+beta*r3[1], float32(alpha*c32)+beta*r3[2], float32(alpha*c33)+beta*r3[3]
		return
	}
	acc := [16]float32{c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33}
	for r := 0; r < rows; r++ {
		row := c[r*ldc : r*ldc+cols]
		for j := range row {
			if beta == 0 {
				row[j] = alpha * acc[4*r+j]
			} else {
				row[j] = float32(alpha*acc[4*r+j]) + beta*row[j]
			}
		}
	}
}
