#pragma once

// Pretty-printed JSON written piece by piece, for the period writers that write JSON (the
// kubeproof.period/v1 report, OSCAL): a year of a fleet's scans is never one document in memory.
// Internal to lib/report.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "report/period_output.hpp"

namespace kubeproof::report::period {

/// Keeps the order members are written in, as the writers choose it.
using Json = nlohmann::ordered_json;

/// JSON written as it goes: objects and lists one member per line, indented by two spaces a
/// level; a value given whole (`value`, `member`) stays on one line. Every string goes through
/// nlohmann/json's dump, so escaping is never done by hand.
class JsonOut {
public:
    explicit JsonOut(Out& out) : m_out(out) {}

    void open_object() { open('{'); }
    void open_list() { open('['); }
    void close() {
        const Level level = m_levels.back();
        m_levels.pop_back();
        if (level.count > 0) newline();
        m_out.put(level.object ? '}' : ']');
    }
    void key(std::string_view name) {
        separate();
        m_out.put(Json(std::string(name)).dump());
        m_out.put(": ");
        m_after_key = true;
    }
    /// A value on one line.
    void value(const Json& v) {
        before_value();
        m_out.put(v.dump(-1, ' ', false, Json::error_handler_t::replace));
    }
    void member(std::string_view name, const Json& v) {
        key(name);
        value(v);
    }

private:
    struct Level {
        bool object;
        size_t count;
    };

    void open(char bracket) {
        before_value();
        m_out.put(bracket);
        m_levels.push_back({bracket == '{', 0});
    }
    void before_value() {
        if (m_after_key) {
            m_after_key = false;
            return;
        }
        if (!m_levels.empty()) separate();
    }
    void separate() {
        if (m_levels.back().count++ > 0) m_out.put(',');
        newline();
    }
    void newline() {
        m_out.put('\n');
        m_out.put(std::string(2 * m_levels.size(), ' '));
    }

    Out& m_out;
    std::vector<Level> m_levels;
    bool m_after_key = false;
};

}  // namespace kubeproof::report::period
