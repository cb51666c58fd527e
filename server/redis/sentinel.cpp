#include "server/redis/sentinel.hpp"

#include <memory>

#include <hiredis/hiredis.h>

#include "common/log.hpp"
#include "server/redis/reply.hpp"

namespace sh::redis {

namespace {

std::optional<Address> parse_address(const std::string& host_port) {
    auto colon = host_port.rfind(':');
    if (colon == std::string::npos) return std::nullopt;
    try {
        return Address{host_port.substr(0, colon),
                       static_cast<std::uint16_t>(std::stoi(host_port.substr(colon + 1)))};
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

// One Sentinel's answer: the primary's address, or nullopt (down, no such master, timeout).
std::optional<Address> ask(const Address& sentinel, const std::string& master, int timeout_ms) {
    std::unique_ptr<redisContext, decltype(&redisFree)> c(
        redisConnectWithTimeout(sentinel.host.c_str(), sentinel.port, to_timeval(timeout_ms)),
        redisFree);
    if (!c || c->err) return std::nullopt;
    redisSetTimeout(c.get(), to_timeval(timeout_ms));
    const char* argv[] = {"SENTINEL", "get-master-addr-by-name", master.c_str()};
    std::size_t lens[] = {8, 23, master.size()};
    std::unique_ptr<redisReply, decltype(&freeReplyObject)> r(
        static_cast<redisReply*>(redisCommandArgv(c.get(), 3, argv, lens)), freeReplyObject);
    if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
        r->element[0]->type != REDIS_REPLY_STRING || r->element[1]->type != REDIS_REPLY_STRING)
        return std::nullopt;
    return parse_address(std::string(r->element[0]->str, r->element[0]->len) + ":" +
                         std::string(r->element[1]->str, r->element[1]->len));
}

}  // namespace

PrimaryLocator::PrimaryLocator(config::RedisConfig cfg) : cfg_(std::move(cfg)) {
    if (!uses_sentinels()) {
        primary_ = Address{cfg_.host, cfg_.port};
        return;
    }
    primary_ = ask_sentinels();
    thread_ = std::thread([this] { run(); });
}

PrimaryLocator::~PrimaryLocator() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

std::optional<Address> PrimaryLocator::current() const {
    std::lock_guard lock(mu_);
    return primary_;
}

void PrimaryLocator::report_failure() {
    if (!uses_sentinels()) return;
    {
        std::lock_guard lock(mu_);
        poke_ = true;
    }
    cv_.notify_all();
}

std::optional<Address> PrimaryLocator::ask_sentinels() const {
    for (const auto& s : cfg_.sentinels) {
        auto sentinel = parse_address(s);
        if (!sentinel) continue;
        if (auto a = ask(*sentinel, cfg_.sentinel_master, cfg_.connect_timeout_ms)) return a;
    }
    return std::nullopt;
}

void PrimaryLocator::run() {
    std::unique_lock lock(mu_);
    while (!stopping_) {
        cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_ || poke_; });
        if (stopping_) break;
        poke_ = false;
        lock.unlock();
        auto found = ask_sentinels();
        lock.lock();
        if (found && found != primary_) {
            log::info("redis", "Sentinel names the primary " + found->host + ":" +
                                   std::to_string(found->port));
            primary_ = found;
        }
        // At most ten rounds a second, however often clients report.
        cv_.wait_for(lock, std::chrono::milliseconds(100), [this] { return stopping_; });
    }
}

}  // namespace sh::redis
