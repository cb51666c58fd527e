#include "server/redis/redis_client.hpp"
#include "server/redis/reply.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <memory>

#include <hiredis/hiredis.h>

#include <openssl/sha.h>
#include "common/hex.hpp"
#include "common/log.hpp"

namespace sh::redis {

using booking::AppException;
using booking::Errc;

timeval to_timeval(int ms) {
    timeval tv{};
    tv.tv_sec = ms / 1000;
    tv.tv_usec = (ms % 1000) * 1000;
    return tv;
}

namespace {

std::string sha1_hex(const std::string& data) {
    unsigned char md[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
    return to_hex(md, sizeof md);
}

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

}  // namespace

bool is_readonly(const redisReply* r) {
    return r->type == REDIS_REPLY_ERROR &&
           std::string_view(r->str, r->len).rfind("READONLY", 0) == 0;
}

Reply to_reply(const redisReply* r) {
    Reply out;
    switch (r->type) {
        case REDIS_REPLY_STRING:
            out.type = Reply::Type::string;
            out.str.assign(r->str, r->len);
            break;
        case REDIS_REPLY_STATUS:
            out.type = Reply::Type::status;
            out.str.assign(r->str, r->len);
            break;
        case REDIS_REPLY_ERROR:
            out.type = Reply::Type::error;
            out.str.assign(r->str, r->len);
            break;
        case REDIS_REPLY_INTEGER:
            out.type = Reply::Type::integer;
            out.integer = r->integer;
            break;
        case REDIS_REPLY_ARRAY:
            out.type = Reply::Type::array;
            out.elements.reserve(r->elements);
            for (std::size_t i = 0; i < r->elements; ++i)
                out.elements.push_back(to_reply(r->element[i]));
            break;
        default: out.type = Reply::Type::nil;
    }
    return out;
}

Script::Script(std::string src) : source(std::move(src)), sha1(sha1_hex(source)) {}

Conn::Conn(Client& client, const config::RedisConfig& cfg) : client_(client), cfg_(cfg) {}

Conn::~Conn() {
    discard();
}

void Conn::discard() noexcept {
    if (ctx_) {
        redisFree(ctx_);
        ctx_ = nullptr;
    }
}

void Conn::fail_connect(const std::string& why) {
    discard();
    client_.mark_down();
    client_.count_error();
    client_.primary().report_failure();
    log::warn("redis", "connect failed: " + why);
    throw AppException(Errc::redis_unavailable);
}

void Conn::connect() {
    auto primary = client_.primary().current();
    if (!primary) fail_connect("no Sentinel names a primary");
    ctx_ = redisConnectWithTimeout(primary->host.c_str(), primary->port,
                                   to_timeval(cfg_.connect_timeout_ms));
    if (!ctx_ || ctx_->err) fail_connect(ctx_ ? ctx_->errstr : "out of memory");
    // Every read and write on this socket gives up after the command timeout.
    redisSetTimeout(ctx_, to_timeval(cfg_.command_timeout_ms));
    redisEnableKeepAlive(ctx_);
    if (!cfg_.password.empty()) {
        Reply r = command({"AUTH", cfg_.password});
        if (r.is_error()) {
            discard();
            client_.count_error();
            log::error("redis", "AUTH refused");
            throw AppException(Errc::redis_unavailable);
        }
    }
    if (client_.primary().uses_sentinels()) {
        // A Sentinel's answer can be a moment old: write only to a server that says it is the
        // primary (a restarted old primary says so only until Sentinel turns it into a replica).
        Reply role = command({"ROLE"});
        if (role.type != Reply::Type::array || role.elements.empty() ||
            role.elements[0].str != "master")
            fail_connect("the server named by Sentinel is not the primary");
    }
    client_.mark_up();
}

bool Conn::looks_alive() const {
    // A peer that closed (Redis restarted) shows as EOF without blocking; unread bytes would
    // mean a reply nobody asked for. Either way the connection is not to be trusted.
    char b;
    ssize_t n = ::recv(ctx_->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

void Conn::ensure_ready() {
    if (ctx_ && !looks_alive()) discard();
    if (!ctx_) connect();
}

Reply Conn::command(const std::vector<std::string_view>& args) {
    if (!ctx_) throw AppException(Errc::redis_unavailable);
    std::vector<const char*> argv;
    std::vector<std::size_t> lens;
    argv.reserve(args.size());
    lens.reserve(args.size());
    for (auto a : args) {
        argv.push_back(a.data());
        lens.push_back(a.size());
    }
    auto* raw = static_cast<redisReply*>(
        redisCommandArgv(ctx_, static_cast<int>(argv.size()), argv.data(), lens.data()));
    if (!raw) {
        // I/O error or timeout: the stream may hold a late reply, so the connection goes.
        std::string why = ctx_->errstr;
        discard();
        client_.count_error();
        log::warn("redis", "command failed: " + why);
        throw AppException(Errc::redis_unavailable);
    }
    std::unique_ptr<redisReply, decltype(&freeReplyObject)> holder(raw, freeReplyObject);
    if (is_readonly(raw)) {
        // A replica now (failover): this connection is useless, the primary is elsewhere.
        discard();
        client_.count_error();
        client_.primary().report_failure();
        throw AppException(Errc::redis_unavailable);
    }
    return to_reply(raw);
}

Reply Conn::eval(const Script& script, const std::vector<std::string>& keys,
                 const std::vector<std::string>& args) {
    std::string nkeys = std::to_string(keys.size());
    std::vector<std::string_view> argv{"EVALSHA", script.sha1, nkeys};
    for (const auto& k : keys) argv.emplace_back(k);
    for (const auto& a : args) argv.emplace_back(a);
    Reply r = command(argv);
    if (r.is_error() && r.str.rfind("NOSCRIPT", 0) == 0) {
        argv[0] = "EVAL";
        argv[1] = script.source;
        r = command(argv);
    }
    return r;
}

Client::Client(config::RedisConfig cfg)
    : cfg_(std::move(cfg)),
      primary_(std::make_shared<PrimaryLocator>(cfg_)),
      pool_(cfg_.pool_size, [this] { return std::make_unique<Conn>(*this, cfg_); }) {}

Client::~Client() {
    pool_.stop();
}

bool Client::is_down() const {
    return now_ns() < down_until_ns_.load(std::memory_order_relaxed);
}

void Client::mark_down() {
    down_until_ns_.store(now_ns() + std::int64_t{cfg_.retry_interval_ms} * 1'000'000,
                         std::memory_order_relaxed);
}

void Client::mark_up() {
    down_until_ns_.store(0, std::memory_order_relaxed);
}

}  // namespace sh::redis
