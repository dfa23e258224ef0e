#include "common/status.h"

namespace sluice {

std::string_view Status::code_name() const {
  switch (code_) {
    case Code::kOk:
      return "OK";
    case Code::kInvalidRecord:
      return "INVALID_RECORD";
    case Code::kMissingField:
      return "MISSING_FIELD";
    case Code::kTypeMismatch:
      return "TYPE_MISMATCH";
    case Code::kNotFound:
      return "NOT_FOUND";
    case Code::kIOError:
      return "IO_ERROR";
    case Code::kCorruption:
      return "CORRUPTION";
    case Code::kInvalidArgument:
      return "INVALID_ARGUMENT";
  }
  return "UNKNOWN";
}

std::string Status::to_string() const {
  if (ok()) return "OK";
  std::string out(code_name());
  out += ": ";
  out += message_;
  return out;
}

}  // namespace sluice
