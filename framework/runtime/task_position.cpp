#include "runtime/task_position.h"

#include <cstring>

namespace sluice::runtime {

namespace {

constexpr uint8_t kVersion = 1;

void put_u64(std::string& out, uint64_t v) {
  char buf[8];
  for (int i = 0; i < 8; ++i) buf[i] = static_cast<char>(v >> (56 - 8 * i));
  out.append(buf, 8);
}

void put_string(std::string& out, std::string_view s) {
  put_u64(out, s.size());
  out.append(s);
}

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool u64(uint64_t& v) {
    if (in_.size() < 8) return false;
    v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(in_[i]);
    in_.remove_prefix(8);
    return true;
  }
  bool i64(int64_t& v) {
    uint64_t u = 0;
    if (!u64(u)) return false;
    v = static_cast<int64_t>(u);
    return true;
  }
  bool string(std::string& s) {
    uint64_t n = 0;
    if (!u64(n) || in_.size() < n) return false;
    s.assign(in_.substr(0, n));
    in_.remove_prefix(n);
    return true;
  }
  bool u8(uint8_t& v) {
    if (in_.empty()) return false;
    v = static_cast<uint8_t>(in_[0]);
    in_.remove_prefix(1);
    return true;
  }
  bool done() const { return in_.empty(); }

 private:
  std::string_view in_;
};

}  // namespace

const InputPosition* TaskPosition::input(std::string_view topic, Partition partition) const {
  for (const auto& in : inputs) {
    if (in.topic == topic && in.partition == partition) return &in;
  }
  return nullptr;
}

std::string TaskPosition::encode() const {
  std::string out;
  out.push_back(static_cast<char>(kVersion));
  put_u64(out, sequence);
  put_u64(out, inputs.size());
  for (const auto& in : inputs) {
    put_string(out, in.topic);
    put_u64(out, static_cast<uint64_t>(in.partition.value()));
    put_u64(out, static_cast<uint64_t>(in.next.value()));
  }
  put_u64(out, origins.size());
  for (const auto& o : origins) {
    put_string(out, o.topic);
    put_u64(out, static_cast<uint64_t>(o.partition.value()));
    put_u64(out, static_cast<uint64_t>(o.offset.value()));
    put_u64(out, static_cast<uint64_t>(o.index));
  }
  return out;
}

Result<TaskPosition> TaskPosition::decode(std::string_view bytes) {
  const Status bad = Status::Corruption("malformed task position");
  Reader r(bytes);
  uint8_t version = 0;
  if (!r.u8(version) || version != kVersion) return bad;
  TaskPosition p;
  uint64_t n = 0;
  if (!r.u64(p.sequence) || !r.u64(n) || n > bytes.size()) return bad;
  for (uint64_t i = 0; i < n; ++i) {
    InputPosition in;
    int64_t partition = 0, next = 0;
    if (!r.string(in.topic) || !r.i64(partition) || !r.i64(next)) return bad;
    in.partition = Partition(static_cast<int32_t>(partition));
    in.next = Offset(next);
    p.inputs.push_back(std::move(in));
  }
  if (!r.u64(n) || n > bytes.size()) return bad;
  for (uint64_t i = 0; i < n; ++i) {
    OriginMark o;
    int64_t partition = 0, offset = 0, index = 0;
    if (!r.string(o.topic) || !r.i64(partition) || !r.i64(offset) || !r.i64(index)) return bad;
    o.partition = Partition(static_cast<int32_t>(partition));
    o.offset = Offset(offset);
    o.index = static_cast<int32_t>(index);
    p.origins.push_back(std::move(o));
  }
  if (!r.done()) return bad;
  return p;
}

}  // namespace sluice::runtime
