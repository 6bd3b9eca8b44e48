package weights

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"
)

// rawFile assembles a safetensors file from a header given as JSON text
// and the data bytes after it, without the library's checks, as an
// attacker would.
func rawFile(header string, data []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, uint64(len(header)))
	b.WriteString(header)
	b.Write(data)
	return b.Bytes()
}

// overflowFile is the 205-byte weights file of issue row 1: its
// configuration's parameter count overflows int, and it holds one tensor
// of one value.
func overflowFile() []byte {
	return rawFile(`{"__metadata__":{"fashionlab.config":"{\"net\":\"mlp\",\"dense_hiddens\":[4611686018427387904,2],\"activation\":\"relu\"}"},"0.bias":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, make([]byte, 4))
}

// hugeConfigFile is a small file whose configuration asks for a network of
// config (JSON) with one tensor of one value.
func hugeConfigFile(config string, state string) []byte {
	meta := map[string]string{ConfigKey: config}
	if state != "" {
		meta[StateKey] = state
	}
	m, _ := json.Marshal(meta)
	return rawFile(`{"__metadata__":`+string(m)+`,"param/0.bias":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, make([]byte, 4))
}

// manyEmptyTensorsFile is a header of n empty tensors (issue row 9: about
// 67 bytes each) and a small configuration.
func manyEmptyTensorsFile(n int) []byte {
	var h strings.Builder
	h.WriteString(`{"__metadata__":{"fashionlab.config":"{\"net\":\"mlp\",\"dense_hiddens\":[2],\"activation\":\"relu\"}"}`)
	for i := range n {
		fmt.Fprintf(&h, `,"t%07d":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}`, i)
	}
	h.WriteString("}")
	return rawFile(h.String(), nil)
}

// manyLayersFile is a configuration of n dense layers (issue row 9: 10⁶
// layers in an 11 MB header) with one small tensor.
func manyLayersFile(n int) []byte {
	hidden := strings.TrimSuffix(strings.Repeat("8,", n), ",")
	return hugeConfigFile(`{"net":"mlp","dense_hiddens":[`+hidden+`],"activation":"relu"}`, "")
}
