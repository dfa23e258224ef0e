// The compiler's shared state while a topology file is turned into DSL calls: the named
// streams and tables so far, the declared stores and which step took each, and the checks that
// give exact positions (field paths, expressions) before the DSL is called. One step compiler
// per operator family (stateless_steps.cpp, stateful_steps.cpp); sources and sinks in
// endpoints.cpp.
#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "operators/stream_builder.h"
#include "yaml/detail/context.h"
#include "yaml/topology_file.h"

namespace sluice::yaml::detail {

struct StoreDecl {
  std::string name;
  state::StoreKind kind = state::StoreKind::kKeyValue;
  state::StoreBackend backend = state::StoreBackend::kRocksDB;
  std::optional<DurationMs> retention;
  YAML::Node node;
  std::string used_by;  // the step that took it, empty while free
  int used_line = 0;
};

// What a step compiler gets: the step mapping, its operator's value, the input stream (null
// for merge) and the name given (empty: derived by the DSL).
struct StepInput {
  const YAML::Node& step;
  const YAML::Node& op_key;
  const YAML::Node& body;
  const ops::KStream* input;
  std::string name;
};

class Compiler {
 public:
  // Several files of one application compile onto one shared `builder`.
  Compiler(Context& ctx, ops::StreamsBuilder& builder) : ctx_(ctx), builder_(builder) {}

  Context& ctx() { return ctx_; }
  ops::StreamsBuilder& builder() { return builder_; }

  // Registers a name; false (with a diagnostic) when another source/step/sink has it.
  bool define(const std::string& name, const YAML::Node& at);
  // nullopt marks a step that failed, so later references to it add no second error.
  void set_stream(const std::string& name, std::optional<ops::KStream> s);
  void set_table(const std::string& name, ops::KTable t);
  // The stream a reference names; null (with a diagnostic unless the step failed) when unknown.
  const ops::KStream* stream(const YAML::Node& ref, std::string_view what);
  const ops::KTable* table(const YAML::Node& ref, std::string_view what);

  // Field path checks against a schema, each reporting at `at`.
  std::optional<serde::FieldRef> field(const serde::Schema& schema, const YAML::Node& at,
                                       const std::string& path, std::string_view what);
  // Parses and type-checks an expression scalar; null with diagnostics at the exact column.
  ops::ExprPtr expression(const serde::Schema& schema, const YAML::Node& at, std::string_view what,
                          bool require_bool);

  // Declares a store from the `stores:` section.
  void declare_store(StoreDecl decl);
  // Takes the store a step names (`store:`), checking kind and that no other step has it.
  // Returns the declaration, or null (an error was reported, or no `store:` key).
  StoreDecl* take_store(const YAML::Node& step_body, const std::string& step,
                        state::StoreKind kind);

  // Runs a DSL call; an std::invalid_argument becomes a diagnostic at `at`.
  template <typename F>
  auto dsl(const YAML::Node& at, F&& f) -> std::optional<decltype(f())> {
    try {
      return f();
    } catch (const std::invalid_argument& e) {
      ctx_.error(at, e.what());
      return std::nullopt;
    }
  }

  TopologyFile& out() { return out_; }

 private:
  Context& ctx_;
  ops::StreamsBuilder& builder_;
  std::map<std::string, YAML::Node> defined_;
  std::map<std::string, std::optional<ops::KStream>> streams_;
  std::map<std::string, ops::KTable> tables_;
  std::map<std::string, StoreDecl> stores_;
  TopologyFile out_;
};

// Compile the `sources:` / `sinks:` sections.
void compile_sources(Compiler& c, const YAML::Node& sources);
void compile_sinks(Compiler& c, const YAML::Node& sinks);
void compile_stores(Compiler& c, const YAML::Node& stores);
void compile_steps(Compiler& c, const YAML::Node& steps);

// Per-operator compilers; each registers its output stream(s) under the step's name.
void compile_filter(Compiler& c, const StepInput& s);
void compile_project(Compiler& c, const StepInput& s);
void compile_explode(Compiler& c, const StepInput& s);
void compile_rekey(Compiler& c, const StepInput& s);
void compile_branch(Compiler& c, const StepInput& s);
void compile_merge(Compiler& c, const StepInput& s);
void compile_window_aggregate(Compiler& c, const StepInput& s);
void compile_capped_list(Compiler& c, const StepInput& s);
void compile_table(Compiler& c, const StepInput& s);
void compile_join(Compiler& c, const StepInput& s);
void compile_emit_on_change(Compiler& c, const StepInput& s);

}  // namespace sluice::yaml::detail
