#pragma once
#include "server/mysql/database.hpp"

namespace sh::mysql {

// The Jing'an demo district: streets, member buildings of the alliance, 2–5 halls each.
// Idempotent: does nothing when halls exist already. Returns the number of halls created.
int seed_demo(Conn& c);

}  // namespace sh::mysql
