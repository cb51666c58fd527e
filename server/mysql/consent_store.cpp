#include "server/mysql/consent_store.hpp"

#include <memory>

#include <cppconn/datatype.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include "server/mysql/sql_time.hpp"
#include "server/mysql/user_store.hpp"

namespace sh::mysql {

using Rs = std::unique_ptr<sql::ResultSet>;
using namespace booking;

bool MysqlConsentStore::lock_user(UserId id) {
    return MysqlUserStore(c_).lock_user(id);  // the user's row: one lock for all about them
}

std::vector<Consent> MysqlConsentStore::consents_of(UserId id) {
    auto& q = c_.prepare(
        "SELECT kind, policy_version, given_at, withdrawn_at FROM consents WHERE user_id = ? "
        "ORDER BY given_at DESC, id DESC");
    q.setUInt64(1, id);
    Rs rs(q.executeQuery());
    std::vector<Consent> out;
    while (rs->next()) {
        auto kind = parse_consent_kind(std::string(rs->getString(1)));
        if (!kind) continue;  // a kind this build does not know: not ours to answer for
        out.push_back(Consent{*kind, rs->getInt(2), read_time(*rs, 3), read_optional_time(*rs, 4)});
    }
    return out;
}

void MysqlConsentStore::add_consent(UserId id, const Consent& c) {
    auto& q = c_.prepare(
        "INSERT INTO consents (user_id, kind, policy_version, given_at) VALUES (?, ?, ?, ?)");
    q.setUInt64(1, id);
    q.setString(2, std::string(consent_kind_name(c.kind)));
    q.setInt(3, c.policy_version);
    q.setString(4, to_sql_datetime(c.given_at));
    q.executeUpdate();
}

void MysqlConsentStore::withdraw_consents(UserId id, const std::vector<ConsentKind>& kinds,
                                          TimePoint at) {
    auto& q = c_.prepare(
        "UPDATE consents SET withdrawn_at = ? WHERE user_id = ? AND kind = ? AND withdrawn_at IS "
        "NULL");
    for (auto k : kinds) {
        q.setString(1, to_sql_datetime(at));
        q.setUInt64(2, id);
        q.setString(3, std::string(consent_kind_name(k)));
        q.executeUpdate();
    }
}

void MysqlConsentStore::set_policy_version(UserId id, std::optional<int> version) {
    auto& q = c_.prepare("UPDATE users SET policy_version = ? WHERE id = ?");
    if (version)
        q.setInt(1, *version);
    else
        q.setNull(1, sql::DataType::INTEGER);
    q.setUInt64(2, id);
    q.executeUpdate();
}

std::optional<int> MysqlConsentStore::policy_version_of(UserId id) {
    auto& q = c_.prepare("SELECT policy_version FROM users WHERE id = ?");
    q.setUInt64(1, id);
    Rs rs(q.executeQuery());
    if (!rs->next()) return std::nullopt;
    return rs->isNull(1) ? 0 : rs->getInt(1);
}

}  // namespace sh::mysql
