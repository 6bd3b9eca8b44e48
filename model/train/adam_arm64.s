//go:build !purego

#include "textflag.h"

// Go's assembler does not spell the vector float arithmetic; the WORDs
// are FADD, FSUB, FMUL, FDIV and FSQRT on 4 lanes, as their comments say
// (go tool objdump shows them decoded).

// func adamNEON(w, grad, m, v *float32, n int, b1, b2, eps, stepSize, bc2Sqrt float32)
//
// V20: 1-b1, V21: b2, V22: 1-b2, V23: eps, V24: stepSize, V25: bc2Sqrt,
// V26: 0; per 4 values V0: g, V1: m, V2: v, V3-V5 scratch, V6: w.
TEXT ·adamNEON(SB), NOSPLIT, $0-60
	MOVD w+0(FP), R0
	MOVD grad+8(FP), R1
	MOVD m+16(FP), R2
	MOVD v+24(FP), R3
	MOVD n+32(FP), R4
	LSR $2, R4, R4
	FMOVS $1.0, F27
	VDUP V27.S[0], V27.S4
	FMOVS b1+40(FP), F20
	VDUP V20.S[0], V20.S4
	WORD $0x4eb4d774 // FSUB V20.S4, V27.S4, V20.S4: 1 - b1
	FMOVS b2+44(FP), F21
	VDUP V21.S[0], V21.S4
	WORD $0x4eb5d776 // FSUB V22.S4, V27.S4, V21.S4: 1 - b2
	FMOVS eps+48(FP), F23
	VDUP V23.S[0], V23.S4
	FMOVS stepSize+52(FP), F24
	VDUP V24.S[0], V24.S4
	FMOVS bc2Sqrt+56(FP), F25
	VDUP V25.S[0], V25.S4
	VEOR V26.B16, V26.B16, V26.B16

loop:
	VLD1 (R1), [V0.S4]
	VLD1 (R2), [V1.S4]
	VLD1 (R3), [V2.S4]
	WORD $0x4ea1d403 // FSUB V3.S4, V0.S4, V1.S4: g - m
	VFMLA V20.S4, V3.S4, V1.S4 // m += (1-b1)*(g-m), fused as Go compiles it on arm64
	WORD $0x6e35dc42 // FMUL V2.S4, V2.S4, V21.S4: b2*v
	WORD $0x6e20dec4 // FMUL V4.S4, V22.S4, V0.S4: (1-b2)*g
	VFMLA V4.S4, V0.S4, V2.S4 // v = b2*v + g*((1-b2)*g), fused as Go compiles it on arm64
	WORD $0x6ea1f845 // FSQRT V5.S4, V2.S4
	WORD $0x6e39fca5 // FDIV V5.S4, V5.S4, V25.S4: sqrt(v)/bc2Sqrt
	WORD $0x4e37d4a5 // FADD V5.S4, V5.S4, V23.S4: + eps
	WORD $0x6e38dc23 // FMUL V3.S4, V1.S4, V24.S4: m*stepSize
	WORD $0x6e25fc63 // FDIV V3.S4, V3.S4, V5.S4: / denom
	VLD1 (R0), [V6.S4]
	WORD $0x4ea3d4c6 // FSUB V6.S4, V6.S4, V3.S4: w - ...
	VST1.P [V1.S4], 16(R2)
	VST1.P [V2.S4], 16(R3)
	VST1.P [V6.S4], 16(R0)
	VST1.P [V26.S4], 16(R1)   // clear g
	SUBS $1, R4, R4
	BNE loop
	RET
