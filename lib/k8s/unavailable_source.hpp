#pragma once

#include <string>
#include <utility>

#include "k8s/object_source.hpp"

namespace kubeproof::k8s {

/// An object source that could not be reached at all (TLS, credentials, connection): every list
/// fails at once with the same reason, so that each check needing objects is ERROR without paying
/// for retries on every resource type.
class UnavailableSource final : public ObjectSource {
public:
    UnavailableSource(std::string what, std::string reason)
        : m_what(std::move(what)), m_reason(std::move(reason)) {}
    /// Fails without a request.
    model::ListOutcome list(const model::ResourceType& type, const ObjectSink&) override {
        return {model::ListOutcome::Kind::Failed, 0, "list " + type.resource + ": " + m_reason, 0,
                type.name()};
    }
    /// What was to be reached.
    std::string describe() const override { return m_what; }

private:
    std::string m_what;
    std::string m_reason;
};

}  // namespace kubeproof::k8s
