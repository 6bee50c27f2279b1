package datamatrix

import "sync"

// Reed-Solomon error correction of ECC 200 over GF(256) with the field
// polynomial x⁸+x⁵+x³+x²+1 (301) and generator roots α¹…αⁿ, as the
// upstream package computes it, but with log/antilog tables and cached
// generators instead of a polynomial object per step: upstream allocates
// for every multiplication, which was half the bytes allocated by a
// notice with a Poste DataMatrix.
var (
	gfExp [512]int
	gfLog [256]int

	genMu      sync.Mutex
	generators = map[int][]int{}
)

func init() {
	x := 1
	for i := 0; i < 255; i++ {
		gfExp[i], gfLog[x] = x, i
		if x <<= 1; x >= 256 {
			x ^= 301
		}
	}
	for i := 255; i < len(gfExp); i++ {
		gfExp[i] = gfExp[i-255]
	}
}

func gfMul(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	return gfExp[gfLog[a]+gfLog[b]]
}

// generator is Π (x + αᵈ) for d = 1..n, highest degree first.
func generator(n int) []int {
	genMu.Lock()
	defer genMu.Unlock()
	if g, ok := generators[n]; ok {
		return g
	}
	g := []int{1}
	for d := 1; d <= n; d++ {
		a := gfExp[d]
		next := make([]int, len(g)+1)
		next[0] = g[0]
		for i := 1; i < len(g); i++ {
			next[i] = g[i] ^ gfMul(g[i-1], a)
		}
		next[len(g)] = gfMul(g[len(g)-1], a)
		g = next
	}
	generators[n] = g
	return g
}

type errorCorrection struct{}

var ec errorCorrection

// calcECC appends the error correction codewords to data, block by block
// and interleaved, as ECC 200 lays them out.
func (errorCorrection) calcECC(data []byte, size *dmCodeSize) []byte {
	dataSize := len(data)
	data = append(data, make([]byte, size.ECCCount)...)
	n := size.ErrorCorrectionCodewordsPerBlock()
	gen := generator(n)
	ecc := make([]int, n)
	for block := 0; block < size.BlockCount; block++ {
		clear(ecc)
		for i := block; i < dataSize; i += size.BlockCount {
			factor := int(data[i]) ^ ecc[0]
			copy(ecc, ecc[1:])
			ecc[n-1] = 0
			for k := range n {
				ecc[k] ^= gfMul(gen[k+1], factor)
			}
		}
		for j, i := 0, block; i < n*size.BlockCount; i, j = i+size.BlockCount, j+1 {
			data[dataSize+i] = byte(ecc[j])
		}
	}
	return data
}
