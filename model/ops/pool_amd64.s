//go:build !purego

#include "textflag.h"

DATA poolIota<>+0(SB)/4, $0
DATA poolIota<>+4(SB)/4, $1
DATA poolIota<>+8(SB)/4, $2
DATA poolIota<>+12(SB)/4, $3
DATA poolIota<>+16(SB)/4, $4
DATA poolIota<>+20(SB)/4, $5
DATA poolIota<>+24(SB)/4, $6
DATA poolIota<>+28(SB)/4, $7
DATA poolIota<>+32(SB)/4, $8
DATA poolIota<>+36(SB)/4, $9
DATA poolIota<>+40(SB)/4, $10
DATA poolIota<>+44(SB)/4, $11
DATA poolIota<>+48(SB)/4, $12
DATA poolIota<>+52(SB)/4, $13
DATA poolIota<>+56(SB)/4, $14
DATA poolIota<>+60(SB)/4, $15
GLOBL poolIota<>(SB), RODATA|NOPTR, $64

DATA poolAbs<>+0(SB)/4, $0x7fffffff
GLOBL poolAbs<>(SB), RODATA|NOPTR, $4
DATA poolInf<>+0(SB)/4, $0x7f800000
GLOBL poolInf<>(SB), RODATA|NOPTR, $4
DATA poolSixteen<>+0(SB)/4, $16
GLOBL poolSixteen<>(SB), RODATA|NOPTR, $4

// key converts the float bits in r to order keys (an involution):
// r ^= (r >> 31) & 0x7fffffff. t is clobbered.
#define KEY(r, t) \
	VPSRAD $31, r, t \
	VPANDD Z23, t, t \
	VPXORD t, r, r

// NANMASK sets k to the lanes of r holding a NaN. t is clobbered.
#define NANMASK(r, t, k) \
	VPANDD Z23, r, t \
	VPCMPGTD Z24, t, k

// func poolRowAVX512(top, bottom, y *float32, arg *int32, n, blocks int, i00, c, wc int32, relu bool) bool
TEXT ·poolRowAVX512(SB), NOSPLIT, $0-65
	MOVQ top+0(FP), SI
	MOVQ bottom+8(FP), DI
	MOVQ y+16(FP), DX
	MOVQ arg+24(FP), R8
	MOVQ n+32(FP), R9
	MOVQ blocks+40(FP), R10
	MOVL c+52(FP), R12
	SHLQ $2, R12               // C in bytes
	MOVBLZX relu+60(FP), R11
	MOVL i00+48(FP), AX
	VPBROADCASTD AX, Z20
	VPADDD poolIota<>(SB), Z20, Z20 // winner indices of the top-left elements
	MOVL c+52(FP), AX
	VPBROADCASTD AX, Z21
	MOVL wc+56(FP), AX
	VPBROADCASTD AX, Z22
	VPBROADCASTD poolAbs<>(SB), Z23
	VPBROADCASTD poolInf<>(SB), Z24
	VPBROADCASTD poolSixteen<>(SB), Z25
	VPXORD Z26, Z26, Z26

window:
	MOVQ R10, R13

block:
	VMOVDQU32 (SI), Z0
	VMOVDQU32 (SI)(R12*1), Z1
	VMOVDQU32 (DI), Z2
	VMOVDQU32 (DI)(R12*1), Z3
	NANMASK(Z0, Z4, K1)
	NANMASK(Z1, Z5, K2)
	NANMASK(Z2, Z6, K3)
	NANMASK(Z3, Z7, K4)
	KORW K2, K1, K1
	KORW K4, K3, K3
	KORTESTW K3, K1
	JNE nan
	KEY(Z0, Z4)
	KEY(Z1, Z5)
	KEY(Z2, Z6)
	KEY(Z3, Z7)
	VMOVDQA32 Z20, Z8          // winner: top-left
	VPADDD Z21, Z20, Z9        // top-right
	VPADDD Z22, Z20, Z10       // bottom-left
	VPADDD Z21, Z10, Z11       // bottom-right
	VPCMPGTD Z0, Z1, K1        // strictly greater: the first winner stays
	VMOVDQA32 Z1, K1, Z0
	VMOVDQA32 Z9, K1, Z8
	VPCMPGTD Z0, Z2, K1
	VMOVDQA32 Z2, K1, Z0
	VMOVDQA32 Z10, K1, Z8
	VPCMPGTD Z0, Z3, K1
	VMOVDQA32 Z3, K1, Z0
	VMOVDQA32 Z11, K1, Z8
	TESTQ R11, R11
	JEQ store
	VPMAXSD Z26, Z0, Z0        // relu: keys below that of +0 become +0

