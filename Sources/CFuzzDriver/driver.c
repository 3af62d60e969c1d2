#include "CFuzzDriver.h"
#include <stdio.h>

// `swift build` (plain or `--build-tests`) builds every target, PoIESFuzz too; only the
// `-sanitize=fuzzer` build links libFuzzer, whose strong LLVMFuzzerRunDriver replaces this one.
__attribute__((weak)) int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *, size_t)) {
    (void)argc; (void)argv; (void)callback;
    fprintf(stderr, "PoIESFuzz: built without libFuzzer; build with `make fuzz-build` (swift build -Xswiftc -sanitize=fuzzer)\n");
    return 2;
}
