//go:build js && wasm

// Command canvas is FashionLab's picture window: a Go wasm program with
// Ebitengine that draws input images, the feature maps of every
// convolution layer, and question 1's equivariance lab. The page talks to
// it through window.fashionlabCanvas, which this program registers:
//
//	setMode("maps" | "lab")
//	setMaps({image, label, pred, maps: [{h, w, c, data}]})
//	setLab({image, dx, dy, degrees, source: "random" | "trained", seed,
//	        config, weight, bias}) → {shiftMax, rotateMax, shiftMaxAll,
//	        rotateMaxAll, scale} or {error}
//
// Arrays are Float32Arrays. The callbacks only queue work; the game applies
// it in Update, so drawing never races with the page.
package main

import (
	"log"

	"github.com/hajimehoshi/ebiten/v2"
)

func main() {
	g := newGame()
	registerAPI(g)
	ebiten.SetScreenClearedEveryFrame(false)
	ebiten.SetWindowTitle("FashionLab")
	ebiten.SetTPS(30)
	if err := ebiten.RunGame(g); err != nil {
		log.Fatal(err)
	}
}
