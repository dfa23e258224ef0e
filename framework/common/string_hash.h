// StringMap<V>: an unordered_map keyed by std::string whose find() takes a string_view without
// building a std::string (heterogeneous lookup), for lookups on the record path.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sluice {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

template <class V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

}  // namespace sluice
