//go:build js && wasm

// Command canvas is FashionLab's picture window: a Go wasm program with
// Ebitengine that draws input images, the feature maps of every
// convolution layer, and question 1's equivariance lab. The page talks to
// it through window.fashionlabCanvas, which this program registers:
//
//	setMode("maps" | "lab")
//	setMaps({image, label, pred, maps: [{h, w, c, data}]})
//	setLab({image, dx, dy, degrees, source: "random" | "trained", seed,
//	        config, weight, bias}) → a promise of {shiftMax, rotateMax,
//	        shiftMaxAll, rotateMaxAll, scale, note?} or {error}
//
// Arrays are Float32Arrays. The callbacks only queue work; the game does
// it in Update (the lab's probe included), so drawing never races with
// the page. The canvas has no keyboard controls of its own: the page's
// HTML controls drive it, and canvas.html keeps Tab and Escape for leaving
// the frame.
package main

import (
	"fmt"
	"log"
	"syscall/js"

	"github.com/hajimehoshi/ebiten/v2"
)

func main() {
	g := newGame(pageHost{})
	registerAPI(g)
	ebiten.SetScreenClearedEveryFrame(false)
	ebiten.SetWindowTitle("FashionLab")
	ebiten.SetTPS(30)
	if err := ebiten.RunGame(g); err != nil {
		log.Fatal(err)
	}
}

// pageHost is the document around the canvas.
type pageHost struct{}

// fit makes the frame as tall as the narrow layout needs at the frame's
// width, and gives the wide layout back the page's own shape.
func (pageHost) fit(g geometry, outsideW int) {
	frame := js.Global().Get("frameElement")
	if !frame.Truthy() {
		return
	}
	style := frame.Get("style")
	if !g.narrow {
		style.Set("height", "")
		return
	}
	style.Set("height", fmt.Sprintf("%dpx", (g.h*outsideW+g.w-1)/g.w))
}

// describe sets the canvas's text alternative (the canvas is an image to
// assistive technology).
func (pageHost) describe(text string) {
	canvas := js.Global().Get("document").Call("querySelector", "canvas")
	if !canvas.Truthy() {
		return
	}
	canvas.Call("setAttribute", "role", "img")
	canvas.Call("setAttribute", "aria-label", text)
}
