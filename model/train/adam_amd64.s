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

// func adamAVX2 is adamAVX512 on 8 values per iteration:
// func adamAVX2(w, grad, m, v *float32, n int, b1, b2, eps, stepSize, bc2Sqrt float32)
TEXT ·adamAVX2(SB), NOSPLIT, $0-60
	MOVQ w+0(FP), DI
	MOVQ grad+8(FP), SI
	MOVQ m+16(FP), DX
	MOVQ v+24(FP), R8
	MOVQ n+32(FP), R9
	VBROADCASTSS adamOne<>(SB), Y15
	VBROADCASTSS b1+40(FP), Y8
	VSUBPS Y8, Y15, Y8          // 1 - b1
	VBROADCASTSS b2+44(FP), Y9   // b2
	VSUBPS Y9, Y15, Y10          // 1 - b2
	VBROADCASTSS eps+48(FP), Y11
	VBROADCASTSS stepSize+52(FP), Y12
	VBROADCASTSS bc2Sqrt+56(FP), Y13
	VXORPS Y14, Y14, Y14
	SHRQ $3, R9

loop:
	VMOVUPS (SI), Y0              // g
	VMOVUPS (DX), Y1              // m
	VMOVUPS (R8), Y2              // v
	VSUBPS Y1, Y0, Y3             // g - m
	VMULPS Y8, Y3, Y3            // (1-b1)*(g-m)
	VADDPS Y3, Y1, Y1             // m + ...
	VMULPS Y9, Y2, Y2            // b2*v
	VMULPS Y10, Y0, Y4            // (1-b2)*g
	VMULPS Y0, Y4, Y4             // ...*g
	VADDPS Y4, Y2, Y2             // b2*v + (1-b2)*g*g
	VSQRTPS Y2, Y5
	VDIVPS Y13, Y5, Y5            // sqrt(v)/bc2Sqrt
	VADDPS Y11, Y5, Y5            // + eps
	VMULPS Y1, Y12, Y6            // stepSize*m
	VDIVPS Y5, Y6, Y6             // / denom
	VMOVUPS (DI), Y7
	VSUBPS Y6, Y7, Y7             // w - ...
	VMOVUPS Y1, (DX)
	VMOVUPS Y2, (R8)
	VMOVUPS Y7, (DI)
	VMOVUPS Y14, (SI)             // clear g
	ADDQ $32, DI
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $32, R8
	DECQ R9
	JNE loop
	VZEROUPPER
	RET
