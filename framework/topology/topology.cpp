#include "topology/topology.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <stdexcept>

namespace sluice {

namespace {
std::string quoted_list(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += ", ";
    out += s;
  }
  return out;
}
}  // namespace

const Topology::Node* Topology::node(std::string_view name) const {
  for (const auto& n : nodes_) {
    if (n.name == name) return &n;
  }
  return nullptr;
}

const state::StoreOptions* Topology::store(std::string_view name) const {
  for (const auto& s : stores_) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

size_t Topology::add_node(Node node) {
  if (node.name.empty()) throw std::invalid_argument("topology: a node needs a name");
  if (this->node(node.name)) {
    throw std::invalid_argument(fmt::format("topology: node name '{}' is used twice", node.name));
  }
  const size_t index = nodes_.size();
  for (const auto& parent : node.parents) {
    auto it =
        std::find_if(nodes_.begin(), nodes_.end(), [&](const Node& n) { return n.name == parent; });
    if (it == nodes_.end()) {
      throw std::invalid_argument(
          fmt::format("topology: node '{}' names unknown parent '{}'", node.name, parent));
    }
    if (it->type == NodeType::kSink) {
      throw std::invalid_argument(
          fmt::format("topology: node '{}' cannot follow sink '{}'", node.name, parent));
    }
    it->children.push_back(index);
  }
  nodes_.push_back(std::move(node));
  return index;
}

Topology& Topology::add_source(SourceSpec spec) {
  if (spec.topics.empty()) {
    throw std::invalid_argument(fmt::format("topology: source '{}' reads no topic", spec.name));
  }
  if (!spec.schema) {
    throw std::invalid_argument(fmt::format("topology: source '{}' has no schema", spec.name));
  }
  for (const auto& n : nodes_) {
    if (!n.source) continue;
    for (const auto& t : spec.topics) {
      if (std::find(n.source->topics.begin(), n.source->topics.end(), t) !=
          n.source->topics.end()) {
        throw std::invalid_argument(fmt::format(
            "topology: topic '{}' is read by two sources ('{}' and '{}')", t, n.name, spec.name));
      }
    }
  }
  Node node;
  node.name = spec.name;
  node.type = NodeType::kSource;
  node.op = "source";
  node.detail = fmt::format("topics: [{}], format: {}", quoted_list(spec.topics),
                            serde::format_name(spec.value_format.format));
  node.source = std::move(spec);
  add_node(std::move(node));
  return *this;
}

Topology& Topology::add_processor(ProcessorSpec spec) {
  if (!spec.supplier) {
    throw std::invalid_argument(fmt::format("topology: processor '{}' has no supplier", spec.name));
  }
  if (spec.parents.empty()) {
    throw std::invalid_argument(fmt::format("topology: processor '{}' has no parent", spec.name));
  }
  for (const auto& s : spec.stores) {
    if (!store(s)) {
      throw std::invalid_argument(
          fmt::format("topology: processor '{}' uses unknown store '{}'", spec.name, s));
    }
  }
  Node node;
  node.name = std::move(spec.name);
  node.type = NodeType::kProcessor;
  node.op = std::move(spec.op);
  node.detail = std::move(spec.detail);
  node.parents = std::move(spec.parents);
  node.stores = std::move(spec.stores);
  node.supplier = std::move(spec.supplier);
  add_node(std::move(node));
  return *this;
}

Topology& Topology::add_sink(SinkSpec spec, std::vector<std::string> parents) {
  if (spec.topic.empty()) {
    throw std::invalid_argument(fmt::format("topology: sink '{}' has no topic", spec.name));
  }
  if (!spec.schema) {
    throw std::invalid_argument(fmt::format("topology: sink '{}' has no schema", spec.name));
  }
  if (parents.empty()) {
    throw std::invalid_argument(fmt::format("topology: sink '{}' has no parent", spec.name));
  }
  Node node;
  node.name = spec.name;
  node.type = NodeType::kSink;
  node.op = "sink";
  node.detail = fmt::format("topic: {}, format: {}", spec.topic,
                            serde::format_name(spec.value_format.format));
  node.parents = std::move(parents);
  node.sink = std::move(spec);
  add_node(std::move(node));
  return *this;
}

Topology& Topology::add_state_store(state::StoreOptions options) {
  if (options.name.empty()) throw std::invalid_argument("topology: a store needs a name");
  if (store(options.name)) {
    throw std::invalid_argument(
        fmt::format("topology: store name '{}' is used twice", options.name));
  }
  stores_.push_back(std::move(options));
  return *this;
}

std::vector<std::string> Topology::source_topics() const {
  std::vector<std::string> out;
  for (const auto& n : nodes_) {
    if (n.source) out.insert(out.end(), n.source->topics.begin(), n.source->topics.end());
  }
  return out;
}

std::vector<std::string> Topology::sink_topics() const {
  std::vector<std::string> out;
  for (const auto& n : nodes_) {
    if (n.sink) out.push_back(n.sink->topic);
  }
  return out;
}

std::vector<std::vector<size_t>> Topology::subtopologies() const {
  std::vector<size_t> parent(nodes_.size());
  std::iota(parent.begin(), parent.end(), 0);
  auto find = [&](size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  auto unite = [&](size_t a, size_t b) { parent[find(a)] = find(b); };
  std::map<std::string, size_t> store_owner;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    for (size_t c : nodes_[i].children) unite(i, c);
    for (const auto& s : nodes_[i].stores) {
      auto [it, inserted] = store_owner.emplace(s, i);
      if (!inserted) unite(i, it->second);
    }
  }
  std::map<size_t, std::vector<size_t>> groups;  // keyed by root, ordered by first node below
  std::vector<size_t> order;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    auto& g = groups[find(i)];
    if (g.empty()) order.push_back(find(i));
    g.push_back(i);
  }
  std::vector<std::vector<size_t>> out;
  for (size_t root : order) out.push_back(std::move(groups[root]));
  return out;
}

