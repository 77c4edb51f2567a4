{
  "targets": [
    {
      "target_name": "wasihost",
      "sources": [
        "<!@(node scripts/sources.js)"
      ],
      "include_dirs": [ "include", "src" ],
      "cflags_c": [ "<!@(node scripts/cflags.js)" ],
      "cflags!": [ "-fno-exceptions" ]
    }
  ]
}
