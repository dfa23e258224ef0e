#include "kafka/task_checkpoint.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace sluice::kafka {

namespace fs = std::filesystem;

Result<std::map<std::string, Offset>> TaskCheckpoint::read() const {
  std::map<std::string, Offset> out;
  std::ifstream in(path());
  if (!in) return out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::istringstream fields(line);
    std::string topic;
    int32_t partition = 0;
    int64_t offset = 0;
    if (!(fields >> topic >> partition >> offset) || offset < 0) {
      return Status::Corruption(fmt::format("{}: bad line '{}'", path(), line));
    }
    out[topic + ":" + std::to_string(partition)] = Offset(offset);
  }
  return out;
}

Status TaskCheckpoint::write(const std::map<std::string, Offset>& offsets) const {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return Status::IOError(fmt::format("creating {}: {}", dir_, ec.message()));
  const std::string tmp = path() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    for (const auto& [key, offset] : offsets) {
      const auto colon = key.rfind(':');
      out << key.substr(0, colon) << ' ' << key.substr(colon + 1) << ' ' << offset.value() << '\n';
    }
    out.flush();
    if (!out) return Status::IOError(fmt::format("writing {}", tmp));
  }
  fs::rename(tmp, path(), ec);
  if (ec) return Status::IOError(fmt::format("renaming {}: {}", tmp, ec.message()));
  return Status::Ok();
}

Status TaskCheckpoint::remove() const {
  std::error_code ec;
  fs::remove(path(), ec);
  if (ec) return Status::IOError(fmt::format("removing {}: {}", path(), ec.message()));
  return Status::Ok();
}

}  // namespace sluice::kafka
