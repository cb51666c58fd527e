#pragma once
// The street office's statistics as the API shows them: JSON, and CSV files for Excel.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "booking/stats.hpp"

namespace sh::api {

nlohmann::json usage_json(booking::GroupBy g, const booking::Period& p,
                          const std::vector<booking::UsageRow>& rows);
// The rows alone, as in usage_json's "items" (the top lists).
nlohmann::json usage_items_json(const std::vector<booking::UsageRow>& rows);
std::string usage_csv(const std::vector<booking::UsageRow>& rows);
std::string ledger_csv(const std::vector<booking::LedgerRow>& rows);
// The sharing ledger: per unit, hours provided to others, used elsewhere and in its own halls
// (sessions and person-times beside), and the provider x user matrix.
nlohmann::json sharing_json(const booking::Period& p, const booking::SharingLedger& l);
std::string sharing_csv(const booking::SharingLedger& l);

// CSV that Excel opens as intended: cells quoted per RFC 4180 when they hold a comma, quote or
// line break; text that Excel would run as a formula (starting with = + - @, tab or CR) is
// prefixed with an apostrophe. Files start with a UTF-8 BOM and end lines with CRLF.
std::string csv_text(const std::string& s);
constexpr const char* utf8_bom = "\xEF\xBB\xBF";

}  // namespace sh::api
