# kubeproof_embedded: every checks/**/*.yaml and frameworks/*.yaml file compiled into a static
# library behind lib/embedded/embedded.hpp. The globs re-run at build time (CONFIGURE_DEPENDS),
# and the source is regenerated whenever one of the files, the list or the script changes.

file(GLOB_RECURSE _kubeproof_check_files CONFIGURE_DEPENDS RELATIVE "${CMAKE_SOURCE_DIR}"
    "${CMAKE_SOURCE_DIR}/checks/*.yaml")
file(GLOB _kubeproof_framework_files CONFIGURE_DEPENDS RELATIVE "${CMAKE_SOURCE_DIR}"
    "${CMAKE_SOURCE_DIR}/frameworks/*.yaml")
set(_kubeproof_embedded_paths ${_kubeproof_check_files} ${_kubeproof_framework_files})
list(SORT _kubeproof_embedded_paths)

# The list is rewritten only when it changes, so adding or removing a file regenerates the source.
set(_kubeproof_embed_dir "${CMAKE_BINARY_DIR}/generated")
set(_kubeproof_embed_list "${_kubeproof_embed_dir}/embedded_files.txt")
set(_kubeproof_embed_cpp "${_kubeproof_embed_dir}/embedded_files.cpp")
set(_kubeproof_embed_script "${CMAKE_SOURCE_DIR}/cmake/embed_files.cmake")
list(JOIN _kubeproof_embedded_paths "\n" _kubeproof_list_text)
if(_kubeproof_embedded_paths)
    string(APPEND _kubeproof_list_text "\n")
endif()
set(_kubeproof_old_list_text "")
if(EXISTS "${_kubeproof_embed_list}")
    file(READ "${_kubeproof_embed_list}" _kubeproof_old_list_text)
endif()
if(NOT EXISTS "${_kubeproof_embed_list}" OR NOT _kubeproof_old_list_text STREQUAL _kubeproof_list_text)
    file(WRITE "${_kubeproof_embed_list}" "${_kubeproof_list_text}")
endif()

list(TRANSFORM _kubeproof_embedded_paths PREPEND "${CMAKE_SOURCE_DIR}/"
     OUTPUT_VARIABLE _kubeproof_embedded_abs)
list(LENGTH _kubeproof_embedded_paths _kubeproof_embedded_count)
add_custom_command(
    OUTPUT "${_kubeproof_embed_cpp}"
    COMMAND "${CMAKE_COMMAND}" "-DSOURCE_DIR=${CMAKE_SOURCE_DIR}" "-DLIST_FILE=${_kubeproof_embed_list}"
            "-DOUTPUT=${_kubeproof_embed_cpp}" -P "${_kubeproof_embed_script}"
    DEPENDS ${_kubeproof_embedded_abs} "${_kubeproof_embed_list}" "${_kubeproof_embed_script}"
    COMMENT "Embedding ${_kubeproof_embedded_count} check and framework files"
    VERBATIM)

add_library(kubeproof_embedded STATIC "${_kubeproof_embed_cpp}")
# Each file is one string literal; some are longer than the 65,536 characters the standard asks
# compilers to support, which clang's -Wpedantic points out. Both compilers take them.
set_source_files_properties("${_kubeproof_embed_cpp}" PROPERTIES COMPILE_OPTIONS -Wno-overlength-strings)
kubeproof_include_root(embedded _kubeproof_embedded_root)
target_include_directories(kubeproof_embedded PUBLIC "${_kubeproof_embedded_root}")
target_link_libraries(kubeproof_embedded PRIVATE kubeproof_warnings kubeproof_settings)
