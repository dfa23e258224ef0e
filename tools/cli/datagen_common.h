// Building blocks shared by the `sluice datagen` generators: a fast seeded RNG, a skewed
// (Zipf-like) sampler, random UUIDs, an ISO-8601 formatter that caches the current second, and a
// buffered writer, plus what every dataset shares: the common options, the event-time clock with
// the key/time bookkeeping, and the write-to-FILE loop. Header-only so the generators can be
// unit-tested without linking tools/cli.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace sluice::cli {

// splitmix64: seeds xoshiro and derives independent streams from one user seed.
inline uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// xoshiro256**: fast, small state, good enough statistics for synthetic data.
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (auto& w : s_) w = splitmix64(seed);
  }
  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, 1).
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  // Uniform in [0, n) (Lemire's multiply-shift; the bias is negligible for small n).
  uint64_t below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
  }
  bool chance(double p) { return uniform() < p; }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

// Appends a random version-4 UUID ("8-4-4-4-12" lowercase hex) drawn from `rng`, so that it
// repeats with the seed.
inline void append_uuid4(Rng& rng, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t hi = rng.next(), lo = rng.next();
  hi = (hi & ~0xf000ULL) | 0x4000ULL;        // version 4
  lo = (lo & ~(3ULL << 62)) | (2ULL << 62);  // RFC 4122 variant
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) out.push_back('-');
    const uint64_t w = i < 16 ? hi : lo;
    out.push_back(kHex[(w >> (60 - 4 * (i % 16))) & 0xf]);
  }
}

// Draws ranks 0..n-1 with P(k) proportional to 1 / (k + 1 + offset)^exponent in O(1) (Vose's
// alias method). exponent 0 is uniform; around 1 is a classic long tail; a positive offset
// (Zipf-Mandelbrot) flattens the head so that the top ranks are not absurdly heavy.
class ZipfSampler {
 public:
  ZipfSampler(size_t n, double exponent, double offset = 0) : prob_(n), alias_(n) {
    std::vector<double> p(n);
    double total = 0;
    for (size_t k = 0; k < n; ++k) {
      total += p[k] = 1.0 / std::pow(static_cast<double>(k + 1) + offset, exponent);
    }
    std::vector<uint32_t> small, large;
    for (size_t k = 0; k < n; ++k) {
      p[k] = p[k] * static_cast<double>(n) / total;
      (p[k] < 1.0 ? small : large).push_back(static_cast<uint32_t>(k));
    }
    while (!small.empty() && !large.empty()) {
      const uint32_t s = small.back(), l = large.back();
      small.pop_back();
      prob_[s] = p[s];
      alias_[s] = l;
      p[l] -= 1.0 - p[s];
      if (p[l] < 1.0) {
        large.pop_back();
        small.push_back(l);
      }
    }
    for (uint32_t k : small) prob_[k] = 1.0, alias_[k] = k;
    for (uint32_t k : large) prob_[k] = 1.0, alias_[k] = k;
  }
  size_t size() const { return prob_.size(); }
  size_t operator()(Rng& rng) const {
    const size_t k = rng.below(prob_.size());
    return rng.uniform() < prob_[k] ? k : alias_[k];
  }

 private:
  std::vector<double> prob_;
  std::vector<uint32_t> alias_;
};

// Appends "YYYY-MM-DDTHH:MM:SS.mmmZ" for epoch milliseconds; the date-time part is cached per
// second since consecutive events mostly share it.
class IsoTimeFormatter {
 public:
  void append(int64_t ms, std::string& out) {
    int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    const int64_t millis = ms - secs * 1000;
    if (secs != cached_sec_) {
      cached_sec_ = secs;
      format_seconds(secs);
    }
    out.append(cached_, sizeof(cached_));
    out.push_back(static_cast<char>('0' + millis / 100));
    out.push_back(static_cast<char>('0' + millis / 10 % 10));
    out.push_back(static_cast<char>('0' + millis % 10));
    out.push_back('Z');
  }

