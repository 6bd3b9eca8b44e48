package wasmsimd

// Parameters of the kernel function, in order.
const (
	pKB = iota
	pMB
	pNB
	pA
	pARS
	pAPS
	pAPan
	pB
	pBPS
	pBPan
	pBEdge
	pC
	pLDC
	pAlpha
	pBeta
	pTile
	numParams
)

// Locals of the kernel function, after the parameters: i32s, then one f32,
// then the vectors.
const (
	lJR = numParams + iota
	lIR
	lP
	lBPtr
	lCPtr
	lRows
	lNW
	lAPanel
	lBPanel
	lBStart // first B step of the current panel
	lBStep  // bytes between the current panel's B steps
	lLDCB   // ldc in bytes
	lCRow
	lR
	lJ
	lAddr
	lTRow
	lARow        // lARow+r points at row r of the A panel at the current step
	numI32Locals = lARow + TileRows - numParams
)

const (
	lT      = numParams + numI32Locals // f32 scratch
	lAlphaV = lT + iota                // f32x4 splat of alpha
	lBetaV
	lAV // broadcast A value
	lBV // first of the B vectors, then the accumulators
)

const (
	vecs   = TileCols / 4      // B vectors per step
	numAcc = TileRows * vecs   // accumulators
	lAcc   = lBV + vecs        // first accumulator; acc(r, v) = lAcc + r*vecs + v
	numV   = 3 + vecs + numAcc // v128 locals
	rowB   = TileCols * 4      // bytes of one packed B step
)

func acc(r, v int) uint32 { return uint32(lAcc + r*vecs + v) }

// macroKernel returns the body of the kernel function (locals and code).
func macroKernel() []byte {
	var w buf
	w.u32(3)
	w.u32(numI32Locals)
	w.byte(typeI32)
	w.u32(1)
	w.byte(typeF32)
	w.u32(numV)
	w.byte(typeV128)

	// An empty slab has nothing to add (package gemm never passes one).
	w.get(pKB)
	w.i32(1)
	w.op(opI32LtS)
	w.ifThen()
	w.op(opReturn)
	w.end()

	// ldcB = ldc*4
	w.get(pLDC)
	w.i32(2)
	w.op(opI32Shl)
	w.set(lLDCB)
	w.get(pAlpha)
	w.simd(simdF32x4Splat)
	w.set(lAlphaV)
	w.get(pBeta)
	w.simd(simdF32x4Splat)
	w.set(lBetaV)
	w.get(pB)
	w.set(lBPanel)
	w.get(pC)
	w.set(lCRow)
	w.i32(0)
	w.set(lJR)

	// for jr := 0; jr < nb; jr += TileCols
	w.block()
	w.loop()
	w.get(lJR)
	w.get(pNB)
	w.op(opI32GeS)
	w.brIf(1)
	minInto(&w, lNW, pNB, lJR, TileCols)
	// A whole panel is read at bpan steps from b, a partial one from the
	// packed copy at bedge.
	w.get(lBPanel)
	w.get(pBEdge)
	w.get(lNW)
	w.i32(TileCols)
	w.op(opI32Eq)
	w.op(opSelect)
	w.set(lBStart)
	w.get(pBPS)
	w.i32(rowB)
	w.get(lNW)
	w.i32(TileCols)
	w.op(opI32Eq)
	w.op(opSelect)
	w.set(lBStep)
	w.get(pA)
	w.set(lAPanel)
	w.get(lCRow)
	w.set(lCPtr)
	w.i32(0)
	w.set(lIR)

	// for ir := 0; ir < mb; ir += TileRows
	w.block()
	w.loop()
	w.get(lIR)
	w.get(pMB)
	w.op(opI32GeS)
	w.brIf(1)
	minInto(&w, lRows, pMB, lIR, TileRows)
	tileProduct(&w)
	storeTile(&w)
	w.addLocal(lAPanel, pAPan)
	// cptr += TileRows*ldcB
	w.get(lCPtr)
	w.get(lLDCB)
	w.i32(TileRows)
	w.op(opI32Mul)
	w.op(opI32Add)
	w.set(lCPtr)
	w.addTo(lIR, TileRows)
	w.br(0)
	w.end() // loop ir
	w.end() // block ir

	w.addLocal(lBPanel, pBPan)
	w.addTo(lCRow, TileCols*4)
	w.addTo(lJR, TileCols)
	w.br(0)
	w.end() // loop jr
	w.end() // block jr
	w.end() // function
	return w.b
}

// minInto sets dst = min(limit, total-pos) for the edge of a loop.
func minInto(w *buf, dst, total, pos uint32, limit int32) {
	w.get(total)
	w.get(pos)
	w.op(opI32Sub)
	w.tee(dst)
	w.i32(limit)
	w.get(dst)
	w.i32(limit)
	w.op(opI32LtS)
	w.op(opSelect) // dst < limit ? dst : limit
	w.set(dst)
}

