package gemm

// packA copies rows [i0, i0+mb) and k range [p0, p0+kb) of op(A) into dst
// as consecutive panels with the heights in plan; a panel of height h holds,
// for each p, the h values of column p. Rows past the end are zero so an
// edge panel can run the full-height kernel.
func packA(plan []int, x *args, i0, mb, p0, kb int, dst []float32) {
	a, lda := x.a, x.lda
	off, ir := 0, 0
	for _, h := range plan {
		rows := min(h, mb-ir)
		d := dst[off : off+h*kb]
		if x.transA {
			// op(A)(i, p) = a[p*lda+i]: each p copies a contiguous run.
			for p := 0; p < kb; p++ {
				dp := d[p*h : p*h+h]
				copy(dp, a[(p0+p)*lda+i0+ir:(p0+p)*lda+i0+ir+rows])
				clear(dp[rows:])
			}
		} else {
			// op(A)(i, p) = a[i*lda+p]: a transpose.
			packT(a[(i0+ir)*lda+p0:], lda, d, h, rows, kb)
			if rows < h {
				for p := 0; p < kb; p++ {
					clear(d[p*h+rows : p*h+h])
				}
			}
		}
		off += h * kb
		ir += h
	}
}

// packB copies k range [p0, p0+kb) and columns [j0, j0+nb) of op(B) into
// dst as consecutive panels nr wide; a panel holds, for each p, the nr
// values of row p. Columns past the end are zero.
func packB(nr int, x *args, p0, kb, j0, nb int, dst []float32) {
	b, ldb := x.b, x.ldb
	for jr := 0; jr < nb; jr += nr {
		cols := min(nr, nb-jr)
		d := dst[jr*kb : jr*kb+nr*kb]
		if !x.transB && cols == 16 && nr == 16 {
			packRows16(b[p0*ldb+j0+jr:], ldb, d, kb)
		} else if !x.transB {
			for p := 0; p < kb; p++ {
				src := b[(p0+p)*ldb+j0+jr : (p0+p)*ldb+j0+jr+cols]
				dp := d[p*nr : p*nr+nr]
				copy(dp, src)
				clear(dp[cols:])
			}
		} else {
			// op(B)(p, j) = b[j*ldb+p]: a transpose.
			packT(b[(j0+jr)*ldb+p0:], ldb, d, nr, cols, kb)
			if cols < nr {
				for p := 0; p < kb; p++ {
					clear(d[p*nr+cols : p*nr+nr])
				}
			}
		}
	}
}

// packTGo sets dst[p*ldd+r] = src[r*lds+p] for r in [r0, r1) and p in
// [p0, p1). Each source row is read once, contiguously; the stores are
// strided but land in the few cache lines a panel row spans.
func packTGo(src []float32, lds int, dst []float32, ldd, r0, r1, p0, p1 int) {
	if p0 >= p1 {
		return
	}
	for r := r0; r < r1; r++ {
		row := src[r*lds+p0 : r*lds+p1]
		for p, v := range row {
			dst[(p0+p)*ldd+r] = v
		}
	}
}

// packRows16Go copies n rows of 16 values, src rows lds apart, into
// consecutive rows of dst: the portable packRows16.
func packRows16Go(src []float32, lds int, dst []float32, n int) {
	for p := 0; p < n; p++ {
		copy(dst[p*16:p*16+16], src[p*lds:p*lds+16])
	}
}
