#include "common/metrics.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace sh::metrics {

namespace {
std::string_view type_name(Type t) {
    switch (t) {
        case Type::counter: return "counter";
        case Type::gauge: return "gauge";
        case Type::histogram: return "histogram";
    }
    return "untyped";
}

// A label value: backslash, double quote and newline escaped.
void append_escaped(std::string& out, std::string_view v) {
    for (char c : v) {
        if (c == '\\' || c == '"')
            out += '\\', out += c;
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
}
}  // namespace

std::string format_number(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    char buf[32];
    auto [end, ec] = std::abs(v) < 1e15 && v == std::floor(v)
                         ? std::to_chars(buf, buf + sizeof buf, static_cast<long long>(v))
                         : std::to_chars(buf, buf + sizeof buf, v);
    return ec == std::errc() ? std::string(buf, end) : "NaN";
}

void Samples::add_suffixed(std::string_view suffix, const Labels& labels, double value) {
    out_ += name_;
    out_ += suffix;
    if (!labels.empty()) {
        out_ += '{';
        for (std::size_t i = 0; i < labels.size(); ++i) {
            if (i) out_ += ',';
            out_ += labels[i].first;
            out_ += "=\"";
            append_escaped(out_, labels[i].second);
            out_ += '"';
        }
        out_ += '}';
    }
    out_ += ' ';
    out_ += format_number(value);
    out_ += '\n';
}

void Registry::add(std::string name, Type type, std::string help, Reader read) {
    std::lock_guard lock(mu_);
    for (const auto& f : families_)
        if (f.name == name) throw std::logic_error("metrics: " + name + " added twice");
    families_.push_back(Family{std::move(name), std::move(help), type, std::move(read)});
}

void Registry::add_value(std::string name, Type type, std::string help,
                         std::function<double()> value) {
    add(std::move(name), type, std::move(help),
        [value = std::move(value)](Samples& s) { s.add(value()); });
}

std::string Registry::render() const {
    std::lock_guard lock(mu_);
    std::string out;
    for (const auto& f : families_) {
        out += "# HELP " + f.name + " " + f.help + "\n";
        out += "# TYPE " + f.name + " " + std::string(type_name(f.type)) + "\n";
        Samples s(out, f.name);
        f.read(s);
    }
    return out;
}

}  // namespace sh::metrics
