// load_topology_file / load_topology_string: parse, check the top level, compile sources,
// stores, steps and sinks in that order, and throw every diagnostic at once.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "yaml/detail/compiler.h"
#include "yaml/topology_file.h"

namespace sluice::yaml {

namespace {

std::string stem(const std::string& file) { return std::filesystem::path(file).stem().string(); }

// Stores the topology declares, with the step that writes each (a join only reads its table's).
std::vector<StoreInfo> store_infos(const Topology& t) {
  std::vector<StoreInfo> out;
  for (const auto& s : t.stores()) {
    StoreInfo info{s.name, s.kind == state::StoreKind::kWindow ? "window" : "key_value", ""};
    for (const auto& n : t.nodes()) {
      if (n.op == "join") continue;
      if (std::find(n.stores.begin(), n.stores.end(), s.name) != n.stores.end()) info.step = n.name;
    }
    out.push_back(std::move(info));
  }
  return out;
}

}  // namespace

TopologyFile load_topology_string(const std::string& text, const std::string& filename,
                                  const config::EnvLookup& env) {
  detail::Context ctx(filename, env);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw config::ConfigError({{{filename, e.mark.is_null() ? 0 : e.mark.line + 1,
                                 e.mark.is_null() ? 0 : e.mark.column + 1},
                                "invalid YAML: " + e.msg}});
  }
  if (!root.IsMap()) {
    throw config::ConfigError({{{filename, 1, 1},
                                "expected a topology: a mapping with `sources`, `steps` and "
                                "`sinks`"}});
  }
  detail::Compiler c(ctx);
  ctx.check_keys(root, "topology", {"name", "description", "sources", "stores", "steps", "sinks"},
                 {"sources"});
  std::string name = stem(filename);
  if (root["name"]) {
    if (auto n = ctx.scalar(root["name"], "name")) name = *n;
  }
  detail::compile_sources(c, root["sources"]);
  detail::compile_stores(c, root["stores"]);
  detail::compile_steps(c, root["steps"]);
  detail::compile_sinks(c, root["sinks"]);

  if (!ctx.diagnostics().empty()) {
    // In file order, as a person fixes them.
    auto diags = ctx.diagnostics();
    std::stable_sort(diags.begin(), diags.end(), [](const auto& a, const auto& b) {
      return std::pair(a.where.line, a.where.column) < std::pair(b.where.line, b.where.column);
    });
    throw config::ConfigError(std::move(diags));
  }
  TopologyFile out = std::move(c.out());
  try {
    out.topology = c.builder().build();
  } catch (const std::invalid_argument& e) {
    throw config::ConfigError({{{filename, 1, 1}, e.what()}});
  }
  out.file = filename;
  out.name = name;
  out.stores = store_infos(out.topology);
  out.parameters = ctx.parameters();
  return out;
}

TopologyFile load_topology_file(const std::string& path, const config::EnvLookup& env) {
  std::ifstream in(path);
  if (!in) throw config::ConfigError({{{path, 0, 0}, "cannot read the file"}});
  std::stringstream buf;
  buf << in.rdbuf();
  return load_topology_string(buf.str(), path, env);
}

}  // namespace sluice::yaml
