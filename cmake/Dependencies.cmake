# Third-party dependencies, linked fully statically (see /work/shared/static-build.md):
# Debian .a archives for OpenSSL, c-ares, yaml-cpp, libyaml, re2 and jemalloc; header-only fmt, CLI11, nlohmann-json,
# RapidJSON, cereal and doctest; a minimal HTTP-only libcurl built from Debian's curl source in .deps/.

set(CMAKE_FIND_LIBRARY_SUFFIXES .a)  # only ever pick static archives
set(OPENSSL_USE_STATIC_LIBS TRUE)

find_package(Threads REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(nlohmann_json 3.11 REQUIRED CONFIG)
find_package(CLI11 2.1 REQUIRED CONFIG)
find_package(fmt 9 REQUIRED CONFIG)
find_package(doctest 2.4 REQUIRED CONFIG)
find_package(Python3 REQUIRED COMPONENTS Interpreter)

# Debian's yaml-cpp config exports only the shared library, so wrap libyaml-cpp.a ourselves.
find_path(YAMLCPP_INCLUDE_DIR yaml-cpp/yaml.h REQUIRED)
find_library(YAMLCPP_LIBRARY yaml-cpp REQUIRED)
add_library(yaml-cpp::static STATIC IMPORTED)
set_target_properties(yaml-cpp::static PROPERTIES
    IMPORTED_LOCATION "${YAMLCPP_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${YAMLCPP_INCLUDE_DIR}")

# libyaml (libyaml-dev): the event parser behind parse/yaml_fast, the common case of a manifest.
find_path(LIBYAML_INCLUDE_DIR yaml.h REQUIRED)
find_library(LIBYAML_LIBRARY yaml REQUIRED)
add_library(yaml::libyaml STATIC IMPORTED)
set_target_properties(yaml::libyaml PROPERTIES
    IMPORTED_LOCATION "${LIBYAML_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${LIBYAML_INCLUDE_DIR}")

# SQLite (the store index): Debian's libsqlite3.a; it needs libm, libdl and pthread.
find_package(SQLite3 3.40 REQUIRED)
set_property(TARGET SQLite::SQLite3 APPEND PROPERTY INTERFACE_LINK_LIBRARIES m ${CMAKE_DL_LIBS} Threads::Threads)

# jemalloc (libjemalloc-dev's libjemalloc.a): the allocator of the release binaries
# (kubeproof_static_executable). A manifest scan builds and frees millions of small JSON nodes,
# and glibc's allocator took a third of its single-threaded part. The sanitizer builds keep the
# allocator ASan replaces.
if(NOT KUBEPROOF_SANITIZE)
    find_library(JEMALLOC_LIBRARY jemalloc REQUIRED)
endif()

# cereal (header-only, libcereal-dev): the binary archives of the definitions compiled into the
# binary (model/serialize).
find_package(cereal 1.3 REQUIRED CONFIG)

# re2 ships only a pkg-config file; the Debian build needs no abseil, only pthread.
# RapidJSON (header-only): the fast reader of stored reports (history/report_events).
find_path(RAPIDJSON_INCLUDE_DIR rapidjson/reader.h REQUIRED)
add_library(RapidJSON::RapidJSON INTERFACE IMPORTED)
set_target_properties(RapidJSON::RapidJSON PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${RAPIDJSON_INCLUDE_DIR}")

find_path(RE2_INCLUDE_DIR re2/re2.h REQUIRED)
find_library(RE2_LIBRARY re2 REQUIRED)
add_library(re2::re2 STATIC IMPORTED)
set_target_properties(re2::re2 PROPERTIES
    IMPORTED_LOCATION "${RE2_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${RE2_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES Threads::Threads)

# Locate Debian's curl source fetched by scripts/setup.sh (the newest .deps/curl-* wins);
# -DKUBEPROOF_CURL_SOURCE_DIR=... overrides.
if(NOT KUBEPROOF_CURL_SOURCE_DIR)
    file(GLOB _kubeproof_curl_lists "${CMAKE_SOURCE_DIR}/.deps/curl-*/CMakeLists.txt")
    if(_kubeproof_curl_lists)
        list(SORT _kubeproof_curl_lists COMPARE NATURAL ORDER DESCENDING)
        list(GET _kubeproof_curl_lists 0 _kubeproof_curl_newest)
        get_filename_component(KUBEPROOF_CURL_SOURCE_DIR "${_kubeproof_curl_newest}" DIRECTORY)
    endif()
endif()
if(NOT KUBEPROOF_CURL_SOURCE_DIR OR NOT EXISTS "${KUBEPROOF_CURL_SOURCE_DIR}/CMakeLists.txt")
    message(FATAL_ERROR
        "curl source not found in ${CMAKE_SOURCE_DIR}/.deps/curl-*/: run scripts/setup.sh first "
        "(it fetches Debian's curl source package into .deps/).")
endif()
message(STATUS "kubeproof: minimal libcurl from ${KUBEPROOF_CURL_SOURCE_DIR}")

# Builds libcurl with only HTTP(S) over OpenSSL and c-ares; defines CURL::libcurl.
function(kubeproof_add_minimal_curl source_dir)
    set(BUILD_SHARED_LIBS OFF)
    foreach(o BUILD_CURL_EXE ENABLE_MANUAL CURL_ENABLE_EXPORT_TARGET USE_NGHTTP2 USE_LIBIDN2
              CURL_USE_LIBPSL CURL_USE_LIBSSH2 CURL_USE_LIBSSH CURL_USE_GSSAPI PICKY_COMPILER)
        set(${o} OFF CACHE BOOL "" FORCE)
    endforeach()
    # CURL_DISABLE_TESTS, not BUILD_TESTING: the latter would clobber our own CTest switch.
    foreach(o HTTP_ONLY CURL_USE_OPENSSL ENABLE_ARES CURL_DISABLE_LDAP CURL_DISABLE_LDAPS
              CURL_DISABLE_NETRC CURL_DISABLE_OPENSSL_AUTO_LOAD_CONFIG CURL_DISABLE_TESTS)
        set(${o} ON CACHE BOOL "" FORCE)
    endforeach()
    foreach(d ZLIB BROTLI ZSTD)
        set(CURL_${d} OFF CACHE STRING "" FORCE)
    endforeach()
    set(CURL_CA_BUNDLE none CACHE STRING "" FORCE)  # the app always sets CAINFO / CAINFO_BLOB
    set(CURL_CA_PATH none CACHE STRING "" FORCE)
    # In Debug builds (dev, asan-ubsan) curl is neither sanitized nor debugged: build it unoptimised,
    # the fastest way (these variables are local to this function and so to curl's directory).
    set(CMAKE_C_FLAGS_DEBUG "-O0")
    add_subdirectory("${source_dir}" "${CMAKE_BINARY_DIR}/_deps/curl" EXCLUDE_FROM_ALL)
endfunction()

kubeproof_add_minimal_curl("${KUBEPROOF_CURL_SOURCE_DIR}")
if(NOT TARGET CURL::libcurl)
    message(FATAL_ERROR "curl's CMake build in ${KUBEPROOF_CURL_SOURCE_DIR} did not define CURL::libcurl")
endif()
