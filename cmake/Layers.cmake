# One library per folder of lib/, each compiled against an include root that holds only its own
# folder (a symlink under build/include-roots/<folder>/). A folder sees the headers of another
# only when it links it: PUBLIC when its own headers need them, PRIVATE when only its sources do.
# So an include that ARCHITECTURE.md does not allow is a compile error, not a review comment.
#
#   kubeproof_layer(<folder> [PUBLIC <targets>...] [PRIVATE <targets>...])
#
# defines kubeproof_<folder> (STATIC, or INTERFACE for a header-only folder).
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
    cmake_parse_arguments(PARSE_ARGV 1 L "" "" "PUBLIC;PRIVATE")
    kubeproof_include_root(${folder} root)
    file(GLOB sources CONFIGURE_DEPENDS "${CMAKE_SOURCE_DIR}/lib/${folder}/*.cpp")
    set(target kubeproof_${folder})
    if(sources)
        add_library(${target} STATIC ${sources})
        target_include_directories(${target} PUBLIC "${root}")
        target_link_libraries(${target} PUBLIC ${L_PUBLIC} PRIVATE ${L_PRIVATE} kubeproof_warnings kubeproof_settings)
    else()
        add_library(${target} INTERFACE)
        target_include_directories(${target} INTERFACE "${root}")
        target_link_libraries(${target} INTERFACE ${L_PUBLIC})
    endif()
endfunction()
