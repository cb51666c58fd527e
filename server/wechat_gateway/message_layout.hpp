#pragma once
// What a member's phone shows for a notice: the subscribe message's data, with every value
// fitted to WeChat's limits for its keyword type (a value over the limit is answered 47003).
// The layout every template of ours shares: thing1 the hall, time2 when, phrase3 what
// happened, thing4 a note.
#include <string>

#include <nlohmann/json.hpp>

#include "app/ports.hpp"

namespace sh::wechat_gateway {

// At most `max_chars` characters (code points) of valid UTF-8, cut on a character boundary;
// a cut value ends with "…".
std::string fit_chars(const std::string& utf8, std::size_t max_chars);

constexpr std::size_t thing_max = 20;
constexpr std::size_t phrase_max = 5;

nlohmann::json message_data(const app::Message& m);

}  // namespace sh::wechat_gateway
