module wasihost.bench

go 1.26
