package ops

// ConvPoolChunk returns how many images of a batch the fused
// convolution-pool ops (ConvPoolReLU, ConvAdaptivePoolReLU) process at a
// time: the largest power of two whose patches and convolution output fit
// in convPoolChunkBytes, and at most a minChunks-th of the batch. It
// depends on the geometry and the batch size only.
func ConvPoolChunk(geom ConvGeometry, batch int) int {
	perImage := geom.OutH() * geom.OutW() * (geom.PatchSize() + geom.OutC) * 4
	chunk := 1
	for chunk*2*perImage <= convPoolChunkBytes {
		chunk *= 2
	}
	// At least minChunks chunks where the batch allows, to share them
	// out evenly.
	return max(1, min(chunk, batch/minChunks))
}
