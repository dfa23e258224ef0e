// `sluice version`: the Sluice version and the versions of the libraries it was built with.
#include <fmt/core.h>
#include <google/protobuf/stubs/common.h>
#include <librdkafka/rdkafka.h>
#include <rocksdb/version.h>

#include "command.h"

namespace sluice::cli {

namespace {
// Keep in step with project(sluice VERSION ...) in CMakeLists.txt.
constexpr const char* kSluiceVersion = "0.1.0";
#if defined(__clang__)
constexpr const char* kCompiler = "clang " __clang_version__;
#else
constexpr const char* kCompiler = "gcc " __VERSION__;
#endif
}  // namespace

Command add_version_command(CLI::App& root) {
  CLI::App* app = root.add_subcommand("version", "Print the version of sluice and its libraries");
  return {app, [] {
            fmt::print("sluice {}\n", kSluiceVersion);
            fmt::print("  rocksdb    {}.{}.{}\n", ROCKSDB_MAJOR, ROCKSDB_MINOR, ROCKSDB_PATCH);
            fmt::print("  librdkafka {}\n", rd_kafka_version_str());
            fmt::print("  protobuf   {}\n",
                       google::protobuf::internal::VersionString(GOOGLE_PROTOBUF_VERSION));
            fmt::print("  compiler   {}\n", kCompiler);
            return kExitOk;
          }};
}

}  // namespace sluice::cli