// tileProduct accumulates one A panel times one B panel over kb steps.
func tileProduct(w *buf) {
	for r := 0; r < TileRows; r++ {
		for v := 0; v < vecs; v++ {
			w.v128Zero()
			w.set(acc(r, v))
		}
	}
	// Row r of the panel starts at apanel + r*ars; rows past the edge
	// read row 0 again (valid memory; their results are not stored).
	for r := 0; r < TileRows; r++ {
		w.get(lAPanel)
		if r > 0 {
			w.get(lAPanel)
			w.get(pARS)
			w.i32(int32(r))
			w.op(opI32Mul)
			w.op(opI32Add)
			w.get(lAPanel)
			w.i32(int32(r))
			w.get(lRows)
			w.op(opI32LtS)
			w.op(opSelect)
		}
		w.set(uint32(lARow + r))
	}
	w.get(lBStart)
	w.set(lBPtr)
	w.get(pKB)
	w.set(lP)
	w.loop()
	for v := 0; v < vecs; v++ {
		w.get(lBPtr)
		w.v128Load(uint32(16 * v))
		w.set(uint32(lBV + v))
	}
	for r := 0; r < TileRows; r++ {
		w.get(uint32(lARow + r))
		w.load32Splat(0)
		w.set(lAV)
		for v := 0; v < vecs; v++ {
			w.get(acc(r, v))
			w.get(lAV)
			w.get(uint32(lBV + v))
			w.simd(simdF32x4Mul)
			w.simd(simdF32x4Add)
			w.set(acc(r, v))
		}
	}
	for r := 0; r < TileRows; r++ {
		w.addLocal(uint32(lARow+r), pAPS)
	}
	w.addLocal(lBPtr, lBStep)
	w.get(lP)
	w.i32(1)
	w.op(opI32Sub)
	w.tee(lP)
	w.brIf(0)
	w.end()
}

// storeTile writes the accumulators to C: whole tiles with vector stores,
// edge tiles through the scratch tile with scalar stores of the valid part.
func storeTile(w *buf) {
	// if rows == TileRows && nw == TileCols
	w.get(lRows)
	w.i32(TileRows)
	w.op(opI32Eq)
	w.get(lNW)
	w.i32(TileCols)
	w.op(opI32Eq)
	w.op(opI32And)
	w.ifThen()
	{
		w.get(pBeta)
		w.f32(0)
		w.op(opF32Eq)
		w.ifThen()
		fullStore(w, false)
		w.byte(opElse)
		fullStore(w, true)
		w.end()
	}
	w.byte(opElse)
	{
		for r := 0; r < TileRows; r++ {
			for v := 0; v < vecs; v++ {
				w.get(pTile)
				w.get(acc(r, v))
				w.v128Store(uint32(4 * (r*TileCols + 4*v)))
			}
		}
		// for r := 0; r < rows; r++ (rows >= 1)
		w.get(lCPtr)
		w.set(lAddr)
		w.get(pTile)
		w.set(lTRow)
		w.i32(0)
		w.set(lR)
		w.loop()
		{
			// for j := 0; j < nw; j++ (nw >= 1)
			w.i32(0)
			w.set(lJ)
			w.loop()
			{
				// t = alpha*tile[r][j]
				w.get(lTRow)
				w.get(lJ)
				w.i32(2)
				w.op(opI32Shl)
				w.op(opI32Add)
				w.f32Load(0)
				w.get(pAlpha)
				w.op(opF32Mul)
				w.set(lT)
				w.get(pBeta)
				w.f32(0)
				w.op(opF32Eq)
				w.ifThen()
				{
					// C[r][j] = t
					cAddr(w)
					w.get(lT)
					w.f32Store(0)
				}
				w.byte(opElse)
				{
					// C[r][j] = t + beta*C[r][j]
					cAddr(w)
					cAddr(w)
					w.f32Load(0)
					w.get(pBeta)
					w.op(opF32Mul)
					w.get(lT)
					w.op(opF32Add)
					w.f32Store(0)
				}
				w.end()
				w.get(lJ)
				w.i32(1)
				w.op(opI32Add)
				w.tee(lJ)
				w.get(lNW)
				w.op(opI32LtS)
				w.brIf(0)
			}
			w.end()
			w.addLocal(lAddr, lLDCB)
			w.addTo(lTRow, TileCols*4)
			w.get(lR)
			w.i32(1)
			w.op(opI32Add)
			w.tee(lR)
			w.get(lRows)
			w.op(opI32LtS)
			w.brIf(0)
		}
		w.end()
	}
	w.end()
}

// cAddr pushes the address of C[r][j] in the edge loop.
func cAddr(w *buf) {
	w.get(lAddr)
	w.get(lJ)
	w.i32(2)
	w.op(opI32Shl)
	w.op(opI32Add)
}

// fullStore writes a whole tile: C = alpha·acc (+ beta·C when withBeta).
func fullStore(w *buf, withBeta bool) {
	w.get(lCPtr)
	w.set(lAddr)
	for r := 0; r < TileRows; r++ {
		for v := 0; v < vecs; v++ {
			w.get(lAddr)
			w.get(acc(r, v))
			w.get(lAlphaV)
			w.simd(simdF32x4Mul)
			if withBeta {
				w.get(lAddr)
				w.v128Load(uint32(16 * v))
				w.get(lBetaV)
				w.simd(simdF32x4Mul)
				w.simd(simdF32x4Add)
			}
			w.v128Store(uint32(16 * v))
		}
		if r < TileRows-1 {
			w.addLocal(lAddr, lLDCB)
		}
	}
}
