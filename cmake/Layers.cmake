# One library per folder of lib/, each compiled against an include root that holds only its own
# folder (a symlink under build/include-roots/<folder>/). A folder sees the headers of another
# only when it links it: PUBLIC when its own headers need them, PRIVATE when only its sources do.
# So an include that ARCHITECTURE.md does not allow is a compile error, not a review comment.
#
#   kubeproof_layer(<folder> [FUZZED] [PUBLIC <targets>...] [PRIVATE <targets>...])
#
# defines kubeproof_<folder> (STATIC, or INTERFACE for a header-only folder). FUZZED: a fuzz target
# runs this folder's code, which then carries libFuzzer's coverage instrumentation in a
# KUBEPROOF_FUZZ build (kubeproof_fuzz_coverage, cmake/CompilerOptions.cmake).
# The include root of one folder: a directory holding only a symlink to lib/<folder>.
function(kubeproof_include_root folder out)
    set(root "${CMAKE_BINARY_DIR}/include-roots/${folder}")
    file(MAKE_DIRECTORY "${root}")
    if(NOT EXISTS "${root}/${folder}")
        file(CREATE_LINK "${CMAKE_SOURCE_DIR}/lib/${folder}" "${root}/${folder}" SYMBOLIC)
    endif()
    set(${out} "${root}" PARENT_SCOPE)
endfunction()

function(kubeproof_layer folder)
    cmake_parse_arguments(PARSE_ARGV 1 L "FUZZED" "" "PUBLIC;PRIVATE")
    kubeproof_include_root(${folder} root)
    file(GLOB sources CONFIGURE_DEPENDS "${CMAKE_SOURCE_DIR}/lib/${folder}/*.cpp")
    set(target kubeproof_${folder})
    if(sources)
        add_library(${target} STATIC ${sources})
        target_include_directories(${target} PUBLIC "${root}")
        target_link_libraries(${target} PUBLIC ${L_PUBLIC} PRIVATE ${L_PRIVATE} kubeproof_warnings kubeproof_settings)
        if(L_FUZZED)
            target_link_libraries(${target} PRIVATE kubeproof_fuzz_coverage)
            set_target_properties(${target} PROPERTIES KUBEPROOF_FUZZED ON)
        endif()
        if("${kubeproof_pch_links}" IN_LIST L_PUBLIC OR "${kubeproof_pch_links}" IN_LIST L_PRIVATE)
            kubeproof_precompile_shared(${target} ${L_FUZZED})
        else()
            kubeproof_precompile(${target})
        endif()
    else()
        add_library(${target} INTERFACE)
        target_include_directories(${target} INTERFACE "${root}")
        target_link_libraries(${target} INTERFACE ${L_PUBLIC})
    endif()
endfunction()

# With KUBEPROOF_PCH=ON (the release and asan-ubsan presets), a target's sources are compiled
# against a precompiled header of the standard and third-party headers nearly every file includes:
# they are parsed once per target instead of once per file, which roughly halves the builds.
# clang-tidy (scripts/check_tidy.sh) reads the same compile commands without the precompiled
# header, so a file of lib/ or cli/ that forgets one of these includes still fails there.
option(KUBEPROOF_PCH "Precompile the common standard and third-party headers" OFF)
# clang writes the modification time of every header into a precompiled header and refuses it, or
# makes it differ byte for byte, when a header is newer: without the times, a PCH is the same in
# every clone, so that ccache (scripts/test.sh) can reuse what was compiled against it.
if(KUBEPROOF_PCH AND CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    add_compile_options("SHELL:-Xclang -fno-pch-timestamp")
endif()
set(kubeproof_pch_headers <algorithm> <functional> <map> <memory> <optional> <set> <string>
    <string_view> <vector> <nlohmann/json.hpp> <fmt/format.h>)

function(kubeproof_precompile target)
    if(KUBEPROOF_PCH)
        target_precompile_headers(${target} PRIVATE ${kubeproof_pch_headers} ${ARGN})
    endif()
endfunction()

# One precompiled header of the same headers, built once (kubeproof_pch, an empty object library
# compiled like a folder of lib/ that links `links`) and reused by every folder that links the
# first of `links` too: a compiler rejects a header precompiled with macros a file does not define
# (fmt's FMT_HEADER_ONLY), so a folder without it (util, model) keeps its own. Each precompiled
# header took seven seconds to build; there were fifteen of them, in each of CI's two builds.
# clang also rejects a header precompiled with another coverage instrumentation, so a KUBEPROOF_FUZZ
# build has a second one (kubeproof_pch_fuzzed) for the FUZZED folders.
function(kubeproof_shared_pch)
    set(kubeproof_pch_links "${ARGV0}" PARENT_SCOPE)
    if(KUBEPROOF_PCH)
        add_library(kubeproof_pch OBJECT "${CMAKE_SOURCE_DIR}/cmake/pch.cpp")
        target_link_libraries(kubeproof_pch PRIVATE ${ARGN} kubeproof_warnings kubeproof_settings)
        target_precompile_headers(kubeproof_pch PRIVATE ${kubeproof_pch_headers})
        if(KUBEPROOF_FUZZ)
            add_library(kubeproof_pch_fuzzed OBJECT "${CMAKE_SOURCE_DIR}/cmake/pch.cpp")
            target_link_libraries(kubeproof_pch_fuzzed
                PRIVATE ${ARGN} kubeproof_warnings kubeproof_settings kubeproof_fuzz_coverage)
            target_precompile_headers(kubeproof_pch_fuzzed PRIVATE ${kubeproof_pch_headers})
        endif()
    endif()
endfunction()

#   kubeproof_precompile_shared(<target> [FUZZED])
function(kubeproof_precompile_shared target)
    if(KUBEPROOF_PCH)
        if(KUBEPROOF_FUZZ AND ARGV1)
            target_precompile_headers(${target} REUSE_FROM kubeproof_pch_fuzzed)
        else()
            target_precompile_headers(${target} REUSE_FROM kubeproof_pch)
        endif()
    endif()
endfunction()
