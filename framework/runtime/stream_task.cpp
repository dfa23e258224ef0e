#include "runtime/stream_task.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "runtime/detail/processor_node.h"
#include "runtime/detail/source_sink.h"

namespace sluice::runtime {

namespace {

// A source node's processor: the record arrives decoded, so it only forwards.
class SourcePassThrough final : public Processor {
 public:
  Status init(ProcessorContext& context) override {
    context_ = &context;
    return Status::Ok();
  }
  Status process(Record& record) override { return context_->forward(record); }

 private:
  ProcessorContext* context_ = nullptr;
};

}  // namespace

struct StreamTask::Source {
  std::vector<std::string> topics;  // with the internal prefix applied
  detail::SourceDecoder decoder;
  detail::ProcessorNode* node;
  bool internal;  // a repartition topic: records carry their origin
  Record record;  // reused for every input: keeps its buffers' capacity
  Source(const SourceSpec& spec, detail::ProcessorNode* n)
      : decoder(spec), node(n), internal(spec.internal) {}
};

StreamTask::StreamTask(TaskId id, const Topology& topology, TaskOptions options,
                       RecordCollector& collector, state::ChangelogWriter& changelog,
                       metrics::Registry& metrics)
    : id_(id),
      topology_(topology),
      options_(std::move(options)),
      collector_(collector),
      changelog_(changelog),
      metrics_(metrics),
      probe_(metrics, id.to_string()) {}

StreamTask::~StreamTask() { close(); }

void StreamTask::open_stores(const std::vector<size_t>& nodes) {
  const auto& all = topology_.nodes();
  state::StoreContext context;
  if (!options_.state_dir.empty()) {
    context.state_dir =
        fmt::format("{}/{}/{}", options_.state_dir, options_.application_id, id_.to_string());
  }
  context.changelog = &changelog_;
  context.metrics = &metrics_;
  context.task_id = id_.to_string();
  for (size_t i : nodes) {
    for (const auto& name : all[i].stores) {
      if (stores_.count(name)) continue;
      state::StoreOptions opts = *topology_.store(name);
      if (options_.state_dir.empty()) opts.backend = state::StoreBackend::kInMemory;
      if (options_.cache_max_bytes > 0) opts.cache_max_bytes = options_.cache_max_bytes;
      std::unique_ptr<state::StateStore> store;
      if (opts.kind == state::StoreKind::kWindow) {
        store = state::build_window_store(opts, context);
      } else {
        store = state::build_key_value_store(opts, context);
      }
      stores_.emplace(name, std::move(store));
    }
  }
}

void StreamTask::init(Timestamp wall_clock) {
  initialize_stores(wall_clock);
  complete_restoration();
}

void StreamTask::initialize_stores(Timestamp wall_clock) {
  wall_clock_ = wall_clock;
  open_stores(node_subset());
}

std::vector<size_t> StreamTask::node_subset() const {
  std::vector<size_t> subset = options_.nodes;
  if (subset.empty()) {
    for (size_t i = 0; i < topology_.nodes().size(); ++i) subset.push_back(i);
  }
  return subset;
}

void StreamTask::complete_restoration() {
  const std::vector<size_t> subset = node_subset();
  const auto& all = topology_.nodes();
  std::vector<detail::ProcessorNode*> by_index(all.size(), nullptr);
  for (size_t i : subset) {
    const auto& spec = all[i];
    std::unique_ptr<Processor> processor;
    switch (spec.type) {
      case NodeType::kSource:
        processor = std::make_unique<SourcePassThrough>();
        break;
      case NodeType::kSink: {
        std::string topic = spec.sink->internal ? options_.internal_topic_prefix + spec.sink->topic
                                                : spec.sink->topic;
        processor = std::make_unique<detail::SinkProcessor>(*spec.sink, topic, collector_);
        break;
      }
      case NodeType::kProcessor:
        processor = spec.supplier();
        break;
    }
    auto node = std::make_unique<detail::ProcessorNode>(*this, spec.name, std::move(processor));
    for (const auto& s : spec.stores) node->add_store(s, stores_.at(s).get());
    by_index[i] = node.get();
    if (spec.type == NodeType::kSource) {
      auto source = std::make_unique<Source>(*spec.source, node.get());
      for (const auto& t : spec.source->topics) {
        source->topics.push_back(spec.source->internal ? options_.internal_topic_prefix + t : t);
      }
      sources_.push_back(std::move(source));
    }
    nodes_.push_back(std::move(node));
  }
  for (size_t i : subset) {
    for (size_t c : all[i].children) {
      if (by_index[c]) by_index[i]->add_child(by_index[c]);
    }
  }
  for (auto& node : nodes_) {
    Status st = node->init();
    if (!st.ok()) {
      throw std::runtime_error(fmt::format("task {}: initializing node '{}' failed: {}",
                                           id_.to_string(), node->node_name(), st.to_string()));
    }
  }
}

bool StreamTask::reads_topic(std::string_view topic) const {
  for (const auto& s : sources_) {
    if (std::find(s->topics.begin(), s->topics.end(), topic) != s->topics.end()) return true;
  }
  return false;
}

state::StateStore* StreamTask::store(std::string_view name) {
  auto it = stores_.find(name);
  return it == stores_.end() ? nullptr : it->second.get();
}

void StreamTask::schedule(PunctuationType type, DurationMs interval, Punctuator punctuator) {
  if (type == PunctuationType::kStreamTime) {
    // Before any record, stream time is unknown: the first record sets the phase.
    const Timestamp base = stream_time_ == Timestamp::min() ? Timestamp(0) : stream_time_;
    stream_time_punctuators_.schedule(interval, base, std::move(punctuator));
  } else {
    wall_clock_punctuators_.schedule(interval, wall_clock_, std::move(punctuator));
  }
}

Status StreamTask::process(std::string_view topic, Partition partition, Offset offset,
                           std::string_view key, std::optional<std::string_view> value,
                           Timestamp record_timestamp, const Headers& headers) {
  Source* source = nullptr;
  size_t topic_index = 0;
  for (auto& s : sources_) {
    for (size_t t = 0; t < s->topics.size(); ++t) {
      if (s->topics[t] == topic) {
        source = s.get();
        topic_index = t;
      }
    }
  }
  if (!source) {
    return Status::InvalidArgument(
        fmt::format("task {} does not read topic '{}'", id_.to_string(), topic));
  }
  if (source->internal) {
    // The last origin header is this hop's (a sink replaces older ones).
    const Header* origin = nullptr;
    for (const auto& h : headers) {
      if (h.key == kOriginHeader) origin = &h;
    }
    if (origin && !origins_.admit(origin->value)) {
      probe_.duplicate_dropped();
      return Status::Ok();
    }
  }
  failed_node_.clear();
  Record& record = source->record;
  record.headers.assign(headers.begin(), headers.end());
  record.origin = RecordOrigin{source->topics[topic_index], partition, offset, 0};
  Status st = source->decoder.decode(key, value, record_timestamp, record);
  if (!st.ok()) {
    failed_node_ = source->node->node_name();
  } else {
    if (record.timestamp > stream_time_) stream_time_ = record.timestamp;
    st = source->node->process(record);
  }
  probe_.record_processed();
  if (!st.ok()) {
    if (!st.is_record_error()) return st;
    send_dead_letter(st, topic, partition, offset, key, value, record_timestamp, headers);
  }
  if (!stream_time_punctuators_.empty()) {
    Status pst = stream_time_punctuators_.fire_due(stream_time_);
    if (!pst.ok() && !pst.is_record_error()) return pst;
  }
  return Status::Ok();
}

void StreamTask::send_dead_letter(const Status& status, std::string_view topic, Partition partition,
                                  Offset offset, std::string_view key,
                                  std::optional<std::string_view> value, Timestamp ts,
                                  const Headers& headers) {
  Headers out = headers;
  out.push_back({std::string(kErrorCodeHeader), std::string(status.code_name())});
  out.push_back({std::string(kErrorReasonHeader), status.message()});
  out.push_back({std::string(kErrorNodeHeader), failed_node_});
  out.push_back({std::string(kSourceTopicHeader), std::string(topic)});
  out.push_back({std::string(kSourcePartitionHeader), std::to_string(partition.value())});
  out.push_back({std::string(kSourceOffsetHeader), std::to_string(offset.value())});
  collector_.send(options_.dead_letter_topic, key, value, ts, out, std::nullopt);
  probe_.dead_letter(status.code_name());
}

Status StreamTask::punctuate_wall_clock(Timestamp now) {
  if (now > wall_clock_) wall_clock_ = now;
  if (wall_clock_punctuators_.next_due() > wall_clock_) return Status::Ok();
  probe_.punctuation();
  Status st = wall_clock_punctuators_.fire_due(wall_clock_);
  if (!st.ok() && st.is_record_error()) {
    probe_.dropped("punctuator", st.code_name());
    return Status::Ok();
  }
  return st;
}

Status StreamTask::commit(std::optional<std::string_view> position) {
  // Processors first: what they buffer goes into the stores, which then flush it down.
  for (auto& node : nodes_) SLUICE_RETURN_IF_ERROR(node->flush());
  if (position) {
    for (auto& [name, store] : stores_) store->set_position(*position);
  }
  for (auto& [name, store] : stores_) SLUICE_RETURN_IF_ERROR(store->flush());
  return Status::Ok();
}

void StreamTask::close() {
  // Best effort, like the caching stores' close: buffered state reaches the stores, which
  // flush it as they close. A clean shutdown commits first and sees any error there.
  for (auto& node : nodes_) (void)node->flush();
  for (auto& node : nodes_) node->close();
  nodes_.clear();
  sources_.clear();
  for (auto& [name, store] : stores_) store->close();
  stores_.clear();
}

}  // namespace sluice::runtime
