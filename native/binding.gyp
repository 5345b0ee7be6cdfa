{
  "targets": [
    {
      "target_name": "ferry_native",
      "sources": ["ferry-native.c", "kernel-receive.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
