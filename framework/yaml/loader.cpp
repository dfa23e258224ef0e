// load_topology_file / load_topology_string: parse, check the top level, compile sources,
// stores, steps and sinks in that order, and throw every diagnostic at once.
#include <fmt/format.h>
#include <fmt/ranges.h>

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

namespace {

// Parses and compiles one file onto `builder`; its diagnostics go into `diags`. Returns what
// the file declares (without the built topology).
TopologyFile compile_file(const std::string& text, const std::string& filename,
                          const config::EnvLookup& env, ops::StreamsBuilder& builder,
                          std::vector<config::Diagnostic>& diags) {
  detail::Context ctx(filename, env);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    diags.push_back({{filename, e.mark.is_null() ? 0 : e.mark.line + 1,
                      e.mark.is_null() ? 0 : e.mark.column + 1},
                     "invalid YAML: " + e.msg});
    return {};
  }
  if (!root.IsMap()) {
    diags.push_back(
        {{filename, 1, 1}, "expected a topology: a mapping with `sources`, `steps` and `sinks`"});
    return {};
  }
  detail::Compiler c(ctx, builder);
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
  // In file order, as a person fixes them.
  auto mine = ctx.diagnostics();
  std::stable_sort(mine.begin(), mine.end(), [](const auto& a, const auto& b) {
    return std::pair(a.where.line, a.where.column) < std::pair(b.where.line, b.where.column);
  });
  diags.insert(diags.end(), mine.begin(), mine.end());
  TopologyFile out = std::move(c.out());
  out.file = filename;
  out.name = name;
  out.parameters = ctx.parameters();
  return out;
}

Topology build(ops::StreamsBuilder& builder, const std::string& filename) {
  try {
    return builder.build();
  } catch (const std::invalid_argument& e) {
    throw config::ConfigError({{{filename, 1, 1}, e.what()}});
  }
}

}  // namespace

TopologyFile load_topology_string(const std::string& text, const std::string& filename,
                                  const config::EnvLookup& env) {
  ops::StreamsBuilder builder;
  std::vector<config::Diagnostic> diags;
  TopologyFile out = compile_file(text, filename, env, builder, diags);
  if (!diags.empty()) throw config::ConfigError(std::move(diags));
  out.topology = build(builder, filename);
  out.stores = store_infos(out.topology);
  return out;
}

namespace {
std::string read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw config::ConfigError({{{path, 0, 0}, "cannot read the file"}});
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}
}  // namespace

TopologyFile load_topology_files(const std::vector<std::string>& paths,
                                 const config::EnvLookup& env) {
  if (paths.size() == 1) return load_topology_file(paths.front(), env);
  ops::StreamsBuilder builder;
  std::vector<config::Diagnostic> diags;
  TopologyFile all;
  std::vector<std::string> names;
  for (const auto& path : paths) {
    std::string text;
    try {
      text = read_file(path);
    } catch (const config::ConfigError& e) {
      diags.insert(diags.end(), e.diagnostics().begin(), e.diagnostics().end());
      continue;
    }
    TopologyFile one = compile_file(text, path, env, builder, diags);
    names.push_back(one.name);
    all.sources.insert(all.sources.end(), one.sources.begin(), one.sources.end());
    all.sinks.insert(all.sinks.end(), one.sinks.begin(), one.sinks.end());
    all.parameters.insert(one.parameters.begin(), one.parameters.end());
  }
  if (!diags.empty()) throw config::ConfigError(std::move(diags));
  all.file = fmt::format("{}", fmt::join(paths, ","));
  all.name = fmt::format("{}", fmt::join(names, "+"));
  all.topology = build(builder, paths.front());
  all.stores = store_infos(all.topology);
  return all;
}

TopologyFile load_topology_file(const std::string& path, const config::EnvLookup& env) {
  return load_topology_string(read_file(path), path, env);
}

}  // namespace sluice::yaml
