# What `kubeproof version` says about the build, the generated completions and man page, the
# install rules and the Debian package (CPack). scripts/package.sh builds the .deb and the image.

# The commit and build date: one generated file, checked on every build and rewritten only when
# it changes (cmake/write_build_info.cmake), so a new commit recompiles it alone.
set(kubeproof_build_info_cpp "${CMAKE_BINARY_DIR}/generated/build_info.cpp")
add_custom_target(kubeproof_build_info
    COMMAND "${CMAKE_COMMAND}" "-DSOURCE_DIR=${CMAKE_SOURCE_DIR}" "-DOUTPUT=${kubeproof_build_info_cpp}"
            -P "${CMAKE_SOURCE_DIR}/cmake/write_build_info.cmake"
    BYPRODUCTS "${kubeproof_build_info_cpp}"
    COMMENT "Checking the commit for kubeproof version"
    VERBATIM)
target_sources(kubeproof PRIVATE "${kubeproof_build_info_cpp}")
set_source_files_properties("${kubeproof_build_info_cpp}" PROPERTIES
    INCLUDE_DIRECTORIES "${CMAKE_SOURCE_DIR}/cli" SKIP_PRECOMPILE_HEADERS ON)
add_dependencies(kubeproof kubeproof_build_info)

# Bash and zsh completion and the man page, written by the binary itself from its own option
# model (the hidden `kubeproof generate`), so they cannot drift from the options.
set(kubeproof_docs_dir "${CMAKE_BINARY_DIR}/generated/docs")
set(kubeproof_docs "${kubeproof_docs_dir}/kubeproof.bash" "${kubeproof_docs_dir}/_kubeproof"
    "${kubeproof_docs_dir}/kubeproof.1.gz")
add_custom_command(
    OUTPUT ${kubeproof_docs}
    COMMAND kubeproof generate bash --output "${kubeproof_docs_dir}/kubeproof.bash"
    COMMAND kubeproof generate zsh --output "${kubeproof_docs_dir}/_kubeproof"
    COMMAND kubeproof generate man --output "${kubeproof_docs_dir}/kubeproof.1"
    # -n: no name or time stamp in the gzip header, so the page is byte-stable
    COMMAND gzip -9 -n -f "${kubeproof_docs_dir}/kubeproof.1"
    DEPENDS kubeproof
    COMMENT "Generating the completions and the man page"
    VERBATIM)
add_custom_target(kubeproof_docs ALL DEPENDS ${kubeproof_docs})

# Install rules, all in one component so that curl's own rules (its subdirectory) stay out of the
# package. Paths are relative to the prefix: /usr in the .deb.
install(TARGETS kubeproof RUNTIME DESTINATION bin COMPONENT kubeproof)
install(FILES "${kubeproof_docs_dir}/kubeproof.bash" DESTINATION share/bash-completion/completions
        RENAME kubeproof COMPONENT kubeproof)
install(FILES "${kubeproof_docs_dir}/_kubeproof" DESTINATION share/zsh/vendor-completions
        COMPONENT kubeproof)
install(FILES "${kubeproof_docs_dir}/kubeproof.1.gz" DESTINATION share/man/man1 COMPONENT kubeproof)
install(FILES "${CMAKE_SOURCE_DIR}/LICENSE" DESTINATION share/doc/kubeproof RENAME copyright
        COMPONENT kubeproof)

# The Debian package: the static binary needs nothing at run time, so no Depends at all.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME kubeproof)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION} with SOC 2 and PCI DSS evidence")
set(CPACK_PACKAGE_DESCRIPTION "\
kubeproof checks a Kubernetes node against the CIS Kubernetes Benchmark and a cluster's
objects against its section 5, tagging every result with the SOC 2, PCI DSS and ISO 27001
criteria it supports. One static binary with the check definitions compiled in; it never
starts a shell.")
set(CPACK_PACKAGE_CONTACT "kubeproof maintainers <kubeproof@users.noreply.github.com>")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/kubeproof/kubeproof")
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS OFF)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # kubeproof_0.1.0_amd64.deb
set(CPACK_INSTALL_CMAKE_PROJECTS "${CMAKE_BINARY_DIR};kubeproof;kubeproof;/")
# Fixed modes whatever the umask of the machine that builds it.
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
include(CPack)
