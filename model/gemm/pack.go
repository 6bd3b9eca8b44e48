package gemm

// packA copies rows [i0, i0+mb) and k range [p0, p0+kb) of alpha·op(A) into
// dst as consecutive panels, in the heights kr.panel chooses; a panel of
// height h holds, for each p, the h values of column p. Rows past the end
// are zero so edge panels can run the full-height kernel.
func packA(kr *kernel, x *args, i0, mb, p0, kb int, dst []float32) {
	a, lda, alpha := x.a, x.lda, x.alpha
	off := 0
	for ir := 0; ir < mb; {
		h, _ := kr.panel(mb - ir)
		rows := min(h, mb-ir)
		d := dst[off : off+h*kb]
		if x.transA {
			// op(A)(i, p) = a[p*lda+i]: each p reads a contiguous run.
			for p := 0; p < kb; p++ {
				src := a[(p0+p)*lda+i0+ir : (p0+p)*lda+i0+ir+rows]
				dp := d[p*h : p*h+h]
				for r, v := range src {
					dp[r] = alpha * v
				}
				clear(dp[rows:])
			}
		} else {
			// op(A)(i, p) = a[i*lda+p]: read each row once and scatter it
			// with stride h, which stays inside a few cache lines.
			for r := 0; r < rows; r++ {
				src := a[(i0+ir+r)*lda+p0 : (i0+ir+r)*lda+p0+kb]
				for p, v := range src {
					d[p*h+r] = alpha * v
				}
			}
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
		if !x.transB {
			for p := 0; p < kb; p++ {
				src := b[(p0+p)*ldb+j0+jr : (p0+p)*ldb+j0+jr+cols]
				dp := d[p*nr : p*nr+nr]
				copy(dp, src)
				clear(dp[cols:])
			}
		} else {
			// op(B)(p, j) = b[j*ldb+p]: read each row of b once.
			for c := 0; c < cols; c++ {
				src := b[(j0+jr+c)*ldb+p0 : (j0+jr+c)*ldb+p0+kb]
				for p, v := range src {
					d[p*nr+c] = v
				}
			}
			if cols < nr {
				for p := 0; p < kb; p++ {
					clear(d[p*nr+cols : p*nr+nr])
				}
			}
		}
	}
}
