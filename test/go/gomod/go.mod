module wasihost.test/gomod

go 1.24
