package wasmsimd

// The module's element-wise kernels for the convolutional network's
// passes outside the matrix products and for Adam. Each covers a whole
// operation (a chunk of images, a parameter tensor) per call, works on Go's
// slices in place (addresses in bytes), and computes the bits of its
// pure-Go twin, named in its doc comment.

// Export names of the element-wise kernels.
const (
	ExportMaxPool = "maxpool"
	ExportScatter = "scatter"
	ExportIm2col  = "im2col"
	ExportCol2im  = "col2im"
	ExportAdam    = "adam"
)

// Parameters of maxpool(x, y, arg, images, h, w, c, relu, base, baseStep) i32.
const (
	mpX = iota
	mpY
	mpArg
	mpImages
	mpH
	mpW
	mpC
	mpReLU
	mpBase
	mpBaseStep
	mpParams
)

// maxPoolKernel returns the body of maxpool, the 2×2 max-pool (stride 2,
// floor mode) of images channels-last h×w×c maps at x (c a multiple of 4,
// h and w at least 2, images at least 1) into the (h/2)·(w/2)·c values at
// y, image after image, with relu(max) when relu is not 0. arg receives the
// index of each window's winner: base + image·baseStep + its element index
// in the image. It compares the order keys of package ops' maxPoolImageGo
// (integers that order like the floats, −0 below +0) and keeps the first
// winner, so it stores the same bits. It returns 1, having written
// unspecified values, when an input is NaN (whose window the pure-Go code
// handles with its first-NaN rule), else 0.
func maxPoolKernel() []byte {
	var w buf
	const (
		lImg = mpParams + iota
		lXRow
		lIdxRow
		lOY
		lPT
		lIdx
		lOX
		lCC
		lYP
		lAP
		lCB
		lWCB
		lWC1B
		lRowPairB
		lOH
		lOW
		lInB
		numI32
	)
	const (
		vU = numI32 + iota
		vK
		vM
		vBest
		vWin
		vIV
		vNaN
		vAbs
		vInf
		vIota
		vOffC
		vOffWC
		vOffWC1
		numV128 = iota
	)
	w.u32(2)
	w.u32(numI32 - mpParams)
	w.byte(typeI32)
	w.u32(numV128)
	w.byte(typeV128)

	// cB = c·4, wcB = w·c·4, wc1B = wcB + cB, rowPairB = 2·wcB, inB = h·wcB.
	w.get(mpC)
	w.i32(2)
	w.op(opI32Shl)
	w.set(lCB)
	w.get(mpW)
	w.get(lCB)
	w.op(opI32Mul)
	w.set(lWCB)
	w.get(lWCB)
	w.get(lCB)
	w.op(opI32Add)
	w.set(lWC1B)
	w.get(lWCB)
	w.i32(1)
	w.op(opI32Shl)
	w.set(lRowPairB)
	w.get(mpH)
	w.get(lWCB)
	w.op(opI32Mul)
	w.set(lInB)
	w.get(mpH)
	w.i32(1)
	w.op(opI32ShrS)
	w.set(lOH)
	w.get(mpW)
	w.i32(1)
	w.op(opI32ShrS)
	w.set(lOW)
	w.i32x4Const(0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff)
	w.set(vAbs)
	w.i32x4Const(0x7f800000, 0x7f800000, 0x7f800000, 0x7f800000)
	w.set(vInf)
	w.i32x4Const(0, 1, 2, 3)
	w.set(vIota)
	// The element offsets of a window's other three values: c, w·c, w·c+c.
	w.get(mpC)
	w.simd(simdI32x4Splat)
	w.set(vOffC)
	w.get(mpW)
	w.get(mpC)
	w.op(opI32Mul)
	w.simd(simdI32x4Splat)
	w.set(vOffWC)
	w.get(vOffWC)
	w.get(vOffC)
	w.simd(simdI32x4Add)
	w.set(vOffWC1)
	w.v128Zero()
	w.set(vNaN)
	w.get(mpY)
	w.set(lYP)
	w.get(mpArg)
	w.set(lAP)
	w.get(mpX)
	w.set(lXRow)
	w.get(mpBase)
	w.set(lIdxRow)
	w.i32(0)
	w.set(lImg)

	w.loop() // images
	{
		w.i32(0)
		w.set(lOY)
		w.loop() // output rows
		{
			w.get(lXRow)
			w.set(lPT)
			w.get(lIdxRow)
			w.set(lIdx)
			w.i32(0)
			w.set(lOX)
			w.loop() // windows
			{
				w.i32(0)
				w.set(lCC)
				w.loop() // channels, 4 at a time
				{
					w.get(lIdx)
					w.simd(simdI32x4Splat)
					w.get(vIota)
					w.simd(simdI32x4Add)
					w.set(vIV)
					for j, off := range []uint32{0, lCB, lWCB, lWC1B} {
						w.get(lPT)
						if j > 0 {
							w.get(off)
							w.op(opI32Add)
						}
						w.v128Load(0)
						w.tee(vU)
						// nan |= (u & abs) > inf
						w.get(vAbs)
						w.simd(simdV128And)
						w.get(vInf)
						w.simd(simdI32x4GtS)
						w.get(vNaN)
						w.simd(simdV128Or)
						w.set(vNaN)
						orderKeyOf(&w, vU, vAbs)
						if j == 0 {
							w.set(vBest)
							w.get(vIV)
							w.set(vWin)
							continue
						}
						w.set(vK)
						w.get(vK)
						w.get(vBest)
						w.simd(simdI32x4GtS)
						w.set(vM)
						w.get(vK)
						w.get(vBest)
						w.get(vM)
						w.simd(simdV128Bitsel)
						w.set(vBest)
						w.get(vIV)
						w.get([]uint32{0, vOffC, vOffWC, vOffWC1}[j])
						w.simd(simdI32x4Add)
						w.get(vWin)
						w.get(vM)
						w.simd(simdV128Bitsel)
						w.set(vWin)
					}
					w.get(mpReLU)
					w.ifThen()
					{
						// best &^= best >> 31: negatives and −0 become +0.
						w.get(vBest)
						w.get(vBest)
						w.i32(31)
						w.simd(simdI32x4ShrS)
						w.simd(simdV128AndNot)
						w.set(vBest)
					}
					w.end()
					w.get(lYP)
					orderKeyOf(&w, vBest, vAbs)
					w.v128Store(0)
					w.get(lAP)
					w.get(vWin)
					w.v128Store(0)
					w.addTo(lPT, 16)
					w.addTo(lIdx, 4)
					w.addTo(lYP, 16)
					w.addTo(lAP, 16)
					w.get(lCC)
					w.i32(4)
					w.op(opI32Add)
					w.tee(lCC)
					w.get(mpC)
					w.op(opI32LtS)
					w.brIf(0)
				}
				w.end()
				// Past the window's right half to the next window.
				w.addLocal(lPT, lCB)
				w.addLocal(lIdx, mpC)
				w.get(lOX)
				w.i32(1)
				w.op(opI32Add)
				w.tee(lOX)
				w.get(lOW)
				w.op(opI32LtS)
				w.brIf(0)
			}
			w.end()
			w.addLocal(lXRow, lRowPairB)
			// idxRow += 2·w·c
			w.get(lIdxRow)
			w.get(lRowPairB)
			w.i32(2)
			w.op(opI32ShrS)
			w.op(opI32Add)
			w.set(lIdxRow)
			w.get(lOY)
			w.i32(1)
			w.op(opI32Add)
			w.tee(lOY)
			w.get(lOH)
			w.op(opI32LtS)
			w.brIf(0)
		}
		w.end()
		// Next image: its first row and its index base.
		w.get(mpX)
		w.get(lInB)
		w.get(lImg)
		w.i32(1)
		w.op(opI32Add)
		w.tee(lImg)
		w.op(opI32Mul)
		w.op(opI32Add)
		w.set(lXRow)
		w.get(mpBase)
		w.get(mpBaseStep)
		w.get(lImg)
		w.op(opI32Mul)
		w.op(opI32Add)
		w.set(lIdxRow)
		w.get(lImg)
		w.get(mpImages)
		w.op(opI32LtS)
		w.brIf(0)
	}
	w.end()
	w.get(vNaN)
	w.simd(simdV128AnyTrue)
	w.end()
	return w.b
}

