// The ledger's CSV cells: read back as Excel reads RFC 4180, every cell is the text it was made
// from (with an apostrophe before what Excel would run as a formula), whatever the bytes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "server/api/stats_view.hpp"

using namespace sh::api;

namespace {

// One RFC 4180 cell back to its text; traps on a malformed one.
std::string unquote(const std::string& cell) {
    if (cell.empty() || cell.front() != '"') {
        if (cell.find_first_of(",\"\r\n") != std::string::npos)
            __builtin_trap();  // must have been quoted
        return cell;
    }
    if (cell.size() < 2 || cell.back() != '"') __builtin_trap();
    std::string out;
    for (std::size_t i = 1; i + 1 < cell.size(); ++i) {
        if (cell[i] == '"') {
            if (i + 2 >= cell.size() || cell[i + 1] != '"')
                __builtin_trap();  // a lone quote inside
            ++i;
        }
        out += cell[i];
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string s(reinterpret_cast<const char*>(data), size);
    std::string text = unquote(csv_text(s));
    bool formula = !s.empty() && std::string("=+-@\t\r").find(s.front()) != std::string::npos;
    if (text != (formula ? "'" + s : s)) __builtin_trap();
    return 0;
}
