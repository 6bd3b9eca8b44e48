// Command gendoc rewrites the generated part of package protocol's
// documentation (the list of messages in doc.go) from the table of kinds.
// Run it with go generate in wasm/protocol.
package main

import (
	"fmt"
	"os"

	"fashionlab/wasm/protocol"
)

func main() {
	const path = "doc.go"
	src, err := os.ReadFile(path)
	if err == nil {
		src, err = protocol.SpliceDoc(src)
	}
	if err == nil {
		err = os.WriteFile(path, src, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gendoc:", err)
		os.Exit(1)
	}
}
