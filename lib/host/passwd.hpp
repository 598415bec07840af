#pragma once

// Pure parsers for the account and identity files under <root>/etc. Never getpwuid/getgrgid:
// NSS modules crash static binaries, and the host's databases are not the root's anyway.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace kubeproof::host {

/// uid -> user name from /etc/passwd text; skips comments, blank, malformed and NIS ("+"/"-")
/// lines; the first entry wins for a duplicate uid.
std::map<uint32_t, std::string> parse_passwd(std::string_view text);

/// gid -> group name from /etc/group text, with the same rules as parse_passwd.
std::map<uint32_t, std::string> parse_group(std::string_view text);

/// The name for `id` in a parsed table; id 0 is "root" even when the table lacks it.
std::optional<std::string> name_for_id(const std::map<uint32_t, std::string>& names, uint32_t id);

/// The host name in /etc/hostname text: its first line without surrounding whitespace.
std::string parse_hostname(std::string_view text);

}  // namespace kubeproof::host
