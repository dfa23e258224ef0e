// Wall and process CPU time for the benchmarks. CPU time (all threads, RocksDB's included)
// is printed next to wall time so runs on a loaded machine can still be compared.
#pragma once

#include <time.h>

#include <chrono>

namespace sluice::cli {

class Stopwatch {
 public:
  Stopwatch() { restart(); }
  void restart() {
    wall_ = std::chrono::steady_clock::now();
    cpu_ = cpu_now();
  }
  double wall_seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_).count();
  }
  double cpu_seconds() const { return cpu_now() - cpu_; }

 private:
  static double cpu_now() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
  }
  std::chrono::steady_clock::time_point wall_;
  double cpu_ = 0;
};

}  // namespace sluice::cli
