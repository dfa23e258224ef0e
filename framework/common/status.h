// Status: the outcome of an operation on the record path (decode, process, store I/O).
// Record-path code returns a Status instead of throwing; the caller must look at it
// ([[nodiscard]]). Exceptions are reserved for configuration and startup errors.
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace sluice {

class [[nodiscard]] Status {
 public:
  enum class Code : unsigned char {
    kOk = 0,
    kInvalidRecord,    // malformed input: goes to the dead-letter output
    kMissingField,     // a required field is absent: goes to the dead-letter output
    kTypeMismatch,     // a field has the wrong type: goes to the dead-letter output
    kNotFound,         // a lookup found nothing (not an error for most callers)
    kIOError,          // a store or network operation failed
    kCorruption,       // stored bytes could not be decoded
    kInvalidArgument,  // an API was called with arguments it does not accept
  };

  Status() = default;
  static Status Ok() { return {}; }
  static Status InvalidRecord(std::string msg) { return {Code::kInvalidRecord, std::move(msg)}; }
  static Status MissingField(std::string msg) { return {Code::kMissingField, std::move(msg)}; }
  static Status TypeMismatch(std::string msg) { return {Code::kTypeMismatch, std::move(msg)}; }
  static Status NotFound(std::string msg = {}) { return {Code::kNotFound, std::move(msg)}; }
  static Status IOError(std::string msg) { return {Code::kIOError, std::move(msg)}; }
  static Status Corruption(std::string msg) { return {Code::kCorruption, std::move(msg)}; }
  static Status InvalidArgument(std::string msg) {
    return {Code::kInvalidArgument, std::move(msg)};
  }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // True for errors caused by the record itself; such records go to the dead-letter output.
  bool is_record_error() const {
    return code_ == Code::kInvalidRecord || code_ == Code::kMissingField ||
           code_ == Code::kTypeMismatch;
  }
  std::string_view code_name() const;
  std::string to_string() const;

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

}  // namespace sluice

// Propagates a non-ok Status to the caller.
#define SLUICE_RETURN_IF_ERROR(expr)         \
  do {                                       \
    ::sluice::Status _sluice_st = (expr);    \
    if (!_sluice_st.ok()) return _sluice_st; \
  } while (0)
