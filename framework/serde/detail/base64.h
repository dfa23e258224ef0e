// Base64 (RFC 4648, standard alphabet, padded), the JSON form of protobuf `bytes` fields.
// Internal to serde.
#pragma once

#include <string>
#include <string_view>

namespace sluice::serde::detail {

void append_base64(std::string& out, std::string_view bytes);
// Replaces `out` with the decoded bytes. Accepts the URL-safe alphabet and missing padding, as
// protobuf's JSON parser does; false on any other character.
bool decode_base64(std::string_view text, std::string& out);

}  // namespace sluice::serde::detail
