package wasmsimd

// Parameters and locals of the packing function.
const (
	qSrc = iota
	qLDS
	qDst
	qNB
	qKB
	numPackParams
)

const (
	mJR = numPackParams + iota
	mCols
	mP
	mRowBase
	mDPanel
	mDP
	mCol                          // mCol+j points at column j's next value in the source
	mVec        = mCol + TileCols // first v128 local: the loaded columns, then the shuffled halves
	numPackI32  = mCol + TileCols - numPackParams
	numPackV128 = 2 * TileCols
)

// shuffle32 pushes i8x16.shuffle of the two vectors on the stack, choosing
// 32-bit lanes: 0-3 from the first, 4-7 from the second.
func shuffle32(w *buf, lanes [4]byte) {
	w.simd(simdShuffle)
	for _, l := range lanes {
		w.byte(4*l, 4*l+1, 4*l+2, 4*l+3)
	}
}

// packKernel returns the body of the packing function
//
//	packbt(src, lds, dst, nb, kb i32)
//
// which copies the k slab of a transposed B into column panels, as package
// gemm's packB does: for column j < nb (row j of the source, lds bytes
// apart) and step p < kb, dst[(j/TileCols)·TileCols·kb + p·TileCols +
// j%TileCols] = src[j·lds/4 + p], with zeros for the columns of the last
// panel past nb. Four steps at a time it loads four values of each of the
// panel's columns and transposes them in registers (4×4 blocks of
// shuffles); the last kb%4 steps are copied one value at a time.
func packKernel() []byte {
	var w buf
	w.u32(2)
	w.u32(numPackI32)
	w.byte(typeI32)
	w.u32(numPackV128)
	w.byte(typeV128)

	w.get(qSrc)
	w.set(mRowBase)
	w.get(qDst)
	w.set(mDPanel)
	w.i32(0)
	w.set(mJR)
	w.block()
	w.loop()
	w.get(mJR)
	w.get(qNB)
	w.op(opI32GeS)
	w.brIf(1)
	minInto(&w, mCols, qNB, mJR, TileCols)
	// Column j reads source row j; columns past nb read row 0 (valid
	// memory) and store zeros.
	for j := 0; j < TileCols; j++ {
		w.get(mRowBase)
		if j > 0 {
			w.get(mRowBase)
			w.get(qLDS)
			w.i32(int32(j))
			w.op(opI32Mul)
			w.op(opI32Add)
			w.get(mRowBase)
			w.i32(int32(j))
			w.get(mCols)
			w.op(opI32LtS)
			w.op(opSelect)
		}
		w.set(uint32(mCol + j))
	}
	w.get(mDPanel)
	w.set(mDP)
	w.i32(0)
	w.set(mP)

	// Four steps at a time while p+4 <= kb.
	w.block()
	w.loop()
	w.get(mP)
	w.i32(4)
	w.op(opI32Add)
	w.get(qKB)
	w.op(opI32GtS)
	w.brIf(1)
	for j := 0; j < TileCols; j++ {
		w.get(uint32(mCol + j))
		w.v128Load(0)
		if j > 0 {
			w.v128Zero()
			w.i32(int32(j))
			w.get(mCols)
			w.op(opI32LtS)
			w.op(opSelect)
		}
		w.set(uint32(mVec + j))
	}
	for h := 0; h < TileCols/4; h++ {
		r := uint32(mVec + 4*h)
		t := uint32(mVec + TileCols + 4*h)
		// t0 = (r0[0] r1[0] r0[1] r1[1]), t1 = (r0[2] r1[2] r0[3] r1[3]),
		// t2, t3 likewise from r2 and r3.
		for i, pair := range [][2]uint32{{r, r + 1}, {r, r + 1}, {r + 2, r + 3}, {r + 2, r + 3}} {
			w.get(pair[0])
			w.get(pair[1])
			if i%2 == 0 {
				shuffle32(&w, [4]byte{0, 4, 1, 5})
			} else {
				shuffle32(&w, [4]byte{2, 6, 3, 7})
			}
			w.set(t + uint32(i))
		}
		// Step q's four values of this half: from t0/t2 (q = 0, 1) or
		// t1/t3 (q = 2, 3).
		for q := 0; q < 4; q++ {
			w.get(mDP)
			w.get(t + uint32(q/2))
			w.get(t + 2 + uint32(q/2))
			if q%2 == 0 {
				shuffle32(&w, [4]byte{0, 1, 4, 5})
			} else {
				shuffle32(&w, [4]byte{2, 3, 6, 7})
			}
			w.v128Store(uint32(q*TileCols*4 + 16*h))
		}
	}
	for j := 0; j < TileCols; j++ {
		w.addTo(uint32(mCol+j), 16)
	}
	w.addTo(mDP, 4*TileCols*4)
	w.addTo(mP, 4)
	w.br(0)
	w.end()
	w.end()

	// The remaining steps one at a time.
	w.block()
	w.loop()
	w.get(mP)
	w.get(qKB)
	w.op(opI32GeS)
	w.brIf(1)
	for j := 0; j < TileCols; j++ {
		w.get(mDP)
		w.get(uint32(mCol + j))
		w.f32Load(0)
		if j > 0 {
			w.f32(0)
			w.i32(int32(j))
			w.get(mCols)
			w.op(opI32LtS)
			w.op(opSelect)
		}
		w.f32Store(uint32(4 * j))
		w.addTo(uint32(mCol+j), 4)
	}
	w.addTo(mDP, TileCols*4)
	w.addTo(mP, 1)
	w.br(0)
	w.end()
	w.end()

	// Next panel: TileCols source rows on, TileCols·kb values on in dst.
	w.get(mRowBase)
	w.get(qLDS)
	w.i32(TileCols)
	w.op(opI32Mul)
	w.op(opI32Add)
	w.set(mRowBase)
	w.get(mDPanel)
	w.get(qKB)
	w.i32(TileCols * 4)
	w.op(opI32Mul)
	w.op(opI32Add)
	w.set(mDPanel)
	w.addTo(mJR, TileCols)
	w.br(0)
	w.end()
	w.end()
	w.end()
	return w.b
}
