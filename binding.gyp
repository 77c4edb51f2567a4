{
  "targets": [
    {
      "target_name": "wasihost",
      "sources": [
        "<!@(node scripts/sources.js)"
      ],
      "include_dirs": [ "include", "src" ],
      "cflags_c": [ "-std=c11", "-O2", "-Wall", "-Wextra", "-Wno-unused-parameter", "-fno-strict-aliasing" ],
      "cflags!": [ "-fno-exceptions" ],
      "defines": [ "_GNU_SOURCE" ]
    }
  ]
}
