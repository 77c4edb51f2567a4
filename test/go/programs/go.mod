module wasihost.test/programs

go 1.24
