#pragma once
// The topology of scripts/cluster.sh, as the cluster tests see it: its ports (the script's), calls
// through nginx over TLS or straight to one instance, SQL on the writer or on one Galera node,
// and the script itself to kill and restart processes.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/app_config.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/stack.hpp"

namespace sh::test {

class Cluster {
  public:
    static constexpr std::uint16_t nginx_port = 14443;
    static constexpr std::array<std::uint16_t, 3> app_ports{14081, 14082, 14083};
    static constexpr std::uint16_t writer_port = 14306;
    static constexpr std::array<std::uint16_t, 3> node_ports{14311, 14312, 14313};

    Cluster() {
        const char* d = std::getenv("SH_CLUSTER_DIR");
        dir_ = d ? d : std::string(SH_SOURCE_DIR) + "/.run/cluster";
    }

    // A number of this test run: ids and codes made from it are new on every run against the
    // same cluster.
    static long run() {
        static const long r = static_cast<long>(std::time(nullptr) % 100000);
        return r;
    }

    // Through nginx over TLS (the test CA, SNI localhost), from `source` (127.0.x.y) if given.
    ClientOptions nginx(const std::string& source = "") const {
        return {source, dir_ + "/tls/ca.pem", "localhost"};
    }
    static ClientOptions direct(const std::string& source = "") {
        return {source, "", "localhost"};
    }

    ApiResult call(std::uint16_t port, const ClientOptions& how, const std::string& method,
                   const std::string& path, const nlohmann::json& body = nullptr,
                   const std::string& token = "", const std::string& extra_headers = "") const {
        std::string headers =
            (token.empty() ? "" : "Authorization: Bearer " + token + "\r\n") + extra_headers;
        ApiResult out;
        try {
            auto r = request(port, how, method, path, body.is_null() ? "" : body.dump(), headers);
            if (!r) return out;  // status 0: no answer (connection lost, timeout)
            out.status = r->status;
            out.raw = r->body;
            out.headers = r->headers;
            out.body = nlohmann::json::parse(r->body, nullptr, false);
        } catch (const std::exception&) {
            // status 0: could not connect
        }
        return out;
    }
    ApiResult api(const std::string& method, const std::string& path,
                  const nlohmann::json& body = nullptr, const std::string& token = "",
                  const std::string& extra_headers = "", const std::string& source = "") const {
        return call(nginx_port, nginx(source), method, path, body, token, extra_headers);
    }

    // Signs in through nginx and agrees to the privacy guide: {token, user id}.
    std::pair<std::string, std::uint64_t> login(const std::string& code,
                                                const std::string& source = "") const {
        auto r = api("POST", "/api/v1/auth/login", nlohmann::json{{"code", code}}, "", "", source);
        if (r.status != 200)
            throw std::runtime_error("login failed (" + std::to_string(r.status) + "): " + r.raw);
        std::string token = r.body["token"].get<std::string>();
        // and agrees to the privacy guide, as the phone's first run does
        auto guide = api("GET", "/api/v1/privacy/guide", nullptr, "", "", source);
        auto agreed =
            api("POST", "/api/v1/me/consents",
                nlohmann::json{{"policy_version", guide.body["version"]}}, token, "", source);
        if (agreed.status != 200) throw std::runtime_error("consent failed: " + agreed.raw);
        return {token, r.body["user"]["id"].get<std::uint64_t>()};
    }

    // MariaDB as the application user: the writer through haproxy, or one node directly.
    config::MysqlConfig db(std::uint16_t port = writer_port) const {
        config::MysqlConfig c;
        c.port = port;
        c.user = "sharedhall";
        c.password = "sharedhall-cluster";
        c.database = "sharedhall";
        return c;
    }
    void sql(const std::string& statement) const {
        std::string out;
        if (mariadb(writer_port, statement, out) != 0)
            throw std::runtime_error("SQL failed: " + statement + "\n" + out);
    }
    // A query's rows as the mariadb client prints them (tab-separated), for a failure's message.
    std::string rows(const std::string& query, std::uint16_t port = writer_port) const {
        std::string out;
        mariadb(port, query, out);
        return out;
    }
    long long scalar(const std::string& query, std::uint16_t port = writer_port) const {
        std::string out;
        if (mariadb(port, query, out) != 0)
            throw std::runtime_error("SQL failed: " + query + "\n" + out);
        return std::stoll(out);
    }

    // scripts/cluster.sh with these arguments; its output in `out`.
    int script(const std::vector<std::string>& args, std::string* out = nullptr) const {
        std::vector<std::string> argv{"/bin/bash",
                                      std::string(SH_SOURCE_DIR) + "/scripts/cluster.sh"};
        argv.insert(argv.end(), args.begin(), args.end());
        std::string o;
        int rc =
            run_command(argv, {"SH_CLUSTER_DIR=" + dir_, std::string("SH_BINARY=") + SH_BINARY}, o);
        if (out) *out = o;
        return rc;
    }
    std::string writer() const {
        std::string out;
        script({"writer"}, &out);
        while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
        return out;
    }
    // Every Galera node that holds a connection made through the writer's port: the one writer,
    // or more when haproxy split the instances' connections between nodes.
    std::string writers() const {
        std::string out;
        script({"writers"}, &out);
        while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
        return out;
    }
    // Brings back whatever a test killed (idempotent).
    void restore() const {
        std::string out;
        if (script({"start"}, &out) != 0)
            throw std::runtime_error("cluster.sh start failed:\n" + out);
    }
    // Makes a member a district admin (sharedhall grant-role on the cluster's database).
    void grant_district_admin(const std::string& openid) const {
        std::string out;
        run_command({SH_BINARY, "grant-role", "--config", dir_ + "/app1/config.json", "--openid",
                     openid, "--role", "district_admin"},
                    {}, out);
    }

    // What the three instances wrote (access log lines and their own).
    std::string app_logs() const {
        std::string all;
        for (int n = 1; n <= 3; ++n) {
            std::ifstream in(dir_ + "/app" + std::to_string(n) + "/log");
            std::stringstream ss;
            ss << in.rdbuf();
            all += ss.str();
        }
        return all;
    }

  private:
    int mariadb(std::uint16_t port, const std::string& statement, std::string& out) const {
        return run_command({"/usr/bin/mariadb", "-h127.0.0.1", "-P" + std::to_string(port),
                            "-usharedhall", "-N", "-B", "sharedhall", "-e", statement},
                           {"MYSQL_PWD=sharedhall-cluster"}, out);
    }
    std::string dir_;
};

// Seconds since `t0`.
inline double since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace sh::test
