#pragma once

#include <ctime>
#include <map>
#include <string>
#include <vector>

namespace kubeproof::model {

/// One risk acceptance of a waivers file: the findings it covers (a check, narrowed by a node or
/// by the objects of a section 5 check), who owns and approved it, and until when it holds.
struct Waiver {
    std::string source;          ///< "waivers.yaml:12": the file as given and the line of the entry
    std::string check;           ///< a check id or key, as written
    std::string node;            ///< scope: only the scan of this node ("" = any)
    std::string namespace_name;  ///< scope: only objects in this namespace ("" = any)
    std::string object;  ///< scope: only objects of this name ("web") or kind and name ("Pod/web")
    std::map<std::string, std::string> selector;  ///< scope: only objects with all these labels
    std::string owner;
    std::string approver;        ///< "" when not given
    std::string reason;          ///< "" when not given
    std::string ticket;          ///< "" when not given
    std::string created;         ///< as written; "" when not given
    std::string expires;         ///< as written
    std::time_t expires_at = 0;  ///< the first second it no longer applies

    /// Whether it is narrowed to some of a section 5 check's objects.
    bool scopes_objects() const {
        return !namespace_name.empty() || !object.empty() || !selector.empty();
    }
};

/// A waivers file as read: its entries in file order.
struct WaiverFile {
    std::string path;    ///< as given on the command line
    std::string sha256;  ///< of the file's bytes
    std::vector<Waiver> waivers;
};

/// How a waiver that covers a finding stands at the scan's time.
enum class WaiverState {
    Active,   ///< the finding is accepted: it does not count for --fail-on
    Expired,  ///< it expired before the scan: the finding counts again
};

/// The waiver that covers a result.
struct AppliedWaiver {
    Waiver waiver;
    WaiverState state = WaiverState::Active;
};

/// What one scan made of a waivers file.
struct WaiverSummary {
    std::string file;           ///< the path as given
    std::string sha256;         ///< of the file's bytes
    int active = 0;             ///< findings an active waiver accepts
    int expired = 0;            ///< findings covered only by expired waivers: they count again
    std::vector<Waiver> stale;  ///< waivers that covered no finding of the scan, in file order
};

/// "active" or "expired".
inline const char* to_string(WaiverState state) {
    return state == WaiverState::Active ? "active" : "expired";
}

}  // namespace kubeproof::model
