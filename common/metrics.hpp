#pragma once
// The process's metrics in Prometheus's text format. Each family (a counter, gauge or histogram
// with its help) is named once, where it is added; its samples are read when /metrics is
// rendered; one writer prints them all (names, labels, numbers escaped and formatted one way).
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sh::metrics {

enum class Type { counter, gauge, histogram };
using Labels = std::vector<std::pair<std::string_view, std::string>>;

// One family's samples, as its reader gives them.
class Samples {
  public:
    Samples(std::string& out, std::string_view name) : out_(out), name_(name) {}
    void add(double value) { add({}, value); }
    void add(const Labels& labels, double value) { add_suffixed("", labels, value); }
    // A histogram's _bucket, _sum and _count.
    void add_suffixed(std::string_view suffix, const Labels& labels, double value);

  private:
    std::string& out_;
    std::string_view name_;
};

class Registry {
  public:
    using Reader = std::function<void(Samples&)>;
    // `name` must be new; the reader runs under the registry's lock at every render.
    void add(std::string name, Type type, std::string help, Reader read);
    // A family of one sample without labels.
    void add_value(std::string name, Type type, std::string help, std::function<double()> value);
    std::string render() const;

  private:
    struct Family {
        std::string name, help;
        Type type;
        Reader read;
    };
    mutable std::mutex mu_;
    std::vector<Family> families_;
};

// A number as the text format writes it: integers without a point, others in the shortest form
// that reads back the same.
std::string format_number(double v);

}  // namespace sh::metrics
