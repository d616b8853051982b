module fisherscope

go 1.26.0

require gonum.org/v1/gonum v0.17.0

require github.com/BurntSushi/toml v1.6.0

require golang.org/x/sys v0.49.0 // indirect
