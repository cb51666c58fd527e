#pragma once
// A notice as its member reads it (GET /me/notices, the member's own copy).
#include <nlohmann/json.hpp>

#include "app/ports.hpp"

namespace sh::api {

nlohmann::json notice_json(const app::NoticeEntry& n);

}  // namespace sh::api