store:
	KEY(Z0, Z4)
	VMOVDQU32 Z0, (DX)
	VMOVDQU32 Z8, (R8)
	ADDQ $64, SI
	ADDQ $64, DI
	ADDQ $64, DX
	ADDQ $64, R8
	VPADDD Z25, Z20, Z20
	DECQ R13
	JNE block

	// Skip the windows' right columns.
	ADDQ R12, SI
	ADDQ R12, DI
	VPADDD Z21, Z20, Z20
	DECQ R9
	JNE window
	MOVB $0, ret+64(FP)
	VZEROUPPER
	RET

nan:
	MOVB $1, ret+64(FP)
	VZEROUPPER
	RET

DATA poolReluLimit<>+0(SB)/4, $0x7f800001
GLOBL poolReluLimit<>(SB), RODATA|NOPTR, $4

// func scatterAVX512(d, y, dy *float32, arg *int32, gb *float32, positions, blocks int)
TEXT ·scatterAVX512(SB), NOSPLIT, $0-56
	MOVQ d+0(FP), DI
	MOVQ y+8(FP), SI
	MOVQ dy+16(FP), DX
	MOVQ arg+24(FP), R8
	MOVQ gb+32(FP), R9
	MOVQ positions+40(FP), R10
	MOVQ blocks+48(FP), R11
	VPXORD Z30, Z30, Z30
	VPBROADCASTD poolReluLimit<>(SB), Z29

position:
	MOVQ R9, BX
	MOVQ R11, R12

sblock:
	VMOVDQU32 (SI), Z0         // y bits
	VPCMPGTD Z30, Z0, K2       // y > 0 as integers: sign clear, not ±0
	VPCMPGTD Z0, Z29, K3       // y <= +Inf as integers: not NaN
	KANDW K3, K2, K2
	VPXORD Z1, Z1, Z1
	VMOVDQU32 (DX), K2, Z1     // v = dy where relu passes, else 0
	VMOVDQU32 (R8), Z2         // winners
	VADDPS (BX), Z1, Z3
	VMOVUPS Z3, (BX)           // gb += v
	KXNORW K1, K1, K1
	VSCATTERDPS Z1, K1, (DI)(Z2*4)
	ADDQ $64, SI
	ADDQ $64, DX
	ADDQ $64, R8
	ADDQ $64, BX
	DECQ R12
	JNE sblock
	DECQ R10
	JNE position
	VZEROUPPER
	RET

DATA poolEight<>+0(SB)/4, $8
GLOBL poolEight<>(SB), RODATA|NOPTR, $4

// func poolRowAVX2(top, bottom, y *float32, arg *int32, n, blocks int, i00, c, wc int32, relu bool) bool
//
// poolRowAVX512 in 8 lanes: each block of 16 channels is two halves.
// Y8: winner indices of the top-left elements, Y9: C, Y10: W·C, Y11: the
// abs mask, Y12: +Inf's bits, Y13: 8, Y14: 0; Y0-Y3 the window's values,
// Y4-Y5 scratch, Y6 the winners, Y7 a candidate winner.
TEXT ·poolRowAVX2(SB), NOSPLIT, $0-65
	MOVQ top+0(FP), SI
	MOVQ bottom+8(FP), DI
	MOVQ y+16(FP), DX
	MOVQ arg+24(FP), R8
	MOVQ n+32(FP), R9
	MOVQ blocks+40(FP), R10
	SHLQ $1, R10               // halves
	MOVL c+52(FP), R12
	SHLQ $2, R12               // C in bytes
	MOVBLZX relu+60(FP), R11
	MOVL i00+48(FP), AX
	MOVQ AX, X8
	VPBROADCASTD X8, Y8
	VPADDD poolIota<>(SB), Y8, Y8
	MOVL c+52(FP), AX
	MOVQ AX, X9
	VPBROADCASTD X9, Y9
	MOVL wc+56(FP), AX
	MOVQ AX, X10
	VPBROADCASTD X10, Y10
	VPBROADCASTD poolAbs<>(SB), Y11
	VPBROADCASTD poolInf<>(SB), Y12
	VPBROADCASTD poolEight<>(SB), Y13
	VPXOR Y14, Y14, Y14

window2:
	MOVQ R10, R13

