// SPDX-License-Identifier: Apache-2.0
#include "MatchRoutes.h"

#include <nlohmann/json.hpp>

#include <QRegularExpression>
#include <QStringList>

namespace {

using nlohmann::json;

QString text(const json& value)
{
    return value.is_string() ? QString::fromStdString(value.get<std::string>()) : QString::fromStdString(value.dump());
}

// "exact jason" → "= jason", as operators read it.
QString describeStringMatch(const json& match)
{
    if (!match.is_object() || match.empty())
        return QStringLiteral("present");
    for (const auto& [kind, sign] : {std::pair{"exact", "="}, std::pair{"prefix", "starts with"}, std::pair{"regex", "~"}}) {
        if (match.contains(kind))
            return QString::fromUtf8(sign) + u' ' + text(match.at(kind));
    }
    return QString::fromStdString(match.dump());
}

QString describeBlock(const json& block)
{
    QStringList parts;
    if (block.contains("uri"))
        parts.append(QStringLiteral("uri ") + describeStringMatch(block.at("uri")));
    for (const char* field : {"headers", "queryParams"}) {
        if (!block.contains(field) || !block.at(field).is_object())
            continue;
        for (auto it = block.at(field).begin(); it != block.at(field).end(); ++it) {
            parts.append(QString::fromUtf8(std::string_view(field) == "headers" ? "header " : "query ")
                         + QString::fromStdString(it.key()) + u' ' + describeStringMatch(it.value()));
        }
    }
    for (auto it = block.begin(); it != block.end(); ++it) {
        if (it.key() != "uri" && it.key() != "headers" && it.key() != "queryParams" && it.key() != "name")
            parts.append(QString::fromStdString(it.key()) + u' ' + QString::fromStdString(it.value().dump()));
    }
    return parts.join(QStringLiteral(" and "));
}

QString describeDestinations(const json& route)
{
    if (!route.is_array())
        return {};
    if (route.size() == 1)
        return text(route.at(0).value("destination", json::object()).value("subset", json("all versions")));
    QStringList parts;
    for (const json& destination : route) {
        parts.append(text(destination.value("destination", json::object()).value("subset", json("?"))) + u' '
                     + QString::number(destination.value("weight", 0)) + QStringLiteral(" %"));
    }
    return parts.join(QStringLiteral(", "));
}

QString regexEscaped(const QString& value)
{
    return QRegularExpression::escape(value);
}

} // namespace

QString MatchRoutes::describe(const json& httpRoute)
{
    QStringList blocks;
    for (const json& block : httpRoute.value("match", json::array()))
        blocks.append(describeBlock(block));
    return blocks.join(QStringLiteral(" or "));
}

QStringList MatchRoutes::warnings(const json& virtualService)
{
    QStringList result;
    const json& http = virtualService.value("spec", json::object()).value("http", json::array());
    for (size_t i = 0; i < http.size(); ++i) {
        const json& route = http.at(i);
        if (route.contains("fault") && (route.contains("retries") || route.contains("timeout")))
            result.append(QStringLiteral("Route %1 injects a fault, so Istio ignores its retries and timeout.").arg(i + 1));
        if (!route.contains("match"))
            continue;
        for (size_t earlier = 0; earlier < i; ++earlier) {
            if (http.at(earlier).value("match", json()) == route.at("match")) {
                result.append(QStringLiteral("Route %1 (%2) is never used: route %3 before it has the same conditions.")
                                  .arg(i + 1)
                                  .arg(describe(route))
                                  .arg(earlier + 1));
                break;
            }
        }
    }
    return result;
}

QString MatchRoutes::describe(const MatchCondition& condition)
{
    return describeBlock(matchFor(condition));
}

QList<MatchRoute> MatchRoutes::read(const json& virtualService, const MeshTopology& topology, const QString& service)
{
    QList<MatchRoute> routes;
    const json& http = virtualService.value("spec", json::object()).value("http", json::array());
    for (size_t i = 0; i < http.size(); ++i) {
        const json& route = http.at(i);
        if (!route.contains("match") || route.at("match").empty())
            continue;
        // Only routes that lead to this service (a VirtualService may route several hosts).
        bool ours = false;
        for (const json& destination : route.value("route", json::array()))
            ours = ours || topology.hostNamesService(text(destination.value("destination", json::object()).value("host", json(""))), service);
        if (ours)
            routes.append({int(i), describe(route), describeDestinations(route.value("route", json::array()))});
    }
    return routes;
}

