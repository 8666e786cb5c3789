#include <stddef.h>
#include <stdint.h>

// libFuzzer's driver (compiler-rt, FuzzerDriver.cpp). SwiftPM gives every executable its own entry point and links
// `main` to it, so libFuzzer's main is never used: each target's main.swift calls this instead.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*UserCb)(const uint8_t *Data, size_t Size));
