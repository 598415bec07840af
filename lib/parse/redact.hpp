#pragma once

// Keeping secrets out of what kubeproof writes down about a node (facts snapshots): the same
// names parse::is_sensitive hides in reports, and private keys wherever they appear.

#include <string>
#include <string_view>
#include <vector>

namespace kubeproof::parse {

/// `value` as kept in a snapshot: shown_value's "[redacted]" for a sensitive name, except that an
/// empty value stays empty (reports show it as "").
std::string redacted_value(std::string_view name, std::string_view value);

/// A command line with the value of every sensitive flag redacted ("--token=x" becomes
/// "--token=[redacted]"; in "--token x" the x becomes "[redacted]"); argv[0], booleans and every
/// other argument stay as they were.
std::vector<std::string> redact_argv(const std::vector<std::string>& argv);

/// Text with its secrets replaced in place, every line staying the line it was:
/// - the body of each PEM private key block (-----BEGIN ... PRIVATE KEY----- to -----END),
///   each of its lines becoming "[redacted]" after its indentation;
/// - the scalar value of each YAML or JSON key with a sensitive name (client-key-data, token,
///   password, secret, ...; not client-certificate-data: certificates are public), and of any
///   key whose value is a base64-encoded PEM private key, becoming "[redacted]" in double quotes
///   (valid YAML and JSON); a block scalar (| or >) under such a key loses every line of it;
/// - the value of each sensitive "--flag=value", as in redact_argv.
/// Booleans and empty values stay, as in reports.
std::string redact_secrets(std::string_view text);

}  // namespace kubeproof::parse
