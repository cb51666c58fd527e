#include "booking/branch_names.hpp"

#include <array>

#include "common/utf8.hpp"

namespace sh::booking {

namespace {

int chinese_digit(char32_t c) {
    switch (c) {
        case U'零':
        case U'〇': return 0;
        case U'一': return 1;
        case U'二':
        case U'两': return 2;
        case U'三': return 3;
        case U'四': return 4;
        case U'五': return 5;
        case U'六': return 6;
        case U'七': return 7;
        case U'八': return 8;
        case U'九': return 9;
        default: return -1;
    }
}
bool chinese_number_char(char32_t c) {
    return chinese_digit(c) >= 0 || c == U'十' || c == U'百';
}

// A run of Chinese numerals as a number: 十二 12, 二十 20, 一百零五 105, 三〇二 302.
long chinese_number(std::u32string_view run) {
    bool positional = run.find(U'十') == std::u32string_view::npos &&
                      run.find(U'百') == std::u32string_view::npos;
    if (positional) {  // 三〇二: digit by digit
        long n = 0;
        for (char32_t c : run) n = n * 10 + chinese_digit(c);
        return n;
    }
    long total = 0, digit = 0;
    for (char32_t c : run) {
        if (c == U'百') {
            total += (digit ? digit : 1) * 100;
            digit = 0;
        } else if (c == U'十') {
            total += (digit ? digit : 1) * 10;
            digit = 0;
        } else {
            digit = chinese_digit(c);
        }
    }
    return total + digit;
}

bool ends_with(const std::u32string& s, std::u32string_view suffix) {
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix.data(), suffix.size()) == 0;
}

}  // namespace

std::string normalise_branch_name(std::string_view name) {
    std::u32string in = utf8::decode(name), out;
    for (std::size_t i = 0; i < in.size(); ++i) {
        char32_t c = in[i];
        if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;  // full width -> ASCII
        if (c == 0x3000 || c == U' ' || c == U'\t' || c == 0xA0) continue;
        if (c >= U'A' && c <= U'Z') c += 32;
        if (chinese_number_char(c)) {
            std::size_t j = i;
            while (j < in.size() && chinese_number_char(in[j])) ++j;
            for (char ch : std::to_string(chinese_number(std::u32string_view(in).substr(i, j - i))))
                out.push_back(static_cast<char32_t>(ch));
            i = j - 1;
            continue;
        }
        out.push_back(c);
    }
    // 第12 -> 12.
    std::u32string dropped;
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (out[i] == U'第' && i + 1 < out.size() && out[i + 1] >= U'0' && out[i + 1] <= U'9')
            continue;
        dropped.push_back(out[i]);
    }
    out = dropped;
    for (std::u32string_view prefix :
         {std::u32string_view(U"中国共产党"), std::u32string_view(U"中共")})
        if (out.compare(0, prefix.size(), prefix.data(), prefix.size()) == 0) {
            out.erase(0, prefix.size());
            break;
        }
    if (ends_with(out, U"委员会")) out.resize(out.size() - 3);
    constexpr std::array<std::u32string_view, 6> suffixes{U"党总支部", U"党总支", U"总支部",
                                                          U"党支部",   U"总支",   U"支部"};
    for (auto suffix : suffixes)
        if (ends_with(out, suffix)) {
            out.resize(out.size() - suffix.size());
            break;
        }
    return utf8::encode(out);
}

BranchMatch match_branch(std::string_view org, const std::vector<Branch>& branches) {
    for (const auto& b : branches)
        if (b.name == org) return {Match::exact, b};
    auto wanted = normalise_branch_name(org);
    if (wanted.empty()) return {};
    BranchMatch found;
    for (const auto& b : branches) {
        if (normalise_branch_name(b.name) != wanted) continue;
        if (found.branch) return {Match::ambiguous, std::nullopt};
        found = {Match::normalised, b};
    }
    return found;
}

}  // namespace sh::booking
