#include "server/http/message.hpp"

#include "server/http/errors.hpp"

#include <cctype>

#include "common/names.hpp"

namespace sh::http {

namespace {
constexpr NameTable methods{std::pair{Method::get, std::string_view("GET")},
                            std::pair{Method::head, std::string_view("HEAD")},
                            std::pair{Method::post, std::string_view("POST")},
                            std::pair{Method::put, std::string_view("PUT")},
                            std::pair{Method::patch, std::string_view("PATCH")},
                            std::pair{Method::del, std::string_view("DELETE")},
                            std::pair{Method::options, std::string_view("OPTIONS")},
                            std::pair{Method::other, std::string_view("OTHER")}};
}  // namespace

std::string_view method_name(Method m) {
    return methods.name(m);
}

std::string_view Request::path() const {
    std::string_view t = target;
    return t.substr(0, t.find('?'));
}

std::string_view Request::query() const {
    std::string_view t = target;
    auto q = t.find('?');
    return q == std::string_view::npos ? std::string_view{} : t.substr(q + 1);
}

std::optional<std::string_view> Request::header(std::string_view lower_name) const {
    for (const auto& [k, v] : headers)
        if (k == lower_name) return std::string_view(v);
    return std::nullopt;
}

std::optional<std::string> Request::header_list(std::string_view lower_name) const {
    std::optional<std::string> out;
    for (const auto& [k, v] : headers) {
        if (k != lower_name) continue;
        if (out)
            *out += ", ";
        else
            out.emplace();
        *out += v;
    }
    return out;
}

namespace {
int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string percent_decode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+') {
            out.push_back(' ');
        } else if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 &&
                   hex_value(s[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
            i += 2;
        } else {
            out.push_back(s[i]);
        }
    }
    return out;
}
}  // namespace

std::optional<std::string> Request::query_param(std::string_view name) const {
    std::string_view q = query();
    while (!q.empty()) {
        auto amp = q.find('&');
        std::string_view pair = q.substr(0, amp);
        q = amp == std::string_view::npos ? std::string_view{} : q.substr(amp + 1);
        auto eq = pair.find('=');
        std::string key = percent_decode(pair.substr(0, eq));
        if (key == name)
            return eq == std::string_view::npos ? std::string{}
                                                : percent_decode(pair.substr(eq + 1));
    }
    return std::nullopt;
}

nlohmann::json Request::json_body() const {
    auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) throw FailureException(transport_failure("bad_json"));
    return j;
}

Response Response::json(int status, const nlohmann::json& body) {
    Response r;
    r.status = status;
    r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return r;
}

Response Response::error(const Failure& f) {
    Response r;
    r.status = status_of(f.code);
    // message: English, for developers; message_zh: the sentence a member reads (one table,
    // server/http/errors.cpp), whatever the request's language.
    nlohmann::json err = {
        {"code", f.code}, {"message", f.message}, {"message_zh", chinese_of(f.code)}};
    if (!f.details.is_null()) err["details"] = f.details;
    r.body = nlohmann::json{{"error", std::move(err)}}.dump(
        -1, ' ', false, nlohmann::json::error_handler_t::replace);
    // A limit that says when to come back says it in the header too (429 and friends).
    const auto& d = f.details;
    if (d.is_object() && d.contains("retry_after") && d["retry_after"].is_number_integer())
        r.headers.emplace_back("Retry-After", std::to_string(d["retry_after"].get<int>()));
    return r;
}

Response Response::text(int status, std::string body, std::string content_type) {
    Response r;
    r.status = status;
    r.body = std::move(body);
    r.content_type = std::move(content_type);
    return r;
}

}  // namespace sh::http
