// The libFuzzer entry point every fuzz target defines (one per fuzz/*_fuzz.cpp). Under the `fuzz`
// preset libFuzzer's main drives it; in every other build replay_main.cpp does, feeding it the
// target's seed corpus and kept regressions so that CTest runs them.
#pragma once

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