// orderKeyOf pushes the order keys of the float bits in local u:
// u ^ ((u >> 31) & 0x7fffffff) per lane, its own inverse.
func orderKeyOf(w *buf, u, abs uint32) {
	w.get(u)
	w.get(u)
	w.i32(31)
	w.simd(simdI32x4ShrS)
	w.get(abs)
	w.simd(simdV128And)
	w.simd(simdV128Xor)
}

// Parameters of scatter(d, y, dy, arg, gb, images, positions, c, mapB).
const (
	scD = iota
	scY
	scDY
	scArg
	scGB
	scImages
	scPositions
	scC
	scMapB
	scParams
)

// scatterKernel returns the body of scatter, the 2×2 pool's backward pass
// of package ops' ConvPool2D (the loop over the pooled elements in its
// Backward is its pure-Go twin): for images pooled maps of positions×c
// values (c a multiple of 4) at y, dy and arg, image after image, it sets
// v = dy where y's bits are in (0, +Inf] (relu passed it) and 0 elsewhere,
// stores v at d + 4·arg (d advancing mapB bytes per image) and adds v to
// gb[channel], position after position, in the pure-Go order.
func scatterKernel() []byte {
	var w buf
	const (
		lImg = scParams + iota
		lP
		lCC
		lYP
		lDYP
		lAP
		lGBP
		lDImg
		numI32
	)
	const (
		vA = numI32 + iota
		vV
		vInf
		vOne
		numV128 = iota
	)
	w.u32(2)
	w.u32(numI32 - scParams)
	w.byte(typeI32)
	w.u32(numV128)
	w.byte(typeV128)
	w.i32x4Const(0x7f800000, 0x7f800000, 0x7f800000, 0x7f800000)
	w.set(vInf)
	w.i32x4Const(1, 1, 1, 1)
	w.set(vOne)
	w.get(scY)
	w.set(lYP)
	w.get(scDY)
	w.set(lDYP)
	w.get(scArg)
	w.set(lAP)
	w.get(scD)
	w.set(lDImg)
	w.i32(0)
	w.set(lImg)
	w.loop() // images
	{
		w.i32(0)
		w.set(lP)
		w.loop() // positions
		{
			w.get(scGB)
			w.set(lGBP)
			w.i32(0)
			w.set(lCC)
			w.loop() // channels, 4 at a time
			{
				// v = dy & ((bits(y) - 1) <u 0x7f800000)
				w.get(lDYP)
				w.v128Load(0)
				w.get(lYP)
				w.v128Load(0)
				w.get(vOne)
				w.simd(simdI32x4Sub)
				w.get(vInf)
				w.simd(simdI32x4LtU)
				w.simd(simdV128And)
				w.set(vV)
				w.get(lAP)
				w.v128Load(0)
				w.set(vA)
				for lane := byte(0); lane < 4; lane++ {
					w.get(lDImg)
					w.get(vA)
					w.simd(simdI32x4Extract)
					w.byte(lane)
					w.i32(2)
					w.op(opI32Shl)
					w.op(opI32Add)
					w.get(vV)
					w.simd(simdF32x4Extract)
					w.byte(lane)
					w.f32Store(0)
				}
				// gb += v
				w.get(lGBP)
				w.get(lGBP)
				w.v128Load(0)
				w.get(vV)
				w.simd(simdF32x4Add)
				w.v128Store(0)
				w.addTo(lGBP, 16)
				w.addTo(lYP, 16)
				w.addTo(lDYP, 16)
				w.addTo(lAP, 16)
				w.get(lCC)
				w.i32(4)
				w.op(opI32Add)
				w.tee(lCC)
				w.get(scC)
				w.op(opI32LtS)
				w.brIf(0)
			}
			w.end()
			w.get(lP)
			w.i32(1)
			w.op(opI32Add)
			w.tee(lP)
			w.get(scPositions)
			w.op(opI32LtS)
			w.brIf(0)
		}
		w.end()
		w.addLocal(lDImg, scMapB)
		w.get(lImg)
		w.i32(1)
		w.op(opI32Add)
		w.tee(lImg)
		w.get(scImages)
		w.op(opI32LtS)
		w.brIf(0)
	}
	w.end()
	w.end()
	return w.b
}

