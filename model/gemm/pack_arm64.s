//go:build !purego

#include "textflag.h"

// func transpose4x4(src *float32, lds int, dst *float32, ldd int, nblk int)
//
// Per block: rows r0-r3 (V0-V3) become t0 = zip1(r0, r1), t1 = zip2(r0, r1),
// t2 = zip1(r2, r3), t3 = zip2(r2, r3) in 32-bit lanes, then the columns
// zip1(t0, t2), zip2(t0, t2), zip1(t1, t3), zip2(t1, t3) in 64-bit lanes.
TEXT ·transpose4x4(SB), NOSPLIT, $0-40
	MOVD src+0(FP), R0
	MOVD lds+8(FP), R1
	LSL  $2, R1, R1
	MOVD dst+16(FP), R2
	MOVD ldd+24(FP), R3
	LSL  $2, R3, R3
	MOVD nblk+32(FP), R4
	ADD  R1, R0, R5           // row 1
	ADD  R1, R5, R6           // row 2
	ADD  R1, R6, R7           // row 3
	LSL  $2, R3, R8           // 4 destination rows
loop:
	VLD1.P 16(R0), [V0.S4]
	VLD1.P 16(R5), [V1.S4]
	VLD1.P 16(R6), [V2.S4]
	VLD1.P 16(R7), [V3.S4]
	VZIP1 V1.S4, V0.S4, V4.S4
	VZIP2 V1.S4, V0.S4, V5.S4
	VZIP1 V3.S4, V2.S4, V6.S4
	VZIP2 V3.S4, V2.S4, V7.S4
	VZIP1 V6.D2, V4.D2, V0.D2
	VZIP2 V6.D2, V4.D2, V1.D2
	VZIP1 V7.D2, V5.D2, V2.D2
	VZIP2 V7.D2, V5.D2, V3.D2
	MOVD R2, R9
	VST1 [V0.S4], (R9)
	ADD  R3, R9, R9
	VST1 [V1.S4], (R9)
	ADD  R3, R9, R9
	VST1 [V2.S4], (R9)
	ADD  R3, R9, R9
	VST1 [V3.S4], (R9)
	ADD  R8, R2, R2
	SUBS $1, R4, R4
	BNE  loop
	RET

// func copy16(src *float32, lds int, dst *float32, n int)
TEXT ·copy16(SB), NOSPLIT, $0-32
	MOVD src+0(FP), R0
	MOVD lds+8(FP), R1
	LSL  $2, R1, R1
	MOVD dst+16(FP), R2
	MOVD n+24(FP), R3
loop:
	VLD1 (R0), [V0.S4, V1.S4, V2.S4, V3.S4]
	ADD  R1, R0, R0
	VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(R2)
	SUBS $1, R3, R3
	BNE  loop
	RET
