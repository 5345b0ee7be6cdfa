{
  "targets": [
    {
      "target_name": "ferry_native",
      "sources": ["ferry-native.c", "transfer-thread.c", "kernel-receive.c", "kernel-send.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
