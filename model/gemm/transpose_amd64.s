//go:build !purego

#include "textflag.h"

// func transpose8(src *float32, lds int, dst *float32, ldd int, nblk int)
//
// For q in [0, nblk) and r, p in [0, 8):
//	dst[(8q+p)*ldd + r] = src[r*lds + 8q + p]
// Classic 8×8 in-register transpose: unpack pairs, shuffle quads, swap
// 128-bit lanes; 24 shuffles per 64 elements.
TEXT ·transpose8(SB), NOSPLIT, $0-40
	MOVQ src+0(FP), SI
	MOVQ lds+8(FP), AX
	SHLQ $2, AX
	MOVQ dst+16(FP), DI
	MOVQ ldd+24(FP), BX
	SHLQ $2, BX
	MOVQ nblk+32(FP), CX
	LEAQ (AX)(AX*2), DX
	LEAQ (BX)(BX*2), R9

t8loop:
	MOVQ SI, R10
	VMOVUPS (R10), Y0
	VMOVUPS (R10)(AX*1), Y1
	VMOVUPS (R10)(AX*2), Y2
	VMOVUPS (R10)(DX*1), Y3
	LEAQ (R10)(AX*4), R10
	VMOVUPS (R10), Y4
	VMOVUPS (R10)(AX*1), Y5
	VMOVUPS (R10)(AX*2), Y6
	VMOVUPS (R10)(DX*1), Y7

	VUNPCKLPS Y1, Y0, Y8   // a0 b0 a1 b1 | a4 b4 a5 b5
	VUNPCKHPS Y1, Y0, Y9   // a2 b2 a3 b3 | a6 b6 a7 b7
	VUNPCKLPS Y3, Y2, Y10
	VUNPCKHPS Y3, Y2, Y11
	VUNPCKLPS Y5, Y4, Y12
	VUNPCKHPS Y5, Y4, Y13
	VUNPCKLPS Y7, Y6, Y14
	VUNPCKHPS Y7, Y6, Y0

	VSHUFPS $0x44, Y10, Y8, Y1  // a0 b0 c0 d0 | a4 b4 c4 d4
	VSHUFPS $0xEE, Y10, Y8, Y2  // a1 b1 c1 d1 | a5 b5 c5 d5
	VSHUFPS $0x44, Y11, Y9, Y3
	VSHUFPS $0xEE, Y11, Y9, Y4
	VSHUFPS $0x44, Y14, Y12, Y5 // e0 f0 g0 h0 | e4 f4 g4 h4
	VSHUFPS $0xEE, Y14, Y12, Y6
	VSHUFPS $0x44, Y0, Y13, Y7
	VSHUFPS $0xEE, Y0, Y13, Y8

	VPERM2F128 $0x20, Y5, Y1, Y9  // column 0
	VPERM2F128 $0x31, Y5, Y1, Y10 // column 4
	VPERM2F128 $0x20, Y6, Y2, Y11 // column 1
	VPERM2F128 $0x31, Y6, Y2, Y12 // column 5
	VPERM2F128 $0x20, Y7, Y3, Y13 // column 2
	VPERM2F128 $0x31, Y7, Y3, Y14 // column 6
	VPERM2F128 $0x20, Y8, Y4, Y0  // column 3
	VPERM2F128 $0x31, Y8, Y4, Y1  // column 7

	MOVQ DI, R11
	VMOVUPS Y9, (R11)
	VMOVUPS Y11, (R11)(BX*1)
	VMOVUPS Y13, (R11)(BX*2)
	VMOVUPS Y0, (R11)(R9*1)
	LEAQ (R11)(BX*4), R11
	VMOVUPS Y10, (R11)
	VMOVUPS Y12, (R11)(BX*1)
	VMOVUPS Y14, (R11)(BX*2)
	VMOVUPS Y1, (R11)(R9*1)

	ADDQ $32, SI
	LEAQ (DI)(BX*8), DI
	DECQ CX
	JNZ  t8loop
	VZEROUPPER
	RET

// func transpose4(src *float32, lds int, dst *float32, ldd int, nblk int)
//
// As transpose8 for 4 rows: dst[(8q+p)*ldd + r] = src[r*lds + 8q + p]
// for r in [0, 4), p in [0, 8).
TEXT ·transpose4(SB), NOSPLIT, $0-40
	MOVQ src+0(FP), SI
	MOVQ lds+8(FP), AX
	SHLQ $2, AX
	MOVQ dst+16(FP), DI
	MOVQ ldd+24(FP), BX
	SHLQ $2, BX
	MOVQ nblk+32(FP), CX
	LEAQ (AX)(AX*2), DX
	LEAQ (BX)(BX*2), R9

t4loop:
	VMOVUPS (SI), Y0
	VMOVUPS (SI)(AX*1), Y1
	VMOVUPS (SI)(AX*2), Y2
	VMOVUPS (SI)(DX*1), Y3

	VUNPCKLPS Y1, Y0, Y8
	VUNPCKHPS Y1, Y0, Y9
	VUNPCKLPS Y3, Y2, Y10
	VUNPCKHPS Y3, Y2, Y11
	VSHUFPS $0x44, Y10, Y8, Y4  // columns 0 | 4
	VSHUFPS $0xEE, Y10, Y8, Y5  // columns 1 | 5
	VSHUFPS $0x44, Y11, Y9, Y6  // columns 2 | 6
	VSHUFPS $0xEE, Y11, Y9, Y7  // columns 3 | 7

	MOVQ DI, R11
	VMOVUPS X4, (R11)
	VMOVUPS X5, (R11)(BX*1)
	VMOVUPS X6, (R11)(BX*2)
	VMOVUPS X7, (R11)(R9*1)
	LEAQ (R11)(BX*4), R11
	VEXTRACTF128 $1, Y4, (R11)
	VEXTRACTF128 $1, Y5, (R11)(BX*1)
	VEXTRACTF128 $1, Y6, (R11)(BX*2)
	VEXTRACTF128 $1, Y7, (R11)(R9*1)

	ADDQ $32, SI
	LEAQ (DI)(BX*8), DI
	DECQ CX
	JNZ  t4loop
	VZEROUPPER
	RET

// func copy16(src *float32, lds int, dst *float32, n int)
//
// Copies n rows of 16 floats, src rows lds apart, to consecutive dst rows:
// packing a row-major B panel, where memmove's per-call cost would exceed
// the copy itself.
TEXT ·copy16(SB), NOSPLIT, $0-32
	MOVQ src+0(FP), SI
	MOVQ lds+8(FP), AX
	SHLQ $2, AX
	MOVQ dst+16(FP), DI
	MOVQ n+24(FP), CX

c16loop:
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	ADDQ AX, SI
	ADDQ $64, DI
	DECQ CX
	JNZ  c16loop
	VZEROUPPER
	RET
