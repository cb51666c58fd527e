#include "app/trace.hpp"

namespace sh::app {

awaitable<void> AccessTrace::saw(const booking::Principal& reader, std::string_view action,
                                 std::string_view object_type, std::uint64_t object_id,
                                 nlohmann::json details) {
    booking::AuditEntry e{reader.user_id, std::string(action), std::string(object_type), object_id,
                          nullptr,        std::move(details)};
    co_await store_.record(e, clock_.now());
}

awaitable<Result<std::vector<ReadRecord>>> AccessTrace::reads(const booking::Principal& me,
                                                              TimePoint from, TimePoint to,
                                                              int page) {
    ReadQuery q{from, to, std::nullopt, page};
    if (me.role == booking::Role::street_admin && me.street_id)
        q.street = me.street_id;
    else if (me.role != booking::Role::district_admin)
        co_return booking::make_error(booking::Errc::forbidden);
    co_return co_await store_.reads(q);
}

}  // namespace sh::app
