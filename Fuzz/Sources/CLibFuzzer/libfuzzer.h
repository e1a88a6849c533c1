// libFuzzer's entry for a program that has its own main (compiler-rt's FuzzerInterface.h):
// it parses libFuzzer's flags from argv and runs the fuzzing loop, calling `callback` with
// each input. Linked by `-sanitize=fuzzer` (libclang_rt.fuzzer); the header only declares it.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
