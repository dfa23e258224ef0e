// StrongType<Tag, T>: a value type that does not convert to or from other StrongTypes, so a
// partition cannot be passed where an offset is expected.
#pragma once

#include <compare>
#include <cstddef>
#include <functional>

namespace sluice {

template <class Tag, class T>
class StrongType {
 public:
  using value_type = T;
  constexpr StrongType() = default;
  constexpr explicit StrongType(T v) : v_(v) {}
  constexpr T value() const { return v_; }
  constexpr auto operator<=>(const StrongType&) const = default;

 private:
  T v_{};
};

}  // namespace sluice

template <class Tag, class T>
struct std::hash<sluice::StrongType<Tag, T>> {
  size_t operator()(const sluice::StrongType<Tag, T>& s) const noexcept {
    return std::hash<T>{}(s.value());
  }
};