std::string Topology::describe() const {
  std::string out = "Topologies:\n";
  const auto subs = subtopologies();
  for (size_t s = 0; s < subs.size(); ++s) {
    out += fmt::format("  Sub-topology: {}\n", s);
    for (size_t i : subs[s]) {
      const Node& n = nodes_[i];
      std::string kind = n.type == NodeType::kSource ? "Source"
                         : n.type == NodeType::kSink ? "Sink"
                                                     : "Processor";
      out += fmt::format("    {}: {} ({}", kind, n.name, n.op);
      if (!n.detail.empty()) out += ": " + n.detail;
      out += ")";
      if (!n.stores.empty()) out += fmt::format(" stores: [{}]", quoted_list(n.stores));
      out += "\n";
      std::vector<std::string> children;
      for (size_t c : n.children) children.push_back(nodes_[c].name);
      if (!children.empty()) out += fmt::format("      --> {}\n", quoted_list(children));
      if (!n.parents.empty()) out += fmt::format("      <-- {}\n", quoted_list(n.parents));
    }
  }
  if (!stores_.empty()) {
    out += "  Stores:\n";
    for (const auto& st : stores_) {
      out += fmt::format("    {}: {}, {}{}{}{}\n", st.name,
                         st.kind == state::StoreKind::kWindow ? "window" : "key-value",
                         st.backend == state::StoreBackend::kRocksDB ? "rocksdb" : "in-memory",
                         st.caching ? ", cached" : "", st.logging ? ", logged" : "",
                         st.kind == state::StoreKind::kWindow
                             ? fmt::format(", retention {} ms", st.retention_ms)
                             : "");
    }
  }
  return out;
}

std::string Topology::describe_dot() const {
  std::string out = "digraph topology {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n";
  auto id = [](const std::string& s) {
    std::string q = "\"";
    for (char c : s) {
      if (c == '"' || c == '\\') q += '\\';
      q += c;
    }
    return q + "\"";
  };
  const auto subs = subtopologies();
  for (size_t s = 0; s < subs.size(); ++s) {
    out += fmt::format("  subgraph cluster_{} {{\n    label=\"sub-topology {}\";\n", s, s);
    for (size_t i : subs[s]) {
      const Node& n = nodes_[i];
      const char* shape = n.type == NodeType::kSource ? "invhouse"
                          : n.type == NodeType::kSink ? "house"
                                                      : "box";
      out += fmt::format("    {} [shape={}, label={}];\n", id(n.name), shape,
                         id(n.name + "\\n" + n.op));
    }
    out += "  }\n";
  }
  for (const auto& n : nodes_) {
    if (n.source) {
      for (const auto& t : n.source->topics) {
        out += fmt::format("  {} [shape=cds, style=filled, fillcolor=lightgrey];\n  {} -> {};\n",
                           id("topic:" + t), id("topic:" + t), id(n.name));
      }
    }
    if (n.sink) {
      out += fmt::format("  {} [shape=cds, style=filled, fillcolor=lightgrey];\n  {} -> {};\n",
                         id("topic:" + n.sink->topic), id(n.name), id("topic:" + n.sink->topic));
    }
    for (size_t c : n.children) out += fmt::format("  {} -> {};\n", id(n.name), id(nodes_[c].name));
    for (const auto& s : n.stores) {
      out += fmt::format("  {} [shape=cylinder];\n  {} -> {} [dir=both, style=dashed];\n",
                         id("store:" + s), id(n.name), id("store:" + s));
    }
  }
  out += "}\n";
  return out;
}

}  // namespace sluice
