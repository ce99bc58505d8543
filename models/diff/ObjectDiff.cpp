// SPDX-License-Identifier: Apache-2.0
#include "ObjectDiff.h"

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <cctype>
#include <cstdlib>
#include <vector>

namespace {

// A string YAML would read as something else (a number, a boolean, null) must be quoted, or the
// preview would show `"80"` as the number 80.
bool needsQuotes(const std::string& text)
{
    if (text.empty())
        return true;
    static const char* const words[] = {"true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"};
    std::string lower = text;
    for (char& c : lower)
        c = char(std::tolower(static_cast<unsigned char>(c)));
    for (const char* word : words) {
        if (lower == word)
            return true;
    }
    char* end = nullptr;
    std::strtod(text.c_str(), &end);
    return end == text.c_str() + text.size() || lower == ".inf" || lower == "-.inf" || lower == ".nan";
}

void emit(YAML::Emitter& out, const nlohmann::json& value)
{
    switch (value.type()) {
    case nlohmann::json::value_t::object:
        out << YAML::BeginMap;
        for (auto it = value.begin(); it != value.end(); ++it) {
            out << YAML::Key << it.key() << YAML::Value;
            emit(out, it.value());
        }
        out << YAML::EndMap;
        break;
    case nlohmann::json::value_t::array:
        out << YAML::BeginSeq;
        for (const auto& item : value)
            emit(out, item);
        out << YAML::EndSeq;
        break;
    case nlohmann::json::value_t::string: {
        const std::string& text = value.get_ref<const std::string&>();
        if (needsQuotes(text))
            out << YAML::DoubleQuoted;
        out << text;
        break;
    }
    case nlohmann::json::value_t::null:
        out << YAML::Null;
        break;
    default:
        out << value.dump(); // numbers and booleans as JSON spells them, which YAML reads the same
        break;
    }
}

} // namespace

QString ObjectDiff::yaml(const nlohmann::json& object)
{
    nlohmann::json shown = object;
    // What the server keeps for itself: noise in a review, and it changes on every write.
    if (shown.is_object() && shown.contains("metadata") && shown["metadata"].is_object())
        shown["metadata"].erase("managedFields");
    YAML::Emitter out;
    out.SetIndent(2);
    out.SetSeqFormat(YAML::Block);
    emit(out, shown);
    return QString::fromStdString(out.c_str());
}

QList<DiffLine> ObjectDiff::compare(const nlohmann::json& before, const nlohmann::json& after)
{
    const auto lines = [](const nlohmann::json& object) {
        return object.is_null() ? QStringList() : yaml(object).split(u'\n');
    };
    return compareLines(lines(before), lines(after));
}

QList<DiffLine> ObjectDiff::compareJson(const QByteArray& before, const QByteArray& after)
{
    const auto parsed = [](const QByteArray& text) {
        nlohmann::json object = text.isEmpty() ? nlohmann::json() : nlohmann::json::parse(text.toStdString(), nullptr, false);
        return object.is_discarded() ? nlohmann::json() : object;
    };
    return compare(parsed(before), parsed(after));
}

QList<DiffLine> ObjectDiff::compareLines(const QStringList& before, const QStringList& after)
{
    // Routing objects are a few hundred lines at most: the quadratic table is small and exact.
    const qsizetype n = before.size();
    const qsizetype m = after.size();
    std::vector<std::vector<int>> common(size_t(n + 1), std::vector<int>(size_t(m + 1), 0));
    for (qsizetype i = n - 1; i >= 0; --i) {
        for (qsizetype j = m - 1; j >= 0; --j) {
            common[size_t(i)][size_t(j)] = before[i] == after[j]
                ? common[size_t(i + 1)][size_t(j + 1)] + 1
                : std::max(common[size_t(i + 1)][size_t(j)], common[size_t(i)][size_t(j + 1)]);
        }
    }
    QList<DiffLine> result;
    qsizetype i = 0;
    qsizetype j = 0;
    while (i < n && j < m) {
        if (before[i] == after[j]) {
            result.append({DiffLine::Kind::Same, before[i]});
            ++i;
            ++j;
        } else if (common[size_t(i + 1)][size_t(j)] >= common[size_t(i)][size_t(j + 1)]) {
            result.append({DiffLine::Kind::Removed, before[i++]});
        } else {
            result.append({DiffLine::Kind::Added, after[j++]});
        }
    }
    while (i < n)
        result.append({DiffLine::Kind::Removed, before[i++]});
    while (j < m)
        result.append({DiffLine::Kind::Added, after[j++]});
    return result;
}

QString ObjectDiff::unified(const QList<DiffLine>& lines, int context)
{
    std::vector<char> shown(size_t(lines.size()), 0);
    bool changed = false;
    for (qsizetype k = 0; k < lines.size(); ++k) {
        if (lines[k].kind == DiffLine::Kind::Same)
            continue;
        changed = true;
        for (qsizetype c = std::max<qsizetype>(0, k - context); c <= std::min<qsizetype>(lines.size() - 1, k + context); ++c)
            shown[size_t(c)] = 1;
    }
    if (!changed)
        return {};
    QStringList out;
    bool skipped = false;
    for (qsizetype k = 0; k < lines.size(); ++k) {
        if (!shown[size_t(k)]) {
            skipped = true;
            continue;
        }
        if (skipped)
            out.append(QStringLiteral("…"));
        skipped = false;
        const QChar prefix = lines[k].kind == DiffLine::Kind::Same ? u' ' : lines[k].kind == DiffLine::Kind::Removed ? u'-' : u'+';
        out.append(prefix + lines[k].text);
    }
    if (skipped)
        out.append(QStringLiteral("…"));
    return out.join(u'\n');
}
