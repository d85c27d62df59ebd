#pragma once
// Enums that travel as JSON strings. Each such enum lists its names once, in
// declaration order, in a specialisation of EnumNames; to_string and
// parse_enum are derived from that list, so the two cannot disagree.
#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <type_traits>

namespace st::model {

/// Specialise with `static constexpr std::array<std::string_view, N> kNames`,
/// one name per enumerator, in order (the enumerators must be 0..N-1).
template <class E>
struct EnumNames;

template <class E>
concept NamedEnum = std::is_enum_v<E> && requires { EnumNames<E>::kNames; };

template <NamedEnum E>
constexpr std::string_view to_string(E value) {
  return EnumNames<E>::kNames[static_cast<std::size_t>(value)];
}

/// The enumerator called `name`, or nullopt for a name the enum does not have.
template <NamedEnum E>
constexpr std::optional<E> parse_enum(std::string_view name) {
  const auto& names = EnumNames<E>::kNames;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<E>(i);
  }
  return std::nullopt;
}

}  // namespace st::model
