# Two INTERFACE targets every kubeproof target links PRIVATE-ly:
#   kubeproof_warnings  warning flags (errors with KUBEPROOF_WERROR=ON, as in CI)
#   kubeproof_settings  debug assertions and, with KUBEPROOF_SANITIZE=ON, ASan + UBSan

option(KUBEPROOF_WERROR "Treat compiler warnings as errors" OFF)
option(KUBEPROOF_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)

add_library(kubeproof_warnings INTERFACE)
target_compile_options(kubeproof_warnings INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wcast-align -Wunused -Wnull-dereference
    -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough
    $<$<COMPILE_LANGUAGE:CXX>:-Wnon-virtual-dtor -Woverloaded-virtual>
    $<$<BOOL:${KUBEPROOF_WERROR}>:-Werror>
    # GCC 12 reports false "potential null pointer dereference" inside nlohmann/json when it is
    # inlined at -O2/-O3 (nlohmann/json#3525); keep the warning visible but never fatal.
    $<$<AND:$<BOOL:${KUBEPROOF_WERROR}>,$<CXX_COMPILER_ID:GNU>>:-Wno-error=null-dereference>)

add_library(kubeproof_settings INTERFACE)
target_compile_definitions(kubeproof_settings INTERFACE $<$<CONFIG:Debug>:_GLIBCXX_ASSERTIONS>)
if(KUBEPROOF_SANITIZE)
    set(_kubeproof_sanitize_flags
        -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
    target_compile_options(kubeproof_settings INTERFACE ${_kubeproof_sanitize_flags})
    target_link_options(kubeproof_settings INTERFACE ${_kubeproof_sanitize_flags})
endif()

# Release: let the linker drop unused functions and data (also applied to curl, added later).
add_compile_options($<$<CONFIG:Release>:-ffunction-sections> $<$<CONFIG:Release>:-fdata-sections>)

# Links an executable fully statically (unless sanitizing: ASan cannot be static) and, in
# Release, garbage-collects sections and strips it.
function(kubeproof_static_executable target)
    if(NOT KUBEPROOF_SANITIZE)
        target_link_options(${target} PRIVATE -static)
    endif()
    target_link_options(${target} PRIVATE $<$<CONFIG:Release>:LINKER:--gc-sections> $<$<CONFIG:Release>:-s>)
endfunction()
