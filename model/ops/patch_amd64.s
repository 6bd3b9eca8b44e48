//go:build !purego

#include "textflag.h"

// func copyRunsAVX(dst, src *float32, n, runs, lds int)
TEXT ·copyRunsAVX(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), DX
	SHRQ $3, DX
	MOVQ runs+24(FP), CX
	MOVQ lds+32(FP), R8
	SHLQ $2, R8

run:
	MOVQ SI, R9
	MOVQ DX, R10

vec:
	VMOVUPS (R9), Y0
	VMOVUPS Y0, (DI)
	ADDQ $32, R9
	ADDQ $32, DI
	DECQ R10
	JNE vec
	ADDQ R8, SI
	DECQ CX
	JNE run
	VZEROUPPER
	RET
