#include "local/ca_bundle.hpp"

#include <sys/stat.h>

namespace kubeproof::local {

namespace {

bool is_regular_file(const std::string& path) {
    struct stat info {};
    return !path.empty() && ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode);
}

}  // namespace

const std::vector<std::string>& system_ca_bundles() {
    static const std::vector<std::string> bundles = {
        "/etc/ssl/certs/ca-certificates.crt",
        "/etc/pki/tls/certs/ca-bundle.crt",
        "/etc/ssl/ca-bundle.pem",
        "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
        "/etc/pki/tls/cacert.pem",
        "/etc/ssl/cert.pem"};
    return bundles;
}

std::optional<std::string> find_ca_bundle(const std::string& ssl_cert_file,
                                          const std::vector<std::string>& candidates) {
    if (is_regular_file(ssl_cert_file)) return ssl_cert_file;
    for (const auto& path : candidates) {
        if (is_regular_file(path)) return path;
    }
    return std::nullopt;
}

}  // namespace kubeproof::local
