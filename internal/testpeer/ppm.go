package testpeer

import (
	"bytes"
	"fmt"
	"image"
	"io"
)

// DecodePPM decodes a binary PPM (P6, maxval 255), as QEMU's QMP
// screendump writes the screen of a machine.
func DecodePPM(b []byte) (*image.RGBA, error) {
	var w, h, maxval int
	r := bytes.NewReader(b)
	if _, err := fmt.Fscanf(r, "P6\n%d %d\n%d", &w, &h, &maxval); err != nil || maxval != 255 {
		return nil, fmt.Errorf("not a P6 PPM with maxval 255 (%v)", err)
	}
	r.ReadByte() // the whitespace after maxval
	px := make([]byte, w*h*3)
	if _, err := io.ReadFull(r, px); err != nil {
		return nil, err
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range w * h {
		img.Pix[i*4], img.Pix[i*4+1], img.Pix[i*4+2], img.Pix[i*4+3] = px[i*3], px[i*3+1], px[i*3+2], 255
	}
	return img, nil
}
