#pragma once

// A real directory tree under a fresh mkdtemp dir, built with the same calls as FakeHost so that
// one tree description can build both (tests of RealHost and of FakeHost/RealHost parity).

#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace kubeproof::test {

/// A temporary root directory (mode 0755, removed with everything in it on destruction).
class TempRoot {
public:
    TempRoot() {
        std::string pattern =
            std::filesystem::temp_directory_path().string() + "/kubeproof-host-XXXXXX";
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        m_path = pattern;
        std::filesystem::permissions(m_path, std::filesystem::perms(0755));
    }
    TempRoot(const TempRoot&) = delete;
    TempRoot& operator=(const TempRoot&) = delete;
    ~TempRoot() {
        std::error_code ignored;
        std::filesystem::remove_all(m_path, ignored);
    }

    /// The host-side path of the root.
    const std::string& path() const { return m_path; }
    /// The host-side path of an in-root path.
    std::string host(std::string_view in_root) const { return m_path + std::string(in_root); }

    /// Writes `name` (relative to the root) with `content` and `mode`, leaving the owner as the
    /// process makes it; returns its host-side path.
    std::string write(std::string_view name, std::string_view content, mode_t mode = 0644) const {
        const std::string file = m_path + "/" + std::string(name);
        std::filesystem::create_directories(std::filesystem::path(file).parent_path());
        std::ofstream(file, std::ios::binary | std::ios::trunc) << content;
        ::chmod(file.c_str(), mode);
        return file;
    }
    /// Writes a file (parents 0755 root), then sets its mode and owner.
    void add_file(std::string_view path, std::string_view content, uint32_t mode = 0644,
                  uint32_t uid = 0, uint32_t gid = 0) {
        const std::string target = host(path);
        std::filesystem::create_directories(std::filesystem::path(target).parent_path());
        std::ofstream(target, std::ios::binary | std::ios::trunc) << content;
        set_owner_and_mode(target, mode, uid, gid);
    }
    /// Creates a directory (and parents), then sets its mode and owner.
    void add_dir(std::string_view path, uint32_t mode = 0755, uint32_t uid = 0, uint32_t gid = 0) {
        const std::string target = host(path);
        std::filesystem::create_directories(target);
        set_owner_and_mode(target, mode, uid, gid);
    }
    /// Creates a symlink with the literal `target`.
    void add_symlink(std::string_view path, std::string_view target) {
        const std::string link = host(path);
        std::filesystem::create_directories(std::filesystem::path(link).parent_path());
        std::filesystem::create_symlink(std::string(target), link);
    }

private:
    static void set_owner_and_mode(const std::string& target, uint32_t mode, uint32_t uid,
                                   uint32_t gid) {
        if (::chown(target.c_str(), uid, gid) != 0 || ::chmod(target.c_str(), mode) != 0) {
            throw std::runtime_error("cannot chown/chmod " + target);
        }
    }

    std::string m_path;
};

}  // namespace kubeproof::test
