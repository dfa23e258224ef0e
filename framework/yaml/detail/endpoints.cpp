// The `sources:`, `stores:` and `sinks:` sections.
#include <fmt/format.h>

#include "serde/schema.h"
#include "yaml/detail/compiler.h"

namespace sluice::yaml::detail {

namespace {

std::optional<serde::Format> format_of(Context& ctx, const YAML::Node& map) {
  const YAML::Node n = map["format"];
  if (!n) return serde::Format::kJson;
  auto v = ctx.one_of(n, "format", {"json", "protobuf"});
  if (!v) return std::nullopt;
  return *v == "json" ? serde::Format::kJson : serde::Format::kProtobuf;
}

void compile_source(Compiler& c, const YAML::Node& src) {
  Context& ctx = c.ctx();
  if (!ctx.check_keys(src, "source",
                      {"name", "topic", "topics", "format", "envelope", "message_type", "key",
                       "time", "time_format", "required"},
                      {"message_type"})) {
    return;
  }
  ops::SourceOptions o;
  bool ok = true;
  if (src["topic"] && src["topics"]) {
    ctx.error(Context::key_node(src, "topics"),
              "source: give either `topic` or `topics`, not both");
    ok = false;
  } else if (src["topic"]) {
    auto t = ctx.scalar(src["topic"], "topic");
    ok &= t.has_value();
    if (t) o.topics = {*t};
  } else if (src["topics"]) {
    auto t = ctx.string_list(src["topics"], "topics");
    ok &= t.has_value();
    if (t) o.topics = *t;
  } else {
    ctx.error(src, "source: missing required key 'topic'");
    ok = false;
  }
  if (src["name"]) {
    auto n = ctx.scalar(src["name"], "name");
    ok &= n.has_value();
    if (n) o.name = *n;
  }
  if (o.name.empty() && !o.topics.empty()) o.name = o.topics.front();
  if (auto f = format_of(ctx, src))
    o.format = *f;
  else
    ok = false;
  if (src["envelope"]) {
    auto e = ctx.one_of(src["envelope"], "envelope", {"none", "debezium"});
    ok &= e.has_value();
    if (e) o.envelope = *e == "debezium" ? serde::Envelope::kDebezium : serde::Envelope::kNone;
  }
  if (src["time_format"]) {
    auto f =
        ctx.one_of(src["time_format"], "time_format", {"iso8601", "epoch_millis", "epoch_seconds"});
    ok &= f.has_value();
    if (f) {
      o.timestamp_format = *f == "iso8601"        ? TimestampFormat::kIso8601
                           : *f == "epoch_millis" ? TimestampFormat::kEpochMillis
                                                  : TimestampFormat::kEpochSeconds;
    }
  }
  serde::SchemaPtr schema;
  if (src["message_type"]) {
    auto type = ctx.scalar(src["message_type"], "message_type");
    if (type) {
      auto r = serde::Schema::from_message_name(*type);
      if (r.ok()) {
        schema = *r;
        o.message_type = *type;
      } else {
        ctx.error(src["message_type"],
                  fmt::format("message_type: unknown protobuf message '{}'; expected a full name "
                              "such as 'sluice.allezon.UserTag' of a message in proto/*.proto",
                              *type));
      }
    }
  }
  ok &= schema != nullptr;
  const auto check_scalar_field = [&](const char* key, std::string& into) {
    if (!src[key]) return;
    auto path = ctx.scalar(src[key], key);
    if (!path) return void(ok = false);
    into = *path;
    if (!schema) return;
    auto ref = c.field(*schema, src[key], *path, key);
    if (!ref) {
      ok = false;
    } else if (ref->type == serde::FieldType::kList) {
      ctx.error(src[key],
                fmt::format("{}: field '{}' is a list; expected a single value", key, *path));
      ok = false;
    }
  };
  check_scalar_field("key", o.key_field);
  check_scalar_field("time", o.timestamp_field);
  if (src["required"]) {
    auto req = ctx.string_list(src["required"], "required");
    ok &= req.has_value();
    if (req && schema) {
      for (const auto& p : *req) ok &= c.field(*schema, src["required"], p, "required").has_value();
      o.required_fields = *req;
    }
  }
  const YAML::Node at = src["name"] ? src["name"] : (src["topic"] ? src["topic"] : src);
  if (!c.define(o.name, at) || !schema || o.topics.empty()) {
    c.set_stream(o.name, std::nullopt);
    return;
  }
  if (!ok) {
    // The file already fails; a stream without the bad settings lets the steps reading it be
    // checked too, so one run reports their problems as well.
    o.key_field.clear();
    o.timestamp_field.clear();
    o.required_fields.clear();
  }
  auto s = c.dsl(src, [&] { return c.builder().stream(o); });
  c.set_stream(o.name, s);
  if (s && ok) c.out().sources.push_back({o.name, o.topics, o.message_type});
}

// A sink's `message_type`: the records written must read as that message, so every field of
// the stream must be a field of the message with the same type (message fields the stream
// lacks are absent, which protobuf allows).
bool conforms(Compiler& c, const YAML::Node& sink, const serde::Schema& stream,
              serde::Format format) {
  Context& ctx = c.ctx();
  const YAML::Node& at = sink["message_type"];
  auto type = ctx.scalar(at, "message_type");
  if (!type) return false;
  auto r = serde::Schema::from_message_name(*type);
  if (!r.ok()) {
    ctx.error(at, fmt::format("message_type: unknown protobuf message '{}'", *type));
    return false;
  }
  if (format != serde::Format::kJson) {
    ctx.error(at,
              "message_type: only JSON sinks can be checked against a message type; a "
              "protobuf sink writes the stream's own schema");
    return false;
  }
  const serde::Schema& message = **r;
  bool ok = true;
  for (const auto& f : stream.fields()) {
    auto slot = message.find(f.path);
    if (!slot) {
      std::string msg = fmt::format("message_type: field '{}' of stream {} is not a field of {}",
                                    f.path, stream.name(), *type);
      const auto near = message.nearest(f.path);
      if (!near.empty()) msg += "; nearest valid fields: " + quoted_list(near);
      ctx.error(at, std::move(msg));
      ok = false;
    } else if (message.field(*slot).type != f.type) {
      ctx.error(at, fmt::format("message_type: type mismatch: field '{}' is {} in stream {} but "
                                "{} in {}",
                                f.path, serde::field_type_name(f.type), stream.name(),
                                serde::field_type_name(message.field(*slot).type), *type));
      ok = false;
    }
  }
  return ok;
}

void compile_sink(Compiler& c, const YAML::Node& sink) {
  Context& ctx = c.ctx();
  if (!ctx.check_keys(sink, "sink",
                      {"name", "from", "topic", "format", "key", "message_type", "enabled"},
                      {"from", "topic"})) {
    return;
  }
  ops::SinkOptions o;
  bool ok = true;
  bool enabled = true;
  if (sink["enabled"]) {
    auto e = ctx.boolean(sink["enabled"], "enabled");
    ok &= e.has_value();
    enabled = e.value_or(true);
  }
  if (auto f = format_of(ctx, sink))
    o.format = *f;
  else
    ok = false;
  if (sink["topic"]) {
    auto t = ctx.scalar(sink["topic"], "topic");
    ok &= t.has_value() && !t->empty();
    if (t) o.topic = *t;
    if (t && t->empty()) ctx.error(sink["topic"], "topic: expected a topic name but found ''");
  }
  const ops::KStream* in = sink["from"] ? c.stream(sink["from"], "from") : nullptr;
  if (sink["name"]) {
    auto n = ctx.scalar(sink["name"], "name");
    ok &= n.has_value();
    if (n) o.name = *n;
  }
  if (!o.name.empty()) ok &= c.define(o.name, sink["name"]);
  std::optional<ops::KStream> stream;
  if (in) stream = *in;
  if (stream && sink["message_type"]) ok &= conforms(c, sink, *stream->schema(), o.format);
  if (stream && sink["key"]) {
    auto keys = ctx.string_list(sink["key"], "key");
    ok &= keys.has_value();
    if (keys) {
      for (const auto& k : *keys)
        ok &= c.field(*stream->schema(), sink["key"], k, "key").has_value();
      if (ok) {
        const std::string rekey_name =
            (o.name.empty() ? stream->name() + ".to." + o.topic : o.name) + ".key";
        stream = c.dsl(sink["key"], [&] { return stream->rekey(*keys, rekey_name); });
      }
    }
  }
  if (!ok || !stream || !enabled) return;
  if (c.dsl(sink, [&] {
        stream->to(o);
        return true;
      })) {
    c.out().sinks.push_back({o.name.empty() ? stream->name() + ".to." + o.topic : o.name, o.topic});
  }
}

void compile_store(Compiler& c, const YAML::Node& n) {
  Context& ctx = c.ctx();
  if (!ctx.check_keys(n, "store", {"name", "kind", "backend", "retention"}, {"name", "kind"})) {
    return;
  }
  StoreDecl d;
  d.node = n;
  bool ok = true;
  if (n["name"]) {
    auto name = ctx.scalar(n["name"], "name");
    ok &= name.has_value();
    if (name) d.name = *name;
  }
  if (n["kind"]) {
    auto k = ctx.one_of(n["kind"], "kind", {"window", "key_value"});
    ok &= k.has_value();
    if (k) d.kind = *k == "window" ? state::StoreKind::kWindow : state::StoreKind::kKeyValue;
  }
  if (n["backend"]) {
    auto b = ctx.one_of(n["backend"], "backend", {"rocksdb", "memory"});
    ok &= b.has_value();
    if (b)
      d.backend = *b == "memory" ? state::StoreBackend::kInMemory : state::StoreBackend::kRocksDB;
  }
  if (n["retention"]) {
    auto r = ctx.duration(n["retention"], "retention");
    ok &= r.has_value();
    d.retention = r;
    if (r && d.kind != state::StoreKind::kWindow) {
      ctx.error(n["retention"], "retention: only window stores have a retention");
      ok = false;
    }
  }
  if (ok && !d.name.empty()) c.declare_store(std::move(d));
}

template <typename F>
void each(Context& ctx, const YAML::Node& seq, std::string_view what, F&& f) {
  if (!seq) return;
  if (!seq.IsSequence()) {
    ctx.error(seq, fmt::format("{}: expected a list", what));
    return;
  }
  for (const auto& item : seq) f(item);
}

}  // namespace

void compile_sources(Compiler& c, const YAML::Node& sources) {
  each(c.ctx(), sources, "sources", [&](const YAML::Node& n) { compile_source(c, n); });
}

void compile_sinks(Compiler& c, const YAML::Node& sinks) {
  each(c.ctx(), sinks, "sinks", [&](const YAML::Node& n) { compile_sink(c, n); });
}

void compile_stores(Compiler& c, const YAML::Node& stores) {
  each(c.ctx(), stores, "stores", [&](const YAML::Node& n) { compile_store(c, n); });
}

}  // namespace sluice::yaml::detail