// Parameters of im2col and col2im(x, cols, images, inH, inW, c, k, stride, oh, ow).
const (
	icX = iota
	icCols
	icImages
	icInH
	icInW
	icC
	icK
	icStride
	icOH
	icOW
	icParams
)

// patchKernel returns the body of im2col (add false) or col2im (add true)
// for an unpadded convolution of images channels-last inH×inW×c maps at x
// with a k×k kernel and the given stride, oh×ow outputs per image: the
// patch matrix cols has one row of k·k·c values per output position, each
// kernel row's k·c values contiguous, as package ops' im2colHWC lays it
// out. im2col copies each kernel row's span of the image into cols;
// col2im adds it back, x[...] += cols[...], row after row and kernel row
// after kernel row, which is col2imHWC's order (x must be cleared first),
// so both give their pure-Go twins' bits.
func patchKernel(add bool) []byte {
	var w buf
	const (
		lImg = icParams + iota
		lOY
		lOX
		lKY
		lYRow // first image row of the current output row
		lSrc0 // first value of the current patch
		lS    // the current kernel row
		lDst
		lI
		lInB
		lRowB
		lOXStepB
		lOYStepB
		lSpanB
		lSpan4B
		numI32
	)
	w.u32(1)
	w.u32(numI32 - icParams)
	w.byte(typeI32)

	// rowB = inW·c·4, inB = inH·rowB, oxStepB = stride·c·4,
	// oyStepB = stride·rowB, spanB = k·c·4, span4B = spanB &^ 15.
	w.get(icInW)
	w.get(icC)
	w.op(opI32Mul)
	w.i32(2)
	w.op(opI32Shl)
	w.set(lRowB)
	w.get(icInH)
	w.get(lRowB)
	w.op(opI32Mul)
	w.set(lInB)
	w.get(icStride)
	w.get(icC)
	w.op(opI32Mul)
	w.i32(2)
	w.op(opI32Shl)
	w.set(lOXStepB)
	w.get(icStride)
	w.get(lRowB)
	w.op(opI32Mul)
	w.set(lOYStepB)
	w.get(icK)
	w.get(icC)
	w.op(opI32Mul)
	w.i32(2)
	w.op(opI32Shl)
	w.tee(lSpanB)
	w.i32(-16)
	w.op(opI32And)
	w.set(lSpan4B)
	w.get(icCols)
	w.set(lDst)
	w.i32(0)
	w.set(lImg)
	w.loop() // images
	{
		w.get(icX)
		w.get(lInB)
		w.get(lImg)
		w.op(opI32Mul)
		w.op(opI32Add)
		w.set(lYRow)
		w.i32(0)
		w.set(lOY)
		w.loop() // output rows
		{
			w.get(lYRow)
			w.set(lSrc0)
			w.i32(0)
			w.set(lOX)
			w.loop() // output columns: one patch
			{
				w.get(lSrc0)
				w.set(lS)
				w.i32(0)
				w.set(lKY)
				w.loop() // kernel rows
				{
					w.i32(0)
					w.set(lI)
					// Whole vectors, then single values.
					w.block()
					w.loop()
					w.get(lI)
					w.get(lSpan4B)
					w.op(opI32GeS)
					w.brIf(1)
					spanStep(&w, add, lS, lDst, lI, true)
					w.addTo(lI, 16)
					w.br(0)
					w.end()
					w.end()
					w.block()
					w.loop()
					w.get(lI)
					w.get(lSpanB)
					w.op(opI32GeS)
					w.brIf(1)
					spanStep(&w, add, lS, lDst, lI, false)
					w.addTo(lI, 4)
					w.br(0)
					w.end()
					w.end()
					w.addLocal(lDst, lSpanB)
					w.addLocal(lS, lRowB)
					w.get(lKY)
					w.i32(1)
					w.op(opI32Add)
					w.tee(lKY)
					w.get(icK)
					w.op(opI32LtS)
					w.brIf(0)
				}
				w.end()
				w.addLocal(lSrc0, lOXStepB)
				w.get(lOX)
				w.i32(1)
				w.op(opI32Add)
				w.tee(lOX)
				w.get(icOW)
				w.op(opI32LtS)
				w.brIf(0)
			}
			w.end()
			w.addLocal(lYRow, lOYStepB)
			w.get(lOY)
			w.i32(1)
			w.op(opI32Add)
			w.tee(lOY)
			w.get(icOH)
			w.op(opI32LtS)
			w.brIf(0)
		}
		w.end()
		w.get(lImg)
		w.i32(1)
		w.op(opI32Add)
		w.tee(lImg)
		w.get(icImages)
		w.op(opI32LtS)
		w.brIf(0)
	}
	w.end()
	w.end()
	return w.b
}

