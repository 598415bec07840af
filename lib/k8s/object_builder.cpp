#include "k8s/object_builder.hpp"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "util/json_depth.hpp"

namespace kubeproof::k8s {

namespace {
using json = nlohmann::json;
}  // namespace

ObjectBuilder::ObjectBuilder(const std::vector<std::string>& ignored, ItemCallback on_item)
    : m_on_item(std::move(on_item)) {
    for (const auto& path : ignored) {
        const std::size_t dot = path.find('.');
        m_ignored.push_back(
            {path.substr(0, dot), dot == std::string::npos ? "" : path.substr(dot + 1)});
    }
}

std::size_t ObjectBuilder::relative_depth() const {
    const std::size_t base = m_in_item ? m_item_depth : 1;
    return m_stack.size() + 1 - base;
}

bool ObjectBuilder::is_ignored(std::string_view name) const {
    if (m_on_item && !m_in_item) return false;  // the page itself keeps everything
    const std::size_t depth = relative_depth();
    return std::any_of(m_ignored.begin(), m_ignored.end(), [&](const IgnoredField& field) {
        if (field.second.empty()) return depth == 1 && field.first == name;
        return depth == 2 && field.first == m_top_key && field.second == name;
    });
}

json* ObjectBuilder::place(json&& value) {
    if (m_stack.empty()) {
        m_root = std::move(value);
        return &m_root;
    }
    json* parent = m_stack.back();
    if (parent->is_array()) {
        auto& array = parent->get_ref<json::array_t&>();
        array.push_back(std::move(value));
        if (m_on_item && !m_in_item && m_stack.size() == 2)
            ++m_index;  // a page item that is not a mapping
        return &array.back();
    }
    *m_slot = std::move(value);
    return m_slot;
}

bool ObjectBuilder::scalar(json&& value) {
    if (m_skip > 0) return true;
    if (m_skip_next) {
        m_skip_next = false;
        return true;
    }
    place(std::move(value));
    return true;
}

bool ObjectBuilder::open(json&& container) {
    // Only what is built can overflow the stack later (skipped fields are never built), but a
    // skipped field that deep is refused the same way.
    if (m_stack.size() + m_skip >= util::k_max_json_depth) {
        m_error = util::json_too_deep();
        return false;
    }
    if (m_skip > 0) {
        ++m_skip;
        return true;
    }
    if (m_skip_next) {
        m_skip_next = false;
        m_skip = 1;
        return true;
    }
    const bool starts_item = m_on_item && !m_in_item && container.is_object() &&
                             m_stack.size() == 2 && m_page_key == "items" && m_stack[1]->is_array();
    if (starts_item) {
        m_item = std::move(container);
        m_stack.push_back(&m_item);
        m_in_item = true;
        m_item_depth = m_stack.size();
        return true;
    }
    m_stack.push_back(place(std::move(container)));
    return true;
}

bool ObjectBuilder::close() {
    if (m_skip > 0) {
        --m_skip;
        return true;
    }
    const bool ends_item = m_in_item && m_stack.size() == m_item_depth;
    m_stack.pop_back();
    if (ends_item) {
        m_in_item = false;
        m_on_item(std::move(m_item), m_index++);
        ++m_delivered;
        m_item = json();
    }
    return true;
}

bool ObjectBuilder::null() { return scalar(json()); }
bool ObjectBuilder::boolean(bool value) { return scalar(json(value)); }
bool ObjectBuilder::number_integer(number_integer_t value) { return scalar(json(value)); }
bool ObjectBuilder::number_unsigned(number_unsigned_t value) { return scalar(json(value)); }
bool ObjectBuilder::number_float(number_float_t value, const string_t&) {
    return scalar(json(value));
}
bool ObjectBuilder::string(string_t& value) { return scalar(json(std::move(value))); }
bool ObjectBuilder::binary(binary_t&) { return true; }  // never in JSON text
bool ObjectBuilder::start_object(std::size_t) { return open(json::object()); }
bool ObjectBuilder::start_array(std::size_t) { return open(json::array()); }
bool ObjectBuilder::end_object() { return close(); }
bool ObjectBuilder::end_array() { return close(); }

bool ObjectBuilder::key(string_t& name) {
    if (m_skip > 0) return true;
    if (m_on_item && !m_in_item && m_stack.size() == 1) m_page_key = name;
    if (is_ignored(name)) {
        m_skip_next = true;
        return true;
    }
    if (relative_depth() == 1) m_top_key = name;
    auto& object = m_stack.back()->get_ref<json::object_t&>();
    // Two values for one key: the API server refuses such an object, and judging either value
    // could be wrong.
    if (object.count(name) != 0) {
        m_error = fmt::format("duplicate key \"{}\"", name);
        return false;
    }
    m_slot = &object.emplace(std::move(name), json()).first->second;
    return true;
}

bool ObjectBuilder::parse_error(std::size_t, const std::string&,
                                const nlohmann::detail::exception& error) {
    m_error = error.what();
    return false;
}

bool build_object(std::string_view text, ObjectBuilder& builder) {
    return json::sax_parse(text.begin(), text.end(), &builder, json::input_format_t::json, true) &&
           builder.error().empty();
}

}  // namespace kubeproof::k8s
