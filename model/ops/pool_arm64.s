//go:build !purego

#include "textflag.h"

DATA poolIotaNEON<>+0(SB)/4, $0
DATA poolIotaNEON<>+4(SB)/4, $1
DATA poolIotaNEON<>+8(SB)/4, $2
DATA poolIotaNEON<>+12(SB)/4, $3
GLOBL poolIotaNEON<>(SB), RODATA|NOPTR, $16

// func poolRowNEON(top, bottom, y *float32, arg *int32, n, blocks int, i00, c, wc int32, relu bool) bool
//
// poolRowAVX512 in 4 lanes: each block of 16 channels is four quarters.
// Go's assembler does not spell CMGT, SMAX and SSHR on vectors: the WORDs
// are those, as their comments say. V16: winner indices of the top-left
// elements, V17: C, V18: W·C, V19: the abs mask, V20: +Inf's bits, V21: 4,
// V22: 0; V0-V3 the window's values, V4-V5 scratch, V6 the winners, V7 a
// candidate winner.
TEXT ·poolRowNEON(SB), NOSPLIT, $0-65
	MOVD top+0(FP), R0
	MOVD bottom+8(FP), R1
	MOVD y+16(FP), R2
	MOVD arg+24(FP), R3
	MOVD n+32(FP), R4
	MOVD blocks+40(FP), R5
	LSL $2, R5, R5             // quarters
	MOVW c+52(FP), R12
	LSL $2, R12, R12           // C in bytes
	MOVBU relu+60(FP), R11
	MOVD $poolIotaNEON<>(SB), R9
	VLD1 (R9), [V16.S4]
	MOVW i00+48(FP), R9
	VDUP R9, V23.S4
	VADD V23.S4, V16.S4, V16.S4
	MOVW c+52(FP), R9
	VDUP R9, V17.S4
	MOVW wc+56(FP), R9
	VDUP R9, V18.S4
	MOVW $0x7fffffff, R9
	VDUP R9, V19.S4
	MOVW $0x7f800000, R9
	VDUP R9, V20.S4
	MOVW $4, R9
	VDUP R9, V21.S4
	VEOR V22.B16, V22.B16, V22.B16

window:
	MOVD R5, R13

quarter:
	ADD R12, R0, R8
	VLD1 (R8), [V1.S4]
	VLD1.P 16(R0), [V0.S4]
	ADD R12, R1, R8
	VLD1 (R8), [V3.S4]
	VLD1.P 16(R1), [V2.S4]
	// NaN check: any |x| above +Inf's bits.
	VAND V19.B16, V0.B16, V4.B16
	WORD $0x4eb43484 // CMGT V4.S4, V4.S4, V20.S4
	VAND V19.B16, V1.B16, V5.B16
	WORD $0x4eb434a5 // CMGT V5.S4, V5.S4, V20.S4
	VORR V5.B16, V4.B16, V4.B16
	VAND V19.B16, V2.B16, V5.B16
	WORD $0x4eb434a5 // CMGT V5.S4, V5.S4, V20.S4
	VORR V5.B16, V4.B16, V4.B16
	VAND V19.B16, V3.B16, V5.B16
	WORD $0x4eb434a5 // CMGT V5.S4, V5.S4, V20.S4
	VORR V5.B16, V4.B16, V4.B16
	VMOV V4.D[0], R6
	VMOV V4.D[1], R7
	ORR R6, R7, R7
	CBNZ R7, nan
	// Order keys: r ^= (r >> 31) & 0x7fffffff.
	WORD $0x4f210404 // SSHR V4.S4, V0.S4, #31
	VAND V19.B16, V4.B16, V4.B16
	VEOR V4.B16, V0.B16, V0.B16
	WORD $0x4f210424 // SSHR V4.S4, V1.S4, #31
	VAND V19.B16, V4.B16, V4.B16
	VEOR V4.B16, V1.B16, V1.B16
	WORD $0x4f210444 // SSHR V4.S4, V2.S4, #31
	VAND V19.B16, V4.B16, V4.B16
	VEOR V4.B16, V2.B16, V2.B16
	WORD $0x4f210464 // SSHR V4.S4, V3.S4, #31
	VAND V19.B16, V4.B16, V4.B16
	VEOR V4.B16, V3.B16, V3.B16
	VORR V16.B16, V16.B16, V6.B16    // winner: top-left
	VADD V17.S4, V16.S4, V7.S4       // top-right
	WORD $0x4ea03425 // CMGT V5.S4, V1.S4, V0.S4
	// strictly greater: the first winner stays
	VBIT V5.B16, V1.B16, V0.B16
	VBIT V5.B16, V7.B16, V6.B16
	VADD V18.S4, V16.S4, V7.S4       // bottom-left
	WORD $0x4ea03445 // CMGT V5.S4, V2.S4, V0.S4
	VBIT V5.B16, V2.B16, V0.B16
	VBIT V5.B16, V7.B16, V6.B16
	VADD V17.S4, V7.S4, V7.S4        // bottom-right
	WORD $0x4ea03465 // CMGT V5.S4, V3.S4, V0.S4
	VBIT V5.B16, V3.B16, V0.B16
	VBIT V5.B16, V7.B16, V6.B16
	CBZ R11, store
	WORD $0x4eb66400 // SMAX V0.S4, V0.S4, V22.S4 relu: keys below that of +0 become +0

