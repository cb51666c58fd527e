#pragma once
// The one form of an enum's names: a table of (value, name) pairs, read both ways. Names are what
// the API, the database and the logs say; a value missing from its table names itself "".
#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace sh {

template <class E, std::size_t N>
struct NameTable {
    std::array<std::pair<E, std::string_view>, N> entries;

    constexpr std::string_view name(E e) const {
        for (const auto& [v, n] : entries)
            if (v == e) return n;
        return {};
    }
    constexpr std::optional<E> parse(std::string_view s) const {
        for (const auto& [v, n] : entries)
            if (n == s) return v;
        return std::nullopt;
    }
    constexpr auto begin() const { return entries.begin(); }
    constexpr auto end() const { return entries.end(); }
};

template <class E, class... Pairs>
NameTable(std::pair<E, std::string_view>, Pairs...) -> NameTable<E, 1 + sizeof...(Pairs)>;

}  // namespace sh
