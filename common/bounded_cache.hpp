#pragma once
// The one in-memory cache: entries that live until a time, at most `capacity` of them, shared by
// threads (its own lock). When full, expired entries go first and, if it is still full, all of
// them: every cache here only saves a lookup the authority (MySQL, Redis) answers anyway, so a
// dropped entry costs one lookup, never a wrong answer.
//   Time: the clock the deadlines are on (the service's booking::TimePoint, or steady_clock's).
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <unordered_map>

namespace sh {

template <class K, class V, class Time, class Hash = std::hash<K>>
class BoundedCache {
  public:
    explicit BoundedCache(std::size_t capacity) : capacity_(capacity) {}

    // The entry's value while `now` is before its deadline; an expired entry is dropped.
    std::optional<V> find(const K& key, Time now) {
        std::lock_guard lock(mu_);
        auto it = map_.find(key);
        if (it == map_.end()) return std::nullopt;
        if (!(now < it->second.until)) {
            map_.erase(it);
            return std::nullopt;
        }
        return it->second.value;
    }

    void put(const K& key, V value, Time until, Time now) {
        std::lock_guard lock(mu_);
        make_room(now);
        map_.insert_or_assign(key, Entry{std::move(value), until});
    }

    // Runs f(value, until) on the entry under the cache's lock, making it first from V{} and
    // `now` as its deadline (already expired) when absent; returns what f returns. For entries
    // that change in place (counters within a window).
    template <class F>
    auto update(const K& key, Time now, F&& f) {
        std::lock_guard lock(mu_);
        auto it = map_.find(key);
        if (it == map_.end()) {
            make_room(now);
            it = map_.emplace(key, Entry{V{}, now}).first;
        }
        return f(it->second.value, it->second.until);
    }

    void erase(const K& key) {
        std::lock_guard lock(mu_);
        map_.erase(key);
    }
    std::size_t size() const {
        std::lock_guard lock(mu_);
        return map_.size();
    }

  private:
    struct Entry {
        V value;
        Time until;
    };
    void make_room(Time now) {
        if (map_.size() < capacity_) return;
        std::erase_if(map_, [&](const auto& e) { return !(now < e.second.until); });
        if (map_.size() >= capacity_) map_.clear();
    }

    const std::size_t capacity_;
    mutable std::mutex mu_;
    std::unordered_map<K, Entry, Hash> map_;
};

}  // namespace sh