store:
	WORD $0x4f210404 // SSHR V4.S4, V0.S4, #31
	VAND V19.B16, V4.B16, V4.B16
	VEOR V4.B16, V0.B16, V0.B16
	VST1.P [V0.S4], 16(R2)
	VST1.P [V6.S4], 16(R3)
	VADD V21.S4, V16.S4, V16.S4
	SUBS $1, R13, R13
	BNE quarter

	// Skip the windows' right columns.
	ADD R12, R0, R0
	ADD R12, R1, R1
	VADD V17.S4, V16.S4, V16.S4
	SUBS $1, R4, R4
	BNE window
	MOVD $0, R9
	MOVB R9, ret+64(FP)
	RET

nan:
	MOVD $1, R9
	MOVB R9, ret+64(FP)
	RET

// func scatterNEON(d, y, dy *float32, arg *int32, gb *float32, positions, blocks int)
//
// scatterAVX512 in 4 lanes (each block of 16 channels is four quarters);
// the 4 values go to d one by one from the lanes. V22: 0, V23: the bits
// 0x7f800001 (above +Inf); V0: y bits, V1: v, V2-V3 scratch.
TEXT ·scatterNEON(SB), NOSPLIT, $0-56
	MOVD d+0(FP), R0
	MOVD y+8(FP), R1
	MOVD dy+16(FP), R2
	MOVD arg+24(FP), R3
	MOVD gb+32(FP), R4
	MOVD positions+40(FP), R5
	MOVD blocks+48(FP), R6
	LSL $2, R6, R6             // quarters
	VEOR V22.B16, V22.B16, V22.B16
	MOVW $0x7f800001, R9
	VDUP R9, V23.S4

position:
	MOVD R4, R10
	MOVD R6, R11

squarter:
	VLD1.P 16(R1), [V0.S4]     // y bits
	WORD $0x4eb63402 // CMGT V2.S4, V0.S4, V22.S4
	// y > 0 as integers: sign clear, not ±0
	WORD $0x4ea036e3 // CMGT V3.S4, V23.S4, V0.S4
	// y <= +Inf as integers: not NaN
	VAND V3.B16, V2.B16, V2.B16
	VLD1.P 16(R2), [V1.S4]
	VAND V2.B16, V1.B16, V1.B16 // v = dy where relu passes, else +0
	VLD1 (R10), [V3.S4]
	WORD $0x4e21d463 // FADD V3.S4, V3.S4, V1.S4
	VST1.P [V3.S4], 16(R10)    // gb += v
	MOVW 0(R3), R7
	VMOV V1.S[0], R8
	MOVW R8, (R0)(R7<<2)
	MOVW 4(R3), R7
	VMOV V1.S[1], R8
	MOVW R8, (R0)(R7<<2)
	MOVW 8(R3), R7
	VMOV V1.S[2], R8
	MOVW R8, (R0)(R7<<2)
	MOVW 12(R3), R7
	VMOV V1.S[3], R8
	MOVW R8, (R0)(R7<<2)
	ADD $16, R3, R3
	SUBS $1, R11, R11
	BNE squarter
	SUBS $1, R5, R5
	BNE position
	RET
