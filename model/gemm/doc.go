// Package gemm multiplies float32 matrices: C = alpha·op(A)·op(B) + beta·C.
//
// Matrices are row-major slices with a leading dimension: element (i, j) of
// an r×c matrix M with leading dimension ldm (ldm >= c) is M[i*ldm+j].
// op(X) is X or its transpose Xᵀ, chosen by the trans flags.
//
// An Engine holds the worker count and reusable packing buffers; it is safe
// for concurrent use. The pure-Go kernel is always available (it is the one
// the WebAssembly build runs); faster kernels are selected at run time where
// the CPU supports them and are tested against the pure-Go reference loop.
//
// # Blocking
//
// Large products follow the Goto/BLIS scheme. The k dimension is cut into
// slabs of at most kc, n into blocks of at most nc and m into blocks of at
// most mc. For each (n block, k slab) the slab of op(B) is packed into
// column panels nr wide, laid out k-major, so a micro-kernel streams it with
// unit stride and the panel in use stays in L1. For each m block the slab of
// op(A) is packed, already scaled by alpha, into row panels mr tall (the
// packed block is sized to stay in L2). Packing is where the transposes are
// absorbed: the micro-kernels only ever see the two packed layouts, so all
// four transpose combinations run the same inner code. Edge panels are
// zero-padded; a micro-kernel family has several panel heights so the last
// rows of m waste little work, and partial-width tiles are computed into a
// scratch tile and merged. Block sizes are balanced (k = 784 becomes three
// slabs of 262, not 256+256+256+16).
//
// # Threads
//
// Each Engine owns Threads()-1 long-lived worker goroutines; the calling
// goroutine does a share of the work itself, so a one-thread Engine starts
// no goroutines. A multiplication is cut into independent parts, one per
// thread: normally a grid of rectangles of C (splitting whichever dimension
// duplicates less packing), and for products whose k is much longer than m
// and n (the weight gradients of convolutions) the k dimension is split, each
// part accumulates into a private buffer and the caller reduces them. Each
// part has its own packing buffers from a per-Engine pool, so steady-state
// calls do not allocate.
//
// # Kernels
//
// On amd64 an AVX-512 micro-kernel (28×16 tile, 28 zmm accumulators, A
// broadcast from memory) is used when the CPU and OS support it, otherwise an
// AVX2+FMA kernel (6×16 tile, 12 ymm accumulators). Everywhere else, and on
// amd64 when built with the purego tag, a register-tiled pure-Go kernel is
// used; it matters for GOOS=js, where Go has no SIMD. Very small or very thin
// products (where packing costs more than it saves) use a direct loop.
package gemm
