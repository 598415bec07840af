// Fuzzes the stored report reader (history/report_file) that diff, merge and verify read reports
// with: the whole report, and the header with a results handler (RapidJSON first, nlohmann's
// parser when that gives up).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "history/report_file.hpp"

namespace {

using Json = nlohmann::json;

// Accepts every event of the results value; counts them.
class FuzzReportCounter final : public nlohmann::json_sax<Json> {
public:
    bool null() override { return count(); }
    bool boolean(bool /*value*/) override { return count(); }
    bool number_integer(number_integer_t /*value*/) override { return count(); }
    bool number_unsigned(number_unsigned_t /*value*/) override { return count(); }
    bool number_float(number_float_t /*value*/, const string_t& /*text*/) override {
        return count();
    }
    bool string(string_t& /*value*/) override { return count(); }
    bool binary(binary_t& /*value*/) override { return count(); }
    bool start_object(std::size_t /*elements*/) override { return count(); }
    bool key(string_t& /*value*/) override { return count(); }
    bool end_object() override { return count(); }
    bool start_array(std::size_t /*elements*/) override { return count(); }
    bool end_array() override { return count(); }
    bool parse_error(std::size_t /*position*/, const std::string& /*last_token*/,
                     const nlohmann::detail::exception& /*error*/) override {
        return false;
    }

private:
    bool count() {
        ++m_events;
        return true;
    }
    std::size_t m_events = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    if (auto report = kubeproof::history::read_report(bytes, "fuzz.json"))
        (void)kubeproof::history::is_merged(*report);
    // read_header_then() may ask for a fresh handler twice; each lives until the read ends.
    std::vector<std::unique_ptr<FuzzReportCounter>> handlers;
    auto header = kubeproof::history::read_header_then(bytes, "fuzz.json", [&handlers]() {
        handlers.push_back(std::make_unique<FuzzReportCounter>());
        return handlers.back().get();
    });
    if (header) (void)kubeproof::history::subject_node(*header);
    return 0;
}
