#include "history/report_rows.hpp"

#include <optional>

#include <fmt/format.h>

namespace kubeproof::history {

namespace {

using nlohmann::json;

/// The fields of a result the rows keep.
enum class Field { Id, Key, Title, Status, Controls, Waiver, Other };

/// What a container inside a result holds, as far as the rows care.
enum class Holds { Nothing, Controls, Waiver, Criteria, WaiverList, WaiverMap };

Field field_of(const std::string& name) {
    if (name == "id") return Field::Id;
    if (name == "key") return Field::Key;
    if (name == "title") return Field::Title;
    if (name == "status") return Field::Status;
    if (name == "controls") return Field::Controls;
    if (name == "waiver") return Field::Waiver;
    return Field::Other;
}

/// The events of a report's results array (depth 1: the array; 2: a result; 3: a container in a
/// result, such as `controls` or `waiver`; 4: a list inside one of those). Keeps a row for each
/// result that names criteria of the framework; skips everything else without keeping it.
class RowsSax final : public nlohmann::json_sax<json> {
public:
    RowsSax(const std::string& framework, std::vector<ResultRow>& out)
        : m_framework(framework), m_every(framework == k_every_framework), m_out(out) {}

    bool null() override { return wanted() ? scalar("null") : true; }
    bool boolean(bool value) override { return wanted() ? scalar(value ? "true" : "false") : true; }
    bool number_integer(number_integer_t value) override {
        return wanted() ? scalar(std::to_string(value)) : true;
    }
    bool number_unsigned(number_unsigned_t value) override {
        return wanted() ? scalar(std::to_string(value)) : true;
    }
    bool number_float(number_float_t, const string_t& text) override {
        return wanted() ? scalar(text) : true;
    }
    // Most strings of a result (evidence, remediation) are not wanted: they are never copied.
    bool string(string_t& value) override { return wanted() ? scalar(value) : true; }
    bool binary(binary_t&) override { return true; }
    bool start_object(std::size_t) override { return open(false); }
    bool start_array(std::size_t) override { return open(true); }
    bool key(string_t& name) override {
        if (m_depth == 2) m_field = field_of(name);
        if (m_depth == 3) m_name = name;
        if (m_depth == 4 && m_inner == Holds::WaiverMap) m_inner_key = name;
        return true;
    }
    bool end_object() override {
        if (m_depth == 2 && (m_every || !m_row.criteria.empty())) m_out.push_back(std::move(m_row));
        --m_depth;
        return true;
    }
    bool end_array() override {
        --m_depth;
        return true;
    }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
        return false;  // the header reader reports it
    }

    /// Whether the results value was a list.
    bool saw_list() const { return m_saw_list; }

private:
    bool open(bool list) {
        ++m_depth;
        if (m_depth == 1) m_saw_list = list;
        if (m_depth == 2) m_row = ResultRow{};
        if (m_depth == 3) {
            const bool object = !list;
            m_holds = object && m_field == Field::Controls ? Holds::Controls
                      : object && m_field == Field::Waiver ? Holds::Waiver
                                                           : Holds::Nothing;
        }
        if (m_depth == 4) m_inner = inner(list);
        return true;
    }

    /// What a list or object four levels down holds: the framework's criteria, or a waiver field
    /// with several values (a list, or a map such as a label selector).
    Holds inner(bool list) {
        if (list && m_holds == Holds::Controls && (m_every || m_name == m_framework))
            return Holds::Criteria;
        if (m_holds != Holds::Waiver) return Holds::Nothing;
        m_row.waiver.emplace_back(m_name, "");
        return list ? Holds::WaiverList : Holds::WaiverMap;
    }

    /// Whether the scalar that comes now is kept.
    bool wanted() const {
        switch (m_depth) {
            case 2:
                return m_field == Field::Id || m_field == Field::Key || m_field == Field::Title ||
                       m_field == Field::Status;
            case 3:
                return m_holds == Holds::Waiver;
            case 4:
                return m_inner == Holds::Criteria || m_inner == Holds::WaiverList ||
                       m_inner == Holds::WaiverMap;
            default:
                return false;
        }
    }

    /// Keeps a wanted scalar where it belongs.
    bool scalar(std::string value) {
        if (m_depth == 2) {
            take(std::move(value));
        } else if (m_depth == 3) {
            m_row.waiver.emplace_back(m_name, std::move(value));
        } else if (m_inner == Holds::Criteria) {
            m_row.criteria.push_back(m_every ? m_name + '\t' + value : std::move(value));
        } else {
            std::string& joined = m_row.waiver.back().second;
            if (!joined.empty()) joined += ", ";
            if (m_inner == Holds::WaiverMap) {
                joined += m_inner_key;
                joined += '=';
            }
            joined += value;
        }
        return true;
    }

    void take(std::string value) {
        switch (m_field) {
            case Field::Id:
                m_row.id = std::move(value);
                return;
            case Field::Key:
                m_row.key = std::move(value);
                return;
            case Field::Title:
                m_row.title = std::move(value);
                return;
            case Field::Status:
                m_row.status = std::move(value);
                return;
            default:
                return;
        }
    }

    const std::string& m_framework;
    bool m_every;  ///< k_every_framework: every result, every framework's criteria
    std::vector<ResultRow>& m_out;
    ResultRow m_row;
    int m_depth = 0;
    Field m_field = Field::Other;
    Holds m_holds = Holds::Nothing;
    Holds m_inner = Holds::Nothing;
    std::string m_name;       ///< the key of the value at depth 3
    std::string m_inner_key;  ///< the key of a waiver map's value at depth 4
    bool m_saw_list = false;
};

}  // namespace

util::Expected<ReportHeader, ReadProblem> read_rows_into(const std::string& bytes,
                                                         const std::string& name,
                                                         const std::string& framework,
                                                         std::vector<ResultRow>& rows) {
    std::optional<RowsSax> sax;
    auto header = read_header_then(bytes, name, [&]() -> nlohmann::json_sax<json>* {
        rows.clear();
        sax.emplace(framework, rows);
        return &*sax;
    });
    if (!header) return header;
    if (!sax || !sax->saw_list())
        return util::unexpected(
            ReadProblem{fmt::format("{}: the report has no results list", name)});
    return header;
}

util::Expected<ReportRows, ReadProblem> read_rows(const std::string& bytes, const std::string& name,
                                                  const std::string& framework) {
    ReportRows out;
    auto header = read_rows_into(bytes, name, framework, out.results);
    if (!header) return util::unexpected(header.error());
    out.header = std::move(*header);
    return out;
}

}  // namespace kubeproof::history
