#pragma once
// The audit: who changed what, and the object before and after (each object's audit_record).
// Every store a use case changes things through is also an AuditLog, so an entry is written in
// the change's own transaction, one way for halls, roles and bookings alike.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "booking/identity.hpp"

namespace sh::booking {

struct AuditEntry {
    UserId actor = 0;         // 0: the operator at the console, or the service's timed work
    std::string action;       // "approve_booking", "set_role", "add_closure", ...
    std::string object_type;  // "booking", "user", "venue", "building", "violation"
    std::uint64_t object_id = 0;
    nlohmann::json before, after;  // null when the object did not / no longer exist(s)
};

class AuditLog {
  public:
    virtual ~AuditLog() = default;
    virtual void audit(const AuditEntry& e) = 0;
};

}  // namespace sh::booking
