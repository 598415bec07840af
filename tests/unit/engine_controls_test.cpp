#include <doctest/doctest.h>

#include "engine/controls.hpp"

using namespace kubeproof;

namespace {

model::Framework framework(std::string id, std::vector<std::string> criteria,
                           std::map<std::string, std::vector<std::string>> mappings) {
    model::Framework fw;
    fw.id = id;
    fw.title = id + " title";
    for (auto& c : criteria) fw.criteria.push_back({c, c + " title"});
    for (auto& [key, ids] : mappings)
        for (auto& criterion : ids) fw.mappings[key].push_back({criterion, "why", "inference", {}});
    return fw;
}

}  // namespace

TEST_SUITE("engine/controls") {
    TEST_CASE("criteria come in catalogue order, once each, per framework") {
        std::map<std::string, model::Framework> fws;
        fws["soc2"] = framework("soc2", {"CC6.1", "CC6.6", "CC7.2"},
                                {{"apiserver.profiling", {"CC7.2", "CC6.6", "CC6.6"}}});
        fws["pci-dss"] =
            framework("pci-dss", {"2.2.4", "10.2.1"}, {{"apiserver.audit-log-path", {"10.2.1"}}});
        auto controls = engine::controls_for("apiserver.profiling", fws);
        CHECK(controls ==
              std::map<std::string, std::vector<std::string>>{{"soc2", {"CC6.6", "CC7.2"}}});
        CHECK(engine::controls_for("unmapped.key", fws).empty());
    }

    TEST_CASE("every result is tagged by its check key") {
        std::map<std::string, model::Framework> fws;
        fws["soc2"] = framework("soc2", {"CC6.1"}, {{"a.b", {"CC6.1"}}});
        std::vector<model::Result> results(2);
        results[0].key = "a.b";
        results[1].key = "c.d";
        engine::attach_controls(results, fws);
        CHECK(results[0].controls.at("soc2") == std::vector<std::string>{"CC6.1"});
        CHECK(results[1].controls.empty());
        auto info = engine::framework_info(fws["soc2"]);
        CHECK(info.title == "soc2 title");
        CHECK(info.criteria.at(0) == std::pair<std::string, std::string>{"CC6.1", "CC6.1 title"});
    }
}