 private:
  void format_seconds(int64_t secs) {
    int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
    const int64_t rem = secs - days * 86400;
    // Howard Hinnant's civil_from_days.
    days += 719468;
    const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const int64_t doe = days - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    const int64_t d = doy - (153 * mp + 2) / 5 + 1;
    const int64_t m = mp < 10 ? mp + 3 : mp - 9;
    const int64_t y = yoe + era * 400 + (m <= 2);
    char* p = cached_;
    put(p, y, 4), *p++ = '-', put(p, m, 2), *p++ = '-', put(p, d, 2), *p++ = 'T';
    put(p, rem / 3600, 2), *p++ = ':', put(p, rem / 60 % 60, 2), *p++ = ':';
    put(p, rem % 60, 2), *p++ = '.';
  }
  static void put(char*& p, int64_t v, int width) {
    for (int i = width - 1; i >= 0; --i, v /= 10) p[i] = static_cast<char>('0' + v % 10);
    p += width;
  }
  int64_t cached_sec_ = INT64_MIN;
  char cached_[20] = {};  // "YYYY-MM-DDTHH:MM:SS."
};

// Collects lines in a large buffer and hands them to fwrite in big chunks.
class BufferedWriter {
 public:
  explicit BufferedWriter(std::FILE* out, size_t chunk = 1 << 20) : out_(out), chunk_(chunk) {
    buf_.reserve(chunk + 4096);
  }
  std::string& buffer() { return buf_; }
  // Flushes when the buffer passed the chunk size; false when a write failed.
  bool maybe_flush() { return buf_.size() < chunk_ || flush(); }
  bool flush() {
    const bool ok = std::fwrite(buf_.data(), 1, buf_.size(), out_) == buf_.size();
    buf_.clear();
    return ok;
  }

 private:
  std::FILE* out_;
  size_t chunk_;
  std::string buf_;
};

// The options every dataset understands. Each dataset's options derive from it (AllezonOptions
// spells the same fields out; see there); the template argument is the dataset's default first
// event time, since each seed starts at its own date.
template <int64_t DefaultStartMs>
struct CommonOptions {
  uint64_t count = 1000;              // events to write
  uint64_t seed = 1;                  // the same seed gives the same output
  int64_t start_ms = DefaultStartMs;  // event time of the first event
  double rate = 1000;                 // events per second of event time (> 0)
};

// Event n (0-based) happens n / rate seconds after start_ms. Computed from n rather than
// accumulated so that rounding does not drift over long runs.
inline int64_t event_time_ms(int64_t start_ms, double rate, uint64_t n) {
  return start_ms + static_cast<int64_t>(static_cast<double>(n) * 1000.0 / rate);
}

// Counts a generator's events and steps their event time at `rate` per second.
class EventClock {
 public:
  EventClock(int64_t start_ms, double rate) : start_ms_(start_ms), rate_(rate) {}
  uint64_t generated() const { return n_; }

 protected:
  // The nominal event time of the next event; counts it.
  int64_t tick() { return event_time_ms(start_ms_, rate_, n_++); }

 private:
  int64_t start_ms_;
  double rate_;
  uint64_t n_ = 0;
};

// An EventClock that also remembers the Kafka key and record timestamp of the last event, for
// `datagen --bootstrap` (produce_records). Generators set key_ and ts_ in append_next.
class KeyedEventClock : public EventClock {
 public:
  using EventClock::EventClock;
  const std::string& last_key() const { return key_; }
  int64_t last_time_ms() const { return ts_; }

 protected:
  std::string key_;
  int64_t ts_ = 0;
};

// Writes `count` events of `gen` (append_next) to `out`; false when a write failed (errno says
// why).
template <typename Generator>
bool write_all(Generator& gen, uint64_t count, std::FILE* out) {
  BufferedWriter w(out);
  for (uint64_t i = 0; i < count; ++i) {
    gen.append_next(w.buffer());
    if (!w.maybe_flush()) return false;
  }
  return w.flush() && std::fflush(out) == 0;
}

}  // namespace sluice::cli
