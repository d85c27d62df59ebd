#pragma once
// A strong typedef for identifiers: a UserId cannot be passed where a
// CompanyId is expected.
#include <compare>
#include <cstdint>
#include <functional>

namespace st {

template <class Tag, class Rep = std::int64_t>
class StrongId {
 public:
  using rep_type = Rep;
  constexpr StrongId() = default;
  constexpr explicit StrongId(Rep value) : value_(value) {}
  [[nodiscard]] constexpr Rep value() const noexcept { return value_; }
  constexpr auto operator<=>(const StrongId&) const = default;

 private:
  Rep value_{};
};

using UserId = StrongId<struct UserIdTag>;
using CompanyId = StrongId<struct CompanyIdTag>;

}  // namespace st

template <class Tag, class Rep>
struct std::hash<st::StrongId<Tag, Rep>> {
  std::size_t operator()(const st::StrongId<Tag, Rep>& id) const noexcept {
    return std::hash<Rep>{}(id.value());
  }
};