half2:
	VMOVDQU (SI), Y0
	VMOVDQU (SI)(R12*1), Y1
	VMOVDQU (DI), Y2
	VMOVDQU (DI)(R12*1), Y3
	// NaN check: any |x| above +Inf's bits.
	VPAND Y11, Y0, Y4
	VPCMPGTD Y12, Y4, Y4
	VPAND Y11, Y1, Y5
	VPCMPGTD Y12, Y5, Y5
	VPOR Y5, Y4, Y4
	VPAND Y11, Y2, Y5
	VPCMPGTD Y12, Y5, Y5
	VPOR Y5, Y4, Y4
	VPAND Y11, Y3, Y5
	VPCMPGTD Y12, Y5, Y5
	VPOR Y5, Y4, Y4
	VPTEST Y4, Y4
	JNE nan2
	// Order keys: r ^= (r >> 31) & 0x7fffffff.
	VPSRAD $31, Y0, Y4
	VPAND Y11, Y4, Y4
	VPXOR Y4, Y0, Y0
	VPSRAD $31, Y1, Y4
	VPAND Y11, Y4, Y4
	VPXOR Y4, Y1, Y1
	VPSRAD $31, Y2, Y4
	VPAND Y11, Y4, Y4
	VPXOR Y4, Y2, Y2
	VPSRAD $31, Y3, Y4
	VPAND Y11, Y4, Y4
	VPXOR Y4, Y3, Y3
	VMOVDQA Y8, Y6             // winner: top-left
	VPADDD Y9, Y8, Y7          // top-right
	VPCMPGTD Y0, Y1, Y5        // strictly greater: the first winner stays
	VPBLENDVB Y5, Y1, Y0, Y0
	VPBLENDVB Y5, Y7, Y6, Y6
	VPADDD Y10, Y8, Y7         // bottom-left
	VPCMPGTD Y0, Y2, Y5
	VPBLENDVB Y5, Y2, Y0, Y0
	VPBLENDVB Y5, Y7, Y6, Y6
	VPADDD Y9, Y7, Y7          // bottom-right
	VPCMPGTD Y0, Y3, Y5
	VPBLENDVB Y5, Y3, Y0, Y0
	VPBLENDVB Y5, Y7, Y6, Y6
	TESTQ R11, R11
	JEQ store2
	VPMAXSD Y14, Y0, Y0        // relu: keys below that of +0 become +0

store2:
	VPSRAD $31, Y0, Y4
	VPAND Y11, Y4, Y4
	VPXOR Y4, Y0, Y0
	VMOVDQU Y0, (DX)
	VMOVDQU Y6, (R8)
	ADDQ $32, SI
	ADDQ $32, DI
	ADDQ $32, DX
	ADDQ $32, R8
	VPADDD Y13, Y8, Y8
	DECQ R13
	JNE half2

	// Skip the windows' right columns.
	ADDQ R12, SI
	ADDQ R12, DI
	VPADDD Y9, Y8, Y8
	DECQ R9
	JNE window2
	MOVB $0, ret+64(FP)
	VZEROUPPER
	RET

nan2:
	MOVB $1, ret+64(FP)
	VZEROUPPER
	RET

// func scatterAVX2(d, y, dy *float32, arg *int32, gb *float32, positions, blocks int)
//
// scatterAVX512 in 8 lanes (each block of 16 channels is two halves);
// AVX2 has no scatter, so the 8 values go to d one by one from the lanes.
TEXT ·scatterAVX2(SB), NOSPLIT, $0-56
	MOVQ d+0(FP), DI
	MOVQ y+8(FP), SI
	MOVQ dy+16(FP), DX
	MOVQ arg+24(FP), R8
	MOVQ gb+32(FP), R9
	MOVQ positions+40(FP), R10
	MOVQ blocks+48(FP), R11
	SHLQ $1, R11               // halves
	VPXOR Y14, Y14, Y14
	VPBROADCASTD poolReluLimit<>(SB), Y13

position2:
	MOVQ R9, BX
	MOVQ R11, R12

shalf2:
	VMOVDQU (SI), Y0           // y bits
	VPCMPGTD Y14, Y0, Y2       // y > 0 as integers: sign clear, not ±0
	VPCMPGTD Y0, Y13, Y3       // y <= +Inf as integers: not NaN
	VPAND Y3, Y2, Y2
	VPAND (DX), Y2, Y1         // v = dy where relu passes, else +0
	VADDPS (BX), Y1, Y3
	VMOVUPS Y3, (BX)           // gb += v
	MOVLQSX 0(R8), AX
	VMOVD X1, CX
	MOVL CX, (DI)(AX*4)
	MOVLQSX 4(R8), AX
	VPEXTRD $1, X1, CX
	MOVL CX, (DI)(AX*4)
	MOVLQSX 8(R8), AX
	VPEXTRD $2, X1, CX
	MOVL CX, (DI)(AX*4)
	MOVLQSX 12(R8), AX
	VPEXTRD $3, X1, CX
	MOVL CX, (DI)(AX*4)
	VEXTRACTI128 $1, Y1, X1
	MOVLQSX 16(R8), AX
	VMOVD X1, CX
	MOVL CX, (DI)(AX*4)
	MOVLQSX 20(R8), AX
	VPEXTRD $1, X1, CX
	MOVL CX, (DI)(AX*4)
	MOVLQSX 24(R8), AX
	VPEXTRD $2, X1, CX
	MOVL CX, (DI)(AX*4)
	MOVLQSX 28(R8), AX
	VPEXTRD $3, X1, CX
	MOVL CX, (DI)(AX*4)
	ADDQ $32, SI
	ADDQ $32, DX
	ADDQ $32, R8
	ADDQ $32, BX
	DECQ R12
	JNE shalf2
	DECQ R10
	JNE position2
	VZEROUPPER
	RET
