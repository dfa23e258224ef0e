#include "operators/aggregate_state.h"

#include <cstring>
#include <limits>

namespace sluice::ops {

namespace {

template <class T>
T load(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

template <class T>
void store(char* p, T v) {
  std::memcpy(p, &v, sizeof v);
}

size_t block_size(AggFn fn) {
  switch (fn) {
    case AggFn::kCount:
      return 8;
    case AggFn::kLast:
      return 24;
    default:
      return 16;
  }
}

}  // namespace

AggregateLayout::AggregateLayout(std::vector<AggFn> fns) : fns_(std::move(fns)) {
  size_t off = kHeaderSize;
  for (AggFn fn : fns_) {
    offsets_.push_back(static_cast<uint32_t>(off));
    off += block_size(fn);
  }
  initial_.assign(off, '\0');
  constexpr double kInf = std::numeric_limits<double>::infinity();
  for (size_t i = 0; i < fns_.size(); ++i) {
    char* p = initial_.data() + offsets_[i];
    switch (fns_[i]) {
      case AggFn::kMin:
        store(p, kInf);
        break;
      case AggFn::kMax:
        store(p, -kInf);
        break;
      case AggFn::kLast:
        store(p + 8, std::numeric_limits<int64_t>::min());
        break;
      default:
        break;  // zeros
    }
  }
}

void AggregateLayout::update(char* base, const AggInput* inputs, Timestamp ts) const {
  store(base, load<int64_t>(base) + 1);
  for (size_t i = 0; i < fns_.size(); ++i) {
    const AggInput& in = inputs[i];
    if (!in.applies) continue;
    char* p = base + offsets_[i];
    switch (fns_[i]) {
      case AggFn::kCount:
        store(p, load<int64_t>(p) + 1);
        break;
      case AggFn::kSum:
      case AggFn::kAvg:
        store(p, load<double>(p) + in.value);
        store(p + 8, load<int64_t>(p + 8) + 1);
        break;
      case AggFn::kMin:
        if (in.value < load<double>(p)) store(p, in.value);
        store(p + 8, load<int64_t>(p + 8) + 1);
        break;
      case AggFn::kMax:
        if (in.value > load<double>(p)) store(p, in.value);
        store(p + 8, load<int64_t>(p + 8) + 1);
        break;
      case AggFn::kLast:
        // Records arrive in processing order, so ">=" lets a later arrival win a tie.
        if (ts.ms() >= load<int64_t>(p + 8)) {
          store(p, in.value);
          store(p + 8, ts.ms());
        }
        store(p + 16, load<int64_t>(p + 16) + 1);
        break;
    }
  }
}

int64_t AggregateLayout::records(std::string_view acc) { return load<int64_t>(acc.data()); }

uint8_t AggregateLayout::flags(std::string_view acc) { return static_cast<uint8_t>(acc[8]); }

bool AggregateLayout::output(std::string_view acc, size_t i, double& value, int64_t& count) const {
  const char* p = acc.data() + offsets_[i];
  switch (fns_[i]) {
    case AggFn::kCount:
      count = load<int64_t>(p);
      return true;
    case AggFn::kSum:
    case AggFn::kMin:
    case AggFn::kMax:
      value = load<double>(p);
      return load<int64_t>(p + 8) > 0;
    case AggFn::kAvg: {
      const int64_t n = load<int64_t>(p + 8);
      value = n > 0 ? load<double>(p) / static_cast<double>(n) : 0;
      return n > 0;
    }
    case AggFn::kLast:
      value = load<double>(p);
      return load<int64_t>(p + 16) > 0;
  }
  return false;
}

}  // namespace sluice::ops
