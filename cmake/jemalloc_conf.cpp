// jemalloc's built-in options for the release executables (kubeproof_static_executable).
// thp:always asks for transparent huge pages for the heap (madvise(MADV_HUGEPAGE) on jemalloc's
// mappings). A node scan touched about 470 separate 4 KiB heap pages, each a page fault; with huge
// pages it takes about 70. It does nothing where THP is "never", and MALLOC_CONF in the
// environment still overrides it (MALLOC_CONF=thp:default).
extern "C" {
// NOLINTNEXTLINE(cppcoreguidelines-avoid-non-const-global-variables): jemalloc reads this symbol
const char* malloc_conf = "thp:always";
}
