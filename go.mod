module github.com/artnet-panel/artnet-panel

go 1.26.8
