# Two INTERFACE targets every kubeproof target links PRIVATE-ly:
#   kubeproof_warnings  warning flags (errors with KUBEPROOF_WERROR=ON, as in CI)
#   kubeproof_settings  debug assertions and, with KUBEPROOF_SANITIZE=ON, ASan + UBSan

option(KUBEPROOF_WERROR "Treat compiler warnings as errors" OFF)
option(KUBEPROOF_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(KUBEPROOF_FUZZ "Also build the libFuzzer targets of tests/fuzz (clang; implies KUBEPROOF_SANITIZE)" OFF)

# GCC 12.2's optimizer-driven warnings give false positives on valid code once libstdc++ and
# nlohmann/json are inlined at -O2/-O3: -Wrestrict on `"/" + std::to_string(n) + "/"` (GCC PR105329),
# -Wnull-dereference in nlohmann::json::value() (nlohmann/json#3525). They stay visible as warnings
# in Release; they never fail the build. (At -O0, i.e. dev and asan-ubsan, they do not fire.)
set(_kubeproof_gcc_flow_warnings
    null-dereference restrict array-bounds stringop-overflow stringop-overread maybe-uninitialized)
list(TRANSFORM _kubeproof_gcc_flow_warnings PREPEND -Wno-error=)

add_library(kubeproof_warnings INTERFACE)
target_compile_options(kubeproof_warnings INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wcast-align -Wunused -Wnull-dereference
    -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough
    $<$<COMPILE_LANGUAGE:CXX>:-Wnon-virtual-dtor -Woverloaded-virtual>
    $<$<BOOL:${KUBEPROOF_WERROR}>:-Werror>
    "$<$<AND:$<BOOL:${KUBEPROOF_UNITY}>,$<CXX_COMPILER_ID:GNU>,$<COMPILE_LANGUAGE:CXX>>:-Wno-subobject-linkage>"
    "$<$<AND:$<BOOL:${KUBEPROOF_WERROR}>,$<CXX_COMPILER_ID:GNU>>:${_kubeproof_gcc_flow_warnings}>")

# KUBEPROOF_UNITY=ON (the release and asan-ubsan presets, i.e. CI): each target's sources are
# compiled a batch at a time, so the templates of nlohmann/json, fmt and the standard library are
# instantiated and optimised once per batch instead of once per file; about half the build time.
# Helpers in anonymous namespaces must then have names unique within their folder. GCC's
# -Wsubobject-linkage is meant for headers and fires on every .cpp a batch includes: it is off
# there. clang-tidy reads a build configured without it (scripts/check_tidy.sh). The dev preset
# builds file by file, which rebuilds less after an edit.
option(KUBEPROOF_UNITY "Compile each target's sources in batches (unity build)" OFF)
if(KUBEPROOF_UNITY)
    set(CMAKE_UNITY_BUILD ON)
    set(CMAKE_UNITY_BUILD_BATCH_SIZE 8)
endif()

add_library(kubeproof_settings INTERFACE)
target_compile_definitions(kubeproof_settings INTERFACE $<$<CONFIG:Debug>:_GLIBCXX_ASSERTIONS>)
# KUBEPROOF_FUZZ=ON (the asan-ubsan preset): the libFuzzer targets of tests/fuzz are built too. It
# implies the sanitizers. libFuzzer's coverage instrumentation without its main()
# (-fsanitize=fuzzer-no-link, the INTERFACE target kubeproof_fuzz_coverage) goes only on what a fuzz
# target runs: the folders of lib/ that kubeproof_layer() marks FUZZED, and the fuzz targets, which
# alone link -fsanitize=fuzzer. The rest (app/, the folders no fuzz target reaches, cli/, the unit
# tests) is compiled without it: instrumenting every branch and comparison of code no fuzzer runs
# made those files a third slower to build and gave the coverage callbacks nothing to report (the
# ASan runtime gives the other executables empty ones). One clang build thus serves both the
# sanitized test suite and the fuzzers, compiled once; tests/fuzz/CMakeLists.txt fails the
# configure if a fuzz target links a folder that is not FUZZED.
add_library(kubeproof_fuzz_coverage INTERFACE)
if(KUBEPROOF_FUZZ)
    set(KUBEPROOF_SANITIZE ON)
    target_compile_options(kubeproof_fuzz_coverage INTERFACE -fsanitize=fuzzer-no-link)
endif()
if(KUBEPROOF_SANITIZE)
    set(_kubeproof_sanitize_flags
        -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
    target_compile_options(kubeproof_settings INTERFACE ${_kubeproof_sanitize_flags})
    target_link_options(kubeproof_settings INTERFACE ${_kubeproof_sanitize_flags})
endif()

# Release: let the linker drop unused functions and data (also applied to curl, added later).
add_compile_options($<$<CONFIG:Release>:-ffunction-sections> $<$<CONFIG:Release>:-fdata-sections>)

# Links an executable fully statically (unless sanitizing: ASan cannot be static) and, in
# Release, garbage-collects sections and strips it. A sanitized executable is dynamic, and linked
# as a position-dependent one (-no-pie): as a position-independent executable, the kubeproof of the
# asan-ubsan build carried 447,000 relative relocations that the dynamic loader applied at every
# start, 22 ms of each of the thousands of runs the e2e tests make (190 -> 169 ms for one manifest).
function(kubeproof_static_executable target)
    if(NOT KUBEPROOF_SANITIZE)
        target_link_options(${target} PRIVATE -static)
        # jemalloc's malloc and free instead of glibc's (cmake/Dependencies.cmake).
        target_link_libraries(${target} PRIVATE "${JEMALLOC_LIBRARY}" Threads::Threads ${CMAKE_DL_LIBS})
        # and its options: transparent huge pages for the heap (cmake/jemalloc_conf.cpp).
        target_sources(${target} PRIVATE "${CMAKE_SOURCE_DIR}/cmake/jemalloc_conf.cpp")
    else()
        target_link_options(${target} PRIVATE -no-pie)
    endif()
    target_link_options(${target} PRIVATE $<$<CONFIG:Release>:LINKER:--gc-sections> $<$<CONFIG:Release>:-s>)
endfunction()
