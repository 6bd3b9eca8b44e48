//go:build !purego

#include "textflag.h"

DATA adamOne<>+0(SB)/4, $0x3f800000
GLOBL adamOne<>(SB), RODATA|NOPTR, $4

// func adamAVX512(w, grad, m, v *float32, n int, b1, b2, eps, stepSize, bc2Sqrt float32)
TEXT ·adamAVX512(SB), NOSPLIT, $0-60
	MOVQ w+0(FP), DI
	MOVQ grad+8(FP), SI
	MOVQ m+16(FP), DX
	MOVQ v+24(FP), R8
	MOVQ n+32(FP), R9
	VBROADCASTSS adamOne<>(SB), Z31
	VBROADCASTSS b1+40(FP), Z20
	VSUBPS Z20, Z31, Z20          // 1 - b1
	VBROADCASTSS b2+44(FP), Z21   // b2
	VSUBPS Z21, Z31, Z22          // 1 - b2
	VBROADCASTSS eps+48(FP), Z23
	VBROADCASTSS stepSize+52(FP), Z24
	VBROADCASTSS bc2Sqrt+56(FP), Z25
	VPXORD Z26, Z26, Z26
	SHRQ $4, R9

loop:
	VMOVUPS (SI), Z0              // g
	VMOVUPS (DX), Z1              // m
	VMOVUPS (R8), Z2              // v
	VSUBPS Z1, Z0, Z3             // g - m
	VMULPS Z20, Z3, Z3            // (1-b1)*(g-m)
	VADDPS Z3, Z1, Z1             // m + ...
	VMULPS Z21, Z2, Z2            // b2*v
	VMULPS Z22, Z0, Z4            // (1-b2)*g
	VMULPS Z0, Z4, Z4             // ...*g
	VADDPS Z4, Z2, Z2             // b2*v + (1-b2)*g*g
	VSQRTPS Z2, Z5
	VDIVPS Z25, Z5, Z5            // sqrt(v)/bc2Sqrt
	VADDPS Z23, Z5, Z5            // + eps
	VMULPS Z1, Z24, Z6            // stepSize*m
	VDIVPS Z5, Z6, Z6             // / denom
	VMOVUPS (DI), Z7
	VSUBPS Z6, Z7, Z7             // w - ...
	VMOVUPS Z1, (DX)
	VMOVUPS Z2, (R8)
	VMOVUPS Z7, (DI)
	VMOVUPS Z26, (SI)             // clear g
	ADDQ $64, DI
	ADDQ $64, SI
	ADDQ $64, DX
	ADDQ $64, R8
	DECQ R9
	JNE loop
	VZEROUPPER
	RET
