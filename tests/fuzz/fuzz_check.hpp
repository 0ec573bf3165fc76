#pragma once
// FUZZ_CHECK(cond, what): a harness's oracle. A failed check prints what broke and aborts, which the
// fuzz driver (and ASan's handle_abort) reports as a crash with the input saved.
#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond, what)                                                             \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            std::fprintf(stderr, "fuzz: check failed at %s:%d: %s (%s)\n", __FILE__, __LINE__, \
                         what, #cond);                                                     \
            std::abort();                                                                  \
        }                                                                                  \
    } while (0)
