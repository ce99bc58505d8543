// SPDX-License-Identifier: Apache-2.0
#include "ExperimentAnnotation.h"

#include <QRandomGenerator>
#include <nlohmann/json.hpp>

namespace {

std::string text(const QString& value) {
    return value.toStdString();
}

QString qtext(const nlohmann::json& object, const char* key) {
    const auto found = object.find(key);
    return found != object.end() && found->is_string() ? QString::fromStdString(found->get<std::string>())
                                                       : QString();
}

std::string timeText(const QDateTime& time) {
    return text(time.toUTC().toString(Qt::ISODateWithMs));
}

QDateTime timeOf(const nlohmann::json& object, const char* key) {
    return QDateTime::fromString(qtext(object, key), Qt::ISODateWithMs);
}

const char* kindName(FaultSpec::Kind kind) {
    return kind == FaultSpec::Kind::Delay ? "delay" : "abort";
}

const char* scopeName(FaultSpec::Scope scope) {
    switch (scope) {
    case FaultSpec::Scope::AllTraffic:
        return "all";
    case FaultSpec::Scope::Route:
        return "route";
    case FaultSpec::Scope::Header:
        return "header";
    }
    return "all";
}

nlohmann::json faultToJson(const FaultSpec& fault) {
    return {{"kind", kindName(fault.kind)},          {"delayMs", fault.delayMs},
            {"httpStatus", fault.httpStatus},        {"grpcStatus", text(fault.grpcStatus)},
            {"percentage", fault.percentage},        {"scope", scopeName(fault.scope)},
            {"routeName", text(fault.routeName)},    {"headerName", text(fault.headerName)},
            {"headerValue", text(fault.headerValue)}};
}

std::optional<FaultSpec> faultFromJson(const nlohmann::json& object) {
    if (!object.is_object())
        return std::nullopt;
    FaultSpec fault;
    const QString kind = qtext(object, "kind");
    if (kind == u"delay")
        fault.kind = FaultSpec::Kind::Delay;
    else if (kind == u"abort")
        fault.kind = FaultSpec::Kind::Abort;
    else
        return std::nullopt;
    fault.delayMs = object.value("delayMs", 0);
    fault.httpStatus = object.value("httpStatus", 0);
    fault.grpcStatus = qtext(object, "grpcStatus");
    fault.percentage = object.value("percentage", 0.0);
    const QString scope = qtext(object, "scope");
    fault.scope = scope == u"route"    ? FaultSpec::Scope::Route
                  : scope == u"header" ? FaultSpec::Scope::Header
                                       : FaultSpec::Scope::AllTraffic;
    fault.routeName = qtext(object, "routeName");
    fault.headerName = qtext(object, "headerName");
    fault.headerValue = qtext(object, "headerValue");
    return fault;
}

} // namespace

QString ExperimentAnnotation::newId() {
    return QStringLiteral("fx-%1").arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0'));
}

std::string ExperimentAnnotation::key(const QString& id) {
    return KeyPrefix + text(id);
}

std::string ExperimentAnnotation::encode(const Record& record) {
    const Experiment& e = record.experiment;
    nlohmann::json guards = nlohmann::json::array();
    for (const GuardCondition& guard : e.guards) {
        guards.push_back(
            {{"metric",
              guard.metric == GuardCondition::Metric::SuccessRateBelow ? "successRateBelow" : "p99AboveMs"},
             {"service", text(guard.service)},
             {"threshold", guard.threshold}});
    }
    const nlohmann::json value = {{"id", text(e.id)},
                                  {"service", text(e.service)},
                                  {"owner", text(e.owner)},
                                  {"startedAt", timeText(e.startedAt)},
                                  {"expiresAt", timeText(e.expiresAt)},
                                  {"fault", faultToJson(e.fault)},
                                  {"guards", guards},
                                  {"httpBefore", nlohmann::json::parse(record.httpBefore)},
                                  {"httpAfter", nlohmann::json::parse(record.httpAfter)}};
    return value.dump();
}

std::optional<ExperimentAnnotation::Record> ExperimentAnnotation::decode(const std::string& value,
                                                                         const QString& namespaceName,
                                                                         const QString& virtualService) {
    const nlohmann::json object = nlohmann::json::parse(value, nullptr, false);
    if (!object.is_object() || !object.contains("httpBefore") || !object.contains("httpAfter"))
        return std::nullopt;
    const auto fault = faultFromJson(object.value("fault", nlohmann::json()));
    if (!fault)
        return std::nullopt;
    Record record;
    Experiment& e = record.experiment;
    e.id = qtext(object, "id");
    e.namespaceName = namespaceName;
    e.virtualService = virtualService;
    e.service = qtext(object, "service");
    e.owner = qtext(object, "owner");
    e.startedAt = timeOf(object, "startedAt");
    e.expiresAt = timeOf(object, "expiresAt");
    e.fault = *fault;
    // An experiment without an expiry could never be reaped: not one of ours.
    if (e.id.isEmpty() || !e.expiresAt.isValid())
        return std::nullopt;
    const auto guards = object.find("guards");
    if (guards != object.end() && guards->is_array()) {
        for (const auto& guard : *guards) {
            if (!guard.is_object())
                continue;
            GuardCondition condition;
            condition.metric = qtext(guard, "metric") == u"p99AboveMs"
                                   ? GuardCondition::Metric::P99AboveMs
                                   : GuardCondition::Metric::SuccessRateBelow;
            condition.service = qtext(guard, "service");
            condition.threshold = guard.value("threshold", 0.0);
            e.guards.append(condition);
        }
    }
    record.httpBefore = object["httpBefore"].dump();
    record.httpAfter = object["httpAfter"].dump();
    return record;
}

QList<ExperimentAnnotation::Record> ExperimentAnnotation::readAll(const nlohmann::json& virtualService) {
    QList<Record> records;
    const auto metadata = virtualService.find("metadata");
    if (metadata == virtualService.end() || !metadata->is_object())
        return records;
    const QString ns = qtext(*metadata, "namespace");
    const QString name = qtext(*metadata, "name");
    const auto annotations = metadata->find("annotations");
    if (annotations == metadata->end() || !annotations->is_object())
        return records;
    for (const auto& [key, value] : annotations->items()) {
        if (!key.starts_with(KeyPrefix) || !value.is_string())
            continue;
        if (auto record = decode(value.get<std::string>(), ns, name))
            records.append(std::move(*record));
    }
    return records;
}