QString MatchRoutes::problemWith(const MatchCondition& condition)
{
    if (condition.value.isEmpty())
        return QStringLiteral("give the value requests must carry");
    if (condition.field == MatchCondition::Field::UriPrefix)
        return condition.value.startsWith(u'/') ? QString() : QStringLiteral("a URI prefix starts with /");
    if (condition.name.isEmpty())
        return QStringLiteral("give the name to match");
    static const QRegularExpression token(QStringLiteral("^[!#$%&'*+.^_`|~0-9a-zA-Z-]+$"));
    if (!token.match(condition.name).hasMatch())
        return QStringLiteral("\"%1\" is not a valid name: use letters, digits and -").arg(condition.name);
    // istiod: header names in a match must be lower case (HTTP/2 sends them so).
    if (condition.field == MatchCondition::Field::Header && condition.name != condition.name.toLower())
        return QStringLiteral("header names must be lower case: %1").arg(condition.name.toLower());
    return {};
}

json MatchRoutes::matchFor(const MatchCondition& condition)
{
    const std::string name = condition.name.toStdString();
    const std::string value = condition.value.toStdString();
    switch (condition.field) {
    case MatchCondition::Field::Header:
        return {{"headers", {{name, {{"exact", value}}}}}};
    case MatchCondition::Field::Cookie:
        // The cookie header holds "a=1; b=2": match the pair anywhere in it, as Istio's samples do.
    {
        const QString pattern = QStringLiteral("^(.*?;)?\\s*") + regexEscaped(condition.name) + u'=' + regexEscaped(condition.value)
            + QStringLiteral("(;.*)?$");
        return {{"headers", {{"cookie", {{"regex", pattern.toStdString()}}}}}};
    }
    case MatchCondition::Field::QueryParameter:
        return {{"queryParams", {{name, {{"exact", value}}}}}};
    case MatchCondition::Field::UriPrefix:
        break;
    }
    return {{"uri", {{"prefix", value}}}};
}

QString MatchRoutes::add(json& virtualService, const MeshTopology& topology, const QString& service,
                         const MatchCondition& condition, const QString& subset)
{
    if (const QString problem = problemWith(condition); !problem.isEmpty())
        return problem;
    if (!virtualService.contains("spec") || !virtualService["spec"].is_object())
        return QStringLiteral("the VirtualService has no spec");
    json& http = virtualService["spec"]["http"];
    if (!http.is_array())
        http = json::array();
    // Before the first route without conditions (the default), after every other match route.
    size_t position = http.size();
    for (size_t i = 0; i < http.size(); ++i) {
        if (!http[i].contains("match") || http[i]["match"].empty()) {
            position = i;
            break;
        }
    }
    std::string host = service.toStdString();
    if (position < http.size()) {
        // The same host spelling the default route uses.
        for (const json& destination : http[position].value("route", json::array())) {
            const QString spelled = text(destination.value("destination", json::object()).value("host", json("")));
            if (topology.hostNamesService(spelled, service))
                host = spelled.toStdString();
        }
    }
    const json route = {{"match", json::array({matchFor(condition)})},
                        {"route", json::array({{{"destination", {{"host", host}, {"subset", subset.toStdString()}}}}})}};
    http.insert(http.begin() + std::ptrdiff_t(position), route);
    return {};
}

QString MatchRoutes::remove(json& virtualService, int httpIndex, const QString& description)
{
    json& http = virtualService["spec"]["http"];
    if (!http.is_array() || httpIndex < 0 || size_t(httpIndex) >= http.size() || describe(http[size_t(httpIndex)]) != description)
        return QStringLiteral("the route \"%1\" is no longer where it was; look again").arg(description);
    http.erase(http.begin() + httpIndex);
    return {};
}