// spanStep moves one vector (vec) or one value at byte i of a kernel row
// between the image (at s) and the patch row (at dst): a copy into the
// patch row, or an addition into the image.
func spanStep(w *buf, add bool, s, dst, i uint32, vec bool) {
	load, store := w.f32Load, w.f32Store
	sum := func() { w.op(opF32Add) }
	if vec {
		load, store = w.v128Load, w.v128Store
		sum = func() { w.simd(simdF32x4Add) }
	}
	at := func(base uint32) {
		w.get(base)
		w.get(i)
		w.op(opI32Add)
	}
	if !add {
		at(dst)
		at(s)
		load(0)
		store(0)
		return
	}
	at(s)
	at(s)
	load(0)
	at(dst)
	load(0)
	sum()
	store(0)
}

// Parameters of adam(w, g, m, v, n, omb1, b2, omb2, eps, stepSize, bc2Sqrt).
const (
	adW = iota
	adG
	adM
	adV
	adN
	adOmB1
	adB2
	adOmB2
	adEps
	adStep
	adBC2
	adParams
)

// adamKernel returns the body of adam, package train's adamUpdateGo for
// the first n values (n a multiple of 4): with omb1 = 1−b1 and omb2 = 1−b2
// (as float32 subtractions in Go),
//
//	m = m + omb1·(g−m)
//	v = b2·v + omb2·g·g
//	w = w − stepSize·m / (sqrt(v)/bc2Sqrt + eps)
//	g = 0
//
// with the same float32 operations in the same order (no fused
// multiply-add; sqrt and division are correctly rounded in both), so it
// gives the same bits.
func adamKernel() []byte {
	var w buf
	const (
		lI = adParams + iota
		lEnd
		numI32
	)
	const (
		vG = numI32 + iota
		vM
		vVv
		vB2
		vOmB1
		vOmB2
		vEps
		vStep
		vBC2
		numV128 = iota
	)
	w.u32(2)
	w.u32(numI32 - adParams)
	w.byte(typeI32)
	w.u32(numV128)
	w.byte(typeV128)
	for _, s := range [][2]uint32{{adB2, vB2}, {adOmB1, vOmB1}, {adOmB2, vOmB2}, {adEps, vEps}, {adStep, vStep}, {adBC2, vBC2}} {
		w.get(s[0])
		w.simd(simdF32x4Splat)
		w.set(s[1])
	}
	w.get(adN)
	w.i32(2)
	w.op(opI32Shl)
	w.set(lEnd)
	w.i32(0)
	w.set(lI)
	at := func(base uint32) {
		w.get(base)
		w.get(lI)
		w.op(opI32Add)
	}
	w.block()
	w.loop()
	{
		w.get(lI)
		w.get(lEnd)
		w.op(opI32GeS)
		w.brIf(1)
		at(adG)
		w.v128Load(0)
		w.set(vG)
		// m = m + omb1·(g − m)
		at(adM)
		w.v128Load(0)
		w.tee(vM)
		w.get(vOmB1)
		w.get(vG)
		w.get(vM)
		w.simd(simdF32x4Sub)
		w.simd(simdF32x4Mul)
		w.simd(simdF32x4Add)
		w.set(vM)
		// v = b2·v + (omb2·g)·g
		w.get(vB2)
		at(adV)
		w.v128Load(0)
		w.simd(simdF32x4Mul)
		w.get(vOmB2)
		w.get(vG)
		w.simd(simdF32x4Mul)
		w.get(vG)
		w.simd(simdF32x4Mul)
		w.simd(simdF32x4Add)
		w.set(vVv)
		at(adM)
		w.get(vM)
		w.v128Store(0)
		at(adV)
		w.get(vVv)
		w.v128Store(0)
		// w = w − (stepSize·m) / (sqrt(v)/bc2Sqrt + eps)
		at(adW)
		at(adW)
		w.v128Load(0)
		w.get(vStep)
		w.get(vM)
		w.simd(simdF32x4Mul)
		w.get(vVv)
		w.simd(simdF32x4Sqrt)
		w.get(vBC2)
		w.simd(simdF32x4Div)
		w.get(vEps)
		w.simd(simdF32x4Add)
		w.simd(simdF32x4Div)
		w.simd(simdF32x4Sub)
		w.v128Store(0)
		at(adG)
		w.v128Zero()
		w.v128Store(0)
		w.addTo(lI, 16)
		w.br(0)
	}
	w.end()
	w.end()
	w.end()
	return w.b
}
