#pragma once

#include "facts/distribution.hpp"

#include "engine/node_facts.hpp"
#include "host/host.hpp"
#include "model/check.hpp"
#include "parse/flags.hpp"

namespace kubeproof::facts {

/// How a catalogue component reads its command line, for the flag parser.
parse::FlagSyntax flag_syntax(const model::Component& component);

/// Finds which catalogue components run on the node (process table first, then static pod
/// manifests), their flags, environment, config file and file roles.
void discover_components(const host::Host& host, const model::Catalogue& catalogue,
                         engine::NodeFacts& facts, const RecordedServerArgs* recorded = nullptr);

/// True when argv belongs to a process named by a catalogue pattern ("kubelet", "hyperkube
/// kubelet").
bool process_matches(const std::vector<std::string>& argv, std::string_view pattern);

/// The argv of a static pod manifest's main container (command + args); empty when none.
std::vector<std::string> static_pod_argv(const parse::Document& manifest,
                                         std::string_view container, std::string_view process);

/// The environment of a static pod manifest's main container (plain `value` entries only).
std::map<std::string, std::string> static_pod_env(const parse::Document& manifest,
                                                  std::string_view container,
                                                  std::string_view process);

}  // namespace kubeproof::facts
