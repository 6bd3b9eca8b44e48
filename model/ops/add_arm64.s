//go:build !purego

#include "textflag.h"

// func addNEON(dst, src *float32, n int)
//
// The WORD is FADD V0.S4, V0.S4, V1.S4 (Go's assembler does not spell it).
TEXT ·addNEON(SB), NOSPLIT, $0-24
	MOVD dst+0(FP), R0
	MOVD src+8(FP), R1
	MOVD n+16(FP), R2
	LSR $2, R2, R2

loop:
	VLD1 (R0), [V0.S4]
	VLD1.P 16(R1), [V1.S4]
	WORD $0x4e21d400 // FADD V0.S4, V0.S4, V1.S4
	VST1.P [V0.S4], 16(R0)
	SUBS $1, R2, R2
	BNE loop
	RET
