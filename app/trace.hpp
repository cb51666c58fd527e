#pragma once
// Who saw what (个人信息保护法 第五十一条; 网络安全法 第二十一条): a manager's or an admin's read
// of other people's personal data — a hall's requests and bookings, the ledger, a branch's
// members — is written to the audit log with who, what and when, as changes are. A member
// reading their own data leaves no trace. The trace is read by admins for their scope: a street's
// admins see the readers whose scope lies in their street, the district's admins every reader.
#include <string_view>
#include <vector>

#include "app/ports.hpp"
#include "booking/clock.hpp"

namespace sh::app {

class AccessTrace {
  public:
    AccessTrace(ReadTrace& store, const booking::Clock& clock) : store_(store), clock_(clock) {}

    // `reader` read `object_type` `object_id` (0: a list; `details` says which) by `action`.
    awaitable<void> saw(const booking::Principal& reader, std::string_view action,
                        std::string_view object_type, std::uint64_t object_id,
                        nlohmann::json details = nullptr);
    // GET /audit/reads: forbidden but for street and district admins.
    awaitable<Result<std::vector<ReadRecord>>> reads(const booking::Principal& me, TimePoint from,
                                                     TimePoint to, int page);

  private:
    ReadTrace& store_;
    const booking::Clock& clock_;
};

}  // namespace sh::app
