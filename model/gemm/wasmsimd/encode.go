package wasmsimd

import "math"

// WebAssembly value types.
const (
	typeI32  = 0x7f
	typeF32  = 0x7d
	typeV128 = 0x7b
	typeFunc = 0x60
	typeVoid = 0x40 // the empty block type
)

// Core instruction opcodes.
const (
	opBlock    = 0x02
	opLoop     = 0x03
	opIf       = 0x04
	opElse     = 0x05
	opEnd      = 0x0b
	opBr       = 0x0c
	opBrIf     = 0x0d
	opReturn   = 0x0f
	opSelect   = 0x1b
	opLocalGet = 0x20
	opLocalSet = 0x21
	opLocalTee = 0x22
	opF32Load  = 0x2a
	opF32Store = 0x38
	opI32Const = 0x41
	opF32Const = 0x43
	opI32Eq    = 0x46
	opI32LtS   = 0x48
	opI32GtS   = 0x4a
	opI32GeS   = 0x4e
	opF32Eq    = 0x5b
	opI32Add   = 0x6a
	opI32Sub   = 0x6b
	opI32Mul   = 0x6c
	opI32And   = 0x71
	opI32Shl   = 0x74
	opI32ShrS  = 0x75
	opF32Add   = 0x92
	opF32Mul   = 0x94
)

// SIMD128 opcodes (after the 0xfd prefix).
const (
	simdPrefix       = 0xfd
	simdV128Load     = 0x00
	simdLoad32Splat  = 0x09
	simdV128Store    = 0x0b
	simdV128Const    = 0x0c
	simdShuffle      = 0x0d
	simdI32x4Splat   = 0x11
	simdF32x4Splat   = 0x13
	simdI32x4Extract = 0x1b
	simdF32x4Extract = 0x1f
	simdI32x4LtU     = 0x3a
	simdI32x4GtS     = 0x3b
	simdV128And      = 0x4e
	simdV128AndNot   = 0x4f
	simdV128Or       = 0x50
	simdV128Xor      = 0x51
	simdV128Bitsel   = 0x52
	simdV128AnyTrue  = 0x53
	simdI32x4ShrS    = 0xac
	simdI32x4Add     = 0xae
	simdI32x4Sub     = 0xb1
	simdF32x4Sqrt    = 0xe3
	simdF32x4Add     = 0xe4
	simdF32x4Sub     = 0xe5
	simdF32x4Mul     = 0xe6
	simdF32x4Div     = 0xe7
	simdAlignV128Log = 2 // alignment hint: 4 bytes, what Go guarantees for []float32
	simdAlignF32Log  = 2
)

// buf is a byte sink with the WebAssembly binary encodings.
type buf struct{ b []byte }

func (w *buf) byte(v ...byte) { w.b = append(w.b, v...) }

// u32 writes an unsigned LEB128 number.
func (w *buf) u32(v uint32) {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v != 0 {
			w.b = append(w.b, c|0x80)
			continue
		}
		w.b = append(w.b, c)
		return
	}
}

// s32 writes a signed LEB128 number.
func (w *buf) s32(v int32) {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if (v == 0 && c&0x40 == 0) || (v == -1 && c&0x40 != 0) {
			w.b = append(w.b, c)
			return
		}
		w.b = append(w.b, c|0x80)
	}
}

func (w *buf) name(s string) {
	w.u32(uint32(len(s)))
	w.b = append(w.b, s...)
}

// section appends a section with its id and byte length.
func (w *buf) section(id byte, body []byte) {
	w.byte(id)
	w.u32(uint32(len(body)))
	w.b = append(w.b, body...)
}

// Instruction helpers. Locals are addressed by index.

func (w *buf) get(l uint32)   { w.byte(opLocalGet); w.u32(l) }
func (w *buf) set(l uint32)   { w.byte(opLocalSet); w.u32(l) }
func (w *buf) tee(l uint32)   { w.byte(opLocalTee); w.u32(l) }
func (w *buf) i32(v int32)    { w.byte(opI32Const); w.s32(v) }
func (w *buf) op(o ...byte)   { w.byte(o...) }
func (w *buf) block()         { w.byte(opBlock, typeVoid) }
func (w *buf) loop()          { w.byte(opLoop, typeVoid) }
func (w *buf) ifThen()        { w.byte(opIf, typeVoid) }
func (w *buf) end()           { w.byte(opEnd) }
func (w *buf) br(depth int)   { w.byte(opBr); w.u32(uint32(depth)) }
func (w *buf) brIf(depth int) { w.byte(opBrIf); w.u32(uint32(depth)) }

func (w *buf) f32(v float32) {
	w.byte(opF32Const)
	bits := math.Float32bits(v)
	w.byte(byte(bits), byte(bits>>8), byte(bits>>16), byte(bits>>24))
}

// mem writes a memory instruction's alignment and offset.
func (w *buf) mem(alignLog, offset uint32) {
	w.u32(alignLog)
	w.u32(offset)
}

func (w *buf) simd(op uint32) {
	w.byte(simdPrefix)
	w.u32(op)
}

func (w *buf) v128Load(offset uint32) {
	w.simd(simdV128Load)
	w.mem(simdAlignV128Log, offset)
}

func (w *buf) v128Store(offset uint32) {
	w.simd(simdV128Store)
	w.mem(simdAlignV128Log, offset)
}

func (w *buf) load32Splat(offset uint32) {
	w.simd(simdLoad32Splat)
	w.mem(simdAlignF32Log, offset)
}

func (w *buf) f32Load(offset uint32) {
	w.byte(opF32Load)
	w.mem(simdAlignF32Log, offset)
}

func (w *buf) f32Store(offset uint32) {
	w.byte(opF32Store)
	w.mem(simdAlignF32Log, offset)
}

// i32x4Const pushes a vector of four i32 lanes.
func (w *buf) i32x4Const(a, b, c, d uint32) {
	w.simd(simdV128Const)
	for _, v := range []uint32{a, b, c, d} {
		w.byte(byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
	}
}

func (w *buf) v128Zero() {
	w.simd(simdV128Const)
	w.byte(make([]byte, 16)...)
}

// addTo adds v to local l: l += v.
func (w *buf) addTo(l uint32, v int32) {
	w.get(l)
	w.i32(v)
	w.op(opI32Add)
	w.set(l)
}

// addLocal adds local v to local l: l += v.
func (w *buf) addLocal(l, v uint32) {
	w.get(l)
	w.get(v)
	w.op(opI32Add)
	w.set(l)
}
